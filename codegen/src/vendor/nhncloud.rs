//! NHN Cloud. Runtime side: `runtime/src/vendor/nhncloud.rs`.

use super::{Conventions, TOKEN};

const X_AUTH: &str = "nhncloud-identity";

pub const CONVENTIONS: Conventions = Conventions {
    x_auth: Some(X_AUTH),
    auth_note: "Requests carry an `X-Auth-Token`: a static token, or `NhnIdentity` which obtains and refreshes it from NHN Cloud Identity.",
    example_auth: "Auth::token(runtime::nhncloud::NhnIdentity::from_env()?)",
    example_imports: "runtime, Auth",
    credentials: &["nhncloud::NhnIdentity"],
    wait_budget: &["nhncloud", "WAIT"],
    ..TOKEN
};
