//! The Calendar request MeetLink sends and what it reads back (google-apis.md §1).

use crate::ids::ActionIds;
use crate::format::DialIn;
use crate::link::MeetLink;
use crate::settings::{AccessType, EntryPointAccess, LinkSource, Settings, SpacePreset};
use serde::{Deserialize, Serialize};
use std::time::{Duration, UNIX_EPOCH};

/// The one OAuth scope MeetLink asks for: the narrowest that allows insert, get and delete on the
/// user's primary calendar (google-apis.md §1.10). `build.sh` copies it into the manifest's
/// `oauth2.scopes`; a test keeps the two equal.
pub const SCOPE: &str = "https://www.googleapis.com/auth/calendar.events.owned";

/// The scope for the "Meet space" link source (`spaces.create`, google-apis.md §2): asked for only
/// when the user picks that source.
pub const MEET_SCOPE: &str = "https://www.googleapis.com/auth/meetings.space.created";

/// Who gets e-mail about an event with guests (`events.insert` `sendUpdates`, google-apis.md §1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SendUpdates {
    /// Every guest.
    All,
    /// Guests outside the user's organisation only.
    ExternalOnly,
    /// Nobody (the guests still see the event in their calendars).
    #[default]
    None,
}

/// What the user (or the defaults) want of the placeholder event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventSpec {
    /// The event's title.
    pub title: String,
    /// The user's IANA time zone, e.g. `Europe/Berlin` (from `Intl`).
    pub time_zone: String,
    /// Start, milliseconds since the epoch.
    pub start_ms: u64,
    /// Length in minutes.
    pub duration_min: u32,
    /// A real event that stays in the calendar (busy), not a placeholder deleted after the link.
    pub keep: bool,
    /// Guests' e-mail addresses (an invite). An event with guests is never deleted.
    pub attendees: Vec<String>,
    /// Who gets e-mail about it.
    pub send_updates: SendUpdates,
    /// A meeting the user set up (invite, schedule): the calendar's default reminders, not none.
    pub reminders: bool,
}

impl EventSpec {
    /// The defaults: "Google Meet", starting now, 30 minutes, deleted after the link is made.
    pub fn placeholder(time_zone: &str, now_ms: u64) -> Self {
        Self::new(&Settings::default(), time_zone, now_ms)
    }

    /// The event `settings` ask for, starting now.
    pub fn new(settings: &Settings, time_zone: &str, now_ms: u64) -> Self {
        EventSpec {
            title: settings.title.clone(),
            time_zone: time_zone.into(),
            start_ms: now_ms,
            duration_min: settings.duration_minutes,
            keep: settings.keep_event,
            attendees: Vec::new(),
            send_updates: SendUpdates::None,
            reminders: false,
        }
    }

    /// True when the event stays in the calendar: the user asked for it, or it has guests (who
    /// were invited to it).
    pub fn kept(&self) -> bool {
        self.keep || !self.attendees.is_empty()
    }
}

/// What one action creates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Making {
    /// A Calendar event with a Meet conference.
    Event(EventSpec),
    /// A Meet space with these settings.
    Space(SpacePreset),
}

/// The OAuth scope a link source needs.
pub fn scope_for(source: LinkSource) -> &'static str {
    match source {
        LinkSource::Calendar => SCOPE,
        LinkSource::Space => MEET_SCOPE,
    }
}

impl Making {
    /// What `settings` ask for, starting now.
    pub fn from(settings: &Settings, time_zone: &str, now_ms: u64) -> Self {
        match settings.source {
            LinkSource::Calendar => Making::Event(EventSpec::new(settings, time_zone, now_ms)),
            LinkSource::Space => Making::Space(settings.space_preset()),
        }
    }

    /// The OAuth scope it needs.
    pub fn scope(&self) -> &'static str {
        scope_for(self.source())
    }

    /// The history's label for it.
    pub fn title(&self) -> &str {
        match self {
            Making::Event(spec) => &spec.title,
            Making::Space(_) => "",
        }
    }

    /// Its link source.
    pub fn source(&self) -> LinkSource {
        match self {
            Making::Event(_) => LinkSource::Calendar,
            Making::Space(_) => LinkSource::Space,
        }
    }
}

/// `spaces.create` body: a `Space` with its config.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewSpace {
    /// `SpaceConfig`.
    pub config: SpaceConfig,
    /// The config asks for more than an access type (not sent).
    #[serde(skip)]
    pub asks_more: bool,
}

impl NewSpace {
    /// The create body for `preset`.
    pub fn new(preset: &SpacePreset) -> Self {
        NewSpace { config: SpaceConfig::from(preset), asks_more: preset.asks_more() }
    }
}

/// `ON` | `OFF`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum OnOff {
    /// On.
    On,
    /// Off.
    Off,
}

impl From<bool> for OnOff {
    fn from(on: bool) -> Self {
        if on {
            OnOff::On
        } else {
            OnOff::Off
        }
    }
}

/// `HOSTS_ONLY` | `NO_RESTRICTION`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Restriction {
    /// Only hosts.
    HostsOnly,
    /// Everyone.
    NoRestriction,
}

impl From<bool> for Restriction {
    fn from(hosts_only: bool) -> Self {
        if hosts_only {
            Restriction::HostsOnly
        } else {
            Restriction::NoRestriction
        }
    }
}

/// `SpaceConfig` (only what MeetLink sets). What is at Google's default is left out, so a plain
/// space asks nothing of the account's edition.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SpaceConfig {
    /// `OPEN` | `TRUSTED` | `RESTRICTED`.
    pub access_type: AccessType,
    /// `CREATOR_APP_ONLY` (sent only then).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry_point_access: Option<EntryPointAccess>,
    /// `ON` (sent only then).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moderation: Option<OnOff>,
    /// With moderation on: all four, as set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moderation_restrictions: Option<ModerationRestrictions>,
    /// The automatic artifacts that are on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub artifact_config: Option<ArtifactConfig>,
}

/// `SpaceConfig.moderationRestrictions`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ModerationRestrictions {
    /// Who may chat.
    pub chat_restriction: Restriction,
    /// Who may react.
    pub reaction_restriction: Restriction,
    /// Who may present.
    pub present_restriction: Restriction,
    /// People join as viewers.
    pub default_join_as_viewer_type: OnOff,
}

/// `SpaceConfig.artifactConfig`: only the generations that are on.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArtifactConfig {
    /// `{autoRecordingGeneration: ON}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recording_config: Option<RecordingConfig>,
    /// `{autoTranscriptionGeneration: ON}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transcription_config: Option<TranscriptionConfig>,
    /// `{autoSmartNotesGeneration: ON}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub smart_notes_config: Option<SmartNotesConfig>,
}

/// `RecordingConfig`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordingConfig {
    /// `ON`.
    pub auto_recording_generation: OnOff,
}

/// `TranscriptionConfig`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TranscriptionConfig {
    /// `ON`.
    pub auto_transcription_generation: OnOff,
}

/// `SmartNotesConfig`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SmartNotesConfig {
    /// `ON`.
    pub auto_smart_notes_generation: OnOff,
}

impl From<&SpacePreset> for SpaceConfig {
    fn from(p: &SpacePreset) -> Self {
        let on = |yes: bool| yes.then_some(OnOff::On);
        let artifacts = ArtifactConfig {
            recording_config: on(p.auto_recording).map(|g| RecordingConfig { auto_recording_generation: g }),
            transcription_config: on(p.auto_transcription).map(|g| TranscriptionConfig { auto_transcription_generation: g }),
            smart_notes_config: on(p.auto_smart_notes).map(|g| SmartNotesConfig { auto_smart_notes_generation: g }),
        };
        let any_artifact = p.auto_recording || p.auto_transcription || p.auto_smart_notes;
        SpaceConfig {
            access_type: p.access_type,
            entry_point_access: (p.entry_point_access != EntryPointAccess::All).then_some(p.entry_point_access),
            moderation: on(p.moderation),
            moderation_restrictions: p.moderation.then(|| ModerationRestrictions {
                chat_restriction: p.chat_hosts_only.into(),
                reaction_restriction: p.reactions_hosts_only.into(),
                present_restriction: p.present_hosts_only.into(),
                default_join_as_viewer_type: p.join_as_viewer.into(),
            }),
            artifact_config: any_artifact.then_some(artifacts),
        }
    }
}

impl SpacePreset {
    /// True when it asks for more than an access type (what an edition or an administrator may refuse).
    pub fn asks_more(&self) -> bool {
        let plain = SpacePreset { access_type: self.access_type, ..SpacePreset::default() };
        *self != plain
    }
}

/// `events.insert` body.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewEvent {
    /// Client event id (idempotency key).
    pub id: String,
    /// Title.
    pub summary: String,
    /// Start.
    pub start: EventTime,
    /// End (exclusive).
    pub end: EventTime,
    /// `transparent`: a placeholder must not mark the user busy; a kept event does (`opaque`).
    pub transparency: &'static str,
    /// No reminders for a placeholder; a meeting the user set up keeps the calendar's (absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reminders: Option<Reminders>,
    /// The guests (an invite).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attendees: Vec<Attendee>,
    /// The Meet create request.
    pub conference_data: NewConference,
}

/// `EventAttendee`: only the address is set; Google fills in the rest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attendee {
    /// The guest's e-mail address.
    pub email: String,
}

/// `EventDateTime` with a UTC `dateTime` and the user's zone.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventTime {
    /// RFC 3339, UTC.
    pub date_time: String,
    /// IANA zone the event belongs to.
    pub time_zone: String,
}

/// `reminders` with the calendar defaults switched off.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Reminders {
    /// Always false.
    pub use_default: bool,
    /// Always empty.
    pub overrides: [u8; 0],
}

/// `conferenceData` of a new event.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewConference {
    /// The create request.
    pub create_request: CreateRequest,
}

/// `conferenceData.createRequest`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateRequest {
    /// Fresh per action.
    pub request_id: String,
    /// `{type: "hangoutsMeet"}`.
    pub conference_solution_key: SolutionKey,
}

/// `ConferenceSolutionKey`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SolutionKey {
    /// `hangoutsMeet`.
    #[serde(rename = "type")]
    pub kind: &'static str,
}

impl NewEvent {
    /// The insert body for one action.
    pub fn new(ids: &ActionIds, spec: &EventSpec) -> Self {
        let at = |ms| EventTime { date_time: rfc3339_utc(ms), time_zone: spec.time_zone.clone() };
        NewEvent {
            id: ids.event_id.clone(),
            summary: spec.title.clone(),
            start: at(spec.start_ms),
            end: at(spec.start_ms + u64::from(spec.duration_min.max(1)) * 60_000),
            transparency: if spec.kept() { "opaque" } else { "transparent" },
            reminders: (!spec.reminders).then_some(Reminders { use_default: false, overrides: [] }),
            attendees: spec.attendees.iter().map(|email| Attendee { email: email.clone() }).collect(),
            conference_data: NewConference {
                create_request: CreateRequest {
                    request_id: ids.request_id.clone(),
                    conference_solution_key: SolutionKey { kind: "hangoutsMeet" },
                },
            },
        }
    }
}

/// Milliseconds since the epoch as an RFC 3339 UTC timestamp with whole seconds,
/// e.g. `2026-11-25T18:30:00Z`.
pub fn rfc3339_utc(epoch_ms: u64) -> String {
    humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_millis(epoch_ms)).to_string()
}

/// The part of an Event resource MeetLink reads — or of a Meet `Space`, whose one field of interest
/// is `meetingUri`. Unknown fields are ignored: Google adds fields.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Event {
    /// A Meet space's link (spaces only).
    pub meeting_uri: Option<String>,
    /// Event id.
    pub id: Option<String>,
    /// `confirmed` | `tentative` | `cancelled`.
    pub status: Option<String>,
    /// Read-only Meet link (fallback).
    pub hangout_link: Option<String>,
    /// Conference data.
    pub conference_data: Option<ConferenceData>,
}

/// `ConferenceData` (read side).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ConferenceData {
    /// Echo of the create request with its status.
    pub create_request: Option<CreateRequestEcho>,
    /// Entry points; `video` carries the Meet link.
    pub entry_points: Option<Vec<EntryPoint>>,
}

/// `createRequest` as Google returns it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CreateRequestEcho {
    /// The request id we sent.
    pub request_id: Option<String>,
    /// Its status.
    pub status: Option<RequestStatus>,
}

/// `ConferenceRequestStatus`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RequestStatus {
    /// `pending` | `success` | `failure`.
    pub status_code: Option<String>,
}

/// `EntryPoint` (only what we read).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct EntryPoint {
    /// `video` | `phone` | `sip` | `more`.
    pub entry_point_type: Option<String>,
    /// The URI.
    pub uri: Option<String>,
    /// Display text (a phone number as shown).
    pub label: Option<String>,
    /// A phone entry point's PIN.
    pub pin: Option<String>,
    /// A phone entry point's country.
    pub region_code: Option<String>,
}

/// Where an event's conference stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conference {
    /// The Meet link, validated.
    Ready(MeetLink),
    /// Google is still creating it: poll `events.get`.
    Pending,
    /// Google says the conference could not be created.
    Failed,
    /// The event has no conference at all (e.g. `conferenceDataVersion` was not honoured).
    Missing,
    /// A link is there but is not a Meet link; it is never handed out.
    NotMeet,
}

impl Event {
    /// The conference's dial-in numbers, if Google gave any (`crate::format::DialIn`).
    pub fn dial_in(&self) -> Option<DialIn> {
        DialIn::from_entry_points(self.conference_data.as_ref()?.entry_points.as_deref()?)
    }

    /// Reads the conference state: `pending`/`failure` first (both lack entry points and must not be
    /// confused, google-apis.md §1.5), then the `video` entry point, then `hangoutLink`.
    pub fn conference(&self) -> Conference {
        if let Some(uri) = self.meeting_uri.as_deref() {
            return MeetLink::parse(uri).map_or(Conference::NotMeet, Conference::Ready);
        }
        let cd = self.conference_data.as_ref();
        let code = cd
            .and_then(|c| c.create_request.as_ref())
            .and_then(|r| r.status.as_ref())
            .and_then(|s| s.status_code.as_deref());
        match code {
            Some("pending") => return Conference::Pending,
            Some("failure") => return Conference::Failed,
            _ => {}
        }
        let video = cd
            .and_then(|c| c.entry_points.as_ref())
            .and_then(|eps| eps.iter().find(|e| e.entry_point_type.as_deref() == Some("video")))
            .and_then(|e| e.uri.as_deref());
        match video.or(self.hangout_link.as_deref()) {
            Some(raw) => MeetLink::parse(raw).map_or(Conference::NotMeet, Conference::Ready),
            None => Conference::Missing,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ids() -> ActionIds {
        ActionIds { event_id: "0123456789abcdef0123456789abcdef".into(), request_id: "r-1".into() }
    }

    #[test]
    fn formats_utc() {
        for (ms, want) in [
            (0, "1970-01-01T00:00:00Z"),
            (1_764_095_400_999, "2025-11-25T18:30:00Z"),
            (951_782_400_000, "2000-02-29T00:00:00Z"),
            (4_102_444_799_000, "2099-12-31T23:59:59Z"),
        ] {
            assert_eq!(rfc3339_utc(ms), want);
        }
    }

    #[test]
    fn insert_body_shape() {
        let spec = EventSpec::placeholder("Europe/Berlin", 1_764_095_400_000);
        let body = serde_json::to_value(NewEvent::new(&ids(), &spec)).unwrap();
        assert_eq!(
            body,
            json!({
                "id": "0123456789abcdef0123456789abcdef",
                "summary": "Google Meet",
                "start": {"dateTime": "2025-11-25T18:30:00Z", "timeZone": "Europe/Berlin"},
                "end": {"dateTime": "2025-11-25T19:00:00Z", "timeZone": "Europe/Berlin"},
                "transparency": "transparent",
                "reminders": {"useDefault": false, "overrides": []},
                "conferenceData": {"createRequest": {
                    "requestId": "r-1",
                    "conferenceSolutionKey": {"type": "hangoutsMeet"}
                }}
            })
        );
    }

    fn read(v: serde_json::Value) -> Conference {
        serde_json::from_value::<Event>(v).unwrap().conference()
    }

    const LINK: &str = "https://meet.google.com/abc-defg-hij";

    #[test]
    fn every_response_shape() {
        let ok = Conference::Ready(MeetLink::parse(LINK).unwrap());
        let success = json!({"requestId": "r-1", "conferenceSolutionKey": {"type": "hangoutsMeet"}, "status": {"statusCode": "success"}});
        let table = vec![
            // three entry points, as in google-apis.md §1.2
            (json!({"kind": "calendar#event", "id": "x", "hangoutLink": LINK, "conferenceData": {
                "createRequest": success,
                "entryPoints": [
                    {"entryPointType": "video", "uri": LINK, "label": "meet.google.com/abc-defg-hij"},
                    {"entryPointType": "more", "uri": "https://tel.meet/abc-defg-hij?pin=1"},
                    {"entryPointType": "phone", "uri": "tel:+1-402-410-2193", "pin": "5"}],
                "conferenceSolution": {"key": {"type": "hangoutsMeet"}, "name": "Google Meet"},
                "conferenceId": "abc-defg-hij"}}), ok.clone()),
            // video entry point only (personal accounts), phone listed first elsewhere
            (json!({"conferenceData": {"entryPoints": [{"entryPointType": "phone", "uri": "tel:+1"}, {"entryPointType": "video", "uri": LINK}]}}), ok.clone()),
            // hangoutLink only
            (json!({"hangoutLink": LINK}), ok.clone()),
            // entry point wins over a different hangoutLink
            (json!({"hangoutLink": "https://meet.google.com/zzz-zzzz-zzz", "conferenceData": {"entryPoints": [{"entryPointType": "video", "uri": LINK}]}}), ok),
            (json!({"conferenceData": {"createRequest": {"requestId": "r", "status": {"statusCode": "pending"}}}}), Conference::Pending),
            (json!({"conferenceData": {"createRequest": {"requestId": "r", "status": {"statusCode": "failure"}}}}), Conference::Failed),
            (json!({"id": "x", "summary": "no conferenceDataVersion"}), Conference::Missing),
            (json!({"hangoutLink": "javascript:alert(1)"}), Conference::NotMeet),
            (json!({"conferenceData": {"entryPoints": [{"entryPointType": "video", "uri": "https://evil.example/abc-defg-hij"}]}}), Conference::NotMeet),
            (json!({"hangoutLink": null, "conferenceData": null}), Conference::Missing),
        ];
        for (v, want) in table {
            assert_eq!(read(v.clone()), want, "{v}");
        }
    }
}
