//! `cargo xtask diff`: each kind of change is classified as the rules in
//! `codegen::diff` state, and the real data-flow 1.0 → 1.1 pair reads sensibly.
use codegen::diff::{bump, diff, impact, Change, Impact};

/// A small spec; each test edits one thing of it.
const BASE: &str = r#"openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /clusters:
    get:
      operationId: list_clusters
      parameters:
        - {name: size, in: query, schema: {type: integer, minimum: 1, maximum: 100}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Cluster'}
    post:
      operationId: create_cluster
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Cluster'}
      responses:
        '202': {description: accepted}
components:
  schemas:
    Cluster:
      type: object
      required: [name]
      properties:
        name: {type: string, maxLength: 20}
        size: {type: integer}
        state: {$ref: '#/components/schemas/State'}
    State:
      type: string
      enum: [RUNNING, STOPPED]
"#;

fn lower(text: &str) -> codegen::ir::Service {
    let doc = codegen::load::parse("t.yaml", text.as_bytes()).unwrap();
    codegen::lower::lower("t.yaml", &doc).unwrap()
}

fn changes(from: &str, to: &str) -> Vec<Change> {
    let edited = BASE.replacen(from, to, 1);
    assert_ne!(edited, BASE, "the edit `{from}` applies");
    diff(&lower(BASE), &lower(&edited))
}

/// The single change an edit makes, and whether it is breaking.
fn only(from: &str, to: &str) -> (String, String, bool) {
    let c = changes(from, to);
    assert_eq!(c.len(), 1, "{c:#?}");
    (c[0].location.clone(), c[0].description.clone(), c[0].breaking)
}

#[test]
fn identical_specs_differ_in_nothing_even_reformatted() {
    let reordered = BASE.replace("minimum: 1, maximum: 100", "maximum: 100, minimum: 1");
    assert!(diff(&lower(BASE), &lower(&reordered)).is_empty());
}

#[test]
fn operation_added_is_additive_and_removed_is_breaking() {
    let added = BASE.replace(
        "components:\n",
        "  /ping:\n    get:\n      operationId: ping\n      responses: {'200': {description: ok}}\ncomponents:\n",
    );
    let c = diff(&lower(BASE), &lower(&added));
    assert_eq!(
        c,
        vec![Change { location: "operation ping".into(), description: "added (GET /ping)".into(), breaking: false }]
    );
    let c = diff(&lower(&added), &lower(BASE));
    assert!(c[0].breaking && c[0].description == "removed");
}

#[test]
fn optional_parameter_added_is_additive_required_is_breaking() {
    let optional = "        - {name: size, in: query, schema: {type: integer, minimum: 1, maximum: 100}}\n        - {name: name, in: query, schema: {type: string}}";
    assert!(!only("        - {name: size, in: query, schema: {type: integer, minimum: 1, maximum: 100}}", optional).2);
    let required = "        - {name: size, in: query, schema: {type: integer, minimum: 1, maximum: 100}}\n        - {name: name, in: query, required: true, schema: {type: string}}";
    assert!(only("        - {name: size, in: query, schema: {type: integer, minimum: 1, maximum: 100}}", required).2);
}

#[test]
fn parameter_made_required_or_retyped_is_breaking() {
    let (at, what, breaking) = only("{name: size, in: query, schema", "{name: size, in: query, required: true, schema");
    assert_eq!(
        (at.as_str(), what.as_str(), breaking),
        ("operation list_clusters › parameter size", "made required", true)
    );
    let c = changes("{type: integer, minimum: 1, maximum: 100}", "{type: string}");
    assert!(c.iter().any(|c| c.description.starts_with("type changed") && c.breaking), "{c:#?}");
}

#[test]
fn parameter_moved_to_a_header_is_breaking() {
    let (_, what, breaking) = only("{name: size, in: query,", "{name: size, in: header,");
    assert_eq!((what.as_str(), breaking), ("moved from Query to Header", true));
}

#[test]
fn field_added_optional_is_additive_required_is_breaking() {
    let (at, _, breaking) =
        only("        size: {type: integer}\n", "        size: {type: integer}\n        zone: {type: string}\n");
    assert_eq!((at.as_str(), breaking), ("type Cluster.zone", false));
    let c = changes("      required: [name]\n      properties:\n        name: {type: string, maxLength: 20}\n", "      required: [name, zone]\n      properties:\n        name: {type: string, maxLength: 20}\n        zone: {type: string}\n");
    assert!(c.iter().any(|c| c.location == "type Cluster.zone" && c.breaking), "{c:#?}");
}

#[test]
fn field_removed_or_made_required_or_nullable_is_breaking() {
    assert!(only("        size: {type: integer}\n", "").2);
    assert!(only("required: [name]", "required: [name, size]").2);
    let (_, what, breaking) =
        only("name: {type: string, maxLength: 20}", "name: {type: string, maxLength: 20, nullable: true}");
    assert_eq!((what.as_str(), breaking), ("made nullable", true));
    let (_, _, breaking) = only("size: {type: integer}", "size: {type: integer, nullable: true}");
    assert!(!breaking, "an optional field is an Option already");
}

#[test]
fn field_type_and_format_changes_are_breaking() {
    assert!(only("size: {type: integer}", "size: {type: string}").2);
    assert!(only("size: {type: integer}", "size: {type: integer, format: int32}").2);
}

#[test]
fn enum_value_added_is_additive_removed_is_breaking() {
    let (_, what, breaking) = only("enum: [RUNNING, STOPPED]", "enum: [RUNNING, STOPPED, FAILED]");
    assert_eq!((what.as_str(), breaking), ("enum value `FAILED` added", false));
    assert!(only("enum: [RUNNING, STOPPED]", "enum: [RUNNING]").2);
}

#[test]
fn a_documented_unknown_value_renames_the_fallback_variant_and_that_breaks() {
    let c = changes("enum: [RUNNING, STOPPED]", "enum: [RUNNING, STOPPED, UNKNOWN]");
    let described: Vec<(&str, bool)> = c.iter().map(|c| (c.description.as_str(), c.breaking)).collect();
    assert_eq!(
        described,
        [("renamed in Rust from `Unknown` to `Undocumented`", true), ("enum value `UNKNOWN` added", false)],
        "{c:#?}"
    );
}

#[test]
fn constraints_tightened_are_breaking_loosened_are_not() {
    assert!(only("maxLength: 20", "maxLength: 10").2);
    assert!(!only("maxLength: 20", "maxLength: 30").2);
    assert!(only("minimum: 1, maximum: 100", "minimum: 5, maximum: 100").2);
    assert!(!only("minimum: 1, maximum: 100", "minimum: 1, maximum: 500").2);
    assert!(only("name: {type: string, maxLength: 20}", "name: {type: string, maxLength: 20, pattern: '^[a-z]+$'}").2);
}

#[test]
fn response_type_change_is_breaking_and_deprecation_is_not() {
    assert!(only("        '202': {description: accepted}", "        '202':\n          description: accepted\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Cluster'}").2);
    let (_, what, breaking) =
        only("      operationId: create_cluster\n", "      operationId: create_cluster\n      deprecated: true\n");
    assert_eq!((what.as_str(), breaking), ("deprecated", false));
}

#[test]
fn versions_bump_by_semver() {
    assert_eq!(bump("0.1.0", Impact::Major), "0.2.0");
    assert_eq!(bump("0.1.3", Impact::Minor), "0.1.4");
    assert_eq!(bump("1.4.2", Impact::Major), "2.0.0");
    assert_eq!(bump("1.4.2", Impact::Minor), "1.5.0");
    assert_eq!(bump("1.4.2", Impact::Patch), "1.4.3");
    assert_eq!(bump("1.4.2", Impact::None), "1.4.2");
    let c = changes("enum: [RUNNING, STOPPED]", "enum: [RUNNING, STOPPED, FAILED]");
    assert_eq!(impact(&c), Impact::Minor);
    assert_eq!(impact(&changes("enum: [RUNNING, STOPPED]", "enum: [RUNNING]")), Impact::Major);
}

#[test]
fn data_flow_1_0_to_1_1_reads_sensibly() {
    let root = sdk_tests::root();
    let report = xtask::diff::between_files(
        &root.join("specs/scp/data-flow/1.0.yaml"),
        &root.join("specs/scp/data-flow/1.1.yaml"),
    )
    .unwrap();
    let c = &report.changes;
    // 1.1 answers with the …V1Dot1 models, which add a required account_id.
    assert!(c.iter().any(|c| c.location == "type DataFlowDetailResponseV1Dot1" && c.description == "added"), "{c:#?}");
    assert!(c.iter().any(|c| c.location == "type DataFlowDetailResponse" && c.description == "removed" && c.breaking));
    assert!(c
        .iter()
        .any(|c| c.location == "operation show_data_flow" && c.description.starts_with("success response changed")));
    assert!(
        !c.iter().any(|c| c.location.starts_with("operation") && c.description == "removed"),
        "no operation disappears"
    );
    assert_eq!(report.impact, Impact::Major);
    let text = xtask::diff::markdown(&[report]);
    assert!(text.contains("breaking") && text.contains("| `operation show_data_flow` |"), "{text}");
}

#[test]
fn client_level_and_generated_method_changes_are_reported() {
    let with_server = BASE.replace(
        "paths:\n",
        "servers:\n  - url: https://{r}.example.com\n    variables:\n      r: {default: a, enum: [a, b]}\npaths:\n",
    );
    let fewer = with_server.replace("enum: [a, b]", "enum: [a]");
    let c = diff(&lower(&with_server), &lower(&fewer));
    assert_eq!(
        c,
        vec![Change {
            location: "endpoint variable r".into(),
            description: "value `b` removed".into(),
            breaking: true
        }]
    );
    let closed = BASE.replace(
        "      required: [name]\n      properties:",
        "      required: [name]\n      additionalProperties: false\n      properties:",
    );
    let c = diff(&lower(BASE), &lower(&closed));
    assert!(
        c.iter().any(|c| c.location == "type Cluster" && c.description.contains("refuses unknown") && c.breaking),
        "{c:#?}"
    );
}

#[test]
fn success_changes_are_judged_by_what_the_caller_gets_back() {
    // Another 2xx with the same body: the caller still gets a `Cluster`.
    assert!(changes("        '200':\n          description: ok\n", "        '201':\n          description: created\n")
        .is_empty());
    // A second status with another body: the call now returns an enum by status.
    let by_status = "        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Cluster'}\n        '206':\n          description: partial\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/State'}\n";
    let (at, what, breaking) = only("        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Cluster'}\n", by_status);
    assert_eq!(at, "operation list_clusters");
    assert!(what.starts_with("success response changed from Cluster to [200: Cluster, 206: State]"), "{what}");
    assert!(breaking);
    // Once by status, a response's description is documentation only.
    let base = BASE.replacen("        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Cluster'}\n", by_status, 1);
    let edited = base.replacen("description: partial", "description: partly", 1);
    assert!(diff(&lower(&base), &lower(&edited)).is_empty());
}
