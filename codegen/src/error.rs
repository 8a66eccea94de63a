//! The one error of the generator: which file, where in it, and what is wrong.

use std::fmt;

/// A fault in a spec, located by file and JSON pointer (`#/paths/~1v1~1clusters/get`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// The spec file, as given to the generator.
    pub file: String,
    /// JSON pointer of the faulty node (`#` for the whole document).
    pub pointer: String,
    /// What is wrong, in words a spec author can act on.
    pub message: String,
}

impl SpecError {
    pub(crate) fn new(file: &str, pointer: &str, message: impl Into<String>) -> Self {
        let pointer = if pointer.is_empty() { "#".to_owned() } else { pointer.to_owned() };
        SpecError { file: file.to_owned(), pointer, message: message.into() }
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.file, self.pointer, self.message)
    }
}

impl std::error::Error for SpecError {}

/// Appends an escaped reference token to a JSON pointer (RFC 6901).
pub(crate) fn push_pointer(pointer: &str, token: &str) -> String {
    let escaped = token.replace('~', "~0").replace('/', "~1");
    if pointer.is_empty() {
        format!("#/{escaped}")
    } else {
        format!("{pointer}/{escaped}")
    }
}
