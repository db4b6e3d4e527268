//! Serde helpers used by generated types.
#![warn(missing_docs)]

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, Visitor};

/// For fields that are required and nullable: the field must be present (a missing field is an
/// error), `null` is `None`. Use as `#[serde(deserialize_with = "required_nullable")]` on an
/// `Option<T>` field without `#[serde(default)]`.
pub fn required_nullable<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(d)
}

/// Deserializes an open enum (see `__open_enum!`) from a string, borrowing when it can.
pub fn deserialize_open_enum<'de, D, E>(d: D) -> Result<E, D::Error>
where
    D: Deserializer<'de>,
    E: for<'a> From<&'a str> + From<String>,
{
    struct V<E>(PhantomData<fn() -> E>);
    impl<'de, E> Visitor<'de> for V<E>
    where
        E: for<'a> From<&'a str> + From<String>,
    {
        type Value = E;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<Er: de::Error>(self, v: &str) -> Result<E, Er> {
            Ok(E::from(v))
        }
        fn visit_string<Er: de::Error>(self, v: String) -> Result<E, Er> {
            Ok(E::from(v))
        }
    }
    d.deserialize_str(V(PhantomData))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    struct S {
        #[serde(deserialize_with = "required_nullable")]
        #[allow(dead_code)]
        a: Option<u32>,
    }

    #[test]
    fn required_nullable_requires_presence() {
        assert!(serde_json::from_str::<S>(r#"{"a":null}"#).is_ok_and(|s| s.a.is_none()));
        assert!(serde_json::from_str::<S>(r#"{"a":1}"#).is_ok_and(|s| s.a == Some(1)));
        let e = serde_json::from_str::<S>("{}").err().map(|e| e.to_string());
        assert!(e.is_some_and(|e| e.contains("missing field `a`")));
    }
}
