//! The typed answer of a successful call.

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::Error;

/// A 2xx response: the typed body together with the status and headers it came with.
#[derive(Debug, Clone)]
pub struct Response<T> {
    status: StatusCode,
    headers: HeaderMap,
    body: T,
}

impl<T> Response<T> {
    pub(crate) fn new(status: StatusCode, headers: HeaderMap, body: T) -> Self {
        Response { status, headers, body }
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
        Response::new(self.status, self.headers, f(self.body))
    }

    /// Splits the response into its parts.
    pub fn into_parts(self) -> (StatusCode, HeaderMap, T) {
        (self.status, self.headers, self.body)
    }
}

impl Response<Bytes> {
    /// Decodes the body as JSON; a mismatch keeps the raw body in the error.
    pub fn json<T: DeserializeOwned>(self) -> Result<Response<T>, Error> {
        let body = serde_json::from_slice(&self.body).map_err(|source| Error::Decode {
            status: self.status,
            body: self.body.clone(),
            source,
        })?;
        Ok(Response::new(self.status, self.headers, body))
    }

    /// Decodes the body as JSON when there is one: for operations documented with
    /// a body for some success statuses and none for others.
    pub fn json_if_present<T: DeserializeOwned>(self) -> Result<Response<Option<T>>, Error> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Response::new(self.status, self.headers, None));
        }
        Ok(self.json::<T>()?.map(Some))
    }

    /// Discards the body of an operation documented without one.
    pub fn empty(self) -> Response<()> {
        Response::new(self.status, self.headers, ())
    }
}
