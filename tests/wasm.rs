//! wasm-bindgen-test, in a service worker of headless Chromium (no `window`, like the extension's
//! worker): the shell's HTTP path against the fake Google — gloo-net's `fetch`, the request body
//! written by serde_json and the answers read into the pure core's types; redirects, oversized
//! answers and form bodies. `./build.sh test`
//! starts the fake and sets MEETLINK_FAKE_URL at compile time.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use meetlink::calendar::{Conference, EventSpec, Making};
use meetlink::endpoints::Endpoints;
use meetlink::flow::{delete_outcome, delete_request, Body, CreateFlow, DeleteOutcome, Reply, Step};
use meetlink::ids::ActionIds;
use meetlink::shell::http::send;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_service_worker);

const FAKE: &str = match option_env!("MEETLINK_FAKE_URL") {
    Some(u) => u,
    None => "http://127.0.0.1:7358",
};
const TOKEN: &str = "ya29.fake-token";

fn ids(seed: u8) -> ActionIds {
    let mut r = [seed; 32];
    r[0] = (js_sys::Math::random() * 255.0) as u8;
    r[1] = (js_sys::Math::random() * 255.0) as u8;
    r[17] = (js_sys::Math::random() * 255.0) as u8;
    ActionIds::from_random(&r)
}

async fn control(path: &str, body: &str) {
    let response = gloo_net::http::Request::post(&format!("{FAKE}/_fake/{path}")).body(body).unwrap().send().await.unwrap();
    assert_eq!(response.status(), 200);
}

#[wasm_bindgen_test]
async fn insert_then_delete_through_fetch() {
    control("reset", "{}").await;
    let e = Endpoints::under(FAKE);
    let (mut flow, step) = CreateFlow::start(e.clone(), &ids(1), &Making::Event(EventSpec::placeholder("Europe/Berlin", 1_764_095_400_000)), 0);
    let Step::Send(req) = step else { panic!("first step sends") };
    let reply = send(&req, TOKEN).await;
    let Reply::Http { status: 200, body: Body::Event(event), .. } = &reply else { panic!("{reply:?}") };
    assert!(matches!(event.conference(), Conference::Ready(_)));
    let Step::Done { link, placeholder: Some(event_id), dial_in } = flow.on_reply(reply, 0, 0.0) else { panic!("done") };
    assert!(link.as_str().starts_with("https://meet.google.com/"));
    // The fake gives this conference a phone number and the "more numbers" page, as Google does.
    let dial_in = dial_in.expect("dial-in numbers");
    assert_eq!((dial_in.phones[0].tel.as_str(), dial_in.more.is_some()), ("tel:+1-402-410-2193", true));
    assert_eq!(Some(event_id.as_str()), flow.event_id());

    let del = delete_request(&e, &event_id);
    let first = send(&del, TOKEN).await;
    assert!(matches!(first, Reply::Http { status: 204, body: Body::Empty, .. }), "{first:?}");
    let again = send(&del, TOKEN).await;
    assert!(matches!(&again, Reply::Http { status: 410, body: Body::Error(env), .. } if env.error.as_ref().and_then(|e| e.code) == Some(410)), "{again:?}");
    assert_eq!(delete_outcome(&again), DeleteOutcome::Gone);
}

#[wasm_bindgen_test]
async fn error_envelopes_and_bad_bodies() {
    control("reset", "{}").await;
    let e = Endpoints::under(FAKE);
    let (_, step) = CreateFlow::start(e.clone(), &ids(2), &Making::Event(EventSpec::placeholder("UTC", 0)), 0);
    let Step::Send(req) = step else { panic!() };

    // A token the fake does not know: 401 authError in the legacy envelope.
    let r = send(&req, "ya29.unknown").await;
    let Reply::Http { status: 401, body: Body::Error(env), .. } = r else { panic!("{r:?}") };
    let reason = env.error.and_then(|b| b.errors).and_then(|v| v.into_iter().next()).and_then(|i| i.reason);
    assert_eq!(reason.as_deref(), Some("authError"));

    // 429 with Retry-After, read cross-origin: CORS hides headers the server does not expose, so
    // here the client falls back to its own backoff (the e2e build, with host permission, sees it).
    control("faults", r#"{"match": "insert", "status": 429, "reason": "rateLimitExceeded", "retry_after": 7}"#).await;
    let r = send(&req, TOKEN).await;
    assert!(matches!(&r, Reply::Http { status: 429, retry_after: None, body: Body::Error(_) }), "{r:?}");

    // An HTML error page and a truncated JSON body are unreadable, not a panic.
    control("faults", r#"{"match": "insert", "kind": "html", "status": 502}"#).await;
    assert!(matches!(send(&req, TOKEN).await, Reply::Http { status: 502, body: Body::Unreadable, .. }));
    control("faults", r#"{"match": "insert", "kind": "malformed"}"#).await;
    assert!(matches!(send(&req, TOKEN).await, Reply::Http { status: 200, body: Body::Unreadable, .. }));

    // A dropped connection is a network error. (Chromium resends a request on its own when a reused
    // keep-alive connection closes unanswered, more than once at times: enough drops queued for all.)
    control("faults", r#"{"match": "insert", "kind": "drop", "times": 8}"#).await;
    assert_eq!(send(&req, TOKEN).await, Reply::Network);
    control("reset", "{}").await; // no drops left queued for a later run
}

/// Only the status and body of a form POST (tokeninfo, revoke).
async fn form_post(path: &str, pairs: &[(&str, &str)]) -> (u16, serde_json::Value) {
    let (status, body) = meetlink::shell::http::post_form(&format!("{FAKE}/{path}"), meetlink::auth::form(pairs)).await.expect("an answer");
    (status, serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null))
}

#[wasm_bindgen_test]
async fn a_redirect_is_not_followed() {
    control("reset", "{}").await;
    let (_, step) = CreateFlow::start(Endpoints::under(FAKE), &ids(3), &Making::Event(EventSpec::placeholder("UTC", 0)), 0);
    let Step::Send(req) = step else { panic!() };
    for status in [302, 307] {
        control("faults", &format!(r#"{{"match": "insert", "kind": "redirect", "status": {status}, "location": "{FAKE}/calendar/v3/calendars/primary/events"}}"#)).await;
        assert_eq!(send(&req, TOKEN).await, Reply::Redirect, "{status}");
    }
    // Nothing went to the redirect's target: the fake saw the two inserts and no request after them.
    let log: Vec<serde_json::Value> = gloo_net::http::Request::get(&format!("{FAKE}/_fake/log")).send().await.unwrap().json().await.unwrap();
    assert_eq!(log.len(), 2, "{log:?}");
}

#[wasm_bindgen_test]
async fn a_huge_answer_is_refused_unread() {
    control("reset", "{}").await;
    let (_, step) = CreateFlow::start(Endpoints::under(FAKE), &ids(4), &Making::Event(EventSpec::placeholder("UTC", 0)), 0);
    let Step::Send(req) = step else { panic!() };
    let memory = || wasm_bindgen::memory().unchecked_into::<js_sys::WebAssembly::Memory>().buffer().unchecked_into::<js_sys::ArrayBuffer>().byte_length();
    let before = memory();
    for chunked in [false, true] {
        control("faults", &format!(r#"{{"match": "insert", "kind": "huge", "mb": 10, "chunked": {chunked}}}"#)).await;
        let r = send(&req, TOKEN).await;
        assert!(matches!(r, Reply::Http { status: 200, body: Body::Unreadable, .. }), "chunked {chunked}: {r:?}");
    }
    // Read whole, one such answer grows the memory by 10 MB or more; a capped read holds at most
    // 1 MiB at a time (the buffer's doubling and the allocator may keep a few MiB of heap).
    let grown = memory() - before;
    assert!(grown < 5 << 20, "the worker's memory grew by {grown} bytes for two 10 MB answers");
    // A normal answer still reads.
    let r = send(&req, TOKEN).await;
    assert!(matches!(r, Reply::Http { status: 200, body: Body::Event(_), .. }), "{r:?}");
}

#[wasm_bindgen_test]
async fn tokens_reach_tokeninfo_and_revoke_intact() {
    control("reset", "{}").await;
    let token = "ya29.a&b+c%d=e f";
    let scopes = r#"["https://www.googleapis.com/auth/calendar.events.owned", "email"]"#;
    control("tokens", &format!(r#"{{"token": "{token}", "email": "odd@example.com", "scopes": {scopes}}}"#)).await;
    let (status, info) = form_post("tokeninfo", &[("access_token", token)]).await;
    assert_eq!((status, info["email"].as_str()), (200, Some("odd@example.com")), "{info}");
    // A prefix of it is another token: the fake knows only the whole one.
    assert_eq!(form_post("tokeninfo", &[("access_token", "ya29.a")]).await.0, 400);
    assert_eq!(form_post("revoke", &[("token", token)]).await.0, 200);
    assert_eq!(form_post("tokeninfo", &[("access_token", token)]).await.0, 400, "revoked, as a whole");
}
