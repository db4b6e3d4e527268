//! JSON pointers (RFC 6901) in their URI-fragment spelling, `#/paths/~1webapi~1apps/post`.

use serde_json::Value;

/// A JSON pointer under construction. Cheap to clone and extend.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pointer(String);

impl Pointer {
    /// The document root, `#`.
    pub fn root() -> Self {
        Pointer(String::new())
    }

    /// Parses `#/a/b` or `/a/b`.
    pub fn parse(text: &str) -> Self {
        Pointer(text.strip_prefix('#').unwrap_or(text).to_owned())
    }

    /// This pointer with one more reference token.
    pub fn push(&self, token: impl AsRef<str>) -> Self {
        let mut s = self.0.clone();
        s.push('/');
        s.push_str(&escape(token.as_ref()));
        Pointer(s)
    }

    /// This pointer with an array index appended.
    pub fn index(&self, i: usize) -> Self {
        Pointer(format!("{}/{i}", self.0))
    }

    /// The unescaped reference tokens.
    pub fn tokens(&self) -> Vec<String> {
        if self.0.is_empty() {
            return Vec::new();
        }
        self.0[1..].split('/').map(unescape).collect()
    }

    /// The parent pointer, `None` at the root.
    pub fn parent(&self) -> Option<Pointer> {
        self.0.rfind('/').map(|i| Pointer(self.0[..i].to_owned()))
    }

    /// The last unescaped token, `None` at the root.
    pub fn last(&self) -> Option<String> {
        self.0.rfind('/').map(|i| unescape(&self.0[i + 1..]))
    }

    /// The raw pointer, without the leading `#` (`/a/b`; empty at the root).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Looks the pointer up in `value`.
    pub fn get<'v>(&self, value: &'v Value) -> Option<&'v Value> {
        value.pointer(&self.0)
    }

    /// Looks the pointer up in `value`, mutably.
    pub fn get_mut<'v>(&self, value: &'v mut Value) -> Option<&'v mut Value> {
        value.pointer_mut(&self.0)
    }
}

impl std::fmt::Display for Pointer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// A step of a path being walked, borrowed from the document: walks that visit every node keep
/// a stack of these and build a [`Pointer`] only when they have something to report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step<'a> {
    /// An object member.
    Key(&'a str),
    /// An array item.
    Index(usize),
}

/// The pointer of a stack of steps.
pub fn from_steps(steps: &[Step<'_>]) -> Pointer {
    let mut at = Pointer::root();
    for step in steps {
        at = match step {
            Step::Key(k) => at.push(k),
            Step::Index(i) => at.index(*i),
        };
    }
    at
}

/// Escapes one reference token (`~` → `~0`, `/` → `~1`).
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Unescapes one reference token.
pub fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_navigates() {
        let p = Pointer::root()
            .push("paths")
            .push("/webapi/apps")
            .push("post");
        assert_eq!(p.to_string(), "#/paths/~1webapi~1apps/post");
        assert_eq!(p.tokens(), vec!["paths", "/webapi/apps", "post"]);
        assert_eq!(p.last().as_deref(), Some("post"));
        assert_eq!(
            p.parent().map(|p| p.to_string()).as_deref(),
            Some("#/paths/~1webapi~1apps")
        );
        assert_eq!(Pointer::parse("#/a~0b/c").tokens(), vec!["a~b", "c"]);
        let doc = serde_json::json!({"paths": {"/webapi/apps": {"post": 1}}});
        assert_eq!(p.get(&doc), Some(&serde_json::json!(1)));
    }
}
