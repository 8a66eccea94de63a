//! Rustdoc from spec text: descriptions, constraints and defaults, made safe for
//! rustdoc (no stray links, HTML tags, doctests or bare URLs).

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Constraints, Doc};

/// `#[doc]` attributes for `lines` (an empty line separates paragraphs).
pub fn attrs(lines: &[String]) -> TokenStream {
    let lines = lines.iter().map(|l| if l.is_empty() { String::new() } else { format!(" {l}") });
    quote! { #( #[doc = #lines] )* }
}

/// Lines documenting an item: summary, description, then its constraints.
pub fn lines(doc: &Doc, fallback: &str) -> Vec<String> {
    let mut out = Vec::new();
    // A description that only repeats the summary ("Create Cluster" / "Create Cluster.") is said once.
    let same = |a: &str, b: &str| a.trim().trim_end_matches('.').eq_ignore_ascii_case(b.trim().trim_end_matches('.'));
    let description = doc.description.as_ref().filter(|d| !doc.summary.as_ref().is_some_and(|s| same(s, d)));
    for text in [doc.summary.as_ref(), description].into_iter().flatten() {
        paragraph(&mut out, text);
    }
    if out.is_empty() {
        out.push(escape(fallback));
    }
    let facts = facts(doc);
    if !facts.is_empty() {
        out.push(String::new());
        out.extend(facts.into_iter().map(|f| format!("- {f}")));
    }
    out
}

/// Appends a paragraph the generator wrote (links and code kept as written),
/// separated from what precedes it.
pub fn our_paragraph(out: &mut Vec<String>, text: &str) {
    if !out.is_empty() {
        out.push(String::new());
    }
    out.push(text.to_owned());
}

/// Appends a paragraph of spec text, separated from what precedes it.
pub fn paragraph(out: &mut Vec<String>, text: &str) {
    let text = text.trim();
    if text.is_empty() {
        return;
    }
    if !out.is_empty() {
        out.push(String::new());
    }
    // Leading spaces would make indented code blocks, i.e. doctests.
    out.extend(text.lines().map(|l| escape(l.trim())));
}

fn facts(doc: &Doc) -> Vec<String> {
    let mut facts = constraint_facts(&doc.constraints);
    if let Some(format) = &doc.format {
        facts.insert(0, format!("Format: `{format}`"));
    }
    if let Some(default) = &doc.default {
        facts.push(format!("Default: {}", code(&default.to_string())));
    }
    if let Some(example) = &doc.example {
        let text = example.to_string();
        if text.len() <= 120 {
            facts.push(format!("Example: {}", code(&text)));
        }
    }
    facts
}

fn constraint_facts(c: &Constraints) -> Vec<String> {
    let mut facts = Vec::new();
    let num = |v: f64| if v.fract() == 0.0 && v.abs() < 1e15 { format!("{}", v as i64) } else { v.to_string() };
    if let Some(min) = c.minimum {
        facts.push(format!("Minimum: {}{}", num(min), if c.exclusive_minimum { " (exclusive)" } else { "" }));
    }
    if let Some(max) = c.maximum {
        facts.push(format!("Maximum: {}{}", num(max), if c.exclusive_maximum { " (exclusive)" } else { "" }));
    }
    if let Some(n) = c.min_length {
        facts.push(format!("Minimum length: {n}"));
    }
    if let Some(n) = c.max_length {
        facts.push(format!("Maximum length: {n}"));
    }
    if let Some(p) = &c.pattern {
        facts.push(format!("Pattern: {}", code(p)));
    }
    if let Some(n) = c.min_items {
        facts.push(format!("Minimum items: {n}"));
    }
    if let Some(n) = c.max_items {
        facts.push(format!("Maximum items: {n}"));
    }
    if !c.allowed.is_empty() {
        let values: Vec<String> = c.allowed.iter().map(|v| code(&v.to_string())).collect();
        facts.push(format!("Allowed values: {}", values.join(", ")));
    }
    facts
}

/// `text` after the article it takes: `a `Tag``, `an `AddBlockStoragesRequest``.
/// By the first letters: a vowel takes `an`, except where it sounds like a
/// consonant (`a User…`, `a Unique…`, `a One…`, `a Eu…`; but `an Uninstall…`).
pub fn a(text: &str) -> String {
    let word = text.trim_start_matches(|c: char| !c.is_ascii_alphanumeric()).to_ascii_lowercase();
    let vowel = word.starts_with(['a', 'e', 'i', 'o', 'u']);
    let consonant_sound = ["use", "usu", "uu", "one", "eu", "unic", "unif", "unio", "uniq", "unit", "univ"]
        .iter()
        .any(|p| word.starts_with(p));
    let article = if vowel && !consonant_sound { "an" } else { "a" };
    format!("{article} {text}")
}

/// [`a`] at the start of a sentence: `An `Endpoint``, `A `Tag``.
pub fn a_sentence(text: &str) -> String {
    let phrase = a(text);
    let mut chars = phrase.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// Inline code that survives any content: the fence is longer than any run of
/// backticks inside.
pub fn code(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// Escapes Markdown that rustdoc would read as links, HTML or code fences, and
/// wraps bare URLs so rustdoc does not warn about them.
pub fn escape(line: &str) -> String {
    let escaped = line
        .replace('\\', "\\\\")
        .replace('[', "\\[")
        .replace(']', "\\]")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace("```", "\\`\\`\\`")
        .replace("~~~", "\\~\\~\\~");
    escaped
        .split(' ')
        .map(|word| {
            if word.starts_with("http://") || word.starts_with("https://") {
                format!("<{word}>")
            } else {
                word.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_is_neutralised() {
        assert_eq!(escape("see [X] <b> https://a.b/c"), "see \\[X\\] &lt;b&gt; <https://a.b/c>");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("^[a-z]$"), "`^[a-z]$`");
    }

    #[test]
    fn articles_follow_the_sound() {
        assert_eq!(a("`AddBlockStoragesRequest`"), "an `AddBlockStoragesRequest`");
        assert_eq!(a("`Tag`"), "a `Tag`");
        assert_eq!(a("`UserInfo`"), "a `UserInfo`");
        assert_eq!(a("`UpdateRequest`"), "an `UpdateRequest`");
        assert_eq!(a("`InstanceSet`"), "an `InstanceSet`");
        assert_eq!(a("`UninstallRequest`"), "an `UninstallRequest`");
        assert_eq!(a("`UniqueName`"), "a `UniqueName`");
    }
}
