//! A small, deterministic YAML writer for JSON values.
//!
//! Fragments are stored as YAML so that reviewers read them comfortably, but they must stay a
//! lossless copy of the JSON on the docs page. This writer emits block-style YAML that every
//! YAML 1.1 and 1.2 reader parses back into the same JSON value: key order is kept, and any
//! string a reader could take for something else (`no`, `on`, `1.0`, `2024-01-01`, `~`, ...) is
//! quoted. It also records the line on which every node starts, so diagnostics can point at
//! a line of a fragment.

use std::collections::HashMap;
use std::fmt::Write as _;

use serde_json::Value;

/// The line on which each node of a YAML document starts, by JSON pointer. Nodes are keyed by
/// a hash of their pointer, built token by token while writing: no pointer string is made
/// per node (documents have hundreds of thousands of them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lines {
    by_pointer: HashMap<u64, u32>,
    /// Added to every line (lines before the YAML, e.g. a header comment).
    offset: u32,
}

impl Lines {
    /// The line of the node at `pointer` (`/a/b`, escaped as in JSON pointers; `""` is the root).
    pub fn get(&self, pointer: &str) -> Option<usize> {
        let mut h = ROOT_HASH;
        if !pointer.is_empty() {
            for token in pointer.trim_start_matches('/').split('/') {
                h = child_hash(h, token.as_bytes());
            }
        }
        self.by_pointer.get(&h).map(|l| (l + self.offset) as usize)
    }

    /// These lines moved down by `n` (for text written before the YAML).
    pub fn shifted(mut self, n: usize) -> Lines {
        self.offset = self
            .offset
            .saturating_add(u32::try_from(n).unwrap_or(u32::MAX));
        self
    }

    /// Whether no line is known.
    pub fn is_empty(&self) -> bool {
        self.by_pointer.is_empty()
    }
}

const ROOT_HASH: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a of the parent's hash, a separator and the (escaped) token.
fn child_hash(parent: u64, token: &[u8]) -> u64 {
    let mut h = (parent ^ u64::from(b'/')).wrapping_mul(0x0000_0100_0000_01b3);
    for b in token {
        h = (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The hash of a key's token: escaped like a JSON pointer token (`~` → `~0`, `/` → `~1`).
fn key_hash(parent: u64, key: &str) -> u64 {
    if key.contains(['~', '/']) {
        child_hash(parent, crate::pointer::escape(key).as_bytes())
    } else {
        child_hash(parent, key.as_bytes())
    }
}

/// The hash of an array index's token (its decimal digits).
fn index_hash(parent: u64, i: usize) -> u64 {
    let mut digits = [0u8; 20];
    let mut n = i;
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    child_hash(parent, &digits[start..])
}

/// YAML text plus the line (1-based) at which each JSON pointer's node starts.
#[derive(Debug, Clone, Default)]
pub struct Emitted {
    /// The YAML document, ending with a newline.
    pub text: String,
    /// The line of each node, relative to the first line of `text`.
    pub lines: Lines,
}

/// Writes `value` as a YAML document (no `---` marker).
pub fn to_yaml(value: &Value) -> Emitted {
    let mut w = Writer::default();
    w.lines.by_pointer.insert(ROOT_HASH, 1);
    match value {
        Value::Object(map) if !map.is_empty() => w.mapping(map, 0, ROOT_HASH),
        Value::Array(items) if !items.is_empty() => w.sequence(items, 0, ROOT_HASH),
        scalar => {
            w.scalar_inline(scalar, 0);
            w.out.push('\n');
            w.line += 1;
        }
    }
    Emitted {
        text: w.out,
        lines: w.lines,
    }
}

#[derive(Default)]
struct Writer {
    out: String,
    /// The 1-based number of the line being written.
    line: usize,
    lines: Lines,
}

impl Writer {
    fn indent(&mut self, n: usize) {
        for _ in 0..n {
            self.out.push(' ');
        }
    }

    fn newline(&mut self) {
        self.out.push('\n');
        self.line += 1;
    }

    fn mark(&mut self, node: u64) {
        let line = u32::try_from(self.line.max(1)).unwrap_or(u32::MAX);
        self.lines.by_pointer.insert(node, line);
    }

    /// A non-empty mapping whose first key starts on the current (fresh) line.
    fn mapping(&mut self, map: &serde_json::Map<String, Value>, indent: usize, at: u64) {
        let mut first = true;
        for (key, value) in map {
            if !first {
                self.indent(indent);
            }
            first = false;
            if self.line == 0 {
                self.line = 1;
            }
            let child = key_hash(at, key);
            self.mark(child);
            self.out.push_str(&key_text(key));
            self.out.push(':');
            self.value_after_key(value, indent, child);
        }
    }

    /// A non-empty sequence whose first item starts on the current (fresh) line.
    fn sequence(&mut self, items: &[Value], indent: usize, at: u64) {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.indent(indent);
            }
            if self.line == 0 {
                self.line = 1;
            }
            let child = index_hash(at, i);
            self.mark(child);
            self.out.push_str("- ");
            match item {
                Value::Object(map) if !map.is_empty() => self.mapping(map, indent + 2, child),
                Value::Array(inner) if !inner.is_empty() => self.sequence(inner, indent + 2, child),
                scalar => {
                    self.scalar_inline(scalar, indent + 2);
                    self.newline();
                }
            }
        }
    }

    fn value_after_key(&mut self, value: &Value, indent: usize, at: u64) {
        match value {
            Value::Object(map) if !map.is_empty() => {
                self.newline();
                self.indent(indent + 2);
                self.mapping(map, indent + 2, at);
            }
            Value::Array(items) if !items.is_empty() => {
                self.newline();
                self.indent(indent + 2);
                self.sequence(items, indent + 2, at);
            }
            scalar => {
                self.out.push(' ');
                self.scalar_inline(scalar, indent + 2);
                self.newline();
            }
        }
    }

    /// A scalar (or empty collection) written where the cursor is; block scalars continue on
    /// the following lines at `indent`. Does not write the final newline.
    fn scalar_inline(&mut self, value: &Value, indent: usize) {
        match value {
            Value::Null => self.out.push_str("null"),
            Value::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            Value::Number(n) => {
                let _ = write!(self.out, "{n}");
            }
            Value::String(s) => self.string(s, indent),
            Value::Array(_) => self.out.push_str("[]"),
            Value::Object(_) => self.out.push_str("{}"),
        }
    }

    fn string(&mut self, s: &str, indent: usize) {
        if is_plain_safe(s) {
            self.out.push_str(s);
        } else if let Some(chomp) = literal_block_chomping(s) {
            self.out.push('|');
            self.out.push_str(chomp);
            let body = s.strip_suffix('\n').unwrap_or(s);
            let body = if chomp == "+" {
                s.trim_end_matches('\n')
            } else {
                body
            };
            for line in body.split('\n') {
                self.newline();
                if !line.is_empty() {
                    self.indent(indent);
                    self.out.push_str(line);
                }
            }
            if chomp == "+" {
                // Keep chomping: the trailing line breaks beyond the first are empty lines.
                let extra = s.len() - s.trim_end_matches('\n').len();
                for _ in 1..extra {
                    self.newline();
                }
            }
        } else {
            double_quoted(&mut self.out, s);
        }
    }
}

fn key_text(key: &str) -> String {
    if is_plain_safe(key) {
        key.to_owned()
    } else {
        let mut out = String::new();
        double_quoted(&mut out, key);
        out
    }
}

/// Words that some YAML reader (1.1 or 1.2) resolves to a non-string.
const SPECIAL_WORDS: &[&str] = &[
    "null", "~", "true", "false", "yes", "no", "on", "off", "y", "n", ".inf", "-.inf", "+.inf",
    ".nan", "<<", "=",
];

/// Whether `s` can be written as a plain (unquoted) scalar and read back as this same string
/// by YAML 1.1 and 1.2 readers alike.
fn is_plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if SPECIAL_WORDS.contains(&s.to_ascii_lowercase().as_str()) {
        return false;
    }
    // Anything that starts like a number, date or sign is quoted (YAML 1.1 reads `1_000`,
    // `0x1f`, `1:30`, `2001-12-14`, `.5` as numbers or timestamps).
    if first.is_ascii_digit() || matches!(first, '-' | '+' | '.') {
        return false;
    }
    if "?:,[]{}#&*!|>'\"%@`".contains(first) {
        return false;
    }
    if first.is_whitespace() || s.ends_with(char::is_whitespace) || s.ends_with(':') {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.contains(":\t") {
        return false;
    }
    s.chars().all(|c| !needs_escape(c) && c != '\t')
}

/// Characters that cannot appear raw in any YAML scalar (control characters, the YAML 1.1
/// line breaks NEL, LS, PS, and the byte-order mark).
fn needs_escape(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{feff}')
}

/// The chomping indicator for a literal block scalar (`|-`, `|`, `|+`), or `None` when `s` is
/// better written quoted.
fn literal_block_chomping(s: &str) -> Option<&'static str> {
    if !s.contains('\n') {
        return None;
    }
    let content = s.trim_end_matches('\n');
    if content.is_empty() {
        return None;
    }
    // The first line must not start with a space (that would need an indentation indicator),
    // no line may carry trailing white space (editors strip it), and nothing may need escaping.
    if content.trim_start_matches('\n').starts_with([' ', '\t']) {
        return None;
    }
    for line in content.split('\n') {
        if line.ends_with(' ') || line.ends_with('\t') {
            return None;
        }
        if line.chars().any(|c| needs_escape(c) && c != '\t') {
            return None;
        }
    }
    match s.len() - content.len() {
        0 => Some("-"),
        1 => Some(""),
        _ => Some("+"),
    }
}

fn double_quoted(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn round_trip(v: &Value) -> String {
        let emitted = to_yaml(v);
        let back: Value = serde_yaml::from_str(&emitted.text).expect("emitted YAML parses");
        assert_eq!(&back, v, "YAML:\n{}", emitted.text);
        emitted.text
    }

    #[test]
    fn ambiguous_strings_are_quoted_and_round_trip() {
        let v = json!({
            "enum": ["no", "yes", "on", "off", "y", "N", "null", "~", "1.0", "0x1", "1e3", "",
                      "true", " lead", "trail ", "tab\there", "#x", "- x", "a: b", "ünï 한국어",
                      "2001-12-14", "1:30", ".5", "<<", "=", "a #b", "x:", "\u{85}", "\u{2028}",
                      "back\\slash", "quote\"d", "plain text, with comma (and parens)"],
            "nums": [0, 1.0, -0.0, 1.5e300, -7, 18446744073709551615u64],
            "empty": {}, "none": [], "nested": [[1, [2]], {"a": {}}, [{}]],
            "multi": "line one\n\n  indented\nlast\n",
            "multi_no_nl": "a\nb",
            "multi_keep": "a\nb\n\n\n",
            "multi_trailing_space": "a \nb",
            "multi_leading_space": " a\nb",
            "multi_blank_first": "\n  a\nb",
            "crlf": "a\r\nb",
            "weird key: x": 1, "no": 2, "": 3
        });
        let text = round_trip(&v);
        assert!(text.contains("- \"no\"\n"), "{text}");
        assert!(text.contains("multi: |\n"), "{text}");
    }

    #[test]
    fn records_lines_of_every_node() {
        let v = json!({"a": {"b": [1, {"c": 2}]}, "d": "x"});
        let e = round_trip(&v);
        let out = to_yaml(&v);
        assert_eq!(e, "a:\n  b:\n    - 1\n    - c: 2\nd: x\n");
        assert_eq!(out.lines.get("/a"), Some(1));
        assert_eq!(out.lines.get("/a/b"), Some(2));
        assert_eq!(out.lines.get("/a/b/0"), Some(3));
        assert_eq!(out.lines.get("/a/b/1"), Some(4));
        assert_eq!(out.lines.get("/a/b/1/c"), Some(4));
        assert_eq!(out.lines.get("/d"), Some(5));
        assert_eq!(out.lines.get("/nope"), None);
        assert_eq!(out.lines.clone().shifted(2).get("/d"), Some(7));
        let escaped = to_yaml(&json!({"a/b": {"~c": 1}}));
        assert_eq!(escaped.lines.get("/a~1b/~0c"), Some(2));
    }

    #[test]
    fn scalars_and_empty_roots() {
        for v in [json!(null), json!("no"), json!({}), json!([]), json!(3)] {
            round_trip(&v);
        }
    }
}
