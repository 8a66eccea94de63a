//! The `Client` of one service version and its `Endpoint` (the server variables).

use proc_macro2::TokenStream;
use quote::quote;

use super::context::Version;
use super::doc;
use super::operation::ok_type;
use super::operation::{builder_name, required_args, Arg};
use super::snippet::{self, Awaited};
use super::spelling::{ident, rust_type, Scope};
use crate::ir::{Auth, BodyMedia, Operation, OperationSecurity, Service, StateStep, StateType, Waiter};

/// The code of `client.rs`: the `impl Client` members come one by one, so
/// that a client of thousands of operations is formatted a method at a time.
pub struct ClientCode<M> {
    /// `SERVICE`, `Endpoint` and the `Client` struct.
    pub items: TokenStream,
    /// The members of `impl Client`.
    pub members: M,
    /// The state functions of waiters, after the impl.
    pub after: TokenStream,
}

pub fn emit_client<'a>(version: &'a Version<'_>) -> ClientCode<impl Iterator<Item = TokenStream> + 'a> {
    let service = version.service;
    let service_info = service_info(service, version.crate_name);
    let endpoint = emit_endpoint(service);
    let client_fields = service.client_params.iter().map(|p| {
        let field = ident(&p.rust_name);
        quote!(pub(crate) #field: String,)
    });
    let ctor_params: Vec<TokenStream> = service
        .client_params
        .iter()
        .map(|p| {
            let field = ident(&p.rust_name);
            quote!(#field: impl Into<String>)
        })
        .collect();
    let ctor_inits = service.client_params.iter().map(|p| {
        let field = ident(&p.rust_name);
        quote!(#field: #field.into())
    });
    let ctor_args: Vec<_> = service.client_params.iter().map(|p| ident(&p.rust_name)).collect();
    let mut client_doc = vec![format!("Client of {} {}.", doc::escape(&service.title), doc::escape(&service.version))];
    doc::paragraph(&mut client_doc, &scheme_note(&service.auth));
    other_schemes_note(&mut client_doc, service);
    for p in &service.client_params {
        doc::paragraph(&mut client_doc, &format!("`{}` is set once here and used in every request path.", p.name));
    }
    doc::paragraph(&mut client_doc, "Cloning is cheap: clones share one connection pool and configuration.");
    let client_doc = doc::attrs(&client_doc);
    let methods = service.operations.iter().map(move |op| emit_method(version, op));
    let request_waiter = emit_request_waiter(service);
    let from_env = emit_from_env(service);
    let state_fns =
        service.operations.iter().filter_map(|op| op.waiter.as_ref().map(|waiter| emit_state_fn(op, waiter)));
    let client_param_docs: Vec<String> = service
        .client_params
        .iter()
        .map(|p| format!(" - `{}`: {}", p.rust_name, doc::escape(p.doc.description.as_deref().unwrap_or(""))))
        .collect();
    let items = quote! {
        #service_info
        #endpoint

        #client_doc
        #[derive(Clone, Debug)]
        pub struct Client {
            pub(crate) inner: rt::Client,
            #(#client_fields)*
        }
    };
    let constructors = quote! {
        /// A client configured by `config`: base URL, authentication, retries and timeouts.
        #(#[doc = #client_param_docs])*
        pub fn new(config: rt::Config, #(#ctor_params),*) -> Result<Self, rt::Error> {
            Ok(Client { inner: rt::Client::new(config, SERVICE)?, #(#ctor_inits,)* })
        }

        /// A client for `endpoint` with default settings.
        pub fn for_endpoint(endpoint: &Endpoint, auth: impl Into<rt::Auth>, #(#ctor_params),*) -> Result<Self, rt::Error> {
            Self::new(rt::Config::new(endpoint.url(), auth), #(#ctor_args),*)
        }

        #from_env

        /// The runtime client underneath: sends any [`rt::Request`] (an
        /// undocumented endpoint, say) with this client's authentication,
        /// retries and limits.
        pub fn runtime(&self) -> &rt::Client {
            &self.inner
        }
    };
    ClientCode {
        items,
        members: std::iter::once(constructors).chain(methods).chain(Some(request_waiter).filter(|w| !w.is_empty())),
        after: quote!(#(#state_fns)*),
    }
}

/// How a scheme's credentials are sent and supplied.
fn scheme_note(auth: &Auth) -> String {
    let note = auth.conventions().auth_note;
    match auth.key_name() {
        Some(name) => format!("{note} The service names its key `{name}`."),
        None => note.to_owned(),
    }
}

/// The schemes some operations take instead of the client's, and how to
/// give their credentials.
fn other_schemes_note(lines: &mut Vec<String>, service: &Service) {
    if service.other_schemes.is_empty() {
        return;
    }
    let default = service.security_scheme.as_deref().unwrap_or_default();
    doc::our_paragraph(
        lines,
        &format!("These are the credentials of security scheme `{default}`. Some operations take those of another scheme (their docs say which); set them with `rt::Config::with_auth_for(scheme, auth)`:"),
    );
    lines.push(String::new());
    for scheme in &service.other_schemes {
        lines.push(format!("- `{}`: {}", scheme.name, scheme_note(&scheme.auth)));
    }
}

/// What an operation's docs say of its credentials, when not the client's.
fn security_note(security: &OperationSecurity) -> Option<String> {
    let alternatives = match security {
        OperationSecurity::Client => return None,
        OperationSecurity::Anonymous => return Some("Sent without credentials.".to_owned()),
        OperationSecurity::Alternatives(alternatives) => alternatives,
    };
    let sets: Vec<String> = alternatives
        .iter()
        .map(|set| match set.as_slice() {
            [] => "none".to_owned(),
            names => names.iter().map(|name| format!("`{name}`")).collect::<Vec<_>>().join(" with "),
        })
        .collect();
    Some(match sets.as_slice() {
        [only] => format!("Credentials: those of security scheme {only} (see [`Client`])."),
        [first @ .., last] => format!(
            "Credentials: the first configured of security scheme {} or {last} (see [`Client`]).",
            first.join(", ")
        ),
        [] => return None,
    })
}

/// The cloud's `from_env`, if the first server (the one `Endpoint` is built
/// from) has the server variables its body names.
pub fn from_env_of(service: &Service) -> Option<&'static crate::vendor::FromEnv> {
    let from_env = service.auth.conventions().from_env.as_ref()?;
    let variables: Vec<&str> =
        service.servers.first().into_iter().flat_map(|s| &s.variables).map(|v| v.rust_name.as_str()).collect();
    from_env.needs.iter().all(|needed| variables.contains(needed)).then_some(from_env)
}

/// `Client::from_env()`, where the cloud's conventions have one.
fn emit_from_env(service: &Service) -> TokenStream {
    let Some(from_env) = from_env_of(service) else { return quote!() };
    let body = match syn::parse_str::<syn::Block>(from_env.body) {
        Ok(block) => quote!(#block),
        // Our own source always parses; if not, the crate fails to build loudly.
        Err(e) => {
            let message = format!("the vendor's `from_env` body does not parse: {e}");
            quote!({ compile_error!(#message) })
        }
    };
    let mut lines = Vec::new();
    for paragraph in from_env.doc {
        doc::our_paragraph(&mut lines, paragraph);
    }
    let docs = doc::attrs(&lines);
    quote! {
        #docs
        pub async fn from_env() -> Result<Self, rt::Error> #body
    }
}

/// `wait_for_request`, for services whose `x-cloudsdk-async-request` operations answer
/// with a request id that their status operation reports on.
fn emit_request_waiter(service: &Service) -> TokenStream {
    let Some(waiter) = &service.request_waiter else { return quote!() };
    let show = ident(&waiter.operation);
    let state = ident(&waiter.state);
    let classifier = runtime_path(waiter.classifier);
    let budget = runtime_path(service.auth.conventions().wait_budget);
    let body_ty = rust_type(&waiter.body, Scope::Elsewhere);
    let mut lines = vec![
        format!(
            "Polls [`Client::{}`] until the asynchronous request (the `request_id` of a 202 answer) has finished; returns the last answer.",
            waiter.operation
        ),
        String::new(),
        format!(
            "The service does not document the request states. This waiter assumes what [`runtime::{path}`](rt::{path}) says: completed states end the wait, failed ones fail it, any other keeps polling until the timeout.",
            path = waiter.classifier.join("::")
        ),
    ];
    doc::our_paragraph(&mut lines, &budget_note(service));
    let docs = doc::attrs(&lines);
    quote! {
        #docs
        pub fn wait_for_request(&self, request_id: impl Into<String>) -> rt::wait::Waiter<rt::Response<#body_ty>> {
            /// The request's state.
            fn state(response: &rt::Response<#body_ty>) -> Vec<&str> {
                vec![response.body().#state.as_str()]
            }
            let request = self.#show(request_id);
            rt::wait::Waiter::until(#budget, move || request.clone().send(), state, #classifier)
        }
    }
}

/// `rt::a::b` for a path given as segments under the runtime.
fn runtime_path(segments: &[&str]) -> TokenStream {
    let segments = segments.iter().map(|s| ident(s));
    quote!(rt #(::#segments)*)
}

/// What every waiter's docs say about its budget and errors.
fn budget_note(service: &Service) -> String {
    format!(
        "Polls on the budget of [`runtime::{path}`](rt::{path}) (first and longest delay, timeout); adjust it on the returned waiter (`with_timeout`, `with_interval`, …). `Error::WaiterFailed` and `Error::WaiterTimedOut` carry the last state and answer. Cancel by dropping the future.",
        path = service.auth.conventions().wait_budget.join("::")
    )
}

fn service_info(service: &Service, crate_name: &str) -> TokenStream {
    let option = |value: &Option<String>| match value {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    };
    let api_version = option(&service.api_version);
    let security_scheme = option(&service.security_scheme);
    quote! {
        /// What this client tells the runtime about the service.
        const SERVICE: rt::ServiceInfo = rt::ServiceInfo {
            name: #crate_name,
            version: env!("CARGO_PKG_VERSION"),
            api_version: #api_version,
            security_scheme: #security_scheme,
        };
    }
}

/// What a body that is not JSON is sent as, and the media types the
/// description also offers (only one is generated).
fn media_note(body: &crate::ir::Body) -> Option<String> {
    let sent = match body.media {
        BodyMedia::Json if body.other_media_types.is_empty() => return None,
        BodyMedia::Json => "The body is sent as JSON".to_owned(),
        BodyMedia::Multipart => "The body is sent as `multipart/form-data`, a part per member".to_owned(),
        BodyMedia::Form => "The body is sent as `application/x-www-form-urlencoded`".to_owned(),
        BodyMedia::Text | BodyMedia::Binary => format!("The body is sent as `{}`", body.content_type),
    };
    let others: Vec<String> = body.other_media_types.iter().map(|m| format!("`{}`", doc::escape(m))).collect();
    Some(match others.as_slice() {
        [] => format!("{sent}."),
        _ => format!("{sent}; the service also accepts {}, which this client does not send.", others.join(", ")),
    })
}

fn emit_method(version: &Version<'_>, op: &Operation) -> TokenStream {
    let service = version.service;
    let name = ident(&op.name);
    let builder = builder_name(op);
    let args = required_args(op);
    let (params, stores): (Vec<_>, Vec<_>) = args.iter().map(|a| a.signature()).unzip();
    let mut lines = doc::lines(&op.doc, &format!("`{} {}`", op.method, op.path));
    if op.doc.summary.is_some() || op.doc.description.is_some() {
        doc::paragraph(&mut lines, &format!("`{} {}`", op.method, op.path));
    }
    let arg_docs: Vec<String> = args
        .iter()
        .filter_map(|a| {
            let description = a.doc.as_ref()?.description.as_ref()?;
            Some(format!("- `{}`: {}", a.name, doc::escape(description.lines().next().unwrap_or(""))))
        })
        .collect();
    if !arg_docs.is_empty() {
        lines.push(String::new());
        lines.extend(arg_docs);
    }
    for response in &op.responses {
        for (header, description) in &response.headers {
            let what = description.as_deref().map(doc::escape).unwrap_or_default();
            doc::paragraph(
                &mut lines,
                &format!(
                    "Response header `{header}` ({}): {what} Read it with `response.header(\"{}\")`.",
                    response.status,
                    header.to_ascii_lowercase()
                ),
            );
        }
    }
    if let Some(note) = op.body.as_ref().and_then(media_note) {
        doc::our_paragraph(&mut lines, &note);
    }
    if let Some(note) = security_note(&op.security) {
        doc::our_paragraph(&mut lines, &note);
    }
    if op.pagination.is_some() {
        doc::paragraph(
            &mut lines,
            "Pages: call `into_stream()` on the builder to read every item of every page. The stream ends at an \
             empty page (or a missing or repeated marker), not at a short one, since services cap page sizes.",
        );
    }
    if let Some(waiter) = service.request_waiter.as_ref().filter(|_| op.async_request) {
        let note = format!("Asynchronous: the service answers with a request id whose progress `{}` reports; `wait_for_request` waits for it to finish.", waiter.operation);
        doc::paragraph(&mut lines, &note);
    }
    let example = snippet::arguments(version, &args);
    lines.push(String::new());
    lines.extend(snippet::example(version, op, &op.name, &example, Awaited::Send));
    let docs = doc::attrs(&lines);
    let deprecated = op.deprecated.then(|| quote!(#[deprecated(note = "deprecated by the service")]));
    let variants = op.body_variants.iter().map(|v| emit_variant_method(version, op, v));
    let waiter = op.waiter.as_ref().map(|w| emit_waiter(version, op, w));
    quote! {
        #docs
        #deprecated
        pub fn #name(&self, #(#params),*) -> operation::#builder {
            operation::#builder::new(self.clone(), #(#stores),*)
        }
        #(#variants)*
        #waiter
    }
}

/// A method for one documented body of a `oneOf` operation: the variant's
/// body (`impl Into` it), or none when the variant is empty.
fn emit_variant_method(version: &Version<'_>, op: &Operation, variant: &crate::ir::BodyVariant) -> TokenStream {
    let method = ident(&variant.method);
    let op_method = ident(&op.name);
    let builder = builder_name(op);
    let body_type = ident(&variant.union);
    let variant_ident = ident(&variant.variant);
    let variant_type = ident(&variant.type_name);
    let others: Vec<_> = required_args(op).into_iter().filter(|a| a.name != "body").collect();
    let params = others.iter().map(|a| a.signature().0);
    let forwarded = others.iter().map(Arg::forwarded);
    let summary = variant
        .summary
        .clone()
        .unwrap_or_else(|| format!("[`Client::{}`] with a `{}` body.", op.name, variant.type_name));
    let mut lines = vec![doc::escape(&summary)];
    // Links are ours, not spec text: added as is, not escaped.
    lines.push(String::new());
    lines.push(format!(
        "Same request as [`Client::{}`]; the body is a [`{}`](types::{}).",
        op.name, variant.type_name, variant.type_name
    ));
    let mut example_args = required_args(op);
    example_args.retain(|a| a.name != "body");
    if !variant.empty {
        example_args.push(Arg::body(crate::ir::Type::Named(variant.type_name.clone()), None));
    }
    let example = snippet::arguments(version, &example_args);
    lines.push(String::new());
    lines.extend(snippet::example(version, op, &variant.method, &example, Awaited::Send));
    let docs = doc::attrs(&lines);
    let (body_param, body_value) = if variant.empty {
        (quote!(), quote!(types::#body_type::#variant_ident(types::#variant_type::new())))
    } else {
        (quote!(body: impl Into<types::#variant_type>), quote!(types::#body_type::#variant_ident(body.into())))
    };
    quote! {
        #docs
        pub fn #method(&self, #(#params,)* #body_param) -> operation::#builder {
            self.#op_method(#(#forwarded,)* #body_value)
        }
    }
}

/// The methods polling `op` until its state member equals a target (typed
/// when the state is a generated enum) and, if the spec asks, until the
/// resource is deleted.
fn emit_waiter(version: &Version<'_>, op: &Operation, waiter: &Waiter) -> TokenStream {
    let until_state = emit_state_waiter(version, op, waiter);
    let until_deleted = waiter.deleted.as_ref().map(|deleted| emit_deletion_waiter(version, op, waiter, deleted));
    quote! {
        #until_state
        #until_deleted
    }
}

/// What both waiters of `op` share: the read they poll and the arguments it takes.
struct PolledRead {
    args: Vec<Arg>,
    params: Vec<TokenStream>,
    /// `move || request.clone().send()`, after `let request = self.read(…);`.
    request: TokenStream,
    body_ty: TokenStream,
    budget: TokenStream,
    state_fn: proc_macro2::Ident,
}

impl PolledRead {
    fn of(service: &Service, op: &Operation) -> Self {
        let args = required_args(op);
        let params = args.iter().map(|a| a.signature().0).collect();
        let op_method = ident(&op.name);
        let forwarded = args.iter().map(Arg::forwarded);
        PolledRead {
            request: quote!(let request = self.#op_method(#(#forwarded),*);),
            args,
            params,
            body_ty: ok_type(op),
            budget: runtime_path(service.auth.conventions().wait_budget),
            state_fn: state_fn_name(op),
        }
    }
}

fn emit_state_waiter(version: &Version<'_>, op: &Operation, waiter: &Waiter) -> TokenStream {
    let service = version.service;
    let method = ident(&waiter.method);
    let PolledRead { args, params, request, body_ty, budget, state_fn } = PolledRead::of(service, op);
    let (target_param, target) = match &waiter.state {
        StateType::Enum(name) => {
            let ty = ident(name);
            (quote!(target: types::#ty), quote!(target.as_str()))
        }
        StateType::Text => (quote!(target: impl Into<String>), quote!(target)),
    };
    let failures = &waiter.failure;
    let mut lines =
        vec![format!("Polls [`Client::{}`] until {} is `target`; returns that answer.", op.name, state_words(waiter))];
    let mut fails = String::new();
    if !failures.is_empty() {
        let list: Vec<String> = failures.iter().map(|f| format!("`{f}`")).collect();
        fails = format!("Fails early when the state becomes {} (unless that is the target). ", list.join(" or "));
    }
    doc::paragraph(
        &mut lines,
        &format!("{fails}A 404 soon after the start is taken for a resource not visible yet; transient errors are polled through."),
    );
    doc::our_paragraph(&mut lines, &budget_note(service));
    let mut example = snippet::arguments(version, &args);
    example.args.push(snippet::waiter_target(version, waiter));
    lines.push(String::new());
    lines.extend(snippet::example(version, op, &waiter.method, &example, Awaited::Direct));
    let docs = doc::attrs(&lines);
    quote! {
        #docs
        pub fn #method(&self, #(#params,)* #target_param) -> rt::wait::Waiter<rt::Response<#body_ty>> {
            #request
            rt::wait::Waiter::until_state(#budget, move || request.clone().send(), #state_fn, #target, &[#(#failures),*])
        }
    }
}

fn emit_deletion_waiter(
    version: &Version<'_>,
    op: &Operation,
    waiter: &Waiter,
    deleted: &crate::ir::DeletionWaiter,
) -> TokenStream {
    let service = version.service;
    let method = ident(&deleted.method);
    let PolledRead { args, params, request, body_ty, budget, state_fn } = PolledRead::of(service, op);
    let states = &deleted.states;
    let also = match states.as_slice() {
        [] => String::new(),
        states => {
            let list: Vec<String> = states.iter().map(|s| format!("`{s}`")).collect();
            format!(" or {} is {}", state_words(waiter), list.join(" or "))
        }
    };
    let mut lines =
        vec![format!("Polls [`Client::{}`] until it answers 404 Not Found (→ `None`){also} (→ that answer).", op.name)];
    doc::our_paragraph(&mut lines, &budget_note(service));
    let example = snippet::arguments(version, &args);
    lines.push(String::new());
    lines.extend(snippet::example(version, op, &deleted.method, &example, Awaited::Deletion));
    let docs = doc::attrs(&lines);
    quote! {
        #docs
        pub fn #method(&self, #(#params),*) -> rt::wait::Waiter<Option<rt::Response<#body_ty>>> {
            #request
            rt::wait::Waiter::until_deleted(#budget, move || request.clone().send(), #state_fn, &[#(#states),*])
        }
    }
}

/// How the docs name a waiter's state.
fn state_words(waiter: &Waiter) -> String {
    if waiter.path.contains(&StateStep::Each) {
        format!("`{}` (the state of every item)", waiter.pointer)
    } else {
        format!("`{}`", waiter.pointer)
    }
}

fn state_fn_name(op: &Operation) -> proc_macro2::Ident {
    ident(&format!("{}_state", op.name))
}

/// The free function reading the state of `op`'s answers, shared by its waiters.
pub fn emit_state_fn(op: &Operation, waiter: &Waiter) -> TokenStream {
    let name = state_fn_name(op);
    let body_ty = ok_type(op);
    let read = state_access(waiter);
    let doc = format!(" {} of a [`Client::{}`] answer, where present.", state_words(waiter), op.name);
    quote! {
        #[doc = #doc]
        fn #name(response: &rt::Response<#body_ty>) -> Vec<&str> {
            #read
        }
    }
}

/// The waiter's state, read through the typed fields: a place
/// (`response.body().server`) while every step is a required member, an
/// iterator from the first optional member or `*` on, so that a missing
/// member reads as no state.
fn state_access(waiter: &Waiter) -> TokenStream {
    let mut access = quote!(response.body());
    let mut iterating = false;
    for step in &waiter.path {
        access = match (step, iterating) {
            (StateStep::Member(member), false) => {
                let field = ident(&member.rust_name);
                iterating = member.optional;
                if member.optional {
                    quote!(#access.#field.iter())
                } else {
                    quote!(#access.#field)
                }
            }
            (StateStep::Member(member), true) => {
                let field = ident(&member.rust_name);
                if member.optional {
                    quote!(#access.flat_map(|item| item.#field.iter()))
                } else {
                    quote!(#access.map(|item| &item.#field))
                }
            }
            (StateStep::Each, false) => {
                iterating = true;
                quote!(#access.iter())
            }
            (StateStep::Each, true) => quote!(#access.flat_map(|items| items.iter())),
        };
    }
    if iterating {
        quote!(#access.map(|state| state.as_str()).collect())
    } else {
        quote!(vec![#access.as_str()])
    }
}

/// What a server variable's value is: its meaning where the variable's
/// description gives one (`kr1 Korea (Pangyo), …`), a plain note where an
/// abbreviation is not explained, and the values of the other variables it is
/// served with.
fn variable_value_doc(server: &crate::ir::Server, var: &crate::ir::ServerVariable, value: &str) -> Vec<String> {
    let mut lines = vec![doc::code(value)];
    match var.description.as_deref().and_then(|d| meaning_in(d, value)) {
        Some(meaning) => lines[0] = format!("{}: {}", doc::code(value), doc::escape(&meaning)),
        None if value.chars().count() <= 2 => {
            doc::paragraph(&mut lines, &format!("The docs do not say what `{value}` stands for."))
        }
        None => {}
    }
    for other in server.variables.iter().filter(|o| o.name != var.name) {
        let with: Vec<String> = server
            .combinations
            .iter()
            .filter(|c| c.get(&var.name).map(String::as_str) == Some(value))
            .filter_map(|c| c.get(&other.name).map(|v| format!("`{v}`")))
            .collect();
        if !with.is_empty() {
            doc::paragraph(&mut lines, &format!("Served with `{}` {}.", other.name, with.join(", ")));
        }
    }
    lines
}

/// The words after `value` in a description that lists values with their
/// meanings (`Region: kr1 Korea (Pangyo), kr2 …` → `Korea (Pangyo)`).
fn meaning_in(description: &str, value: &str) -> Option<String> {
    let at = description.match_indices(value).map(|(i, _)| i).find(|&i| {
        let before = description[..i].chars().next_back();
        let after = description[i + value.len()..].chars().next();
        before.is_none_or(|c| c == ' ' || c == ':') && after == Some(' ')
    })?;
    let rest = &description[at + value.len()..];
    let meaning = rest.split([',', ';']).next()?.trim().trim_end_matches('.');
    (!meaning.is_empty()).then(|| meaning.to_owned())
}

/// `Endpoint` and one enum per variable of the first server.
fn emit_endpoint(service: &Service) -> TokenStream {
    let Some(server) = service.servers.first() else {
        return quote! {
            /// The service documents no server; give the base URL in `Config::new`.
            #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
            pub struct Endpoint;
            impl Endpoint {
                /// There is no documented URL: always empty.
                pub fn url(&self) -> String { String::new() }
            }
        };
    };
    let enums = server.variables.iter().map(|var| {
        let name = ident(&var.rust_name);
        let variants = var.values.iter().map(|v| {
            let variant = ident(&v.rust_name);
            let docs = doc::attrs(&variable_value_doc(server, var, &v.value));
            let default = (v.value == var.default).then(|| quote!(#[default]));
            quote!(#docs #default #variant,)
        });
        let strs = var.values.iter().map(|v| {
            let variant = ident(&v.rust_name);
            let value = &v.value;
            quote!(Self::#variant => #value,)
        });
        let line = format!(
            " {}",
            doc::escape(var.description.as_deref().unwrap_or(&format!("The `{}` server variable.", var.name)))
        );
        let all = var.values.iter().map(|v| ident(&v.rust_name));
        let what = &var.name;
        quote! {
            #[doc = #line]
            #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
            #[non_exhaustive]
            pub enum #name { #(#variants)* }
            impl #name {
                /// Every value, in the spec's order.
                pub const ALL: &[Self] = &[#(Self::#all),*];

                /// The value as it appears in the URL.
                pub fn as_str(self) -> &'static str {
                    match self { #(#strs)* }
                }
            }
            impl ::std::fmt::Display for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }
            /// Parses the value as it appears in the URL (a region from a
            /// config file, say); an unknown one is an error listing the valid ones.
            impl ::std::str::FromStr for #name {
                type Err = rt::Error;
                fn from_str(value: &str) -> Result<Self, rt::Error> {
                    let found = Self::ALL.iter().copied().find(|known| known.as_str() == value);
                    found.ok_or_else(|| rt::validate::not_one_of(#what, value, Self::ALL.iter().map(|known| known.as_str())))
                }
            }
        }
    });
    let fields: Vec<_> = server.variables.iter().map(|v| ident(&crate::names::snake(&v.name))).collect();
    let types: Vec<_> = server.variables.iter().map(|v| ident(&v.rust_name)).collect();
    // Each `{variable}` becomes a named argument, so URL order and repeats are kept.
    let mut template = server.url.replace('{', "{{").replace('}', "}}");
    for (v, field) in server.variables.iter().zip(&fields) {
        template = template.replace(&format!("{{{{{}}}}}", v.name), &format!("{{{field}}}"));
    }
    let combos = server.combinations.iter().map(|c| {
        let values = server.variables.iter().map(|v| c.get(&v.name).cloned().unwrap_or_default());
        quote!(&[#(#values),*])
    });
    let check = (!server.combinations.is_empty()).then(|| {
        quote! {
            const SERVED: &[&[&str]] = &[#(#combos),*];
            let endpoint = Endpoint { #(#fields),* };
            let values = [#(endpoint.#fields.as_str()),*];
            if !SERVED.iter().any(|served| *served == values) {
                return Err(rt::Error::InvalidRequest(format!("the service is not offered at {}", endpoint.url())));
            }
            Ok(endpoint)
        }
    });
    let body = check.unwrap_or_else(|| quote!(Ok(Endpoint { #(#fields),* })));
    let mut lines = vec!["Where the service is reached: one value per server variable.".to_owned()];
    doc::paragraph(&mut lines, &format!("URL template: `{}`. `Default` gives the documented defaults.", server.url));
    for alternative in service.servers.iter().skip(1) {
        doc::paragraph(
            &mut lines,
            &format!(
                "Also documented: `{}`{}; pass such a URL to `Config::new` to use it.",
                alternative.url,
                alternative.description.as_deref().map(|d| format!(" ({})", doc::escape(d))).unwrap_or_default()
            ),
        );
    }
    let docs = doc::attrs(&lines);
    let url_fmt = if fields.is_empty() {
        quote!(#template.to_owned())
    } else {
        quote!(format!(#template, #(#fields = self.#fields),*))
    };
    let field_decls = fields.iter().zip(&types).zip(&server.variables).map(|((f, t), v)| {
        let line = format!(" {}", doc::escape(v.description.as_deref().unwrap_or(&v.name)));
        quote!(#[doc = #line] pub #f: #t,)
    });
    quote! {
        #(#enums)*
        #docs
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
        pub struct Endpoint { #(#field_decls)* }
        impl Endpoint {
            /// An endpoint; where the spec lists which combinations of variables are
            /// served (`x-cloudsdk-variable-combinations`), others are refused.
            pub fn new(#(#fields: #types),*) -> Result<Self, rt::Error> {
                #body
            }
            /// The base URL.
            pub fn url(&self) -> String {
                #url_fmt
            }
        }
    }
}
