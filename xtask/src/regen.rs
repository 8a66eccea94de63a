//! `regen` and `check`: specs → generated/, atomically, and the drift check.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use codegen::GeneratedCrate;

const MEMBERS_BEGIN: &str = "# @generated-members-begin";
const MEMBERS_END: &str = "# @generated-members-end";

/// Kept across regenerations: written by `regen --bump`, not by the generator.
const CHANGELOG: &str = "CHANGELOG.md";

/// Every crate generated in memory, with the package versions already in
/// generated/ unless `versions` gives a new one.
pub(crate) fn generate(root: &Path, versions: &BTreeMap<String, String>) -> Result<Vec<GeneratedCrate>, String> {
    let generated = root.join("generated");
    codegen::generate_all(&root.join("specs"), |name| {
        versions
            .get(name)
            .cloned()
            .or_else(|| current_version(&generated.join(name)))
            .unwrap_or_else(|| "0.1.0".to_owned())
    })
    .map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        format!("{} problem(s) in the specs; generated/ is unchanged:\n{}", errors.len(), lines.join("\n"))
    })
}

/// The `version` of an existing generated crate, kept across regenerations.
fn current_version(crate_dir: &Path) -> Option<String> {
    let text = fs::read_to_string(crate_dir.join("Cargo.toml")).ok()?;
    text.lines().find_map(|l| l.strip_prefix("version = \"")).map(|v| v.trim_end_matches('"').to_owned())
}

/// What a regeneration did.
#[derive(Debug)]
pub struct Report {
    pub crates: usize,
    pub files: usize,
    /// Crates under generated/ with no spec any more: kept, reported.
    pub orphans: Vec<String>,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "regenerated {} crates ({} files) in generated/", self.crates, self.files)?;
        for name in &self.orphans {
            write!(f, "\nwarning: generated/{name} has no spec under specs/ any more; it was kept. Delete it by hand if the service is gone.")?;
        }
        Ok(())
    }
}

/// Regenerates generated/ through a staging tree swapped in at the end: if any
/// spec fails, or the run is interrupted, the previous tree stays as it was.
pub fn regen(root: &Path) -> Result<Report, String> {
    regen_with(root, false)
}

/// `regen`, and with `bump` also: each crate whose specs changed since `HEAD`
/// gets a semver bump from the change report and a `CHANGELOG.md` entry.
pub fn regen_with(root: &Path, bump: bool) -> Result<Report, String> {
    let generated_dir = root.join("generated");
    let mut versions = BTreeMap::new();
    let mut entries = BTreeMap::new();
    if bump {
        for (name, (impact, reports)) in crate::diff::impacts_since_head(root)? {
            let current = current_version(&generated_dir.join(&name)).unwrap_or_else(|| "0.1.0".to_owned());
            let next = codegen::diff::bump(&current, impact);
            if next != current {
                entries.insert(
                    name.clone(),
                    format!(
                        "## {next}\n\n{}",
                        crate::diff::markdown(&reports).replace("# API changes\n\n", "").replace("## ", "### ")
                    ),
                );
                versions.insert(name, next);
            }
        }
    }
    let crates = generate(root, &versions)?;
    let generated = root.join("generated");
    let staging = root.join("generated.staging");
    let previous = root.join("generated.previous");
    // A run killed between the two renames below leaves only the previous tree: put it back.
    if !generated.exists() && previous.exists() {
        fs::rename(&previous, &generated).map_err(|e| format!("cannot restore generated/: {e}"))?;
    }
    for dir in [&staging, &previous] {
        if dir.exists() {
            fs::remove_dir_all(dir).map_err(|e| format!("cannot clear {}: {e}", dir.display()))?;
        }
    }
    // Write everything to a staging tree first: an interrupted run leaves generated/ as it was.
    for c in &crates {
        for (path, text) in &c.files {
            write(&staging.join(&c.name).join(path), text)?;
        }
    }
    for c in &crates {
        let old = fs::read_to_string(generated.join(&c.name).join(CHANGELOG)).unwrap_or_default();
        let text = match entries.get(&c.name) {
            Some(entry) => {
                let rest = old.strip_prefix("# Changelog\n\n").unwrap_or(&old);
                format!("# Changelog\n\n{entry}\n{rest}")
            }
            None => old,
        };
        if !text.is_empty() {
            write(&staging.join(&c.name).join(CHANGELOG), &text)?;
        }
    }
    let orphans = orphan_crates(&generated, &crates);
    for name in &orphans {
        copy_dir(&generated.join(name), &staging.join(name))?;
    }
    if generated.exists() {
        fs::rename(&generated, &previous).map_err(|e| format!("cannot move generated/ aside: {e}"))?;
    }
    fs::rename(&staging, &generated).map_err(|e| format!("cannot move the new tree into place: {e}"))?;
    if previous.exists() {
        fs::remove_dir_all(&previous).map_err(|e| format!("cannot remove the previous tree: {e}"))?;
    }
    update_members(root, &crates)?;
    let files = crates.iter().map(|c| c.files.len()).sum();
    Ok(Report { crates: crates.len(), files, orphans })
}

pub fn check(root: &Path) -> Result<(), String> {
    let crates = generate(root, &BTreeMap::new())?;
    let generated = root.join("generated");
    let mut stale = Vec::new();
    for c in &crates {
        let dir = generated.join(&c.name);
        for (path, expected) in &c.files {
            let file = dir.join(path);
            let actual = fs::read_to_string(&file).unwrap_or_default();
            if &actual != expected {
                stale.push(diff(&format!("generated/{}/{}", c.name, path.display()), &actual, expected));
            }
        }
        for extra in files_under(&dir) {
            let rel = extra.strip_prefix(&dir).unwrap_or(&extra).to_path_buf();
            if !c.files.contains_key(&rel) && rel != Path::new(CHANGELOG) {
                stale.push(format!("generated/{}/{} is not produced by the generator\n", c.name, rel.display()));
            }
        }
    }
    let manifest = fs::read_to_string(root.join("Cargo.toml")).map_err(|e| e.to_string())?;
    if members_block(&manifest) != Some(members_text(&crates)) {
        stale.push("Cargo.toml: the generated workspace members are out of step\n".to_owned());
    }
    if stale.is_empty() {
        println!("generated/ is up to date ({} crates)", crates.len());
        Ok(())
    } else {
        for s in &stale {
            print!("{s}");
        }
        Err(format!("generated/ is stale in {} place(s); run `cargo xtask regen`", stale.len()))
    }
}

fn diff(name: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(2)
        .header(&format!("{name} (on disk)"), &format!("{name} (generated)"))
        .to_string()
}

fn orphan_crates(generated: &Path, crates: &[GeneratedCrate]) -> Vec<String> {
    let Ok(entries) = fs::read_dir(generated) else { return Vec::new() };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| !crates.iter().any(|c| &c.name == name))
        .collect();
    names.sort();
    names
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    for file in files_under(from) {
        let rel = file.strip_prefix(from).unwrap_or(&file);
        let text = fs::read(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        let target = to.join(rel);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        fs::write(&target, text).map_err(|e| format!("cannot write {}: {e}", target.display()))?;
    }
    Ok(())
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = fs::read_dir(&d) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn members_text(crates: &[GeneratedCrate]) -> String {
    let names: BTreeMap<&str, ()> = crates.iter().map(|c| (c.name.as_str(), ())).collect();
    names.keys().map(|n| format!("    \"generated/{n}\",\n")).collect()
}

fn members_block(manifest: &str) -> Option<String> {
    let start = manifest.find(MEMBERS_BEGIN)? + MEMBERS_BEGIN.len();
    let end = manifest.find(MEMBERS_END)?;
    let block = &manifest[start..end];
    let block = block.strip_prefix('\n').unwrap_or(block);
    Some(block.trim_end_matches(' ').to_owned())
}

/// Keeps the workspace members between the markers in step with the crates.
fn update_members(root: &Path, crates: &[GeneratedCrate]) -> Result<(), String> {
    let path = root.join("Cargo.toml");
    let manifest = fs::read_to_string(&path).map_err(|e| e.to_string())?;
    let (Some(start), Some(end)) = (manifest.find(MEMBERS_BEGIN), manifest.find(MEMBERS_END)) else {
        return Err(format!("Cargo.toml lacks the `{MEMBERS_BEGIN}` / `{MEMBERS_END}` markers"));
    };
    let updated = format!("{}{MEMBERS_BEGIN}\n{}    {}", &manifest[..start], members_text(crates), &manifest[end..]);
    if updated != manifest {
        fs::write(&path, updated).map_err(|e| e.to_string())?;
    }
    Ok(())
}
