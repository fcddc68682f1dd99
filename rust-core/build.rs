//! Copies the SeetaFace frontal face model (BSD-2, shipped inside the
//! `rustface` crate's package) into OUT_DIR so the core embeds it: the face
//! detector needs no file and no download at run time.

use std::path::PathBuf;

const MODEL: &str = "model/seeta_fd_frontal_v1.0.bin";
const RUSTFACE: &str = "rustface-0.1.7";

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=RUSTFACE_MODEL");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let model = std::env::var_os("RUSTFACE_MODEL")
        .map(PathBuf::from)
        .or_else(find_in_registry)
        .unwrap_or_else(|| {
            panic!(
                "{MODEL} of {RUSTFACE} not found in the cargo registry sources; \
                 set RUSTFACE_MODEL to its path (e.g. in a vendored tree)"
            )
        });
    std::fs::copy(&model, out.join("seeta_fd_frontal_v1.0.bin"))
        .unwrap_or_else(|e| panic!("copying {}: {e}", model.display()));
}

/// `$CARGO_HOME/registry/src/<index>/rustface-0.1.7/model/…`, where cargo
/// unpacked the dependency.
fn find_in_registry() -> Option<PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
    std::fs::read_dir(home.join("registry").join("src"))
        .ok()?
        .filter_map(Result::ok)
        .map(|index| index.path().join(RUSTFACE).join(MODEL))
        .find(|candidate| candidate.is_file())
}
