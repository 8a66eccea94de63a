//! The intermediate representation: one service version, normalized.
//!
//! Every `$ref` is resolved, every inline schema that needs a Rust type has a
//! deterministic name, and names are already Rust identifiers. `emit` and `diff`
//! read only this; neither looks at YAML.

mod lower;

use std::collections::BTreeMap;

pub use lower::lower;

/// One version of one service.
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    /// The spec file, as shown in headers and messages.
    pub spec_path: String,
    pub title: String,
    pub description: Option<String>,
    /// `info.version`.
    pub version: String,
    /// `Scp-Api-Version` header value (SCP only).
    pub scp_api_version: Option<String>,
    /// The docs' state of this version (`CURRENT`, `SUPPORTED`, `DEPRECATED`).
    pub version_status: Option<String>,
    /// Last supported date, `YYYY-MM-DD`.
    pub supported_until: Option<String>,
    pub auth: Auth,
    /// `servers`, the first being the default.
    pub servers: Vec<Server>,
    /// Parameters set once on the client (`x-client-parameter`).
    pub client_params: Vec<Param>,
    /// Sorted by name.
    pub operations: Vec<Operation>,
    /// Named types by Rust name.
    pub types: BTreeMap<String, TypeDef>,
}

/// How requests are authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    None,
    /// SCP HMAC request signing.
    ScpSignature,
    /// An `X-Auth-Token` header; `issuer` names the identity API (`x-auth`).
    Token {
        issuer: Option<String>,
    },
    /// `Authorization: Bearer`.
    Bearer,
    /// A key in a header.
    ApiKeyHeader {
        name: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Server {
    pub url: String,
    pub description: Option<String>,
    pub variables: Vec<ServerVariable>,
    /// Valid assignments of the variables (`x-variable-combinations`); empty = any.
    pub combinations: Vec<BTreeMap<String, String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServerVariable {
    pub name: String,
    pub rust_name: String,
    pub default: String,
    pub values: Vec<EnumValue>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// Rust method name (snake case of the operationId).
    pub name: String,
    /// The spec's operationId, or the derived name when it has none.
    pub operation_id: String,
    /// Upper-case HTTP method.
    pub method: String,
    /// Path template, e.g. `/v1/clusters/{cluster_id}`.
    pub path: String,
    pub doc: Doc,
    pub deprecated: bool,
    /// Path, query and header parameters, in spec order (client parameters excluded).
    pub params: Vec<Param>,
    pub body: Option<Body>,
    /// Documented responses, by status (`200`, `2XX`, `default`).
    pub responses: Vec<ResponseDef>,
    pub pagination: Option<Pagination>,
    /// Answers 202 with a request id to poll (`x-async-request`).
    pub async_request: bool,
    /// One convenience method per documented body (`x-body-variants`).
    pub body_variants: Vec<BodyVariant>,
    /// A method polling this operation until a state is reached (`x-waiter`).
    pub waiter: Option<Waiter>,
    /// JSON pointer of the operation, for messages.
    pub pointer: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Name on the wire.
    pub name: String,
    pub rust_name: String,
    pub location: ParamLocation,
    pub required: bool,
    pub ty: Type,
    pub doc: Doc,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    pub ty: Type,
    pub required: bool,
    pub doc: Doc,
    /// The media type's examples (`example`, then each of `examples`).
    pub examples: Vec<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResponseDef {
    pub status: String,
    pub description: String,
    /// `None`: no JSON body.
    pub ty: Option<Type>,
    /// Documented response headers: name and description.
    pub headers: Vec<(String, Option<String>)>,
    /// The media type's examples (`example`, then each of `examples`).
    pub examples: Vec<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pagination {
    /// SCP: `page` and `size` query parameters, items in a response field.
    Page { page: String, size: String, items: String },
    /// OpenStack: `limit` and `marker`, the next marker read from the last item.
    Marker { limit: String, marker: String, items: String, cursor: String },
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Waiter {
    /// Name of the generated method.
    pub method: String,
    /// JSON pointer of the state member in the response body.
    pub state: String,
    /// States that end the wait with an error.
    #[serde(default)]
    pub failure: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BodyVariant {
    /// Rust type of the variant (a named type of the body's union).
    pub type_name: String,
    /// Variant name inside the body union.
    pub variant: String,
    pub method: String,
    pub summary: Option<String>,
}

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
    /// A JSON object with arbitrary members.
    Object,
    Array(Box<Type>),
    /// A JSON object whose member values have this type.
    Map(Box<Type>),
    /// A value that may be JSON `null` (inside arrays and maps).
    Nullable(Box<Type>),
    Named(String),
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
    },
    /// A string enum; unknown values are kept, not rejected.
    Enum { values: Vec<EnumValue> },
    /// `oneOf` / `anyOf`: exactly one of the variants.
    Union { variants: Vec<UnionVariant>, discriminator: Option<String> },
    /// Another name for a type.
    Alias(Type),
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
}
