//! The checked-in `generated/` equals what the generator makes from `specs/` now,
//! and generation is deterministic.

use sdk_tests::root;

/// The same check as `cargo xtask check`: every generated file, no stray file,
/// and the workspace members in step.
#[test]
fn generated_crates_are_up_to_date() {
    if let Err(stale) = xtask::regen::check(&root()) {
        panic!("{stale}");
    }
}

fn generate() -> Vec<codegen::GeneratedCrate> {
    codegen::generate_all(&root().join("specs"), |_| "0.1.0".into())
        .unwrap_or_else(|errors| panic!("specs fail to generate: {errors:#?}"))
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
            "kakaocloud-redis",
            "nhncloud-compute",
            "scp-cachestore",
            "scp-data-flow",
            "scp-data-ops",
            "scp-epas",
            "scp-event-streams",
            "scp-quick-query",
            "scp-search-engine",
            "scp-vertica",
        ]
    );
}
