//! `cargo xtask diff`: what changed for a caller between two revisions of the
//! specs (or two spec files), and the semver bump it calls for.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use codegen::diff::{self, Change, Impact};
use codegen::ir::Service;

/// One spec file's report.
#[derive(serde::Serialize)]
pub struct Report {
    /// `specs/scp/epas/1.0.yaml`, or `A → B` for two files.
    pub spec: String,
    pub changes: Vec<Change>,
    pub impact: Impact,
}

/// Lowers spec text; `display` names it in errors.
fn lower(display: &str, text: &[u8]) -> Result<Service, String> {
    let doc = codegen::load::parse(display, text).map_err(|e| e.to_string())?;
    codegen::lower::lower(display, &doc)
        .map_err(|errors| errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))
}

fn git(root: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let output =
        Command::new("git").args(args).current_dir(root).output().map_err(|e| format!("cannot run git: {e}"))?;
    if !output.status.success() {
        return Err(format!("git {} failed: {}", args.join(" "), String::from_utf8_lossy(&output.stderr).trim()));
    }
    Ok(output.stdout)
}

/// Spec files by relative path, at a revision (`None`: the working tree).
fn specs_at(root: &Path, rev: Option<&str>) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let mut files = BTreeMap::new();
    match rev {
        Some(rev) => {
            let list = String::from_utf8_lossy(&git(root, &["ls-tree", "-r", "--name-only", rev, "--", "specs"])?)
                .into_owned();
            for path in list.lines().filter(|p| p.ends_with(".yaml")) {
                files.insert(path.to_owned(), git(root, &["show", &format!("{rev}:{path}")])?);
            }
        }
        None => {
            let mut stack = vec![root.join("specs")];
            while let Some(dir) = stack.pop() {
                for entry in std::fs::read_dir(&dir).map_err(|e| e.to_string())?.flatten() {
                    let path = entry.path();
                    if path.is_dir() {
                        stack.push(path);
                    } else if path.extension().is_some_and(|e| e == "yaml") {
                        let rel = path.strip_prefix(root).unwrap_or(&path).display().to_string();
                        files.insert(rel, std::fs::read(&path).map_err(|e| e.to_string())?);
                    }
                }
            }
        }
    }
    Ok(files)
}

/// Reports for every spec file that differs between two revisions.
pub fn between_revisions(root: &Path, from: &str, to: Option<&str>) -> Result<Vec<Report>, String> {
    let old = specs_at(root, Some(from))?;
    let new = specs_at(root, to)?;
    let mut reports = Vec::new();
    let paths: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    for path in paths {
        let report = match (old.get(path), new.get(path)) {
            (Some(a), Some(b)) if a == b => continue,
            (Some(a), Some(b)) => {
                let changes = diff::diff(&lower(path, a)?, &lower(path, b)?);
                Report { spec: path.clone(), impact: diff::impact(&changes), changes }
            }
            (Some(_), None) => Report {
                spec: path.clone(),
                changes: vec![Change {
                    location: "spec".into(),
                    description: "API version removed".into(),
                    breaking: true,
                }],
                impact: Impact::Major,
            },
            (None, Some(_)) => Report {
                spec: path.clone(),
                changes: vec![Change {
                    location: "spec".into(),
                    description: "API version added".into(),
                    breaking: false,
                }],
                impact: Impact::Minor,
            },
            (None, None) => continue,
        };
        reports.push(report);
    }
    Ok(reports)
}

/// The Rust sources of each generated crate (crate name → path under the
/// crate → text), as committed at `rev`.
fn generated_at(root: &Path, rev: &str) -> Result<BTreeMap<String, BTreeMap<PathBuf, String>>, String> {
    let list =
        String::from_utf8_lossy(&git(root, &["ls-tree", "-r", "--name-only", rev, "--", "generated"])?).into_owned();
    let mut crates: BTreeMap<String, BTreeMap<PathBuf, String>> = BTreeMap::new();
    for path in list.lines().filter(|p| p.ends_with(".rs")) {
        let mut parts = path.splitn(3, '/');
        let (Some(_), Some(name), Some(rel)) = (parts.next(), parts.next(), parts.next()) else { continue };
        let text = String::from_utf8_lossy(&git(root, &["show", &format!("{rev}:{path}")])?).into_owned();
        crates.entry(name.to_owned()).or_default().insert(PathBuf::from(rel), text);
    }
    Ok(crates)
}

/// Changes to the generated public API between `rev`'s generated/ and what
/// the generator makes from the working tree's specs now: the renames and new
/// shapes a generator change brings, which no spec diff shows. Reported for a
/// crate whose specs did not change, or where it is more severe than the
/// crate's spec reports (something breaking they do not account for).
pub fn generator_reports(root: &Path, rev: &str, spec_reports: &[Report]) -> Result<Vec<Report>, String> {
    let committed = generated_at(root, rev)?;
    let mut reports = Vec::new();
    for krate in crate::regen::generate(root, &BTreeMap::new())? {
        let Some(old) = committed.get(&krate.name) else { continue };
        let changes =
            codegen::surface::changes(&codegen::surface::surface(old), &codegen::surface::surface(&krate.files));
        if changes.is_empty() {
            continue;
        }
        let impact = diff::impact(&changes);
        let spec_impact =
            spec_reports.iter().filter(|r| crate_of(&r.spec).as_deref() == Some(&krate.name)).map(|r| r.impact).max();
        if spec_impact.is_none_or(|s| impact > s) {
            reports.push(Report { spec: format!("generated/{} (public API)", krate.name), changes, impact });
        }
    }
    Ok(reports)
}

/// `specs/scp/epas/1.0.yaml` and `generated/scp-epas (public API)` → `scp-epas`.
fn crate_of(report_spec: &str) -> Option<String> {
    if let Some(rest) = report_spec.strip_prefix("generated/") {
        return rest.split(' ').next().map(str::to_owned);
    }
    let parts: Vec<&str> = report_spec.split('/').collect();
    parts.get(1).zip(parts.get(2)).map(|(p, s)| format!("{p}-{s}"))
}

/// The report between two spec files.
pub fn between_files(a: &Path, b: &Path) -> Result<Report, String> {
    let read = |p: &Path| std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()));
    let (da, db) = (a.display().to_string(), b.display().to_string());
    let changes = diff::diff(&lower(&da, &read(a)?)?, &lower(&db, &read(b)?)?);
    Ok(Report { spec: format!("{da} → {db}"), impact: diff::impact(&changes), changes })
}

pub fn markdown(reports: &[Report]) -> String {
    if reports.is_empty() {
        return "# API changes\n\nNo spec changed.\n".to_owned();
    }
    let mut out = String::from("# API changes\n\n");
    for r in reports {
        out.push_str(&diff::markdown(&format!("`{}` ({:?})", r.spec, r.impact), &r.changes));
        out.push('\n');
    }
    out
}

/// `cargo xtask diff [--from REV] [--to REV] [--json] [--fail-on-breaking] [A.yaml B.yaml]`.
/// Returns whether any change is breaking.
pub fn run(root: &Path, args: &[String]) -> Result<bool, String> {
    let mut from = "HEAD".to_owned();
    let mut to = None;
    let mut json = false;
    let mut fail_on_breaking = false;
    let mut files = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--from" => from = it.next().ok_or("--from needs a revision")?.clone(),
            "--to" => to = Some(it.next().ok_or("--to needs a revision")?.clone()),
            "--json" => json = true,
            "--fail-on-breaking" => fail_on_breaking = true,
            other if other.starts_with("--") => return Err(format!("unknown option {other}")),
            file => files.push(file.to_owned()),
        }
    }
    let reports = match files.as_slice() {
        [] => {
            let mut reports = between_revisions(root, &from, to.as_deref())?;
            // The generator runs on the working tree only: against another `--to`, specs alone.
            if to.is_none() {
                let generated = generator_reports(root, &from, &reports)?;
                reports.extend(generated);
            }
            reports
        }
        [a, b] => vec![between_files(Path::new(a), Path::new(b))?],
        _ => return Err("give two spec files, or none to compare revisions".into()),
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&reports).map_err(|e| e.to_string())?);
    } else {
        print!("{}", markdown(&reports));
    }
    let breaking = reports.iter().any(|r| r.impact == Impact::Major);
    if breaking && fail_on_breaking {
        return Err("breaking API changes".into());
    }
    Ok(breaking)
}

/// For `regen --bump`: each crate whose specs or generated public API changed
/// since `HEAD`, and the impact on it.
pub fn impacts_since_head(root: &Path) -> Result<BTreeMap<String, (Impact, Vec<Report>)>, String> {
    let mut by_crate: BTreeMap<String, (Impact, Vec<Report>)> = BTreeMap::new();
    let mut reports = between_revisions(root, "HEAD", None)?;
    let generated = generator_reports(root, "HEAD", &reports)?;
    reports.extend(generated);
    for report in reports {
        let Some(name) = crate_of(&report.spec) else { continue };
        let entry = by_crate.entry(name).or_insert((Impact::None, Vec::new()));
        entry.0 = entry.0.max(report.impact);
        entry.1.push(report);
    }
    Ok(by_crate)
}
