//! The browser shell: everything that needs `chrome.*` or `fetch`. It decides nothing — the pure
//! modules do — and exports the entry points `extension/background.js` forwards events to.
//!
//! One module per concern; imports point one way (down this list, never up):
//! - `triggers` — a trigger start to end (popup, menu, shortcut) and finishing orphaned actions;
//! - `warm_link` — the link made ahead;
//! - `action` — one action: its in-flight record, the flow loop, placeholder deletes;
//! - `signin` — tokens: `getAuthToken`, the web flow, renewal, account, sign-out;
//! - `link_history`, `page` (delivery into pages), `notices` (badge, notifications, clipboard);
//! - `storage`, `http`, `chrome` — typed storage and the storage turn, gloo-net, the bindings.

mod action;
mod chrome;
mod drafts;
pub mod http;
mod link_history;
mod meetings;
mod notices;
mod page;
mod signin;
mod storage;
mod triggers;
mod warm_link;

use crate::deliver::{Trigger, INSERT_ID};
use crate::meeting::Kind;
use crate::link::MeetLink;
use crate::messages::{decode, is_own_page, Request, Response, Sender};
use crate::settings::{self, Choices};
use chrome::{get_path, to_js};
use js_sys::Promise;
use serde::Serialize;
use std::future::Future;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

/// A Promise resolving to `undefined` when `task` is done (the exports background.js awaits).
fn done(task: impl Future<Output = ()> + 'static) -> Promise {
    future_to_promise(async {
        task.await;
        Ok(JsValue::UNDEFINED)
    })
}

/// The OAuth scope the chosen link source needs.
async fn link_scope() -> &'static str {
    crate::calendar::scope_for(storage::settings().await.source)
}

fn settings_response(local: &Choices, managed: &Choices) -> Response {
    Response::Settings { settings: settings::resolve(local, managed), locked: settings::locked(managed) }
}

async fn handle(request: Request) -> Response {
    match request {
        Request::GetState {} => {
            // The popup is open: a click is likely, so have a link ready for it.
            warm_link::replenish();
            Response::State {
                configured: signin::configured(),
                last: link_history::last().await,
                account: signin::account(link_scope().await).await,
            }
        }
        Request::SwitchAccount {} => {
            warm_link::discard().await;
            match signin::switch_account(link_scope().await).await {
                Ok(account) => {
                    warm_link::replenish(); // signed in with that account: its first link ahead
                    Response::Account { account }
                }
                Err(problem) => Response::Failed { problem },
            }
        }
        Request::SignOut {} => {
            warm_link::discard().await;
            signin::sign_out().await;
            link_history::forget_last().await;
            Response::SignedOut
        }
        Request::GetSettings {} => settings_response(&storage::local_choices().await, &storage::managed_choices().await),
        Request::SaveSettings { changes } => {
            let managed = storage::managed_choices().await;
            // In turn: two quick changes (a title being typed, a box ticked) never overwrite each other.
            let stored = {
                let _turn = storage::turn().await;
                let stored = settings::apply(storage::local_choices().await, changes, &managed);
                storage::put_local_choices(&stored).await;
                stored
            };
            let response = settings_response(&stored, &managed);
            match &response {
                Response::Settings { settings, .. } if !settings.warm_link => warm_link::discard().await,
                _ => warm_link::replenish(), // on, or another kind of link now: have one ready
            }
            response
        }
        Request::RemoveHistory { url } => {
            link_history::edit(move |entries| crate::history::remove(entries, &url)).await;
            Response::Done
        }
        Request::ClearHistory {} => {
            link_history::edit(|_| Vec::new()).await;
            Response::Done
        }
        Request::CreateLink {} => triggers::popup().await.unwrap_or_else(|problem| Response::Failed { problem }),
        Request::Clip { url } => match MeetLink::parse(&url) {
            // With the history entry's title and numbers; a link no longer there, bare.
            Some(link) => {
                let (title, dial_in) = link_history::entry(&url).await.map_or((String::new(), None), |e| (e.title, e.dial_in));
                Response::Clip { clip: triggers::clip(&storage::settings().await, &link, &title, dial_in.as_ref()) }
            }
            None => Response::Rejected,
        },
        Request::OpenMeeting { kind, tab_id } => match meetings::open(kind, tab_id, 0, None).await {
            Ok(()) => Response::Done,
            Err(problem) => Response::Failed { problem },
        },
        Request::GetDraft { id } => meetings::get(&id).await,
        Request::ConfirmMeeting { meeting } => meetings::confirm(meeting).await,
        Request::CancelMeeting { id } => {
            meetings::cancel(&id).await;
            Response::Done
        }
    }
}

/// `runtime.onMessage`: checks the sender, decodes, answers. Never throws.
#[wasm_bindgen(js_name = onMessage)]
pub fn on_message(message: JsValue, sender: JsValue) -> Promise {
    // The sender first: a message from anywhere else is not even read. (Read by field name: the
    // MessageSender also carries the whole tab.)
    let sender: Sender = serde_wasm_bindgen::from_value(sender).unwrap_or_default();
    let request = is_own_page(&sender, &chrome::runtime_id(), &chrome::base_url()).then(|| decode(chrome::to_json(message))).flatten();
    future_to_promise(async move {
        Ok(match request {
            Some(request) => to_js(&handle(request).await),
            None => to_js(&Response::Rejected),
        })
    })
}

/// Every start of the worker, whatever woke it: read the administrator's policy again (in the
/// background: no action waits for it), and finish what a stopped instance left (in-flight actions
/// first, then placeholder deletes that are due).
#[wasm_bindgen(js_name = onWorkerStart)]
pub fn on_worker_start() -> Promise {
    wasm_bindgen_futures::spawn_local(async {
        storage::refresh_managed().await;
    });
    done(async {
        triggers::resume_orphans().await;
        action::retry_pending_deletes().await;
    })
}

/// `storage.onChanged` for the `managed` area: the administrator changed the policy.
#[wasm_bindgen(js_name = onManagedChanged)]
pub fn on_managed_changed() -> Promise {
    done(async {
        storage::refresh_managed().await;
    })
}

/// A context-menu item.
#[derive(Serialize)]
struct MenuItem {
    id: &'static str,
    title: String,
    contexts: &'static [&'static str],
}

/// "Invite people to a Meet…": in a field (a compose window's recipients) or on selected addresses.
const INVITE_ID: &str = "invite-meeting";
/// "Schedule a Meet at the selected time…".
const SCHEDULE_ID: &str = "schedule-meeting";

/// (Re)creates the context-menu items — removeAll first, so an update or a second call never fails
/// on a duplicate id.
async fn create_menu() {
    let _ = chrome::menus_remove_all().await;
    let items = [
        MenuItem { id: INSERT_ID, title: chrome::i18n("menuInsert"), contexts: &["editable"] },
        MenuItem { id: INVITE_ID, title: chrome::i18n("menuInvite"), contexts: &["editable", "selection"] },
        MenuItem { id: SCHEDULE_ID, title: chrome::i18n("menuSchedule"), contexts: &["selection"] },
    ];
    for item in items {
        if chrome::menus_create(&to_js(&item)).is_err() {
            chrome::warn("MeetLink: could not create a context menu item");
        }
    }
}

/// `runtime.onInstalled`: the context-menu item; after an update (which empties
/// `storage.session`), the first link made ready as at a browser start.
#[wasm_bindgen(js_name = onInstalled)]
pub fn on_installed(details: JsValue) -> Promise {
    let update = get_path(&details, &["reason"]).as_string().as_deref() == Some("update");
    done(async move {
        create_menu().await;
        if update {
            first_link_ready().await;
        }
    })
}

/// `runtime.onStartup` (the browser started): the context-menu item, and the first link made ready.
#[wasm_bindgen(js_name = onStartup)]
pub fn on_startup() -> Promise {
    done(async {
        create_menu().await;
        first_link_ready().await;
    })
}

/// Gets the first link of a browser session ready: a token asked for now, without any page (a web
/// sign-in's token does not outlive the browser; the silent flow renews it for the account kept),
/// and a link made ahead if the settings allow one. The link being made begins first and signs in
/// itself, so a trigger that comes during the sign-in or the request waits for that link rather
/// than making a second; with the warm link off, the token alone. The first trigger then waits for
/// one round trip at most, and for none when the link is ready.
async fn first_link_ready() {
    warm_link::replenish();
    let settings = storage::settings().await;
    if crate::warm::kind(&settings).is_none() {
        let _ = signin::get(false, crate::calendar::scope_for(settings.source)).await;
    }
}

/// `alarms.onAlarm`: the placeholder-cleanup and resume alarms.
#[wasm_bindgen(js_name = onAlarm)]
pub fn on_alarm(alarm: JsValue) -> Promise {
    let name = get_path(&alarm, &["name"]).as_string();
    done(async move {
        match name.as_deref() {
            Some(action::CLEANUP_ALARM) => action::retry_pending_deletes().await,
            Some(action::RESUME_ALARM) => triggers::resume_orphans().await,
            _ => {}
        }
    })
}

fn tab_id(tab: &JsValue) -> Option<i32> {
    get_path(tab, &["id"]).as_f64().filter(|id| *id >= 0.0).map(|id| id as i32)
}

/// `contextMenus.onClicked`: "Insert Meet link" in an editable field; "Invite…" and "Schedule…".
#[wasm_bindgen(js_name = onMenuClicked)]
pub fn on_menu_clicked(info: JsValue, tab: JsValue) -> Promise {
    let item = get_path(&info, &["menuItemId"]).as_string();
    let frame_id = get_path(&info, &["frameId"]).as_f64().unwrap_or(0.0).max(0.0) as i32;
    // The browser's copy of the selection, for a frame that cannot be scripted (capped as the page's).
    let selection = get_path(&info, &["selectionText"]).as_string().map(|s| s.chars().take(crate::meeting::MAX_PAGE_TEXT).collect());
    let tab = tab_id(&tab);
    let trigger = match tab {
        Some(tab_id) => Trigger::Menu { tab_id, frame_id },
        None => Trigger::Command { tab_id: None },
    };
    done(async move {
        let kind = match item.as_deref() {
            Some(INSERT_ID) => return triggers::in_page(trigger).await,
            Some(INVITE_ID) => Kind::Invite,
            Some(SCHEDULE_ID) => Kind::Schedule,
            _ => return,
        };
        if let Err(problem) = meetings::open(kind, tab, frame_id, selection).await {
            notices::tell(tab, crate::deliver::Notice::Failed(problem), None, storage::settings().await.notifications).await;
        }
    })
}

/// `commands.onCommand`: the "insert-meet-link" shortcut.
#[wasm_bindgen(js_name = onCommand)]
pub fn on_command(command: String, tab: JsValue) -> Promise {
    let trigger = Trigger::Command { tab_id: tab_id(&tab) };
    done(async move {
        if command == INSERT_ID {
            triggers::in_page(trigger).await;
        }
    })
}
