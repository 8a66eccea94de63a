//! What the generator knows about each cloud, in one file per cloud: the `x-auth`
//! value that names its scheme, the headers its runtime signer sends, the words
//! docs and examples use for it, and the contract of its asynchronous requests.
//!
//! Generic code asks [`conventions`] and never names a cloud. A fourth cloud is
//! one more file here, one more [`Vendor`] variant, and its runtime module
//! (`runtime/src/vendor/`).

mod kakaocloud;
mod nhncloud;
mod scp;

use crate::ir::{Auth, Vendor};

/// One authentication scheme's conventions.
pub struct Conventions {
    /// The `Client` doc's note on how requests are authenticated.
    pub auth_note: &'static str,
    /// The README's line on authentication (empty: none).
    pub readme_auth: &'static str,
    /// The crate example's `Auth` expression, relative to the crate root.
    pub example_auth: &'static str,
    /// What the crate example imports from the crate root besides `Client` and `Endpoint`.
    pub example_imports: &'static str,
    /// The `Auth` expression of conformance tests against a mock, relative to the crate root.
    pub test_auth: &'static str,
    /// Headers the runtime sends itself (lower case): a spec that lists them as
    /// parameters describes transport, not an argument.
    pub transport_headers: &'static [&'static str],
    /// How the cloud's asynchronous requests are polled, if it has them.
    pub async_requests: Option<AsyncRequests>,
}

/// A cloud's contract for `x-async-request` operations: they answer with a
/// request id, and one operation reports the request's state.
pub struct AsyncRequests {
    /// The operation (Rust method name) that reports on a request id, its only argument.
    pub status_operation: &'static str,
    /// The required string member of its success body holding the state.
    pub state_member: &'static str,
    /// The path (from the runtime, `rt`) of the function classifying a state
    /// as done, failed or pending.
    pub classifier: &'static [&'static str],
}

/// The cloud whose scheme `x-auth` names.
pub fn from_x_auth(value: &str) -> Option<Vendor> {
    [Vendor::Scp, Vendor::KakaoCloud, Vendor::NhnCloud].into_iter().find(|v| v.x_auth() == value)
}

impl Vendor {
    /// The `x-auth` value of the security scheme.
    pub fn x_auth(self) -> &'static str {
        match self {
            Vendor::Scp => scp::X_AUTH,
            Vendor::KakaoCloud => kakaocloud::X_AUTH,
            Vendor::NhnCloud => nhncloud::X_AUTH,
        }
    }
}

/// The conventions of a service's authentication scheme.
pub fn conventions(auth: &Auth) -> &'static Conventions {
    match auth {
        Auth::Vendor(Vendor::Scp) => &scp::CONVENTIONS,
        Auth::Vendor(Vendor::KakaoCloud) => &kakaocloud::CONVENTIONS,
        Auth::Vendor(Vendor::NhnCloud) => &nhncloud::CONVENTIONS,
        Auth::Token => &TOKEN,
        Auth::Bearer => &BEARER,
        Auth::ApiKeyHeader { .. } => &API_KEY,
        Auth::None => &NONE,
    }
}

/// Headers every scheme's runtime sends.
const TRANSPORT_HEADERS: &[&str] = &["accept", "content-type", "authorization", "x-auth-token"];

/// Whether the runtime sends header `name` itself under `auth`.
pub fn is_transport_header(auth: &Auth, name: &str) -> bool {
    TRANSPORT_HEADERS.iter().chain(conventions(auth).transport_headers).any(|t| t.eq_ignore_ascii_case(name))
}

const STATIC_TOKEN_EXAMPLE: &str = "Auth::static_token(std::env::var(\"API_TOKEN\").unwrap_or_default())";
const STATIC_TOKEN_TEST: &str = "Auth::static_token(\"conformance-token\")";

const TOKEN: Conventions = Conventions {
    auth_note: "Requests carry an `X-Auth-Token` from the configured token provider.",
    readme_auth: "Authentication: `X-Auth-Token`, static or obtained and refreshed by the runtime's identity providers.\n",
    example_auth: STATIC_TOKEN_EXAMPLE,
    example_imports: "Auth",
    test_auth: STATIC_TOKEN_TEST,
    transport_headers: &[],
    async_requests: None,
};

const BEARER: Conventions = Conventions {
    auth_note: "Requests carry a bearer token from the configured token provider.",
    readme_auth: "",
    ..TOKEN
};

const API_KEY: Conventions = Conventions {
    auth_note: "Requests carry an API key header from the configured provider.",
    readme_auth: "",
    ..TOKEN
};

const NONE: Conventions =
    Conventions { auth_note: "The service documents no authentication.", readme_auth: "", ..TOKEN };
