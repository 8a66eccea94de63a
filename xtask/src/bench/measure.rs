//! Timing and counting primitives shared by every section of the bench.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Median wall time of `runs` calls of `f`.
pub fn median(runs: usize, mut f: impl FnMut() -> Result<Duration, String>) -> Result<Duration, String> {
    let times = (0..runs.max(1)).map(|_| f()).collect::<Result<Vec<_>, _>>()?;
    Ok(middle(times))
}

/// The median of some timings (zero for none).
fn middle(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

/// Runs `cmd` quietly and times it; a failure returns the tail of its output,
/// which is what a reader needs to see why a peer could not process a spec.
pub fn timed(cmd: &mut Command) -> Result<Duration, String> {
    let start = Instant::now();
    let output = cmd.stdin(Stdio::null()).output().map_err(|e| format!("cannot start {cmd:?}: {e}"))?;
    let elapsed = start.elapsed();
    if output.status.success() {
        return Ok(elapsed);
    }
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    Err(error_excerpt(&text))
}

/// The lines of a failure worth quoting: those naming an error, else the last few.
fn error_excerpt(text: &str) -> String {
    let errors: Vec<&str> =
        text.lines().filter(|l| l.contains("error") || l.contains("Error") || l.contains("panicked")).take(3).collect();
    let chosen = if errors.is_empty() {
        text.lines().rev().take(3).collect::<Vec<_>>().into_iter().rev().collect()
    } else {
        errors
    };
    chosen.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" / ").chars().take(400).collect()
}

/// Lines of Rust, split so that a reader sees how much is documentation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RustLines {
    /// `///` and `//!` lines.
    pub doc: usize,
    /// Everything else that is not blank.
    pub code: usize,
    pub blank: usize,
}

impl RustLines {
    pub fn total(self) -> usize {
        self.doc + self.code + self.blank
    }

    fn of_text(text: &str) -> RustLines {
        text.lines().fold(RustLines::default(), |mut sum, line| {
            let line = line.trim_start();
            if line.is_empty() {
                sum.blank += 1;
            } else if line.starts_with("///") || line.starts_with("//!") {
                sum.doc += 1;
            } else {
                sum.code += 1;
            }
            sum
        })
    }
}

impl std::ops::Add for RustLines {
    type Output = RustLines;
    fn add(self, other: RustLines) -> RustLines {
        RustLines { doc: self.doc + other.doc, code: self.code + other.code, blank: self.blank + other.blank }
    }
}

impl std::iter::Sum for RustLines {
    fn sum<I: Iterator<Item = RustLines>>(iter: I) -> RustLines {
        iter.fold(RustLines::default(), |a, b| a + b)
    }
}

/// Lines of Rust under `dir` (recursively): the code a reviewer reads.
pub fn rust_lines(dir: &Path) -> RustLines {
    let Ok(entries) = std::fs::read_dir(dir) else { return RustLines::default() };
    entries
        .flatten()
        .map(|entry| {
            let path = entry.path();
            if path.is_dir() {
                rust_lines(&path)
            } else if path.extension().is_some_and(|e| e == "rs") {
                std::fs::read_to_string(&path).map_or_else(|_| RustLines::default(), |t| RustLines::of_text(&t))
            } else {
                RustLines::default()
            }
        })
        .sum()
}

/// Compile times of a set of crates in one workspace (dev profile, dependencies
/// already built, the crates themselves rebuilt from scratch).
#[derive(Debug, Clone)]
pub struct BuildTimes {
    /// All crates in one `cargo build`, as a user rebuilding everything waits.
    pub all: Duration,
    /// Each crate alone.
    pub per_crate: BTreeMap<String, Duration>,
}

/// A cargo workspace to build in: its folder, its target folder, and the
/// generated crates in it to time.
pub struct Workspace {
    pub dir: PathBuf,
    pub target: PathBuf,
    pub packages: Vec<String>,
}

impl Workspace {
    fn cargo(&self, verb: &str, packages: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO"));
        cmd.args([verb, "--quiet"]).current_dir(&self.dir).env("CARGO_TARGET_DIR", &self.target);
        for p in packages {
            cmd.args(["-p", p]);
        }
        cmd
    }

    /// Builds `package` with its dependencies, untimed; the error says why it does not compile.
    pub fn prebuild(&self, package: &str) -> Result<(), String> {
        timed(&mut self.cargo("build", &[package])).map(|_| ())
    }

    fn rebuild(&self, packages: &[&str]) -> Result<Duration, String> {
        timed(&mut self.cargo("clean", packages))?;
        timed(&mut self.cargo("build", packages))
    }
}

/// Times the rebuild of every workspace's crates, all together and one by one,
/// each the median of `runs` builds. The workspaces take turns within each
/// round, so that a slow spell of a shared machine (single builds vary by ±20%
/// here, and by more over minutes) falls on every tool alike, not on one.
pub fn interleaved_build_times(workspaces: &[&Workspace], runs: usize) -> Result<Vec<BuildTimes>, String> {
    let packages: Vec<Vec<&str>> = workspaces.iter().map(|w| w.packages.iter().map(String::as_str).collect()).collect();
    let active = || workspaces.iter().zip(&packages).enumerate().filter(|(_, (_, p))| !p.is_empty());
    // Dependencies are built with the features of each exact set first.
    for (_, (workspace, packages)) in active() {
        timed(&mut workspace.cargo("build", packages))?;
    }
    let mut all = vec![Vec::new(); workspaces.len()];
    let mut each = vec![BTreeMap::<String, Vec<Duration>>::new(); workspaces.len()];
    for _ in 0..runs.max(1) {
        for (i, (workspace, packages)) in active() {
            all[i].push(workspace.rebuild(packages)?);
        }
        for (i, (workspace, packages)) in active() {
            for p in packages {
                each[i].entry((*p).to_owned()).or_default().push(workspace.rebuild(&[p])?);
            }
        }
    }
    Ok(all
        .into_iter()
        .zip(each)
        .map(|(all, each)| BuildTimes {
            all: middle(all),
            per_crate: each.into_iter().map(|(p, t)| (p, middle(t))).collect(),
        })
        .collect())
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_split_into_docs_code_and_blank() {
        let text = "//! Crate doc.\n\n/// Item doc.\npub struct A;\n    /// Field doc.\n// a plain comment is code\nfn f() {}\n";
        assert_eq!(RustLines::of_text(text), RustLines { doc: 3, code: 3, blank: 1 });
        assert_eq!(RustLines::of_text(text).total(), 7);
    }

    #[test]
    fn a_failure_quotes_its_error_lines_or_else_its_last_lines() {
        let compiler = "   Compiling x\nerror: expected identifier, found `}`\n  --> src/lib.rs:1:1\nwarning: unused\n";
        assert_eq!(error_excerpt(compiler), "error: expected identifier, found `}`");
        assert_eq!(error_excerpt("one\ntwo\nthree\nfour\n"), "two / three / four");
    }

    #[test]
    fn the_median_is_the_middle_run() {
        let mut runs = [5, 1, 3].into_iter().map(Duration::from_millis);
        assert_eq!(median(3, || Ok(runs.next().unwrap())), Ok(Duration::from_millis(3)));
        assert_eq!(median(2, || Err::<Duration, _>("boom".to_owned())), Err("boom".to_owned()));
    }
}
