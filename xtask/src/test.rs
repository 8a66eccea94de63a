//! `lint` and `test`: everything CI runs, with the tools it needs installed into
//! the project-local `.tools/` folder at pinned versions.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Pinned Python tools for the spec lint.
const PYTHON_TOOLS: &[&str] = &["openapi-spec-validator==0.9.0", "openapi-schema-validator==0.9.0", "PyYAML==6.0.3"];

pub(crate) fn run(cmd: &mut Command) -> Result<(), String> {
    let shown = format!("{cmd:?}");
    println!("==> {shown}");
    let status = cmd.status().map_err(|e| format!("cannot start {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed with {status}"))
    }
}

/// Runs `cmd`, echoing and returning its standard output; fails like [`run`].
pub(crate) fn run_captured(cmd: &mut Command) -> Result<String, String> {
    let shown = format!("{cmd:?}");
    println!("==> {shown}");
    let output =
        cmd.stderr(std::process::Stdio::inherit()).output().map_err(|e| format!("cannot start {shown}: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    print!("{stdout}");
    if output.status.success() {
        Ok(stdout)
    } else {
        Err(format!("{shown} failed with {}", output.status))
    }
}

/// A virtualenv under `.tools/<name>` holding `packages` at pinned versions,
/// created (or brought up to date) on first use; returns its `bin/` folder.
pub(crate) fn venv(root: &Path, name: &str, packages: &[&str]) -> Result<PathBuf, String> {
    let venv = root.join(".tools").join(name);
    let bin = venv.join("bin");
    let stamp = venv.join("installed.txt");
    let wanted = packages.join("\n");
    if std::fs::read_to_string(&stamp).ok().as_deref() != Some(wanted.as_str()) {
        run(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
        run(Command::new(bin.join("python"))
            .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check"])
            .args(packages))?;
        std::fs::write(&stamp, wanted).map_err(|e| e.to_string())?;
    }
    Ok(bin)
}

pub fn lint(root: &Path) -> Result<(), String> {
    let python = venv(root, "venv", PYTHON_TOOLS)?.join("python");
    run(Command::new(python).arg(root.join("tests/lint/spec_lint.py")).current_dir(root))
}

fn cargo(root: &Path, args: &[&str]) -> Result<(), String> {
    run(Command::new(env!("CARGO")).args(args).current_dir(root))
}

/// Everything CI runs, cheapest first so a failure shows early.
pub fn test(root: &Path, args: &[String]) -> Result<(), String> {
    let quick = args.iter().any(|a| a == "--quick");
    lint(root)?;
    crate::regen::check(root)?;
    cargo(root, &["clippy", "--workspace", "--all-targets", "--quiet", "--", "-D", "warnings"])?;
    if !quick {
        let mut doc = Command::new(env!("CARGO"));
        doc.args(["doc", "--workspace", "--no-deps", "--quiet"]).env("RUSTDOCFLAGS", "-D warnings").current_dir(root);
        run(&mut doc)?;
    }
    cargo(root, &["test", "--workspace"])?;
    let summary = crate::conformance::conformance(root)?;
    println!("conformance: {}/{} operations accepted by Prism and decoded", summary.exercised, summary.operations);
    if summary.exercised < summary.operations {
        return Err(format!("{} operations were not exercised", summary.operations - summary.exercised));
    }
    Ok(())
}
