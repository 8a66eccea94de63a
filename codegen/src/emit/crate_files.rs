//! The files around the code: `lib.rs`, version `mod.rs`, `Cargo.toml`, `README.md`.

use quote::quote;

use super::context::Crate;
use super::render::{header, render};
use crate::ir::{Method, Service};

/// Whether a version is kept only for old callers: any state but `CURRENT`.
fn is_deprecated(service: &Service) -> bool {
    service.version_status.as_deref().is_some_and(|s| s != "CURRENT")
}

fn deprecation_note(service: &Service, current_module: &str) -> String {
    let until = service.supported_until.as_deref().map(|d| format!(", supported until {d}")).unwrap_or_default();
    let status = service.version_status.as_deref().unwrap_or("DEPRECATED");
    format!("API version {} is {status}{until}; use `{current_module}`", service.version)
}

pub fn lib_rs(krate: &Crate<'_>) -> Result<String, String> {
    let spec = krate.spec;
    let current = krate.current().service;
    let mut doc = vec![format!("# {}", spec.name), String::new()];
    let versions: Vec<&str> = krate.services().map(|s| s.version.as_str()).collect();
    let sources: Vec<&str> = krate.services().map(|s| s.spec_path.as_str()).collect();
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
    doc.extend(example(krate).lines().map(str::to_owned));
    let inner: String =
        doc.iter().map(|l| if l.is_empty() { "//!\n".to_owned() } else { format!("//! {l}\n") }).collect();

    let prelude = prelude(current);
    let body = if spec.is_multi_version() {
        let current_module = &spec.versions[krate.current_index].module;
        let current_ident = super::spelling::ident(current_module);
        let modules = spec.versions.iter().zip(krate.services()).map(|(v, s)| {
            let module = super::spelling::ident(&v.module);
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
            #prelude
        }
    } else {
        quote! {
            #![forbid(unsafe_code)]
            pub mod operation;
            pub mod types;
            mod client;
            #[cfg(feature = "mocks")]
            pub mod mock;
            pub use client::*;
            pub use ::cloudsdk_runtime as runtime;
            pub use ::cloudsdk_runtime::{Auth, Config, Error, Response};
            #prelude
        }
    };
    render(&krate.sources, &inner, body)
}

/// `prelude`: what a first program needs in one `use`: the client and its
/// endpoint, the types module, errors, wait, retry and per-call settings, the stream
/// traits (unnamed, for their methods) and the cloud's credentials.
fn prelude(current: &Service) -> proc_macro2::TokenStream {
    let variables = current.servers.first().into_iter().flat_map(|s| &s.variables);
    let endpoint_enums = variables.map(|v| super::spelling::ident(&v.rust_name));
    let credentials = current.auth.conventions().credentials.iter().map(|path| {
        let segments = path.split("::").map(super::spelling::ident);
        quote!(pub use crate::runtime::#(#segments)::*;)
    });
    quote! {
        /// What a first program needs, in one import: `use` this module's items
        /// with a glob (`prelude::*`).
        pub mod prelude {
            pub use crate::{types, Auth, Client, Config, Endpoint, Error, Response #(, #endpoint_enums)*};
            pub use crate::runtime::futures_util::{StreamExt as _, TryStreamExt as _};
            pub use crate::runtime::wait::WaitConfig;
            pub use crate::runtime::{CallOptions, RetryPolicy};
            #(#credentials)*
        }
    }
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
            #[cfg(feature = "mocks")]
            pub mod mock;
            pub use client::*;
        },
    )
}

/// A compiled (not run) example: authenticate, make one call, and build a
/// request body by name for another.
fn example(krate: &Crate<'_>) -> String {
    let version = krate.current();
    let service = version.service;
    let krate = krate.spec.name.replace('-', "_");
    // Each cloud's own way to authenticate: keys from the environment or the
    // SCP config file, or a token its identity service issues and refreshes.
    let conventions = service.auth.conventions();
    let (auth, import) = (conventions.example_auth, conventions.example_imports);
    let client_args: String =
        service.client_params.iter().map(|p| format!(", \"my-{}\"", p.name.to_lowercase())).collect();
    let call = service
        .operations
        .iter()
        .find(|op| op.method == Method::Get && op.params.iter().all(|p| !p.required) && op.body.is_none())
        .map(|op| format!("let response = client.{}().send().await?;\nprintln!(\"{{}}: {{:?}}\", response.status(), response.body());\n", op.name))
        .unwrap_or_default();
    let build = construction(version);
    let types = if build.is_some() { "types, " } else { "" };
    let build = build.unwrap_or_default();
    let (imports, client) = match super::client::from_env_of(service) {
        Some(_) => (format!("{types}Client"), "// Credentials, region and endpoint as the cloud's own tools find them.\nlet client = Client::from_env().await?;".to_owned()),
        None => {
            let (enums, endpoint) = named_endpoint(service);
            (
                format!("{import}, {types}Client, Endpoint{enums}"),
                format!("let client = Client::for_endpoint(&{endpoint}, {auth}{client_args})?;"),
            )
        }
    };
    format!(
        "## Example\n\n```no_run\n# async fn example() -> Result<(), {krate}::Error> {{\nuse {krate}::{{{imports}}};\n\n{client}\n{call}{build}# Ok(())\n# }}\n```"
    )
}

/// `Endpoint::new(Region::KrWest1)?` with each server variable's default
/// named, so an example never picks a region silently; and the enums to import.
fn named_endpoint(service: &Service) -> (String, String) {
    let variables: Vec<_> = service.servers.first().into_iter().flat_map(|s| &s.variables).collect();
    if variables.is_empty() {
        return (String::new(), "Endpoint::default()".to_owned());
    }
    let enums: String = variables.iter().map(|v| format!(", {}", v.rust_name)).collect();
    let values: Vec<String> = variables
        .iter()
        .map(|v| {
            let default = v.values.iter().find(|value| value.value == v.default).or(v.values.first());
            format!("{}::{}", v.rust_name, default.map_or("default()", |d| d.rust_name.as_str()))
        })
        .collect();
    (enums, format!("Endpoint::new({})?", values.join(", ")))
}

/// Required members of a struct type, nested ones included (a few levels deep).
fn required_count(service: &Service, ty: &crate::ir::Type, depth: usize) -> usize {
    let def = ty.named().and_then(|name| service.types.get(name));
    match def.map(|d| &d.kind) {
        Some(crate::ir::TypeKind::Struct { fields, required: Some(_), .. }) if depth < 4 => {
            fields.iter().filter(|f| !f.is_optional()).map(|f| 1 + required_count(service, &f.ty, depth + 1)).sum()
        }
        _ => 0,
    }
}

/// The example of the operation whose body has the most required members,
/// nested ones included (the first of them): how a request is built by name.
fn construction(version: &super::context::Version<'_>) -> Option<String> {
    let service = version.service;
    let required_members = |op: &&crate::ir::Operation| {
        let body = op.body.as_ref().filter(|b| b.required)?;
        Some(required_count(service, &body.ty, 0)).filter(|n| *n > 0)
    };
    let most = service.operations.iter().filter_map(|op| required_members(&op)).max()?;
    let op = service.operations.iter().find(|op| required_members(op) == Some(most))?;
    let call = super::snippet::arguments(version, &super::operation::required_args(op));
    let lines = super::snippet::call_lines(version, op, &op.name, &call, super::snippet::Awaited::Send);
    let comment = "\n// Required members are named in a `…Required` struct; optional ones are `with_*` setters.\n";
    Some(format!("{comment}{}\n", lines.join("\n")))
}

pub fn cargo_toml(krate: &Crate<'_>, package_version: &str) -> String {
    let (spec, current) = (krate.spec, krate.current().service);
    let description = format!("Client for {} (generated from the vendor's API docs)", current.title).replace('"', "'");
    format!(
        "{}[package]\nname = \"{}\"\nversion = \"{package_version}\"\ndescription = \"{description}\"\nreadme = \"README.md\"\n# 2024: its doctests (one example per client method) build as one binary.\nedition = \"2024\"\nlicense.workspace = true\nrust-version.workspace = true\n\n[features]\ndefault = [\"tls-aws-lc\"]\n# TLS by rustls with aws-lc-rs: needs a C compiler (and cmake on some targets).\ntls-aws-lc = [\"cloudsdk-runtime/tls-aws-lc\"]\n# TLS by rustls with ring, no cmake: `default-features = false, features = [\"tls-ring\"]`.\ntls-ring = [\"cloudsdk-runtime/tls-ring\"]\n# Typed rules for the runtime's in-memory service, for users' offline tests.\nmocks = [\"cloudsdk-runtime/mocks\"]\n\n[dependencies]\ncloudsdk-runtime = {{ workspace = true }}\nserde = {{ workspace = true }}\n\n[dev-dependencies]\ntokio = {{ workspace = true }}\n",
        header(&spec.versions.iter().map(|v| v.display_path.clone()).collect::<Vec<_>>().join(", ")).replace("//", "#"),
        spec.name
    )
}

/// How to depend on the crate: the version requirement of this release, the
/// async runtime the examples use, and the TLS choice.
fn install(name: &str, package_version: &str) -> String {
    let requirement = match package_version.split('.').collect::<Vec<_>>()[..] {
        ["0", minor, ..] => format!("0.{minor}"),
        [major, ..] => major.to_owned(),
        [] => package_version.to_owned(),
    };
    format!(
        "## Install\n\n```toml\n[dependencies]\n{name} = \"{requirement}\"\n# The examples run on tokio: `#[tokio::main]` needs these features.\n\
         tokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n```\n\n\
         TLS is rustls with aws-lc-rs (feature `tls-aws-lc`, the default), which needs a C compiler and, on some \
         targets, cmake. Without them, choose ring: `{name} = {{ version = \"{requirement}\", default-features = false, \
         features = [\"tls-ring\"] }}`. Tests of your own code: feature `mocks` (below).\n\n"
    )
}

/// The README's pattern for users' own tests: the `mock` module's example
/// (run as a doctest in CI), without its hidden lines.
fn offline_tests(krate: &Crate<'_>) -> String {
    let lines = super::mock::example(krate.current());
    if lines.is_empty() {
        return String::new();
    }
    let shown: Vec<&str> = lines.iter().map(String::as_str).filter(|l| !l.starts_with("# ")).collect();
    format!(
        "\n## Testing your code offline\n\nWith the `mocks` feature (for tests: `[dev-dependencies] {name} = {{ version = \"…\", features = [\"mocks\"] }}`), \
         `mock::<operation>()` gives a typed rule per operation for the runtime's in-memory service: match on the \
         operation's inputs, answer with typed outputs, API errors or transport failures in turn, then count the \
         requests each rule answered. No socket is opened; the client's retries, decoding and waiters run as in \
         production. A test of {}:\n\n```rust\n{}\n```\n",
        super::mock::example_subject(krate.current()),
        shown.join("\n"),
        name = krate.spec.name
    )
}

pub fn readme(krate: &Crate<'_>, package_version: &str) -> String {
    let (spec, current) = (krate.spec, krate.current().service);
    let mut out = String::new();
    out.push_str(&format!("<!-- {} -->\n", header(&krate.sources).trim().trim_start_matches("// ")));
    out.push_str(&format!("# {}\n\nRust client for **{}**", spec.name, current.title));
    if let Some(d) = &current.description {
        out.push_str(&format!(": {}", d.trim()));
    }
    out.push_str("\n\n");
    out.push_str(&install(&spec.name, package_version));
    out.push_str(&example(krate).replace("```no_run", "```rust").replace("\n# ", "\n").replace("\n#\n", "\n"));
    out.push_str("\n\n");
    out.push_str(current.auth.conventions().readme_auth);
    out.push_str(&offline_tests(krate));
    for (version, service) in spec.versions.iter().zip(krate.services()) {
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
            let pages = if op.pagination.is_some() { " (pages: `into_stream()`)" } else { "" };
            out.push_str(&format!("| `{}` | `{} {}` | {summary}{pages} |\n", op.name, op.method, op.path));
            if let Some(waiter) = &op.waiter {
                out.push_str(&format!(
                    "| `{}` | polls `{}` | Waits until `{}` is a given state. |\n",
                    waiter.method, op.name, waiter.pointer
                ));
                if let Some(deleted) = &waiter.deleted {
                    out.push_str(&format!(
                        "| `{}` | polls `{}` | Waits until the resource is deleted (404). |\n",
                        deleted.method, op.name
                    ));
                }
            }
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
        if let Some(waiter) = &service.request_waiter {
            out.push_str(&format!(
                "| `wait_for_request` | polls `{}` | Waits until an asynchronous request (answered with a request id) finishes. |\n",
                waiter.operation
            ));
        }
    }
    out
}
