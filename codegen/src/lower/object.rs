//! Structs (properties, `allOf`), enums and unions.

use std::collections::{BTreeSet, HashSet};

use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind};

use super::*;
use crate::error::push_pointer;
use crate::names::{pascal, snake, NameSet};

/// Object members gathered from a schema and its `allOf` parts.
#[derive(Default)]
struct ObjectShape<'a> {
    properties: IndexMap<String, (&'a ReferenceOr<Box<Schema>>, String)>,
    required: Vec<(String, String)>,
    additional: Option<(&'a AdditionalProperties, String)>,
}

/// A `oneOf`/`anyOf` whose schema also has members of its own (`properties`
/// or `allOf` parts), beside it or as a part of its `allOf`.
pub(super) struct SharedChoice<'a> {
    variants: &'a [ReferenceOr<Schema>],
    /// `#/…/oneOf` of the variants.
    pointer: String,
}

/// The choice of a schema whose variants share its other members, if it is one.
pub(super) fn shared_choice<'a>(schema: &'a Schema, pointer: &str) -> Option<SharedChoice<'a>> {
    let own = |one_of: &'a [ReferenceOr<Schema>], any_of: &'a [ReferenceOr<Schema>], at: &str| {
        let (variants, key) = if one_of.is_empty() { (any_of, "anyOf") } else { (one_of, "oneOf") };
        (!variants.is_empty()).then(|| SharedChoice { variants, pointer: push_pointer(at, key) })
    };
    let (all_of, beside) = match &schema.schema_kind {
        SchemaKind::Any(any) => {
            let has_members = !any.properties.is_empty() || !any.all_of.is_empty();
            let beside = own(&any.one_of, &any.any_of, pointer).filter(|_| has_members);
            (&any.all_of[..], beside)
        }
        SchemaKind::AllOf { all_of } => (&all_of[..], None),
        _ => return None,
    };
    beside.or_else(|| {
        all_of.iter().enumerate().find_map(|(i, part)| {
            let ReferenceOr::Item(part) = part else { return None };
            let at = push_pointer(&push_pointer(pointer, "allOf"), &i.to_string());
            match &part.schema_kind {
                SchemaKind::OneOf { one_of } => own(one_of, &[], &at),
                SchemaKind::AnyOf { any_of } => own(&[], any_of, &at),
                SchemaKind::Any(any) => own(&any.one_of, &any.any_of, &at),
                _ => None,
            }
        })
    })
}

/// Names of the variant that keeps values not documented when the crate was
/// generated, in order of preference.
const FALLBACK_VARIANTS: &[&str] = &["Unknown", "Undocumented", "Unrecognized"];

impl<'a> Lowerer<'a> {
    pub(super) fn structure(&mut self, name: &str, schema: &'a Schema, pointer: &str) -> TypeKind {
        let mut shape = ObjectShape::default();
        let mut visiting = BTreeSet::new();
        self.collect_shape(schema, pointer, &mut shape, &mut visiting);
        self.struct_of(name, shape)
    }

    /// A union of one struct per variant of `choice`, each holding the members
    /// `schema` has beside the choice and the variant's own: `{properties: {id},
    /// oneOf: [Disk, Snapshot]}` is `Disk` or `Snapshot`, each with an `id`.
    /// Matching on a variant then sees every member, which a struct with a
    /// flattened union would split in two.
    pub(super) fn union_with_shared(
        &mut self,
        name: &str,
        schema: &'a Schema,
        choice: SharedChoice<'a>,
        pointer: &str,
    ) -> TypeKind {
        let discriminator = schema.schema_data.discriminator.as_ref();
        let mut rust_names = NameSet::new("");
        let mut variants = Vec::new();
        for (i, variant) in choice.variants.iter().enumerate() {
            let at = push_pointer(&choice.pointer, &i.to_string());
            let (variant_schema, variant_at, base) = match variant {
                ReferenceOr::Item(item) => (item, at.clone(), format!("Variant{}", i + 1)),
                ReferenceOr::Reference { reference } => match self.component(reference) {
                    Some((target, target_at)) => {
                        let base = self.resolve_schema_ref(reference, &at).and_then(|t| t.named().map(str::to_owned));
                        (target, target_at, base.unwrap_or_else(|| format!("Variant{}", i + 1)))
                    }
                    None => {
                        self.resolve_schema_ref(reference, &at);
                        continue;
                    }
                },
            };
            // A variant of bare constraints (`{required: [id]}`) picks among the shared members.
            if !self.is_object(variant_schema) && !matches!(variant_schema.schema_kind, SchemaKind::Any(_)) {
                self.error(&at, "a variant beside shared members must be an object with properties");
                continue;
            }
            let mut shape = ObjectShape::default();
            let mut visiting = BTreeSet::new();
            self.collect_shape(schema, pointer, &mut shape, &mut visiting);
            self.collect_shape(variant_schema, &variant_at, &mut shape, &mut visiting);
            let variant_name = self.unique_name(&format!("{name}{base}"));
            let kind = self.struct_of(&variant_name, shape);
            let doc = self.doc_of(variant_schema, &variant_at);
            self.insert(TypeDef { name: variant_name.clone(), doc, kind, pointer: at.clone() });
            let tag = discriminator.and_then(|d| tag_of(d, variant));
            let rust_name = rust_names.claim(&base);
            variants.push(UnionVariant { rust_name, ty: Type::Named(variant_name), tag, distinct: false });
        }
        TypeKind::Union { variants, discriminator: discriminator.map(|d| d.property_name.clone()) }
    }

    /// The struct of the members gathered in `shape`.
    fn struct_of(&mut self, name: &str, shape: ObjectShape<'a>) -> TypeKind {
        let mut fields = Vec::new();
        // `fooBar` and `foo_bar` are different members: the later one gets a suffix.
        let mut rust_names = NameSet::new("_");
        if shape.additional.is_some() {
            rust_names.reserve("additional_properties");
        }
        for (wire, (prop, prop_pointer)) in &shape.properties {
            let rust_name = rust_names.claim(&snake(wire));
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
                self.sloppy(at, format!("`required` names `{required}`, which no part of the schema defines"));
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
        TypeKind::Struct { fields, additional, closed, required: None }
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
                    // The choice itself: `union_with_shared` makes a struct per variant.
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

    pub(super) fn enum_values<'s>(
        &mut self,
        values: impl Iterator<Item = &'s String>,
        pointer: &str,
    ) -> Vec<EnumValue> {
        let mut out: Vec<EnumValue> = Vec::new();
        let mut seen = HashSet::new();
        let mut rust_names = NameSet::new("");
        for value in values {
            if !seen.insert(value.clone()) {
                self.sloppy(&push_pointer(pointer, "enum"), format!("enum value `{value}` is listed twice"));
                continue;
            }
            let rust_name = rust_names.claim(&pascal(value));
            out.push(EnumValue { value: value.clone(), rust_name });
        }
        out
    }

    pub(super) fn union(
        &mut self,
        name: &str,
        variants: &'a [ReferenceOr<Schema>],
        key: &str,
        schema: &'a Schema,
        pointer: &str,
    ) -> TypeKind {
        let discriminator = schema.schema_data.discriminator.as_ref();
        let mut out: Vec<UnionVariant> = Vec::new();
        let mut rust_names = NameSet::new("");
        for (i, variant) in variants.iter().enumerate() {
            let at = push_pointer(&push_pointer(pointer, key), &i.to_string());
            let ty = self.type_of_ref(variant, &format!("{name}Variant{}", i + 1), &at);
            let base = match &ty {
                Type::Named(n) => n.clone(),
                other => pascal(&type_word(other)),
            };
            let rust_name = rust_names.claim(&base);
            let tag = discriminator.and_then(|d| tag_of(d, variant));
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
}

/// The discriminator value of a `$ref` variant: its `mapping` key, else the
/// component's name.
fn tag_of(discriminator: &openapiv3::Discriminator, variant: &ReferenceOr<Schema>) -> Option<String> {
    let ReferenceOr::Reference { reference } = variant else { return None };
    discriminator
        .mapping
        .iter()
        .find(|(_, target)| *target == reference)
        .map(|(value, _)| value.clone())
        .or_else(|| reference.strip_prefix(SCHEMA_PREFIX).map(str::to_owned))
}

/// An open enum of `values`: documented values name their variants first, so
/// the fallback variant takes the first of [`FALLBACK_VARIANTS`] no value has.
pub(super) fn open_enum(values: Vec<EnumValue>) -> TypeKind {
    let taken = |name: &str| values.iter().any(|v| v.rust_name == name);
    let fallback = match FALLBACK_VARIANTS.iter().find(|name| !taken(name)) {
        Some(name) => (*name).to_owned(),
        None => (2..).map(|n| format!("{}{n}", FALLBACK_VARIANTS[0])).find(|name| !taken(name)).unwrap_or_default(),
    };
    TypeKind::Enum { values, fallback }
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
        Type::Text => "Text".into(),
        Type::Bytes | Type::ByteStream | Type::File => "Bytes".into(),
        Type::Named(n) => n.clone(),
    }
}
