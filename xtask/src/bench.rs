//! `cargo xtask bench`: the generator's speed and the generated crates' size and
//! compile time, each reported as a ratio against a baseline measured in the same
//! run, so numbers from different machines compare.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Median wall time of `runs` calls of `f`.
fn median(runs: usize, mut f: impl FnMut() -> Result<(), String>) -> Result<Duration, String> {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        f()?;
        times.push(start.elapsed());
    }
    times.sort();
    Ok(times[runs / 2])
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

pub fn bench(root: &Path) -> Result<(), String> {
    let crates = codegen::layout::discover(&root.join("specs")).map_err(|e| e.to_string())?;
    let versions: Vec<_> = crates.iter().flat_map(|c| &c.versions).collect();
    let texts: Vec<(String, Vec<u8>)> = versions
        .iter()
        .map(|v| std::fs::read(&v.path).map(|t| (v.display_path.clone(), t)).map_err(|e| e.to_string()))
        .collect::<Result<_, _>>()?;

    println!("## Generator ({} spec files, median of 9 runs)\n", texts.len());
    let load = median(9, || {
        for (name, text) in &texts {
            codegen::load::parse(name, text).map_err(|e| e.to_string())?;
        }
        Ok(())
    })?;
    let lower = median(9, || {
        for v in &versions {
            codegen::lower_crate(&codegen::CrateSpec { name: "bench".into(), versions: vec![(*v).clone()] })
                .map_err(|e| format!("{e:?}"))?;
        }
        Ok(())
    })?;
    let all = median(9, || codegen::generate_all(&root.join("specs"), |_| "0.1.0".into()).map(|_| ()).map_err(|e| format!("{e:?}")))?;
    println!("| stage | time | ratio to load |\n| --- | --- | --- |");
    for (stage, t) in [("load (YAML → openapiv3), baseline", load), ("load + IR", lower), ("load + IR + emit + format (regen in memory)", all)] {
        println!("| {stage} | {} | {:.2}× |", ms(t), t.as_secs_f64() / load.as_secs_f64());
    }

    println!("\n## Generated code\n\n| crate | files | lines | bytes |\n| --- | --- | --- | --- |");
    let generated = codegen::generate_all(&root.join("specs"), |_| "0.1.0".into()).map_err(|e| format!("{e:?}"))?;
    for c in &generated {
        let lines: usize = c.files.values().map(|t| t.lines().count()).sum();
        let bytes: usize = c.files.values().map(String::len).sum();
        println!("| {} | {} | {lines} | {bytes} |", c.name, c.files.len());
    }

    println!("\n## Compile time (dev profile, dependencies already built; ratio to the runtime crate)\n");
    let build = |package: &str| -> Result<Duration, String> {
        let cargo = env!("CARGO");
        let status = Command::new(cargo).args(["build", "-q", "-p", package]).current_dir(root).status().map_err(|e| e.to_string())?;
        if !status.success() {
            return Err(format!("cannot build {package}"));
        }
        Command::new(cargo).args(["clean", "-q", "-p", package]).current_dir(root).status().map_err(|e| e.to_string())?;
        let start = Instant::now();
        let status = Command::new(cargo).args(["build", "-q", "-p", package]).current_dir(root).status().map_err(|e| e.to_string())?;
        if !status.success() {
            return Err(format!("cannot build {package}"));
        }
        Ok(start.elapsed())
    };
    let baseline = build("cloudsdk-runtime")?;
    println!("| crate | build time | ratio to cloudsdk-runtime |\n| --- | --- | --- |");
    println!("| cloudsdk-runtime (baseline) | {} | 1.00× |", ms(baseline));
    for package in ["kakaocloud-redis", "scp-epas", "scp-data-flow"] {
        let t = build(package)?;
        println!("| {package} | {} | {:.2}× |", ms(t), t.as_secs_f64() / baseline.as_secs_f64());
    }
    Ok(())
}
