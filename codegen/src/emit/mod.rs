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

use proc_macro2::TokenStream;

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

/// Renders every file of the crate described by `spec` from its lowered
/// versions. Files are independent, so they are rendered on all cores.
pub fn emit_crate(spec: &CrateSpec, services: &[Service], package_version: &str) -> Result<GeneratedCrate, String> {
    let krate = Crate::new(spec, services);
    let files = crate_files(&krate);
    let rendered = crate::parallel_map(&files, |file| file.render(&krate, package_version));
    let mut out = BTreeMap::new();
    for (file, text) in files.iter().zip(rendered) {
        if let Some(text) = text? {
            out.insert(file.path(&krate), text);
        }
    }
    Ok(GeneratedCrate { name: spec.name.clone(), files: out })
}

/// One file of a generated crate; `usize` is the index of its API version.
#[derive(Clone, Copy, Debug)]
enum CrateFile {
    Operations(usize),
    Types(usize),
    Client(usize),
    Mocks(usize),
    VersionMod(usize),
    Shared,
    Lib,
    CargoToml,
    Readme,
    Conformance,
    Examples,
}

/// The files of `krate`, the largest kinds first so that the cores finish together.
fn crate_files(krate: &Crate<'_>) -> Vec<CrateFile> {
    let versions = 0..krate.versions.len();
    let multi = krate.spec.is_multi_version();
    let per_version: [fn(usize) -> CrateFile; 4] =
        [CrateFile::Operations, CrateFile::Types, CrateFile::Client, CrateFile::Mocks];
    let mut files: Vec<CrateFile> = per_version.iter().flat_map(|kind| versions.clone().map(kind)).collect();
    files.extend([
        CrateFile::Conformance,
        CrateFile::Examples,
        CrateFile::Readme,
        CrateFile::Lib,
        CrateFile::CargoToml,
    ]);
    if multi {
        files.push(CrateFile::Shared);
        files.extend(versions.map(CrateFile::VersionMod));
    }
    files
}

impl CrateFile {
    /// Where the file goes, relative to the crate root.
    fn path(self, krate: &Crate<'_>) -> PathBuf {
        let in_version = |index: usize, name: &str| {
            let src = PathBuf::from("src");
            match krate.spec.is_multi_version() {
                true => src.join(&krate.spec.versions[index].module).join(name),
                false => src.join(name),
            }
        };
        match self {
            CrateFile::Operations(v) => in_version(v, "operation.rs"),
            CrateFile::Types(v) => in_version(v, "types.rs"),
            CrateFile::Client(v) => in_version(v, "client.rs"),
            CrateFile::Mocks(v) => in_version(v, "mock.rs"),
            CrateFile::VersionMod(v) => in_version(v, "mod.rs"),
            CrateFile::Shared => PathBuf::from("src/shared.rs"),
            CrateFile::Lib => PathBuf::from("src/lib.rs"),
            CrateFile::CargoToml => PathBuf::from("Cargo.toml"),
            CrateFile::Readme => PathBuf::from("README.md"),
            CrateFile::Conformance => PathBuf::from("tests/conformance.rs"),
            CrateFile::Examples => PathBuf::from("tests/examples.rs"),
        }
    }

    /// The file's text, or `None` for a test file the crate has no use for.
    fn render(self, krate: &Crate<'_>, package_version: &str) -> Result<Option<String>, String> {
        let version = |index: usize| &krate.versions[index];
        let text = match self {
            CrateFile::Operations(v) => operations_rs(version(v))?,
            CrateFile::Types(v) => types_rs(version(v), &krate.shared)?,
            CrateFile::Client(v) => client_rs(version(v))?,
            CrateFile::Mocks(v) => mock_rs(version(v))?,
            CrateFile::VersionMod(v) => crate_files::version_mod_rs(version(v).service)?,
            CrateFile::Shared => shared_rs(krate)?,
            CrateFile::Lib => crate_files::lib_rs(krate)?,
            CrateFile::CargoToml => crate_files::cargo_toml(krate, package_version),
            CrateFile::Readme => crate_files::readme(krate, package_version),
            CrateFile::Conformance => return conformance::conformance_rs(krate),
            CrateFile::Examples => return examples::examples_rs(krate),
        };
        Ok(Some(text))
    }
}

/// `use super::types;`, for files that name `types::`.
fn types_use() -> TokenStream {
    quote!(
        use super::types;
    )
}

/// The types identical in every version of a multi-version crate.
fn shared_rs(krate: &Crate<'_>) -> Result<String, String> {
    let first = &krate.versions[0];
    let defs = krate.shared.iter().filter_map(|name| first.service.types.get(name));
    let doc = "//! Types identical in every API version, shared by all version modules.\n";
    let mut file = SourceFile::new(&krate.sources, doc);
    file.push_all(types::emit_types(defs, first))?;
    Ok(file.finish())
}

/// A version's own types, and the shared ones re-exported.
fn types_rs(version: &Version<'_>, shared: &BTreeSet<String>) -> Result<String, String> {
    let service = version.service;
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
    let mut file = SourceFile::new(&service.spec_path, "//! The request and response types of this API version.\n");
    file.push_all(reexport.into_iter().chain(types::emit_types(own, version)))?;
    Ok(file.finish())
}

fn operations_rs(version: &Version<'_>) -> Result<String, String> {
    let service = version.service;
    let doc = "//! Request builders, one per operation: set optional parameters, then `send()`.\n";
    let mut file = SourceFile::new(&service.spec_path, doc).import_when_used("types", types_use());
    file.push_all(operation::emit_status_enums(service).chain(operation::emit_operations(version)))?;
    Ok(file.finish())
}

fn client_rs(version: &Version<'_>) -> Result<String, String> {
    let mut file =
        SourceFile::new(&version.service.spec_path, "").import_when_used("types", types_use()).import_when_used(
            "operation",
            quote!(
                use super::operation;
            ),
        );
    let code = client::emit_client(version);
    file.push(code.items)?;
    file.push_impl("Client", code.members)?;
    file.push(code.after)?;
    Ok(file.finish())
}

fn mock_rs(version: &Version<'_>) -> Result<String, String> {
    let doc = mock::module_doc(version);
    let mut file = SourceFile::new(&version.service.spec_path, &doc).import_when_used("types", types_use());
    file.push_all(mock::emit_mocks(version))?;
    Ok(file.finish())
}

pub use conformance::prism_env;
