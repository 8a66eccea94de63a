//! What the generator knows about each cloud, in one file per cloud: the `x-cloudsdk-auth`
//! value that names its scheme, the headers its runtime signer sends, the words
//! docs and examples use for it, and the contract of its asynchronous requests.
//!
//! Generic code asks `ir::Auth::conventions` and never names a cloud. A fourth
//! cloud is one more file here, one more [`Vendor`] variant, and its runtime
//! module (`runtime/src/vendor/`). This module depends on nothing else of the
//! generator, so every step can read it.

mod kakaocloud;
mod nhncloud;
mod scp;

/// A cloud whose conventions the generator knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vendor {
    /// Samsung SDS Cloud Platform: HMAC request signing.
    Scp,
    /// KakaoCloud: `X-Auth-Token` from IAM application credentials.
    KakaoCloud,
    /// NHN Cloud: `X-Auth-Token` from NHN Cloud Identity.
    NhnCloud,
}

/// One authentication scheme's conventions.
pub struct Conventions {
    /// The `x-cloudsdk-auth` value of the security scheme naming this cloud's scheme.
    pub x_auth: Option<&'static str>,
    /// The `Client` doc's note on how requests are authenticated.
    pub auth_note: &'static str,
    /// The README's line on authentication (empty: none).
    pub readme_auth: &'static str,
    /// The crate example's `Auth` expression, relative to the crate root.
    pub example_auth: &'static str,
    /// What the crate example imports from the crate root besides `Client` and `Endpoint`.
    pub example_imports: &'static str,
    /// The runtime's credential types for this cloud (paths from the runtime
    /// root), which the crate's `prelude` re-exports.
    pub credentials: &'static [&'static str],
    /// The `Auth` expression of conformance tests against a mock, relative to the crate root.
    pub test_auth: &'static str,
    /// Headers the runtime sends itself (lower case): a spec that lists them as
    /// parameters describes transport, not an argument.
    pub transport_headers: &'static [&'static str],
    /// How the cloud's asynchronous requests are polled, if it has them.
    pub async_requests: Option<AsyncRequests>,
    /// The `info` extension giving the API version header value, if the cloud sends one.
    pub api_version_extension: Option<&'static str>,
    /// The path (from the runtime, `rt`) of the `WaitConfig` constant its
    /// waiters start from: at least the budget of the cloud's own tools.
    pub wait_budget: &'static [&'static str],
    /// `Client::from_env()`, set up the way the cloud's own tools are.
    pub from_env: Option<FromEnv>,
}

/// A generated `Client::from_env()`: credentials, region and endpoint found
/// by the cloud's runtime module.
pub struct FromEnv {
    /// The method's docs (Markdown, one paragraph per line).
    pub doc: &'static [&'static str],
    /// Its body, Rust source naming `rt`, `Self`, `Endpoint`, the server
    /// variable enums in `needs` and `SERVICE` (the crate's `ServiceInfo`).
    pub body: &'static str,
    /// The server variable enums (Rust names) the body names: without them
    /// (a spec with other servers) there is no `from_env`.
    pub needs: &'static [&'static str],
}

/// A cloud's contract for `x-cloudsdk-async-request` operations: they answer with a
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

impl Vendor {
    /// The cloud whose scheme `x-cloudsdk-auth` names.
    pub fn from_x_auth(value: &str) -> Option<Vendor> {
        [Vendor::Scp, Vendor::KakaoCloud, Vendor::NhnCloud].into_iter().find(|v| v.conventions().x_auth == Some(value))
    }

    pub fn conventions(self) -> &'static Conventions {
        match self {
            Vendor::Scp => &scp::CONVENTIONS,
            Vendor::KakaoCloud => &kakaocloud::CONVENTIONS,
            Vendor::NhnCloud => &nhncloud::CONVENTIONS,
        }
    }
}

impl Conventions {
    /// Whether the runtime sends header `name` itself under this scheme.
    pub fn sends_header(&self, name: &str) -> bool {
        TRANSPORT_HEADERS.iter().chain(self.transport_headers).any(|t| t.eq_ignore_ascii_case(name))
    }
}

/// Headers every scheme's runtime sends.
const TRANSPORT_HEADERS: &[&str] = &["accept", "content-type", "authorization", "x-auth-token"];

pub const TOKEN: Conventions = Conventions {
    x_auth: None,
    auth_note: "Requests carry an `X-Auth-Token` from the configured token provider.",
    readme_auth:
        "Authentication: `X-Auth-Token`, static or obtained and refreshed by the runtime's identity providers.\n",
    example_auth: "Auth::static_token(std::env::var(\"API_TOKEN\").unwrap_or_default())",
    example_imports: "Auth",
    credentials: &[],
    test_auth: "Auth::static_token(\"conformance-token\")",
    transport_headers: &[],
    async_requests: None,
    api_version_extension: None,
    wait_budget: &["wait", "DEFAULT"],
    from_env: None,
};

pub const BEARER: Conventions = Conventions {
    auth_note: "Requests carry a bearer token from the configured token provider.",
    readme_auth: "",
    example_auth: "Auth::static_bearer(std::env::var(\"API_TOKEN\").unwrap_or_default())",
    test_auth: "Auth::static_bearer(\"conformance-token\")",
    ..TOKEN
};

/// OAuth 2 and OpenID Connect: the caller obtains the access token (any
/// flow) and supplies it as a bearer token provider.
pub const OAUTH2: Conventions = Conventions {
    auth_note: "Requests carry an OAuth 2 access token as a bearer token: obtain it with the flow the service documents and supply it through `Auth::bearer` (a provider that refreshes it) or `Auth::static_bearer`.",
    ..BEARER
};

pub const BASIC: Conventions = Conventions {
    auth_note: "Requests carry HTTP basic credentials: `Auth::basic(user, password)`.",
    readme_auth: "",
    example_auth: "Auth::basic(\"user\", std::env::var(\"API_PASSWORD\").unwrap_or_default())?",
    test_auth: "Auth::basic(\"conformance-user\", \"conformance-password\").unwrap()",
    ..TOKEN
};

pub const API_KEY_COOKIE: Conventions = Conventions {
    auth_note: "Requests carry an API key cookie: `Auth::api_key_cookie(name, key)`.",
    readme_auth: "",
    example_auth: "Auth::api_key_cookie(\"session\", std::env::var(\"API_KEY\").unwrap_or_default())?",
    test_auth: "Auth::api_key_cookie(\"session\", \"conformance-key\").unwrap()",
    ..TOKEN
};

pub const API_KEY_QUERY: Conventions = Conventions {
    auth_note: "Requests carry an API key query parameter: `Auth::api_key_query(name, key)`; traces and errors show URLs without it.",
    readme_auth: "",
    example_auth: "Auth::api_key_query(\"api_key\", std::env::var(\"API_KEY\").unwrap_or_default())?",
    test_auth: "Auth::api_key_query(\"api_key\", \"conformance-key\").unwrap()",
    ..TOKEN
};

pub const API_KEY: Conventions = Conventions {
    auth_note: "Requests carry an API key header from the configured provider.",
    readme_auth: "",
    ..TOKEN
};

pub const NONE: Conventions =
    Conventions { auth_note: "The service documents no authentication.", readme_auth: "", ..TOKEN };
