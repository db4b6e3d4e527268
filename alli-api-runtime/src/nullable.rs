//! [`Nullable`]: a request field that can be left out, sent as `null`, or sent with a value.
#![warn(missing_docs)]

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A field with three states, for request bodies where "leave unchanged" (field absent) and
/// "clear" (field `null`) differ, as in partial updates.
///
/// | state | JSON |
/// |---|---|
/// | `Absent` (the default) | field not sent |
/// | `Null` | `"field": null` |
/// | `Value(v)` | `"field": v` |
///
/// Fields of this type are declared
/// `#[serde(default, skip_serializing_if = "Nullable::is_absent")]`, which is what makes
/// `Absent` disappear from the JSON. (Serialized on its own, `Absent` is written as `null`.)
/// When deserializing, a missing field is `Absent`, `null` is `Null`.
///
/// ```
/// use alli_api::Nullable;
///
/// #[derive(serde::Serialize, serde::Deserialize)]
/// struct Update {
///     #[serde(default, skip_serializing_if = "Nullable::is_absent")]
///     description: Nullable<String>,
/// }
///
/// let keep = Update { description: Nullable::Absent };
/// let clear = Update { description: Nullable::Null };
/// let set = Update { description: "new".to_owned().into() };
/// assert_eq!(serde_json::to_string(&keep).unwrap(), "{}");
/// assert_eq!(serde_json::to_string(&clear).unwrap(), r#"{"description":null}"#);
/// assert_eq!(serde_json::to_string(&set).unwrap(), r#"{"description":"new"}"#);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Nullable<T> {
    /// Not sent at all.
    #[default]
    Absent,
    /// Sent as JSON `null`.
    Null,
    /// Sent with this value.
    Value(T),
}

impl<T> Nullable<T> {
    /// True for `Absent` (for `skip_serializing_if`).
    pub fn is_absent(&self) -> bool {
        matches!(self, Nullable::Absent)
    }

    /// True for `Null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Nullable::Null)
    }

    /// True for `Value(_)`.
    pub fn is_value(&self) -> bool {
        matches!(self, Nullable::Value(_))
    }

    /// The value, if there is one.
    pub fn value(&self) -> Option<&T> {
        match self {
            Nullable::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The value, if there is one (consumes `self`).
    pub fn into_value(self) -> Option<T> {
        match self {
            Nullable::Value(v) => Some(v),
            _ => None,
        }
    }

    /// `Nullable<&T>` borrowing the value.
    pub fn as_ref(&self) -> Nullable<&T> {
        match self {
            Nullable::Absent => Nullable::Absent,
            Nullable::Null => Nullable::Null,
            Nullable::Value(v) => Nullable::Value(v),
        }
    }

    /// Maps the value, keeping `Absent` and `Null`.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Nullable<U> {
        match self {
            Nullable::Absent => Nullable::Absent,
            Nullable::Null => Nullable::Null,
            Nullable::Value(v) => Nullable::Value(f(v)),
        }
    }

    /// `None` when absent, `Some(None)` when null, `Some(Some(v))` with a value.
    pub fn into_option(self) -> Option<Option<T>> {
        match self {
            Nullable::Absent => None,
            Nullable::Null => Some(None),
            Nullable::Value(v) => Some(Some(v)),
        }
    }
}

impl<T> From<T> for Nullable<T> {
    /// `Value(v)`.
    fn from(v: T) -> Self {
        Nullable::Value(v)
    }
}

impl<T> From<Option<T>> for Nullable<T> {
    /// `Some(v)` → `Value(v)`, `None` → `Null` (an explicit "no value").
    fn from(v: Option<T>) -> Self {
        match v {
            Some(v) => Nullable::Value(v),
            None => Nullable::Null,
        }
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Value(v) => s.serialize_some(v),
            Nullable::Absent | Nullable::Null => s.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(d).map(Nullable::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct S {
        #[serde(default, skip_serializing_if = "Nullable::is_absent")]
        a: Nullable<u32>,
    }

    #[test]
    fn three_states_round_trip() {
        for (s, json) in [
            (
                S {
                    a: Nullable::Absent,
                },
                "{}",
            ),
            (S { a: Nullable::Null }, r#"{"a":null}"#),
            (
                S {
                    a: Nullable::Value(3),
                },
                r#"{"a":3}"#,
            ),
        ] {
            assert_eq!(serde_json::to_string(&s).ok().as_deref(), Some(json));
            assert_eq!(serde_json::from_str::<S>(json).ok(), Some(s));
        }
        assert_eq!(Nullable::<u8>::from(None), Nullable::Null);
        assert_eq!(
            Nullable::Value(2).map(|v| v * 2).into_option(),
            Some(Some(4))
        );
        assert_eq!(Nullable::<u8>::default(), Nullable::Absent);
    }
}
