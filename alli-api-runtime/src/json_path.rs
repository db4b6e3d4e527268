//! Where in a JSON document a decode error happened (`conversations[1].createdAt`), found
//! without a second decode of the target type: the JSON text is scanned once, untyped, up to
//! the line and column serde_json reports. A path-tracking decoder would be one more generic
//! instantiation of the whole deserializer per response type; this is one function.

/// One open container.
enum Frame {
    /// An object; the key of the member being read, once seen.
    Object(Option<String>),
    /// An array; the index of the element being read (`None` before the first).
    Array(Option<usize>),
}

/// The path of the value at `line`/`column` (1-based, as serde_json reports them) of `text`:
/// the value expected next when the error comes before it (a wrong type of container), else
/// the innermost value that starts before that position or the container that closes there;
/// for an unexpected end of input (`eof`), the innermost container left open. `.` is the
/// document itself.
pub(crate) fn path_at(text: &[u8], line: usize, column: usize, eof: bool) -> String {
    let offset = offset_of(text, line, column);
    let mut stack: Vec<Frame> = Vec::new();
    // The path of the last value started (or container closed) before `offset`.
    let mut current: Vec<Segment> = Vec::new();
    // Whether a value is expected next (after `:`, `[` or an array's `,`).
    let mut expecting = true;
    let mut i = 0;
    while i < text.len() && i < offset {
        match text[i] {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b':' => {
                expecting = true;
                i += 1;
            }
            b',' => {
                if let Some(Frame::Array(Some(n))) = stack.last_mut() {
                    *n += 1;
                    expecting = true;
                } else if let Some(Frame::Object(key)) = stack.last_mut() {
                    *key = None;
                }
                i += 1;
            }
            b'}' | b']' => {
                // The closing container's own path.
                current = path_of(&stack, false);
                stack.pop();
                expecting = false;
                i += 1;
            }
            b'{' | b'[' => {
                current = start_value(&mut stack);
                let array = text[i] == b'[';
                stack.push(if array {
                    Frame::Array(None)
                } else {
                    Frame::Object(None)
                });
                expecting = array;
                i += 1;
            }
            b'"' => {
                let end = string_end(text, i);
                if let Some(Frame::Object(key @ None)) = stack.last_mut() {
                    *key = Some(unescape(&text[i + 1..end.saturating_sub(1).max(i + 1)]));
                } else {
                    current = start_value(&mut stack);
                    expecting = false;
                }
                i = end;
            }
            _ => {
                current = start_value(&mut stack);
                expecting = false;
                while i < text.len()
                    && !matches!(text[i], b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t')
                {
                    i += 1;
                }
            }
        }
    }
    if eof {
        return render(&path_of(&stack, false));
    }
    if expecting && !stack.is_empty() {
        return render(&start_value(&mut stack));
    }
    render(&current)
}

/// A step of a path.
#[derive(Clone)]
enum Segment {
    Key(String),
    Index(usize),
}

/// The path of the value starting now (advancing the array index of its container).
fn start_value(stack: &mut [Frame]) -> Vec<Segment> {
    if let Some(Frame::Array(n)) = stack.last_mut() {
        *n = Some(n.map_or(0, |n| n));
    }
    path_of(stack, true)
}

/// The path of the member being read in the innermost container (`member: true`), or of the
/// innermost container itself (`member: false`): each open container contributes the key or
/// index it is reading.
fn path_of(stack: &[Frame], member: bool) -> Vec<Segment> {
    let depth = if member {
        stack.len()
    } else {
        stack.len().saturating_sub(1)
    };
    stack[..depth]
        .iter()
        .filter_map(|frame| match frame {
            Frame::Object(Some(k)) => Some(Segment::Key(k.clone())),
            Frame::Array(Some(n)) => Some(Segment::Index(*n)),
            _ => None,
        })
        .collect()
}

fn render(path: &[Segment]) -> String {
    if path.is_empty() {
        return ".".to_owned();
    }
    let mut out = String::new();
    for s in path {
        match s {
            Segment::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Segment::Index(n) => out.push_str(&format!("[{n}]")),
        }
    }
    out
}

/// The byte offset just after the position serde_json reports (`column` counts bytes of the
/// line and points at the last byte read).
fn offset_of(text: &[u8], line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line.max(1) {
        match text[start..].iter().position(|&b| b == b'\n') {
            Some(n) => start += n + 1,
            None => return text.len(),
        }
    }
    (start + column).min(text.len())
}

/// The index just after the string starting at `start` (a `"`).
fn string_end(text: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < text.len() {
        match text[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    text.len()
}

/// A key's text, escapes resolved as JSON says (invalid ones kept as written).
fn unescape(raw: &[u8]) -> String {
    let quoted = [b"\"".as_slice(), raw, b"\""].concat();
    serde_json::from_slice::<String>(&quoted)
        .unwrap_or_else(|_| String::from_utf8_lossy(raw).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Conversation {
        id: String,
        #[serde(rename = "createdAt")]
        created_at: f64,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Page {
        conversations: Vec<Conversation>,
        cursor: Option<String>,
    }

    /// The path serde_json's error position leads to, for a body decoded as `T`.
    fn path<T: serde::de::DeserializeOwned + std::fmt::Debug>(text: &str) -> String {
        let err = serde_json::from_str::<T>(text).expect_err("does not decode");
        path_at(text.as_bytes(), err.line(), err.column(), err.is_eof())
    }

    #[test]
    fn type_errors_name_the_value() {
        let body = r#"{"conversations":[{"id":"a","createdAt":1},{"id":"b","createdAt":"x"}],"cursor":null}"#;
        assert_eq!(path::<Page>(body), "conversations[1].createdAt");
        let pretty = "{\n  \"conversations\": [\n    {\"id\": \"a\", \"createdAt\": 1},\n    {\"id\": 7, \"createdAt\": 2}\n  ]\n}";
        assert_eq!(path::<Page>(pretty), "conversations[1].id");
        assert_eq!(
            path::<Page>(r#"{"conversations":{},"cursor":null}"#),
            "conversations"
        );
        assert_eq!(path::<Page>(r#"{"conversations":[],"cursor":5}"#), "cursor");
    }

    #[test]
    fn missing_fields_name_their_object() {
        let body = r#"{"conversations":[{"id":"a","createdAt":1},{"id":"b"}],"cursor":null}"#;
        assert_eq!(path::<Page>(body), "conversations[1]");
        assert_eq!(path::<Page>(r#"{"cursor":null}"#), ".");
    }

    #[test]
    fn keys_with_escapes_and_nested_arrays() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Grid {
            #[serde(rename = "a\"b")]
            cells: Vec<Vec<u8>>,
        }
        assert_eq!(path::<Grid>(r#"{"a\"b":[[1,2],[3,"x"]]}"#), "a\"b[1][1]");
        assert_eq!(path::<Grid>(r#"{"a\"b":[[1,2],[3,300]]}"#), "a\"b[1][1]");
    }

    #[test]
    fn syntax_errors_and_trailing_characters() {
        assert_eq!(
            path::<Page>(r#"{"conversations":[{"id":"a","createdAt":1}"#),
            "conversations"
        );
        assert_eq!(path::<Vec<u8>>("[1,2] x"), ".");
    }
}
