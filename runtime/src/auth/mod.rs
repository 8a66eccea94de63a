//! How requests are authenticated: every scheme is a [`Signer`] that sets its
//! own headers; [`Auth`] holds the one a client uses.
//!
//! The generic schemes live here: an X-Auth-Token or bearer token from a
//! [`TokenProvider`] (a [`StaticToken`], or a provider renewing tokens through a
//! shared [`CachedToken`]), and an API key header. Each cloud's own schemes and
//! identity services live in its module: SCP request signing
//! ([`crate::scp::ScpCredentials`]), KakaoCloud IAM
//! ([`crate::kakaocloud::KakaoCloudIam`]) and NHN Cloud Identity
//! ([`crate::nhncloud::NhnIdentity`]) tokens.
//!
//! This file only names things: code inside the crate imports from the
//! submodules, never through here, so re-exporting the vendor types below
//! makes no import circle with the vendor modules that implement [`Signer`].

pub(crate) mod cache;
pub(crate) mod identity;
pub(crate) mod secret;
pub(crate) mod signer;
pub(crate) mod token;

pub use cache::{CachedToken, IssueFuture, IssuedToken, TokenIssuer, DEFAULT_REFRESH_BEFORE};
pub use secret::Secret;
pub use signer::{Auth, Outgoing, SignFuture, Signer};
pub use token::{StaticToken, TokenFuture, TokenProvider};

/// The vendor credentials at their paths from before they moved to
/// [`crate::scp`], [`crate::kakaocloud`] and [`crate::nhncloud`], so code
/// written against those paths keeps compiling.
#[doc(no_inline)]
pub use crate::vendor::{
    kakaocloud::{KakaoCloudIam, KAKAOCLOUD_IAM_URL},
    nhncloud::{NhnIdentity, NHN_IDENTITY_URL},
    scp::{sign as scp_signature, ScpCredentials},
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_former_paths_name_the_vendor_items() {
        let _: crate::scp::ScpCredentials = ScpCredentials::new("AK", "SK");
        let _: fn(&str, &str, &str, &str, &str, &str) -> String = scp_signature;
        let _: crate::kakaocloud::KakaoCloudIam = KakaoCloudIam::new("id", "secret");
        let _: crate::nhncloud::NhnIdentity = NhnIdentity::new("tenant", "user", "password");
        assert_eq!(KAKAOCLOUD_IAM_URL, crate::kakaocloud::KAKAOCLOUD_IAM_URL);
        assert_eq!(NHN_IDENTITY_URL, crate::nhncloud::NHN_IDENTITY_URL);
    }
}
