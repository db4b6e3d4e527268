//! Reading a published docs page.
//!
//! A page is markdown: each endpoint is a `## heading`, an optional `> description`, and one
//! fenced ```` ```json ```` block holding a complete OpenAPI document with one path and one
//! method. Other fenced blocks and prose are ignored; a JSON block that is not an OpenAPI
//! document (an example payload) is skipped with a warning.

use std::path::Path;

use serde_json::Value;

use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::http::{HttpMethod, operations};

/// One endpoint found on a page.
#[derive(Debug, Clone)]
pub struct PageEndpoint {
    /// The HTTP method.
    pub method: HttpMethod,
    /// The path template, as in the document (`/webapi/v2/apps/{app_id}`).
    pub path: String,
    /// The first tag of the operation, if any.
    pub tag: Option<String>,
    /// The `## heading` above the block (translated on other locales; for messages only).
    pub heading: Option<String>,
    /// 1-based line of the block's first JSON line on the page.
    pub line: usize,
    /// The document, keys in page order.
    pub document: Value,
}

impl PageEndpoint {
    /// `POST /webapi/apps`.
    pub fn label(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// Everything read off one page.
#[derive(Debug, Clone, Default)]
pub struct ParsedPage {
    /// The endpoints, in page order.
    pub endpoints: Vec<PageEndpoint>,
    /// Warnings (skipped blocks).
    pub warnings: Diagnostics,
}

struct Fence {
    marker: char,
    len: usize,
    json: bool,
    /// 1-based line of the first content line.
    start: usize,
    lines: Vec<String>,
}

/// Parses a page. `file` is how the page is named in messages.
pub fn parse_page(file: &Path, text: &str) -> Result<ParsedPage, Diagnostics> {
    let mut errors = Diagnostics::new();
    let mut page = ParsedPage::default();
    let (blocks, unclosed) = json_blocks(text);
    if let Some(line) = unclosed {
        errors.push(Diagnostic::error(
            "json-cut-off",
            Location::file(file).at_line(line, None),
            "the ```json block is never closed: the page is cut off",
        ));
    }
    for block in blocks {
        match read_block(file, block) {
            Ok(endpoint) => page.endpoints.push(endpoint),
            Err(d) if d.is_error() => errors.push(d),
            Err(d) => page.warnings.push(d),
        }
    }
    errors.extend(duplicates(file, &page.endpoints));
    if errors.is_empty() && page.endpoints.is_empty() {
        errors.push(Diagnostic::error(
            "no-endpoints",
            Location::file(file),
            "the page holds no endpoint: no ```json block with an OpenAPI document was found",
        ));
    }
    if errors.is_empty() {
        Ok(page)
    } else {
        let mut all = page.warnings;
        all.extend(errors);
        Err(all)
    }
}

/// A fenced ```` ```json ```` block of a page.
struct JsonBlock {
    /// The `## heading` above it.
    heading: Option<String>,
    /// 1-based line of its first content line.
    start: usize,
    body: String,
}

/// The page's ```` ```json ```` blocks, and the line of the opening fence of a JSON block
/// that is never closed.
fn json_blocks(text: &str) -> (Vec<JsonBlock>, Option<usize>) {
    let mut heading: Option<String> = None;
    let mut fence: Option<Fence> = None;
    let mut blocks = Vec::new();
    for (i, raw_line) in text.lines().enumerate() {
        let line = raw_line.strip_suffix('\r').unwrap_or(raw_line);
        if let Some(open) = &mut fence {
            if !is_closing_fence(line, open.marker, open.len) {
                open.lines.push(line.to_owned());
            } else if let Some(done) = fence.take().filter(|f| f.json) {
                blocks.push(JsonBlock {
                    heading: heading.clone(),
                    start: done.start,
                    body: done.lines.join("\n"),
                });
            }
        } else if let Some((marker, len, info)) = opening_fence(line) {
            let lang = info.split_whitespace().next().unwrap_or("");
            fence = Some(Fence {
                marker,
                len,
                json: lang.eq_ignore_ascii_case("json"),
                start: i + 2,
                lines: Vec::new(),
            });
        } else if let Some(h) = line.strip_prefix("## ") {
            heading = Some(unescape_markdown(h.trim()));
        }
    }
    let unclosed = fence.filter(|f| f.json).map(|f| f.start - 1);
    (blocks, unclosed)
}

/// The endpoint of one block; `Err` is a syntax error, or a warning for a block that is not
/// an endpoint.
fn read_block(file: &Path, block: JsonBlock) -> Result<PageEndpoint, Diagnostic> {
    let document = serde_json::from_str::<Value>(&block.body).map_err(|err| {
        let line = block.start + err.line().saturating_sub(1);
        let what = if err.is_eof() {
            "the JSON block is cut off (it ends before the document is complete)"
        } else {
            "the JSON block does not parse"
        };
        Diagnostic::error(
            "json-syntax",
            Location::file(file).at_line(line, Some(err.column())),
            format!("{what}: {}", without_position(&err)),
        )
    })?;
    endpoint_of(file, block.heading, block.start, document)
}

/// The same method and path twice on one page.
fn duplicates(file: &Path, endpoints: &[PageEndpoint]) -> Diagnostics {
    let mut out = Diagnostics::new();
    for (i, a) in endpoints.iter().enumerate() {
        if let Some(b) = endpoints[..i]
            .iter()
            .find(|b| b.method == a.method && b.path == a.path)
        {
            out.push(
                Diagnostic::error(
                    "duplicate-endpoint",
                    Location::file(file).at_line(a.line, None),
                    format!("{} is documented twice on this page", a.label()),
                )
                .with_note(format!("first at line {}", b.line)),
            );
        }
    }
    out
}

/// Reads the one operation of a block; a block that is not an OpenAPI document, or documents
/// no operation, is reported as a warning through `Err`.
fn endpoint_of(
    file: &Path,
    heading: Option<String>,
    start: usize,
    document: Value,
) -> Result<PageEndpoint, Diagnostic> {
    let at = Location::file(file).at_line(start, None);
    let is_openapi = document
        .as_object()
        .is_some_and(|o| o.contains_key("openapi") || o.contains_key("swagger"));
    if !is_openapi {
        return Err(Diagnostic::warning(
            "not-openapi",
            at,
            "JSON block skipped: it is not an OpenAPI document (no `openapi` field)",
        ));
    }
    // (method, path, first tag) of every operation.
    let found: Vec<(HttpMethod, String, Option<String>)> = document
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .flat_map(|(path, item)| {
            operations(item).map(move |(m, op)| {
                let tag = op
                    .get("tags")
                    .and_then(Value::as_array)
                    .and_then(|t| t.first())
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                (m, path.clone(), tag)
            })
        })
        .collect();
    match found.as_slice() {
        [] => Err(Diagnostic::warning(
            "no-operation",
            at,
            "OpenAPI block skipped: it documents no operation under `paths`",
        )),
        [(method, path, tag)] => Ok(PageEndpoint {
            method: *method,
            path: path.clone(),
            tag: tag.clone(),
            heading,
            line: start,
            document,
        }),
        many => Err(Diagnostic::error(
            "several-operations",
            at,
            format!(
                "the block documents {} operations ({}); a docs block holds exactly one",
                many.len(),
                many.iter()
                    .map(|(m, p, _)| format!("{m} {p}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

/// serde_json's message without its " at line L column C" (relative to the block, which would
/// mislead next to the page position).
fn without_position(err: &serde_json::Error) -> String {
    let text = err.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

fn opening_fence(line: &str) -> Option<(char, usize, &str)> {
    let trimmed = line.trim_start_matches(' ');
    if line.len() - trimmed.len() > 3 {
        return None;
    }
    let marker = trimmed.chars().next()?;
    if marker != '`' && marker != '~' {
        return None;
    }
    let len = trimmed.chars().take_while(|&c| c == marker).count();
    if len < 3 {
        return None;
    }
    let info = &trimmed[len..];
    if marker == '`' && info.contains('`') {
        return None;
    }
    Some((marker, len, info.trim()))
}

fn is_closing_fence(line: &str, marker: char, len: usize) -> bool {
    let trimmed = line.trim_start_matches(' ');
    if line.len() - trimmed.len() > 3 {
        return false;
    }
    let run = trimmed.chars().take_while(|&c| c == marker).count();
    run >= len && trimmed[run..].trim().is_empty()
}

/// Removes markdown backslash escapes (`bulk\_update` → `bulk_update`).
fn unescape_markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(&next) = chars.peek() {
                if next.is_ascii_punctuation() {
                    out.push(next);
                    chars.next();
                    continue;
                }
            }
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(text: &str) -> Result<ParsedPage, Diagnostics> {
        parse_page(Path::new("spec/docs/en/x.md"), text)
    }

    const DOC: &str = r#"{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{"/a/{id}":{"get":{"tags":["things"],"responses":{"200":{"description":"OK"}}}}}}"#;

    #[test]
    fn reads_endpoints_with_headings_and_lines() {
        let text = format!("# Page\n\n## Get A\\_b\n\n> desc\n\n```json\n{DOC}\n```\n");
        let p = page(&text).expect("parses");
        assert_eq!(p.endpoints.len(), 1);
        let e = &p.endpoints[0];
        assert_eq!(
            (e.method, e.path.as_str(), e.line),
            (HttpMethod::Get, "/a/{id}", 8)
        );
        assert_eq!(e.heading.as_deref(), Some("Get A_b"));
        assert_eq!(e.tag.as_deref(), Some("things"));
    }

    #[test]
    fn example_payloads_are_skipped_with_a_warning() {
        let text = format!("## A\n```json\n{{\"id\": 1}}\n```\n```json\n{DOC}\n```\n");
        let p = page(&text).expect("parses");
        assert_eq!(p.endpoints.len(), 1);
        let w: Vec<_> = p.warnings.iter().map(|d| d.to_string()).collect();
        assert_eq!(
            w,
            vec![
                "warning[not-openapi]: spec/docs/en/x.md:3: JSON block skipped: it is not an OpenAPI document (no `openapi` field)"
            ]
        );
    }

    #[test]
    fn syntax_errors_name_page_line_and_column() {
        let text = "## A\n\n```json\n{\"openapi\": \"3.1.0\",\n  \"paths\": {,}}\n```\n";
        let err = page(text).expect_err("fails");
        let msg = err.to_string();
        assert_eq!(
            msg,
            "error[json-syntax]: spec/docs/en/x.md:5:13: the JSON block does not parse: key must be a string\n"
        );
    }

    #[test]
    fn cut_off_blocks_are_errors() {
        let text = "## A\n\n```json\n{\"openapi\": \"3.1.0\", \"paths\": {\n```\n";
        let msg = page(text).expect_err("fails").to_string();
        assert!(
            msg.contains("error[json-syntax]: spec/docs/en/x.md:4:") && msg.contains("cut off"),
            "{msg}"
        );
        let unterminated = "## A\n\n```json\n{\"openapi\": \"3.1.0\"";
        let msg = page(unterminated).expect_err("fails").to_string();
        assert!(
            msg.contains(
                "error[json-cut-off]: spec/docs/en/x.md:3: the ```json block is never closed"
            ),
            "{msg}"
        );
    }

    #[test]
    fn duplicates_and_empty_pages_are_errors() {
        let text = format!("## A\n```json\n{DOC}\n```\n## B\n```json\n{DOC}\n```\n");
        let msg = page(&text).expect_err("fails").to_string();
        assert!(msg.contains("error[duplicate-endpoint]: spec/docs/en/x.md:7: GET /a/{id} is documented twice on this page\n  = note: first at line 3"), "{msg}");
        let msg = page("# Nothing here\n\nprose\n")
            .expect_err("fails")
            .to_string();
        assert!(msg.contains("error[no-endpoints]"), "{msg}");
    }
}
