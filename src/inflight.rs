//! The in-flight action record. Chrome may stop the service worker at any moment (30 s idle, or
//! whenever it likes); everything needed to finish an action — its ids, its event, where the link
//! goes — is written to `chrome.storage.session` before the first request, and a worker that wakes
//! up and finds a record it is not running itself resumes it: the same client id is inserted again
//! (409 → GET if the first insert landed), so the resumed action can never make a second event.

use crate::calendar::{EventSpec, Making, SendUpdates};
use crate::ids::ActionIds;
use crate::settings::SpacePreset;
use serde::{Deserialize, Serialize};

/// Storage key prefix: one key per action, so concurrent actions never overwrite each other.
pub const PREFIX: &str = "inflight.";
/// A record older than this is not resumed; its event (if any) is cleaned up.
pub const MAX_AGE_MS: u64 = 10 * 60_000;
/// How many wakes may try to resume one action (e.g. while no token can be had without a prompt).
pub const MAX_RESUMES: u32 = 5;

/// Where the link goes when it is ready. Written as `{"kind": "popup" | "warm" | "page", …}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase", deny_unknown_fields)]
pub enum Destination {
    /// The popup asked and shows it.
    Popup {},
    /// Nobody yet: the warm link, made ahead of a trigger (`crate::warm`).
    Warm {},
    /// A page: the field `findTarget` recorded under `nonce` in that frame, or the clipboard.
    Page {
        /// The tab, if the trigger had one.
        tab_id: Option<i32>,
        /// The frame.
        frame_id: i32,
        /// The per-action nonce the page-side target is stored under.
        nonce: String,
        /// The draft of a confirmed meeting (Invite, Schedule), whose window learns the outcome.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        draft: Option<String>,
    },
}

/// One action in flight. Only this code writes it: unknown fields refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Inflight {
    /// Client event id.
    #[serde(deserialize_with = "crate::ids::stored_event_id")]
    pub event_id: String,
    /// Conference request id.
    pub request_id: String,
    /// Event title.
    pub title: String,
    /// Event time zone.
    pub time_zone: String,
    /// Event start.
    pub start_ms: u64,
    /// Event length.
    pub duration_min: u32,
    /// The event is kept, not deleted after the link.
    #[serde(default)]
    pub keep: bool,
    /// The guests (an invite): the event is kept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attendees: Vec<String>,
    /// Who gets e-mail about it.
    #[serde(default)]
    pub send_updates: SendUpdates,
    /// The calendar's default reminders (a meeting the user set up).
    #[serde(default)]
    pub reminders: bool,
    /// A Meet space with these settings instead of an event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub space: Option<SpacePreset>,
    /// Where the link goes.
    pub destination: Destination,
    /// When the action began.
    pub started_ms: u64,
    /// How many wakes have tried to resume it.
    pub resumes: u32,
}

/// What a worker does with a record of an action it is not running itself (an orphan: the worker
/// that started it was stopped).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Orphan {
    /// Finish it.
    Resume,
    /// Give up: clean up its event, and tell the user if `tell` (someone was waiting for the link).
    GiveUp {
        /// Tell the user (false for a warm link: nobody asked for it yet).
        tell: bool,
    },
}

impl Inflight {
    /// A new record.
    pub fn new(ids: &ActionIds, making: &Making, destination: Destination, now_ms: u64) -> Self {
        let (spec, space) = match making {
            Making::Event(spec) => (spec.clone(), None),
            Making::Space(preset) => (EventSpec::placeholder("UTC", now_ms), Some(*preset)),
        };
        Inflight {
            event_id: ids.event_id.clone(),
            request_id: ids.request_id.clone(),
            title: spec.title,
            time_zone: spec.time_zone,
            start_ms: spec.start_ms,
            duration_min: spec.duration_min,
            keep: spec.keep,
            attendees: spec.attendees,
            send_updates: spec.send_updates,
            reminders: spec.reminders,
            space,
            destination,
            started_ms: now_ms,
            resumes: 0,
        }
    }

    /// The same action, started again now (a confirmation's "Try again"): the same ids and event,
    /// the resume budget new.
    pub fn restarted(&self, now_ms: u64) -> Self {
        Inflight { started_ms: now_ms, resumes: 0, ..self.clone() }
    }

    /// Its storage key.
    pub fn key(&self) -> String {
        format!("{PREFIX}{}", self.event_id)
    }

    /// The action's ids, as first generated.
    pub fn ids(&self) -> ActionIds {
        ActionIds { event_id: self.event_id.clone(), request_id: self.request_id.clone() }
    }

    /// What the action makes, exactly as first specified (same start and end on every attempt).
    pub fn making(&self) -> Making {
        match self.space {
            Some(preset) => Making::Space(preset),
            None => Making::Event(EventSpec {
                title: self.title.clone(),
                time_zone: self.time_zone.clone(),
                start_ms: self.start_ms,
                duration_min: self.duration_min,
                keep: self.keep,
                attendees: self.attendees.clone(),
                send_updates: self.send_updates,
                reminders: self.reminders,
            }),
        }
    }

    /// The event to delete when the action is given up (a space has none). A meeting the user
    /// confirmed (Invite, Schedule: the calendar's reminders) is never deleted: the user asked for
    /// it, "Try again" finds it by its id, and a delete would e-mail its guests a cancellation.
    pub fn event_to_clean(&self) -> Option<&str> {
        (self.space.is_none() && !self.reminders && self.attendees.is_empty()).then_some(self.event_id.as_str())
    }

    /// Decides what to do with this record when it is found orphaned.
    pub fn when_orphaned(&self, now_ms: u64) -> Orphan {
        // Nobody waits for a warm link: its event is cleaned up, silently; the next trigger makes another.
        if self.destination == (Destination::Warm {}) {
            Orphan::GiveUp { tell: false }
        } else if now_ms.saturating_sub(self.started_ms) > MAX_AGE_MS || self.resumes >= MAX_RESUMES {
            Orphan::GiveUp { tell: true }
        } else {
            Orphan::Resume
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::AccessType;
    use serde_json::json;

    fn record(destination: Destination) -> Inflight {
        let ids = ActionIds { event_id: "abcdef0123".into(), request_id: "r".into() };
        Inflight::new(&ids, &Making::Event(EventSpec::placeholder("Europe/Paris", 1000)), destination, 5000)
    }

    #[test]
    fn round_trips_through_storage_json() {
        for d in [Destination::Popup {}, Destination::Page { tab_id: Some(3), frame_id: 0, nonce: "n".into(), draft: None }, Destination::Page { tab_id: None, frame_id: 0, nonce: "n".into(), draft: Some("d1".into()) }] {
            let r = record(d);
            let v = serde_json::to_value(&r).unwrap();
            assert_eq!(serde_json::from_value::<Inflight>(v).unwrap(), r);
        }
        let v = serde_json::to_value(record(Destination::Page { tab_id: Some(3), frame_id: 2, nonce: "n".into(), draft: None })).unwrap();
        assert_eq!(v["destination"], json!({"kind": "page", "tabId": 3, "frameId": 2, "nonce": "n"}));
        assert_eq!(v["eventId"], "abcdef0123");
    }

    #[test]
    fn same_ids_and_event_on_resume() {
        let r = record(Destination::Popup {});
        assert_eq!(r.ids().event_id, "abcdef0123");
        assert_eq!(r.making(), Making::Event(EventSpec::placeholder("Europe/Paris", 1000)));
        assert_eq!(r.key(), "inflight.abcdef0123");
        assert_eq!(r.event_to_clean(), Some("abcdef0123"));
        let ids = r.ids();
        let preset = SpacePreset { access_type: AccessType::Open, moderation: true, auto_recording: true, ..SpacePreset::default() };
        let space = Inflight::new(&ids, &Making::Space(preset), Destination::Popup {}, 5000);
        let back: Inflight = serde_json::from_value(serde_json::to_value(&space).unwrap()).unwrap();
        assert_eq!((back.making(), back.event_to_clean()), (Making::Space(preset), None));
        // An invite resumes with its guests and who is e-mailed, and is never cleaned up.
        let spec = EventSpec { attendees: vec!["a@example.com".into()], send_updates: SendUpdates::ExternalOnly, reminders: true, keep: true, ..EventSpec::placeholder("UTC", 1000) };
        let invite = Inflight::new(&ids, &Making::Event(spec.clone()), Destination::Popup {}, 5000);
        let back: Inflight = serde_json::from_value(serde_json::to_value(&invite).unwrap()).unwrap();
        assert_eq!((back.making(), back.event_to_clean()), (Making::Event(spec), None));
    }

    #[test]
    fn wake_decisions() {
        let r = record(Destination::Popup {});
        assert_eq!(r.when_orphaned(5000), Orphan::Resume);
        assert_eq!(r.when_orphaned(5000 + MAX_AGE_MS), Orphan::Resume);
        assert_eq!(r.when_orphaned(5001 + MAX_AGE_MS), Orphan::GiveUp { tell: true });
        assert_eq!(Inflight { resumes: MAX_RESUMES, ..r.clone() }.when_orphaned(5000), Orphan::GiveUp { tell: true });
        assert_eq!(Inflight { resumes: MAX_RESUMES - 1, ..r }.when_orphaned(5000), Orphan::Resume);
        assert_eq!(record(Destination::Warm {}).when_orphaned(5000), Orphan::GiveUp { tell: false }, "a warm link's event is cleaned up, not resumed, nobody told");
    }

    #[test]
    fn malformed_records_are_rejected() {
        let read = |v: serde_json::Value| crate::stored::one::<Inflight>(v);
        assert!(read(json!({"eventId": "x"})).is_none());
        let good = serde_json::to_value(record(Destination::Popup {})).unwrap();
        assert!(read(good.clone()).is_some());
        let mut v = good.clone();
        v["token"] = json!("ya29.secret");
        assert!(read(v).is_none(), "unknown fields denied");
        for destination in [json!({"kind": "popup", "x": 1}), json!({"kind": "tab"}), json!({"kind": "page", "frameId": 0}), json!("popup")] {
            let mut v = good.clone();
            v["destination"] = destination.clone();
            assert!(read(v).is_none(), "{destination}");
        }
    }
}
