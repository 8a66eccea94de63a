//! Client configuration shared by every generated crate.

use std::time::Duration;

use crate::auth::signer::Auth;
use crate::retry::RetryPolicy;

/// Where and how a client talks to a service.
///
/// Build one with [`Config::new`] and adjust it with the `with_*` methods; every
/// setting has a default that suits interactive and batch use alike.
///
/// # Redirects
///
/// Redirects are never followed. Following one would send the credentials of
/// every request (`X-Auth-Token`, `Authorization`, an API key header, the
/// `Scp-AccessKey` and `Scp-Signature` headers) and, after a 307 or 308, the
/// request body to whatever host `Location` names, possibly over plain HTTP. A
/// 3xx answer is returned as [`Error::Api`](crate::Error::Api) with its status;
/// its headers hold `Location` for a caller who decides to trust it. The
/// identity-service providers ([`NhnIdentity`](crate::nhncloud::NhnIdentity),
/// [`KakaoCloudIam`](crate::kakaocloud::KakaoCloudIam)) likewise do not follow
/// redirects when posting credentials.
///
/// This holds for the HTTP clients the runtime builds. A client passed to
/// [`with_http_client`](Config::with_http_client) keeps its own redirect policy;
/// build it with `.redirect(reqwest::redirect::Policy::none())`.
#[derive(Clone, Debug)]
pub struct Config {
    pub(crate) base_url: String,
    pub(crate) auth: Auth,
    pub(crate) accept_language: String,
    pub(crate) retry: RetryPolicy,
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) max_response_bytes: usize,
    pub(crate) user_agent: Option<String>,
    pub(crate) http: Option<reqwest::Client>,
    pub(crate) validate_requests: bool,
}

impl Config {
    /// A configuration for the service at `base_url` (scheme and host, optionally a
    /// path prefix; a trailing `/` is ignored).
    pub fn new(base_url: impl Into<String>, auth: impl Into<Auth>) -> Self {
        Config {
            base_url: base_url.into().trim_end_matches('/').to_owned(),
            auth: auth.into(),
            accept_language: "en-US".to_owned(),
            retry: RetryPolicy::default(),
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            max_response_bytes: 32 * 1024 * 1024,
            user_agent: None,
            http: None,
            validate_requests: true,
        }
    }

    /// The `Accept-Language` header sent to SCP (`en-US` by default, or `ko-KR`).
    pub fn with_accept_language(mut self, language: impl Into<String>) -> Self {
        self.accept_language = language.into();
        self
    }

    /// Retry policy for transient failures.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Timeout of one attempt, from sending to the end of the body (60 s by default).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Timeout for establishing a connection (10 s by default).
    pub fn with_connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Largest response body read into memory (32 MiB by default).
    pub fn with_max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Appends a product token to the `User-Agent` header.
    pub fn with_user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Uses a caller-built reqwest client (proxies, custom roots); the timeouts of
    /// this configuration then apply per request only.
    ///
    /// The client's own redirect policy applies, and reqwest's default follows
    /// redirects to other hosts with the credential headers (see
    /// [Redirects](Config#redirects)): build it with
    /// `.redirect(reqwest::redirect::Policy::none())`.
    pub fn with_http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Whether generated clients check documented bounds before sending (on by
    /// default; turn off where the docs' bounds are wrong).
    pub fn with_request_validation(mut self, validate: bool) -> Self {
        self.validate_requests = validate;
        self
    }

    /// Whether requests are checked against documented bounds before sending.
    pub fn validates_requests(&self) -> bool {
        self.validate_requests
    }

    /// The base URL requests are sent to.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The largest response body read into memory.
    pub fn max_response_bytes(&self) -> usize {
        self.max_response_bytes
    }
}
