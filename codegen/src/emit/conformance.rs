//! `tests/conformance.rs` of a generated crate: every operation called once, with
//! arguments built from the spec's examples, against a Prism mock that validates
//! the request against the spec. The tests are `#[ignore]`d: `cargo xtask test`
//! starts Prism and runs them with `PRISM_URL_<CRATE>[_<MODULE>]` set.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::{json, Value};

use super::context::Crate;
use super::operation::required_args;
use super::spelling::{rust_type, Scope};
use crate::ir::{Auth, Operation, Service, Type, TypeKind};

/// The environment variable holding the Prism URL of one version of a crate.
pub fn prism_env(crate_name: &str, module: Option<&str>) -> String {
    let mut name = format!("PRISM_URL_{}", crate_name.replace('-', "_").to_uppercase());
    if let Some(module) = module {
        name.push('_');
        name.push_str(&module.to_uppercase());
    }
    name
}

/// `None` when the crate has no operation to call.
pub fn conformance_rs(facts: &Crate<'_>) -> Result<Option<String>, String> {
    let spec = facts.spec;
    let services: Vec<&Service> = facts.services().collect();
    if services.iter().all(|s| s.operations.is_empty()) {
        return Ok(None);
    }
    let krate = format_ident!("{}", spec.name.replace('-', "_"));
    let mut modules = Vec::new();
    for (version, service) in spec.versions.iter().zip(&services) {
        let module = spec.is_multi_version().then_some(version.module.as_str());
        let env = prism_env(&spec.name, module);
        let path = match module {
            Some(m) => {
                let m = format_ident!("{}", m);
                quote!(#krate::#m)
            }
            None => quote!(#krate),
        };
        let auth = test_auth(&krate, &service.auth)?;
        let other_auths = service
            .other_schemes
            .iter()
            .map(|scheme| {
                let (name, auth) = (&scheme.name, test_auth(&krate, &scheme.auth)?);
                Ok(quote!(.with_auth_for(#name, #auth)))
            })
            .collect::<Result<Vec<_>, String>>()?;
        let client_args = service.client_params.iter().map(|_| quote!("conformance-tenant"));
        let tests = service.operations.iter().map(|op| operation_test(service, op));
        let body = quote! {
            #[allow(unused_imports)]
            use #path::types;

            fn client() -> #path::Client {
                let url = std::env::var(#env).expect(concat!(#env, " is set by `cargo xtask test`"));
                let config = #krate::Config::new(url, #auth)#(#other_auths)*.with_retry(#krate::runtime::RetryPolicy::disabled());
                #path::Client::new(config, #(#client_args),*).expect("client")
            }

            #(#tests)*
        };
        modules.push(match module {
            Some(m) => {
                let m = format_ident!("{}", m);
                quote!(mod #m { #[allow(unused_imports)] use super::{accepted, serde_json_from}; #body })
            }
            None => body,
        });
    }
    let takes_args = services.iter().flat_map(|s| &s.operations).any(|op| !required_args(op).is_empty());
    let decode = takes_args.then(|| {
        quote! {
            /// Decodes an argument from the spec's example JSON.
            fn serde_json_from<T: ::serde::de::DeserializeOwned>(json: &str) -> T {
                #krate::runtime::serde_json::from_str(json).expect("the spec's example decodes")
            }
        }
    });
    let tokens = quote! {
        #![allow(deprecated)]
        #(#modules)*
        #decode

        /// Prism answers a request that violates the spec with an error status and
        /// an `sl-violations` header; anything but a decoded 2xx fails the test.
        fn accepted<T: std::fmt::Debug>(result: Result<#krate::Response<T>, #krate::Error>) {
            match result {
                Ok(response) => assert!(response.header("sl-violations").is_none(), "violations: {:?}", response.header("sl-violations")),
                Err(error) => {
                    let violations = error.as_api().and_then(|e| e.headers.get("sl-violations").cloned());
                    panic!("{error}; violations: {violations:?}");
                }
            }
        }
    };
    super::render::render(
        &facts.sources,
        "//! Every operation against a spec-validating Prism mock (`cargo xtask test` runs these).\n",
        tokens,
    )
    .map(Some)
}

/// The vendor's test credentials, as an expression under the crate root.
fn test_auth(krate: &proc_macro2::Ident, auth: &Auth) -> Result<TokenStream, String> {
    let expression = format!("{krate}::{}", auth.conventions().test_auth);
    expression.parse().map_err(|e| format!("test credentials `{expression}` do not parse: {e}"))
}

fn operation_test(service: &Service, op: &Operation) -> TokenStream {
    let name = format_ident!("{}", op.name);
    let args = required_args(op).into_iter().map(|arg| {
        let value = if arg.name == "body" {
            op.body
                .as_ref()
                .and_then(|b| b.examples.first().cloned())
                .unwrap_or_else(|| synthesize(service, &arg.ty, 0))
        } else {
            let param = op.params.iter().find(|p| p.rust_name == arg.name);
            param
                .and_then(|p| p.doc.example.clone().or_else(|| p.doc.default.clone()).or_else(|| for_format(&p.doc)))
                .unwrap_or_else(|| synthesize(service, &arg.ty, 0))
        };
        if arg.ty == Type::ByteStream {
            return quote!(rt::ByteStream::from_static(b"conformance"));
        }
        let ty = rust_type(&arg.ty, Scope::Elsewhere);
        let json = serde_json::to_string(&value).unwrap_or_default();
        quote!(serde_json_from::<#ty>(#json))
    });
    let skip = op.deprecated.then(|| quote!(#[allow(deprecated)]));
    let reason = "needs a Prism mock: run `cargo xtask test`";
    quote! {
        #[tokio::test]
        #[ignore = #reason]
        #skip
        async fn #name() {
            accepted(client().#name(#(#args),*).send().await);
        }
    }
}

/// A value for string formats the Rust type does not capture.
fn for_format(doc: &crate::ir::Doc) -> Option<Value> {
    match doc.format.as_deref()? {
        "uuid" => Some(json!("3fa85f64-5717-4562-b3fc-2c963f66afa6")),
        "date" => Some(json!("2024-05-17")),
        "email" => Some(json!("user@example.com")),
        "uri" => Some(json!("https://example.com/")),
        "ipv4" => Some(json!("192.0.2.1")),
        _ => None,
    }
}

/// A value of `ty` valid for the spec, from examples and defaults where the spec
/// has them, else the simplest value of the type.
fn synthesize(service: &Service, ty: &Type, depth: usize) -> Value {
    if depth > 8 {
        return Value::Null;
    }
    match ty {
        Type::String | Type::Text => json!("conformance"),
        Type::Bytes | Type::ByteStream | Type::File => json!([]),
        Type::Integer(_) => json!(1),
        Type::Number(_) => json!(1.0),
        Type::Boolean => json!(true),
        Type::DateTime => json!("2024-05-17T00:23:17Z"),
        Type::Any | Type::Object | Type::Map(_) => json!({}),
        Type::Array(_) => json!([]),
        Type::Nullable(_) => Value::Null,
        Type::Named(name) => match service.types.get(name).map(|t| (&t.kind, &t.doc)) {
            Some((_, doc)) if doc.example.is_some() => doc.example.clone().unwrap_or_default(),
            Some((TypeKind::Enum { values, .. }, _)) => {
                json!(values.first().map(|v| v.value.clone()).unwrap_or_default())
            }
            Some((TypeKind::Struct { fields, .. }, _)) => {
                let members = fields.iter().filter(|f| f.required).map(|f| {
                    let value =
                        f.doc
                            .example
                            .clone()
                            .or_else(|| f.doc.default.clone())
                            .or_else(|| for_format(&f.doc))
                            .unwrap_or_else(|| {
                                if f.nullable {
                                    Value::Null
                                } else {
                                    synthesize(service, &f.ty, depth + 1)
                                }
                            });
                    (f.name.clone(), value)
                });
                Value::Object(members.collect())
            }
            Some((TypeKind::Union { variants, .. }, _)) => {
                variants.first().map(|v| synthesize(service, &v.ty, depth + 1)).unwrap_or_default()
            }
            Some((TypeKind::Alias(target), _)) => synthesize(service, target, depth + 1),
            None => Value::Null,
        },
    }
}
