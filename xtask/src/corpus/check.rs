//! `cargo check` of a fixed sample of the generated crates. Each crate is
//! checked on its own (so one that fails does not hide the others) but all
//! share one target folder, so the runtime and the crates.io dependencies
//! are compiled once.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::child::{self, Ending, Limits};
use super::outcome::Outcome;
use super::Entry;

/// One check may take this long (a crate of a large description is large);
/// cargo and rustc are not memory-limited: rustc needs what it needs.
const CHECK_LIMITS: Limits = Limits { timeout: Duration::from_secs(900), address_space: libc::RLIM_INFINITY };

/// The sample is the same on every run: descriptions are sorted by path
/// and shuffled by a fixed xorshift.
const SEED: u64 = 0x5eed_c0de_2026_0001;

/// How a crate's check went.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Compiled {
    Clean,
    WithWarnings,
    Failed,
    TimedOut,
}

impl Compiled {
    pub(crate) const ALL: [Compiled; 4] =
        [Compiled::Clean, Compiled::WithWarnings, Compiled::Failed, Compiled::TimedOut];

    pub(crate) fn label(self) -> &'static str {
        match self {
            Compiled::Clean => "compiled without warnings",
            Compiled::WithWarnings => "compiled with warnings",
            Compiled::Failed => "failed",
            Compiled::TimedOut => "timed out",
        }
    }
}

/// One crate's check.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub(crate) struct Check {
    pub compiled: Compiled,
    pub warnings: usize,
    /// The first error (or, when the crate compiled, the first warning).
    pub first_message: Option<String>,
    pub seconds: f64,
}

/// Indices (into `entries`, which are sorted by path) of up to `size`
/// descriptions we generated, chosen by a fixed seed, in path order.
pub(crate) fn sample(entries: &[Entry], size: usize) -> Vec<usize> {
    let mut generated: Vec<usize> =
        (0..entries.len()).filter(|&i| entries[i].ours.outcome == Outcome::Generated).collect();
    let mut state = SEED;
    let take = size.min(generated.len());
    // A partial Fisher–Yates shuffle: the first `take` places are the sample.
    for place in 0..take {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let pick = place + (state % (generated.len() - place) as u64) as usize;
        generated.swap(place, pick);
    }
    generated.truncate(take);
    generated.sort_unstable();
    generated
}

/// Checks our crate of each sampled description and, when `progenitor` is
/// set and progenitor generated one, progenitor's crate too.
pub(crate) fn check_sample(entries: &mut [Entry], sample: &[usize], out: &Path, progenitor: bool) {
    for (n, &i) in sample.iter().enumerate() {
        let name = entries[i].description.crate_name.clone();
        let check = check_crate(&out.join("ours").join(&name), out);
        println!("check {}/{}: ours {name}: {}", n + 1, sample.len(), check.compiled.label());
        entries[i].check = Some(check);
    }
    if !progenitor {
        return;
    }
    for (n, &i) in sample.iter().enumerate() {
        if entries[i].progenitor.as_ref().is_none_or(|r| r.outcome != Outcome::Generated) {
            continue;
        }
        let name = entries[i].description.crate_name.clone();
        let dir = out.join("progenitor").join(&name);
        let check = own_workspace(&dir).map_or_else(failed, |()| check_crate(&dir, out));
        println!("check {}/{}: progenitor {name}: {}", n + 1, sample.len(), check.compiled.label());
        entries[i].progenitor_check = Some(check);
    }
}

/// progenitor writes a plain package; under `target/` it would be taken for
/// a member of this workspace, so it is made a workspace of its own.
fn own_workspace(dir: &Path) -> Result<(), String> {
    let manifest = dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).map_err(|e| format!("{}: {e}", manifest.display()))?;
    if text.lines().any(|l| l.trim() == "[workspace]") {
        return Ok(());
    }
    std::fs::write(&manifest, format!("{text}\n[workspace]\n")).map_err(|e| format!("{}: {e}", manifest.display()))
}

fn failed(message: String) -> Check {
    Check { compiled: Compiled::Failed, warnings: 0, first_message: Some(message), seconds: 0.0 }
}

/// `cargo check`s the crate in `dir`, in the corpus's shared target folder,
/// counting the warnings and the first error of the crate itself (not of
/// its dependencies).
pub(crate) fn check_crate(dir: &Path, out: &Path) -> Check {
    let manifest = dir.join("Cargo.toml");
    let mut cargo = Command::new(env!("CARGO"));
    cargo
        .args(["check", "--message-format=json", "--manifest-path"])
        .arg(&manifest)
        .env("CARGO_TARGET_DIR", out.join("check-target"));
    let finished = match child::run(&mut cargo, CHECK_LIMITS) {
        Ok(finished) => finished,
        Err(e) => return failed(e),
    };
    let messages = Messages::read(&finished.stdout, &manifest);
    let compiled = match finished.ending {
        Ending::TimedOut => Compiled::TimedOut,
        Ending::Exited(0) if messages.warnings == 0 => Compiled::Clean,
        Ending::Exited(0) => Compiled::WithWarnings,
        _ => Compiled::Failed,
    };
    let first_message = match compiled {
        Compiled::Failed => messages.first_error.or_else(|| Some(super::outcome::first_error_line(&finished.stderr))),
        _ => messages.first_warning,
    };
    Check { compiled, warnings: messages.warnings, first_message, seconds: finished.seconds }
}

/// The crate's own diagnostics, from cargo's JSON messages.
#[derive(Default)]
struct Messages {
    warnings: usize,
    first_error: Option<String>,
    first_warning: Option<String>,
}

impl Messages {
    fn read(stdout: &str, manifest: &Path) -> Messages {
        let mut messages = Messages::default();
        let manifest: PathBuf = manifest.canonicalize().unwrap_or_else(|_| manifest.to_path_buf());
        for line in stdout.lines() {
            let Ok(json) = serde_json::from_str::<serde_json::Value>(line) else { continue };
            let ours = json["manifest_path"].as_str().is_some_and(|m| Path::new(m) == manifest);
            let message = &json["message"];
            // Summaries ("3 warnings emitted", "aborting due to …") have no spans.
            let spanned = message["spans"].as_array().is_some_and(|s| !s.is_empty());
            if json["reason"] != "compiler-message" || !ours || !spanned {
                continue;
            }
            let text = message["message"].as_str().unwrap_or_default().to_owned();
            match message["level"].as_str() {
                Some("warning") => {
                    messages.warnings += 1;
                    messages.first_warning.get_or_insert(text);
                }
                Some("error") => {
                    messages.first_error.get_or_insert(text);
                }
                _ => {}
            }
        }
        messages
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_crates_own_spanned_diagnostics_count() {
        let lines = [
            r#"{"reason":"compiler-message","manifest_path":"/x/Cargo.toml","message":{"level":"warning","message":"unused","spans":[{}]}}"#,
            r#"{"reason":"compiler-message","manifest_path":"/x/Cargo.toml","message":{"level":"warning","message":"1 warning emitted","spans":[]}}"#,
            r#"{"reason":"compiler-message","manifest_path":"/dep/Cargo.toml","message":{"level":"error","message":"theirs","spans":[{}]}}"#,
            r#"{"reason":"compiler-message","manifest_path":"/x/Cargo.toml","message":{"level":"error","message":"mismatched types","spans":[{}]}}"#,
        ];
        let messages = Messages::read(&lines.join("\n"), Path::new("/x/Cargo.toml"));
        assert_eq!(messages.warnings, 1);
        assert_eq!(messages.first_error.as_deref(), Some("mismatched types"));
    }
}
