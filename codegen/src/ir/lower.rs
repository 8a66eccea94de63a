//! Lowering an `openapiv3` document into an [`ir::Service`](super::Service).
//!
//! One [`Lowerer`] walks the document once: component schemas first (so their
//! names are reserved), then every operation. Faults are collected, not thrown,
//! so one run reports all of them; each names the JSON pointer of the node.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind, StatusCode,
    StringFormat, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use super::*;
use crate::error::push_pointer;
use crate::names::{pascal, snake};
use crate::SpecError;

/// Deepest nesting of inline schemas accepted; deeper specs are refused with an
/// error instead of risking the stack.
const MAX_DEPTH: usize = 48;

const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// Lowers `doc`, read from `display_path`.
pub fn lower(_path: &std::path::Path, display_path: &str, doc: &OpenAPI) -> Result<Service, Vec<SpecError>> {
    let mut l = Lowerer::new(display_path, doc);
    let service = l.service();
    if l.errors.is_empty() {
        Ok(service)
    } else {
        Err(l.errors)
    }
}

struct Lowerer<'a> {
    file: &'a str,
    doc: &'a OpenAPI,
    errors: Vec<SpecError>,
    types: BTreeMap<String, TypeDef>,
    /// Component schema name → Rust name.
    component_names: BTreeMap<String, String>,
    /// Every Rust type name taken, components and inline.
    taken: HashSet<String>,
    depth: usize,
}

/// Object members gathered from a schema and its `allOf` parts.
#[derive(Default)]
struct ObjectShape<'a> {
    properties: IndexMap<String, (&'a ReferenceOr<Box<Schema>>, String)>,
    required: Vec<(String, String)>,
    additional: Option<(&'a AdditionalProperties, String)>,
}

impl<'a> Lowerer<'a> {
    fn new(file: &'a str, doc: &'a OpenAPI) -> Self {
        Lowerer {
            file,
            doc,
            errors: Vec::new(),
            types: BTreeMap::new(),
            component_names: BTreeMap::new(),
            taken: crate::names::RESERVED_TYPES.iter().map(|n| (*n).to_owned()).collect(),
            depth: 0,
        }
    }

    fn error(&mut self, pointer: &str, message: impl Into<String>) {
        self.errors.push(SpecError::new(self.file, pointer, message));
    }

    fn service(&mut self) -> Service {
        let info = &self.doc.info;
        self.reserve_component_names();
        self.lower_components();
        let auth = self.auth();
        let servers = self.servers();
        let (client_params, operations) = self.operations();
        for op in &operations {
            self.check_extensions(op);
        }
        self.check_alias_cycles();
        self.mark_distinct_variants();
        self.box_recursive_fields();
        Service {
            spec_path: self.file.to_owned(),
            title: info.title.clone(),
            description: info.description.clone(),
            version: info.version.clone(),
            scp_api_version: ext_str(&info.extensions, "x-scp-api-version"),
            version_status: ext_str(&info.extensions, "x-version-status"),
            supported_until: ext_str(&info.extensions, "x-supported-until"),
            auth,
            servers,
            client_params,
            operations,
            types: std::mem::take(&mut self.types),
        }
    }

    // ---- components -------------------------------------------------------

    fn schemas(&self) -> Option<&'a IndexMap<String, ReferenceOr<Schema>>> {
        self.doc.components.as_ref().map(|c| &c.schemas)
    }

    fn reserve_component_names(&mut self) {
        let Some(schemas) = self.schemas() else { return };
        let mut by_rust: HashMap<String, String> = HashMap::new();
        for name in schemas.keys() {
            // A schema named like a prelude type (`Result`, `Option`) would shadow it.
            let rust = crate::names::type_name(name);
            if let Some(other) = by_rust.get(&rust) {
                let pointer = push_pointer("#/components/schemas", name);
                self.error(&pointer, format!("schemas `{other}` and `{name}` both become the Rust type `{rust}`"));
                continue;
            }
            by_rust.insert(rust.clone(), name.clone());
            self.taken.insert(rust.clone());
            self.component_names.insert(name.clone(), rust);
        }
    }

    fn lower_components(&mut self) {
        let Some(schemas) = self.schemas() else { return };
        for (name, schema) in schemas {
            let Some(rust) = self.component_names.get(name).cloned() else { continue };
            let pointer = push_pointer("#/components/schemas", name);
            match schema {
                ReferenceOr::Reference { reference } => {
                    if let Some(target) = self.resolve_schema_ref(reference, &pointer) {
                        self.insert(TypeDef {
                            name: rust,
                            doc: Doc::default(),
                            kind: TypeKind::Alias(target),
                            pointer,
                        });
                    }
                }
                ReferenceOr::Item(schema) => self.define(&rust, schema, &pointer),
            }
        }
    }

    fn insert(&mut self, def: TypeDef) {
        self.taken.insert(def.name.clone());
        self.types.insert(def.name.clone(), def);
    }

    /// A fresh type name based on `hint`, never one already taken.
    fn unique_name(&mut self, hint: &str) -> String {
        let base = pascal(hint);
        let mut name = base.clone();
        let mut n = 2;
        while self.taken.contains(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        self.taken.insert(name.clone());
        name
    }

    /// Defines the named type `name` from `schema`.
    fn define(&mut self, name: &str, schema: &'a Schema, pointer: &str) {
        let doc = self.doc_of(schema, pointer);
        let kind = match &schema.schema_kind {
            SchemaKind::Type(openapiv3::Type::String(s)) if has_values(&s.enumeration) => {
                TypeKind::Enum { values: self.enum_values(s.enumeration.iter().flatten(), pointer) }
            }
            SchemaKind::OneOf { one_of: variants } => self.union(name, variants, "oneOf", schema, pointer),
            SchemaKind::AnyOf { any_of: variants } => self.union(name, variants, "anyOf", schema, pointer),
            SchemaKind::Any(any) if !any.one_of.is_empty() || !any.any_of.is_empty() => {
                if !any.properties.is_empty() || !any.all_of.is_empty() {
                    self.error(pointer, "`oneOf`/`anyOf` beside `properties` or `allOf` is not supported; give each variant the shared members (with `allOf`)");
                }
                let (variants, key) =
                    if any.one_of.is_empty() { (&any.any_of, "anyOf") } else { (&any.one_of, "oneOf") };
                self.union(name, variants, key, schema, pointer)
            }
            SchemaKind::AllOf { all_of } if all_of.len() == 1 => {
                TypeKind::Alias(self.type_of_ref(&all_of[0], name, &push_pointer(&push_pointer(pointer, "allOf"), "0")))
            }
            _ if self.is_object(schema) => self.structure(name, schema, pointer),
            _ => TypeKind::Alias(self.type_of_schema(schema, name, pointer)),
        };
        self.insert(TypeDef { name: name.to_owned(), doc, kind, pointer: pointer.to_owned() });
    }

    fn is_object(&self, schema: &Schema) -> bool {
        match &schema.schema_kind {
            SchemaKind::Type(openapiv3::Type::Object(o)) => !o.properties.is_empty(),
            SchemaKind::AllOf { .. } => true,
            SchemaKind::Any(any) => !any.properties.is_empty() || !any.all_of.is_empty(),
            _ => false,
        }
    }

    // ---- types ------------------------------------------------------------

    /// The type of a schema or reference used in a field, parameter or body;
    /// inline objects, enums and unions become named types called after `hint`.
    fn type_of_ref<T: AsSchema>(&mut self, schema: &'a ReferenceOr<T>, hint: &str, pointer: &str) -> Type {
        match schema {
            ReferenceOr::Reference { reference } => self.resolve_schema_ref(reference, pointer).unwrap_or(Type::Any),
            ReferenceOr::Item(item) => self.type_of_schema(item.as_schema(), hint, pointer),
        }
    }

    fn type_of_schema(&mut self, schema: &'a Schema, hint: &str, pointer: &str) -> Type {
        if self.depth >= MAX_DEPTH {
            self.error(pointer, format!("schemas nested deeper than {MAX_DEPTH} levels"));
            return Type::Any;
        }
        self.depth += 1;
        let ty = self.type_of_schema_inner(schema, hint, pointer);
        self.depth -= 1;
        ty
    }

    fn type_of_schema_inner(&mut self, schema: &'a Schema, hint: &str, pointer: &str) -> Type {
        use openapiv3::Type as T;
        self.check_format(schema, pointer);
        let named = |this: &mut Self| {
            let name = this.unique_name(hint);
            this.define(&name, schema, pointer);
            Type::Named(name)
        };
        match &schema.schema_kind {
            SchemaKind::Type(T::String(s)) => {
                if has_values(&s.enumeration) {
                    named(self)
                } else {
                    match &s.format {
                        VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Type::DateTime,
                        _ => Type::String,
                    }
                }
            }
            SchemaKind::Type(T::Integer(i)) => Type::Integer(match &i.format {
                VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32) => IntFormat::I32,
                _ => IntFormat::I64,
            }),
            SchemaKind::Type(T::Number(n)) => Type::Number(match &n.format {
                VariantOrUnknownOrEmpty::Item(openapiv3::NumberFormat::Float) => FloatFormat::F32,
                _ => FloatFormat::F64,
            }),
            SchemaKind::Type(T::Boolean(_)) => Type::Boolean,
            SchemaKind::Type(T::Array(a)) => self.array(a.items.as_ref(), hint, pointer),
            SchemaKind::Type(T::Object(o)) if o.properties.is_empty() => {
                self.map(o.additional_properties.as_ref(), hint, pointer)
            }
            SchemaKind::AllOf { all_of } if all_of.len() == 1 => {
                self.type_of_ref(&all_of[0], hint, &push_pointer(&push_pointer(pointer, "allOf"), "0"))
            }
            SchemaKind::Type(T::Object(_))
            | SchemaKind::AllOf { .. }
            | SchemaKind::OneOf { .. }
            | SchemaKind::AnyOf { .. } => named(self),
            SchemaKind::Any(any) => {
                if !any.properties.is_empty()
                    || !any.all_of.is_empty()
                    || !any.one_of.is_empty()
                    || !any.any_of.is_empty()
                {
                    return named(self);
                }
                match any.typ.as_deref() {
                    Some("array") => self.array(any.items.as_ref(), hint, pointer),
                    Some("object") => self.map(any.additional_properties.as_ref(), hint, pointer),
                    Some("string") => Type::String,
                    Some("integer") => Type::Integer(IntFormat::I64),
                    Some("number") => Type::Number(FloatFormat::F64),
                    Some("boolean") => Type::Boolean,
                    Some(other) => {
                        self.error(pointer, format!("unknown type `{other}`"));
                        Type::Any
                    }
                    None => Type::Any,
                }
            }
            SchemaKind::Not { .. } => Type::Any,
        }
    }

    /// A format that belongs to another type (`type: integer, format: date-time`)
    /// is a contradiction, not an unknown format to ignore.
    fn check_format(&mut self, schema: &Schema, pointer: &str) {
        const STRING_FORMATS: &[&str] =
            &["date-time", "date", "uuid", "byte", "binary", "password", "email", "uri", "hostname", "ipv4", "ipv6"];
        const NUMBER_FORMATS: &[&str] = &["int32", "int64", "float", "double"];
        let (found, type_name, foreign): (Option<&str>, &str, &[&str]) = match &schema.schema_kind {
            SchemaKind::Type(openapiv3::Type::Integer(i)) => match &i.format {
                VariantOrUnknownOrEmpty::Unknown(f) => (Some(f.as_str()), "integer", STRING_FORMATS),
                _ => (None, "", &[]),
            },
            SchemaKind::Type(openapiv3::Type::Number(n)) => match &n.format {
                VariantOrUnknownOrEmpty::Unknown(f) => (Some(f.as_str()), "number", STRING_FORMATS),
                _ => (None, "", &[]),
            },
            SchemaKind::Type(openapiv3::Type::String(s)) => match &s.format {
                VariantOrUnknownOrEmpty::Unknown(f) => (Some(f.as_str()), "string", NUMBER_FORMATS),
                _ => (None, "", &[]),
            },
            _ => (None, "", &[]),
        };
        if let Some(format) = found.filter(|f| foreign.contains(f)) {
            self.error(&push_pointer(pointer, "format"), format!("format `{format}` contradicts `type: {type_name}`"));
        }
    }

    fn array(&mut self, items: Option<&'a ReferenceOr<Box<Schema>>>, hint: &str, pointer: &str) -> Type {
        let Some(items) = items else { return Type::Array(Box::new(Type::Any)) };
        let item_pointer = push_pointer(pointer, "items");
        let ty = self.type_of_ref(items, &format!("{hint}Item"), &item_pointer);
        Type::Array(Box::new(if self.is_nullable(items) { Type::Nullable(Box::new(ty)) } else { ty }))
    }

    fn map(&mut self, additional: Option<&'a AdditionalProperties>, hint: &str, pointer: &str) -> Type {
        match additional {
            Some(AdditionalProperties::Schema(value)) => {
                let ty = self.type_of_ref(
                    value.as_ref(),
                    &format!("{hint}Value"),
                    &push_pointer(pointer, "additionalProperties"),
                );
                Type::Map(Box::new(if self.is_nullable(value.as_ref()) { Type::Nullable(Box::new(ty)) } else { ty }))
            }
            _ => Type::Object,
        }
    }

    /// Whether a schema, or the component a reference points to, allows `null`.
    fn is_nullable<T: AsSchema>(&self, schema: &ReferenceOr<T>) -> bool {
        match schema {
            ReferenceOr::Item(s) => s.as_schema().schema_data.nullable,
            ReferenceOr::Reference { reference } => {
                self.component(reference).is_some_and(|(s, _)| s.schema_data.nullable)
            }
        }
    }

    fn resolve_schema_ref(&mut self, reference: &str, pointer: &str) -> Option<Type> {
        let ref_pointer = push_pointer(pointer, "$ref");
        let Some(name) = reference.strip_prefix(SCHEMA_PREFIX) else {
            let what = if reference.starts_with('#') {
                "a schema outside #/components/schemas"
            } else {
                "an external document"
            };
            self.error(
                &ref_pointer,
                format!("`$ref: {reference}` points to {what}; only local component schemas are supported"),
            );
            return None;
        };
        match self.component_names.get(name) {
            Some(rust) => Some(Type::Named(rust.clone())),
            None => {
                self.error(&ref_pointer, format!("`$ref: {reference}` does not resolve: no such schema"));
                None
            }
        }
    }

    /// The component schema a reference points to, if it is a local one.
    fn component(&self, reference: &str) -> Option<(&'a Schema, String)> {
        let name = reference.strip_prefix(SCHEMA_PREFIX)?;
        match self.schemas()?.get(name)? {
            ReferenceOr::Item(schema) => Some((schema, push_pointer("#/components/schemas", name))),
            ReferenceOr::Reference { reference } => self.component(reference),
        }
    }

    // ---- structs ----------------------------------------------------------

    fn structure(&mut self, name: &str, schema: &'a Schema, pointer: &str) -> TypeKind {
        let mut shape = ObjectShape::default();
        let mut visiting = BTreeSet::new();
        self.collect_shape(schema, pointer, &mut shape, &mut visiting);

        let mut fields = Vec::new();
        let mut rust_names: HashMap<String, String> = HashMap::new();
        for (wire, (prop, prop_pointer)) in &shape.properties {
            // `fooBar` and `foo_bar` are different members: the later one gets a suffix.
            let base = snake(wire);
            let mut rust_name = base.clone();
            let mut n = 2;
            while rust_names.contains_key(&rust_name)
                || (shape.additional.is_some() && rust_name == "additional_properties")
            {
                rust_name = format!("{}_{n}", base.trim_end_matches('_'));
                n += 1;
            }
            rust_names.insert(rust_name.clone(), wire.clone());
            let ty = self.type_of_ref(*prop, &format!("{name}{}", pascal(wire)), prop_pointer);
            let (nullable, doc) = match prop {
                ReferenceOr::Item(s) => (s.schema_data.nullable, self.doc_of(s, prop_pointer)),
                ReferenceOr::Reference { reference } => {
                    let nullable = self.component(reference).is_some_and(|(s, _)| s.schema_data.nullable);
                    (nullable, Doc::default())
                }
            };
            let required = shape.required.iter().any(|(r, _)| r == wire);
            fields.push(Field { name: wire.clone(), rust_name, ty, required, nullable, doc, boxed: false });
        }
        for (required, at) in &shape.required {
            if !shape.properties.contains_key(required) {
                self.error(at, format!("`required` names `{required}`, which no part of the schema defines"));
            }
        }
        let closed = matches!(shape.additional, Some((AdditionalProperties::Any(false), _)));
        let additional = match shape.additional {
            Some((AdditionalProperties::Schema(value), at)) => {
                Some(self.type_of_ref(value.as_ref(), &format!("{name}Value"), &at))
            }
            Some((AdditionalProperties::Any(true), _)) => Some(Type::Any),
            _ => None,
        };
        TypeKind::Struct { fields, additional, closed }
    }

    /// Gathers properties and `required` from a schema and, through `allOf`, its parts.
    fn collect_shape(
        &mut self,
        schema: &'a Schema,
        pointer: &str,
        shape: &mut ObjectShape<'a>,
        visiting: &mut BTreeSet<String>,
    ) {
        if !visiting.insert(pointer.to_owned()) {
            self.error(pointer, "`allOf` refers back to itself ($ref cycle)");
            return;
        }
        let (properties, required, additional, all_of) = match &schema.schema_kind {
            SchemaKind::Type(openapiv3::Type::Object(o)) => {
                (Some(&o.properties), &o.required[..], o.additional_properties.as_ref(), &[][..])
            }
            SchemaKind::AllOf { all_of } => (None, &[][..], None, &all_of[..]),
            SchemaKind::Any(any) => {
                (Some(&any.properties), &any.required[..], any.additional_properties.as_ref(), &any.all_of[..])
            }
            _ => (None, &[][..], None, &[][..]),
        };
        if let Some(properties) = properties {
            let props_pointer = push_pointer(pointer, "properties");
            for (name, prop) in properties {
                shape.properties.entry(name.clone()).or_insert((prop, push_pointer(&props_pointer, name)));
            }
        }
        let req_pointer = push_pointer(pointer, "required");
        for (i, name) in required.iter().enumerate() {
            if !shape.required.iter().any(|(r, _)| r == name) {
                shape.required.push((name.clone(), push_pointer(&req_pointer, &i.to_string())));
            }
        }
        if let Some(additional) = additional {
            shape.additional.get_or_insert((additional, push_pointer(pointer, "additionalProperties")));
        }
        let parts_pointer = push_pointer(pointer, "allOf");
        for (i, part) in all_of.iter().enumerate() {
            let part_pointer = push_pointer(&parts_pointer, &i.to_string());
            match part {
                ReferenceOr::Item(part)
                    if matches!(&part.schema_kind, SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. })
                        || matches!(&part.schema_kind, SchemaKind::Any(a) if !a.one_of.is_empty() || !a.any_of.is_empty()) =>
                {
                    self.error(&part_pointer, "`oneOf`/`anyOf` inside `allOf` is not supported");
                }
                ReferenceOr::Item(part) => self.collect_shape(part, &part_pointer, shape, visiting),
                ReferenceOr::Reference { reference } => match self.component(reference) {
                    Some((target, target_pointer)) => self.collect_shape(target, &target_pointer, shape, visiting),
                    None => {
                        self.resolve_schema_ref(reference, &part_pointer);
                    }
                },
            }
        }
        visiting.remove(pointer);
    }

    // ---- enums and unions -------------------------------------------------

    fn enum_values<'s>(&mut self, values: impl Iterator<Item = &'s String>, pointer: &str) -> Vec<EnumValue> {
        let mut out: Vec<EnumValue> = Vec::new();
        let mut seen = HashSet::new();
        for value in values {
            if !seen.insert(value.clone()) {
                self.error(&push_pointer(pointer, "enum"), format!("enum value `{value}` is listed twice"));
                continue;
            }
            let base = pascal(value);
            let mut rust_name = base.clone();
            let mut n = 2;
            while out.iter().any(|v| v.rust_name == rust_name) || rust_name == "Unknown" {
                rust_name = format!("{base}{n}");
                n += 1;
            }
            out.push(EnumValue { value: value.clone(), rust_name });
        }
        out
    }

    fn union(
        &mut self,
        name: &str,
        variants: &'a [ReferenceOr<Schema>],
        key: &str,
        schema: &'a Schema,
        pointer: &str,
    ) -> TypeKind {
        let discriminator = schema.schema_data.discriminator.as_ref();
        let mut out: Vec<UnionVariant> = Vec::new();
        for (i, variant) in variants.iter().enumerate() {
            let at = push_pointer(&push_pointer(pointer, key), &i.to_string());
            let ty = self.type_of_ref(variant, &format!("{name}Variant{}", i + 1), &at);
            let base = match &ty {
                Type::Named(n) => n.clone(),
                other => pascal(&type_word(other)),
            };
            let mut rust_name = base.clone();
            let mut n = 2;
            while out.iter().any(|v| v.rust_name == rust_name) {
                rust_name = format!("{base}{n}");
                n += 1;
            }
            let tag = discriminator.and_then(|d| {
                let reference = match variant {
                    ReferenceOr::Reference { reference } => reference.as_str(),
                    ReferenceOr::Item(_) => return None,
                };
                d.mapping
                    .iter()
                    .find(|(_, target)| target.as_str() == reference)
                    .map(|(value, _)| value.clone())
                    .or_else(|| reference.strip_prefix(SCHEMA_PREFIX).map(str::to_owned))
            });
            out.push(UnionVariant { rust_name, ty, tag, distinct: false });
        }
        if let Some(d) = discriminator {
            for (value, target) in &d.mapping {
                if !variants.iter().any(|v| matches!(v, ReferenceOr::Reference { reference } if reference == target)) {
                    let at = push_pointer(&push_pointer(&push_pointer(pointer, "discriminator"), "mapping"), value);
                    self.error(
                        &at,
                        format!("discriminator value `{value}` maps to `{target}`, which is not one of the variants"),
                    );
                }
            }
        }
        TypeKind::Union { variants: out, discriminator: discriminator.map(|d| d.property_name.clone()) }
    }

    // ---- documentation ----------------------------------------------------

    fn doc_of(&self, schema: &Schema, _pointer: &str) -> Doc {
        let data = &schema.schema_data;
        let mut doc = Doc {
            summary: data.title.clone(),
            description: data.description.clone(),
            default: data.default.clone(),
            example: data.example.clone(),
            deprecated: data.deprecated,
            ..Doc::default()
        };
        let c = &mut doc.constraints;
        match &schema.schema_kind {
            SchemaKind::Type(openapiv3::Type::String(s)) => {
                c.min_length = s.min_length;
                c.max_length = s.max_length;
                c.pattern = s.pattern.clone();
                doc.format = match &s.format {
                    VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) | VariantOrUnknownOrEmpty::Empty => None,
                    VariantOrUnknownOrEmpty::Item(f) => Some(format!("{f:?}").to_lowercase()),
                    VariantOrUnknownOrEmpty::Unknown(f) => Some(f.clone()),
                };
            }
            SchemaKind::Type(openapiv3::Type::Integer(i)) => {
                c.minimum = i.minimum.map(|v| v as f64);
                c.maximum = i.maximum.map(|v| v as f64);
                c.exclusive_minimum = i.exclusive_minimum;
                c.exclusive_maximum = i.exclusive_maximum;
                c.allowed = i.enumeration.iter().flatten().map(|v| Value::from(*v)).collect();
            }
            SchemaKind::Type(openapiv3::Type::Number(n)) => {
                c.minimum = n.minimum;
                c.maximum = n.maximum;
                c.exclusive_minimum = n.exclusive_minimum;
                c.exclusive_maximum = n.exclusive_maximum;
                c.allowed = n.enumeration.iter().flatten().map(|v| Value::from(*v)).collect();
            }
            SchemaKind::Type(openapiv3::Type::Array(a)) => {
                c.min_items = a.min_items;
                c.max_items = a.max_items;
            }
            SchemaKind::Any(any) => {
                c.min_length = any.min_length;
                c.max_length = any.max_length;
                c.pattern = any.pattern.clone();
                c.minimum = any.minimum;
                c.maximum = any.maximum;
                c.min_items = any.min_items;
                c.max_items = any.max_items;
                c.allowed = any.enumeration.clone();
                doc.format = any.format.clone();
            }
            _ => {}
        }
        doc
    }

    // ---- servers and auth -------------------------------------------------

    fn servers(&mut self) -> Vec<Server> {
        let mut servers = Vec::new();
        for (i, server) in self.doc.servers.iter().enumerate() {
            let pointer = push_pointer("#/servers", &i.to_string());
            let mut variables = Vec::new();
            for (name, var) in server.variables.iter().flatten() {
                if !server.url.contains(&format!("{{{name}}}")) {
                    self.error(
                        &push_pointer(&push_pointer(&pointer, "variables"), name),
                        format!("variable `{name}` is not used in the URL"),
                    );
                }
                let var_pointer = push_pointer(&push_pointer(&pointer, "variables"), name);
                // Without `enum` the default is the one documented value; others go through an explicit base URL.
                let documented =
                    if var.enumeration.is_empty() { vec![var.default.clone()] } else { var.enumeration.clone() };
                if !documented.contains(&var.default) {
                    self.error(
                        &push_pointer(&var_pointer, "default"),
                        format!("default `{}` is not one of the variable's `enum` values", var.default),
                    );
                }
                let values = self.enum_values(documented.iter(), &var_pointer);
                variables.push(ServerVariable {
                    name: name.clone(),
                    rust_name: pascal(name),
                    default: var.default.clone(),
                    values,
                    description: var.description.clone(),
                });
            }
            for name in template_names(&server.url) {
                if !variables.iter().any(|v| v.name == name) {
                    self.error(&push_pointer(&pointer, "url"), format!("`{{{name}}}` in the URL has no variable"));
                }
            }
            let combinations = match server.extensions.get("x-variable-combinations") {
                Some(value) => serde_json::from_value(value.clone()).unwrap_or_else(|e| {
                    self.error(
                        &push_pointer(&pointer, "x-variable-combinations"),
                        format!("expected a list of variable assignments: {e}"),
                    );
                    Vec::new()
                }),
                None => Vec::new(),
            };
            servers.push(Server {
                url: server.url.clone(),
                description: server.description.clone(),
                variables,
                combinations,
            });
        }
        servers
    }

    fn auth(&mut self) -> Auth {
        let Some(requirement) = self.doc.security.as_ref().and_then(|s| s.first()) else { return Auth::None };
        let Some(name) = requirement.keys().next() else { return Auth::None };
        let pointer = push_pointer("#/components/securitySchemes", name);
        let scheme = self.doc.components.as_ref().and_then(|c| c.security_schemes.get(name));
        let Some(ReferenceOr::Item(scheme)) = scheme else {
            self.error(&pointer, format!("security scheme `{name}` is not defined"));
            return Auth::None;
        };
        use openapiv3::{APIKeyLocation, SecurityScheme as S};
        match scheme {
            S::APIKey { location: APIKeyLocation::Header, name: header, extensions, .. } => {
                match ext_str(extensions, "x-auth").as_deref() {
                    Some("scp-signature") => Auth::ScpSignature,
                    Some(issuer) => Auth::Token { issuer: Some(issuer.to_owned()) },
                    None if header.eq_ignore_ascii_case("x-auth-token") => Auth::Token { issuer: None },
                    None => Auth::ApiKeyHeader { name: header.clone() },
                }
            }
            S::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("bearer") => Auth::Bearer,
            _ => {
                self.error(&pointer, "only header API keys, X-Auth-Token, SCP signing and bearer tokens are supported");
                Auth::None
            }
        }
    }

    // ---- operations -------------------------------------------------------

    fn operations(&mut self) -> (Vec<Param>, Vec<Operation>) {
        let mut client_params: Vec<Param> = Vec::new();
        let mut operations: Vec<Operation> = Vec::new();
        let mut ids: HashMap<String, String> = HashMap::new();
        let mut names: HashMap<String, String> = HashMap::new();
        for (path, item) in &self.doc.paths.paths {
            let path_pointer = push_pointer("#/paths", path);
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { .. } => {
                    self.error(&path_pointer, "path item `$ref` is not supported");
                    continue;
                }
            };
            for (method, op) in item.iter() {
                let pointer = push_pointer(&path_pointer, method);
                let operation_id = op.operation_id.clone().unwrap_or_else(|| derived_operation_id(method, path));
                if let Some(first) = ids.insert(operation_id.clone(), pointer.clone()) {
                    self.error(
                        &push_pointer(&pointer, "operationId"),
                        format!("operationId `{operation_id}` is also used at {first}"),
                    );
                    continue;
                }
                let name = snake(&operation_id);
                if crate::names::RESERVED_CLIENT_METHODS.contains(&name.as_str()) {
                    self.error(
                        &push_pointer(&pointer, "operationId"),
                        format!("`{operation_id}` becomes the method `{name}`, which the client reserves"),
                    );
                    continue;
                }
                if let Some(first) = names.insert(name.clone(), pointer.clone()) {
                    self.error(
                        &push_pointer(&pointer, "operationId"),
                        format!("`{operation_id}` becomes the method `{name}`, as does the operation at {first}"),
                    );
                    continue;
                }
                let params = self.params(&item.parameters, &op.parameters, &name, &pointer, &path_pointer);
                let (client, params): (Vec<_>, Vec<_>) = params.into_iter().partition(|(_, client)| *client);
                for (param, _) in client {
                    if !client_params.iter().any(|p| p.name == param.name) {
                        client_params.push(param);
                    }
                }
                let params: Vec<Param> = params.into_iter().map(|(p, _)| p).collect();
                self.check_path_template(path, &params, &client_params, &pointer);
                let body = self.body(op.request_body.as_ref(), &name, &pointer);
                let responses = self.responses(&op.responses, &name, &pointer);
                let body_variants = self.body_variants(op, body.as_ref(), &pointer, &names);
                for variant in &body_variants {
                    names.insert(variant.method.clone(), pointer.clone());
                }
                let pagination = self.pagination(op, &params, &pointer);
                let waiter = self.waiter(op, &pointer, &names);
                if let Some(w) = &waiter {
                    names.insert(w.method.clone(), pointer.clone());
                }
                operations.push(Operation {
                    name,
                    operation_id,
                    method: method.to_uppercase(),
                    path: path.clone(),
                    doc: Doc {
                        summary: op.summary.clone(),
                        description: op.description.clone(),
                        deprecated: op.deprecated,
                        ..Doc::default()
                    },
                    deprecated: op.deprecated,
                    params,
                    body,
                    responses,
                    pagination,
                    async_request: op.extensions.get("x-async-request") == Some(&Value::Bool(true)),
                    body_variants,
                    waiter,
                    pointer,
                });
            }
        }
        operations.sort_by(|a, b| a.name.cmp(&b.name));
        (client_params, operations)
    }

    /// Path-level and operation-level parameters merged (the operation wins),
    /// each flagged as client parameter or not.
    fn params(
        &mut self,
        path_level: &'a [ReferenceOr<Parameter>],
        op_level: &'a [ReferenceOr<Parameter>],
        op_name: &str,
        pointer: &str,
        path_pointer: &str,
    ) -> Vec<(Param, bool)> {
        let mut merged: Vec<(&'a Parameter, String)> = Vec::new();
        let levels =
            [(path_level, push_pointer(path_pointer, "parameters")), (op_level, push_pointer(pointer, "parameters"))];
        for (level, level_pointer) in &levels {
            for (i, param) in level.iter().enumerate() {
                let at = push_pointer(level_pointer, &i.to_string());
                let Some((param, at)) = self.resolve_param(param, &at) else { continue };
                let data = param.parameter_data_ref();
                merged.retain(|(p, _)| {
                    !(p.parameter_data_ref().name == data.name
                        && std::mem::discriminant(*p) == std::mem::discriminant(param))
                });
                merged.push((param, at));
            }
        }
        let mut out: Vec<(Param, bool)> = Vec::new();
        for (param, at) in merged {
            let data = param.parameter_data_ref();
            let location = match param {
                Parameter::Path { .. } => ParamLocation::Path,
                Parameter::Query { .. } => ParamLocation::Query,
                Parameter::Header { .. } => ParamLocation::Header,
                Parameter::Cookie { .. } => {
                    self.error(&at, "cookie parameters are not supported");
                    continue;
                }
            };
            if location == ParamLocation::Header && is_transport_header(&data.name) {
                continue;
            }
            let ty = match &data.format {
                ParameterSchemaOrContent::Schema(schema) => self.type_of_ref(
                    schema,
                    &format!("{}{}", pascal(op_name), pascal(&data.name)),
                    &push_pointer(&at, "schema"),
                ),
                ParameterSchemaOrContent::Content(_) => {
                    self.error(&at, "parameters with `content` are not supported; use `schema`");
                    continue;
                }
            };
            let mut doc = match &data.format {
                ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) => self.doc_of(schema, &at),
                _ => Doc::default(),
            };
            doc.description = data.description.clone().or(doc.description);
            doc.deprecated |= data.deprecated.unwrap_or(false);
            doc.example = data.example.clone().or(doc.example);
            let mut rust_name = snake(&data.name);
            if crate::names::RESERVED_BUILDER_MEMBERS.contains(&rust_name.as_str()) {
                rust_name.push_str("_param");
            }
            if let Some((other, _)) = out.iter().find(|(p, _)| p.rust_name == rust_name) {
                let other = other.name.clone();
                self.error(
                    &at,
                    format!("parameters `{other}` and `{}` both become the Rust argument `{rust_name}`", data.name),
                );
                continue;
            }
            let required = data.required || location == ParamLocation::Path;
            let client = data.extensions.get("x-client-parameter") == Some(&Value::Bool(true));
            if client && location != ParamLocation::Path {
                self.error(&at, "`x-client-parameter` is supported on path parameters only");
                continue;
            }
            let ty = match self.param_type(ty, location, param, &at) {
                Some(ty) => ty,
                None => continue,
            };
            out.push((Param { name: data.name.clone(), rust_name, location, required, ty, doc }, client));
        }
        out
    }

    /// The Rust type of a parameter, or an error for shapes the client cannot
    /// send faithfully: objects anywhere, arrays outside the query, and query
    /// arrays with `explode: false`. An untyped parameter is a string.
    fn param_type(&mut self, ty: Type, location: ParamLocation, param: &Parameter, at: &str) -> Option<Type> {
        let is_object = |ty: &Type| match ty {
            Type::Object | Type::Map(_) => true,
            Type::Named(name) => {
                matches!(self.types.get(name).map(|t| &t.kind), Some(TypeKind::Struct { .. } | TypeKind::Union { .. }))
            }
            _ => false,
        };
        let unsupported =
            |what: &str| format!("{what} parameters are not supported; describe the parameter as a string");
        match (&ty, location) {
            (Type::Any, _) => Some(Type::String),
            (ty, _) if is_object(ty) => {
                self.error(at, unsupported("object"));
                None
            }
            (Type::Array(item), ParamLocation::Query) if is_object(item) || matches!(**item, Type::Array(_)) => {
                self.error(at, unsupported("arrays of objects or arrays as query"));
                None
            }
            (Type::Array(_), ParamLocation::Query) => {
                if matches!(param, Parameter::Query { parameter_data, .. } if parameter_data.explode == Some(false)) {
                    self.error(at, "query arrays with `explode: false` are not supported");
                    return None;
                }
                Some(ty)
            }
            (Type::Array(_), _) => {
                self.error(at, unsupported("path and header array"));
                None
            }
            _ => Some(ty),
        }
    }

    fn resolve_param(&mut self, param: &'a ReferenceOr<Parameter>, at: &str) -> Option<(&'a Parameter, String)> {
        self.resolve_component(param, at, "parameters", |c| &c.parameters)
    }

    /// An item, or the item a local `$ref` names in one components section
    /// (`parameters`, `requestBodies`, `responses`), with its JSON pointer.
    fn resolve_component<T>(
        &mut self,
        item: &'a ReferenceOr<T>,
        at: &str,
        section: &str,
        entries: impl Fn(&'a openapiv3::Components) -> &'a IndexMap<String, ReferenceOr<T>>,
    ) -> Option<(&'a T, String)> {
        let reference = match item {
            ReferenceOr::Item(item) => return Some((item, at.to_owned())),
            ReferenceOr::Reference { reference } => reference,
        };
        let prefix = format!("#/components/{section}/");
        let found = reference
            .strip_prefix(&prefix)
            .and_then(|name| Some((name, entries(self.doc.components.as_ref()?).get(name)?)));
        match found {
            Some((name, ReferenceOr::Item(item))) => {
                Some((item, push_pointer(&format!("#/components/{section}"), name)))
            }
            _ => {
                self.error(
                    &push_pointer(at, "$ref"),
                    format!("`$ref: {reference}` does not resolve to an entry of components.{section}"),
                );
                None
            }
        }
    }

    fn check_path_template(&mut self, path: &str, params: &[Param], client_params: &[Param], pointer: &str) {
        let in_template = template_names(path);
        for name in &in_template {
            let known =
                params.iter().chain(client_params).any(|p| p.location == ParamLocation::Path && &p.name == name);
            if !known {
                self.error(
                    pointer,
                    format!("path template names `{{{name}}}` but the operation has no path parameter `{name}`"),
                );
            }
        }
        for p in params.iter().filter(|p| p.location == ParamLocation::Path) {
            if !in_template.contains(&p.name) {
                self.error(
                    pointer,
                    format!("path parameter `{}` does not appear in the path template `{path}`", p.name),
                );
            }
        }
    }

    fn body(
        &mut self,
        body: Option<&'a ReferenceOr<openapiv3::RequestBody>>,
        op_name: &str,
        pointer: &str,
    ) -> Option<Body> {
        let (body, at) =
            self.resolve_component(body?, &push_pointer(pointer, "requestBody"), "requestBodies", |c| {
                &c.request_bodies
            })?;
        let examples = media_examples(&body.content);
        let Some((media, schema)) = json_schema(&body.content) else {
            let types: Vec<_> = body.content.keys().cloned().collect();
            self.error(&push_pointer(&at, "content"), format!("request body has no JSON media type (found {types:?})"));
            return None;
        };
        let schema_at = push_pointer(&push_pointer(&push_pointer(&at, "content"), media), "schema");
        let ty = self.type_of_ref(schema, &format!("{}Body", pascal(op_name)), &schema_at);
        Some(Body {
            ty,
            required: body.required,
            doc: Doc { description: body.description.clone(), ..Doc::default() },
            examples,
        })
    }

    fn responses(&mut self, responses: &'a openapiv3::Responses, op_name: &str, pointer: &str) -> Vec<ResponseDef> {
        let at = push_pointer(pointer, "responses");
        let mut all: Vec<(String, &'a ReferenceOr<openapiv3::Response>)> = responses
            .responses
            .iter()
            .map(|(code, r)| {
                let status = match code {
                    StatusCode::Code(n) => n.to_string(),
                    StatusCode::Range(n) => format!("{n}XX"),
                };
                (status, r)
            })
            .collect();
        if let Some(default) = &responses.default {
            all.push(("default".to_owned(), default));
        }
        let mut out = Vec::new();
        let with_schema = all.len();
        for (status, response) in all {
            let Some((response, r_at)) =
                self.resolve_component(response, &push_pointer(&at, &status), "responses", |c| &c.responses)
            else {
                continue;
            };
            let ty = json_schema(&response.content).map(|(media, schema)| {
                let hint = if with_schema > 1 && !status.starts_with('2') {
                    format!("{}{}Response", pascal(op_name), pascal(&status))
                } else {
                    format!("{}Response", pascal(op_name))
                };
                let schema_at = push_pointer(&push_pointer(&push_pointer(&r_at, "content"), media), "schema");
                self.type_of_ref(schema, &hint, &schema_at)
            });
            let headers = response
                .headers
                .iter()
                .map(|(name, h)| {
                    let description = match h {
                        ReferenceOr::Item(h) => h.description.clone(),
                        ReferenceOr::Reference { .. } => None,
                    };
                    (name.clone(), description)
                })
                .collect();
            let examples = media_examples(&response.content);
            out.push(ResponseDef { status, description: response.description.clone(), ty, headers, examples });
        }
        out
    }

    fn body_variants(
        &mut self,
        op: &'a openapiv3::Operation,
        body: Option<&Body>,
        pointer: &str,
        names: &HashMap<String, String>,
    ) -> Vec<BodyVariant> {
        let Some(raw) = op.extensions.get("x-body-variants") else { return Vec::new() };
        let at = push_pointer(pointer, "x-body-variants");
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Raw {
            schema: String,
            method: String,
            summary: Option<String>,
        }
        let raw: Vec<Raw> = match serde_json::from_value(raw.clone()) {
            Ok(raw) => raw,
            Err(e) => {
                self.error(&at, format!("expected a list of {{schema, method, summary}}: {e}"));
                return Vec::new();
            }
        };
        if body.is_some_and(|b| !b.required) {
            self.error(&at, "`x-body-variants` needs a required request body");
            return Vec::new();
        }
        let variants = match body.map(|b| &b.ty) {
            Some(Type::Named(name)) => match self.types.get(name).map(|t| &t.kind) {
                Some(TypeKind::Union { variants, .. }) => variants.clone(),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };
        let mut out = Vec::new();
        for (i, r) in raw.into_iter().enumerate() {
            let item_at = push_pointer(&at, &i.to_string());
            let type_name = self.component_names.get(&r.schema).cloned().unwrap_or_else(|| pascal(&r.schema));
            let Some(variant) = variants.iter().find(|v| v.ty == Type::Named(type_name.clone())) else {
                self.error(&item_at, format!("`{}` is not a variant of the request body's oneOf", r.schema));
                continue;
            };
            let method = snake(&r.method);
            if let Some(first) = names.get(&method) {
                self.error(&item_at, format!("method `{method}` is already the name of the operation at {first}"));
                continue;
            }
            out.push(BodyVariant { type_name, variant: variant.rust_name.clone(), method, summary: r.summary });
        }
        out
    }

    fn pagination(&mut self, op: &'a openapiv3::Operation, params: &[Param], pointer: &str) -> Option<Pagination> {
        let raw = op.extensions.get("x-pagination")?;
        let at = push_pointer(pointer, "x-pagination");
        let get = |key: &str| raw.get(key).and_then(Value::as_str).map(str::to_owned);
        let pagination = match get("style").as_deref() {
            Some("page") => get("page")
                .zip(get("size"))
                .zip(get("items"))
                .map(|((page, size), items)| Pagination::Page { page, size, items }),
            Some("marker") => match (get("limit"), get("marker"), get("items"), get("cursor")) {
                (Some(limit), Some(marker), Some(items), Some(cursor)) => {
                    Some(Pagination::Marker { limit, marker, items, cursor })
                }
                _ => None,
            },
            _ => None,
        };
        let Some(pagination) = pagination else {
            self.error(
                &at,
                "expected {style: page, page, size, items} or {style: marker, limit, marker, items, cursor}",
            );
            return None;
        };
        let query_params: Vec<&str> = match &pagination {
            Pagination::Page { page, size, .. } => vec![page, size],
            Pagination::Marker { limit, marker, .. } => vec![limit, marker],
        };
        for name in query_params {
            if !params.iter().any(|p| p.name == name && p.location == ParamLocation::Query) {
                self.error(
                    &at,
                    format!("pagination names the query parameter `{name}`, which the operation does not have"),
                );
                return None;
            }
        }
        Some(pagination)
    }

    fn waiter(
        &mut self,
        op: &'a openapiv3::Operation,
        pointer: &str,
        names: &HashMap<String, String>,
    ) -> Option<Waiter> {
        let raw = op.extensions.get("x-waiter")?;
        let at = push_pointer(pointer, "x-waiter");
        let mut waiter: Waiter = match serde_json::from_value(raw.clone()) {
            Ok(w) => w,
            Err(e) => {
                self.error(&at, format!("expected {{method, state, failure}}: {e}"));
                return None;
            }
        };
        waiter.method = snake(&waiter.method);
        if !waiter.state.starts_with('/') {
            self.error(&push_pointer(&at, "state"), "`state` must be a JSON pointer such as `/server/status`");
            return None;
        }
        if let Some(first) = names.get(&waiter.method) {
            self.error(&at, format!("method `{}` is already the name of the operation at {first}", waiter.method));
            return None;
        }
        Some(waiter)
    }

    // ---- whole-service checks ---------------------------------------------

    /// `A: {$ref: B}`, `B: {$ref: A}`, or `Tree: {type: array, items: {$ref: Tree}}`
    /// would make type aliases that refer to themselves, which Rust refuses.
    fn check_alias_cycles(&mut self) {
        let mut faults = Vec::new();
        for def in self.types.values() {
            let TypeKind::Alias(target) = &def.kind else { continue };
            let mut stack = named_in(target);
            let mut seen = HashSet::new();
            while let Some(next) = stack.pop() {
                if next == def.name {
                    faults.push((
                        def.pointer.clone(),
                        format!(
                            "`$ref` cycle: `{}` refers to itself through type aliases; wrap it in an object",
                            def.name
                        ),
                    ));
                    break;
                }
                if seen.insert(next.clone()) {
                    if let Some(TypeKind::Alias(t)) = self.types.get(&next).map(|t| &t.kind) {
                        stack.extend(named_in(t));
                    }
                }
            }
        }
        for (pointer, message) in faults {
            self.error(&pointer, message);
        }
    }

    /// `x-pagination` and `x-waiter` need one success body: the struct whose
    /// items, cursor or state they name.
    fn check_extensions(&mut self, op: &Operation) {
        let success: Vec<&ResponseDef> = op.responses.iter().filter(|r| r.status.starts_with('2')).collect();
        let single = match success.as_slice() {
            [one] => one.ty.clone(),
            _ => None,
        };
        let field = |types: &BTreeMap<String, TypeDef>, ty: &Type, name: &str| -> Option<Field> {
            let Type::Named(n) = ty else { return None };
            match &types.get(n)?.kind {
                TypeKind::Struct { fields, .. } => fields.iter().find(|f| f.name == name).cloned(),
                _ => None,
            }
        };
        if let Some(p) = &op.pagination {
            let at = push_pointer(&op.pointer, "x-pagination");
            let (items, cursor) = match p {
                Pagination::Page { items, .. } => (items, None),
                Pagination::Marker { items, cursor, .. } => (items, Some(cursor)),
            };
            let item = single.as_ref().and_then(|ty| field(&self.types, ty, items)).and_then(|f| match f.ty {
                Type::Array(item) => Some(*item),
                _ => None,
            });
            match (item, cursor) {
                (None, _) => self.error(
                    &at,
                    format!("the operation needs exactly one success response, an object whose `{items}` is an array"),
                ),
                (Some(item), Some(cursor)) if field(&self.types, &item, cursor).is_none() => {
                    self.error(&at, format!("the items have no member `{cursor}` to use as the next marker"));
                }
                _ => {}
            }
        }
        if let Some(w) = &op.waiter {
            let at = push_pointer(&op.pointer, "x-waiter");
            let mut ty = single.clone();
            for segment in w.state.split('/').skip(1) {
                ty = ty.and_then(|t| field(&self.types, &t, segment)).map(|f| f.ty);
            }
            if ty.is_none() {
                self.error(
                    &at,
                    format!("`{}` does not lead to a member of the operation's single success body", w.state),
                );
            }
        }
    }

    /// Sets `distinct` on union variants whose type, aliases resolved, no other
    /// variant of the same union has.
    fn mark_distinct_variants(&mut self) {
        let resolve = |types: &BTreeMap<String, TypeDef>, ty: &Type| -> Type {
            let mut ty = ty.clone();
            let mut hops = 0;
            while let Type::Named(n) = &ty {
                match types.get(n).map(|t| &t.kind) {
                    Some(TypeKind::Alias(target)) if hops < 64 => {
                        ty = target.clone();
                        hops += 1;
                    }
                    _ => break,
                }
            }
            ty
        };
        let marks: Vec<(String, Vec<bool>)> = self
            .types
            .values()
            .filter_map(|def| match &def.kind {
                TypeKind::Union { variants, .. } => {
                    let resolved: Vec<Type> = variants.iter().map(|v| resolve(&self.types, &v.ty)).collect();
                    let distinct = resolved.iter().map(|t| resolved.iter().filter(|u| *u == t).count() == 1).collect();
                    Some((def.name.clone(), distinct))
                }
                _ => None,
            })
            .collect();
        for (name, distinct) in marks {
            if let Some(TypeDef { kind: TypeKind::Union { variants, .. }, .. }) = self.types.get_mut(&name) {
                for (v, d) in variants.iter_mut().zip(distinct) {
                    v.distinct = d;
                }
            }
        }
    }

    /// Marks fields whose type contains the struct itself without indirection
    /// (directly or through other structs), so emit can box them.
    fn box_recursive_fields(&mut self) {
        let edges: BTreeMap<String, BTreeSet<String>> =
            self.types.iter().map(|(name, def)| (name.clone(), direct_children(def))).collect();
        let reaches = |from: &str, to: &str| -> bool {
            let mut stack = vec![from.to_owned()];
            let mut seen = HashSet::new();
            while let Some(n) = stack.pop() {
                if n == to {
                    return true;
                }
                if seen.insert(n.clone()) {
                    stack.extend(edges.get(&n).into_iter().flatten().cloned());
                }
            }
            false
        };
        let mut to_box = Vec::new();
        for (name, def) in &self.types {
            if let TypeKind::Struct { fields, .. } = &def.kind {
                for (i, f) in fields.iter().enumerate() {
                    if let Some(target) = direct_target(&f.ty) {
                        if reaches(target, name) {
                            to_box.push((name.clone(), i));
                        }
                    }
                }
            }
        }
        for (name, i) in to_box {
            if let Some(TypeDef { kind: TypeKind::Struct { fields, .. }, .. }) = self.types.get_mut(&name) {
                fields[i].boxed = true;
            }
        }
    }
}

/// Named types a type mentions, at any depth.
fn named_in(ty: &Type) -> Vec<String> {
    match ty {
        Type::Named(n) => vec![n.clone()],
        Type::Array(t) | Type::Map(t) | Type::Nullable(t) => named_in(t),
        _ => Vec::new(),
    }
}

/// Named types a definition contains without a heap indirection.
fn direct_children(def: &TypeDef) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    match &def.kind {
        TypeKind::Struct { fields, .. } => {
            out.extend(fields.iter().filter_map(|f| direct_target(&f.ty)).map(str::to_owned))
        }
        TypeKind::Union { variants, .. } => {
            out.extend(variants.iter().filter_map(|v| direct_target(&v.ty)).map(str::to_owned))
        }
        TypeKind::Alias(ty) => out.extend(direct_target(ty).map(str::to_owned)),
        TypeKind::Enum { .. } => {}
    }
    out
}

fn direct_target(ty: &Type) -> Option<&str> {
    match ty {
        Type::Named(n) => Some(n),
        Type::Nullable(inner) => direct_target(inner),
        _ => None,
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

fn has_values(values: &[Option<String>]) -> bool {
    values.iter().any(Option::is_some)
}

/// A word naming a primitive union variant.
fn type_word(ty: &Type) -> String {
    match ty {
        Type::String | Type::DateTime => "String".into(),
        Type::Integer(_) => "Integer".into(),
        Type::Number(_) => "Number".into(),
        Type::Boolean => "Boolean".into(),
        Type::Array(_) => "Array".into(),
        Type::Map(_) | Type::Object => "Object".into(),
        Type::Nullable(inner) => type_word(inner),
        Type::Any => "Value".into(),
        Type::Named(n) => n.clone(),
    }
}

fn ext_str(extensions: &IndexMap<String, Value>, key: &str) -> Option<String> {
    extensions.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// The JSON media type of a content map, if any.
fn json_schema(content: &IndexMap<String, openapiv3::MediaType>) -> Option<(&str, &ReferenceOr<Schema>)> {
    content.iter().find_map(|(media, m)| {
        let essence = media.split(';').next().unwrap_or("").trim();
        let json = essence == "application/json" || essence.ends_with("+json") || essence == "*/*";
        if json {
            m.schema.as_ref().map(|s| (media.as_str(), s))
        } else {
            None
        }
    })
}

/// Inline examples of the JSON media type: `example`, then each of `examples`.
fn media_examples(content: &IndexMap<String, openapiv3::MediaType>) -> Vec<Value> {
    let Some((media, _)) = json_schema(content) else { return Vec::new() };
    let m = &content[media];
    let named = m.examples.values().filter_map(|e| match e {
        ReferenceOr::Item(e) => e.value.clone(),
        ReferenceOr::Reference { .. } => None,
    });
    m.example.clone().into_iter().chain(named).collect()
}

/// `{name}` placeholders of a path or URL template, in order.
fn template_names(template: &str) -> Vec<String> {
    template.split('{').skip(1).filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned())).collect()
}

/// `GET /v2/{tenantId}/servers/{serverId}` → `get_v2_tenant_id_servers_server_id`.
fn derived_operation_id(method: &str, path: &str) -> String {
    snake(&format!("{method} {}", path.replace(['{', '}'], "")))
}

/// Headers the runtime sends itself; a spec that lists them as parameters is
/// describing transport, not an argument.
fn is_transport_header(name: &str) -> bool {
    const TRANSPORT: &[&str] = &[
        "x-auth-token",
        "accept",
        "content-type",
        "accept-language",
        "scp-request-path",
        "scp-accesskey",
        "scp-signature",
        "scp-timestamp",
        "scp-clienttype",
        "scp-api-version",
        "authorization",
    ];
    TRANSPORT.iter().any(|t| t.eq_ignore_ascii_case(name))
}
