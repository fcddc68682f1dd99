//! Every province rule of the seeds, through `requirements_for`.

use icp_companion_core::order::{Province, SubjectType};
use icp_companion_core::rules::{
    requirements_for, DomainListing, PhoneSteps, RulesError, StatementMark,
};

const ORG: SubjectType = SubjectType::Organisation;
const IND: SubjectType = SubjectType::Individual;

fn codes(province: u32, subject: SubjectType) -> Vec<String> {
    requirements_for(province, subject)
        .unwrap()
        .notes
        .into_iter()
        .map(|n| n.code)
        .collect()
}

#[test]
fn phone_steps_follow_the_seeds() {
    let with_app = [44, 50, 21, 34, 35]; // Guangdong, Chongqing, Liaoning, Anhui, Fujian
    for province in Province::all() {
        let rules = requirements_for(province.code() as u32, ORG).unwrap();
        let expected = if with_app.contains(&province.code()) {
            PhoneSteps::DocumentsAndOwner
        } else if province == Province::Shanghai {
            PhoneSteps::AdministratorInRegion
        } else {
            PhoneSteps::WebsiteOnly
        };
        assert_eq!(rules.phone_steps, expected, "{province:?}");
    }
    assert!(codes(31, ORG).contains(&"rules.administrator_in_region".to_string()));
    let shanghai = requirements_for(31, ORG).unwrap();
    assert!(shanghai.notes[0].text_zh.contains("上海市通信管理局"));
    assert!(codes(44, IND).contains(&"rules.documents_and_owner".to_string()));
    assert!(codes(11, IND).contains(&"rules.website_only".to_string()));
}

#[test]
fn shanghai_verifies_in_region_with_the_administrators_phone() {
    for province in Province::all() {
        let rules = requirements_for(province.code() as u32, IND).unwrap();
        let shanghai = province == Province::Shanghai;
        assert_eq!(rules.in_region_verification, shanghai, "{province:?}");
        assert_eq!(rules.admin_phone_must_match, shanghai, "{province:?}");
    }
    let notes = codes(31, ORG);
    assert!(notes.contains(&"rules.in_region_verification".to_string()));
    assert!(notes.contains(&"rules.admin_phone_must_match".to_string()));
}

#[test]
fn seal_for_organisations_everywhere_fingerprint_for_individuals_in_jiangxi_and_xinjiang() {
    for province in Province::all() {
        let code = province.code() as u32;
        assert_eq!(
            requirements_for(code, ORG).unwrap().statement_mark,
            StatementMark::OfficialSeal
        );
        let individual = requirements_for(code, IND).unwrap().statement_mark;
        let expected = if matches!(province, Province::Jiangxi | Province::Xinjiang) {
            StatementMark::Fingerprint
        } else {
            StatementMark::Signature
        };
        assert_eq!(individual, expected, "{province:?}");
    }
    assert!(codes(36, IND).contains(&"rules.fingerprint".to_string()));
    assert!(codes(11, IND).contains(&"rules.signature".to_string()));
    assert!(codes(11, ORG).contains(&"rules.official_seal".to_string()));
}

#[test]
fn guangdong_individuals_write_the_declaration() {
    assert!(requirements_for(44, IND).unwrap().statement_declaration);
    assert!(!requirements_for(44, ORG).unwrap().statement_declaration);
    assert!(!requirements_for(11, IND).unwrap().statement_declaration);
    let note = requirements_for(44, IND)
        .unwrap()
        .notes
        .into_iter()
        .find(|n| n.code == "rules.individual_declaration")
        .unwrap();
    assert!(note
        .text_en
        .contains("I have completed facial verification for ICP registration"));
    assert!(note.text_zh.contains("人脸核验"));
}

#[test]
fn multiple_domain_names_follow_the_three_regimes() {
    let one_form = [15, 23, 65, 46, 51, 50];
    let widened = [36, 62, 43];
    for province in Province::all() {
        let code = province.code();
        let listing = requirements_for(code as u32, ORG).unwrap().domain_listing;
        let expected = if one_form.contains(&code) {
            DomainListing::OneFormFreeSpace
        } else if widened.contains(&code) {
            DomainListing::WidenedDomainArea
        } else {
            DomainListing::AttachedList
        };
        assert_eq!(listing, expected, "{province:?}");
    }
    assert!(codes(11, ORG).contains(&"rules.attached_list_organisation".to_string()));
    assert!(codes(11, IND).contains(&"rules.attached_list_individual".to_string()));
}

#[test]
fn backdrops_are_mailed_in_the_mainland_only_and_every_note_is_bilingual() {
    for province in Province::all() {
        for subject in [IND, ORG] {
            let rules = requirements_for(province.code() as u32, subject).unwrap();
            assert!(rules.backdrop_mailing_mainland_only);
            assert!(!rules.rules_version.is_empty());
            for note in &rules.notes {
                assert!(note.code.starts_with("rules."));
                assert!(
                    !note.text_en.is_empty() && !note.text_zh.is_empty(),
                    "{}",
                    note.code
                );
                assert!(note
                    .text_zh
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)));
            }
        }
    }
}

#[test]
fn unknown_province_codes_are_errors_not_defaults() {
    for code in [0, 10, 16, 71, 81, 82, 99, 256, 4_000_000_000] {
        assert_eq!(
            requirements_for(code, ORG),
            Err(RulesError::UnknownProvince {
                province_code: code
            }),
            "{code}"
        );
    }
}
