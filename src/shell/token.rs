//! Where tokens come from: a provider chain. `chrome.identity.getAuthToken` first where it works
//! (Google Chrome, signed in); when it fails because it is not available here (Chromium, Edge,
//! Brave, Vivaldi, Opera, Firefox, incognito, no Chrome client) — or the user chose another account —
//! the web flow through `chrome.identity.launchWebAuthFlow`, with the token, its expiry and the
//! account kept in `chrome.storage.session` only. Only a user gesture may show Google's pages.

use crate::prelude::*;
use alloc::vec;
use super::chrome::{self, error_message, get_auth_token, get_manifest, get_path, object, remove_cached_auth_token};
use super::{from_js, http};
use crate::auth::{account_key, authorization_url, classify_flow_error, parse_redirect, Account, AccountChoice, Prompt, Via, WebSession};
use crate::calendar::SCOPE;
use crate::endpoints::Endpoints;
use crate::errors::{classify_token_error, Problem};
use crate::json::Json;
use wasm_bindgen::JsValue;

const WEB_SESSION: &str = "webSession";
const CHOICE: &str = "account";

/// The OAuth client ID of type "Web application" for the web flow, given at build time
/// (`MEETLINK_WEB_CLIENT_ID`; README "Google Cloud set-up").
const WEB_CLIENT_ID: Option<&str> = option_env!("MEETLINK_WEB_CLIENT_ID");

/// A token and its path.
#[derive(Debug, Clone)]
pub struct Token {
    /// The access token. Never leaves the worker.
    pub value: String,
    /// Its path.
    pub via: Via,
    /// The API scope it was asked for.
    pub scope: &'static str,
    /// Whose it is ([`account_key`]).
    pub account: String,
}

impl Token {
    fn new(value: String, via: Via, scope: &'static str, email: Option<&str>) -> Self {
        Token { value, via, scope, account: account_key(via, email) }
    }
}

fn chrome_client() -> bool {
    get_path(&get_manifest(), &["oauth2", "client_id"]).as_string().is_some_and(|s| !s.trim_ascii().is_empty())
}

fn web_client() -> Option<&'static str> {
    WEB_CLIENT_ID.filter(|c| !c.trim_ascii().is_empty())
}

/// True when the build has at least one OAuth client.
pub fn configured() -> bool {
    chrome_client() || web_client().is_some()
}

async fn choice() -> AccountChoice {
    from_js(&chrome::local_value(CHOICE).await).unwrap_or_default()
}

async fn web_session() -> Option<WebSession> {
    from_js(&chrome::session_value(WEB_SESSION).await)
}

async fn chrome_token(interactive: bool, scope: &str) -> Result<String, Problem> {
    if !chrome::has_function("identity", "getAuthToken") {
        return Err(Problem::SignInUnavailable);
    }
    let details = object(&[
        ("interactive", interactive.into()),
        ("scopes", js_sys::Array::of1(&scope.into()).into()),
        ("enableGranularPermissions", true.into()),
    ]);
    let result = get_auth_token(&details).await.map_err(|e| classify_token_error(&error_message(&e)))?;
    // Promise form: {token, grantedScopes}; a bare string from older callback-style shims.
    let token = result.as_string().or_else(|| get_path(&result, &["token"]).as_string());
    let granted = get_path(&result, &["grantedScopes"]);
    if js_sys::Array::is_array(&granted) && !js_sys::Array::from(&granted).includes(&scope.into(), 0) {
        // Granular consent: signed in, but the Calendar box was left unticked.
        return Err(Problem::ScopeRefused);
    }
    token.filter(|t| !t.is_empty()).ok_or(Problem::NotSignedIn)
}

/// A token for `scope` (Calendar, or Meet for spaces). `interactive` only for a user gesture.
pub async fn get(interactive: bool, scope: &'static str) -> Result<Token, Problem> {
    if !configured() {
        return Err(Problem::NoClientConfigured);
    }
    if chrome_client() && !choice().await.web {
        match chrome_token(interactive, scope).await {
            Ok(value) => return Ok(Token::new(value, Via::Chrome, scope, None)),
            // Not available here: the web flow takes over, if this build has its client.
            Err(Problem::SignInUnavailable | Problem::NoClientConfigured) if web_client().is_some() => {}
            Err(p) => return Err(p),
        }
    }
    if web_client().is_none() {
        return Err(Problem::SignInUnavailable);
    }
    web_token(interactive, scope).await
}

async fn web_token(interactive: bool, scope: &'static str) -> Result<Token, Problem> {
    let session = web_session().await;
    if let Some(s) = session.as_ref().filter(|s| !s.needs_renewal(chrome::now_ms()) && s.covers(scope)) {
        return Ok(Token::new(s.token.clone(), Via::Web, scope, s.email.as_deref()));
    }
    // Expired, about to, or without this scope: try without any page, for the account we have.
    if let Some(login_hint) = session.and_then(|s| s.email) {
        match web_flow(false, Prompt::Silent { login_hint }, scope).await {
            Ok(t) => return Ok(t),
            Err(p) if !interactive => return Err(p),
            Err(_) => {}
        }
    }
    if !interactive {
        return Err(Problem::NotSignedIn);
    }
    web_flow(true, Prompt::Interactive, scope).await
}

/// One run of `launchWebAuthFlow` for `scope`; stores the session on success.
async fn web_flow(interactive: bool, prompt: Prompt, scope: &'static str) -> Result<Token, Problem> {
    let client = web_client().ok_or(Problem::SignInUnavailable)?;
    if !chrome::has_function("identity", "launchWebAuthFlow") {
        return Err(Problem::SignInUnavailable);
    }
    let redirect = chrome::get_redirect_url().map_err(|e| classify_flow_error(&error_message(&e)))?;
    let state = chrome::random_hex(16);
    let url = authorization_url(&Endpoints::for_build().auth, client, &redirect, &state, &prompt, scope);
    let mut details = vec![("url", JsValue::from(url)), ("interactive", interactive.into())];
    if !interactive {
        // Google may bounce through a page or two before redirecting (google-apis.md §4.4).
        details.push(("abortOnLoadForNonInteractive", false.into()));
        details.push(("timeoutMsForNonInteractive", 10_000.into()));
    }
    let answer = chrome::launch_web_auth_flow(&object(&details)).await.map_err(|e| classify_flow_error(&error_message(&e)))?;
    let mut granted = parse_redirect(&answer.as_string().unwrap_or_default(), &state)?;
    if granted.scopes.is_empty() {
        granted.scopes.push(scope.into()); // no `scope` in the answer: what was asked was granted
    } else if !granted.scopes.iter().any(|s| s == scope) {
        return Err(Problem::ScopeRefused);
    }
    let email = email_of(&granted.access_token).await;
    let token = Token::new(granted.access_token.clone(), Via::Web, scope, email.as_deref());
    let session = WebSession::new(&granted, chrome::now_ms(), email);
    let _ = chrome::session_put(WEB_SESSION, &session).await;
    Ok(token)
}

/// The account's e-mail, from tokeninfo (the web flow asks for `openid email` for this).
async fn email_of(token: &str) -> Option<String> {
    let (status, body) = http::post_form(&Endpoints::for_build().tokeninfo, &crate::text::concat(&["access_token=", token])).await?;
    if status != 200 {
        return None;
    }
    Some(Json::parse(&body)?.get("email")?.as_str()?.to_owned())
}

/// After a 401: drop the token and get a fresh one without any page.
pub async fn renew(stale: &Token) -> Result<Token, Problem> {
    match stale.via {
        Via::Chrome => {
            let _ = remove_cached_auth_token(&object(&[("token", JsValue::from_str(&stale.value))])).await;
            chrome_token(false, stale.scope).await.map(|value| Token::new(value, Via::Chrome, stale.scope, None))
        }
        Via::Web => {
            let _ = chrome::session_remove(WEB_SESSION).await;
            web_token(false, stale.scope).await
        }
    }
}

/// The web sign-in's account e-mail, if any (the Chrome path does not ask for it).
pub async fn email() -> Option<String> {
    web_session().await.and_then(|s| s.email)
}

/// Who links are made as (asking for `scope`, the one the link source needs), without any prompt
/// or network request.
pub async fn account(scope: &str) -> Option<Account> {
    let choice = choice().await;
    if let Some(s) = web_session().await {
        return Some(Account { via: Via::Web, email: s.email });
    }
    // Signed in through Chrome only if Chrome hands out a token without asking (no network: cached).
    if chrome_client() && !choice.web && chrome_token(false, scope).await.is_ok() {
        return Some(Account { via: Via::Chrome, email: None });
    }
    None
}

/// "Use another account": Google's account chooser, then that account for every link.
pub async fn switch_account(scope: &'static str) -> Result<Account, Problem> {
    super::action::discard_warm().await;
    web_flow(true, Prompt::ChooseAccount, scope).await?;
    let mut c = choice().await;
    c.web = true;
    let _ = chrome::local_put(CHOICE, &c).await;
    Ok(account(scope).await.unwrap_or(Account { via: Via::Web, email: None }))
}

/// "Sign out": revoke at Google, drop Chrome's cached token, forget the session's token and link and
/// the account choice. (An action still in flight keeps its record and finishes or fails on its own.)
pub async fn sign_out() {
    super::action::discard_warm().await;
    let revoke = Endpoints::for_build().revoke;
    if let Some(s) = web_session().await {
        let _ = http::post_form(&revoke, &crate::text::concat(&["token=", &s.token])).await;
    }
    if chrome_client() {
        if let Ok(t) = chrome_token(false, SCOPE).await {
            let _ = http::post_form(&revoke, &crate::text::concat(&["token=", &t])).await;
            let _ = remove_cached_auth_token(&object(&[("token", JsValue::from_str(&t))])).await;
        }
    }
    let _ = chrome::session_remove(WEB_SESSION).await;
    let _ = chrome::session_remove(super::action::LAST_LINK).await;
    let _ = chrome::local_remove(CHOICE).await;
}
