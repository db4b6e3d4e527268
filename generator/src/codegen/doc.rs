//! Doc comments from API prose.
//!
//! Descriptions come from the docs pages and are markdown-ish prose. Before they become
//! rustdoc they are made safe: nothing may turn into a doc test (indented blocks, code fences),
//! a broken intra-doc link (`[1]`), an HTML tag (`<br>`), or a bare URL warning.

use proc_macro2::TokenStream;
use quote::quote;

/// Makes one paragraph of API prose safe for rustdoc.
pub fn sanitize(text: &str) -> String {
    let mut out = Vec::new();
    let mut in_fence = false;
    for raw in text.replace("\r\n", "\n").split('\n') {
        let line = raw.trim_end();
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            // Fences become plain text fences: never compiled as doc tests.
            if in_fence {
                out.push("```".to_owned());
            } else {
                out.push("```text".to_owned());
            }
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push(line.to_owned());
            continue;
        }
        // No indented code blocks: prose only.
        out.push(escape_inline(trimmed));
    }
    if in_fence {
        out.push("```".to_owned());
    }
    // At most one blank line in a row, none at the ends.
    let mut lines: Vec<String> = Vec::new();
    for l in out {
        if l.is_empty() && lines.last().is_none_or(|p: &String| p.is_empty()) {
            continue;
        }
        lines.push(l);
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines.join("\n")
}

/// Escapes what rustdoc would read as markup we do not mean: `[`, `]`, `<`, `>`, and turns
/// bare URLs into autolinks. `<br>` becomes a line break.
fn escape_inline(line: &str) -> String {
    let line = line
        .replace("<br>", "")
        .replace("<br/>", "")
        .replace("<br />", "");
    let mut out = String::with_capacity(line.len());
    let mut rest = line.as_str();
    while !rest.is_empty() {
        if let Some(url_len) = url_at(rest) {
            let url = &rest[..url_len];
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &rest[url_len..];
            continue;
        }
        let Some(c) = rest.chars().next() else { break };
        // Code spans are shown as they are: nothing inside them is escaped.
        if c == '`' {
            if let Some(end) = rest[1..].find('`') {
                out.push_str(&rest[..end + 2]);
                rest = &rest[end + 2..];
                continue;
            }
        }
        match c {
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Length of an `http(s)://` URL at the start of `s`.
fn url_at(s: &str) -> Option<usize> {
    if !(s.starts_with("http://") || s.starts_with("https://")) {
        return None;
    }
    let end = s
        .char_indices()
        .find(|(_, c)| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | ')' | ']' | '\''))
        .map(|(i, _)| i)
        .unwrap_or(s.len());
    let url = s[..end].trim_end_matches(['.', ',', ';', ':', '!', '?']);
    (url.len() > "https://".len()).then_some(url.len())
}

/// `#[doc = "..."]` attributes, one per line of `text`; none for an empty text.
pub fn attrs(text: &str) -> TokenStream {
    if text.trim().is_empty() {
        return TokenStream::new();
    }
    let lines = text.split('\n').map(|l| {
        if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        }
    });
    quote! { #( #[doc = #lines] )* }
}

/// Joins paragraphs with blank lines, skipping empty ones.
pub fn paragraphs<I: IntoIterator<Item = String>>(parts: I) -> String {
    parts
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Inline code: `` `text` `` (backticks inside are dropped).
pub fn code(text: &str) -> String {
    format!("`{}`", text.replace('`', ""))
}

/// The indefinite article for a type name, by its sound: `an` before a vowel sound
/// (`an AccessAgent`, `an UpdateAppRequest`), `a` otherwise (`a UserPermission`, `a Chat`).
pub fn a_or_an(name: &str) -> &'static str {
    let lower = name.to_ascii_lowercase();
    let vowel = match lower.chars().next() {
        Some('a' | 'e' | 'i' | 'o') => true,
        // `u` sounds like `you` in `user`, `unique`, `usage`, `utility`, `uri`.
        Some('u') => !["use", "usa", "usu", "uni", "uti", "uri", "ura"]
            .iter()
            .any(|p| lower.starts_with(p)),
        _ => false,
    };
    if vowel { "an" } else { "a" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn articles_follow_the_sound() {
        assert_eq!(a_or_an("AccessAgent"), "an");
        assert_eq!(a_or_an("UpdateAppRequest"), "an");
        assert_eq!(a_or_an("UserPermission"), "a");
        assert_eq!(a_or_an("UniqueId"), "a");
        assert_eq!(a_or_an("Chat"), "a");
        assert_eq!(a_or_an("ObjectAccessType"), "an");
    }

    #[test]
    fn makes_prose_safe() {
        assert_eq!(
            sanitize(
                "See https://app.alli.ai/projects/X. Cite as [1], <b>bold</b><br>\n    indented\n```\nfn x() {}\n```"
            ),
            "See <https://app.alli.ai/projects/X>. Cite as \\[1\\], &lt;b&gt;bold&lt;/b&gt;\nindented\n```text\nfn x() {}\n```"
        );
        assert_eq!(sanitize("a\n\n\n\nb\n\n"), "a\n\nb");
    }
}
