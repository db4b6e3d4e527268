//! The typed rule of an operation on the runtime's mock server: which matchers it offers, with
//! their names and Rust types.
//!
//! A matcher exists for every value the client can send and the mock can check — query and
//! header parameters (required or not, in their style), the JSON body and each of its fields —
//! named like the client's argument or setter. What the client can leave out gets a
//! `without_<name>` matcher (an optional parameter or body field; the cursor of a paginated
//! list, for the first page); what it can send as `null` a `<name>_null` one; a background
//! switch of a streaming operation `background()`. Names avoid the rule's own methods
//! (`returns`, `times`, ...), which a field called `times` would otherwise shadow.

use std::collections::BTreeSet;

use super::rust::ArgType;
use super::{
    AnswerPlan, ArgTarget, BodyPlan, FieldState, Operation, PagingPlan, ParamIn, RustType,
    SetterKind, StreamValue, TypeEntry, TypeId, TypeKind,
};
use crate::codegen::naming;

/// An operation's typed rule on the mock server.
#[derive(Debug, Clone, PartialEq)]
pub struct MockRule {
    /// The name of the operation's descriptor static (`CONVERSATIONS_GET`).
    pub descriptor: String,
    /// Former descriptor names (from renamed methods or modules), kept as deprecated copies.
    pub descriptor_aliases: Vec<String>,
    /// What `returns(..)` takes: what the client's `send()` returns (`()` for no content,
    /// `String` for text, JSON for a binary answer).
    pub success: RustType,
    /// What `fails(..)` takes: the documented error body when there is exactly one, else JSON.
    pub error: RustType,
    /// What `streams(..)` takes: the event type, for an operation that can stream.
    pub event: Option<RustType>,
    /// The matchers.
    pub matchers: Vec<Matcher>,
}

/// One matcher of an operation's mock rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Matcher {
    /// The method name.
    pub name: String,
    /// What it matches.
    pub kind: MatcherKind,
}

/// What a matcher matches.
#[derive(Debug, Clone, PartialEq)]
pub enum MatcherKind {
    /// A query or header parameter (index into [`Operation::params`]) with this value, in the
    /// parameter's style; the method takes `input`.
    Param {
        /// The parameter.
        param: usize,
        /// The value the method takes.
        input: ArgType,
        /// The value as the client's builder holds it (`Option<T>` for a required, nullable
        /// parameter), which the matcher serializes as the client does.
        value: RustType,
    },
    /// A header the client takes as a string (index into [`Operation::params`]).
    StringHeader {
        /// The parameter.
        param: usize,
    },
    /// A query or header parameter (index into [`Operation::params`]) that is not sent.
    ParamAbsent {
        /// The parameter.
        param: usize,
        /// It is the cursor of a paginated list: its absence asks for the first page.
        first_page: bool,
    },
    /// The whole JSON body.
    Body {
        /// The body type.
        ty: RustType,
    },
    /// A field of the JSON body with this value.
    BodyField {
        /// The wire name.
        wire: String,
        /// The value the method takes.
        input: ArgType,
        /// The value as the body holds it.
        value: RustType,
    },
    /// A field of the JSON body sent as `null`.
    BodyFieldNull {
        /// The wire name.
        wire: String,
    },
    /// A field of the JSON body that is not sent.
    BodyFieldAbsent {
        /// The wire name.
        wire: String,
        /// It is the streaming switch: its absence asks for the plain answer.
        switch: bool,
    },
    /// The streaming switch at a value other than the stream's (`background()`).
    Switch {
        /// The wire name of the switching property.
        wire: String,
        /// The enum.
        ty: TypeId,
        /// The variant.
        variant: String,
        /// Its wire value.
        value: String,
    },
}

/// The methods of every rule (`alli-api`'s `__mock_rule!`), which matchers must not take.
pub const RULE_METHODS: &[&str] = &[
    "returns",
    "then_returns",
    "fails",
    "then_fails",
    "fault",
    "then_fault",
    "responds",
    "then_responds",
    "streams",
    "then_streams",
    "event_interval",
    "retry_after",
    "response_header",
    "delay",
    "truncated",
    "matching",
    "times",
    "at_least",
    "at_most",
    "never",
    "any_times",
    "calls",
    "requests",
    "untyped",
    "rule",
];

/// The rule of `op`, an operation of resource module `module` (formerly `module_aliases`).
pub(super) fn rule(
    op: &Operation,
    module: &str,
    module_aliases: &[String],
    types: &[TypeEntry],
) -> MockRule {
    let success = match &op.answer {
        AnswerPlan::Json => op.output.clone(),
        AnswerPlan::Empty => RustType::Unit,
        AnswerPlan::Text(_) => RustType::String,
        AnswerPlan::Download(_) => RustType::Json,
        AnswerPlan::Events(_) => match &op.output {
            RustType::EventStream(e) => (**e).clone(),
            _ => RustType::Json,
        },
    };
    let error = match op.errors.as_slice() {
        [one] => one.ty.clone(),
        _ => RustType::Json,
    };
    let event = match (&op.answer, &op.streaming) {
        (AnswerPlan::Events(_), _) => Some(success.clone()),
        (_, Some(s)) if matches!(s.stream, StreamValue::Variant { .. }) => Some(s.event.clone()),
        _ => None,
    };
    let descriptor = naming::mock_descriptor_name(module, &op.name);
    let mut descriptor_aliases: Vec<String> = std::iter::once(module)
        .chain(module_aliases.iter().map(String::as_str))
        .flat_map(|m| {
            std::iter::once(op.name.as_str())
                .chain(op.method_aliases.iter().map(String::as_str))
                .map(move |name| naming::mock_descriptor_name(m, name))
        })
        .filter(|d| *d != descriptor)
        .collect();
    descriptor_aliases.sort();
    descriptor_aliases.dedup();
    MockRule {
        descriptor,
        descriptor_aliases,
        success,
        error,
        event,
        matchers: matchers(op, types),
    }
}

/// The matchers of `op`'s rule, in the order the client's builder shows its values:
/// parameters, the body, its fields, the streaming switch.
fn matchers(op: &Operation, types: &[TypeEntry]) -> Vec<Matcher> {
    let mut wanted: Vec<(String, MatcherKind)> = Vec::new();
    let cursor = match &op.paging {
        Some(PagingPlan::Cursor {
            param: (field, _), ..
        }) => Some(field.as_str()),
        _ => None,
    };
    // Parameters, by the client's argument or setter.
    for (i, param) in op.params.iter().enumerate() {
        if !matches!(param.location, ParamIn::Query | ParamIn::Header) {
            continue;
        }
        let by_arg = op.args.iter().find(|a| a.target == ArgTarget::Param(i));
        let by_setter = op.setters.iter().find(|s| match &s.kind {
            SetterKind::Param { param, .. } | SetterKind::StringHeader { param, .. } => *param == i,
            _ => false,
        });
        let (name, kind) = match (by_arg, by_setter) {
            (Some(a), _) => (
                a.name.clone(),
                MatcherKind::Param {
                    param: i,
                    input: a.ty.clone(),
                    value: a.ty.stored(),
                },
            ),
            (None, Some(s)) => match &s.kind {
                SetterKind::Param { input, .. } => (
                    s.name.clone(),
                    MatcherKind::Param {
                        param: i,
                        input: input.clone(),
                        value: input.stored(),
                    },
                ),
                _ => (s.name.clone(), MatcherKind::StringHeader { param: i }),
            },
            (None, None) => continue,
        };
        wanted.push((name, kind));
        if !param.required {
            wanted.push((
                naming::without_name(&param.rust),
                MatcherKind::ParamAbsent {
                    param: i,
                    first_page: cursor == Some(param.rust.as_str()),
                },
            ));
        }
    }
    // The whole body, when the client takes it whole.
    let whole = op
        .setters
        .iter()
        .find_map(|s| match &s.kind {
            SetterKind::Body { ty } => Some((s.name.clone(), ty.clone())),
            _ => None,
        })
        .or_else(|| {
            let a = op.args.iter().find(|a| a.target == ArgTarget::Body)?;
            let BodyPlan::Whole { ty, .. } = &op.body else {
                return None;
            };
            Some((a.name.clone(), ty.clone()))
        });
    if let Some((name, ty)) = whole {
        wanted.push((name, MatcherKind::Body { ty }));
    }
    // The fields of a body of fields, required ones included (a rule usually matches a few).
    let switch = op.streaming.as_ref().map(|s| s.property.as_str());
    if let BodyPlan::Fields { ty, .. } = &op.body
        && let Some(TypeKind::Struct(st)) = types.get(ty.0).map(|t| &t.kind)
    {
        for (i, f) in st.fields.iter().enumerate() {
            let Some(member) = op.body_members.get(i) else {
                continue;
            };
            let optional = matches!(f.state, FieldState::Optional | FieldState::OptionalNullable);
            if switch == Some(f.wire.as_str()) {
                if optional {
                    wanted.push((
                        naming::without_name(member),
                        MatcherKind::BodyFieldAbsent {
                            wire: f.wire.clone(),
                            switch: true,
                        },
                    ));
                }
                continue;
            }
            let stored = if f.boxed {
                RustType::Boxed(Box::new(f.value.clone()))
            } else {
                f.value.clone()
            };
            let (input, value) = match f.state {
                FieldState::RequiredNullable => {
                    let t = stored.option();
                    (ArgType::Into(t.clone()), t)
                }
                _ => (f.input.clone(), stored),
            };
            wanted.push((
                member.clone(),
                MatcherKind::BodyField {
                    wire: f.wire.clone(),
                    input,
                    value,
                },
            ));
            if f.state == FieldState::OptionalNullable {
                let null = op
                    .setters
                    .iter()
                    .find(|s| matches!(s.kind, SetterKind::BodyFieldNull { field } if field == i))
                    .map(|s| s.name.clone())
                    .unwrap_or_else(|| naming::null_setter_name(member, &mut BTreeSet::new()));
                wanted.push((
                    null,
                    MatcherKind::BodyFieldNull {
                        wire: f.wire.clone(),
                    },
                ));
            }
            if optional {
                wanted.push((
                    naming::without_name(member),
                    MatcherKind::BodyFieldAbsent {
                        wire: f.wire.clone(),
                        switch: false,
                    },
                ));
            }
        }
    }
    if let Some(s) = &op.streaming
        && let Some(StreamValue::Variant { ty, variant, wire }) = &s.background
    {
        wanted.push((
            "background".to_owned(),
            MatcherKind::Switch {
                wire: s.property.clone(),
                ty: *ty,
                variant: variant.clone(),
                value: wire.clone(),
            },
        ));
    }
    let mut taken: BTreeSet<String> = RULE_METHODS.iter().map(|s| (*s).to_owned()).collect();
    wanted
        .into_iter()
        .map(|(name, kind)| Matcher {
            name: naming::unique(&name, &mut taken),
            kind,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::RustType;
    use super::super::testing::{doc, model, op};
    use super::MatcherKind;
    use crate::overrides::GeneratorSettings;

    /// `(name, kind)` of each matcher, the kind by its variant name.
    fn matchers(spec: serde_json::Value, key: &str) -> Vec<(String, String)> {
        let (m, _) = model(&doc(spec, json!({})), &GeneratorSettings::default());
        op(&m, key)
            .mock_rule
            .matchers
            .iter()
            .map(|x| {
                let kind = format!("{:?}", x.kind);
                let variant = kind.split([' ', '(', '{']).next().unwrap_or_default();
                (x.name.clone(), variant.to_owned())
            })
            .collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    }

    #[test]
    fn required_and_optional_parameters_and_fields_with_their_absence() {
        let got = matchers(
            json!({"/items": {"post": {"operationId": "create", "tags": ["items"],
                "parameters": [
                    {"name": "region", "in": "query", "required": true, "schema": {"type": "string"}},
                    {"name": "dryRun", "in": "query", "schema": {"type": "boolean"}},
                    {"name": "X-Trace", "in": "header", "required": true, "schema": {"type": "string"}}
                ],
                "requestBody": {"required": true, "content": {"application/json": {"schema":
                    {"type": "object", "required": ["name"], "properties": {
                        "name": {"type": "string"},
                        "note": {"type": ["string", "null"]}}}}}},
                "responses": {"200": {"description": "OK"}}}}}),
            "POST /items",
        );
        assert_eq!(
            got,
            pairs(&[
                ("region", "Param"),
                ("dry_run", "Param"),
                ("without_dry_run", "ParamAbsent"),
                ("x_trace", "Param"),
                ("body", "Body"),
                ("name", "BodyField"),
                ("note", "BodyField"),
                ("note_null", "BodyFieldNull"),
                ("without_note", "BodyFieldAbsent"),
            ])
        );
    }

    #[test]
    fn names_of_the_rules_own_methods_take_the_next_free_form() {
        let got = matchers(
            json!({"/jobs": {"post": {"operationId": "schedule", "tags": ["jobs"],
                "parameters": [{"name": "times", "in": "query", "schema": {"type": "integer"}}],
                "requestBody": {"required": true, "content": {"application/json": {"schema":
                    {"type": "object", "required": ["delay", "returns"], "properties": {
                        "delay": {"type": "integer"}, "returns": {"type": "string"}}}}}},
                "responses": {"200": {"description": "OK"}}}}}),
            "POST /jobs",
        );
        let names: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            ["times2", "without_times", "body", "delay2", "returns2"],
            "{got:?}"
        );
    }

    #[test]
    fn the_cursor_absence_asks_for_the_first_page() {
        let (m, _) = model(
            &doc(
                json!({"/things": {"get": {"operationId": "list", "tags": ["things"],
                    "parameters": [
                        {"name": "cursor", "in": "query", "schema": {"type": "string"}},
                        {"name": "q", "in": "query", "schema": {"type": "string"}}],
                    "responses": {"200": {"description": "OK", "content": {"application/json": {
                        "schema": {"type": "object", "properties": {
                            "items": {"type": "array", "items": {"type": "string"}},
                            "next_cursor": {"type": ["string", "null"]}}}}}}}}}}),
                json!({}),
            ),
            &GeneratorSettings::default(),
        );
        let o = op(&m, "GET /things");
        let first_page: Vec<(&str, bool)> = o
            .mock_rule
            .matchers
            .iter()
            .filter_map(|x| match x.kind {
                MatcherKind::ParamAbsent { first_page, .. } => Some((x.name.as_str(), first_page)),
                _ => None,
            })
            .collect();
        assert_eq!(first_page, [("without_cursor", true), ("without_q", false)]);
    }

    #[test]
    fn a_parameter_is_matched_as_the_client_holds_it() {
        let (m, _) = model(
            &doc(
                json!({"/merge": {"post": {"operationId": "merge", "tags": ["things"],
                    "parameters": [
                        {"name": "ids", "in": "query", "required": true,
                            "schema": {"type": ["array", "null"], "items": {"type": "integer"}}},
                        {"name": "tags", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}}],
                    "responses": {"200": {"description": "OK"}}}}}),
                json!({}),
            ),
            &GeneratorSettings::default(),
        );
        let o = op(&m, "POST /merge");
        let held: Vec<(&str, String)> = o
            .mock_rule
            .matchers
            .iter()
            .filter_map(|x| match &x.kind {
                MatcherKind::Param { value, .. } => Some((x.name.as_str(), format!("{value:?}"))),
                _ => None,
            })
            .collect();
        // A required, nullable list is an `Option` in the builder (the client can send null);
        // an optional list is set as a list.
        assert_eq!(
            held,
            [
                (
                    "ids",
                    format!("{:?}", RustType::Vec(Box::new(RustType::I64)).option())
                ),
                (
                    "tags",
                    format!("{:?}", RustType::Vec(Box::new(RustType::String)))
                ),
            ]
        );
    }
}
