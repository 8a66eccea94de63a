//! Tokens → formatted source behind the `@generated` header.

use proc_macro2::TokenStream;
use quote::quote;

/// Formats `tokens` behind the `@generated` header and an optional inner doc.
pub(crate) fn render(source: &str, inner_doc: &str, tokens: TokenStream) -> Result<String, String> {
    let mut file = SourceFile::new(source, inner_doc);
    file.push(tokens)?;
    Ok(file.finish())
}

/// A source file formatted item by item: only one item's syntax tree is in
/// memory at a time, which keeps a description of thousands of operations
/// within a few hundred MB. The `use` lines go first, each only if an item
/// names its path.
pub(crate) struct SourceFile<'a> {
    source: &'a str,
    inner_doc: &'a str,
    /// Path prefix (`types`) → the `use` that brings it in, and whether an item names it.
    imports: Vec<(&'static str, TokenStream, bool)>,
    uses_runtime: bool,
    /// `#![…]` attributes, which go before the `use` lines.
    inner_attrs: Vec<syn::Attribute>,
    body: String,
}

impl<'a> SourceFile<'a> {
    pub(crate) fn new(source: &'a str, inner_doc: &'a str) -> Self {
        SourceFile {
            source,
            inner_doc,
            imports: Vec::new(),
            uses_runtime: false,
            inner_attrs: Vec::new(),
            body: String::new(),
        }
    }

    /// Adds `import` (a `use` item) when an item names `path::`.
    pub(crate) fn import_when_used(mut self, path: &'static str, import: TokenStream) -> Self {
        self.imports.push((path, import, false));
        self
    }

    /// Formats `items` (any number of items) onto the end of the file.
    pub(crate) fn push(&mut self, items: TokenStream) -> Result<(), String> {
        // Generated items name the runtime as `rt::`; the alias is declared once, first.
        self.uses_runtime |= uses_path(&items, "rt");
        for (path, _, used) in &mut self.imports {
            *used = *used || uses_path(&items, path);
        }
        let mut file: syn::File = syn::parse2(items).map_err(|e| format!("generated code does not parse: {e}"))?;
        self.inner_attrs.append(&mut file.attrs);
        self.body.push_str(&prettyplease::unparse(&file));
        Ok(())
    }

    /// Formats `impl {self_ty} { … }` of `members` onto the end of the file,
    /// each member on its own.
    pub(crate) fn push_impl(
        &mut self,
        self_ty: &str,
        members: impl IntoIterator<Item = TokenStream>,
    ) -> Result<(), String> {
        let self_ty = quote::format_ident!("{self_ty}");
        let opening = format!("impl {self_ty} {{\n");
        self.body.push_str(&opening);
        for member in members {
            let start = self.body.len();
            self.push(quote!(impl #self_ty { #member }))?;
            // Keep the member's lines only: they are indented as inside one impl.
            let rendered = &self.body[start..];
            let inner = rendered.strip_prefix(&opening).and_then(|r| r.strip_suffix("}\n"));
            let inner = inner
                .ok_or_else(|| format!("`impl {self_ty}` did not format as one block: {rendered:.300}"))?
                .to_owned();
            self.body.truncate(start);
            self.body.push_str(&inner);
        }
        self.body.push_str("}\n");
        Ok(())
    }

    /// Formats each of `items` onto the end of the file.
    pub(crate) fn push_all(&mut self, items: impl IntoIterator<Item = TokenStream>) -> Result<(), String> {
        items.into_iter().try_for_each(|item| self.push(item))
    }

    pub(crate) fn finish(self) -> String {
        let runtime = self.uses_runtime.then(|| {
            quote!(
                use ::cloudsdk_runtime as rt;
            )
        });
        let imports = self.imports.into_iter().filter(|(_, _, used)| *used).map(|(_, import, _)| import);
        let mut head: syn::File = syn::parse_quote!(#runtime #(#imports)*);
        head.attrs = self.inner_attrs;
        let mut code = prettyplease::unparse(&head);
        // Inner attributes without items end without a line break.
        if !code.is_empty() && !code.ends_with('\n') {
            code.push('\n');
        }
        code.push_str(&self.body);
        format!("{}{}{}", header(self.source), self.inner_doc, space_items(&code))
    }
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
