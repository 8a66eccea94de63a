//! One generator run in a child process, fenced in: a wall-clock timeout after
//! which it is killed, and an address-space limit so a description that makes
//! a generator allocate without bound fails alone instead of taking the
//! machine down. The child leads a process group of its own, killed whole at
//! the timeout. The child is reaped with `wait4`, whose `rusage` gives its
//! peak resident memory whatever way it ended (even when it was killed).

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The fence around one child.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub timeout: Duration,
    /// `RLIMIT_AS`, in bytes.
    pub address_space: u64,
}

/// How the child ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ending {
    Exited(i32),
    Signalled(i32),
    TimedOut,
}

/// What a finished child left behind.
#[derive(Debug)]
pub(crate) struct Finished {
    pub ending: Ending,
    pub stdout: String,
    pub stderr: String,
    pub seconds: f64,
    pub peak_rss_kib: u64,
}

/// The most of each output stream that is kept: enough for the first error
/// and a panic message, bounded for a child that prints without end.
const KEPT_OUTPUT: u64 = 256 * 1024;

/// Runs `cmd` within `limits`; an error only when it cannot be started.
pub(crate) fn run(cmd: &mut Command, limits: Limits) -> Result<Finished, String> {
    let limit = limits.address_space;
    // SAFETY: `setrlimit` is async-signal-safe and touches no memory of the parent.
    unsafe {
        cmd.pre_exec(move || {
            let rlimit = libc::rlimit { rlim_cur: limit, rlim_max: limit };
            if libc::setrlimit(libc::RLIMIT_AS, &rlimit) == 0 {
                Ok(())
            } else {
                Err(std::io::Error::last_os_error())
            }
        });
    }
    let start = Instant::now();
    // A group of its own, so a timeout kills what the child started too (rustc under cargo).
    let mut child = cmd
        .process_group(0)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {cmd:?}: {e}"))?;
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let pid = child.id() as libc::pid_t;
    let (ending, rusage) = reap(pid, start + limits.timeout);
    Ok(Finished {
        ending,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
        seconds: start.elapsed().as_secs_f64(),
        // Linux reports `ru_maxrss` in KiB.
        peak_rss_kib: u64::try_from(rusage.ru_maxrss).unwrap_or(0),
    })
}

/// Reads a pipe to its end on a thread of its own, so a child that fills one
/// pipe while the parent waits never blocks.
fn drain<R: Read + Send + 'static>(pipe: Option<R>) -> JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(pipe) = pipe {
            let mut pipe = pipe.take(KEPT_OUTPUT);
            let _ = pipe.read_to_end(&mut bytes);
            // Keep reading past the cap, so the child is not stopped by a full pipe.
            let _ = std::io::copy(&mut pipe.into_inner(), &mut std::io::sink());
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// Waits for `pid` until `deadline`, polling more slowly as it runs longer
/// (fast children are timed closely), and kills it at the deadline.
fn reap(pid: libc::pid_t, deadline: Instant) -> (Ending, libc::rusage) {
    let mut pause = Duration::from_millis(1);
    let mut timed_out = false;
    loop {
        let blocking = timed_out;
        if let Some((status, rusage)) = wait4(pid, blocking) {
            let ending = if timed_out {
                Ending::TimedOut
            } else if libc::WIFSIGNALED(status) {
                Ending::Signalled(libc::WTERMSIG(status))
            } else {
                Ending::Exited(libc::WEXITSTATUS(status))
            };
            return (ending, rusage);
        }
        if Instant::now() >= deadline {
            // SAFETY: `pid` is our own child, not yet reaped, so the id (and
            // the group it leads) is still its.
            unsafe { libc::kill(-pid, libc::SIGKILL) };
            timed_out = true;
            continue;
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(25));
    }
}

/// One `wait4` call: the status and usage once the child has ended.
fn wait4(pid: libc::pid_t, blocking: bool) -> Option<(i32, libc::rusage)> {
    let mut status = 0;
    // SAFETY: an all-zero `rusage` is a valid value of this plain C struct.
    let mut rusage: libc::rusage = unsafe { std::mem::zeroed() };
    let flags = if blocking { 0 } else { libc::WNOHANG };
    loop {
        // SAFETY: both pointers are to live locals of the right types.
        let reaped = unsafe { libc::wait4(pid, &mut status, flags, &mut rusage) };
        if reaped == -1 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
            continue;
        }
        // Any other failure (ECHILD) means there is nothing left to wait for.
        return (reaped != 0).then_some((status, rusage));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits { timeout: Duration::from_secs(5), address_space: 1 << 30 };

    #[test]
    fn a_child_that_runs_too_long_is_killed_and_reported_so() {
        let limits = Limits { timeout: Duration::from_millis(200), ..LIMITS };
        let finished = run(Command::new("sleep").arg("30"), limits).unwrap();
        assert_eq!(finished.ending, Ending::TimedOut);
        assert!(finished.seconds < 5.0, "{finished:?}");
    }

    #[test]
    fn exit_code_output_and_memory_are_recorded() {
        let finished = run(Command::new("sh").args(["-c", "echo out; echo err >&2; exit 3"]), LIMITS).unwrap();
        assert_eq!(finished.ending, Ending::Exited(3));
        assert_eq!((finished.stdout.trim(), finished.stderr.trim()), ("out", "err"));
        assert!(finished.peak_rss_kib > 0, "{finished:?}");
    }

    #[test]
    fn the_address_space_limit_applies_to_the_child() {
        // 64 MiB of address space is too little to start a Python interpreter
        // that then allocates 256 MiB.
        let limits = Limits { address_space: 64 << 20, ..LIMITS };
        let finished = run(Command::new("python3").args(["-c", "x = bytearray(256 << 20)"]), limits).unwrap();
        assert_ne!(finished.ending, Ending::Exited(0), "{finished:?}");
    }
}
