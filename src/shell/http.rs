//! Sends one [`HttpRequest`] through gloo-net (the global `fetch`, so it works in a worker) with the
//! Bearer token and a timeout, and reads the answer into a [`Reply`] for the pure core. Bodies are
//! text both ways, read and written by `crate::json`.

use super::chrome::{clear_timeout, set_timeout};
use crate::calendar::Event;
use crate::errors::ErrorEnvelope;
use crate::flow::{Body, HttpRequest, Method, Reply};
use gloo_net::http::{Method as M, RequestBuilder};
use crate::json::{FromJson, Json, ToJson};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// Per-request timeout. Chrome stops a worker whose fetch takes over 30 s; the retry budget in
/// `retry::Backoff::ERRORS` spends what is left.
const TIMEOUT_MS: i32 = 10_000;

fn json_body(req: &HttpRequest) -> Option<String> {
    Some(req.body.as_ref()?.to_json().text())
}

fn read_body(status: u16, text: &str) -> Body {
    if text.trim().is_empty() {
        return Body::Empty;
    }
    let Some(value) = Json::parse(text) else { return Body::Unreadable };
    if (200..300).contains(&status) {
        Event::from_json(&value).map_or(Body::Unreadable, |e| Body::Event(Box::new(e)))
    } else {
        ErrorEnvelope::from_json(&value).map_or(Body::Unreadable, Body::Error)
    }
}

/// POSTs a form to an OAuth endpoint (`/revoke`, `/tokeninfo`): the token goes in the body, not the
/// URL. Returns the status and the body, or `None` when nothing came back.
pub async fn post_form(url: &str, form: &str) -> Option<(u16, String)> {
    let request = RequestBuilder::new(url)
        .method(M::POST)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form.to_owned())
        .ok()?;
    let response = request.send().await.ok()?;
    Some((response.status(), response.text().await.unwrap_or_default()))
}

/// Sends `req` with `token`.
pub async fn send(req: &HttpRequest, token: &str) -> Reply {
    let Ok(controller) = web_sys::AbortController::new() else { return Reply::Network };
    let timed_out = Rc::new(Cell::new(false));
    let timer = {
        let (controller, timed_out) = (controller.clone(), timed_out.clone());
        set_timeout(
            &Closure::once_into_js(move || {
                timed_out.set(true);
                controller.abort();
            }),
            TIMEOUT_MS,
        )
    };
    let method = match req.method {
        Method::Post => M::POST,
        Method::Get => M::GET,
        Method::Delete => M::DELETE,
    };
    let signal = controller.signal();
    let builder = RequestBuilder::new(&req.url)
        .method(method)
        .header("Authorization", &format!("Bearer {token}"))
        .abort_signal(Some(&signal));
    let request = match json_body(req) {
        Some(json) => builder.header("Content-Type", "application/json").body(json),
        None => builder.build(),
    };
    let reply = match request {
        Err(_) => Reply::Network,
        Ok(request) => match request.send().await {
            Err(_) => Reply::Network,
            Ok(resp) => {
                let status = resp.status();
                let retry_after = resp.headers().get("retry-after");
                match resp.text().await {
                    Ok(text) => Reply::Http { status, retry_after, body: read_body(status, &text) },
                    // The connection broke mid-body: the status is known, the body is not.
                    Err(_) => Reply::Http { status, retry_after, body: Body::Unreadable },
                }
            }
        },
    };
    clear_timeout(&timer);
    if timed_out.get() {
        Reply::Timeout
    } else {
        reply
    }
}
