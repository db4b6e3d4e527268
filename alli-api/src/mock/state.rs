//! The mock's shared state: rules, received requests, failures; how a request is decided.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::panic::Location;
use std::sync::{Mutex, MutexGuard, PoisonError};

use serde_json::{Value, json};

use super::document::{Document, Op, Violation};
use super::expect::{Matcher, Step};
use super::received::ReceivedRequest;
use super::synth;

/// The header the mock sets on the answers it makes up itself (unmatched, invalid, ...).
pub(crate) const MOCK_HEADER: &str = "x-alli-mock";
/// The status of an answer to a request no rule matched, or that a rule forbids: 418 is never
/// sent by the real API, never retried by the client, and stands out in an error message.
pub(crate) const UNMATCHED_STATUS: u16 = 418;

/// Settings fixed at start.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Config {
    pub(crate) auto_respond: bool,
    pub(crate) allow_invalid: bool,
}

pub(crate) struct Shared {
    pub(crate) doc: Document,
    pub(crate) config: Config,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    rules: Vec<Rule>,
    requests: Vec<ReceivedRequest>,
    /// Failures found while answering, in order.
    failures: Vec<String>,
    /// Synthesized success bodies, by operation.
    synthesized: HashMap<usize, Value>,
}

pub(crate) struct Rule {
    /// The operation (index into the document's), `None` when it is not in the document.
    op: Option<usize>,
    label: String,
    location: &'static Location<'static>,
    pub(crate) matchers: Vec<Matcher>,
    pub(crate) steps: Vec<Step>,
    pub(crate) min: usize,
    pub(crate) max: Option<usize>,
    pub(crate) calls: Vec<usize>,
    pub(crate) problems: Vec<String>,
}

impl Rule {
    fn name(&self, index: usize) -> String {
        format!(
            "rule #{} {} ({}:{})",
            index + 1,
            self.label,
            self.location.file(),
            self.location.line()
        )
    }

    /// `rule #2 (tests/x.rs:14)`: for messages that already name the operation.
    fn short_name(&self, index: usize) -> String {
        format!(
            "rule #{} ({}:{})",
            index + 1,
            self.location.file(),
            self.location.line()
        )
    }

    fn bounds(&self) -> String {
        match (self.min, self.max) {
            (n, Some(m)) if n == m => format!("exactly {n} call{}", plural(n)),
            (0, Some(m)) => format!("at most {m} call{}", plural(m)),
            (n, Some(m)) => format!("{n} to {m} calls"),
            (0, None) => "any number of calls".to_owned(),
            (n, None) => format!("at least {n} call{}", plural(n)),
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// What to send back.
pub(crate) enum Decision {
    /// A step of a rule (`None`: a body synthesized from the documented schema).
    Answer { op: usize, step: Option<Step> },
    /// An answer the mock makes up: unmatched, invalid, forbidden, misconfigured.
    Reject {
        status: u16,
        kind: &'static str,
        body: Value,
    },
}

impl Shared {
    pub(crate) fn new(doc: Document, config: Config) -> Self {
        Shared {
            doc,
            config,
            state: Mutex::new(State::default()),
        }
    }

    /// The state; a panic elsewhere while it was held does not make it unusable.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn add_rule(
        &self,
        op: Option<usize>,
        label: String,
        location: &'static Location<'static>,
        problem: Option<String>,
    ) -> usize {
        let mut state = self.lock();
        state.rules.push(Rule {
            op,
            label,
            location,
            matchers: Vec::new(),
            steps: Vec::new(),
            min: 1,
            max: None,
            calls: Vec::new(),
            problems: problem.into_iter().collect(),
        });
        state.rules.len() - 1
    }

    pub(crate) fn with_rule<R>(
        &self,
        rule: usize,
        f: impl FnOnce(&mut Rule, &Document) -> R,
    ) -> Option<R> {
        let mut state = self.lock();
        state.rules.get_mut(rule).map(|r| f(r, &self.doc))
    }

    fn op_of(&self, rule: usize) -> Option<&Op> {
        let op = self.with_rule(rule, |r, _| r.op).flatten()?;
        self.doc.operations.get(op)
    }

    /// The documented success status, and the problems of `value` as its body.
    pub(crate) fn check_success(&self, rule: usize, value: &Value) -> (u16, Vec<String>) {
        match self.op_of(rule) {
            Some(op) if op.success.media_type.is_none() && !value.is_null() => (
                op.success.status,
                vec![format!(
                    "the documented {} response has no body",
                    op.success.status
                )],
            ),
            Some(op) => (op.success.status, op.success.check(value)),
            None => (200, Vec::new()),
        }
    }

    /// The problems of `body` as the body documented for error `status` (none when that
    /// status documents no schema).
    pub(crate) fn check_error(&self, rule: usize, status: u16, body: &Value) -> Vec<String> {
        match self.op_of(rule).and_then(|op| op.response(status)) {
            Some(response) if status >= 300 => response.check(body),
            _ => Vec::new(),
        }
    }

    pub(crate) fn stream_selector(&self, rule: usize) -> Option<(String, String)> {
        self.op_of(rule).and_then(|op| op.stream.clone())
    }

    pub(crate) fn describe_rule(&self, rule: usize) -> String {
        self.with_rule(rule, |r, _| {
            let mut s = r.name(rule);
            for m in &r.matchers {
                let _ = write!(s, ", {}", m.describe());
            }
            s
        })
        .unwrap_or_default()
    }

    pub(crate) fn rule_requests(&self, rule: usize) -> Vec<ReceivedRequest> {
        let state = self.lock();
        let Some(r) = state.rules.get(rule) else {
            return Vec::new();
        };
        r.calls
            .iter()
            .filter_map(|i| state.requests.get(*i).cloned())
            .collect()
    }

    pub(crate) fn requests(&self) -> Vec<ReceivedRequest> {
        self.lock().requests.clone()
    }

    pub(crate) fn set_status(&self, index: usize, status: u16) {
        if let Some(r) = self.lock().requests.get_mut(index) {
            r.status = Some(status);
        }
    }

    /// The success body to synthesize for `op`: its documented example, else a minimal valid
    /// instance of its schema.
    pub(crate) fn synthesized(&self, op: usize) -> Value {
        if let Some(v) = self.lock().synthesized.get(&op) {
            return v.clone();
        }
        let Some(o) = self.doc.operations.get(op) else {
            return Value::Null;
        };
        let value = match (&o.success.example, &o.success.schema) {
            (Some(example), _) => example.clone(),
            (None, Some(pointer)) => {
                let first = synth::instance(&self.doc.root, pointer, true);
                if o.success.check(&first).is_empty() {
                    first
                } else {
                    synth::instance(&self.doc.root, pointer, false)
                }
            }
            (None, None) => Value::Null,
        };
        self.lock().synthesized.insert(op, value.clone());
        value
    }

    /// Routes, checks and matches a request, records it, and says what to answer. Returns the
    /// request's index too.
    pub(crate) fn decide(&self, mut req: ReceivedRequest) -> (usize, Decision) {
        let routed = self.doc.route(&req.method, &req.path);
        let Some((op_index, path_params)) = routed else {
            req.operation = None;
            let report = self.no_operation(&req);
            return self.reject(req, UNMATCHED_STATUS, "unmatched", report, true);
        };
        let op = &self.doc.operations[op_index];
        req.operation = Some(op.id.clone());
        req.path_params = path_params;

        if op.secured && !has_credentials(&req) {
            let line = req.line();
            let report = format!(
                "`{line}` ({}) has no credentials: the API requires an `API-KEY` header or \
                 `Authorization: Bearer <token>`",
                op.id
            );
            let body = json!({ "detail": "Authentication credentials were not provided." });
            return self.reject_with(
                req,
                401,
                "invalid-request",
                report,
                body,
                !self.config.allow_invalid,
            );
        }
        let violations = self.doc.check_request(
            op,
            &req.path_params,
            &req.query_pairs,
            &req.headers,
            &req.body,
        );
        if !violations.is_empty() {
            let report = invalid_report(&req, &op.id, &violations);
            let body = json!({ "detail": violations.iter().map(|v| json!({
                "loc": v.loc, "msg": v.message, "type": "value_error",
            })).collect::<Vec<_>>() });
            return self.reject_with(
                req,
                422,
                "invalid-request",
                report,
                body,
                !self.config.allow_invalid,
            );
        }

        let body_json: Option<Value> = serde_json::from_slice(&req.body).ok();
        let mut state = self.lock();
        let index = state.requests.len();
        req.index = index;
        let mut closest: Option<(usize, Vec<String>)> = None;
        let mut exhausted: Option<usize> = None;
        let mut chosen: Option<usize> = None;
        let mut any_rule = false;
        for (i, rule) in state.rules.iter().enumerate() {
            if rule.op != Some(op_index) {
                continue;
            }
            any_rule = true;
            let diffs: Vec<String> = rule
                .matchers
                .iter()
                .filter_map(|m| m.check(&req, body_json.as_ref()).err())
                .collect();
            if !diffs.is_empty() {
                if closest.as_ref().is_none_or(|(_, d)| diffs.len() < d.len()) {
                    closest = Some((i, diffs));
                }
                continue;
            }
            if rule.max == Some(0) {
                chosen = Some(i);
                break;
            }
            if rule.max.is_some_and(|m| rule.calls.len() >= m) {
                exhausted.get_or_insert(i);
                continue;
            }
            chosen = Some(i);
            break;
        }
        state.requests.push(req);
        let line = state.requests[index].line();
        let op_id = &op.id;

        // Each failure has a short form for the client's error message (which names the
        // operation already, and is cut at a few hundred characters) and a full one.
        if let Some(i) = chosen {
            let rule = &mut state.rules[i];
            rule.calls.push(index);
            let (name, short) = (rule.name(i), rule.short_name(i));
            if rule.max == Some(0) {
                let why = "which expects no call";
                let full = format!("`{line}` ({op_id}) matched {name}, {why}");
                let short = format!("`{line}` matched {short}, {why}");
                state
                    .failures
                    .push(format!("request #{}: {full}", index + 1));
                return (index, unmatched_body(short, full, "forbidden"));
            }
            if !rule.problems.is_empty() {
                let why = format!("which is misconfigured: {}", rule.problems.join("; "));
                let full = format!("`{line}` ({op_id}) matched {name}, {why}");
                let short = format!("`{line}` matched {short}, {why}");
                state
                    .failures
                    .push(format!("request #{}: {full}", index + 1));
                return (index, unmatched_body(short, full, "misconfigured"));
            }
            let call = rule.calls.len() - 1;
            let step = rule
                .steps
                .get(call.min(rule.steps.len().saturating_sub(1)))
                .cloned();
            return (index, Decision::Answer { op: op_index, step });
        }
        if !any_rule && self.config.auto_respond {
            return (
                index,
                Decision::Answer {
                    op: op_index,
                    step: None,
                },
            );
        }
        let (short, full) = match (exhausted, closest) {
            (Some(i), _) => {
                let rule = &state.rules[i];
                let why = format!(
                    "matched, but expects {} and already had {}",
                    rule.bounds(),
                    rule.calls.len()
                );
                (
                    format!(
                        "no rule matched `{line}`; closest: {} {why}",
                        rule.short_name(i)
                    ),
                    format!(
                        "no rule matched `{line}` ({op_id}); closest: {} {why}",
                        rule.name(i)
                    ),
                )
            }
            (None, Some((i, diffs))) => {
                let rule = &state.rules[i];
                let diffs = diffs.join("; ");
                (
                    format!(
                        "no rule matched `{line}`; closest: {} differs: {diffs}",
                        rule.short_name(i)
                    ),
                    format!(
                        "no rule matched `{line}` ({op_id}); closest: {} differs: {diffs}",
                        rule.name(i)
                    ),
                )
            }
            (None, None) => {
                let why = "no rule is set for it and auto-respond is off";
                (
                    format!("no rule matched `{line}`: {why}"),
                    format!("no rule matched `{line}` ({op_id}): {why}"),
                )
            }
        };
        state
            .failures
            .push(format!("request #{}: {full}", index + 1));
        (index, unmatched_body(short, full, "unmatched"))
    }

    fn reject(
        &self,
        req: ReceivedRequest,
        status: u16,
        kind: &'static str,
        report: String,
        failure: bool,
    ) -> (usize, Decision) {
        let body = json!({ "error": report });
        self.reject_with(req, status, kind, report, body, failure)
    }

    fn reject_with(
        &self,
        mut req: ReceivedRequest,
        status: u16,
        kind: &'static str,
        report: String,
        body: Value,
        failure: bool,
    ) -> (usize, Decision) {
        let mut state = self.lock();
        let index = state.requests.len();
        req.index = index;
        state.requests.push(req);
        if failure {
            state
                .failures
                .push(format!("request #{}: {report}", index + 1));
        }
        let mut body = body;
        if let Some(obj) = body.as_object_mut() {
            obj.insert("alli_api_mock".to_owned(), json!(report));
        }
        (index, Decision::Reject { status, kind, body })
    }

    fn no_operation(&self, req: &ReceivedRequest) -> String {
        let (methods, near) = self.doc.near_misses(&req.path);
        let line = req.line();
        if !methods.is_empty() {
            format!(
                "no operation of the document serves `{line}`: `{}` accepts {}",
                req.path,
                methods.join(", ")
            )
        } else {
            format!(
                "no operation of the document serves `{line}`; closest paths: {}",
                near.join(", ")
            )
        }
    }

    /// Every failure: found while answering, then rules called too few or too many times, and
    /// misconfigured rules.
    pub(crate) fn failures(&self) -> (Vec<String>, String) {
        let state = self.lock();
        let mut out = state.failures.clone();
        for (i, rule) in state.rules.iter().enumerate() {
            let calls = rule.calls.len();
            let too_many = rule.max.is_some_and(|m| calls > m);
            if calls < rule.min || (too_many && rule.max != Some(0)) {
                let mut matchers = String::new();
                for m in &rule.matchers {
                    let _ = write!(matchers, "\n     - {}", m.describe());
                }
                out.push(format!(
                    "{} expected {}, got {calls}{matchers}",
                    rule.name(i),
                    rule.bounds()
                ));
            }
            if !rule.problems.is_empty() && calls == 0 {
                out.push(format!(
                    "{} is misconfigured: {}",
                    rule.name(i),
                    rule.problems.join("; ")
                ));
            }
        }
        let mut log = String::new();
        for r in &state.requests {
            let status = r.status.map_or("-".to_owned(), |s| s.to_string());
            let op = r.operation.as_deref().unwrap_or("no operation");
            let _ = writeln!(log, "  #{} {} ({op}) → {status}", r.index + 1, r.line());
        }
        (out, log)
    }
}

/// The answer to a request the mock cannot answer from a rule: `error` is the short message
/// (what `Error::api_message` shows), `alli_api_mock` the full report.
fn unmatched_body(short: String, full: String, kind: &'static str) -> Decision {
    Decision::Reject {
        status: UNMATCHED_STATUS,
        kind,
        body: json!({ "error": short, "alli_api_mock": full }),
    }
}

fn has_credentials(req: &ReceivedRequest) -> bool {
    let present = |name: &str| req.header(name).is_some_and(|v| !v.trim().is_empty());
    present("api-key")
        || req
            .header("authorization")
            .is_some_and(|v| v.len() > 7 && v[..7].eq_ignore_ascii_case("bearer "))
}

fn invalid_report(req: &ReceivedRequest, op: &str, violations: &[Violation]) -> String {
    let list: Vec<String> = violations
        .iter()
        .map(|v| format!("{}: {}", v.location(), v.message))
        .collect();
    format!(
        "`{}` ({op}) would be rejected by the API: {}",
        req.line(),
        list.join("; ")
    )
}
