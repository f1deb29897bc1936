//! The few `chrome.*` and global functions the worker calls, as small extern blocks. wasm-bindgen
//! looks each one up at call time, which is also what lets the e2e tests replace
//! `chrome.identity.getAuthToken` from the worker (Debian's Chromium cannot mint Google tokens).

use crate::prelude::*;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};
use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["chrome", "identity"], js_name = getRedirectURL, catch)]
    pub fn get_redirect_url() -> Result<String, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "runtime"], js_name = getManifest)]
    pub fn get_manifest() -> JsValue;

    #[wasm_bindgen(js_namespace = ["chrome", "contextMenus"], js_name = create, catch)]
    pub fn menus_create(properties: &JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "i18n"], js_name = getMessage)]
    pub fn i18n(key: &str) -> String;

    #[wasm_bindgen(js_name = setTimeout)]
    pub fn set_timeout(callback: &JsValue, ms: i32) -> JsValue;

    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues)]
    fn get_random_values(buf: &mut [u8]);

    #[wasm_bindgen(js_namespace = console, js_name = warn)]
    pub fn warn(message: &str);
}

/// A `chrome.*` call in flight: its Promise, or what it threw when called. One future type for
/// every call — as `async fn` imports each had its own, with its own poll and drop code (−1.3 KB of wasm).
pub struct Call(Result<JsFuture, Option<JsValue>>);

impl Call {
    fn new(called: Result<js_sys::Promise, JsValue>) -> Self {
        Call(called.map(JsFuture::from).map_err(Some))
    }
}

impl Future for Call {
    type Output = Result<JsValue, JsValue>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match &mut self.0 {
            Ok(promise) => Pin::new(promise).poll(cx),
            Err(thrown) => Poll::Ready(Err(thrown.take().unwrap_or_default())),
        }
    }
}

/// Each line: the JavaScript function (`[namespace] name`) and the Rust one. The macro writes the
/// import (`catch`: a missing API throws when called) and a public `fn name(args) -> Call`, so each
/// call is declared once.
macro_rules! calls {
    ($($(#[$doc:meta])* [$($ns:tt),+] $js:ident => $name:ident($($arg:ident: $ty:ty),*);)*) => {
        mod promised {
            use wasm_bindgen::prelude::*;

            #[wasm_bindgen]
            extern "C" {
                $(
                    #[wasm_bindgen(js_namespace = [$($ns),+], js_name = $js, catch)]
                    pub fn $name($($arg: $ty),*) -> Result<js_sys::Promise, JsValue>;
                )*
            }
        }
        $(
            $(#[$doc])*
            pub fn $name($($arg: $ty),*) -> Call {
                Call::new(promised::$name($($arg),*))
            }
        )*
    };
}

calls! {
    ["chrome", "identity"] getAuthToken => get_auth_token(details: &JsValue);
    ["chrome", "identity"] removeCachedAuthToken => remove_cached_auth_token(details: &JsValue);
    ["chrome", "identity"] launchWebAuthFlow => launch_web_auth_flow(details: &JsValue);
    /// `keys`: a key, or `null` for everything.
    ["chrome", "storage", "session"] get => session_get(keys: &JsValue);
    ["chrome", "storage", "session"] set => session_set(items: &JsValue);
    ["chrome", "storage", "session"] remove => session_remove(key: &str);
    ["chrome", "storage", "local"] get => local_get(key: &str);
    ["chrome", "storage", "local"] set => local_set(items: &JsValue);
    ["chrome", "storage", "local"] remove => local_remove(key: &str);
    /// Everything an administrator set (`storage.managed_schema`); rejects where no policy exists.
    ["chrome", "storage", "managed"] get => managed_get();
    ["chrome", "alarms"] create => alarms_create(name: &str, info: &JsValue);
    ["chrome", "alarms"] clear => alarms_clear(name: &str);
    ["chrome", "runtime"] sendMessage => send_message(message: &JsValue);
    ["chrome", "scripting"] executeScript => execute_script(injection: &JsValue);
    ["chrome", "contextMenus"] removeAll => menus_remove_all();
    ["chrome", "action"] setBadgeText => set_badge_text(details: &JsValue);
    ["chrome", "action"] setBadgeBackgroundColor => set_badge_color(details: &JsValue);
    ["chrome", "action"] setTitle => set_title(details: &JsValue);
    ["chrome", "notifications"] create => notify(id: &str, options: &JsValue);
    ["chrome", "offscreen"] createDocument => create_offscreen(parameters: &JsValue);
    /// Firefox's background page has a clipboard of its own (no offscreen documents there).
    ["navigator", "clipboard"] writeText => clipboard_write_text(text: &str);
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

/// Stores `value` under `key` in `storage.session`.
pub fn session_put<T: crate::json::ToJson + ?Sized>(key: &str, value: &T) -> Call {
    session_set(&entry(key, &value.to_json()))
}

/// Stores `value` under `key` in `storage.local`.
pub fn local_put<T: crate::json::ToJson + ?Sized>(key: &str, value: &T) -> Call {
    local_set(&entry(key, &value.to_json()))
}

/// `{key: value}`, the value through `JSON.parse` (the generic wrappers above stay one line).
fn entry(key: &str, value: &crate::json::Json) -> JsValue {
    object(&[(key, super::json_to_js(value))])
}

/// Sets alarm `name` to fire at `when_ms` (epoch milliseconds).
pub fn alarm_at(name: &str, when_ms: f64) -> Call {
    alarms_create(name, &object(&[("when", when_ms.into())]))
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
    let _ = JsFuture::from(p).await;
}

/// The message of a thrown JS value (`Error.message`, or the value as a string).
pub fn error_message(e: &JsValue) -> String {
    get_path(e, &["message"]).as_string().or_else(|| e.as_string()).unwrap_or_default()
}
