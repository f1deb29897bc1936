//! The warm link: one link made before it is asked for, so a trigger needs no network at all.
//!
//! Rules (issue "Instant links"): made in the background after a link is delivered, at sign-in and
//! when the popup opens; kept in `chrome.storage.session` tagged with its account and its kind; handed
//! out at most once (taken and removed in one turn of the worker's storage queue, so two tabs racing
//! for it cannot both get it); discarded on sign-out, on an account switch, when the settings no
//! longer match it, and after [`MAX_AGE_MS`]. Its placeholder event is deleted as soon as the link
//! exists, exactly like any other (the link outlives the event), so a warm link never leaves an
//! event behind however long it waits. Only links whose request does not depend on the moment of the
//! trigger are made ahead: a deleted placeholder, or a Meet space — not a kept event, whose start is
//! "now". A trigger that comes while one is being made (the browser's start, a popup just opened, the
//! link just before) waits for it, up to [`WAIT_FOR_MAKING_MS`], rather than making a second.

use crate::link::MeetLink;
use crate::settings::{LinkSource, Settings};
use crate::format::DialIn;
use serde::{Deserialize, Serialize};

/// Storage key (`storage.session`).
pub const KEY: &str = "warmLink";
/// A warm link older than this is not handed out.
pub const MAX_AGE_MS: u64 = 60 * 60_000;
/// How long a trigger waits for a link being made ahead before it makes its own. The link being
/// made was asked for earlier than any new one could be, so it is nearer — one Calendar round trip
/// at most; a make slower than this (Google slow, a back-off after a rate limit) is not waited for
/// any longer, and the trigger's own request goes out.
pub const WAIT_FOR_MAKING_MS: u64 = 2_000;

/// A link made ahead of time. Only this code writes it: unknown fields refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WarmLink {
    /// The link.
    pub url: String,
    /// The account it was made with ([`crate::auth::account_key`]).
    pub account: String,
    /// What it is ([`kind`]).
    pub kind: String,
    /// When it was made, ms since the epoch.
    pub made_ms: u64,
    /// Its dial-in numbers, when Google gave some.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dial_in: Option<DialIn>,
}

/// What a warm link for `settings` must be, or `None` when none may be made ahead (turned off, or a
/// kept event).
pub fn kind(settings: &Settings) -> Option<String> {
    if !settings.warm_link {
        return None;
    }
    let source = crate::wire_name(settings.source);
    match settings.source {
        LinkSource::Calendar if settings.keep_event => None,
        LinkSource::Calendar => Some(source),
        // "space:OPEN": a space of another access type is another kind; with presets, their JSON too.
        LinkSource::Space => {
            let preset = settings.space_preset();
            let more = if preset.asks_more() { format!(":{}", serde_json::to_string(&preset).unwrap_or_default()) } else { String::new() };
            Some(format!("{source}:{}{more}", crate::wire_name(settings.access_type)))
        }
    }
}

impl WarmLink {
    /// The link, validated again, if it may be handed out now to `account` under `settings`.
    pub fn usable(&self, account: &str, settings: &Settings, now_ms: u64) -> Option<MeetLink> {
        let fits = self.account == account
            && kind(settings).as_deref() == Some(self.kind.as_str())
            && now_ms.saturating_sub(self.made_ms) <= MAX_AGE_MS;
        fits.then(|| MeetLink::parse(&self.url)).flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::AccessType;

    #[test]
    fn when_a_warm_link_may_be_used() {
        let base = Settings::default();
        let warm = WarmLink { url: "https://meet.google.com/abc-defg-hij".into(), account: "web:a@example.com".into(), kind: "calendar".into(), made_ms: 1_000, dial_in: None };
        let space = Settings { source: LinkSource::Space, access_type: AccessType::Open, ..base.clone() };
        let table = [
            ("same account, fresh", &warm, "web:a@example.com", &base, 2_000, true),
            ("another account", &warm, "web:b@example.com", &base, 2_000, false),
            ("the browser's account", &warm, "chrome", &base, 2_000, false),
            ("just at max age", &warm, "web:a@example.com", &base, 1_000 + MAX_AGE_MS, true),
            ("too old", &warm, "web:a@example.com", &base, 1_001 + MAX_AGE_MS, false),
            ("turned off", &warm, "web:a@example.com", &Settings { warm_link: false, ..base.clone() }, 2_000, false),
            ("now keeping events", &warm, "web:a@example.com", &Settings { keep_event: true, ..base.clone() }, 2_000, false),
            ("now Meet spaces", &warm, "web:a@example.com", &space, 2_000, false),
        ];
        for (name, w, account, settings, now, want) in table {
            assert_eq!(w.usable(account, settings, now).is_some(), want, "{name}");
        }
        let warm_space = WarmLink { kind: "space:OPEN".into(), ..warm.clone() };
        assert_eq!(warm_space.usable("web:a@example.com", &space, 2_000).map(|l| l.code().to_owned()).as_deref(), Some("abc-defg-hij"));
        assert!(warm_space.usable("web:a@example.com", &Settings { access_type: AccessType::Restricted, ..space.clone() }, 2_000).is_none());
        assert!(warm_space.usable("web:a@example.com", &Settings { auto_recording: true, ..space }, 2_000).is_none(), "a preset changed: another kind");
        let bad = WarmLink { url: "javascript:alert(1)".into(), ..warm };
        assert!(bad.usable("web:a@example.com", &base, 2_000).is_none(), "validated again when read");
    }

    #[test]
    fn what_may_be_made_ahead() {
        assert_eq!(kind(&Settings::default()).as_deref(), Some("calendar"));
        assert_eq!(kind(&Settings { keep_event: true, ..Settings::default() }), None);
        assert_eq!(kind(&Settings { warm_link: false, ..Settings::default() }), None);
        assert_eq!(kind(&Settings { source: LinkSource::Space, ..Settings::default() }).as_deref(), Some("space:TRUSTED"));
    }
}
