//! HTTP to Google through gloo-net (the global `fetch`, which a service worker and Firefox's
//! background page both have). Each request:
//! - carries an `AbortSignal.timeout`: no answer within [`TIMEOUT_MS`] is a [`Reply::Timeout`];
//! - is sent with `redirect: "manual"`: a redirect is never followed, and is told apart from a
//!   network error (an `opaqueredirect` answer), so the core can say what happened;
//! - has its answer read as a stream and refused past [`MAX_BODY_BYTES`] (announced by
//!   `Content-Length` or met while reading), without reading the rest.
//!
//! What an answer means is decided by the pure core (`Body::read`, `crate::flow`).

use crate::flow::{Body, HttpRequest, Method, Reply, MAX_BODY_BYTES};
use gloo_net::http::{Request, RequestBuilder, Response};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, ReadableStreamDefaultReader, ReadableStreamReadResult, RequestRedirect, ResponseType};

/// Per-request timeout. Chrome stops a worker whose fetch takes over 30 s; the retry budget in
/// `retry::Backoff::ERRORS` spends what is left.
const TIMEOUT_MS: u32 = 10_000;

/// What came of one exchange.
enum Answer {
    /// Status, `Retry-After`, and the body (`None`: refused as too large, or it broke off).
    Http(u16, Option<String>, Option<Vec<u8>>),
    Redirect,
    Network,
    Timeout,
}

/// A request to `url` with the timeout and the redirect mode set; its signal tells a timeout apart.
fn request(url: &str, method: gloo_net::http::Method) -> (RequestBuilder, AbortSignal) {
    let signal = AbortSignal::timeout_with_u32(TIMEOUT_MS);
    let builder = RequestBuilder::new(url).method(method).abort_signal(Some(&signal)).redirect(RequestRedirect::Manual);
    (builder, signal)
}

async fn exchange(request: Result<Request, gloo_net::Error>, signal: &AbortSignal) -> Answer {
    let Ok(request) = request else { return Answer::Network };
    let response = match request.send().await {
        Ok(response) => response,
        Err(_) if signal.aborted() => return Answer::Timeout,
        Err(_) => return Answer::Network,
    };
    if response.type_() == ResponseType::Opaqueredirect {
        return Answer::Redirect;
    }
    let retry_after = response.headers().get("retry-after");
    let body = read_capped(&response).await;
    if body.is_none() && signal.aborted() {
        return Answer::Timeout;
    }
    Answer::Http(response.status(), retry_after, body)
}

/// The body, or `None` when it is larger than [`MAX_BODY_BYTES`] (the stream is cancelled: the rest
/// is never read) or broke off.
async fn read_capped(response: &Response) -> Option<Vec<u8>> {
    let announced = response.headers().get("content-length").and_then(|n| n.trim().parse::<u64>().ok());
    let Some(stream) = response.body() else { return Some(Vec::new()) }; // 204, HEAD
    if announced.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        let _ = JsFuture::from(stream.cancel()).await;
        return None;
    }
    let reader: ReadableStreamDefaultReader = stream.get_reader().dyn_into().ok()?;
    let mut bytes = Vec::with_capacity(announced.map_or(4096, |n| n as usize));
    loop {
        let chunk: ReadableStreamReadResult = JsFuture::from(reader.read()).await.ok()?.unchecked_into();
        if chunk.get_done() == Some(true) {
            return Some(bytes);
        }
        let value = js_sys::Uint8Array::new(&chunk.get_value());
        if bytes.len() + value.length() as usize > MAX_BODY_BYTES {
            let _ = JsFuture::from(reader.cancel()).await;
            return None;
        }
        let start = bytes.len();
        bytes.resize(start + value.length() as usize, 0);
        value.copy_to(&mut bytes[start..]);
    }
}

/// POSTs a form (`crate::auth::form`) to an OAuth endpoint (`/revoke`, `/tokeninfo`). Returns the
/// status and the body, or `None` when no answer came.
pub async fn post_form(url: &str, form: String) -> Option<(u16, Vec<u8>)> {
    let (builder, signal) = request(url, gloo_net::http::Method::POST);
    let request = builder.header("Content-Type", "application/x-www-form-urlencoded").body(form);
    match exchange(request, &signal).await {
        Answer::Http(status, _, body) => Some((status, body.unwrap_or_default())),
        _ => None,
    }
}

/// Sends `req` with `token`.
pub async fn send(req: &HttpRequest, token: &str) -> Reply {
    let method = match req.method {
        Method::Post => gloo_net::http::Method::POST,
        Method::Get => gloo_net::http::Method::GET,
        Method::Delete => gloo_net::http::Method::DELETE,
    };
    let (builder, signal) = request(&req.url, method);
    let builder = builder.header("Authorization", &format!("Bearer {token}"));
    let request = match &req.body {
        Some(payload) => builder.json(payload), // serde_json, Content-Type: application/json
        None => builder.build(),
    };
    match exchange(request, &signal).await {
        Answer::Http(status, retry_after, Some(bytes)) => Reply::Http { status, retry_after, body: Body::read(status, &bytes) },
        Answer::Http(status, retry_after, None) => Reply::Http { status, retry_after, body: Body::Unreadable },
        Answer::Redirect => Reply::Redirect,
        Answer::Network => Reply::Network,
        Answer::Timeout => Reply::Timeout,
    }
}
