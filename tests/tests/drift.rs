//! The checked-in `generated/` equals what the generator makes from `specs/` now,
//! and generation is deterministic.

use sdk_tests::root;

fn generate() -> Vec<codegen::GeneratedCrate> {
    let generated = root().join("generated");
    codegen::generate_all(&root().join("specs"), |name| {
        let manifest = std::fs::read_to_string(generated.join(name).join("Cargo.toml")).unwrap_or_default();
        manifest
            .lines()
            .find_map(|l| l.strip_prefix("version = \""))
            .map(|v| v.trim_end_matches('"').to_owned())
            .unwrap_or_else(|| "0.1.0".into())
    })
    .unwrap_or_else(|errors| panic!("specs fail to generate: {errors:#?}"))
}

#[test]
fn generated_crates_are_up_to_date() {
    let mut stale = Vec::new();
    for c in generate() {
        for (file, text) in &c.files {
            let path = root().join("generated").join(&c.name).join(file);
            if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
                stale.push(path.display().to_string());
            }
        }
    }
    assert!(stale.is_empty(), "stale generated files (run `cargo xtask regen`):\n{}", stale.join("\n"));
}

#[test]
fn generation_is_deterministic() {
    assert_eq!(generate(), generate());
}

#[test]
fn every_spec_makes_a_crate() {
    let names: Vec<String> = generate().into_iter().map(|c| c.name).collect();
    assert_eq!(
        names,
        [
            "kakaocloud-redis", "nhncloud-compute", "scp-cachestore", "scp-data-flow", "scp-data-ops", "scp-epas",
            "scp-event-streams", "scp-quick-query", "scp-search-engine", "scp-vertica",
        ]
    );
}
