//! Which certificates a gateway must present: on a phone, the ones the
//! phone itself trusts (its system store, the enterprise CAs a company
//! installs, the OS's revocation and Certificate Transparency rules), through
//! the platform's own verifier; elsewhere the Mozilla roots bundled in the
//! library (webpki-roots), which do not depend on the machine.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use rustls::client::ClientConfig;
use rustls::crypto::CryptoProvider;
use rustls::RootCertStore;
use rustls_platform_verifier::BuilderVerifierExt;

/// Where a server's certificate chain must end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Trust {
    /// The operating system's verifier and certificate store (Android's
    /// `X509TrustManager`, Apple's Security framework; on Linux the system
    /// store, `SSL_CERT_FILE` included).
    Platform,
    /// The Mozilla root programme's CAs compiled into the library.
    BundledRoots,
}

/// Set once the app has handed the core its Android context
/// (`android::init`); Android's verifier cannot run before. iOS's needs
/// nothing.
static PLATFORM_READY: AtomicBool = AtomicBool::new(cfg!(target_os = "ios"));

/// The trust the core's HTTP client uses on this device: the platform's on
/// iOS, and on Android once the app has initialised it; the bundled roots
/// elsewhere, and in an Android app that has not (its users' enterprise CAs
/// are then not trusted: the client logs a warning).
pub fn device_trust() -> Trust {
    // Only ever set on iOS (from the start) and Android (by `android::init`).
    if PLATFORM_READY.load(Ordering::Acquire) {
        Trust::Platform
    } else {
        Trust::BundledRoots
    }
}

/// The rustls configuration for `trust`, with the ring provider reqwest
/// itself uses; TLS 1.2 and 1.3.
pub fn client_config(trust: Trust) -> Result<ClientConfig, rustls::Error> {
    let provider: Arc<CryptoProvider> = Arc::new(rustls::crypto::ring::default_provider());
    let builder =
        ClientConfig::builder_with_provider(provider).with_safe_default_protocol_versions()?;
    Ok(match trust {
        Trust::Platform => builder.with_platform_verifier()?.with_no_client_auth(),
        Trust::BundledRoots => builder
            .with_root_certificates(RootCertStore {
                roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
            })
            .with_no_client_auth(),
    })
}

/// Android's verifier is reached through the JVM: the app passes its
/// context once (the FFI crate's `PlatformTls.init` JNI entry point).
#[cfg(target_os = "android")]
pub mod android {
    use std::sync::atomic::Ordering;

    use jni::objects::JObject;
    use jni::JNIEnv;

    /// Hands `context` (an Android `Context`) to rustls-platform-verifier,
    /// after which the core's client trusts what the phone trusts.
    pub fn init(env: &mut JNIEnv, context: JObject) -> Result<(), jni::errors::Error> {
        rustls_platform_verifier::android::init_with_env(env, context)?;
        super::PLATFORM_READY.store(true, Ordering::Release);
        tracing::info!("the platform certificate verifier is initialised");
        Ok(())
    }
}
