//! What is the same for a whole crate, or a whole version, computed once and
//! read by every emitter.

use std::collections::BTreeSet;

use super::validate;
use crate::ir::{Service, TypeDef};
use crate::CrateSpec;

/// Facts about one crate that every emitter reads, computed once.
pub(crate) struct Crate<'a> {
    pub spec: &'a CrateSpec,
    /// One per API version, in the order of `spec.versions`.
    pub versions: Vec<Version<'a>>,
    /// Types identical in every version, emitted once in `shared.rs`.
    pub shared: BTreeSet<String>,
    /// The version the crate root re-exports: the one marked `CURRENT`, else the newest.
    pub current_index: usize,
    /// The spec files, as the `@generated` headers name them.
    pub sources: String,
}

/// Facts about one API version.
pub(crate) struct Version<'a> {
    pub service: &'a Service,
    /// The crate's package name.
    pub crate_name: &'a str,
    /// Types that have a `Validate` impl.
    pub checked: BTreeSet<String>,
}

impl<'a> Crate<'a> {
    pub fn new(spec: &'a CrateSpec, services: &'a [Service]) -> Self {
        let versions = services
            .iter()
            .map(|service| Version { service, crate_name: &spec.name, checked: validate::checked_types(service) })
            .collect();
        let shared = if spec.is_multi_version() { shared_types(services) } else { BTreeSet::new() };
        let current_index =
            services.iter().rposition(|s| s.version_status.as_deref() == Some("CURRENT")).unwrap_or(services.len() - 1);
        let sources = services.iter().map(|s| s.spec_path.as_str()).collect::<Vec<_>>().join(", ");
        Crate { spec, versions, shared, current_index, sources }
    }

    /// The version the crate root re-exports.
    pub fn current(&self) -> &Version<'a> {
        &self.versions[self.current_index]
    }

    pub fn services(&self) -> impl Iterator<Item = &'a Service> + '_ {
        self.versions.iter().map(|v| v.service)
    }
}

/// Names of types that are identical in every version and refer only to other
/// such types: they are emitted once, in `shared`, so callers can pass them to
/// any version.
fn shared_types(services: &[Service]) -> BTreeSet<String> {
    let (first, rest) = services.split_first().expect("a crate has a version");
    let same = |a: &TypeDef, b: &TypeDef| a.doc == b.doc && a.kind == b.kind;
    let mut shared: BTreeSet<String> = first
        .types
        .values()
        .filter(|t| rest.iter().all(|s| s.types.get(&t.name).is_some_and(|u| same(t, u))))
        .map(|t| t.name.clone())
        .collect();
    loop {
        let before = shared.len();
        let keep: BTreeSet<String> = shared
            .iter()
            .filter(|name| first.types[*name].references().into_iter().all(|r| shared.contains(r)))
            .cloned()
            .collect();
        shared = keep;
        if shared.len() == before {
            return shared;
        }
    }
}
