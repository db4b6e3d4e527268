//! Child processes with a time limit, and cargo's JSON messages read into a verdict.

use std::io::Read;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// What a finished (or killed) process left.
#[derive(Debug)]
pub struct Finished {
    /// Its exit status; `None` when it was killed at the time limit.
    pub status: Option<ExitStatus>,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// Wall time.
    pub secs: f64,
}

impl Finished {
    /// Whether it exited with status 0.
    pub fn success(&self) -> bool {
        self.status.is_some_and(|s| s.success())
    }

    /// `exit status 1`, `killed by signal 6 (SIGABRT)`, `timed out after 600 s`.
    pub fn describe(&self, limit: Duration) -> String {
        use std::os::unix::process::ExitStatusExt;
        match self.status {
            None => format!("timed out after {} s", limit.as_secs()),
            Some(s) => match (s.code(), s.signal()) {
                (Some(c), _) => format!("exit status {c}"),
                (None, Some(sig)) => format!("killed by signal {sig}{}", signal_name(sig)),
                (None, None) => format!("{s}"),
            },
        }
    }
}

fn signal_name(sig: i32) -> &'static str {
    match sig {
        6 => " (SIGABRT: an abort, e.g. a stack overflow)",
        9 => " (SIGKILL)",
        11 => " (SIGSEGV)",
        _ => "",
    }
}

/// Runs `cmd` (stdin closed, output captured); past `limit` it is killed with every process
/// it started (cargo and its rustc processes). It stays in our process group, so a Ctrl-C
/// stops it with us.
pub fn run(cmd: &mut Command, limit: Duration) -> Result<Finished, String> {
    let shown = format!("{cmd:?}");
    let started = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    let reader = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_end(&mut buf);
            }
            String::from_utf8_lossy(&buf).into_owned()
        })
    };
    let out = reader(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err = reader(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if started.elapsed() > limit => {
                let mut all = Vec::new();
                descendants(child.id(), &mut all);
                let _ = child.kill();
                if !all.is_empty() {
                    let _ = Command::new("kill")
                        .args(["-s", "KILL", "--"])
                        .args(all.iter().map(u32::to_string))
                        .status();
                }
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(format!("cannot wait for {shown}: {e}")),
        }
    };
    Ok(Finished {
        status,
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
        secs: started.elapsed().as_secs_f64(),
    })
}

/// The processes `pid` started, and theirs (Linux: `/proc/<pid>/task/*/children`).
fn descendants(pid: u32, out: &mut Vec<u32>) {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return;
    };
    for task in tasks.flatten() {
        let Ok(text) = std::fs::read_to_string(task.path().join("children")) else {
            continue;
        };
        for child in text.split_whitespace().filter_map(|c| c.parse().ok()) {
            out.push(child);
            descendants(child, out);
        }
    }
}

/// A cargo build or clippy run, read from `--message-format=json`.
#[derive(Debug, Default)]
pub struct Verdict {
    /// Errors that are not denied lints (`E0308`, or no code).
    pub hard_errors: usize,
    /// Denied lints (`-D warnings`: rustc's and clippy's lints turned into errors).
    pub lint_errors: usize,
    /// The first error, hard errors first: `{code, message, file, line, rendered}`.
    pub first_error: Option<Value>,
    /// Every error's code (or message when it has none), counted.
    pub codes: std::collections::BTreeMap<String, usize>,
    /// The first error of each code, `code: message (file:line)`: what else is wrong besides
    /// the first error.
    pub first_of_each: Vec<String>,
}

impl Verdict {
    /// No error at all.
    pub fn clean(&self) -> bool {
        self.hard_errors == 0 && self.lint_errors == 0
    }
}

/// Which errors a verdict counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Errors {
    /// Every error.
    All,
    /// rustc's own (errors and rustc lints), not clippy's.
    Rustc,
    /// clippy's lints only.
    Clippy,
}

/// Reads cargo's JSON messages: the compiler errors of the crates built in `dir` (paths are
/// made relative to it), those of `which` kind.
pub fn verdict(stdout: &str, dir: &Path, which: Errors) -> Verdict {
    let mut v = Verdict::default();
    let mut first_lint = None;
    let dir_text = format!("{}/", dir.display());
    for line in stdout.lines() {
        let Ok(msg) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        if msg.get("reason").and_then(Value::as_str) != Some("compiler-message") {
            continue;
        }
        let Some(m) = msg.get("message") else {
            continue;
        };
        if m.get("level").and_then(Value::as_str) != Some("error") {
            continue;
        }
        let text = m.get("message").and_then(Value::as_str).unwrap_or("");
        if text.starts_with("aborting due to") || text.starts_with("could not compile") {
            continue;
        }
        let code = m
            .pointer("/code/code")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let is_clippy = code.as_deref().is_some_and(|c| c.starts_with("clippy::"));
        match which {
            Errors::Rustc if is_clippy => continue,
            Errors::Clippy if !is_clippy => continue,
            _ => {}
        }
        let is_lint = code.as_deref().is_some_and(|c| !is_error_code(c));
        let span = m.get("spans").and_then(Value::as_array).and_then(|s| {
            s.iter()
                .find(|s| s.get("is_primary").and_then(Value::as_bool) == Some(true))
        });
        let file = span
            .and_then(|s| s.get("file_name"))
            .and_then(Value::as_str)
            .map(|f| f.strip_prefix(&dir_text).unwrap_or(f).to_owned());
        let line_no = span
            .and_then(|s| s.get("line_start"))
            .and_then(Value::as_u64);
        let rendered: String = m
            .get("rendered")
            .and_then(Value::as_str)
            .unwrap_or(text)
            .lines()
            .take(14)
            .collect::<Vec<_>>()
            .join("\n")
            .replace(&dir_text, "");
        let entry = json!({
            "code": code,
            "message": text,
            "file": file,
            "line": line_no,
            "rendered": rendered,
        });
        let key = code
            .clone()
            .unwrap_or_else(|| text.chars().take(80).collect());
        let count = v.codes.entry(key.clone()).or_default();
        *count += 1;
        if *count == 1 {
            v.first_of_each.push(format!(
                "{key}: {text} ({}:{})",
                file.as_deref().unwrap_or("?"),
                line_no.unwrap_or(0)
            ));
        }
        if is_lint {
            v.lint_errors += 1;
            first_lint.get_or_insert(entry);
        } else {
            v.hard_errors += 1;
            v.first_error.get_or_insert(entry);
        }
    }
    if v.first_error.is_none() {
        v.first_error = first_lint;
    }
    v
}

/// `E0308`: a rustc error code (anything else with a code is a lint).
fn is_error_code(code: &str) -> bool {
    code.len() == 5 && code.starts_with('E') && code[1..].chars().all(|c| c.is_ascii_digit())
}

/// The last `n` non-empty lines of `text`.
pub fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_tell_hard_errors_from_denied_lints() {
        let lines = [
            r#"{"reason":"compiler-artifact"}"#,
            r#"{"reason":"compiler-message","message":{"level":"error","message":"unused import: `X`","code":{"code":"unused_imports"},"spans":[{"is_primary":true,"file_name":"/w/alli-api/src/generated/a.rs","line_start":3}],"rendered":"error: unused import: `X`\n --> /w/alli-api/src/generated/a.rs:3:5"}}"#,
            r#"{"reason":"compiler-message","message":{"level":"error","message":"mismatched types","code":{"code":"E0308"},"spans":[{"is_primary":true,"file_name":"/w/alli-api/src/generated/b.rs","line_start":9}],"rendered":"error[E0308]: mismatched types"}}"#,
            r#"{"reason":"compiler-message","message":{"level":"error","message":"aborting due to 2 previous errors","code":null,"spans":[]}}"#,
            r#"{"reason":"compiler-message","message":{"level":"warning","message":"w","code":null,"spans":[]}}"#,
        ];
        let v = verdict(&lines.join("\n"), Path::new("/w"), Errors::All);
        assert_eq!((v.hard_errors, v.lint_errors), (1, 1));
        let first = v.first_error.clone().expect("an error");
        assert_eq!(first["code"], "E0308");
        assert_eq!(first["file"], "alli-api/src/generated/b.rs");
        assert_eq!(first["line"], 9);
        assert_eq!(
            v.first_of_each,
            [
                "unused_imports: unused import: `X` (alli-api/src/generated/a.rs:3)",
                "E0308: mismatched types (alli-api/src/generated/b.rs:9)"
            ]
        );
        assert!(!v.clean());
        assert!(verdict("", Path::new("/w"), Errors::All).clean());
        let clippy = r#"{"reason":"compiler-message","message":{"level":"error","message":"very complex type","code":{"code":"clippy::type_complexity"},"spans":[]}}"#;
        let both = format!("{}\n{clippy}", lines.join("\n"));
        let rustc = verdict(&both, Path::new("/w"), Errors::Rustc);
        assert_eq!((rustc.hard_errors, rustc.lint_errors), (1, 1));
        let lints = verdict(&both, Path::new("/w"), Errors::Clippy);
        assert_eq!((lints.hard_errors, lints.lint_errors), (0, 1));
    }

    #[test]
    fn timed_out_processes_are_killed() {
        let f = run(
            Command::new("sh").args(["-c", "sleep 5 & sleep 5"]),
            Duration::from_millis(200),
        )
        .expect("runs");
        assert!(f.status.is_none());
        assert!(f.secs < 4.0, "{}", f.secs);
        assert_eq!(
            f.describe(Duration::from_secs(600)),
            "timed out after 600 s"
        );
        let ok = run(
            Command::new("sh").args(["-c", "echo hi; echo err >&2"]),
            Duration::from_secs(10),
        )
        .expect("runs");
        assert!(ok.success());
        assert_eq!((ok.stdout.as_str(), ok.stderr.as_str()), ("hi\n", "err\n"));
    }
}
