//! The gateway an order code sends photos to, and the rules that stop a
//! forged or altered code from sending ID photos to a stranger's server.

use std::net::IpAddr;

use url::{Host, Url};

use super::OrderError;

/// Longest gateway URL an order code may carry, in bytes; with the longest
/// order id the code still fits QR version 10 at level M.
pub const MAX_GATEWAY_LEN: usize = 64;

/// A gateway base URL in canonical form: `scheme://host[:port][/path]`,
/// lowercase scheme and host, no trailing slash, no user info, query or fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gateway {
    canonical: String,
    url: Url,
}

impl Gateway {
    /// Parses and canonicalises a gateway base URL.
    pub fn parse(text: &str) -> Result<Gateway, OrderError> {
        let invalid = |en: &str, zh: &str| {
            OrderError::invalid(format!("the gateway address {en}"), format!("网关地址{zh}"))
        };
        let url = Url::parse(text).map_err(|_| invalid("is not a web address", "不是网址"))?;
        if url.cannot_be_a_base() || url.host().is_none() {
            return Err(invalid("has no host", "缺少主机名"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid(
                "must not contain a user name or password",
                "不得包含用户名或密码",
            ));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(invalid(
                "must not contain a query or fragment",
                "不得包含查询参数或片段",
            ));
        }
        let mut canonical = url.as_str().trim_end_matches('/').to_string();
        if canonical.len() > MAX_GATEWAY_LEN {
            return Err(invalid("is longer than 64 bytes", "超过 64 字节"));
        }
        canonical.shrink_to_fit();
        Ok(Gateway { canonical, url })
    }

    /// The canonical URL text; what the signature covers.
    pub fn as_str(&self) -> &str {
        &self.canonical
    }

    /// The host name or address, as the allow-list compares it.
    pub fn host(&self) -> String {
        match self.url.host() {
            Some(Host::Ipv6(ip)) => format!("[{ip}]"),
            Some(host) => host.to_string(),
            None => String::new(),
        }
    }

    /// True when the host is a loopback address or `localhost`.
    pub fn is_loopback(&self) -> bool {
        match self.url.host() {
            Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
            Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
            Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
            None => false,
        }
    }

    /// A URL under the gateway, e.g. `join("files")`.
    pub fn join(&self, path: &str) -> String {
        format!("{}/{}", self.canonical, path.trim_start_matches('/'))
    }

    /// Refuses non-HTTPS gateways (plain HTTP only to loopback) and hosts
    /// outside `allowed_hosts`. An entry is an exact host (`gw.example.cn`,
    /// `127.0.0.1`, `[::1]`) or `*.example.cn` for any subdomain of it.
    pub fn check_policy(&self, allowed_hosts: &[String]) -> Result<(), OrderError> {
        match self.url.scheme() {
            "https" => {}
            "http" if self.is_loopback() => {}
            _ => {
                return Err(OrderError::InsecureGateway {
                    url: self.canonical.clone(),
                })
            }
        }
        let host = self.host();
        let allowed = allowed_hosts.iter().any(|entry| {
            let entry = entry.trim().to_ascii_lowercase();
            match entry.strip_prefix("*.") {
                Some(suffix) => host
                    .strip_suffix(suffix)
                    .is_some_and(|head| head.len() > 1 && head.ends_with('.')),
                None => host == entry,
            }
        });
        if allowed {
            Ok(())
        } else {
            Err(OrderError::GatewayNotAllowed { host })
        }
    }
}

impl std::fmt::Display for Gateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.canonical)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allow(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn canonicalises() {
        let g = Gateway::parse("HTTPS://GW.Example.CN:8443/icp/").unwrap();
        assert_eq!(g.as_str(), "https://gw.example.cn:8443/icp");
        assert_eq!(g.host(), "gw.example.cn");
        assert_eq!(g.join("/files"), "https://gw.example.cn:8443/icp/files");
    }

    #[test]
    fn refuses_bad_urls() {
        for bad in [
            "not a url",
            "mailto:a@b.cn",
            "https://user:pw@gw.example.cn",
            "https://gw.example.cn/?q=1",
            "https://gw.example.cn/#x",
        ] {
            assert!(
                matches!(Gateway::parse(bad), Err(OrderError::InvalidInput { .. })),
                "{bad}"
            );
        }
        let long = format!("https://gw.example.cn/{}", "a".repeat(50));
        assert!(Gateway::parse(&long).is_err());
    }

    #[test]
    fn https_required_except_loopback() {
        let list = allow(&["gw.example.cn", "127.0.0.1", "localhost", "[::1]"]);
        assert!(Gateway::parse("https://gw.example.cn")
            .unwrap()
            .check_policy(&list)
            .is_ok());
        assert!(matches!(
            Gateway::parse("http://gw.example.cn")
                .unwrap()
                .check_policy(&list),
            Err(OrderError::InsecureGateway { .. })
        ));
        for ok in [
            "http://127.0.0.1:8080",
            "http://localhost:1",
            "http://[::1]:9",
        ] {
            assert!(
                Gateway::parse(ok).unwrap().check_policy(&list).is_ok(),
                "{ok}"
            );
        }
        assert!(matches!(
            Gateway::parse("ftp://gw.example.cn")
                .unwrap()
                .check_policy(&list),
            Err(OrderError::InsecureGateway { .. })
        ));
        // 127.1.2.3 is loopback too, but still has to be allow-listed.
        assert!(matches!(
            Gateway::parse("http://127.1.2.3")
                .unwrap()
                .check_policy(&list),
            Err(OrderError::GatewayNotAllowed { .. })
        ));
    }

    #[test]
    fn allow_list_matches_hosts_and_wildcards() {
        let list = allow(&["*.example.cn", "exact.test"]);
        let check = |u: &str| Gateway::parse(u).unwrap().check_policy(&list);
        assert!(check("https://gw.example.cn").is_ok());
        assert!(check("https://a.b.example.cn").is_ok());
        assert!(check("https://EXACT.test").is_ok());
        assert!(matches!(
            check("https://example.cn"),
            Err(OrderError::GatewayNotAllowed { .. })
        ));
        assert!(matches!(
            check("https://evilexample.cn"),
            Err(OrderError::GatewayNotAllowed { .. })
        ));
        assert!(matches!(
            check("https://exact.test.evil.cn"),
            Err(OrderError::GatewayNotAllowed { .. })
        ));
        assert!(matches!(
            Gateway::parse("https://gw.example.cn")
                .unwrap()
                .check_policy(&[]),
            Err(OrderError::GatewayNotAllowed { .. })
        ));
    }
}

// Apps pass and see a gateway as its canonical URL text.
#[cfg(feature = "uniffi")]
uniffi::custom_type!(Gateway, String, {
    lower: |gateway| gateway.as_str().to_string(),
    try_lift: |text| Ok(Gateway::parse(&text)?),
});
