//! The web sign-in flow (`chrome.identity.launchWebAuthFlow`) for every browser where
//! `getAuthToken` does not work (Chromium, Edge, Brave, Vivaldi, Opera, Firefox) and for choosing
//! another Google account: the authorization URL, the redirect it comes back with, and the token
//! kept for the session. google-apis.md §4.4–4.5 and §5.1.

use crate::errors::{mentions, Problem};
use serde::{Deserialize, Serialize};

/// The scopes of the web flow: the one API scope the link source needs (Calendar, or Meet for
/// spaces), plus `openid email` to show which account links are made with.
pub fn scopes(api_scope: &str) -> String {
    format!("{api_scope} openid email")
}

/// How the authorization page is asked to behave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prompt {
    /// A user gesture: Google may show its pages (sign-in, consent).
    Interactive,
    /// "Use another account": always show Google's account chooser.
    ChooseAccount,
    /// Renewal without any page: `prompt=none` for the account we already have.
    Silent {
        /// The account's e-mail, as `login_hint`.
        login_hint: String,
    },
}

/// An `application/x-www-form-urlencoded` body (tokeninfo, revoke): the token goes in the body,
/// never the URL, and is encoded — a token may hold `&`, `+`, `%` or `=`.
pub fn form(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish()
}

/// The authorization URL: implicit flow (`response_type=token`), the web client, our redirect
/// URL, the scopes, and a random `state` the answer must echo.
pub fn authorization_url(auth_endpoint: &str, client_id: &str, redirect_uri: &str, state: &str, prompt: &Prompt, api_scope: &str) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query
        .append_pair("client_id", client_id)
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("response_type", "token")
        .append_pair("scope", &scopes(api_scope))
        .append_pair("state", state)
        .append_pair("include_granted_scopes", "true");
    match prompt {
        Prompt::Interactive => {}
        Prompt::ChooseAccount => {
            query.append_pair("prompt", "select_account");
        }
        Prompt::Silent { login_hint } => {
            query.append_pair("prompt", "none").append_pair("login_hint", login_hint);
        }
    }
    format!("{auth_endpoint}?{}", query.finish())
}

/// A token from the web flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Granted {
    /// The access token.
    pub access_token: String,
    /// Lifetime in seconds.
    pub expires_in: u64,
    /// The scopes Google granted (the user may untick some).
    pub scopes: Vec<String>,
}

/// Reads the URL the flow ended on. Parameters may be in the fragment (implicit flow) or the query
/// (errors, some providers); both are read, the fragment winning. `state` must match exactly.
pub fn parse_redirect(url: &str, expected_state: &str) -> Result<Granted, Problem> {
    let (before, fragment) = url.split_once('#').unwrap_or((url, ""));
    let query = before.split_once('?').map_or("", |(_, q)| q);
    let params: Vec<(String, String)> =
        [query, fragment].iter().flat_map(|part| form_urlencoded::parse(part.as_bytes()).into_owned()).collect();
    let get = |name: &str| params.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    if get("state") != Some(expected_state) {
        return Err(Problem::SignInTampered);
    }
    if let Some(error) = get("error") {
        return Err(match error {
            "access_denied" => Problem::SignInDeclined,
            "admin_policy_enforced" => Problem::AdminBlocked,
            "login_required" | "interaction_required" | "consent_required" | "account_selection_required" => Problem::NotSignedIn,
            "temporarily_unavailable" | "server_error" => Problem::ServerError,
            _ => Problem::Unexpected,
        });
    }
    let access_token = get("access_token").filter(|t| !t.is_empty()).ok_or(Problem::Unexpected)?.to_owned();
    if !sendable_token(&access_token) {
        return Err(Problem::NotSignedIn);
    }
    // 1*DIGIT (RFC 6749 §4.2.2); anything else is Google's usual hour.
    let expires_in = get("expires_in").filter(|v| v.bytes().all(|b| b.is_ascii_digit())).and_then(|v| v.parse().ok()).unwrap_or(3599);
    let scopes = get("scope").map(|s| s.split_ascii_whitespace().map(str::to_owned).collect()).unwrap_or_default();
    Ok(Granted { access_token, expires_in, scopes })
}

/// The longest token MeetLink sends. Google's access tokens are a few hundred bytes (they may grow
/// to 2 KB, Google says); anything far larger is not one.
pub const MAX_TOKEN_BYTES: usize = 8 * 1024;

/// Whether `token` can go in an `Authorization` header. `fetch` refuses a header value with CR, LF
/// or NUL, or past Latin-1 (Fetch standard, "header value"), with the same TypeError as a lost
/// connection — so a token the browser will not send is a sign-in problem, found before it is used:
/// printable ASCII only (spaces inside allowed), no surrounding space, at most [`MAX_TOKEN_BYTES`].
pub fn sendable_token(token: &str) -> bool {
    (1..=MAX_TOKEN_BYTES).contains(&token.len())
        && token.bytes().all(|b| (0x20..0x7f).contains(&b))
        && !token.starts_with(' ')
        && !token.ends_with(' ')
}

/// Maps a `launchWebAuthFlow` rejection (Chromium `identity_constants.cc`, google-apis.md §4.4).
pub fn classify_flow_error(message: &str) -> Problem {
    if mentions(message, &["did not approve", "closed"]) {
        Problem::SignInDeclined
    } else if mentions(message, &["timed out"]) {
        Problem::SignInTimeout
    } else if mentions(message, &["could not be loaded"]) {
        Problem::Offline
    } else if mentions(message, &["interaction required", "User interaction required"]) {
        Problem::NotSignedIn
    } else if mentions(message, &["is not a function", "Cannot read properties of undefined"]) {
        Problem::SignInUnavailable
    } else {
        Problem::Unexpected
    }
}

/// The web-flow sign-in kept in `chrome.storage.session` (cleared when the browser closes; never in
/// `storage.local`, never sent to a page). Only this code writes it: unknown fields refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WebSession {
    /// The access token.
    pub token: String,
    /// When it expires, ms since the epoch.
    pub expires_at_ms: u64,
    /// The account, once known (tokeninfo), for the popup and `login_hint`.
    pub email: Option<String>,
    /// The scopes the token carries (with `include_granted_scopes`, every one granted so far).
    #[serde(default)]
    pub scopes: Vec<String>,
}

/// Renew this long before expiry.
pub const RENEW_BEFORE_MS: u64 = 5 * 60_000;
/// A token is taken as valid for at most a day, whatever its `expires_in` says (Google's is an
/// hour); a 401 renews it earlier anyway.
pub const MAX_LIFETIME_S: u64 = 86_400;

impl WebSession {
    /// From a granted token at `now_ms`.
    pub fn new(granted: &Granted, now_ms: u64, email: Option<String>) -> Self {
        let lifetime_ms = granted.expires_in.min(MAX_LIFETIME_S) * 1000;
        WebSession { token: granted.access_token.clone(), expires_at_ms: now_ms.saturating_add(lifetime_ms), email, scopes: granted.scopes.clone() }
    }

    /// True when the token may be used for `scope` (and can be sent at all: storage is not
    /// trusted to hold what this code wrote).
    pub fn covers(&self, scope: &str) -> bool {
        sendable_token(&self.token) && self.scopes.iter().any(|s| s == scope)
    }

    /// True when the token should be renewed before use.
    pub fn needs_renewal(&self, now_ms: u64) -> bool {
        now_ms.saturating_add(RENEW_BEFORE_MS) >= self.expires_at_ms
    }
}

/// True when the extension runs in Firefox (Gecko), told by its own base URL's scheme
/// (`runtime.getURL("")`). Firefox refuses `launchWebAuthFlow` details it does not know
/// ("Unexpected property"): Chromium's `abortOnLoadForNonInteractive` and
/// `timeoutMsForNonInteractive` are sent to Chromium only.
pub fn is_gecko(base_url: &str) -> bool {
    base_url.starts_with("moz-extension://")
}

/// Which path a token came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Via {
    /// `getAuthToken`: the Chrome profile's account.
    Chrome,
    /// `launchWebAuthFlow`: an account the user signed in with.
    Web,
}

/// Names the account a token belongs to, for tagging a warm link: the browser profile's account,
/// or a web sign-in's e-mail.
pub fn account_key(via: Via, email: Option<&str>) -> String {
    match via {
        Via::Chrome => "chrome".into(),
        Via::Web => format!("web:{}", email.unwrap_or("")),
    }
}

/// Who links are made as, for the popup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Account {
    /// The path.
    pub via: Via,
    /// The e-mail, when known (the Chrome path does not ask for it).
    pub email: Option<String>,
}

/// Which sign-in the user chose, and the web sign-in's account; kept in `storage.local` so it
/// outlives the browser session. It holds no token: tokens stay in `storage.session`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AccountChoice {
    /// The user chose "Use another account": use the web flow even where getAuthToken works.
    pub web: bool,
    /// The account of the last web sign-in: after the browser restarts (and the session's token
    /// is gone), Google's silent flow is asked for a token for it (`login_hint`), without any page.
    /// Forgotten at sign-out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// The longest e-mail address kept: a 64-character local part, `@`, a 255-character domain.
pub const MAX_EMAIL: usize = 320;

impl AccountChoice {
    /// The kept account, if it reads as an e-mail address (storage is not trusted: it becomes a
    /// URL parameter).
    pub fn email(&self) -> Option<&str> {
        self.email.as_deref().filter(|e| e.len() <= MAX_EMAIL && e.contains('@') && !e.chars().any(|c| c.is_whitespace() || c.is_control()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATE: &str = "s7Xk2";
    const CAL: &str = "https://www.googleapis.com/auth/calendar.events.owned";

    #[test]
    fn authorization_urls() {
        let base = "https://accounts.google.com/o/oauth2/v2/auth";
        let redirect = "https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/";
        let u = authorization_url(base, "web.apps.googleusercontent.com", redirect, STATE, &Prompt::Interactive, CAL);
        assert_eq!(
            u,
            "https://accounts.google.com/o/oauth2/v2/auth?client_id=web.apps.googleusercontent.com\
             &redirect_uri=https%3A%2F%2Fabcdefghijklmnopabcdefghijklmnop.chromiumapp.org%2F&response_type=token\
             &scope=https%3A%2F%2Fwww.googleapis.com%2Fauth%2Fcalendar.events.owned+openid+email&state=s7Xk2\
             &include_granted_scopes=true"
        );
        assert!(authorization_url(base, "c", redirect, STATE, &Prompt::ChooseAccount, CAL).ends_with("&prompt=select_account"));
        let silent = authorization_url(base, "c", redirect, STATE, &Prompt::Silent { login_hint: "me+x@example.com".into() }, CAL);
        assert!(silent.ends_with("&prompt=none&login_hint=me%2Bx%40example.com"), "{silent}");
    }

    fn ok(url: &str) -> Result<Granted, Problem> {
        parse_redirect(url, STATE)
    }

    #[test]
    fn redirects() {
        let r = "https://id.chromiumapp.org/";
        let g = ok(&format!("{r}#state={STATE}&access_token=ya29.a&token_type=Bearer&expires_in=3599&scope={}%20openid%20email&authuser=0&prompt=consent", CAL.replace(':', "%3A").replace('/', "%2F"))).unwrap();
        assert_eq!(g.access_token, "ya29.a");
        assert_eq!(g.expires_in, 3599);
        assert_eq!(g.scopes, [CAL, "openid", "email"]);
        // `+` for spaces, parameters in any order, extra parameters ignored
        let g = ok(&format!("{r}#access_token=ya29.b&scope=openid+{CAL}&extra=1&state={STATE}")).unwrap();
        assert_eq!(g.scopes, ["openid", CAL]);
        assert_eq!(g.expires_in, 3599, "missing expires_in: Google's usual hour");
        // errors: in the query or the fragment
        assert_eq!(ok(&format!("{r}?error=access_denied&state={STATE}")), Err(Problem::SignInDeclined));
        assert_eq!(ok(&format!("{r}#error=access_denied&state={STATE}")), Err(Problem::SignInDeclined));
        assert_eq!(ok(&format!("{r}#error=admin_policy_enforced&state={STATE}")), Err(Problem::AdminBlocked));
        assert_eq!(ok(&format!("{r}#error=login_required&state={STATE}")), Err(Problem::NotSignedIn));
        assert_eq!(ok(&format!("{r}#error=invalid_scope&state={STATE}")), Err(Problem::Unexpected));
        // state: missing, different, tampered, prefixed — all refused, even with a token
        for bad in [
            format!("{r}#access_token=ya29.c"),
            format!("{r}#access_token=ya29.c&state=other"),
            format!("{r}#access_token=ya29.c&state=tampered-{STATE}"),
            format!("{r}#access_token=ya29.c&state={STATE}x"),
            format!("{r}#state=&access_token=ya29.c"),
        ] {
            assert_eq!(ok(&bad), Err(Problem::SignInTampered), "{bad}");
        }
        // the fragment wins over the query
        assert_eq!(ok(&format!("{r}?state=other#state={STATE}&access_token=t")).unwrap().access_token, "t");
        // no token
        assert_eq!(ok(&format!("{r}#state={STATE}")), Err(Problem::Unexpected));
        assert_eq!(ok(&format!("{r}#state={STATE}&access_token=")), Err(Problem::Unexpected));
        // percent-decoding edge cases do not panic
        for weird in ["%", "%%", "%zz", "a=%E2%82", "=&&=", "#", "?#?#"] {
            let _ = parse_redirect(&format!("{r}#{weird}&state={STATE}"), STATE);
        }
        // values are form-decoded: `+` and %20 are spaces, a stray `%` is kept
        let g = ok(&format!("{r}#state={STATE}&access_token=a%26b%2Bc%25d%3De+f%7E&scope=a%20b+c")).unwrap();
        assert_eq!((g.access_token.as_str(), g.scopes.clone()), ("a&b+c%d=e f~", vec!["a".to_owned(), "b".into(), "c".into()]));
        assert_eq!(ok(&format!("{r}#state={STATE}&access_token=t%zz%")).unwrap().access_token, "t%zz%");
        // A token the browser would refuse to send is a sign-in problem, never used.
        for bad in ["a%0Db", "a%0Ab", "a%00b", "%20a", "a%20", "a%C3%A9", "a%7F"] {
            assert_eq!(ok(&format!("{r}#state={STATE}&access_token={bad}")), Err(Problem::NotSignedIn), "{bad}");
        }
        assert_eq!(ok(&format!("{r}#state={STATE}&access_token={}", "a".repeat(MAX_TOKEN_BYTES + 1))), Err(Problem::NotSignedIn));
        assert!(ok(&format!("{r}#state={STATE}&access_token={}", "a".repeat(MAX_TOKEN_BYTES))).is_ok());
        // expires_in: digits only; anything else is the usual hour
        for (raw, want) in [("120", 120), ("+5", 3599), ("-1", 3599), ("1.5", 3599), ("", 3599), ("18446744073709551615", u64::MAX), ("99999999999999999999999", 3599)] {
            assert_eq!(ok(&format!("{r}#state={STATE}&access_token=t&expires_in={raw}")).unwrap().expires_in, want, "{raw}");
        }
    }

    #[test]
    fn form_bodies_keep_every_byte() {
        let token = "ya29.a&b+c%d=e f/é";
        let body = form(&[("token", token)]);
        assert_eq!(body, "token=ya29.a%26b%2Bc%25d%3De+f%2F%C3%A9");
        let back: Vec<(String, String)> = form_urlencoded::parse(body.as_bytes()).into_owned().collect();
        assert_eq!(back, [("token".to_owned(), token.to_owned())]);
    }

    #[test]
    fn flow_errors() {
        let table = [
            ("The user did not approve access.", Problem::SignInDeclined),
            ("Authorization page load timed out.", Problem::SignInTimeout),
            ("Authorization page could not be loaded.", Problem::Offline),
            ("User interaction required. Try setting `abortOnLoadForNonInteractive`…", Problem::NotSignedIn),
            ("chrome.identity.launchWebAuthFlow is not a function", Problem::SignInUnavailable),
            ("Did not redirect to the right URL.", Problem::Unexpected),
        ];
        for (m, want) in table {
            assert_eq!(classify_flow_error(m), want, "{m}");
        }
    }

    #[test]
    fn sessions() {
        let g = Granted { access_token: "t".into(), expires_in: 3600, scopes: vec![] };
        let s = WebSession::new(&g, 1000, None);
        assert_eq!(s.expires_at_ms, 3_601_000);
        assert!(!s.needs_renewal(1000));
        assert!(s.needs_renewal(3_601_000 - RENEW_BEFORE_MS));
        assert!(s.needs_renewal(4_000_000));
        assert!(!s.covers(CAL));
        let both = Granted { scopes: vec![CAL.into(), "https://www.googleapis.com/auth/meetings.space.created".into()], ..g };
        let s = WebSession::new(&both, 1000, None);
        assert!(s.covers(CAL) && s.covers("https://www.googleapis.com/auth/meetings.space.created") && !s.covers("openid"));
        // expires_in near the top of u64: valid (for a day at most), not expired at once.
        for expires_in in [u64::MAX, u64::MAX / 1000 + 1, 10_000_000] {
            let s = WebSession::new(&Granted { access_token: "t".into(), expires_in, scopes: vec![CAL.into()] }, 1000, None);
            assert_eq!(s.expires_at_ms, 1000 + MAX_LIFETIME_S * 1000, "{expires_in}");
            assert!(!s.needs_renewal(1000) && s.covers(CAL), "{expires_in}");
        }
        let far = WebSession { token: "t".into(), expires_at_ms: u64::MAX, email: None, scopes: vec![CAL.into()] };
        assert!(!far.needs_renewal(1000) && far.needs_renewal(u64::MAX), "no overflow in the check either");
        let stored_bad = WebSession { token: "t\r\nX-Evil: 1".into(), ..far };
        assert!(!stored_bad.covers(CAL), "a stored token that cannot be sent is not used");
        // A session stored by an earlier version (no scopes) is not taken for any scope: sign in again.
        let old: WebSession = serde_json::from_value(serde_json::json!({"token": "t", "expiresAtMs": 5, "email": null})).unwrap();
        assert!(!old.covers(CAL));
    }

    #[test]
    fn the_kept_account_is_used_only_when_it_reads_as_an_address() {
        let with = |email: &str| AccountChoice { web: false, email: Some(email.into()) };
        let long = format!("{}@example.com", "a".repeat(MAX_EMAIL - 12));
        let too_long = format!("{}@example.com", "a".repeat(MAX_EMAIL - 11));
        assert_eq!(long.len(), MAX_EMAIL);
        let table = [
            ("an address", with("a@example.com"), Some("a@example.com")),
            ("none kept", AccountChoice::default(), None),
            ("the longest", with(&long), Some(long.as_str())),
            ("one too long", with(&too_long), None),
            ("no @", with("example.com"), None),
            ("a space", with("a b@example.com"), None),
            ("a newline", with("a@example.com\nx"), None),
            ("a NUL", with("a@exa\0mple.com"), None),
        ];
        for (name, choice, want) in table {
            assert_eq!(choice.email(), want, "{name}");
        }
        // Written by an earlier version: no e-mail.
        let old: AccountChoice = serde_json::from_value(serde_json::json!({"web": true})).unwrap();
        assert_eq!(old, AccountChoice { web: true, email: None });
        assert_eq!(serde_json::to_value(&old).unwrap(), serde_json::json!({"web": true}));
    }

    #[test]
    fn which_browser_from_the_extension_base_url() {
        assert!(is_gecko("moz-extension://0b4d2f64-3a1e-4c2b-9f6e-5d8a7c1b2e3f/"));
        assert!(!is_gecko("chrome-extension://abcdefghijklmnopabcdefghijklmnop/"));
        assert!(!is_gecko(""));
        assert!(!is_gecko("https://moz-extension.example/"));
    }
}
