//! Versions and the changelog from regen: the version is bumped once per release however many
//! regens come before it, each changelog line names the docs page behind it, `check` fails on
//! a version not bumped for a breaking change, `release` dates the section; pages are
//! re-downloaded from the URLs recorded in `spec/sources.yaml`.

use std::io::{Read, Write};
use std::net::TcpListener;

use crate::impact::{APPS, CONVERSATIONS, edit_schema, remove_endpoint};
use crate::support::{Sandbox, single_error};

/// A copy of the project just after a release: what the checked-in changelog holds as
/// unreleased is released first, so the tests start from a released version whatever the
/// checked-in state.
fn project() -> (Sandbox, Versions) {
    let sandbox = Sandbox::with(&["spec", "alli-api/src/generated", "alli-api/public-api.txt"]);
    if generator::release(&sandbox.layout(), "2026-01-01").is_err() {
        // Nothing unreleased: the checked-in version is the last release.
        assert!(
            !unreleased(&sandbox).contains("\n### "),
            "{}",
            unreleased(&sandbox)
        );
    }
    let base = version(&sandbox);
    let versions = Versions::after(&base);
    (sandbox, versions)
}

/// The last released version (0.x) and the versions a bump makes of it.
struct Versions {
    base: String,
    /// After a breaking change: 0.(x+1).0.
    minor: String,
    /// After anything else: 0.x.(z+1).
    patch: String,
    /// After anything else following the breaking release: 0.(x+1).1.
    minor_patch: String,
}

impl Versions {
    fn after(base: &str) -> Self {
        let parts: Vec<u64> = base
            .split('.')
            .map(|p| p.parse().expect("a numeric version"))
            .collect();
        let [0, minor, patch] = parts[..] else {
            panic!("the tests expect a 0.x version, found {base}");
        };
        Versions {
            base: base.to_owned(),
            minor: format!("0.{}.0", minor + 1),
            patch: format!("0.{minor}.{}", patch + 1),
            minor_patch: format!("0.{}.1", minor + 1),
        }
    }
}

fn version(sandbox: &Sandbox) -> String {
    let manifest = sandbox.read("alli-api/Cargo.toml");
    let line = manifest
        .lines()
        .find(|l| l.starts_with("version = "))
        .expect("a version line");
    line.trim_start_matches("version = ")
        .trim_matches('"')
        .to_owned()
}

/// The `[Unreleased]` section of the sandbox's changelog.
fn unreleased(sandbox: &Sandbox) -> String {
    let log = sandbox.read("alli-api/CHANGELOG.md");
    let start = log
        .find("## [Unreleased]")
        .expect("an [Unreleased] section");
    let rest = &log[start..];
    let end = rest[1..].find("\n## [").map_or(rest.len(), |i| i + 1);
    rest[..end].to_owned()
}

#[test]
fn regens_before_a_release_bump_the_version_once_and_accumulate_the_changelog() {
    let (sandbox, v) = project();
    // A breaking change: an enum value removed.
    edit_schema(
        &sandbox,
        &APPS,
        "/components/schemas/ObjectAccessType/enum",
        |e| *e = serde_json::json!(["order_1_editor"]),
    );
    let applied = generator::regen(&sandbox.layout(), &[], None).expect("regen");
    let plan = applied.release.expect("a release plan");
    assert_eq!(plan.version.to_string(), v.minor);
    assert_eq!(version(&sandbox), v.minor);
    let section = unreleased(&sandbox);
    assert!(
        section.contains("### Removed\n- **Breaking:** removed `variant alli_api::types::ObjectAccessType::Order2Reader = \"order_2_reader\"  [feature apps]` ([spec/docs/en/apps.md](../spec/docs/en/apps.md))\n"),
        "{section}"
    );
    generator::check(&sandbox.layout()).expect("a clean check after regen");

    // Before the release: an operation removed (its page known only from the old fragment)
    // and a new response field. The version stays.
    remove_endpoint(
        &sandbox,
        &CONVERSATIONS,
        "/webapi/v2/conversations/{conversation_id}/chats/{chat_id}",
    );
    edit_schema(&sandbox, &APPS, "/components/schemas/App/properties", |p| {
        p["archived"] = serde_json::json!({"type": "boolean"});
    });
    let applied = generator::regen(&sandbox.layout(), &[], None).expect("regen");
    assert_eq!(applied.release.expect("plan").version.to_string(), v.minor);
    assert_eq!(version(&sandbox), v.minor);
    let section = unreleased(&sandbox);
    for expected in [
        "### Added\n- new `field alli_api::types::App::archived: Option<bool>  [feature apps]` ([spec/docs/en/apps.md](../spec/docs/en/apps.md))",
        "- **Breaking:** removed `fn alli_api::conversations::Conversations::delete_chat(&self, conversation_id: impl Into<String>, chat_id: impl Into<String>) -> alli_api::conversations::DeleteChat  [feature conversations]` (`DELETE /webapi/v2/conversations/{conversation_id}/chats/{chat_id}`, [spec/docs/en/conversations.md](../spec/docs/en/conversations.md))",
        "- **Breaking:** removed `struct alli_api::conversations::DeleteChat  [feature conversations]` (with ",
        "- **Breaking:** removed `variant alli_api::types::ObjectAccessType::Order2Reader",
    ] {
        assert!(
            section.contains(expected),
            "missing {expected} in:\n{section}"
        );
    }
    generator::check(&sandbox.layout()).expect("a clean check");

    // A version set back by hand fails the check, naming the version it needs.
    let manifest = sandbox.read("alli-api/Cargo.toml");
    sandbox.write(
        "alli-api/Cargo.toml",
        &manifest.replacen(
            &format!("version = \"{}\"", v.minor),
            &format!("version = \"{}\"", v.patch),
            1,
        ),
    );
    let failure = generator::check(&sandbox.layout()).expect_err("version not bumped");
    let text = failure.to_string();
    assert!(
        text.contains(&format!("error[version]: alli-api/Cargo.toml: version {} is not bumped for the breaking changes that alli-api/CHANGELOG.md lists since {}: it must be at least {}", v.patch, v.base, v.minor)),
        "{text}"
    );
    // The release refuses a stale tree.
    assert!(generator::release(&sandbox.layout(), "2026-12-24").is_err());
    sandbox.write("alli-api/Cargo.toml", &manifest);

    // The release moves [Unreleased] under the version.
    let released = generator::release(&sandbox.layout(), "2026-12-24").expect("release");
    assert_eq!(released.to_string(), v.minor);
    let log = sandbox.read("alli-api/CHANGELOG.md");
    assert!(
        log.contains(&format!("## [Unreleased]\n\n## [{}] - 2026-12-24\n\n### Added\n- new `field alli_api::types::App::archived", v.minor)),
        "{log}"
    );
    generator::check(&sandbox.layout()).expect("a clean check after the release");
    let err = generator::release(&sandbox.layout(), "2026-12-25").expect_err("nothing to release");
    assert!(single_error(&err).contains("nothing to release"), "{err}");

    // The next additive change after the release is a patch of it.
    edit_schema(&sandbox, &APPS, "/components/schemas/App/properties", |p| {
        p["pinned"] = serde_json::json!({"type": "boolean"});
    });
    generator::regen(&sandbox.layout(), &[], None).expect("regen");
    assert_eq!(version(&sandbox), v.minor_patch);
    generator::check(&sandbox.layout()).expect("a clean check");
}

#[test]
fn a_docs_text_change_is_a_patch_without_api_lines() {
    let (sandbox, v) = project();
    edit_schema(
        &sandbox,
        &APPS,
        "/components/schemas/App/properties/name",
        |s| s["description"] = serde_json::json!("The app's display name"),
    );
    let applied = generator::regen(&sandbox.layout(), &[], None).expect("regen");
    assert!(applied.impact.expect("impact").changes.is_empty());
    assert_eq!(version(&sandbox), v.patch);
    let section = unreleased(&sandbox);
    assert!(
        section.contains("### Changed\n- Regenerated from [spec/docs/en/apps.md](../spec/docs/en/apps.md); no change to the public API.\n"),
        "{section}"
    );
    generator::check(&sandbox.layout()).expect("a clean check");
}

#[test]
fn the_impact_report_without_semver_checks_is_a_pull_request_body() {
    let (sandbox, v) = project();
    edit_schema(
        &sandbox,
        &APPS,
        "/components/schemas/ObjectAccessType/enum",
        |e| *e = serde_json::json!(["order_1_editor", "order_2_reader", "order_3_viewer"]),
    );
    let work = sandbox.path("work");
    let check = generator::report::impact_check(&sandbox.layout(), None, &work).expect("check");
    assert!(!check.impact.is_breaking(), "{}", check.text());
    let body = check.markdown();
    for expected in [
        format!("## Docs drift: alli-api {} → {}\n", v.base, v.patch),
        format!(
            "Version: **alli-api {} → {} (compatible API changes since {})**",
            v.base, v.patch, v.base
        ),
        "#### Added\n\n- new `variant alli_api::types::ObjectAccessType::Order3Viewer = \"order_3_viewer\"  [feature apps]` ([spec/docs/en/apps.md](spec/docs/en/apps.md))\n".to_owned(),
    ] {
        assert!(body.contains(&expected), "missing {expected} in:\n{body}");
    }
    // Nothing was written.
    assert_eq!(version(&sandbox), v.base);
}

/// Serves `page` to `count` requests on a local port; returns the page's URL.
fn serve(page: String, count: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(count) {
            let Ok(mut stream) = stream else { continue };
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: text/markdown\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                page.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(page.as_bytes());
        }
    });
    format!("http://127.0.0.1:{port}/docs/apps.md")
}

#[test]
fn pages_imported_from_urls_are_recorded_and_refreshed() {
    let sandbox = Sandbox::with(&["spec/docs", "spec/fragments", "spec/sources.yaml"]);
    let page = sandbox.read(APPS[0]);
    let url = serve(page.clone(), 1);
    generator::import_only(
        &sandbox.layout(),
        &[generator::PageSource::parse(&url)],
        None,
    )
    .expect("import from a URL");
    let sources = sandbox.read("spec/sources.yaml");
    assert!(
        sources.contains(&format!("  spec/docs/en/apps.md: \"{url}\"\n"))
            || sources.contains(&format!("  spec/docs/en/apps.md: {url}\n")),
        "{sources}"
    );
    // The published page changes; a refresh downloads it again under its recorded path.
    let changed = page.replace("Get a list of apps.", "Lists the apps.");
    assert_ne!(changed, page);
    let new_url = serve(changed.clone(), 1);
    sandbox.write("spec/sources.yaml", &sources.replace(&url, &new_url));
    let applied = generator::refresh(&sandbox.layout()).expect("refresh");
    assert_eq!(sandbox.read(APPS[0]), changed);
    assert!(
        applied
            .fragment_report
            .iter()
            .any(|l| l.contains("changed") && l.contains("GET /webapi/v2/apps")),
        "{:?}",
        applied.fragment_report
    );
    // An unreachable URL fails naming the page, and writes nothing.
    let dead = {
        let l = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = l.local_addr().expect("addr").port();
        drop(l);
        format!("http://127.0.0.1:{port}/apps.md")
    };
    sandbox.write(
        "spec/sources.yaml",
        &sandbox.read("spec/sources.yaml").replace(&new_url, &dead),
    );
    let before = sandbox.snapshot();
    let err = generator::refresh(&sandbox.layout()).expect_err("unreachable");
    let text = single_error(&err);
    assert!(
        text.contains("spec/sources.yaml") && text.contains("page spec/docs/en/apps.md"),
        "{text}"
    );
    assert_eq!(sandbox.snapshot(), before);
}
