//! The typed answer of a successful call.

use std::fmt;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::auth::secret::Redaction;
use crate::error::DecodeError;
use crate::Error;

/// A 2xx response: the typed body together with the status and headers it came with.
#[derive(Clone)]
pub struct Response<T> {
    status: StatusCode,
    headers: HeaderMap,
    body: T,
    /// The secrets a decode error must not show.
    redaction: Redaction,
}

impl<T> Response<T> {
    /// A response, as a test double of one the service sent.
    pub fn new(status: StatusCode, headers: HeaderMap, body: T) -> Self {
        Response { status, headers, body, redaction: Redaction::default() }
    }

    /// This response, whose decode errors do not show the secrets of `redaction`.
    pub(crate) fn with_redaction(self, redaction: Redaction) -> Self {
        Response { redaction, ..self }
    }

    /// HTTP status of the response.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// All response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// One response header as text, if present and valid UTF-8.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }

    /// The typed body.
    pub fn body(&self) -> &T {
        &self.body
    }

    /// Takes the typed body, dropping status and headers.
    pub fn into_body(self) -> T {
        self.body
    }

    /// Transforms the body, keeping status and headers.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response { status: self.status, headers: self.headers, body: f(self.body), redaction: self.redaction }
    }

    /// Splits the response into its parts.
    pub fn into_parts(self) -> (StatusCode, HeaderMap, T) {
        (self.status, self.headers, self.body)
    }
}

impl Response<Bytes> {
    /// Decodes the body as JSON; a mismatch keeps the raw body in the error.
    pub fn json<T: DeserializeOwned>(self) -> Result<Response<T>, Error> {
        match serde_json::from_slice(&self.body) {
            Ok(body) => Ok(self.map(|_| body)),
            Err(serde) => Err(Error::Decode {
                status: self.status,
                source: DecodeError::new(serde, &self.body, &self.redaction.redactor()),
                body: self.body,
            }),
        }
    }

    /// Decodes the body as JSON when there is one: for operations documented with
    /// a body for some success statuses and none for others.
    pub fn json_if_present<T: DeserializeOwned>(self) -> Result<Response<Option<T>>, Error> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(self.map(|_| None));
        }
        Ok(self.json::<T>()?.map(Some))
    }

    /// Decodes the body as UTF-8 text, for operations documented to answer
    /// `text/*`; invalid UTF-8 is an [`Error::Decode`] that keeps the bytes.
    pub fn text(self) -> Result<Response<String>, Error> {
        match std::str::from_utf8(&self.body) {
            Ok(text) => {
                let text = text.to_owned();
                Ok(self.map(|_| text))
            }
            Err(utf8) => {
                let serde =
                    <serde_json::Error as serde::de::Error>::custom(format!("the body is not UTF-8 text: {utf8}"));
                Err(Error::Decode {
                    status: self.status,
                    source: DecodeError::new(serde, &self.body, &self.redaction.redactor()),
                    body: self.body,
                })
            }
        }
    }

    /// Discards the body of an operation documented without one.
    pub fn empty(self) -> Response<()> {
        self.map(|_| ())
    }
}

/// The body is shown with every configured secret replaced: a service may echo
/// a token in a member the spec does not mark secret (and a waiter's error
/// shows the last response it polled).
impl<T: fmt::Debug> fmt::Debug for Response<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let body = format!("{:?}", self.body);
        let body = self.redaction.redactor().excerpt(body.as_bytes(), usize::MAX);
        f.debug_struct("Response")
            .field("status", &self.status)
            // Names only, as `ApiError` shows them: a value may be a cookie or an echoed token.
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("body", &format_args!("{body}"))
            .finish()
    }
}
