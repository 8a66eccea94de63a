//! SCP API reference pages (EPAS, the Data Analytics family, Cache Store):
//! numbered headings, one section per operation and API version (`1.2.1 -
//! 1.0`) holding the method and path, a parameter table, a response table
//! and the `Scp-Api-Version` header of the example request; a "Models"
//! heading lists the models, one table each. Tables come in two forms: the
//! printable view runs a row's cells together one per line (`pathcluster_id`,
//! `required`, description lines, `stringNone`); Cache Store's page has
//! Markdown tables (`| path | cluster_id required | … |`).

use std::sync::LazyLock;

use regex::Regex;

use super::docs::{Body, Docs, ExampleOf, Member, Model, Operation, Param, Place, Response, Schema, Shape, Ty};
use super::read::take_example;

static HEADING: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(\d+(?:\.\d+)*) - (.+)$").unwrap());
static VERSION_TITLE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\d+(?:\.\d+)+$").unwrap());
static METHOD_LINE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(get|post|put|delete|patch) (/\S*)$").unwrap());
static API_VERSION: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"Scp-Api-Version = ([^"]+)""#).unwrap());
static RESPONSE_EXAMPLE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^Response (\d{3})$").unwrap());
static LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|\s)(Example|Pattern|Minimum length|Maximum length|Minimum|Maximum) :").unwrap());

/// Whether `text` is in this layout: numbered headings and SCP's signed
/// request headers.
pub fn recognises(text: &str) -> bool {
    text.contains("Scp-Api-Version = ") && text.lines().any(|l| METHOD_LINE.is_match(l))
}

pub fn parse(text: &str) -> Docs {
    let lines: Vec<&str> = text.lines().collect();
    let headings: Vec<(usize, usize, &str)> = lines
        .iter()
        .enumerate()
        .filter_map(|(i, l)| {
            let c = HEADING.captures(l)?;
            Some((i, c[1].split('.').count(), c.get(2)?.as_str().trim()))
        })
        .collect();
    let mut docs = Docs { structured: true, ..Docs::default() };
    let mut service = String::new();
    let mut models_depth: Option<usize> = None;
    for (k, &(at, depth, title)) in headings.iter().enumerate() {
        let end = headings.get(k + 1).map_or(lines.len(), |h| h.0);
        if models_depth.is_some_and(|d| depth <= d) {
            models_depth = None;
        }
        if title == "Models" {
            models_depth = Some(depth);
        } else if let Some(d) = models_depth {
            if depth == d + 1 {
                let rows = table_rows(&lines, at + 1, end, false);
                let members = rows.into_iter().map(member).collect();
                let place = Place::new(at + 1, lines[at]);
                docs.models.push(Model { place, name: title.to_owned(), service: service.clone(), members });
            }
        } else if VERSION_TITLE.is_match(title) {
            operation(&lines, at, end, title, &mut service, &mut docs);
        }
    }
    docs
}

/// One operation at one API version: the lines of its version heading.
fn operation(lines: &[&str], at: usize, end: usize, heading: &str, service: &mut String, docs: &mut Docs) {
    let section = at + 1..end;
    let find = |text: &str| section.clone().find(|&i| lines[i].trim() == text);
    let Some((method_at, caps)) = section.clone().find_map(|i| METHOD_LINE.captures(lines[i]).map(|c| (i, c))) else {
        docs.unreadable.push((Place::new(at + 1, lines[at]), "a version section without a method and path".into()));
        return;
    };
    let version = match section.clone().find_map(|i| API_VERSION.captures(lines[i])) {
        Some(c) => c[1].trim().to_owned(),
        None if !service.is_empty() => format!("{service} {heading}"),
        None => {
            docs.unreadable.push((Place::new(at + 1, lines[at]), "no Scp-Api-Version header names the service".into()));
            return;
        }
    };
    if let Some((name, _)) = version.rsplit_once(' ') {
        name.clone_into(service);
    }
    let responses_at = find("Responses").unwrap_or(end);
    let mut params = Vec::new();
    let mut body = None;
    if let Some(p) = find("Parameters") {
        for row in table_rows(lines, p + 1, responses_at, true) {
            let location = row.location.clone().unwrap_or_default();
            if location == "body" {
                let shape = Shape::Model(row.schema.trim().to_owned());
                body = Some(Body { place: row.place.clone(), required: row.required, shape });
            } else {
                let m = member(row);
                let name = m.path.concat();
                params.push(Param {
                    place: m.place,
                    name,
                    location,
                    required: m.required == Some(true),
                    schema: m.schema,
                });
            }
        }
    }
    let request_at = find("Example HTTP request").unwrap_or(end);
    let responses = response_rows(lines, responses_at + 1, request_at.max(responses_at + 1).min(end));
    let mut op = Operation {
        place: Place::new(method_at + 1, lines[method_at]),
        method: caps[1].to_owned(),
        path: caps[2].to_owned(),
        version,
        params,
        body,
        statuses_stated: !responses.is_empty(),
        responses,
        examples: Vec::new(),
    };
    let response_examples: Vec<usize> = section.clone().filter(|&i| RESPONSE_EXAMPLE.is_match(lines[i])).collect();
    if let Some(r) = find("Request body") {
        let limit = response_examples.first().copied().unwrap_or(end);
        take_example(lines, r + 1, limit, ExampleOf::Request, &mut op.examples, &mut docs.unreadable);
    }
    for (n, &r) in response_examples.iter().enumerate() {
        let status = RESPONSE_EXAMPLE.captures(lines[r]).map(|c| c[1].to_owned());
        let limit = response_examples.get(n + 1).copied().unwrap_or(end);
        take_example(lines, r + 1, limit, ExampleOf::Response(status), &mut op.examples, &mut docs.unreadable);
    }
    docs.operations.push(op);
}

/// A table row in either form, its cells told apart.
struct Row {
    place: Place,
    /// `path`, `query`, `header` or `body` (parameter tables only).
    location: Option<String>,
    name: String,
    required: Option<bool>,
    /// Description lines with their `Example :`, `Pattern :`, … labels.
    prose: String,
    schema: String,
    default: String,
}

const LOCATIONS: &[&str] = &["path", "query", "header", "body"];

/// The rows of the table in `lines[from..to]`.
fn table_rows(lines: &[&str], from: usize, to: usize, located: bool) -> Vec<Row> {
    let to = to.min(lines.len());
    if (from..to).any(|i| lines[i].trim_start().starts_with('|')) {
        return markdown_rows(lines, from, to, located);
    }
    let flag = |i: usize| match lines.get(i).map(|l| l.trim()) {
        Some("required") => Some(true),
        Some("optional") => Some(false),
        _ => None,
    };
    let starts: Vec<usize> = (from..to).filter(|&i| i + 1 < to && flag(i + 1).is_some()).collect();
    let mut rows = Vec::new();
    for (k, &start) in starts.iter().enumerate() {
        let next = starts.get(k + 1).copied().unwrap_or(to);
        let mut content: Vec<&str> =
            lines[(start + 2).min(next)..next].iter().map(|l| l.trim()).filter(|l| !l.is_empty()).collect();
        let schema_default = content.pop().unwrap_or_default();
        let (location, name) = split_location(lines[start].trim(), located);
        let (schema, default) = split_schema(schema_default);
        rows.push(Row {
            place: Place::new(start + 1, lines[start]),
            location,
            name,
            required: flag(start + 1),
            prose: content.join("\n"),
            schema: schema.to_owned(),
            default: default.to_owned(),
        });
    }
    rows
}

fn split_location(lead: &str, located: bool) -> (Option<String>, String) {
    if located {
        for location in LOCATIONS {
            if let Some(name) = lead.strip_prefix(location) {
                return (Some((*location).to_owned()), name.to_owned());
            }
        }
    }
    (None, lead.to_owned())
}

/// `| path | cluster_id required | Cluster ID Example : | string | None |`.
fn markdown_rows(lines: &[&str], from: usize, to: usize, located: bool) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut header_seen = false;
    for (i, raw) in lines.iter().enumerate().take(to).skip(from) {
        let line = raw.trim();
        if !line.starts_with('|') {
            continue;
        }
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        if !header_seen || cells.iter().all(|c| c.chars().all(|ch| ch == '-' || ch == ':')) {
            header_seen = true;
            continue;
        }
        let (location, cells) =
            if located { (cells.first().map(|c| (*c).to_owned()), &cells[1..]) } else { (None, &cells[..]) };
        let Some(name_cell) = cells.first() else { continue };
        let (name, required) = match name_cell.rsplit_once(' ') {
            Some((name, "required")) => (name, Some(true)),
            Some((name, "optional")) => (name, Some(false)),
            _ => (*name_cell, None),
        };
        // A body row has only its model: `| body | body required | Model |`.
        let (prose, schema, default) = match cells.len() {
            2 => ("", cells[1], ""),
            _ => (
                cells.get(1).copied().unwrap_or(""),
                cells.get(2).copied().unwrap_or(""),
                cells.get(3).copied().unwrap_or(""),
            ),
        };
        rows.push(Row {
            place: Place::new(i + 1, raw),
            location,
            name: name.to_owned(),
            required,
            prose: prose.to_owned(),
            schema: schema.to_owned(),
            default: default.to_owned(),
        });
    }
    rows
}

/// `202AcceptedAsyncResponse` / `| 202 | Accepted | AsyncResponse |`.
fn response_rows(lines: &[&str], from: usize, to: usize) -> Vec<Response> {
    let mut responses = Vec::new();
    for (i, raw) in lines.iter().enumerate().take(to).skip(from) {
        let line = raw.trim();
        let (status, schema) = if line.starts_with('|') {
            let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
            match cells.as_slice() {
                [status, _, schema, ..] if is_status(status) => ((*status).to_owned(), (*schema).to_owned()),
                _ => continue,
            }
        } else if let Some(status) = line.get(..3).filter(|s| is_status(s) && line.len() > 3) {
            (status.to_owned(), plain_response_schema(status, &line[3..]).to_owned())
        } else {
            continue;
        };
        let shape = if schema == "None" || schema.is_empty() { Shape::Empty } else { Shape::Model(schema) };
        responses.push(Response { place: Place::new(i + 1, raw), status: Some(status), shape });
    }
    responses
}

fn is_status(text: &str) -> bool {
    text.len() == 3 && text.bytes().all(|b| b.is_ascii_digit()) && matches!(text.as_bytes()[0], b'1'..=b'5')
}

/// The schema after a status's reason phrase, which runs into it
/// (`OKBackupHistoryListApiResponse`).
fn plain_response_schema<'a>(status: &str, rest: &'a str) -> &'a str {
    let reason = match status {
        "200" => "OK",
        "201" => "Created",
        "202" => "Accepted",
        "204" => "No Content",
        "400" => "Bad Request",
        "401" => "Unauthorized",
        "403" => "Forbidden",
        "404" => "Not Found",
        "405" => "Method Not Allowed",
        "409" => "Conflict",
        "422" => "Unprocessable Entity",
        "429" => "Too Many Requests",
        "500" => "Internal Server Error",
        "503" => "Service Unavailable",
        _ => "",
    };
    if let Some(schema) = rest.strip_prefix(reason).filter(|_| !reason.is_empty()) {
        return schema;
    }
    if rest.ends_with("None") {
        return "None";
    }
    // An unknown reason phrase: the schema is the last CamelCase word.
    let start = rest.char_indices().rev().find(|&(i, c)| {
        c.is_ascii_uppercase() && (i == 0 || !rest[..i].ends_with(|p: char| p.is_ascii_alphanumeric()))
    });
    start.map_or("None", |(i, _)| &rest[i..])
}

fn member(row: Row) -> Member {
    let mut schema = parse_schema(&row.schema);
    if !row.default.is_empty() && row.default != "None" {
        schema.default = Some(row.default.clone());
    }
    for (label, value) in labels(&row.prose) {
        match label {
            "Pattern" if !value.is_empty() => schema.pattern = Some(value.to_owned()),
            "Minimum" => schema.minimum = value.parse().ok(),
            "Maximum" => schema.maximum = value.parse().ok(),
            "Minimum length" => schema.min_length = value.parse().ok(),
            "Maximum length" => schema.max_length = value.parse().ok(),
            _ => {}
        }
    }
    Member { place: row.place, path: vec![row.name], required: row.required, schema }
}

/// `Example : 104`, `Minimum : 16`, … in a description, each value running
/// to the next label or the end of its line.
fn labels(prose: &str) -> Vec<(&str, &str)> {
    let found: Vec<_> = LABEL.captures_iter(prose).filter_map(|c| Some((c.get(1)?, c.get(0)?.end()))).collect();
    let mut out = Vec::new();
    for (k, (label, value_start)) in found.iter().enumerate() {
        let next = found.get(k + 1).map_or(prose.len(), |(l, _)| l.start());
        let value = &prose[*value_start..next];
        let value = value.split('\n').next().unwrap_or("").trim();
        out.push((label.as_str(), value));
    }
    out
}

/// Splits `enum (SSD, HDD)SSD` into the schema and the default running into it.
fn split_schema(text: &str) -> (&str, &str) {
    match parse_type(text) {
        Some((_, rest)) => (&text[..text.len() - rest.len()], rest),
        None => (text, ""),
    }
}

/// `any of [enum (A, B), null]`, `array[Tag]`, `string (date-time)`, …
pub fn parse_schema(text: &str) -> Schema {
    let mut schema = Schema::default();
    if let Some((parsed, _)) = parse_type(text.trim()) {
        schema.ty = parsed.ty;
        schema.nullable = Some(parsed.nullable);
        schema.enum_values = parsed.enum_values;
    }
    schema
}

struct Parsed {
    ty: Option<Ty>,
    nullable: bool,
    enum_values: Vec<String>,
}

fn parse_type(s: &str) -> Option<(Parsed, &str)> {
    let plain = |ty: Ty| Parsed { ty: Some(ty), nullable: false, enum_values: Vec::new() };
    if let Some(mut rest) = s.strip_prefix("any of [") {
        let mut alternatives = Vec::new();
        loop {
            let (parsed, after) = parse_type(rest)?;
            alternatives.push(parsed);
            if let Some(after) = after.strip_prefix(", ") {
                rest = after;
            } else {
                rest = after.strip_prefix(']')?;
                break;
            }
        }
        let nullable = alternatives.iter().any(|a| a.ty == Some(Ty::Null));
        let mut others: Vec<Parsed> = alternatives.into_iter().filter(|a| a.ty != Some(Ty::Null)).collect();
        let mut parsed = match others.len() {
            1 => others.pop()?,
            _ => Parsed { ty: None, nullable: false, enum_values: Vec::new() },
        };
        parsed.nullable = nullable;
        return Some((parsed, rest));
    }
    if let Some(rest) = s.strip_prefix("array[") {
        let (inner, rest) = parse_type(rest)?;
        return Some((plain(Ty::Array(Box::new(inner.ty?))), rest.strip_prefix(']')?));
    }
    if let Some(rest) = s.strip_prefix("enum (") {
        let (values, rest) = rest.split_once(')')?;
        let values = values.split(", ").map(|v| v.trim().to_owned()).collect();
        return Some((Parsed { ty: Some(Ty::String(None)), nullable: false, enum_values: values }, rest));
    }
    if let Some(rest) = s.strip_prefix("string (") {
        let (format, rest) = rest.split_once(')')?;
        return Some((plain(Ty::String(Some(format.to_owned()))), rest));
    }
    for (word, ty) in [
        ("string", Ty::String(None)),
        ("integer", Ty::Integer),
        ("number", Ty::Number),
        ("boolean", Ty::Boolean),
        ("object", Ty::Object),
        ("null", Ty::Null),
    ] {
        if let Some(rest) = s.strip_prefix(word) {
            return Some((plain(ty), rest));
        }
    }
    let end = s.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(s.len());
    if end > 0 && s.starts_with(|c: char| c.is_ascii_uppercase()) {
        return Some((plain(Ty::Model(s[..end].to_owned())), &s[end..]));
    }
    None
}
