//! The bench's one table of ratios and its details, as Markdown.

use std::fmt::Write;
use std::process::Command;
use std::time::Duration;

use super::measure::ms;
use super::peers::Peer;
use super::{Estimates, Measured, Unit, UnitFigures};

/// The criterion benchmarks the report reads (`group`, `id`).
pub const REQUEST_IDS: [(&str, &str); 7] = [
    ("request_token", "generated"),
    ("request_token", "handwritten"),
    ("request_scp", "generated"),
    ("request_scp", "handwritten"),
    ("decode_10k", "generated"),
    ("decode_10k", "handwritten"),
    ("decode_10k", "serde_json"),
];

/// Where the figures were taken.
pub struct Machine {
    date: String,
    cpu: String,
    memory: String,
    os: String,
    rustc: String,
    java: String,
}

impl Machine {
    pub fn read(java: &str) -> Machine {
        let command = |program: &str, args: &[&str]| {
            Command::new(program).args(args).output().map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned()).unwrap_or_default()
        };
        let field = |file: &str, key: &str| {
            std::fs::read_to_string(file)
                .ok()
                .and_then(|t| t.lines().find(|l| l.starts_with(key)).and_then(|l| l.split_once([':', '='])).map(|(_, v)| v.trim().trim_matches('"').to_owned()))
                .unwrap_or_else(|| "unknown".into())
        };
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Machine {
            date: command("date", &["-u", "+%Y-%m-%d"]),
            cpu: format!("{}, {cores} cores", field("/proc/cpuinfo", "model name")),
            memory: field("/proc/meminfo", "MemTotal"),
            os: format!("{}, kernel {}", field("/etc/os-release", "PRETTY_NAME"), command("uname", &["-r"])),
            rustc: command("rustc", &["--version"]),
            java: java.to_owned(),
        }
    }
}

pub struct Report<'a> {
    pub machine: Machine,
    pub units: &'a [Unit],
    pub ours: &'a Measured,
    pub peers: &'a [(Peer, Measured)],
    pub requests: &'a Estimates,
}

/// A target a ratio must stay under, as the issue set it.
fn target_of(peer: Peer, measure: &str) -> Option<f64> {
    let progenitor = matches!(peer, Peer::ProgenitorBuilder | Peer::ProgenitorPositional);
    match measure {
        "generate" if progenitor => Some(1.0 / 3.0),
        "generate" => Some(1.0 / 30.0),
        "lines" | "compile" if progenitor => Some(0.7),
        _ => None,
    }
}

struct Row {
    measure: String,
    ours: String,
    other: String,
    ratio: f64,
    target: Option<f64>,
}

impl Report<'_> {
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let m = &self.machine;
        let _ = writeln!(out, "# Benchmarks\n");
        let _ = writeln!(
            out,
            "Written by `cargo xtask bench` on {}. Each ratio divides our figure by a peer's or a baseline's measured in the same run on this machine, so below 1.00× we are faster or smaller. Times are medians (generation: 9 runs of ours, 3 of each peer per spec) or criterion means; compile times are single dev-profile builds with dependencies already built.\n",
            m.date
        );
        let _ = writeln!(out, "## Machine and tools\n");
        for (what, value) in [("CPU", &m.cpu), ("Memory", &m.memory), ("OS", &m.os), ("Rust", &m.rustc), ("Java (openapi-generator)", &m.java)] {
            let _ = writeln!(out, "- {what}: {value}");
        }
        for (peer, _) in self.peers {
            let _ = writeln!(out, "- {}", peer.label());
        }
        let _ = writeln!(out, "\n## Summary\n\n| measure | ours | compared with | ratio | target | met |\n| --- | --- | --- | --- | --- | --- |");
        for row in self.generation_rows().into_iter().chain(self.size_and_compile_rows()).chain(self.request_rows()) {
            let (target, met) = match row.target {
                Some(t) => (format!("≤ {t:.2}×"), if row.ratio <= t { "yes" } else { "**no**" }),
                None => ("–".into(), "–"),
            };
            let _ = writeln!(out, "| {} | {} | {} | {:.2}× | {target} | {met} |", row.measure, row.ours, row.other, row.ratio);
        }
        self.per_crate(&mut out);
        self.failures(&mut out);
        self.requests_detail(&mut out);
        out
    }

    fn generation_rows(&self) -> Vec<Row> {
        let per_op = |m: &Measured| ms(m.generate) / m.operations.max(1) as f64;
        let ours = per_op(self.ours);
        let mut rows = vec![Row {
            measure: "generation time per operation (absolute target 1 ms)".into(),
            ours: format!("{ours:.2} ms ({} ops in {:.0} ms)", self.ours.operations, ms(self.ours.generate)),
            other: "1 ms".into(),
            ratio: ours,
            target: Some(1.0),
        }];
        for (peer, measured) in self.peers {
            rows.push(Row {
                measure: "generation time per operation".into(),
                ours: format!("{ours:.2} ms"),
                other: format!("{}: {:.2} ms ({} ops)", peer.label(), per_op(measured), measured.operations),
                ratio: ours / per_op(measured),
                target: target_of(*peer, "generate"),
            });
        }
        rows
    }

    /// Lines and compile time, over the units the peer processed completely.
    fn size_and_compile_rows(&self) -> Vec<Row> {
        let mut rows = Vec::new();
        for (peer, measured) in self.peers {
            let common: Vec<(&Unit, UnitFigures, UnitFigures)> = self
                .units
                .iter()
                .filter_map(|u| match (&self.ours.units[&u.name], &measured.units[&u.name]) {
                    (Ok(ours), Ok(theirs)) => Some((u, *ours, *theirs)),
                    _ => None,
                })
                .collect();
            let operations: usize = common.iter().map(|(u, _, _)| u.operations()).sum::<usize>().max(1);
            let lines = |pick: fn(&(&Unit, UnitFigures, UnitFigures)) -> usize| common.iter().map(pick).sum::<usize>() as f64 / operations as f64;
            let (ours_lines, their_lines) = (lines(|c| c.1.lines), lines(|c| c.2.lines));
            let compile = |pick: fn(&(&Unit, UnitFigures, UnitFigures)) -> Duration| common.iter().map(pick).sum::<Duration>().as_secs_f64();
            let (ours_compile, their_compile) = (compile(|c| c.1.compile), compile(|c| c.2.compile));
            let scope = format!("{} of {} crates", common.len(), self.units.len());
            rows.push(Row {
                measure: format!("generated lines per operation ({scope})"),
                ours: format!("{ours_lines:.0}"),
                other: format!("{}: {their_lines:.0}", peer.label()),
                ratio: ours_lines / their_lines,
                target: target_of(*peer, "lines"),
            });
            rows.push(Row {
                measure: format!("compile time, crates one by one ({scope})"),
                ours: format!("{ours_compile:.1} s"),
                other: format!("{}: {their_compile:.1} s", peer.label()),
                ratio: ours_compile / their_compile,
                target: target_of(*peer, "compile"),
            });
            if common.len() == self.units.len() {
                rows.push(Row {
                    measure: "compile time, all crates in one `cargo build`".into(),
                    ours: format!("{:.1} s", self.ours.build_all.as_secs_f64()),
                    other: format!("{}: {:.1} s", peer.label(), measured.build_all.as_secs_f64()),
                    ratio: self.ours.build_all.as_secs_f64() / measured.build_all.as_secs_f64(),
                    target: target_of(*peer, "compile"),
                });
            }
        }
        rows
    }

    fn request_rows(&self) -> Vec<Row> {
        let mean = |key: &str| self.requests[key];
        let row = |measure: &str, ours: &str, other: &str, other_label: &str, target: Option<f64>| Row {
            measure: measure.into(),
            ours: format!("{:.1} µs", mean(ours) / 1e3),
            other: format!("{other_label}: {:.1} µs", mean(other) / 1e3),
            ratio: mean(ours) / mean(other),
            target,
        };
        vec![
            row("request overhead, KakaoCloud token auth (loopback)", "request_token/generated", "request_token/handwritten", "hand-written reqwest + serde", Some(1.03)),
            row("request overhead, SCP signed request (loopback)", "request_scp/generated", "request_scp/handwritten", "hand-written reqwest + serde + HMAC", Some(1.03)),
            row("list of 10,000 clusters, fetched and decoded", "decode_10k/generated", "decode_10k/handwritten", "hand-written reqwest + serde_json", Some(1.05)),
            row("list of 10,000 clusters: our call vs decoding alone", "decode_10k/generated", "decode_10k/serde_json", "serde_json::from_slice of the same bytes", None),
        ]
    }

    fn per_crate(&self, out: &mut String) {
        let tools: Vec<&Measured> = std::iter::once(self.ours).chain(self.peers.iter().map(|(_, m)| m)).collect();
        let header: Vec<String> = tools.iter().map(|m| m.label.clone()).collect();
        for (title, cell) in [
            ("Generated lines of Rust per crate (src/ only; ours also has tests/, not counted)", (|f: &UnitFigures| f.lines.to_string()) as fn(&UnitFigures) -> String),
            ("Compile time per crate (dev profile, dependencies built)", |f: &UnitFigures| format!("{:.2} s", f.compile.as_secs_f64())),
        ] {
            let _ = writeln!(out, "\n## {title}\n\n| crate | operations | {} |\n| --- | --- |{}", header.join(" | "), " --- |".repeat(tools.len()));
            for unit in self.units {
                let cells: Vec<String> = tools.iter().map(|m| m.units[&unit.name].as_ref().map_or_else(|_| "failed".into(), cell)).collect();
                let _ = writeln!(out, "| {} | {} | {} |", unit.name, unit.operations(), cells.join(" | "));
            }
        }
    }

    fn failures(&self, out: &mut String) {
        let failed: Vec<(String, &str, &String)> = self
            .peers
            .iter()
            .flat_map(|(peer, m)| m.units.iter().filter_map(move |(unit, r)| r.as_ref().err().map(|e| (peer.label(), unit.as_str(), e))))
            .collect();
        let _ = writeln!(out, "\n## Specs a peer could not process\n");
        if failed.is_empty() {
            let _ = writeln!(out, "None: every peer generated and compiled a crate for every spec.");
        }
        for (peer, unit, error) in failed {
            let _ = writeln!(out, "- {peer}, {unit}: {error}");
        }
    }

    fn requests_detail(&self, out: &mut String) {
        let _ = writeln!(out, "\n## Requests (criterion means, `bench/benches/requests.rs`)\n\n| benchmark | mean |\n| --- | --- |");
        for (key, ns) in self.requests {
            let _ = writeln!(out, "| {key} | {:.1} µs |", ns / 1e3);
        }
    }
}
