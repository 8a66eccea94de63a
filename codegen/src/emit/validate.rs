//! `rt::validate::Validate` impls and the checks `send()` runs: documented
//! bounds, lengths, item counts and float finiteness (patterns are documented,
//! not checked: ECMA and Rust regexes differ, and a false refusal is worse than
//! letting the service decide).

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::spelling::ident;
use crate::ir::{Constraints, FloatFormat, Service, Type, TypeDef, TypeKind};

/// Types that need a `Validate` impl: those with a checked field, or containing
/// such a type.
pub fn checked_types(service: &Service) -> BTreeSet<String> {
    let mut checked = BTreeSet::new();
    loop {
        let before = checked.len();
        for def in service.types.values() {
            let needs = match &def.kind {
                TypeKind::Struct { fields, .. } => {
                    fields.iter().any(|f| has_scalar_checks(&f.ty, &f.doc.constraints))
                        || def.references().iter().any(|r| checked.contains(*r))
                }
                // An alias has no impl of its own: its target's impl checks it.
                TypeKind::Union { .. } | TypeKind::Alias(_) => def.references().iter().any(|r| checked.contains(*r)),
                TypeKind::Enum { .. } => false,
            };
            if needs {
                checked.insert(def.name.clone());
            }
        }
        if checked.len() == before {
            return checked;
        }
    }
}

/// Whether a value of `ty` holds (through arrays, maps, nullability or aliases
/// already resolved by name) a type with checks.
pub fn contains(ty: &Type, checked: &BTreeSet<String>) -> bool {
    ty.named().is_some_and(|name| checked.contains(name))
}

fn has_scalar_checks(ty: &Type, c: &Constraints) -> bool {
    match ty {
        Type::Integer(_) => c.minimum.is_some() || c.maximum.is_some(),
        Type::Number(_) => true,
        Type::String => c.min_length.is_some() || c.max_length.is_some(),
        Type::Array(_) => c.min_items.is_some() || c.max_items.is_some(),
        _ => false,
    }
}

/// Statements checking `value` (a reference to a `ty`) found at `path` (a `&str`
/// expression), pushing into `problems`.
pub fn value_checks(
    ty: &Type,
    c: &Constraints,
    value: TokenStream,
    path: TokenStream,
    checked: &BTreeSet<String>,
) -> TokenStream {
    let opt = |v: Option<usize>| match v {
        Some(n) => quote!(Some(#n)),
        None => quote!(None),
    };
    let scalar = match ty {
        Type::Integer(_) if has_scalar_checks(ty, c) => {
            let range = range(c);
            quote!(rt::validate::number(#path, *#value as f64, #range, problems);)
        }
        Type::Number(format) => {
            let range = range(c);
            let as_f64 = match format {
                FloatFormat::F32 => quote!(f64::from(*#value)),
                FloatFormat::F64 => quote!(*#value),
            };
            quote!(rt::validate::number(#path, #as_f64, #range, problems);)
        }
        Type::String if has_scalar_checks(ty, c) => {
            let (min, max) = (opt(c.min_length), opt(c.max_length));
            quote!(rt::validate::length(#path, #value, #min, #max, problems);)
        }
        Type::Array(_) if has_scalar_checks(ty, c) => {
            let (min, max) = (opt(c.min_items), opt(c.max_items));
            quote!(rt::validate::items(#path, #value.len(), #min, #max, problems);)
        }
        _ => quote!(),
    };
    let nested = contains(ty, checked).then(|| quote!(rt::validate::Validate::validate(#value, #path, problems);));
    quote!(#scalar #nested)
}

/// `rt::validate::Range { .. }` naming only the bounds the docs give.
fn range(c: &Constraints) -> TokenStream {
    let number = |v: f64| proc_macro2::Literal::f64_unsuffixed(v);
    let mut parts = Vec::new();
    if let Some(min) = c.minimum.map(number) {
        parts.push(quote!(minimum: Some(#min),));
    }
    if let Some(max) = c.maximum.map(number) {
        parts.push(quote!(maximum: Some(#max),));
    }
    if c.exclusive_minimum {
        parts.push(quote!(exclusive_minimum: true,));
    }
    if c.exclusive_maximum {
        parts.push(quote!(exclusive_maximum: true,));
    }
    if parts.len() == 4 {
        quote!(rt::validate::Range { #(#parts)* })
    } else {
        quote!(rt::validate::Range { #(#parts)* ..Default::default() })
    }
}

/// Whether a field or parameter of this type and constraints needs any check.
pub fn needs_checks(ty: &Type, c: &Constraints, checked: &BTreeSet<String>) -> bool {
    has_scalar_checks(ty, c) || contains(ty, checked)
}

/// The `Validate` impl of one type, if it needs one.
pub fn emit_impl(def: &TypeDef, checked: &BTreeSet<String>) -> TokenStream {
    if !checked.contains(&def.name) {
        return quote!();
    }
    let name = ident(&def.name);
    let body = match &def.kind {
        TypeKind::Struct { fields, additional, .. } => {
            let per_field = fields.iter().filter(|f| needs_checks(&f.ty, &f.doc.constraints, checked)).map(|f| {
                let field = ident(&f.rust_name);
                let wire = &f.name;
                let deref = if f.boxed { quote!(&**value) } else { quote!(value) };
                let checks = value_checks(&f.ty, &f.doc.constraints, deref, quote!(&path), checked);
                let access = if f.is_optional() {
                    quote!(if let Some(value) = &self.#field { #checks })
                } else {
                    quote!({ let value = &self.#field; #checks })
                };
                // A member name with braces would be read as a format argument.
                let path = if wire.contains(['{', '}']) {
                    quote!(format!("{path}.{}", #wire))
                } else {
                    let template = format!("{{path}}.{wire}");
                    quote!(format!(#template))
                };
                quote! {{
                    let path = #path;
                    #access
                }}
            });
            let extra = additional
                .as_ref()
                .filter(|t| contains(t, checked))
                .map(|_| quote!(rt::validate::Validate::validate(&self.additional_properties, path, problems);));
            quote!(#(#per_field)* #extra)
        }
        TypeKind::Union { variants, .. } => {
            let arms = variants.iter().map(|v| {
                let variant = ident(&v.rust_name);
                if contains(&v.ty, checked) {
                    quote!(Self::#variant(value) => rt::validate::Validate::validate(value, path, problems),)
                } else {
                    quote!(Self::#variant(_) => {})
                }
            });
            quote!(match self { #(#arms)* })
        }
        _ => return quote!(),
    };
    quote! {
        impl rt::validate::Validate for #name {
            fn validate(&self, path: &str, problems: &mut Vec<String>) {
                #body
            }
        }
    }
}
