//! The generator: OpenAPI 3.0 specs → intermediate representation → Rust crates.
//!
//! The flow is one-way, and each module owns one step:
//!
//! ```text
//! load   (YAML → openapiv3 document; errors name file + JSON pointer)
//!   → lower  (document → ir::Service: operations and named types, all $refs and facts resolved)
//!   → emit       (ir::Service → formatted Rust source files of one crate)
//! ```
//!
//! [`layout`] decides which spec files make which crate; [`generate_all`] runs the flow
//! for every crate and returns the files in memory, so callers (xtask, tests)
//! decide when and where to write them.

pub mod diff;
pub mod emit;
mod error;
pub mod ir;
pub mod layout;
pub mod load;
pub mod lower;
mod names;
pub mod surface;
mod vendor;

pub use emit::GeneratedCrate;
pub use error::SpecError;
pub use layout::{CrateSpec, VersionSpec};

use std::path::Path;

/// Loads and lowers every version of one crate.
pub fn lower_crate(spec: &CrateSpec) -> Result<Vec<ir::Service>, Vec<SpecError>> {
    lower_crate_in(spec, lower::Mode::Strict).map(|(services, _)| services)
}

/// [`lower_crate`] in `mode`, with the warnings of a lenient run.
pub fn lower_crate_in(
    spec: &CrateSpec,
    mode: lower::Mode,
) -> Result<(Vec<ir::Service>, Vec<SpecError>), Vec<SpecError>> {
    let mut services = Vec::new();
    let (mut errors, mut warnings) = (Vec::new(), Vec::new());
    for version in &spec.versions {
        match load::load(&version.path).and_then(|doc| lower::lower_in(&version.display_path, &doc, mode)) {
            Ok(mut lowered) => {
                services.push(lowered.service);
                warnings.append(&mut lowered.warnings);
            }
            Err(mut e) => errors.append(&mut e),
        }
    }
    if errors.is_empty() {
        Ok((services, warnings))
    } else {
        Err(errors)
    }
}

/// Generates one crate from its specs, strictly.
pub fn generate_crate(spec: &CrateSpec, package_version: &str) -> Result<GeneratedCrate, Vec<SpecError>> {
    generate_crate_in(spec, package_version, lower::Mode::Strict).map(|(generated, _)| generated)
}

/// [`generate_crate`] in `mode`, with the warnings of a lenient run.
pub fn generate_crate_in(
    spec: &CrateSpec,
    package_version: &str,
    mode: lower::Mode,
) -> Result<(GeneratedCrate, Vec<SpecError>), Vec<SpecError>> {
    let (services, warnings) = lower_crate_in(spec, mode)?;
    let generated = emit::emit_crate(spec, &services, package_version)
        .map_err(|message| vec![SpecError::new(&spec.versions[0].display_path, "", message)])?;
    Ok((generated, warnings))
}

/// Generates every crate under `specs_root` (see [`layout::discover`]). All
/// errors of all specs are collected, so one run reports every fault. Crates are
/// independent, so they are generated on all cores; results keep the layout's order.
pub fn generate_all(
    specs_root: &Path,
    package_version: impl Fn(&str) -> String + Sync,
) -> Result<Vec<GeneratedCrate>, Vec<SpecError>> {
    let crates = layout::discover(specs_root).map_err(|e| vec![e])?;
    let results = parallel_map(&crates, |spec| generate_crate(spec, &package_version(&spec.name)));
    let mut generated = Vec::new();
    let mut errors = Vec::new();
    for result in results {
        match result {
            Ok(c) => generated.push(c),
            Err(mut e) => errors.append(&mut e),
        }
    }
    if errors.is_empty() {
        Ok(generated)
    } else {
        Err(errors)
    }
}

/// `items.iter().map(f)` on one thread per core, each taking the next unclaimed
/// item, so one large spec does not hold back a batch of small ones.
pub(crate) fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).min(items.len());
    let next = AtomicUsize::new(0);
    let worker = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { return done };
            done.push((i, f(item)));
        }
    };
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers).map(|_| scope.spawn(worker)).collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, result)| result).collect()
}
