//! Deterministic Alli response bodies (conversations, chats with citations) and minimal
//! hand-written serde structs with the same fields as the generated types.

use serde::Deserialize;
use serde_json::{Map, Value, json};

/// A small deterministic generator (xorshift64*), so every run decodes the same bytes.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// The next value.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A value in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// True with probability `percent` %.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const WORDS: &[&str] = &[
    "the",
    "policy",
    "document",
    "answer",
    "customer",
    "request",
    "contract",
    "renewal",
    "for",
    "section",
    "according",
    "to",
    "knowledge",
    "base",
    "please",
    "check",
    "refund",
    "within",
    "days",
    "support",
    "ticket",
    "escalation",
    "manager",
    "approved",
    "quarterly",
    "report",
    "revenue",
    "\"quoted\"",
    "item",
    "shipping",
    "invoice",
    "問い合わせ",
    "契約",
    "回答",
    "고객",
    "문서",
    "정책",
    "확인",
    "and",
    "of",
    "is",
    "was",
    "will",
    "be",
    "with",
    "LLM",
    "app",
    "agent",
];

/// `words` pseudo-random words, with a line break now and then.
pub fn text(rng: &mut Rng, words: usize) -> String {
    let mut out = String::with_capacity(words * 8);
    for i in 0..words {
        if i > 0 {
            out.push(if rng.chance(4) { '\n' } else { ' ' });
        }
        out.push_str(WORDS[rng.below(WORDS.len() as u64) as usize]);
    }
    out
}

fn id(prefix: &str, rng: &mut Rng) -> String {
    format!("{prefix}-{:016x}", rng.next_u64())
}

fn citation(rng: &mut Rng) -> Value {
    let mut c = Map::new();
    c.insert("clueId".into(), json!(id("clue", rng)));
    c.insert("source".into(), json!("KNOWLEDGE_BASE"));
    c.insert("title".into(), json!(text(rng, 6)));
    c.insert("knowledgeBaseId".into(), json!(id("kb", rng)));
    c.insert("pageNo".into(), json!(rng.below(300) + 1));
    if rng.chance(50) {
        c.insert(
            "url".into(),
            json!(format!("https://docs.example.com/kb/{:x}", rng.next_u64())),
        );
    }
    let words = 40 + rng.below(40) as usize;
    c.insert("text".into(), json!(text(rng, words)));
    Value::Object(c)
}

fn named(rng: &mut Rng, prefix: &str) -> Value {
    json!({ "id": id(prefix, rng), "name": text(rng, 3) })
}

fn source(rng: &mut Rng) -> Value {
    json!({
        "knowledgeBaseIds": [id("kb", rng), id("kb", rng)],
        "folderIds": [id("folder", rng)],
        "webSites": null,
        "searchAllSharedDocument": rng.chance(50),
        "searchAllPersonalDocument": false,
        "includingHashtags": ["faq", "policy"],
        "excludingHashtags": null,
        "includingHashtagsOperator": "OR",
        "excludingHashtagsOperator": null,
        "sharedKnowledgeBases": [named(rng, "kb"), named(rng, "kb")],
        "sharedFolders": [named(rng, "folder")],
        "personalKnowledgeBases": null,
        "personalFolders": []
    })
}

/// One chat; bot answers carry citations and a source.
pub fn chat(rng: &mut Rng, n: usize, t: f64, words: usize) -> Value {
    let bot = n % 2 == 1;
    let mut c = Map::new();
    c.insert("id".into(), json!(format!("chat-{n:06}")));
    c.insert("sender".into(), json!(if bot { "BOT" } else { "USER" }));
    let message = text(rng, if bot { words } else { words / 6 + 3 });
    c.insert("message".into(), json!(message));
    if bot {
        c.insert("source".into(), source(rng));
    } else if rng.chance(50) {
        c.insert("source".into(), Value::Null);
    }
    c.insert("timestamp".into(), json!(t));
    let citations = if bot {
        let n = 2 + rng.below(3);
        json!((0..n).map(|_| citation(rng)).collect::<Vec<_>>())
    } else {
        Value::Null
    };
    c.insert("citations".into(), citations);
    c.insert(
        "rating".into(),
        if bot && rng.chance(30) {
            let good = rng.chance(80);
            json!(good)
        } else {
            Value::Null
        },
    );
    c.insert("agentRating".into(), Value::Null);
    Value::Object(c)
}

/// One conversation with `chats` chats.
pub fn conversation(rng: &mut Rng, index: usize, chats: usize, words: usize) -> Value {
    let created = 1_700_000_000.0 + index as f64 * 3600.0;
    let chat_list: Vec<Value> = (0..chats)
        .map(|n| chat(rng, n, created + n as f64 * 17.25, words))
        .collect();
    json!({
        "id": format!("conv-{index:04}"),
        "title": text(rng, 5),
        "user": if index % 7 == 3 { Value::Null } else { json!({ "userId": id("user", rng), "firstName": "Hana", "lastName": "Kim" }) },
        "createdAt": created,
        "lastChatTime": if chats == 0 { Value::Null } else { json!(created + chats as f64 * 17.25) },
        "isEnd": index % 3 == 0,
        "categories": if index % 5 == 0 { Value::Null } else { json!(["billing", "contracts"]) },
        "memo": if index % 4 == 0 { json!(text(rng, 12)) } else { Value::Null },
        "chats": chat_list,
        "chatCount": chats,
        "llmApp": if index % 6 == 5 { Value::Null } else { json!({ "id": id("app", rng), "name": "Support answers", "description": text(rng, 8) }) },
        "variables": if index % 2 == 0 { json!({ "plan": "enterprise", "seats": 120, "region": "ja", "flags": { "beta": true } }) } else { Value::Null }
    })
}

/// Counts in a conversations page, to check a decode against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// Conversations.
    pub conversations: usize,
    /// Chats over all conversations.
    pub chats: usize,
    /// Citations over all chats.
    pub citations: usize,
    /// Bytes of all chat messages.
    pub message_bytes: usize,
}

/// The ~5 MB conversations page of the decode bench: 50 conversations with long chat
/// histories and citations, deterministic. Returns the JSON bytes and their counts.
pub fn conversations_page() -> (Vec<u8>, Counts) {
    let mut rng = Rng::new(42);
    let conversations: Vec<Value> = (0..50)
        .map(|i| conversation(&mut rng, i, 50 + (i % 5) * 5, 70))
        .collect();
    let counts = value_counts(&conversations);
    let page = json!({ "conversations": conversations, "cursor": "cursor-0002" });
    (serde_json::to_vec(&page).unwrap_or_default(), counts)
}

fn value_counts(conversations: &[Value]) -> Counts {
    let mut c = Counts {
        conversations: conversations.len(),
        ..Counts::default()
    };
    for conv in conversations {
        for chat in conv["chats"].as_array().into_iter().flatten() {
            c.chats += 1;
            c.citations += chat["citations"].as_array().map_or(0, Vec::len);
            c.message_bytes += chat["message"].as_str().map_or(0, str::len);
        }
    }
    c
}

/// Counts of the generated type (to check the decode did real work).
pub fn generated_counts(page: &alli_api::types::ConversationsResponse) -> Counts {
    let mut c = Counts {
        conversations: page.conversations.len(),
        ..Counts::default()
    };
    for conv in &page.conversations {
        for chat in &conv.chats {
            c.chats += 1;
            c.citations += chat.citations.as_ref().map_or(0, Vec::len);
            c.message_bytes += chat.message.len();
        }
    }
    c
}

/// Counts of the hand-written type.
pub fn handwritten_counts(page: &hand::ConversationsResponse) -> Counts {
    let mut c = Counts {
        conversations: page.conversations.len(),
        ..Counts::default()
    };
    for conv in &page.conversations {
        for chat in &conv.chats {
            c.chats += 1;
            c.citations += chat.citations.as_ref().map_or(0, Vec::len);
            c.message_bytes += chat.message.len();
        }
    }
    c
}

/// The body of `GET /webapi/v2/conversations/{id}`: one conversation with its 20 most recent
/// chats (what the docs say the endpoint returns), `words` words per bot message.
pub fn conversation_body(id: &str, words: usize) -> Vec<u8> {
    let mut rng = Rng::new(7);
    let mut conv = conversation(&mut rng, 1, 20, words);
    conv["id"] = json!(id);
    serde_json::to_vec(&conv).unwrap_or_default()
}

/// One page of `GET /webapi/v2/conversations/{id}/chats`: chats numbered from
/// `(page - 1) * per_page`, `total` chats in all.
pub fn chats_page(page: u64, per_page: u64, total: u64) -> Vec<u8> {
    let mut rng = Rng::new(page);
    let first = (page - 1) * per_page;
    let last = (first + per_page).min(total);
    let chats: Vec<Value> = (first..last)
        .map(|n| chat(&mut rng, n as usize, 1_700_000_000.0 + n as f64, 20))
        .collect();
    serde_json::to_vec(&json!({ "chats": chats, "pageNo": page, "totalCount": total }))
        .unwrap_or_default()
}

/// Minimal hand-written serde structs with the same fields (and field types) as the generated
/// `alli_api::types::{ConversationsResponse, Conversation, Chat, ...}`: plain derives, no
/// helpers, what a person would write for the same JSON.
#[allow(missing_docs, dead_code)]
pub mod hand {
    use super::*;

    #[derive(Debug, Deserialize)]
    pub struct ConversationsResponse {
        pub conversations: Vec<Conversation>,
        pub cursor: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Conversation {
        pub id: String,
        pub title: String,
        pub user: Option<User>,
        pub created_at: f64,
        pub last_chat_time: Option<f64>,
        pub is_end: bool,
        pub categories: Option<Vec<String>>,
        pub memo: Option<String>,
        pub chats: Vec<Chat>,
        pub chat_count: i64,
        pub llm_app: Option<LlmApp>,
        pub variables: Option<Map<String, Value>>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct User {
        pub user_id: String,
        pub first_name: String,
        pub last_name: String,
    }

    #[derive(Debug, Deserialize)]
    pub struct LlmApp {
        pub id: String,
        pub name: String,
        pub description: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Chat {
        pub id: String,
        pub sender: String,
        pub message: String,
        pub source: Option<ChatInputSource>,
        pub timestamp: f64,
        pub citations: Option<Vec<Citation>>,
        pub rating: Option<bool>,
        pub agent_rating: Option<bool>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct ChatInputSource {
        pub knowledge_base_ids: Option<Vec<String>>,
        pub folder_ids: Option<Vec<String>>,
        pub web_sites: Option<Vec<String>>,
        #[serde(default)]
        pub search_all_shared_document: bool,
        #[serde(default)]
        pub search_all_personal_document: bool,
        pub including_hashtags: Option<Vec<String>>,
        pub excluding_hashtags: Option<Vec<String>>,
        pub including_hashtags_operator: Option<String>,
        pub excluding_hashtags_operator: Option<String>,
        pub shared_knowledge_bases: Option<Vec<Named>>,
        pub shared_folders: Option<Vec<Named>>,
        pub personal_knowledge_bases: Option<Vec<Named>>,
        pub personal_folders: Option<Vec<Named>>,
    }

    #[derive(Debug, Deserialize)]
    pub struct Named {
        pub id: String,
        pub name: String,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Citation {
        pub clue_id: String,
        pub source: Option<String>,
        pub title: Option<String>,
        pub knowledge_base_id: Option<String>,
        pub page_no: Option<i64>,
        pub url: Option<String>,
        pub text: Option<String>,
    }
}
