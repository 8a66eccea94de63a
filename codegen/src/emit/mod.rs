//! IR → the files of one crate: formatted Rust source, `Cargo.toml`, `README.md`.

mod client;
mod conformance;
mod context;
mod crate_files;
mod doc;
mod examples;
mod mock;
mod operation;
mod render;
mod snippet;
mod spelling;
mod types;
mod validate;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use quote::quote;

use crate::ir::Service;

use crate::layout::CrateSpec;
use context::{Crate, Version};
use render::SourceFile;

/// The files of one generated crate, keyed by path relative to the crate root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedCrate {
    /// Package name, e.g. `scp-epas`.
    pub name: String,
    /// File contents by relative path (`Cargo.toml`, `src/lib.rs`, ...).
    pub files: BTreeMap<PathBuf, String>,
}

/// Renders every file of the crate described by `spec` from its lowered versions.
pub fn emit_crate(spec: &CrateSpec, services: &[Service], package_version: &str) -> Result<GeneratedCrate, String> {
    let krate = Crate::new(spec, services);
    let mut files = BTreeMap::new();
    if spec.is_multi_version() {
        let first = &krate.versions[0];
        let defs = krate.shared.iter().filter_map(|name| first.service.types.get(name));
        files.insert(PathBuf::from("src/shared.rs"), {
            let doc = "//! Types identical in every API version, shared by all version modules.\n";
            let mut file = SourceFile::new(&krate.sources, doc);
            file.push_all(types::emit_types(defs, first))?;
            file.finish()
        });
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
    files.insert(PathBuf::from("README.md"), crate_files::readme(&krate, package_version));
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
        // A shared struct's `…Required` lives beside it in `shared`.
        let required = shared.iter().filter_map(|n| match service.types.get(n).map(|t| &t.kind) {
            Some(crate::ir::TypeKind::Struct { required, .. }) => required.as_ref(),
            _ => None,
        });
        let names = shared.iter().chain(required).map(|n| spelling::ident(n));
        quote!(pub use crate::shared::{#(#names),*};)
    });
    let types_use = quote!(
        use super::types;
    );
    let mut types_rs = SourceFile::new(source, "//! The request and response types of this API version.\n");
    types_rs.push_all(reexport.into_iter().chain(types::emit_types(own, version)))?;
    let mut operation_rs =
        SourceFile::new(source, "//! Request builders, one per operation: set optional parameters, then `send()`.\n")
            .import_when_used("types", types_use.clone());
    operation_rs.push_all(operation::emit_status_enums(service).chain(operation::emit_operations(version)))?;
    let mut client_rs = SourceFile::new(source, "").import_when_used("types", types_use.clone()).import_when_used(
        "operation",
        quote!(
            use super::operation;
        ),
    );
    client_rs.push(client::emit_client(version))?;
    let mock_doc = mock::module_doc(version);
    let mut mock_rs = SourceFile::new(source, &mock_doc).import_when_used("types", types_use);
    mock_rs.push_all(mock::emit_mocks(version))?;
    let (types_rs, operation_rs, client_rs, mock_rs) =
        (types_rs.finish(), operation_rs.finish(), client_rs.finish(), mock_rs.finish());
    let mut files = vec![
        ("types.rs".to_owned(), types_rs),
        ("operation.rs".to_owned(), operation_rs),
        ("client.rs".to_owned(), client_rs),
        ("mock.rs".to_owned(), mock_rs),
    ];
    if module {
        files.push(("mod.rs".to_owned(), crate_files::version_mod_rs(service)?));
    }
    Ok(files)
}

pub use conformance::prism_env;
