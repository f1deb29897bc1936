//! The in-flight action record. Chrome may stop the service worker at any moment (30 s idle, or
//! whenever it likes); everything needed to finish an action — its ids, its event, where the link
//! goes — is written to `chrome.storage.session` before the first request, and a worker that wakes
//! up and finds a record it is not running itself resumes it: the same client id is inserted again
//! (409 → GET if the first insert landed), so the resumed action can never make a second event.

use crate::prelude::*;
use crate::calendar::{EventSpec, Making};
use crate::settings::AccessType;
use crate::ids::ActionIds;
use crate::json::{FromJson, Json, Obj, ToJson};

/// Storage key prefix: one key per action, so concurrent actions never overwrite each other.
pub const PREFIX: &str = "inflight.";
/// A record older than this is not resumed; its event (if any) is cleaned up.
pub const MAX_AGE_MS: u64 = 10 * 60_000;
/// How many wakes may try to resume one action (e.g. while no token can be had without a prompt).
pub const MAX_RESUMES: u32 = 5;

/// Where the link goes when it is ready.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    },
}

/// One action in flight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inflight {
    /// Client event id.
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
    pub keep: bool,
    /// A Meet space with this access type instead of an event.
    pub space: Option<AccessType>,
    /// Where the link goes.
    pub destination: Destination,
    /// When the action began.
    pub started_ms: u64,
    /// How many wakes have tried to resume it.
    pub resumes: u32,
}

/// Written as `{"kind": "popup" | "warm" | "page", …}`; unknown fields refused.
impl FromJson for Destination {
    fn from_json(v: &Json) -> Option<Self> {
        let f = v.fields()?;
        match f.req::<String>("kind")?.as_str() {
            "popup" => f.only(&["kind"]).map(|()| Destination::Popup {}),
            "warm" => f.only(&["kind"]).map(|()| Destination::Warm {}),
            "page" => {
                f.only(&["kind", "tabId", "frameId", "nonce"])?;
                Some(Destination::Page { tab_id: f.opt("tabId")?, frame_id: f.req("frameId")?, nonce: f.req("nonce")? })
            }
            _ => None,
        }
    }
}

impl ToJson for Destination {
    fn to_json(&self) -> Json {
        match self {
            Destination::Popup {} => Obj::new().with("kind", "popup"),
            Destination::Warm {} => Obj::new().with("kind", "warm"),
            Destination::Page { tab_id, frame_id, nonce } => {
                Obj::new().with("kind", "page").with("tabId", *tab_id).with("frameId", *frame_id).with("nonce", nonce)
            }
        }
        .done()
    }
}

// A record is only ever written by this code: unknown fields refused.
crate::json_record!(both strict Inflight {
    event_id: "eventId" req,
    request_id: "requestId" req,
    title: "title" req,
    time_zone: "timeZone" req,
    start_ms: "startMs" req,
    duration_min: "durationMin" req,
    keep: "keep" default,
    space: "space" skip,
    destination: "destination" req,
    started_ms: "startedMs" req,
    resumes: "resumes" req,
});

/// What a waking worker does with a record it finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnWake {
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
            Making::Space(access) => (EventSpec::placeholder("UTC", now_ms), Some(*access)),
        };
        Inflight {
            event_id: ids.event_id.clone(),
            request_id: ids.request_id.clone(),
            title: spec.title,
            time_zone: spec.time_zone,
            start_ms: spec.start_ms,
            duration_min: spec.duration_min,
            keep: spec.keep,
            space,
            destination,
            started_ms: now_ms,
            resumes: 0,
        }
    }

    /// Its storage key.
    pub fn key(&self) -> String {
        crate::text::concat(&[PREFIX, &self.event_id])
    }

    /// The action's ids, as first generated.
    pub fn ids(&self) -> ActionIds {
        ActionIds { event_id: self.event_id.clone(), request_id: self.request_id.clone() }
    }

    /// What the action makes, exactly as first specified (same start and end on every attempt).
    pub fn making(&self) -> Making {
        match self.space {
            Some(access) => Making::Space(access),
            None => Making::Event(EventSpec {
                title: self.title.clone(),
                time_zone: self.time_zone.clone(),
                start_ms: self.start_ms,
                duration_min: self.duration_min,
                keep: self.keep,
            }),
        }
    }

    /// The event to delete when the action is given up (a space has none).
    pub fn event_to_clean(&self) -> Option<&str> {
        self.space.is_none().then_some(self.event_id.as_str())
    }

    /// Decides what a waking worker does with this record.
    pub fn on_wake(&self, now_ms: u64) -> OnWake {
        // Nobody waits for a warm link: its event is cleaned up, silently; the next trigger makes another.
        if self.destination == (Destination::Warm {}) {
            OnWake::GiveUp { tell: false }
        } else if now_ms.saturating_sub(self.started_ms) > MAX_AGE_MS || self.resumes >= MAX_RESUMES {
            OnWake::GiveUp { tell: true }
        } else {
            OnWake::Resume
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(destination: Destination) -> Inflight {
        let ids = ActionIds { event_id: "abcdef0123".into(), request_id: "r".into() };
        Inflight::new(&ids, &Making::Event(EventSpec::placeholder("Europe/Paris", 1000)), destination, 5000)
    }

    #[test]
    fn round_trips_through_storage_json() {
        for d in [Destination::Popup {}, Destination::Page { tab_id: Some(3), frame_id: 0, nonce: "n".into() }, Destination::Page { tab_id: None, frame_id: 0, nonce: "n".into() }] {
            let r = record(d);
            let v = crate::json::to_value(&r);
            assert_eq!(crate::json::from_value::<Inflight>(v).unwrap(), r);
        }
        let v = crate::json::to_value(&record(Destination::Page { tab_id: Some(3), frame_id: 2, nonce: "n".into() }));
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
        let space = Inflight::new(&ids, &Making::Space(AccessType::Open), Destination::Popup {}, 5000);
        let back: Inflight = crate::json::from_value(crate::json::to_value(&space)).unwrap();
        assert_eq!((back.making(), back.event_to_clean()), (Making::Space(AccessType::Open), None));
    }

    #[test]
    fn wake_decisions() {
        let r = record(Destination::Popup {});
        assert_eq!(r.on_wake(5000), OnWake::Resume);
        assert_eq!(r.on_wake(5000 + MAX_AGE_MS), OnWake::Resume);
        assert_eq!(r.on_wake(5001 + MAX_AGE_MS), OnWake::GiveUp { tell: true });
        assert_eq!(Inflight { resumes: MAX_RESUMES, ..r.clone() }.on_wake(5000), OnWake::GiveUp { tell: true });
        assert_eq!(Inflight { resumes: MAX_RESUMES - 1, ..r }.on_wake(5000), OnWake::Resume);
        assert_eq!(record(Destination::Warm {}).on_wake(5000), OnWake::GiveUp { tell: false }, "a warm link's event is cleaned up, not resumed, nobody told");
    }

    #[test]
    fn malformed_records_are_rejected() {
        assert!(crate::json::from_value::<Inflight>(json!({"eventId": "x"})).is_none());
        let mut v = crate::json::to_value(&record(Destination::Popup {}));
        v["token"] = json!("ya29.secret");
        assert!(crate::json::from_value::<Inflight>(v).is_none(), "unknown fields denied");
    }
}
