//! Rust names from OpenAPI names: deterministic, never a keyword, always an identifier.

use std::collections::HashSet;

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
pub const RESERVED_BUILDER_MEMBERS: &[&str] =
    &["client", "body", "send", "new", "into_stream", "clone", "with_options"];

/// Methods every client has: no operation may take these names.
pub const RESERVED_CLIENT_METHODS: &[&str] =
    &["new", "for_endpoint", "from_env", "runtime", "wait_for_request", "clone", "fmt"];

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

    pub fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(name)
    }

    /// Marks `name` as taken without handing it out.
    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_owned());
    }

    /// `base` if free, else the first free `base2`, `base3`, … (`base_2`, …; and
    /// `V2_1_2` after a name that ends in a digit); the name returned is taken
    /// from now on.
    pub fn claim(&mut self, base: &str) -> String {
        let mut name = base.to_owned();
        let stem = if self.separator.is_empty() { base } else { base.trim_end_matches(self.separator) };
        let separator = if stem.ends_with(|c: char| c.is_ascii_digit()) { "_" } else { self.separator };
        let mut n = 2;
        while self.taken.contains(&name) {
            name = format!("{stem}{separator}{n}");
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

/// The words of a name, by the one rule every generated name follows (see
/// ARCHITECTURE.md, "Names"):
/// - anything but an ASCII letter or digit separates words (`OS-EXT-STS:vm_state`);
/// - a capital after a lowercase letter starts a word (`accessIPv4`), and so does
///   one after the digits that end a word (`IPv4Address`), but not after the
///   digits that begin one (`1Gi`);
/// - in a run of capitals followed by lowercase letters, the last capital starts a
///   word (`HTTPServer` → `HTTP`, `Server`), unless the lowercase part is a version
///   marker (one letter, then digits: `IPv4`) or a plural `s` (`IDs`);
/// - digits stay with the word before them (`kr2`, `v4`).
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    for part in name.split(|c: char| !c.is_ascii_alphanumeric()).filter(|p| !p.is_empty()) {
        let chars: Vec<char> = part.chars().collect();
        let mut start = 0;
        for i in 1..chars.len() {
            let (before, here) = (chars[i - 1], chars[i]);
            let after = chars.get(i + 1).copied();
            let boundary = here.is_ascii_uppercase()
                && (before.is_ascii_lowercase()
                    || (before.is_ascii_digit() && chars[start..i].iter().any(char::is_ascii_alphabetic))
                    || (before.is_ascii_uppercase()
                        && after.is_some_and(|c| c.is_ascii_lowercase())
                        && !keeps_acronym(&chars[i + 1..])));
            if boundary && i > start {
                words.push(chars[start..i].iter().collect());
                start = i;
            }
        }
        words.push(chars[start..].iter().collect());
    }
    words
}

/// Whether the lowercase letters after a run of capitals belong to it: a version
/// marker (`v4` of `IPv4`) or a plural `s` (`s` of `IDs`).
fn keeps_acronym(rest: &[char]) -> bool {
    let lower = rest.iter().take_while(|c| c.is_ascii_lowercase()).count();
    let next = rest.get(lower);
    let version = lower == 1 && next.is_some_and(char::is_ascii_digit);
    let plural = lower == 1 && rest[0] == 's' && !next.is_some_and(char::is_ascii_digit);
    version || plural
}

/// `snake_case` field, method or module name.
pub fn snake(name: &str) -> String {
    let s = words(name).iter().map(|w| w.to_ascii_lowercase()).collect::<Vec<_>>().join("_");
    let s = if s.is_empty() { "value".to_owned() } else { s };
    guard(s, "_")
}

/// `PascalCase` type or variant name; two numbers keep an underscore between
/// them (`v2.1` → `V2_1`), so `1.0` and `10` stay apart.
pub fn pascal(name: &str) -> String {
    let mut s = String::new();
    for word in words(name) {
        if s.ends_with(|c: char| c.is_ascii_digit()) && word.starts_with(|c: char| c.is_ascii_digit()) {
            s.push('_');
        }
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            s.push(first.to_ascii_uppercase());
            s.extend(chars.map(|c| c.to_ascii_lowercase()));
        }
    }
    let s = if s.is_empty() { "Empty".to_owned() } else { s };
    guard(s, "V")
}

/// A type name joined from others (`Self_` + `Required`), without the
/// underscore a keyword got where a word now follows it (`SelfRequired`):
/// only a whole name needs guarding.
pub fn joined(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut chars = name.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '_' && chars.peek().is_some_and(char::is_ascii_uppercase) {
            continue;
        }
        out.push(c);
    }
    out
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
    fn joined_names_drop_a_keyword_guard_a_word_follows() {
        assert_eq!(joined("LinksSelf_Required"), "LinksSelfRequired");
        assert_eq!(joined("Self_"), "Self_");
        assert_eq!(joined("EngineV2_1Status"), "EngineV2_1Status");
    }

    #[test]
    fn names_are_identifiers() {
        assert_eq!(snake("OS-FLV-DISABLED:disabled"), "os_flv_disabled_disabled");
        assert_eq!(snake("type"), "type_");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("changes-since"), "changes_since");
        assert_eq!(snake("1st"), "_1st");
        assert_eq!(pascal("kr-central-2"), "KrCentral2");
        assert_eq!(pascal("1.0"), "V1_0");
        assert_eq!(pascal(""), "Empty");
        assert_eq!(pascal("SSD_KMS"), "SsdKms");
        assert_eq!(pascal("Self"), "Self_");
    }

    #[test]
    fn acronyms_and_digits_read_as_words() {
        let cases = [
            ("accessIPv4", "access_ipv4", "AccessIpv4"),
            ("accessIPv6", "access_ipv6", "AccessIpv6"),
            ("IPv6", "ipv6", "Ipv6"),
            ("OS-EXT-STS:vm_state", "os_ext_sts_vm_state", "OsExtStsVmState"),
            ("v2.1", "v2_1", "V2_1"),
            ("HTTPServer", "http_server", "HttpServer"),
            ("userID", "user_id", "UserId"),
            ("userIDs", "user_ids", "UserIds"),
            ("IPAddress", "ip_address", "IpAddress"),
            ("IPv4Address", "ipv4_address", "Ipv4Address"),
            ("kr-central-2", "kr_central_2", "KrCentral2"),
            ("kr2", "kr2", "Kr2"),
            ("hugepages-1Gi", "hugepages_1gi", "Hugepages1gi"),
            ("snake_case", "snake_case", "SnakeCase"),
            ("SSD_KMS", "ssd_kms", "SsdKms"),
            ("HARD_REBOOT", "hard_reboot", "HardReboot"),
            ("EpasClusterCreateRequest", "epas_cluster_create_request", "EpasClusterCreateRequest"),
        ];
        for (name, snake_name, pascal_name) in cases {
            assert_eq!(snake(name), snake_name, "snake of {name}");
            assert_eq!(pascal(name), pascal_name, "pascal of {name}");
            // Names built from names (hints) must not change again.
            assert_eq!(pascal(pascal_name), pascal_name, "pascal is idempotent on {pascal_name}");
        }
    }

    #[test]
    fn collisions_get_the_first_free_suffix() {
        let mut types = NameSet::new("");
        types.reserve("Unknown");
        assert_eq!(types.claim("Unknown"), "Unknown2");
        assert_eq!(types.claim("Server"), "Server");
        assert_eq!(types.claim("Server"), "Server2");
        assert_eq!(types.claim("V2_1"), "V2_1");
        assert_eq!(types.claim("V2_1"), "V2_1_2");
        let mut fields = NameSet::new("_");
        assert_eq!(fields.claim("type_"), "type_");
        assert_eq!(fields.claim("type_"), "type_2");
        assert_eq!(fields.claim("type_"), "type_3");
    }
}
