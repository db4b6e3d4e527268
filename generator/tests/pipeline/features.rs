//! The generated crate's cargo features: one per resource module, and never a name Cargo or
//! the hand-kept part of the manifest already gives a feature (`default`, `rustls`, ...).

use std::process::Command;

use crate::support::Sandbox;

/// One operation without a tag (its resource is `default`), one tagged `rustls` (a feature of
/// the manifest) and one tagged `things`.
const PAGE: &str = r#"# Things

## Health

```json
{"openapi":"3.1.0","info":{"title":"Fixture","version":"1.0.0"},"servers":[{"url":"https://api.example.com"}],"paths":{"/health":{"get":{"operationId":"health","responses":{"200":{"description":"OK"}}}}}}
```

## Certificates

```json
{"openapi":"3.1.0","info":{"title":"Fixture","version":"1.0.0"},"servers":[{"url":"https://api.example.com"}],"paths":{"/certificates":{"get":{"operationId":"listCertificates","tags":["rustls"],"responses":{"200":{"description":"OK"}}}}}}
```

## List Things

```json
{"openapi":"3.1.0","info":{"title":"Fixture","version":"1.0.0"},"servers":[{"url":"https://api.example.com"}],"paths":{"/things":{"get":{"operationId":"listThings","tags":["things"],"responses":{"200":{"description":"OK"}}}}}}
```
"#;

#[test]
fn resource_features_never_take_a_name_cargo_or_the_manifest_gives_a_feature() {
    // The crate's manifest and the runtime it depends on by path, which cargo reads too.
    let sandbox = Sandbox::with(&["alli-api-runtime"]);
    sandbox.workspace_of(&["alli-api"]);
    sandbox.write("alli-api/src/lib.rs", "");
    sandbox.write("spec/docs/en/things.md", PAGE);
    let applied = generator::regen(&sandbox.layout(), &[], None).expect("regen");
    let warnings = applied.warnings.to_string();
    for (tag, module) in [("default", "default_api"), ("rustls", "rustls_api")] {
        assert!(
            warnings.contains(&format!(
                "warning[renamed-resource]: tag `{tag}` gives module, accessor and cargo feature `{module}`"
            )),
            "{warnings}"
        );
    }
    let manifest = sandbox.read("alli-api/Cargo.toml");
    assert!(
        manifest.contains(
            "default = [\"rustls\", \"default_api\", \"rustls_api\", \"things\"]\n## The `default` operations (`client.default_api()`).\ndefault_api = []\n"
        ),
        "{manifest}"
    );
    // Cargo reads the manifest: no feature is defined twice.
    let out = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--no-deps",
            "--offline",
            "--format-version",
            "1",
        ])
        .current_dir(sandbox.root())
        .output()
        .expect("cargo metadata");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&out.stdout).expect("metadata");
    let features = metadata["packages"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["name"] == "alli-api"))
        .map(|p| &p["features"])
        .expect("the alli-api package");
    for feature in [
        "default_api",
        "rustls_api",
        "things",
        "rustls",
        "full-serde",
        "mock",
    ] {
        assert!(features.get(feature).is_some(), "{feature}: {features}");
    }
    assert_eq!(
        features["default"],
        serde_json::json!(["rustls", "default_api", "rustls_api", "things"])
    );
}
