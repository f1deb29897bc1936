//! Property tests without a framework: a seeded generator feeds arbitrary and mutated inputs to every
//! reader that sees data from the network, a message or storage, and random answer sequences to the
//! create flow. Properties: nothing panics; what the serde shapes accept is exactly what they
//! describe (a message is an object of a known type with only its fields; a stored record refuses
//! unknown fields; a list keeps every entry that reads); the flow always ends within a bounded number
//! of steps and time; every request of an action carries the same client event id.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use meetlink::auth::{parse_redirect, WebSession};
use meetlink::calendar::{Event, EventSpec, Making};
use meetlink::endpoints::Endpoints;
use meetlink::errors::{classify, retry_after_ms, ErrorEnvelope};
use meetlink::flow::{Body, CreateFlow, Payload, PendingDelete, Reply, Step, MAX_REQUESTS, START_BUDGET_MS};
use meetlink::history::Entry;
use meetlink::ids::ActionIds;
use meetlink::inflight::Inflight;
use meetlink::link::MeetLink;
use meetlink::messages::{decode, Request};
use meetlink::settings::Choices;
use meetlink::stored;
use meetlink::warm::WarmLink;

/// xorshift64*: deterministic, so a failure reproduces.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
}

const KEYS: &[&str] = &[
    "type", "error", "errors", "reason", "code", "message", "status", "details", "hangoutLink", "conferenceData",
    "createRequest", "statusCode", "entryPoints", "entryPointType", "uri", "id", "template", "eventId", "destination",
    "kind", "createLink", "getState", "video", "pending", "https://meet.google.com/abc-defg-hij",
];

fn value(r: &mut Rng, depth: u32) -> serde_json::Value {
    use serde_json::Value as V;
    match if depth > 4 { r.below(5) } else { r.below(8) } {
        0 => V::Null,
        1 => V::Bool(r.below(2) == 0),
        2 => serde_json::json!((r.next() as i64) >> r.below(60)),
        3 => {
            let f = f64::from_bits(r.next());
            serde_json::json!(if f.is_finite() { f } else { 1.5 })
        }
        4 => V::String(r.pick(KEYS).to_string()),
        5 => V::String((0..r.below(20)).map(|_| char::from_u32(r.below(0x3000) as u32).unwrap_or('x')).collect()),
        6 => V::Array((0..r.below(4)).map(|_| value(r, depth + 1)).collect()),
        _ => V::Object((0..r.below(5)).map(|_| (r.pick(KEYS).to_string(), value(r, depth + 1))).collect()),
    }
}

fn mutate(r: &mut Rng, s: &str) -> String {
    let mut b = s.as_bytes().to_vec();
    for _ in 0..=r.below(4) {
        if b.is_empty() {
            break;
        }
        let i = r.below(b.len() as u64) as usize;
        match r.below(3) {
            0 => b.truncate(i),
            1 => b[i] = r.below(256) as u8,
            _ => b.insert(i, *r.pick(b"{}[]\",:\\0")),
        }
    }
    String::from_utf8_lossy(&b).into_owned()
}

const SAMPLES: &[&str] = &[
    r#"{"url":"https://meet.google.com/abc-defg-hij","account":"chrome","kind":"calendar","madeMs":1}"#,
    r#"{"token":"ya29.x","expiresAtMs":5,"email":"a@example.com","scopes":[]}"#,
    r#"{"id":"x","hangoutLink":"https://meet.google.com/abc-defg-hij","conferenceData":{"createRequest":{"status":{"statusCode":"success"}},"entryPoints":[{"entryPointType":"video","uri":"https://meet.google.com/abc-defg-hij"}]}}"#,
    r#"{"error":{"code":403,"message":"Rate Limit Exceeded","errors":[{"domain":"usageLimits","reason":"rateLimitExceeded"}],"status":"PERMISSION_DENIED","details":[{"reason":"X"}]}}"#,
    r#"{"type":"createLink"}"#,
    r#"{"template":"markdown"}"#,
    "https://x.chromiumapp.org/#state=state&access_token=ya29.a&expires_in=3599&scope=openid%20email",
    r#"{"eventId":"abc","requestId":"r","title":"t","timeZone":"UTC","startMs":1,"durationMin":30,"destination":{"kind":"popup"},"startedMs":1,"resumes":0}"#,
];

/// The message types and the fields each may carry.
const MESSAGES: &[(&str, &[&str])] = &[
    ("getState", &[]),
    ("createLink", &[]),
    ("switchAccount", &[]),
    ("signOut", &[]),
    ("getSettings", &[]),
    ("clearHistory", &[]),
    ("saveSettings", &["changes"]),
    ("removeHistory", &["url"]),
];

/// A message decodes only if it is an object whose `type` is known and whose other keys are that
/// type's own fields.
fn messages_are_strict(v: &serde_json::Value) {
    let Some(request) = decode(v.clone()) else { return };
    let o = v.as_object().unwrap_or_else(|| panic!("{v}: decoded a non-object as {request:?}"));
    let kind = o["type"].as_str().unwrap();
    let (_, fields) = MESSAGES.iter().find(|(k, _)| *k == kind).unwrap_or_else(|| panic!("{v}: unknown type decoded"));
    for key in o.keys().filter(|k| *k != "type") {
        assert!(fields.contains(&key.as_str()), "{v}: unknown field {key} decoded as {request:?}");
    }
    assert!(!matches!(request, Request::RemoveHistory { ref url } if !o["url"].is_string() || o["url"] != *url));
}

/// Each strict record: whether a value reads as it, a valid sample, and its own keys.
type Strict = (&'static str, fn(serde_json::Value) -> bool, &'static str, &'static [&'static str]);
const STRICT: &[Strict] = &[
    ("Inflight", |v| stored::one::<Inflight>(v).is_some(),
     r#"{"eventId":"abcde12345","requestId":"r","title":"t","timeZone":"UTC","startMs":1,"durationMin":30,"keep":false,"destination":{"kind":"popup"},"startedMs":1,"resumes":0}"#,
     &["eventId", "requestId", "title", "timeZone", "startMs", "durationMin", "keep", "space", "destination", "startedMs", "resumes"]),
    ("WarmLink", |v| stored::one::<WarmLink>(v).is_some(),
     r#"{"url":"https://meet.google.com/abc-defg-hij","account":"chrome","kind":"calendar","madeMs":1}"#,
     &["url", "account", "kind", "madeMs"]),
    ("Entry", |v| stored::one::<Entry>(v).is_some(),
     r#"{"url":"https://meet.google.com/abc-defg-hij","createdMs":1,"source":"popup","title":"t","account":null,"kind":"calendar"}"#,
     &["url", "createdMs", "source", "title", "account", "kind"]),
    ("PendingDelete", |v| stored::one::<PendingDelete>(v).is_some(),
     r#"{"eventId":"abcde12345","attempts":1,"nextAtMs":5}"#,
     &["eventId", "attempts", "nextAtMs"]),
    ("WebSession", |v| stored::one::<WebSession>(v).is_some(),
     r#"{"token":"ya29.x","expiresAtMs":5,"email":"a@example.com","scopes":[]}"#,
     &["token", "expiresAtMs", "email", "scopes"]),
];

/// A strict record reads only from an object whose every key is its own; a stored list keeps
/// exactly the entries that read on their own.
fn records_are_checked_one_by_one(v: &serde_json::Value) {
    for (name, reads, _, known) in STRICT {
        if reads(v.clone()) {
            let o = v.as_object().unwrap_or_else(|| panic!("{name} read from a non-object: {v}"));
            assert!(o.keys().all(|k| known.contains(&k.as_str())), "{name} read with an unknown field: {v}");
        }
    }
    let list = serde_json::Value::Array(vec![v.clone(), v.clone()]);
    let alone = usize::from(stored::one::<Entry>(v.clone()).is_some());
    assert_eq!(stored::each::<Entry>(list).len(), 2 * alone, "{v}");
    let _ = stored::one::<Choices>(v.clone());
    let _ = stored::one::<MeetLink>(v.clone()).map(|l| assert!(MeetLink::parse(l.as_str()).is_some()));
}

/// Every strict record's sample reads; with any other key added, or as an array of its values, it
/// does not.
#[test]
fn strict_record_shapes() {
    for (name, reads, sample, known) in STRICT {
        let good: serde_json::Value = serde_json::from_str(sample).unwrap();
        assert!(reads(good.clone()), "{name}: the sample reads");
        for extra in KEYS.iter().chain(&["token", "accessToken", "__proto__"]).filter(|k| !known.contains(k)) {
            let mut bad = good.clone();
            bad[*extra] = serde_json::json!(1);
            assert!(!reads(bad.clone()), "{name} read with {extra}: {bad}");
        }
        // The values in field order (`known` lists them as declared): what serde reads by position.
        let by_position = serde_json::Value::Array(known.iter().map(|k| good.get(*k).cloned().unwrap_or_default()).collect());
        assert!(!reads(by_position.clone()), "{name} read from an array: {by_position}");
        let mut missing = good.clone();
        missing.as_object_mut().unwrap().remove(known[0]);
        assert!(!reads(missing), "{name} read without {}", known[0]);
    }
}

fn parse_everything(text: &str) {
    for status in [200, 204, 400, 401, 403, 404, 409, 410, 429, 500, 503] {
        match Body::read(status, text.as_bytes()) {
            Body::Event(e) => {
                let _ = e.conference();
            }
            Body::Error(env) => {
                let _ = classify(status, Some(&env), None);
            }
            Body::Empty => assert!(text.trim().is_empty()),
            Body::Unreadable => {}
        }
    }
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(text) {
        messages_are_strict(&v);
        records_are_checked_one_by_one(&v);
    }
    let _ = MeetLink::parse(text);
    let _ = retry_after_ms(text, 1_000_000);
    let _ = parse_redirect(text, "state");
    let _ = parse_redirect(&format!("https://x.chromiumapp.org/#state=state&{text}"), "state");
}

/// Every message type with its own fields decodes; with one field more, none does.
#[test]
fn message_shapes() {
    for (kind, fields) in MESSAGES {
        let mut o = serde_json::json!({"type": kind});
        for f in *fields {
            o[*f] = if *f == "url" { "https://meet.google.com/abc-defg-hij".into() } else { serde_json::json!({}) };
        }
        assert!(decode(o.clone()).is_some(), "{o}");
        for extra in ["token", "tabId", "url", "changes", "Type"] {
            if !fields.contains(&extra) {
                let mut bad = o.clone();
                bad[extra] = serde_json::json!("x");
                assert!(decode(bad.clone()).is_none(), "{bad}");
            }
        }
    }
}

#[test]
fn parsers_never_panic_on_arbitrary_input() {
    let mut r = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..20_000 {
        parse_everything(&value(&mut r, 0).to_string());
    }
    for _ in 0..20_000 {
        let sample: &str = SAMPLES[r.below(SAMPLES.len() as u64) as usize];
        let s = mutate(&mut r, sample);
        parse_everything(&s);
    }
    for _ in 0..5_000 {
        let bytes: Vec<u8> = (0..r.below(64)).map(|_| r.below(256) as u8).collect();
        parse_everything(&String::from_utf8_lossy(&bytes));
    }
}

/// Every (status, reason) the fake Google answers with (tests/fake_google `CATALOGUE`), and the Meet
/// API's reason-less `google.rpc.Status` errors.
const REASONS: &[(u16, &str)] = &[
    (400, "badRequest"), (400, "invalid"), (400, "required"), (400, "timeRangeEmpty"), (400, "parseError"),
    (401, "authError"), (401, "required"),
    (403, "insufficientPermissions"), (403, "userRateLimitExceeded"), (403, "rateLimitExceeded"), (403, "quotaExceeded"),
    (403, "forbiddenForNonOrganizer"), (403, "forbidden"), (403, "requiredAccessLevel"), (403, "accessNotConfigured"),
    (404, "notFound"), (409, "duplicate"), (409, "conflict"), (410, "deleted"), (412, "conditionNotMet"),
    (429, "rateLimitExceeded"), (500, "backendError"), (503, "backendError"),
    (400, ""), (403, ""), (404, ""), (409, ""), (429, ""), (500, ""), (503, ""),
];

/// The fake's catalogue must not know a reason this list lacks.
#[test]
fn the_reasons_are_the_fakes() {
    let server = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fake_google/server.py")).unwrap();
    let catalogue = &server[server.find("CATALOGUE = {").unwrap()..server.find("CANONICAL = {").unwrap()];
    let mut found = 0;
    for line in catalogue.split('"').collect::<Vec<_>>().chunks(2).filter_map(|c| c.get(1)) {
        if line.chars().all(|c| c.is_ascii_alphabetic()) && line.chars().next().is_some_and(|c| c.is_ascii_lowercase()) && !["global", "usageLimits", "calendar"].contains(line) {
            assert!(REASONS.iter().any(|(_, r)| r == line), "the fake answers {line}; the property test never does");
            found += 1;
        }
    }
    assert!(found >= 20, "{found} reasons read from the fake");
}

fn error_body(status: u16, reason: &str) -> Body {
    let errors = if reason.is_empty() { serde_json::json!(null) } else { serde_json::json!([{"domain": "global", "reason": reason}]) };
    Body::read(status, serde_json::json!({"error": {"code": status, "message": reason, "errors": errors}}).to_string().as_bytes())
}

fn random_reply(r: &mut Rng) -> Reply {
    let body = match r.below(4) {
        0 => Body::Unreadable,
        1 => Body::Empty,
        2 => Body::Event(Box::new(serde_json::from_value::<Event>(value(r, 2)).unwrap_or_default())),
        _ => Body::Error(serde_json::from_value::<ErrorEnvelope>(value(r, 2)).unwrap_or_default()),
    };
    let retry_after = [None, Some("1".to_owned()), Some("99999".to_owned()), Some("soon".to_owned())][r.below(4) as usize].clone();
    match r.below(14) {
        0 => Reply::Network,
        1 => Reply::Timeout,
        2 => Reply::Http { status: 200, retry_after: None, body: Body::read(200, SAMPLES[2].as_bytes()) },
        3 => Reply::Http { status: 200, retry_after: None, body: Body::read(200, br#"{"conferenceData":{"createRequest":{"status":{"statusCode":"pending"}}}}"#) },
        4 => Reply::Redirect,
        5..=9 => {
            let (status, reason) = *r.pick(REASONS);
            Reply::Http { status, retry_after, body: error_body(status, reason) }
        }
        _ => Reply::Http {
            status: *r.pick(&[200, 204, 400, 401, 403, 404, 408, 409, 410, 412, 429, 500, 502, 503, 504]),
            retry_after,
            body,
        },
    }
}

/// Random answers, each request taking up to its whole 10 s timeout: every action ends, within its
/// one budget (requests and time), and every request of it carries its one client event id.
#[test]
fn the_flow_always_ends_bounded_with_one_event_id() {
    let mut r = Rng(42);
    for run in 0..10_000 {
        let ids = ActionIds::from_random(&[run as u8; 32]);
        let making = if run % 5 == 4 { Making::Space(meetlink::settings::SpacePreset { access_type: meetlink::settings::AccessType::Open, ..Default::default() }) } else { Making::Event(EventSpec::placeholder("UTC", 0)) };
        let (mut flow, mut step) = CreateFlow::start(Endpoints::under("http://fake"), &ids, &making, 0);
        let mut now = 0u64;
        let mut requests = 0;
        loop {
            let req = match &step {
                Step::Send(q) | Step::RenewToken(q) => q.clone(),
                Step::Wait { ms, then } => {
                    now += ms;
                    then.clone()
                }
                Step::Done { placeholder, .. } => {
                    assert!(placeholder.is_none() || placeholder.as_ref() == Some(&ids.event_id));
                    break;
                }
                Step::Fail { cleanup, .. } => {
                    assert!(cleanup.as_ref().is_none_or(|c| c == &ids.event_id));
                    break;
                }
            };
            requests += 1;
            assert!(requests <= MAX_REQUESTS, "run {run}: request {requests}");
            assert!(now <= START_BUDGET_MS, "run {run}: a request started at {now} ms");
            match &making {
                Making::Event(_) => assert!(req.url.contains(&ids.event_id) || matches!(&req.body, Some(Payload::Event(b)) if b.id == ids.event_id), "{req:?}"),
                Making::Space(_) => assert!(req.url.ends_with("/v2/spaces"), "{req:?}"),
            }
            now += r.below(10_001); // each request takes up to its 10 s timeout
            step = flow.on_reply(random_reply(&mut r), now, (r.below(1000) as f64) / 1000.0);
        }
        assert!(now <= START_BUDGET_MS + 10_000, "run {run}: ended at {now} ms");
    }
}

/// An event id from storage goes into a request URL only if it has Google's shape: a record with
/// any other does not read at all (and is dropped), whatever else it holds.
#[test]
fn stored_event_ids_are_checked_before_any_url() {
    for bad in ["../../../users/me/calendarList/x", "abcd", "ABCDE12345", "abcde%2F..", "abcde?x=1", "abcde/", "", "abcdw"] {
        for (name, reads, sample, _) in STRICT.iter().filter(|(n, ..)| ["Inflight", "PendingDelete"].contains(n)) {
            let mut v: serde_json::Value = serde_json::from_str(sample).unwrap();
            assert!(reads(v.clone()), "{name}");
            v["eventId"] = bad.into();
            assert!(!reads(v), "{name} read with event id {bad:?}");
        }
    }
}
