//! Component schemas and the types of inline schemas.

use std::collections::HashMap;

use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, StringFormat, VariantOrUnknownOrEmpty};
use serde_json::Value;

use super::*;
use crate::error::push_pointer;
use crate::names::pascal;

impl<'a> Lowerer<'a> {
    fn schemas(&self) -> Option<&'a IndexMap<String, ReferenceOr<Schema>>> {
        self.doc.components.as_ref().map(|c| &c.schemas)
    }

    pub(super) fn reserve_component_names(&mut self) {
        let Some(schemas) = self.schemas() else { return };
        let mut by_rust: HashMap<String, String> = HashMap::new();
        for name in schemas.keys() {
            // A schema named like a prelude type (`Result`, `Option`) would shadow it.
            let mut rust = crate::names::type_name(name);
            if let Some(other) = by_rust.get(&rust) {
                let pointer = push_pointer("#/components/schemas", name);
                let message = format!("schemas `{other}` and `{name}` both become the Rust type `{rust}`");
                if !self.sloppy(&pointer, message) {
                    continue;
                }
                rust = self.type_names.claim(&rust);
            }
            by_rust.insert(rust.clone(), name.clone());
            self.type_names.reserve(&rust);
            self.component_names.insert(name.clone(), rust);
        }
    }

    pub(super) fn lower_components(&mut self) {
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

    pub(super) fn insert(&mut self, mut def: TypeDef) {
        if self.merges.mixed_docs.contains(&def.name) {
            // Members documented differently: each field keeps its own text.
            def.doc.summary = None;
            def.doc.description = None;
        }
        self.type_names.reserve(&def.name);
        self.types.insert(def.name.clone(), def);
    }

    /// A fresh type name based on `hint`, never one already taken. Hints are
    /// Rust names already (`EngineV2_1` + `Status`): splitting them into words
    /// again would lose their boundaries (`EngineV2_1status`).
    pub(super) fn unique_name(&mut self, hint: &str) -> String {
        let is_rust_name = hint.starts_with(|c: char| c.is_ascii_uppercase())
            && hint.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        let base = if is_rust_name { crate::names::joined(hint) } else { pascal(hint) };
        self.type_names.claim(&base)
    }

    /// Defines the named type `name` from `schema`.
    fn define(&mut self, name: &str, schema: &'a Schema, pointer: &str) {
        let doc = self.doc_of(schema, pointer);
        let kind = match &schema.schema_kind {
            SchemaKind::Type(openapiv3::Type::String(s)) if has_values(&s.enumeration) => {
                super::object::open_enum(self.enum_values(s.enumeration.iter().flatten(), pointer))
            }
            SchemaKind::OneOf { one_of: variants } => self.union(name, variants, "oneOf", schema, pointer),
            SchemaKind::AnyOf { any_of: variants } => self.union(name, variants, "anyOf", schema, pointer),
            _ if let Some(choice) = super::object::shared_choice(schema, pointer) => {
                self.union_with_shared(name, schema, choice, pointer)
            }
            SchemaKind::Any(any) if !any.one_of.is_empty() || !any.any_of.is_empty() => {
                let (variants, key) =
                    if any.one_of.is_empty() { (&any.any_of, "anyOf") } else { (&any.one_of, "oneOf") };
                self.union(name, variants, key, schema, pointer)
            }
            SchemaKind::AllOf { all_of } if let Some(i) = sole_part(all_of) => {
                TypeKind::Alias(self.type_of_ref(&all_of[i], name, &part_pointer(pointer, i)))
            }
            _ if self.is_object(schema) => self.structure(name, schema, pointer),
            _ => TypeKind::Alias(self.type_of_schema(schema, name, pointer)),
        };
        self.insert(TypeDef { name: name.to_owned(), doc, kind, pointer: pointer.to_owned() });
    }

    pub(super) fn is_object(&self, schema: &Schema) -> bool {
        match &schema.schema_kind {
            SchemaKind::Type(openapiv3::Type::Object(o)) => !o.properties.is_empty(),
            SchemaKind::AllOf { .. } => true,
            SchemaKind::Any(any) => !any.properties.is_empty() || !any.all_of.is_empty(),
            _ => false,
        }
    }

    /// Whether a member of the object `schema` (or an array member's item) is
    /// `format: binary`: a file when the object is a multipart body.
    pub(super) fn has_binary_member(&self, schema: &'a ReferenceOr<Schema>) -> bool {
        let schema = match schema {
            ReferenceOr::Reference { reference } => match self.component(reference) {
                Some((schema, _)) => schema,
                None => return false,
            },
            ReferenceOr::Item(schema) => schema,
        };
        let properties = match &schema.schema_kind {
            SchemaKind::Type(openapiv3::Type::Object(o)) => &o.properties,
            SchemaKind::Any(any) => &any.properties,
            _ => return false,
        };
        let is_binary = |schema: &Schema| match &schema.schema_kind {
            SchemaKind::Type(openapiv3::Type::String(s)) => {
                matches!(s.format, VariantOrUnknownOrEmpty::Item(StringFormat::Binary))
            }
            SchemaKind::Any(any) => any.format.as_deref() == Some("binary"),
            _ => false,
        };
        properties.values().any(|property| {
            let ReferenceOr::Item(property) = property else { return false };
            match &property.schema_kind {
                SchemaKind::Type(openapiv3::Type::Array(a)) => {
                    matches!(&a.items, Some(ReferenceOr::Item(item)) if is_binary(item))
                }
                _ => is_binary(property),
            }
        })
    }

    /// The type of a schema or reference used in a field, parameter or body;
    /// inline objects, enums and unions become named types called after `hint`.
    pub(super) fn type_of_ref<T: AsSchema>(&mut self, schema: &'a ReferenceOr<T>, hint: &str, pointer: &str) -> Type {
        match schema {
            ReferenceOr::Reference { reference } => self.resolve_schema_ref(reference, pointer).unwrap_or(Type::Any),
            ReferenceOr::Item(item) => self.type_of_schema(item.as_schema(), hint, pointer),
        }
    }

    pub(super) fn type_of_schema(&mut self, schema: &'a Schema, hint: &str, pointer: &str) -> Type {
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
            // A merged type is defined once, from the first of its schemas reached.
            if let Some(name) = this.merges.name_at.get(pointer).cloned() {
                let is_component = this.component_names.values().any(|n| *n == name);
                if !is_component && !this.types.contains_key(&name) {
                    this.define(&name, schema, pointer);
                }
                return Type::Named(name);
            }
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
                        VariantOrUnknownOrEmpty::Item(StringFormat::Binary) if self.binary_as_file => Type::File,
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
            SchemaKind::AllOf { all_of } if let Some(i) = sole_part(all_of) => {
                self.type_of_ref(&all_of[i], hint, &part_pointer(pointer, i))
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
        // A string with a number format (`type: string, format: int64`) is valid:
        // Google's and others' way to carry 64-bit numbers past JSON parsers
        // that read numbers as doubles. It stays a `String`, documented as
        // `Format: int64`.
        let (found, type_name, foreign): (Option<&str>, &str, &[&str]) = match &schema.schema_kind {
            SchemaKind::Type(openapiv3::Type::Integer(i)) => match &i.format {
                VariantOrUnknownOrEmpty::Unknown(f) => (Some(f.as_str()), "integer", STRING_FORMATS),
                _ => (None, "", &[]),
            },
            SchemaKind::Type(openapiv3::Type::Number(n)) => match &n.format {
                VariantOrUnknownOrEmpty::Unknown(f) => (Some(f.as_str()), "number", STRING_FORMATS),
                _ => (None, "", &[]),
            },
            _ => (None, "", &[]),
        };
        if let Some(format) = found.filter(|f| foreign.contains(f)) {
            self.sloppy(&push_pointer(pointer, "format"), format!("format `{format}` contradicts `type: {type_name}`"));
        }
    }

    fn array(&mut self, items: Option<&'a ReferenceOr<Box<Schema>>>, hint: &str, pointer: &str) -> Type {
        let Some(items) = items else { return Type::Array(Box::new(Type::Any)) };
        let item_pointer = push_pointer(pointer, "items");
        let ty = self.type_of_ref(items, &format!("{hint}Item"), &item_pointer);
        Type::Array(Box::new(if self.is_nullable(items) { Type::Nullable(Box::new(ty)) } else { ty }))
    }

    pub(super) fn map(&mut self, additional: Option<&'a AdditionalProperties>, hint: &str, pointer: &str) -> Type {
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

    pub(super) fn resolve_schema_ref(&mut self, reference: &str, pointer: &str) -> Option<Type> {
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
    pub(super) fn component(&self, reference: &str) -> Option<(&'a Schema, String)> {
        let name = reference.strip_prefix(SCHEMA_PREFIX)?;
        match self.schemas()?.get(name)? {
            ReferenceOr::Item(schema) => Some((schema, push_pointer("#/components/schemas", name))),
            ReferenceOr::Reference { reference } => self.component(reference),
        }
    }

    pub(super) fn doc_of(&self, schema: &Schema, _pointer: &str) -> Doc {
        let data = &schema.schema_data;
        // `allOf: [{$ref: X}, {description: …}]` documents its reference in a part.
        let annotation = match &schema.schema_kind {
            SchemaKind::AllOf { all_of } if sole_part(all_of).is_some() => all_of.iter().find_map(|part| match part {
                ReferenceOr::Item(part) if is_annotation(part) => part.schema_data.description.clone(),
                _ => None,
            }),
            _ => None,
        };
        let mut doc = Doc {
            summary: data.title.clone(),
            description: data.description.clone().or(annotation),
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
}

fn has_values(values: &[Option<String>]) -> bool {
    values.iter().any(Option::is_some)
}

/// The index of the one part of an `allOf` that says what the value is, when
/// every other part only annotates it: `allOf: [{$ref: X}, {description: …}]`
/// is a common way to document a reference, and is that reference, not a
/// new struct (expanding it re-walks recursive schemas without end).
pub(super) fn sole_part(all_of: &[ReferenceOr<Schema>]) -> Option<usize> {
    let mut meaningful =
        all_of.iter().enumerate().filter(|(_, part)| !matches!(part, ReferenceOr::Item(p) if is_annotation(p)));
    let (index, _) = meaningful.next()?;
    meaningful.next().is_none().then_some(index)
}

/// A schema that only documents (description, title, example…): no type,
/// members, composition, constraints or nullability of its own.
fn is_annotation(schema: &Schema) -> bool {
    !schema.schema_data.nullable && schema.schema_kind == SchemaKind::Any(openapiv3::AnySchema::default())
}

fn part_pointer(pointer: &str, index: usize) -> String {
    push_pointer(&push_pointer(pointer, "allOf"), &index.to_string())
}
