//! Running the tools tasks use: echoed commands and pinned Python virtualenvs.

use std::path::{Path, PathBuf};
use std::process::Command;

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
