//! One request builder per operation: required arguments were given to the
//! client method, optional ones are setters, `send` performs the call.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::context::Version;
use super::doc;
use super::spelling::{ident, rust_type, Scope};
use crate::ir::{
    BodyMedia, Cursor, Doc, IntFormat, Operation, OperationSecurity, PageParam, PageStyle, Pagination, Param,
    ParamLocation, PathSegment, Service, Status, StatusBody, Success, Type, TypeKind,
};
use crate::names::pascal;

/// The builder's name: the operation in PascalCase.
pub fn builder_name(op: &Operation) -> proc_macro2::Ident {
    let name = pascal(&op.name);
    if crate::names::RESERVED_TYPES.contains(&name.as_str()) {
        format_ident!("{name}Request")
    } else {
        format_ident!("{name}")
    }
}

/// Arguments of the client method: path parameters, required query and header
/// parameters, then the body when required.
pub fn required_args(op: &Operation) -> Vec<Arg> {
    let mut args: Vec<Arg> = op.params.iter().filter(|p| p.required).map(Arg::param).collect();
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        args.push(Arg::body(body.ty.clone(), body.examples.first().cloned()));
    }
    args
}

/// A constructor argument of a builder.
pub struct Arg {
    pub name: String,
    pub ty: Type,
    /// The parameter's docs; `None` for the body.
    pub doc: Option<Doc>,
    /// What a usage example passes: the parameter's example or default, the
    /// body's first example.
    pub example: Option<serde_json::Value>,
}

impl Arg {
    fn param(p: &Param) -> Self {
        let example = p.doc.example.clone().or_else(|| p.doc.default.clone());
        Arg { name: p.rust_name.clone(), ty: p.ty.clone(), doc: Some(p.doc.clone()), example }
    }

    /// The request body, of type `ty`.
    pub fn body(ty: Type, example: Option<serde_json::Value>) -> Self {
        Arg { name: "body".into(), ty, doc: None, example }
    }

    /// `impl Into<…>` for strings and generated types (which have `From` impls:
    /// enums from `&str`, structs from their required members, unions from a
    /// variant), the plain type otherwise; and how to store it.
    pub fn signature(&self) -> (TokenStream, TokenStream) {
        let name = ident(&self.name);
        match self.ty {
            Type::String | Type::Text | Type::Bytes | Type::ByteStream | Type::Named(_) => {
                let ty = rust_type(&self.ty, Scope::Elsewhere);
                (quote!(#name: impl Into<#ty>), quote!(#name.into()))
            }
            _ => {
                let ty = rust_type(&self.ty, Scope::Elsewhere);
                (quote!(#name: #ty), quote!(#name))
            }
        }
    }

    /// The argument passed on as it came, to a method that converts it itself.
    pub fn forwarded(&self) -> TokenStream {
        let name = ident(&self.name);
        quote!(#name)
    }
}

pub fn emit_operations<'a>(version: &'a Version<'_>) -> impl Iterator<Item = TokenStream> + 'a {
    version.service.operations.iter().map(move |op| emit_builder(version, op))
}

fn emit_builder(version: &Version<'_>, op: &Operation) -> TokenStream {
    let name = builder_name(op);
    let method_link = format!(" Request builder of [`Client::{}`](super::Client::{}).", op.name, op.name);
    let required = required_args(op);
    let optional_params: Vec<&Param> = op.params.iter().filter(|p| !p.required).collect();
    let optional_body = op.body.as_ref().filter(|b| !b.required);

    let mut fields = vec![quote!(client: super::Client,)];
    for arg in &required {
        let field = ident(&arg.name);
        let ty = rust_type(&arg.ty, Scope::Elsewhere);
        fields.push(quote!(#field: #ty,));
    }
    for p in &optional_params {
        let field = ident(&p.rust_name);
        let ty = rust_type(&p.ty, Scope::Elsewhere);
        fields.push(quote!(#field: Option<#ty>,));
    }
    if let Some(body) = optional_body {
        let ty = rust_type(&body.ty, Scope::Elsewhere);
        fields.push(quote!(body: Option<#ty>,));
    }

    let ctor_params = required.iter().map(|a| {
        let field = ident(&a.name);
        let ty = rust_type(&a.ty, Scope::Elsewhere);
        quote!(#field: #ty)
    });
    let ctor_inits = required.iter().map(|a| ident(&a.name));
    let many = (required.len() + 1 > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let none_inits =
        optional_params.iter().map(|p| ident(&p.rust_name)).chain(optional_body.map(|_| format_ident!("body")));

    let setters = optional_params.iter().map(|p| {
        let field = ident(&p.rust_name);
        let docs = doc::attrs(&doc::lines(&p.doc, &format!("Sets the `{}` parameter.", p.name)));
        let (arg, store) = Arg::param(p).signature();
        quote! {
            #docs
            pub fn #field(mut self, #arg) -> Self {
                self.#field = Some(#store);
                self
            }
        }
    });
    let body_setter = optional_body.map(|body| {
        let (arg, store) = Arg::body(body.ty.clone(), None).signature();
        quote! {
            /// Sets the request body.
            pub fn body(mut self, #arg) -> Self {
                self.body = Some(#store);
                self
            }
        }
    });
    let send = emit_send(version, op);
    let stream = op.pagination.as_ref().map(emit_stream);
    quote! {
        #[doc = #method_link]
        #[derive(Clone, Debug)]
        #[must_use = "a request does nothing until `send` is awaited"]
        pub struct #name {
            #(#fields)*
        }
        impl #name {
            #many
            pub(super) fn new(client: super::Client, #(#ctor_params),*) -> Self {
                Self { client, #(#ctor_inits,)* #(#none_inits: None,)* }
            }
            #(#setters)*
            #body_setter
            /// Overrides the client's timeouts and retry policy for this call only.
            pub fn with_options(mut self, options: rt::CallOptions) -> Self {
                self.client.inner = self.client.inner.with_options(options);
                self
            }
            #send
            #stream
        }
    }
}

/// The type a successful call returns.
pub fn ok_type(op: &Operation) -> TokenStream {
    match &op.success {
        Success::Empty => quote!(()),
        Success::Body(ty) => rust_type(ty, Scope::Elsewhere),
        Success::BodyOrEmpty(ty) => {
            let ty = rust_type(ty, Scope::Elsewhere);
            quote!(Option<#ty>)
        }
        Success::ByStatus(_) => {
            let name = status_enum_name(op);
            quote!(#name)
        }
    }
}

/// How the raw response becomes the success type.
fn decode(op: &Operation) -> TokenStream {
    match &op.success {
        Success::Empty => quote!(Ok(response.empty())),
        Success::Body(ty) => decode_body(ty, None),
        Success::BodyOrEmpty(_) => quote!(response.json_if_present()),
        Success::ByStatus(responses) => {
            let enum_name = status_enum_name(op);
            let arm = |r: &StatusBody| {
                let variant = status_variant(r);
                match &r.ty {
                    Some(ty) => decode_body(ty, Some(quote!(#enum_name::#variant))),
                    None => quote!(Ok(response.empty().map(|()| #enum_name::#variant))),
                }
            };
            let arms = responses.iter().filter_map(|r| {
                let Status::Code(status) = r.status else { return None };
                let decode = arm(r);
                Some(quote!(#status => #decode,))
            });
            let fallback = responses.iter().find(|r| r.ty.is_some()).map(|r| {
                let decode = arm(r);
                quote!(_ => #decode,)
            });
            quote!(match response.status().as_u16() { #(#arms)* #fallback })
        }
    }
}

/// The raw `response` decoded as `ty` (text, bytes or JSON), its body passed
/// to `wrap` when given.
fn decode_body(ty: &Type, wrap: Option<TokenStream>) -> TokenStream {
    let decoded = match ty {
        Type::Bytes => return wrap.map_or_else(|| quote!(Ok(response)), |wrap| quote!(Ok(response.map(#wrap)))),
        Type::Text => quote!(response.text()),
        _ if wrap.is_none() => quote!(response.json()),
        ty => {
            let ty = rust_type(ty, Scope::Elsewhere);
            quote!(response.json::<#ty>())
        }
    };
    match wrap {
        None => decoded,
        Some(wrap) => quote!(#decoded.map(|r| r.map(#wrap))),
    }
}

fn status_enum_name(op: &Operation) -> proc_macro2::Ident {
    format_ident!("{}Body", pascal(&op.name))
}

/// `Status200`, `Status2xx`.
fn status_variant(response: &StatusBody) -> proc_macro2::Ident {
    format_ident!("Status{}", response.status.to_string().to_ascii_lowercase())
}

/// Enums for operations whose success statuses carry different bodies.
pub fn emit_status_enums(service: &Service) -> impl Iterator<Item = TokenStream> + '_ {
    service.operations.iter().filter_map(|op| {
        let Success::ByStatus(responses) = &op.success else { return None };
        let name = status_enum_name(op);
        let variants = responses.iter().map(|r| {
            let variant = status_variant(r);
            let line = format!(" The `{}` response: {}", r.status, doc::escape(&r.description));
            match &r.ty {
                Some(ty) => {
                    let ty = rust_type(ty, Scope::Elsewhere);
                    quote!(#[doc = #line] #variant(#ty),)
                }
                None => quote!(#[doc = #line] #variant,),
            }
        });
        let line = format!(" Body of a successful [`{}`] response, by status.", builder_name(op));
        Some(quote! {
            #[doc = #line]
            #[derive(Clone, Debug, PartialEq)]
            pub enum #name { #(#variants)* }
        })
    })
}

fn emit_send(version: &Version<'_>, op: &Operation) -> TokenStream {
    let method = format_ident!("{}", op.method.as_str());
    let op_name = &op.name;
    let path = path_expression(op);
    let query = op.params.iter().filter(|p| p.location == ParamLocation::Query).map(|p| {
        let push = query_push(&p.name, p);
        with_value(p, push)
    });
    let headers = op.params.iter().filter(|p| p.location == ParamLocation::Header).map(header_set);
    let cookies = op.params.iter().filter(|p| p.location == ParamLocation::Cookie).map(|p| {
        let wire = &p.name;
        let text = match p.ty {
            Type::String => quote!(value),
            _ => quote!(&value.to_string()),
        };
        with_value(p, quote! { request.cookie(#wire, #text)?; })
    });
    let body = op.body.as_ref().map(|b| {
        let write = write_body(version, b);
        if b.required {
            write
        } else {
            quote! { if let Some(body) = &self.body { #write } }
        }
    });
    let accept = op.accept.as_ref().map(|accept| quote!(request.accept(#accept);));
    let checks = request_checks(version, op);
    let ok_type = ok_type(op);
    let decode = decode(op);
    let mut_request = if op.params.iter().any(|p| p.location != ParamLocation::Path)
        || op.body.is_some()
        || op.security != OperationSecurity::Client
        || op.accept.is_some()
    {
        quote!(mut)
    } else {
        quote!()
    };
    let security = security(&op.security);
    let build = quote! {
        #checks
        #path
        let #mut_request request = rt::Request::new(rt::http::Method::#method, #op_name, path);
        #(#query)*
        #(#headers)*
        #(#cookies)*
        #body
        #accept
        #security
    };
    if op.success != Success::Body(Type::Bytes) {
        return quote! {
            /// Sends the request and decodes the documented response.
            pub async fn send(self) -> Result<rt::Response<#ok_type>, rt::Error> {
                #build
                let response = self.client.inner.execute(request).await?;
                #decode
            }
        };
    }
    // A file may be too large to hold: it can also be read as it arrives.
    quote! {
        /// Sends the request and reads the whole file into memory (within the
        /// client's `max_response_bytes`).
        pub async fn send(self) -> Result<rt::Response<rt::Bytes>, rt::Error> {
            let request = self.request()?;
            self.client.inner.execute(request).await
        }

        /// Sends the request and returns once the answer's headers are in, the
        /// file to be read as it arrives, without a size limit. The request
        /// timeout still covers the whole file, and a failure while reading it
        /// is not retried.
        pub async fn send_streaming(self) -> Result<rt::Response<rt::ByteStream>, rt::Error> {
            let request = self.request()?;
            self.client.inner.execute_streaming(request).await
        }

        fn request(&self) -> Result<rt::Request, rt::Error> {
            #build
            Ok(request)
        }
    }
}

/// `statement`, which reads the parameter's value as the reference `value`,
/// run when the parameter is set.
/// Which credentials the request carries, when not the client's.
fn security(security: &OperationSecurity) -> TokenStream {
    match security {
        OperationSecurity::Client => quote!(),
        OperationSecurity::Anonymous => quote!(request.without_credentials();),
        OperationSecurity::Alternatives(alternatives) => {
            let sets = alternatives.iter().map(|set| quote!(&[#(#set),*]));
            quote!(request.security(&[#(#sets),*]);)
        }
    }
}

fn with_value(p: &crate::ir::Param, statement: TokenStream) -> TokenStream {
    let field = ident(&p.rust_name);
    if p.required {
        quote! { { let value = &self.#field; #statement } }
    } else {
        quote! { if let Some(value) = &self.#field { #statement } }
    }
}

/// Sets header parameter `p`: as JSON text, in its style, or as its text.
fn header_set(p: &crate::ir::Param) -> TokenStream {
    let field = ident(&p.rust_name);
    let wire = p.name.to_ascii_lowercase();
    if p.json {
        return with_value(p, quote! { request.header(#wire, &rt::json_text(#wire, value)?)?; });
    }
    if let Some(style) = p.style {
        let explode = style.explode;
        let set = quote! {
            if let Some(text) = rt::header_styled(#wire, #explode, value)? { request.header(#wire, &text)?; }
        };
        return with_value(p, set);
    }
    let text = |value: TokenStream| match p.ty {
        Type::String => value,
        _ => quote!(&#value.to_string()),
    };
    if p.required {
        let value = text(quote!(self.#field));
        let value = if p.ty == Type::String { quote!(&#value) } else { value };
        quote! { request.header(#wire, #value)?; }
    } else {
        let value = text(quote!(value));
        quote! { if let Some(value) = &self.#field { request.header(#wire, #value)?; } }
    }
}

/// Statements that set the request body in its media type, from `&self.body`
/// when it is required, from the local `body` (a reference) when it is not; a
/// multipart body adds one part per member.
fn write_body(version: &Version<'_>, body: &crate::ir::Body) -> TokenStream {
    let content_type = &body.content_type;
    let value = if body.required { quote!(&self.body) } else { quote!(body) };
    match body.media {
        BodyMedia::Json if content_type == "application/json" => quote!(request.json(#value)?;),
        BodyMedia::Json => quote!(request.json_as(#content_type, #value)?;),
        BodyMedia::Text => quote!(request.text(#content_type, #value);),
        BodyMedia::Binary => quote!(request.stream(#content_type, rt::ByteStream::clone(#value));),
        BodyMedia::Form => quote!(request.form(#value)?;),
        BodyMedia::Multipart => {
            let fields = match body.ty.held_inline().and_then(|name| version.service.types.get(name)) {
                Some(crate::ir::TypeDef { kind: TypeKind::Struct { fields, .. }, .. }) => fields.as_slice(),
                _ => &[],
            };
            let parts = fields.iter().map(|f| {
                let member = ident(&f.rust_name);
                let add = multipart_part(&f.name, &f.ty);
                if f.is_optional() {
                    quote! { if let Some(value) = &body.#member { #add } }
                } else {
                    quote! { { let value = &body.#member; #add } }
                }
            });
            let bind = body.required.then(|| quote!(let body = #value;));
            quote! {
                #bind
                let mut parts = rt::multipart::Multipart::new();
                #(#parts)*
                request.multipart(parts);
            }
        }
    }
}

/// Adds `value` (a reference) as part `wire`: a file, or a field as text or
/// JSON; an array as one part per item.
fn multipart_part(wire: &str, ty: &Type) -> TokenStream {
    match ty {
        Type::File => quote!(parts.file(#wire, value);),
        Type::Array(item) if **item == Type::File => quote!(for file in value { parts.file(#wire, file); }),
        Type::Array(_) => quote!(for item in value { parts.field(#wire, item)?; }),
        _ => quote!(parts.field(#wire, value)?;),
    }
}

/// Checks of the documented bounds of parameters and body, when the client's
/// configuration asks for them.
fn request_checks(version: &Version<'_>, op: &Operation) -> TokenStream {
    let checked = &version.checked;
    let mut checks = Vec::new();
    for p in &op.params {
        if !super::validate::needs_checks(&p.ty, &p.doc.constraints, checked) {
            continue;
        }
        let field = ident(&p.rust_name);
        let wire = &p.name;
        let inner = super::validate::value_checks(&p.ty, &p.doc.constraints, quote!(value), quote!(#wire), checked);
        checks.push(if p.required {
            quote!({ let value = &self.#field; #inner })
        } else {
            quote!(if let Some(value) = &self.#field { #inner })
        });
    }
    if op.body.as_ref().is_some_and(|b| super::validate::contains(&b.ty, checked)) {
        checks.push(quote!(rt::validate::Validate::validate(&self.body, "body", problems);));
    }
    if checks.is_empty() {
        return quote!();
    }
    quote! {
        if self.client.inner.config().validates_requests() {
            let mut found = Vec::new();
            let problems = &mut found;
            #(#checks)*
            rt::validate::finish(found)?;
        }
    }
}

/// Statements that percent-encode every path parameter into a local of the
/// same name, then `format!` the path with inline arguments.
fn path_expression(op: &Operation) -> TokenStream {
    let mut template = String::new();
    let mut encodes = Vec::new();
    for segment in &op.path.segments {
        match segment {
            PathSegment::Literal(text) => template.push_str(&text.replace('{', "{{").replace('}', "}}")),
            PathSegment::Param { name, rust_name, ty, from_client, style } => {
                let field = ident(rust_name);
                let owner = if *from_client { quote!(self.client) } else { quote!(self) };
                template.push_str(&format!("{{{rust_name}}}"));
                encodes.push(match (ty, style) {
                    (_, Some(style)) => {
                        let (style, explode) = style_tokens(*style);
                        quote!(let #field = rt::path_styled(#name, #style, #explode, &#owner.#field)?;)
                    }
                    (Type::String, None) => quote!(let #field = rt::encode_path_segment(#name, &#owner.#field)?;),
                    _ => quote!(let #field = rt::encode_path_segment(#name, &#owner.#field.to_string())?;),
                });
            }
        }
    }
    if encodes.is_empty() {
        quote!(let path = #template.to_owned();)
    } else {
        quote!(#(#encodes)* let path = format!(#template);)
    }
}

/// Appends `value` (a reference) as query parameter `wire`: plainly (arrays
/// repeat the name), or in its style.
fn query_push(wire: &str, param: &crate::ir::Param) -> TokenStream {
    if param.json {
        return quote! { request.query(#wire, rt::json_text(#wire, value)?); };
    }
    match (&param.ty, param.style) {
        (_, Some(style)) => {
            let (style, explode) = style_tokens(style);
            quote! { request.query_styled(#wire, #style, #explode, value)?; }
        }
        (Type::Array(_), None) => quote! { for item in value { request.query(#wire, item); } },
        _ => quote! { request.query(#wire, value); },
    }
}

/// `rt::Style::Form` and the `explode` flag.
fn style_tokens(style: crate::ir::ParamStyle) -> (TokenStream, bool) {
    let variant = format_ident!("{}", format!("{:?}", style.style));
    (quote!(rt::Style::#variant), style.explode)
}

/// `into_stream`: every item of every page, for operations with `x-cloudsdk-pagination`.
fn emit_stream(pagination: &Pagination) -> TokenStream {
    let item = rust_type(&pagination.item, Scope::Elsewhere);
    let items_ident = ident(&pagination.items.rust_name);
    let take_items = if pagination.items.optional {
        quote!(response.into_body().#items_ident.unwrap_or_default())
    } else {
        quote!(response.into_body().#items_ident)
    };
    let fetch = |field: &proc_macro2::Ident, store: TokenStream, cursor: &proc_macro2::Ident| {
        quote! {
            move |#cursor| {
                let mut request = self.clone();
                request.#field = #store;
                async move {
                    let response = request.send().await?;
                    Ok(#take_items)
                }
            }
        }
    };
    let body = match &pagination.style {
        PageStyle::Page { page, .. } => {
            let page_field = ident(&page.rust_name);
            let first = match (page.required, &page.ty) {
                (true, Type::Integer(IntFormat::I32)) => quote!(i64::from(self.#page_field)),
                (true, _) => quote!(self.#page_field),
                (false, _) => {
                    let option = as_option_i64(page, quote!(self.#page_field));
                    quote!(#option.unwrap_or(0))
                }
            };
            let fetch = fetch(&page_field, store_param(page, int_from_i64(&page.ty, quote!(page))), &ident("page"));
            quote! {
                let first = #first;
                let max_pages = self.client.inner.config().max_pages();
                rt::paginate::page_stream(first, max_pages, #fetch)
            }
        }
        PageStyle::Marker { marker, cursor, .. } => {
            let marker_field = ident(&marker.rust_name);
            let first = if marker.required {
                quote!(Some(self.#marker_field.clone()))
            } else {
                quote!(self.#marker_field.clone())
            };
            let store = if marker.required { quote!(marker.unwrap_or_default()) } else { quote!(marker) };
            let cursor_expr = cursor_of(&pagination.item, cursor);
            let fetch = fetch(&marker_field, store, &ident("marker"));
            quote! {
                let first = #first;
                let max_pages = self.client.inner.config().max_pages();
                rt::paginate::marker_stream(first, max_pages, #cursor_expr, #fetch)
            }
        }
    };
    quote! {
        /// Streams every item of every page, fetching the next page as the stream
        /// is read. Pin it to call `next()` (`std::pin::pin!`), or box it as an
        /// [`rt::paginate::ItemStream`] to store it.
        pub fn into_stream(self) -> impl rt::paginate::Items<#item> {
            #body
        }
    }
}

/// The builder field of an integer parameter as `Option<i64>`.
fn as_option_i64(p: &PageParam, field: TokenStream) -> TokenStream {
    let option = if p.required { quote!(Some(#field)) } else { field };
    match p.ty {
        Type::Integer(IntFormat::I32) => quote!(#option.map(i64::from)),
        _ => option,
    }
}

/// How a value is stored into a parameter's builder field.
fn store_param(p: &PageParam, value: TokenStream) -> TokenStream {
    if p.required {
        value
    } else {
        quote!(Some(#value))
    }
}

fn int_from_i64(ty: &Type, value: TokenStream) -> TokenStream {
    match ty {
        Type::Integer(IntFormat::I32) => quote!(i32::try_from(#value).unwrap_or(i32::MAX)),
        _ => value,
    }
}

/// A non-capturing closure reading the cursor member of an item.
fn cursor_of(item: &Type, cursor: &Cursor) -> TokenStream {
    let field_ident = ident(&cursor.member.rust_name);
    let item_ty = rust_type(item, Scope::Elsewhere);
    let value = match (&cursor.ty, cursor.member.optional) {
        (Type::String, true) => quote!(item.#field_ident.clone()),
        (Type::String, false) => quote!(Some(item.#field_ident.clone())),
        (_, true) => quote!(item.#field_ident.as_ref().map(ToString::to_string)),
        (_, false) => quote!(Some(item.#field_ident.to_string())),
    };
    quote!(|item: &#item_ty| #value)
}
