//! Macros used by generated code: open enums and the per-request option methods.

/// Defines an open string enum: the known values as variants, plus `Unknown(String)` for a value
/// this version does not know (kept and sent back unchanged).
///
/// ```
/// alli_api::__open_enum! {
///     /// Access type.
///     pub enum AccessType {
///         /// Editor.
///         Editor = "order_1_editor",
///         /// Reader.
///         Reader = "order_2_reader",
///     }
/// }
/// assert_eq!(AccessType::from("order_1_editor"), AccessType::Editor);
/// assert_eq!(AccessType::from("x").as_str(), "x");
/// // Ordered by wire value, known or not: "order_1_editor" < "order_1_x" < "order_2_reader".
/// assert!(AccessType::Editor < AccessType::from("order_1_x"));
/// assert!(AccessType::from("order_1_x") < AccessType::Reader);
/// assert!(AccessType::Editor < AccessType::Unknown("order_1_editor".to_owned()));
/// ```
#[macro_export]
#[doc(hidden)]
macro_rules! __open_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $value:literal ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value this version of the crate does not know. It is kept as received and sent
            /// back unchanged. Build values with `From<&str>`, which never yields `Unknown` for a
            /// known value.
            Unknown(::std::string::String),
        }

        impl $name {
            /// The known values, as sent on the wire.
            pub const KNOWN_VALUES: &'static [&'static str] = &[$($value),*];

            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $value, )*
                    Self::Unknown(s) => s.as_str(),
                }
            }

            /// True for a value this version of the crate does not know.
            pub fn is_unknown(&self) -> bool {
                ::core::matches!(self, Self::Unknown(_))
            }
        }

        // Ordered by the wire value, not by variant position: the order stays the same when the
        // docs add a value (a new variant before `Unknown`) or reorder their list, and a value
        // sorts the same whether this version knows it or keeps it as `Unknown`. Ties (only an
        // `Unknown` built by hand from a known value) put the known variant first, so the
        // order agrees with `Eq`.
        impl ::core::cmp::Ord for $name {
            fn cmp(&self, other: &Self) -> ::core::cmp::Ordering {
                (self.as_str(), self.is_unknown()).cmp(&(other.as_str(), other.is_unknown()))
            }
        }

        impl ::core::cmp::PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> ::core::option::Option<::core::cmp::Ordering> {
                ::core::option::Option::Some(::core::cmp::Ord::cmp(self, other))
            }
        }

        impl ::core::convert::AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::core::str::FromStr for $name {
            type Err = ::core::convert::Infallible;
            fn from_str(s: &str) -> ::core::result::Result<Self, Self::Err> {
                ::core::result::Result::Ok(Self::from(s))
            }
        }

        impl ::core::convert::From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $( $value => Self::$variant, )*
                    other => Self::Unknown(::std::borrow::ToOwned::to_owned(other)),
                }
            }
        }

        impl ::core::convert::From<::std::string::String> for $name {
            fn from(s: ::std::string::String) -> Self {
                match s.as_str() {
                    $( $value => Self::$variant, )*
                    _ => Self::Unknown(s),
                }
            }
        }

        impl ::core::convert::From<$name> for ::std::string::String {
            fn from(v: $name) -> Self {
                match v {
                    $name::Unknown(s) => s,
                    known => ::std::borrow::ToOwned::to_owned(known.as_str()),
                }
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::__private::serde_helpers::deserialize_open_enum(deserializer)
            }
        }

        impl $crate::__private::QueryValue for $name {
            fn each_value(&self, f: &mut dyn ::core::ops::FnMut(&str)) {
                f(self.as_str())
            }
        }
    };
}

/// Expands, inside `impl Builder { .. }` of an operation builder that has a field
/// `options: RequestOptions`, to the per-request option methods: `timeout`, `total_timeout`,
/// `max_retries`, `header`, `without_header`, `options`. Extras, in any combination:
/// `__request_options!(page_concurrency)` adds `page_concurrency` (page-number paginated
/// operations), `__request_options!(upload_progress)` adds `upload_progress` (operations with a
/// `multipart/form-data` or other large request body); `__request_options!(page_concurrency,
/// upload_progress)` both.
#[macro_export]
#[doc(hidden)]
macro_rules! __request_options {
    (@extra page_concurrency) => {
        /// How many pages `into_pages()` / `into_stream()` may fetch at once (overrides the
        /// client's setting; at least 1).
        pub fn page_concurrency(mut self, pages: usize) -> Self {
            self.options = ::core::mem::take(&mut self.options).page_concurrency(pages);
            self
        }
    };
    (@extra upload_progress) => {
        /// Calls `hook` as the request body is sent: bytes sent so far in this attempt and the
        /// total when known (see [`UploadProgress`]($crate::UploadProgress)). Called once per
        /// chunk (at most 64 KiB) from the sending task: keep it quick.
        pub fn upload_progress(
            mut self,
            hook: impl ::core::ops::Fn($crate::UploadProgress) + ::core::marker::Send
                + ::core::marker::Sync
                + 'static,
        ) -> Self {
            self.options = ::core::mem::take(&mut self.options).upload_progress(hook);
            self
        }
    };
    () => {
        /// Overrides the client's timeout for this request (each attempt, until the body is read).
        pub fn timeout(mut self, timeout: ::core::time::Duration) -> Self {
            self.options = ::core::mem::take(&mut self.options).timeout(timeout);
            self
        }

        /// Overrides the client's total timeout for this request: a deadline for all attempts
        /// and the waits between them.
        pub fn total_timeout(mut self, total: ::core::time::Duration) -> Self {
            self.options = ::core::mem::take(&mut self.options).total_timeout(total);
            self
        }

        /// Overrides the client's number of retries for this request (0 disables retries).
        pub fn max_retries(mut self, retries: u32) -> Self {
            self.options = ::core::mem::take(&mut self.options).max_retries(retries);
            self
        }

        /// Sends header `name: value` with this request, replacing the client's value if any.
        pub fn header(
            mut self,
            name: impl ::core::convert::Into<::std::string::String>,
            value: impl ::core::convert::Into<::std::string::String>,
        ) -> Self {
            self.options = ::core::mem::take(&mut self.options).header(name, value);
            self
        }

        /// Does not send header `name` with this request, even when the client sets it.
        pub fn without_header(
            mut self,
            name: impl ::core::convert::Into<::std::string::String>,
        ) -> Self {
            self.options = ::core::mem::take(&mut self.options).without_header(name);
            self
        }

        /// Applies a set of per-request options on top of those set so far: what `options`
        /// sets wins (timeout, retries, each header it sets or removes), the rest is kept.
        pub fn options(mut self, options: $crate::RequestOptions) -> Self {
            self.options = ::core::mem::take(&mut self.options).merge(options);
            self
        }
    };
    ($($extra:ident),+ $(,)?) => {
        $crate::__request_options!();
        $( $crate::__request_options!(@extra $extra); )+
    };
}

/// Expands, inside `impl Builder { .. }` of an operation builder, to the two methods of an
/// optional string header parameter: `$name(value)` sends the header with this request
/// (replacing the client's value, if any), `$without()` does not send it even when the client
/// sets one. `$doc` documents `$name`.
#[macro_export]
#[doc(hidden)]
macro_rules! __header_param {
    ($name:ident, $without:ident, $wire:literal, $doc:literal) => {
        #[doc = $doc]
        pub fn $name(mut self, value: impl ::core::convert::Into<::std::string::String>) -> Self {
            self.options.__set_header($wire, value.into());
            self
        }

        #[doc = ::core::concat!(" Does not send the `", $wire, "` header with this request, even when the client sets one.")]
        pub fn $without(mut self) -> Self {
            self.options.__remove_header($wire);
            self
        }
    };
}
