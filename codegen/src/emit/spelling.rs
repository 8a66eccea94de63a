//! How IR names and types are spelled in Rust: shared by every emitter.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::ir::Type;

/// How a [`Type`] is spelled in the module that uses it: inside `types` named
/// types are used bare, elsewhere through the `types` module.
#[derive(Clone, Copy)]
pub enum Scope {
    Types,
    Elsewhere,
}

pub fn ident(name: &str) -> Ident {
    format_ident!("{}", name)
}

/// The Rust spelling of a type.
pub fn rust_type(ty: &Type, scope: Scope) -> TokenStream {
    match ty {
        Type::String => quote!(String),
        Type::Integer(crate::ir::IntFormat::I32) => quote!(i32),
        Type::Integer(crate::ir::IntFormat::I64) => quote!(i64),
        Type::Number(crate::ir::FloatFormat::F32) => quote!(f32),
        Type::Number(crate::ir::FloatFormat::F64) => quote!(f64),
        Type::Boolean => quote!(bool),
        Type::DateTime => quote!(rt::DateTime),
        Type::Any => quote!(rt::serde_json::Value),
        Type::Text => quote!(String),
        Type::Bytes => quote!(rt::Bytes),
        Type::ByteStream => quote!(rt::ByteStream),
        Type::File => quote!(rt::FilePart),
        Type::Object => quote!(rt::serde_json::Map<String, rt::serde_json::Value>),
        Type::Array(item) => {
            let item = rust_type(item, scope);
            quote!(Vec<#item>)
        }
        Type::Map(value) => {
            let value = rust_type(value, scope);
            quote!(::std::collections::BTreeMap<String, #value>)
        }
        Type::Nullable(inner) => {
            let inner = rust_type(inner, scope);
            quote!(Option<#inner>)
        }
        Type::Named(name) => {
            let name = ident(name);
            match scope {
                Scope::Types => quote!(#name),
                Scope::Elsewhere => quote!(types::#name),
            }
        }
    }
}
