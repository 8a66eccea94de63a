//! What is the same for a whole crate, or a whole version, computed once and
//! read by every emitter.

use std::collections::{BTreeMap, BTreeSet};

use super::validate;
use crate::ir::{Service, Success, TypeDef};
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
    /// Where each type is used, as a sentence: the doc of a type the spec
    /// does not describe.
    pub uses: BTreeMap<String, String>,
    /// The module holding this version's `Client` and `types`, as a user
    /// names it: `scp_epas`, or `scp_data_flow::v1_1`.
    pub root: String,
    /// The crate as code names it: `scp_data_flow`.
    pub krate: String,
}

impl<'a> Crate<'a> {
    pub fn new(spec: &'a CrateSpec, services: &'a [Service]) -> Self {
        let crate_root = spec.name.replace('-', "_");
        let versions = services
            .iter()
            .zip(&spec.versions)
            .map(|(service, version)| Version {
                service,
                crate_name: &spec.name,
                checked: validate::checked_types(service),
                uses: type_uses(service),
                root: match spec.is_multi_version() {
                    true => format!("{crate_root}::{}", version.module),
                    false => crate_root.clone(),
                },
                krate: crate_root.clone(),
            })
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

/// For each type, a sentence saying where it is used: `The request body of
/// `create_cluster`.`, `Returned by `show_cluster`.`, `Part of `Cluster`.`.
fn type_uses(service: &Service) -> BTreeMap<String, String> {
    let mut roles: BTreeMap<String, [Vec<String>; 6]> = BTreeMap::new();
    let mut note = |ty: Option<&crate::ir::Type>, role: usize, by: String| {
        if let Some(name) = ty.and_then(crate::ir::Type::named) {
            let entry = &mut roles.entry(name.to_owned()).or_default()[role];
            if !entry.contains(&by) {
                entry.push(by);
            }
        }
    };
    for op in &service.operations {
        note(op.body.as_ref().map(|b| &b.ty), 0, op.name.clone());
        let returned: Vec<&crate::ir::Type> = match &op.success {
            Success::Body(ty) | Success::BodyOrEmpty(ty) => vec![ty],
            Success::ByStatus(bodies) => bodies.iter().filter_map(|b| b.ty.as_ref()).collect(),
            Success::Empty => Vec::new(),
        };
        for ty in returned {
            note(Some(ty), 1, op.name.clone());
        }
        for p in &op.params {
            note(Some(&p.ty), 2, format!("{}` of `{}", p.name, op.name));
        }
        for r in op.responses.iter().filter(|r| !r.status.is_success()) {
            note(r.ty.as_ref(), 4, op.name.clone());
        }
    }
    for p in &service.client_params {
        note(Some(&p.ty), 5, p.name.clone());
    }
    for def in service.types.values() {
        for ty in def.kind.member_types().into_iter().chain(def.kind.additional()) {
            note(Some(ty), 3, def.name.clone());
        }
    }
    const SENTENCES: [&str; 6] =
        ["The request body of", "Returned by", "The parameter", "Part of", "The error body of", "The client parameter"];
    roles
        .into_iter()
        .map(|(name, roles)| {
            let clauses: Vec<String> = roles
                .iter()
                .zip(SENTENCES)
                .filter(|(users, _)| !users.is_empty())
                .map(|(users, sentence)| format!("{sentence} {}.", listed(users)))
                .collect();
            (name, clauses.join(" "))
        })
        .collect()
}

/// `` `a` ``, `` `a` and `b` ``, `` `a`, `b` and 3 more ``.
fn listed(names: &[String]) -> String {
    let shown: Vec<String> = names.iter().take(3).map(|n| format!("`{n}`")).collect();
    match names.len() {
        1 => shown[0].clone(),
        2 | 3 => format!("{} and {}", shown[..shown.len() - 1].join(", "), shown[shown.len() - 1]),
        n => format!("{} and {} more", shown[..2].join(", "), n - 2),
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
