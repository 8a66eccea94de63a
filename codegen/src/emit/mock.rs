//! `mock.rs` of a version (cargo feature `mocks`): one typed rule constructor
//! per operation for the runtime's in-memory service, and a module doc whose
//! example — a test of user code, run in CI — is also the README's.

use proc_macro2::TokenStream;
use quote::quote;

use super::context::Version;
use super::operation::{required_args, Arg};
use super::snippet;
use super::spelling::{ident, rust_type, Scope};
use crate::ir::{BodyMedia, Operation, StateStep, StateType, Status, Success, Type, TypeKind, Waiter};

pub fn emit_mocks<'a>(version: &'a Version<'_>) -> impl Iterator<Item = TokenStream> + 'a {
    version.service.operations.iter().map(emit_rule)
}

/// `pub fn show_server() -> rt::mock::Rule<Body, Output>`.
fn emit_rule(op: &Operation) -> TokenStream {
    let name = ident(&op.name);
    let op_name = &op.name;
    let template = op.path.to_string();
    // Matchers see a JSON body typed; any other body as `http().body()`.
    let body = match &op.body {
        Some(body) if body.media == BodyMedia::Json => rust_type(&body.ty, Scope::Elsewhere),
        _ => quote!(()),
    };
    let (status, output) = mock_output(op);
    let status = proc_macro2::Literal::u16_unsuffixed(status);
    let constructor = match output {
        Some(Type::Text) => quote!(text),
        Some(Type::Bytes) => quote!(bytes),
        _ => quote!(new),
    };
    let output = output.map_or(quote!(()), |ty| rust_type(ty, Scope::Elsewhere));
    let doc =
        format!(" A rule answering [`Client::{op_name}`](super::Client::{op_name}) (`{} {template}`).", op.method);
    quote! {
        #[doc = #doc]
        pub fn #name() -> rt::mock::Rule<#body, #output> {
            rt::mock::Rule::#constructor(#op_name, #template, #status)
        }
    }
}

/// The status and body type of the answer `then_output` gives: the first
/// documented success with a body (the first success when none has one).
fn mock_output(op: &Operation) -> (u16, Option<&Type>) {
    let code = |status: &Status| match status {
        Status::Code(code) => *code,
        Status::Range(class) => class * 100,
        Status::Default => 200,
    };
    // `default` is the success only where no 2xx is documented (as `Operation::success`).
    let has_2xx = op.responses.iter().any(|r| r.status.is_success());
    let successes =
        op.responses.iter().filter(|r| if has_2xx { r.status.is_success() } else { r.status == Status::Default });
    let mut first = None;
    for response in successes {
        if response.ty.is_some() {
            return (code(&response.status), response.ty.as_ref());
        }
        first.get_or_insert(code(&response.status));
    }
    let body = match &op.success {
        Success::Body(ty) | Success::BodyOrEmpty(ty) => Some(ty),
        _ => None,
    };
    (first.unwrap_or(200), body)
}

/// The module doc: what the mocks are, and a test of user code against them.
pub fn module_doc(version: &Version<'_>) -> String {
    let mut lines = vec![
        "Typed rules for the runtime's in-memory service (`runtime::mock`), one per operation: test code".to_owned(),
        "that calls this client without a network. Each rule matches on the operation's inputs".to_owned(),
        "(`path_param`, `query`, the typed `body`) and answers with typed outputs, API errors or".to_owned(),
        "transport failures in turn; `matched()` counts its requests, and".to_owned(),
        "`assert_no_unexpected_requests` names any request no rule answered. The whole request".to_owned(),
        "pipeline (validation, retries, decoding, waiters, streams) runs unchanged; no socket is opened.".to_owned(),
        String::new(),
        format!(
            "Enable it for tests only: `[dev-dependencies] {} = {{ …, features = [\"mocks\"] }}`.",
            version.crate_name
        ),
        String::new(),
        "# Example".to_owned(),
        String::new(),
        "```".to_owned(),
    ];
    lines.extend(example(version));
    lines.push("```".to_owned());
    lines.iter().map(|l| if l.is_empty() { "//!\n".to_owned() } else { format!("//! {l}\n") }).collect()
}

/// What the example tests, for the README.
pub fn example_subject(version: &Version<'_>) -> &'static str {
    if version.service.operations.iter().any(|op| settable_waiter(version, op).is_some()) {
        "code that waits for a resource to reach a state"
    } else {
        "code that must survive a 503"
    }
}

/// The example's lines: a waiter through two states where the crate has one
/// whose state a test can set, else a call retried through a 503.
pub fn example(version: &Version<'_>) -> Vec<String> {
    let (root, krate) = (&version.root, &version.krate);
    let service = version.service;
    let client_args = service.client_params.iter().map(|_| quote!("..."));
    let mut lines = vec![
        format!("use {root}::{{mock, types, Client}};"),
        format!("use {krate}::runtime::mock::Mock;"),
        String::new(),
        "# #[tokio::main(flavor = \"current_thread\")]".to_owned(),
        "# async fn main() {".to_owned(),
    ];
    let waiter = service.operations.iter().find_map(|op| settable_waiter(version, op));
    let read = service.operations.iter().find(|op| readable_output(version, op));
    let body = |client: TokenStream| match (waiter, read) {
        (Some((op, waiter, target, other)), _) => waiter_test(version, op, waiter, target, other, client),
        (None, Some(op)) => retry_test(version, op, client),
        (None, None) => quote!(),
    };
    let client = quote!(let client = Client::new(service.config(), #(#client_args),*).unwrap(););
    lines.extend(snippet::format_statements(root, body(client)));
    lines.push("# }".to_owned());
    lines
}

/// An operation whose answer the example can build (a struct `snippet` can construct).
fn readable_output(version: &Version<'_>, op: &Operation) -> bool {
    let (_, Some(Type::Named(name))) = mock_output(op) else { return false };
    matches!(version.service.types.get(name).map(|t| &t.kind), Some(TypeKind::Struct { .. }))
}

/// A waiter whose state is one required enum member of a struct answer, with
/// a target and another non-failure state to go through first.
fn settable_waiter<'o>(
    version: &Version<'_>,
    op: &'o Operation,
) -> Option<(&'o Operation, &'o Waiter, String, String)> {
    let waiter = op.waiter.as_ref()?;
    let StateType::Enum(name) = &waiter.state else { return None };
    if state_members(waiter).is_none() || !readable_output(version, op) {
        return None;
    }
    let Some(TypeKind::Enum { values, .. }) = version.service.types.get(name).map(|t| &t.kind) else { return None };
    let usable: Vec<_> = values.iter().filter(|v| !waiter.failure.contains(&v.value)).collect();
    let target = usable.first()?;
    const TRANSITIONAL: [&str; 4] = ["CREAT", "PROVISION", "BUILD", "PENDING"];
    let transitional =
        |v: &&&crate::ir::EnumValue| TRANSITIONAL.iter().any(|t| v.value.to_ascii_uppercase().contains(t));
    let other = usable.iter().skip(1).find(transitional).or(usable.get(1))?;
    Some((op, waiter, target.rust_name.clone(), other.rust_name.clone()))
}

/// The members a test sets to put an answer in a state: required all the way,
/// the last one possibly optional (set to `Some`); no `*`.
fn state_members(waiter: &Waiter) -> Option<(Vec<proc_macro2::Ident>, bool)> {
    let mut fields = Vec::new();
    let last = waiter.path.len().checked_sub(1)?;
    let mut optional = false;
    for (i, step) in waiter.path.iter().enumerate() {
        let StateStep::Member(member) = step else { return None };
        if member.optional && i != last {
            return None;
        }
        optional = member.optional;
        fields.push(ident(&member.rust_name));
    }
    Some((fields, optional))
}

/// Arguments and answer of `op`'s example: the client call's arguments and a
/// `let answer = …;` built by name.
fn call_and_answer(version: &Version<'_>, op: &Operation) -> (snippet::Call, TokenStream) {
    let mut args = required_args(op);
    let (_, output) = mock_output(op);
    let output = output.cloned().expect("readable_output checked it");
    args.push(Arg::body(output, None));
    let output_ty = rust_type(args.last().map(|a| &a.ty).expect("the answer was pushed last"), Scope::Elsewhere);
    let mut call = snippet::arguments(version, &args);
    let value = call.args.pop().expect("the answer was pushed last");
    (call, quote!(#output_ty::from(#value)))
}

fn waiter_test(
    version: &Version<'_>,
    op: &Operation,
    waiter: &Waiter,
    target: String,
    other: String,
    client: TokenStream,
) -> TokenStream {
    let (call, answer) = call_and_answer(version, op);
    let StateType::Enum(state_ty) = &waiter.state else { unreachable!("settable_waiter checked it") };
    let (fields, optional) = state_members(waiter).expect("settable_waiter checked it");
    let state_ty = ident(state_ty);
    let (target, other) = (ident(&target), ident(&other));
    let state = |value: &proc_macro2::Ident| {
        let value = quote!(types::#state_ty::#value);
        if optional {
            quote!(Some(#value))
        } else {
            value
        }
    };
    let (reached_state, before_state) = (state(&target), state(&other));
    let field = quote!(#(#fields).*);
    let (rule, method) = (ident(&op.name), ident(&waiter.method));
    let args = &call.args;
    let first_param = path_param_check(op, &call);
    call.statements(quote! {
        let mut reached = #answer;
        reached.#field = #reached_state;
        let mut before = reached.clone();
        before.#field = #before_state;
        let read = mock::#rule()#first_param.then_output(before).then_output(reached);
        let service = Mock::new().with_rule(&read);
        #client
        let answer = client
            .#method(#(#args,)* types::#state_ty::#target)
            .with_interval(std::time::Duration::from_millis(1))
            .await
            .unwrap();
        assert_eq!(answer.body().#field, #reached_state);
        assert_eq!(read.matched(), 2);
        service.assert_no_unexpected_requests();
    })
}

fn retry_test(version: &Version<'_>, op: &Operation, client: TokenStream) -> TokenStream {
    let (call, answer) = call_and_answer(version, op);
    let rule = ident(&op.name);
    let args = &call.args;
    let krate = ident(&version.krate);
    let first_param = path_param_check(op, &call);
    call.statements(quote! {
        let answer = #answer;
        let rule = mock::#rule()
            #first_param
            .then_error(503, #krate::runtime::serde_json::json!({"message": "busy"}))
            .then_output(answer);
        let service = Mock::new().with_rule(&rule);
        #client
        let response = client.#rule(#(#args),*).send().await.unwrap();
        assert_eq!(rule.matched(), 2, "the 503 was retried");
        println!("{:?}", response.body());
        service.assert_no_unexpected_requests();
    })
}

/// `.match_requests(|request| request.path_param("id") == Some("…"))` for
/// the operation's first path argument and the value the example passes.
fn path_param_check(op: &Operation, call: &snippet::Call) -> TokenStream {
    let args = required_args(op);
    let first = op.path.segments.iter().find_map(|segment| match segment {
        crate::ir::PathSegment::Param { name, rust_name, ty: Type::String, from_client: false, style: None } => {
            let index = args.iter().position(|a| &a.name == rust_name)?;
            Some((name, call.args.get(index)?))
        }
        _ => None,
    });
    let Some((name, value)) = first else { return quote!() };
    quote!(.match_requests(|request| request.path_param(#name) == Some(#value)))
}
