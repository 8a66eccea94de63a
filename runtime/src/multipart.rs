//! Bodies that are not JSON: `multipart/form-data` ([`Multipart`], with file
//! parts as [`FilePart`]) and `application/x-www-form-urlencoded` ([`form`]).
//!
//! Both are built in memory into one [`Bytes`], like a JSON body: a retried
//! request sends the same bytes again, and the SCP signature (which covers the
//! method, URL and headers, not the body) is made afresh for each attempt.
//!
//! Fields are written as OpenAPI 3.0 describes for these media types (the
//! "Encoding Object"): a string, number, boolean or enum as its text, an array
//! of them as the name repeated, and an object (or an array of objects) as
//! JSON text.

use std::fmt;

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::encode::encode_form_component;
use crate::Error;

/// The bytes of one file of a `multipart/form-data` body, with the file name
/// and media type its part announces.
///
/// ```
/// use cloudsdk_runtime::multipart::FilePart;
///
/// let report = FilePart::new(std::fs::read("Cargo.toml").unwrap_or_default())
///     .with_file_name("Cargo.toml")
///     .with_content_type("text/plain");
/// assert_eq!(report.file_name(), Some("Cargo.toml"));
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct FilePart {
    bytes: Bytes,
    file_name: Option<String>,
    content_type: Option<String>,
}

impl FilePart {
    /// A file of these bytes, sent as `application/octet-stream` under the
    /// part's own name unless told otherwise.
    pub fn new(bytes: impl Into<Bytes>) -> Self {
        FilePart { bytes: bytes.into(), file_name: None, content_type: None }
    }

    /// The `filename` its part announces (many services require one).
    pub fn with_file_name(mut self, file_name: impl Into<String>) -> Self {
        self.file_name = Some(file_name.into());
        self
    }

    /// The media type its part announces, e.g. `image/png`.
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The file's bytes.
    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }

    /// The announced file name, if set.
    pub fn file_name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    /// The announced media type, if set.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }
}

impl From<Bytes> for FilePart {
    fn from(bytes: Bytes) -> Self {
        FilePart::new(bytes)
    }
}

impl From<Vec<u8>> for FilePart {
    fn from(bytes: Vec<u8>) -> Self {
        FilePart::new(bytes)
    }
}

impl From<&'static [u8]> for FilePart {
    fn from(bytes: &'static [u8]) -> Self {
        FilePart::new(bytes)
    }
}

/// The length, not the content: a file may be large or secret.
impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FilePart")
            .field("len", &self.bytes.len())
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

/// As bytes: generated body types derive `Serialize`, though a multipart body
/// is written part by part by [`Multipart::file`].
impl Serialize for FilePart {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&self.bytes)
    }
}

impl<'de> Deserialize<'de> for FilePart {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(FilePart::new(Vec::<u8>::deserialize(deserializer)?))
    }
}

/// A `multipart/form-data` body (RFC 7578) being built, part by part.
///
/// Generated request builders fill it from their typed fields; a test can
/// build one to compare with what a mock received.
#[derive(Default)]
pub struct Multipart {
    parts: Vec<Part>,
}

/// One part: its headers, written, and its content.
struct Part {
    head: String,
    content: Bytes,
}

/// The number of parts and their size, not their content: parts may hold
/// files or secrets.
impl fmt::Debug for Multipart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let len: usize = self.parts.iter().map(|p| p.content.len()).sum();
        f.debug_struct("Multipart").field("parts", &self.parts.len()).field("len", &len).finish()
    }
}

impl Multipart {
    /// An empty body.
    pub fn new() -> Self {
        Multipart::default()
    }

    /// Adds field `name`: a scalar as its text, an object as JSON (`null`
    /// adds nothing).
    pub fn field(&mut self, name: &str, value: &impl Serialize) -> Result<(), Error> {
        match to_value(name, value)? {
            Value::Null => {}
            Value::String(text) => self.part(name, None, "text/plain; charset=utf-8", Bytes::from(text)),
            scalar @ (Value::Bool(_) | Value::Number(_)) => {
                self.part(name, None, "text/plain", Bytes::from(scalar.to_string()))
            }
            json => self.part(name, None, "application/json", Bytes::from(json.to_string())),
        }
        Ok(())
    }

    /// Adds file `name` (its bytes are shared, not copied).
    pub fn file(&mut self, name: &str, file: &FilePart) {
        let file_name = Some(file.file_name().unwrap_or(name));
        let content_type = file.content_type().unwrap_or("application/octet-stream");
        self.part(name, file_name, content_type, file.bytes().clone());
    }

    fn part(&mut self, name: &str, file_name: Option<&str>, content_type: &str, content: Bytes) {
        let mut head = format!("Content-Disposition: form-data; name=\"{}\"", quoted(name));
        if let Some(file_name) = file_name {
            head.push_str(&format!("; filename=\"{}\"", quoted(file_name)));
        }
        // A caller's media type with a line break would add headers to the part.
        let content_type =
            if content_type.chars().any(char::is_control) { "application/octet-stream" } else { content_type };
        head.push_str(&format!("\r\nContent-Type: {content_type}\r\n\r\n"));
        self.parts.push(Part { head, content });
    }

    /// The `Content-Type` header value and the finished body, under a random
    /// boundary that no part contains (a file crafted to hold one cannot split
    /// the body: another is drawn).
    pub fn finish(self) -> (String, Bytes) {
        let boundary = loop {
            let random: String = std::iter::repeat_with(fastrand::alphanumeric).take(24).collect();
            let boundary = format!("cloudsdk-{random}");
            let inside = |part: &Part| contains(&part.content, boundary.as_bytes());
            if !self.parts.iter().any(inside) {
                break boundary;
            }
        };
        let len: usize = self.parts.iter().map(|p| p.head.len() + p.content.len() + boundary.len() + 8).sum();
        let mut body = Vec::with_capacity(len + boundary.len() + 8);
        for part in &self.parts {
            body.extend_from_slice(format!("--{boundary}\r\n{}", part.head).as_bytes());
            body.extend_from_slice(&part.content);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        (format!("multipart/form-data; boundary={boundary}"), Bytes::from(body))
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

/// A name or file name inside `"…"` of `Content-Disposition`, escaped as the
/// HTML standard's form encoder does: `"` as `%22`, CR as `%0D`, LF as `%0A`.
fn quoted(name: &str) -> String {
    name.replace('"', "%22").replace('\r', "%0D").replace('\n', "%0A")
}

/// An `application/x-www-form-urlencoded` body of `value`'s members (a
/// generated struct or a map); `None` members are left out. The members
/// come in the order of serde_json's maps.
pub fn form(value: &impl Serialize) -> Result<Bytes, Error> {
    let Value::Object(members) = to_value("body", value)? else {
        return Err(Error::InvalidRequest("a form body must be an object".into()));
    };
    let mut body = String::new();
    for (name, value) in &members {
        match value {
            Value::Array(items) if items.iter().all(is_scalar) => {
                items.iter().for_each(|item| push_pair(&mut body, name, item));
            }
            value => push_pair(&mut body, name, value),
        }
    }
    Ok(Bytes::from(body))
}

fn is_scalar(value: &Value) -> bool {
    !matches!(value, Value::Array(_) | Value::Object(_))
}

/// `&name=value`, the value as its text (a string unquoted) or as JSON.
fn push_pair(body: &mut String, name: &str, value: &Value) {
    let text = match value {
        Value::Null => return,
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    if !body.is_empty() {
        body.push('&');
    }
    body.push_str(&encode_form_component(name));
    body.push('=');
    body.push_str(&encode_form_component(&text));
}

fn to_value(name: &str, value: &impl Serialize) -> Result<Value, Error> {
    serde_json::to_value(value).map_err(|e| Error::InvalidRequest(format!("cannot encode `{name}`: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Login {
        user: String,
        remember: bool,
        scopes: Vec<&'static str>,
        otp: Option<u32>,
        meta: serde_json::Value,
    }

    #[test]
    fn a_form_body_encodes_members_repeats_arrays_and_skips_none() {
        let login = Login {
            user: "kim & lee=1".into(),
            remember: true,
            scopes: vec!["read", "write"],
            otp: None,
            meta: serde_json::json!({"a": 1}),
        };
        let body = form(&login).unwrap();
        // Members come in serde_json's map order (sorted, or declared with its
        // `preserve_order` feature); a form's order carries no meaning.
        let mut pairs: Vec<&str> = std::str::from_utf8(&body).unwrap().split('&').collect();
        pairs.sort_unstable();
        let expected =
            ["meta=%7B%22a%22%3A1%7D", "remember=true", "scopes=read", "scopes=write", "user=kim+%26+lee%3D1"];
        assert_eq!(pairs, expected);
        assert!(form(&"text").is_err());
    }

    #[test]
    fn a_multipart_body_has_text_json_and_file_parts_under_one_boundary() {
        let mut parts = Multipart::new();
        parts.field("title", &"Q3 \"final\"").unwrap();
        parts.field("count", &3).unwrap();
        parts.field("tags", &serde_json::json!({"k": "v"})).unwrap();
        parts.field("skipped", &None::<String>).unwrap();
        parts.file("report", &FilePart::new(&b"\x00\x01binary"[..]).with_file_name("r.bin"));
        parts.file("plain", &FilePart::from(b"abc".to_vec()).with_content_type("text/csv\r\nX-Injected: 1"));
        let (content_type, body) = parts.finish();
        let boundary = content_type.strip_prefix("multipart/form-data; boundary=").unwrap();
        assert!(boundary.starts_with("cloudsdk-") && boundary.len() == 33, "{boundary}");
        let expected = format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"title\"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nQ3 \"final\"\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"count\"\r\nContent-Type: text/plain\r\n\r\n3\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"tags\"\r\nContent-Type: application/json\r\n\r\n{{\"k\":\"v\"}}\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"report\"; filename=\"r.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n\x00\x01binary\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"plain\"; filename=\"plain\"\r\nContent-Type: application/octet-stream\r\n\r\nabc\r\n\
             --{b}--\r\n",
            b = boundary
        );
        assert_eq!(String::from_utf8_lossy(&body), expected);
    }

    #[test]
    fn part_names_cannot_break_out_of_their_quotes() {
        let mut parts = Multipart::new();
        parts.file("a\"b", &FilePart::new(&b""[..]).with_file_name("x\r\nContent-Type: evil\".txt"));
        let (_, body) = parts.finish();
        let text = String::from_utf8_lossy(&body);
        assert!(text.contains("name=\"a%22b\"; filename=\"x%0D%0AContent-Type: evil%22.txt\""), "{text}");
    }

    #[test]
    fn boundaries_differ_and_debug_hides_file_content() {
        assert_ne!(Multipart::new().finish().0, Multipart::new().finish().0);
        let debug = format!("{:?}", FilePart::new(&b"secret-bytes"[..]));
        assert!(debug.contains("len: 12") && !debug.contains("secret"), "{debug}");
        let mut parts = Multipart::new();
        parts.field("password", &"hunter2").unwrap();
        let debug = format!("{parts:?}");
        assert!(debug.contains("parts: 1") && !debug.contains("hunter2"), "{debug}");
    }
}
