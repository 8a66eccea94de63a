//! KakaoCloud API reference pages (saved from docs.kakaocloud.com): one
//! section per documented body, each with a `curl -X METHOD "https://…"`
//! request syntax, a parameter table whose cells run together
//! (`Bodyreplicas*IntegerNumber of nodes`, `*` marking required, `[]` an
//! array), prose lines with the rules under a row, a status table, a
//! response field table and JSON examples.

use std::sync::LazyLock;

use regex::Regex;

use super::docs::{Body, Docs, ExampleOf, Member, Operation, Param, Place, Response, Schema, Shape, Ty};
use super::read::take_example;

static CURL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"^curl -X ([A-Z]+) "https?://([^/"]+)(/[^"?]*)(?:\?([^"]*))?""#).unwrap());
static HEADER_OPTION: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"^-H "([^:]+): (\{[^}]+\})""#).unwrap());
static PARAM_TABLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^type\s*parameter\s*(?:data\s*)?type\s*description$").unwrap());
static STATUS_TABLE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)^status\s*code\s*description$").unwrap());
static FIELD_TABLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^field\s*(?:data\s*)?type\s*description$").unwrap());
static ROW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(Header|URL|Query|Body)?([A-Za-z{][A-Za-z0-9_.\[\]{}-]*?)(\*)?(String Array|Object Array|String|Integer|Boolean|Object)(.*)$",
    )
    .unwrap()
});
static STATUS_ROW: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^([1-5]\d\d)\s*(\S.*)$").unwrap());
static EXAMPLE_STATUS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^([1-5]\d\d) [A-Za-z]").unwrap());
static MAX_CHARS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)\bmax (\d+) characters").unwrap());
static CHAR_RANGE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)\b(\d+) to (\d+) characters").unwrap());
static MIN_MAX: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)minimum (\d+)\D*?maximum (\d+)").unwrap());
static RANGE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\((\d+)\s*-\s*(\d+)\)").unwrap());
static VERSIONS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)supports versions (.+?) when").unwrap());
static ALTERNATIVES: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\(([a-z]+(?:/[a-z]+)+)\)").unwrap());
static NOT_EMPTY: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)cannot .*\bto an empty value").unwrap());

/// Whether `text` is in this layout.
pub fn recognises(text: &str) -> bool {
    text.contains(".kakaocloud.com") && text.lines().any(|l| CURL.is_match(l.trim()))
}

pub fn parse(text: &str) -> Docs {
    let lines: Vec<&str> = text.lines().collect();
    let starts: Vec<usize> = (0..lines.len()).filter(|&i| CURL.is_match(lines[i].trim())).collect();
    let mut docs = Docs::default();
    for (k, &start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(lines.len());
        let caps = CURL.captures(lines[start].trim()).expect("filtered above");
        let host = caps[2].to_owned();
        if !docs.hosts.contains(&host) {
            docs.hosts.push(host);
        }
        let mut op = Operation::from_path(Place::new(start + 1, lines[start]), &caps[1], &caps[3]);
        section(&lines, start, end, caps.get(4).map_or("", |m| m.as_str()), &mut op, &mut docs);
        docs.operations.push(op);
    }
    docs
}

/// The tables and examples of one section, `lines[start..end]`.
fn section(lines: &[&str], start: usize, end: usize, query: &str, op: &mut Operation, docs: &mut Docs) {
    let find = |from: usize, re: &Regex| (from..end).find(|&i| re.is_match(lines[i].trim()));
    let Some(params_at) = find(start, &PARAM_TABLE) else {
        docs.unreadable.push((op.place.clone(), "no parameter table after the request syntax".into()));
        return;
    };
    // `-H "X-Auth-Token: {token-id}"`: the header a placeholder stands for.
    let headers: Vec<(String, String)> = (start..params_at)
        .filter_map(|i| HEADER_OPTION.captures(lines[i].trim()))
        .map(|c| (c[2].to_owned(), c[1].to_owned()))
        .collect();
    let response_at = (params_at..end).find(|&i| lines[i].trim() == "Response").unwrap_or(end);
    let mut members = Vec::new();
    for row in rows(lines, params_at + 1, response_at) {
        // Request tables mark required rows with `*`, so an unmarked row is optional.
        let required = Some(row.required);
        match row.location.as_str() {
            "Body" => members.push(row.member(required)),
            location => {
                let placeholder = row.name.clone();
                let name = match location {
                    "Header" => headers.iter().find(|(p, _)| *p == placeholder).map_or(placeholder, |(_, h)| h.clone()),
                    "Query" => query_name(query, &placeholder),
                    _ => placeholder.trim_matches(['{', '}']).to_owned(),
                };
                let location = match location {
                    "URL" => "path",
                    "Query" => "query",
                    _ => "header",
                };
                let m = row.member(Some(row.required));
                let param =
                    Param { place: m.place, name, location: location.into(), required: row.required, schema: m.schema };
                op.params.push(param);
            }
        }
    }
    if !members.is_empty() {
        let place = members[0].place.clone();
        // The page does not say whether the body may be left out.
        op.body = Some(Body { place, required: None, shape: Shape::Members(members) });
        if let Some(at) = (params_at..response_at).find(|&i| lines[i].to_lowercase().ends_with("request body example"))
        {
            take_example(lines, at + 1, response_at, ExampleOf::Request, &mut op.examples, &mut docs.unreadable);
        }
    }
    let Some(status_at) = find(response_at, &STATUS_TABLE) else { return };
    let fields_at = find(status_at, &FIELD_TABLE).unwrap_or(end);
    for (i, line) in lines.iter().enumerate().take(fields_at).skip(status_at + 1) {
        if let Some(c) = STATUS_ROW.captures(line.trim()) {
            let place = Place::new(i + 1, line);
            op.responses.push(Response { place, status: Some(c[1].to_owned()), shape: Shape::Unstated });
        }
    }
    op.statuses_stated = true;
    let example_at = (fields_at..end).find(|&i| lines[i].to_lowercase().ends_with("response example")).unwrap_or(end);
    let fields = rows(lines, fields_at + 1, example_at);
    let stated = fields.iter().any(|r| r.required);
    let members: Vec<Member> = fields.into_iter().map(|r| r.member(stated.then_some(r.required))).collect();
    let status = (example_at..end).find_map(|i| EXAMPLE_STATUS.captures(lines[i].trim()).map(|c| c[1].to_owned()));
    let success =
        status.clone().or_else(|| op.responses.iter().filter_map(|r| r.status.clone()).find(|s| s.starts_with('2')));
    if let Some(response) = op.responses.iter_mut().find(|r| r.status == success) {
        response.shape = Shape::Members(members);
    }
    if example_at < end {
        take_example(lines, example_at + 1, end, ExampleOf::Response(success), &mut op.examples, &mut docs.unreadable);
    }
}

/// The query parameter a placeholder stands for in the request syntax
/// (`?keepAutomaticBackups={keep-auto-backup}`), else the placeholder.
fn query_name(query: &str, placeholder: &str) -> String {
    query
        .split('&')
        .find_map(|pair| pair.split_once('=').filter(|(_, v)| *v == placeholder).map(|(k, _)| k.to_owned()))
        .unwrap_or_else(|| placeholder.trim_matches(['{', '}']).to_owned())
}

struct Row {
    place: Place,
    location: String,
    name: String,
    required: bool,
    ty: Ty,
    prose: Vec<String>,
}

impl Row {
    fn member(&self, required: Option<bool>) -> Member {
        let path = self.name.split('.').map(|s| s.trim_end_matches("[]").to_owned()).collect();
        Member { place: self.place.clone(), path, required, schema: prose_schema(self.ty.clone(), &self.prose) }
    }
}

/// Table rows in `lines[from..to]`; lines that are no row are the prose of
/// the row above. A row without a location keeps the one above.
fn rows(lines: &[&str], from: usize, to: usize) -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    let mut location = String::new();
    for (i, raw) in lines.iter().enumerate().take(to).skip(from) {
        let line = raw.trim();
        let Some(c) = ROW.captures(line).filter(|_| !line.starts_with('-')) else {
            if let Some(last) = rows.last_mut() {
                last.prose.push(line.to_owned());
            }
            continue;
        };
        if let Some(l) = c.get(1) {
            l.as_str().clone_into(&mut location);
        }
        let ty = match &c[4] {
            "String Array" => Ty::Array(Box::new(Ty::String(None))),
            "Object Array" => Ty::Array(Box::new(Ty::Object)),
            "String" => Ty::String(None),
            "Integer" => Ty::Integer,
            "Boolean" => Ty::Boolean,
            _ => Ty::Object,
        };
        rows.push(Row {
            place: Place::new(i + 1, raw),
            location: location.clone(),
            name: c[2].to_owned(),
            required: c.get(3).is_some(),
            ty,
            prose: vec![c[5].to_owned()],
        });
    }
    rows
}

/// The rules the prose states in words KakaoCloud uses.
fn prose_schema(ty: Ty, prose: &[String]) -> Schema {
    let text = prose.join("\n");
    let number = |c: &regex::Captures, i: usize| c.get(i).and_then(|m| m.as_str().parse::<u64>().ok());
    let mut schema = Schema { ty: Some(ty.clone()), ..Schema::default() };
    if let Some(c) = MAX_CHARS.captures(&text) {
        schema.max_length = number(&c, 1);
    }
    if let Some(c) = CHAR_RANGE.captures(&text) {
        schema.min_length = number(&c, 1);
        schema.max_length = number(&c, 2);
    }
    if NOT_EMPTY.is_match(&text) {
        schema.min_length = Some(1);
    }
    if ty == Ty::Integer {
        if let Some(c) = MIN_MAX.captures(&text).or_else(|| RANGE.captures(&text)) {
            schema.minimum = number(&c, 1).map(|n| n as f64);
            schema.maximum = number(&c, 2).map(|n| n as f64);
        }
    }
    if let Some(c) = VERSIONS.captures(&text) {
        schema.enum_values =
            c[1].replace(" and ", " ").split([',', ' ']).filter(|v| !v.is_empty()).map(str::to_owned).collect();
    } else if let Some(c) = ALTERNATIVES.captures(&text) {
        schema.enum_values = c[1].split('/').map(str::to_owned).collect();
    }
    schema
}
