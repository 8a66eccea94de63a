//! Timing and counting primitives shared by every section of the bench.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Median wall time of `runs` calls of `f`.
pub fn median(runs: usize, mut f: impl FnMut() -> Result<Duration, String>) -> Result<Duration, String> {
    let mut times = (0..runs.max(1)).map(|_| f()).collect::<Result<Vec<_>, _>>()?;
    times.sort();
    Ok(times[times.len() / 2])
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
    let errors: Vec<&str> = text.lines().filter(|l| l.contains("error") || l.contains("Error") || l.contains("panicked")).take(3).collect();
    let chosen = if errors.is_empty() { text.lines().rev().take(3).collect::<Vec<_>>().into_iter().rev().collect() } else { errors };
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
#[derive(Debug, Clone, Default)]
pub struct BuildTimes {
    /// All crates in one `cargo build`, as a user rebuilding everything waits.
    pub all: Duration,
    /// Each crate alone.
    pub per_crate: BTreeMap<String, Duration>,
}

/// A cargo workspace to build in: its folder and its target folder.
pub struct Workspace<'a> {
    pub dir: &'a Path,
    pub target: &'a Path,
}

impl Workspace<'_> {
    fn cargo(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO"));
        cmd.args(args).current_dir(self.dir).env("CARGO_TARGET_DIR", self.target);
        cmd
    }

    fn with_packages(&self, verb: &str, packages: &[&str]) -> Command {
        let mut cmd = self.cargo(&[verb, "--quiet"]);
        for p in packages {
            cmd.args(["-p", p]);
        }
        cmd
    }

    /// Builds `package` with its dependencies, untimed; the error says why it does not compile.
    pub fn prebuild(&self, package: &str) -> Result<(), String> {
        timed(&mut self.with_packages("build", &[package])).map(|_| ())
    }

    /// Times the rebuild of `packages`, all together and one by one, each the
    /// median of `runs` builds (single builds vary by ±20% on a shared VM).
    pub fn build_times(&self, packages: &[&str], runs: usize) -> Result<BuildTimes, String> {
        let rebuild = |packages: &[&str]| {
            median(runs, || {
                timed(&mut self.with_packages("clean", packages))?;
                timed(&mut self.with_packages("build", packages))
            })
        };
        // Dependencies are built with the features of this exact set first.
        timed(&mut self.with_packages("build", packages))?;
        let all = rebuild(packages)?;
        let per_crate = packages.iter().map(|p| Ok(((*p).to_owned(), rebuild(&[p])?))).collect::<Result<_, String>>()?;
        Ok(BuildTimes { all, per_crate })
    }
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
