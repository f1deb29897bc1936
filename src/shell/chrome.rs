//! The `chrome.*` and global functions the worker calls, as small extern blocks, and the crossing of
//! values into and out of JavaScript. wasm-bindgen looks each function up at call time, which is also
//! what lets the e2e tests replace `chrome.identity.getAuthToken` from the worker (Debian's Chromium
//! cannot mint Google tokens). Every promise-returning call is `catch`: an API this browser lacks
//! (Firefox has no `offscreen`, Edge no `getAuthToken`) rejects instead of throwing.
//!
//! Nothing here decides anything; it is the one place that knows how a call is spelt.

use js_sys::{Object, Reflect};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// Both clipboard types at once (`extension/clip.js`); Firefox's background page uses it directly.
#[wasm_bindgen(module = "/extension/clip.js")]
extern "C" {
    /// Resolves to `true` when written.
    #[wasm_bindgen(js_name = copyBoth)]
    pub async fn copy_both(text: &str, html: &str) -> JsValue;
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = ["chrome", "identity"], js_name = getAuthToken)]
    pub async fn get_auth_token(details: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "identity"], js_name = removeCachedAuthToken)]
    pub async fn remove_cached_auth_token(details: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "identity"], js_name = launchWebAuthFlow)]
    pub async fn launch_web_auth_flow(details: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "identity"], js_name = getRedirectURL)]
    pub fn get_redirect_url() -> Result<String, JsValue>;

    /// `keys`: a key, or `null` for everything.
    #[wasm_bindgen(catch, js_namespace = ["chrome", "storage", "session"], js_name = get)]
    pub async fn session_get(keys: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "storage", "session"], js_name = set)]
    pub async fn session_set(items: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "storage", "session"], js_name = remove)]
    pub async fn session_remove(key: &str) -> Result<JsValue, JsValue>;
    /// `keys`: a key, or an array of keys.
    #[wasm_bindgen(catch, js_namespace = ["chrome", "storage", "local"], js_name = get)]
    pub async fn local_get(keys: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "storage", "local"], js_name = set)]
    pub async fn local_set(items: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "storage", "local"], js_name = remove)]
    pub async fn local_remove(key: &str) -> Result<JsValue, JsValue>;
    /// Everything an administrator set (`storage.managed_schema`); rejects where no policy exists.
    #[wasm_bindgen(catch, js_namespace = ["chrome", "storage", "managed"], js_name = get)]
    pub async fn managed_get() -> Result<JsValue, JsValue>;

    #[wasm_bindgen(catch, js_namespace = ["chrome", "alarms"], js_name = create)]
    pub async fn alarms_create(name: &str, info: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "alarms"], js_name = clear)]
    pub async fn alarms_clear(name: &str) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(catch, js_namespace = ["chrome", "runtime"], js_name = sendMessage)]
    pub async fn send_message(message: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "runtime"], js_name = getManifest)]
    pub fn get_manifest() -> JsValue;
    #[wasm_bindgen(js_namespace = ["chrome", "runtime"], js_name = getURL)]
    fn get_url(path: &str) -> String;

    #[wasm_bindgen(catch, js_namespace = ["chrome", "scripting"], js_name = executeScript)]
    pub async fn execute_script(injection: &JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(catch, js_namespace = ["chrome", "windows"], js_name = create)]
    pub async fn windows_create(details: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "windows"], js_name = get)]
    pub async fn windows_get(window_id: i32) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(catch, js_namespace = ["chrome", "contextMenus"], js_name = removeAll)]
    pub async fn menus_remove_all() -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "contextMenus"], js_name = create)]
    pub fn menus_create(properties: &JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(catch, js_namespace = ["chrome", "action"], js_name = setBadgeText)]
    pub async fn set_badge_text(details: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "action"], js_name = setBadgeBackgroundColor)]
    pub async fn set_badge_color(details: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "action"], js_name = setTitle)]
    pub async fn set_title(details: &JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(catch, js_namespace = ["chrome", "notifications"], js_name = create)]
    pub async fn notify(id: &str, options: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["chrome", "offscreen"], js_name = createDocument)]
    pub async fn create_offscreen(parameters: &JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "i18n"], js_name = getMessage)]
    pub fn i18n(key: &str) -> String;

    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &js_sys::Function, ms: i32) -> JsValue;

    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues)]
    fn get_random_values(buf: &mut [u8]);

    #[wasm_bindgen(js_namespace = console, js_name = warn)]
    pub fn warn(message: &str);
}

/// A value for JavaScript, through serde-wasm-bindgen's JSON-compatible serializer: plain objects
/// (not `Map`s), `null` for `None`, so storage and the pages get ordinary JSON data.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).unwrap_or(JsValue::NULL)
}

/// A JavaScript value as JSON data (`null` for `undefined`). Read whole, so a record's
/// `deny_unknown_fields` sees every key (see `crate::stored`).
pub fn to_json(value: JsValue) -> serde_json::Value {
    serde_wasm_bindgen::from_value(value).unwrap_or(serde_json::Value::Null)
}

/// A JavaScript value as a `T`; `None` for anything malformed or absent.
pub fn from_js<T: DeserializeOwned>(value: JsValue) -> Option<T> {
    crate::stored::one(to_json(value))
}

/// True when `chrome.<namespace>.<name>` is a function in this browser (Edge, Brave, Firefox and
/// others lack some of `chrome.identity`).
pub fn has_function(namespace: &str, name: &str) -> bool {
    get_path(&js_sys::global(), &["chrome", namespace, name]).is_function()
}

/// `chrome.runtime.id`.
pub fn runtime_id() -> String {
    get_path(&js_sys::global(), &["chrome", "runtime", "id"]).as_string().unwrap_or_default()
}

/// `chrome.runtime.getURL("")`: `chrome-extension://<id>/`, or `moz-extension://<uuid>/` in Firefox.
pub fn base_url() -> String {
    get_url("")
}

/// `obj[key]` for a path of keys; `undefined` when any step is missing.
pub fn get_path(obj: &JsValue, path: &[&str]) -> JsValue {
    path.iter().fold(obj.clone(), |v, k| if v.is_object() { Reflect::get(&v, &(*k).into()).unwrap_or_default() } else { JsValue::UNDEFINED })
}

/// A plain object `{key: value}` for values that are JavaScript already (a function, an array of
/// them); plain data goes through [`to_js`].
pub fn object(entries: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in entries {
        let _ = Reflect::set(&o, &(*k).into(), v);
    }
    o.into()
}

/// Random bytes from `crypto.getRandomValues`.
pub fn random<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    get_random_values(&mut b);
    b
}

/// A random nonce (128 bits, hex).
pub fn nonce() -> String {
    random::<16>().iter().map(|b| format!("{b:02x}")).collect()
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

/// A time zone as the browser keeps it: the user's (the offsets `Date` applies — the zone
/// [`time_zone`] names, with its daylight-saving rules), or one a phrase named, by its IANA name
/// (`Intl.DateTimeFormat` with `timeZoneName: "longOffset"`, which says "GMT+05:30" at an instant).
pub struct BrowserZone(Option<js_sys::Intl::DateTimeFormat>);

impl BrowserZone {
    /// The user's zone.
    pub const USER: BrowserZone = BrowserZone(None);
}

impl crate::schedule::Zone for BrowserZone {
    fn offset_at(&self, instant: time::OffsetDateTime) -> time::UtcOffset {
        let date = js_sys::Date::new(&JsValue::from_f64((instant.unix_timestamp() as f64) * 1000.0));
        let minutes = match &self.0 {
            // getTimezoneOffset is UTC minus local, in minutes.
            None => -date.get_timezone_offset() as i32,
            Some(format) => {
                let parts = format.format_to_parts(&date);
                let name = parts.iter().find(|p| get_path(p, &["type"]).as_string().as_deref() == Some("timeZoneName"));
                name.and_then(|p| get_path(&p, &["value"]).as_string()).and_then(|v| gmt_offset(&v)).unwrap_or(0)
            }
        };
        time::UtcOffset::from_whole_seconds(minutes * 60).unwrap_or(time::UtcOffset::UTC)
    }

    fn named(&self, iana: &str) -> Option<Self> {
        let options = Object::new();
        Reflect::set(&options, &"timeZone".into(), &iana.into()).ok()?;
        Reflect::set(&options, &"timeZoneName".into(), &"longOffset".into()).ok()?;
        // A zone this browser does not know throws a RangeError: a refusal, not a crash.
        let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
        let constructor: js_sys::Function = Reflect::get(&intl, &"DateTimeFormat".into()).ok()?.dyn_into().ok()?;
        let format = Reflect::construct(&constructor, &js_sys::Array::of2(&"en-US".into(), &options)).ok()?;
        Some(BrowserZone(Some(format.unchecked_into())))
    }
}

/// "GMT+05:30", "GMT-8", "GMT" → minutes east of UTC.
fn gmt_offset(name: &str) -> Option<i32> {
    let rest = name.strip_prefix("GMT").or_else(|| name.strip_prefix("UTC"))?;
    if rest.is_empty() {
        return Some(0);
    }
    let sign = if rest.starts_with('-') || rest.starts_with('\u{2212}') { -1 } else { 1 };
    let digits = rest.trim_start_matches(['+', '-', '\u{2212}']);
    let (h, m) = digits.split_once(':').unwrap_or((digits, "0"));
    Some(sign * (h.parse::<i32>().ok()? * 60 + m.parse::<i32>().ok()?))
}

/// Now, as an instant.
pub fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp((now_ms() / 1000) as i64).unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
}

/// A promise that resolves (to `undefined`) after `ms` milliseconds.
pub fn timer(ms: u64) -> js_sys::Promise {
    js_sys::Promise::new(&mut |resolve, _| {
        set_timeout(&resolve, ms.min(i32::MAX as u64) as i32);
    })
}

/// Resolves after `ms` milliseconds.
pub async fn sleep(ms: u64) {
    if ms > 0 {
        let _ = JsFuture::from(timer(ms)).await;
    }
}

/// The message of a thrown JS value (`Error.message`, or the value as a string).
pub fn error_message(e: &JsValue) -> String {
    get_path(e, &["message"]).as_string().or_else(|| e.as_string()).unwrap_or_default()
}
