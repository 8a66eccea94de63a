//! Reading one spec file into an `openapiv3` document, with every fault located.

use std::path::Path;

use openapiv3::OpenAPI;

use crate::error::push_pointer;
use crate::SpecError;

/// Reads and parses `path`. Only OpenAPI 3.0.x is accepted.
pub fn load(path: &Path) -> Result<OpenAPI, Vec<SpecError>> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| vec![SpecError::new(&file, "", format!("cannot read file: {e}"))])?;
    parse(&file, &bytes).map_err(|e| vec![e])
}

/// Parses spec text; `file` names it in errors.
pub fn parse(file: &str, bytes: &[u8]) -> Result<OpenAPI, SpecError> {
    let fail = |pointer: &str, message: String| SpecError::new(file, pointer, message);
    let text = std::str::from_utf8(bytes).map_err(|e| fail("", format!("file is not UTF-8: {e}")))?;
    if text.trim().is_empty() {
        return Err(fail("", "file is empty".into()));
    }
    // serde_yaml limits nesting depth itself, so deep documents fail here instead of overflowing.
    let value: serde_json::Value = serde_yaml::from_str(text).map_err(|e| fail("", format!("invalid YAML: {e}")))?;
    check_version(&value).map_err(|(pointer, message)| fail(&pointer, message))?;
    serde_path_to_error::deserialize(value).map_err(|e| {
        let pointer = e
            .path()
            .iter()
            .fold(String::new(), |pointer, segment| push_pointer(&pointer, &segment_text(segment)));
        fail(&pointer, format!("not a valid OpenAPI 3.0 document: {}", e.inner()))
    })
}

fn segment_text(segment: &serde_path_to_error::Segment) -> String {
    use serde_path_to_error::Segment;
    match segment {
        Segment::Seq { index } => index.to_string(),
        Segment::Map { key } => key.clone(),
        Segment::Enum { variant } => variant.clone(),
        Segment::Unknown => "?".to_owned(),
    }
}

/// Rejects Swagger 2.0 and OpenAPI 3.1 with a message that says so, instead of a
/// confusing field-level error.
fn check_version(doc: &serde_json::Value) -> Result<(), (String, String)> {
    let Some(map) = doc.as_object() else {
        return Err((String::new(), "the document is not a mapping".into()));
    };
    if map.contains_key("swagger") {
        return Err(("#/swagger".into(), "Swagger 2.0 is not supported; convert the spec to OpenAPI 3.0.3".into()));
    }
    match map.get("openapi").and_then(|v| v.as_str()) {
        Some(v) if v.starts_with("3.0.") => Ok(()),
        Some(v) => Err(("#/openapi".into(), format!("OpenAPI {v} is not supported; only 3.0.x is"))),
        None => Err(("#/openapi".into(), "missing `openapi: 3.0.x` version field".into())),
    }
}
