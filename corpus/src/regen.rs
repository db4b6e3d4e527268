//! The generator's stages on one scratch project, in a child process.
//!
//! `corpus __regen <root>` runs `generator::regen` on the project at `<root>` exactly as
//! `cargo xtask regen` does, and prints one JSON line on stdout: whether it succeeded, and if
//! not, the stage that failed (`import`, `spec` = merge and validate, `generate`) and the
//! errors as the generator prints them. A panic is caught and reported with its message and
//! location. A crash the process cannot catch (a stack overflow aborts it) is seen by the
//! parent as a signal; running each document in its own process is what keeps the corpus run
//! going after one.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::Mutex;
use std::time::Instant;

use generator::{Failure, Layout};
use serde_json::{Value, json};

static PANIC: Mutex<Option<String>> = Mutex::new(None);

/// Runs the child's work and returns its JSON report.
pub fn child(root: &Path) -> Value {
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(non-string panic payload)".to_owned());
        let at = info
            .location()
            .map(|l| format!(" at {}:{}:{}", l.file(), l.line(), l.column()))
            .unwrap_or_default();
        let text = format!("panicked{at}: {message}");
        eprintln!("{text}");
        if let Ok(mut slot) = PANIC.lock() {
            slot.get_or_insert(text);
        }
    }));
    let layout = Layout::new(root);
    let started = Instant::now();
    let result = catch_unwind(AssertUnwindSafe(|| generator::regen(&layout, &[], None)));
    let regen_ms = started.elapsed().as_millis() as u64;
    match result {
        Ok(Ok(applied)) => json!({
            "ok": true,
            "regen_ms": regen_ms,
            "summary": applied.summary,
            "warnings": applied.warnings.warning_count(),
            "warning_codes": codes(applied.warnings.iter().filter(|d| !d.is_error())),
        }),
        Ok(Err(failure)) => {
            let stage = failing_stage(&layout);
            let errors: Vec<String> = failure
                .diagnostics
                .errors()
                .map(ToString::to_string)
                .collect();
            let first_code = failure.diagnostics.errors().next().map(|d| d.code);
            json!({
                "ok": false,
                "regen_ms": regen_ms,
                "stage": stage,
                "code": first_code,
                "errors": errors.len(),
                "error_codes": codes(failure.diagnostics.errors()),
                "first_errors": errors.iter().take(3).collect::<Vec<_>>(),
                "warnings": failure.diagnostics.warning_count(),
            })
        }
        Err(_) => {
            let panic = PANIC
                .lock()
                .ok()
                .and_then(|p| p.clone())
                .unwrap_or_else(|| "panicked (no message)".to_owned());
            json!({
                "ok": false,
                "regen_ms": regen_ms,
                "stage": panic_stage(&layout),
                "panic": panic,
            })
        }
    }
}

fn codes<'a>(diags: impl Iterator<Item = &'a generator::Diagnostic>) -> Value {
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    for d in diags {
        *counts.entry(d.code).or_default() += 1;
    }
    json!(counts)
}

/// Which stage of a failed regen fails: the import alone, then merge and validate on its
/// fragments; if both pass, code generation (or writing) failed.
fn failing_stage(layout: &Layout) -> &'static str {
    match spec_stage(layout) {
        Err(stage) => stage,
        Ok(()) => "generate",
    }
}

/// Like [`failing_stage`] after a panic: a stage that panics again is the one.
fn panic_stage(layout: &Layout) -> &'static str {
    match catch_unwind(AssertUnwindSafe(|| spec_stage(layout))) {
        Ok(Err(stage)) => stage,
        Ok(Ok(())) => "generate",
        Err(_) => {
            let import = catch_unwind(AssertUnwindSafe(|| generator::run_import(layout, &[])));
            if matches!(import, Ok(Ok(_))) {
                "spec"
            } else {
                "import"
            }
        }
    }
}

fn spec_stage(layout: &Layout) -> Result<(), &'static str> {
    let mut outputs = generator::run_import(layout, &[]).map_err(|_: Failure| "import")?;
    let fragments =
        generator::spec::take_fragments_from_import(&mut outputs.imported, layout.primary_locale());
    generator::spec::build(layout, fragments).map_err(|_| "spec")?;
    Ok(())
}
