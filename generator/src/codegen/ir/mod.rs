//! The intermediate representation: what the merged document says, in Rust type shapes.
//!
//! [`types`] maps schemas to type shapes ([`types::TypeRef`], [`types::TypeSpace`]); [`ops`]
//! lists the operations with their parameters, bodies and answers. The IR holds no Rust names
//! (`codegen::naming` gives them) and takes no representation decisions (`codegen::model`
//! does): it is the document, read.

pub mod ops;
pub mod types;

pub use ops::{Ir, build};

use types::{DefKind, Field, TypeId, TypeRef, TypeSpace};

/// The type behind aliases.
pub fn resolved(space: &TypeSpace, ty: &TypeRef) -> TypeRef {
    let mut ty = ty.clone();
    // Alias chains are finite: alias cycles were broken when the registry was built.
    for _ in 0..=space.len() {
        match &ty {
            TypeRef::Named(id) => match &space.get(*id).kind {
                DefKind::Alias(inner) => ty = inner.clone(),
                _ => return ty,
            },
            _ => return ty,
        }
    }
    ty
}

/// The struct behind `ty` (through aliases).
pub fn struct_of(space: &TypeSpace, ty: &TypeRef) -> Option<TypeId> {
    match resolved(space, ty) {
        TypeRef::Named(id) => match &space.get(id).kind {
            DefKind::Struct { .. } => Some(id),
            _ => None,
        },
        _ => None,
    }
}

/// The field of the struct behind `ty` with this wire name.
pub fn struct_field<'a>(space: &'a TypeSpace, ty: &TypeRef, wire: &str) -> Option<&'a Field> {
    let id = struct_of(space, ty)?;
    match &space.get(id).kind {
        DefKind::Struct { fields, .. } => fields.iter().find(|f| f.wire == wire),
        _ => None,
    }
}
