//! Support code of the benchmarks (`benches/benches/*.rs`); see `BENCHMARKS.md` at the root.
//!
//! The machine the benchmarks run on is shared and small (2 cores), so absolute times drift
//! from one minute to the next. Every figure the benches report as a result is therefore a
//! ratio of two things measured side by side in the same run, interleaved (A, B, A, B, ...),
//! with the median of the per-round ratios; absolute times are printed for orientation only.
//!
//! - [`paths`]: where the workspace, the target dir and the benches' scratch dirs are.
//! - [`measure`]: wall and CPU clocks, medians, interleaved A/B rounds, the result files.
//! - [`alloc`]: a counting global allocator (peak heap of a pipeline run).
//! - [`child`]: the bench binary re-run as a server or a measured client process.
//! - [`project`]: copies of the project for the generator and the compile bench.
//! - [`synth`]: synthetic docs pages with N endpoints.
//! - [`conversations`]: deterministic Alli response bodies and hand-written serde structs.
//! - [`oag`]: the `openapi-generator-cli` reference (PyPI package, bundled jar, Java).
//! - [`progenitor`]: the progenitor reference (OpenAPI 3.1 → 3.0 conversion, its generator).

pub mod alloc;
pub mod child;
pub mod conversations;
pub mod measure;
pub mod oag;
pub mod paths;
pub mod progenitor;
pub mod project;
pub mod synth;
