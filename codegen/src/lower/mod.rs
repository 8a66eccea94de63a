//! Lowering an `openapiv3` document into an [`ir::Service`](crate::ir::Service):
//! the only code that reads the document; `ir` knows nothing of it.
//!
//! One `Lowerer` walks the document (twice when identical inline types merge,
//! see `merge.rs`): component schemas first (so their names are reserved), then
//! every operation. Faults are collected, not thrown, so one run reports all of
//! them; each names the JSON pointer of the node.

mod extension;
mod merge;
mod object;
mod operation;
mod pass;
mod schema;
mod security;
mod server;

use std::collections::BTreeMap;

use indexmap::IndexMap;
use openapiv3::{OpenAPI, ReferenceOr, Schema};
use serde_json::Value;

use crate::ir::*;
use crate::names::NameSet;
use crate::SpecError;

/// Deepest nesting of inline schemas accepted; deeper specs are refused with an
/// error instead of risking the stack.
const MAX_DEPTH: usize = 48;

const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// How faults with a clear meaning are treated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// Every fault is an error: our own specs (`cargo xtask regen`, CI).
    #[default]
    Strict,
    /// Sloppiness with a clear meaning is a warning and the crate is still
    /// generated: foreign descriptions (`cargo xtask gen`). Type names that
    /// collide in Rust, duplicate operationIds and method names get a suffix;
    /// a `required` naming an absent property and a duplicate enum value are
    /// dropped; a format contradicting its type is ignored; a parameter that
    /// is an array of objects is a string and a form body that is no object
    /// bytes; and one of our extensions of another shape is ignored.
    Lenient,
}

/// A lowered service and the warnings of a lenient run.
pub struct Lowered {
    pub service: Service,
    pub warnings: Vec<SpecError>,
}

/// Lowers `doc`, read from `display_path`, strictly.
pub fn lower(display_path: &str, doc: &OpenAPI) -> Result<Service, Vec<SpecError>> {
    lower_in(display_path, doc, Mode::Strict).map(|lowered| lowered.service)
}

/// Lowers `doc` in `mode`.
///
/// When identical types are found (see `lower/merge.rs`), the document is lowered a
/// second time with each group under one name.
pub fn lower_in(display_path: &str, doc: &OpenAPI, mode: Mode) -> Result<Lowered, Vec<SpecError>> {
    let first = lower_with(display_path, doc, mode, merge::MergePlan::default())?;
    let plan = merge::plan(&first.service.types);
    if plan.is_empty() {
        return Ok(first);
    }
    lower_with(display_path, doc, mode, plan)
}

fn lower_with(
    display_path: &str,
    doc: &OpenAPI,
    mode: Mode,
    merges: merge::MergePlan,
) -> Result<Lowered, Vec<SpecError>> {
    let mut l = Lowerer::new(display_path, doc, mode, merges);
    let service = l.service();
    if l.errors.is_empty() {
        Ok(Lowered { service, warnings: l.warnings })
    } else {
        Err(l.errors)
    }
}

/// The state of one lowering: what the document is, what is defined so far,
/// and the faults found.
struct Lowerer<'a> {
    file: &'a str,
    doc: &'a OpenAPI,
    mode: Mode,
    errors: Vec<SpecError>,
    warnings: Vec<SpecError>,
    types: BTreeMap<String, TypeDef>,
    /// Component schema name → Rust name.
    component_names: BTreeMap<String, String>,
    /// Every Rust type name taken, components and inline.
    type_names: NameSet,
    /// The names identical inline types share (empty on the first run).
    merges: merge::MergePlan,
    depth: usize,
    /// Lowering a multipart body, whose `format: binary` members are files.
    binary_as_file: bool,
}

impl<'a> Lowerer<'a> {
    fn new(file: &'a str, doc: &'a OpenAPI, mode: Mode, merges: merge::MergePlan) -> Self {
        let mut type_names = NameSet::new("");
        for name in crate::names::RESERVED_TYPES.iter().copied().chain(merges.name_at.values().map(String::as_str)) {
            type_names.reserve(name);
        }
        Lowerer {
            file,
            doc,
            mode,
            errors: Vec::new(),
            warnings: Vec::new(),
            types: BTreeMap::new(),
            component_names: BTreeMap::new(),
            type_names,
            merges,
            depth: 0,
            binary_as_file: false,
        }
    }

    fn error(&mut self, pointer: &str, message: impl Into<String>) {
        self.errors.push(SpecError::new(self.file, pointer, message));
    }

    /// A fault whose meaning is clear: an error when strict, a warning when
    /// lenient (the caller then goes on as [`Mode::Lenient`] says). Returns
    /// whether lowering goes on past it.
    fn sloppy(&mut self, pointer: &str, message: impl Into<String>) -> bool {
        let fault = SpecError::new(self.file, pointer, message);
        match self.mode {
            Mode::Strict => self.errors.push(fault),
            Mode::Lenient => self.warnings.push(fault),
        }
        self.mode == Mode::Lenient
    }

    /// Component schemas first, so their names are reserved; then servers,
    /// auth and operations; then the passes over the whole type graph.
    fn service(&mut self) -> Service {
        let info = &self.doc.info;
        self.reserve_component_names();
        self.lower_components();
        let schemes = self.schemes();
        let servers = self.servers();
        let (client_params, operations) = self.operations(&schemes);
        let security::Schemes { default: security_scheme, auth, others: other_schemes } = schemes;
        let request_waiter = self.request_waiter(&auth, &operations);
        self.check_alias_cycles();
        self.mark_distinct_variants();
        self.box_recursive_fields();
        self.name_required_structs();
        Service {
            spec_path: self.file.to_owned(),
            title: info.title.clone(),
            description: info.description.clone(),
            version: info.version.clone(),
            api_version: auth.conventions().api_version_extension.and_then(|key| ext_str(&info.extensions, key)),
            version_status: ext_str(&info.extensions, "x-cloudsdk-version-status"),
            supported_until: ext_str(&info.extensions, "x-cloudsdk-supported-until"),
            auth,
            security_scheme,
            other_schemes,
            servers,
            client_params,
            operations,
            types: std::mem::take(&mut self.types),
            request_waiter,
        }
    }

    /// `ty` with named aliases replaced by their targets (a bounded number of
    /// hops: alias cycles are reported elsewhere).
    fn resolve_aliases<'t>(&'t self, mut ty: &'t Type) -> &'t Type {
        for _ in 0..64 {
            match ty {
                Type::Named(n) => match self.types.get(n).map(|t| &t.kind) {
                    Some(TypeKind::Alias(target)) => ty = target,
                    _ => break,
                },
                _ => break,
            }
        }
        ty
    }

    /// The struct fields of a type, if it is (an alias of) a struct.
    fn struct_fields(&self, ty: &Type) -> Option<&[Field]> {
        let Type::Named(name) = self.resolve_aliases(ty) else { return None };
        match &self.types.get(name)?.kind {
            TypeKind::Struct { fields, .. } => Some(fields),
            _ => None,
        }
    }

    /// The member `wire_name` of the struct `ty`.
    fn member(&self, ty: &Type, wire_name: &str) -> Option<&Field> {
        self.struct_fields(ty)?.iter().find(|f| f.name == wire_name)
    }
}

/// Lets `type_of_ref` take both `ReferenceOr<Schema>` and `ReferenceOr<Box<Schema>>`.
trait AsSchema {
    fn as_schema(&self) -> &Schema;
}

impl AsSchema for Schema {
    fn as_schema(&self) -> &Schema {
        self
    }
}

impl AsSchema for Box<Schema> {
    fn as_schema(&self) -> &Schema {
        self
    }
}

fn ext_str(extensions: &IndexMap<String, Value>, key: &str) -> Option<String> {
    extensions.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// The media type a body is written or read as, of those `content` offers:
/// JSON when there is one, otherwise the first whose kind can be sent (a form
/// or multipart body needs a schema; text and bytes need none).
fn chosen_media(content: &IndexMap<String, openapiv3::MediaType>) -> Option<Chosen<'_>> {
    let mut usable = content.iter().filter_map(usable_media);
    let first = usable.next()?;
    Some(std::iter::once(first.clone()).chain(usable).find(|c| c.kind == BodyMedia::Json).unwrap_or(first))
}

/// The media type as [`chosen_media`] may pick it, if its kind can be sent.
fn usable_media<'a>((media_type, media): (&'a String, &'a openapiv3::MediaType)) -> Option<Chosen<'a>> {
    let kind = media_kind(media_type);
    let usable = media.schema.is_some() || matches!(kind, BodyMedia::Text | BodyMedia::Binary);
    usable.then_some(Chosen { media_type, kind, media })
}

/// A media type chosen by [`chosen_media`].
#[derive(Clone)]
struct Chosen<'a> {
    media_type: &'a str,
    kind: BodyMedia,
    media: &'a openapiv3::MediaType,
}

impl<'a> Chosen<'a> {
    /// Inline examples: `example`, then each of `examples`.
    fn examples(&self) -> Vec<Value> {
        let named = self.media.examples.values().filter_map(|e| match e {
            ReferenceOr::Item(e) => e.value.clone(),
            ReferenceOr::Reference { .. } => None,
        });
        self.media.example.clone().into_iter().chain(named).collect()
    }

    /// The `Content-Type` of a body: the media type as the description spells
    /// it (`application/merge-patch+json`), `application/json` for `*/*`, and
    /// `application/octet-stream` for another range (`image/*`) or a value
    /// that is no header value.
    fn content_type(&self) -> String {
        match self.header_text() {
            Some(text) if !text.contains('*') => text,
            _ if self.kind == BodyMedia::Json => "application/json".to_owned(),
            _ => "application/octet-stream".to_owned(),
        }
    }

    /// The `Accept` of an answer: the media type, ranges (`image/*`) kept.
    fn accept(&self) -> String {
        self.header_text().unwrap_or_else(|| "*/*".to_owned())
    }

    /// The media type, trimmed, if it is visible ASCII (a valid header value).
    fn header_text(&self) -> Option<String> {
        let text = self.media_type.trim();
        let valid = !text.is_empty() && text.bytes().all(|b| (0x20..0x7f).contains(&b));
        valid.then(|| text.to_owned())
    }
}

/// How a media type is written: JSON (`application/json`, `…+json`, `*/*`),
/// a form, multipart, text (`text/*`, XML) or bytes.
fn media_kind(media_type: &str) -> BodyMedia {
    let essence = media_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    match essence.as_str() {
        "application/json" | "*/*" => BodyMedia::Json,
        json if json.ends_with("+json") => BodyMedia::Json,
        "application/x-www-form-urlencoded" => BodyMedia::Form,
        "multipart/form-data" => BodyMedia::Multipart,
        "application/xml" => BodyMedia::Text,
        text if text.starts_with("text/") || text.ends_with("+xml") => BodyMedia::Text,
        _ => BodyMedia::Binary,
    }
}

/// `{name}` placeholders of a path or URL template, in order.
fn template_names(template: &str) -> Vec<String> {
    template.split('{').skip(1).filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned())).collect()
}
