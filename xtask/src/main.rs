//! `cargo xtask <task>`: the project's tasks, in Rust so they run wherever cargo does.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use xtask::{regen, test};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  regen    regenerate generated/ from specs/ (atomic; nothing changes if any spec fails)
           --bump: also bump changed crates by semver and add a CHANGELOG.md entry
  diff     API change report: [--from REV] [--to REV] [--json] [--fail-on-breaking] [A.yaml B.yaml]
  audit    where the vendors' docs (saved as text) and the specs disagree:
           [DOCS_FILE…] [--spec SPEC…] [--json] [--fail-on-difference]
  gen      one crate from any OpenAPI 3.0 description, building on its own; sloppiness
           with a clear meaning is a warning: SPEC --out DIR [--name NAME] [--strict]
  check    fail with a diff when generated/ is out of step with specs/ or the generator
  lint     lint every spec (openapi-spec-validator + project rules)
  conformance  call every operation of every crate against Prism mocks of the specs
  corpus   every OpenAPI 3.0 description of APIs.guru's directory (and GitHub's) through our
           generator and progenitor, a sample compiled; writes CORPUS.md
           [--limit N] [--sample N] [--jobs N] [--no-progenitor] [--no-progenitor-check]
  bench    ours vs progenitor, openapi-generator and hand-written reqwest: generation,
           size, compile time, request overhead; writes BENCHMARKS.md  [--quick]
  test     everything CI runs: lint, check, build, clippy, doc, tests, conformance
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("regen") => {
            let bump = args.iter().any(|a| a == "--bump");
            regen::regen_with(&root(), bump).map(|report| println!("{report}"))
        }
        Some("bench") => xtask::bench::bench(&root(), &args[1..]),
        Some("diff") => xtask::diff::run(&root(), &args[1..]).map(|_| ()),
        Some("audit") => xtask::audit::run(&root(), &args[1..]).map(|_| ()),
        Some("gen") => xtask::gen::run(&root(), &args[1..]),
        Some("corpus") => xtask::corpus::run(&root(), &args[1..]),
        Some("check") => regen::check(&root()),
        Some("lint") => test::lint(&root()),
        Some("conformance") => xtask::conformance::conformance(&root()).map(|s| {
            println!("conformance: {}/{} operations accepted by Prism and decoded", s.exercised, s.operations)
        }),
        Some("test") => test::test(&root(), &args[1..]),
        _ => {
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (the parent of `xtask/`).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
}
