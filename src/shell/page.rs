//! Delivery into pages: the two functions of `extension/page.js`, run by
//! `chrome.scripting.executeScript` in one frame of the tab — `findTarget` at trigger time (it
//! records the focused field and its caret under a nonce), `insertText` when the link is ready. What
//! their answers mean is `crate::deliver`'s to say.

use super::chrome::{self, get_path, now_ms, object, to_js};
use crate::deliver::{insert_outcome, probe_outcome, Miss, Probe, INSERT_START_MS, PAGE_WAIT_MS};
use js_sys::{Array, Promise};
use crate::meeting::Offered;
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(module = "/extension/page.js")]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_name = findTarget)]
    static FIND_TARGET: JsValue;
    #[wasm_bindgen(thread_local_v2, js_name = insertText)]
    static INSERT_TEXT: JsValue;
    #[wasm_bindgen(thread_local_v2, js_name = gatherPeople)]
    static GATHER_PEOPLE: JsValue;
}

#[wasm_bindgen]
extern "C" {
    /// Not `async`: the script starts when this is called, so the probe runs while the link is made.
    #[wasm_bindgen(catch, js_namespace = ["chrome", "scripting"], js_name = executeScript)]
    fn execute_script(injection: &JsValue) -> Result<Promise, JsValue>;
}

/// `InjectionTarget`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Target {
    tab_id: i32,
    frame_ids: [i32; 1],
}

/// A script running in one frame: its promise, or why it could not start.
pub struct Running(Result<Promise, JsValue>);

impl Running {
    /// Starts `func(args…)` in one frame of a tab (the function's source is sent into the page).
    fn start(tab_id: i32, frame_id: i32, func: JsValue, args: &[&str]) -> Self {
        let args: Array = args.iter().map(|a| JsValue::from_str(a)).collect();
        let injection = object(&[("target", to_js(&Target { tab_id, frame_ids: [frame_id] })), ("func", func), ("args", args.into())]);
        Running(execute_script(&injection))
    }

    /// The page's answer, read strictly (anything unexpected is a failed answer), or
    /// `executeScript`'s rejection.
    /// A page whose main thread never frees, or whose frame goes away mid-script, may leave
    /// `executeScript` unsettled: after `wait_ms` the answer is `None`.
    async fn answer<T: DeserializeOwned + Default>(self, wait_ms: u64) -> Option<Result<T, String>> {
        let running = match self.0 {
            Ok(p) => p,
            Err(e) => return Some(Err(chrome::error_message(&e))),
        };
        let first = Promise::race(&Array::of2(&running, &chrome::timer(wait_ms)));
        let results = match JsFuture::from(first).await {
            Ok(r) if r.is_undefined() => return None,
            Ok(r) => r,
            Err(e) => return Some(Err(chrome::error_message(&e))),
        };
        let result = get_path(&Array::from(&results).get(0), &["result"]);
        Some(Ok(chrome::from_js(result).unwrap_or_default()))
    }
}

/// Starts `findTarget(nonce)` in the frame; [`probed`] reads its outcome.
pub fn probe(tab_id: i32, frame_id: i32, nonce: &str) -> Running {
    Running::start(tab_id, frame_id, FIND_TARGET.with(JsValue::clone), &[nonce])
}

/// Starts `findTarget(nonce, "end")`: the same, with the selection first collapsed to its end — the
/// link of a meeting set up from selected text goes after that text, not over it.
pub fn probe_after_selection(tab_id: i32, frame_id: i32, nonce: &str) -> Running {
    Running::start(tab_id, frame_id, FIND_TARGET.with(JsValue::clone), &[nonce, "end"])
}

/// What the frame offers a meeting: its selected text and, on a known mail client, the compose
/// recipients. Nothing when it cannot be scripted or does not answer.
pub async fn offered(tab_id: i32, frame_id: i32) -> Offered {
    let running = Running::start(tab_id, frame_id, GATHER_PEOPLE.with(JsValue::clone), &[]);
    match running.answer::<Offered>(PAGE_WAIT_MS).await {
        Some(Ok(offered)) => offered,
        _ => Offered::default(),
    }
}

/// Whether the probe found a field to type into, and what it found (the page has [`PAGE_WAIT_MS`]
/// more to say); no probe (no tab to look in): no field.
pub async fn probed(probe: Option<Running>) -> Result<Probe, Miss> {
    match probe {
        Some(p) => p.answer(PAGE_WAIT_MS).await.map_or(Err(Miss::Unresponsive), probe_outcome),
        None => Err(Miss::NoField),
    }
}

/// Types `text` into the field the probe recorded under `nonce`, once — and not at all if the
/// page's script starts after [`INSERT_START_MS`]: by then the link has been copied instead.
/// `rich` is markup for a rich editor (built by `crate::format`, never from page text) and the text
/// it shows; the page falls back to `text` where the markup does not go in.
pub async fn insert(tab_id: i32, frame_id: i32, text: &str, rich: Option<(&str, &str)>, nonce: &str) -> Result<(), Miss> {
    let deadline = (now_ms() + INSERT_START_MS).to_string();
    let (html, shown) = rich.unwrap_or_default();
    let running = Running::start(tab_id, frame_id, INSERT_TEXT.with(JsValue::clone), &[text, nonce, &deadline, html, shown]);
    running.answer(PAGE_WAIT_MS).await.map_or(Err(Miss::Unresponsive), insert_outcome)
}
