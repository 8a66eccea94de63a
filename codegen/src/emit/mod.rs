//! IR → the files of one crate: formatted Rust source, `Cargo.toml`, `README.md`.

mod client;
mod conformance;
mod crate_files;
mod doc;
mod examples;
mod operation;
mod spelling;
mod types;
mod validate;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Service, TypeDef};
use crate::{CrateSpec, GeneratedCrate};

/// Facts about one crate that every emitter reads, computed once.
pub(crate) struct Crate<'a> {
    pub spec: &'a CrateSpec,
    /// One per API version, in the order of `spec.versions`.
    pub versions: Vec<Version<'a>>,
    /// Types identical in every version, emitted once in `shared.rs`.
    pub shared: BTreeSet<String>,
    /// The version the crate root re-exports: the one marked `CURRENT`, else the newest.
    pub current: usize,
    /// The spec files, as the `@generated` headers name them.
    pub sources: String,
}

/// Facts about one API version.
pub(crate) struct Version<'a> {
    pub service: &'a Service,
    /// The crate's package name.
    pub crate_name: &'a str,
    /// Types that have a `Validate` impl.
    pub checked: BTreeSet<String>,
}

impl<'a> Crate<'a> {
    fn new(spec: &'a CrateSpec, services: &'a [Service]) -> Self {
        let versions = services
            .iter()
            .map(|service| Version { service, crate_name: &spec.name, checked: validate::checked_types(service) })
            .collect();
        let shared = if spec.is_multi_version() { shared_types(services) } else { BTreeSet::new() };
        let current =
            services.iter().rposition(|s| s.version_status.as_deref() == Some("CURRENT")).unwrap_or(services.len() - 1);
        let sources = services.iter().map(|s| s.spec_path.as_str()).collect::<Vec<_>>().join(", ");
        Crate { spec, versions, shared, current, sources }
    }

    /// The version the crate root re-exports.
    pub fn current(&self) -> &Version<'a> {
        &self.versions[self.current]
    }

    pub fn services(&self) -> impl Iterator<Item = &'a Service> + '_ {
        self.versions.iter().map(|v| v.service)
    }
}

/// Renders every file of the crate described by `spec` from its lowered versions.
pub fn emit_crate(spec: &CrateSpec, services: &[Service], package_version: &str) -> Result<GeneratedCrate, String> {
    let krate = Crate::new(spec, services);
    let mut files = BTreeMap::new();
    if spec.is_multi_version() {
        let first = &krate.versions[0];
        let defs = krate.shared.iter().filter_map(|name| first.service.types.get(name));
        files.insert(
            PathBuf::from("src/shared.rs"),
            render(
                &krate.sources,
                "//! Types identical in every API version, shared by all version modules.\n",
                types::emit_types(defs, &first.checked),
            )?,
        );
        for (module, version) in spec.versions.iter().zip(&krate.versions) {
            let dir = PathBuf::from("src").join(&module.module);
            for (name, text) in version_files(version, &krate.shared, true)? {
                files.insert(dir.join(name), text);
            }
        }
    } else {
        for (name, text) in version_files(&krate.versions[0], &krate.shared, false)? {
            files.insert(PathBuf::from("src").join(name), text);
        }
    }
    files.insert(PathBuf::from("src/lib.rs"), crate_files::lib_rs(&krate)?);
    files.insert(PathBuf::from("Cargo.toml"), crate_files::cargo_toml(&krate, package_version));
    files.insert(PathBuf::from("README.md"), crate_files::readme(&krate));
    if let Some(tests) = conformance::conformance_rs(&krate)? {
        files.insert(PathBuf::from("tests/conformance.rs"), tests);
    }
    if let Some(tests) = examples::examples_rs(&krate)? {
        files.insert(PathBuf::from("tests/examples.rs"), tests);
    }
    Ok(GeneratedCrate { name: spec.name.clone(), files })
}

/// `types.rs`, `operation.rs` and `client.rs` (plus `mod.rs` for a version module).
fn version_files(
    version: &Version<'_>,
    shared: &BTreeSet<String>,
    module: bool,
) -> Result<Vec<(String, String)>, String> {
    let service = version.service;
    let source = service.spec_path.as_str();
    let own = service.types.values().filter(|t| !shared.contains(&t.name));
    let reexport = (!shared.is_empty()).then(|| {
        let names = shared.iter().map(|n| spelling::ident(n));
        quote!(pub use crate::shared::{#(#names),*};)
    });
    let defs = types::emit_types(own, &version.checked);
    let types_rs =
        render(source, "//! The request and response types of this API version.\n", quote!(#reexport #defs))?;
    let types_use = |tokens: &TokenStream| {
        uses_path(tokens, "types").then(|| {
            quote!(
                use super::types;
            )
        })
    };
    let ops = operation::emit_operations(version);
    let enums = operation::emit_status_enums(service);
    let ops = quote!(#enums #ops);
    let ops_use = types_use(&ops);
    let operation_rs = render(
        source,
        "//! Request builders, one per operation: set optional parameters, then `send()`.\n",
        quote!(#ops_use #ops),
    )?;
    let client = client::emit_client(version);
    let client_use = types_use(&client);
    let operation_use = uses_path(&client, "operation").then(|| {
        quote!(
            use super::operation;
        )
    });
    let client_rs = render(source, "", quote!(#client_use #operation_use #client))?;
    let mut files = vec![
        ("types.rs".to_owned(), types_rs),
        ("operation.rs".to_owned(), operation_rs),
        ("client.rs".to_owned(), client_rs),
    ];
    if module {
        files.push(("mod.rs".to_owned(), crate_files::version_mod_rs(service)?));
    }
    Ok(files)
}

/// Formats `tokens` behind the `@generated` header and an optional inner doc.
pub(crate) fn render(source: &str, inner_doc: &str, tokens: TokenStream) -> Result<String, String> {
    let uses_runtime = uses_path(&tokens, "rt");
    let mut file: syn::File = syn::parse2(tokens).map_err(|e| format!("generated code does not parse: {e}"))?;
    // Generated items name the runtime as `rt::`; the alias is declared where used,
    // after any inner attributes.
    if uses_runtime {
        file.items.insert(
            0,
            syn::parse_quote!(
                use ::cloudsdk_runtime as rt;
            ),
        );
    }
    Ok(format!("{}{inner_doc}{}", header(source), space_items(&prettyplease::unparse(&file))))
}

/// prettyplease leaves no blank line between items; a reader wants one after
/// each closed item and after the `use` block.
fn space_items(code: &str) -> String {
    let lines: Vec<&str> = code.lines().collect();
    let mut out = String::with_capacity(code.len() + code.len() / 16);
    for (i, line) in lines.iter().enumerate() {
        out.push_str(line);
        out.push('\n');
        let Some(next) = lines.get(i + 1) else { continue };
        let indent = |l: &str| l.len() - l.trim_start().len();
        let next_trim = next.trim_start();
        let closes_item =
            matches!(line.trim(), "}" | "};") || (line.trim_start().starts_with("pub type ") && line.ends_with(';'));
        let ends_uses = line.trim_start().starts_with("use ") && !next_trim.starts_with("use ");
        const ITEM_STARTS: &[&str] = &[
            "pub ",
            "pub(",
            "fn ",
            "async fn ",
            "impl",
            "struct ",
            "enum ",
            "#[",
            "///",
            "const ",
            "mod ",
            "type ",
            "use ",
        ];
        let starts_item = ITEM_STARTS.iter().any(|start| next_trim.starts_with(start));
        if (closes_item || ends_uses) && indent(line) == indent(next) && starts_item {
            out.push('\n');
        }
    }
    out
}

pub use conformance::prism_env;

/// Whether `tokens` contain the path prefix `name::` anywhere.
pub(crate) fn uses_path(tokens: &TokenStream, name: &str) -> bool {
    use proc_macro2::TokenTree;
    let trees: Vec<TokenTree> = tokens.clone().into_iter().collect();
    trees.iter().enumerate().any(|(i, tree)| match tree {
        TokenTree::Ident(ident) => {
            ident == name
                && matches!(trees.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == ':')
                && matches!(trees.get(i + 2), Some(TokenTree::Punct(p)) if p.as_char() == ':')
        }
        TokenTree::Group(group) => uses_path(&group.stream(), name),
        _ => false,
    })
}

pub(crate) fn header(source: &str) -> String {
    format!("// @generated by `cargo xtask regen` from {source}. Do not edit by hand.\n\n")
}

/// Names of types that are identical in every version and refer only to other
/// such types: they are emitted once, in `shared`, so callers can pass them to
/// any version.
fn shared_types(services: &[Service]) -> BTreeSet<String> {
    let (first, rest) = services.split_first().expect("a crate has a version");
    let same = |a: &TypeDef, b: &TypeDef| a.doc == b.doc && a.kind == b.kind;
    let mut shared: BTreeSet<String> = first
        .types
        .values()
        .filter(|t| rest.iter().all(|s| s.types.get(&t.name).is_some_and(|u| same(t, u))))
        .map(|t| t.name.clone())
        .collect();
    loop {
        let before = shared.len();
        let keep: BTreeSet<String> = shared
            .iter()
            .filter(|name| first.types[*name].references().into_iter().all(|r| shared.contains(r)))
            .cloned()
            .collect();
        shared = keep;
        if shared.len() == before {
            return shared;
        }
    }
}
