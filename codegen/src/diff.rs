//! API change report between two IRs of one service version.
//!
//! It compares the normalized IR, not YAML, so reordered keys, renamed `$ref`
//! targets with identical shapes aside, and formatting make no noise. Each change
//! is classified for a caller of the generated client:
//!
//! | change | breaking? | why |
//! | --- | --- | --- |
//! | operation, type or parameter removed | yes | code calling it no longer compiles |
//! | operation, type or optional parameter added | no | new method, type or setter |
//! | required parameter added | yes | the method gains a positional argument |
//! | parameter made required or optional | yes | it moves between argument and setter |
//! | parameter type or location changed | yes | argument type or request changes |
//! | field added, optional | no | structs are `#[non_exhaustive]`; a setter is added |
//! | field added, required | yes | `new()` gains an argument |
//! | field removed | yes | the field is gone |
//! | field made required/optional, or nullable when it was not | yes | the field's type changes between `T` and `Option<T>` |
//! | field type or format changed | yes | the field's type changes |
//! | enum value added | no | enums are `#[non_exhaustive]` and keep unknown values |
//! | enum value removed | yes | the variant is gone |
//! | constraint tightened (min up, max down, new or changed pattern) | yes | requests valid before may be refused |
//! | constraint loosened | no | everything valid before stays valid |
//! | response body type changed | yes | `send()` returns another type |
//! | deprecated | no | a warning, not an error |
//! | authentication, `Client::new` arguments changed | yes | construction code changes |
//! | endpoint variable or value removed | yes | the enum variant is gone |
//! | endpoint value added | no | enums are `#[non_exhaustive]` |
//! | generated method removed (`into_stream`, waiter, body variant) | yes | the method is gone |
//! | struct starts refusing unknown members | yes | responses that decoded may fail |
//! | description changed | no | documentation only |

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde::Serialize;

use crate::ir::{Constraints, Field, Operation, OperationSecurity, Param, Service, Success, Type, TypeDef, TypeKind};

/// One difference between two versions of an API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Where: `operation list_clusters`, `type Cluster.name`, ...
    pub location: String,
    /// What changed, in words.
    pub description: String,
    /// Whether a caller of the generated client may be broken.
    pub breaking: bool,
}

/// How much a set of changes moves a crate's version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Impact {
    None,
    /// Documentation only.
    Patch,
    /// Additive.
    Minor,
    /// Breaking.
    Major,
}

pub fn impact(changes: &[Change]) -> Impact {
    if changes.iter().any(|c| c.breaking) {
        Impact::Major
    } else if changes.iter().any(|c| !c.description.starts_with("description")) {
        Impact::Minor
    } else if changes.is_empty() {
        Impact::None
    } else {
        Impact::Patch
    }
}

/// The next version of `version` (`MAJOR.MINOR.PATCH`) for `impact`; below 1.0
/// a breaking change bumps the minor and anything else the patch, as Cargo reads
/// `0.x` versions.
pub fn bump(version: &str, impact: Impact) -> String {
    let parts: Vec<u64> = version.split('.').map(|p| p.parse().unwrap_or(0)).collect();
    let (major, minor, patch) =
        (parts.first().copied().unwrap_or(0), parts.get(1).copied().unwrap_or(0), parts.get(2).copied().unwrap_or(0));
    match (major, impact) {
        (_, Impact::None) => version.to_owned(),
        (0, Impact::Major) => format!("0.{}.0", minor + 1),
        (0, _) => format!("0.{minor}.{}", patch + 1),
        (_, Impact::Major) => format!("{}.0.0", major + 1),
        (_, Impact::Minor) => format!("{major}.{}.0", minor + 1),
        (_, Impact::Patch) => format!("{major}.{minor}.{}", patch + 1),
    }
}

struct Differ {
    changes: Vec<Change>,
}

impl Differ {
    fn push(&mut self, location: impl Into<String>, description: impl Into<String>, breaking: bool) {
        self.changes.push(Change { location: location.into(), description: description.into(), breaking });
    }
}

/// Every change from `old` to `new`: the client as a whole, then operations,
/// then types.
pub fn diff(old: &Service, new: &Service) -> Vec<Change> {
    let mut d = Differ { changes: Vec::new() };
    client(&mut d, old, new);
    let names = |s: &Service| s.operations.iter().map(|o| o.name.clone()).collect::<BTreeSet<_>>();
    for name in names(old).union(&names(new)) {
        let at = format!("operation {name}");
        match (find(&old.operations, name), find(&new.operations, name)) {
            (Some(_), None) => d.push(at, "removed", true),
            (None, Some(op)) => d.push(at, format!("added ({} {})", op.method, op.path), false),
            (Some(a), Some(b)) => operation(&mut d, &at, a, b),
            (None, None) => {}
        }
    }
    let types: BTreeSet<&String> = old.types.keys().chain(new.types.keys()).collect();
    for name in types {
        let at = format!("type {name}");
        match (old.types.get(name), new.types.get(name)) {
            (Some(_), None) => d.push(at, "removed", true),
            (None, Some(_)) => d.push(at, "added", false),
            (Some(a), Some(b)) => type_def(&mut d, &at, a, b),
            (None, None) => {}
        }
    }
    d.changes
}

/// Authentication, `Client::new` arguments and `Endpoint` values.
fn client(d: &mut Differ, a: &Service, b: &Service) {
    if a.auth != b.auth {
        d.push("client", format!("authentication changed from {:?} to {:?}", a.auth, b.auth), true);
    }
    if (&a.security_scheme, &a.other_schemes) != (&b.security_scheme, &b.other_schemes) {
        let schemes = |s: &Service| {
            let others = s.other_schemes.iter().map(|o| format!("{} ({:?})", o.name, o.auth));
            s.security_scheme.iter().cloned().chain(others).collect::<Vec<_>>().join(", ")
        };
        let message = format!("security schemes changed from [{}] to [{}]", schemes(a), schemes(b));
        d.push("client", message, true);
    }
    let names = |s: &Service| s.client_params.iter().map(|p| p.name.clone()).collect::<BTreeSet<_>>();
    let (pa, pb) = (names(a), names(b));
    for p in pb.difference(&pa) {
        d.push("client", format!("`Client::new` takes a new argument `{p}`"), true);
    }
    for p in pa.difference(&pb) {
        d.push("client", format!("`Client::new` no longer takes `{p}`"), true);
    }
    match (a.servers.first(), b.servers.first()) {
        (Some(x), Some(y)) => {
            if x.url != y.url {
                d.push("endpoint", format!("default URL template changed from `{}` to `{}`", x.url, y.url), false);
            }
            for var in x.variables.iter().chain(&y.variables).map(|v| v.name.clone()).collect::<BTreeSet<_>>() {
                let values = |s: &crate::ir::Server| -> Option<BTreeSet<String>> {
                    s.variables
                        .iter()
                        .find(|v| v.name == var)
                        .map(|v| v.values.iter().map(|e| e.value.clone()).collect())
                };
                let at = format!("endpoint variable {var}");
                match (values(x), values(y)) {
                    (Some(_), None) => d.push(at, "removed", true),
                    (None, Some(_)) => d.push(at, "added", true),
                    (Some(va), Some(vb)) => {
                        for v in va.difference(&vb) {
                            d.push(&at, format!("value `{v}` removed"), true);
                        }
                        for v in vb.difference(&va) {
                            d.push(&at, format!("value `{v}` added"), false);
                        }
                    }
                    (None, None) => {}
                }
            }
        }
        (Some(_), None) => d.push("endpoint", "servers removed", true),
        (None, Some(_)) => d.push("endpoint", "servers added", false),
        (None, None) => {}
    }
}

fn find<'a>(ops: &'a [Operation], name: &str) -> Option<&'a Operation> {
    ops.iter().find(|o| o.name == name)
}

fn operation(d: &mut Differ, at: &str, a: &Operation, b: &Operation) {
    if (a.method, a.path.to_string()) != (b.method, b.path.to_string()) {
        d.push(at, format!("moved from {} {} to {} {}", a.method, a.path, b.method, b.path), true);
    }
    if !a.deprecated && b.deprecated {
        d.push(at, "deprecated", false);
    }
    let names: BTreeSet<&String> = a.params.iter().chain(&b.params).map(|p| &p.name).collect();
    for name in names {
        let p_at = format!("{at} › parameter {name}");
        let find = |ps: &'_ [Param]| ps.iter().find(|p| &p.name == name).cloned();
        match (find(&a.params), find(&b.params)) {
            (Some(_), None) => d.push(p_at, "removed", true),
            (None, Some(p)) => {
                d.push(p_at, format!("added, {}", if p.required { "required" } else { "optional" }), p.required)
            }
            (Some(x), Some(y)) => {
                if x.required != y.required {
                    d.push(&p_at, format!("made {}", if y.required { "required" } else { "optional" }), true);
                }
                renamed(d, &p_at, &x.rust_name, &y.rust_name);
                if x.location != y.location {
                    d.push(&p_at, format!("moved from {:?} to {:?}", x.location, y.location), true);
                }
                if x.ty != y.ty {
                    d.push(&p_at, format!("type changed from {} to {}", x.ty, y.ty), true);
                }
                constraints(d, &p_at, &x.doc.constraints, &y.doc.constraints);
                if !x.doc.deprecated && y.doc.deprecated {
                    d.push(&p_at, "deprecated", false);
                }
            }
            (None, None) => {}
        }
    }
    match (&a.body, &b.body) {
        (Some(_), None) => d.push(at, "request body removed", true),
        (None, Some(body)) => d.push(at, "request body added", body.required),
        (Some(x), Some(y)) => {
            if x.ty != y.ty {
                d.push(at, format!("request body type changed from {} to {}", x.ty, y.ty), true);
            }
            if x.required != y.required {
                d.push(at, format!("request body made {}", if y.required { "required" } else { "optional" }), true);
            }
        }
        (None, None) => {}
    }
    // What the caller gets back is the success shape; descriptions are docs.
    let (sa, sb) = (success_shape(&a.success), success_shape(&b.success));
    if sa != sb {
        d.push(at, format!("success response changed from {sa} to {sb}"), true);
    }
    if a.security != b.security {
        let message = format!("credentials changed from {:?} to {:?}", a.security, b.security);
        d.push(at, message, b.security != OperationSecurity::Anonymous);
    }
    generated_methods(d, at, a, b);
    if a.doc.description != b.doc.description || a.doc.summary != b.doc.summary {
        d.push(at, "description changed", false);
    }
}

/// The success shape as the caller sees it: `no body`, `T`, `T or no body`,
/// or the body of each status.
fn success_shape(success: &Success) -> String {
    match success {
        Success::Empty => "no body".into(),
        Success::Body(ty) => ty.to_string(),
        Success::BodyOrEmpty(ty) => format!("{ty} or no body"),
        Success::ByStatus(responses) => {
            let each: Vec<String> = responses
                .iter()
                .map(|r| format!("{}: {}", r.status, r.ty.as_ref().map_or_else(|| "no body".into(), Type::to_string)))
                .collect();
            format!("[{}]", each.join(", "))
        }
    }
}

/// Methods the extensions generate: `into_stream`, waiters, body variants.
fn generated_methods(d: &mut Differ, at: &str, a: &Operation, b: &Operation) {
    let mut methods = |x: BTreeSet<String>, y: BTreeSet<String>| {
        for m in x.difference(&y) {
            d.push(at, format!("method `{m}` removed"), true);
        }
        for m in y.difference(&x) {
            d.push(at, format!("method `{m}` added"), false);
        }
    };
    let of = |op: &Operation| -> BTreeSet<String> {
        let mut set: BTreeSet<String> = op.body_variants.iter().map(|v| v.method.clone()).collect();
        if let Some(waiter) = &op.waiter {
            set.insert(waiter.method.clone());
            set.extend(waiter.deleted.iter().map(|d| d.method.clone()));
        }
        if op.pagination.is_some() {
            set.insert(format!("{}().into_stream", op.name));
        }
        set
    };
    methods(of(a), of(b));
}

fn type_def(d: &mut Differ, at: &str, a: &TypeDef, b: &TypeDef) {
    match (&a.kind, &b.kind) {
        (
            TypeKind::Struct { fields: fa, additional: xa, closed: ca, .. },
            TypeKind::Struct { fields: fb, additional: xb, closed: cb, .. },
        ) => {
            if !ca && *cb {
                d.push(at, "now refuses unknown members (`additionalProperties: false`)", true);
            }
            if xa != xb {
                d.push(
                    at,
                    format!(
                        "additional members changed from {} to {}",
                        xa.as_ref().map_or_else(|| "none".into(), Type::to_string),
                        xb.as_ref().map_or_else(|| "none".into(), Type::to_string)
                    ),
                    xa.is_some(),
                );
            }
            let names: BTreeSet<&String> = fa.iter().chain(fb).map(|f| &f.name).collect();
            for name in names {
                let f_at = format!("{at}.{name}");
                let find = |fs: &'_ [Field]| fs.iter().find(|f| &f.name == name).cloned();
                match (find(fa), find(fb)) {
                    (Some(_), None) => d.push(f_at, "field removed", true),
                    (None, Some(f)) => {
                        let required = !f.is_optional();
                        d.push(
                            f_at,
                            format!("field added, {}", if required { "required" } else { "optional" }),
                            required,
                        );
                    }
                    (Some(x), Some(y)) => field(d, &f_at, &x, &y),
                    (None, None) => {}
                }
            }
        }
        (TypeKind::Enum { values: va, fallback: fa }, TypeKind::Enum { values: vb, fallback: fb }) => {
            for v in va.iter().filter(|v| !vb.iter().any(|w| w.value == v.value)) {
                d.push(at, format!("enum value `{}` removed", v.value), true);
            }
            for (x, y) in va.iter().filter_map(|v| Some((v, vb.iter().find(|w| w.value == v.value)?))) {
                renamed(d, &format!("{at} › value `{}`", x.value), &x.rust_name, &y.rust_name);
            }
            renamed(d, &format!("{at} › variant for undocumented values"), fa, fb);
            for v in vb.iter().filter(|v| !va.iter().any(|w| w.value == v.value)) {
                d.push(at, format!("enum value `{}` added", v.value), false);
            }
        }
        (ka, kb) if ka != kb => d.push(at, format!("changed from {} to {}", kind(ka), kind(kb)), true),
        _ => {}
    }
    constraints(d, at, &a.doc.constraints, &b.doc.constraints);
    if a.doc.description != b.doc.description {
        d.push(at, "description changed", false);
    }
}

/// A Rust name that changed while the wire name stayed: callers must rename too.
fn renamed(d: &mut Differ, at: &str, a: &str, b: &str) {
    if a != b {
        d.push(at, format!("renamed in Rust from `{a}` to `{b}`"), true);
    }
}

fn field(d: &mut Differ, at: &str, a: &Field, b: &Field) {
    renamed(d, at, &a.rust_name, &b.rust_name);
    if a.required != b.required {
        d.push(at, format!("made {}", if b.required { "required" } else { "optional" }), true);
    }
    if a.nullable != b.nullable {
        let wrapper_changes = a.is_optional() != b.is_optional();
        d.push(at, format!("made {}", if b.nullable { "nullable" } else { "non-nullable" }), wrapper_changes);
    }
    if a.ty != b.ty {
        d.push(at, format!("type changed from {} to {}", a.ty, b.ty), true);
    }
    if a.doc.format != b.doc.format {
        d.push(at, format!("format changed from {:?} to {:?}", a.doc.format, b.doc.format), true);
    }
    constraints(d, at, &a.doc.constraints, &b.doc.constraints);
    if !a.doc.deprecated && b.doc.deprecated {
        d.push(at, "deprecated", false);
    }
    if a.doc.description != b.doc.description {
        d.push(at, "description changed", false);
    }
}

/// Bounds and patterns: tightening may refuse what was valid, loosening cannot.
fn constraints(d: &mut Differ, at: &str, a: &Constraints, b: &Constraints) {
    let mut bound = |name: &str, x: Option<f64>, y: Option<f64>, lower: bool| {
        if x == y {
            return;
        }
        let tightened = match (x, y) {
            (None, Some(_)) => true,
            (Some(_), None) => false,
            (Some(x), Some(y)) => {
                if lower {
                    y > x
                } else {
                    y < x
                }
            }
            (None, None) => false,
        };
        let show = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_else(|| "none".into());
        d.push(at, format!("{name} changed from {} to {}", show(x), show(y)), tightened);
    };
    let us = |v: Option<usize>| v.map(|v| v as f64);
    bound("minimum", a.minimum, b.minimum, true);
    bound("maximum", a.maximum, b.maximum, false);
    bound("minLength", us(a.min_length), us(b.min_length), true);
    bound("maxLength", us(a.max_length), us(b.max_length), false);
    bound("minItems", us(a.min_items), us(b.min_items), true);
    bound("maxItems", us(a.max_items), us(b.max_items), false);
    if a.pattern != b.pattern {
        d.push(at, format!("pattern changed from {:?} to {:?}", a.pattern, b.pattern), b.pattern.is_some());
    }
}

fn kind(k: &TypeKind) -> &'static str {
    match k {
        TypeKind::Struct { .. } => "an object",
        TypeKind::Enum { .. } => "an enum",
        TypeKind::Union { .. } => "a union",
        TypeKind::Alias(_) => "an alias",
    }
}

/// A Markdown report of one service's changes, for a pull request.
pub fn markdown(title: &str, changes: &[Change]) -> String {
    let mut out = format!("## {title}\n\n");
    if changes.is_empty() {
        out.push_str("No API changes.\n");
        return out;
    }
    let breaking = changes.iter().filter(|c| c.breaking).count();
    let _ = writeln!(out, "{} change(s), {breaking} breaking.\n", changes.len());
    out.push_str("| | where | change |\n| --- | --- | --- |\n");
    for c in changes {
        let mark = match (c.breaking, c.description.starts_with("description")) {
            (true, _) => "⚠️ breaking",
            (false, true) => "docs",
            (false, false) => "additive",
        };
        let _ = writeln!(out, "| {mark} | `{}` | {} |", c.location, c.description.replace('|', "\\|"));
    }
    out
}
