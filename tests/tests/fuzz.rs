//! Property test: the loader and the IR never panic, whatever the input.
//!
//! The corpus is every spec under `specs/` and every golden fixture; each case
//! mutates one of them (deletes, duplicates or swaps lines, replaces bytes,
//! truncates, splices two files) and runs `load::parse` + `lower`, and
//! `emit` on whatever lowering accepts. Load and lower errors are fine; a panic,
//! or an accepted spec that cannot be rendered, fails with the shrunk input.
//!
//! CI runs 64 cases. For a longer run:
//! `PROPTEST_CASES=20000 cargo test --release -p sdk-tests --test fuzz`.

use std::path::Path;

use proptest::prelude::*;

fn corpus() -> Vec<String> {
    let root = sdk_tests::root();
    let mut files = Vec::new();
    let mut stack = vec![root.join("specs"), root.join("tests/golden")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() && !path.ends_with("expected") {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml") {
                files.push(std::fs::read_to_string(path).unwrap());
            }
        }
    }
    files.sort();
    files
}

#[derive(Debug, Clone)]
enum Mutation {
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    ReplaceByte(usize, u8),
    Truncate(usize),
    Splice(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::DeleteLine),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(a, b)| Mutation::ReplaceByte(a, b)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Splice(a, b)),
    ]
}

fn apply(corpus: &[String], base: usize, mutations: &[Mutation]) -> Vec<u8> {
    let mut lines: Vec<String> = corpus[base % corpus.len()].lines().map(str::to_owned).collect();
    let mut bytes = None;
    for m in mutations {
        let n = lines.len().max(1);
        match *m {
            Mutation::DeleteLine(i) if !lines.is_empty() => {
                lines.remove(i % n);
            }
            Mutation::DuplicateLine(i) if !lines.is_empty() => {
                let line = lines[i % n].clone();
                lines.insert(i % n, line);
            }
            Mutation::SwapLines(a, b) if !lines.is_empty() => lines.swap(a % n, b % n),
            Mutation::Splice(other, at) => {
                let donor: Vec<&str> = corpus[other % corpus.len()].lines().collect();
                let cut = at % donor.len().max(1);
                lines.truncate(at % n);
                lines.extend(donor[cut..].iter().map(|l| (*l).to_owned()));
            }
            Mutation::ReplaceByte(at, byte) => {
                let mut raw = lines.join("\n").into_bytes();
                if !raw.is_empty() {
                    let i = at % raw.len();
                    raw[i] = byte;
                }
                bytes = Some(raw);
            }
            Mutation::Truncate(at) => {
                let mut raw = lines.join("\n").into_bytes();
                raw.truncate(at % (raw.len() + 1));
                bytes = Some(raw);
            }
            _ => {}
        }
        if let Some(raw) = bytes.take() {
            lines = String::from_utf8_lossy(&raw).lines().map(str::to_owned).collect();
            if std::str::from_utf8(&raw).is_err() {
                return raw;
            }
        }
    }
    lines.join("\n").into_bytes()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn loader_and_ir_never_panic(base in any::<usize>(), mutations in prop::collection::vec(mutation(), 1..6)) {
        let corpus = corpus();
        let input = apply(&corpus, base, &mutations);
        if let Ok(doc) = codegen::load::parse("mutated.yaml", &input) {
            if let Ok(service) = codegen::lower::lower("mutated.yaml", &doc) {
                // What lowering accepts, emit must render (an error here is a generator bug too).
                let spec = codegen::CrateSpec::from_files("fuzz", &[(Path::new("mutated.yaml").to_path_buf(), "mutated.yaml".to_owned())]);
                let rendered = codegen::emit::emit_crate(&spec, &[service], "0.0.0");
                prop_assert!(rendered.is_ok(), "lowered but not emitted: {:?}", rendered.err());
            }
        }
    }
}
