//! Encoding of caller-supplied values into URLs and headers, so that no input can
//! change the shape of a request.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::Error;

/// Everything but RFC 3986 unreserved characters is escaped, in path segments and
/// in query components alike: `/`, `?`, `#`, `%`, `:` and spaces never reach the
/// server unescaped.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

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
    Ok(utf8_percent_encode(value, COMPONENT).to_string())
}

/// Percent-encodes one query name or value.
pub(crate) fn encode_query_component(value: &str) -> String {
    utf8_percent_encode(value, COMPONENT).to_string()
}

/// Checks a header value supplied by a caller: CR, LF, NUL and other control
/// characters would split or corrupt the request, so they are refused.
pub fn validate_header_value(name: &str, value: &str) -> Result<http::HeaderValue, Error> {
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
