//! Types as the IR knows them: references ([`Type`]) and named definitions
//! ([`TypeDef`]), with their docs and constraints, and the walks over them that
//! every pass shares.

/// A reference to a type, as a field or parameter uses it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Type {
    String,
    Integer(IntFormat),
    Number(FloatFormat),
    Boolean,
    DateTime,
    /// Any JSON value.
    Any,
    /// A whole body of text (`text/*`), sent and read as is rather than as JSON.
    Text,
    /// A whole response body of bytes (`application/octet-stream`, `image/png`, …).
    Bytes,
    /// A whole request body of bytes, which the caller may stream.
    ByteStream,
    /// A file of a `multipart/form-data` body (`format: binary` there).
    File,
    /// A JSON object with arbitrary members.
    Object,
    Array(Box<Type>),
    /// A JSON object whose member values have this type.
    Map(Box<Type>),
    /// A value that may be JSON `null` (inside arrays and maps).
    Nullable(Box<Type>),
    Named(String),
}

impl Type {
    /// The type inside any arrays, maps and nullability: what the value holds.
    pub fn innermost(&self) -> &Type {
        match self {
            Type::Array(inner) | Type::Map(inner) | Type::Nullable(inner) => inner.innermost(),
            other => other,
        }
    }

    /// The named type a value holds, at any depth of arrays, maps and nullability.
    pub fn named(&self) -> Option<&str> {
        match self.innermost() {
            Type::Named(name) => Some(name),
            _ => None,
        }
    }

    /// The named type a value holds without a heap indirection (through
    /// nullability only): the edges along which a type can contain itself.
    pub fn held_inline(&self) -> Option<&str> {
        match self {
            Type::Named(name) => Some(name),
            Type::Nullable(inner) => inner.held_inline(),
            _ => None,
        }
    }
}

/// A type as a reader of a message or change report knows it: `array of string`.
impl std::fmt::Display for Type {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Type::String => f.write_str("string"),
            Type::Integer(format) => write!(f, "integer ({})", format!("{format:?}").to_lowercase()),
            Type::Number(format) => write!(f, "number ({})", format!("{format:?}").to_lowercase()),
            Type::Boolean => f.write_str("boolean"),
            Type::DateTime => f.write_str("date-time"),
            Type::Any => f.write_str("any"),
            Type::Text => f.write_str("text"),
            Type::Bytes | Type::ByteStream => f.write_str("bytes"),
            Type::File => f.write_str("file"),
            Type::Object => f.write_str("object"),
            Type::Array(t) => write!(f, "array of {t}"),
            Type::Map(t) => write!(f, "map of {t}"),
            Type::Nullable(t) => write!(f, "nullable {t}"),
            Type::Named(n) => f.write_str(n),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IntFormat {
    I32,
    I64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FloatFormat {
    F32,
    F64,
}

/// Documentation and constraints, rendered into rustdoc and compared by `diff`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Doc {
    pub summary: Option<String>,
    pub description: Option<String>,
    pub constraints: Constraints,
    pub default: Option<serde_json::Value>,
    pub example: Option<serde_json::Value>,
    pub deprecated: bool,
    /// For string formats the Rust type does not capture (`uuid`, `date`, `password`).
    pub format: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Constraints {
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub exclusive_minimum: bool,
    pub exclusive_maximum: bool,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub pattern: Option<String>,
    pub min_items: Option<usize>,
    pub max_items: Option<usize>,
    /// Allowed values of a type that is not a generated enum (integers, inline).
    pub allowed: Vec<serde_json::Value>,
}

impl Constraints {
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    pub name: String,
    pub doc: Doc,
    pub kind: TypeKind,
    /// Where the schema is (`#/components/schemas/X` or an inline location).
    pub pointer: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    Struct {
        fields: Vec<Field>,
        /// Type of members beyond the named ones (`additionalProperties`).
        additional: Option<Type>,
        /// `additionalProperties: false`: unknown members are an error.
        closed: bool,
        /// The struct of the members a value must be given (required and not
        /// nullable), which `new` takes so each is named at the call site;
        /// `None` when there are none.
        required: Option<String>,
    },
    /// A string enum; unknown values are kept, not rejected, in the variant
    /// `fallback` (`Unknown`, or another name when a documented value is `Unknown`).
    Enum { values: Vec<EnumValue>, fallback: String },
    /// `oneOf` / `anyOf`: exactly one of the variants.
    Union { variants: Vec<UnionVariant>, discriminator: Option<String> },
    /// Another name for a type.
    Alias(Type),
}

impl TypeKind {
    pub fn is_struct(&self) -> bool {
        matches!(self, TypeKind::Struct { .. })
    }

    /// The types of the definition's fields, variants or alias target: the
    /// edges of the type graph every whole-service pass walks.
    pub fn member_types(&self) -> Vec<&Type> {
        match self {
            TypeKind::Struct { fields, .. } => fields.iter().map(|f| &f.ty).collect(),
            TypeKind::Union { variants, .. } => variants.iter().map(|v| &v.ty).collect(),
            TypeKind::Alias(target) => vec![target],
            TypeKind::Enum { .. } => Vec::new(),
        }
    }

    /// Every type the definition holds, additional members included, to edit.
    pub fn types_mut(&mut self) -> Vec<&mut Type> {
        match self {
            TypeKind::Struct { fields, additional, .. } => {
                fields.iter_mut().map(|f| &mut f.ty).chain(additional.as_mut()).collect()
            }
            TypeKind::Union { variants, .. } => variants.iter_mut().map(|v| &mut v.ty).collect(),
            TypeKind::Alias(target) => vec![target],
            TypeKind::Enum { .. } => Vec::new(),
        }
    }

    /// The type of members beyond the named ones, held in a map.
    pub fn additional(&self) -> Option<&Type> {
        match self {
            TypeKind::Struct { additional, .. } => additional.as_ref(),
            _ => None,
        }
    }
}

impl TypeDef {
    /// Named types the definition refers to, additional members included.
    pub fn references(&self) -> std::collections::BTreeSet<&str> {
        self.kind.member_types().into_iter().chain(self.kind.additional()).filter_map(Type::named).collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EnumValue {
    pub value: String,
    pub rust_name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnionVariant {
    pub rust_name: String,
    pub ty: Type,
    /// Discriminator value selecting this variant, if any.
    pub tag: Option<String>,
    /// No other variant has the same Rust type once aliases are resolved, so a
    /// `From` impl for this variant cannot overlap another.
    pub distinct: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Name on the wire.
    pub name: String,
    pub rust_name: String,
    pub ty: Type,
    pub required: bool,
    pub nullable: bool,
    pub doc: Doc,
    /// Needs a `Box` to break a cycle of directly nested types.
    pub boxed: bool,
}

impl Field {
    /// Whether the Rust field is an `Option` (absent or null allowed).
    pub fn is_optional(&self) -> bool {
        !self.required || self.nullable
    }

    /// How a value of the struct reaches this field.
    pub fn member(&self) -> Member {
        Member { rust_name: self.rust_name.clone(), optional: self.is_optional() }
    }
}

/// A struct member reached from a value of its type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub rust_name: String,
    /// The Rust field is an `Option`.
    pub optional: bool,
}
