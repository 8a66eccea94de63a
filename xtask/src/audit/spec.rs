//! The spec side: a spec file as plain JSON, walked through `$ref`, `allOf`,
//! arrays and maps, every schema carrying the JSON pointer it was read at.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// One spec file.
pub struct Spec {
    /// As reported: `specs/scp/epas/1.0.yaml`.
    pub file: String,
    /// The service's folder (its `ERRATA.md`).
    pub dir: PathBuf,
    /// The API version it describes, named as the docs name it: SCP's
    /// `x-cloudsdk-scp-api-version` (`epas 1.0`), else the file stem (`v2`).
    pub version: String,
    pub doc: Value,
}

impl Spec {
    pub fn load(root: &Path, path: &Path) -> Result<Spec, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let doc: Value =
            serde_yaml::from_str(&text).map_err(|e| format!("{}: not YAML the audit can read: {e}", path.display()))?;
        let file = path.strip_prefix(root).unwrap_or(path).display().to_string();
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let version =
            doc.pointer("/info/x-cloudsdk-scp-api-version").and_then(Value::as_str).map_or(stem, str::to_owned);
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Ok(Spec { file, dir, version, doc })
    }

    /// Every `paths` operation: (method, path, pointer, operation, the
    /// path's own parameters).
    pub fn operations(&self) -> Vec<SpecOperation<'_>> {
        let mut out = Vec::new();
        let Some(paths) = self.doc.get("paths").and_then(Value::as_object) else { return out };
        for (path, item) in paths {
            let shared = item.get("parameters").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
            for method in ["get", "put", "post", "delete", "patch", "head", "options"] {
                if let Some(op) = item.get(method) {
                    let pointer = format!("/paths/{}/{method}", escape(path));
                    out.push(SpecOperation { method, path, pointer, op, shared });
                }
            }
        }
        out
    }

    /// Follows `$ref`s from `value` to what they name, with its pointer.
    pub fn deref<'a>(&'a self, mut pointer: String, mut value: &'a Value) -> (String, &'a Value, Option<String>) {
        let mut name = None;
        for _ in 0..32 {
            let Some(target) = value.get("$ref").and_then(Value::as_str) else { break };
            let Some(next) = target.strip_prefix('#').and_then(|p| self.doc.pointer(p)) else { break };
            if name.is_none() {
                name = target.rsplit('/').next().map(str::to_owned);
            }
            pointer = target.trim_start_matches('#').to_owned();
            value = next;
        }
        (pointer, value, name)
    }

    /// The schema at `value` with `$ref`s followed and `allOf` merged.
    pub fn flat<'a>(&'a self, pointer: &str, value: &'a Value) -> Flat<'a> {
        self.flat_at(pointer.to_owned(), value, 0)
    }

    fn flat_at<'a>(&'a self, pointer: String, value: &'a Value, depth: usize) -> Flat<'a> {
        let outer_nullable = value.get("nullable").and_then(Value::as_bool).unwrap_or(false);
        let (pointer, value, ref_name) = self.deref(pointer, value);
        let mut flat = Flat { pointer: pointer.clone(), ref_name, ..Flat::default() };
        flat.nullable = outer_nullable || value.get("nullable").and_then(Value::as_bool).unwrap_or(false);
        flat.ty = value.get("type").and_then(Value::as_str).map(str::to_owned);
        flat.format = value.get("format").and_then(Value::as_str).map(str::to_owned);
        if let Some(values) = value.get("enum").and_then(Value::as_array) {
            flat.enum_values = Some((format!("{pointer}/enum"), values.iter().collect()));
        }
        flat.default = value.get("default");
        flat.minimum = value.get("minimum").and_then(Value::as_f64);
        flat.maximum = value.get("maximum").and_then(Value::as_f64);
        flat.min_length = value.get("minLength").and_then(Value::as_u64);
        flat.max_length = value.get("maxLength").and_then(Value::as_u64);
        flat.pattern = value.get("pattern").and_then(Value::as_str).map(str::to_owned);
        if let Some(props) = value.get("properties").and_then(Value::as_object) {
            for (name, schema) in props {
                flat.properties.push((name.clone(), format!("{pointer}/properties/{}", escape(name)), schema));
            }
        }
        if let Some(required) = value.get("required").and_then(Value::as_array) {
            flat.required.extend(required.iter().filter_map(Value::as_str).map(str::to_owned));
        }
        flat.items = value.get("items").map(|v| (format!("{pointer}/items"), v));
        flat.additional = value
            .get("additionalProperties")
            .filter(|v| v.is_object())
            .map(|v| (format!("{pointer}/additionalProperties"), v));
        for key in ["oneOf", "anyOf"] {
            if let Some(variants) = value.get(key).and_then(Value::as_array) {
                flat.variants.extend(variants.iter().enumerate().map(|(i, v)| (format!("{pointer}/{key}/{i}"), v)));
            }
        }
        if let Some(parts) = value.get("allOf").and_then(Value::as_array).filter(|_| depth < 32) {
            for (i, part) in parts.iter().enumerate() {
                let part = self.flat_at(format!("{pointer}/allOf/{i}"), part, depth + 1);
                flat.absorb(part, parts.len() == 1);
            }
        }
        if flat.ty.is_none() {
            if !flat.properties.is_empty() || flat.additional.is_some() {
                flat.ty = Some("object".into());
            } else if flat.items.is_some() {
                flat.ty = Some("array".into());
            }
        }
        flat
    }
}

/// An operation of a spec.
pub struct SpecOperation<'a> {
    pub method: &'static str,
    pub path: &'a str,
    pub pointer: String,
    pub op: &'a Value,
    pub shared: &'a [Value],
}

/// A schema as a caller sees it, whatever `$ref`/`allOf` spell it.
#[derive(Default, Clone)]
pub struct Flat<'a> {
    /// Where the schema is, after `$ref`s.
    pub pointer: String,
    /// The component the first `$ref` names (or a lone `allOf` part's).
    pub ref_name: Option<String>,
    pub ty: Option<String>,
    pub format: Option<String>,
    pub nullable: bool,
    /// The pointer of the `enum` and its values.
    pub enum_values: Option<(String, Vec<&'a Value>)>,
    pub default: Option<&'a Value>,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub pattern: Option<String>,
    /// Name, pointer, schema, in the spec's order.
    pub properties: Vec<(String, String, &'a Value)>,
    pub required: Vec<String>,
    pub items: Option<(String, &'a Value)>,
    pub additional: Option<(String, &'a Value)>,
    pub variants: Vec<(String, &'a Value)>,
}

impl<'a> Flat<'a> {
    /// Merges an `allOf` part; a lone part also lends its name.
    fn absorb(&mut self, part: Flat<'a>, lone: bool) {
        if lone && self.ref_name.is_none() {
            self.ref_name = part.ref_name.clone();
        }
        self.nullable |= part.nullable;
        self.ty = self.ty.take().or(part.ty);
        self.format = self.format.take().or(part.format);
        self.enum_values = self.enum_values.take().or(part.enum_values);
        self.default = self.default.or(part.default);
        self.minimum = self.minimum.or(part.minimum);
        self.maximum = self.maximum.or(part.maximum);
        self.min_length = self.min_length.or(part.min_length);
        self.max_length = self.max_length.or(part.max_length);
        self.pattern = self.pattern.take().or(part.pattern);
        self.properties.extend(part.properties);
        self.required.extend(part.required);
        self.items = self.items.take().or(part.items);
        self.additional = self.additional.take().or(part.additional);
        self.variants.extend(part.variants);
    }

    pub fn property(&self, name: &str) -> Option<&(String, String, &'a Value)> {
        self.properties.iter().find(|(n, _, _)| n == name)
    }

    pub fn is_object(&self) -> bool {
        self.ty.as_deref() == Some("object") || !self.variants.is_empty()
    }
}

/// A JSON pointer segment.
pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}
