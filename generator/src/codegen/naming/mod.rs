//! Rust names: every naming rule of the generator, in one place — casing, keywords, leading
//! digits and clashes; resource modules and handles; method and builder names from
//! operationIds; type names from their contexts; field, variant and setter names. The naming
//! pass ([`name_all`], in `pass`) runs once over the IR, takes pinned names from `spec/api.lock`
//! first and derives the rest with these rules; nothing else invents a name.

use std::collections::BTreeSet;

use heck::{ToPascalCase, ToSnakeCase};

use super::ir::ops::{Op, ParamIn};
use super::ir::types::{Cx, DefKind, Field, TypeDef};

mod pass;

pub use pass::{Names, OpNames, Previous, ResourceNames, context_key, name_all, type_key};

/// The casing a name is converted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// `PascalCase`, for types and variants.
    Pascal,
    /// `snake_case`, for fields, methods, modules.
    Snake,
}

/// Rust keywords (strict and reserved, all editions).
const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Type-namespace names the generated code uses unqualified (the Rust prelude and friends): a
/// generated type, handle or builder of one of these names would shadow it.
pub const PRELUDE_TYPES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Default",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Unpin",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "Iterator",
    "IntoIterator",
    "DoubleEndedIterator",
    "ExactSizeIterator",
    "Extend",
    "FromIterator",
    "ToString",
    "ToOwned",
    "From",
    "Into",
    "TryFrom",
    "TryInto",
    "AsRef",
    "AsMut",
    "PartialEq",
    "Eq",
    "PartialOrd",
    "Ord",
    "Debug",
    "Hash",
    "Self",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super"];

/// Words of a wire name, splitting `snake_case`, `camelCase`, `kebab-case` and other
/// punctuation. Non-ASCII letters are kept.
pub fn words(name: &str) -> Vec<String> {
    name.to_snake_case()
        .split('_')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Converts `name` to a valid Rust identifier in `case`: non-identifier characters dropped,
/// a leading digit prefixed, keywords made raw (or suffixed when they cannot be raw). Returns
/// the identifier text (possibly `r#type`).
pub fn sanitize(name: &str, case: Case) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                ' '
            }
        })
        .collect();
    let mut out = match case {
        Case::Pascal => cleaned.to_pascal_case(),
        Case::Snake => cleaned.to_snake_case(),
    };
    out.retain(|c| c.is_ascii_alphanumeric() || c == '_');
    if out.is_empty() {
        out = match case {
            Case::Pascal => "Value".to_owned(),
            Case::Snake => "value".to_owned(),
        };
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out = match case {
            Case::Pascal => format!("V{out}"),
            Case::Snake => format!("n{out}"),
        };
    }
    if KEYWORDS.contains(&out.as_str()) {
        if NOT_RAW.contains(&out.as_str()) {
            out.push('_');
        } else {
            out = format!("r#{out}");
        }
    }
    out
}

/// `base`, or `base2`, `base3`, ... — the first not in `taken`; records it.
pub fn unique(base: &str, taken: &mut BTreeSet<String>) -> String {
    if taken.insert(base.to_owned()) {
        return base.to_owned();
    }
    // `r#type` → `type2`, which is no keyword.
    let stem = base.strip_prefix("r#").unwrap_or(base);
    let mut n = 2;
    loop {
        let candidate = format!("{stem}{n}");
        if taken.insert(candidate.clone()) {
            return candidate;
        }
        n += 1;
    }
}

/// A simple English singular of the last word (`chatOptionInfos` → `chatOptionInfo`,
/// `categories` → `category`); unchanged when unsure.
pub fn singular(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with("ies") && name.len() > 4 {
        return format!("{}y", &name[..name.len() - 3]);
    }
    for keep in ["ss", "us", "is", "news", "series", "status", "data"] {
        if lower.ends_with(keep) {
            return name.to_owned();
        }
    }
    if lower.ends_with("sses")
        || lower.ends_with("xes")
        || lower.ends_with("ches")
        || lower.ends_with("shes")
    {
        return name[..name.len() - 2].to_owned();
    }
    if lower.ends_with('s') && name.len() > 3 {
        return name[..name.len() - 1].to_owned();
    }
    name.to_owned()
}

/// Verbs that start an operation's own name; what comes before the first of them in an
/// operationId shared with other operationIds is a namespace (`django_..._api_get_list`).
const VERBS: &[&str] = &[
    "get", "list", "set", "update", "delete", "remove", "create", "add", "post", "put", "patch",
    "run", "send", "start", "end", "stop", "stream", "search", "find", "fetch", "upload",
    "download", "retrieve", "cancel", "submit", "execute", "generate", "count", "query", "read",
    "write", "reset", "close", "open", "enable", "disable", "export", "import", "sync", "check",
    "validate", "login", "logout", "register", "invite", "assign", "archive", "restore", "copy",
    "move", "replace",
];

/// Words that end the module path of a server framework's operationId
/// (`<project>_<app>_views_<module>_api_<verb>_<noun>`): what follows the last one is the
/// operation's own name.
const NAMESPACE_MARKERS: &[&str] = &[
    "api",
    "apis",
    "views",
    "view",
    "controller",
    "controllers",
    "handler",
    "handlers",
    "routes",
    "router",
    "endpoints",
];

/// The words of an operation's own name, from its operationId (or, without one, from its
/// method and path): a module path before the last namespace marker is dropped
/// (`django_server_llm_app_views_rest_knowledge_base_api_knowledge_base_diff` →
/// `knowledge base diff`), and so is FastAPI's default suffix, the path and the method
/// (`download_document_by_name_download_document_by_name__project_id__get` →
/// `download document by name`).
pub fn operation_words(id: Option<&str>, method: &str, path: &str) -> Vec<String> {
    let Some(id) = id else {
        return words(&synthesized_id(method, path));
    };
    let mut w = words(id);
    // FastAPI: `<function>_<path words>_<method>`.
    let method = method.to_ascii_lowercase();
    let path_words: Vec<String> = path
        .split(|c: char| !c.is_alphanumeric())
        .filter(|s| !s.is_empty())
        .flat_map(words)
        .collect();
    if w.last() == Some(&method) && !path_words.is_empty() {
        let body = &w[..w.len() - 1];
        if body.len() > path_words.len() && body.ends_with(&path_words) {
            w = body[..body.len() - path_words.len()].to_vec();
        }
    }
    // A module path: two or more words, then a namespace marker.
    if let Some(last) = w
        .iter()
        .rposition(|x| NAMESPACE_MARKERS.contains(&x.as_str()))
    {
        if last >= 2 && last + 1 < w.len() {
            w = w[last + 1..].to_vec();
        }
    }
    w
}

/// Strips namespace prefixes from operations' words: the words before the first verb, when at
/// least two words precede it and another operation shares them.
pub fn strip_namespaces(split: &[Vec<String>]) -> Vec<Vec<String>> {
    split
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let Some(verb) = w.iter().position(|x| VERBS.contains(&x.as_str())) else {
                return w.clone();
            };
            if verb < 2 {
                return w.clone();
            }
            let prefix = &w[..verb];
            let shared = split
                .iter()
                .enumerate()
                .any(|(j, other)| j != i && other.starts_with(prefix));
            if shared {
                w[verb..].to_vec()
            } else {
                w.clone()
            }
        })
        .collect()
}

/// The method name of an operation inside its resource handle: the namespace-stripped words,
/// without the resource noun, a trailing `by <path param>`, a leading `get` before `list`
/// or before a noun. `path_params` are the operation's path parameter names.
pub fn method_words(op_words: &[String], resource: &str, path_params: &[String]) -> Vec<String> {
    let mut w: Vec<String> = op_words.to_vec();
    // The resource noun (singular or plural) says nothing inside the resource handle.
    let plural = resource.to_ascii_lowercase();
    let single = singular(&plural);
    if let Some(i) = w.iter().position(|x| *x == plural || *x == single) {
        if w.len() > 1 {
            w.remove(i);
        }
    }
    // `..._by_id`, `..._by_<param>`: the argument says it.
    if let Some(k) = w.iter().rposition(|x| x == "by") {
        let tail = w[k + 1..].join("_");
        let is_param = !tail.is_empty()
            && (tail == "id"
                || path_params.iter().any(|p| {
                    let pw = words(p);
                    pw.join("_") == tail || pw.last().is_some_and(|l| *l == tail)
                }));
        if is_param && k >= 1 {
            w.truncate(k);
        }
    }
    if w.len() >= 2 && w[0] == "get" && w[1] == "list" {
        w.remove(0);
    }
    // A getter drops `get` (Rust naming), unless `by ...` follows.
    if w.len() >= 2 && w[0] == "get" && w[1] != "by" {
        w.remove(0);
    }
    if w.is_empty() {
        w = op_words.to_vec();
    }
    w
}

/// Methods every builder has; parameters and body fields must not take these names.
pub const RESERVED_METHODS: &[&str] = &[
    "send",
    "send_raw",
    "timeout",
    "max_retries",
    "header",
    "without_header",
    "options",
    "into_stream",
    "into_pages",
    "stream",
    "background",
    "body",
    "new",
    "request",
    "client",
    "page_concurrency",
    "total_timeout",
    "upload_progress",
];

/// The request builder's type name: the method name in PascalCase, with the resource noun
/// added to a one-word name (`list` → `ListConversations`, `get` → `GetConversation`,
/// `state` → `ConversationState`); unique in the crate, so docs and errors say what it builds.
pub(crate) fn builder_name(method: &str, tag: &str, taken: &mut BTreeSet<String>) -> String {
    let bare = method.trim_start_matches("r#");
    let plural = sanitize(tag, Case::Pascal)
        .trim_start_matches("r#")
        .to_owned();
    let single = singular(&plural);
    let method_words = words(bare);
    let base = match method_words.as_slice() {
        [one] if one == "list" => format!("List{plural}"),
        [one] if VERBS.contains(&one.as_str()) => format!("{}{single}", one.to_pascal_case()),
        [one] => format!("{single}{}", one.to_pascal_case()),
        _ => bare.to_pascal_case(),
    };
    if !taken.contains(&base) {
        taken.insert(base.clone());
        return base;
    }
    unique(&format!("{single}{}", bare.to_pascal_case()), taken)
}

/// An operationId for an operation without one, from the method and the literal path
/// segments: `GET /pets` → `list_pets`, `GET /pets/{petId}` → `get_pet_by_pet_id`,
/// `POST /pets` → `create_pet`, `PATCH /pets/{petId}` → `update_pet_by_pet_id`.
pub fn synthesized_id(method: &str, path: &str) -> String {
    let method = method.to_ascii_lowercase();
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let last_is_param = segments.last().is_some_and(|s| s.starts_with('{'));
    let verb = match (method.as_str(), last_is_param) {
        ("get", false) => "list",
        ("post", _) => "create",
        ("put" | "patch", _) => "update",
        (m, _) => m,
    };
    // Version and API prefixes (`/v1`, `/api`) say nothing about the operation.
    let mut literals: Vec<String> = segments
        .iter()
        .filter(|s| !s.starts_with('{') && !is_path_prefix(s))
        .map(|s| (*s).to_owned())
        .collect();
    if verb != "list" {
        if let Some(last) = literals.last_mut() {
            *last = singular(last);
        }
    }
    let mut words = vec![verb.to_owned()];
    words.extend(literals);
    if let Some(last) = segments.last().filter(|_| last_is_param) {
        words.push(format!("by_{}", last.trim_matches(['{', '}'])));
    }
    words.join("_").to_snake_case()
}

/// A path segment that only versions or namespaces the API: `v1`, `v2beta`, `api`, `rest`.
fn is_path_prefix(segment: &str) -> bool {
    let s = segment.to_ascii_lowercase();
    let version = s
        .strip_prefix('v')
        .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()));
    version || matches!(s.as_str(), "api" | "apis" | "rest" | "webapi")
}

/// The words naming an operation's inline types: its own words without a trailing
/// `by <path parameter>` (`get widget by widget id` → `get widget`).
pub fn type_prefix_words(op_words: &[String], path_params: &[String]) -> Vec<String> {
    let mut w = op_words.to_vec();
    if let Some(k) = w.iter().rposition(|x| x == "by") {
        let tail = w[k + 1..].join("_");
        let is_param = !tail.is_empty()
            && (tail == "id"
                || path_params.iter().any(|p| {
                    words(p).join("_") == tail || words(p).last().is_some_and(|l| *l == tail)
                }));
        if is_param && k >= 1 {
            w.truncate(k);
        }
    }
    w
}

/// Whether a schema `title` says more than the property it sits under (Pydantic titles are
/// often just the property name, `Accessagents` for `accessAgents`).
pub fn is_meaningful_title(title: &str, property: &str) -> bool {
    squash(title) != squash(property) && squash(title) != squash(&singular(property))
}

/// Name candidates of a context, shortest first: the prefix (unless dropped) followed by 1,
/// 2, ... of the last segments; `[]` singularizes the segment before.
pub(crate) fn context_candidates(cx: &Cx, prefix: &str, with_prefix: bool) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for seg in &cx.segs {
        if seg == "[]" {
            match words.pop() {
                Some(last) => words.push(singular(&last)),
                None => words.push("Item".to_owned()),
            }
        } else {
            words.push(
                sanitize(seg, Case::Pascal)
                    .trim_start_matches("r#")
                    .to_owned(),
            );
        }
    }
    let mut out = Vec::new();
    for n in 1..=words.len() {
        let tail: String = words[words.len() - n..].concat();
        out.push(if with_prefix {
            format!("{prefix}{tail}")
        } else {
            tail
        });
    }
    if out.is_empty() {
        out.push(prefix.to_owned());
    }
    out
}

fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Rust names of fields and variants, unique within their type.
pub(crate) fn name_members(def: &mut TypeDef) {
    match &mut def.kind {
        DefKind::Struct { fields, additional } => {
            let mut taken = BTreeSet::new();
            if additional.is_some() {
                taken.insert("additional_properties".to_owned());
            }
            for f in fields {
                f.rust = unique(&sanitize(&f.wire, Case::Snake), &mut taken);
            }
        }
        DefKind::Enum { variants } => {
            let mut taken = BTreeSet::new();
            taken.insert("Unknown".to_owned());
            for v in variants {
                let base = if v.wire.is_empty() {
                    "Empty".to_owned()
                } else {
                    sanitize(&v.wire, Case::Pascal)
                };
                v.rust = unique(base.trim_start_matches("r#"), &mut taken);
            }
        }
        DefKind::Tagged { variants, .. } => {
            let mut taken = BTreeSet::from(["Unknown".to_owned()]);
            for v in variants {
                let base = sanitize(&v.component, Case::Pascal);
                v.rust = unique(base.trim_start_matches("r#"), &mut taken);
            }
        }
        DefKind::Alias(_) => {}
    }
}

/// The names of one builder member: a setter or argument for a body field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberNames {
    /// The setter / argument name.
    pub name: String,
    /// The name of the method sending `null`, for optional nullable fields.
    pub null: Option<String>,
}

/// Names of an operation's parameters as builder fields and methods, unique against the
/// builder's own methods.
pub fn param_names(op: &Op) -> Vec<String> {
    let mut taken: BTreeSet<String> = RESERVED_METHODS.iter().map(|s| (*s).to_owned()).collect();
    op.params
        .iter()
        .map(|p| unique(&sanitize(&p.wire, Case::Snake), &mut taken))
        .collect()
}

/// The names a builder's body members must not take: its own methods ([`RESERVED_METHODS`]),
/// the parameters' setters (`params`, in the order of `op.params`) and the `without_` methods
/// of optional headers.
fn builder_methods(op: &Op, params: &[String]) -> BTreeSet<String> {
    let mut taken: BTreeSet<String> = RESERVED_METHODS.iter().map(|s| (*s).to_owned()).collect();
    for (p, name) in op.params.iter().zip(params) {
        taken.insert(name.clone());
        if p.location == ParamIn::Header && !p.required {
            taken.insert(without_name(name));
        }
    }
    taken
}

/// Names of the body fields as builder members, unique against the parameters (and their
/// `without_` methods) and the builder's own methods; `title` → `title_null` for a field that
/// can be sent as `null`.
pub fn body_member_names(op: &Op, params: &[String], fields: &[Field]) -> Vec<MemberNames> {
    let mut taken = builder_methods(op, params);
    fields
        .iter()
        .map(|f| {
            let name = unique(&sanitize(&f.wire, Case::Snake), &mut taken);
            // `self` → `self_null` (not `self__null`).
            let null = (f.nullable && !f.required).then(|| {
                unique(
                    &sanitize(&format!("{}_null", f.wire), Case::Snake),
                    &mut taken,
                )
            });
            MemberNames { name, null }
        })
        .collect()
}

/// Names of a form or multipart body's properties as builder fields and methods, unique
/// against the parameters and the builder's own methods.
pub fn form_field_names(
    op: &Op,
    params: &[String],
    fields: &[crate::codegen::ir::ops::FormField],
) -> Vec<String> {
    let mut taken = builder_methods(op, params);
    fields
        .iter()
        .map(|f| unique(&sanitize(&f.wire, Case::Snake), &mut taken))
        .collect()
}

/// The method that removes a header parameter: `without_<name>`.
pub fn without_name(param: &str) -> String {
    format!("without_{}", param.trim_start_matches("r#"))
}

/// The name of a struct's chainable setter for a field that can be sent as `null`.
pub fn null_setter_name(field: &str, taken: &mut BTreeSet<String>) -> String {
    unique(
        &sanitize(
            &format!("{}_null", field.trim_start_matches("r#")),
            Case::Snake,
        ),
        taken,
    )
}

/// The struct holding the required fields of type `ty` by name: `App` → `AppRequired`, and a
/// request body `CreateAppRequest` → `CreateAppRequired`.
pub fn required_struct_name(ty: &str, taken: &BTreeSet<String>) -> String {
    let stem = ty
        .strip_suffix("Request")
        .filter(|s| !s.is_empty())
        .unwrap_or(ty);
    let mut taken = taken.clone();
    unique(&format!("{stem}Required"), &mut taken)
}

/// The mock's descriptor of an operation: `CONVERSATIONS_GET` (module and method in
/// SCREAMING_SNAKE_CASE; unique, as module and method names are).
pub fn mock_descriptor_name(module: &str, method: &str) -> String {
    use heck::ToShoutySnakeCase;
    format!(
        "{}_{}",
        module.trim_start_matches("r#").to_shouty_snake_case(),
        method.trim_start_matches("r#").to_shouty_snake_case()
    )
}

/// A label for the tracing span and errors: `conversations.list`.
pub fn operation_label(tag: &str, method: &str) -> String {
    format!("{tag}.{}", method.trim_start_matches("r#"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitizes_keywords_digits_and_punctuation() {
        assert_eq!(sanitize("type", Case::Snake), "r#type");
        assert_eq!(sanitize("self", Case::Snake), "self_");
        assert_eq!(sanitize("__typename", Case::Snake), "typename");
        assert_eq!(sanitize("2fa-code", Case::Snake), "n2fa_code");
        assert_eq!(sanitize("order_1_editor", Case::Pascal), "Order1Editor");
        assert_eq!(
            sanitize("LAST_CHAT_TIME_DESC", Case::Pascal),
            "LastChatTimeDesc"
        );
        assert_eq!(sanitize("API-KEY", Case::Snake), "api_key");
        assert_eq!(sanitize("한국어", Case::Snake), "value");
        assert_eq!(sanitize("wu2", Case::Pascal), "Wu2");
    }

    #[test]
    fn unique_names_get_a_counter() {
        let mut taken = BTreeSet::new();
        assert_eq!(unique("a", &mut taken), "a");
        assert_eq!(unique("a", &mut taken), "a2");
        assert_eq!(unique("a", &mut taken), "a3");
    }

    #[test]
    fn singulars() {
        assert_eq!(singular("chatOptionInfos"), "chatOptionInfo");
        assert_eq!(singular("categories"), "category");
        assert_eq!(singular("status"), "status");
        assert_eq!(singular("boxes"), "box");
        assert_eq!(singular("responses"), "response");
        assert_eq!(singular("addresses"), "address");
        assert_eq!(singular("id"), "id");
    }

    #[test]
    fn namespaces_are_stripped_only_when_shared() {
        let ids = [
            "django_server_llm_app_views_rest_conversation_api_get_list_conversations",
            "django_server_llm_app_views_rest_conversation_api_stop_conversation",
            "getApps",
            "conversationDailyCount",
            "my_module_get_thing",
        ];
        let split: Vec<Vec<String>> = ids.iter().map(|id| words(id)).collect();
        let s = strip_namespaces(&split);
        assert_eq!(s[0], vec!["get", "list", "conversations"]);
        assert_eq!(s[1], vec!["stop", "conversation"]);
        assert_eq!(s[2], vec!["get", "apps"]);
        assert_eq!(s[3], vec!["conversation", "daily", "count"]);
        assert_eq!(s[4], vec!["my", "module", "get", "thing"]);
    }

    #[test]
    fn method_names_inside_a_resource() {
        let m = |w: &[&str], r: &str, p: &[&str]| {
            method_words(
                &w.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
                r,
                &p.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            )
            .join("_")
        };
        assert_eq!(
            m(&["get", "list", "conversations"], "conversations", &[]),
            "list"
        );
        assert_eq!(
            m(
                &["get", "conversation", "by", "id"],
                "conversations",
                &["conversation_id"]
            ),
            "get"
        );
        assert_eq!(
            m(
                &["get", "conversation", "state", "by", "id"],
                "conversations",
                &["conversation_id"]
            ),
            "state"
        );
        assert_eq!(
            m(
                &["list", "conversation", "chats"],
                "conversations",
                &["conversation_id"]
            ),
            "list_chats"
        );
        assert_eq!(
            m(&["conversation", "daily", "count"], "conversations", &[]),
            "daily_count"
        );
        assert_eq!(
            m(&["get", "generative", "answer"], "apps", &[]),
            "generative_answer"
        );
        assert_eq!(
            m(&["end", "conversation", "by", "agent"], "apps", &[]),
            "end_conversation_by_agent"
        );
        assert_eq!(m(&["run", "app"], "apps", &["app_id"]), "run");
        assert_eq!(m(&["get"], "apps", &[]), "get");
        assert_eq!(
            m(&["get", "pets", "by", "pet", "id"], "pets", &["petId"]),
            "get"
        );
        assert_eq!(
            m(&["get", "user", "by", "name"], "user", &[]),
            "get_by_name"
        );
    }

    #[test]
    fn builder_names_say_what_they_build() {
        let mut taken = BTreeSet::new();
        assert_eq!(
            builder_name("list", "conversations", &mut taken),
            "ListConversations"
        );
        assert_eq!(
            builder_name("get", "conversations", &mut taken),
            "GetConversation"
        );
        assert_eq!(
            builder_name("state", "conversations", &mut taken),
            "ConversationState"
        );
        assert_eq!(
            builder_name("list_chats", "conversations", &mut taken),
            "ListChats"
        );
        assert_eq!(
            builder_name("r#type", "sessions", &mut taken),
            "SessionType"
        );
        // Unique in the crate: a second `list_chats` elsewhere is prefixed with its resource.
        assert_eq!(
            builder_name("list_chats", "apps", &mut taken),
            "AppListChats"
        );
        assert_eq!(
            builder_name("get", "knowledge_bases", &mut taken),
            "GetKnowledgeBase"
        );
    }

    #[test]
    fn required_struct_names() {
        let taken = BTreeSet::from(["AppRequired".to_owned()]);
        assert_eq!(
            required_struct_name("CreateAppRequest", &taken),
            "CreateAppRequired"
        );
        assert_eq!(required_struct_name("App", &taken), "AppRequired2");
        assert_eq!(required_struct_name("Request", &taken), "RequestRequired");
    }

    #[test]
    fn synthesized_operation_ids() {
        assert_eq!(synthesized_id("GET", "/pets"), "list_pets");
        assert_eq!(synthesized_id("get", "/pets/{petId}"), "get_pet_by_pet_id");
        assert_eq!(synthesized_id("POST", "/pets"), "create_pet");
        assert_eq!(
            synthesized_id("PATCH", "/pets/{petId}"),
            "update_pet_by_pet_id"
        );
        assert_eq!(
            synthesized_id("DELETE", "/pets/{petId}"),
            "delete_pet_by_pet_id"
        );
        assert_eq!(
            synthesized_id("GET", "/v1/widgets/{widget_id}"),
            "get_widget_by_widget_id"
        );
        assert_eq!(synthesized_id("GET", "/api/v2beta/widgets"), "list_widgets");
    }

    #[test]
    fn operation_words_drop_framework_noise() {
        let w = |id: Option<&str>, m: &str, p: &str| operation_words(id, m, p).join("_");
        assert_eq!(
            w(
                Some("django_server_llm_app_views_rest_knowledge_base_api_knowledge_base_diff"),
                "POST",
                "/webapi/v2/knowledge_base_diff"
            ),
            "knowledge_base_diff"
        );
        assert_eq!(
            w(
                Some("django_server_llm_app_views_rest_conversation_api_get_list_conversations"),
                "GET",
                "/webapi/v2/conversations"
            ),
            "get_list_conversations"
        );
        assert_eq!(
            w(
                Some("download_document_by_name_download_document_by_name__project_id__get"),
                "GET",
                "/download_document_by_name/{project_id}"
            ),
            "download_document_by_name"
        );
        assert_eq!(
            w(Some("read_items_items__get"), "GET", "/items/"),
            "read_items"
        );
        assert_eq!(w(Some("getApps"), "GET", "/webapi/apps"), "get_apps");
        assert_eq!(w(None, "GET", "/pets/{petId}"), "get_pet_by_pet_id");
        // Words that merely look like markers at the start stay.
        assert_eq!(w(Some("api_status"), "GET", "/status"), "api_status");
    }
}
