//! HTTP methods and path templates as OpenAPI uses them: the one place that knows which keys
//! of a path item are operations and what `/a/{id}/b` means.

use std::fmt;

use serde_json::Value;

/// An HTTP method an OpenAPI path item can hold an operation for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HttpMethod {
    /// `get`
    Get,
    /// `put`
    Put,
    /// `post`
    Post,
    /// `delete`
    Delete,
    /// `options`
    Options,
    /// `head`
    Head,
    /// `patch`
    Patch,
    /// `trace`
    Trace,
}

impl HttpMethod {
    /// Every method, in the order the OpenAPI specification lists them.
    pub const ALL: [HttpMethod; 8] = [
        HttpMethod::Get,
        HttpMethod::Put,
        HttpMethod::Post,
        HttpMethod::Delete,
        HttpMethod::Options,
        HttpMethod::Head,
        HttpMethod::Patch,
        HttpMethod::Trace,
    ];

    /// The lower-case name, as a path item key (`get`).
    pub const fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "get",
            HttpMethod::Put => "put",
            HttpMethod::Post => "post",
            HttpMethod::Delete => "delete",
            HttpMethod::Options => "options",
            HttpMethod::Head => "head",
            HttpMethod::Patch => "patch",
            HttpMethod::Trace => "trace",
        }
    }

    /// The upper-case name, as on the wire (`GET`).
    pub const fn upper(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Put => "PUT",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Options => "OPTIONS",
            HttpMethod::Head => "HEAD",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Trace => "TRACE",
        }
    }

    /// The method a path item key names (`get`); keys are case-sensitive, so `GET` is none.
    pub fn from_key(key: &str) -> Option<HttpMethod> {
        HttpMethod::ALL.into_iter().find(|m| m.as_str() == key)
    }

    /// The method `name` names, in any case (`GET`, `get`, `Get`).
    pub fn parse(name: &str) -> Option<HttpMethod> {
        HttpMethod::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(name))
    }

    /// Whether HTTP gives a request body of this method no meaning (`GET`, `HEAD`, `DELETE`).
    pub fn body_has_no_meaning(self) -> bool {
        matches!(
            self,
            HttpMethod::Get | HttpMethod::Head | HttpMethod::Delete
        )
    }
}

impl fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.upper())
    }
}

/// The lower-case names of [`HttpMethod::ALL`], in the same order.
pub const METHODS: &[&str] = &{
    let mut names = [""; HttpMethod::ALL.len()];
    let mut i = 0;
    while i < names.len() {
        names[i] = HttpMethod::ALL[i].as_str();
        i += 1;
    }
    names
};

/// The operations of a path item (a JSON object), in OpenAPI order.
pub fn operations(item: &Value) -> impl Iterator<Item = (HttpMethod, &Value)> {
    HttpMethod::ALL
        .into_iter()
        .filter_map(move |m| item.get(m.as_str()).map(|op| (m, op)))
}

/// One piece of a path template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part<'a> {
    /// Literal text, `/webapi/apps/`.
    Literal(&'a str),
    /// A parameter, `{app_id}` (the name without braces).
    Param(&'a str),
}

/// One `/`-separated segment of a path template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment<'a> {
    /// Only literal text: `apps`.
    Literal(&'a str),
    /// Exactly one parameter: `{app_id}` gives `app_id`.
    Param(&'a str),
    /// Literal text and parameters, as written: `{name}.{ext}`.
    Mixed(&'a str),
}

/// Why a path is not a valid OpenAPI path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// Byte offset in the path where the problem is.
    pub offset: usize,
    /// What is wrong, in a sentence fragment.
    pub message: String,
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at byte {})", self.message, self.offset)
    }
}

/// A parsed OpenAPI path template (`/webapi/v2/apps/{app_id}/run`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathTemplate<'a> {
    text: &'a str,
    parts: Vec<Part<'a>>,
}

impl<'a> PathTemplate<'a> {
    /// Parses `path`: it must begin with `/`, and every `{` must close with a `}` around a
    /// non-empty name without braces or slashes.
    pub fn parse(path: &'a str) -> Result<PathTemplate<'a>, TemplateError> {
        if !path.starts_with('/') {
            return Err(TemplateError {
                offset: 0,
                message: "a path must begin with `/`".to_owned(),
            });
        }
        let mut parts = Vec::new();
        let mut rest = path;
        let mut offset = 0;
        while !rest.is_empty() {
            let open = rest.find(['{', '}']).unwrap_or(rest.len());
            if open > 0 {
                parts.push(Part::Literal(&rest[..open]));
            }
            rest = &rest[open..];
            offset += open;
            if rest.is_empty() {
                break;
            }
            if rest.starts_with('}') {
                return Err(TemplateError {
                    offset,
                    message: "`}` closes no parameter".to_owned(),
                });
            }
            let close = rest[1..].find(['{', '}', '/']).map(|i| i + 1);
            let name = match close {
                Some(i) if rest.as_bytes()[i] == b'}' => &rest[1..i],
                _ => {
                    return Err(TemplateError {
                        offset,
                        message: "`{` opens a parameter that is never closed".to_owned(),
                    });
                }
            };
            if name.trim().is_empty() {
                return Err(TemplateError {
                    offset,
                    message: "a parameter has no name".to_owned(),
                });
            }
            parts.push(Part::Param(name));
            let used = name.len() + 2;
            rest = &rest[used..];
            offset += used;
        }
        Ok(PathTemplate { text: path, parts })
    }

    /// The template as written.
    pub fn as_str(&self) -> &'a str {
        self.text
    }

    /// Literal text and parameters, in order.
    pub fn parts(&self) -> &[Part<'a>] {
        &self.parts
    }

    /// The parameter names, in the order of the path.
    pub fn params(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.parts.iter().filter_map(|p| match p {
            Part::Param(name) => Some(*name),
            Part::Literal(_) => None,
        })
    }

    /// The non-empty `/`-separated segments.
    pub fn segments(&self) -> impl Iterator<Item = Segment<'a>> + 'a {
        self.text.split('/').filter(|s| !s.is_empty()).map(|s| {
            match (s.find('{'), s.strip_prefix('{')) {
                (None, _) => Segment::Literal(s),
                (Some(_), Some(inner))
                    if inner.ends_with('}') && !inner[..inner.len() - 1].contains(['{', '}']) =>
                {
                    Segment::Param(&inner[..inner.len() - 1])
                }
                _ => Segment::Mixed(s),
            }
        })
    }

    /// The template with parameter names erased (`/a/{}/b`): two templates with the same
    /// shape match the same requests, and OpenAPI allows only one of them.
    pub fn shape(&self) -> String {
        self.parts
            .iter()
            .map(|p| match p {
                Part::Literal(text) => text,
                Part::Param(_) => "{}",
            })
            .collect()
    }

    /// Whether `self` and `other` are the same path up to parameter names.
    pub fn same_shape(&self, other: &PathTemplate<'_>) -> bool {
        self.shape() == other.shape()
    }
}

impl fmt::Display for PathTemplate<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text)
    }
}

/// The parameter names of a path template, in order (`/a/{id}/b/{n}` → `id`, `n`); none when
/// `path` is not a valid template (validation reports those).
pub fn path_params(path: &str) -> std::vec::IntoIter<&str> {
    PathTemplate::parse(path)
        .map(|t| t.params().collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_parse_print_and_keep_openapi_order() {
        assert_eq!(
            METHODS,
            [
                "get", "put", "post", "delete", "options", "head", "patch", "trace"
            ]
        );
        assert_eq!(HttpMethod::parse("PATCH"), Some(HttpMethod::Patch));
        assert_eq!(HttpMethod::parse("Get"), Some(HttpMethod::Get));
        assert_eq!(HttpMethod::parse("fetch"), None);
        assert_eq!(HttpMethod::from_key("GET"), None);
        assert_eq!(HttpMethod::from_key("trace"), Some(HttpMethod::Trace));
        assert_eq!(HttpMethod::Delete.to_string(), "DELETE");
        assert!(HttpMethod::Head.body_has_no_meaning());
        assert!(!HttpMethod::Post.body_has_no_meaning());
        let item = serde_json::json!({"post": 1, "parameters": [], "get": 2});
        let found: Vec<_> = operations(&item).map(|(m, _)| m).collect();
        assert_eq!(found, vec![HttpMethod::Get, HttpMethod::Post]);
    }

    #[test]
    fn templates_give_parameters_segments_and_shapes() {
        let t = PathTemplate::parse("/a/{id}/files/{name}.{ext}").expect("valid");
        assert_eq!(t.params().collect::<Vec<_>>(), vec!["id", "name", "ext"]);
        assert_eq!(
            t.segments().collect::<Vec<_>>(),
            vec![
                Segment::Literal("a"),
                Segment::Param("id"),
                Segment::Literal("files"),
                Segment::Mixed("{name}.{ext}"),
            ]
        );
        assert_eq!(t.shape(), "/a/{}/files/{}.{}");
        let other = PathTemplate::parse("/a/{key}/files/{n}.{e}").expect("valid");
        assert!(t.same_shape(&other));
        assert!(!t.same_shape(&PathTemplate::parse("/a/{id}/files").expect("valid")));
        assert_eq!(t.to_string(), "/a/{id}/files/{name}.{ext}");
        assert_eq!(path_params("/x/{a}/y/{b}").collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(path_params("/x/{a").count(), 0);
    }

    #[test]
    fn bad_templates_say_where() {
        let err = |p: &str| PathTemplate::parse(p).expect_err("invalid");
        assert_eq!(err("a/b").message, "a path must begin with `/`");
        let e = err("/a/{id");
        assert_eq!(
            (e.offset, e.message.as_str()),
            (3, "`{` opens a parameter that is never closed")
        );
        assert_eq!(err("/a/{x/y}").offset, 3);
        assert_eq!(err("/a/{{x}}").offset, 3);
        assert_eq!(err("/a/}").message, "`}` closes no parameter");
        assert_eq!(err("/a/{}/b").message, "a parameter has no name");
        assert!(PathTemplate::parse("/").is_ok());
    }
}
