//! The CI workflows name only commands this repository has: every `run:` line of
//! `.github/workflows/*.yml` is a `cargo xtask` command line that [`parse`] accepts (the
//! parser `main` runs), and every file a later step reads (`body-path`) is one an earlier
//! step writes (`--report`).

use std::path::{Path, PathBuf};

use serde_yaml::Value;

use super::{Cmd, parse, project_root};

/// The workflows, by file name.
fn workflows() -> Vec<(String, Value)> {
    let dir = project_root().join(".github/workflows");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("read .github/workflows") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "yml" || e == "yaml") {
            let text = std::fs::read_to_string(&path).expect("read workflow");
            let value: Value = serde_yaml::from_str(&text)
                .unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()));
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            out.push((name, value));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Every step of every job: (job id, step).
fn steps(workflow: &Value) -> Vec<(String, &Value)> {
    let mut out = Vec::new();
    let Some(jobs) = workflow.get("jobs").and_then(Value::as_mapping) else {
        return out;
    };
    for (id, job) in jobs {
        let id = id.as_str().unwrap_or_default().to_owned();
        for step in job
            .get("steps")
            .and_then(Value::as_sequence)
            .into_iter()
            .flatten()
        {
            out.push((id.clone(), step));
        }
    }
    out
}

/// The commands of a `run:` script: one per line, split at `&&`, `||` and `;`.
fn commands(script: &str) -> Vec<Vec<String>> {
    script
        .lines()
        .flat_map(|line| {
            line.split("&&")
                .flat_map(|p| p.split("||"))
                .flat_map(|p| p.split(';'))
                .map(|c| c.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
                .collect::<Vec<_>>()
        })
        .filter(|c| !c.is_empty() && !c[0].starts_with('#'))
        .collect()
}

/// Why a command is not one this repository has, if it is not.
fn unknown_command(words: &[String]) -> Option<String> {
    let shell_syntax = |w: &String| w.contains(['|', '>', '<', '$', '`', '"', '\'', '\\']);
    if words.iter().any(shell_syntax) {
        return Some("uses shell syntax; run one command per step".to_owned());
    }
    match words {
        [cargo, xtask, args @ ..] if cargo == "cargo" && xtask == "xtask" => match parse(args) {
            Ok(Cmd::Help) => Some("prints the usage only".to_owned()),
            Ok(_) => None,
            Err(e) => Some(e.lines().last().unwrap_or_default().to_owned()),
        },
        _ => Some(
            "is not a `cargo xtask` command (the workflows run the repository's own commands)"
                .to_owned(),
        ),
    }
}

/// The file a `cargo xtask check --impact --report FILE` command writes.
fn report_file(words: &[String]) -> Option<PathBuf> {
    match parse(words.get(2..)?) {
        Ok(Cmd::Impact {
            report: Some(file), ..
        }) => Some(file),
        _ => None,
    }
}

#[test]
fn every_run_line_is_a_command_of_the_repository() {
    let all = workflows();
    assert!(
        all.len() >= 2,
        "expected the CI and docs-drift workflows, found {}",
        all.len()
    );
    let mut problems = Vec::new();
    let mut checked = 0;
    for (file, workflow) in &all {
        let mut written: Vec<PathBuf> = Vec::new();
        for (job, step) in steps(workflow) {
            if let Some(script) = step.get("run").and_then(Value::as_str) {
                for words in commands(script) {
                    checked += 1;
                    if let Some(why) = unknown_command(&words) {
                        problems.push(format!("{file}: job {job}: `{}` {why}", words.join(" ")));
                    }
                    written.extend(report_file(&words));
                }
            }
            let read = step
                .get("with")
                .and_then(|w| w.get("body-path"))
                .and_then(Value::as_str);
            if let Some(read) = read {
                if !written.iter().any(|w| w == Path::new(read)) {
                    problems.push(format!(
                        "{file}: job {job}: reads {read}, which no earlier step writes"
                    ));
                }
            }
        }
    }
    assert!(checked > 0, "no run: line found");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn pull_requests_run_check_test_and_lint_and_a_schedule_regenerates() {
    let all = workflows();
    let runs = |on: &str| -> Vec<String> {
        all.iter()
            .filter(|(_, w)| w.get("on").and_then(|o| o.get(on)).is_some())
            .flat_map(|(_, w)| steps(w))
            .filter_map(|(_, s)| s.get("run").and_then(Value::as_str).map(str::to_owned))
            .collect()
    };
    let pr = runs("pull_request");
    for command in ["cargo xtask check", "cargo xtask test", "cargo xtask lint"] {
        assert!(
            pr.iter().any(|r| r.trim() == command),
            "{command} on PRs: {pr:?}"
        );
    }
    let scheduled = runs("schedule");
    for command in ["cargo xtask import --refresh", "cargo xtask regen"] {
        assert!(
            scheduled.iter().any(|r| r.trim() == command),
            "{command} on the schedule: {scheduled:?}"
        );
    }
    assert!(
        scheduled
            .iter()
            .any(|r| r.trim().starts_with("cargo xtask check --impact --report ")),
        "{scheduled:?}"
    );
}

#[test]
fn the_check_rejects_what_the_repository_does_not_have() {
    let words = |s: &str| s.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
    assert_eq!(unknown_command(&words("cargo xtask check --impact")), None);
    assert!(unknown_command(&words("cargo xtask regenerate")).is_some());
    assert!(unknown_command(&words("cargo xtask check --fast")).is_some());
    assert!(unknown_command(&words("cargo xtask release --date")).is_some());
    assert!(unknown_command(&words("gh pr create --fill")).is_some());
    assert!(unknown_command(&words("cargo xtask help")).is_some());
    assert!(unknown_command(&words("cargo xtask test > log.txt")).is_some());
    assert_eq!(
        commands("cargo xtask check && cargo xtask lint\n# note\n"),
        vec![words("cargo xtask check"), words("cargo xtask lint")]
    );
}
