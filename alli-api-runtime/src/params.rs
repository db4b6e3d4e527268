//! Parameter values and OpenAPI parameter styles: one value model ([`Param`]) built from any
//! `Serialize` type through [`ParamValue`], rendered per `style` / `explode` for paths, queries,
//! headers, cookies and form fields.
//!
//! The rendering follows the style table of OpenAPI 3.1 (and RFC 6570, which the table
//! illustrates); with the corrected `label, explode: false` row of OpenAPI 3.1.1 (`.blue,black,brown`,
//! as RFC 6570 `{.list}` expands), where the 3.1.0 text printed `.blue.black.brown`.
#![warn(missing_docs)]

use std::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use serde::ser::{self, Impossible};

/// Everything but the RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`) is encoded, in
/// path segments and in query names and values alike: `/`, `?`, `#`, `%`, `&`, `=`, `+` and
/// spaces can never change the structure of the URL.
pub(crate) const ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// [`ENCODE`] without the RFC 3986 reserved characters (`:/?#[]@!$&'()*+,;=`): the values of
/// query parameters declared `allowReserved: true`.
const ENCODE_ALLOW_RESERVED: &AsciiSet = &ENCODE
    .remove(b':')
    .remove(b'/')
    .remove(b'?')
    .remove(b'#')
    .remove(b'[')
    .remove(b']')
    .remove(b'@')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=');

/// Percent-encodes `s` with [`ENCODE`] into `out`.
pub(crate) fn encode_into(out: &mut String, s: &str) {
    out.extend(utf8_percent_encode(s, ENCODE));
}

/// A parameter value, in the shape the OpenAPI styles distinguish. Built by [`ParamValue`].
#[doc(hidden)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Param {
    /// `None`, JSON `null`, `()`: nothing is sent.
    Absent,
    /// A string, number, boolean or enum value, as text.
    Primitive(String),
    /// An array: each item as text (an item that is itself an array or object as compact
    /// JSON; `null` items left out).
    List(Vec<String>),
    /// An object (a struct, a map): `(property, value)` pairs in order, values as for lists;
    /// `null` properties left out.
    Object(Vec<(String, String)>),
}

/// A value usable as a path, query, header or cookie parameter, or as a form field: every
/// `Serialize` type — strings, every integer and float width, `bool`, open enums, `Vec<T>`,
/// slices, `BTreeMap<String, T>` (any map with string or number keys), `serde_json::Value`
/// and `Map`, generated structs, and `Option<T>` of any of them (`None` sends nothing).
///
/// Numbers are written as Rust prints them (`1.5`, `42`, `1` for `1.0f64`), strings as they are
/// (never JSON-quoted). Items of arrays and property values that are themselves arrays or objects
/// are sent as compact JSON (OpenAPI leaves nested values undefined).
pub trait ParamValue: Serialize {
    /// The value in the shape the styles distinguish; an error names what could not be
    /// represented (e.g. a map key that is not a string or number).
    #[doc(hidden)]
    fn __to_param(&self) -> Result<Param, ParamError> {
        self.serialize(TopSerializer)
    }
}

impl<T: Serialize + ?Sized> ParamValue for T {}

/// A parameter style (OpenAPI `style`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Style {
    /// `simple` (paths, headers): `blue,black,brown`.
    Simple,
    /// `label` (paths): `.blue`.
    Label,
    /// `matrix` (paths): `;color=blue`.
    Matrix,
    /// `form` (queries, cookies, form fields): `color=blue`.
    Form,
    /// `spaceDelimited` (queries): `color=blue%20black%20brown`.
    SpaceDelimited,
    /// `pipeDelimited` (queries): `color=blue%7Cblack%7Cbrown`.
    PipeDelimited,
    /// `deepObject` (queries): `color%5BR%5D=100&color%5BG%5D=200`.
    DeepObject,
}

impl Style {
    fn name(self) -> &'static str {
        match self {
            Style::Simple => "simple",
            Style::Label => "label",
            Style::Matrix => "matrix",
            Style::Form => "form",
            Style::SpaceDelimited => "spaceDelimited",
            Style::PipeDelimited => "pipeDelimited",
            Style::DeepObject => "deepObject",
        }
    }
}

/// How one parameter is serialized: its `style`, `explode` and (queries only) `allowReserved`.
/// Generated code spells it `ParamStyle::new(Style::Form, true)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ParamStyle {
    pub(crate) style: Style,
    pub(crate) explode: bool,
    pub(crate) allow_reserved: bool,
}

impl ParamStyle {
    /// `style` with `explode`.
    pub const fn new(style: Style, explode: bool) -> Self {
        ParamStyle {
            style,
            explode,
            allow_reserved: false,
        }
    }

    /// Query values keep RFC 3986 reserved characters (`:/?#[]@!$&'()*+,;=`) unencoded
    /// (OpenAPI `allowReserved: true`).
    pub const fn allow_reserved(mut self) -> Self {
        self.allow_reserved = true;
        self
    }

    /// The OpenAPI default of a query or cookie parameter: `form`, exploded.
    pub const FORM: ParamStyle = ParamStyle::new(Style::Form, true);
    /// The OpenAPI default of a path or header parameter: `simple`, not exploded.
    pub const SIMPLE: ParamStyle = ParamStyle::new(Style::Simple, false);
}

/// A value that cannot be sent as a parameter.
#[doc(hidden)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamError(pub(crate) String);

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ParamError {}

impl ser::Error for ParamError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        ParamError(msg.to_string())
    }
}

fn unsupported(what: &str) -> ParamError {
    ParamError(format!("{what} cannot be sent as a parameter"))
}

// ---------------------------------------------------------------------------------------------
// Rendering.

/// The name/value pairs of a `form`, `spaceDelimited`, `pipeDelimited` or `deepObject`
/// parameter (queries, cookies, form bodies), unencoded: the caller encodes names and values.
/// `Ok(None)` when the value sends nothing. A list joined by `,`, ` ` or `|` is returned as one
/// pair whose separators must stay literal (see [`FormPair`]).
pub fn form_pairs(
    name: &str,
    param: &Param,
    style: ParamStyle,
) -> Result<Vec<FormPair>, ParamError> {
    let sep = match style.style {
        Style::Form => ",",
        Style::SpaceDelimited => " ",
        Style::PipeDelimited => "|",
        Style::DeepObject => {
            return match param {
                Param::Absent => Ok(Vec::new()),
                Param::Object(pairs) => Ok(pairs
                    .iter()
                    .map(|(k, v)| FormPair::plain(format!("{name}[{k}]"), v.clone()))
                    .collect()),
                Param::Primitive(_) | Param::List(_) => Err(ParamError(format!(
                    "parameter `{name}` has style deepObject, which needs an object"
                ))),
            };
        }
        other => {
            return Err(ParamError(format!(
                "parameter `{name}`: style {} is for paths and headers, not queries, cookies \
                 or forms",
                other.name()
            )));
        }
    };
    Ok(match param {
        Param::Absent => Vec::new(),
        Param::Primitive(v) => vec![FormPair::plain(name.to_owned(), v.clone())],
        Param::List(items) if items.is_empty() => Vec::new(),
        Param::List(items) if style.explode => items
            .iter()
            .map(|v| FormPair::plain(name.to_owned(), v.clone()))
            .collect(),
        Param::List(items) => vec![FormPair::joined(name.to_owned(), items.clone(), sep)],
        Param::Object(pairs) if pairs.is_empty() => Vec::new(),
        Param::Object(pairs) if style.explode => pairs
            .iter()
            .map(|(k, v)| FormPair::plain(k.clone(), v.clone()))
            .collect(),
        Param::Object(pairs) => {
            let flat = pairs
                .iter()
                .flat_map(|(k, v)| [k.clone(), v.clone()])
                .collect();
            vec![FormPair::joined(name.to_owned(), flat, sep)]
        }
    })
}

/// A pair of a form-like parameter: a name and either one value or several values joined by a
/// separator that is not encoded (`,` `|`; a space is encoded as `%20` in URLs, `+` in
/// urlencoded bodies).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormPair {
    /// The name, unencoded.
    pub name: String,
    /// The values, unencoded.
    pub values: Vec<String>,
    /// The separator between values (`""` for one value).
    pub sep: &'static str,
}

impl FormPair {
    fn plain(name: String, value: String) -> Self {
        FormPair {
            name,
            values: vec![value],
            sep: "",
        }
    }

    fn joined(name: String, values: Vec<String>, sep: &'static str) -> Self {
        FormPair { name, values, sep }
    }

    /// The value with its separators, unencoded (multipart parts, tests).
    pub fn value(&self) -> String {
        self.values.join(self.sep)
    }

    /// `name=value` for a URL query: both percent-encoded, separators kept literal but for the
    /// space (`%20`) and `|` (`%7C`, which RFC 3986 does not allow in a query).
    pub(crate) fn write_query(&self, out: &mut String, allow_reserved: bool) {
        encode_into(out, &self.name);
        out.push('=');
        let set = if allow_reserved {
            ENCODE_ALLOW_RESERVED
        } else {
            ENCODE
        };
        let sep = match self.sep {
            " " => "%20",
            "|" => "%7C",
            other => other,
        };
        for (i, v) in self.values.iter().enumerate() {
            if i > 0 {
                out.push_str(sep);
            }
            out.extend(utf8_percent_encode(v, set));
        }
    }
}

/// The text of a `simple`, `label` or `matrix` parameter named `name`, with every value
/// percent-encoded by `encode` and the separators literal. `Ok(None)` when the value sends
/// nothing (`None`, `null`, an empty list or object).
pub fn path_text(
    name: &str,
    param: &Param,
    style: ParamStyle,
    encode: &dyn Fn(&str) -> String,
) -> Result<Option<String>, ParamError> {
    let explode = style.explode;
    // (prefix, separator between items, whether `name=` precedes values)
    let (prefix, item_sep, named) = match style.style {
        Style::Simple => ("", ",", false),
        Style::Label => (".", if explode { "." } else { "," }, false),
        Style::Matrix => (";", if explode { ";" } else { "," }, true),
        other => {
            return Err(ParamError(format!(
                "parameter `{name}`: style {} is for queries, not paths or headers",
                other.name()
            )));
        }
    };
    let name_enc = encode(name);
    let mut out = String::from(prefix);
    match param {
        Param::Absent => return Ok(None),
        Param::List(items) if items.is_empty() => return Ok(None),
        Param::Object(pairs) if pairs.is_empty() => return Ok(None),
        Param::Primitive(v) => {
            if named {
                out.push_str(&name_enc);
                // RFC 6570: `{;x}` with an empty x is `;x`.
                if !v.is_empty() {
                    out.push('=');
                }
            }
            out.push_str(&encode(v));
        }
        Param::List(items) => {
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(item_sep);
                }
                if named && (i == 0 || explode) {
                    out.push_str(&name_enc);
                    out.push('=');
                }
                out.push_str(&encode(v));
            }
        }
        Param::Object(pairs) => {
            if named && !explode {
                out.push_str(&name_enc);
                out.push('=');
            }
            for (i, (k, v)) in pairs.iter().enumerate() {
                if i > 0 {
                    out.push_str(item_sep);
                }
                out.push_str(&encode(k));
                out.push_str(if explode { "=" } else { "," });
                out.push_str(&encode(v));
            }
        }
    }
    Ok(Some(out))
}

/// Percent-encodes one path or query value.
pub(crate) fn encode_component(s: &str) -> String {
    utf8_percent_encode(s, ENCODE).to_string()
}

// ---------------------------------------------------------------------------------------------
// Serialize → Param.

/// Serializes the top-level value.
struct TopSerializer;

/// Serializes an item of an array or a property value: `Ok(None)` for null, `Err(NotScalar)`
/// for arrays and objects (the caller then writes them as JSON).
struct ScalarSerializer;

/// Serializes a map key.
struct KeySerializer;

const NOT_SCALAR: &str = "\u{0}not a scalar";

fn scalar_of<T: Serialize + ?Sized>(value: &T) -> Result<Option<String>, ParamError> {
    match value.serialize(ScalarSerializer) {
        Err(e) if e.0 == NOT_SCALAR => serde_json::to_string(value)
            .map(Some)
            .map_err(|e| ParamError(e.to_string())),
        other => other,
    }
}

macro_rules! display_methods {
    ($wrap:expr; $($method:ident: $t:ty),*) => {$(
        fn $method(self, v: $t) -> Result<Self::Ok, ParamError> {
            Ok($wrap(v.to_string()))
        }
    )*};
}

impl ser::Serializer for TopSerializer {
    type Ok = Param;
    type Error = ParamError;
    type SerializeSeq = ListCollector;
    type SerializeTuple = ListCollector;
    type SerializeTupleStruct = ListCollector;
    type SerializeTupleVariant = Impossible<Param, ParamError>;
    type SerializeMap = ObjectCollector;
    type SerializeStruct = ObjectCollector;
    type SerializeStructVariant = Impossible<Param, ParamError>;

    display_methods!(Param::Primitive;
        serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
        serialize_i64: i64, serialize_i128: i128, serialize_u8: u8, serialize_u16: u16,
        serialize_u32: u32, serialize_u64: u64, serialize_u128: u128, serialize_f32: f32,
        serialize_f64: f64, serialize_char: char, serialize_str: &str);

    fn serialize_bytes(self, _: &[u8]) -> Result<Param, ParamError> {
        Err(unsupported("raw bytes"))
    }
    fn serialize_none(self) -> Result<Param, ParamError> {
        Ok(Param::Absent)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Param, ParamError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Param, ParamError> {
        Ok(Param::Absent)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Param, ParamError> {
        Ok(Param::Absent)
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<Param, ParamError> {
        Ok(Param::Primitive(variant.to_owned()))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<Param, ParamError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Param, ParamError> {
        let v = scalar_of(value)?;
        Ok(Param::Object(
            v.map(|v| (variant.to_owned(), v)).into_iter().collect(),
        ))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<ListCollector, ParamError> {
        Ok(ListCollector(Vec::with_capacity(len.unwrap_or(0))))
    }
    fn serialize_tuple(self, len: usize) -> Result<ListCollector, ParamError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        len: usize,
    ) -> Result<ListCollector, ParamError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, ParamError> {
        Err(unsupported("a tuple enum variant"))
    }
    fn serialize_map(self, len: Option<usize>) -> Result<ObjectCollector, ParamError> {
        Ok(ObjectCollector {
            pairs: Vec::with_capacity(len.unwrap_or(0)),
            key: None,
        })
    }
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<ObjectCollector, ParamError> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, ParamError> {
        Err(unsupported("a struct enum variant"))
    }
}

/// The items of an array.
struct ListCollector(Vec<String>);

impl ListCollector {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ParamError> {
        if let Some(v) = scalar_of(value)? {
            self.0.push(v);
        }
        Ok(())
    }
}

/// `SerializeSeq`, `SerializeTuple` and `SerializeTupleStruct`: each item is pushed.
macro_rules! list_collector {
    ($($tr:ident :: $method:ident),*) => {$(
        impl ser::$tr for ListCollector {
            type Ok = Param;
            type Error = ParamError;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ParamError> {
                self.push(value)
            }
            fn end(self) -> Result<Param, ParamError> {
                Ok(Param::List(self.0))
            }
        }
    )*};
}

list_collector!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field
);

/// The properties of an object.
struct ObjectCollector {
    pairs: Vec<(String, String)>,
    key: Option<String>,
}

impl ObjectCollector {
    fn field<T: Serialize + ?Sized>(&mut self, key: String, value: &T) -> Result<(), ParamError> {
        if let Some(v) = scalar_of(value)? {
            self.pairs.push((key, v));
        }
        Ok(())
    }
}

impl ser::SerializeMap for ObjectCollector {
    type Ok = Param;
    type Error = ParamError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), ParamError> {
        self.key = Some(key.serialize(KeySerializer)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ParamError> {
        let key = self
            .key
            .take()
            .ok_or_else(|| ParamError("a map value without its key".to_owned()))?;
        self.field(key, value)
    }
    fn end(self) -> Result<Param, ParamError> {
        Ok(Param::Object(self.pairs))
    }
}

impl ser::SerializeStruct for ObjectCollector {
    type Ok = Param;
    type Error = ParamError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), ParamError> {
        self.field(key.to_owned(), value)
    }
    fn end(self) -> Result<Param, ParamError> {
        Ok(Param::Object(self.pairs))
    }
}

/// The methods of a serializer that accepts no compound value (and no enum variant with
/// data): each returns `$err()`.
macro_rules! reject_compound {
    ($err:ident) => {
        fn serialize_newtype_variant<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result<Self::Ok, ParamError> {
            Err($err())
        }
        fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, ParamError> {
            Err($err())
        }
        fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, ParamError> {
            Err($err())
        }
        fn serialize_tuple_struct(
            self,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleStruct, ParamError> {
            Err($err())
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleVariant, ParamError> {
            Err($err())
        }
        fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, ParamError> {
            Err($err())
        }
        fn serialize_struct(
            self,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStruct, ParamError> {
            Err($err())
        }
        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStructVariant, ParamError> {
            Err($err())
        }
    };
}

fn not_scalar() -> ParamError {
    ParamError(NOT_SCALAR.to_owned())
}

impl ser::Serializer for ScalarSerializer {
    type Ok = Option<String>;
    type Error = ParamError;
    type SerializeSeq = Impossible<Option<String>, ParamError>;
    type SerializeTuple = Impossible<Option<String>, ParamError>;
    type SerializeTupleStruct = Impossible<Option<String>, ParamError>;
    type SerializeTupleVariant = Impossible<Option<String>, ParamError>;
    type SerializeMap = Impossible<Option<String>, ParamError>;
    type SerializeStruct = Impossible<Option<String>, ParamError>;
    type SerializeStructVariant = Impossible<Option<String>, ParamError>;

    display_methods!(Some;
        serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
        serialize_i64: i64, serialize_i128: i128, serialize_u8: u8, serialize_u16: u16,
        serialize_u32: u32, serialize_u64: u64, serialize_u128: u128, serialize_f32: f32,
        serialize_f64: f64, serialize_char: char, serialize_str: &str);

    fn serialize_bytes(self, _: &[u8]) -> Result<Self::Ok, ParamError> {
        Err(unsupported("raw bytes"))
    }
    fn serialize_none(self) -> Result<Self::Ok, ParamError> {
        Ok(None)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Self::Ok, ParamError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Self::Ok, ParamError> {
        Ok(None)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Self::Ok, ParamError> {
        Ok(None)
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<Self::Ok, ParamError> {
        Ok(Some(variant.to_owned()))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<Self::Ok, ParamError> {
        value.serialize(self)
    }
    reject_compound!(not_scalar);
}

fn bad_key() -> ParamError {
    ParamError("a map key must be a string, number, boolean or enum value".to_owned())
}

impl ser::Serializer for KeySerializer {
    type Ok = String;
    type Error = ParamError;
    type SerializeSeq = Impossible<String, ParamError>;
    type SerializeTuple = Impossible<String, ParamError>;
    type SerializeTupleStruct = Impossible<String, ParamError>;
    type SerializeTupleVariant = Impossible<String, ParamError>;
    type SerializeMap = Impossible<String, ParamError>;
    type SerializeStruct = Impossible<String, ParamError>;
    type SerializeStructVariant = Impossible<String, ParamError>;

    display_methods!(std::convert::identity;
        serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
        serialize_i64: i64, serialize_i128: i128, serialize_u8: u8, serialize_u16: u16,
        serialize_u32: u32, serialize_u64: u64, serialize_u128: u128, serialize_f32: f32,
        serialize_f64: f64, serialize_char: char, serialize_str: &str);

    fn serialize_bytes(self, _: &[u8]) -> Result<String, ParamError> {
        Err(bad_key())
    }
    fn serialize_none(self) -> Result<String, ParamError> {
        Err(bad_key())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<String, ParamError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<String, ParamError> {
        Err(bad_key())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<String, ParamError> {
        Err(bad_key())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<String, ParamError> {
        Ok(variant.to_owned())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<String, ParamError> {
        value.serialize(self)
    }
    reject_compound!(bad_key);
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::json;

    use super::*;

    fn p<T: ParamValue + ?Sized>(v: &T) -> Param {
        match v.__to_param() {
            Ok(p) => p,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn shapes_of_every_generated_type() {
        assert_eq!(p("blue"), Param::Primitive("blue".into()));
        assert_eq!(p(&String::from("x")), Param::Primitive("x".into()));
        assert_eq!(p(&1.5f32), Param::Primitive("1.5".into()));
        assert_eq!(p(&0.1f32), Param::Primitive("0.1".into()));
        assert_eq!(p(&1.0f64), Param::Primitive("1".into()));
        assert_eq!(p(&-7i8), Param::Primitive("-7".into()));
        assert_eq!(p(&u128::MAX), Param::Primitive(u128::MAX.to_string()));
        assert_eq!(p(&true), Param::Primitive("true".into()));
        assert_eq!(p(&None::<i32>), Param::Absent);
        assert_eq!(p(&Some(3u8)), Param::Primitive("3".into()));
        assert_eq!(p(&json!(null)), Param::Absent);
        assert_eq!(
            p(&vec![json!("a"), json!(null), json!(2), json!({"k": [1]})]),
            Param::List(vec!["a".into(), "2".into(), r#"{"k":[1]}"#.into()])
        );
        assert_eq!(
            p(&BTreeMap::from([("b", 2), ("a", 1)])),
            Param::Object(vec![("a".into(), "1".into()), ("b".into(), "2".into())])
        );
        assert_eq!(
            p(&BTreeMap::from([(3u32, "x")])),
            Param::Object(vec![("3".into(), "x".into())])
        );
        // serde_json keeps insertion order (preserve_order).
        assert_eq!(
            p(&json!({"R": 100, "G": 200, "B": 150, "n": null, "deep": {"x": 1}})),
            Param::Object(vec![
                ("R".into(), "100".into()),
                ("G".into(), "200".into()),
                ("B".into(), "150".into()),
                ("deep".into(), r#"{"x":1}"#.into()),
            ])
        );
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Filter {
            page_size: u32,
            #[serde(skip_serializing_if = "Option::is_none")]
            cursor: Option<String>,
            tags: Vec<String>,
        }
        let f = Filter {
            page_size: 5,
            cursor: None,
            tags: vec!["a".into()],
        };
        assert_eq!(
            p(&f),
            Param::Object(vec![
                ("pageSize".into(), "5".into()),
                ("tags".into(), r#"["a"]"#.into())
            ])
        );
        assert!(BTreeMap::from([((1, 2), 3)]).__to_param().is_err());
    }

    fn path(style: Style, explode: bool, v: &serde_json::Value) -> String {
        let param = p(v);
        match path_text("color", &param, ParamStyle::new(style, explode), &|s| {
            encode_component(s)
        }) {
            Ok(Some(s)) => s,
            Ok(None) => "<nothing>".into(),
            Err(e) => format!("error: {e}"),
        }
    }

    fn query(style: Style, explode: bool, v: &serde_json::Value) -> String {
        let param = p(v);
        match form_pairs("color", &param, ParamStyle::new(style, explode)) {
            Ok(pairs) => {
                let mut out = String::new();
                for (i, pair) in pairs.iter().enumerate() {
                    if i > 0 {
                        out.push('&');
                    }
                    pair.write_query(&mut out, false);
                }
                out
            }
            Err(e) => format!("error: {e}"),
        }
    }

    /// The style table of OpenAPI 3.1 ("Style Examples"): `color` as the empty string, "blue",
    /// ["blue", "black", "brown"] and {"R": 100, "G": 200, "B": 150}. Label without explode as
    /// corrected in 3.1.1 (and RFC 6570).
    #[test]
    fn openapi_style_table() {
        let empty = json!("");
        let string = json!("blue");
        let array = json!(["blue", "black", "brown"]);
        let object = json!({"R": 100, "G": 200, "B": 150});
        use Style::*;
        #[rustfmt::skip]
        let path_rows: [(Style, bool, [&str; 4]); 6] = [
            (Matrix, false, [";color", ";color=blue", ";color=blue,black,brown", ";color=R,100,G,200,B,150"]),
            (Matrix, true, [";color", ";color=blue", ";color=blue;color=black;color=brown", ";R=100;G=200;B=150"]),
            (Label, false, [".", ".blue", ".blue,black,brown", ".R,100,G,200,B,150"]),
            (Label, true, [".", ".blue", ".blue.black.brown", ".R=100.G=200.B=150"]),
            (Simple, false, ["", "blue", "blue,black,brown", "R,100,G,200,B,150"]),
            (Simple, true, ["", "blue", "blue,black,brown", "R=100,G=200,B=150"]),
        ];
        for (style, explode, expected) in path_rows {
            for (v, want) in [&empty, &string, &array, &object].iter().zip(expected) {
                assert_eq!(path(style, explode, v), want, "{style:?} {explode} {v}");
            }
        }
        #[rustfmt::skip]
        let query_rows: [(Style, bool, [&str; 4]); 5] = [
            (Form, false, ["color=", "color=blue", "color=blue,black,brown", "color=R,100,G,200,B,150"]),
            (Form, true, ["color=", "color=blue", "color=blue&color=black&color=brown", "R=100&G=200&B=150"]),
            (SpaceDelimited, false, ["color=", "color=blue", "color=blue%20black%20brown", "color=R%20100%20G%20200%20B%20150"]),
            (PipeDelimited, false, ["color=", "color=blue", "color=blue%7Cblack%7Cbrown", "color=R%7C100%7CG%7C200%7CB%7C150"]),
            (DeepObject, true, ["error", "error", "error", "color%5BR%5D=100&color%5BG%5D=200&color%5BB%5D=150"]),
        ];
        for (style, explode, expected) in query_rows {
            for (v, want) in [&empty, &string, &array, &object].iter().zip(expected) {
                let got = query(style, explode, v);
                if want == "error" {
                    assert!(got.starts_with("error: "), "{style:?} {v}: {got}");
                } else {
                    assert_eq!(got, want, "{style:?} {explode} {v}");
                }
            }
        }
    }

    #[test]
    fn values_are_encoded_and_separators_are_not() {
        let v = json!(["a,b", "c d", "é/?#"]);
        assert_eq!(
            path(Style::Simple, false, &v),
            "a%2Cb,c%20d,%C3%A9%2F%3F%23"
        );
        assert_eq!(
            query(Style::Form, false, &v),
            "color=a%2Cb,c%20d,%C3%A9%2F%3F%23"
        );
        let mut out = String::new();
        FormPair::plain("q".into(), "a/b?c=d&e".into()).write_query(&mut out, true);
        assert_eq!(out, "q=a/b?c=d&e");
    }

    #[test]
    fn nothing_is_sent_for_absent_and_empty_collections() {
        for v in [json!(null), json!([]), json!({})] {
            assert_eq!(path(Style::Matrix, true, &v), "<nothing>", "{v}");
            assert_eq!(query(Style::Form, true, &v), "", "{v}");
        }
        assert!(path(Style::Form, true, &json!("x")).starts_with("error"));
        assert!(query(Style::Label, true, &json!("x")).starts_with("error"));
    }
}
