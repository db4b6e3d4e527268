//! The run's report: `report.json` (every document), `summary.md` (rates of both generators,
//! failure categories, one row per document).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::inputs::Source;
use crate::run::{DocResult, Stage};

/// What describes the run itself.
#[derive(Debug, Clone, Default)]
pub struct RunInfo {
    /// The command line.
    pub command: String,
    /// Versions: generator commit, rustc, packages, openapi-generator, Java.
    pub versions: Vec<(String, String)>,
    /// The APIs.guru sample seed and size, when sampled.
    pub sample: Option<(usize, u64)>,
    /// Worker count.
    pub jobs: usize,
    /// Seconds since start.
    pub secs: f64,
    /// Whether clippy ran.
    pub clippy: bool,
    /// `cargo check` instead of `cargo build`.
    pub check_only: bool,
    /// Whether openapi-generator ran.
    pub oag: bool,
}

/// The machine-readable report.
pub fn to_json(info: &RunInfo, results: &[DocResult]) -> Value {
    let docs: Vec<Value> = results.iter().map(doc_json).collect();
    json!({
        "command": info.command,
        "versions": info.versions.iter().cloned().collect::<BTreeMap<_, _>>(),
        "sample": info.sample.map(|(n, seed)| json!({"size": n, "seed": seed})),
        "jobs": info.jobs,
        "compile": if info.check_only { "check" } else { "build" },
        "seconds": info.secs,
        "totals": Source::all().iter().map(|s| (s.name().to_owned(), totals(results, Some(*s)).to_json()))
            .collect::<serde_json::Map<_, _>>(),
        "categories": categories(results).iter().map(|c| json!({
            "category": c.key, "count": c.docs.len(), "documents": c.docs, "first_error": c.first_error,
        })).collect::<Vec<_>>(),
        "documents": docs,
    })
}

fn doc_json(r: &DocResult) -> Value {
    json!({
        "id": r.id,
        "openapi": r.openapi,
        "origin": r.origin,
        "operations": r.operations,
        "pages": r.pages,
        "page_bytes": r.page_bytes,
        "notes": r.notes,
        "skipped": r.skipped,
        "reached": r.reached().map(Stage::name),
        "passed": r.passed.iter().map(|s| s.name()).collect::<Vec<_>>(),
        "failed": r.failed.as_ref().map(|f| json!({
            "stage": f.stage.name(), "code": f.code, "message": f.message, "detail": f.detail,
        })),
        "generator": r.regen,
        "seconds": r.times.iter().map(|(s, t)| (s.name().to_owned(), json!((t * 1000.0).round() / 1000.0)))
            .collect::<serde_json::Map<_, _>>(),
        "wall_seconds": (r.wall * 1000.0).round() / 1000.0,
        "openapi_generator": r.oag.as_ref().map(|o| json!({
            "generated": o.generated, "builds": o.builds, "warning_free": o.warning_free,
            "failure": o.failure.as_ref().map(|(s, c, m)| json!({"stage": s, "code": c, "message": m})),
            "generate_seconds": o.generate_secs, "build_seconds": o.build_secs,
        })),
    })
}

impl Source {
    /// Every source.
    pub fn all() -> [Source; 2] {
        [Source::OasExamples, Source::ApisGuru]
    }
}

/// Counts over a set of documents.
#[derive(Debug, Clone, Default)]
pub struct Totals {
    /// Documents run.
    pub documents: usize,
    /// Of which not applicable (Swagger, no operation).
    pub skipped: usize,
    /// Passed each stage.
    pub passed: BTreeMap<Stage, usize>,
    /// Panics and crashes of the generator.
    pub panics: usize,
    /// openapi-generator: ran, generated, builds, builds warning-free.
    pub oag: [usize; 4],
    /// Operations of the applicable documents.
    pub operations: usize,
    /// Seconds of our pipeline, summed.
    pub secs: f64,
    /// Seconds of openapi-generator (generate + build), summed.
    pub oag_secs: f64,
}

impl Totals {
    /// Applicable documents.
    pub fn applicable(&self) -> usize {
        self.documents - self.skipped
    }

    /// Documents whose crate builds warning-free.
    pub fn builds(&self) -> usize {
        self.passed.get(&Stage::Build).copied().unwrap_or(0)
    }

    fn to_json(&self) -> Value {
        json!({
            "documents": self.documents,
            "skipped": self.skipped,
            "applicable": self.applicable(),
            "operations": self.operations,
            "passed": self.passed.iter().map(|(s, n)| (s.name().to_owned(), json!(n))).collect::<serde_json::Map<_, _>>(),
            "builds_warning_free": self.builds(),
            "panics": self.panics,
            "openapi_generator": {"ran": self.oag[0], "generated": self.oag[1], "builds": self.oag[2], "warning_free": self.oag[3]},
            "seconds": self.secs,
            "openapi_generator_seconds": self.oag_secs,
        })
    }
}

/// Totals over the documents of `source` (all when `None`).
pub fn totals(results: &[DocResult], source: Option<Source>) -> Totals {
    totals_of(
        results
            .iter()
            .filter(|r| source.is_none_or(|s| r.source == s)),
    )
}

fn totals_of<'a>(results: impl Iterator<Item = &'a DocResult>) -> Totals {
    let mut t = Totals::default();
    for r in results {
        t.documents += 1;
        if r.skipped.is_some() {
            t.skipped += 1;
            continue;
        }
        t.operations += r.operations;
        for s in &r.passed {
            *t.passed.entry(*s).or_default() += 1;
        }
        t.panics += usize::from(r.panicked());
        t.secs += r.wall;
        if let Some(o) = &r.oag {
            t.oag[0] += 1;
            t.oag[1] += usize::from(o.generated);
            t.oag[2] += usize::from(o.builds);
            t.oag[3] += usize::from(o.warning_free);
            t.oag_secs += o.generate_secs + o.build_secs;
        }
    }
    t
}

/// A failure category: same stage, same code, same message once names are blanked out.
#[derive(Debug, Clone)]
pub struct Category {
    /// `build: E0308 mismatched types`.
    pub key: String,
    /// The documents in it.
    pub docs: Vec<String>,
    /// The first document's first error, verbatim.
    pub first_error: String,
}

/// Our failures grouped, largest group first.
pub fn categories(results: &[DocResult]) -> Vec<Category> {
    group(results.iter().filter_map(|r| {
        let f = r.failed.as_ref()?;
        let message = match f.code.as_str() {
            "panic" => f.message.clone(),
            _ => strip_location(&f.message),
        };
        let first_line = message.lines().next().unwrap_or("");
        let key = format!("{}: {} {}", f.stage.name(), f.code, normalize(first_line));
        Some((key, r.id.clone(), f.message.clone()))
    }))
}

/// openapi-generator's failures grouped.
pub fn oag_categories(results: &[DocResult]) -> Vec<Category> {
    group(results.iter().filter_map(|r| {
        let (stage, code, message) = r.oag.as_ref()?.failure.as_ref()?;
        let first_line = strip_location(message.lines().next().unwrap_or(""));
        let key = format!("{stage}: {code} {}", normalize(&first_line));
        Some((key, r.id.clone(), message.clone()))
    }))
}

fn group(items: impl Iterator<Item = (String, String, String)>) -> Vec<Category> {
    let mut map: BTreeMap<String, Category> = BTreeMap::new();
    for (key, id, message) in items {
        map.entry(key.clone())
            .or_insert_with(|| Category {
                key,
                docs: Vec::new(),
                first_error: message,
            })
            .docs
            .push(id);
    }
    let mut out: Vec<Category> = map.into_values().collect();
    out.sort_by(|a, b| b.docs.len().cmp(&a.docs.len()).then(a.key.cmp(&b.key)));
    out
}

/// `error[code]: spec/fragments/x.yaml:12: #/paths/...: message` → `message`;
/// `error[E0308]: mismatched types` stays.
fn strip_location(message: &str) -> String {
    let first = message.lines().next().unwrap_or("");
    if let Some(rest) = first.strip_prefix("error[") {
        if let Some((_, after)) = rest.split_once("]: ") {
            // The location ends at the last ": " before the message; pointers and files
            // contain no spaces.
            let mut text = after;
            while let Some((head, tail)) = text.split_once(": ") {
                if head.contains(' ') {
                    break;
                }
                text = tail;
            }
            return text.to_owned();
        }
    }
    first.to_owned()
}

/// Blanks out names, numbers and quoted text so the same problem in two documents groups.
pub fn normalize(message: &str) -> String {
    let mut out = String::new();
    let mut chars = message.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '`' | '"' | '\'' if message.matches(c).count() >= 2 => {
                let mut closed = false;
                for d in chars.by_ref() {
                    if d == c {
                        closed = true;
                        break;
                    }
                }
                out.push(c);
                out.push('…');
                if closed {
                    out.push(c);
                }
            }
            '#' if chars.peek() == Some(&'/') => {
                while chars
                    .peek()
                    .is_some_and(|d| !d.is_whitespace() && *d != ',')
                {
                    chars.next();
                }
                out.push_str("#/…");
            }
            d if d.is_ascii_digit() => {
                while chars.peek().is_some_and(char::is_ascii_digit) {
                    chars.next();
                }
                out.push('N');
            }
            _ => out.push(c),
        }
    }
    out.chars().take(160).collect()
}

fn pct(n: usize, of: usize) -> String {
    if of == 0 {
        "—".to_owned()
    } else {
        format!("{n}/{of} ({:.1} %)", 100.0 * n as f64 / of as f64)
    }
}

/// The readable summary.
pub fn to_markdown(info: &RunInfo, results: &[DocResult]) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# Corpus run\n");
    let _ = writeln!(md, "`{}`\n", info.command);
    for (k, v) in &info.versions {
        let _ = writeln!(md, "- {k}: {v}");
    }
    if let Some((n, seed)) = info.sample {
        let _ = writeln!(md, "- APIs.guru sample: {n} documents, seed {seed}");
    }
    let _ = writeln!(
        md,
        "- compiled with: {}",
        if info.check_only {
            "`cargo check`-level (one `cargo clippy -- -D warnings` pass for ours, rustc's diagnostics deciding \"builds\"; `cargo check` for openapi-generator's client), RUSTFLAGS=-D warnings"
        } else {
            "`cargo build` then `cargo clippy -- -D warnings` for ours, `cargo build` for openapi-generator's client, RUSTFLAGS=-D warnings"
        }
    );
    let _ = writeln!(
        md,
        "- {} documents, {} worker(s), {:.1} min wall\n",
        results.len(),
        info.jobs,
        info.secs / 60.0
    );
    let _ = writeln!(
        md,
        "| source | documents | skipped | operations | split | import | merge+validate | generate | **builds, -D warnings** | clippy -D warnings | panics | our time | openapi-generator: generates | **builds, -D warnings** | builds with warnings | its time |"
    );
    let _ = writeln!(
        md,
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    );
    let sources: Vec<Option<Source>> = Source::all()
        .into_iter()
        .filter(|s| results.iter().any(|r| r.source == *s))
        .map(Some)
        .chain(std::iter::once(None))
        .collect();
    for source in sources {
        let t = totals(results, source);
        let n = t.applicable();
        let p = |s: Stage| pct(t.passed.get(&s).copied().unwrap_or(0), n);
        let (oag_ran, oag) = (t.oag[0], t.oag);
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} | {} | **{}** | {} | {} | {:.1} min | {} | **{}** | {} | {:.1} min |",
            source.map_or("all", Source::name),
            t.documents,
            t.skipped,
            t.operations,
            p(Stage::Split),
            p(Stage::Import),
            p(Stage::Spec),
            p(Stage::Generate),
            p(Stage::Build),
            if info.clippy {
                p(Stage::Clippy)
            } else {
                "not run".to_owned()
            },
            t.panics,
            t.secs / 60.0,
            if info.oag {
                pct(oag[1], oag_ran)
            } else {
                "not run".to_owned()
            },
            if info.oag {
                pct(oag[3], oag_ran)
            } else {
                "—".to_owned()
            },
            if info.oag {
                pct(oag[2], oag_ran)
            } else {
                "—".to_owned()
            },
            t.oag_secs / 60.0,
        );
    }
    // APIs.guru by original format.
    let guru: Vec<&DocResult> = results
        .iter()
        .filter(|r| r.source == Source::ApisGuru)
        .collect();
    if !guru.is_empty() {
        let mut origins: BTreeMap<&str, Vec<&DocResult>> = BTreeMap::new();
        for r in &guru {
            origins.entry(r.origin.as_str()).or_default().push(r);
        }
        let _ = writeln!(
            md,
            "\nAPIs.guru by the format the document was converted from (`info.x-origin`):\n"
        );
        let _ = writeln!(
            md,
            "| origin | documents | ours: builds | openapi-generator: builds warning-free |"
        );
        let _ = writeln!(md, "|---|---|---|---|");
        for (origin, rs) in origins {
            let t = totals_of(rs.into_iter());
            let _ = writeln!(
                md,
                "| {origin} | {} | {} | {} |",
                t.applicable(),
                pct(t.builds(), t.applicable()),
                pct(t.oag[3], t.oag[0])
            );
        }
    }
    let skipped: Vec<&DocResult> = results.iter().filter(|r| r.skipped.is_some()).collect();
    if !skipped.is_empty() {
        let _ = writeln!(md, "\nNot applicable (not counted above):\n");
        for r in skipped {
            let _ = writeln!(md, "- `{}`: {}", r.id, r.skipped.as_deref().unwrap_or(""));
        }
    }
    let _ = writeln!(md, "\n## Our failures by category\n");
    category_table(&mut md, &categories(results));
    if info.oag {
        let _ = writeln!(md, "\n## openapi-generator's failures by category\n");
        category_table(&mut md, &oag_categories(results));
    }
    let _ = writeln!(md, "\n## Documents\n");
    let _ = writeln!(
        md,
        "| document | origin | ops | reached | our first error | time | openapi-generator |"
    );
    let _ = writeln!(md, "|---|---|---|---|---|---|---|");
    for r in results {
        let error = r.skipped.clone().unwrap_or_else(|| {
            r.failed
                .as_ref()
                .map(|f| format!("{}: {}", f.code, first_line(&f.message)))
                .unwrap_or_default()
        });
        let oag = r.oag.as_ref().map_or("—".to_owned(), |o| {
            if o.warning_free {
                "builds".to_owned()
            } else if o.builds {
                "builds with warnings".to_owned()
            } else {
                o.failure
                    .as_ref()
                    .map_or("fails".to_owned(), |(s, c, _)| format!("{s} fails: {c}"))
            }
        });
        let _ = writeln!(
            md,
            "| `{}` | {} | {} | {} | {} | {:.1} s | {} |",
            r.id,
            r.origin,
            r.operations,
            r.reached().map_or("—", Stage::name),
            cell(&error),
            r.wall,
            oag
        );
    }
    md
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

fn cell(s: &str) -> String {
    let s: String = s.chars().take(220).collect();
    s.replace('|', "\\|").replace('\n', " ")
}

fn category_table(md: &mut String, cats: &[Category]) {
    if cats.is_empty() {
        let _ = writeln!(md, "None.");
        return;
    }
    let _ = writeln!(
        md,
        "| category | count | documents | first error (first document) |"
    );
    let _ = writeln!(md, "|---|---|---|---|");
    for c in cats {
        let docs: Vec<String> = c.docs.iter().take(4).map(|d| format!("`{d}`")).collect();
        let more = if c.docs.len() > 4 {
            format!(" and {} more", c.docs.len() - 4)
        } else {
            String::new()
        };
        let _ = writeln!(
            md,
            "| {} | {} | {}{more} | {} |",
            cell(&c.key),
            c.docs.len(),
            docs.join(", "),
            cell(&c.first_error)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_group_without_their_names() {
        assert_eq!(
            normalize("`$ref` to #/components/schemas/Pet is dangling (2 uses), 'x'"),
            "`…` to #/… is dangling (N uses), '…'"
        );
        assert_eq!(
            strip_location(
                "error[dangling-ref]: spec/fragments/en/a/get-a.yaml:12: #/paths/~1a/get: the reference #/x points nowhere\n  = note: n"
            ),
            "the reference #/x points nowhere"
        );
        assert_eq!(
            strip_location("error[E0308]: mismatched types"),
            "mismatched types"
        );
    }
}
