//! Doc comments from API prose.
//!
//! Descriptions come from the docs pages and are markdown-ish prose. Before they become
//! rustdoc they are made safe: nothing may turn into a doc test (indented blocks, code fences),
//! a broken intra-doc link (`[1]`), an HTML tag (`<br>`), or a bare URL warning.

use proc_macro2::TokenStream;
use quote::quote;

/// Makes one paragraph of API prose safe for rustdoc.
///
/// Indentation is dropped (no indented code blocks: prose only), except that a line continuing
/// a list item is indented to the item's text, as markdown reads it either way (an unindented
/// "lazy" continuation is what clippy's `doc_lazy_continuation` rejects). Tabs become spaces
/// (`tabs_in_doc_comments`).
pub fn sanitize(text: &str) -> String {
    let mut out = Vec::new();
    let mut in_fence = false;
    // The indentation of the text of the list item the current paragraph is in.
    let mut item_indent: Option<usize> = None;
    for raw in text.replace("\r\n", "\n").replace('\r', "\n").split('\n') {
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
            item_indent = None;
            continue;
        }
        if in_fence {
            out.push(line.replace('\t', "    "));
            continue;
        }
        let prose = escape_inline(&trimmed.replace('\t', " "));
        if prose.is_empty() || interrupts_paragraph(&prose) {
            item_indent = None;
            out.push(prose);
        } else if let Some(indent) = list_item_indent(&prose) {
            item_indent = Some(indent);
            out.push(prose);
        } else if let Some(indent) = item_indent {
            out.push(format!("{}{prose}", " ".repeat(indent)));
        } else {
            out.push(prose);
        }
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

/// Where the text of a list item starts when `line` (unindented) opens one: after `-`, `*`,
/// `+`, `1.` or `1)` and the spaces after it.
fn list_item_indent(line: &str) -> Option<usize> {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let marker = match line.as_bytes().first()? {
        b'-' | b'*' | b'+' => 1,
        _ if (1..=9).contains(&digits)
            && matches!(line.as_bytes().get(digits), Some(b'.' | b')')) =>
        {
            digits + 1
        }
        _ => return None,
    };
    let spaces = line[marker..].bytes().take_while(|&b| b == b' ').count();
    let rest = &line[marker + spaces..];
    if spaces == 0 || rest.is_empty() {
        return None;
    }
    // Five spaces or more: the text is an indented code block, which starts one space in.
    Some(marker + if spaces > 4 { 1 } else { spaces })
}

/// Whether `line` (unindented) starts a block of its own rather than continuing a paragraph:
/// a heading or a thematic break.
fn interrupts_paragraph(line: &str) -> bool {
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    if (1..=6).contains(&hashes) && line[hashes..].chars().next().is_none_or(|c| c == ' ') {
        return true;
    }
    let marks: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    marks.len() >= 3
        && ["-", "*", "_"]
            .iter()
            .any(|m| marks.chars().all(|c| c.to_string() == *m))
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

/// A bullet list item of `text` (sanitized prose, maybe several lines): `- ` before the first
/// line, the others indented to continue the item.
pub fn list_item(text: &str) -> String {
    let mut out = String::from("- ");
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
            if !line.is_empty() {
                out.push_str("  ");
            }
        }
        out.push_str(line);
    }
    out
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

    #[test]
    fn list_continuations_are_indented_to_the_item_text() {
        // Indented in the source, or lazy already: either way markdown continues the item.
        assert_eq!(
            sanitize(
                "Use the\n- `a` index to search\n    all data\n- `b` index\nto search more\n\nAfter."
            ),
            "Use the\n- `a` index to search\n  all data\n- `b` index\n  to search more\n\nAfter."
        );
        assert_eq!(
            sanitize("1. one\n   more\n10)  ten\nmore\n*   star\nmore"),
            "1. one\n   more\n10)  ten\n     more\n*   star\n    more"
        );
        // Headings, rules and fences end the item; `-` without text, or `2019.5`, is no item.
        assert_eq!(
            sanitize(
                "- a\n# Head\ntext\n- b\n---\ntext\n- c\n```\ncode\n```\ntext\n-\ntext\n2019.5 is\nno list"
            ),
            "- a\n# Head\ntext\n- b\n---\ntext\n- c\n```text\ncode\n```\ntext\n-\ntext\n2019.5 is\nno list"
        );
    }

    #[test]
    fn list_items_of_several_lines_continue_the_item() {
        assert_eq!(
            list_item("`id`: the id\n- one\n\nmore"),
            "- `id`: the id\n  - one\n\n  more"
        );
    }

    #[test]
    fn tabs_become_spaces() {
        assert_eq!(
            sanitize("a\tb\n\tc\n```\n\tcode\n```"),
            "a b\nc\n```text\n    code\n```"
        );
    }
}
