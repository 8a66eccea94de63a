//! The audit's result per docs file, and its text form (`--json` prints the
//! same structs).

use std::fmt::Write as _;

use serde::Serialize;

use super::compare::{Difference, Kind};
use super::docs::Counts;
use super::errata::Key;
use super::Layout;

#[derive(Debug, Serialize)]
pub struct FileReport {
    pub docs: String,
    pub layout: Layout,
    pub specs: Vec<String>,
    /// What was read, so a reader can see nothing was skipped.
    pub counts: Counts,
    pub unexplained: Vec<Difference>,
    pub explained: Vec<Explained>,
    /// ERRATA keys that explain nothing any more.
    pub stale: Vec<Key>,
}

#[derive(Debug, Serialize)]
pub struct Explained {
    #[serde(flatten)]
    pub difference: Difference,
    /// The key that explains it: `specs/scp/epas/ERRATA.md:12`.
    pub by: String,
}

impl FileReport {
    pub fn has_unexplained(&self) -> bool {
        !self.unexplained.is_empty() || !self.stale.is_empty()
    }
}

/// Sorts differences into explained (by a key) and unexplained, and finds
/// the keys that explain none.
pub fn classify(
    docs: String,
    layout: Layout,
    counts: Counts,
    specs: Vec<String>,
    differences: Vec<Difference>,
    keys: Vec<Key>,
) -> FileReport {
    let mut used = vec![false; keys.len()];
    let mut unexplained = Vec::new();
    let mut explained = Vec::new();
    for difference in differences {
        match keys.iter().position(|k| k.explains(&difference)) {
            Some(i) => {
                used[i] = true;
                explained.push(Explained { difference, by: keys[i].at.clone() });
            }
            None => unexplained.push(difference),
        }
    }
    let stale = keys.into_iter().zip(used).filter(|(_, used)| !used).map(|(k, _)| k).collect();
    unexplained.sort_by_key(|d: &Difference| (d.kind, d.docs.as_ref().map_or(0, |p| p.line)));
    FileReport { docs, layout, specs, counts, unexplained, explained, stale }
}

/// The key line that would record `d` as deliberate.
pub fn key_for(d: &Difference) -> String {
    let file = d.spec.rsplit('/').next().unwrap_or_default();
    match d.pointer.as_str() {
        "" => format!("audit: {} {file}", d.kind.name()),
        pointer => format!("audit: {} {pointer}", d.kind.name()),
    }
}

pub fn text(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for r in reports {
        let c = &r.counts;
        let _ = writeln!(out, "== {} ({})", r.docs, r.layout.description());
        let _ = writeln!(out, "   specs: {}", r.specs.join(", "));
        let _ = writeln!(
            out,
            "   read: {} operations in {} sections at {} API versions, {} parameters, {} models, {} members, {} enum values, {} statuses, {} examples",
            c.operations, c.sections, c.versions, c.parameters, c.models, c.members, c.enum_values, c.statuses, c.examples
        );
        let _ = writeln!(
            out,
            "   differences: {} unexplained, {} explained by ERRATA.md keys, {} stale keys",
            r.unexplained.len(),
            r.explained.len(),
            r.stale.len()
        );
        let mut by_kind: Vec<(Kind, usize)> = Vec::new();
        for e in &r.explained {
            match by_kind.iter_mut().find(|(k, _)| *k == e.difference.kind) {
                Some((_, n)) => *n += 1,
                None => by_kind.push((e.difference.kind, 1)),
            }
        }
        by_kind.sort();
        if !by_kind.is_empty() {
            let list: Vec<String> = by_kind.iter().map(|(k, n)| format!("{n} {}", k.name())).collect();
            let _ = writeln!(out, "   explained: {}", list.join(", "));
        }
        for kind in Kind::ALL {
            let group: Vec<&Difference> = r.unexplained.iter().filter(|d| d.kind == kind).collect();
            if group.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n   {} ({}): {}", kind.name(), kind.heading(), group.len());
            for d in group {
                match &d.docs {
                    Some(place) => {
                        let _ = writeln!(out, "     docs  {}:{}  {}", r.docs, place.line, place.quote);
                    }
                    None => {
                        let _ = writeln!(out, "     docs  (not in the docs)");
                    }
                }
                let _ = writeln!(out, "     spec  {}#{}", d.spec, d.pointer);
                let _ = writeln!(out, "           {}", d.message);
                let _ = writeln!(out, "     if deliberate, record in ERRATA.md: {}", key_for(d));
            }
        }
        if !r.stale.is_empty() {
            let _ =
                writeln!(out, "\n   stale ERRATA keys (they explain no difference; remove them): {}", r.stale.len());
            for k in &r.stale {
                let target = match &k.file {
                    Some(file) => format!("{file}#{}", k.pointer),
                    None => k.pointer.clone(),
                };
                let _ = writeln!(out, "     {}  audit: {} {target}", k.at, k.kind.name());
            }
        }
        out.push('\n');
    }
    out
}
