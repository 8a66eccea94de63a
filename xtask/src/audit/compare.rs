//! One comparison for every layout: what the docs state against the spec
//! files they belong to, both ways. Every difference names its docs line and
//! its spec file + JSON pointer; segments after `parameters/` and `enum/`
//! name the parameter or value (stable when lists are reordered, and usable
//! for what the spec does not have yet).

use std::collections::HashSet;

use serde::Serialize;
use serde_json::Value;

use super::docs::{Docs, ExampleOf, Member, Operation, Param, Place, Schema, Shape, Ty};
use super::spec::{escape, Flat, Spec, SpecOperation};

/// What differs. Named from the docs' side: `missing-*` and `enum-added`
/// are stated by the docs and absent from the spec; `extra-*` and
/// `enum-removed` are in the spec and no longer in the docs.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    NewVersion,
    ExtraVersion,
    MissingOperation,
    ExtraOperation,
    MissingParameter,
    ExtraParameter,
    RenamedParameter,
    MissingModel,
    ExtraModel,
    MissingMember,
    ExtraMember,
    Required,
    Nullable,
    Type,
    EnumAdded,
    EnumRemoved,
    Bound,
    Default,
    MissingStatus,
    ExtraStatus,
    Unreadable,
}

impl Kind {
    pub const ALL: [Kind; 21] = [
        Kind::NewVersion,
        Kind::ExtraVersion,
        Kind::MissingOperation,
        Kind::ExtraOperation,
        Kind::MissingParameter,
        Kind::ExtraParameter,
        Kind::RenamedParameter,
        Kind::MissingModel,
        Kind::ExtraModel,
        Kind::MissingMember,
        Kind::ExtraMember,
        Kind::Required,
        Kind::Nullable,
        Kind::Type,
        Kind::EnumAdded,
        Kind::EnumRemoved,
        Kind::Bound,
        Kind::Default,
        Kind::MissingStatus,
        Kind::ExtraStatus,
        Kind::Unreadable,
    ];

    /// The name ERRATA keys and `--json` use.
    pub fn name(self) -> &'static str {
        match self {
            Kind::NewVersion => "new-version",
            Kind::ExtraVersion => "extra-version",
            Kind::MissingOperation => "missing-operation",
            Kind::ExtraOperation => "extra-operation",
            Kind::MissingParameter => "missing-parameter",
            Kind::ExtraParameter => "extra-parameter",
            Kind::RenamedParameter => "renamed-parameter",
            Kind::MissingModel => "missing-model",
            Kind::ExtraModel => "extra-model",
            Kind::MissingMember => "missing-member",
            Kind::ExtraMember => "extra-member",
            Kind::Required => "required",
            Kind::Nullable => "nullable",
            Kind::Type => "type",
            Kind::EnumAdded => "enum-added",
            Kind::EnumRemoved => "enum-removed",
            Kind::Bound => "bound",
            Kind::Default => "default",
            Kind::MissingStatus => "missing-status",
            Kind::ExtraStatus => "extra-status",
            Kind::Unreadable => "unreadable",
        }
    }

    /// The report's heading for the group.
    pub fn heading(self) -> &'static str {
        match self {
            Kind::NewVersion => "new API version section (in the docs, no spec file)",
            Kind::ExtraVersion => "spec file for an API version the docs no longer document",
            Kind::MissingOperation => "missing operation (in the docs, not in the spec)",
            Kind::ExtraOperation => "extra operation (in the spec, not in the docs)",
            Kind::MissingParameter => "missing parameter (in the docs, not in the spec)",
            Kind::ExtraParameter => "extra parameter (in the spec, not in the docs)",
            Kind::RenamedParameter => "renamed path parameter",
            Kind::MissingModel => "missing model (in the docs, not in the spec)",
            Kind::ExtraModel => "extra model (in the spec, not in the docs)",
            Kind::MissingMember => "missing member (in the docs, not in the spec)",
            Kind::ExtraMember => "extra member (in the spec, not in the docs)",
            Kind::Required => "required flag differs",
            Kind::Nullable => "nullable flag differs",
            Kind::Type => "type differs",
            Kind::EnumAdded => "enum value added (in the docs, not in the spec)",
            Kind::EnumRemoved => "enum value removed (in the spec, not in the docs)",
            Kind::Bound => "bound, length or pattern changed",
            Kind::Default => "default changed",
            Kind::MissingStatus => "missing status (in the docs, not in the spec)",
            Kind::ExtraStatus => "extra status (in the spec, not in the docs)",
            Kind::Unreadable => "docs text the audit could not read",
        }
    }

    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Difference {
    pub kind: Kind,
    /// Where the docs state it; `None` for what the docs do not have.
    pub docs: Option<Place>,
    /// The spec file (`specs/scp/epas/1.0.yaml`), or the one that would hold it.
    pub spec: String,
    pub pointer: String,
    pub message: String,
}

/// Headers the runtime sends; never parameters (specs/README.md).
const TRANSPORT: &[&str] = &[
    "x-auth-token",
    "scp-accesskey",
    "scp-signature",
    "scp-timestamp",
    "scp-clienttype",
    "scp-api-version",
    "accept-language",
    "accept",
    "content-type",
    "scp-request-path",
];

fn is_transport(location: &str, name: &str) -> bool {
    location == "header" && TRANSPORT.contains(&name.to_lowercase().as_str())
}

/// The service part of a version key: `data-flow` of `data-flow 1.1`;
/// empty for KakaoCloud and NHN Cloud, whose pages document one service.
pub fn service_of(version: &str) -> &str {
    version.rsplit_once(' ').map_or("", |(service, _)| service)
}

/// Compares `docs` with `specs`, the spec files of the services it covers.
pub fn compare(docs: &Docs, specs: &[&Spec]) -> Vec<Difference> {
    let mut cx = Comparison { structured: docs.structured, out: Vec::new(), reported: HashSet::new() };
    for (place, message) in &docs.unreadable {
        let spec = specs.first().map(|s| s.file.clone()).unwrap_or_default();
        cx.push(Kind::Unreadable, Some(place), &spec, "", message.clone());
    }
    let services: HashSet<&str> = specs.iter().map(|s| service_of(&s.version)).collect();
    let mut versions: Vec<&str> = Vec::new();
    for op in &docs.operations {
        if !versions.contains(&op.version.as_str()) {
            versions.push(&op.version);
        }
    }
    for version in &versions {
        let ops: Vec<&Operation> = docs.operations.iter().filter(|o| o.version == *version).collect();
        match specs.iter().find(|s| s.version == *version) {
            Some(spec) => cx.version(&ops, spec),
            None if services.contains(service_of(version)) => {
                let file = proposed_file(specs, version);
                let message = format!("the docs document API version `{version}`; no spec file describes it");
                cx.push(Kind::NewVersion, Some(&ops[0].place), &file, "", message);
            }
            None => {}
        }
    }
    for spec in specs.iter().filter(|s| !versions.contains(&s.version.as_str())) {
        let message = format!("no docs section documents API version `{}`", spec.version);
        cx.push(Kind::ExtraVersion, None, &spec.file, "", message);
    }
    cx.models(docs, specs);
    cx.out
}

/// Where the spec of a new version would go: beside its service's files.
fn proposed_file(specs: &[&Spec], version: &str) -> String {
    let service = service_of(version);
    let number = version.rsplit(' ').next().unwrap_or(version);
    let sibling = specs.iter().find(|s| service_of(&s.version) == service);
    match sibling.and_then(|s| s.file.rsplit_once('/')) {
        Some((dir, _)) => format!("{dir}/{number}.yaml"),
        None => format!("specs/{service}/{number}.yaml"),
    }
}

/// A path with its parameter names blanked: `/v1/a/{}`.
fn path_shape(path: &str) -> String {
    let mut out = String::new();
    let mut in_name = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_name = true;
                out.push_str("{}");
            }
            '}' => in_name = false,
            _ if in_name => {}
            _ => out.push(c),
        }
    }
    out
}

fn path_names(path: &str) -> Vec<&str> {
    path.split('{').skip(1).filter_map(|s| s.split_once('}').map(|(name, _)| name)).collect()
}

struct Comparison {
    structured: bool,
    out: Vec<Difference>,
    reported: HashSet<(Kind, String, String)>,
}

/// A spec parameter, resolved.
struct SpecParam<'a> {
    name: String,
    location: String,
    pointer: String,
    value: &'a Value,
}

/// For the bodies the docs describe member by member: their spec roots,
/// and the spec members some docs row or example showed.
#[derive(Default)]
struct Seen {
    roots: Vec<String>,
    members: HashSet<String>,
}

impl Comparison {
    fn push(&mut self, kind: Kind, docs: Option<&Place>, spec: &str, pointer: &str, message: String) {
        if self.reported.insert((kind, spec.to_owned(), pointer.to_owned())) {
            let docs = docs.cloned();
            self.out.push(Difference { kind, docs, spec: spec.to_owned(), pointer: pointer.to_owned(), message });
        }
    }

    fn version(&mut self, ops: &[&Operation], spec: &Spec) {
        let spec_ops = spec.operations();
        let key = |method: &str, path: &str| (method.to_owned(), path_shape(path));
        let mut groups: Vec<((String, String), Vec<&Operation>)> = Vec::new();
        for op in ops {
            let k = key(&op.method, &op.path);
            match groups.iter_mut().find(|(g, _)| *g == k) {
                Some((_, sections)) => sections.push(op),
                None => groups.push((k, vec![op])),
            }
        }
        for (k, sections) in &groups {
            match spec_ops.iter().find(|so| key(so.method, so.path) == *k) {
                Some(so) => self.operation(sections, so, spec),
                None => {
                    let op = sections[0];
                    let pointer = format!("/paths/{}/{}", escape(&op.path), op.method);
                    let message = format!(
                        "{} {} is documented; the spec has no such operation",
                        op.method.to_uppercase(),
                        op.path
                    );
                    self.push(Kind::MissingOperation, Some(&op.place), &spec.file, &pointer, message);
                }
            }
        }
        for so in &spec_ops {
            if !groups.iter().any(|(k, _)| *k == key(so.method, so.path)) {
                let message =
                    format!("{} {} is in the spec; the docs do not document it", so.method.to_uppercase(), so.path);
                self.push(Kind::ExtraOperation, None, &spec.file, &so.pointer, message);
            }
        }
    }

    fn operation(&mut self, sections: &[&Operation], so: &SpecOperation, spec: &Spec) {
        self.parameters(sections, so, spec);
        self.request(sections, so, spec);
        self.responses(sections, so, spec);
    }

    /// The operation's parameters and its path's, the operation's winning;
    /// a `$ref`'d one is pointed at in `components`, an inline one by name.
    fn spec_params<'a>(&self, so: &SpecOperation<'a>, spec: &'a Spec) -> Vec<SpecParam<'a>> {
        let mut params: Vec<SpecParam<'a>> = Vec::new();
        let own = so.op.get("parameters").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
        for raw in so.shared.iter().chain(own) {
            let (component, value, _) = spec.deref(String::new(), raw);
            let name = value.get("name").and_then(Value::as_str).unwrap_or_default().to_owned();
            let location = value.get("in").and_then(Value::as_str).unwrap_or_default().to_owned();
            let pointer = match raw.get("$ref") {
                Some(_) => component,
                None => format!("{}/parameters/{}", so.pointer, escape(&name)),
            };
            params.retain(|p| !(p.name == name && p.location == location));
            params.push(SpecParam { name, location, pointer, value });
        }
        params
    }

    fn parameters(&mut self, sections: &[&Operation], so: &SpecOperation, spec: &Spec) {
        let spec_params = self.spec_params(so, spec);
        let mut docs_params: Vec<&Param> = Vec::new();
        for p in sections.iter().flat_map(|s| &s.params) {
            if !is_transport(&p.location, &p.name)
                && !docs_params.iter().any(|d| d.name == p.name && d.location == p.location)
            {
                docs_params.push(p);
            }
        }
        // Path parameters pair up by position, so a rename is one difference.
        let mut renamed: HashSet<String> = HashSet::new();
        let docs_names = path_names(&sections[0].path);
        for (d, s) in docs_names.iter().zip(path_names(so.path)) {
            if *d == s {
                continue;
            }
            let place = docs_params
                .iter()
                .find(|p| p.location == "path" && p.name == *d)
                .map_or(&sections[0].place, |p| &p.place);
            let pointer = spec_params
                .iter()
                .find(|p| p.location == "path" && p.name == s)
                .map_or_else(|| format!("{}/parameters/{}", so.pointer, escape(s)), |p| p.pointer.clone());
            let message = format!("the docs name path parameter `{{{d}}}`; the spec names it `{{{s}}}`");
            self.push(Kind::RenamedParameter, Some(place), &spec.file, &pointer, message);
            renamed.insert((*d).to_owned());
            renamed.insert(s.to_owned());
        }
        let is_renamed = |location: &str, name: &str| location == "path" && renamed.contains(name);
        for dp in &docs_params {
            if is_renamed(&dp.location, &dp.name) {
                continue;
            }
            let Some(sp) = spec_params.iter().find(|s| s.name == dp.name && s.location == dp.location) else {
                let pointer = format!("{}/parameters/{}", so.pointer, escape(&dp.name));
                let message = format!("{} parameter `{}` is documented; the spec lacks it", dp.location, dp.name);
                self.push(Kind::MissingParameter, Some(&dp.place), &spec.file, &pointer, message);
                continue;
            };
            let required = sp.value.get("required").and_then(Value::as_bool).unwrap_or(false);
            if required != dp.required {
                let message = format!("the docs say {}; the spec says {}", words(dp.required), words(required));
                self.push(Kind::Required, Some(&dp.place), &spec.file, &format!("{}/required", sp.pointer), message);
            }
            if let Some(schema) = sp.value.get("schema") {
                let flat = spec.flat(&format!("{}/schema", sp.pointer), schema);
                let mut docs_schema = dp.schema.clone();
                // A URL segment cannot be null, whatever the table says.
                if dp.location == "path" {
                    docs_schema.nullable = None;
                }
                self.schema(&docs_schema, &flat, &sp.pointer, &dp.place, spec);
            }
        }
        for sp in &spec_params {
            let documented = docs_params.iter().any(|d| d.name == sp.name && d.location == sp.location);
            if !documented && !is_renamed(&sp.location, &sp.name) && !is_transport(&sp.location, &sp.name) {
                let message =
                    format!("{} parameter `{}` is in the spec; the docs do not list it", sp.location, sp.name);
                self.push(Kind::ExtraParameter, Some(&sections[0].place), &spec.file, &sp.pointer, message);
            }
        }
    }

    fn request(&mut self, sections: &[&Operation], so: &SpecOperation, spec: &Spec) {
        let body_pointer = format!("{}/requestBody", so.pointer);
        let request = so.op.get("requestBody").map(|b| spec.deref(body_pointer.clone(), b));
        let schema_pointer = request.as_ref().map(|(p, _, _)| format!("{p}/content/application~1json/schema"));
        let schema = request.as_ref().and_then(|(_, b, _)| b.pointer("/content/application~1json/schema"));
        let root = schema.zip(schema_pointer.as_deref()).map(|(s, p)| spec.flat(p, s));
        let mut seen = Seen::default();
        for section in sections {
            let Some(body) = &section.body else { continue };
            if let (Some(docs_required), Some((pointer, b, _))) = (body.required, &request) {
                let required = b.get("required").and_then(Value::as_bool).unwrap_or(false);
                if required != docs_required {
                    let message =
                        format!("the docs say the body is {}; the spec says {}", words(docs_required), words(required));
                    self.push(Kind::Required, Some(&body.place), &spec.file, &format!("{pointer}/required"), message);
                }
            }
            self.shape(&body.shape, root.as_ref(), &body.place, &body_pointer, spec, &mut seen);
            for example in section.examples.iter().filter(|e| e.target == ExampleOf::Request) {
                if let Some(root) = &root {
                    self.example(&example.value, root, example, spec, &mut seen, 0);
                }
            }
        }
        self.extras(&seen, spec, sections);
    }

    fn responses(&mut self, sections: &[&Operation], so: &SpecOperation, spec: &Spec) {
        let responses: Vec<(String, String, &Value)> = so
            .op
            .get("responses")
            .and_then(Value::as_object)
            .map(|r| {
                r.iter()
                    .map(|(status, value)| {
                        let (pointer, value, _) = spec.deref(format!("{}/responses/{status}", so.pointer), value);
                        (status.clone(), pointer, value)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let success = || {
            let mut ok: Vec<&(String, String, &Value)> = responses.iter().filter(|r| r.0.starts_with('2')).collect();
            ok.sort_by(|a, b| a.0.cmp(&b.0));
            ok.first().copied()
        };
        if sections.iter().any(|s| s.statuses_stated) {
            let mut documented: Vec<&str> = Vec::new();
            for r in sections.iter().flat_map(|s| &s.responses) {
                let Some(status) = r.status.as_deref() else { continue };
                if documented.contains(&status) {
                    continue;
                }
                documented.push(status);
                if !responses.iter().any(|(s, _, _)| s == status) {
                    let pointer = format!("{}/responses/{status}", so.pointer);
                    let message = format!("status {status} is documented; the spec does not list it");
                    self.push(Kind::MissingStatus, Some(&r.place), &spec.file, &pointer, message);
                }
            }
            for (status, pointer, _) in &responses {
                if !documented.contains(&status.as_str()) {
                    let message = format!("status {status} is in the spec; the docs do not list it");
                    self.push(Kind::ExtraStatus, Some(&sections[0].place), &spec.file, pointer, message);
                }
            }
        }
        let mut seen = Seen::default();
        for section in sections {
            let find = |status: &Option<String>| match status {
                Some(s) => responses.iter().find(|r| r.0 == *s),
                None => success(),
            };
            for r in &section.responses {
                let Some((_, pointer, value)) = find(&r.status) else { continue };
                let root = value
                    .pointer("/content/application~1json/schema")
                    .map(|s| spec.flat(&format!("{pointer}/content/application~1json/schema"), s));
                self.shape(&r.shape, root.as_ref(), &r.place, pointer, spec, &mut seen);
            }
            for example in &section.examples {
                let ExampleOf::Response(status) = &example.target else { continue };
                let Some((_, pointer, value)) = find(status) else { continue };
                if let Some(schema) = value.pointer("/content/application~1json/schema") {
                    let root = spec.flat(&format!("{pointer}/content/application~1json/schema"), schema);
                    self.example(&example.value, &root, example, spec, &mut seen, 0);
                }
            }
        }
        self.extras(&seen, spec, sections);
    }

    /// A documented body (request or response) against the spec's schema.
    fn shape(
        &mut self,
        shape: &Shape,
        root: Option<&Flat>,
        place: &Place,
        pointer: &str,
        spec: &Spec,
        seen: &mut Seen,
    ) {
        match (shape, root) {
            (Shape::Unstated, _) | (Shape::Empty, None) => {}
            (Shape::Empty, Some(root)) => {
                let message = format!("the docs give no body; the spec has {}", describe(root));
                self.push(Kind::Type, Some(place), &spec.file, &root.pointer, message);
            }
            (Shape::Model(_), None) | (Shape::Members(_), None) => {
                let what = match shape {
                    Shape::Model(name) => format!("`{name}`"),
                    _ => "members".to_owned(),
                };
                let message = format!("the docs give a body ({what}); the spec has none");
                self.push(Kind::Type, Some(place), &spec.file, pointer, message);
            }
            (Shape::Model(name), Some(root)) => {
                if root.ref_name.as_deref() != Some(name) {
                    let message = format!("the docs give `{name}`; the spec has {}", describe(root));
                    self.push(Kind::Type, Some(place), &spec.file, &root.pointer, message);
                }
            }
            (Shape::Members(members), Some(root)) => {
                let root = variant_for(spec, root, members);
                if !seen.roots.contains(&root.pointer) {
                    seen.roots.push(root.pointer.clone());
                }
                self.members(members, &root, spec, &mut seen.members);
            }
        }
    }

    fn members(&mut self, members: &[Member], root: &Flat, spec: &Spec, seen: &mut HashSet<String>) {
        for m in members {
            match walk(spec, root.clone(), &m.path) {
                Walk::Found { pointer, required, flat } => {
                    seen.insert(pointer.clone());
                    if let Some(docs_required) = m.required {
                        if docs_required != required {
                            let message = format!(
                                "`{}`: the docs say {}; the spec says {}",
                                m.path.join("."),
                                words(docs_required),
                                words(required)
                            );
                            self.push(Kind::Required, Some(&m.place), &spec.file, &pointer, message);
                        }
                    }
                    self.schema(&m.schema, &flat, &pointer, &m.place, spec);
                }
                Walk::Missing { parent, index } => {
                    let listed_above = index + 1 < m.path.len() && members.iter().any(|o| o.path == m.path[..=index]);
                    if !listed_above {
                        let pointer = format!("{parent}/properties/{}", escape(&m.path[index]));
                        let message = format!("`{}` is documented; the spec lacks it", m.path[..=index].join("."));
                        self.push(Kind::MissingMember, Some(&m.place), &spec.file, &pointer, message);
                    }
                }
            }
        }
    }

    /// Every key of a docs example is a member of the spec's schema; a
    /// `null` needs a nullable member.
    fn example(
        &mut self,
        value: &Value,
        flat: &Flat,
        example: &super::docs::Example,
        spec: &Spec,
        seen: &mut Seen,
        depth: usize,
    ) {
        if depth > 32 {
            return;
        }
        match value {
            Value::Array(items) => {
                if let Some((p, v)) = &flat.items {
                    let inner = spec.flat(p, v);
                    for item in items {
                        self.example(item, &inner, example, spec, seen, depth + 1);
                    }
                }
            }
            Value::Object(map) => {
                let flat = example_variant(spec, flat, value);
                if let Some((p, v)) = &flat.additional {
                    let inner = spec.flat(p, v);
                    for item in map.values() {
                        self.example(item, &inner, example, spec, seen, depth + 1);
                    }
                    return;
                }
                // A shapeless `type: object` (docs `object`) takes any keys.
                if !flat.is_object() || flat.properties.is_empty() {
                    return;
                }
                for (key, item) in map {
                    let place = key_place(example, key);
                    let Some((_, pointer, schema)) = flat.property(key) else {
                        let pointer = format!("{}/properties/{}", flat.pointer, escape(key));
                        let message = format!("`{key}` is in a docs example; the spec lacks it");
                        self.push(Kind::MissingMember, Some(&place), &spec.file, &pointer, message);
                        continue;
                    };
                    seen.members.insert(pointer.clone());
                    let inner = spec.flat(pointer, schema);
                    if item.is_null() && !inner.nullable && inner.ty.is_some() {
                        let message = format!("`{key}` is `null` in a docs example; the spec's member is not nullable");
                        self.push(Kind::Nullable, Some(&place), &spec.file, pointer, message);
                    }
                    self.example(item, &inner, example, spec, seen, depth + 1);
                }
            }
            _ => {}
        }
    }

    /// Spec members under a member-listed body that no docs row or example
    /// shows.
    fn extras(&mut self, seen: &Seen, spec: &Spec, sections: &[&Operation]) {
        let mut visited = HashSet::new();
        for root in &seen.roots {
            let Some(value) = spec.doc.pointer(root) else { continue };
            let flat = spec.flat(root, value);
            let place = sections[0].place.clone();
            self.extra_members(&flat, spec, &seen.members, &mut visited, &place, 0);
        }
    }

    fn extra_members(
        &mut self,
        flat: &Flat,
        spec: &Spec,
        seen: &HashSet<String>,
        visited: &mut HashSet<String>,
        place: &Place,
        depth: usize,
    ) {
        if depth > 16 || !visited.insert(flat.pointer.clone()) {
            return;
        }
        if let Some((p, v)) = &flat.items {
            self.extra_members(&spec.flat(p, v), spec, seen, visited, place, depth + 1);
        }
        if let Some((p, v)) = &flat.additional {
            self.extra_members(&spec.flat(p, v), spec, seen, visited, place, depth + 1);
        }
        for (name, pointer, schema) in &flat.properties {
            if !seen.contains(pointer) {
                let message = format!("`{name}` is in the spec; no docs table row or example shows it");
                self.push(Kind::ExtraMember, Some(place), &spec.file, pointer, message);
                continue;
            }
            self.extra_members(&spec.flat(pointer, schema), spec, seen, visited, place, depth + 1);
        }
    }

    /// A stated type and its rules against a spec schema.
    fn schema(&mut self, docs: &Schema, flat: &Flat, member: &str, place: &Place, spec: &Spec) {
        if let Some(ty) = &docs.ty {
            if !type_matches(spec, ty, flat) {
                let message = format!("the docs say {}; the spec says {}", ty.describe(), describe(flat));
                self.push(Kind::Type, Some(place), &spec.file, member, message);
            }
        }
        if let Some(nullable) = docs.nullable {
            if nullable != flat.nullable {
                let message = format!(
                    "the docs say {}; the spec says {}",
                    nullable_words(nullable),
                    nullable_words(flat.nullable)
                );
                self.push(Kind::Nullable, Some(place), &spec.file, member, message);
            }
        }
        let compare_all =
            self.structured && docs.ty.is_some() && !matches!(docs.ty, Some(Ty::Model(_)) | Some(Ty::Array(_)));
        let spec_values: Vec<String> =
            flat.enum_values.iter().flat_map(|(_, v)| v.iter()).filter(|v| !v.is_null()).map(|v| text(v)).collect();
        let enum_pointer =
            flat.enum_values.as_ref().map_or_else(|| format!("{}/enum", flat.pointer), |(p, _)| p.clone());
        if !docs.enum_values.is_empty() || compare_all {
            for value in docs.enum_values.iter().filter(|v| !spec_values.contains(v)) {
                let message = format!("the docs list `{value}`; the spec's enum lacks it");
                self.push(
                    Kind::EnumAdded,
                    Some(place),
                    &spec.file,
                    &format!("{enum_pointer}/{}", escape(value)),
                    message,
                );
            }
            for value in spec_values.iter().filter(|v| !docs.enum_values.contains(v)) {
                let message = format!("the spec's enum has `{value}`; the docs do not list it");
                self.push(
                    Kind::EnumRemoved,
                    Some(place),
                    &spec.file,
                    &format!("{enum_pointer}/{}", escape(value)),
                    message,
                );
            }
        }
        let numbers = [
            ("minimum", docs.minimum, flat.minimum),
            ("maximum", docs.maximum, flat.maximum),
            ("minLength", docs.min_length.map(|n| n as f64), flat.min_length.map(|n| n as f64)),
            ("maxLength", docs.max_length.map(|n| n as f64), flat.max_length.map(|n| n as f64)),
        ];
        for (keyword, stated, specified) in numbers {
            if (stated.is_some() || compare_all) && stated != specified {
                let message = format!("{keyword}: the docs say {}; the spec says {}", shown(stated), shown(specified));
                self.push(Kind::Bound, Some(place), &spec.file, &format!("{}/{keyword}", flat.pointer), message);
            }
        }
        if (docs.pattern.is_some() || compare_all) && docs.pattern != flat.pattern {
            let message = format!(
                "pattern: the docs say {}; the spec says {}",
                shown(docs.pattern.as_ref()),
                shown(flat.pattern.as_ref())
            );
            self.push(Kind::Bound, Some(place), &spec.file, &format!("{}/pattern", flat.pointer), message);
        }
        let same_default = match (&docs.default, flat.default) {
            (None, None) => true,
            (Some(d), Some(s)) => same_value(d, s),
            _ => false,
        };
        if (docs.default.is_some() || compare_all) && !same_default {
            let message = format!(
                "default: the docs say {}; the spec says {}",
                shown(docs.default.as_ref()),
                shown(flat.default.map(text))
            );
            self.push(Kind::Default, Some(place), &spec.file, &format!("{}/default", flat.pointer), message);
        }
    }

    /// SCP's named models against the schemas of the same name.
    fn models(&mut self, docs: &Docs, specs: &[&Spec]) {
        for model in &docs.models {
            let mut found = false;
            for spec in specs.iter().filter(|s| service_of(&s.version) == model.service) {
                let pointer = format!("/components/schemas/{}", escape(&model.name));
                let Some(value) = spec.doc.pointer(&pointer) else { continue };
                found = true;
                let flat = spec.flat(&pointer, value);
                let mut seen = HashSet::new();
                self.members(&model.members, &flat, spec, &mut seen);
                for (name, p, _) in &flat.properties {
                    if !seen.contains(p) {
                        let message =
                            format!("`{}.{name}` is in the spec; the docs' table does not list it", model.name);
                        self.push(Kind::ExtraMember, Some(&model.place), &spec.file, p, message);
                    }
                }
            }
            let in_scope: Vec<&&Spec> = specs.iter().filter(|s| service_of(&s.version) == model.service).collect();
            if !found && !in_scope.is_empty() {
                let pointer = format!("/components/schemas/{}", escape(&model.name));
                let message = format!("model `{}` is documented; no spec file of the service has it", model.name);
                self.push(
                    Kind::MissingModel,
                    Some(&model.place),
                    &in_scope[in_scope.len() - 1].file,
                    &pointer,
                    message,
                );
            }
        }
        for spec in specs {
            let service = service_of(&spec.version);
            if !docs.models.iter().any(|m| m.service == service) {
                continue;
            }
            let Some(schemas) = spec.doc.pointer("/components/schemas").and_then(Value::as_object) else { continue };
            for name in schemas.keys() {
                if !docs.models.iter().any(|m| m.service == service && m.name == *name) {
                    let pointer = format!("/components/schemas/{}", escape(name));
                    let message = format!("model `{name}` is in the spec; the docs' Models section does not list it");
                    self.push(Kind::ExtraModel, None, &spec.file, &pointer, message);
                }
            }
        }
    }
}

enum Walk<'a> {
    Found {
        pointer: String,
        required: bool,
        flat: Box<Flat<'a>>,
    },
    /// `path[index]` is not a member of the schema at `parent`.
    Missing {
        parent: String,
        index: usize,
    },
}

/// Follows a member path from `root`, through arrays (implicit in docs
/// paths), maps (`*`) and `oneOf` variants.
fn walk<'a>(spec: &'a Spec, root: Flat<'a>, path: &[String]) -> Walk<'a> {
    let mut flat = root;
    let mut found = (String::new(), false);
    for (index, segment) in path.iter().enumerate() {
        for _ in 0..8 {
            match &flat.items {
                Some((p, v)) if flat.ty.as_deref() == Some("array") => flat = spec.flat(p, v),
                _ => break,
            }
        }
        if segment == "*" {
            let Some((p, v)) = flat.additional.clone() else {
                return Walk::Missing { parent: flat.pointer.clone(), index };
            };
            flat = spec.flat(&p, v);
            found = (p, false);
            continue;
        }
        let flat_now = variant(spec, &flat, &[segment.as_str()]);
        let Some((_, pointer, schema)) = flat_now.property(segment).cloned() else {
            return Walk::Missing { parent: flat_now.pointer.clone(), index };
        };
        found = (pointer.clone(), flat_now.required.iter().any(|r| r == segment));
        flat = spec.flat(&pointer, schema);
    }
    Walk::Found { pointer: found.0, required: found.1, flat: Box::new(flat) }
}

/// The `oneOf` variant in which most of the documented member paths exist
/// (the schema itself when it has no variants).
fn variant_for<'a>(spec: &'a Spec, flat: &Flat<'a>, members: &[Member]) -> Flat<'a> {
    if flat.variants.is_empty() {
        return flat.clone();
    }
    // Most documented paths found, then fewest top-level members the docs do not list.
    let top: HashSet<&str> = members.iter().filter_map(|m| m.path.first().map(String::as_str)).collect();
    let score = |f: &Flat<'a>| {
        let found = members.iter().filter(|m| matches!(walk(spec, f.clone(), &m.path), Walk::Found { .. })).count();
        let unlisted = f.properties.iter().filter(|(name, _, _)| !top.contains(name.as_str())).count();
        (found, std::cmp::Reverse(unlisted))
    };
    let candidates = flat.variants.iter().map(|(p, v)| spec.flat(p, v));
    candidates.max_by_key(|f| score(f)).unwrap_or_else(|| flat.clone())
}

/// The `oneOf` variant that has most of `keys`, the fewest others
/// breaking ties (the schema itself when it has no variants).
fn variant<'a>(spec: &'a Spec, flat: &Flat<'a>, keys: &[&str]) -> Flat<'a> {
    if flat.variants.is_empty() {
        return flat.clone();
    }
    let candidates = flat.variants.iter().map(|(p, v)| spec.flat(p, v));
    let score = |f: &Flat| {
        let hits = keys.iter().filter(|k| f.property(k).is_some()).count() as i64;
        let misses = f.properties.len() as i64 - hits;
        (hits, -misses)
    };
    candidates.max_by_key(score).unwrap_or_else(|| flat.clone())
}

/// The `oneOf` variant in which most keys of the example, at any depth,
/// are members.
fn example_variant<'a>(spec: &'a Spec, flat: &Flat<'a>, example: &Value) -> Flat<'a> {
    if flat.variants.is_empty() {
        return flat.clone();
    }
    let candidates = flat.variants.iter().map(|(p, v)| spec.flat(p, v));
    candidates.max_by_key(|f| fitting_keys(spec, f, example, 0)).unwrap_or_else(|| flat.clone())
}

fn fitting_keys(spec: &Spec, flat: &Flat, value: &Value, depth: usize) -> usize {
    if depth > 16 {
        return 0;
    }
    match value {
        Value::Object(map) => map
            .iter()
            .filter_map(|(k, v)| {
                flat.property(k).map(|(_, p, s)| 1 + fitting_keys(spec, &spec.flat(p, s), v, depth + 1))
            })
            .sum(),
        Value::Array(items) => match &flat.items {
            Some((p, s)) => items.iter().map(|v| fitting_keys(spec, &spec.flat(p, s), v, depth + 1)).sum(),
            None => 0,
        },
        _ => 0,
    }
}

fn type_matches(spec: &Spec, docs: &Ty, flat: &Flat) -> bool {
    let ty = flat.ty.as_deref();
    match docs {
        Ty::String(format) => ty == Some("string") && (format.is_none() || *format == flat.format),
        Ty::Integer => ty == Some("integer"),
        Ty::Number => ty == Some("number"),
        Ty::Boolean => ty == Some("boolean"),
        Ty::Object => flat.is_object(),
        Ty::Null => flat.nullable,
        Ty::Model(name) => flat.ref_name.as_deref() == Some(name),
        Ty::Array(item) => {
            ty == Some("array") && flat.items.as_ref().is_some_and(|(p, v)| type_matches(spec, item, &spec.flat(p, v)))
        }
    }
}

/// How the report names a spec schema.
fn describe(flat: &Flat) -> String {
    if let Some(name) = &flat.ref_name {
        return format!("`{name}`");
    }
    match (flat.ty.as_deref(), flat.format.as_deref()) {
        (Some(ty), Some(format)) => format!("{ty} ({format})"),
        (Some(ty), None) => ty.to_owned(),
        (None, _) => "no type (any JSON)".to_owned(),
    }
}

/// The line of `"key"` in an example (its first line when not found).
fn key_place(example: &super::docs::Example, key: &str) -> Place {
    let quoted = format!("\"{key}\"");
    example
        .lines
        .iter()
        .find(|(_, text)| text.contains(&quoted))
        .map_or_else(|| example.place.clone(), |(line, text)| Place::new(*line, text))
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A docs value (text) and a spec value are the same: `True` and `true`,
/// `1` and `1.0`, `[]` and an empty list.
fn same_value(docs: &str, spec: &Value) -> bool {
    match spec {
        Value::String(s) => s == docs,
        Value::Bool(b) => docs.eq_ignore_ascii_case(&b.to_string()),
        Value::Number(n) => docs.parse::<f64>().ok() == n.as_f64(),
        other => serde_json::to_string(other).is_ok_and(|s| s == docs),
    }
}

fn words(required: bool) -> &'static str {
    if required {
        "required"
    } else {
        "optional"
    }
}

fn nullable_words(nullable: bool) -> &'static str {
    if nullable {
        "nullable"
    } else {
        "not nullable"
    }
}

fn shown<T: std::fmt::Display>(value: Option<T>) -> String {
    value.map_or_else(|| "none".to_owned(), |v| format!("`{v}`"))
}
