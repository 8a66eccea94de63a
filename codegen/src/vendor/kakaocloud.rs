//! KakaoCloud. Runtime side: `runtime/src/vendor/kakaocloud.rs`.

use super::{Conventions, FromEnv, TOKEN};

const X_AUTH: &str = "kakaocloud-iam";

pub const CONVENTIONS: Conventions = Conventions {
    x_auth: Some(X_AUTH),
    auth_note: "Requests carry an `X-Auth-Token`: a static token, or `KakaoCloudIam` which obtains and refreshes it with an application credential.",
    example_auth: "Auth::token(runtime::kakaocloud::KakaoCloudIam::from_env()?)",
    example_imports: "runtime, Auth",
    readme_auth: "Authentication: `X-Auth-Token` from KakaoCloud IAM. `Client::from_env()` reads the application credential from `KAKAOCLOUD_APPLICATION_CREDENTIAL_ID` / `_SECRET` (the Terraform provider's names), then `OS_APPLICATION_CREDENTIAL_*`, and the region from `KAKAOCLOUD_REGION` or `OS_REGION_NAME`.\n",
    credentials: &["kakaocloud::KakaoCloudIam"],
    wait_budget: &["kakaocloud", "WAIT"],
    from_env: Some(FromEnv {
        doc: &[
            "A client set up the way KakaoCloud's tools are: the application credential and region from the variables [`runtime::kakaocloud::KakaoCloudIam::from_env`](rt::kakaocloud::KakaoCloudIam::from_env) reads (`KAKAOCLOUD_*`, then `OS_*`).",
            "The region must be set (`KAKAOCLOUD_REGION` or `OS_REGION_NAME`): none is picked silently.",
        ],
        body: r#"{
            let iam = rt::kakaocloud::KakaoCloudIam::from_env()?;
            let region = iam.region().ok_or_else(|| {
                rt::Error::InvalidRequest("no KakaoCloud region: set KAKAOCLOUD_REGION or OS_REGION_NAME".into())
            })?;
            Self::for_endpoint(&Endpoint::new(region.parse()?)?, rt::Auth::token(iam))
        }"#,
        needs: &["Region"],
    }),
    ..TOKEN
};
