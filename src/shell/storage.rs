//! Extension storage, typed: `storage.session` (cleared with the browser: the action in flight, the
//! web sign-in, the last and the warm link), `storage.local` (kept: settings, history, pending
//! deletes, the account choice, the last policy read) and `storage.managed` (an administrator's
//! settings). Values cross through serde-wasm-bindgen; records are read back one by one
//! (`crate::stored`).
//!
//! Read-modify-write of stored data takes [`turn`]: one at a time, so two concurrent actions (two
//! tabs, a trigger and the warm link) never overwrite each other's changes within this worker.

use super::chrome::{self, from_js, get_path, to_js, to_json};
use crate::settings::{self, Choices, Settings};
use async_lock::{Mutex, MutexGuard};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};

/// One of the two storage areas MeetLink writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// `chrome.storage.session`.
    Session,
    /// `chrome.storage.local`.
    Local,
}

/// The stored value under `key`, as JSON data (`null` if absent or unreadable).
pub async fn get_json(area: Area, key: &str) -> serde_json::Value {
    let all = match area {
        Area::Session => chrome::session_get(&key.into()).await,
        Area::Local => chrome::local_get(&key.into()).await,
    };
    to_json(get_path(&all.unwrap_or_default(), &[key]))
}

/// The stored value under `key`, if it reads as a `T`.
pub async fn get<T: DeserializeOwned>(area: Area, key: &str) -> Option<T> {
    crate::stored::one(get_json(area, key).await)
}

/// The stored list under `key`: every entry that reads as a `T` (the others are dropped).
pub async fn get_each<T: DeserializeOwned>(area: Area, key: &str) -> Vec<T> {
    crate::stored::each(get_json(area, key).await)
}

/// Stores `value` under `key`. A failed write is logged: the caller goes on (the link is never held
/// back by bookkeeping).
pub async fn put<T: Serialize + ?Sized>(area: Area, key: &str, value: &T) {
    let items = chrome::object(&[(key, to_js(value))]);
    let written = match area {
        Area::Session => chrome::session_set(&items).await,
        Area::Local => chrome::local_set(&items).await,
    };
    if let Err(e) = written {
        chrome::warn(&format!("MeetLink: could not store {key}: {}", chrome::error_message(&e)));
    }
}

/// Removes `key`.
pub async fn remove(area: Area, key: &str) {
    let _ = match area {
        Area::Session => chrome::session_remove(key).await,
        Area::Local => chrome::local_remove(key).await,
    };
}

/// Every key of `storage.session` with its value.
pub async fn session_all() -> Vec<(String, JsValue)> {
    let all = chrome::session_get(&JsValue::NULL).await.unwrap_or_default();
    let Some(object) = all.dyn_ref::<js_sys::Object>() else { return Vec::new() };
    js_sys::Object::keys(object)
        .iter()
        .filter_map(|k| k.as_string())
        .map(|k| {
            let value = get_path(&all, &[&k]);
            (k, value)
        })
        .collect()
}

/// The turn to read-modify-write stored data.
static TURN: Mutex<()> = Mutex::new(());

/// Waits for the turn; it passes on when the guard is dropped.
pub async fn turn() -> MutexGuard<'static, ()> {
    TURN.lock().await
}

/// Storage key of the user's choices (`storage.local`).
const SETTINGS: &str = "settings";

/// The user's stored choices; anything malformed means none.
pub async fn local_choices() -> Choices {
    get(Area::Local, SETTINGS).await.unwrap_or_default()
}

/// Stores the user's choices.
pub async fn put_local_choices(choices: &Choices) {
    put(Area::Local, SETTINGS, choices).await;
}

/// Storage key of the last administrator policy read (`storage.local`).
const MANAGED: &str = "managedPolicy";

/// The administrator's settings as the browser has them now (none where managed storage is
/// unavailable or empty). Slow just after the browser starts — the first read in a fresh Chromium
/// 156 took 3.0–4.9 s while every other storage call took under 6 ms — so no trigger waits for it
/// unless no policy was ever read (`managed_choices`).
async fn read_managed() -> Choices {
    chrome::managed_get().await.ok().and_then(from_js).unwrap_or_default()
}

/// The administrator's settings: the last policy read, kept in `storage.local` and read again in
/// the background at every worker start and whenever the browser says it changed
/// ([`refresh_managed`]). Only when no policy was ever kept (the first action after install, or a
/// kept one that does not read) is the policy read now, and the action waits for it.
pub async fn managed_choices() -> Choices {
    kept_or_read(get(Area::Local, MANAGED).await).await
}

/// The kept policy, or — none kept, or one that does not read — the policy read now.
async fn kept_or_read(kept: Option<Choices>) -> Choices {
    match kept {
        Some(policy) => policy,
        None => refresh_managed().await,
    }
}

/// Reads the policy from the browser and keeps it for [`managed_choices`]; returns it.
pub async fn refresh_managed() -> Choices {
    let policy = read_managed().await;
    if get::<Choices>(Area::Local, MANAGED).await.as_ref() != Some(&policy) {
        put(Area::Local, MANAGED, &policy).await;
    }
    policy
}

/// The settings in effect now: the user's choices and the kept policy, in one read of
/// `storage.local` (every trigger starts with this).
pub async fn settings() -> Settings {
    let keys = js_sys::Array::of2(&SETTINGS.into(), &MANAGED.into());
    let both = chrome::local_get(&keys).await.unwrap_or_default();
    let local: Choices = from_js(get_path(&both, &[SETTINGS])).unwrap_or_default();
    let managed = kept_or_read(from_js(get_path(&both, &[MANAGED]))).await;
    settings::resolve(&local, &managed)
}
