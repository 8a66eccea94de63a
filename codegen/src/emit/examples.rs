//! `tests/examples.rs` of a generated crate: every example of its spec decodes
//! into the generated type and encodes back to equivalent JSON.

use std::str::FromStr;

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use super::context::Crate;
use super::spelling::{rust_type, Scope};
use crate::ir::{Service, Type};

pub fn examples_rs(facts: &Crate<'_>) -> Result<Option<String>, String> {
    let spec = facts.spec;
    let services: Vec<&Service> = facts.services().collect();
    let krate = format_ident!("{}", spec.name.replace('-', "_"));
    let mut total = 0;
    let modules: Vec<TokenStream> = spec
        .versions
        .iter()
        .zip(&services)
        .map(|(version, service)| {
            let tests = tests_of(service);
            total += tests.len();
            let types_path = if spec.is_multi_version() {
                let module = format_ident!("{}", version.module);
                quote!(#krate::#module::types)
            } else {
                quote!(#krate::types)
            };
            let body = quote! {
                #[allow(unused_imports)]
                use #types_path;
                #(#tests)*
            };
            if spec.is_multi_version() {
                let module = format_ident!("{}", version.module);
                quote!(mod #module { use super::check; #body })
            } else {
                body
            }
        })
        .collect();
    if total == 0 {
        return Ok(None);
    }
    let tokens = quote! {
        #![allow(deprecated)]
        #(#modules)*

        /// Fails the test with the path of the first difference.
        fn check<T: ::serde::de::DeserializeOwned + ::serde::Serialize>(json: &str) {
            if let Err(problem) = #krate::runtime::example::round_trip::<T>(json) {
                panic!("{problem}");
            }
        }
    };
    super::render::render(
        &facts.sources,
        "//! Every example in the spec decodes into its generated type and encodes back\n//! to equivalent JSON (`cloudsdk_runtime::example::round_trip`).\n",
        tokens,
    )
    .map(Some)
}

fn tests_of(service: &Service) -> Vec<TokenStream> {
    let mut tests = Vec::new();
    for op in &service.operations {
        // Only JSON examples are JSON to decode: text, bytes, forms and parts are not.
        if let Some(body) = op.body.as_ref().filter(|b| b.media == crate::ir::BodyMedia::Json) {
            for (i, example) in body.examples.iter().enumerate() {
                tests.push(test(&format!("{}_request_{}", op.name, i + 1), &body.ty, example));
            }
        }
        for response in &op.responses {
            let Some(ty) = response.ty.as_ref().filter(|ty| !matches!(ty, Type::Text | Type::Bytes)) else { continue };
            for (i, example) in response.examples.iter().enumerate() {
                tests.push(test(
                    &format!("{}_{}_response_{}", op.name, response.status.to_string().to_lowercase(), i + 1),
                    ty,
                    example,
                ));
            }
        }
    }
    tests
}

fn test(name: &str, ty: &Type, example: &Value) -> TokenStream {
    let name = format_ident!("{}", name);
    let ty = rust_type(ty, Scope::Elsewhere);
    let json = raw_string(&serde_json::to_string_pretty(example).unwrap_or_default());
    quote! {
        #[test]
        fn #name() {
            check::<#ty>(#json);
        }
    }
}

/// A raw string literal with enough `#` that the text cannot end it.
fn raw_string(text: &str) -> Literal {
    let mut hashes = String::from("#");
    while text.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    Literal::from_str(&format!("r{hashes}\"{text}\"{hashes}")).expect("a raw string literal is a literal")
}
