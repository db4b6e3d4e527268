//! The examples of `alli-api`: the tour runs offline (no `ALLI_API_KEY`, so against
//! `alli_api::mock` started in-process), exits 0 and prints every milestone, the mock's
//! verification included; and each Rust code block
//! of `alli-api/README.md` is an excerpt of an example, so the README shows code that compiles.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// The workspace root (this crate is `tests/`).
fn workspace() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// Runs `cargo run -p alli-api --example <name>` without `ALLI_API_KEY` (so offline) and
/// returns its standard output; panics with both outputs when it fails.
fn run_example(name: &str) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args(["run", "--quiet", "-p", "alli-api", "--example", name])
        .current_dir(workspace())
        .env_remove("ALLI_API_KEY")
        .stdin(Stdio::null())
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "example {name} failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    stdout
}

/// What the tour must print, in this order: one line per feature it shows.
const MILESTONES: &[&str] = &[
    "No ALLI_API_KEY, so the tour runs against the mock Alli server of",
    "1. A client",
    "Debug output never shows the key",
    "API-KEY <redacted>",
    // a typed filter and order, and the Korean OWN-USER-ID base64-encoded on the wire
    "next cursor: Some(\"cur_2\")",
    "wire: GET /webapi/v2/conversations?pageSize=2&activeOnly=true&order=LAST_CHAT_TIME_DESC → 200",
    "OWN-USER-ID: base64:6rOg6rCdLTQy",
    // every conversation across pages
    "6 conversations in 3 requests",
    // page-number pagination
    "page 1: 100 chats (of 230)",
    "page 3: 30 chats (of 230)",
    "into_stream(): 230 chats, in order",
    // PATCH with a null field, then PUT
    r#"body {"assignee":null,"title":"연차 신청 방법 문의 (reviewed)"}"#,
    "title restored with update_title (PUT)",
    // apps, cursor-paginated
    "HR 도우미 [agent, HR]",
    "wire: GET /webapi/v2/apps?pageSize=2&cursor=cur_2 → 200",
    // runs: sync, streamed (typed events), background
    "A: In your first year you earn one day of paid leave",
    "HTTP 200 OK, Some(\"text/event-stream\")",
    "[Reasoning…]",
    "streamed 10 events",
    r#""mode":"stream""#,
    "still running…",
    "background run finished: 3 tickets are open",
    // generative answer over SSE
    "pick the \"Seoul-HQ\" gateway [1]",
    "[1] IT Security Policy.pdf",
    // errors: typed API error, typed error body, envelope error
    "conversations.get: HTTP 404 Not Found: Conversation not found",
    "GetGenerativeAnswerError { errors: Some(\"query must not be empty\") }",
    "envelope error: status Some(200)",
    // per-request options
    ".timeout(1 ms).max_retries(0): conversations.list: no complete response within 1ms",
    "→ 503",
    "retry_after() Some(50ms)",
    "OWN-USER-ID: base64:55Sw5LitLTc=",
    "(no OWN-USER-ID header)",
    "X-Request-Id: tour-42",
    "Tour complete: 33 requests to the mock server, all as expected.",
];

#[test]
fn the_tour_runs_offline_against_the_mock() {
    let started = Instant::now();
    let stdout = run_example("tour");
    let mut rest: &str = &stdout;
    for milestone in MILESTONES {
        match rest.find(milestone) {
            Some(at) => rest = &rest[at + milestone.len()..],
            None => panic!(
                "the tour did not print {milestone:?} (or not after the previous milestone):\n{stdout}"
            ),
        }
    }
    eprintln!("tour built and ran in {:?}", started.elapsed());
}

/// `mock_test` is a downstream test written as an example: it asserts, so exit 0 means every
/// check of it held.
#[test]
fn the_mock_example_passes_its_own_checks() {
    let stdout = run_example("mock_test");
    assert!(
        stdout.contains(r#"conversations.get: HTTP 418 I'm a teapot: no rule matched `GET /webapi/v2/conversations/c9`; closest: rule #1 (alli-api/examples/mock_test.rs:"#),
        "{stdout}"
    );
    assert!(
        stdout.contains("alli_api::mock: 2 problems found:"),
        "{stdout}"
    );
}

/// The lines of a piece of Rust code that matter for the comparison: trimmed, blank ones left out.
fn code_lines(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
}

/// Where `part` stands in `file` as consecutive lines, from line `from` on.
fn find_lines(file: &[&str], part: &[&str], from: usize) -> Option<usize> {
    (from..=file.len().saturating_sub(part.len())).find(|&i| file[i..].starts_with(part))
}

/// The ```rust blocks of a Markdown text.
fn rust_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match &mut current {
            None if line.trim_start().starts_with("```rust") => current = Some(String::new()),
            Some(block) if line.trim_start().starts_with("```") => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
            None => {}
        }
    }
    blocks
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("examples/ is readable") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Each Rust block of the README, split at `// ...` lines, stands in one example file: its
/// parts as consecutive lines (indentation aside), in order. The examples are compiled (and
/// linted) with the workspace, so the README's code is real API.
#[test]
fn readme_code_blocks_are_excerpts_of_the_examples() {
    let crate_dir = workspace().join("alli-api");
    let readme = std::fs::read_to_string(crate_dir.join("README.md")).expect("README.md");
    let mut paths = Vec::new();
    rust_files(&crate_dir.join("examples"), &mut paths);
    let sources: Vec<(PathBuf, String)> = paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("example source");
            (p, text)
        })
        .collect();
    let blocks = rust_blocks(&readme);
    assert!(
        blocks.len() >= 8,
        "expected the README's code blocks, found {}",
        blocks.len()
    );
    for block in &blocks {
        let lines = code_lines(block);
        let parts: Vec<&[&str]> = lines.split(|l| *l == "// ...").collect();
        let found = sources.iter().any(|(_, source)| {
            let file = code_lines(source);
            let mut from = 0;
            parts
                .iter()
                .all(|part| match find_lines(&file, part, from) {
                    Some(at) => {
                        from = at + part.len();
                        true
                    }
                    None => false,
                })
        });
        assert!(
            found,
            "this README block is not an excerpt of any file under alli-api/examples \
             (update the README or the example):\n{block}"
        );
    }
}
