//! Generate: the merged document → IR → names → resolved model → Rust modules.
//!
//! ```text
//!  merged document ──lower──▶ openapiv3 ──ir::build──▶ IR (what the document says)
//!    ──naming::name_all──▶ names ──model::resolve──▶ Model (every decision)
//!    ──emit::emit──▶ Rust files          ──surface──▶ API listing, impact report
//! ```

pub mod doc;
pub mod emit;
pub mod ir;
pub mod lower;
pub mod model;
pub mod naming;
pub mod surface;

use crate::diag::{Diagnostic, Diagnostics, Failure, Location};
use crate::overrides::GeneratorSettings;

/// Where operations' resource accessors go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientAccessors {
    /// `impl Client { pub fn conversations(&self) -> .. }` (the client type is local).
    Inherent,
    /// An extension trait of this name, implemented for the runtime's client (for code that
    /// lives outside the runtime's crate).
    Trait(String),
}

/// How the Rust code is emitted.
#[derive(Debug, Clone)]
pub struct CodegenSettings {
    /// Path of the runtime crate in the generated code (`crate` inside alli-api).
    pub runtime: String,
    /// Path of the client type that gets accessors (`crate::Client`).
    pub client_type: String,
    /// How resource accessors are attached to the client.
    pub accessors: ClientAccessors,
    /// Crate name used in doc examples.
    pub crate_name: String,
    /// Whether methods get a compiled doc example.
    pub doc_examples: bool,
    /// The command named in every file's preamble.
    pub command: String,
    /// The header the runtime sends an API key in (`ClientBuilder::api_key`); security
    /// schemes the runtime cannot satisfy are reported.
    pub api_key_header: String,
    /// Names a resource module or client accessor must not take: the runtime crate's root
    /// items (generated modules are re-exported there) and the client's own methods.
    pub reserved: Vec<String>,
    /// The runtime crate's cargo feature that adds the other direction's serde trait to every
    /// type (response types are otherwise only `Deserialize`, request types only
    /// `Serialize`); `None`: every type derives both.
    pub serde_feature: Option<String>,
    /// Whether every resource module is a cargo feature of the generated crate (types are
    /// gated by the features of the resources that use them).
    pub resource_features: bool,
    /// Features of the runtime that are on by default besides the resources.
    pub default_features: Vec<String>,
    /// The typed layer of the runtime's mock server (`mock.rs`, with a copy of the document):
    /// `None` for none, `Some(None)` always compiled, `Some(Some(feature))` behind a feature.
    pub mock: Option<Option<String>>,
}

/// The alli-api runtime's crate-root names and `Client` methods.
const RUNTIME_NAMES: &[&str] = &[
    "types",
    "mod",
    "generated",
    "prelude",
    "http",
    "reqwest",
    "serde_json",
    "client",
    "error",
    "event_stream",
    "execute",
    "headers",
    "macros",
    "nullable",
    "pagination",
    "request",
    "response",
    "retry",
    "serde_helpers",
    "builder",
    "new",
    "base_url",
    "timeout",
    "max_retries",
    "page_concurrency",
    "clone",
];

impl Default for CodegenSettings {
    fn default() -> Self {
        CodegenSettings {
            runtime: "crate".to_owned(),
            client_type: "crate::Client".to_owned(),
            accessors: ClientAccessors::Inherent,
            crate_name: "alli_api".to_owned(),
            doc_examples: true,
            command: "cargo xtask regen".to_owned(),
            reserved: RUNTIME_NAMES.iter().map(|s| (*s).to_owned()).collect(),
            api_key_header: "API-KEY".to_owned(),
            serde_feature: Some("full-serde".to_owned()),
            resource_features: true,
            default_features: vec!["rustls".to_owned()],
            mock: Some(Some("mock".to_owned())),
        }
    }
}

impl CodegenSettings {
    /// Sets the path of the runtime crate.
    pub fn with_runtime(mut self, path: impl Into<String>) -> Self {
        self.runtime = path.into();
        self
    }

    /// Attaches resource accessors through an extension trait of this name.
    pub fn with_accessor_trait(mut self, name: impl Into<String>) -> Self {
        self.accessors = ClientAccessors::Trait(name.into());
        self
    }

    /// Turns doc examples on or off.
    pub fn with_doc_examples(mut self, on: bool) -> Self {
        self.doc_examples = on;
        self
    }

    /// Sets the command named in the preamble.
    pub fn with_command(mut self, command: impl Into<String>) -> Self {
        self.command = command.into();
        self
    }

    /// Turns the generated crate's cargo features (per-resource features, `full-serde`) on or
    /// off; off for code that lives in a crate without them.
    pub fn with_crate_features(mut self, on: bool) -> Self {
        self.resource_features = on;
        self.serde_feature = on.then(|| "full-serde".to_owned());
        if let Some(gate) = &mut self.mock {
            *gate = on.then(|| "mock".to_owned());
        }
        self
    }

    /// Turns the mock server's typed layer on or off.
    pub fn with_mock(mut self, on: bool) -> Self {
        self.mock = match (on, self.mock.take()) {
            (false, _) => None,
            (true, Some(gate)) => Some(gate),
            (true, None) => Some(self.resource_features.then(|| "mock".to_owned())),
        };
        self
    }
}

/// The generated files and what was generated.
#[derive(Debug, Clone)]
pub struct Generated {
    /// `(file name, contents)`, e.g. `("types.rs", ..)`.
    pub files: Vec<(String, String)>,
    /// The resolved model (for summaries, the API listing and impact reports).
    pub model: model::Model,
    /// The lock after this run.
    pub lock: crate::lock::Lock,
    /// New, moved, renamed and removed names.
    pub name_notes: Vec<String>,
    /// Warnings.
    pub warnings: Diagnostics,
}

/// What pins names: `spec/api.lock`, and the names the checked-in code had (to recognise a
/// rename made in the lock).
#[derive(Debug, Clone, Default)]
pub struct Pins {
    /// The lock as checked in.
    pub lock: crate::lock::Lock,
    /// The checked-in code's names.
    pub previous: naming::Previous,
}

/// The resolved model of a document and what naming it said.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The model.
    pub model: model::Model,
    /// The lock after this run.
    pub lock: crate::lock::Lock,
    /// New, moved, renamed and removed names.
    pub name_notes: Vec<String>,
    /// Diagnostics of every step.
    pub diags: Diagnostics,
}

/// Resolves the model of `doc` (a merged, validated OpenAPI 3.1 document), with the
/// diagnostics of every step.
pub fn resolve(
    doc: &serde_json::Value,
    api_settings: &GeneratorSettings,
    settings: &CodegenSettings,
    pins: &Pins,
) -> Result<Resolved, Failure> {
    let lowered = lower::lower_document(doc).map_err(Failure::single)?;
    let mut ir = ir::build(&lowered.api, api_settings.error_envelope_field.as_deref());
    let names = naming::name_all(&mut ir, &settings.reserved, &pins.lock, &pins.previous);
    let mut model = model::resolve(&ir, &names, api_settings, settings);
    let mut diags = std::mem::take(&mut ir.diags);
    diags.extend(lowered.warnings);
    diags.extend(names.diags.clone());
    diags.extend(std::mem::take(&mut model.diags));
    diags.extend(check_security(doc, settings));
    Ok(Resolved {
        model,
        lock: names.lock,
        name_notes: names.notes,
        diags,
    })
}

/// Generates the Rust modules of `doc` (a merged, validated OpenAPI 3.1 document).
pub fn generate(
    doc: &serde_json::Value,
    api_settings: &GeneratorSettings,
    settings: &CodegenSettings,
    pins: &Pins,
) -> Result<Generated, Failure> {
    let Resolved {
        model,
        lock,
        name_notes,
        diags: mut warnings,
    } = resolve(doc, api_settings, settings, pins)?;
    if warnings.has_errors() {
        return Err(warnings.into());
    }
    let files = emit::emit(&model, settings)
        .map_err(|e| Failure::single(Diagnostic::error("codegen", Location::default(), e)))?;
    warnings.sort();
    Ok(Generated {
        files,
        model,
        lock,
        name_notes,
        warnings,
    })
}

/// Security schemes the runtime cannot satisfy: it sends an API key in one header, or a bearer
/// token.
fn check_security(doc: &serde_json::Value, settings: &CodegenSettings) -> Diagnostics {
    let mut out = Diagnostics::new();
    let schemes = doc
        .pointer("/components/securitySchemes")
        .and_then(|v| v.as_object());
    for (name, scheme) in schemes.into_iter().flatten() {
        let get = |k: &str| scheme.get(k).and_then(|v| v.as_str()).unwrap_or_default();
        let supported = match get("type") {
            "apiKey" => {
                get("in") == "header" && get("name").eq_ignore_ascii_case(&settings.api_key_header)
            }
            "http" => get("scheme").eq_ignore_ascii_case("bearer"),
            _ => false,
        };
        if !supported {
            let at = crate::pointer::Pointer::root()
                .push("components")
                .push("securitySchemes")
                .push(name);
            out.push(Diagnostic::warning(
                "unsupported-security",
                Location { pointer: Some(at.to_string()), ..Location::default() },
                format!(
                    "security scheme `{name}` is not what the client runtime sends (an API key in the `{}` header, or a bearer token); set it with a default header",
                    settings.api_key_header
                ),
            ));
        }
    }
    out
}
