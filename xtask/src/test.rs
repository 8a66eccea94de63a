//! `lint` and `test`: everything CI runs, with the tools it needs installed into
//! the project-local `.tools/` folder at pinned versions.

use std::path::Path;
use std::process::Command;

use codegen::lower::Mode;

use crate::process::{run, venv};

/// Pinned Python tools for the spec lint.
const PYTHON_TOOLS: &[&str] = &["openapi-spec-validator==0.9.0", "openapi-schema-validator==0.9.0", "PyYAML==6.0.3"];

pub fn lint(root: &Path) -> Result<(), String> {
    let python = venv(root, "venv", PYTHON_TOOLS)?.join("python");
    run(Command::new(python).arg(root.join("tests/lint/spec_lint.py")).current_dir(root))
}

/// Hand-written crates only: generated code is laid out by prettyplease and
/// checked byte for byte by `check`.
const HAND_WRITTEN: &[&str] = &["codegen", "cloudsdk-runtime", "xtask", "sdk-tests", "sdk-bench"];

fn format_check(root: &Path) -> Result<(), String> {
    let mut args = vec!["fmt", "--check"];
    for package in HAND_WRITTEN {
        args.extend(["-p", package]);
    }
    cargo(root, &args).map_err(|e| format!("{e}; run `cargo fmt` on the hand-written crates"))
}

fn cargo(root: &Path, args: &[&str]) -> Result<(), String> {
    run(Command::new(env!("CARGO")).args(args).current_dir(root))
}

/// Everything CI runs, cheapest first so a failure shows early.
pub fn test(root: &Path, args: &[String]) -> Result<(), String> {
    let quick = args.iter().any(|a| a == "--quick");
    lint(root)?;
    crate::regen::check(root)?;
    format_check(root)?;
    // The specs against the vendors' docs: under a second, no tool to install.
    crate::audit::run(root, &["--fail-on-difference".to_owned()])?;
    // `--all-features`: the generated crates' `mocks` modules (and their
    // examples, which run as doctests) are built, linted and tested too.
    cargo(root, &["clippy", "--workspace", "--all-targets", "--all-features", "--quiet", "--", "-D", "warnings"])?;
    if !quick {
        let mut doc = Command::new(env!("CARGO"));
        doc.args(["doc", "--workspace", "--all-features", "--no-deps", "--quiet"])
            .env("RUSTDOCFLAGS", "-D warnings")
            .current_dir(root);
        run(&mut doc)?;
    }
    cargo(root, &["test", "--workspace", "--all-features"])?;
    // The other TLS backend builds a working transport (ring alone needs its
    // provider installed before reqwest builds a client).
    let ring_only = ["--no-default-features", "--features", "tls-ring", "--lib", "transport::tests"];
    cargo(root, &[&["test", "-p", "cloudsdk-runtime"][..], &ring_only].concat())?;
    standalone_crate_builds(root)?;
    let summary = crate::conformance::conformance(root)?;
    println!("conformance: {}/{} operations accepted by Prism and decoded", summary.exercised, summary.operations);
    if summary.exercised < summary.operations {
        return Err(format!("{} operations were not exercised", summary.operations - summary.exercised));
    }
    Ok(())
}

/// `cargo xtask gen` makes a crate that builds outside the workspace: one
/// from a golden fixture, checked in a scratch folder with every feature.
fn standalone_crate_builds(root: &Path) -> Result<(), String> {
    let out = std::env::temp_dir().join(format!("cloudsdk-gen-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    crate::gen::generate(root, &root.join("tests/golden/waiters.yaml"), &out, "standalone-waiters", Mode::Strict)?;
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), Into::into);
    let mut check = Command::new(env!("CARGO"));
    check.args(["check", "--quiet", "--all-features"]).env("CARGO_TARGET_DIR", target).current_dir(&out);
    let checked = run(&mut check);
    let _ = std::fs::remove_dir_all(&out);
    checked
}
