//! The browser shell: everything that needs `chrome.*` or `fetch`. It decides nothing — the pure
//! modules do — and exports the entry points `extension/background.js` forwards events to.

mod chrome;
mod deliver;
pub mod http;
mod page;
mod token;

use crate::calendar::EventSpec;
use crate::deliver::{Trigger, INSERT_ID};
use crate::settings::Settings;
use crate::endpoints::Endpoints;
use crate::errors::Problem;
use crate::flow::{delete_outcome, delete_request, CreateFlow, DeleteOutcome, PendingDelete, Reply, Step};
use crate::ids::ActionIds;
use crate::link::MeetLink;
use crate::messages::{decode, is_own_page, Request, Response, Sender};
use chrome::{now_ms, object};
use wasm_bindgen::prelude::*;

const LAST_LINK: &str = "lastLink";
const PENDING_DELETES: &str = "pendingDeletes";
const CLEANUP_ALARM: &str = "meetlink-cleanup";
const SETTINGS: &str = "settings";

fn to_js<T: serde::Serialize>(value: &T) -> JsValue {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).unwrap_or(JsValue::NULL)
}

async fn send(req: &crate::flow::HttpRequest, token: &str) -> Reply {
    http::send(req, token).await
}

/// Runs one action to its end: a link, or the problem to show. The placeholder (or an event that
/// may have landed before a failure) is deleted after the answer is on its way.
/// Settings out of a `storage.local.get(SETTINGS)` answer; anything malformed means the defaults.
fn settings_from(stored: &JsValue) -> Settings {
    serde_wasm_bindgen::from_value(chrome::get_path(stored, &[SETTINGS])).unwrap_or_default()
}

async fn create_link(interactive: bool) -> Result<MeetLink, Problem> {
    let mut token = token::get(interactive).await?;
    let ids = ActionIds::from_random(&chrome::random32());
    let spec = EventSpec::placeholder(&chrome::time_zone(), now_ms());
    let (mut flow, mut step) = CreateFlow::start(Endpoints::for_build(), &ids, &spec, now_ms());
    loop {
        step = match step {
            Step::Send(req) => flow.on_reply(send(&req, &token).await, now_ms(), js_sys::Math::random()),
            Step::Wait { ms, then } => {
                chrome::sleep(ms).await;
                flow.on_reply(send(&then, &token).await, now_ms(), js_sys::Math::random())
            }
            Step::RenewToken(req) => match token::renew(&token).await {
                Ok(fresh) => {
                    token = fresh;
                    flow.on_reply(send(&req, &token).await, now_ms(), js_sys::Math::random())
                }
                Err(problem) => flow.fail(problem),
            },
            Step::Done { link, event_id } => {
                wasm_bindgen_futures::spawn_local(after_link(link.clone(), event_id, token));
                return Ok(link);
            }
            Step::Fail { problem, cleanup } => {
                if let Some(event_id) = cleanup {
                    wasm_bindgen_futures::spawn_local(delete_placeholder(event_id, token, 0));
                }
                return Err(problem);
            }
        };
    }
}

/// Off the critical path: remember the link for the popup, then delete the placeholder.
async fn after_link(link: MeetLink, event_id: String, token: String) {
    let _ = chrome::session_set(&object(&[(LAST_LINK, to_js(&link))])).await;
    delete_placeholder(event_id, token, 0).await;
}

/// Deletes a placeholder; a 401 renews the token once; any other failure is recorded in
/// `storage.local` and retried by the cleanup alarm, so the event is never forgotten.
async fn delete_placeholder(event_id: String, mut token: String, attempts: u32) {
    let req = delete_request(&Endpoints::for_build(), &event_id);
    let mut outcome = delete_outcome(&send(&req, &token).await);
    if outcome == DeleteOutcome::Renew {
        outcome = match token::renew(&token).await {
            Ok(fresh) => {
                token = fresh;
                delete_outcome(&send(&req, &token).await)
            }
            Err(_) => DeleteOutcome::Later,
        };
    }
    let mut pending = load_pending().await;
    pending.retain(|p| p.event_id != event_id);
    if outcome != DeleteOutcome::Gone {
        match PendingDelete::after_failure(&event_id, attempts, now_ms(), js_sys::Math::random()) {
            Some(p) => pending.push(p),
            None => chrome::warn(&format!("MeetLink: gave up deleting placeholder event {event_id}")),
        }
    }
    save_pending(&pending).await;
}

async fn load_pending() -> Vec<PendingDelete> {
    let stored = chrome::local_get(PENDING_DELETES).await.unwrap_or_default();
    serde_wasm_bindgen::from_value(chrome::get_path(&stored, &[PENDING_DELETES])).unwrap_or_default()
}

async fn save_pending(pending: &[PendingDelete]) {
    let _ = chrome::local_set(&object(&[(PENDING_DELETES, to_js(&pending))])).await;
    if let Some(next) = pending.iter().map(|p| p.next_at_ms).min() {
        let _ = chrome::alarms_create(CLEANUP_ALARM, &object(&[("when", (next as f64).into())])).await;
    }
}

/// Retries every pending delete that is due (on wake: install, startup, the cleanup alarm).
async fn retry_pending_deletes() {
    let pending = load_pending().await;
    let now = now_ms();
    if !pending.iter().any(|p| p.next_at_ms <= now) {
        if !pending.is_empty() {
            save_pending(&pending).await; // re-arm the alarm
        }
        return;
    }
    let Ok(token) = token::get(false).await else {
        // Not signed in right now: try again at the next wake.
        return;
    };
    for p in pending.into_iter().filter(|p| p.next_at_ms <= now) {
        delete_placeholder(p.event_id, token.clone(), p.attempts).await;
    }
}

async fn handle(request: Request) -> Response {
    match request {
        Request::GetState {} => {
            let stored = chrome::session_get(LAST_LINK).await.unwrap_or_default();
            let last = chrome::get_path(&stored, &[LAST_LINK, "url"]).as_string().and_then(|u| MeetLink::parse(&u));
            Response::State { configured: token::configured(), last }
        }
        Request::CreateLink {} => match create_link(true).await {
            Ok(link) => Response::Link { link },
            Err(problem) => Response::Failed { problem },
        },
    }
}

/// `runtime.onMessage`: decodes, checks the sender, answers. Never throws.
#[wasm_bindgen(js_name = onMessage)]
pub async fn on_message(message: JsValue, sender: JsValue) -> JsValue {
    let sender: Sender = serde_wasm_bindgen::from_value(sender).unwrap_or_default();
    if !is_own_page(&sender, &chrome::runtime_id()) {
        return to_js(&Response::Rejected);
    }
    match decode(serde_wasm_bindgen::Deserializer::from(message)) {
        Ok(request) => to_js(&handle(request).await),
        Err(_) => to_js(&Response::Rejected),
    }
}

/// `runtime.onInstalled` and `runtime.onStartup`: (re)create the context-menu item — removeAll
/// first, so an update or a second call never fails on a duplicate id — and finish any cleanup a
/// previous run left.
#[wasm_bindgen(js_name = onWake)]
pub async fn on_wake() {
    let _ = chrome::menus_remove_all().await;
    let item = object(&[
        ("id", INSERT_ID.into()),
        ("title", chrome::i18n("menuInsert").into()),
        ("contexts", js_sys::Array::of1(&"editable".into()).into()),
    ]);
    if chrome::menus_create(&item).is_err() {
        chrome::warn("MeetLink: could not create the context menu item");
    }
    retry_pending_deletes().await;
}

fn tab_id(tab: &JsValue) -> Option<i32> {
    chrome::get_path(tab, &["id"]).as_f64().filter(|id| *id >= 0.0).map(|id| id as i32)
}

/// `contextMenus.onClicked`: "Insert Meet link" in an editable field.
#[wasm_bindgen(js_name = onMenuClicked)]
pub async fn on_menu_clicked(info: JsValue, tab: JsValue) {
    if chrome::get_path(&info, &["menuItemId"]).as_string().as_deref() != Some(INSERT_ID) {
        return;
    }
    let frame_id = chrome::get_path(&info, &["frameId"]).as_f64().unwrap_or(0.0) as i32;
    match tab_id(&tab) {
        Some(tab_id) => deliver::deliver(Trigger::Menu { tab_id, frame_id }).await,
        None => deliver::deliver(Trigger::Command { tab_id: None }).await,
    }
}

/// `commands.onCommand`: the "insert-meet-link" shortcut.
#[wasm_bindgen(js_name = onCommand)]
pub async fn on_command(command: String, tab: JsValue) {
    if command == INSERT_ID {
        deliver::deliver(Trigger::Command { tab_id: tab_id(&tab) }).await;
    }
}

/// `alarms.onAlarm`.
#[wasm_bindgen(js_name = onAlarm)]
pub async fn on_alarm(alarm: JsValue) {
    if chrome::get_path(&alarm, &["name"]).as_string().as_deref() == Some(CLEANUP_ALARM) {
        retry_pending_deletes().await;
    }
}
