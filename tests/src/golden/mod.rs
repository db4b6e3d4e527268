//! Generated code of the generator's golden fixtures (generator/tests/golden), compiled
//! here so that golden output that does not build fails the suite.

pub mod components_kept;
pub mod composition;
pub mod enums;
pub mod error_bodies;
pub mod files_and_styles;
pub mod inline_naming;
pub mod names;
pub mod nullability;
pub mod openapi31;
pub mod operation_ids;
pub mod pagination;
pub mod refs_as_data;
pub mod requests;
pub mod third_party;
pub mod wire_shapes;
