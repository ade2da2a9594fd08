//! Benchmarks for rampart; run them from `bench/README.md`, never as tests.

pub mod apiserver;
