//! Shared helpers of the test suite: paths, and the docs' examples read from the
//! specs, so client tests send and expect exactly what the docs show.
//!
//! The project README is included below so that `cargo test` compiles its usage
//! example: the README cannot drift from the generated API.
#![doc = include_str!("../../README.md")]

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ lives in the workspace").to_path_buf()
}

/// A spec file as JSON, to look up operations and their examples.
pub struct Spec(Value);

impl Spec {
    /// Loads `specs/<relative>`.
    pub fn load(relative: &str) -> Spec {
        let text = std::fs::read_to_string(root().join("specs").join(relative)).expect("spec readable");
        Spec(serde_yaml::from_str(&text).expect("spec is YAML"))
    }

    fn operation(&self, operation_id: &str) -> &Value {
        self.0["paths"]
            .as_object()
            .into_iter()
            .flat_map(|paths| paths.values())
            .flat_map(|item| item.as_object().into_iter().flat_map(|m| m.values()))
            .find(|op| op["operationId"] == operation_id)
            .unwrap_or_else(|| panic!("no operation {operation_id}"))
    }

    /// The request body example of an operation.
    pub fn request_example(&self, operation_id: &str) -> Value {
        let example = &self.operation(operation_id)["requestBody"]["content"]["application/json"]["example"];
        assert!(!example.is_null(), "{operation_id} has no request example");
        example.clone()
    }

    /// One named entry of the request body's `examples`.
    pub fn request_named_example(&self, operation_id: &str, name: &str) -> Value {
        let example =
            &self.operation(operation_id)["requestBody"]["content"]["application/json"]["examples"][name]["value"];
        assert!(!example.is_null(), "{operation_id} has no request example {name}");
        example.clone()
    }

    /// The response example of an operation for `status`.
    pub fn response_example(&self, operation_id: &str, status: &str) -> Value {
        let example = &self.operation(operation_id)["responses"][status]["content"]["application/json"]["example"];
        assert!(!example.is_null(), "{operation_id} {status} has no response example");
        example.clone()
    }

    /// The `example` of a component schema.
    pub fn schema_example(&self, schema: &str) -> Value {
        let example = &self.0["components"]["schemas"][schema]["example"];
        assert!(!example.is_null(), "schema {schema} has no example");
        example.clone()
    }
}
