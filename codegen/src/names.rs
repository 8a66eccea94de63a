//! Rust names from OpenAPI names: deterministic, never a keyword, always an identifier.

use std::collections::HashSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn",
    "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self",
    "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "abstract", "become",
    "box", "do", "final", "gen", "macro", "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Type names generated code uses unqualified: a schema or builder with one of
/// these names would shadow the prelude, so such names get a suffix.
pub const RESERVED_TYPES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Default",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "Iterator",
    "ToString",
    "From",
    "Into",
    "PartialEq",
    "Eq",
    "Debug",
];

/// Members of every request builder: a parameter with one of these names gets `_param`.
pub const RESERVED_BUILDER_MEMBERS: &[&str] = &["client", "body", "send", "new", "into_stream", "clone"];

/// Methods every client has: no operation may take these names.
pub const RESERVED_CLIENT_METHODS: &[&str] = &["new", "for_endpoint", "wait_for_request", "clone", "fmt"];

/// The names taken in one namespace (types of a service, members of a struct,
/// variants of an enum): the one place collision suffixes are chosen.
pub struct NameSet {
    taken: HashSet<String>,
    separator: &'static str,
}

impl NameSet {
    /// An empty namespace whose suffixes follow `separator`: `""` gives `Name2`,
    /// `"_"` gives `name_2`.
    pub fn new(separator: &'static str) -> Self {
        NameSet { taken: HashSet::new(), separator }
    }

    /// Marks `name` as taken without handing it out.
    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_owned());
    }

    /// `base` if free, else the first free `base2`, `base3`, … (`base_2`, …); the
    /// name returned is taken from now on.
    pub fn claim(&mut self, base: &str) -> String {
        let mut name = base.to_owned();
        let stem = if self.separator.is_empty() { base } else { base.trim_end_matches(self.separator) };
        let mut n = 2;
        while self.taken.contains(&name) {
            name = format!("{stem}{}{n}", self.separator);
            n += 1;
        }
        self.taken.insert(name.clone());
        name
    }
}

/// A type name for a schema: PascalCase, with `Model` after a reserved name.
pub fn type_name(name: &str) -> String {
    let rust = pascal(name);
    if RESERVED_TYPES.contains(&rust.as_str()) {
        format!("{rust}Model")
    } else {
        rust
    }
}

/// Words made of the name's letters and digits; separators (`-`, `:`, `.`, ` `) split words.
fn words(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect()
}

/// `snake_case` field, method or module name.
pub fn snake(name: &str) -> String {
    let s = words(name).to_snake_case();
    let s = if s.is_empty() { "value".to_owned() } else { s };
    guard(s, "_")
}

/// `PascalCase` type or variant name.
pub fn pascal(name: &str) -> String {
    let s = words(name).to_upper_camel_case();
    let s = if s.is_empty() { "Empty".to_owned() } else { s };
    guard(s, "V")
}

/// Leading digits get a prefix; keywords get a trailing underscore (raw identifiers
/// like `r#type` read poorly in docs and cannot be used for `self`/`crate`).
fn guard(s: String, digit_prefix: &str) -> String {
    let s = if s.starts_with(|c: char| c.is_ascii_digit()) { format!("{digit_prefix}{s}") } else { s };
    if KEYWORDS.contains(&s.as_str()) {
        format!("{s}_")
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_identifiers() {
        assert_eq!(snake("OS-FLV-DISABLED:disabled"), "os_flv_disabled_disabled");
        assert_eq!(snake("type"), "type_");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("changes-since"), "changes_since");
        assert_eq!(snake("1st"), "_1st");
        assert_eq!(pascal("kr-central-2"), "KrCentral2");
        assert_eq!(pascal("1.0"), "V10");
        assert_eq!(pascal(""), "Empty");
        assert_eq!(pascal("SSD_KMS"), "SsdKms");
        assert_eq!(pascal("Self"), "Self_");
    }

    #[test]
    fn collisions_get_the_first_free_suffix() {
        let mut types = NameSet::new("");
        types.reserve("Unknown");
        assert_eq!(types.claim("Unknown"), "Unknown2");
        assert_eq!(types.claim("Server"), "Server");
        assert_eq!(types.claim("Server"), "Server2");
        let mut fields = NameSet::new("_");
        assert_eq!(fields.claim("type_"), "type_");
        assert_eq!(fields.claim("type_"), "type_2");
        assert_eq!(fields.claim("type_"), "type_3");
    }
}
