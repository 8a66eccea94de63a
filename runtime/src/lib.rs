//! Runtime shared by every generated client crate: configuration, authentication
//! (SCP request signing, X-Auth-Token providers), the request pipeline with retries
//! and tracing, errors, typed responses, pagination and waiters.
//!
//! Generated crates build a [`Request`] per operation and hand it to
//! [`Client::execute`]; everything that is not specific to one operation lives here.

pub mod auth;
mod client;
mod config;
mod encode;
mod error;
mod response;
pub mod retry;

pub use auth::{Auth, Secret};
pub use client::{Client, Request, ServiceInfo};
pub use config::Config;
pub use encode::{encode_path_segment, validate_header_value};
pub use error::{ApiError, Error};
pub use response::Response;
pub use retry::RetryPolicy;

/// Re-exported so generated crates and their users name one version of each.
pub use {bytes, chrono, http, reqwest, serde_json};
