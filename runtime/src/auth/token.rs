//! X-Auth-Token providers.

use std::future::Future;
use std::pin::Pin;

use super::secret::Secret;
use super::signer::Outgoing;
use crate::Error;

/// The future a [`TokenProvider`] returns.
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<Secret, Error>> + Send + 'a>>;

/// Source of the `X-Auth-Token` header value.
///
/// Implementations cache their token and share it between concurrent requests;
/// the client calls [`invalidate`](TokenProvider::invalidate) when the service
/// answers 401 and then asks once more.
pub trait TokenProvider: Send + Sync + std::fmt::Debug {
    /// A token valid for at least the next request.
    fn token(&self) -> TokenFuture<'_>;

    /// A token for `request`: a provider that calls an identity service bounds
    /// that call by the request's timeouts. By default, [`token`](TokenProvider::token).
    fn token_for(&self, request: &Outgoing<'_>) -> TokenFuture<'_> {
        let _ = request;
        self.token()
    }

    /// Forgets `rejected` so that the next [`token`](TokenProvider::token) issues a new one.
    /// Returns whether a new token can be had (a static token cannot).
    fn invalidate(&self, rejected: &Secret) -> bool {
        let _ = rejected;
        false
    }

    /// The secrets the provider holds (its credentials, the tokens it hands
    /// out), which errors redact when a service echoes them.
    fn secrets(&self) -> Vec<Secret> {
        Vec::new()
    }
}

/// A token obtained elsewhere, used as is.
#[derive(Debug, Clone)]
pub struct StaticToken(Secret);

impl StaticToken {
    /// Wraps a token.
    pub fn new(token: impl Into<Secret>) -> Self {
        StaticToken(token.into())
    }
}

impl TokenProvider for StaticToken {
    fn token(&self) -> TokenFuture<'_> {
        let token = self.0.clone();
        Box::pin(async move { Ok(token) })
    }

    fn secrets(&self) -> Vec<Secret> {
        vec![self.0.clone()]
    }
}

/// A provider shared with other code (to inspect or invalidate it) serves as well.
impl<T: TokenProvider + ?Sized> TokenProvider for std::sync::Arc<T> {
    fn token(&self) -> TokenFuture<'_> {
        (**self).token()
    }

    fn token_for(&self, request: &Outgoing<'_>) -> TokenFuture<'_> {
        (**self).token_for(request)
    }

    fn invalidate(&self, rejected: &Secret) -> bool {
        (**self).invalidate(rejected)
    }

    fn secrets(&self) -> Vec<Secret> {
        (**self).secrets()
    }
}
