//! Where tokens come from: a provider chain. `chrome.identity.getAuthToken` first where it works
//! (Google Chrome, signed in); when it fails because it is not available here (Chromium, Edge,
//! Brave, Vivaldi, Opera, Firefox, incognito, no Chrome client) — or the user chose another account —
//! the web flow through `chrome.identity.launchWebAuthFlow`, with the token, its expiry and the
//! account kept in `chrome.storage.session` only. Only a user gesture may show Google's pages.

use super::chrome::{self, error_message, get_auth_token, get_manifest, get_path, remove_cached_auth_token, to_js};
use super::http;
use super::storage::{self, Area};
use crate::auth::{account_key, authorization_url, classify_flow_error, form, is_gecko, parse_redirect, sendable_token, Account, AccountChoice, Prompt, Via, WebSession};
use crate::calendar::{MEET_SCOPE, SCOPE};
use crate::endpoints::Endpoints;
use crate::errors::{classify_token_error, Problem};
use serde::{Deserialize, Serialize};

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
    storage::get(Area::Local, CHOICE).await.unwrap_or_default()
}

async fn web_session() -> Option<WebSession> {
    storage::get(Area::Session, WEB_SESSION).await
}

/// `getAuthToken`'s details.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AuthDetails<'a> {
    interactive: bool,
    scopes: [&'a str; 1],
    enable_granular_permissions: bool,
}

/// `launchWebAuthFlow`'s details.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FlowDetails {
    url: String,
    interactive: bool,
    /// Google may bounce through a page or two before redirecting (google-apis.md §4.4). Chromium
    /// only ([`is_gecko`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    abort_on_load_for_non_interactive: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timeout_ms_for_non_interactive: Option<u32>,
}

/// `{token}`, for `removeCachedAuthToken`.
#[derive(Serialize)]
struct CachedToken<'a> {
    token: &'a str,
}

/// What MeetLink reads of tokeninfo's answer.
#[derive(Deserialize)]
struct TokenInfo {
    email: Option<String>,
}

async fn chrome_token(interactive: bool, scope: &str) -> Result<String, Problem> {
    if !chrome::has_function("identity", "getAuthToken") {
        return Err(Problem::SignInUnavailable);
    }
    let details = to_js(&AuthDetails { interactive, scopes: [scope], enable_granular_permissions: true });
    let result = get_auth_token(&details).await.map_err(|e| classify_token_error(&error_message(&e)))?;
    // Promise form: {token, grantedScopes}; a bare string from older callback-style shims.
    let token = result.as_string().or_else(|| get_path(&result, &["token"]).as_string());
    let granted = get_path(&result, &["grantedScopes"]);
    if js_sys::Array::is_array(&granted) && !js_sys::Array::from(&granted).includes(&scope.into(), 0) {
        // Granular consent: signed in, but the Calendar box was left unticked.
        return Err(Problem::ScopeRefused);
    }
    let token = token.filter(|t| !t.is_empty()).ok_or(Problem::NotSignedIn)?;
    if !sendable_token(&token) {
        // The browser would refuse to send it (and say only "failed to fetch"): drop it, so the
        // next sign-in gets another.
        uncache(&token).await;
        return Err(Problem::NotSignedIn);
    }
    Ok(token)
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

/// One web sign-in at a time: a trigger that comes while another sign-in is under way (the one
/// the browser's start began, say) waits for it and takes its token, rather than starting a second.
static SIGNING_IN: async_lock::Mutex<()> = async_lock::Mutex::new(());

async fn web_token(interactive: bool, scope: &'static str) -> Result<Token, Problem> {
    let _one = SIGNING_IN.lock().await;
    let session = web_session().await;
    if let Some(s) = session.as_ref().filter(|s| !s.needs_renewal(chrome::now_ms()) && s.covers(scope)) {
        return Ok(Token::new(s.token.clone(), Via::Web, scope, s.email.as_deref()));
    }
    // Expired, about to, without this scope, or gone with the browser session: try without any
    // page, for the account we have.
    let kept = choice().await;
    if let Some(login_hint) = session.and_then(|s| s.email).or_else(|| kept.email().map(str::to_owned)) {
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
    let state = chrome::nonce();
    let url = authorization_url(&Endpoints::for_build().auth, client, &redirect, &state, &prompt, scope);
    let chromium_silent = !interactive && !is_gecko(&chrome::base_url());
    let details = FlowDetails {
        url,
        interactive,
        abort_on_load_for_non_interactive: chromium_silent.then_some(false),
        timeout_ms_for_non_interactive: chromium_silent.then_some(10_000),
    };
    let answer = chrome::launch_web_auth_flow(&to_js(&details)).await.map_err(|e| classify_flow_error(&error_message(&e)))?;
    let mut granted = parse_redirect(&answer.as_string().unwrap_or_default(), &state)?;
    if granted.scopes.is_empty() {
        granted.scopes.push(scope.into()); // no `scope` in the answer: what was asked was granted
    } else if !granted.scopes.iter().any(|s| s == scope) {
        return Err(Problem::ScopeRefused);
    }
    let email = email_of(&granted.access_token).await;
    let token = Token::new(granted.access_token.clone(), Via::Web, scope, email.as_deref());
    let mut kept = choice().await;
    if email.is_some() && kept.email != email {
        kept.email.clone_from(&email);
        storage::put(Area::Local, CHOICE, &kept).await;
    }
    let session = WebSession::new(&granted, chrome::now_ms(), email);
    storage::put(Area::Session, WEB_SESSION, &session).await;
    Ok(token)
}

/// The account's e-mail, from tokeninfo (the web flow asks for `openid email` for this). The token
/// goes in a form body, never the URL.
async fn email_of(token: &str) -> Option<String> {
    let (status, body) = http::post_form(&Endpoints::for_build().tokeninfo, form(&[("access_token", token)])).await?;
    if status != 200 {
        return None;
    }
    serde_json::from_slice::<TokenInfo>(&body).ok()?.email
}

async fn uncache(token: &str) {
    let _ = remove_cached_auth_token(&to_js(&CachedToken { token })).await;
}

async fn revoke(token: &str) {
    let _ = http::post_form(&Endpoints::for_build().revoke, form(&[("token", token)])).await;
}

/// After a 401: drop the token and get a fresh one without any page.
pub async fn renew(stale: &Token) -> Result<Token, Problem> {
    match stale.via {
        Via::Chrome => {
            uncache(&stale.value).await;
            chrome_token(false, stale.scope).await.map(|value| Token::new(value, Via::Chrome, stale.scope, None))
        }
        Via::Web => {
            // The account is read before the stale session goes: it is the silent flow's login_hint.
            let login_hint = email().await.ok_or(Problem::NotSignedIn)?;
            storage::remove(Area::Session, WEB_SESSION).await;
            web_flow(false, Prompt::Silent { login_hint }, stale.scope).await
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
    if chrome_client() && !choice.web {
        match chrome_token(false, scope).await {
            Ok(_) => return Some(Account { via: Via::Chrome, email: None }),
            // Not available here: links come from the web flow, as in `get`.
            Err(Problem::SignInUnavailable | Problem::NoClientConfigured) => {}
            Err(_) => return None,
        }
    }
    // The browser restarted since the web sign-in: the next link renews it silently.
    web_client().and(choice.email()).map(|email| Account { via: Via::Web, email: Some(email.to_owned()) })
}

/// "Use another account": Google's account chooser, then that account for every link.
pub async fn switch_account(scope: &'static str) -> Result<Account, Problem> {
    web_flow(true, Prompt::ChooseAccount, scope).await?;
    let mut c = choice().await;
    c.web = true;
    storage::put(Area::Local, CHOICE, &c).await;
    Ok(account(scope).await.unwrap_or(Account { via: Via::Web, email: None }))
}

/// "Sign out": revoke at Google, drop Chrome's cached token, forget the session's token and the
/// account choice. (An action still in flight keeps its record and finishes or fails on its own.)
pub async fn sign_out() {
    if let Some(s) = web_session().await {
        revoke(&s.token).await;
    }
    if chrome_client() {
        // Chrome caches one token per scope set: the Calendar one and, if Meet spaces were used,
        // the Meet one.
        for scope in [SCOPE, MEET_SCOPE] {
            if let Ok(t) = chrome_token(false, scope).await {
                revoke(&t).await;
                uncache(&t).await;
            }
        }
    }
    storage::remove(Area::Session, WEB_SESSION).await;
    storage::remove(Area::Local, CHOICE).await;
}
