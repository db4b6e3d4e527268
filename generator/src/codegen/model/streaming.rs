//! Streaming, in one place: an operation whose request body has a property that switches the
//! answer to a stream of events.
//!
//! The property is `generator.stream-mode-property` of `spec/overrides.yaml` or, without that
//! setting, a `stream` property of an operation that documents an event-stream answer. A
//! boolean property streams when `true`; an enum property streams with its value `stream`, and
//! its value `background` (if any) gives a background run. The events are of the documented
//! event-stream schema, else of the success type.

use super::{
    BodyPlan, FieldRead, RustType, StreamPlan, StreamValue, TypeEntry, TypeKind, types::nullable_of,
};
use crate::codegen::ir::Ir;
use crate::codegen::ir::ops::{Answer, Op};
use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::overrides::GeneratorSettings;

/// Resolves the streaming switch of `op`, if it has one. A switch the builder cannot set (the
/// body is not a struct it holds) is reported, not dropped silently.
pub(super) fn resolve(
    ir: &Ir,
    types: &[TypeEntry],
    op: &Op,
    body: &BodyPlan,
    output: &RustType,
    settings: &GeneratorSettings,
    diags: &mut Diagnostics,
) -> Option<StreamPlan> {
    let ir_body = op.body.as_ref()?;
    let documented_events = op.event.is_some() || matches!(op.answer, Answer::Events(_));
    let property = match &settings.stream_mode_property {
        Some(p) => p.clone(),
        None if documented_events => "stream".to_owned(),
        None => return None,
    };
    let id = crate::codegen::ir::struct_of(&ir.space, &ir_body.typed.ty)?;
    let TypeKind::Struct(def) = &types.get(id.0)?.kind else {
        return None;
    };
    let field = def.fields.iter().find(|f| f.wire == property)?;
    let (stream, background) = match &field.value {
        RustType::Bool => (StreamValue::True, None),
        RustType::Named(enum_id) => {
            let TypeKind::Enum(e) = &types.get(enum_id.0)?.kind else {
                return None;
            };
            let variant = |wire: &str| {
                e.variants
                    .iter()
                    .find(|v| v.wire == wire)
                    .map(|v| StreamValue::Variant {
                        ty: *enum_id,
                        variant: v.rust.clone(),
                        wire: v.wire.clone(),
                    })
            };
            (variant("stream")?, variant("background"))
        }
        _ => return None,
    };
    let body_optional = match body {
        BodyPlan::Fields { optional, .. } => *optional,
        _ => {
            diags.push(Diagnostic::warning(
                "streaming-not-settable",
                Location {
                    pointer: Some(op.pointer.push("requestBody").to_string()),
                    ..Location::default()
                },
                format!(
                    "the body property `{property}` switches the answer to a stream, but the body is taken whole; no `.stream()` method"
                ),
            ));
            return None;
        }
    };
    let event = match &op.event {
        Some(e) => nullable_of(&e.ty, e.nullable),
        None => match output {
            RustType::EventStream(inner) => (**inner).clone(),
            RustType::Unit => RustType::Json,
            t => t.clone(),
        },
    };
    Some(StreamPlan {
        property,
        field: FieldRead {
            field: field.rust.clone(),
            state: field.state,
        },
        body_optional,
        stream,
        background,
        event,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::super::testing::{doc, model, op};
    use super::super::{RustType, StreamValue};
    use crate::overrides::GeneratorSettings;

    fn run(mode: Value, answers: Value) -> Value {
        doc(
            json!({"/run": {"post": {"operationId": "run", "tags": ["jobs"],
                "requestBody": {"required": true, "content": {"application/json": {"schema":
                    {"type": "object", "properties": {"mode": mode, "q": {"type": "string"}}}}}},
                "responses": {"200": {"description": "OK", "content": answers}}}}}),
            json!({}),
        )
    }

    fn mode_setting() -> GeneratorSettings {
        GeneratorSettings {
            stream_mode_property: Some("mode".to_owned()),
            ..GeneratorSettings::default()
        }
    }

    #[test]
    fn an_enum_switch_with_stream_and_background() {
        let d = run(
            json!({"type": "string", "enum": ["sync", "stream", "background"]}),
            json!({"application/json": {"schema": {"type": "object", "properties": {"id": {"type": "string"}}}}}),
        );
        let (m, _) = model(&d, &mode_setting());
        let o = op(&m, "POST /run");
        let s = o.streaming.as_ref().expect("streaming");
        assert!(matches!(&s.stream, StreamValue::Variant { variant, .. } if variant == "Stream"));
        assert!(
            matches!(&s.background, Some(StreamValue::Variant { wire, .. }) if wire == "background")
        );
        // The switch is set by `.stream()` / `.background()`, never by a setter.
        assert!(o.setters.iter().all(|st| st.name != "mode"));
    }

    #[test]
    fn a_boolean_stream_property_of_a_documented_event_stream() {
        let d = doc(
            json!({"/chat": {"post": {"operationId": "chat", "tags": ["chat"],
                "requestBody": {"required": true, "content": {"application/json": {"schema":
                    {"type": "object", "properties": {"stream": {"type": "boolean"}}}}}},
                "responses": {"200": {"description": "OK", "content": {
                    "application/json": {"schema": {"type": "object", "properties": {"text": {"type": "string"}}}},
                    "text/event-stream": {"schema": {"type": "object", "properties": {"delta": {"type": "string"}}}}}}}}}}),
            json!({}),
        );
        let (m, _) = model(&d, &GeneratorSettings::default());
        let s = op(&m, "POST /chat").streaming.clone().expect("streaming");
        assert_eq!(s.stream, StreamValue::True);
        assert!(matches!(s.event, RustType::Named(_)));
    }

    #[test]
    fn no_switch_without_a_stream_value() {
        let d = run(
            json!({"type": "string", "enum": ["sync", "async"]}),
            json!({"application/json": {"schema": {"type": "object"}}}),
        );
        let (m, _) = model(&d, &mode_setting());
        assert!(op(&m, "POST /run").streaming.is_none());
    }
}
