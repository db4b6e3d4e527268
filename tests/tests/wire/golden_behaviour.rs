//! The golden fixtures' generated code does what the mapping rules promise, not only compiles.

use alli_api_tests::golden::{composition, enums, nullability};
use serde_json::json;

#[test]
fn a_tagged_union_keeps_the_tag_in_the_variant_and_unknown_tags_as_is() {
    use composition::types::{Circle, Shape};
    let circle: Shape =
        serde_json::from_value(json!({"kind": "circle", "radius": 1.5})).expect("circle");
    assert_eq!(circle, Shape::Circle(Circle::new("circle", 1.5)));
    assert_eq!(
        serde_json::to_value(&circle).expect("encode"),
        json!({"kind": "circle", "radius": 1.5})
    );
    let other = json!({"kind": "hexagon", "sides": 6});
    let unknown: Shape = serde_json::from_value(other.clone()).expect("unknown kind");
    assert_eq!(unknown, Shape::Unknown(other.clone()));
    assert_eq!(serde_json::to_value(&unknown).expect("encode"), other);
    let err =
        serde_json::from_value::<Shape>(json!({"kind": "circle"})).expect_err("radius missing");
    assert!(err.to_string().contains("radius"), "{err}");
}

#[test]
fn recursive_schemas_are_boxed_and_keywords_renamed() {
    use composition::types::{Node, PutShapeResponse};
    let v = json!({"self": "s", "match": 3, "2fa": true, "kebab-case": "k", "dotted.name": "d",
                   "tree": {"value": "root", "parent": {"value": "p"}, "children": [{"value": "c"}]}});
    let r: PutShapeResponse = serde_json::from_value(v.clone()).expect("decode");
    assert_eq!(
        (r.self_.as_deref(), r.r#match, r.n2fa),
        (Some("s"), Some(3), Some(true))
    );
    let tree: &Node = r.tree.as_ref().expect("tree");
    assert_eq!(
        tree.parent.as_ref().and_then(|p| p.value.as_deref()),
        Some("p")
    );
    assert_eq!(serde_json::to_value(&r).expect("encode"), v);
}

#[test]
fn nullability_cases_decode_and_encode_as_documented() {
    use nullability::types::{Record, RecordPatch};
    let r: Record =
        serde_json::from_value(json!({"id": "1", "note": null, "count": 2})).expect("decode");
    assert_eq!(
        (r.note, r.count, r.flag),
        (None, Some(2), true),
        "flag takes its default"
    );
    let missing = serde_json::from_value::<Record>(json!({"id": "1", "count": 2}))
        .expect_err("note is required");
    assert!(
        missing.to_string().contains("missing field `note`"),
        "{missing}"
    );
    let r = Record::new("1", None, None);
    assert_eq!(
        serde_json::to_value(&r).expect("encode"),
        json!({"id": "1", "note": null, "count": null, "flag": true})
    );
    let patch = RecordPatch::new().note_null();
    assert_eq!(
        serde_json::to_value(&patch).expect("encode"),
        json!({"note": null})
    );
    assert_eq!(
        serde_json::to_value(RecordPatch::default()).expect("encode"),
        json!({}),
        "defaults are not sent"
    );
}

#[test]
fn open_enums_keep_unknown_values() {
    use enums::types::Color;
    let c: Color = serde_json::from_value(json!("dark-green")).expect("known");
    assert_eq!(c, Color::DarkGreen);
    let u: Color = serde_json::from_value(json!("ultraviolet")).expect("unknown");
    assert_eq!(u.as_str(), "ultraviolet");
    assert_eq!(
        serde_json::to_value(&u).expect("encode"),
        json!("ultraviolet")
    );
    assert_eq!(Color::Empty.as_str(), "");
}
