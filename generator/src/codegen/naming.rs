//! Rust names: one place for casing, keywords, leading digits and clashes, and the rules that
//! turn operationIds into method names.

use std::collections::BTreeSet;

use heck::{ToPascalCase, ToSnakeCase};

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

/// Splits every operationId into words and strips namespace prefixes: the words before the
/// first verb, when at least two other words precede it and another operationId shares them.
pub fn strip_namespaces(ids: &[String]) -> Vec<Vec<String>> {
    let split: Vec<Vec<String>> = ids.iter().map(|id| words(id)).collect();
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
        let ids = vec![
            "django_server_llm_app_views_rest_conversation_api_get_list_conversations".to_owned(),
            "django_server_llm_app_views_rest_conversation_api_stop_conversation".to_owned(),
            "getApps".to_owned(),
            "conversationDailyCount".to_owned(),
            "my_module_get_thing".to_owned(),
        ];
        let s = strip_namespaces(&ids);
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
}
