//! Synthetic docs pages: N endpoints shaped like Alli's, for the scale bench.
//!
//! Endpoint `i` lives on page `i / 25` (one tag per page: `area<p>`), belongs to resource
//! `(i % 25) / 5` of that page and is of kind `i % 5`:
//!
//! | kind | operation | what it exercises |
//! |---|---|---|
//! | 0 | `GET /v1/area<p>/<res>s` | cursor pagination, query params (array, `$ref` enum, header `$ref`), inline response |
//! | 1 | `POST /v1/area<p>/<res>s` | required inline body: nested objects, inline enum, nullable fields, array of inline objects; typed 4xx |
//! | 2 | `GET /v1/area<p>/<res>s/{id}` | path param, inline enum query, `$ref` response, typed 404 |
//! | 3 | `PATCH /v1/area<p>/<res>s/{id}` | OpenAPI 3.0 `nullable: true` (repaired, with a warning), `allOf` wrapper |
//! | 4 | `GET /v1/area<p>/<res>s/{id}/events` | page-number pagination with `totalCount`, inline item objects |
//!
//! Every fragment carries the components it uses, as Alli's do: the shared `User`, `Label`
//! and `ErrorResponse` (identical in every fragment, so the merge deduplicates them), the
//! resource schema (shared by the five endpoints of the resource) and its status enum.

use std::fmt::Write as _;
use std::path::Path;

use serde_json::{Map, Value, json};

/// Endpoints per page (one tag per page).
pub const PER_PAGE: usize = 25;
/// Endpoints per resource.
pub const PER_RESOURCE: usize = 5;

const NOUNS: [&str; 5] = ["Invoice", "Customer", "Shipment", "Ticket", "Report"];

/// What a synthetic project should produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expected {
    /// Endpoints (= fragments = operations).
    pub operations: usize,
    /// Pages (= tags = generated resource modules).
    pub pages: usize,
    /// Named schemas in the merged document.
    pub named_schemas: usize,
}

/// The pages of `n` endpoints: `(file name, markdown)`.
pub fn pages(n: usize) -> Vec<(String, String)> {
    let pages = n.div_ceil(PER_PAGE);
    (0..pages)
        .map(|p| {
            let mut md = format!("# Area {p}\n\nArea {p} related APIs\n\n");
            for i in p * PER_PAGE..((p + 1) * PER_PAGE).min(n) {
                let (heading, description, doc) = endpoint(i);
                let _ = write!(
                    md,
                    "## {heading}\n\n> {description}\n\n```json\n{}\n```\n\n",
                    serde_json::to_string(&doc).unwrap_or_default()
                );
            }
            (format!("area{p:03}.md"), md)
        })
        .collect()
}

/// Writes a project of `n` endpoints at `root` (`spec/docs/en/*.md`, an empty
/// `spec/overrides.yaml`), ready for `generator::run(&Layout::new(root), &[])`.
pub fn write_project(root: &Path, n: usize) -> Expected {
    let docs = root.join("spec/docs/en");
    std::fs::create_dir_all(&docs)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", docs.display()));
    for (name, text) in pages(n) {
        std::fs::write(docs.join(&name), text)
            .unwrap_or_else(|e| panic!("cannot write {name}: {e}"));
    }
    std::fs::write(
        root.join("spec/overrides.yaml"),
        "# Synthetic project: no corrections.\n",
    )
    .unwrap_or_else(|e| panic!("cannot write overrides: {e}"));
    expected(n)
}

/// What `n` endpoints produce.
pub fn expected(n: usize) -> Expected {
    let resources = n.div_ceil(PER_RESOURCE);
    Expected {
        operations: n,
        pages: n.div_ceil(PER_PAGE),
        // Per resource: the resource and its status enum; plus User, Label, ErrorResponse.
        named_schemas: 2 * resources + 3,
    }
}

fn resource_name(i: usize) -> String {
    let p = i / PER_PAGE;
    let r = (i % PER_PAGE) / PER_RESOURCE;
    format!("{}{p}", NOUNS[r])
}

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn nullable(schema: Value) -> Value {
    json!({ "anyOf": [schema, { "type": "null" }] })
}

fn user() -> Value {
    json!({
        "title": "User",
        "type": "object",
        "required": ["userId", "firstName", "lastName"],
        "properties": {
            "userId": { "type": "string", "description": "Unique ID of the user" },
            "firstName": { "type": "string", "description": "First name of the user" },
            "lastName": { "type": "string", "description": "Last name of the user" },
            "email": nullable(json!({ "type": "string" }))
        }
    })
}

fn label() -> Value {
    json!({
        "title": "Label",
        "type": "object",
        "required": ["id", "name"],
        "properties": {
            "id": { "type": "string" },
            "name": { "type": "string" },
            "color": { "type": "string", "enum": ["red", "green", "blue", "grey"], "default": "grey" }
        }
    })
}

fn error_response() -> Value {
    json!({
        "title": "ErrorResponse",
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": { "type": "string", "description": "What went wrong" },
            "detail": nullable(json!({ "type": "string" })),
            "code": { "type": "integer" }
        }
    })
}

fn status_enum(res: &str) -> Value {
    json!({
        "title": format!("{res}Status"),
        "type": "string",
        "enum": ["active", "archived", "deleted", "pending_review"],
        "description": format!("State of a {res}")
    })
}

fn resource(res: &str) -> Value {
    json!({
        "title": res,
        "type": "object",
        "description": format!("A {res} record."),
        "required": ["id", "name", "status", "createdAt", "owner", "labels", "details"],
        "properties": {
            "id": { "type": "string", "description": "Unique ID" },
            "name": { "type": "string", "description": "Display name" },
            "description": nullable(json!({ "type": "string" })),
            "status": schema_ref(&format!("{res}Status")),
            "createdAt": { "type": "number", "description": "Creation time (epoch seconds)" },
            "updatedAt": nullable(json!({ "type": "number" })),
            "owner": nullable(schema_ref("User")),
            "labels": { "type": "array", "items": schema_ref("Label") },
            "details": {
                "type": "object",
                "required": ["source"],
                "properties": {
                    "source": { "type": "string" },
                    "region": { "type": "string", "enum": ["us", "ja", "eu"] },
                    "limits": {
                        "type": "object",
                        "required": ["max"],
                        "properties": {
                            "max": { "type": "integer" },
                            "min": nullable(json!({ "type": "integer" }))
                        }
                    },
                    "notes": { "type": "array", "items": { "type": "string" } }
                }
            },
            "lines": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["sku", "quantity"],
                    "properties": {
                        "sku": { "type": "string" },
                        "quantity": { "type": "integer", "minimum": 0 },
                        "price": { "type": "number" },
                        "note": nullable(json!({ "type": "string" }))
                    }
                }
            },
            "score": nullable(json!({ "type": "number" })),
            "enabled": { "type": "boolean", "default": false },
            "attributes": nullable(json!({ "type": "object" }))
        }
    })
}

fn json_content(schema: Value) -> Value {
    json!({ "application/json": { "schema": schema } })
}

fn error_responses(codes: &[&str]) -> Map<String, Value> {
    codes
        .iter()
        .map(|c| {
            (
                (*c).to_owned(),
                json!({ "description": "Error", "content": json_content(schema_ref("ErrorResponse")) }),
            )
        })
        .collect()
}

/// Heading, description and fragment document of endpoint `i`.
pub fn endpoint(i: usize) -> (String, String, Value) {
    let p = i / PER_PAGE;
    let res = resource_name(i);
    let lower = res.to_lowercase();
    let collection = format!("/v1/area{p}/{lower}s");
    let item = format!("{collection}/{{{lower}_id}}");
    let id_param = json!({
        "name": format!("{lower}_id"), "in": "path", "required": true,
        "schema": { "type": "string" }, "description": format!("ID of the {res}")
    });
    let agent = json!({ "$ref": "#/components/parameters/AgentEmailHeader" });
    let mut schemas = Map::new();
    let mut uses_resource = true;
    let (heading, description, method, path, operation) = match i % PER_RESOURCE {
        0 => (
            format!("List {res}s"),
            format!("Get a list of {res} records, most recent first."),
            "get",
            collection.clone(),
            json!({
                "operationId": format!("list{res}s"),
                "parameters": [
                    { "name": "cursor", "in": "query", "schema": nullable(json!({ "type": "string" })), "description": "Cursor for pagination" },
                    { "name": "pageSize", "in": "query", "schema": { "type": "integer", "default": 20, "minimum": 1, "maximum": 50 } },
                    { "name": "status", "in": "query", "schema": schema_ref(&format!("{res}Status")) },
                    { "name": "ids", "in": "query", "schema": { "type": "array", "items": { "type": "string" } } },
                    { "name": "searchTerm", "in": "query", "schema": { "type": "string" } },
                    agent
                ],
                "responses": {
                    "200": { "description": "Successful Response", "content": json_content(json!({
                        "type": "object",
                        "required": ["items", "cursor"],
                        "properties": {
                            "items": { "type": "array", "items": schema_ref(&res) },
                            "cursor": nullable(json!({ "type": "string" }))
                        }
                    })) }
                }
            }),
        ),
        1 => (
            format!("Create {res}"),
            format!("Create a {res}."),
            "post",
            collection.clone(),
            json!({
                "operationId": format!("create{res}"),
                "parameters": [agent],
                "requestBody": { "required": true, "content": json_content(json!({
                    "type": "object",
                    "required": ["name", "details"],
                    "properties": {
                        "name": { "type": "string", "minLength": 1 },
                        "description": nullable(json!({ "type": "string" })),
                        "status": schema_ref(&format!("{res}Status")),
                        "ownerId": nullable(json!({ "type": "string" })),
                        "details": {
                            "type": "object",
                            "required": ["source"],
                            "properties": {
                                "source": { "type": "string" },
                                "priority": { "type": "string", "enum": ["low", "normal", "high"], "default": "normal" },
                                "tags": { "type": "array", "items": { "type": "string" } }
                            }
                        },
                        "lines": { "type": "array", "items": {
                            "type": "object",
                            "required": ["sku"],
                            "properties": {
                                "sku": { "type": "string" },
                                "quantity": { "type": "integer", "default": 1 }
                            }
                        } }
                    }
                })) },
                "responses": {
                    "200": { "description": "Successful Response", "content": json_content(schema_ref(&res)) }
                }
            }),
        ),
        2 => (
            format!("Get {res} By Id"),
            format!("Get a {res}."),
            "get",
            item.clone(),
            json!({
                "operationId": format!("get{res}"),
                "parameters": [
                    id_param,
                    { "name": "include", "in": "query", "schema": { "type": "array", "items": { "type": "string", "enum": ["owner", "labels", "lines"] } } },
                    { "name": "variables", "in": "query", "schema": { "type": "array", "items": { "type": "string" } } },
                    agent
                ],
                "responses": {
                    "200": { "description": "Successful Response", "content": json_content(schema_ref(&res)) }
                }
            }),
        ),
        3 => (
            format!("PATCH {item}"),
            format!("Update a {res}."),
            "patch",
            item.clone(),
            json!({
                "operationId": format!("update{res}"),
                "parameters": [id_param, agent],
                "requestBody": { "content": json_content(json!({
                    "type": "object",
                    "properties": {
                        "name": { "type": "string", "nullable": true },
                        "description": { "type": "string", "nullable": true },
                        "status": { "allOf": [schema_ref(&format!("{res}Status"))] },
                        "labelIds": { "type": "array", "items": { "type": "string" }, "nullable": true },
                        "score": nullable(json!({ "type": "number" }))
                    }
                })) },
                "responses": {
                    "200": { "description": "Successful Response", "content": json_content(schema_ref(&res)) }
                }
            }),
        ),
        _ => {
            uses_resource = false;
            (
                format!("List {res} Events"),
                format!("Get the events of a {res}, oldest first. Page size is 100."),
                "get",
                format!("{item}/events"),
                json!({
                    "operationId": format!("list{res}Events"),
                    "parameters": [
                        id_param,
                        { "name": "pageNo", "in": "query", "schema": { "type": "integer", "default": 1, "minimum": 1 } },
                        { "name": "pageSize", "in": "query", "schema": { "type": "integer", "default": 100 } },
                        agent
                    ],
                    "responses": {
                        "200": { "description": "Successful Response", "content": json_content(json!({
                            "type": "object",
                            "required": ["events", "pageNo", "totalCount"],
                            "properties": {
                                "events": { "type": "array", "items": {
                                    "type": "object",
                                    "required": ["id", "kind", "at"],
                                    "properties": {
                                        "id": { "type": "string" },
                                        "kind": { "type": "string", "enum": ["created", "updated", "deleted", "commented"] },
                                        "at": { "type": "number" },
                                        "actor": nullable(schema_ref("User")),
                                        "payload": nullable(json!({ "type": "object" }))
                                    }
                                } },
                                "pageNo": { "type": "integer" },
                                "totalCount": { "type": "integer" }
                            }
                        })) }
                    }
                }),
            )
        }
    };
    let mut operation = operation;
    if let Some(op) = operation.as_object_mut() {
        op.insert("tags".into(), json!([format!("area{p}")]));
        op.insert("summary".into(), json!(heading.clone()));
        op.insert("description".into(), json!(description.clone()));
        if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
            let codes: &[&str] = match i % PER_RESOURCE {
                1 | 3 => &["400", "422"],
                2 => &["404"],
                _ => &["422"],
            };
            responses.extend(error_responses(codes));
        }
    }
    // Components this fragment uses, in a stable order.
    if uses_resource {
        schemas.insert(res.clone(), resource(&res));
        schemas.insert("Label".into(), label());
    }
    schemas.insert(format!("{res}Status"), status_enum(&res));
    schemas.insert("User".into(), user());
    schemas.insert("ErrorResponse".into(), error_response());
    let doc = json!({
        "openapi": "3.1.0",
        "info": { "title": "Synthetic API", "version": "1.0.0" },
        "tags": [{ "name": format!("area{p}"), "description": format!("Area {p} related APIs") }],
        "servers": [{ "url": "https://api.example.com", "description": "US" }],
        "security": [{ "ApiKeyAuth": [] }],
        "components": {
            "securitySchemes": {
                "ApiKeyAuth": { "type": "apiKey", "in": "header", "name": "API-KEY", "description": "Your API key" }
            },
            "parameters": {
                "AgentEmailHeader": { "name": "AGENT-EMAIL", "in": "header", "required": false, "schema": { "type": "string" }, "description": "Optional: Email of the agent to use for this request" }
            },
            "schemas": schemas
        },
        "paths": { path: { method: operation } }
    });
    (heading, description, doc)
}
