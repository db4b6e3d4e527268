//! Where each docs page is published: `spec/sources.yaml`.
//!
//! `cargo xtask import <URL>` records the URL of every page it downloads; `cargo xtask import
//! --refresh` downloads every recorded page again and imports the lot (what the scheduled
//! docs-drift workflow runs). Pages without a recorded URL are kept as they are.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Diagnostics, Failure, Location, display_path};
use crate::import::DocPage;
use crate::layout::Layout;

const HEADER: &str = "\
# Where each docs page under spec/docs/ is published (page → URL).
# `cargo xtask import <URL>` records the URL of each page it downloads; `cargo xtask import
# --refresh` downloads every page listed here again and imports them (the scheduled docs-drift
# workflow runs it). A page not listed is kept as it is.
";

/// The recorded URL of each page, by project-relative page path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageSources {
    /// `spec/docs/en/apps.md` → its URL.
    pub pages: BTreeMap<PathBuf, String>,
}

impl PageSources {
    /// Reads `spec/sources.yaml` (none recorded when it does not exist).
    pub fn load(layout: &Layout) -> Result<PageSources, Diagnostic> {
        let file = layout.sources_file();
        let Some(text) = crate::output::read_normalized(&layout.abs(&file))? else {
            return Ok(PageSources::default());
        };
        let bad = |message: String| Diagnostic::error("sources", Location::file(&file), message);
        let value: serde_yaml::Value =
            serde_yaml::from_str(&text).map_err(|e| bad(format!("does not read: {e}")))?;
        let mut out = PageSources::default();
        let pages = match value.get("pages") {
            None | Some(serde_yaml::Value::Null) => return Ok(out),
            Some(serde_yaml::Value::Mapping(m)) => m,
            Some(_) => return Err(bad("`pages` must map page paths to URLs".to_owned())),
        };
        for (page, url) in pages {
            let (Some(page), Some(url)) = (page.as_str(), url.as_str()) else {
                return Err(bad("`pages` must map page paths to URLs".to_owned()));
            };
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(bad(format!("the URL of {page} is not http(s): {url}")));
            }
            out.pages.insert(PathBuf::from(page), url.to_owned());
        }
        Ok(out)
    }

    /// The file's text.
    pub fn to_text(&self) -> String {
        let pages: serde_json::Map<String, serde_json::Value> = self
            .pages
            .iter()
            .map(|(page, url)| (display_path(page), serde_json::Value::from(url.as_str())))
            .collect();
        let doc = serde_json::json!({ "pages": pages });
        format!("{HEADER}{}", crate::yaml::to_yaml(&doc).text)
    }

    /// Downloads every recorded page, named by its recorded path.
    pub fn fetch_all(&self, layout: &Layout) -> Result<Vec<DocPage>, Failure> {
        let mut pages = Vec::new();
        let mut errors = Diagnostics::new();
        for (path, url) in &self.pages {
            let at = Location {
                file: Some(layout.sources_file()),
                pointer: Some(url.clone()),
                ..Location::default()
            };
            let Some((locale, name)) = page_place(layout, path) else {
                errors.push(Diagnostic::error(
                    "sources",
                    at,
                    format!(
                        "{} is not a page path of the form spec/docs/<locale>/<name>.md",
                        display_path(path)
                    ),
                ));
                continue;
            };
            match crate::fetch::get_text(url) {
                Ok(text) => pages.push(DocPage {
                    path: path.clone(),
                    locale,
                    name,
                    text,
                }),
                Err(message) => errors.push(Diagnostic::error(
                    "fetch",
                    at,
                    format!("{message} (page {})", display_path(path)),
                )),
            }
        }
        if errors.is_empty() {
            Ok(pages)
        } else {
            Err(errors.into())
        }
    }
}

/// `spec/docs/<locale>/<name>.md` → (locale, name).
fn page_place(layout: &Layout, path: &Path) -> Option<(String, String)> {
    let rest = path.strip_prefix(layout.docs_dir()).ok()?;
    let parts: Vec<String> = rest
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    match parts.as_slice() {
        [locale, name] if name.ends_with(".md") => Some((locale.clone(), name.clone())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_reads_back() {
        let mut s = PageSources::default();
        s.pages.insert(
            PathBuf::from("spec/docs/en/apps.md"),
            "https://docs.example/apps.md".to_owned(),
        );
        let text = s.to_text();
        let back: serde_yaml::Value = serde_yaml::from_str(&text).expect("yaml");
        assert_eq!(
            back["pages"]["spec/docs/en/apps.md"].as_str(),
            Some("https://docs.example/apps.md")
        );
        let empty = PageSources::default().to_text();
        let back: serde_yaml::Value = serde_yaml::from_str(&empty).expect("yaml");
        assert!(
            back["pages"].as_mapping().is_some_and(|m| m.is_empty()),
            "{empty}"
        );
        assert_eq!(empty, format!("{HEADER}pages: {{}}\n"));
    }
}
