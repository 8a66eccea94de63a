//! Benchmarks only: see `benches/requests.rs`.
