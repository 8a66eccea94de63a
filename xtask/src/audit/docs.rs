//! What a vendor's docs page states, in one shape for every layout: each
//! vendor's parser fills it, the comparison reads nothing else.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

/// A line of the docs: where a fact was read, for the report.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Place {
    /// 1-based.
    pub line: usize,
    /// The line's text, trimmed and cut short.
    pub quote: String,
}

impl Place {
    pub fn new(line: usize, text: &str) -> Place {
        const MAX: usize = 100;
        let text = text.trim();
        let quote = match text.char_indices().nth(MAX) {
            Some((end, _)) => format!("{}…", &text[..end]),
            None => text.to_owned(),
        };
        Place { line, quote }
    }
}

/// Everything read from one docs file.
#[derive(Debug, Default)]
pub struct Docs {
    /// One per documented section of a method + path at one API version; a
    /// method + path documented with several bodies (NHN server actions,
    /// KakaoCloud create/restore) has one section per body.
    pub operations: Vec<Operation>,
    /// Named models (SCP's "Models" sections).
    pub models: Vec<Model>,
    /// Hosts the page sends requests to (KakaoCloud, NHN Cloud), to find the
    /// spec whose server they match.
    pub hosts: Vec<String>,
    /// True where the layout states types, nullability, enums, bounds and
    /// defaults in fixed places (SCP's tables), so that their absence is a
    /// statement too; prose layouts are compared only where a rule was read.
    pub structured: bool,
    /// Text that looked like a fact but could not be read (a broken JSON
    /// example, a row in no known form): reported, never skipped silently.
    pub unreadable: Vec<(Place, String)>,
}

#[derive(Debug, Clone)]
pub struct Operation {
    pub place: Place,
    /// Lower case, as in OpenAPI.
    pub method: String,
    pub path: String,
    /// The API version the section documents, as the spec names it: SCP's
    /// `Scp-Api-Version` value (`epas 1.0`), or the path's leading segment
    /// (`v2`) for KakaoCloud and NHN Cloud.
    pub version: String,
    pub params: Vec<Param>,
    pub body: Option<Body>,
    /// The documented statuses (empty when `statuses_stated` is false).
    pub responses: Vec<Response>,
    /// False where the docs give no status codes at all (NHN Cloud): then
    /// none are compared.
    pub statuses_stated: bool,
    pub examples: Vec<Example>,
}

impl Operation {
    /// An operation stated at `place` as `METHOD path`, its version the path's
    /// leading segment (`v2`), as KakaoCloud's and NHN Cloud's pages give it.
    pub fn from_path(place: Place, method: &str, path: &str) -> Self {
        let version = path.trim_start_matches('/').split('/').next().unwrap_or_default().to_owned();
        Operation {
            place,
            method: method.to_lowercase(),
            path: path.to_owned(),
            version,
            params: Vec::new(),
            body: None,
            responses: Vec::new(),
            statuses_stated: false,
            examples: Vec::new(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Param {
    pub place: Place,
    pub name: String,
    /// `path`, `query` or `header`.
    pub location: String,
    pub required: bool,
    pub schema: Schema,
}

#[derive(Debug, Clone)]
pub struct Body {
    pub place: Place,
    pub required: Option<bool>,
    pub shape: Shape,
}

#[derive(Debug, Clone)]
pub enum Shape {
    /// A model named by the docs (SCP).
    Model(String),
    /// Members listed in the section itself (KakaoCloud, NHN Cloud).
    Members(Vec<Member>),
    /// The docs say there is no body.
    Empty,
    /// The docs say nothing about a body (a status listed without a schema).
    Unstated,
}

#[derive(Debug, Clone)]
pub struct Response {
    pub place: Place,
    /// `None`: the success response, whose code the docs do not give.
    pub status: Option<String>,
    pub shape: Shape,
}

#[derive(Debug, Clone)]
pub struct Example {
    pub place: Place,
    /// Text lines of the example, for finding the line of a key.
    pub lines: Vec<(usize, String)>,
    pub target: ExampleOf,
    pub value: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExampleOf {
    Request,
    /// A response; `None` is the success response.
    Response(Option<String>),
}

/// A member of a body or model: `subnets.id` is `["subnets", "id"]`, arrays
/// being implicit; a quoted docs segment (`"Network name"`) is `*`, any key
/// of a map.
#[derive(Debug, Clone)]
pub struct Member {
    pub place: Place,
    pub path: Vec<String>,
    /// `None`: the docs do not say (a table without a required column).
    pub required: Option<bool>,
    pub schema: Schema,
}

#[derive(Debug, Clone)]
pub struct Model {
    pub place: Place,
    pub name: String,
    /// The service whose section lists it (`data-flow`), to find its spec files.
    pub service: String,
    pub members: Vec<Member>,
}

/// A type as the docs state it; `None`s are things the docs do not say.
#[derive(Debug, Default, Clone)]
pub struct Schema {
    pub ty: Option<Ty>,
    pub nullable: Option<bool>,
    pub enum_values: Vec<String>,
    pub default: Option<String>,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub pattern: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    /// With a format the docs give (`date-time`, `uuid`).
    String(Option<String>),
    Integer,
    Number,
    Boolean,
    Object,
    Array(Box<Ty>),
    /// A named model (SCP).
    Model(String),
    /// Only `null` (NHN's `none`).
    Null,
}

impl Ty {
    /// How the report names it.
    pub fn describe(&self) -> String {
        match self {
            Ty::String(Some(format)) => format!("string ({format})"),
            Ty::String(None) => "string".into(),
            Ty::Integer => "integer".into(),
            Ty::Number => "number".into(),
            Ty::Boolean => "boolean".into(),
            Ty::Object => "object".into(),
            Ty::Array(item) => format!("array[{}]", item.describe()),
            Ty::Model(name) => name.clone(),
            Ty::Null => "null".into(),
        }
    }
}

/// How much was read, so a reader can see nothing was skipped.
#[derive(Debug, Default, Serialize, Clone)]
pub struct Counts {
    pub operations: usize,
    pub sections: usize,
    pub versions: usize,
    pub parameters: usize,
    pub models: usize,
    pub members: usize,
    pub enum_values: usize,
    pub statuses: usize,
    pub examples: usize,
}

impl Docs {
    /// Counted once per docs line: a section that takes another's request
    /// or response (NHN Cloud) does not count it twice.
    pub fn counts(&self) -> Counts {
        let mut keys: Vec<(&str, &str, &str)> =
            self.operations.iter().map(|o| (o.version.as_str(), o.method.as_str(), o.path.as_str())).collect();
        keys.sort();
        keys.dedup();
        let mut versions: Vec<&str> = self.operations.iter().map(|o| o.version.as_str()).collect();
        versions.sort();
        versions.dedup();
        let mut params = HashSet::new();
        let mut members: HashMap<usize, usize> = HashMap::new();
        let mut statuses = HashSet::new();
        let mut examples = HashSet::new();
        let mut add = |list: &[Member]| {
            for m in list {
                members.insert(m.place.line, m.schema.enum_values.len());
            }
        };
        for op in &self.operations {
            for p in &op.params {
                params.insert((p.place.line, p.schema.enum_values.len()));
            }
            if let Some(Body { shape: Shape::Members(list), .. }) = &op.body {
                add(list);
            }
            for response in &op.responses {
                if response.status.is_some() {
                    statuses.insert(response.place.line);
                }
                if let Shape::Members(list) = &response.shape {
                    add(list);
                }
            }
            examples.extend(op.examples.iter().map(|e| e.place.line));
        }
        for model in &self.models {
            add(&model.members);
        }
        Counts {
            operations: keys.len(),
            sections: self.operations.len(),
            versions: versions.len(),
            parameters: params.len(),
            models: self.models.len(),
            members: members.len(),
            enum_values: members.values().sum::<usize>() + params.iter().map(|(_, n)| n).sum::<usize>(),
            statuses: statuses.len(),
            examples: examples.len(),
        }
    }
}
