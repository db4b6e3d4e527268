//! Integration tests of the generator, one test binary for the crate: import, merge and
//! validate, golden outputs, drift checks, API impact, lint and robustness. Each module covers
//! one area.

mod support;

mod check;
mod features;
mod golden;
mod impact;
mod import;
mod lint;
mod lock;
mod openapi_rules;
mod release;
mod robustness;
mod semver;
mod spec;
mod surface;
