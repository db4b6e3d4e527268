//! Parameters of every schema type in every OpenAPI style, as sent on the wire: the style table
//! of OpenAPI 3.1 ("Style Examples", with the `label` row as corrected in 3.1.1 / RFC 6570) for
//! path, query, header and cookie parameters.

use std::collections::BTreeMap;

use alli_api::__private::{ParamStyle, Request, Style};
use alli_api::ErrorKind;
use alli_api_tests::{RecordedRequest, Reply, TestServer, client, execute, get};
use serde_json::{Value, json};

/// Sends `req` to a fresh server and returns what it received.
async fn sent(req: Request) -> RecordedRequest {
    let server = TestServer::start().await;
    server.push(Reply::ok());
    execute(&client(&server.url()), req)
        .await
        .expect("request succeeds");
    server.single_request()
}

fn values() -> [Value; 3] {
    [
        json!("blue"),
        json!(["blue", "black", "brown"]),
        json!({"R": 100, "G": 200, "B": 150}),
    ]
}

#[tokio::test]
async fn path_styles_follow_the_openapi_table() {
    use Style::*;
    #[rustfmt::skip]
    let rows: [(Style, bool, [&str; 3]); 6] = [
        (Simple, false, ["blue", "blue,black,brown", "R,100,G,200,B,150"]),
        (Simple, true, ["blue", "blue,black,brown", "R=100,G=200,B=150"]),
        (Label, false, [".blue", ".blue,black,brown", ".R,100,G,200,B,150"]),
        (Label, true, [".blue", ".blue.black.brown", ".R=100.G=200.B=150"]),
        (Matrix, false, [";color=blue", ";color=blue,black,brown", ";color=R,100,G,200,B,150"]),
        (Matrix, true, [";color=blue", ";color=blue;color=black;color=brown", ";R=100;G=200;B=150"]),
    ];
    for (style, explode, expected) in rows {
        for (value, want) in values().iter().zip(expected) {
            let mut req = get("/items/{color}/x");
            req.path_param_with("color", value, ParamStyle::new(style, explode));
            assert_eq!(
                sent(req).await.target,
                format!("/items/{want}/x"),
                "{style:?} explode={explode} {value}"
            );
        }
    }
}

#[tokio::test]
async fn query_styles_follow_the_openapi_table() {
    use Style::*;
    #[rustfmt::skip]
    let rows: [(Style, bool, [Option<&str>; 3]); 5] = [
        (Form, true, [Some("color=blue"), Some("color=blue&color=black&color=brown"), Some("R=100&G=200&B=150")]),
        (Form, false, [Some("color=blue"), Some("color=blue,black,brown"), Some("color=R,100,G,200,B,150")]),
        (SpaceDelimited, false, [None, Some("color=blue%20black%20brown"), Some("color=R%20100%20G%20200%20B%20150")]),
        (PipeDelimited, false, [None, Some("color=blue%7Cblack%7Cbrown"), Some("color=R%7C100%7CG%7C200%7CB%7C150")]),
        (DeepObject, true, [None, None, Some("color%5BR%5D=100&color%5BG%5D=200&color%5BB%5D=150")]),
    ];
    for (style, explode, expected) in rows {
        for (value, want) in values().iter().zip(expected) {
            // The table's n/a cells: not checked.
            let Some(want) = want else { continue };
            let mut req = get("/items");
            req.query_param("color", value, ParamStyle::new(style, explode));
            assert_eq!(
                sent(req).await.query(),
                Some(want),
                "{style:?} explode={explode} {value}"
            );
        }
    }
}

#[tokio::test]
async fn deep_object_needs_an_object() {
    let server = TestServer::start().await;
    let mut req = get("/items");
    req.query_param(
        "color",
        &vec!["a"],
        ParamStyle::new(Style::DeepObject, true),
    );
    let e = execute(&client(&server.url()), req)
        .await
        .expect_err("an array in deepObject style");
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    assert!(
        e.to_string()
            .contains("query parameter `color`: parameter `color` has style deepObject"),
        "{e}"
    );
    assert_eq!(server.request_count(), 0);
}

alli_api::__open_enum! {
    /// A generated open enum.
    pub enum Shade {
        /// Light.
        Light = "light",
        /// Dark blue.
        DarkBlue = "dark blue",
    }
}

/// A generated struct used as an object parameter.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Filter {
    state: Shade,
    min_score: f32,
    #[serde(skip_serializing_if = "Option::is_none")]
    cursor: Option<String>,
    owner: Option<String>,
}

#[tokio::test]
async fn path_parameters_of_every_schema_type() {
    let mut req = get("/a/{s}/{i}/{f32}/{f64}/{b}/{e}/{list}/{map}/{any}/{any_list}/{obj}");
    req.path_param("s", &"a/b c");
    req.path_param("i", &-42i32);
    req.path_param("f32", &0.1f32);
    req.path_param("f64", &2.5f64);
    req.path_param("b", &false);
    req.path_param("e", &Shade::DarkBlue);
    req.path_param("list", &vec![1u8, 2, 3]);
    req.path_param("map", &BTreeMap::from([("k", "v,w")]));
    req.path_param("any", &json!(7));
    req.path_param("any_list", &json!(["x", 1, true]));
    req.path_param(
        "obj",
        &serde_json::Map::from_iter([("n".to_owned(), json!(null)), ("o".to_owned(), json!("p"))]),
    );
    assert_eq!(
        sent(req).await.target,
        "/a/a%2Fb%20c/-42/0.1/2.5/false/dark%20blue/1,2,3/k,v%2Cw/7/x,1,true/o,p"
    );
}

#[tokio::test]
async fn a_generated_struct_as_a_query_object() {
    let filter = Filter {
        state: Shade::Unknown("new one".into()),
        min_score: 0.5,
        cursor: None,
        owner: None,
    };
    let mut req = get("/items");
    req.query_param("filter", &filter, ParamStyle::new(Style::DeepObject, true));
    req.query_param("flat", &filter, ParamStyle::FORM);
    req.query_param("none", &None::<Filter>, ParamStyle::FORM);
    let r = sent(req).await;
    assert_eq!(
        r.query(),
        Some("filter%5Bstate%5D=new%20one&filter%5BminScore%5D=0.5&state=new%20one&minScore=0.5")
    );
    assert_eq!(
        r.query_pairs(),
        vec![
            ("filter[state]".to_owned(), "new one".to_owned()),
            ("filter[minScore]".to_owned(), "0.5".to_owned()),
            ("state".to_owned(), "new one".to_owned()),
            ("minScore".to_owned(), "0.5".to_owned()),
        ]
    );
}

#[tokio::test]
async fn allow_reserved_keeps_reserved_characters() {
    let mut req = get("/items");
    req.query_param("path", &"a/b:c@d", ParamStyle::FORM.allow_reserved());
    req.query_param("plain", &"a/b:c@d", ParamStyle::FORM);
    assert_eq!(
        sent(req).await.query(),
        Some("path=a/b:c@d&plain=a%2Fb%3Ac%40d")
    );
}

#[tokio::test]
async fn header_parameters_are_simple() {
    let mut req = get("/items");
    req.header_param("X-Colors", &values()[1], ParamStyle::SIMPLE);
    req.header_param("X-Rgb", &values()[2], ParamStyle::new(Style::Simple, true));
    req.header_param("X-Score", &1.5f64, ParamStyle::SIMPLE);
    req.header_param("X-None", &None::<String>, ParamStyle::SIMPLE);
    let r = sent(req).await;
    assert_eq!(r.header("x-colors").as_deref(), Some("blue,black,brown"));
    assert_eq!(r.header("x-rgb").as_deref(), Some("R=100,G=200,B=150"));
    assert_eq!(r.header("x-score").as_deref(), Some("1.5"));
    assert!(!r.has_header("x-none"));

    let server = TestServer::start().await;
    let mut req = get("/items");
    req.header_param("X-Bad", &"a\r\nInjected: 1", ParamStyle::SIMPLE);
    let e = execute(&client(&server.url()), req)
        .await
        .expect_err("CR LF in a header");
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    assert_eq!(server.request_count(), 0);
}

#[tokio::test]
async fn cookie_parameters_are_form_style_in_one_header() {
    let server = TestServer::start().await;
    server.push(Reply::ok());
    let client = alli_api_tests::client_builder(&server.url())
        .default_header("Cookie", "session=abc")
        .build()
        .expect("valid config");
    let mut req = get("/items");
    req.cookie_param("color", &values()[1], ParamStyle::new(Style::Form, false));
    req.cookie_param("tag", &vec!["x", "y"], ParamStyle::FORM);
    req.cookie_param("name", &"a b;c", ParamStyle::FORM);
    req.cookie_param("none", &None::<String>, ParamStyle::FORM);
    execute(&client, req).await.expect("request succeeds");
    assert_eq!(
        server.single_request().header("cookie").as_deref(),
        Some("session=abc; color=blue,black,brown; tag=x; tag=y; name=a%20b%3Bc")
    );
}

#[tokio::test]
async fn a_path_parameter_without_a_value_is_rejected() {
    let server = TestServer::start().await;
    let client = client(&server.url());
    for (value, style) in [
        (json!(null), ParamStyle::SIMPLE),
        (json!([]), ParamStyle::SIMPLE),
        (json!(""), ParamStyle::new(Style::Label, false)),
    ] {
        let mut req = get("/items/{id}");
        req.path_param_with("id", &value, style);
        let e = execute(&client, req).await.expect_err("no usable value");
        assert_eq!(e.kind(), ErrorKind::InvalidRequest, "{value}");
        assert!(e.to_string().contains("path parameter `id`"), "{e}");
    }
    assert_eq!(server.request_count(), 0);
}
