//! [`Secret`], the one type every credential is kept in, and the redaction of
//! secrets that a service echoes into what an error shows.

use std::fmt::{self, Write as _};

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use super::signer::Auth;

/// A secret string (secret key, password, token) that never shows in `Debug` or
/// `Display` output, so it cannot leak through logs or error messages.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself; call only where it is sent or used for signing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

/// What replaces a secret in error text.
const REDACTED: &str = "<redacted>";

/// RFC 3986 unreserved characters kept, as most URL encoders do.
const URL_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// `application/x-www-form-urlencoded` as browsers write it (`+` for a space is added later).
const FORM: &AsciiSet = &NON_ALPHANUMERIC.remove(b'*').remove(b'-').remove(b'.').remove(b'_');

/// Replaces secrets, in every spelling a service may echo them, in the text an
/// error shows. Holds the spellings only while an error is built.
#[derive(Default)]
pub(crate) struct Redactor {
    /// Longest first: where an encoded form and the raw secret start at the
    /// same place, the whole encoded form is replaced.
    forms: Vec<String>,
}

impl Redactor {
    /// A redactor of `secrets`; empty ones are ignored.
    pub(crate) fn new<'a>(secrets: impl IntoIterator<Item = &'a Secret>) -> Self {
        let mut forms: Vec<String> = secrets.into_iter().flat_map(|secret| echoed_forms(secret.expose())).collect();
        forms.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        forms.dedup();
        Redactor { forms }
    }

    /// The start of `body` as text (invalid UTF-8 shown as U+FFFD), at most
    /// `limit` characters with every secret replaced, then how many bytes were
    /// left out, if any.
    pub(crate) fn excerpt(&self, body: &[u8], limit: usize) -> String {
        let (mut text, read) = self.scan(body, limit);
        let left = body.len() - read;
        if left > 0 {
            let _ = write!(text, "… ({left} more bytes)");
        }
        text
    }

    /// Copies `bytes` as text until `limit` characters are written, replacing
    /// each secret where it starts. Returns the text and the bytes read.
    ///
    /// Secrets are replaced while reading rather than in a cut excerpt: cut
    /// first, a secret straddling the cut would leak its prefix.
    fn scan(&self, bytes: &[u8], limit: usize) -> (String, usize) {
        let mut text = String::new();
        let (mut read, mut written) = (0, 0);
        let mut utf8 = [0; 4];
        while read < bytes.len() {
            let rest = &bytes[read..];
            let (piece, len): (&str, usize) = match self.forms.iter().find(|form| rest.starts_with(form.as_bytes())) {
                Some(form) => (REDACTED, form.len()),
                None => {
                    let (c, len) = first_char(rest);
                    (c.encode_utf8(&mut utf8), len)
                }
            };
            let chars = piece.chars().count();
            if written + chars > limit {
                break;
            }
            text.push_str(piece);
            written += chars;
            read += len;
        }
        (text, read)
    }
}

/// The character `bytes` starts with and its length in bytes; U+FFFD and 1
/// when they start with no valid UTF-8 character.
fn first_char(bytes: &[u8]) -> (char, usize) {
    let head = &bytes[..bytes.len().min(4)];
    let valid = match std::str::from_utf8(head) {
        Ok(text) => text,
        Err(e) => std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default(),
    };
    valid.chars().next().map_or(('\u{FFFD}', 1), |c| (c, c.len_utf8()))
}

/// The spellings of `raw` a service may echo back: as sent; inside a JSON
/// string as serde writes it (`pa\"ss` for `pa"ss`) or as ASCII-only encoders
/// do (`\u00e9`, either case, with `\/`); percent-encoded as in a URL or a form
/// (`%C3%A9` or `%c3%a9`, `+` or `%20` for a space, `-._~` escaped or not).
fn echoed_forms(raw: &str) -> Vec<String> {
    if raw.is_empty() {
        return Vec::new();
    }
    let quoted = serde_json::to_string(raw).unwrap_or_default();
    let json = quoted.get(1..quoted.len().saturating_sub(1)).unwrap_or_default().to_owned();
    // ASCII-only encoders write `\u00e4` or `\u00E4` (UTF-16 units, surrogate pairs beyond it).
    let ascii_json = |upper: bool| -> String {
        let unit = |u: &u16| if upper { format!("\\u{u:04X}") } else { format!("\\u{u:04x}") };
        json.chars()
            .map(|c| if c.is_ascii() { c.to_string() } else { c.encode_utf16(&mut [0; 2]).iter().map(unit).collect() })
            .collect()
    };
    let mut forms = vec![raw.to_owned()];
    for json_form in [ascii_json(false), ascii_json(true), json] {
        forms.push(json_form.replace('/', "\\/"));
        forms.push(json_form);
    }
    for set in [NON_ALPHANUMERIC, URL_COMPONENT, FORM] {
        let upper = utf8_percent_encode(raw, set).to_string();
        let lower = lower_hex(&upper);
        for encoded in [upper, lower] {
            forms.push(encoded.replace("%20", "+"));
            forms.push(encoded);
        }
    }
    forms
}

/// A percent-encoded string with lower-case hex digits (`%c3%a9`), leaving the
/// other characters as they are.
fn lower_hex(encoded: &str) -> String {
    let mut digits_left = 0;
    encoded
        .chars()
        .map(|c| {
            if digits_left > 0 {
                digits_left -= 1;
                c.to_ascii_lowercase()
            } else {
                if c == '%' {
                    digits_left = 2;
                }
                c
            }
        })
        .collect()
}

/// Where the secrets of one call are found when an error must not show them:
/// the client's authentication and the token the request carried. Cheap to
/// clone; their spellings are worked out only when an error is built.
#[derive(Clone, Default)]
pub(crate) struct Redaction {
    auth: Option<Auth>,
    sent: Option<Secret>,
}

impl Redaction {
    /// The secrets of `auth` and the token `sent` with the request.
    pub(crate) fn new(auth: &Auth, sent: Option<Secret>) -> Self {
        Redaction { auth: Some(auth.clone()), sent }
    }

    /// A redactor of these secrets.
    pub(crate) fn redactor(&self) -> Redactor {
        let held = self.auth.as_ref().map(Auth::secrets).unwrap_or_default();
        Redactor::new(held.iter().chain(&self.sent))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redact(text: &str, secret: &str) -> String {
        Redactor::new([&Secret::new(secret)]).excerpt(text.as_bytes(), usize::MAX)
    }

    #[test]
    fn echoed_secrets_are_redacted_and_empty_ones_ignored() {
        assert_eq!(redact("bad password hunter2", "hunter2"), "bad password <redacted>");
        assert_eq!(redact("x", ""), "x");
        let two = Redactor::new([&Secret::new("one-secret"), &Secret::new("two-secret")]);
        assert_eq!(two.excerpt(b"one-secret and two-secret", 100), "<redacted> and <redacted>");
    }

    #[test]
    fn json_escaped_echoes_of_a_secret_are_redacted() {
        let password = r#"pa"ss\word"#;
        let echoed = serde_json::json!({"password": password}).to_string();
        assert!(echoed.contains(r#"pa\"ss\\word"#), "{echoed}");
        let shown = redact(&format!("rejected: {echoed} raw: {password}"), password);
        assert_eq!(shown, r#"rejected: {"password":"<redacted>"} raw: <redacted>"#);
    }

    #[test]
    fn every_encoding_a_service_may_echo_is_redacted() {
        let password = "Pässwörd \"/\\ 🔑-~";
        let ascii_json = r#"P\u00e4ssw\u00f6rd \"\/\\ \ud83d\udd11-~"#;
        let percent = utf8_percent_encode(password, NON_ALPHANUMERIC).to_string();
        let url = utf8_percent_encode(password, URL_COMPONENT).to_string();
        let echoes = [
            password.to_owned(),
            serde_json::json!({ "pw": password }).to_string(),
            ascii_json.to_owned(),
            ascii_json
                .replace("\\u00e4", "\\u00E4")
                .replace("\\u00f6", "\\u00F6")
                .replace("\\ud83d\\udd11", "\\uD83D\\uDD11"),
            percent.clone(),
            percent.replace("%20", "+"),
            // Lower-case hex digits; the letters of the password stay as they are.
            "P%c3%a4ssw%c3%b6rd%20%22%2f%5c%20%f0%9f%94%91%2d%7e".to_owned(),
            url.clone(),
            url.replace("%20", "+"),
        ];
        for echo in echoes {
            let shown = redact(&format!("rejected: {echo}"), password);
            assert!(!shown.contains("ssw") && shown.contains("<redacted>"), "{echo} became {shown}");
        }
    }

    #[test]
    fn a_secret_straddling_the_excerpt_limit_is_left_out_whole() {
        let redactor = Redactor::new([&Secret::new("straddling-secret-0123456789")]);
        for before in [0, 10, 15, 19, 20] {
            let body = format!("{}straddling-secret-0123456789 trailing", "x".repeat(before));
            let shown = redactor.excerpt(body.as_bytes(), 20);
            assert!(!shown.contains("straddling"), "a prefix of the secret leaked at {before}: {shown}");
            let kept = shown.split('…').next().unwrap();
            assert!(kept.chars().count() <= 20, "{shown}");
        }
        assert_eq!(
            redactor.excerpt(b"xxxxxstraddling-secret-0123456789 trailing", 20),
            "xxxxx<redacted> trai… (4 more bytes)"
        );
    }

    #[test]
    fn an_excerpt_is_bounded_says_what_it_left_out_and_survives_invalid_utf8() {
        let redactor = Redactor::default();
        assert_eq!(redactor.excerpt(b"short", 10), "short");
        assert_eq!(redactor.excerpt("é".repeat(30).as_bytes(), 10), format!("{}… (40 more bytes)", "é".repeat(10)));
        assert_eq!(redactor.excerpt(b"a\xffb\xe2\x82", 10), "a\u{FFFD}b\u{FFFD}\u{FFFD}");
        let huge = vec![b'x'; 20 << 20];
        assert_eq!(redactor.excerpt(&huge, 512).len(), 512 + "… (20971008 more bytes)".len());
    }
}
