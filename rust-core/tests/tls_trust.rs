//! The core's HTTPS client checks a gateway's certificate against the trust
//! it is given: a gateway whose certificate comes from a CA only the
//! machine's store holds (a company's CA, installed on the phone) is reached
//! with the platform verifier and refused with the bundled roots; a
//! certificate for another name is refused by both. On Linux the platform
//! verifier reads the system store, which `SSL_CERT_FILE` replaces here, so
//! this file holds one test (the variable is the process's).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;

use icp_companion_core::http::{client_trusting, Timeouts, Trust};
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// A CA of the test's own and a gateway certificate for `localhost` it signed.
fn company_ca() -> (String, Vec<CertificateDer<'static>>, PrivateKeyDer<'static>) {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(DnType::CommonName, "ICP companion test company CA");
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca = CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap();
    let key = KeyPair::generate().unwrap();
    let gateway = CertificateParams::new(vec!["localhost".to_string()])
        .unwrap()
        .signed_by(&key, &ca)
        .unwrap();
    let chain = vec![gateway.der().clone(), ca.der().clone()];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    (ca.pem(), chain, key)
}

/// A one-page HTTPS server on loopback presenting `chain`; its port.
fn serve(chain: Vec<CertificateDer<'static>>, key: PrivateKeyDer<'static>) -> u16 {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for tcp in listener.incoming().flatten() {
            let connection = rustls::ServerConnection::new(config.clone()).unwrap();
            let mut tls = rustls::StreamOwned::new(connection, tcp);
            let mut request = Vec::new();
            let mut byte = [0u8; 1];
            // A refused handshake ends the read with an error: next client.
            while !request.ends_with(b"\r\n\r\n") {
                match tls.read(&mut byte) {
                    Ok(1) => request.push(byte[0]),
                    _ => break,
                }
            }
            if request.ends_with(b"\r\n\r\n") {
                let _ = tls.write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok",
                );
                let _ = tls.flush();
                tls.conn.send_close_notify();
                let _ = tls.flush();
            }
        }
    });
    port
}

/// The body, or the whole error chain as text.
async fn get(trust: Trust, url: &str) -> Result<String, String> {
    let client = client_trusting(&Timeouts::default(), true, trust).map_err(|e| e.to_string())?;
    let answer = client.get(url).send().await.map_err(|e| {
        let mut text = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            text.push_str(&format!(": {s}"));
            source = s.source();
        }
        text
    })?;
    answer.text().await.map_err(|e| e.to_string())
}

#[tokio::test]
async fn a_company_ca_is_trusted_through_the_platform_store_only() {
    let (ca_pem, chain, key) = company_ca();
    let dir = std::env::temp_dir().join(format!("icp-tls-trust-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let store = dir.join("company-ca.pem");
    std::fs::write(&store, ca_pem).unwrap();
    // The "system store" of this process: the company CA alone.
    std::env::set_var("SSL_CERT_FILE", &store);
    std::env::remove_var("SSL_CERT_DIR");
    let port = serve(chain, key);
    let url = format!("https://localhost:{port}/");

    assert_eq!(get(Trust::Platform, &url).await.as_deref(), Ok("ok"));

    let refused = get(Trust::BundledRoots, &url).await.unwrap_err();
    assert!(refused.contains("UnknownIssuer"), "{refused}");

    // The certificate names localhost, not the address.
    let other_name = get(Trust::Platform, &format!("https://127.0.0.1:{port}/"))
        .await
        .unwrap_err();
    assert!(
        other_name.to_lowercase().contains("certificate"),
        "{other_name}"
    );

    std::fs::remove_dir_all(&dir).unwrap();
}
