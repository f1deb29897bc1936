//! Where Google lives. Production builds use Google's hosts; `./build.sh --google-base URL` bakes one
//! base URL in at compile time (`MEETLINK_GOOGLE_BASE`) under which every endpoint keeps Google's own
//! path, so the same code talks to `tests/fake_google` or anyone's stand-in. A production build never
//! contains a test URL: the variable is read by `option_env!`, not at run time.

use crate::calendar::SendUpdates;

/// Every Google endpoint MeetLink talks to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    /// Calendar API v3 root, without a trailing slash.
    pub calendar: String,
    /// Meet REST API v2 root, without a trailing slash.
    pub meet: String,
    /// OAuth 2.0 authorization endpoint.
    pub auth: String,
    /// OAuth 2.0 token endpoint.
    pub token: String,
    /// OAuth 2.0 revocation endpoint.
    pub revoke: String,
    /// OAuth 2.0 tokeninfo endpoint.
    pub tokeninfo: String,
}

impl Endpoints {
    /// Google's real endpoints (google-apis.md §1.0, §3, §5).
    pub fn production() -> Self {
        Endpoints {
            calendar: "https://www.googleapis.com/calendar/v3".into(),
            meet: "https://meet.googleapis.com/v2".into(),
            auth: "https://accounts.google.com/o/oauth2/v2/auth".into(),
            token: "https://oauth2.googleapis.com/token".into(),
            revoke: "https://oauth2.googleapis.com/revoke".into(),
            tokeninfo: "https://oauth2.googleapis.com/tokeninfo".into(),
        }
    }

    /// Every endpoint under one base URL, with Google's paths.
    pub fn under(base: &str) -> Self {
        let b = base.trim_end_matches('/');
        Endpoints {
            calendar: format!("{b}/calendar/v3"),
            meet: format!("{b}/v2"),
            auth: format!("{b}/o/oauth2/v2/auth"),
            token: format!("{b}/token"),
            revoke: format!("{b}/revoke"),
            tokeninfo: format!("{b}/tokeninfo"),
        }
    }

    /// The endpoints this build was made for.
    pub fn for_build() -> Self {
        match option_env!("MEETLINK_GOOGLE_BASE") {
            Some(base) if !base.is_empty() => Self::under(base),
            _ => Self::production(),
        }
    }

    /// `events.insert` on the primary calendar. `conferenceDataVersion=1` is what makes Google honour
    /// `conferenceData.createRequest` (google-apis.md §1.1: with 0 it is dropped silently);
    /// `sendUpdates`: `none` for a placeholder (nobody is invited); an invite's, as the user chose.
    pub fn insert_event(&self, send_updates: SendUpdates) -> String {
        format!("{}/calendars/primary/events?conferenceDataVersion=1&sendUpdates={}", self.calendar, crate::wire_name(send_updates))
    }

    /// `spaces.create` (Meet REST API v2).
    pub fn spaces(&self) -> String {
        format!("{}/spaces", self.meet)
    }

    /// `events.get` / `events.delete` of one event on the primary calendar. Ids are base32hex, so
    /// they need no escaping.
    pub fn event(&self, event_id: &str) -> String {
        format!("{}/calendars/primary/events/{event_id}", self.calendar)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn under_keeps_googles_paths() {
        let e = Endpoints::under("http://127.0.0.1:7357/");
        assert_eq!(e.calendar, "http://127.0.0.1:7357/calendar/v3");
        assert_eq!(e.meet, "http://127.0.0.1:7357/v2");
        assert_eq!(e.auth, "http://127.0.0.1:7357/o/oauth2/v2/auth");
        assert_eq!(e.token, "http://127.0.0.1:7357/token");
        assert_eq!(e.revoke, "http://127.0.0.1:7357/revoke");
        assert_eq!(e.tokeninfo, "http://127.0.0.1:7357/tokeninfo");
        assert_eq!(
            e.insert_event(SendUpdates::None),
            "http://127.0.0.1:7357/calendar/v3/calendars/primary/events?conferenceDataVersion=1&sendUpdates=none"
        );
        assert!(e.insert_event(SendUpdates::ExternalOnly).ends_with("&sendUpdates=externalOnly"));
        assert!(e.insert_event(SendUpdates::All).ends_with("&sendUpdates=all"));
    }

    #[test]
    fn production_is_google() {
        let e = Endpoints::production();
        assert!(e.insert_event(SendUpdates::None).starts_with("https://www.googleapis.com/calendar/v3/calendars/primary/events?"));
        assert_eq!(e.event("abc12"), "https://www.googleapis.com/calendar/v3/calendars/primary/events/abc12");
    }
}
