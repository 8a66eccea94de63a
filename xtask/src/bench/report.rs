//! The bench's one table of ratios and its details, as Markdown.

use std::fmt::Write;
use std::process::Command;
use std::time::Duration;

use super::figures::{Measured, Requests, Unit, UnitFigures};
use super::measure::ms;
use super::peers::Peer;

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
    load: String,
}

impl Machine {
    pub fn read(java: &str) -> Machine {
        let command = |program: &str, args: &[&str]| {
            Command::new(program)
                .args(args)
                .output()
                .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
                .unwrap_or_default()
        };
        let field = |file: &str, key: &str| {
            std::fs::read_to_string(file)
                .ok()
                .and_then(|t| {
                    t.lines()
                        .find(|l| l.starts_with(key))
                        .and_then(|l| l.split_once([':', '=']))
                        .map(|(_, v)| v.trim().trim_matches('"').to_owned())
                })
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
            load: std::fs::read_to_string("/proc/loadavg")
                .map_or_else(|_| "unknown".into(), |t| t.split_whitespace().take(3).collect::<Vec<_>>().join(" ")),
        }
    }
}

pub struct Report<'a> {
    pub machine: Machine,
    /// Wall time of the whole bench.
    pub duration: Duration,
    /// Runs of our generation, of each peer's per spec, and of each build (medians are reported).
    pub runs: (usize, usize, usize),
    pub units: &'a [Unit],
    pub ours: &'a Measured,
    pub peers: &'a [(Peer, Measured)],
    pub requests: &'a Requests,
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
            "Written by `cargo xtask bench` on {}. Each ratio divides our figure by a peer's or a baseline's measured in the same run on this machine, so below 1.00× we are faster or smaller. Times are medians (generation: {} runs of ours, {} of each peer per spec; compile: {} dev-profile builds, dependencies already built, the tools taking turns) or, for requests, paired ratios and criterion means. The whole run took {:.0} min.\n",
            m.date,
            self.runs.0,
            self.runs.1,
            self.runs.2,
            self.duration.as_secs_f64() / 60.0
        );
        let _ = writeln!(out, "## Machine and tools\n");
        for (what, value) in [
            ("CPU", &m.cpu),
            ("Memory", &m.memory),
            ("OS", &m.os),
            ("Rust", &m.rustc),
            ("Java (openapi-generator)", &m.java),
            ("Load average before the run (1, 5, 15 min)", &m.load),
        ] {
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
            let _ = writeln!(
                out,
                "| {} | {} | {} | {:.2}× | {target} | {met} |",
                row.measure, row.ours, row.other, row.ratio
            );
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
            let common: Vec<&Unit> = self.units.iter().filter(|u| measured.units[&u.name].is_ok()).collect();
            let sum = |m: &Measured| -> UnitFigures {
                common.iter().filter_map(|u| m.units[&u.name].as_ref().ok().copied()).sum()
            };
            let (ours, theirs) = (sum(self.ours), sum(measured));
            let operations = common.iter().map(|u| u.operations()).sum::<usize>().max(1) as f64;
            let scope = format!("{} of {} crates", common.len(), self.units.len());
            let row = |measure: String, ours: f64, theirs: f64, unit: &str, target: Option<f64>| Row {
                measure,
                ours: format!("{ours:.1}{unit}"),
                other: format!("{}: {theirs:.1}{unit}", peer.label()),
                ratio: ours / theirs,
                target,
            };
            let per_op = |lines: usize| lines as f64 / operations;
            rows.push(row(
                format!("generated lines per operation ({scope})"),
                per_op(ours.lines.total()),
                per_op(theirs.lines.total()),
                "",
                target_of(*peer, "lines"),
            ));
            rows.push(row(
                format!("of which code, not docs or blank ({scope})"),
                per_op(ours.lines.code),
                per_op(theirs.lines.code),
                "",
                None,
            ));
            let seconds = |d: Duration| d.as_secs_f64();
            rows.push(row(
                format!("compile time, crates one by one ({scope})"),
                seconds(ours.compile),
                seconds(theirs.compile),
                " s",
                target_of(*peer, "compile"),
            ));
            if common.len() == self.units.len() {
                let (ours, theirs) = (seconds(self.ours.build_all), seconds(measured.build_all));
                rows.push(row(
                    "compile time, all crates in one `cargo build`".into(),
                    ours,
                    theirs,
                    " s",
                    target_of(*peer, "compile"),
                ));
            }
        }
        rows
    }

    /// Judged on the paired ratio (both sides called in alternation); the
    /// criterion means beside it show the absolute times.
    fn request_rows(&self) -> Vec<Row> {
        let mean = |key: &str| self.requests.means[key].mean / 1e3;
        let paired = |group: &str| self.requests.paired[group];
        let row = |measure: &str, group: &str, other_label: &str, target: Option<f64>| {
            let p = paired(group);
            Row {
                measure: format!("{measure} (median of {} paired rounds; quartiles {:.3}–{:.3})", p.rounds, p.q1, p.q3),
                ours: format!("{:.1} µs", mean(&format!("{group}/generated"))),
                other: format!("{other_label}: {:.1} µs", mean(&format!("{group}/handwritten"))),
                ratio: p.median,
                target,
            }
        };
        let floor = Row {
            measure: "list of 10,000 clusters: our call vs decoding alone (criterion means)".into(),
            ours: format!("{:.1} µs", mean("decode_10k/generated")),
            other: format!("serde_json::from_slice of the same bytes: {:.1} µs", mean("decode_10k/serde_json")),
            ratio: mean("decode_10k/generated") / mean("decode_10k/serde_json"),
            target: None,
        };
        vec![
            row(
                "request overhead, KakaoCloud token auth, loopback",
                "request_token",
                "hand-written reqwest + serde",
                Some(1.03),
            ),
            row(
                "request overhead, SCP signed request, loopback",
                "request_scp",
                "hand-written reqwest + serde + HMAC",
                Some(1.03),
            ),
            row(
                "list of 10,000 clusters, fetched and decoded",
                "decode_10k",
                "hand-written reqwest + serde_json",
                Some(1.05),
            ),
            floor,
        ]
    }

    fn per_crate(&self, out: &mut String) {
        let tools: Vec<&Measured> = std::iter::once(self.ours).chain(self.peers.iter().map(|(_, m)| m)).collect();
        let header: Vec<String> = tools.iter().map(|m| m.label.clone()).collect();
        for (title, cell) in [
            (
                "Generated lines of Rust per crate: total (docs / code) in src/; ours also has tests/, not counted",
                (|f: &UnitFigures| format!("{} ({} / {})", f.lines.total(), f.lines.doc, f.lines.code))
                    as fn(&UnitFigures) -> String,
            ),
            (
                "Compile time per crate (dev profile, dependencies built; median of the runs above)",
                |f: &UnitFigures| format!("{:.2} s", f.compile.as_secs_f64()),
            ),
        ] {
            let _ = writeln!(
                out,
                "\n## {title}\n\n| crate | operations | {} |\n| --- | --- |{}",
                header.join(" | "),
                " --- |".repeat(tools.len())
            );
            for unit in self.units {
                let cells: Vec<String> =
                    tools.iter().map(|m| m.units[&unit.name].as_ref().map_or_else(|_| "failed".into(), cell)).collect();
                let _ = writeln!(out, "| {} | {} | {} |", unit.name, unit.operations(), cells.join(" | "));
            }
        }
    }

    fn failures(&self, out: &mut String) {
        let failed: Vec<(String, &str, &String)> = self
            .peers
            .iter()
            .flat_map(|(peer, m)| {
                m.units.iter().filter_map(move |(unit, r)| r.as_ref().err().map(|e| (peer.label(), unit.as_str(), e)))
            })
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
        let _ = writeln!(out, "\n## Requests (criterion means, `bench/benches/requests.rs`; the summary's ratios are paired medians, because separate runs of each side drift on a shared VM)\n\n| benchmark | mean | 95% confidence |\n| --- | --- | --- |");
        for (key, e) in &self.requests.means {
            let _ =
                writeln!(out, "| {key} | {:.1} µs | {:.1} – {:.1} µs |", e.mean / 1e3, e.lower / 1e3, e.upper / 1e3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::figures::{Estimate, PairedRatio, SpecFile};
    use super::super::measure::RustLines;
    use super::*;

    fn unit(name: &str, operations: usize) -> Unit {
        let spec = SpecFile { path: format!("specs/{name}.yaml").into(), slug: name.to_owned(), operations };
        Unit { name: name.to_owned(), specs: vec![spec] }
    }

    fn figures(code: usize, compile_ms: u64) -> Result<UnitFigures, String> {
        Ok(UnitFigures { lines: RustLines { doc: 0, code, blank: 0 }, compile: Duration::from_millis(compile_ms) })
    }

    fn measured(label: &str, generate_ms: u64, units: [(&str, Result<UnitFigures, String>); 2]) -> Measured {
        Measured {
            label: label.into(),
            generate: Duration::from_millis(generate_ms),
            operations: 10,
            units: units.into_iter().map(|(n, f)| (n.to_owned(), f)).collect(),
            build_all: Duration::from_secs(1),
            crates: Default::default(),
        }
    }

    fn requests(ratio: f64) -> Requests {
        let estimate = Estimate { mean: 30_000.0, lower: 29_000.0, upper: 31_000.0 };
        let means = REQUEST_IDS.iter().map(|(g, i)| (format!("{g}/{i}"), estimate)).collect();
        let paired = ["request_token", "request_scp", "decode_10k"]
            .into_iter()
            .map(|g| (g.to_owned(), PairedRatio { rounds: 100, median: ratio, q1: ratio, q3: ratio }))
            .collect();
        Requests { means, paired }
    }

    fn render(peer: Measured, requests: &Requests) -> String {
        let units = [unit("a", 5), unit("b", 5)];
        let ours = measured("ours", 5, [("a", figures(100, 1000)), ("b", figures(100, 1000))]);
        let machine = Machine {
            date: "d".into(),
            cpu: "c".into(),
            memory: "m".into(),
            os: "o".into(),
            rustc: "r".into(),
            java: "j".into(),
            load: "0".into(),
        };
        let peers = [(Peer::ProgenitorPositional, peer)];
        Report {
            machine,
            duration: Duration::from_secs(60),
            runs: (9, 3, 3),
            units: &units,
            ours: &ours,
            peers: &peers,
            requests,
        }
        .markdown()
    }

    fn summary_row<'a>(markdown: &'a str, measure: &str) -> &'a str {
        markdown
            .lines()
            .find(|l| l.starts_with(&format!("| {measure}")))
            .unwrap_or_else(|| panic!("no row {measure}:\n{markdown}"))
    }

    #[test]
    fn ratios_are_judged_against_the_issue_targets() {
        let peer = measured("progenitor", 50, [("a", figures(100, 2000)), ("b", figures(200, 2000))]);
        let markdown = render(peer, &requests(1.10));
        // 0.5 ms/op against 5 ms/op: 0.10×, under the 0.33× target.
        assert!(
            summary_row(&markdown, "generation time per operation |").ends_with("| 0.10× | ≤ 0.33× | yes |"),
            "{markdown}"
        );
        // 200 lines against 300: 0.67×, under 0.70×; 2 s against 4 s: 0.50×.
        assert!(summary_row(&markdown, "generated lines per operation").ends_with("| 0.67× | ≤ 0.70× | yes |"));
        assert!(summary_row(&markdown, "compile time, crates one by one").ends_with("| 0.50× | ≤ 0.70× | yes |"));
        // A paired ratio of 1.10 misses the 3% target, and says so.
        assert!(summary_row(&markdown, "request overhead, KakaoCloud").ends_with("| 1.10× | ≤ 1.03× | **no** |"));
    }

    #[test]
    fn a_spec_a_peer_cannot_process_is_reported_with_its_error_and_left_out_of_the_ratios() {
        let peer =
            measured("progenitor", 50, [("a", figures(400, 4000)), ("b", Err("does not compile: error: boom".into()))]);
        let markdown = render(peer, &requests(1.0));
        assert!(markdown.contains("- progenitor 0.15.1 (positional), b: does not compile: error: boom"), "{markdown}");
        // Only crate `a` is compared: 100 lines against 400.
        assert!(
            summary_row(&markdown, "generated lines per operation (1 of 2 crates)").contains("| 0.25× |"),
            "{markdown}"
        );
        // The all-crates build is compared only when the peer built them all.
        assert!(!markdown.contains("all crates in one"), "{markdown}");
    }
}
