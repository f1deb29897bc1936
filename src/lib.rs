//! MeetLink puts a fresh Google Meet link where the user is typing.
//!
//! The crate is split the way `../shared/DESIGN.md` draws it: pure modules first — they know nothing
//! of the browser, compile natively and are tested with `cargo test` — and the browser shell last
//! (`shell`, wasm only), which binds `chrome.*`, does the HTTP and hands every decision back to the
//! pure core.
//!
//! The hot path is [`flow::CreateFlow`]: a sans-IO state machine that says which request to send
//! next, how long to wait, when to renew the token and when the link is ready.
//!
//! Every value on the wire — Google's bodies, the pages' messages, the records in extension
//! storage — is a Rust type with serde derives; [`stored`] reads records back one by one.

pub mod auth;
pub mod calendar;
pub mod deliver;
pub mod endpoints;
pub mod errors;
pub mod flow;
pub mod format;
pub mod history;
pub mod ids;
pub mod inflight;
pub mod link;
pub mod meeting;
pub mod messages;
pub mod retry;
pub mod schedule;
pub mod settings;
pub mod stored;
pub mod warm;

/// The string a fieldless enum value is written as (`LinkSource::Space` → `space`), from its serde
/// derive, so each name is declared once.
pub fn wire_name<T: serde::Serialize>(value: T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        _ => String::new(),
    }
}

/// The browser shell (wasm only). Public only so `tests/wasm.rs` can drive its HTTP path.
#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub mod shell;
