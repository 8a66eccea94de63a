//! The corpus in CI: a fixed handful of public descriptions copied from
//! APIs.guru's directory into `tests/corpus/` (see its README for where each
//! comes from and what it exercises), each generated leniently, as `cargo
//! xtask gen` does, into a scratch folder. The full run over every
//! description is `cargo xtask corpus` (too long for CI; see CORPUS.md).
//!
//! Generation only: that a crate from `cargo xtask gen` builds on its own is
//! already checked by `cargo xtask test` (`standalone_crate_builds`), and the
//! corpus run `cargo check`s a sample of a hundred such crates.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use codegen::lower::Mode;
use sdk_tests::root;

/// Generates `tests/corpus/<file>` into a scratch folder (removed after);
/// returns how long generation took.
fn generate(file: &str) -> Duration {
    let spec = root().join("tests/corpus").join(file);
    let stem = file.split('.').next().expect("a file name");
    let name = format!("corpus-{stem}");
    let out: PathBuf = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let started = Instant::now();
    let generated = xtask::gen::generate(&root(), &spec, &out, &name, Mode::Lenient);
    let elapsed = started.elapsed();
    let manifest = out.join("Cargo.toml").exists();
    let _ = std::fs::remove_dir_all(&out);
    if let Err(errors) = generated {
        panic!("{file} is refused:\n{errors}");
    }
    assert!(manifest, "{file}: no Cargo.toml written");
    elapsed
}

/// One test per description, so a failure names it.
macro_rules! corpus {
    ($($name:ident => $file:literal,)*) => {
        $(
            #[test]
            fn $name() {
                generate($file);
            }
        )*
    };
}

corpus!(
    oauth2_security => "xero-identity.json",
    form_bodies => "twilio-flex-v2.json",
    multipart_file_upload => "apimatic.json",
    multipart_converted_from_swagger => "mermade-openapi-converter.json",
    int64_as_string_in_yaml => "playgrouping.yaml",
    aws_allof_wrappers => "kinesis-video-webrtc-storage.json",
    one_of_variants => "docker-dvp.json",
);

/// Schemas recursive through `allOf` wrappers (AWS Timestream Query's shape)
/// were once expanded anew at every wrapped member, which re-walks the cycle
/// exponentially in its depth (the real description took past 12 GB).
/// `faults.rs` pins the lowering of the `ColumnInfo` ↔ `Type` cycle; this is
/// the whole of `cargo xtask gen` (lowering and emitting, lenient) on both
/// cycles of the description, `Datum` too. It takes milliseconds now; the
/// bound is generous, so only a return of the blow-up fails it.
#[test]
fn recursion_through_allof_wrappers_is_not_expanded_exponentially() {
    let elapsed = generate("timestream-recursion.yaml");
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
}
