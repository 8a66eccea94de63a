//! The `# Example` of each client method: build the arguments by name from the
//! spec's documented example values, call, read the result. Compiled (not run)
//! as doctests.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::context::Version;
use super::operation::Arg;
use super::spelling::ident;
use crate::ir::{Doc, Field, IntFormat, Operation, StateType, Success, Type, TypeKind};

/// Deepest nesting of required members an example builds; below it the
/// example would be longer than it is useful (and a required cycle endless).
const MAX_DEPTH: usize = 6;

/// The rustdoc lines of an example calling `call` (a method of `client`, its
/// arguments already built), then reading what `op` returns.
pub fn example(version: &Version<'_>, op: &Operation, method: &str, call: &Call, awaited: Awaited) -> Vec<String> {
    let (root, krate) = (&version.root, &version.krate);
    let mut lines = vec!["# Example".to_owned(), String::new(), "```no_run".to_owned()];
    lines.push(format!("# async fn example(client: {root}::Client) -> Result<(), {krate}::Error> {{"));
    lines.push(format!("use {root}::types;"));
    lines.extend(call_lines(version, op, method, call, awaited));
    lines.extend(["# Ok(())".to_owned(), "# }".to_owned(), "```".to_owned()]);
    lines
}

/// The statements of an example, formatted: the `let`s the arguments need,
/// the call of `client.method(…)`, and a read of its result.
pub fn call_lines(version: &Version<'_>, op: &Operation, method: &str, call: &Call, awaited: Awaited) -> Vec<String> {
    let read = read_result(version, op);
    let method = ident(method);
    let args = &call.args;
    let statements = match awaited {
        Awaited::Send => call.statements(quote! {
            let response = client.#method(#(#args),*).send().await?;
            #read
        }),
        Awaited::Direct => call.statements(quote! {
            let response = client.#method(#(#args),*).await?;
            #read
        }),
        Awaited::Deletion => call.statements(quote! {
            if client.#method(#(#args),*).await?.is_none() {
                println!("gone");
            }
        }),
    };
    format_statements(&version.root, statements)
}

/// How the call's future is reached: through the builder's `send()`, or the
/// method's result is awaited itself (waiters); a deletion waiter answers
/// `None` once the resource is gone.
pub enum Awaited {
    Send,
    Direct,
    Deletion,
}

/// `.field` of the first required member of the success body, printed; the
/// status when there is no body.
fn read_result(version: &Version<'_>, op: &Operation) -> TokenStream {
    match &op.success {
        Success::Empty => quote!(println!("{}", response.status());),
        Success::Body(ty) => match first_required_member(version, ty) {
            Some(field) => {
                let member = ident(&field.rust_name);
                quote!(println!("{:?}", response.body().#member);)
            }
            None => quote!(println!("{:?}", response.body());),
        },
        Success::BodyOrEmpty(_) | Success::ByStatus(_) => quote!(println!("{:?}", response.body());),
    }
}

fn first_required_member<'v>(version: &'v Version<'_>, ty: &Type) -> Option<&'v Field> {
    match resolved(version, ty)? {
        TypeKind::Struct { fields, .. } => fields.iter().find(|f| !f.is_optional()),
        _ => None,
    }
}

/// The values of a method's arguments (`operation::required_args`), built from
/// their examples; a struct (the body) is bound to a `let` under the
/// argument's name first, which [`Call::statements`] puts before the call.
pub fn arguments(version: &Version<'_>, args: &[Arg]) -> Call {
    let mut names = crate::names::NameSet::new("_");
    // The example's own names: a `let` must not shadow them.
    for taken in ["client", "response", "types"] {
        names.reserve(taken);
    }
    let mut call = Call { lets: Vec::new(), names, args: Vec::new(), krate: ident(&version.krate) };
    for arg in args {
        let value = call.value(version, &arg.ty, arg.example.as_ref(), arg.doc.as_ref(), Slot::Argument, 0);
        let value = match resolved(version, &arg.ty) {
            Some(TypeKind::Struct { required: Some(_), .. }) => call.bind(&arg.name, value),
            _ => value,
        };
        call.args.push(value);
    }
    call
}

/// The arguments of an example call and the `let`s they need.
pub struct Call {
    lets: Vec<TokenStream>,
    names: crate::names::NameSet,
    pub args: Vec<TokenStream>,
    /// The crate, for paths into its runtime.
    krate: proc_macro2::Ident,
}

/// What a named type is, aliases followed.
fn resolved<'v>(version: &'v Version<'_>, ty: &Type) -> Option<&'v TypeKind> {
    let Type::Named(name) = ty else { return None };
    match &version.service.types.get(name)?.kind {
        TypeKind::Alias(target) => resolved(version, target),
        kind => Some(kind),
    }
}

/// The state a waiter's example waits for: the first documented value that is
/// not a failure.
pub fn waiter_target(version: &Version<'_>, waiter: &crate::ir::Waiter) -> TokenStream {
    let StateType::Enum(name) = &waiter.state else { return quote!("...") };
    let values = match version.service.types.get(name).map(|d| &d.kind) {
        Some(TypeKind::Enum { values, .. }) => values.as_slice(),
        _ => &[],
    };
    match values.iter().find(|v| !waiter.failure.contains(&v.value)) {
        Some(v) => {
            let (ty, variant) = (ident(name), ident(&v.rust_name));
            quote!(types::#ty::#variant)
        }
        None => quote!("..."),
    }
}

/// Where a value goes: a method argument taking `impl Into<T>` (where a
/// `…Required` literal converts itself), or a member that is exactly `T`.
#[derive(Clone, Copy)]
enum Slot {
    Argument,
    Member,
}

impl Call {
    /// The `let`s, then `call` with the arguments.
    pub fn statements(&self, call: TokenStream) -> TokenStream {
        let lets = &self.lets;
        quote!(#(#lets)* #call)
    }

    /// Binds `value` to a fresh `let` named after `hint`; the name is the expression.
    fn bind(&mut self, hint: &str, value: TokenStream) -> TokenStream {
        let name = ident(&self.names.claim(hint));
        self.lets.push(quote!(let #name = #value;));
        quote!(#name)
    }

    /// [`Call::bind`] with the type written out, where nothing else says it.
    fn bind_typed(&mut self, hint: &str, ty: TokenStream, value: TokenStream) -> TokenStream {
        let name = ident(&self.names.claim(hint));
        self.lets.push(quote!(let #name: #ty = #value;));
        quote!(#name)
    }

    /// A Rust expression of type `ty`, from `example` where it has one, else
    /// from the documented default or minimum.
    fn value(
        &mut self,
        version: &Version<'_>,
        ty: &Type,
        example: Option<&Value>,
        doc: Option<&Doc>,
        slot: Slot,
        depth: usize,
    ) -> TokenStream {
        let example = example.or_else(|| doc.and_then(|d| d.default.as_ref()));
        let minimum = doc.and_then(|d| d.constraints.minimum);
        match ty {
            Type::String => {
                let text = example.and_then(Value::as_str).filter(|s| !s.is_empty()).unwrap_or("...");
                match slot {
                    Slot::Argument => quote!(#text),
                    Slot::Member => quote!(#text.into()),
                }
            }
            Type::Integer(format) => {
                let n = example.and_then(Value::as_i64).or(minimum.map(|m| m.ceil() as i64)).unwrap_or(1);
                let n = match format {
                    IntFormat::I32 => i64::from(i32::try_from(n).unwrap_or(1)),
                    IntFormat::I64 => n,
                };
                let literal = proc_macro2::Literal::i64_unsuffixed(n);
                quote!(#literal)
            }
            Type::Number(_) => {
                let n = example.and_then(Value::as_f64).or(minimum).unwrap_or(1.0);
                let literal = proc_macro2::Literal::f64_unsuffixed(n);
                quote!(#literal)
            }
            Type::Boolean => {
                let b = example.and_then(Value::as_bool).unwrap_or(false);
                quote!(#b)
            }
            Type::Array(item) => {
                let first = example.and_then(Value::as_array).and_then(|items| items.first());
                let value = self.value(version, item, first, None, Slot::Member, depth);
                // An item struct is built first, named after its type.
                let value = match (item.as_ref(), resolved(version, item)) {
                    (Type::Named(name), Some(TypeKind::Struct { required: Some(_), .. })) => {
                        self.bind(&crate::names::snake(name), value)
                    }
                    _ => value,
                };
                quote!(vec![#value])
            }
            Type::Nullable(inner) => {
                let inner = self.value(version, inner, example, None, Slot::Member, depth);
                quote!(Some(#inner))
            }
            Type::DateTime => {
                let text = example.and_then(Value::as_str).unwrap_or("2024-01-01T00:00:00Z");
                let krate = &self.krate;
                quote!(#krate::runtime::DateTime::parse(#text).expect("an RFC 3339 date-time"))
            }
            Type::Any | Type::Object | Type::Map(_) => quote!(Default::default()),
            Type::Text => {
                let text = example.and_then(Value::as_str).unwrap_or("...");
                quote!(#text)
            }
            Type::Bytes | Type::ByteStream => quote!("file contents".as_bytes()),
            Type::File => {
                let krate = &self.krate;
                quote!(#krate::runtime::FilePart::new("file contents".as_bytes()).with_file_name("report.txt"))
            }
            Type::Named(name) => self.named(version, name, example, slot, depth),
        }
    }

    fn named(
        &mut self,
        version: &Version<'_>,
        name: &str,
        example: Option<&Value>,
        slot: Slot,
        depth: usize,
    ) -> TokenStream {
        let Some(def) = version.service.types.get(name) else { return quote!(Default::default()) };
        let ty = ident(name);
        match &def.kind {
            TypeKind::Struct { required: None, .. } => quote!(types::#ty::new()),
            TypeKind::Struct { required: Some(_), .. } if depth >= MAX_DEPTH => quote!(todo!()),
            TypeKind::Struct { fields, required: Some(required), .. } => {
                let required = ident(required);
                let members: Vec<TokenStream> = fields
                    .iter()
                    .filter(|f| !f.is_optional())
                    .map(|f| {
                        let member = ident(&f.rust_name);
                        let example = example.and_then(|e| e.get(&f.name)).or(f.doc.example.as_ref());
                        let value = self.value(version, &f.ty, example, Some(&f.doc), Slot::Member, depth + 1);
                        // A struct inside a member is built first, under the member's name.
                        let value = match resolved(version, &f.ty) {
                            Some(TypeKind::Struct { required: Some(_), .. }) => self.bind(&f.rust_name, value),
                            _ => value,
                        };
                        if value.to_string() == f.rust_name {
                            quote!(#member)
                        } else {
                            quote!(#member: #value)
                        }
                    })
                    .collect();
                let literal = quote!(types::#required { #(#members),* });
                match slot {
                    Slot::Argument => literal,
                    Slot::Member => quote!(types::#ty::new(#literal)),
                }
            }
            TypeKind::Enum { values, .. } => {
                let chosen = example
                    .and_then(Value::as_str)
                    .and_then(|e| values.iter().find(|v| v.value == e))
                    .or(values.first());
                match chosen {
                    Some(v) => {
                        let variant = ident(&v.rust_name);
                        quote!(types::#ty::#variant)
                    }
                    None => quote!(types::#ty::from("...")),
                }
            }
            TypeKind::Union { variants, discriminator } => match variants.first() {
                // A tagged variant carries its tag: build it with that value.
                Some(v) if v.tag.is_some() && discriminator.is_some() => {
                    let mut tagged =
                        example.filter(|e| e.is_object()).cloned().unwrap_or_else(|| Value::Object(Default::default()));
                    if let (Some(object), Some(property), Some(tag)) = (tagged.as_object_mut(), discriminator, &v.tag) {
                        object.insert(property.clone(), Value::String(tag.clone()));
                    }
                    let variant = ident(&v.rust_name);
                    let inner = self.value(version, &v.ty, Some(&tagged), None, Slot::Member, depth + 1);
                    quote!(types::#ty::#variant(#inner))
                }
                // The union converts from the variant's `…Required` itself.
                Some(v)
                    if v.distinct
                        && matches!(slot, Slot::Argument)
                        && super::types::required_struct_of(version, &v.ty).is_some() =>
                {
                    self.value(version, &v.ty, example, None, Slot::Argument, depth + 1)
                }
                Some(v) => {
                    let variant = ident(&v.rust_name);
                    let inner = self.value(version, &v.ty, example, None, Slot::Member, depth + 1);
                    quote!(types::#ty::#variant(#inner))
                }
                None => quote!(todo!()),
            },
            // Through an alias into an argument, nothing says the type of a number
            // or a default: a typed `let` does.
            TypeKind::Alias(target)
                if matches!(slot, Slot::Argument) && !matches!(target, Type::String | Type::Named(_)) =>
            {
                let value = self.value(version, target, example, None, Slot::Member, depth);
                self.bind_typed(&crate::names::snake(name), quote!(types::#ty), value)
            }
            TypeKind::Alias(target) => self.value(version, target, example, None, slot, depth),
        }
    }
}

/// `statements` formatted as the body of a function, one line per entry.
pub(super) fn format_statements(root: &str, statements: TokenStream) -> Vec<String> {
    let wrapper = format_ident!("example");
    let file = quote!(async fn #wrapper() { #statements });
    let text = match syn::parse2::<syn::File>(file) {
        Ok(file) => prettyplease::unparse(&file),
        // Our own tokens always parse; if not, the doctest fails loudly rather than showing nothing.
        Err(e) => return vec![format!("compile_error!(\"the example for {root} did not parse: {e}\");")],
    };
    let lines: Vec<&str> = text.lines().collect();
    let body = lines.get(1..lines.len().saturating_sub(1)).unwrap_or_default();
    body.iter().map(|l| l.strip_prefix("    ").unwrap_or(l).to_owned()).collect()
}
