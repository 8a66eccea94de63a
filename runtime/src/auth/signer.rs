//! The [`Signer`] interface, [`Auth`] that holds one, and the generic schemes:
//! a token from a [`TokenProvider`] (`X-Auth-Token` or bearer) and an API key.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use http::header::{HeaderName, HeaderValue, AUTHORIZATION};
use http::{HeaderMap, Method};

use super::secret::Secret;
use super::token::{StaticToken, TokenProvider};
use crate::encode::validate_header_value;
use crate::Error;

/// What a [`Signer`] sees of one attempt of a request.
#[derive(Debug)]
#[non_exhaustive]
pub struct Outgoing<'a> {
    /// The HTTP method, as signed and sent.
    pub method: &'a Method,
    /// The full URL exactly as it is sent.
    pub url: &'a str,
    /// The service's API version header value, if it has one (SCP's `Scp-Api-Version`).
    pub api_version: Option<&'a str>,
    /// The configured `Accept-Language`, for schemes that send one.
    pub accept_language: &'a str,
    /// The timeout of the attempt, which also bounds a call the scheme makes
    /// for it (an identity service issuing a token).
    pub timeout: Duration,
    /// The connect timeout of the client, likewise.
    pub connect_timeout: Duration,
}

/// The future a [`Signer`] returns: the token it sent, if any.
pub type SignFuture<'a> = Pin<Box<dyn Future<Output = Result<Option<Secret>, Error>> + Send + 'a>>;

/// One authentication scheme: it sets its own headers on every attempt of a
/// request (a fresh timestamp and signature each time), so the request
/// pipeline knows no scheme's headers.
pub trait Signer: Send + Sync + fmt::Debug {
    /// Adds the scheme's headers for one attempt. Returns the token sent when
    /// the service may reject it with a 401 and a new one can be issued.
    fn sign<'a>(&'a self, request: &'a Outgoing<'a>, headers: &'a mut HeaderMap) -> SignFuture<'a>;

    /// The service answered 401 to `rejected`: forget it. Returns whether a new
    /// token can be had, in which case the request is sent once more.
    fn reissue(&self, rejected: &Secret) -> bool {
        let _ = rejected;
        false
    }

    /// A query parameter the scheme adds to every URL (an API key `in: query`):
    /// its name and value. It is added to the URL only as the request goes
    /// out, so traces and errors, which show the URL the pipeline built,
    /// never carry it.
    fn query_parameter(&self) -> Option<(&str, &Secret)> {
        None
    }

    /// The secrets the scheme holds (keys, passwords, tokens), which errors
    /// redact when a service echoes them. A scheme holding any must list them.
    fn secrets(&self) -> Vec<Secret> {
        Vec::new()
    }
}

/// The authentication a client applies to every request: no authentication, or
/// one [`Signer`] (or, for an operation whose security requirement names
/// several schemes at once, each of theirs).
///
/// Credential headers are marked sensitive, and `Debug` never shows a secret,
/// token or key.
#[derive(Clone, Debug)]
pub struct Auth(Signers);

#[derive(Clone, Debug)]
enum Signers {
    None,
    One(Arc<dyn Signer>),
    /// A requirement of several schemes together (`{app_id: [], app_key: []}`).
    All(Arc<[Arc<dyn Signer>]>),
}

impl Auth {
    /// Send requests unauthenticated (mock servers, tests). A constant named
    /// like the variant of the former `enum Auth`, so `Auth::None` still works
    /// as a value (not as a `match` pattern).
    #[allow(non_upper_case_globals)]
    pub const None: Auth = Auth(Signers::None);

    /// Requests signed by any scheme, e.g. a vendor's (`ScpCredentials` converts
    /// into an `Auth` itself).
    pub fn signer(signer: impl Signer + 'static) -> Self {
        Auth(Signers::One(Arc::new(signer)))
    }

    /// An `X-Auth-Token` from any provider (KakaoCloud, NHN Cloud).
    ///
    /// On a 401 the provider is asked to [invalidate](TokenProvider::invalidate)
    /// the token and, if it can issue another, the request is sent once more.
    pub fn token(provider: impl TokenProvider + 'static) -> Self {
        Auth::signer(TokenHeader { provider, bearer: false })
    }

    /// A fixed X-Auth-Token.
    pub fn static_token(token: impl Into<Secret>) -> Self {
        Auth::token(StaticToken::new(token))
    }

    /// `Authorization: Bearer <token>` from any provider, with the same
    /// re-issue after a 401 as [`Auth::token`].
    pub fn bearer(provider: impl TokenProvider + 'static) -> Self {
        Auth::signer(TokenHeader { provider, bearer: true })
    }

    /// A fixed `Authorization: Bearer` token.
    pub fn static_bearer(token: impl Into<Secret>) -> Self {
        Auth::bearer(StaticToken::new(token))
    }

    /// An API key sent in the header `header_name` (case-insensitive, e.g.
    /// `X-Api-Key`).
    ///
    /// Fails with [`Error::InvalidRequest`] when `header_name` is not a valid
    /// header name or the key cannot be a header value (a line break, a control
    /// character); the message never contains the key.
    pub fn api_key(header_name: &str, key: impl Into<Secret>) -> Result<Auth, Error> {
        Auth::fixed_header(header_name, key.into(), Vec::new())
    }

    /// An API key sent as the cookie `cookie_name` (`Cookie: name=key`), for
    /// descriptions whose `apiKey` scheme is `in: cookie`.
    pub fn api_key_cookie(cookie_name: &str, key: impl Into<Secret>) -> Result<Auth, Error> {
        let key = key.into();
        let cookie = Secret::new(format!("{cookie_name}={}", key.expose()));
        Auth::fixed_header("cookie", cookie, vec![key])
    }

    /// An API key sent as the query parameter `parameter_name` (`?key=…`), for
    /// descriptions whose `apiKey` scheme is `in: query`. Traces and errors
    /// show URLs without it; prefer a header where the service accepts one,
    /// since proxies and server logs record whole URLs.
    pub fn api_key_query(parameter_name: &str, key: impl Into<Secret>) -> Result<Auth, Error> {
        if parameter_name.is_empty() {
            return Err(Error::InvalidRequest("an API key query parameter needs a name".into()));
        }
        Ok(Auth::signer(QueryKey { name: parameter_name.to_owned(), key: key.into() }))
    }

    /// HTTP basic authentication: `Authorization: Basic base64(user:password)`.
    /// Errors redact the header value, the bare encoding and the password.
    pub fn basic(username: &str, password: impl Into<Secret>) -> Result<Auth, Error> {
        use base64::Engine as _;
        let password = password.into();
        let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{username}:{}", password.expose()));
        let header = Secret::new(format!("Basic {encoded}"));
        Auth::fixed_header("authorization", header, vec![Secret::new(encoded), password])
    }

    /// A credential in one fixed header, checked once, here, and marked
    /// sensitive so `Debug` shows none; `also_secret` are further values
    /// errors redact (the parts the header value is made of).
    fn fixed_header(header_name: &str, value: Secret, also_secret: Vec<Secret>) -> Result<Auth, Error> {
        let header = HeaderName::from_bytes(header_name.as_bytes())
            .map_err(|_| Error::InvalidRequest(format!("`{header_name}` is not a valid header name")))?;
        let mut value = validate_header_value(header.as_str(), value.expose())
            .map_err(|_| Error::InvalidRequest(format!("the credential is not a valid value for header `{header}`")))?;
        value.set_sensitive(true);
        Ok(Auth::signer(ApiKey { header, value, also_secret }))
    }

    /// Every scheme of `parts` on each request, in order: a security
    /// requirement naming several schemes at once.
    pub(crate) fn all_of(parts: Vec<Auth>) -> Auth {
        let mut signers: Vec<Arc<dyn Signer>> = parts.iter().flat_map(|part| part.signers().iter().cloned()).collect();
        match signers.len() {
            0 => Auth::None,
            1 => Auth(Signers::One(signers.remove(0))),
            _ => Auth(Signers::All(signers.into())),
        }
    }

    /// Whether requests go out unauthenticated.
    pub(crate) fn is_none(&self) -> bool {
        self.signers().is_empty()
    }

    fn signers(&self) -> &[Arc<dyn Signer>] {
        match &self.0 {
            Signers::None => &[],
            Signers::One(signer) => std::slice::from_ref(signer),
            Signers::All(signers) => signers,
        }
    }

    /// Applies the schemes to one attempt (see [`Signer::sign`]); the token
    /// returned is the first any of them sent.
    pub(crate) async fn sign(&self, request: &Outgoing<'_>, headers: &mut HeaderMap) -> Result<Option<Secret>, Error> {
        let mut sent = None;
        for signer in self.signers() {
            let token = signer.sign(request, headers).await?;
            sent = sent.or(token);
        }
        Ok(sent)
    }

    /// See [`Signer::query_parameter`].
    pub(crate) fn query_parameters(&self) -> impl Iterator<Item = (&str, &Secret)> {
        self.signers().iter().filter_map(|signer| signer.query_parameter())
    }

    /// See [`Signer::reissue`].
    pub(crate) fn reissue(&self, rejected: &Secret) -> bool {
        self.signers().iter().any(|signer| signer.reissue(rejected))
    }

    /// See [`Signer::secrets`].
    pub(crate) fn secrets(&self) -> Vec<Secret> {
        self.signers().iter().flat_map(|signer| signer.secrets()).collect()
    }
}

/// A token from a provider in `X-Auth-Token`, or as `Authorization: Bearer`.
#[derive(Debug)]
struct TokenHeader<P> {
    provider: P,
    bearer: bool,
}

impl<P: TokenProvider> Signer for TokenHeader<P> {
    fn sign<'a>(&'a self, request: &'a Outgoing<'a>, headers: &'a mut HeaderMap) -> SignFuture<'a> {
        Box::pin(async move {
            let token = self.provider.token_for(request).await?;
            if self.bearer {
                let value = sensitive(&format!("Bearer {}", token.expose()), "the bearer token")?;
                headers.insert(AUTHORIZATION, value);
            } else {
                headers.insert(HeaderName::from_static("x-auth-token"), sensitive(token.expose(), "the token")?);
            }
            Ok(Some(token))
        })
    }

    fn reissue(&self, rejected: &Secret) -> bool {
        self.provider.invalidate(rejected)
    }

    fn secrets(&self) -> Vec<Secret> {
        self.provider.secrets()
    }
}

/// A fixed key in a header of its own, as the sensitive value sent.
#[derive(Debug)]
struct ApiKey {
    header: HeaderName,
    value: HeaderValue,
    also_secret: Vec<Secret>,
}

impl Signer for ApiKey {
    fn sign<'a>(&'a self, _: &'a Outgoing<'a>, headers: &'a mut HeaderMap) -> SignFuture<'a> {
        Box::pin(async move {
            // A request's own cookies (cookie parameters) are kept beside the key's.
            let merged = match headers.get(&self.header) {
                Some(own) if self.header == http::header::COOKIE => {
                    let own = own.to_str().map_err(|_| Error::InvalidRequest("a cookie is not text".into()))?;
                    let key = self.value.to_str().map_err(|_| Error::Auth("the API key is not text".into()))?;
                    Some(sensitive(&format!("{own}; {key}"), "the API key cookie")?)
                }
                _ => None,
            };
            headers.insert(self.header.clone(), merged.unwrap_or_else(|| self.value.clone()));
            Ok(None)
        })
    }

    fn secrets(&self) -> Vec<Secret> {
        // Checked to be visible ASCII when it was made.
        let value = self.value.to_str().map(Secret::new).into_iter();
        value.chain(self.also_secret.iter().cloned()).collect()
    }
}

/// A fixed key in a query parameter.
#[derive(Debug)]
struct QueryKey {
    name: String,
    key: Secret,
}

impl Signer for QueryKey {
    fn sign<'a>(&'a self, _: &'a Outgoing<'a>, _: &'a mut HeaderMap) -> SignFuture<'a> {
        Box::pin(async { Ok(None) })
    }

    fn query_parameter(&self) -> Option<(&str, &Secret)> {
        Some((&self.name, &self.key))
    }

    fn secrets(&self) -> Vec<Secret> {
        vec![self.key.clone()]
    }
}

/// A credential header value, marked sensitive so that reqwest and hyper never
/// show it (in `Debug` output, HTTP/2 header tables). The error names `what`,
/// never the value.
pub(crate) fn sensitive(value: &str, what: &str) -> Result<HeaderValue, Error> {
    let mut value = validate_header_value("credential", value)
        .map_err(|_| Error::Auth(format!("{what} is not a valid header value")))?;
    value.set_sensitive(true);
    Ok(value)
}
