//! `gen SPEC --out DIR [--name NAME] [--strict]`: one client crate from any
//! OpenAPI 3.0 description (YAML or JSON), anywhere, lowered leniently (see
//! `codegen::lower::Mode`) and packaged to build on its own: the
//! generator writes crates for this workspace, so the keys they inherit from
//! it (`license.workspace = true`, `serde = { workspace = true }`) are
//! replaced here by the workspace's own values, and the runtime is named by
//! path, with the workspace's `Cargo.lock` so it resolves the versions the
//! runtime is tested with.

use std::path::{Path, PathBuf};

use codegen::lower::Mode;
use codegen::SpecError;

/// Runs `gen` with its command-line arguments.
pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let usage = "usage: cargo xtask gen SPEC --out DIR [--name NAME] [--strict]";
    let mut spec = None;
    let (mut out, mut name, mut mode) = (None, None, Mode::Lenient);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out" => out = Some(PathBuf::from(args.next().ok_or(usage)?)),
            "--name" => name = Some(args.next().ok_or(usage)?.clone()),
            "--strict" => mode = Mode::Strict,
            flag if flag.starts_with("--") => return Err(format!("unknown option `{flag}`; {usage}")),
            path => spec = Some(PathBuf::from(path)),
        }
    }
    let (spec, out) = (spec.ok_or(usage)?, out.ok_or(usage)?);
    let name = match name {
        Some(name) => name,
        None => crate_name_of(&spec)?,
    };
    let (written, warnings) = generate(root, &spec, &out, &name, mode)?;
    for warning in &warnings {
        eprintln!("warning: {warning}");
    }
    println!("wrote {written} files of crate `{name}` to {} ({} warnings)", out.display(), warnings.len());
    Ok(())
}

/// Generates crate `name` from `spec` into `out` in `mode`; returns how many
/// files it wrote and the warnings of a lenient run.
pub fn generate(
    root: &Path,
    spec: &Path,
    out: &Path,
    name: &str,
    mode: Mode,
) -> Result<(usize, Vec<SpecError>), String> {
    let crate_spec = codegen::CrateSpec::from_files(name, &[(spec.to_path_buf(), spec.display().to_string())]);
    let (generated, warnings) = codegen::generate_crate_in(&crate_spec, "0.1.0", mode)
        .map_err(|errors| errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))?;
    let workspace =
        std::fs::read_to_string(root.join("Cargo.toml")).map_err(|e| format!("workspace Cargo.toml: {e}"))?;
    for (file, text) in &generated.files {
        let path = out.join(file);
        let text = if file == Path::new("Cargo.toml") { standalone(text, &workspace, root)? } else { text.clone() };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    // The workspace's lock file pins the versions the runtime is tested with;
    // cargo drops what the crate does not use. An existing lock is the user's.
    let lock = out.join("Cargo.lock");
    if !lock.exists() {
        std::fs::copy(root.join("Cargo.lock"), &lock).map_err(|e| format!("{}: {e}", lock.display()))?;
    }
    Ok((generated.files.len() + 1, warnings))
}

/// `petstore-v3.yaml` → `petstore-v3`.
fn crate_name_of(spec: &Path) -> Result<String, String> {
    let stem = spec.file_stem().and_then(|s| s.to_str()).ok_or_else(|| format!("{}: no file name", spec.display()))?;
    let name: String =
        stem.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    Ok(name.trim_matches('-').to_owned())
}

/// The manifest with every workspace-inherited key given its value, the
/// runtime by absolute path, and an empty `[workspace]` so that a workspace
/// around `out` does not claim the crate.
fn standalone(manifest: &str, workspace: &str, root: &Path) -> Result<String, String> {
    let mut out = String::new();
    for line in manifest.lines() {
        let line = if let Some(key) = line.strip_suffix(".workspace = true") {
            format!("{key} = {}", workspace_value(workspace, "workspace.package", key)?)
        } else if let Some(dependency) = line.strip_suffix(" = { workspace = true }") {
            format!("{dependency} = {}", dependency_value(workspace, dependency, root)?)
        } else {
            line.to_owned()
        };
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str("\n# Builds on its own, not as a member of a workspace around it.\n[workspace]\n");
    Ok(out)
}

fn dependency_value(workspace: &str, dependency: &str, root: &Path) -> Result<String, String> {
    if dependency == "cloudsdk-runtime" {
        let runtime = root.join("runtime");
        let runtime = runtime.canonicalize().unwrap_or(runtime);
        return Ok(format!("{{ path = {:?}, default-features = false }}", runtime.display().to_string()));
    }
    workspace_value(workspace, "workspace.dependencies", dependency)
}

/// The value of `key` in `[section]` of the workspace manifest.
fn workspace_value(workspace: &str, section: &str, key: &str) -> Result<String, String> {
    let header = format!("[{section}]");
    let lines = workspace.lines().skip_while(|l| l.trim() != header).skip(1);
    lines
        .take_while(|l| !l.trim_start().starts_with('['))
        .find_map(|l| l.strip_prefix(key)?.trim_start().strip_prefix('=').map(|v| v.trim().to_owned()))
        .ok_or_else(|| format!("the workspace Cargo.toml has no `{key}` in `{header}`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORKSPACE: &str = "[workspace]\nmembers = []\n\n[workspace.package]\nedition = \"2021\"\nlicense = \"MIT\"\n\n[workspace.dependencies]\nserde = { version = \"1\", features = [\"derive\"] }\n";

    #[test]
    fn inherited_keys_get_the_workspaces_values_and_the_runtime_a_path() {
        let manifest = "[package]\nlicense.workspace = true\n\n[dependencies]\ncloudsdk-runtime = { workspace = true }\nserde = { workspace = true }\n";
        let out = standalone(manifest, WORKSPACE, Path::new("/ws")).unwrap();
        assert!(out.contains("license = \"MIT\""), "{out}");
        assert!(out.contains("serde = { version = \"1\", features = [\"derive\"] }"), "{out}");
        assert!(out.contains("cloudsdk-runtime = { path = \"/ws/runtime\", default-features = false }"), "{out}");
        assert!(!out.contains("workspace = true") && out.ends_with("[workspace]\n"), "{out}");
    }

    #[test]
    fn a_key_the_workspace_lacks_is_an_error_naming_it() {
        let err = standalone("rust-version.workspace = true\n", WORKSPACE, Path::new("/ws")).unwrap_err();
        assert!(err.contains("`rust-version`") && err.contains("[workspace.package]"), "{err}");
    }

    #[test]
    fn the_crate_is_named_after_the_file() {
        assert_eq!(crate_name_of(Path::new("specs/Pet Store.v3.yaml")).unwrap(), "pet-store-v3");
    }
}
