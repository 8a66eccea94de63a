//! Golden tests: each fixture spec under `tests/golden/` generates a crate whose
//! files must equal the checked-in `tests/golden/expected/<fixture>/`. Those
//! expected crates are workspace members, so they are also compiled, linted and
//! documented with the rest of the workspace: a golden file that does not build
//! fails CI.
//!
//! After an intended generator change: `EXPECTORATE=overwrite cargo test -p sdk-tests --test golden`.

use std::path::PathBuf;

use codegen::CrateSpec;
use sdk_tests::root;

fn fixture(name: &str) -> CrateSpec {
    let path = root().join(format!("tests/golden/{name}.yaml"));
    CrateSpec::from_files(&format!("golden-{name}"), &[(path, format!("tests/golden/{name}.yaml"))])
}

fn check(name: &str) {
    let name = name.trim_start_matches("r#");
    let generated = codegen::generate_crate(&fixture(name), "0.0.0")
        .unwrap_or_else(|errors| panic!("fixture {name} fails: {errors:?}"));
    let dir = root().join("tests/golden/expected").join(name);
    for (file, text) in &generated.files {
        let path = dir.join(file);
        if std::env::var_os("EXPECTORATE").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        }
        expectorate::assert_contents(path, text);
    }
    let mut stack = vec![dir.clone()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel: PathBuf = path.strip_prefix(&dir).unwrap().to_path_buf();
                assert!(generated.files.contains_key(&rel), "{} is no longer generated", path.display());
            }
        }
    }
}

/// One test per fixture, so a failure names the construct.
macro_rules! golden {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                check(stringify!($name));
            }
        )*
    };
}

golden!(
    // one construct each
    r#ref,
    inline_objects,
    merge,
    examples,
    arrays,
    maps,
    enums,
    nullable,
    required_defaults,
    formats,
    names,
    one_of_body,
    parameters,
    no_response_body,
    response_headers,
    deprecated,
    bearer,
    basic,
    oauth2,
    security,
    apikey,
    apikey_query,
    waiters,
    media,
    styles,
    shared_choice,
    // construct families together, also used by tests/generated_behaviour.rs
    types,
    operations,
);

#[test]
fn every_fixture_has_a_test() {
    let mut fixtures: Vec<String> = std::fs::read_dir(root().join("tests/golden"))
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.strip_suffix(".yaml").map(str::to_owned))
        .collect();
    fixtures.sort();
    let tested = [
        "apikey",
        "apikey_query",
        "arrays",
        "basic",
        "bearer",
        "deprecated",
        "enums",
        "examples",
        "formats",
        "inline_objects",
        "maps",
        "media",
        "merge",
        "names",
        "no_response_body",
        "nullable",
        "oauth2",
        "one_of_body",
        "operations",
        "parameters",
        "ref",
        "required_defaults",
        "response_headers",
        "security",
        "shared_choice",
        "styles",
        "types",
        "waiters",
    ];
    assert_eq!(fixtures, tested);
}
