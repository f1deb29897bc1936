//! The message protocol between the extension's pages and the worker: one enum, unknown or
//! malformed messages rejected, and privileged requests accepted only from the extension's own pages
//! (style-and-trust.md B4, testable properties 9–11).

use crate::auth::Account;
use crate::errors::Problem;
use crate::format::DialIn;
use crate::link::MeetLink;
use crate::meeting::{Confirmed, Draft, Invalid, Kind};
use crate::settings::{Choices, Settings};
use serde::{Deserialize, Serialize};

/// Every message a page may send the worker: `{"type": "<camelCase variant>", …fields}` with exactly
/// the fields its type has (`deny_unknown_fields`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase", deny_unknown_fields)]
pub enum Request {
    /// What the popup needs to draw itself: configured? busy? the last link?
    GetState {},
    /// Create a Meet link now (a user gesture in the popup).
    CreateLink {},
    /// "Use another account": Google's account chooser (a user gesture).
    SwitchAccount {},
    /// "Sign out": revoke and forget.
    SignOut {},
    /// The options page: the settings in effect and which are locked.
    GetSettings {},
    /// The options page changed some settings.
    SaveSettings {
        /// Only the changed ones; locked and invalid values are not taken.
        changes: Choices,
    },
    /// Remove one link from the history.
    RemoveHistory {
        /// Its URL.
        url: String,
    },
    /// Clear the history.
    ClearHistory {},
    /// What Copy writes for a link of the history (or the last one).
    Clip {
        /// Its URL.
        url: String,
    },
    /// The popup's "Invite…" / "Schedule…": the confirmation page for the active tab.
    OpenMeeting {
        /// Which.
        kind: Kind,
        /// The popup's active tab (the popup's click granted `activeTab` on it).
        #[serde(rename = "tabId")]
        tab_id: Option<i32>,
    },
    /// The confirmation page: the draft it shows.
    GetDraft {
        /// The draft's id (the page's URL fragment).
        id: String,
    },
    /// The confirmation page's "Create": make the meeting, type its link.
    ConfirmMeeting {
        /// What to make.
        meeting: Confirmed,
    },
    /// The confirmation page's "Cancel": forget the draft.
    CancelMeeting {
        /// The draft's id.
        id: String,
    },
}

/// Where a confirmation's one action is, as its window shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum MeetingState {
    /// Not confirmed yet.
    Open,
    /// Being made (also by a worker that resumed it).
    Making,
    /// Made.
    Made {
        /// Its link.
        link: MeetLink,
        /// Typed into the page (else copied).
        typed: bool,
        /// What Copy writes.
        clip: Clip,
    },
    /// Failed: "Try again" resumes it.
    Failed {
        /// What happened.
        problem: Problem,
    },
}

/// What the popup's Copy writes: both clipboard types (`crate::format::render`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Clip {
    /// `text/plain`.
    pub text: String,
    /// `text/html`.
    pub html: String,
}

/// Decodes a message: an object `{type, …}` with exactly the fields its type has. Anything else —
/// another shape (`crate::stored::one` reads objects only), an unknown type, an extra or malformed
/// field — is `None`.
pub fn decode(message: serde_json::Value) -> Option<Request> {
    crate::stored::one(message)
}

/// The worker's answer, written as `{"type": "<camelCase variant>", …fields}`, as the pages read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Response {
    /// Popup state.
    State {
        /// False when the build has no OAuth client ID.
        configured: bool,
        /// The last link made in this browser session, if any.
        last: Option<MeetLink>,
        /// Who links are made as, when known.
        account: Option<Account>,
    },
    /// The account after "Use another account".
    Account {
        /// The account.
        account: Account,
    },
    /// Signed out.
    SignedOut,
    /// The settings in effect and the names of those an administrator locked.
    Settings {
        /// Settings.
        settings: Settings,
        /// Locked settings' names.
        locked: Vec<&'static str>,
    },
    /// Done (history changes).
    Done,
    /// A fresh link.
    Link {
        /// The link.
        link: MeetLink,
        /// Its dial-in numbers, when Google gave some.
        #[serde(rename = "dialIn")]
        dial_in: Option<DialIn>,
        /// What Copy writes.
        clip: Clip,
    },
    /// What Copy writes for a link.
    Clip {
        /// Both types.
        clip: Clip,
    },
    /// A draft for the confirmation page.
    Draft {
        /// The draft (boxed: a draft with its action is the largest answer by far).
        draft: Box<Draft>,
        /// Where its action is.
        action: MeetingState,
        /// The user's time zone (IANA name).
        zone: String,
        /// The start as `<input type=datetime-local>` reads it, in that zone.
        #[serde(rename = "startLocal")]
        start_local: Option<String>,
    },
    /// A meeting was made.
    Meeting {
        /// Its link.
        link: MeetLink,
        /// The link was typed into the page (else it was copied).
        typed: bool,
        /// What Copy writes.
        clip: Clip,
    },
    /// The confirmed meeting is being made (a second Create, or a window that asked again while the
    /// worker runs its action): the window waits for the outcome.
    Making,
    /// The confirmation was not taken; the draft is kept for the user to correct.
    Invalid {
        /// Why.
        invalid: Invalid,
    },
    /// The action failed; `problem` names the message to show.
    Failed {
        /// What happened.
        problem: Problem,
    },
    /// The message was malformed or came from somewhere it may not come from. Nothing was done.
    Rejected,
}

/// The parts of `chrome.runtime.MessageSender` the decision needs; the rest of the sender (its
/// `tab`, `documentId`, …) is not read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Sender {
    /// Extension id of the sender.
    pub id: Option<String>,
    /// Origin of the sending document.
    pub origin: Option<String>,
    /// URL of the sending document.
    pub url: Option<String>,
    /// Frame id (0 = top frame; absent for the popup).
    pub frame_id: Option<i64>,
}

/// This extension's origin, from `runtime.getURL("")`: `chrome-extension://<id>` in Chromium,
/// `moz-extension://<uuid>` in Firefox (whose pages are not named by the add-on id). `None` unless
/// it is `<scheme>://<host>/`.
pub fn own_origin(base_url: &str) -> Option<&str> {
    base_url.strip_suffix('/').filter(|o| {
        o.split_once("://").is_some_and(|(scheme, host)| !scheme.is_empty() && !host.is_empty() && !host.contains(['/', '?', '#']))
    })
}

/// True when `sender` is a top-level page of this extension (popup, options): same extension id,
/// origin exactly this extension's own ([`own_origin`] of `base_url`, `runtime.getURL("")`; origin,
/// not URL, decides — Chromium security rules), URL under that origin, and not a sub-frame.
pub fn is_own_page(sender: &Sender, own_id: &str, base_url: &str) -> bool {
    let Some(origin) = own_origin(base_url) else { return false };
    !own_id.is_empty()
        && sender.id.as_deref() == Some(own_id)
        && sender.origin.as_deref() == Some(origin)
        && sender.url.as_deref().is_some_and(|u| u.strip_prefix(origin).is_some_and(|r| r.starts_with('/')))
        && matches!(sender.frame_id, None | Some(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn dec(v: serde_json::Value) -> Option<Request> {
        decode(v)
    }

    #[test]
    fn decodes_known_and_rejects_the_rest() {
        assert_eq!(dec(json!({"type": "createLink"})), Some(Request::CreateLink {}));
        assert_eq!(dec(json!({"type": "getState"})), Some(Request::GetState {}));
        assert_eq!(dec(json!({"type": "switchAccount"})), Some(Request::SwitchAccount {}));
        assert_eq!(dec(json!({"type": "signOut"})), Some(Request::SignOut {}));
        assert_eq!(dec(json!({"type": "signOut", "token": "x"})), None);
        assert_eq!(dec(json!({"type": "getSettings"})), Some(Request::GetSettings {}));
        assert_eq!(dec(json!({"type": "clearHistory"})), Some(Request::ClearHistory {}));
        assert_eq!(dec(json!({"type": "removeHistory", "url": "u"})), Some(Request::RemoveHistory { url: "u".into() }));
        assert_eq!(dec(json!({"type": "clip", "url": "u"})), Some(Request::Clip { url: "u".into() }));
        let changes = Choices { title: Some("Stand-up".into()), ..Choices::default() };
        assert_eq!(dec(json!({"type": "saveSettings", "changes": {"title": "Stand-up"}})), Some(Request::SaveSettings { changes }));
        for bad in [
            json!({"type": "createLink", "url": "https://evil.example"}),
            json!({"type": "CreateLink"}),
            json!({"type": "deleteEverything"}),
            json!({"kind": "createLink"}),
            json!({}),
            json!("createLink"),
            json!(null),
            json!(42),
            json!(["createLink"]),
            json!({"type": 1}),
            json!({"type": "saveSettings"}),
            json!({"type": "saveSettings", "changes": {"template": "<script>"}}),
            json!({"type": "saveSettings", "changes": {"durationMinutes": "forever"}}),
            json!({"type": "removeHistory"}),
            json!({"type": "removeHistory", "url": 5}),
            json!({"type": "clip", "url": "u", "html": "<b>"}),
            json!({"type": "getState", "type2": 1}),
            json!(["getState"]),
            json!(["saveSettings", {}]),
        ] {
            assert_eq!(dec(bad.clone()), None, "{bad}");
        }
    }

    const ID: &str = "abcdefghijklmnopabcdefghijklmnop";

    #[test]
    fn hostile_senders() {
        let own = Sender {
            id: Some(ID.into()),
            origin: Some(format!("chrome-extension://{ID}")),
            url: Some(format!("chrome-extension://{ID}/popup.html")),
            frame_id: None,
        };
        let base = format!("chrome-extension://{ID}/");
        assert!(is_own_page(&own, ID, &base));
        assert!(is_own_page(&Sender { frame_id: Some(0), ..own.clone() }, ID, &base), "popup opened as a tab");
        let table = [
            ("web origin", Sender { origin: Some("https://evil.com".into()), url: Some("https://evil.com/".into()), ..own.clone() }),
            ("look-alike origin", Sender { origin: Some(format!("chrome-extension://{ID}.evil.com")), url: Some(format!("chrome-extension://{ID}.evil.com/popup.html")), ..own.clone() }),
            ("look-alike url", Sender { url: Some(format!("chrome-extension://{ID}.evil.com/popup.html")), ..own.clone() }),
            ("file", Sender { origin: Some("file://".into()), url: Some("file:///tmp/x.html".into()), ..own.clone() }),
            ("data", Sender { origin: Some("null".into()), url: Some("data:text/html,hi".into()), ..own.clone() }),
            ("sub-frame", Sender { frame_id: Some(3), ..own.clone() }),
            ("missing origin", Sender { origin: None, ..own.clone() }),
            ("missing url", Sender { url: None, ..own.clone() }),
            ("other extension", Sender { id: Some("x".repeat(32)), ..own.clone() }),
            ("missing id", Sender { id: None, ..own.clone() }),
        ];
        for (name, s) in table {
            assert!(!is_own_page(&s, ID, &base), "{name}");
        }
        assert!(!is_own_page(&own, "", &base), "an empty own id matches nothing");
        for bad_base in ["", "/", "chrome-extension:///", "chrome-extension://", "://x/", &format!("chrome-extension://{ID}"), &format!("chrome-extension://{ID}/popup.html")] {
            assert!(!is_own_page(&own, ID, bad_base), "own base URL {bad_base:?} matches nothing");
        }
    }

    #[test]
    fn firefox_pages_are_named_by_their_uuid_not_the_add_on_id() {
        const GECKO: &str = "meetlink@example.org";
        const UUID: &str = "0b4d2f64-3a1e-4c2b-9f6e-5d8a7c1b2e3f";
        let base = format!("moz-extension://{UUID}/");
        let own = Sender { id: Some(GECKO.into()), origin: Some(format!("moz-extension://{UUID}")), url: Some(format!("moz-extension://{UUID}/popup.html")), frame_id: Some(0) };
        assert!(is_own_page(&own, GECKO, &base));
        let other = "9c1e2d3f-0000-4000-8000-000000000000";
        let table = [
            ("another add-on's page", Sender { id: Some("other@example.org".into()), origin: Some(format!("moz-extension://{other}")), url: Some(format!("moz-extension://{other}/popup.html")), ..own.clone() }),
            ("another uuid, our id", Sender { origin: Some(format!("moz-extension://{other}")), url: Some(format!("moz-extension://{other}/popup.html")), ..own.clone() }),
            ("the Chromium form", Sender { origin: Some(format!("chrome-extension://{UUID}")), url: Some(format!("chrome-extension://{UUID}/popup.html")), ..own.clone() }),
            ("a web page", Sender { origin: Some("https://evil.com".into()), url: Some("https://evil.com/".into()), ..own.clone() }),
            ("no origin", Sender { origin: None, ..own.clone() }),
        ];
        for (name, s) in table {
            assert!(!is_own_page(&s, GECKO, &base), "{name}");
        }
        assert!(!is_own_page(&own, UUID, &base), "the uuid is not the add-on id");
    }

    #[test]
    fn responses_serialize_as_the_popup_reads_them() {
        let link = MeetLink::parse("https://meet.google.com/abc-defg-hij").unwrap();
        let clip = Clip { text: "t".into(), html: "<a>".into() };
        assert_eq!(serde_json::to_value(&Response::Link { link, dial_in: None, clip: clip.clone() }).unwrap(),
            json!({"type": "link", "link": {"url": "https://meet.google.com/abc-defg-hij"}, "dialIn": null, "clip": {"text": "t", "html": "<a>"}}));
        assert_eq!(serde_json::to_value(&Response::Clip { clip }).unwrap(), json!({"type": "clip", "clip": {"text": "t", "html": "<a>"}}));
        assert_eq!(serde_json::to_value(&Response::Failed { problem: Problem::RateLimited }).unwrap(), json!({"type": "failed", "problem": "rateLimited"}));
        assert_eq!(serde_json::to_value(&Response::State { configured: false, last: None, account: None }).unwrap(), json!({"type": "state", "configured": false, "last": null, "account": null}));
        let account = Account { via: crate::auth::Via::Web, email: Some("me@example.com".into()) };
        assert_eq!(serde_json::to_value(&Response::Account { account }).unwrap(), json!({"type": "account", "account": {"via": "web", "email": "me@example.com"}}));
        let settings = serde_json::to_value(&Response::Settings { settings: Settings::default(), locked: vec!["title"] }).unwrap();
        assert_eq!(settings, json!({"type": "settings", "locked": ["title"], "settings": {"title": "Google Meet", "durationMinutes": 30,
            "keepEvent": false, "source": "calendar", "accessType": "TRUSTED", "template": "url", "notifications": true, "warmLink": true,
            "dialIn": false, "siteRules": [{"site": "github.com", "format": "markdown"}, {"site": "mail.google.com", "format": "rich"}],
            "entryPointAccess": "ALL", "moderation": false, "chatHostsOnly": false, "reactionsHostsOnly": false, "presentHostsOnly": false,
            "joinAsViewer": false, "autoRecording": false, "autoTranscription": false, "autoSmartNotes": false}}));
    }
}
