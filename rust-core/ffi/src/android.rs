//! The JNI entry point behind Android's `PlatformTls.init(context)`: the
//! platform certificate verifier needs the app's `Context`, which UniFFI
//! cannot pass. It only translates: the domain's `http::android::init` does
//! the work.

use jni::objects::{JClass, JObject};
use jni::JNIEnv;

/// `cn.icpfiling.companion.android.PlatformTls.nativeInit(Context)`: hands the
/// context to the core's TLS; a failure is thrown as `IllegalStateException`.
#[no_mangle]
pub extern "system" fn Java_cn_icpfiling_companion_android_PlatformTls_nativeInit(
    mut env: JNIEnv,
    _class: JClass,
    context: JObject,
) {
    if let Err(e) = icp_companion_core::http::android::init(&mut env, context) {
        let message = format!("the platform certificate verifier did not start: {e}");
        // Nothing more can be reported if even the throw fails.
        let _ = env.throw_new("java/lang/IllegalStateException", message);
    }
}
