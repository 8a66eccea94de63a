//! The figures a bench run collects, shared by the measuring code and the report.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use super::measure::{BuildTimes, RustLines};

/// One of our crates and the spec files it is generated from: every comparison
/// is made per unit, so a peer's crates for the same specs are summed.
pub struct Unit {
    pub name: String,
    pub specs: Vec<SpecFile>,
}

pub struct SpecFile {
    pub path: PathBuf,
    /// The crate name a peer gets for this file alone (`scp-data-flow-1-0`).
    pub slug: String,
    pub operations: usize,
}

impl Unit {
    pub fn operations(&self) -> usize {
        self.specs.iter().map(|s| s.operations).sum()
    }
}

/// What one generator did with every spec.
pub struct Measured {
    pub label: String,
    /// Median wall time to generate all the specs it could process.
    pub generate: Duration,
    /// Operations in those specs.
    pub operations: usize,
    /// Per unit: lines and compile time, or why the generator failed on it.
    pub units: BTreeMap<String, Result<UnitFigures, String>>,
    /// One `cargo build` of every crate it produced.
    pub build_all: Duration,
    /// The crates made for each unit it processed completely.
    pub crates: BTreeMap<String, Vec<String>>,
}

impl Measured {
    /// Fills in compile times: a unit's is the sum of its crates'.
    pub(super) fn record_compile(&mut self, times: &BuildTimes) {
        for (unit, figures) in &mut self.units {
            if let (Ok(figures), Some(crates)) = (figures, self.crates.get(unit)) {
                figures.compile = crates.iter().map(|c| times.per_crate[c]).sum();
            }
        }
        self.build_all = times.all;
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct UnitFigures {
    pub lines: RustLines,
    pub compile: Duration,
}

impl std::iter::Sum for UnitFigures {
    fn sum<I: Iterator<Item = UnitFigures>>(iter: I) -> UnitFigures {
        iter.fold(UnitFigures::default(), |a, b| UnitFigures {
            lines: a.lines + b.lines,
            compile: a.compile + b.compile,
        })
    }
}

/// Criterion's estimate of one benchmark's mean time, in ns, with its 95% confidence bounds.
#[derive(Debug, Clone, Copy)]
pub struct Estimate {
    pub mean: f64,
    pub lower: f64,
    pub upper: f64,
}

/// Paired rounds of one group (generated and hand-written called in
/// alternation): quartiles of the per-round ratio generated / hand-written.
#[derive(Debug, Clone, Copy)]
pub struct PairedRatio {
    pub rounds: u64,
    pub median: f64,
    pub q1: f64,
    pub q3: f64,
}

/// What `bench/benches/requests.rs` measured.
pub struct Requests {
    /// Criterion's estimates by `group/id`.
    pub means: BTreeMap<String, Estimate>,
    /// The paired ratio by group: the figure the targets are judged on.
    pub paired: BTreeMap<String, PairedRatio>,
}
