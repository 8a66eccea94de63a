//! The machine-readable keys in a service's `ERRATA.md`: a line
//! `audit: <kind> <target>` under the erratum that explains a difference
//! (specs/README.md, "Audit keys").

use std::path::Path;

use serde::Serialize;

use super::compare::{Difference, Kind};

#[derive(Clone, Debug, Serialize)]
pub struct Key {
    pub kind: Kind,
    /// The service folder (`specs/scp/epas/`): a key explains only its
    /// own service's differences.
    pub service: String,
    /// `1.1.yaml`: only that file of the service; `None`: any of its files.
    pub file: Option<String>,
    /// A JSON pointer; a trailing `*` matches any pointer it begins.
    pub pointer: String,
    /// `specs/scp/epas/ERRATA.md:12`, for the report.
    pub at: String,
}

impl Key {
    pub fn explains(&self, d: &Difference) -> bool {
        if self.kind != d.kind || !d.spec.starts_with(&self.service) {
            return false;
        }
        if let Some(file) = &self.file {
            if d.spec.rsplit('/').next() != Some(file.as_str()) {
                return false;
            }
        }
        match self.pointer.strip_suffix('*') {
            Some(prefix) => d.pointer.starts_with(prefix),
            None => d.pointer == self.pointer,
        }
    }
}

/// The keys of `dir/ERRATA.md` (none when there is no such file); `shown`
/// is how the report names the file.
pub fn read(dir: &Path, shown: &str) -> Result<Vec<Key>, String> {
    let path = dir.join("ERRATA.md");
    let Ok(text) = std::fs::read_to_string(&path) else { return Ok(Vec::new()) };
    let mut keys = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let at = format!("{shown}:{}", index + 1);
        let trimmed = line.trim().trim_start_matches(['-', '*']).trim().trim_matches('`');
        let Some(rest) = trimmed.strip_prefix("audit:") else { continue };
        let rest = rest.trim();
        let (kind, target) = rest.split_once(' ').unwrap_or((rest, ""));
        let Some(kind) = Kind::parse(kind) else {
            let known: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
            return Err(format!("{at}: unknown audit kind `{kind}` (known: {})", known.join(", ")));
        };
        let target = target.trim();
        let (file, pointer) = match target.split_once('#') {
            Some((file, pointer)) => (Some(file.to_owned()), pointer.to_owned()),
            None if target.starts_with('/') || target.is_empty() => (None, target.to_owned()),
            None => (Some(target.to_owned()), String::new()),
        };
        let service = shown.strip_suffix("ERRATA.md").unwrap_or(shown).to_owned();
        keys.push(Key { kind, service, file, pointer, at });
    }
    Ok(keys)
}
