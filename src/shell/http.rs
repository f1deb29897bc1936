//! Sends one [`HttpRequest`] through the global `fetch` (it works in a worker) with the Bearer
//! token and a timeout, and reads the answer into a [`Reply`] for the pure core. Bodies are text
//! both ways, read and written by `crate::json`. The exchange itself (`fetch`, its abort timer) is
//! `extension/fetch.js`: no gloo-net, no web-sys, 8 KB less wasm (measured).

use crate::prelude::*;
use alloc::vec;
use super::chrome::{get_path, object};
use crate::calendar::Event;
use crate::errors::ErrorEnvelope;
use crate::flow::{Body, HttpRequest, Method, Reply};
use crate::json::{FromJson, Json, ToJson};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/extension/fetch.js")]
extern "C" {
    /// `fetch` with a timeout; never rejects (`extension/fetch.js`).
    #[wasm_bindgen(js_name = exchange)]
    async fn fetch_with_timeout(url: &str, method: &str, headers: JsValue, body: JsValue, timeout_ms: u32) -> JsValue;
}

/// Per-request timeout. Chrome stops a worker whose fetch takes over 30 s; the retry budget in
/// `retry::Backoff::ERRORS` spends what is left.
const TIMEOUT_MS: u32 = 10_000;

fn read_body(status: u16, text: &str) -> Body {
    if text.trim_ascii().is_empty() { // JSON whitespace is ASCII
        return Body::Empty;
    }
    let Some(value) = Json::parse(text) else { return Body::Unreadable };
    if (200..300).contains(&status) {
        Event::from_json(&value).map_or(Body::Unreadable, |e| Body::Event(Box::new(e)))
    } else {
        ErrorEnvelope::from_json(&value).map_or(Body::Unreadable, Body::Error)
    }
}

/// What came back: the status, `Retry-After`, and the body (`None` if it broke off).
type Answer = (u16, Option<String>, Option<String>);

/// One exchange; `Err(Reply::Network | Reply::Timeout)` when no answer came.
async fn exchange(url: &str, method: &str, headers: &[(&str, JsValue)], body: Option<String>) -> Result<Answer, Reply> {
    let body = body.map_or(JsValue::UNDEFINED, JsValue::from);
    let answer = fetch_with_timeout(url, method, object(headers), body, TIMEOUT_MS).await;
    match get_path(&answer, &["status"]).as_f64() {
        Some(status) => Ok((status as u16, get_path(&answer, &["retryAfter"]).as_string(), get_path(&answer, &["text"]).as_string())),
        None if get_path(&answer, &["timedOut"]).is_truthy() => Err(Reply::Timeout),
        None => Err(Reply::Network),
    }
}

/// POSTs a form to an OAuth endpoint (`/revoke`, `/tokeninfo`): the token goes in the body, not the
/// URL. Returns the status and the body, or `None` when nothing came back.
pub async fn post_form(url: &str, form: &str) -> Option<(u16, String)> {
    let headers = [("Content-Type", "application/x-www-form-urlencoded".into())];
    let (status, _, text) = exchange(url, "POST", &headers, Some(form.to_owned())).await.ok()?;
    Some((status, text.unwrap_or_default()))
}

/// Sends `req` with `token`.
pub async fn send(req: &HttpRequest, token: &str) -> Reply {
    let method = match req.method {
        Method::Post => "POST",
        Method::Get => "GET",
        Method::Delete => "DELETE",
    };
    let mut headers = vec![("Authorization", crate::text::concat(&["Bearer ", token]).into())];
    if req.body.is_some() {
        headers.push(("Content-Type", "application/json".into()));
    }
    match exchange(&req.url, method, &headers, req.body.as_ref().map(|b| b.to_json().text())).await {
        Err(none) => none,
        Ok((status, retry_after, Some(text))) => Reply::Http { status, retry_after, body: read_body(status, &text) },
        Ok((status, retry_after, None)) => Reply::Http { status, retry_after, body: Body::Unreadable },
    }
}
