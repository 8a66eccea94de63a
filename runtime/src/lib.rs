//! Runtime shared by every generated client crate: configuration, authentication
//! (one [`auth::Signer`] per scheme), the request pipeline with retries and
//! tracing, errors, typed responses, pagination and waiters. Each cloud's own
//! conventions are in [`scp`], [`kakaocloud`] and [`nhncloud`].
//!
//! Generated crates build a [`Request`] per operation and hand it to
//! [`Client::execute`]; everything that is not specific to one operation lives here.

pub mod auth;
mod body;
mod client;
mod config;
mod datetime;
mod encode;
mod error;
pub mod example;
#[cfg(feature = "mocks")]
pub mod mock;
pub mod multipart;
pub mod nullable;
pub mod paginate;
mod response;
pub mod retry;
mod stream;
mod style;
pub mod transport;
pub mod validate;
mod vendor;
pub mod wait;

pub use auth::{Auth, Secret};
pub use bytes::Bytes;
pub use client::{Client, Request, ServiceInfo};
pub use config::{CallOptions, Config};
pub use datetime::DateTime;
pub use encode::{encode_path_segment, json_text, validate_header_value};
pub use error::{ApiError, DecodeError, Error};
pub use multipart::FilePart;
pub use paginate::{marker_stream, page_stream, ItemStream, Items};
pub use response::Response;
pub use retry::RetryPolicy;
pub use stream::ByteStream;
pub use style::{header_styled, path_styled, query_styled, Style};
pub use vendor::{kakaocloud, nhncloud, scp};
pub use wait::{WaitConfig, Waiter};

/// Re-exported so generated crates and their users name one version of each.
pub use {bytes, chrono, futures_core, futures_util, http, reqwest, serde_json};
