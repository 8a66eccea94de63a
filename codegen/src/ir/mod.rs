//! The intermediate representation: one service version, normalized.
//!
//! Every `$ref` is resolved, every inline schema that needs a Rust type has a
//! deterministic name, and names are already Rust identifiers. Every fact the
//! extensions and responses imply (the success shape, the pagination members,
//! the waiter's path, the parsed path template) is resolved here, once, or
//! refused by `lower` with a pointer. `emit` and `diff` read only this; neither
//! looks at YAML nor rediscovers a fact by walking struct members.

mod types;

use std::collections::BTreeMap;

pub use types::*;

pub use crate::vendor::Vendor;
use crate::vendor::{self, Conventions};

/// One version of one service.
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    /// The spec file, as shown in headers and messages.
    pub spec_path: String,
    pub title: String,
    pub description: Option<String>,
    /// `info.version`.
    pub version: String,
    /// The API version header value the auth scheme sends (SCP: `x-cloudsdk-scp-api-version`).
    pub api_version: Option<String>,
    /// The docs' state of this version (`CURRENT`, `SUPPORTED`, `DEPRECATED`).
    pub version_status: Option<String>,
    /// Last supported date, `YYYY-MM-DD`.
    pub supported_until: Option<String>,
    /// The scheme of the client's credentials (`Config::new`).
    pub auth: Auth,
    /// Its name under `components.securitySchemes`.
    pub security_scheme: Option<String>,
    /// The other schemes some operations name (`Config::with_auth_for`).
    pub other_schemes: Vec<NamedScheme>,
    /// `servers`, the first being the default.
    pub servers: Vec<Server>,
    /// Parameters set once on the client (`x-cloudsdk-client-parameter`).
    pub client_params: Vec<Param>,
    /// Sorted by name.
    pub operations: Vec<Operation>,
    /// Named types by Rust name.
    pub types: BTreeMap<String, TypeDef>,
    /// How the `x-cloudsdk-async-request` operations' request ids are polled, when any.
    pub request_waiter: Option<RequestWaiter>,
}

/// A security scheme by its name under `components.securitySchemes`.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedScheme {
    pub name: String,
    pub auth: Auth,
}

/// The credentials an operation is sent with.
#[derive(Debug, Clone, PartialEq)]
pub enum OperationSecurity {
    /// The client's (`Config::new`).
    Client,
    /// None (`security: []`: a login, a health check).
    Anonymous,
    /// The first of these sets of schemes with credentials; an empty set
    /// means none are needed.
    Alternatives(Vec<Vec<String>>),
}

/// How requests are authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    None,
    /// A cloud's own scheme, named by `x-cloudsdk-auth` (see `crate::vendor`).
    Vendor(Vendor),
    /// An `X-Auth-Token` header from a token provider.
    Token,
    /// `Authorization: Bearer`.
    Bearer,
    /// A key in a header.
    ApiKeyHeader {
        name: String,
    },
    /// A key in a cookie.
    ApiKeyCookie {
        name: String,
    },
    /// A key in a query parameter.
    ApiKeyQuery {
        name: String,
    },
    /// `Authorization: Basic`.
    Basic,
    /// OAuth 2 or OpenID Connect: an access token as a bearer token.
    OAuth2,
}

impl Auth {
    /// The header, cookie or query parameter an API key goes in.
    pub fn key_name(&self) -> Option<&str> {
        match self {
            Auth::ApiKeyHeader { name } | Auth::ApiKeyCookie { name } | Auth::ApiKeyQuery { name } => Some(name),
            _ => None,
        }
    }

    /// What the generator knows of the scheme: its docs, examples, transport
    /// headers and asynchronous requests.
    pub fn conventions(&self) -> &'static Conventions {
        match self {
            Auth::Vendor(vendor) => vendor.conventions(),
            Auth::Token => &vendor::TOKEN,
            Auth::Bearer => &vendor::BEARER,
            Auth::ApiKeyHeader { .. } => &vendor::API_KEY,
            Auth::ApiKeyCookie { .. } => &vendor::API_KEY_COOKIE,
            Auth::ApiKeyQuery { .. } => &vendor::API_KEY_QUERY,
            Auth::Basic => &vendor::BASIC,
            Auth::OAuth2 => &vendor::OAUTH2,
            Auth::None => &vendor::NONE,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Server {
    pub url: String,
    pub description: Option<String>,
    pub variables: Vec<ServerVariable>,
    /// Valid assignments of the variables (`x-cloudsdk-variable-combinations`); empty = any.
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
    pub method: Method,
    /// Path template, e.g. `/v1/clusters/{cluster_id}`, with its parameters resolved.
    pub path: PathTemplate,
    pub doc: Doc,
    pub deprecated: bool,
    /// Path, query and header parameters, in spec order (client parameters excluded).
    pub params: Vec<Param>,
    pub body: Option<Body>,
    /// Documented responses, by status (`200`, `2XX`, `default`).
    pub responses: Vec<ResponseDef>,
    /// What a successful call returns, decided once from `responses`.
    pub success: Success,
    /// The `Accept` header asked for, when a success response is not JSON
    /// (text or bytes): its media type.
    pub accept: Option<String>,
    pub pagination: Option<Pagination>,
    /// Answers 202 with a request id to poll (`x-cloudsdk-async-request`).
    pub async_request: bool,
    pub security: OperationSecurity,
    /// One convenience method per documented body (`x-cloudsdk-body-variants`).
    pub body_variants: Vec<BodyVariant>,
    /// A method polling this operation until a state is reached (`x-cloudsdk-waiter`).
    pub waiter: Option<Waiter>,
    /// JSON pointer of the operation, for messages.
    pub pointer: String,
}

/// An HTTP method of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl Method {
    /// The method of an OpenAPI path item key (`get`, `post`, …).
    pub fn from_key(key: &str) -> Option<Method> {
        Some(match key {
            "get" => Method::Get,
            "put" => Method::Put,
            "post" => Method::Post,
            "delete" => Method::Delete,
            "options" => Method::Options,
            "head" => Method::Head,
            "patch" => Method::Patch,
            "trace" => Method::Trace,
            _ => return None,
        })
    }

    /// Upper case, as on the wire and as `http::Method`'s constants are named.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The status a documented response is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// One status, e.g. `200`.
    Code(u16),
    /// A class, e.g. `2XX` is `Range(2)`.
    Range(u16),
    /// `default`: any status not documented otherwise.
    Default,
}

impl Status {
    /// A documented 2xx status or class.
    pub fn is_success(self) -> bool {
        match self {
            Status::Code(code) => (200..300).contains(&code),
            Status::Range(class) => class == 2,
            Status::Default => false,
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Status::Code(code) => write!(f, "{code}"),
            Status::Range(class) => write!(f, "{class}XX"),
            Status::Default => f.write_str("default"),
        }
    }
}

/// A path template split into literal text and parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct PathTemplate {
    pub segments: Vec<PathSegment>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PathSegment {
    /// Text sent as written.
    Literal(String),
    /// A `{name}` placeholder, percent-encoded from a parameter.
    Param {
        /// Name on the wire (in the template).
        name: String,
        rust_name: String,
        ty: Type,
        /// Set once on the client (`x-cloudsdk-client-parameter`) rather than per call.
        from_client: bool,
        /// `label`, `matrix`, or an array or object in `simple`.
        style: Option<ParamStyle>,
    },
}

impl std::fmt::Display for PathTemplate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for segment in &self.segments {
            match segment {
                PathSegment::Literal(text) => f.write_str(text)?,
                PathSegment::Param { name, .. } => write!(f, "{{{name}}}")?,
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
    Cookie,
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
    /// How the value is written when not plainly (a scalar as its text, a
    /// query array as the name repeated): objects, and arrays in another
    /// style (`?ids=a,b`, `/items/.a.b`).
    pub style: Option<ParamStyle>,
    /// Described by a JSON `content`: the value is sent as JSON text.
    pub json: bool,
}

/// An OpenAPI parameter `style` with its `explode` (`rt::Style` at run time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamStyle {
    pub style: Style,
    pub explode: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Simple,
    Label,
    Matrix,
    Form,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    /// [`Type::Text`] or [`Type::Bytes`] for those media, the schema's type otherwise.
    pub ty: Type,
    pub media: BodyMedia,
    /// The `Content-Type` sent: the chosen media type of the description.
    pub content_type: String,
    /// The other media types the description offers, for the docs.
    pub other_media_types: Vec<String>,
    pub required: bool,
    pub doc: Doc,
    /// The media type's examples (`example`, then each of `examples`).
    pub examples: Vec<serde_json::Value>,
}

/// How a request body is written: of the media types an operation offers,
/// JSON is preferred, otherwise the first one listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyMedia {
    Json,
    /// `text/*` and XML: a `String` sent as it is.
    Text,
    /// Any other media type: bytes sent as they are.
    Binary,
    /// `application/x-www-form-urlencoded`: the members of a struct.
    Form,
    /// `multipart/form-data`: one part per member of a struct, files as [`Type::File`].
    Multipart,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResponseDef {
    pub status: Status,
    pub description: String,
    /// `None`: no body; [`Type::Text`] or [`Type::Bytes`] for a body that is
    /// not JSON.
    pub ty: Option<Type>,
    /// The media type of the body, of those the description offers (JSON preferred).
    pub content_type: Option<String>,
    /// Documented response headers: name and description.
    pub headers: Vec<(String, Option<String>)>,
    /// The media type's examples (`example`, then each of `examples`).
    pub examples: Vec<serde_json::Value>,
}

/// What a successful call returns: the documented 2xx responses, or `default`
/// when there is none.
#[derive(Debug, Clone, PartialEq)]
pub enum Success {
    /// No success response has a body.
    Empty,
    /// Every success response has this body.
    Body(Type),
    /// Some success responses have this body, others none (a 204, say).
    BodyOrEmpty(Type),
    /// Success statuses carry different bodies: decoded by status into an enum.
    ByStatus(Vec<StatusBody>),
}

impl Success {
    /// The one body type every success response has, if there is one.
    pub fn body(&self) -> Option<&Type> {
        match self {
            Success::Body(ty) => Some(ty),
            _ => None,
        }
    }
}

/// One success response of a [`Success::ByStatus`] operation.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusBody {
    pub status: Status,
    pub description: String,
    pub ty: Option<Type>,
}

/// `x-cloudsdk-pagination`, resolved against the operation's parameters and success body.
#[derive(Debug, Clone, PartialEq)]
pub struct Pagination {
    pub style: PageStyle,
    /// The success body's member holding a page's items.
    pub items: Member,
    /// The type of one item.
    pub item: Type,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PageStyle {
    /// SCP: `page` and `size` query parameters.
    Page { page: PageParam, size: PageParam },
    /// OpenStack: `limit` and `marker`, the next marker read from the last item.
    Marker { limit: PageParam, marker: PageParam, cursor: Cursor },
}

/// A query parameter that pagination sets.
#[derive(Debug, Clone, PartialEq)]
pub struct PageParam {
    pub rust_name: String,
    pub required: bool,
    pub ty: Type,
}

/// The member of an item that is the next page's marker.
#[derive(Debug, Clone, PartialEq)]
pub struct Cursor {
    pub member: Member,
    pub ty: Type,
}

/// `x-cloudsdk-waiter`: methods polling the operation until a state member reaches a
/// target, and (`deleted`) until the resource is gone.
#[derive(Debug, Clone, PartialEq)]
pub struct Waiter {
    /// Name of the generated method waiting for a state the caller names.
    pub method: String,
    /// JSON pointer of the state member in the response body, for docs and
    /// messages; a `*` segment stands for every item of an array.
    pub pointer: String,
    /// The steps leading from the success body to the state.
    pub path: Vec<StateStep>,
    pub state: StateType,
    /// States that end the wait with an error.
    pub failure: Vec<String>,
    /// The method waiting for deletion, if the spec names one.
    pub deleted: Option<DeletionWaiter>,
}

/// One step from a response body to a waiter's state.
#[derive(Debug, Clone, PartialEq)]
pub enum StateStep {
    /// A struct member.
    Member(Member),
    /// Every item of an array: the wait is over when all items are.
    Each,
}

/// `x-cloudsdk-waiter`'s `deleted`: a method polling until the read answers 404 or the
/// state is one of `states`.
#[derive(Debug, Clone, PartialEq)]
pub struct DeletionWaiter {
    pub method: String,
    /// States that mean the resource is deleted (besides a 404).
    pub states: Vec<String>,
}

/// The type of a waiter's state member.
#[derive(Debug, Clone, PartialEq)]
pub enum StateType {
    /// A plain string.
    Text,
    /// A generated enum: targets are typed.
    Enum(String),
}

/// `wait_for_request`: polls the service's request-status operation until an
/// `x-cloudsdk-async-request` operation's request id has finished (see `crate::vendor`).
#[derive(Debug, Clone, PartialEq)]
pub struct RequestWaiter {
    /// The operation reporting on a request id (SCP: `show_request`).
    pub operation: String,
    /// Its success body.
    pub body: Type,
    /// The body's member holding the request's state (Rust name).
    pub state: String,
    /// The runtime function (path under `rt`) classifying a state.
    pub classifier: &'static [&'static str],
}

#[derive(Debug, Clone, PartialEq)]
pub struct BodyVariant {
    /// The request body's union type.
    pub union: String,
    /// Rust type of the variant (a named type of the body's union).
    pub type_name: String,
    /// Variant name inside the body union.
    pub variant: String,
    pub method: String,
    pub summary: Option<String>,
    /// The variant's constructor needs no arguments, so the method takes none.
    pub empty: bool,
}
