//! What became of one description in one generator, read from how its child
//! process ended: the records the report and `results.json` are made of.

use serde::{Deserialize, Serialize};

use super::child::{Ending, Finished};

/// How a generator fared on one description.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Outcome {
    Generated,
    /// The generator said why it would not: the expected way to fail.
    Refused,
    /// A bug: the generator panicked.
    Panicked,
    TimedOut,
    OutOfMemory,
    /// A bug too: a stack overflow, a signal, an exit code no one documents.
    Crashed,
}

impl Outcome {
    pub(crate) const ALL: [Outcome; 6] = [
        Outcome::Generated,
        Outcome::Refused,
        Outcome::Panicked,
        Outcome::TimedOut,
        Outcome::OutOfMemory,
        Outcome::Crashed,
    ];

    pub(crate) fn label(self) -> &'static str {
        match self {
            Outcome::Generated => "generated",
            Outcome::Refused => "refused",
            Outcome::Panicked => "panicked",
            Outcome::TimedOut => "timed out",
            Outcome::OutOfMemory => "out of memory",
            Outcome::Crashed => "crashed",
        }
    }
}

/// One generator run on one description.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub(crate) struct Run {
    pub outcome: Outcome,
    /// The first error of a refusal, the panic message, or what ended a crash.
    pub message: Option<String>,
    /// Where in the description the first error is (ours only).
    pub pointer: Option<String>,
    pub errors: usize,
    pub warnings: usize,
    pub seconds: f64,
    pub peak_rss_kib: u64,
}

/// What `corpus --one` prints on its standard output, one JSON line.
#[derive(Serialize, Deserialize, Debug, Default)]
pub(crate) struct ChildReport {
    pub generated: bool,
    pub errors: usize,
    pub warnings: usize,
    pub first_error: Option<String>,
    pub pointer: Option<String>,
}

/// Our generator's run, from its child's ending and its [`ChildReport`].
pub(crate) fn ours(finished: &Finished) -> Run {
    let mut run = abnormal(finished).unwrap_or_else(|| {
        match serde_json::from_str::<ChildReport>(finished.stdout.lines().last().unwrap_or_default()) {
            Ok(report) => Run {
                outcome: if report.generated { Outcome::Generated } else { Outcome::Refused },
                message: report.first_error,
                pointer: report.pointer,
                errors: report.errors,
                warnings: report.warnings,
                ..blank(finished)
            },
            Err(_) => crashed(finished, "no report on standard output"),
        }
    });
    run.seconds = finished.seconds;
    run
}

/// progenitor's run: success is exit code 0; any other exit code with an
/// error printed is a refusal (its first error line is the reason).
pub(crate) fn progenitor(finished: &Finished) -> Run {
    abnormal(finished).unwrap_or_else(|| match finished.ending {
        Ending::Exited(0) => Run { outcome: Outcome::Generated, ..blank(finished) },
        _ => Run { outcome: Outcome::Refused, message: Some(progenitor_reason(finished)), ..blank(finished) },
    })
}

/// progenitor prints `gen fail: UnexpectedFormat("path /x is missing operation ID")`
/// on standard output before its generic `Error: generation experienced
/// errors` on standard error: the reason, unwrapped from its Debug form
/// (`UnexpectedFormat: path /x is …`).
fn progenitor_reason(finished: &Finished) -> String {
    let output = || finished.stdout.lines().chain(finished.stderr.lines());
    let Some(line) = output().find_map(|l| l.trim().strip_prefix("gen fail: ")) else {
        return first_error_line(&finished.stderr);
    };
    match line.split_once("(\"") {
        Some((kind, rest)) => format!("{kind}: {}", rest.trim_end_matches("\")").replace("\\\"", "\"")),
        None => line.to_owned(),
    }
}

/// The endings every child shares: timeouts, memory exhaustion, panics and
/// crashes. `None` for a child that ended on its own with an exit code it
/// means (0, or a refusal's).
fn abnormal(finished: &Finished) -> Option<Run> {
    let stderr = &finished.stderr;
    let run = |outcome, message| Run { outcome, message, ..blank(finished) };
    if finished.ending == Ending::TimedOut {
        Some(run(Outcome::TimedOut, None))
    } else if is_out_of_memory(stderr) {
        Some(run(Outcome::OutOfMemory, memory_message(stderr)))
    } else if stderr.contains("has overflowed its stack") {
        Some(crashed(finished, "stack overflow"))
    } else if stderr.contains("panicked at") {
        Some(run(Outcome::Panicked, Some(panic_message(stderr))))
    } else {
        match finished.ending {
            Ending::Signalled(signal) => Some(crashed(finished, &format!("killed by signal {signal}"))),
            Ending::Exited(101) => Some(crashed(finished, "exit code 101")),
            _ => None,
        }
    }
}

fn blank(finished: &Finished) -> Run {
    Run {
        outcome: Outcome::Crashed,
        message: None,
        pointer: None,
        errors: 0,
        warnings: 0,
        seconds: finished.seconds,
        peak_rss_kib: finished.peak_rss_kib,
    }
}

fn crashed(finished: &Finished, why: &str) -> Run {
    let last = finished.stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or_default();
    let message = if last.is_empty() { why.to_owned() } else { format!("{why}: {}", last.trim()) };
    Run { outcome: Outcome::Crashed, message: Some(message), ..blank(finished) }
}

/// Rust's allocation-failure abort, or an allocator's or a runtime's own words.
fn is_out_of_memory(stderr: &str) -> bool {
    ["memory allocation of", "out of memory", "Cannot allocate memory", "failed to allocate"]
        .iter()
        .any(|words| stderr.contains(words))
}

fn memory_message(stderr: &str) -> Option<String> {
    stderr.lines().find(|l| is_out_of_memory(l)).map(|l| l.trim().to_owned())
}

/// `thread 'main' panicked at src/x.rs:1:2:` and the message on the next
/// line (Rust ≥ 1.73), as `src/x.rs:1:2: message`.
fn panic_message(stderr: &str) -> String {
    let mut lines = stderr.lines().skip_while(|l| !l.contains("panicked at"));
    let head = lines.next().unwrap_or_default();
    let place = head.split_once("panicked at ").map_or(head, |(_, place)| place).trim_end_matches(':');
    let message = lines.next().unwrap_or_default().trim();
    format!("{place}: {message}")
}

/// The first line that reads as an error, else the first non-empty one.
pub(crate) fn first_error_line(stderr: &str) -> String {
    let lines = || stderr.lines().map(str::trim).filter(|l| !l.is_empty());
    let line = lines().find(|l| l.to_ascii_lowercase().contains("error")).or_else(|| lines().next());
    line.unwrap_or("(nothing on standard error)").chars().take(400).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finished(ending: Ending, stdout: &str, stderr: &str) -> Finished {
        Finished { ending, stdout: stdout.into(), stderr: stderr.into(), seconds: 0.5, peak_rss_kib: 1024 }
    }

    #[test]
    fn a_panic_is_told_from_a_refusal_and_keeps_its_place_and_message() {
        let stderr = "thread 'main' panicked at codegen/src/lower/schema.rs:10:5:\nindex out of bounds\nnote: …";
        let run = progenitor(&finished(Ending::Exited(101), "", stderr));
        assert_eq!(run.outcome, Outcome::Panicked);
        assert_eq!(run.message.as_deref(), Some("codegen/src/lower/schema.rs:10:5: index out of bounds"));
        let run = progenitor(&finished(Ending::Exited(1), "", "warning: x\nError: unsupported thing"));
        assert_eq!((run.outcome, run.message.as_deref()), (Outcome::Refused, Some("Error: unsupported thing")));
        let stderr =
            "gen fail: UnexpectedFormat(\"path /q is missing operation ID\")\nError: generation experienced errors";
        let run = progenitor(&finished(Ending::Exited(1), "", stderr));
        assert_eq!(run.message.as_deref(), Some("UnexpectedFormat: path /q is missing operation ID"));
    }

    #[test]
    fn our_report_decides_between_generated_and_refused() {
        let line = r##"{"generated":false,"errors":2,"warnings":1,"first_error":"bad","pointer":"#/paths"}"##;
        let run = ours(&finished(Ending::Exited(0), line, ""));
        assert_eq!((run.outcome, run.errors, run.pointer.as_deref()), (Outcome::Refused, 2, Some("#/paths")));
        assert_eq!(ours(&finished(Ending::Exited(0), "", "")).outcome, Outcome::Crashed);
    }

    #[test]
    fn memory_exhaustion_timeouts_and_stack_overflows_are_named() {
        let oom = finished(Ending::Signalled(6), "", "memory allocation of 4096 bytes failed\n");
        assert_eq!(ours(&oom).outcome, Outcome::OutOfMemory);
        assert_eq!(ours(&finished(Ending::TimedOut, "", "")).outcome, Outcome::TimedOut);
        let overflow =
            finished(Ending::Signalled(6), "", "thread 'main' has overflowed its stack\nfatal runtime error");
        assert_eq!(ours(&overflow).outcome, Outcome::Crashed);
    }
}
