//! Reading one spec file into an `openapiv3` document, with every fault located.

use std::path::Path;

use openapiv3::OpenAPI;
use serde::Deserialize;

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
    // The plain decode is the fast path; the path-tracking one runs only to explain a failure.
    if let Ok(doc) = OpenAPI::deserialize(&value) {
        return Ok(doc);
    }
    match serde_path_to_error::deserialize::<_, OpenAPI>(&value) {
        Ok(doc) => Ok(doc),
        Err(e) => {
            let pointer = e.path().iter().fold(String::new(), |p, segment| push_pointer(&p, &segment_text(segment)));
            let (pointer, message) = locate(&value).unwrap_or((pointer, e.inner().to_string()));
            Err(fail(&pointer, format!("not a valid OpenAPI 3.0 document: {message}")))
        }
    }
}

/// Deserializes `node` as `T`, returning the pointer and message of a failure
/// below `pointer`.
fn failure_in<T: serde::de::DeserializeOwned>(node: &serde_json::Value, pointer: &str) -> Option<(String, String)> {
    serde_path_to_error::deserialize::<_, T>(node.clone()).err().map(|e| {
        let inner = e.path().iter().fold(pointer.to_owned(), |p, segment| push_pointer(&p, &segment_text(segment)));
        (inner, e.inner().to_string())
    })
}

/// openapiv3 flattens maps (`paths`, `responses`, extensions), which hides the
/// path of a fault from serde; this checks the usual sub-objects one by one to
/// find the deepest faulty node.
fn locate(doc: &serde_json::Value) -> Option<(String, String)> {
    use openapiv3::{
        Header, Operation, Parameter, PathItem, ReferenceOr, RequestBody, Response, Schema, SecurityScheme,
    };
    const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];
    let entries = |node: &serde_json::Value| {
        node.as_object().into_iter().flatten().map(|(k, v)| (k.clone(), v.clone())).collect::<Vec<_>>()
    };
    for (path, item) in entries(&doc["paths"]) {
        let item_pointer = push_pointer("#/paths", &path);
        for (key, node) in entries(&item) {
            let at = push_pointer(&item_pointer, &key);
            if !METHODS.contains(&key.as_str()) {
                continue;
            }
            for (i, param) in node["parameters"].as_array().into_iter().flatten().enumerate() {
                let found = failure_in::<ReferenceOr<Parameter>>(
                    param,
                    &push_pointer(&push_pointer(&at, "parameters"), &i.to_string()),
                );
                if found.is_some() {
                    return found;
                }
            }
            if !node["requestBody"].is_null() {
                if let Some(found) =
                    failure_in::<ReferenceOr<RequestBody>>(&node["requestBody"], &push_pointer(&at, "requestBody"))
                {
                    return Some(found);
                }
            }
            match &node["responses"] {
                serde_json::Value::Object(responses) => {
                    for (code, response) in responses {
                        let found = failure_in::<ReferenceOr<Response>>(
                            response,
                            &push_pointer(&push_pointer(&at, "responses"), code),
                        );
                        if found.is_some() {
                            return found;
                        }
                    }
                }
                serde_json::Value::Null => {}
                other => {
                    return Some((
                        push_pointer(&at, "responses"),
                        format!("expected a map of responses, found {other}"),
                    ))
                }
            }
            if let Some(found) = failure_in::<Operation>(&node, &at) {
                return Some(found);
            }
        }
        if let Some(found) = failure_in::<ReferenceOr<PathItem>>(&item, &item_pointer) {
            return Some(found);
        }
    }
    let components = &doc["components"];
    type Check = fn(&serde_json::Value, &str) -> Option<(String, String)>;
    let sections: [(&str, Check); 5] = [
        ("schemas", |n, p| failure_in::<ReferenceOr<Schema>>(n, p)),
        ("parameters", |n, p| failure_in::<ReferenceOr<Parameter>>(n, p)),
        ("responses", |n, p| failure_in::<ReferenceOr<Response>>(n, p)),
        ("requestBodies", |n, p| failure_in::<ReferenceOr<RequestBody>>(n, p)),
        ("securitySchemes", |n, p| failure_in::<ReferenceOr<SecurityScheme>>(n, p)),
    ];
    for (section, check) in sections {
        for (name, node) in entries(&components[section]) {
            if let Some(found) = check(&node, &push_pointer(&push_pointer("#/components", section), &name)) {
                return Some(found);
            }
        }
    }
    for (name, node) in entries(&components["headers"]) {
        if let Some(found) = failure_in::<ReferenceOr<Header>>(&node, &push_pointer("#/components/headers", &name)) {
            return Some(found);
        }
    }
    None
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
