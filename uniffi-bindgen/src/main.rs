//! `uniffi-bindgen`: generates foreign bindings from the built core library (library mode).
fn main() {
    uniffi::uniffi_bindgen_main()
}
