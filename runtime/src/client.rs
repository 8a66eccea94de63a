//! The request pipeline: URL, authentication, retries, limits and tracing.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue, ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, USER_AGENT};
use http::{HeaderMap, Method, StatusCode};
use serde::Serialize;
use tracing::Instrument as _;

use crate::auth::secret::{Redaction, Secret};
use crate::auth::signer::{Auth, Outgoing};
use crate::encode::{check_url_length, encode_query_component, validate_header_value};
use crate::retry::{Attempts, RetryBudget, Transience};
use crate::transport::{
    HttpRequest, Limits, OperationName, ReqwestTransport, StreamingResponse, Transport, TransportFuture,
};
use crate::{ApiError, ByteStream, CallOptions, Config, Error, Response, Style};

/// What a generated crate tells the runtime about itself.
#[derive(Clone, Copy, Debug)]
pub struct ServiceInfo {
    /// Crate name, e.g. `scp-epas`; used in `User-Agent` and tracing.
    pub name: &'static str,
    /// Crate version, used in `User-Agent`.
    pub version: &'static str,
    /// The service's API version header value, e.g. `epas 1.0`; the auth
    /// scheme decides how it is sent (SCP: `Scp-Api-Version`).
    pub api_version: Option<&'static str>,
    /// The security scheme (its name under `components.securitySchemes`)
    /// whose credentials [`Config::new`] takes, for operations that name
    /// theirs (see [`Request::security`]).
    pub security_scheme: Option<&'static str>,
}

/// A configured connection to one service, cheap to clone and share between
/// tasks: clones share the connection pool and the retry budget.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    options: CallOptions,
}

struct Inner {
    transport: Arc<dyn Transport>,
    config: Config,
    service: ServiceInfo,
    user_agent: HeaderValue,
    budget: Option<RetryBudget>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("service", &self.inner.service.name)
            .field("base_url", &self.inner.config.base_url)
            .field("auth", &self.inner.config.auth)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// One HTTP request of an operation, before authentication.
#[derive(Debug)]
pub struct Request {
    method: Method,
    operation: &'static str,
    path: String,
    query: String,
    headers: HeaderMap,
    body: Option<ByteStream>,
    anonymous: bool,
    security: Option<&'static [&'static [&'static str]]>,
}

impl Request {
    /// A request for `path`, whose parameters are already percent-encoded
    /// (see [`encode_path_segment`](crate::encode_path_segment)).
    pub fn new(method: Method, operation: &'static str, path: String) -> Self {
        Request {
            method,
            operation,
            path,
            query: String::new(),
            headers: HeaderMap::new(),
            body: None,
            anonymous: false,
            security: None,
        }
    }

    /// Appends one query parameter; repeated names express arrays.
    pub fn query(&mut self, name: &str, value: impl fmt::Display) {
        self.start_query_parameter(name);
        self.query.push_str(&encode_query_component(&value.to_string()));
    }

    /// Appends query parameter `name` written in `style` (see [`Style`]):
    /// arrays and objects in any OpenAPI style, `?ids=a,b`, `?f[a]=1`.
    pub fn query_styled(
        &mut self,
        name: &str,
        style: Style,
        explode: bool,
        value: &(impl Serialize + ?Sized),
    ) -> Result<(), Error> {
        let fragment = crate::style::query_styled(name, style, explode, value)?;
        if !fragment.is_empty() {
            self.separate_query_parameter();
            self.query.push_str(&fragment);
        }
        Ok(())
    }

    /// `&name=` (no `&` first), before a value.
    fn start_query_parameter(&mut self, name: &str) {
        self.separate_query_parameter();
        self.query.push_str(&encode_query_component(name));
        self.query.push('=');
    }

    /// The `&` before a parameter, unless it is the first.
    fn separate_query_parameter(&mut self) {
        if !self.query.is_empty() {
            self.query.push('&');
        }
    }

    /// Sets a header parameter; values with line breaks are refused.
    pub fn header(&mut self, name: &str, value: &str) -> Result<(), Error> {
        let value = validate_header_value(name, value)?;
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::InvalidRequest(format!("`{name}` is not a valid header name")))?;
        self.headers.insert(name, value);
        Ok(())
    }

    /// Adds cookie `name` (a cookie parameter); the value is percent-encoded,
    /// so a `;` or a space cannot start another cookie.
    pub fn cookie(&mut self, name: &str, value: &str) -> Result<(), Error> {
        let is_token = |c: char| c.is_ascii_graphic() && !"()<>@,;:\\\"/[]?={}".contains(c);
        if name.is_empty() || !name.chars().all(is_token) {
            return Err(Error::InvalidRequest(format!("`{name}` is not a valid cookie name")));
        }
        let pair = format!("{name}={}", encode_query_component(value));
        let cookies = match self.headers.get(http::header::COOKIE).and_then(|v| v.to_str().ok()) {
            Some(existing) => format!("{existing}; {pair}"),
            None => pair,
        };
        self.header("cookie", &cookies)
    }

    /// Sends this request without the client's credentials: for operations
    /// whose description says `security: []` (a login, a health check).
    pub fn without_credentials(&mut self) {
        self.anonymous = true;
    }

    /// The security requirements of an operation whose description names
    /// its own: any one of `alternatives` will do, each a set of scheme
    /// names used together (an empty set: no credentials). The first whose
    /// schemes all have credentials (see [`Config::with_auth_for`]) signs
    /// the request. Without this call the request carries [`Config::new`]'s
    /// `auth`.
    pub fn security(&mut self, alternatives: &'static [&'static [&'static str]]) {
        self.security = Some(alternatives);
    }

    /// Sets a JSON body.
    pub fn json(&mut self, body: &impl Serialize) -> Result<(), Error> {
        self.json_as("application/json", body)
    }

    /// Sets a JSON body of a JSON media type of its own
    /// (`application/merge-patch+json`, `application/vnd.api+json`).
    pub fn json_as(&mut self, content_type: &'static str, body: &impl Serialize) -> Result<(), Error> {
        let bytes =
            serde_json::to_vec(body).map_err(|e| Error::InvalidRequest(format!("cannot encode request body: {e}")))?;
        self.raw(HeaderValue::from_static(content_type), Bytes::from(bytes));
        Ok(())
    }

    /// Sets a text body of media type `content_type` (`text/plain`).
    pub fn text(&mut self, content_type: &'static str, body: &str) {
        self.raw(HeaderValue::from_static(content_type), Bytes::copy_from_slice(body.as_bytes()));
    }

    /// Sets a body of raw bytes of media type `content_type`
    /// (`application/octet-stream`, `image/png`); cloning [`Bytes`] shares them.
    pub fn bytes(&mut self, content_type: &'static str, body: Bytes) {
        self.raw(HeaderValue::from_static(content_type), body);
    }

    /// Sets a body of media type `content_type`, in memory or streamed; a
    /// request with a streamed body is sent once, never retried (see
    /// [`ByteStream`]).
    pub fn stream(&mut self, content_type: &'static str, body: ByteStream) {
        self.headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        self.body = Some(body);
    }

    /// Whether the body can be sent again: none, or one in memory.
    fn is_replayable(&self) -> bool {
        self.body.as_ref().is_none_or(ByteStream::is_replayable)
    }

    /// Sets an `application/x-www-form-urlencoded` body of `body`'s members
    /// (see [`multipart::form`](crate::multipart::form)).
    pub fn form(&mut self, body: &impl Serialize) -> Result<(), Error> {
        self.raw(HeaderValue::from_static("application/x-www-form-urlencoded"), crate::multipart::form(body)?);
        Ok(())
    }

    /// Sets a `multipart/form-data` body.
    pub fn multipart(&mut self, body: crate::multipart::Multipart) {
        let (content_type, bytes) = body.finish();
        self.raw(HeaderValue::try_from(content_type).expect("the boundary is alphanumeric"), bytes);
    }

    fn raw(&mut self, content_type: HeaderValue, body: Bytes) {
        self.headers.insert(CONTENT_TYPE, content_type);
        self.body = Some(ByteStream::from(body));
    }

    /// Asks for a response of media type `accept` rather than JSON, for
    /// operations documented to answer text or bytes.
    pub fn accept(&mut self, accept: &'static str) {
        self.headers.insert(ACCEPT, HeaderValue::from_static(accept));
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The operation's name, e.g. `list_clusters`.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The path under the base URL, percent-encoded, without the query.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The full URL under `base_url`: the one string that is both signed and sent.
    pub fn url(&self, base_url: &str) -> Result<reqwest::Url, Error> {
        let mut url = format!("{base_url}{}", self.path);
        if !self.query.is_empty() {
            url.push('?');
            url.push_str(&self.query);
        }
        check_url_length(&url, &self.query)?;
        reqwest::Url::parse(&url).map_err(|e| Error::InvalidRequest(format!("invalid URL {url}: {e}")))
    }
}

impl Client {
    /// A client for `service` configured by `config`.
    pub fn new(config: Config, service: ServiceInfo) -> Result<Self, Error> {
        let transport: Arc<dyn Transport> = match (&config.transport, &config.http) {
            (Some(transport), _) => Arc::clone(transport),
            (None, Some(http)) => Arc::new(ReqwestTransport::new(http.clone())),
            (None, None) => Arc::new(ReqwestTransport::with_connect_timeout(config.connect_timeout)?),
        };
        let mut agent = format!("{}/{} cloudsdk-runtime/{}", service.name, service.version, env!("CARGO_PKG_VERSION"));
        if let Some(extra) = &config.user_agent {
            agent = format!("{agent} {extra}");
        }
        let user_agent = validate_header_value("user-agent", &agent)?;
        let budget = config.retry.new_budget();
        let inner = Inner { transport, config, service, user_agent, budget };
        Ok(Client { inner: Arc::new(inner), options: CallOptions::new() })
    }

    /// This client with `options` in place of the configuration's settings
    /// for the calls made through it; options it already had and `options`
    /// leaves unset stay. Cheap: the clone shares the connection pool and the
    /// [retry budget](crate::retry#retry-budget).
    pub fn with_options(&self, options: CallOptions) -> Client {
        Client { inner: Arc::clone(&self.inner), options: self.options.clone().overridden_by(options) }
    }

    /// The configuration this client was built with.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Sends `request`, retrying transient failures by the
    /// [retry policy](crate::retry#the-retry-policy), and returns the raw 2xx
    /// response; any other status becomes [`Error::Api`]. Redirects are not
    /// followed: a 3xx also becomes [`Error::Api`], whose headers hold `Location`.
    pub async fn execute(&self, request: Request) -> Result<Response<Bytes>, Error> {
        self.run(request).await
    }

    /// Like [`execute`](Self::execute), but returns once the headers of a 2xx
    /// answer are in, its body to be read as it arrives: for downloads too
    /// large to hold in memory. [`Config::max_response_bytes`] does not limit
    /// it, the request timeout still covers it, and a failure while reading it
    /// is not retried. The body of any other status is read as usual, into
    /// [`Error::Api`].
    pub async fn execute_streaming(&self, request: Request) -> Result<Response<ByteStream>, Error> {
        self.run(request).await
    }

    async fn run<B: AnswerBody>(&self, request: Request) -> Result<Response<B>, Error> {
        let url = request.url(&self.inner.config.base_url)?;
        let span = tracing::info_span!(
            "request",
            service = self.inner.service.name,
            operation = request.operation,
            method = %request.method,
            url = %url,
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
        );
        let total = self.options.total_timeout(&self.inner.config);
        let deadline = total.and_then(|total| Instant::now().checked_add(total));
        within(total, self.send_with_retries(&request, &url, deadline)).instrument(span).await
    }

    async fn send_with_retries<B: AnswerBody>(
        &self,
        request: &Request,
        url: &reqwest::Url,
        deadline: Option<Instant>,
    ) -> Result<Response<B>, Error> {
        let retry = self.options.retry(&self.inner.config);
        let mut attempts = Attempts::new(retry, self.inner.budget.as_ref(), deadline);
        // A streamed body is read by its first attempt: there is no other.
        let replayable = request.is_replayable();
        let mut token_reissued = !replayable;
        let auth = self.credentials(request)?;
        loop {
            let attempt = attempts.start();
            tracing::Span::current().record("attempts", attempt);
            let (outgoing, token) = self.prepare(request, url, &auth).await?;
            let (error, transience) = match self.attempt::<B>(outgoing).await {
                Ok((status, headers, body)) => {
                    tracing::Span::current().record("status", status.as_u16());
                    if status.is_success() {
                        attempts.succeeded();
                        let redaction = Redaction::new(&auth, token);
                        return Ok(Response::new(status, headers, body).with_redaction(redaction));
                    }
                    if status == StatusCode::UNAUTHORIZED && !token_reissued {
                        if let Some(token) = &token {
                            token_reissued = true;
                            if auth.reissue(token) {
                                tracing::debug!("401 with a cached token, issuing a new one");
                                continue;
                            }
                        }
                    }
                    let redaction = Redaction::new(&auth, token);
                    match body.read_for_error(self.inner.config.max_response_bytes, status).await {
                        Ok(body) => {
                            let error = ApiError::received(request, status, headers, body, &redaction);
                            (Error::Api(Box::new(error)), Transience::of_status(status))
                        }
                        Err(error) => {
                            let transience = Transience::of_error(&error);
                            (error, transience)
                        }
                    }
                }
                Err(failure) => failure,
            };
            if !replayable {
                return Err(error);
            }
            let headers = error.as_api().map(|api| &api.headers);
            let Some(delay) = attempts.retry(transience, &request.method, headers) else { return Err(error) };
            tracing::debug!(%error, attempt, ?delay, "transient failure, retrying");
            tokio::time::sleep(delay).await;
        }
    }

    /// The credentials `request` goes out with: none, [`Config::new`]'s, or
    /// those of the first security alternative it accepts that are set. A
    /// client with no credentials at all (a mock server) sends every request
    /// without; one that has some but not those an operation needs fails
    /// rather than send the wrong ones.
    fn credentials(&self, request: &Request) -> Result<Auth, Error> {
        let config = &self.inner.config;
        let Some(alternatives) = request.security.filter(|_| !request.anonymous) else {
            return Ok(if request.anonymous { Auth::None } else { config.auth.clone() });
        };
        if config.auth.is_none() && config.schemes.is_empty() {
            return Ok(Auth::None);
        }
        let default_scheme = self.inner.service.security_scheme;
        for alternative in alternatives {
            let parts: Option<Vec<Auth>> =
                alternative.iter().map(|scheme| config.auth_for(scheme, default_scheme).cloned()).collect();
            if let Some(parts) = parts {
                return Ok(Auth::all_of(parts));
            }
        }
        let accepted: Vec<String> = alternatives.iter().map(|set| format!("`{}`", set.join("` + `"))).collect();
        Err(Error::Auth(format!(
            "operation `{}` needs credentials for the security scheme {}, and none are set (see `Config::with_auth_for`)",
            request.operation,
            accepted.join(" or "),
        )))
    }

    /// Sends one attempt and reads its body. A failure while reading (a
    /// reset, a truncated body, a read timeout) fails the attempt just as one
    /// while sending does, so the retry policy sees both.
    async fn attempt<B: AnswerBody>(
        &self,
        outgoing: HttpRequest,
    ) -> Result<(StatusCode, HeaderMap, B), (Error, Transience)> {
        let limits = Limits {
            timeout: self.options.timeout(&self.inner.config),
            max_body: self.inner.config.max_response_bytes,
        };
        match B::send(&*self.inner.transport, outgoing, limits).await {
            Ok(response) => {
                let (parts, body) = response.into_parts();
                Ok((parts.status, parts.headers, body))
            }
            Err(error) => {
                let transience = Transience::of_error(&error);
                Err((error, transience))
            }
        }
    }

    /// Builds one attempt: transport headers, authentication, body. A fresh
    /// timestamp and signature are made for every attempt.
    async fn prepare(
        &self,
        request: &Request,
        url: &reqwest::Url,
        auth: &Auth,
    ) -> Result<(HttpRequest, Option<Secret>), Error> {
        let config = &self.inner.config;
        let mut headers = HeaderMap::with_capacity(request.headers.len() + 8);
        headers.extend(request.headers.iter().map(|(name, value)| (name.clone(), value.clone())));
        if !headers.contains_key(ACCEPT) {
            headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        }
        headers.insert(USER_AGENT, self.inner.user_agent.clone());
        let timeout = self.options.timeout(config);
        let outgoing = Outgoing {
            method: &request.method,
            url: url.as_str(),
            api_version: self.inner.service.api_version,
            accept_language: &config.accept_language,
            timeout,
            connect_timeout: config.connect_timeout,
        };
        let token = auth.sign(&outgoing, &mut headers).await?;
        let mut keyed = None;
        for (name, key) in auth.query_parameters() {
            keyed = Some(with_query_parameter(keyed.as_ref().unwrap_or(url), name, key.expose()));
        }
        let url = keyed.as_ref().unwrap_or(url);
        if let Some(length) = request.body.as_ref().filter(|body| !body.is_replayable()).and_then(ByteStream::length) {
            headers.insert(CONTENT_LENGTH, HeaderValue::from(length));
        }
        let mut outgoing = http::Request::new(request.body.clone().unwrap_or_default());
        *outgoing.method_mut() = request.method.clone();
        *outgoing.uri_mut() =
            url.as_str().parse().map_err(|_| Error::InvalidRequest("the URL is no valid request target".into()))?;
        *outgoing.headers_mut() = headers;
        outgoing.extensions_mut().insert(OperationName(request.operation));
        // The parsed URL, so that the reqwest transport does not parse it again.
        outgoing.extensions_mut().insert(url.clone());
        Ok((outgoing, token))
    }
}

/// The body of an answer as the caller asked for it: read whole ([`Bytes`])
/// or as it arrives ([`ByteStream`]).
trait AnswerBody: Sized + Send + 'static {
    /// Sends one attempt through the transport method that reads this body.
    fn send(
        transport: &dyn Transport,
        request: HttpRequest,
        limits: Limits,
    ) -> TransportFuture<'_, http::Response<Self>>;

    /// The whole body of a non-2xx answer, for its [`ApiError`].
    fn read_for_error(self, limit: usize, status: StatusCode) -> impl Future<Output = Result<Bytes, Error>> + Send;
}

impl AnswerBody for Bytes {
    fn send(transport: &dyn Transport, request: HttpRequest, limits: Limits) -> TransportFuture<'_> {
        transport.send(request, limits)
    }

    async fn read_for_error(self, _limit: usize, _status: StatusCode) -> Result<Bytes, Error> {
        Ok(self)
    }
}

impl AnswerBody for ByteStream {
    fn send(transport: &dyn Transport, request: HttpRequest, limits: Limits) -> TransportFuture<'_, StreamingResponse> {
        transport.send_streaming(request, limits)
    }

    async fn read_for_error(self, limit: usize, status: StatusCode) -> Result<Bytes, Error> {
        self.collect_limited(limit, status).await
    }
}

/// `url` with `name=value` appended to its query, both percent-encoded.
fn with_query_parameter(url: &reqwest::Url, name: &str, value: &str) -> reqwest::Url {
    let mut url = url.clone();
    let query = match url.query() {
        Some(query) if !query.is_empty() => format!("{query}&"),
        _ => String::new(),
    };
    url.set_query(Some(&format!("{query}{}={}", encode_query_component(name), encode_query_component(value))));
    url
}

/// Runs `call` within the `total` timeout, if any.
async fn within<T>(total: Option<Duration>, call: impl Future<Output = Result<T, Error>>) -> Result<T, Error> {
    let Some(total) = total else { return call.await };
    tokio::time::timeout(total, call).await.unwrap_or_else(|_| {
        tracing::debug!(?total, "the total timeout elapsed");
        Err(Error::Timeout { source: None })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SERVICE: ServiceInfo =
        ServiceInfo { name: "test", version: "0.1.0", api_version: None, security_scheme: None };

    /// One attempt of `request` with the credentials it resolves to.
    async fn attempt_of(
        client: &Client,
        request: &Request,
        url: &reqwest::Url,
    ) -> Result<(HttpRequest, Option<Secret>), Error> {
        client.prepare(request, url, &client.credentials(request)?).await
    }

    /// The request one attempt would send with `auth`.
    async fn prepared(auth: Auth) -> HttpRequest {
        let client = Client::new(Config::new("https://example.invalid", auth), SERVICE).unwrap();
        let request = Request::new(Method::GET, "show", "/x".to_owned());
        let url = request.url(client.config().base_url()).unwrap();
        attempt_of(&client, &request, &url).await.unwrap().0
    }

    #[tokio::test]
    async fn credential_headers_are_sent_marked_sensitive() {
        let cases = [
            (Auth::static_token("t-1"), "x-auth-token", "t-1"),
            (Auth::static_bearer("b-1"), "authorization", "Bearer b-1"),
            (Auth::api_key("X-Api-Key", "k-1").unwrap(), "x-api-key", "k-1"),
            (Auth::api_key_cookie("session", "c-1").unwrap(), "cookie", "session=c-1"),
            // base64("Aladdin:open sesame"), RFC 7617's example.
            (Auth::basic("Aladdin", "open sesame").unwrap(), "authorization", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="),
        ];
        for (auth, name, expected) in cases {
            let request = prepared(auth).await;
            let value = request.headers().get(name).unwrap_or_else(|| panic!("no {name}"));
            assert_eq!(value, expected);
            assert!(value.is_sensitive(), "{name} is not marked sensitive");
            assert!(!format!("{value:?}").contains(expected), "{value:?}");
        }
    }

    #[tokio::test]
    async fn a_query_api_key_is_added_as_the_request_goes_out_and_not_to_the_traced_url() {
        let client = Client::new(
            Config::new("https://example.invalid", Auth::api_key_query("api_key", "k&1").unwrap()),
            SERVICE,
        )
        .unwrap();
        let mut request = Request::new(Method::GET, "list", "/x".to_owned());
        request.query("page", 2);
        let url = request.url(client.config().base_url()).unwrap();
        let (sent, _) = attempt_of(&client, &request, &url).await.unwrap();
        assert_eq!(sent.uri().query(), Some("page=2&api_key=k%261"));
        assert_eq!(url.query(), Some("page=2"), "the URL traced and quoted by errors has no key");
        let plain = Request::new(Method::GET, "list", "/x".to_owned());
        let url = plain.url(client.config().base_url()).unwrap();
        assert_eq!(attempt_of(&client, &plain, &url).await.unwrap().0.uri().query(), Some("api_key=k%261"));
        let mut anonymous = Request::new(Method::GET, "health", "/x".to_owned());
        anonymous.without_credentials();
        let url = anonymous.url(client.config().base_url()).unwrap();
        assert_eq!(attempt_of(&client, &anonymous, &url).await.unwrap().0.uri().query(), None);
    }

    #[tokio::test]
    async fn a_requirement_of_two_schemes_applies_both_and_the_default_answers_to_its_name() {
        let service = ServiceInfo { security_scheme: Some("token"), ..SERVICE };
        let config = Config::new("https://example.invalid", Auth::static_bearer("t-1"))
            .with_auth_for("app", Auth::api_key_query("app_id", "a-1").unwrap())
            .with_auth_for("key", Auth::api_key_query("app_key", "k-1").unwrap());
        let client = Client::new(config, service).unwrap();
        let mut request = Request::new(Method::GET, "partner", "/x".to_owned());
        request.security(&[&["missing"], &["app", "key"], &["token"]]);
        let url = request.url(client.config().base_url()).unwrap();
        let (sent, _) = attempt_of(&client, &request, &url).await.unwrap();
        assert_eq!(sent.uri().query(), Some("app_id=a-1&app_key=k-1"));
        assert!(sent.headers().get("authorization").is_none());
        let mut by_token = Request::new(Method::GET, "list", "/x".to_owned());
        by_token.security(&[&["token"], &["app"]]);
        let (sent, _) = attempt_of(&client, &by_token, &url).await.unwrap();
        assert_eq!(sent.headers()["authorization"], "Bearer t-1");
        assert_eq!(sent.uri().query(), None);
    }

    #[tokio::test]
    async fn cookie_parameters_are_kept_beside_an_api_key_cookie_and_cannot_add_cookies() {
        let auth = Auth::api_key_cookie("session", "c-1").unwrap();
        let client = Client::new(Config::new("https://example.invalid", auth), SERVICE).unwrap();
        let mut request = Request::new(Method::GET, "show", "/x".to_owned());
        request.cookie("lang", "ko; admin=1").unwrap();
        request.cookie("visits", "3").unwrap();
        assert!(request.cookie("a=b", "1").is_err() && request.cookie("", "1").is_err());
        let url = request.url(client.config().base_url()).unwrap();
        let (sent, _) = attempt_of(&client, &request, &url).await.unwrap();
        let cookie = &sent.headers()["cookie"];
        assert_eq!(cookie, "lang=ko%3B%20admin%3D1; visits=3; session=c-1");
        assert!(cookie.is_sensitive());
    }

    #[test]
    fn styled_query_parameters_join_the_others() {
        let mut request = Request::new(Method::GET, "list", "/x".to_owned());
        request.query("page", 1);
        request.query_styled("ids", Style::Form, false, &["a", "b,c", "d e"]).unwrap();
        request.query_styled("none", Style::Form, true, &Vec::<String>::new()).unwrap();
        request.query("size", 5);
        let url = request.url("https://example.invalid").unwrap();
        assert_eq!(url.query(), Some("page=1&ids=a,b%2Cc,d%20e&size=5"));
    }

    #[tokio::test]
    async fn a_request_without_credentials_carries_none() {
        let client = Client::new(Config::new("https://example.invalid", Auth::static_bearer("b-1")), SERVICE).unwrap();
        let mut request = Request::new(Method::GET, "health", "/health".to_owned());
        request.without_credentials();
        let url = request.url(client.config().base_url()).unwrap();
        let (sent, token) = attempt_of(&client, &request, &url).await.unwrap();
        assert!(sent.headers().get("authorization").is_none() && token.is_none(), "{:?}", sent.headers());
    }

    #[tokio::test]
    async fn a_bearer_token_that_is_no_header_value_is_an_auth_error_without_it() {
        let client = Client::new(Config::new("https://example.invalid", Auth::static_bearer("a\nb")), SERVICE).unwrap();
        let request = Request::new(Method::GET, "show", "/x".to_owned());
        let url = request.url(client.config().base_url()).unwrap();
        let Err(err) = attempt_of(&client, &request, &url).await else { panic!("a line break was accepted") };
        assert!(matches!(&err, Error::Auth(m) if m.contains("bearer") && !m.contains("a\nb")), "{err:?}");
    }
}
