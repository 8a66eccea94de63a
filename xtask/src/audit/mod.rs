//! `cargo xtask audit`: where a vendor's docs page (saved as text) and our
//! specs disagree. One parser per vendor layout (`scp`, `kakaocloud`,
//! `nhncloud`) reads the page into one docs model (`docs`); one comparison
//! (`compare`) sets it against the spec files it belongs to (`spec`); the
//! keys in each service's `ERRATA.md` (`errata`) mark the deliberate
//! deviations as explained; `report` prints the result as text or JSON.

mod compare;
mod docs;
mod errata;
mod kakaocloud;
mod nhncloud;
mod read;
mod report;
mod scp;
mod spec;

use std::path::{Path, PathBuf};

pub use compare::{Difference, Kind};
pub use docs::{Counts, Place};
pub use errata::Key;
pub use report::{Explained, FileReport};

use spec::Spec;

/// The docs layouts the audit reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Layout {
    #[serde(rename = "scp")]
    Scp,
    #[serde(rename = "kakaocloud")]
    KakaoCloud,
    #[serde(rename = "nhncloud")]
    NhnCloud,
}

impl Layout {
    const ALL: [Layout; 3] = [Layout::Scp, Layout::KakaoCloud, Layout::NhnCloud];

    pub fn description(self) -> &'static str {
        match self {
            Layout::Scp => "SCP API reference (numbered sections `1.2.1 - 1.0` with `Scp-Api-Version` request headers)",
            Layout::KakaoCloud => "KakaoCloud API reference (`curl -X METHOD \"https://….kakaocloud.com/…\"` sections)",
            Layout::NhnCloud => "NHN Cloud API guide in Korean (`METHOD /v2/…` sections with `이름 종류 형식` tables)",
        }
    }

    /// The layout of `text`, or a message naming the layouts understood.
    pub fn detect(shown: &str, text: &str) -> Result<Layout, String> {
        let recognises = |layout: Layout| match layout {
            Layout::Scp => scp::recognises(text),
            Layout::KakaoCloud => kakaocloud::recognises(text),
            Layout::NhnCloud => nhncloud::recognises(text),
        };
        Layout::ALL.into_iter().find(|&l| recognises(l)).ok_or_else(|| {
            let known: Vec<String> = Layout::ALL.iter().map(|l| format!("  - {}", l.description())).collect();
            format!("{shown}: not a docs page in a layout the audit understands; it reads:\n{}", known.join("\n"))
        })
    }

    fn parse(self, text: &str) -> docs::Docs {
        match self {
            Layout::Scp => scp::parse(text),
            Layout::KakaoCloud => kakaocloud::parse(text),
            Layout::NhnCloud => nhncloud::parse(text),
        }
    }

    /// The `specs/` folder of the vendor.
    fn provider(self) -> &'static str {
        match self {
            Layout::Scp => "scp",
            Layout::KakaoCloud => "kakaocloud",
            Layout::NhnCloud => "nhncloud",
        }
    }
}

/// What to audit.
pub struct Options {
    /// Docs files; empty: every `*.txt` of the docs folder.
    pub docs: Vec<PathBuf>,
    /// Spec files to compare with; empty: the ones each docs file belongs to.
    pub specs: Vec<PathBuf>,
}

/// The saved vendor pages the specs are transcribed from: `specs/docs/`, the
/// project's copy of `../shared/docs/`, so the audit (and CI) read the same
/// pages on every checkout and a docs update shows in review as a diff.
pub fn default_docs_dir(root: &Path) -> PathBuf {
    root.join("specs/docs")
}

/// Audits each docs file against its specs.
pub fn audit(root: &Path, options: &Options) -> Result<Vec<FileReport>, String> {
    let docs_files = if options.docs.is_empty() { docs_in(&default_docs_dir(root))? } else { options.docs.clone() };
    let all_specs = if options.specs.is_empty() {
        spec_files(&root.join("specs"))?.iter().map(|p| Spec::load(root, p)).collect::<Result<Vec<_>, _>>()?
    } else {
        options.specs.iter().map(|p| Spec::load(root, p)).collect::<Result<Vec<_>, _>>()?
    };
    let mut reports = Vec::new();
    for path in &docs_files {
        reports.push(audit_file(root, path, &all_specs, !options.specs.is_empty())?);
    }
    Ok(reports)
}

fn audit_file(root: &Path, path: &Path, all_specs: &[Spec], chosen: bool) -> Result<FileReport, String> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    let layout = Layout::detect(&shown, &text)?;
    let docs = layout.parse(&text);
    let specs: Vec<&Spec> = if chosen { all_specs.iter().collect() } else { belonging(layout, &docs, all_specs) };
    if specs.is_empty() {
        return Err(format!("{shown}: no spec file in specs/{}/ belongs to this page", layout.provider()));
    }
    let differences = compare::compare(&docs, &specs);
    let mut keys = Vec::new();
    let mut dirs: Vec<&PathBuf> = specs.iter().map(|s| &s.dir).collect();
    dirs.dedup();
    for dir in dirs {
        let shown = dir.join("ERRATA.md");
        let shown = shown.strip_prefix(root).unwrap_or(&shown).display().to_string();
        keys.extend(errata::read(dir, &shown)?);
    }
    Ok(report::classify(
        shown,
        layout,
        docs.counts(),
        specs.iter().map(|s| s.file.clone()).collect(),
        differences,
        keys,
    ))
}

/// The specs a page belongs to: SCP by the `Scp-Api-Version` of its
/// sections (`x-cloudsdk-scp-api-version`), KakaoCloud and NHN Cloud by the hosts it
/// sends requests to (the spec's server URLs); with every other version of
/// the same services, so a version the docs dropped is reported too.
fn belonging<'a>(layout: Layout, docs: &docs::Docs, specs: &'a [Spec]) -> Vec<&'a Spec> {
    let provider = format!("specs/{}/", layout.provider());
    let of_vendor = specs.iter().filter(|s| s.file.starts_with(&provider));
    let direct: Vec<&Spec> = match layout {
        Layout::Scp => of_vendor.filter(|s| docs.operations.iter().any(|o| o.version == s.version)).collect(),
        _ => of_vendor.filter(|s| docs.hosts.iter().any(|h| serves(s, h))).collect(),
    };
    let services: Vec<&PathBuf> = direct.iter().map(|s| &s.dir).collect();
    specs.iter().filter(|s| services.contains(&&s.dir)).collect()
}

/// Whether one of the spec's server URL templates matches `host`.
fn serves(spec: &Spec, host: &str) -> bool {
    let servers = spec.doc.get("servers").and_then(serde_json::Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
    servers.iter().filter_map(|s| s.get("url").and_then(serde_json::Value::as_str)).any(|url| {
        let template = url.split("://").nth(1).unwrap_or(url).split('/').next().unwrap_or("");
        host_matches(template, host)
    })
}

/// `{region}-api-instance.infrastructure.cloud.toast.com` matches
/// `kr1-api-instance.infrastructure.cloud.toast.com`: each variable stands
/// for one or more characters of a host label.
fn host_matches(template: &str, host: &str) -> bool {
    let mut pattern = String::from("^");
    for (i, part) in template.split('{').enumerate() {
        let literal = if i == 0 {
            part
        } else {
            pattern.push_str("[^./]+");
            part.split_once('}').map_or("", |(_, literal)| literal)
        };
        pattern.push_str(&regex::escape(literal));
    }
    pattern.push('$');
    regex::Regex::new(&pattern).is_ok_and(|re| re.is_match(host))
}

fn docs_in(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("cannot read the docs folder {}: {e}", dir.display()))?;
    let mut files: Vec<PathBuf> =
        entries.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "txt")).collect();
    files.sort();
    if files.is_empty() {
        return Err(format!("no *.txt docs files in {}", dir.display()));
    }
    Ok(files)
}

fn spec_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

const USAGE: &str = "usage: cargo xtask audit [DOCS_FILE…] [--spec SPEC…] [--json] [--fail-on-difference]";

/// `cargo xtask audit …`; returns whether an unexplained difference remains.
pub fn run(root: &Path, args: &[String]) -> Result<bool, String> {
    let mut options = Options { docs: Vec::new(), specs: Vec::new() };
    let mut json = false;
    let mut fail = false;
    let mut specs_follow = false;
    for arg in args {
        match arg.as_str() {
            "--json" => json = true,
            "--fail-on-difference" => fail = true,
            "--spec" => specs_follow = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(false);
            }
            other if other.starts_with("--") => return Err(format!("unknown option {other}\n{USAGE}")),
            file if specs_follow => options.specs.push(PathBuf::from(file)),
            file => options.docs.push(PathBuf::from(file)),
        }
    }
    if specs_follow && options.specs.is_empty() {
        return Err(format!("--spec needs at least one spec file\n{USAGE}"));
    }
    let reports = audit(root, &options)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&reports).map_err(|e| e.to_string())?);
    } else {
        print!("{}", report::text(&reports));
    }
    let remaining = reports.iter().any(FileReport::has_unexplained);
    if remaining && fail {
        let count: usize = reports.iter().map(|r| r.unexplained.len() + r.stale.len()).sum();
        return Err(format!("{count} unexplained differences or stale ERRATA keys (see above)"));
    }
    Ok(remaining)
}
