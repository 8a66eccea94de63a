//! NHN Cloud's API guide (Korean, saved from docs.nhncloud.com): a
//! `METHOD /v2/…` line per section, a request table `이름 종류 형식 필수 설명`
//! (name, location, type, `O`/`-` required, description; rules in the
//! description and the lines under it), a response table `이름 종류 형식 설명`,
//! `예시` JSON examples, and no status codes. Sections may refer to another
//! ("인스턴스 목록 보기와 동일한 요청 형태입니다": the same request as that
//! section), and the instance state table gives the values of `status`.

use std::sync::LazyLock;

use regex::Regex;

use super::docs::{Body, Docs, ExampleOf, Member, Operation, Param, Place, Response, Schema, Shape, Ty};
use super::read::take_example;

static OPERATION: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(GET|POST|PUT|DELETE|PATCH) (/\S+)$").unwrap());
static HOST: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^https://([^/\s]+)$").unwrap());
static TOKEN_HEADER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^([A-Za-z-]+): \{(\w+)\}$").unwrap());
static REQUEST_ROW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\S.*?) (URL|Header|Query|Body|body) (String|Integer|Boolean|Object|Array|UUID|Datetime|Enum|Float|none) (O|-)(?: (.*))?$").unwrap()
});
static RESPONSE_ROW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\S.*?) (URL|Header|Query|Body|body) (String|Integer|Boolean|Object|Array|UUID|Datetime|Enum|Float|none)(?: (.*))?$").unwrap()
});
static SAME_REQUEST: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(.+?)(?:와|과) 동일한 요청 형태입니다").unwrap());
static SAME_RESPONSE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(.+?)(?:와|과) 동일합니다").unwrap());
static STATE_ROW: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^([A-Z][A-Z_]+) \S").unwrap());
static MAX_CHARS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"최대 (\d+)자|(\d+)자까지 허용|(\d+) 바이트까지").unwrap());
static MAXIMUM: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"최댓값은 (\d+)").unwrap());
static DEFAULT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"기본값은 ([A-Za-z0-9_]+)").unwrap());
static EITHER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b[A-Za-z_]+(?: 또는 [A-Za-z_]+)+").unwrap());
static VALUE_LINE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^-?\s*([A-Za-z_]+): ").unwrap());

const NO_REQUEST_BODY: &str = "이 API는 요청 본문을 요구하지 않습니다.";
const NO_RESPONSE_BODY: &str = "이 API는 응답 본문을 반환하지 않습니다.";

/// Whether `text` is in this layout.
pub fn recognises(text: &str) -> bool {
    text.contains("이름 종류 형식") && text.lines().any(|l| OPERATION.is_match(l.trim()))
}

pub fn parse(text: &str) -> Docs {
    let lines: Vec<&str> = text.lines().collect();
    let starts: Vec<usize> = (0..lines.len()).filter(|&i| OPERATION.is_match(lines[i].trim())).collect();
    let states = instance_states(&lines);
    let mut docs = Docs::default();
    for line in &lines {
        if let Some(c) = HOST.captures(line.trim()) {
            docs.hosts.push(c[1].to_owned());
        }
    }
    let mut references = Vec::new();
    for (k, &start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(lines.len());
        let (op, refers) = section(&lines, start, end, &states, &mut docs);
        references.push(refers);
        docs.operations.push(op);
    }
    resolve_references(&lines, &starts, references, &mut docs);
    docs
}

/// What a section takes from another: (request from, response from), each
/// the title of the section referred to, with the line saying so.
type Refers = (Option<(Place, String)>, Option<(Place, String)>);

fn section(lines: &[&str], start: usize, end: usize, states: &[String], docs: &mut Docs) -> (Operation, Refers) {
    let caps = OPERATION.captures(lines[start].trim()).expect("filtered above");
    let mut op = Operation::from_path(Place::new(start + 1, lines[start]), &caps[1], &caps[2]);
    let header = lines.get(start + 1).and_then(|l| TOKEN_HEADER.captures(l.trim()));
    let response_at = (start..end).find(|&i| lines[i].trim() == "응답").unwrap_or(end);
    let mut refers: Refers = (None, None);
    // The request: parameters and body members, or a reference.
    let mut members = Vec::new();
    let mut no_body = false;
    for (i, raw) in lines.iter().enumerate().take(response_at).skip(start + 1) {
        let line = raw.trim();
        no_body |= line == NO_REQUEST_BODY;
        if let Some(c) = SAME_REQUEST.captures(line) {
            refers.0 = Some((Place::new(i + 1, raw), c[1].to_owned()));
        }
    }
    for row in rows(lines, start + 1, response_at, true, states) {
        match row.location.as_str() {
            "Body" | "body" => members.push(row.member),
            location => {
                let mut name = row.member.path.join(".");
                // `X-Auth-Token: {tokenId}` under the method line: the header the row names.
                if let Some(h) = header.as_ref().filter(|h| h[2] == name) {
                    name = h[1].to_owned();
                }
                let location = match location {
                    "URL" => "path",
                    "Query" => "query",
                    _ => "header",
                };
                let required = row.member.required == Some(true);
                op.params.push(Param {
                    place: row.member.place,
                    name,
                    location: location.into(),
                    required,
                    schema: row.member.schema,
                });
            }
        }
    }
    if !members.is_empty() {
        let place = members[0].place.clone();
        // Whether the body may be left out is not stated (its members' `O` are).
        op.body = Some(Body { place, required: None, shape: Shape::Members(members) });
    } else if no_body {
        op.body = Some(Body { place: op.place.clone(), required: None, shape: Shape::Empty });
    }
    if let Some(at) = (start..response_at).find(|&i| lines[i].trim() == "예시") {
        take_example(lines, at + 1, response_at, ExampleOf::Request, &mut op.examples, &mut docs.unreadable);
    }
    // The response: members, none, or a reference.
    if response_at < end {
        let place = Place::new(response_at + 1, lines[response_at]);
        let mut shape = None;
        for (i, raw) in lines.iter().enumerate().take(end).skip(response_at + 1) {
            let line = raw.trim();
            if line == NO_RESPONSE_BODY || line.starts_with(NO_RESPONSE_BODY) {
                shape = Some(Shape::Empty);
            } else if let Some(c) = SAME_RESPONSE.captures(line) {
                refers.1 = Some((Place::new(i + 1, raw), c[1].to_owned()));
            }
        }
        let members: Vec<Member> = rows(lines, response_at + 1, end, false, states)
            .into_iter()
            .filter(|r| r.location.eq_ignore_ascii_case("body"))
            .map(|r| r.member)
            .collect();
        let shape = match shape {
            _ if !members.is_empty() => Shape::Members(members),
            Some(shape) => shape,
            None => Shape::Unstated,
        };
        if refers.1.is_none() {
            op.responses.push(Response { place, status: None, shape });
        }
        if let Some(at) = (response_at..end).find(|&i| lines[i].trim() == "예시") {
            take_example(lines, at + 1, end, ExampleOf::Response(None), &mut op.examples, &mut docs.unreadable);
        }
    }
    (op, refers)
}

/// Copies what a section takes from the section titled as it says (the
/// first operation after a line with that exact title).
fn resolve_references(lines: &[&str], starts: &[usize], references: Vec<Refers>, docs: &mut Docs) {
    let target = |title: &str| {
        let at = lines.iter().position(|l| l.trim() == title)?;
        starts.iter().position(|&s| s > at)
    };
    for (k, (request, response)) in references.into_iter().enumerate() {
        if let Some((place, title)) = request {
            match target(&title) {
                Some(t) if t != k => {
                    let params = docs.operations[t].params.clone();
                    docs.operations[k].params = params;
                }
                _ => docs.unreadable.push((place, format!("no section titled {title} to take the request from"))),
            }
        }
        if let Some((place, title)) = response {
            match target(&title) {
                Some(t) if t != k => {
                    let responses = docs.operations[t].responses.clone();
                    docs.operations[k].responses = responses;
                    let examples: Vec<_> = docs.operations[t]
                        .examples
                        .iter()
                        .filter(|e| e.target != ExampleOf::Request)
                        .cloned()
                        .collect();
                    docs.operations[k].examples.extend(examples);
                }
                _ => docs.unreadable.push((place, format!("no section titled {title} to take the response from"))),
            }
        }
    }
}

/// The values of the instance state table (`상태 명 설명`).
fn instance_states(lines: &[&str]) -> Vec<String> {
    let Some(at) = lines.iter().position(|l| l.trim() == "상태 명 설명") else { return Vec::new() };
    lines[at + 1..]
        .iter()
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| STATE_ROW.captures(l.trim()).map(|c| c[1].to_owned()))
        .collect()
}

struct Row {
    location: String,
    member: Member,
}

/// The table rows in `lines[from..to]` (request tables have the required
/// column); lines under a row that are no row are its prose.
fn rows(lines: &[&str], from: usize, to: usize, request: bool, states: &[String]) -> Vec<Row> {
    let row_re: &Regex = if request { &REQUEST_ROW } else { &RESPONSE_ROW };
    let mut found: Vec<(usize, regex::Captures)> = Vec::new();
    let mut prose: Vec<Vec<String>> = Vec::new();
    for (i, raw) in lines.iter().enumerate().take(to).skip(from) {
        let line = raw.trim();
        if line.is_empty() || line == "예시" {
            // A table ends at the first blank line or example after its rows.
            if found.is_empty() {
                continue;
            }
            break;
        }
        if let Some(c) = row_re.captures(line) {
            found.push((i, c));
            prose.push(Vec::new());
        } else if let Some(last) = prose.last_mut() {
            last.push(line.to_owned());
        }
    }
    let mut rows = Vec::new();
    for ((i, c), more) in found.into_iter().zip(prose) {
        let (description, required) = if request {
            (c.get(5).map_or("", |m| m.as_str()), Some(&c[4] == "O"))
        } else {
            (c.get(4).map_or("", |m| m.as_str()), None)
        };
        let mut text = vec![description.to_owned()];
        text.extend(more);
        let path = member_path(&c[1]);
        let schema = prose_schema(&c[3], &text, path.last().is_some_and(|l| l == "status"), states);
        rows.push(Row {
            location: c[2].to_owned(),
            member: Member { place: Place::new(i + 1, lines[i]), path, required, schema },
        });
    }
    rows
}

/// `server.addresses."Network 이름".addr` → `server`, `addresses`, `*`, `addr`.
fn member_path(name: &str) -> Vec<String> {
    let mut path = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in name.chars() {
        match c {
            '"' => quoted = !quoted,
            '.' if !quoted => path.push(std::mem::take(&mut current)),
            _ if quoted => {
                if current != "*" {
                    current = "*".into();
                }
            }
            _ => current.push(c),
        }
    }
    path.push(current);
    path
}

/// A docs type and the rules its prose states, in the words NHN Cloud uses.
fn prose_schema(ty: &str, prose: &[String], is_status: bool, states: &[String]) -> Schema {
    let text = prose.join("\n");
    let is_enum = ty == "Enum";
    let ty = match ty {
        "String" | "Enum" => Ty::String(None),
        "UUID" => Ty::String(Some("uuid".into())),
        "Datetime" => Ty::String(Some("date-time".into())),
        "Integer" => Ty::Integer,
        "Float" => Ty::Number,
        "Boolean" => Ty::Boolean,
        "Array" => Ty::Array(Box::new(Ty::Object)),
        "none" => Ty::Null,
        _ => Ty::Object,
    };
    let mut schema = Schema { ty: Some(ty.clone()), ..Schema::default() };
    if let Some(c) = MAX_CHARS.captures(&text) {
        schema.max_length = (1..=3).find_map(|i| c.get(i)).and_then(|m| m.as_str().parse().ok());
    }
    if let Some(c) = MAXIMUM.captures(&text) {
        schema.maximum = c[1].parse().ok();
    }
    // Literal defaults only: "기본값은 min_count" names another field.
    if let Some(c) = DEFAULT.captures(&text) {
        let value = c[1].to_lowercase();
        if value.parse::<f64>().is_ok() || value == "true" || value == "false" {
            schema.default = Some(value);
        }
    }
    if is_enum {
        let mut values: Vec<String> = Vec::new();
        if is_status {
            values.extend(states.iter().cloned());
        }
        // "SOFT 또는 HARD": the values, "또는" being "or".
        for m in EITHER.find_iter(&text) {
            values.extend(m.as_str().split(" 또는 ").map(str::to_owned));
        }
        for line in prose.iter().skip(1) {
            if let Some(c) = VALUE_LINE.captures(line) {
                values.push(c[1].to_owned());
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        values.retain(|v| seen.insert(v.clone()));
        schema.enum_values = values;
    }
    schema
}
