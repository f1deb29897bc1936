//! The few `chrome.*` and global functions the worker calls, as small extern blocks. wasm-bindgen
//! looks each one up at call time, which is also what lets the e2e tests replace
//! `chrome.identity.getAuthToken` from the worker (Debian's Chromium cannot mint Google tokens).

use crate::prelude::*;
use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["chrome", "identity"], js_name = getAuthToken, catch)]
    pub async fn get_auth_token(details: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "identity"], js_name = removeCachedAuthToken, catch)]
    pub async fn remove_cached_auth_token(details: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "identity"], js_name = launchWebAuthFlow, catch)]
    pub async fn launch_web_auth_flow(details: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "identity"], js_name = getRedirectURL, catch)]
    pub fn get_redirect_url() -> Result<String, JsValue>;

    /// `keys`: a key, or `null` for everything.
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "session"], js_name = get, catch)]
    pub async fn session_get(keys: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "session"], js_name = set, catch)]
    pub async fn session_set(items: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "session"], js_name = remove, catch)]
    pub async fn session_remove(key: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "local"], js_name = get, catch)]
    pub async fn local_get(key: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "local"], js_name = set, catch)]
    pub async fn local_set(items: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "local"], js_name = remove, catch)]
    pub async fn local_remove(key: &str) -> Result<JsValue, JsValue>;
    /// Everything an administrator set (`storage.managed_schema`); rejects where no policy exists.
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "managed"], js_name = get, catch)]
    pub async fn managed_get() -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "alarms"], js_name = create, catch)]
    pub async fn alarms_create(name: &str, info: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "alarms"], js_name = clear, catch)]
    pub async fn alarms_clear(name: &str) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "runtime"], js_name = getManifest)]
    pub fn get_manifest() -> JsValue;
    #[wasm_bindgen(js_namespace = ["chrome", "runtime"], js_name = sendMessage, catch)]
    pub async fn send_message(message: &JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "scripting"], js_name = executeScript, catch)]
    pub async fn execute_script(injection: &JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "contextMenus"], js_name = removeAll, catch)]
    pub async fn menus_remove_all() -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "contextMenus"], js_name = create, catch)]
    pub fn menus_create(properties: &JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "action"], js_name = setBadgeText, catch)]
    pub async fn set_badge_text(details: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "action"], js_name = setBadgeBackgroundColor, catch)]
    pub async fn set_badge_color(details: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "action"], js_name = setTitle, catch)]
    pub async fn set_title(details: &JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "notifications"], js_name = create, catch)]
    pub async fn notify(id: &str, options: &JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "offscreen"], js_name = createDocument, catch)]
    pub async fn create_offscreen(parameters: &JsValue) -> Result<JsValue, JsValue>;

    /// Firefox's background page has a clipboard of its own (no offscreen documents there).
    #[wasm_bindgen(js_namespace = ["navigator", "clipboard"], js_name = writeText, catch)]
    pub async fn clipboard_write_text(text: &str) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "i18n"], js_name = getMessage)]
    pub fn i18n(key: &str) -> String;

    #[wasm_bindgen(js_name = setTimeout)]
    pub fn set_timeout(callback: &JsValue, ms: i32) -> JsValue;

    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues)]
    fn get_random_values(buf: &mut [u8]);

    #[wasm_bindgen(js_namespace = console, js_name = warn)]
    pub fn warn(message: &str);
}

/// True when `chrome.<namespace>.<name>` is a function in this browser (Edge, Brave, Firefox and
/// others lack some of `chrome.identity`); calling a missing one would throw outside `catch`.
pub fn has_function(namespace: &str, name: &str) -> bool {
    get_path(&js_sys::global(), &["chrome", namespace, name]).is_function()
}

/// `chrome.runtime.id`.
pub fn runtime_id() -> String {
    get_path(&js_sys::global(), &["chrome", "runtime", "id"]).as_string().unwrap_or_default()
}

/// `obj[key]` for a path of keys; `undefined` when any step is missing.
pub fn get_path(obj: &JsValue, path: &[&str]) -> JsValue {
    path.iter().fold(obj.clone(), |v, k| if v.is_object() { Reflect::get(&v, &(*k).into()).unwrap_or_default() } else { JsValue::UNDEFINED })
}

/// A plain object `{key: value}`.
pub fn object(entries: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in entries {
        let _ = Reflect::set(&o, &(*k).into(), v);
    }
    o.into()
}

/// `storage.session[key]`, `undefined` if absent or unreadable.
pub async fn session_value(key: &str) -> JsValue {
    get_path(&session_get(&key.into()).await.unwrap_or_default(), &[key])
}

/// `storage.local[key]`, `undefined` if absent or unreadable.
pub async fn local_value(key: &str) -> JsValue {
    get_path(&local_get(key).await.unwrap_or_default(), &[key])
}

/// Random hex (from `crypto.getRandomValues`), `2 * bytes` characters.
pub fn random_hex(bytes: usize) -> String {
    crate::ids::hex(&random32()[..bytes.min(32)], &[])
}

/// 32 bytes from `crypto.getRandomValues`.
pub fn random32() -> [u8; 32] {
    let mut b = [0u8; 32];
    get_random_values(&mut b);
    b
}

/// Milliseconds since the epoch.
pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// The user's IANA time zone, from `Intl` (falls back to UTC).
pub fn time_zone() -> String {
    let f = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &Object::new());
    get_path(&f.resolved_options().into(), &["timeZone"]).as_string().unwrap_or_else(|| "UTC".into())
}

/// Resolves after `ms` milliseconds.
pub async fn sleep(ms: u64) {
    if ms == 0 {
        return;
    }
    let p = js_sys::Promise::new(&mut |resolve, _| {
        set_timeout(&resolve, ms.min(i32::MAX as u64) as i32);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(p).await;
}

/// The message of a thrown JS value (`Error.message`, or the value as a string).
pub fn error_message(e: &JsValue) -> String {
    get_path(e, &["message"]).as_string().or_else(|| e.as_string()).unwrap_or_default()
}
