//! Encoding of caller-supplied values into URLs and headers, so that no input can
//! change the shape of a request.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::Error;

/// Everything but RFC 3986 unreserved characters is escaped, in path segments and
/// in query components alike: `/`, `?`, `#`, `%`, `:` and spaces never reach the
/// server unescaped.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// The longest URL the HTTP stack sends (`http::Uri` refuses longer ones). A
/// longer request is refused before anything is sent, by an error that names
/// what is too long instead of quoting it.
pub(crate) const MAX_URL_BYTES: usize = u16::MAX as usize - 1;

/// The longest header value sent. Servers refuse header sections far shorter
/// (8 KiB is common); this bound only stops a value that cannot be meant.
const MAX_HEADER_VALUE_BYTES: usize = 64 * 1024;

/// Percent-encodes one path parameter.
///
/// Empty values and the dot segments `.` and `..` are rejected: URL parsers resolve
/// them (even escaped) and the request would reach another resource.
pub fn encode_path_segment(name: &str, value: &str) -> Result<String, Error> {
    if value.is_empty() || value == "." || value == ".." {
        return Err(Error::InvalidRequest(format!(
            "path parameter `{name}` must not be empty, `.` or `..` (got {value:?})"
        )));
    }
    let encoded = utf8_percent_encode(value, COMPONENT).to_string();
    if encoded.len() > MAX_URL_BYTES {
        return Err(Error::InvalidRequest(format!(
            "path parameter `{name}` is {} bytes long encoded, more than the {MAX_URL_BYTES} of a whole URL",
            encoded.len()
        )));
    }
    Ok(encoded)
}

/// Refuses a `url` longer than [`MAX_URL_BYTES`], naming the parameter of its
/// `query` that makes up most of it, if one does.
pub(crate) fn check_url_length(url: &str, query: &str) -> Result<(), Error> {
    if url.len() <= MAX_URL_BYTES {
        return Ok(());
    }
    let mut message = format!("the URL would be {} bytes long, more than the {MAX_URL_BYTES} allowed", url.len());
    let longest = query.split('&').max_by_key(|pair| pair.len()).filter(|pair| pair.len() > url.len() / 2);
    if let Some(pair) = longest {
        let (encoded, value) = pair.split_once('=').unwrap_or((pair, ""));
        let name = percent_encoding::percent_decode_str(encoded).decode_utf8_lossy();
        if name.chars().count() <= 64 {
            message.push_str(&format!(": query parameter `{name}` is {} bytes long encoded", value.len()));
        }
    }
    Err(Error::InvalidRequest(message))
}

/// Percent-encodes one query name or value.
pub(crate) fn encode_query_component(value: &str) -> String {
    utf8_percent_encode(value, COMPONENT).to_string()
}

/// The bytes `application/x-www-form-urlencoded` leaves as they are (the
/// WHATWG URL standard's set): alphanumerics and `*-._`.
const FORM: &AsciiSet = &NON_ALPHANUMERIC.remove(b'*').remove(b'-').remove(b'.').remove(b'_');

/// Encodes one name or value of a form body: as a browser does, a space is `+`.
pub(crate) fn encode_form_component(value: &str) -> String {
    value.split(' ').map(|piece| utf8_percent_encode(piece, FORM).to_string()).collect::<Vec<_>>().join("+")
}

/// The JSON text of parameter `name`, for parameters described by a JSON
/// `content` rather than a `schema` (`?filter={"a":1}`, percent-encoded where
/// it is sent).
pub fn json_text(name: &str, value: &impl serde::Serialize) -> Result<String, Error> {
    serde_json::to_string(value).map_err(|e| Error::InvalidRequest(format!("cannot encode parameter `{name}`: {e}")))
}

/// Checks a header value supplied by a caller: CR, LF, NUL and other control
/// characters would split or corrupt the request, so they are refused.
pub fn validate_header_value(name: &str, value: &str) -> Result<http::HeaderValue, Error> {
    if value.len() > MAX_HEADER_VALUE_BYTES {
        return Err(Error::InvalidRequest(format!(
            "header `{name}` is {} bytes long, more than the {MAX_HEADER_VALUE_BYTES} allowed",
            value.len()
        )));
    }
    if value.chars().any(|c| c.is_control() && c != '\t') {
        return Err(Error::InvalidRequest(format!("header `{name}` contains a control character (CR, LF or similar)")));
    }
    http::HeaderValue::from_str(value)
        .map_err(|_| Error::InvalidRequest(format!("header `{name}` is not a valid header value")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_cannot_escape_their_segment() {
        assert_eq!(encode_path_segment("id", "a/b?c#d").unwrap(), "a%2Fb%3Fc%23d");
        assert_eq!(encode_path_segment("id", "%2e%2e").unwrap(), "%252e%252e");
        assert_eq!(encode_path_segment("id", "abc-1.2_~").unwrap(), "abc-1.2_~");
        for bad in ["", ".", ".."] {
            assert!(matches!(encode_path_segment("id", bad), Err(Error::InvalidRequest(_))));
        }
    }

    #[test]
    fn oversized_input_is_refused_by_name_without_quoting_it() {
        let long = "x".repeat(1 << 20);
        fn short<T: std::fmt::Debug>(result: Result<T, Error>) -> String {
            match result {
                Err(Error::InvalidRequest(message)) => {
                    assert!(message.len() < 200 && !message.contains("xxxx"), "{message}");
                    message
                }
                other => panic!("{other:?}"),
            }
        }
        assert!(short(encode_path_segment("server_id", &long)).contains("`server_id`"));
        assert!(short(validate_header_value("x-trace", &long)).contains("`x-trace`"));
        let query = format!("page=1&name%3Ax={long}");
        let message = short(check_url_length(&format!("https://h/v1/x?{query}"), &query));
        assert!(message.contains("query parameter `name:x` is 1048576 bytes"), "{message}");
        let message = short(check_url_length(&format!("https://h/{long}"), ""));
        assert!(message.contains("1048586 bytes long"), "{message}");
        // The longest URL allowed passes.
        let at_limit = "x".repeat(MAX_URL_BYTES);
        assert!(encode_path_segment("id", &at_limit).is_ok() && check_url_length(&at_limit, "").is_ok());
    }

    #[test]
    fn header_values_with_line_breaks_are_refused() {
        assert!(validate_header_value("x", "ok value").is_ok());
        for bad in ["a\r\nInjected: 1", "a\nb", "a\rb", "a\0b"] {
            let err = validate_header_value("x", bad).unwrap_err();
            assert!(err.to_string().contains("control character"), "{err}");
        }
    }

    #[test]
    fn query_components_escape_reserved_characters() {
        assert_eq!(encode_query_component("created_at:desc"), "created_at%3Adesc");
        assert_eq!(encode_query_component("a b&c=d"), "a%20b%26c%3Dd");
    }
}
