//! Wire-level tests of alli-api, one test binary for the whole crate (one link in CI): the
//! client against a real local HTTP server (`alli_api_tests::TestServer`) and against Prism,
//! and the compiled golden outputs of the generator. Each module covers one area.

mod support;

mod contract;
mod deadlines;
mod downloads;
mod encoding;
mod examples;
mod golden_behaviour;
mod golden_files;
mod golden_wire;
mod headers;
mod macros;
mod mock;
mod operations;
mod pagination;
mod param_styles;
mod redaction;
mod responses;
mod retries;
mod schemathesis;
mod streaming;
mod timeouts;
mod tracing_spans;
mod types_roundtrip;
mod uploads;
