//! The request pipeline: URL, authentication, retries, limits and tracing.

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue, ACCEPT, CONTENT_TYPE, USER_AGENT};
use http::{HeaderMap, Method};
use serde::Serialize;
use tracing::Instrument as _;

use crate::auth::secret::Secret;
use crate::auth::signer::Outgoing;
use crate::body::read_limited;
use crate::encode::{encode_query_component, validate_header_value};
use crate::retry::Transience;
use crate::{ApiError, Config, Error, Response};

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
}

/// A configured connection to one service, cheap to clone and share between tasks.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    config: Config,
    service: ServiceInfo,
    user_agent: HeaderValue,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("service", &self.inner.service.name)
            .field("base_url", &self.inner.config.base_url)
            .field("auth", &self.inner.config.auth)
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
    body: Option<Bytes>,
}

impl Request {
    /// A request for `path`, whose parameters are already percent-encoded
    /// (see [`encode_path_segment`](crate::encode_path_segment)).
    pub fn new(method: Method, operation: &'static str, path: String) -> Self {
        Request { method, operation, path, query: String::new(), headers: HeaderMap::new(), body: None }
    }

    /// Appends one query parameter; repeated names express arrays.
    pub fn query(&mut self, name: &str, value: impl fmt::Display) {
        if !self.query.is_empty() {
            self.query.push('&');
        }
        self.query.push_str(&encode_query_component(name));
        self.query.push('=');
        self.query.push_str(&encode_query_component(&value.to_string()));
    }

    /// Sets a header parameter; values with line breaks are refused.
    pub fn header(&mut self, name: &str, value: &str) -> Result<(), Error> {
        let value = validate_header_value(name, value)?;
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::InvalidRequest(format!("`{name}` is not a valid header name")))?;
        self.headers.insert(name, value);
        Ok(())
    }

    /// Sets a JSON body.
    pub fn json(&mut self, body: &impl Serialize) -> Result<(), Error> {
        let bytes =
            serde_json::to_vec(body).map_err(|e| Error::InvalidRequest(format!("cannot encode request body: {e}")))?;
        self.headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        self.body = Some(Bytes::from(bytes));
        Ok(())
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The full URL under `base_url`: the one string that is both signed and sent.
    pub fn url(&self, base_url: &str) -> Result<reqwest::Url, Error> {
        let mut url = format!("{base_url}{}", self.path);
        if !self.query.is_empty() {
            url.push('?');
            url.push_str(&self.query);
        }
        reqwest::Url::parse(&url).map_err(|e| Error::InvalidRequest(format!("invalid URL {url}: {e}")))
    }
}

impl Client {
    /// A client for `service` configured by `config`.
    pub fn new(config: Config, service: ServiceInfo) -> Result<Self, Error> {
        let http = match &config.http {
            Some(http) => http.clone(),
            None => reqwest::Client::builder()
                .connect_timeout(config.connect_timeout)
                // Never follow redirects: reqwest would forward X-Auth-Token, the SCP
                // signature headers and the body to wherever `Location` points (see
                // `Config`). A 3xx is returned as `Error::Api` with its `Location`.
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(Error::Transport)?,
        };
        let mut agent = format!("{}/{} cloudsdk-runtime/{}", service.name, service.version, env!("CARGO_PKG_VERSION"));
        if let Some(extra) = &config.user_agent {
            agent = format!("{agent} {extra}");
        }
        let user_agent = validate_header_value("user-agent", &agent)?;
        Ok(Client { inner: Arc::new(Inner { http, config, service, user_agent }) })
    }

    /// The configuration this client was built with.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Sends `request`, retrying transient failures, and returns the raw 2xx
    /// response; any other status becomes [`Error::Api`]. Redirects are not
    /// followed: a 3xx also becomes [`Error::Api`], whose headers hold `Location`.
    pub async fn execute(&self, request: Request) -> Result<Response<Bytes>, Error> {
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
        self.send_with_retries(&request, &url).instrument(span).await
    }

    async fn send_with_retries(&self, request: &Request, url: &reqwest::Url) -> Result<Response<Bytes>, Error> {
        let retry = &self.inner.config.retry;
        let mut token_reissued = false;
        let mut attempt = 0;
        loop {
            attempt += 1;
            tracing::Span::current().record("attempts", attempt);
            let (outgoing, token) = self.prepare(request, url).await?;
            let mut response = match self.inner.http.execute(outgoing).await {
                Ok(response) => response,
                Err(e) => {
                    let error = Error::from(e);
                    if !(Transience::of_error(&error).is_transient() && retry.allows(&request.method, attempt)) {
                        return Err(error);
                    }
                    tracing::debug!(%error, attempt, "transient transport failure, retrying");
                    tokio::time::sleep(retry.delay(attempt, None)).await;
                    continue;
                }
            };
            let status = response.status();
            tracing::Span::current().record("status", status.as_u16());
            if status == http::StatusCode::UNAUTHORIZED && !token_reissued {
                if let Some(token) = &token {
                    token_reissued = true;
                    if self.inner.config.auth.reissue(token) {
                        tracing::debug!("401 with a cached token, issuing a new one");
                        continue;
                    }
                }
            }
            if Transience::of_status(status).is_transient() && retry.allows(&request.method, attempt) {
                let delay = retry.delay(attempt, Some(response.headers()));
                tracing::debug!(%status, attempt, ?delay, "transient status, retrying");
                tokio::time::sleep(delay).await;
                continue;
            }
            let headers = std::mem::take(response.headers_mut());
            let body = read_limited(response, self.inner.config.max_response_bytes).await?;
            if status.is_success() {
                return Ok(Response::new(status, headers, body));
            }
            return Err(Error::Api(Box::new(ApiError { status, headers, body })));
        }
    }

    /// Builds one attempt: transport headers, authentication, body. A fresh
    /// timestamp and signature are made for every attempt.
    async fn prepare(
        &self,
        request: &Request,
        url: &reqwest::Url,
    ) -> Result<(reqwest::Request, Option<Secret>), Error> {
        let config = &self.inner.config;
        let mut headers = HeaderMap::with_capacity(request.headers.len() + 8);
        headers.extend(request.headers.iter().map(|(name, value)| (name.clone(), value.clone())));
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(USER_AGENT, self.inner.user_agent.clone());
        let outgoing = Outgoing {
            method: &request.method,
            url: url.as_str(),
            api_version: self.inner.service.api_version,
            accept_language: &config.accept_language,
        };
        let token = config.auth.sign(&outgoing, &mut headers).await?;
        // Built directly rather than through `RequestBuilder`, which would merge
        // `headers` into a map of its own.
        let mut outgoing = reqwest::Request::new(request.method.clone(), url.clone());
        *outgoing.headers_mut() = headers;
        *outgoing.timeout_mut() = Some(config.timeout);
        *outgoing.body_mut() = request.body.clone().map(reqwest::Body::from);
        Ok((outgoing, token))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Auth;

    const SERVICE: ServiceInfo = ServiceInfo { name: "test", version: "0.1.0", api_version: None };

    /// The request one attempt would send with `auth`.
    async fn prepared(auth: Auth) -> reqwest::Request {
        let client = Client::new(Config::new("https://example.invalid", auth), SERVICE).unwrap();
        let request = Request::new(Method::GET, "show", "/x".to_owned());
        let url = request.url(client.config().base_url()).unwrap();
        client.prepare(&request, &url).await.unwrap().0
    }

    #[tokio::test]
    async fn credential_headers_are_sent_marked_sensitive() {
        let cases = [
            (Auth::static_token("t-1"), "x-auth-token", "t-1"),
            (Auth::static_bearer("b-1"), "authorization", "Bearer b-1"),
            (Auth::api_key("X-Api-Key", "k-1").unwrap(), "x-api-key", "k-1"),
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
    async fn a_bearer_token_that_is_no_header_value_is_an_auth_error_without_it() {
        let client = Client::new(Config::new("https://example.invalid", Auth::static_bearer("a\nb")), SERVICE).unwrap();
        let request = Request::new(Method::GET, "show", "/x".to_owned());
        let url = request.url(client.config().base_url()).unwrap();
        let Err(err) = client.prepare(&request, &url).await else { panic!("a line break was accepted") };
        assert!(matches!(&err, Error::Auth(m) if m.contains("bearer") && !m.contains("a\nb")), "{err:?}");
    }
}
