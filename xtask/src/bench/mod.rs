//! `cargo xtask bench`: our generator and clients against the established
//! generators (progenitor, openapi-generator) and against hand-written reqwest
//! code, on our own specs, in one run on this machine. Every figure is shown
//! beside its peer's, as a ratio; the table is printed and written to
//! `BENCHMARKS.md`. Nothing here asserts a time: noise never fails CI.
//!
//! Sections, in the order they run:
//! 1. generation: ours (`regen` of every spec, release binary) and each peer per spec;
//! 2. size: generated lines of Rust, per operation;
//! 3. compile: every generated crate rebuilt, dependencies already built;
//! 4. requests: the criterion bench in `bench/` (request overhead, large decode).

mod figures;
mod measure;
pub(crate) mod peers;
mod report;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use figures::{Estimate, Measured, PairedRatio, Requests, SpecFile, Unit, UnitFigures};
use measure::{median, rust_lines, timed, Workspace};
use peers::Peer;

/// How many times each timing is repeated (its median is reported).
struct Runs {
    /// Our `regen`.
    ours: usize,
    /// Each peer's generation of each spec.
    peers: usize,
    /// Every build.
    builds: usize,
}

pub fn bench(root: &Path, args: &[String]) -> Result<(), String> {
    let quick = args.iter().any(|a| a == "--quick");
    let runs = if quick { Runs { ours: 1, peers: 1, builds: 1 } } else { Runs { ours: 9, peers: 3, builds: 3 } };
    // Read first: the load average tells how quiet the machine was before the run.
    let machine = report::Machine::read(&peers::java_version());
    let started = std::time::Instant::now();
    // The bench measures the committed state: regen must be a no-op.
    crate::regen::check(root)?;
    let units = units(root)?;
    let installed = peers::install(root)?;

    println!("==> generation and size: ours");
    let (mut ours, our_crates) = measure_ours(root, &units, &runs)?;
    let mut peer_results = Vec::new();
    let mut workspaces = vec![our_crates];
    for peer in Peer::ALL {
        println!("==> generation and size: {}", peer.label());
        let (measured, crates) = measure_peer(root, &installed, peer, &units, &runs)?;
        peer_results.push((peer, measured));
        workspaces.push(crates);
    }
    println!("==> compile time: every tool's crates, taking turns");
    let times = measure::interleaved_build_times(&workspaces.iter().collect::<Vec<_>>(), runs.builds)?;
    let measured = std::iter::once(&mut ours).chain(peer_results.iter_mut().map(|(_, m)| m));
    for (m, times) in measured.zip(&times) {
        m.record_compile(times);
    }
    println!("==> request overhead and decode (criterion)");
    let requests = run_criterion(root)?;

    let report = report::Report {
        machine,
        duration: started.elapsed(),
        runs: (runs.ours, runs.peers, runs.builds),
        units: &units,
        ours: &ours,
        peers: &peer_results,
        requests: &requests,
    };
    let text = report.markdown();
    println!("\n{text}");
    std::fs::write(root.join("BENCHMARKS.md"), text).map_err(|e| format!("cannot write BENCHMARKS.md: {e}"))
}

/// Our crates, their spec files and operation counts.
fn units(root: &Path) -> Result<Vec<Unit>, String> {
    let crates = codegen::layout::discover(&root.join("specs")).map_err(|e| e.to_string())?;
    crates
        .iter()
        .map(|spec| {
            let services = codegen::lower_crate(spec).map_err(|e| format!("{e:?}"))?;
            let specs = spec
                .versions
                .iter()
                .zip(&services)
                .map(|(version, service)| SpecFile {
                    path: version.path.clone(),
                    slug: slug(&version.display_path),
                    operations: service.operations.len(),
                })
                .collect();
            Ok(Unit { name: spec.name.clone(), specs })
        })
        .collect()
}

/// `specs/scp/data-flow/1.0.yaml` → `scp-data-flow-1-0`.
fn slug(display_path: &str) -> String {
    let stem = display_path.trim_start_matches("specs/").trim_end_matches(".yaml");
    stem.replace(['/', '.'], "-")
}

/// Ours: `regen` of every spec by the release binary, as a user runs it; and
/// the workspace whose crates the compile section times.
fn measure_ours(root: &Path, units: &[Unit], runs: &Runs) -> Result<(Measured, Workspace), String> {
    timed(Command::new(env!("CARGO")).args(["build", "--release", "--quiet", "-p", "xtask"]).current_dir(root))?;
    let xtask = root.join("target/release/xtask");
    let regen = || timed(Command::new(&xtask).arg("regen").current_dir(root));
    regen()?; // warm the file cache
    let generate = median(runs.ours, regen)?;

    let names: Vec<String> = units.iter().map(|u| u.name.clone()).collect();
    // Built (and a failure reported) by the compile section's first, untimed build.
    let workspace = Workspace { dir: root.to_owned(), target: root.join("target"), packages: names.clone() };
    let figures = units
        .iter()
        .map(|u| {
            let lines = rust_lines(&root.join("generated").join(&u.name).join("src"));
            (u.name.clone(), Ok(UnitFigures { lines, compile: Duration::ZERO }))
        })
        .collect();
    let measured = Measured {
        label: "ours".into(),
        generate,
        operations: units.iter().map(Unit::operations).sum(),
        units: figures,
        build_all: Duration::ZERO,
        crates: names.iter().map(|n| (n.clone(), vec![n.clone()])).collect(),
    };
    Ok((measured, workspace))
}

/// A peer: each spec generated alone (median of `runs`), then every crate that
/// generated is built once; a unit counts only when all its specs generated and compiled.
fn measure_peer(
    root: &Path,
    installed: &peers::Installed,
    peer: Peer,
    units: &[Unit],
    runs: &Runs,
) -> Result<(Measured, Workspace), String> {
    let dir = root.join("target/bench").join(peer.slug());
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let mut per_spec: BTreeMap<&str, Result<Duration, String>> = BTreeMap::new();
    for spec in units.iter().flat_map(|u| &u.specs) {
        let out = dir.join(&spec.slug);
        let generate = || {
            let _ = std::fs::remove_dir_all(&out);
            timed(&mut installed.command(peer, &spec.path, &out, &spec.slug))
        };
        let result = median(runs.peers, generate).and_then(|t| peers::prefer_rustls(peer, &out).map(|()| t));
        per_spec.insert(&spec.slug, result.map_err(|e| format!("generation failed: {e}")));
    }

    let ok = |per_spec: &BTreeMap<&str, Result<Duration, String>>| -> Vec<String> {
        per_spec.iter().filter(|(_, r)| r.is_ok()).map(|(slug, _)| (*slug).to_owned()).collect()
    };
    let mut workspace = Workspace { dir: dir.clone(), target: dir.join("target"), packages: ok(&per_spec) };
    peers::write_workspace(&dir, &workspace.packages)?;
    for slug in &workspace.packages {
        if let (Err(e), Some(result)) = (workspace.prebuild(slug), per_spec.get_mut(slug.as_str())) {
            *result = Err(format!("does not compile: {e}"));
        }
    }
    workspace.packages = ok(&per_spec);
    peers::write_workspace(&dir, &workspace.packages)?;

    let ok_specs: Vec<&SpecFile> =
        units.iter().flat_map(|u| &u.specs).filter(|s| per_spec[s.slug.as_str()].is_ok()).collect();
    let figures = units
        .iter()
        .map(|u| {
            let figures: Result<UnitFigures, String> = u
                .specs
                .iter()
                .map(|s| {
                    let lines = rust_lines(&dir.join(&s.slug).join("src"));
                    per_spec[s.slug.as_str()].clone().map(|_| UnitFigures { lines, compile: Duration::ZERO })
                })
                .sum();
            (u.name.clone(), figures)
        })
        .collect::<BTreeMap<_, _>>();
    let crates = units
        .iter()
        .filter(|u| figures[&u.name].is_ok())
        .map(|u| (u.name.clone(), u.specs.iter().map(|s| s.slug.clone()).collect()))
        .collect();
    let measured = Measured {
        label: peer.label(),
        generate: ok_specs.iter().map(|s| per_spec[s.slug.as_str()].clone().unwrap_or_default()).sum(),
        operations: ok_specs.iter().map(|s| s.operations).sum(),
        units: figures,
        build_all: Duration::ZERO,
        crates,
    };
    Ok((measured, workspace))
}

fn run_criterion(root: &Path) -> Result<Requests, String> {
    crate::process::run(
        Command::new(env!("CARGO"))
            .args(["bench", "--quiet", "-p", "sdk-bench", "--bench", "requests"])
            .current_dir(root),
    )?;
    let criterion = root.join("target/criterion");
    let read = |file: PathBuf| -> Result<(serde_json::Value, PathBuf), String> {
        let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let json = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
        Ok((json, file))
    };
    let number = |json: &serde_json::Value, pointer: &str, file: &Path| {
        json.pointer(pointer)
            .and_then(serde_json::Value::as_f64)
            .ok_or_else(|| format!("{}: no {pointer}", file.display()))
    };
    let mut requests = Requests { means: BTreeMap::new(), paired: BTreeMap::new() };
    for (group, id) in report::REQUEST_IDS {
        let (json, file) = read(criterion.join(group).join(id).join("new/estimates.json"))?;
        let estimate = Estimate {
            mean: number(&json, "/mean/point_estimate", &file)?,
            lower: number(&json, "/mean/confidence_interval/lower_bound", &file)?,
            upper: number(&json, "/mean/confidence_interval/upper_bound", &file)?,
        };
        requests.means.insert(format!("{group}/{id}"), estimate);
        if requests.paired.contains_key(group) {
            continue;
        }
        let (json, file) = read(criterion.join(group).join("paired.json"))?;
        let paired = PairedRatio {
            rounds: number(&json, "/rounds", &file)? as u64,
            median: number(&json, "/median_ratio", &file)?,
            q1: number(&json, "/q1_ratio", &file)?,
            q3: number(&json, "/q3_ratio", &file)?,
        };
        requests.paired.insert(group.to_owned(), paired);
    }
    Ok(requests)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_peer_crate_is_named_after_its_spec_file() {
        assert_eq!(slug("specs/scp/data-flow/1.0.yaml"), "scp-data-flow-1-0");
        assert_eq!(slug("specs/kakaocloud/redis/v1.yaml"), "kakaocloud-redis-v1");
    }
}
