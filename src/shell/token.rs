//! The OAuth token, from `chrome.identity.getAuthToken`. Chrome caches it and renews it; MeetLink
//! keeps no copy beyond the action that uses it, and never lets it leave the worker.

use super::chrome::{error_message, get_auth_token, get_manifest, get_path, object, remove_cached_auth_token};
use crate::calendar::SCOPE;
use crate::errors::{classify_token_error, Problem};
use wasm_bindgen::JsValue;

/// True when the build's manifest carries an OAuth client id.
pub fn configured() -> bool {
    get_path(&get_manifest(), &["oauth2", "client_id"]).as_string().is_some_and(|s| !s.trim().is_empty())
}

/// A token for the Calendar scope. `interactive` only for a user gesture: Chrome then signs in or
/// asks for consent if it must, and otherwise answers from its cache without a window.
pub async fn get(interactive: bool) -> Result<String, Problem> {
    if !configured() {
        return Err(Problem::NoClientConfigured);
    }
    let scopes = js_sys::Array::of1(&SCOPE.into());
    let details = object(&[
        ("interactive", interactive.into()),
        ("scopes", scopes.into()),
        ("enableGranularPermissions", true.into()),
    ]);
    let result = get_auth_token(&details).await.map_err(|e| classify_token_error(&error_message(&e)))?;
    // Promise form: {token, grantedScopes}; a bare string from older callback-style shims.
    let token = result.as_string().or_else(|| get_path(&result, &["token"]).as_string());
    let granted = get_path(&result, &["grantedScopes"]);
    if js_sys::Array::is_array(&granted) && !js_sys::Array::from(&granted).includes(&SCOPE.into(), 0) {
        // Granular consent: signed in, but the Calendar box was left unticked.
        return Err(Problem::ScopeRefused);
    }
    token.filter(|t| !t.is_empty()).ok_or(Problem::NotSignedIn)
}

/// After a 401: drop `stale` from Chrome's cache and get a fresh token without prompting.
pub async fn renew(stale: &str) -> Result<String, Problem> {
    let _ = remove_cached_auth_token(&object(&[("token", JsValue::from_str(stale))])).await;
    get(false).await
}
