//! The browser shell: everything that needs `chrome.*` or `fetch`. It decides nothing — the pure
//! modules do — and exports the entry points `extension/background.js` forwards events to.

use crate::prelude::*;

mod action;
mod chrome;
mod deliver;
pub mod http;
mod page;
mod token;

use crate::deliver::{Trigger, INSERT_ID};
use crate::history::Source;
use crate::inflight::Destination;
use crate::messages::{decode, is_own_page, Request, Response, Sender};
use crate::json::{FromJson, Json, ToJson};
use crate::settings::{self, Choices, Settings};
use chrome::object;
use js_sys::Promise;
use core::future::Future;
use core::pin::Pin;
use wasm_bindgen::prelude::*;

const SETTINGS: &str = "settings";

/// A static of the worker's one thread: `no_std` has no `thread_local!`, and this wasm has no other
/// thread (built without the `atomics` target feature, its memory cannot be shared).
pub struct Local<T>(T);

#[cfg(target_feature = "atomics")]
compile_error!("shell::Local assumes a single-threaded wasm");

// SAFETY: see above — one thread, so nothing is ever shared across threads.
unsafe impl<T> Sync for Local<T> {}

impl<T> Local<T> {
    pub const fn new(value: T) -> Self {
        Local(value)
    }

    /// `f` with the value, as `LocalKey::with`.
    pub fn with<R>(&'static self, f: impl FnOnce(&T) -> R) -> R {
        f(&self.0)
    }
}

/// Runs `task` in the background. Every task goes through one `spawn_local::<Pin<Box<dyn …>>>`:
/// each instantiation of it (and of `future_to_promise`) carries its own copy of the executor glue,
/// ~1 KB of wasm apiece.
fn spawn(task: impl Future<Output = ()> + 'static) {
    spawn_boxed(Box::pin(task));
}

fn spawn_boxed(task: Pin<Box<dyn Future<Output = ()>>>) {
    wasm_bindgen_futures::spawn_local(task);
}

/// `task` as a JavaScript Promise (one `future_to_promise` instantiation for all, as [`spawn`]).
fn promise(task: impl Future<Output = Result<JsValue, JsValue>> + 'static) -> Promise {
    promise_boxed(Box::pin(task))
}

fn promise_boxed(task: Pin<Box<dyn Future<Output = Result<JsValue, JsValue>>>>) -> Promise {
    wasm_bindgen_futures::future_to_promise(task)
}

/// A Promise resolving to `undefined` when `task` is done (the exports background.js awaits).
fn done(task: impl Future<Output = ()> + 'static) -> Promise {
    promise(async {
        task.await;
        Ok(JsValue::UNDEFINED)
    })
}

/// A value for JavaScript: printed by `crate::json`, read back by the browser's `JSON.parse`.
fn to_js<T: ToJson + ?Sized>(value: &T) -> JsValue {
    json_to_js(&value.to_json())
}

// The generic wrappers stay one line each: the work is done once, not per type.
pub(crate) fn json_to_js(value: &Json) -> JsValue {
    js_sys::JSON::parse(&value.text()).unwrap_or(JsValue::NULL)
}

/// A value from JavaScript: `JSON.stringify` (messages and storage hold only JSON data), then
/// `crate::json`. `None` for `undefined` (an absent key) and for anything malformed.
fn from_js<T: FromJson>(value: &JsValue) -> Option<T> {
    T::from_json(&js_to_json(value)?)
}

fn js_to_json(value: &JsValue) -> Option<Json> {
    Json::parse(&js_sys::JSON::stringify(value).ok()?.as_string()?)
}

/// The user's stored choices; anything malformed means none.
async fn local_choices() -> Choices {
    from_js(&chrome::local_value(SETTINGS).await).unwrap_or_default()
}

/// The administrator's (none where managed storage is unavailable or empty).
async fn managed_choices() -> Choices {
    from_js(&chrome::managed_get().await.unwrap_or_default()).unwrap_or_default()
}

/// The settings in effect now.
async fn current_settings() -> Settings {
    settings::resolve(&local_choices().await, &managed_choices().await)
}

/// The OAuth scope the chosen link source needs.
async fn link_scope() -> &'static str {
    crate::calendar::scope_for(current_settings().await.source)
}

fn settings_response(local: &Choices, managed: &Choices) -> Response {
    Response::Settings { settings: settings::resolve(local, managed), locked: settings::locked(managed) }
}

async fn handle(request: Request) -> Response {
    match request {
        Request::GetState {} => {
            // The popup is open: a click is likely, so have a link ready for it.
            action::replenish();
            Response::State {
                configured: token::configured(),
                last: action::last_link().await,
                account: token::account(link_scope().await).await,
            }
        }
        Request::SwitchAccount {} => match token::switch_account(link_scope().await).await {
            Ok(account) => {
                action::replenish(); // signed in with that account: its first link ahead
                Response::Account { account }
            }
            Err(problem) => Response::Failed { problem },
        },
        Request::SignOut {} => {
            token::sign_out().await;
            Response::SignedOut
        }
        Request::GetSettings {} => settings_response(&local_choices().await, &managed_choices().await),
        Request::SaveSettings { changes } => {
            let managed = managed_choices().await;
            // In turn: two quick changes (a title being typed, a box ticked) never overwrite each other.
            let turn = action::turn().await;
            let stored = settings::apply(local_choices().await, changes, &managed);
            let _ = chrome::local_put(SETTINGS, &stored).await;
            drop(turn);
            let response = settings_response(&stored, &managed);
            match &response {
                Response::Settings { settings, .. } if !settings.warm_link => action::discard_warm().await,
                _ => action::replenish(), // on, or another kind of link now: have one ready
            }
            response
        }
        Request::RemoveHistory { url } => {
            action::edit_history(move |entries| crate::history::remove(entries, &url)).await;
            Response::Done
        }
        Request::ClearHistory {} => {
            action::edit_history(|_| Vec::new()).await;
            Response::Done
        }
        Request::CreateLink {} => match action::create_link(true, Destination::Popup {}, &current_settings().await).await {
            Ok(made) => {
                let link = made.link.clone();
                // The popup shows the link now; the bookkeeping follows.
                spawn(made.delivered(Source::Popup));
                Response::Link { link }
            }
            Err(problem) => Response::Failed { problem },
        },
    }
}

/// `runtime.onMessage`: decodes, checks the sender, answers. Never throws.
#[wasm_bindgen(js_name = onMessage)]
pub fn on_message(message: JsValue, sender: JsValue) -> Promise {
    // Read field by field: the MessageSender also carries the whole tab, not worth serialising.
    let text = |key| chrome::get_path(&sender, &[key]).as_string();
    let frame_id = chrome::get_path(&sender, &["frameId"]).as_f64().filter(|f| *f == (*f as i64) as f64).map(|f| f as i64);
    let sender = Sender { id: text("id"), origin: text("origin"), url: text("url"), frame_id };
    // The sender first: a message from anywhere else is not even read.
    let request = is_own_page(&sender, &chrome::runtime_id()).then(|| js_to_json(&message)).flatten().as_ref().and_then(decode);
    promise(async move {
        Ok(match request {
            Some(request) => to_js(&handle(request).await),
            None => to_js(&Response::Rejected),
        })
    })
}

/// Every worker start: finish what a previous instance left (in-flight actions first, then
/// placeholder deletes that are due).
#[wasm_bindgen(js_name = onStart)]
pub fn on_start() -> Promise {
    done(async {
        action::resume_orphans().await;
        action::retry_pending_deletes().await;
    })
}

/// `runtime.onInstalled` and `runtime.onStartup`: (re)create the context-menu item — removeAll
/// first, so an update or a second call never fails on a duplicate id.
#[wasm_bindgen(js_name = onWake)]
pub fn on_wake() -> Promise {
    done(async {
        let _ = chrome::menus_remove_all().await;
        let item = object(&[
            ("id", INSERT_ID.into()),
            ("title", chrome::i18n("menuInsert").into()),
            ("contexts", js_sys::Array::of1(&"editable".into()).into()),
        ]);
        if chrome::menus_create(&item).is_err() {
            chrome::warn("MeetLink: could not create the context menu item");
        }
    })
}

/// `alarms.onAlarm`: the placeholder-cleanup and resume alarms.
#[wasm_bindgen(js_name = onAlarm)]
pub fn on_alarm(alarm: JsValue) -> Promise {
    let name = chrome::get_path(&alarm, &["name"]).as_string();
    done(async move {
        match name.as_deref() {
            Some(action::CLEANUP_ALARM) => action::retry_pending_deletes().await,
            Some(action::RESUME_ALARM) => action::resume_orphans().await,
            _ => {}
        }
    })
}

fn tab_id(tab: &JsValue) -> Option<i32> {
    chrome::get_path(tab, &["id"]).as_f64().filter(|id| *id >= 0.0).map(|id| id as i32)
}

/// `contextMenus.onClicked`: "Insert Meet link" in an editable field.
#[wasm_bindgen(js_name = onMenuClicked)]
pub fn on_menu_clicked(info: JsValue, tab: JsValue) -> Promise {
    let ours = chrome::get_path(&info, &["menuItemId"]).as_string().as_deref() == Some(INSERT_ID);
    let frame_id = chrome::get_path(&info, &["frameId"]).as_f64().unwrap_or(0.0) as i32;
    let trigger = match tab_id(&tab) {
        Some(tab_id) => Trigger::Menu { tab_id, frame_id },
        None => Trigger::Command { tab_id: None },
    };
    done(async move {
        if ours {
            deliver::deliver(trigger).await;
        }
    })
}

/// `commands.onCommand`: the "insert-meet-link" shortcut.
#[wasm_bindgen(js_name = onCommand)]
pub fn on_command(command: String, tab: JsValue) -> Promise {
    let trigger = Trigger::Command { tab_id: tab_id(&tab) };
    done(async move {
        if command == INSERT_ID {
            deliver::deliver(trigger).await;
        }
    })
}
