//! The conformance step: every operation of every generated crate is called
//! against Prism, a spec-validating mock no one here wrote, started on free
//! loopback ports and stopped again whatever happens.

use std::fs;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Prism and its pinned version live in `tests/conformance/package.json`.
const TOOLS: &str = "tests/conformance";

/// A running Prism, killed when dropped (also on errors and panics).
struct Prism {
    child: Child,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Outcome of the conformance run.
pub struct Summary {
    pub exercised: usize,
    pub operations: usize,
}

/// Installs the pinned npm tools when `package-lock.json` changed or
/// `node_modules` is missing.
fn install(root: &Path) -> Result<PathBuf, String> {
    let dir = root.join(TOOLS);
    let prism = dir.join("node_modules/.bin/prism");
    let lock = fs::read(dir.join("package-lock.json")).unwrap_or_default();
    let stamp = dir.join("node_modules/.installed-lock");
    if !prism.exists() || fs::read(&stamp).ok() != Some(lock.clone()) {
        crate::process::run(
            Command::new("npm").args(["ci", "--no-audit", "--no-fund", "--loglevel=error"]).current_dir(&dir),
        )?;
        fs::write(&stamp, lock).map_err(|e| e.to_string())?;
    }
    Ok(prism)
}

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port: {e}"))?;
    listener.local_addr().map(|a| a.port()).map_err(|e| e.to_string())
}

fn start(prism: &Path, spec: &Path, log: &Path) -> Result<(Prism, String), String> {
    let port = free_port()?;
    let log = fs::File::create(log).map_err(|e| e.to_string())?;
    let child = Command::new(prism)
        .args(["mock", "--host", "127.0.0.1", "--port", &port.to_string(), "--errors"])
        .arg(spec)
        .stdout(log.try_clone().map_err(|e| e.to_string())?)
        .stderr(log)
        .stdin(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start Prism: {e}"))?;
    Ok((Prism { child }, format!("http://127.0.0.1:{port}")))
}

fn wait_until_listening(url: &str, deadline: Instant) -> Result<(), String> {
    let address = url.trim_start_matches("http://");
    while Instant::now() < deadline {
        if TcpStream::connect(address).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Err(format!("Prism at {url} did not start in time"))
}

/// Runs the conformance tests of every generated crate, and the test that shows
/// a wrong request is rejected.
pub fn conformance(root: &Path) -> Result<Summary, String> {
    let prism = install(root)?;
    let crates = codegen::layout::discover(&root.join("specs")).map_err(|e| e.to_string())?;
    let logs = root.join("target/prism");
    fs::create_dir_all(&logs).map_err(|e| e.to_string())?;
    let mut running = Vec::new();
    let mut env = Vec::new();
    let mut operations = 0;
    for c in &crates {
        for version in &c.versions {
            let module = c.is_multi_version().then_some(version.module.as_str());
            let name = codegen::emit::prism_env(&c.name, module);
            let (server, url) = start(&prism, &version.path, &logs.join(format!("{name}.log")))?;
            running.push(server);
            env.push((name, url));
            let doc = codegen::load::load(&version.path).map_err(|e| format!("{e:?}"))?;
            operations += doc.paths.paths.values().filter_map(|p| p.as_item()).map(|p| p.iter().count()).sum::<usize>();
        }
    }
    let deadline = Instant::now() + Duration::from_secs(90);
    for (_, url) in &env {
        wait_until_listening(url, deadline)?;
    }
    let mut cargo = Command::new(env!("CARGO"));
    cargo.arg("test").current_dir(root).envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    for c in &crates {
        cargo.args(["-p", &c.name]);
    }
    cargo.args(["--no-fail-fast", "--test", "conformance", "--", "--ignored"]);
    let output = crate::process::run_captured(&mut cargo)?;
    let exercised = passed(&output);
    let mut mismatch = Command::new(env!("CARGO"));
    mismatch
        .args(["test", "-p", "sdk-tests", "--test", "prism_mismatch", "--", "--ignored"])
        .current_dir(root)
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    crate::process::run(&mut mismatch)?;
    drop(running);
    Ok(Summary { exercised, operations })
}

/// Sum of `N passed` over cargo's `test result:` lines.
fn passed(output: &str) -> usize {
    output
        .lines()
        .filter_map(|l| l.strip_prefix("test result: ok. "))
        .filter_map(|rest| rest.split(' ').next()?.parse::<usize>().ok())
        .sum()
}
