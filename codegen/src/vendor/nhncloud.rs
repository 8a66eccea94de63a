//! NHN Cloud. Runtime side: `runtime/src/vendor/nhncloud.rs`.

use super::{Conventions, FromEnv, TOKEN};

const X_AUTH: &str = "nhncloud-identity";

pub const CONVENTIONS: Conventions = Conventions {
    x_auth: Some(X_AUTH),
    auth_note: "Requests carry an `X-Auth-Token`: a static token, or `NhnIdentity` which obtains and refreshes it from NHN Cloud Identity.",
    example_auth: "Auth::token(runtime::nhncloud::NhnIdentity::from_env()?)",
    example_imports: "runtime, Auth",
    readme_auth: "Authentication: `X-Auth-Token` from NHN Cloud Identity. `Client::from_env()` reads `NHN_*`, then the OpenStack `OS_*` variables, then `clouds.yaml` (`OS_CLOUD`), and takes the compute endpoint of the region from the token's service catalog.\n",
    credentials: &["nhncloud::NhnIdentity"],
    wait_budget: &["nhncloud", "WAIT"],
    from_env: Some(FromEnv {
        doc: &[
            "A client set up the way OpenStack tools are: credentials and region from `NHN_*`, then `OS_*` variables, then `clouds.yaml` (`OS_CLOUD`), in the order of [`runtime::nhncloud::NhnIdentity::from_env`](rt::nhncloud::NhnIdentity::from_env).",
            "A token is issued at once, and the compute endpoint of the chosen region is taken from its service catalog, so the tenant id is given once, by the credentials.",
        ],
        body: r#"{
            let identity = rt::nhncloud::NhnIdentity::from_env()?;
            let compute = identity.compute_endpoint().await?;
            Self::new(rt::Config::new(compute.base_url, rt::Auth::token(identity)), compute.tenant_id)
        }"#,
        needs: &[],
    }),
    ..TOKEN
};
