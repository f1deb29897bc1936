//! The web sign-in flow (`chrome.identity.launchWebAuthFlow`) for every browser where
//! `getAuthToken` does not work (Chromium, Edge, Brave, Vivaldi, Opera, Firefox) and for choosing
//! another Google account: the authorization URL, the redirect it comes back with, and the token
//! kept for the session. google-apis.md §4.4–4.5 and §5.1.

use crate::prelude::*;
use crate::errors::{mentions, Problem};

/// The scopes of the web flow: the one API scope the link source needs (Calendar, or Meet for
/// spaces), plus `openid email` to show which account links are made with.
pub fn scopes(api_scope: &str) -> String {
    crate::text::concat(&[api_scope, " openid email"])
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

fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => out.push(b as char),
            _ => {
                const UPPER_HEX: &[u8; 16] = b"0123456789ABCDEF";
                out.push('%');
                out.push(UPPER_HEX[usize::from(b >> 4)] as char);
                out.push(UPPER_HEX[usize::from(b & 15)] as char);
            }
        }
    }
    out
}

/// `application/x-www-form-urlencoded` decoding of one name or value. What the redirect carries is
/// ASCII by RFC 6749 (§A: state, access_token, error, scope tokens are VSCHAR / NQCHAR), so a
/// percent-encoded byte past ASCII makes the value empty, as a malformed one.
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let hex = |j: usize| bytes.get(j).and_then(|&d| char::from(d).to_digit(16));
    let mut out = String::with_capacity(s.len());
    let (mut run, mut i) = (0, 0); // `s[run..i]` is copied as it is
    while let Some(&b) = bytes.get(i) {
        let (decoded, len) = match (b, hex(i + 1), hex(i + 2)) {
            (b'%', Some(high), Some(low)) if high < 8 => (char::from((high * 16 + low) as u8), 3),
            (b'%', Some(_), Some(_)) => return String::new(),
            (b'+', ..) => (' ', 1),
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(s.get(run..i).unwrap_or_default()); // i is at an ASCII byte: a char boundary
        out.push(decoded);
        i += len;
        run = i;
    }
    out.push_str(s.get(run..).unwrap_or_default());
    out
}

/// The authorization URL: implicit flow (`response_type=token`), the web client, our redirect
/// URL, the scopes, and a random `state` the answer must echo.
pub fn authorization_url(auth_endpoint: &str, client_id: &str, redirect_uri: &str, state: &str, prompt: &Prompt, api_scope: &str) -> String {
    let mut url = crate::text::concat(&[
        auth_endpoint,
        "?client_id=",
        &encode(client_id),
        "&redirect_uri=",
        &encode(redirect_uri),
        "&response_type=token&scope=",
        &encode(&scopes(api_scope)),
        "&state=",
        &encode(state),
        "&include_granted_scopes=true",
    ]);
    match prompt {
        Prompt::Interactive => {}
        Prompt::ChooseAccount => url.push_str("&prompt=select_account"),
        Prompt::Silent { login_hint } => url.push_str(&crate::text::concat(&["&prompt=none&login_hint=", &encode(login_hint)])),
    }
    url
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
    use crate::text::{split, split_once};
    let (before, fragment) = split_once(url, b'#').unwrap_or((url, ""));
    let query = split_once(before, b'?').map_or("", |(_, q)| q);
    let params: Vec<(String, String)> = [query, fragment]
        .iter()
        .flat_map(|part| split(part, b'&'))
        .filter(|kv| !kv.is_empty())
        .map(|kv| split_once(kv, b'=').map_or((decode(kv), String::new()), |(k, v)| (decode(k), decode(v))))
        .collect();
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
    let expires_in = get("expires_in").and_then(crate::text::digits).unwrap_or(3599);
    let scopes = get("scope").map(|s| split(s, b' ').filter(|x| !x.is_empty()).map(str::to_owned).collect()).unwrap_or_default();
    Ok(Granted { access_token, expires_in, scopes })
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
/// `storage.local`, never sent to a page).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebSession {
    /// The access token.
    pub token: String,
    /// When it expires, ms since the epoch.
    pub expires_at_ms: u64,
    /// The account, once known (tokeninfo), for the popup and `login_hint`.
    pub email: Option<String>,
    /// The scopes the token carries (with `include_granted_scopes`, every one granted so far).
    pub scopes: Vec<String>,
}

/// Renew this long before expiry.
pub const RENEW_BEFORE_MS: u64 = 5 * 60_000;

impl WebSession {
    /// From a granted token at `now_ms`.
    pub fn new(granted: &Granted, now_ms: u64, email: Option<String>) -> Self {
        WebSession { token: granted.access_token.clone(), expires_at_ms: now_ms + granted.expires_in * 1000, email, scopes: granted.scopes.clone() }
    }

    /// True when the token may be used for `scope`.
    pub fn covers(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }

    /// True when the token should be renewed before use.
    pub fn needs_renewal(&self, now_ms: u64) -> bool {
        now_ms + RENEW_BEFORE_MS >= self.expires_at_ms
    }
}

/// Which path a token came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
        Via::Chrome => via.wire_name().into(),
        Via::Web => crate::text::concat(&[via.wire_name(), ":", email.unwrap_or("")]),
    }
}

/// Who links are made as, for the popup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// The path.
    pub via: Via,
    /// The e-mail, when known (the Chrome path does not ask for it).
    pub email: Option<String>,
}

/// Which sign-in the user chose; kept in `storage.local` so it outlives the session. It holds no
/// token and no account: those stay in `storage.session`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountChoice {
    /// The user chose "Use another account": use the web flow even where getAuthToken works.
    pub web: bool,
}

// A session record is only ever written by this code: unknown fields refused.
crate::json_record!(both strict WebSession {
    token: "token" req,
    expires_at_ms: "expiresAtMs" req,
    email: "email" opt,
    scopes: "scopes" default,
});
crate::json_names!(Via { Chrome = "chrome", Web = "web" });
crate::json_record!(write Account { via: "via" req, email: "email" opt });
crate::json_record!(both lenient AccountChoice { web: "web" default });

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
             &scope=https%3A%2F%2Fwww.googleapis.com%2Fauth%2Fcalendar.events.owned%20openid%20email&state=s7Xk2\
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
        for (raw, want) in [
            ("a%20b+c%2", "a b c%2"),
            ("%7e%7E", "~~"),
            ("%zz%", "%zz%"),
            ("é+ü", "é ü"), // not percent-encoded: kept as it is
            ("ok%C3%A9", ""), // percent-encoded past ASCII: not a value Google sends
            ("https%3A%2F%2Fwww.googleapis.com%2Fauth%2Fcalendar.events.owned", "https://www.googleapis.com/auth/calendar.events.owned"),
        ] {
            assert_eq!(decode(raw), want, "{raw}");
        }
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
        // A session stored by an earlier version (no scopes) is not taken for any scope: sign in again.
        let old: WebSession = crate::json::from_value(serde_json::json!({"token": "t", "expiresAtMs": 5, "email": null})).unwrap();
        assert!(!old.covers(CAL));
    }
}
