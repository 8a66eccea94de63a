//! The public API of a generated crate as a set of lines (`types::Tag.key:
//! Option<String>`, `Client::list_clusters(&self) -> operation::ListClusters`),
//! read from its source with `syn`. Comparing two crates' surfaces catches
//! what a spec diff cannot: changes the generator itself makes (a rename, a
//! merged enum, a new constructor), so `regen --bump` and `xtask diff` report
//! them too.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

use quote::ToTokens;

use crate::diff::Change;

/// The public items of the crate whose files (relative paths → text) are
/// given; files that do not parse are named as such, never skipped silently.
pub fn surface(files: &BTreeMap<PathBuf, String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (path, text) in files.iter().filter(|(p, _)| p.starts_with("src") && p.extension().is_some_and(|e| e == "rs")) {
        let prefix = module_prefix(path);
        match syn::parse_file(text) {
            Ok(file) => items(&prefix, &file.items, &mut out),
            Err(e) => {
                out.insert(format!("{} does not parse: {e}", path.display()));
            }
        }
    }
    out
}

/// The changes from `old` to `new`: each public item gone is breaking, each
/// new one is not. A changed signature is one of each.
pub fn changes(old: &BTreeSet<String>, new: &BTreeSet<String>) -> Vec<Change> {
    let removed = old.difference(new).map(|item| Change {
        location: "generated API".into(),
        description: format!("removed `{item}`"),
        breaking: true,
    });
    let added = new.difference(old).map(|item| Change {
        location: "generated API".into(),
        description: format!("added `{item}`"),
        breaking: false,
    });
    removed.chain(added).collect()
}

/// `src/v1_0/types.rs` → `v1_0::types::`; `client.rs`, `lib.rs` and `mod.rs`
/// are glob re-exported by their parent, so they add nothing.
fn module_prefix(path: &Path) -> String {
    let mut prefix = String::new();
    for part in path.components().skip(1) {
        let Component::Normal(part) = part else { continue };
        let part = part.to_string_lossy();
        let name = part.trim_end_matches(".rs");
        if !matches!(name, "client" | "lib" | "mod") {
            prefix.push_str(name);
            prefix.push_str("::");
        }
    }
    prefix
}

fn is_pub(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

/// Tokens as a person writes them: `Option<String>`, `fn new(r: SRequired) -> Self`.
/// Whether callers must allow for members added later. Items without
/// `#[non_exhaustive]` are also listed whole, as one line, so adding a member
/// (a struct literal must name it, a `match` must cover it) shows as breaking.
fn is_non_exhaustive(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("non_exhaustive"))
}

fn tokens(t: &impl ToTokens) -> String {
    let mut text = t.to_token_stream().to_string();
    for (spaced, tight) in
        [(" < ", "<"), ("< ", "<"), (" >", ">"), (" ,", ","), (" : ", ": "), (" :: ", "::"), (":: ", "::"), ("& ", "&")]
    {
        text = text.replace(spaced, tight);
    }
    text.replace(" (", "(").replace("( ", "(").replace(" )", ")")
}

fn items(prefix: &str, list: &[syn::Item], out: &mut BTreeSet<String>) {
    for item in list {
        match item {
            syn::Item::Struct(s) if is_pub(&s.vis) => {
                out.insert(format!("{prefix}{}", s.ident));
                if !is_non_exhaustive(&s.attrs) {
                    out.insert(format!("{prefix}{} (exhaustive) {}", s.ident, tokens(&s.fields)));
                }
                for f in s.fields.iter().filter(|f| is_pub(&f.vis)) {
                    let name = f.ident.as_ref().map(ToString::to_string).unwrap_or_default();
                    out.insert(format!("{prefix}{}.{name}: {}", s.ident, tokens(&f.ty)));
                }
            }
            syn::Item::Enum(e) if is_pub(&e.vis) => {
                out.insert(format!("{prefix}{}", e.ident));
                if !is_non_exhaustive(&e.attrs) {
                    let variants: Vec<String> = e.variants.iter().map(|v| v.ident.to_string()).collect();
                    out.insert(format!("{prefix}{} (exhaustive) {{ {} }}", e.ident, variants.join(", ")));
                }
                for v in &e.variants {
                    out.insert(format!("{prefix}{}::{}{}", e.ident, v.ident, tokens(&v.fields)));
                }
            }
            syn::Item::Fn(f) if is_pub(&f.vis) => {
                out.insert(format!("{prefix}{}", tokens(&f.sig)));
            }
            syn::Item::Type(t) if is_pub(&t.vis) => {
                out.insert(format!("{prefix}type {} = {}", t.ident, tokens(&t.ty)));
            }
            syn::Item::Const(c) if is_pub(&c.vis) => {
                out.insert(format!("{prefix}const {}: {}", c.ident, tokens(&c.ty)));
            }
            syn::Item::Impl(i) => impl_items(prefix, i, out),
            syn::Item::Use(u) if is_pub(&u.vis) => uses(prefix, &u.tree, out),
            syn::Item::Mod(m) if is_pub(&m.vis) => match &m.content {
                Some((_, inner)) => items(&format!("{prefix}{}::", m.ident), inner, out),
                None => {
                    out.insert(format!("{prefix}mod {}", m.ident));
                }
            },
            _ => {}
        }
    }
}

/// Public methods of inherent impls, and which traits a type implements.
fn impl_items(prefix: &str, i: &syn::ItemImpl, out: &mut BTreeSet<String>) {
    let self_ty = tokens(&i.self_ty);
    match &i.trait_ {
        Some((_, path, _)) => {
            out.insert(format!("{prefix}impl {} for {self_ty}", tokens(path)));
        }
        None => {
            for item in &i.items {
                if let syn::ImplItem::Fn(f) = item {
                    if is_pub(&f.vis) {
                        out.insert(format!("{prefix}{self_ty}::{}", tokens(&f.sig)));
                    }
                }
            }
        }
    }
}

/// Names a `pub use` makes public here (`pub use crate::shared::{Tag, …}`).
fn uses(prefix: &str, tree: &syn::UseTree, out: &mut BTreeSet<String>) {
    match tree {
        syn::UseTree::Path(p) => uses(prefix, &p.tree, out),
        syn::UseTree::Name(n) => {
            out.insert(format!("{prefix}{}", n.ident));
        }
        syn::UseTree::Rename(r) if r.rename != "_" => {
            out.insert(format!("{prefix}{}", r.rename));
        }
        syn::UseTree::Group(g) => g.items.iter().for_each(|t| uses(prefix, t, out)),
        syn::UseTree::Glob(_) | syn::UseTree::Rename(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(path: &str, text: &str) -> BTreeSet<String> {
        surface(&BTreeMap::from([(PathBuf::from(path), text.to_owned())]))
    }

    #[test]
    fn a_renamed_field_and_a_new_constructor_show() {
        let old = of(
            "src/types.rs",
            "pub struct S { pub access_i_pv4: String } impl S { pub fn new(a: String) -> Self { todo!() } }",
        );
        let new = of(
            "src/types.rs",
            "pub struct S { pub access_ipv4: String } impl S { pub fn new(r: SRequired) -> Self { todo!() } }",
        );
        let c = changes(&old, &new);
        let described: Vec<(&str, bool)> = c.iter().map(|c| (c.description.as_str(), c.breaking)).collect();
        assert!(described.contains(&("removed `types::S.access_i_pv4: String`", true)), "{described:?}");
        assert!(described.contains(&("added `types::S.access_ipv4: String`", false)), "{described:?}");
        assert!(
            described.iter().any(|(d, b)| d.starts_with("removed `types::S::fn new(a: String) -> Self`") && *b),
            "{described:?}"
        );
    }

    #[test]
    fn a_member_added_to_an_exhaustive_struct_breaks_but_not_to_a_non_exhaustive_one() {
        let old = of("src/types.rs", "pub struct R { pub a: String } #[non_exhaustive] pub struct S { pub a: String }");
        let new = of(
            "src/types.rs",
            "pub struct R { pub a: String, pub b: i64 } #[non_exhaustive] pub struct S { pub a: String, pub b: i64 }",
        );
        let breaking: Vec<String> =
            changes(&old, &new).into_iter().filter(|c| c.breaking).map(|c| c.description).collect();
        assert_eq!(breaking, ["removed `types::R (exhaustive) { pub a: String }`"]);
    }

    #[test]
    fn client_items_sit_at_the_root_and_private_items_are_not_api() {
        let s =
            of("src/v1_0/client.rs", "pub struct Client; impl Client { pub fn list(&self) {} fn private(&self) {} }");
        assert!(s.contains("v1_0::Client"), "{s:?}");
        assert!(s.contains("v1_0::Client::fn list(&self)"), "{s:?}");
        assert!(!s.iter().any(|i| i.contains("private")), "{s:?}");
    }
}
