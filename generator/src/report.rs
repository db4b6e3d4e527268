//! `cargo xtask check --impact`: what regen would change in the public API, the version it
//! would set, and cargo-semver-checks's independent verdict — as text for the terminal and
//! as Markdown for a pull request body (the scheduled docs-drift workflow's).

use std::fmt::Write as _;
use std::path::Path;

use crate::impact::Impact;
use crate::layout::Layout;
use crate::release::Plan;
use crate::semver;
use crate::{Failure, Outputs};

/// The outcome of the impact check.
#[derive(Debug, Clone)]
pub struct ImpactCheck {
    /// The project's impact report.
    pub impact: Impact,
    /// The version and changelog regen would write.
    pub release: Option<Plan>,
    /// cargo-semver-checks's comparison of the committed crate with the regenerated one
    /// (`None`: not asked for, or the regenerated crate equals the committed one).
    pub semver: Option<semver::Run>,
    /// Why there is no comparison when one was asked for.
    pub semver_skipped: Option<String>,
}

impl ImpactCheck {
    /// Whether the impact report and cargo-semver-checks agree on "breaking or not" (`None`
    /// without a comparison).
    pub fn agrees(&self) -> Option<bool> {
        self.semver
            .as_ref()
            .map(|run| run.verdict.is_breaking() == self.impact.is_breaking())
    }

    /// The report for the terminal.
    pub fn text(&self) -> String {
        let mut out = self.impact.to_string();
        if let Some(plan) = &self.release {
            let _ = writeln!(out, "version: {}", plan.summary("alli-api"));
        }
        if let Some(run) = &self.semver {
            out.push_str(&run.verdict.to_string());
            let _ = writeln!(out, "{}", run.timing());
            out.push_str(&self.agreement());
        } else if let Some(why) = &self.semver_skipped {
            let _ = writeln!(out, "cargo-semver-checks: not run ({why})");
        }
        out
    }

    fn agreement(&self) -> String {
        match self.agrees() {
            Some(true) => format!(
                "The impact report and cargo-semver-checks agree: {}.\n",
                if self.impact.is_breaking() {
                    "breaking"
                } else {
                    "not breaking"
                }
            ),
            Some(false) if self.impact.is_breaking() => {
                "DISAGREE: the impact report finds breaking changes cargo-semver-checks does not \
                 (it has no lint for these): see the lines marked breaking above\n"
                    .to_owned()
            }
            Some(false) => {
                "DISAGREE: cargo-semver-checks finds breaking changes the impact report does not: \
                 see its major lints above\n"
                    .to_owned()
            }
            None => String::new(),
        }
    }

    /// The report as a pull request body.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let headline = match &self.release {
            Some(plan) if plan.version != plan.previous => {
                format!("alli-api {} → {}", plan.previous, plan.version)
            }
            Some(plan) => format!("alli-api {}", plan.version),
            None => "alli-api".to_owned(),
        };
        let _ = writeln!(out, "## Docs drift: {headline}\n");
        if let Some(plan) = &self.release {
            let _ = writeln!(
                out,
                "Regenerated from the docs pages as published. Version: **{}**.\n",
                plan.summary("alli-api")
            );
        }
        let _ = writeln!(out, "### {}\n", self.impact.summary());
        match &self.release {
            Some(plan) if !plan.added.is_empty() => {
                for section in ["Added", "Changed", "Deprecated", "Removed"] {
                    let lines: Vec<&str> = plan
                        .added
                        .iter()
                        .filter(|e| e.section == section)
                        .map(|e| e.line.as_str())
                        .collect();
                    if !lines.is_empty() {
                        let _ = writeln!(out, "#### {section}\n");
                        for l in lines {
                            // Links in the changelog are relative to alli-api/.
                            let _ = writeln!(out, "{}", l.replace("](../", "]("));
                        }
                        out.push('\n');
                    }
                }
            }
            _ => out.push_str("No change to the public API.\n\n"),
        }
        let _ = writeln!(
            out,
            "### Independent check: cargo-semver-checks {}\n",
            semver::VERSION
        );
        match &self.semver {
            Some(run) => {
                out.push_str(&self.agreement());
                let _ = writeln!(out, "\n```text\n{}```\n", run.verdict);
                let _ = writeln!(out, "{}", run.timing());
            }
            None => {
                let why = self.semver_skipped.as_deref().unwrap_or("not run");
                let _ = writeln!(out, "Not run: {why}.");
            }
        }
        out.push_str(
            "\nThe public API listing (`alli-api/public-api.txt`) and `alli-api/CHANGELOG.md` in \
             this diff show every change; `cargo xtask release` releases it.\n",
        );
        out
    }
}

/// Runs the pipeline in memory and reports its impact; with `semver_bin`, also compares the
/// committed crate with the regenerated one through cargo-semver-checks (scratch workspaces
/// and their shared target dir under `work`).
pub fn impact_check(
    layout: &Layout,
    semver_bin: Option<&Path>,
    work: &Path,
) -> Result<ImpactCheck, Failure> {
    let outputs = crate::run(layout, &[])?;
    let mut check = ImpactCheck {
        impact: outputs.impact.clone().unwrap_or_default(),
        release: outputs.release.clone(),
        semver: None,
        semver_skipped: None,
    };
    let Some(bin) = semver_bin else {
        return Ok(check);
    };
    if !crate_changed(layout, &outputs)? {
        check.semver_skipped = Some("the regenerated crate equals the committed one".to_owned());
        return Ok(check);
    }
    let run = semver::check_regenerated(layout, &outputs, bin, work).map_err(|message| {
        Failure::single(crate::Diagnostic::error(
            "semver-checks",
            crate::Location::default(),
            message,
        ))
    })?;
    check.semver = Some(run);
    Ok(check)
}

/// Whether any file of the generated crate differs from what is checked in.
fn crate_changed(layout: &Layout, outputs: &Outputs) -> Result<bool, Failure> {
    let crate_dir = layout.crate_dir();
    Ok(outputs
        .files
        .compare(layout)?
        .iter()
        .any(|(p, c)| p.starts_with(&crate_dir) && *c != crate::Change::Unchanged))
}
