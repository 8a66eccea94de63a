//! Samsung SDS Cloud Platform. Runtime side: `runtime/src/vendor/scp.rs`.

use super::{AsyncRequests, Conventions, FromEnv};

const X_AUTH: &str = "scp-signature";

pub const CONVENTIONS: Conventions = Conventions {
    x_auth: Some(X_AUTH),
    auth_note: "Requests are signed with SCP access keys: pass `ScpCredentials` (from code, `ScpCredentials::from_env()` or the SCP config file) as the `Auth` of the `Config`.",
    readme_auth: "Authentication: SCP request signing. `Client::from_env()` finds credentials, region and endpoint as SCP's own tools do: code, then `SCP_*` (`SCP_ACCESS_KEY`, `SCP_SECRET_KEY`, `SCP_ACCOUNT_ID`, `SCP_AUTH_TOKEN`, `SCP_AUTH_URL`, `SCP_ENDPOINT_OVERRIDE`, `SCP_DEFAULT_REGION`), then the Terraform provider's `SCP_TF_*`, then `~/.scpconf/credentials.json` and `config.json`; with an auth URL, the endpoint comes from the signed endpoint catalog.\n",
    example_auth: "runtime::scp::ScpCredentials::from_default_chain()?",
    example_imports: "runtime",
    credentials: &["scp::ScpCredentials"],
    test_auth: "runtime::scp::ScpCredentials::new(\"conformance-access-key\", \"conformance-secret\")",
    // The signing headers of the SCP API docs' "Common request headers", which
    // the runtime's SCP signer sets on every request.
    transport_headers: &[
        "accept-language",
        "scp-request-path",
        "scp-accesskey",
        "scp-accountid",
        "scp-signature",
        "scp-timestamp",
        "scp-clienttype",
        "scp-api-version",
    ],
    // Mutating operations answer 202 with a `request_id`; `GET /v1/requests/{request_id}`
    // (`show_request`) reports its `state`.
    async_requests: Some(AsyncRequests {
        status_operation: "show_request",
        state_member: "state",
        classifier: &["scp", "request_state"],
    }),
    // `Scp-Api-Version`, e.g. `epas 1.0`: each SCP API reference page names its version.
    api_version_extension: Some("x-cloudsdk-scp-api-version"),
    wait_budget: &["scp", "WAIT"],
    from_env: Some(FromEnv {
        doc: &[
            "A client set up the way SCP's own tools are: credentials, account id, auth token, auth URL, endpoint override and region from the environment, in the order of [`runtime::scp::ScpEnvironment`](rt::scp::ScpEnvironment) (`SCP_*` variables, then the Terraform provider's `SCP_TF_*`, then `~/.scpconf/credentials.json` and `config.json`).",
            "The base URL is the `endpoint-override`, else this service's entry in the signed endpoint catalog of the `auth-url` (for the default region), else this crate's URL template for the default region. The error of a missing piece lists where it was looked for, never a secret.",
        ],
        body: r#"{
            let environment = rt::scp::ScpEnvironment::load()?;
            let base_url = match environment.endpoint(SERVICE.name).await? {
                Some(url) => url,
                None => {
                    let region = environment.region().ok_or_else(|| {
                        rt::Error::InvalidRequest(
                            "no SCP region: set SCP_DEFAULT_REGION or SCP_TF_DEFAULT_REGION, `default-region` in ~/.scpconf/config.json, or an endpoint override or auth URL".into(),
                        )
                    })?;
                    Endpoint::new(region.parse()?, Environment::default())?.url()
                }
            };
            Self::new(rt::Config::new(base_url, environment.credentials().clone()))
        }"#,
        needs: &["Region", "Environment"],
    }),
};
