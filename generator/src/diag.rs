//! Located diagnostics, printed like compiler messages.
//!
//! Every problem the pipeline finds is a [`Diagnostic`] with a severity, a short stable
//! code (`nullable-3.0`, `dangling-ref`, ...), the file it is about, and where possible a
//! JSON pointer and a line inside that file. Warnings are collected and printed; errors
//! stop the pipeline before anything is written.

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The input was repaired or is suspicious; the pipeline goes on.
    Warning,
    /// The pipeline cannot go on; nothing is written.
    Error,
}

/// Where a diagnostic points.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    /// A path relative to the project root (`spec/fragments/en/apps/post-webapi-apps.yaml`).
    pub file: Option<PathBuf>,
    /// A 1-based line in `file`, when known.
    pub line: Option<usize>,
    /// A 1-based column in `file`, when known.
    pub column: Option<usize>,
    /// A JSON pointer into the document the file holds (`#/paths/~1x/get`), when relevant.
    pub pointer: Option<String>,
}

impl Location {
    /// A location naming only a file.
    pub fn file(file: impl Into<PathBuf>) -> Self {
        Location {
            file: Some(file.into()),
            ..Location::default()
        }
    }

    /// A location naming a file and a JSON pointer inside it.
    pub fn pointer(file: impl Into<PathBuf>, pointer: impl Into<String>) -> Self {
        Location {
            file: Some(file.into()),
            pointer: Some(pointer.into()),
            ..Location::default()
        }
    }

    /// Adds a line (and optionally a column).
    pub fn at_line(mut self, line: usize, column: Option<usize>) -> Self {
        self.line = Some(line);
        self.column = column;
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut wrote = false;
        if let Some(file) = &self.file {
            write!(f, "{}", display_path(file))?;
            if let Some(line) = self.line {
                write!(f, ":{line}")?;
                if let Some(column) = self.column {
                    write!(f, ":{column}")?;
                }
            }
            wrote = true;
        }
        if let Some(pointer) = &self.pointer {
            if wrote {
                f.write_str(": ")?;
            }
            f.write_str(pointer)?;
        }
        Ok(())
    }
}

/// A path with forward slashes, whatever the platform, so messages and tests agree.
pub fn display_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// One located message.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Diagnostic {
    /// Warning or error.
    pub severity: Severity,
    /// A short stable code, e.g. `nullable-3.0`.
    pub code: &'static str,
    /// Where.
    pub location: Location,
    /// What, in one sentence.
    pub message: String,
    /// Further located notes (e.g. the other file of a conflict).
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// A warning.
    pub fn warning(code: &'static str, location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            code,
            location,
            message: message.into(),
            notes: Vec::new(),
        }
    }

    /// An error.
    pub fn error(code: &'static str, location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            location,
            message: message.into(),
            notes: Vec::new(),
        }
    }

    /// Adds a note printed under the message.
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{level}[{}]: ", self.code)?;
        let location = self.location.to_string();
        if !location.is_empty() {
            write!(f, "{location}: ")?;
        }
        f.write_str(&self.message)?;
        for note in &self.notes {
            write!(f, "\n  = note: {note}")?;
        }
        Ok(())
    }
}

/// A list of diagnostics collected by a pipeline stage.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty list.
    pub fn new() -> Self {
        Diagnostics::default()
    }

    /// Adds one.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// Adds all of `other`.
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    /// Whether any is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// The errors, in order.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().filter(|d| d.is_error())
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.errors().count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    /// All diagnostics, in the order found.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Sorts by file, then pointer, then code, and drops exact repeats, so output is stable.
    pub fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            (
                &a.location.file,
                &a.location.pointer,
                a.code,
                &a.message,
                &a.location.line,
            )
                .cmp(&(
                    &b.location.file,
                    &b.location.pointer,
                    b.code,
                    &b.message,
                    &b.location.line,
                ))
        });
        self.items.dedup();
    }

    /// The closing count line (`2 errors, 5 warnings`).
    pub fn summary(&self) -> String {
        format!(
            "{}, {}",
            plural(self.error_count(), "error"),
            plural(self.warning_count(), "warning")
        )
    }
}

/// `1 warning`, `3 warnings`.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.items {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

/// The error every pipeline entry point returns: the diagnostics that stopped it (and the
/// warnings found before).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Everything found, errors included.
    pub diagnostics: Diagnostics,
}

impl Failure {
    /// A failure from a single error.
    pub fn single(diagnostic: Diagnostic) -> Self {
        let mut diagnostics = Diagnostics::new();
        diagnostics.push(diagnostic);
        Failure { diagnostics }
    }
}

impl From<Diagnostics> for Failure {
    fn from(diagnostics: Diagnostics) -> Self {
        Failure { diagnostics }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.diagnostics)?;
        write!(f, "{}", self.diagnostics.summary())
    }
}

impl std::error::Error for Failure {}

/// An I/O error on `path` as a diagnostic.
pub fn io_error(path: &Path, action: &str, err: &std::io::Error) -> Diagnostic {
    Diagnostic::error(
        "io",
        Location::file(path),
        format!("cannot {action}: {err}"),
    )
}
