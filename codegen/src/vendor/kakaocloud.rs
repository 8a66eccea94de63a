//! KakaoCloud. Runtime side: `runtime/src/vendor/kakaocloud.rs`.

use super::{Conventions, TOKEN};

const X_AUTH: &str = "kakaocloud-iam";

pub const CONVENTIONS: Conventions = Conventions {
    x_auth: Some(X_AUTH),
    auth_note: "Requests carry an `X-Auth-Token`: a static token, or `KakaoCloudIam` which obtains and refreshes it with an application credential.",
    example_auth: "Auth::token(runtime::kakaocloud::KakaoCloudIam::from_env()?)",
    example_imports: "runtime, Auth",
    credentials: &["kakaocloud::KakaoCloudIam"],
    wait_budget: &["kakaocloud", "WAIT"],
    ..TOKEN
};
