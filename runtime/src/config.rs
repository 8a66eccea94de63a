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
    /// Credentials by security scheme name, for operations whose description
    /// names a scheme other than the one `auth` is for.
    pub(crate) schemes: Vec<(String, Auth)>,
    pub(crate) accept_language: String,
    pub(crate) retry: RetryPolicy,
    pub(crate) timeout: Duration,
    pub(crate) total_timeout: Option<Duration>,
    pub(crate) connect_timeout: Duration,
    pub(crate) max_response_bytes: usize,
    pub(crate) user_agent: Option<String>,
    pub(crate) http: Option<reqwest::Client>,
    pub(crate) transport: Option<std::sync::Arc<dyn crate::transport::Transport>>,
    pub(crate) validate_requests: bool,
    pub(crate) max_pages: usize,
}

impl Config {
    /// A configuration for the service at `base_url` (scheme and host, optionally a
    /// path prefix; a trailing `/` is ignored).
    pub fn new(base_url: impl Into<String>, auth: impl Into<Auth>) -> Self {
        Config {
            base_url: base_url.into().trim_end_matches('/').to_owned(),
            auth: auth.into(),
            schemes: Vec::new(),
            accept_language: "en-US".to_owned(),
            retry: RetryPolicy::default(),
            timeout: Duration::from_secs(60),
            total_timeout: None,
            connect_timeout: Duration::from_secs(10),
            max_response_bytes: 32 * 1024 * 1024,
            user_agent: None,
            http: None,
            transport: None,
            validate_requests: true,
            max_pages: 10_000,
        }
    }

    /// Credentials for the security scheme `scheme` (its name under
    /// `components.securitySchemes`), for the operations whose description
    /// names it rather than the scheme of [`Config::new`]'s `auth`: a
    /// service whose uploads take an API key and the rest an OAuth token.
    /// An operation uses the first scheme it accepts that has credentials;
    /// with none it fails with [`Error::Auth`](crate::Error::Auth) naming
    /// the schemes. Setting a scheme again replaces its credentials.
    pub fn with_auth_for(mut self, scheme: impl Into<String>, auth: impl Into<Auth>) -> Self {
        let scheme = scheme.into();
        self.schemes.retain(|(name, _)| *name != scheme);
        self.schemes.push((scheme, auth.into()));
        self
    }

    /// The credentials for `scheme`: those set by [`with_auth_for`](Self::with_auth_for),
    /// else `auth` when `scheme` is the one it is for (`default_scheme`).
    pub(crate) fn auth_for(&self, scheme: &str, default_scheme: Option<&str>) -> Option<&Auth> {
        let named = self.schemes.iter().find(|(name, _)| name == scheme).map(|(_, auth)| auth);
        named.or_else(|| (default_scheme == Some(scheme) && !self.auth.is_none()).then_some(&self.auth))
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

    /// Timeout of a whole call: every attempt and the delays between them.
    /// When it elapses the call ends with [`Error::Timeout`](crate::Error::Timeout);
    /// a retry whose delay would end after it is not made, and the failure it
    /// would repeat is returned instead.
    ///
    /// None by default: the attempts already bound a call, to at most
    /// attempts × (attempt timeout + maximum delay), 3 × 60 s + 2 × 20 s with
    /// the defaults. A fixed default would either be longer and change
    /// nothing, or shorter and cut a slow but healthy call that the attempt
    /// timeout allows. Set it where the caller has a deadline of its own.
    pub fn with_total_timeout(mut self, timeout: Duration) -> Self {
        self.total_timeout = Some(timeout);
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

    /// Sends every attempt through `transport` instead of the built-in
    /// reqwest client: the pipeline (signing, headers, retries, limits,
    /// decoding) is unchanged, and `transport` sees each request exactly as it
    /// would go on the wire. Tests use the in-memory `mock::Mock` (feature `mocks`);
    /// the attempt timeout and the body limit are passed to it with each
    /// attempt (the connect timeout is the transport's own).
    pub fn with_transport(mut self, transport: impl crate::transport::Transport + 'static) -> Self {
        self.transport = Some(std::sync::Arc::new(transport));
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

    /// Most pages a list's `into_stream()` fetches before it ends with
    /// [`Error::TooManyPages`](crate::Error::TooManyPages) (10,000 by default:
    /// millions of items at the usual page sizes). A guard against a service
    /// that never sends the empty or repeated page that ends a stream.
    pub fn with_max_pages(mut self, max_pages: usize) -> Self {
        self.max_pages = max_pages;
        self
    }

    /// Most pages a list stream fetches.
    pub fn max_pages(&self) -> usize {
        self.max_pages
    }

    /// The largest response body read into memory.
    pub fn max_response_bytes(&self) -> usize {
        self.max_response_bytes
    }
}

/// Settings for the calls made through one [`Client::with_options`](crate::Client::with_options)
/// clone, in place of the [`Config`]'s; each one left unset keeps the client's.
#[derive(Clone, Debug, Default)]
pub struct CallOptions {
    timeout: Option<Duration>,
    total_timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
}

impl CallOptions {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// Timeout of each attempt (see [`Config::with_timeout`]).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Timeout of the whole call (see [`Config::with_total_timeout`]).
    pub fn with_total_timeout(mut self, timeout: Duration) -> Self {
        self.total_timeout = Some(timeout);
        self
    }

    /// Retry policy (see [`Config::with_retry`]); the client's retry budget
    /// stays the one it was built with.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = Some(retry);
        self
    }

    /// These options with those set in `later` in their place.
    pub(crate) fn overridden_by(self, later: CallOptions) -> CallOptions {
        CallOptions {
            timeout: later.timeout.or(self.timeout),
            total_timeout: later.total_timeout.or(self.total_timeout),
            retry: later.retry.or(self.retry),
        }
    }

    /// The retry policy of a call under `config`.
    pub(crate) fn retry<'a>(&'a self, config: &'a Config) -> &'a RetryPolicy {
        self.retry.as_ref().unwrap_or(&config.retry)
    }

    /// The attempt timeout of a call under `config`.
    pub(crate) fn timeout(&self, config: &Config) -> Duration {
        self.timeout.unwrap_or(config.timeout)
    }

    /// The total timeout of a call under `config`.
    pub(crate) fn total_timeout(&self, config: &Config) -> Option<Duration> {
        self.total_timeout.or(config.total_timeout)
    }
}
