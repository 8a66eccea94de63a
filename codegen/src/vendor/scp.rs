//! Samsung SDS Cloud Platform. Runtime side: `runtime/src/vendor/scp.rs`.

use super::{AsyncRequests, Conventions};

const X_AUTH: &str = "scp-signature";

pub const CONVENTIONS: Conventions = Conventions {
    x_auth: Some(X_AUTH),
    auth_note: "Requests are signed with SCP access keys: pass `ScpCredentials` (from code, `ScpCredentials::from_env()` or the SCP config file) as the `Auth` of the `Config`.",
    readme_auth: "Authentication: SCP request signing. Credentials come from code (`ScpCredentials::new`), from `SCP_ACCESS_KEY` / `SCP_SECRET_KEY` / `SCP_ACCOUNT_ID`, or from the SCP config file.\n",
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
    api_version_extension: Some("x-scp-api-version"),
    wait_budget: &["scp", "WAIT"],
};
