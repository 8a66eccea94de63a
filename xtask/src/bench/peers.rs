//! The established generators we measure ourselves against, installed from
//! their registries into `.tools/` at pinned versions by the bench itself.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::process::{run, venv};

pub(crate) const PROGENITOR_VERSION: &str = "0.15.1";
const OPENAPI_GENERATOR_VERSION: &str = "7.26.0";

/// A peer generator and the options it runs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Peer {
    /// progenitor's default: one async method per operation, arguments in order.
    ProgenitorPositional,
    /// progenitor's builder interface: the same shape of API as ours.
    ProgenitorBuilder,
    /// openapi-generator's `rust` generator with the `reqwest` library.
    OpenApiGenerator,
}

impl Peer {
    pub const ALL: [Peer; 3] = [Peer::ProgenitorBuilder, Peer::ProgenitorPositional, Peer::OpenApiGenerator];

    /// Folder name under `target/bench/`.
    pub fn slug(self) -> &'static str {
        match self {
            Peer::ProgenitorPositional => "progenitor-positional",
            Peer::ProgenitorBuilder => "progenitor-builder",
            Peer::OpenApiGenerator => "openapi-generator",
        }
    }

    pub fn label(self) -> String {
        match self {
            Peer::ProgenitorPositional => format!("progenitor {PROGENITOR_VERSION} (positional)"),
            Peer::ProgenitorBuilder => format!("progenitor {PROGENITOR_VERSION} (builder)"),
            Peer::OpenApiGenerator => format!("openapi-generator {OPENAPI_GENERATOR_VERSION} (rust, reqwest)"),
        }
    }
}

/// The installed peer programs.
pub struct Installed {
    progenitor: PathBuf,
    openapi_generator: PathBuf,
}

/// Installs both peers unless the pinned versions are already there.
pub fn install(root: &Path) -> Result<Installed, String> {
    let progenitor = install_progenitor(root)?;
    let pinned = format!("openapi-generator-cli=={OPENAPI_GENERATOR_VERSION}");
    let openapi_generator = venv(root, "bench-venv", &[pinned.as_str()])?.join("openapi-generator-cli");
    Ok(Installed { progenitor, openapi_generator })
}

/// `cargo-progenitor` at the pinned version under `.tools/`, installed
/// unless it is there (the bench and the corpus share it).
pub(crate) fn install_progenitor(root: &Path) -> Result<PathBuf, String> {
    let progenitor_root = root.join(".tools").join(format!("progenitor-{PROGENITOR_VERSION}"));
    let progenitor = progenitor_root.join("bin/cargo-progenitor");
    if !progenitor.exists() {
        let mut install = Command::new(env!("CARGO"));
        install
            .args(["install", "--locked", "--quiet", "cargo-progenitor", "--version", PROGENITOR_VERSION, "--root"])
            .arg(&progenitor_root);
        run(&mut install)?;
    }
    Ok(progenitor)
}

impl Installed {
    /// The command that turns `spec` into crate `name` in `out`.
    pub fn command(&self, peer: Peer, spec: &Path, out: &Path, name: &str) -> Command {
        match peer {
            Peer::ProgenitorPositional | Peer::ProgenitorBuilder => {
                let interface = if peer == Peer::ProgenitorBuilder { "builder" } else { "positional" };
                let mut cmd = Command::new(&self.progenitor);
                cmd.args(["progenitor", "--name", name, "--version", "0.1.0", "--interface", interface, "--input"])
                    .arg(spec)
                    .arg("--output")
                    .arg(out);
                cmd
            }
            Peer::OpenApiGenerator => {
                let mut cmd = Command::new(&self.openapi_generator);
                cmd.args([
                    "generate",
                    "--generator-name",
                    "rust",
                    "--library",
                    "reqwest",
                    "--package-name",
                    name,
                    "--input-spec",
                ])
                .arg(spec)
                .arg("--output")
                .arg(out);
                cmd
            }
        }
    }
}

/// openapi-generator's crates default to native-tls (OpenSSL); the project uses
/// rustls everywhere, and the generated crate offers it as a feature.
pub fn prefer_rustls(peer: Peer, crate_dir: &Path) -> Result<(), String> {
    if peer != Peer::OpenApiGenerator {
        return Ok(());
    }
    let manifest = crate_dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).map_err(|e| format!("{}: {e}", manifest.display()))?;
    let patched = text.replace("default = [\"native-tls\"]", "default = [\"rustls\"]");
    std::fs::write(&manifest, patched).map_err(|e| format!("{}: {e}", manifest.display()))
}

/// A workspace manifest over the peer's crates, so dependencies build once.
pub fn write_workspace(dir: &Path, members: &[String]) -> Result<(), String> {
    let list: Vec<String> = members.iter().map(|m| format!("    \"{m}\",")).collect();
    let text = format!(
        "# Written by `cargo xtask bench`.\n[workspace]\nresolver = \"2\"\nmembers = [\n{}\n]\n",
        list.join("\n")
    );
    std::fs::write(dir.join("Cargo.toml"), text).map_err(|e| format!("{}: {e}", dir.display()))
}

/// `java -version`'s first line, for the report.
pub fn java_version() -> String {
    Command::new("java")
        .arg("-version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stderr).lines().next().map(str::to_owned))
        .unwrap_or_else(|| "java: not found".into())
}
