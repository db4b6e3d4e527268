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

/// Deserializes a tagged union (`oneOf` with a discriminator): reads the whole value, then
/// `pick` chooses the variant by the value of the discriminator `tag` (the variant's own
/// struct still sees the tag property). Unknown tags go to the caller's fallback.
pub fn deserialize_tagged<'de, D, U>(
    d: D,
    tag: &'static str,
    pick: fn(Option<&str>, serde_json::Value) -> Result<U, serde_json::Error>,
) -> Result<U, D::Error>
where
    D: Deserializer<'de>,
{
    let value = serde_json::Value::deserialize(d)?;
    let found = value
        .get(tag)
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned);
    pick(found.as_deref(), value).map_err(de::Error::custom)
}

/// Deserializes a variant of a tagged union from the whole value.
pub fn variant<T: de::DeserializeOwned>(value: serde_json::Value) -> Result<T, serde_json::Error> {
    serde_json::from_value(value)
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
