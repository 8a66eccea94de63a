//! Named types: structs, enums that keep unknown values, unions and aliases.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::context::Version;
use super::doc;
use super::spelling::{ident, rust_type, Scope};
use crate::ir::{Field, Type, TypeDef, TypeKind, UnionVariant};

/// All definitions of a `types` module, in name order, with the `Validate`
/// impls of the version's checked types.
pub fn emit_types<'a>(
    defs: impl Iterator<Item = &'a TypeDef> + 'a,
    version: &'a Version<'_>,
) -> impl Iterator<Item = TokenStream> + 'a {
    defs.map(|def| {
        let item = emit_type(def, version);
        let validate = super::validate::emit_impl(def, &version.checked);
        quote!(#item #validate)
    })
}

fn emit_type(def: &TypeDef, version: &Version<'_>) -> TokenStream {
    let name = ident(&def.name);
    // Undescribed types say where they are used instead.
    let fallback = version.uses.get(&def.name).map_or("No operation uses it.", String::as_str);
    let docs = doc::attrs(&doc::lines(&def.doc, fallback));
    match &def.kind {
        TypeKind::Struct { fields, additional, closed, required } => {
            let required_struct = required.as_deref().map(|r| emit_required(&name, r, fields));
            let item = emit_struct(&name, &docs, fields, additional.as_ref(), *closed, required.as_deref());
            quote!(#item #required_struct)
        }
        TypeKind::Enum { values, fallback } => emit_enum(&name, &docs, values, fallback),
        TypeKind::Union { variants, discriminator } => {
            emit_union(&name, &docs, variants, discriminator.as_deref(), version)
        }
        TypeKind::Alias(target) => {
            let target = rust_type(target, Scope::Types);
            quote! { #docs pub type #name = #target; }
        }
    }
}

/// The type a struct field has: `Option` when absent or null is allowed, `Box`
/// where the type would otherwise contain itself.
fn field_type(field: &Field) -> TokenStream {
    let mut ty = rust_type(&field.ty, Scope::Types);
    if field.boxed {
        ty = quote!(Box<#ty>);
    }
    if field.is_optional() {
        ty = quote!(Option<#ty>);
    }
    ty
}

/// Parameter type of a constructor or setter: strings accept `impl Into<String>`.
fn param_type(field: &Field) -> (TokenStream, TokenStream) {
    let name = ident(&field.rust_name);
    match (&field.ty, field.boxed) {
        (Type::String, false) => (quote!(impl Into<String>), quote!(#name.into())),
        (_, true) => (rust_type(&field.ty, Scope::Types), quote!(Box::new(#name))),
        _ => (rust_type(&field.ty, Scope::Types), quote!(#name)),
    }
}

/// Fields a constructor must be given: required and never null. Required but
/// nullable fields start as `None` and are sent as `null`.
fn needs_value(field: &Field) -> bool {
    !field.is_optional()
}

fn emit_struct(
    name: &Ident,
    docs: &TokenStream,
    fields: &[Field],
    additional: Option<&Type>,
    closed: bool,
    required: Option<&str>,
) -> TokenStream {
    let members = fields.iter().map(|f| {
        let field_name = ident(&f.rust_name);
        let ty = field_type(f);
        let docs = field_docs(f);
        let mut serde_args = Vec::new();
        if f.name != f.rust_name {
            let wire = &f.name;
            serde_args.push(quote!(rename = #wire));
        }
        // Unset optional members are left out, null or not: sending `null` would
        // clear them in a PATCH. Required nullable members are always sent.
        if !f.required {
            serde_args.push(quote!(skip_serializing_if = "Option::is_none"));
        }
        if f.required && f.nullable {
            serde_args.push(quote!(deserialize_with = "cloudsdk_runtime::nullable::required"));
        }
        let serde_attr = if serde_args.is_empty() { quote!() } else { quote!(#[serde(#(#serde_args),*)]) };
        quote! { #docs #serde_attr pub #field_name: #ty, }
    });
    let extra = additional.map(|ty| {
        let ty = rust_type(ty, Scope::Types);
        quote! {
            /// Members beyond the documented ones.
            #[serde(flatten)]
            pub additional_properties: ::std::collections::BTreeMap<String, #ty>,
        }
    });
    let constructor = emit_constructor(name, required, fields, additional.is_some());
    // With nothing required, `Default` is the natural constructor too.
    let default = fields.iter().all(|f| !needs_value(f)).then(|| quote!(Default,));
    let deny = closed.then(|| quote!(#[serde(deny_unknown_fields)]));
    let (debug_derive, debug_impl) = debug(name, fields, additional.is_some());
    quote! {
        #docs
        #[derive(Clone, #debug_derive #default PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #deny
        #[non_exhaustive]
        pub struct #name {
            #(#members)*
            #extra
        }
        #constructor
        #debug_impl
    }
}

fn field_docs(f: &Field) -> TokenStream {
    let mut lines = doc::lines(&f.doc, &format!("`{}`", f.name));
    if f.required && f.nullable {
        doc::paragraph(&mut lines, "Always sent; `None` is sent as `null`.");
    }
    doc::attrs(&lines)
}

/// The struct of a struct's required members, all public and none optional, so
/// a struct literal names every one and leaving one out does not compile.
fn emit_required(name: &Ident, required: &str, fields: &[Field]) -> TokenStream {
    let required = ident(required);
    let needed: Vec<&Field> = fields.iter().filter(|f| needs_value(f)).collect();
    let members = needed.iter().map(|f| {
        let field_name = ident(&f.rust_name);
        let ty = rust_type(&f.ty, Scope::Types);
        let docs = field_docs(f);
        quote! { #docs pub #field_name: #ty, }
    });
    let (debug_derive, debug_impl) = debug(&required, needed.iter().copied(), false);
    let doc = format!(
        " The required members of [`{name}`], each named: write one as a struct literal and pass it to \
         [`{name}::new`], or to any method that takes `impl Into<{name}>`."
    );
    let from_doc =
        format!(" {} with these members; optional members start empty.", doc::a_sentence(&format!("`{name}`")));
    quote! {
        #[doc = #doc]
        #[derive(Clone, #debug_derive PartialEq)]
        pub struct #required {
            #(#members)*
        }
        #debug_impl
        impl From<#required> for #name {
            #[doc = #from_doc]
            fn from(required: #required) -> Self {
                Self::new(required)
            }
        }
    }
}

/// The `…Required` struct of a (plain, not boxed or listed) struct type.
pub fn required_struct_of<'v>(version: &'v Version<'_>, ty: &Type) -> Option<&'v str> {
    let Type::Named(name) = ty else { return None };
    match &version.service.types.get(name)?.kind {
        TypeKind::Struct { required, .. } => required.as_deref(),
        _ => None,
    }
}

/// Members that hold credentials: `format: password`, or a name that says so.
fn is_sensitive(field: &Field) -> bool {
    let name = field.name.to_ascii_lowercase().replace('-', "_");
    field.doc.format.as_deref() == Some("password")
        || ["password", "secret", "private_key", "privatekey"].iter().any(|word| name.contains(word))
}

/// How a struct of `fields` gets `Debug`: derived, or, when a member holds a
/// credential, written by [`redacting_debug`] (the derive is then empty).
fn debug<'f>(
    name: &Ident,
    fields: impl IntoIterator<Item = &'f Field> + Clone,
    has_additional: bool,
) -> (TokenStream, TokenStream) {
    match fields.clone().into_iter().any(is_sensitive) {
        true => (quote!(), redacting_debug(name, fields, has_additional)),
        false => (quote!(Debug,), quote!()),
    }
}

/// `Debug` that shows `<redacted>` for credential members, so a logged request
/// or response never prints a password or private key.
fn redacting_debug<'f>(name: &Ident, fields: impl IntoIterator<Item = &'f Field>, has_additional: bool) -> TokenStream {
    let shown = name.to_string();
    let members = fields.into_iter().map(|f| {
        let field = ident(&f.rust_name);
        let label = &f.rust_name;
        match (is_sensitive(f), f.is_optional()) {
            (false, _) => quote!(.field(#label, &self.#field)),
            (true, true) => quote!(.field(#label, &self.#field.as_ref().map(|_| "<redacted>"))),
            (true, false) => quote!(.field(#label, &"<redacted>")),
        }
    });
    let extra = has_additional.then(|| quote!(.field("additional_properties", &self.additional_properties)));
    quote! {
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#shown) #(#members)* #extra .finish()
            }
        }
    }
}

fn emit_constructor(name: &Ident, required: Option<&str>, fields: &[Field], has_additional: bool) -> TokenStream {
    let inits = fields.iter().map(|f| {
        let field_name = ident(&f.rust_name);
        match (needs_value(f), f.boxed) {
            (true, false) => quote!(#field_name: required.#field_name),
            (true, true) => quote!(#field_name: Box::new(required.#field_name)),
            (false, _) => quote!(#field_name: None),
        }
    });
    let extra_init = has_additional.then(|| quote!(additional_properties: ::std::collections::BTreeMap::new(),));
    let setters = fields.iter().filter(|f| f.is_optional()).map(|f| {
        let field_name = ident(&f.rust_name);
        let setter = format_ident!("with_{}", f.rust_name.trim_matches('_'));
        let (ty, value) = param_type(f);
        let line = format!(" Sets [`{name}::{}`].", f.rust_name);
        quote! {
            #[doc = #line]
            pub fn #setter(mut self, #field_name: #ty) -> Self {
                self.#field_name = Some(#value);
                self
            }
        }
    });
    let (param, new_doc) = match required {
        Some(required) => {
            let required = ident(required);
            let doc = format!(
                " {} from its required members, each named (see [`{required}`]); optional members \
                 start empty.",
                doc::a_sentence(&format!("`{name}`"))
            );
            (quote!(required: #required), doc)
        }
        None => (quote!(), format!(" {} with every member empty.", doc::a_sentence(&format!("`{name}`")))),
    };
    quote! {
        impl #name {
            #[doc = #new_doc]
            pub fn new(#param) -> Self {
                Self { #(#inits,)* #extra_init }
            }
            #(#setters)*
        }
    }
}

fn emit_enum(name: &Ident, docs: &TokenStream, values: &[crate::ir::EnumValue], fallback: &str) -> TokenStream {
    let unknown = ident(fallback);
    let variants = values.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let line = format!(" {}", doc::code(&v.value));
        quote!(#[doc = #line] #variant,)
    });
    let to_str = values.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let value = &v.value;
        quote!(Self::#variant => #value,)
    });
    let from_str = values.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let value = &v.value;
        quote!(#value => Self::#variant,)
    });
    quote! {
        #docs
        ///
        /// Values this crate does not know yet are kept in the last variant, so a
        /// service that adds a value does not break decoding.
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value not documented when this crate was generated.
            #unknown(String),
        }
        impl #name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    Self::#unknown(value) => value,
                }
            }
        }
        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_str)*
                    other => Self::#unknown(other.to_owned()),
                }
            }
        }
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <String as ::serde::Deserialize>::deserialize(deserializer)?;
                Ok(Self::from(value.as_str()))
            }
        }
    }
}

fn emit_union(
    name: &Ident,
    docs: &TokenStream,
    variants: &[UnionVariant],
    discriminator: Option<&str>,
    version: &Version<'_>,
) -> TokenStream {
    let arms = variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let ty = rust_type(&v.ty, Scope::Types);
        let line = match &v.tag {
            Some(tag) => format!(" `{}` = {}", discriminator.unwrap_or("type"), doc::code(tag)),
            None => format!(" {}.", doc::a_sentence(&format!("`{}`", v.rust_name))),
        };
        quote!(#[doc = #line] #variant(#ty),)
    });
    // `From` only where a variant's Rust type is unique; otherwise the impls would overlap.
    // And from a variant struct's `…Required`, so a body is named in one literal.
    let froms = variants.iter().filter(|v| v.distinct).map(|v| {
        let variant = ident(&v.rust_name);
        let ty = rust_type(&v.ty, Scope::Types);
        let required = required_struct_of(version, &v.ty).map(|required| {
            let required = ident(required);
            quote! {
                impl From<#required> for #name {
                    fn from(value: #required) -> Self {
                        Self::#variant(value.into())
                    }
                }
            }
        });
        quote! {
            impl From<#ty> for #name {
                fn from(value: #ty) -> Self {
                    Self::#variant(value)
                }
            }
            #required
        }
    });
    let tagged = discriminator.filter(|_| variants.iter().all(|v| v.tag.is_some()));
    let note = match tagged {
        Some(property) => format!(" The variant is chosen by the `{property}` member; each variant carries it."),
        None => " The variant is the first whose shape matches.".to_owned(),
    };
    // With a discriminator, decoding reads the tag and decodes only that variant;
    // encoding is the variant itself, which carries the tag member.
    let (derive_deserialize, deserialize) = match tagged {
        Some(property) => (quote!(), tagged_deserialize(name, variants, property)),
        None => (quote!(::serde::Deserialize,), quote!()),
    };
    quote! {
        #docs
        ///
        #[doc = #note]
        #[derive(Clone, Debug, PartialEq, ::serde::Serialize, #derive_deserialize)]
        #[serde(untagged)]
        pub enum #name {
            #(#arms)*
        }
        #deserialize
        #(#froms)*
    }
}

/// `Deserialize` dispatching on the discriminator member.
fn tagged_deserialize(name: &Ident, variants: &[UnionVariant], property: &str) -> TokenStream {
    let arms = variants.iter().filter_map(|v| {
        let tag = v.tag.as_ref()?;
        let variant = ident(&v.rust_name);
        Some(quote!(Some(#tag) => rt::serde_json::from_value(value).map(Self::#variant).map_err(::serde::de::Error::custom),))
    });
    let tags: Vec<&str> = variants.iter().filter_map(|v| v.tag.as_deref()).collect();
    let expected = format!("`{property}` to be one of {}", tags.join(", "));
    quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <rt::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let tag = value.get(#property).and_then(rt::serde_json::Value::as_str).map(str::to_owned);
                match tag.as_deref() {
                    #(#arms)*
                    other => Err(::serde::de::Error::custom(format!("expected {}, found {other:?}", #expected))),
                }
            }
        }
    }
}
