//! The import stage: docs pages → fragments, on the real pages and on broken ones.

use std::fs;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};

use crate::support::{Sandbox, json_blocks, project_root};
use generator::{Change, PageSource};

fn fragment_files(root: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in fs::read_dir(dir).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "yaml") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&root.join("spec/fragments"), &mut out);
    out.sort();
    out
}

#[test]
fn every_fragment_reads_back_as_exactly_its_json_block() {
    let root = project_root();
    let fragments = fragment_files(&root);
    assert_eq!(
        fragments.len(),
        33,
        "11 + 11 English and 11 Korean endpoints"
    );
    let mut matched_per_page = std::collections::BTreeMap::<String, usize>::new();
    for file in &fragments {
        let text = fs::read_to_string(file).expect("read fragment");
        let first = text.lines().next().expect("header line");
        let page = first
            .split("imported from ")
            .nth(1)
            .and_then(|s| s.split(' ').next())
            .unwrap_or_else(|| panic!("{}: header names no page: {first}", file.display()));
        let value: serde_json::Value =
            serde_yaml::from_str(&text).expect("fragment parses as YAML");
        let blocks = json_blocks(&fs::read_to_string(root.join(page)).expect("read page"));
        // Same value *and* same key order: compare the serialized text.
        let ours = serde_json::to_string(&value).expect("serialize");
        let hits = blocks
            .iter()
            .filter(|b| serde_json::to_string(b).expect("serialize") == ours)
            .count();
        assert_eq!(
            hits,
            1,
            "{} must equal exactly one block of {page}",
            file.display()
        );
        *matched_per_page.entry(page.to_owned()).or_default() += 1;
    }
    for (page, matched) in matched_per_page {
        let blocks = json_blocks(&fs::read_to_string(root.join(&page)).expect("read page"));
        assert_eq!(
            matched,
            blocks.len(),
            "every block of {page} has its fragment"
        );
    }
}

#[test]
fn importing_a_fresh_copy_reproduces_the_checked_in_fragments_byte_for_byte() {
    let sandbox = Sandbox::with(&["spec/docs"]);
    let applied = generator::import_only(&sandbox.layout(), &[], None).expect("import succeeds");
    assert_eq!(applied.fragment_report.len(), 33);
    assert!(
        applied
            .fragment_report
            .iter()
            .all(|l| l.starts_with("added ")),
        "{:#?}",
        applied.fragment_report
    );
    let theirs = fragment_files(sandbox.root());
    let ours = fragment_files(&project_root());
    let rel = |root: &Path, v: &[PathBuf]| {
        v.iter()
            .map(|p| p.strip_prefix(root).expect("rel").to_path_buf())
            .collect::<Vec<_>>()
    };
    assert_eq!(rel(sandbox.root(), &theirs), rel(&project_root(), &ours));
    for (a, b) in theirs.iter().zip(&ours) {
        assert_eq!(
            fs::read(a).expect("read"),
            fs::read(b).expect("read"),
            "{}",
            b.display()
        );
    }
    // A second run changes nothing.
    let again = generator::import_only(&sandbox.layout(), &[], None).expect("import succeeds");
    assert!(
        again
            .fragment_report
            .iter()
            .all(|l| l.starts_with("unchanged "))
    );
    assert!(again.changes.is_empty());
}

#[test]
fn a_vanished_endpoint_loses_its_fragment_and_a_new_one_is_added() {
    let sandbox = Sandbox::with(&["spec/docs", "spec/fragments"]);
    let page = sandbox.read("spec/docs/en/apps.md");
    // Drop the "GET /webapi/apps" section (heading, quote, block).
    let start = page.find("## GET /webapi/apps").expect("section");
    let end = page[start..]
        .find("## POST /webapi/apps")
        .expect("next section")
        + start;
    sandbox.write(
        "spec/docs/en/apps.md",
        &format!("{}{}", &page[..start], &page[end..]),
    );
    let applied = generator::import_only(&sandbox.layout(), &[], None).expect("import succeeds");
    let removed: Vec<_> = applied
        .fragment_report
        .iter()
        .filter(|l| l.starts_with("removed"))
        .collect();
    assert_eq!(removed.len(), 1, "{:#?}", applied.fragment_report);
    assert!(
        removed[0].ends_with("spec/fragments/en/apps/get-webapi-apps.yaml"),
        "{}",
        removed[0]
    );
    assert!(
        !sandbox
            .path("spec/fragments/en/apps/get-webapi-apps.yaml")
            .exists()
    );
    assert_eq!(
        applied
            .fragment_report
            .iter()
            .filter(|l| l.starts_with("unchanged"))
            .count(),
        32
    );
}

#[test]
fn a_changed_block_is_reported_as_changed() {
    let sandbox = Sandbox::with(&["spec/docs", "spec/fragments"]);
    let page = sandbox.read("spec/docs/en/apps.md");
    sandbox.write(
        "spec/docs/en/apps.md",
        &page.replacen("\"Get a specific app by ID.\"", "\"Get one app.\"", 1),
    );
    let applied = generator::import_only(&sandbox.layout(), &[], None).expect("import succeeds");
    let changed: Vec<_> = applied
        .fragment_report
        .iter()
        .filter(|l| l.starts_with("changed"))
        .collect();
    assert_eq!(changed.len(), 1);
    assert!(
        changed[0].contains("GET /webapi/v2/apps/{app_id}"),
        "{}",
        changed[0]
    );
}

/// Runs an import that must fail; returns the message and asserts that nothing under the
/// sandbox changed.
fn failing_import(sandbox: &Sandbox, sources: &[PageSource], locale: Option<&str>) -> String {
    let before = sandbox.snapshot();
    let failure =
        generator::import_only(&sandbox.layout(), sources, locale).expect_err("import must fail");
    assert_eq!(
        before,
        sandbox.snapshot(),
        "a failed import must not touch any file"
    );
    failure.to_string()
}

fn page_file(sandbox: &Sandbox, name: &str, text: &str) -> PageSource {
    let path = sandbox.path(&format!("incoming/{name}"));
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    fs::write(&path, text).expect("write");
    PageSource::File(path)
}

const BLOCK: &str = r#"{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{"/webapi/new":{"get":{"tags":["extra"],"operationId":"getNew","responses":{"200":{"description":"OK"}}}}}}"#;

#[test]
fn a_page_without_endpoints_is_an_error_and_changes_nothing() {
    let sandbox = Sandbox::with(&["spec/docs", "spec/fragments"]);
    let src = page_file(
        &sandbox,
        "empty.md",
        "# Empty\n\nNothing documented here.\n\n```json\n{\"example\": true}\n```\n",
    );
    let msg = failing_import(&sandbox, &[src], None);
    assert!(
        msg.contains("error[no-endpoints]: spec/docs/en/empty.md: the page holds no endpoint"),
        "{msg}"
    );
    assert!(
        msg.contains("warning[not-openapi]: spec/docs/en/empty.md:6: JSON block skipped"),
        "{msg}"
    );
}

#[test]
fn a_block_that_does_not_parse_names_page_line_and_column() {
    let sandbox = Sandbox::with(&["spec/docs", "spec/fragments"]);
    let broken = BLOCK.replacen("\"info\":", "\"info\"", 1);
    let src = page_file(
        &sandbox,
        "broken.md",
        &format!("# Broken\n\n## New\n\n```json\n{broken}\n```\n"),
    );
    let msg = failing_import(&sandbox, &[src], None);
    assert!(msg.contains("error[json-syntax]: spec/docs/en/broken.md:6:26: the JSON block does not parse: expected `:`"), "{msg}");
}

#[test]
fn a_cut_off_block_is_an_error() {
    let sandbox = Sandbox::with(&["spec/docs", "spec/fragments"]);
    let cut = &BLOCK[..BLOCK.len() / 2];
    let src = page_file(
        &sandbox,
        "cut.md",
        &format!("# Cut\n\n## New\n\n```json\n{cut}\n```\n"),
    );
    let msg = failing_import(&sandbox, &[src], None);
    assert!(
        msg.contains("error[json-syntax]: spec/docs/en/cut.md:6:")
            && msg.contains("the JSON block is cut off (it ends before the document is complete)"),
        "{msg}"
    );
    // A page that ends inside the block.
    let src = page_file(
        &sandbox,
        "cut2.md",
        &format!("# Cut\n\n## New\n\n```json\n{cut}"),
    );
    let msg = failing_import(&sandbox, &[src], None);
    assert!(
        msg.contains(
            "error[json-cut-off]: spec/docs/en/cut2.md:5: the ```json block is never closed"
        ),
        "{msg}"
    );
}

#[test]
fn two_blocks_for_one_method_and_path_are_an_error() {
    let sandbox = Sandbox::with(&["spec/docs", "spec/fragments"]);
    let src = page_file(
        &sandbox,
        "twice.md",
        &format!("## A\n\n```json\n{BLOCK}\n```\n\n## B\n\n```json\n{BLOCK}\n```\n"),
    );
    let msg = failing_import(&sandbox, &[src], None);
    assert!(msg.contains("error[duplicate-endpoint]: spec/docs/en/twice.md:10: GET /webapi/new is documented twice on this page\n  = note: first at line 4"), "{msg}");
    // The same endpoint on two pages of one locale.
    let page = sandbox.read("spec/docs/en/apps.md");
    let src = page_file(&sandbox, "apps-copy.md", &page);
    let msg = failing_import(&sandbox, &[src], None);
    assert!(
        msg.contains("is also documented on another page of locale `en`"),
        "{msg}"
    );
}

#[test]
fn an_unreachable_url_is_an_error() {
    let sandbox = Sandbox::with(&["spec/docs", "spec/fragments"]);
    // A port that was just free: nothing listens there.
    let port = TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let url = format!("http://127.0.0.1:{port}/docs/extra.md");
    let msg = failing_import(&sandbox, &[PageSource::parse(&url)], None);
    assert!(
        msg.contains(&format!(
            "error[fetch]: {url}: cannot fetch the page: cannot connect"
        )),
        "{msg}"
    );
}

/// Serves one HTTP response to each of `n` requests, then stops.
fn serve(status: &'static str, body: String, n: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for stream in listener.incoming().take(n) {
            let mut stream = stream.expect("accept");
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    format!("http://{addr}")
}

#[test]
fn a_page_at_a_url_is_stored_under_spec_docs_and_imported() {
    let sandbox = Sandbox::with(&["spec/docs", "spec/fragments"]);
    let base = serve(
        "200 OK",
        format!("# Extra\n\n## Get New\n\n```json\n{BLOCK}\n```\n"),
        1,
    );
    let applied = generator::import_only(
        &sandbox.layout(),
        &[PageSource::parse(&format!("{base}/docs/extra.md?x=1"))],
        None,
    )
    .expect("import succeeds");
    assert_eq!(
        sandbox.read("spec/docs/en/extra.md").lines().next(),
        Some("# Extra")
    );
    assert!(
        sandbox
            .path("spec/fragments/en/extra/get-webapi-new.yaml")
            .exists()
    );
    let added: Vec<_> = applied
        .fragment_report
        .iter()
        .filter(|l| l.starts_with("added"))
        .collect();
    assert_eq!(
        added,
        vec!["added     GET /webapi/new  spec/fragments/en/extra/get-webapi-new.yaml"]
    );
    assert!(
        applied
            .changes
            .iter()
            .any(|(p, c)| p == Path::new("spec/docs/en/extra.md") && *c == Change::Added)
    );

    let base = serve("404 Not Found", "gone".to_owned(), 1);
    let msg = failing_import(
        &sandbox,
        &[PageSource::parse(&format!("{base}/docs/missing.md"))],
        None,
    );
    assert!(
        msg.contains("cannot fetch the page: the server answered 404 Not Found"),
        "{msg}"
    );
}

#[test]
fn a_page_given_as_a_file_goes_to_the_chosen_locale() {
    let sandbox = Sandbox::with(&["spec/docs", "spec/fragments"]);
    let ko = sandbox.read("spec/docs/ko/conversations.md");
    let src = page_file(
        &sandbox,
        "conversations.md",
        &ko.replace("대화 설정", "대화를 설정"),
    );
    let applied =
        generator::import_only(&sandbox.layout(), &[src], Some("ko")).expect("import succeeds");
    assert!(
        sandbox
            .read("spec/docs/ko/conversations.md")
            .contains("대화를 설정")
    );
    let changed = applied
        .fragment_report
        .iter()
        .filter(|l| l.starts_with("changed"))
        .count();
    assert_eq!(changed, 2, "{:#?}", applied.fragment_report);
}

#[test]
fn a_translation_that_disagrees_in_structure_is_an_error_naming_endpoint_and_pointer() {
    let sandbox = Sandbox::with(&["spec/docs", "spec/fragments"]);
    let ko = sandbox.read("spec/docs/ko/conversations.md");
    // The Korean page says pageNo is a string, and drops the stop endpoint.
    let changed = ko.replacen(
        r#""title":"Pageno","type":"integer""#,
        r#""title":"Pageno","type":"string""#,
        1,
    );
    assert_ne!(changed, ko, "fixture edit applies");
    let start = changed.find("## Stop Conversation").expect("section");
    let end = changed[start..].find("## DELETE").expect("next") + start;
    let changed = format!("{}{}", &changed[..start], &changed[end..]);
    let src = page_file(&sandbox, "conversations.md", &changed);
    let msg = failing_import(&sandbox, &[src], Some("ko"));
    assert!(
        msg.contains("error[locale-mismatch]: spec/docs/ko/conversations.md:46: GET /webapi/v2/conversations/{conversation_id}/chats differs in structure from spec/docs/en/conversations.md:46 at 1 place\n  = note: #/components/schemas/ChatsResponse/properties/pageNo/type: \"string\" here, \"integer\" in the primary page"),
        "{msg}"
    );
    assert!(msg.contains("error[locale-mismatch]: spec/docs/ko/conversations.md: POST /webapi/v2/conversations/{conversation_id}/stop is documented on spec/docs/en/conversations.md:62 but missing here"), "{msg}");
}

#[test]
fn a_translation_without_its_original_is_an_error() {
    let sandbox = Sandbox::with(&["spec/docs", "spec/fragments"]);
    let src = page_file(
        &sandbox,
        "apps.md",
        &format!("## 새로운\n\n```json\n{BLOCK}\n```\n"),
    );
    let msg = failing_import(&sandbox, &[src], Some("ja"));
    // en/apps.md exists but has no GET /webapi/new, and lacks all the others here.
    assert!(msg.contains("error[locale-mismatch]: spec/docs/ja/apps.md:4: GET /webapi/new is not documented on spec/docs/en/apps.md"), "{msg}");
    let src = page_file(
        &sandbox,
        "orphan.md",
        &format!("## 새로운\n\n```json\n{BLOCK}\n```\n"),
    );
    let msg = failing_import(&sandbox, &[src], Some("ja"));
    assert!(msg.contains("error[locale-mismatch]: spec/docs/ja/orphan.md: no primary-locale page spec/docs/en/orphan.md to compare with"), "{msg}");
}

#[test]
fn the_translated_korean_page_agrees_with_the_english_one() {
    // The real pages: translated prose, same structure → no error.
    let sandbox = Sandbox::with(&["spec/docs"]);
    let applied = generator::import_only(&sandbox.layout(), &[], None).expect("import succeeds");
    assert!(!applied.warnings.has_errors());
}

#[test]
fn endpoints_whose_file_names_coincide_get_distinct_names_whatever_the_page_order() {
    let block = |path: &str, id: &str| {
        format!(
            "```json\n{}\n```\n",
            serde_json::json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
                "paths": {path: {"get": {"operationId": id, "tags": ["jobs"],
                    "responses": {"200": {"description": "OK"}}}}}})
        )
    };
    let endpoints = [
        ("/jobs", "list"),
        ("/jobs/", "listSlash"),
        ("/jobs/slash", "slash"),
        ("/jobs/a-b", "dashed"),
        ("/jobs/a/b", "nested"),
    ];
    let mut stored: Vec<Vec<(String, String)>> = Vec::new();
    for order in [[0, 1, 2, 3, 4], [4, 3, 2, 1, 0]] {
        let sandbox = Sandbox::empty();
        // Two pages, the endpoints spread over them in this order.
        let (first, second) = order.split_at(2);
        for (name, part) in [("one.md", first), ("two.md", second)] {
            let text: String = part
                .iter()
                .map(|&i| {
                    format!(
                        "## {}\n\n{}\n",
                        endpoints[i].1,
                        block(endpoints[i].0, endpoints[i].1)
                    )
                })
                .collect();
            sandbox.write(
                &format!("spec/docs/en/{name}"),
                &format!("# Jobs\n\n{text}"),
            );
        }
        generator::regen(&sandbox.layout(), &[], None).expect("imports and generates");
        let files: Vec<(String, String)> = fragment_files(sandbox.root())
            .into_iter()
            .map(|f| {
                let name = f.file_name().expect("name").to_string_lossy().into_owned();
                let text = fs::read_to_string(&f).expect("fragment");
                let path = endpoints
                    .iter()
                    .map(|(p, _)| *p)
                    .filter(|p| text.contains(&format!("\n  {p}:\n")))
                    .collect::<Vec<_>>()
                    .join(" ");
                (name, path)
            })
            .collect();
        stored.push(files);
    }
    let expected: Vec<(String, String)> = [
        ("get-jobs-a-b-2.yaml", "/jobs/a/b"),
        ("get-jobs-a-b.yaml", "/jobs/a-b"),
        ("get-jobs-slash-2.yaml", "/jobs/slash"),
        ("get-jobs-slash.yaml", "/jobs/"),
        ("get-jobs.yaml", "/jobs"),
    ]
    .iter()
    .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
    .collect();
    assert_eq!(stored[0], expected);
    assert_eq!(stored[1], expected);
}
