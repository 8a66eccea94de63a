//! Which spec files make which crate: `specs/<provider>/<service>/<version>.yaml`
//! becomes crate `<provider>-<service>`; several versions become one crate with a
//! module per version.

use std::path::{Path, PathBuf};

use crate::SpecError;

/// One generated crate and the spec files it is made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrateSpec {
    /// Package name, e.g. `scp-data-flow`.
    pub name: String,
    /// The versions, oldest first.
    pub versions: Vec<VersionSpec>,
}

/// One spec file of a crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionSpec {
    /// Module name when the crate has several versions (`v1_0`).
    pub module: String,
    /// Where to read the file.
    pub path: PathBuf,
    /// The path shown in messages and `@generated` headers (`specs/scp/epas/1.0.yaml`).
    pub display_path: String,
}

impl CrateSpec {
    /// A crate made of the given spec files (fixtures, tests).
    pub fn from_files(name: &str, files: &[(PathBuf, String)]) -> Self {
        let mut versions: Vec<VersionSpec> = files
            .iter()
            .map(|(path, display)| VersionSpec {
                module: module_name(path),
                path: path.clone(),
                display_path: display.clone(),
            })
            .collect();
        versions.sort_by_key(|v| version_key(&v.module));
        CrateSpec { name: name.to_owned(), versions }
    }

    /// Whether the crate has one module per version.
    pub fn is_multi_version(&self) -> bool {
        self.versions.len() > 1
    }
}

/// `1.0.yaml` → `v1_0`, `v2.yaml` → `v2`.
fn module_name(path: &Path) -> String {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("v");
    let stem = stem.trim_start_matches(['v', 'V']);
    format!("v{}", crate::names::snake(stem).trim_start_matches('_'))
}

/// Orders `v1_10` after `v1_9`.
fn version_key(module: &str) -> Vec<u64> {
    module.trim_start_matches('v').split('_').map(|part| part.parse().unwrap_or(u64::MAX)).collect()
}

/// Finds every crate under `specs_root`, sorted by name.
pub fn discover(specs_root: &Path) -> Result<Vec<CrateSpec>, SpecError> {
    let io =
        |path: &Path, e: std::io::Error| SpecError::new(&path.display().to_string(), "", format!("cannot read: {e}"));
    let mut crates = Vec::new();
    for provider in sorted_dirs(specs_root).map_err(|e| io(specs_root, e))? {
        for service in sorted_dirs(&provider).map_err(|e| io(&provider, e))? {
            let mut files = Vec::new();
            for entry in std::fs::read_dir(&service).map_err(|e| io(&service, e))? {
                let path = entry.map_err(|e| io(&service, e))?.path();
                if path.extension().is_some_and(|ext| ext == "yaml" || ext == "yml") {
                    let display = path.strip_prefix(specs_root.parent().unwrap_or(specs_root)).unwrap_or(&path);
                    files.push((path.clone(), display.display().to_string()));
                }
            }
            if files.is_empty() {
                continue;
            }
            files.sort();
            let name = format!("{}-{}", file_name(&provider), file_name(&service));
            crates.push(CrateSpec::from_files(&name, &files));
        }
    }
    crates.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(crates)
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

fn sorted_dirs(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut dirs = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            dirs.push(path);
        }
    }
    dirs.sort();
    Ok(dirs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_become_modules_in_order() {
        let files = [(PathBuf::from("1.10.yaml"), "a".to_owned()), (PathBuf::from("1.9.yaml"), "b".to_owned())];
        let spec = CrateSpec::from_files("x", &files);
        let modules: Vec<_> = spec.versions.iter().map(|v| v.module.as_str()).collect();
        assert_eq!(modules, ["v1_9", "v1_10"]);
        assert_eq!(module_name(Path::new("v2.yaml")), "v2");
    }
}
