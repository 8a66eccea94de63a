//! The files around the code: `lib.rs`, version `mod.rs`, `Cargo.toml`, `README.md`.

use quote::quote;

use super::{header, render};
use crate::ir::{Auth, Service};
use crate::CrateSpec;

/// Whether a version is kept only for old callers: any state but `CURRENT`.
fn is_deprecated(service: &Service) -> bool {
    service.version_status.as_deref().is_some_and(|s| s != "CURRENT")
}

fn deprecation_note(service: &Service, current_module: &str) -> String {
    let until = service.supported_until.as_deref().map(|d| format!(", supported until {d}")).unwrap_or_default();
    let status = service.version_status.as_deref().unwrap_or("DEPRECATED");
    format!("API version {} is {status}{until}; use `{current_module}`", service.version)
}

/// The version the crate root re-exports: the one marked `CURRENT`, else the newest.
fn current_index(services: &[Service]) -> usize {
    services.iter().rposition(|s| s.version_status.as_deref() == Some("CURRENT")).unwrap_or(services.len() - 1)
}

pub fn lib_rs(spec: &CrateSpec, services: &[Service]) -> Result<String, String> {
    let current = &services[current_index(services)];
    let sources: Vec<&str> = services.iter().map(|s| s.spec_path.as_str()).collect();
    let mut doc = vec![format!("# {}", spec.name), String::new()];
    let versions: Vec<String> = services.iter().map(|s| s.version.clone()).collect();
    doc.push(format!(
        "Client for {} (API version {}), generated from `{}`.",
        super::doc::escape(&current.title),
        versions.join(", "),
        sources.join("`, `")
    ));
    if let Some(description) = &current.description {
        super::doc::paragraph(&mut doc, description);
    }
    doc.push(String::new());
    doc.extend(example(spec, current).lines().map(str::to_owned));
    let inner: String =
        doc.iter().map(|l| if l.is_empty() { "//!\n".to_owned() } else { format!("//! {l}\n") }).collect();

    let body = if spec.is_multi_version() {
        let current_module = &spec.versions[current_index(services)].module;
        let current_ident = super::types::ident(current_module);
        let modules = spec.versions.iter().zip(services).map(|(v, s)| {
            let module = super::types::ident(&v.module);
            let until = s.supported_until.as_deref().map(|d| format!(", supported until {d}")).unwrap_or_default();
            let line =
                format!(" API version {} ({}{until}).", s.version, s.version_status.as_deref().unwrap_or("CURRENT"));
            let deprecated = is_deprecated(s).then(|| {
                let note = deprecation_note(s, current_module);
                quote!(#[deprecated(note = #note)])
            });
            quote!(#[doc = #line] #deprecated pub mod #module;)
        });
        quote! {
            #![forbid(unsafe_code)]
            pub mod shared;
            #(#modules)*
            pub use #current_ident::*;
            pub use ::cloudsdk_runtime as runtime;
            pub use ::cloudsdk_runtime::{Auth, Config, Error, Response};
        }
    } else {
        quote! {
            #![forbid(unsafe_code)]
            pub mod operation;
            pub mod types;
            mod client;
            pub use client::*;
            pub use ::cloudsdk_runtime as runtime;
            pub use ::cloudsdk_runtime::{Auth, Config, Error, Response};
        }
    };
    render(&sources.join(", "), &inner, body)
}

pub fn version_mod_rs(service: &Service) -> Result<String, String> {
    let mut doc = format!("//! API version {}", service.version);
    if let Some(status) = &service.version_status {
        doc.push_str(&format!(" ({status}"));
        if let Some(until) = &service.supported_until {
            doc.push_str(&format!(", supported until {until}"));
        }
        doc.push(')');
    }
    doc.push_str(&format!(", from `{}`.\n", service.spec_path));
    let allow = is_deprecated(service).then(|| quote!(#![allow(deprecated)]));
    render(
        &service.spec_path,
        &doc,
        quote! {
            #allow
            pub mod operation;
            pub mod types;
            mod client;
            pub use client::*;
        },
    )
}

/// A compiled (not run) example: authenticate and make one call.
fn example(spec: &CrateSpec, service: &Service) -> String {
    let krate = spec.name.replace('-', "_");
    // Each cloud's own way to authenticate: keys from the environment or the
    // SCP config file, or a token its identity service issues and refreshes.
    let (auth, import) = match &service.auth {
        Auth::ScpSignature => ("runtime::auth::ScpCredentials::from_default_chain()?", "runtime"),
        Auth::Token { issuer: Some(issuer) } if issuer == "nhncloud-identity" => {
            ("Auth::token(runtime::auth::NhnIdentity::from_env()?)", "runtime, Auth")
        }
        Auth::Token { issuer: Some(issuer) } if issuer == "kakaocloud-iam" => {
            ("Auth::token(runtime::auth::KakaoCloudIam::from_env()?)", "runtime, Auth")
        }
        _ => ("Auth::static_token(std::env::var(\"API_TOKEN\").unwrap_or_default())", "Auth"),
    };
    let client_args: String =
        service.client_params.iter().map(|p| format!(", \"my-{}\"", p.name.to_lowercase())).collect();
    let call = service
        .operations
        .iter()
        .find(|op| op.method == "GET" && op.params.iter().all(|p| !p.required) && op.body.is_none())
        .map(|op| format!("let response = client.{}().send().await?;\nprintln!(\"{{}}: {{:?}}\", response.status(), response.body());\n", op.name))
        .unwrap_or_default();
    format!(
        "## Example\n\n```no_run\n# async fn example() -> Result<(), {krate}::Error> {{\nuse {krate}::{{{import}, Client, Endpoint}};\n\nlet client = Client::for_endpoint(&Endpoint::default(), {auth}{client_args})?;\n{call}# Ok(())\n# }}\n```"
    )
}

pub fn cargo_toml(spec: &CrateSpec, services: &[Service], package_version: &str) -> String {
    let current = &services[current_index(services)];
    let description = format!("Client for {} (generated from the vendor's API docs)", current.title).replace('"', "'");
    format!(
        "{}[package]\nname = \"{}\"\nversion = \"{package_version}\"\ndescription = \"{description}\"\nreadme = \"README.md\"\nedition.workspace = true\nlicense.workspace = true\nrust-version.workspace = true\n\n[dependencies]\ncloudsdk-runtime = {{ workspace = true }}\nserde = {{ workspace = true }}\n\n[dev-dependencies]\ntokio = {{ workspace = true }}\n",
        header(&spec.versions.iter().map(|v| v.display_path.clone()).collect::<Vec<_>>().join(", ")).replace("//", "#"),
        spec.name
    )
}

pub fn readme(spec: &CrateSpec, services: &[Service]) -> String {
    let current = &services[current_index(services)];
    let mut out = String::new();
    out.push_str(&format!(
        "<!-- {} -->\n",
        header(&services.iter().map(|s| s.spec_path.as_str()).collect::<Vec<_>>().join(", "))
            .trim()
            .trim_start_matches("// ")
    ));
    out.push_str(&format!("# {}\n\nRust client for **{}**", spec.name, current.title));
    if let Some(d) = &current.description {
        out.push_str(&format!(": {}", d.trim()));
    }
    out.push_str("\n\n");
    out.push_str(&example(spec, current).replace("```no_run", "```rust").replace("\n# ", "\n").replace("\n#\n", "\n"));
    out.push_str("\n\n");
    out.push_str(match &current.auth {
        Auth::ScpSignature => "Authentication: SCP request signing. Credentials come from code (`ScpCredentials::new`), from `SCP_ACCESS_KEY` / `SCP_SECRET_KEY` / `SCP_ACCOUNT_ID`, or from the SCP config file.\n",
        Auth::Token { .. } => "Authentication: `X-Auth-Token`, static or obtained and refreshed by the runtime's identity providers.\n",
        _ => "",
    });
    for (version, service) in spec.versions.iter().zip(services) {
        out.push_str(&format!("\n## Operations, API version {}", service.version));
        if spec.is_multi_version() {
            out.push_str(&format!(" (module `{}`", version.module));
            if let Some(status) = &service.version_status {
                out.push_str(&format!(", {status}"));
            }
            if let Some(until) = &service.supported_until {
                out.push_str(&format!(", supported until {until}"));
            }
            out.push(')');
        }
        out.push_str("\n\n| method | HTTP | summary |\n| --- | --- | --- |\n");
        for op in &service.operations {
            let summary = op
                .doc
                .summary
                .as_deref()
                .or(op.doc.description.as_deref())
                .unwrap_or("")
                .lines()
                .next()
                .unwrap_or("")
                .replace('|', "\\|");
            out.push_str(&format!("| `{}` | `{} {}` | {} |\n", op.name, op.method, op.path, summary));
            for v in &op.body_variants {
                out.push_str(&format!(
                    "| `{}` | `{} {}` | {} |\n",
                    v.method,
                    op.method,
                    op.path,
                    v.summary.as_deref().unwrap_or("").replace('|', "\\|")
                ));
            }
        }
    }
    out
}
