//! "Invite" and "Schedule": a real meeting, set up from where the user is. The trigger (a menu item,
//! the popup) writes a [`Draft`] — the people found on the page, the time read from the selection —
//! that an extension page shows for confirmation; the user's [`Confirmed`] answer is checked again
//! here and becomes an event that is kept, with its guests and who gets e-mail (google-apis.md §1.1).
//! The page's text and the confirmation page's answer are both input: every address is validated,
//! every list and string capped.

use crate::calendar::{EventSpec, SendUpdates};
use crate::errors::Problem;
use crate::format::DialIn;
use crate::inflight::Inflight;
use crate::link::MeetLink;
use crate::schedule::{self, Refusal, Zone};
use crate::settings::{cut_title, Settings, DEFAULT_TITLE, DURATIONS};
use serde::{Deserialize, Serialize};
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

/// Most guests one meeting takes from a page or the confirmation (Calendar allows more; a page
/// that offers more is not a list of people the user chose).
pub const MAX_GUESTS: usize = 50;
/// Longest text read from a page (the selection), in characters.
pub const MAX_PAGE_TEXT: usize = 5_000;
/// Storage key prefix of drafts (`storage.session`).
pub const PREFIX: &str = "draft.";
/// A draft older than this is not made any more (the page it came from has moved on).
pub const MAX_AGE_MS: u64 = 60 * 60_000;

/// What the user asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Kind {
    /// Invite the people on the page.
    Invite,
    /// A meeting at the time in the selected text.
    Schedule,
}

/// An address as Google takes it, or `None`: a local part of the characters RFC 5322 allows in a
/// dot-atom (no leading, trailing or double dot, ≤ 64), `@`, a domain of two or more labels of
/// letters, digits and inner hyphens, the last one letters (≤ 253). The domain is lower-cased.
pub fn valid_email(raw: &str) -> Option<String> {
    let (local, domain) = raw.trim().rsplit_once('@')?;
    let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-.".contains(c);
    let local_ok = (1..=64).contains(&local.len())
        && local.chars().all(atext)
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..");
    let domain = domain.to_ascii_lowercase();
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |l: &&str| {
        (1..=63).contains(&l.len()) && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') && !l.starts_with('-') && !l.ends_with('-')
    };
    let tld_ok = labels.last().is_some_and(|t| t.len() >= 2 && t.bytes().all(|b| b.is_ascii_alphabetic()));
    let domain_ok = domain.len() <= 253 && labels.len() >= 2 && labels.iter().all(label_ok) && tld_ok;
    (local_ok && domain_ok).then(|| format!("{local}@{domain}"))
}

/// The addresses in `text`, in order, each once (compared without case), at most [`MAX_GUESTS`]:
/// `Ana <ana@example.com>, bo@example.org; mailto:cy@example.net.` gives three.
pub fn emails_in(text: &str) -> Vec<String> {
    let text: String = text.chars().take(MAX_PAGE_TEXT).collect();
    let words = text.split(|c: char| c.is_whitespace() || ",;<>()[]\"".contains(c));
    let mut out = Vec::new();
    for word in words {
        let word = word.strip_prefix("mailto:").unwrap_or(word).trim_matches(|c: char| ".:'!?".contains(c));
        push_guest(&mut out, word);
    }
    out
}

/// Adds `raw` to `guests` if it is a valid address not yet there and there is room.
fn push_guest(guests: &mut Vec<String>, raw: &str) {
    if let Some(email) = valid_email(raw) {
        if guests.len() < MAX_GUESTS && !guests.iter().any(|g| g.eq_ignore_ascii_case(&email)) {
            guests.push(email);
        }
    }
}

/// What the page offered: the selected text and, on a known mail client, the recipients of the
/// compose window that holds the focus.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Offered {
    /// The selection's text.
    pub selection: String,
    /// The addresses in the compose window's To.
    pub to: Vec<String>,
    /// The addresses in its Cc.
    pub cc: Vec<String>,
}

/// Where a guest came from, shown beside each one: a page chooses what it offers, so the user sees
/// which addresses it put there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Found {
    /// The compose window's To.
    To,
    /// The compose window's Cc.
    Cc,
    /// The selected text.
    Selection,
}

/// A guest of a draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Guest {
    /// The address, validated.
    pub email: String,
    /// Where it was found.
    pub from: Found,
}

/// How a confirmed meeting's action ended, kept in its draft for the confirmation window (which
/// may have been closed and reopened, or have lost its answer with a stopped worker).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "state", rename_all_fields = "camelCase", deny_unknown_fields)]
pub enum Outcome {
    /// Made: its link, and whether it was typed into the page (else copied).
    Made {
        /// The link.
        link: MeetLink,
        /// Its dial-in numbers.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dial_in: Option<DialIn>,
        /// Typed where the user was.
        typed: bool,
    },
    /// Failed: "Try again" resumes the same action.
    Failed {
        /// What happened.
        problem: Problem,
    },
}

/// What "Create" does with a draft ([`Draft::next`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Nothing was confirmed yet: check the confirmation, then start its one action.
    Start,
    /// The action was started (it failed, or its worker was stopped): run that same action again —
    /// same client event id and requestId, so an insert that landed is found (409 → GET), never
    /// made twice. The confirmation sent now is not read: the meeting is the one first confirmed.
    Resume,
    /// It was made: answer with its link again.
    Made,
}

/// A meeting waiting for the user's confirmation, kept in `storage.session` under [`PREFIX`]`id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Draft {
    /// Random, the storage key's suffix and the confirmation page's URL fragment.
    pub id: String,
    /// Invite or schedule.
    pub kind: Kind,
    /// The tab the link goes to (typed in its focused field), if any.
    pub tab_id: Option<i32>,
    /// The frame.
    pub frame_id: i32,
    /// The guests found, with where each came from.
    pub guests: Vec<Guest>,
    /// The title.
    pub title: String,
    /// The length, minutes.
    pub minutes: u32,
    /// The start read from the selection; none: now (an invite) or not read (a refusal).
    pub start_ms: Option<u64>,
    /// Why the selection gave no start (schedule).
    pub refusal: Option<Refusal>,
    /// The word the refusal is about, as written, and where it is in the phrase (characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused: Option<(String, Option<[u32; 2]>)>,
    /// The words of the phrase the start was read from (`[start, end)` characters), to mark them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub read: Vec<[u32; 2]>,
    /// The zone the phrase named, when it named one: the start is shown in it too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<schedule::Named>,
    /// The selected text, shown beside the time read from it (at most 200 characters).
    pub phrase: String,
    /// When it was written.
    pub created_ms: u64,
    /// The confirmation window's id, to tell the user by notification when it is gone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_id: Option<i32>,
    /// What the user confirmed (shown again by a reopened window).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmed: Option<Confirmed>,
    /// The one action of this confirmation: its ids and its event, written before any request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Inflight>,
    /// How that action ended, when it has.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
}

impl Draft {
    /// A draft for `kind` from what the page offered, read at `now` in `zone`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(id: String, kind: Kind, tab_id: Option<i32>, frame_id: i32, offered: &Offered, settings: &Settings, now: OffsetDateTime, zone: &impl Zone) -> Self {
        let mut emails = Vec::new();
        let mut guests = Vec::new();
        let found = offered.to.iter().map(|e| (e.as_str(), Found::To)).chain(offered.cc.iter().map(|e| (e.as_str(), Found::Cc)));
        let in_selection = emails_in(&offered.selection);
        for (email, from) in found.chain(in_selection.iter().map(|e| (e.as_str(), Found::Selection))) {
            let before = emails.len();
            push_guest(&mut emails, email);
            if let Some(email) = emails.get(before) {
                guests.push(Guest { email: email.clone(), from });
            }
        }
        let phrase: String = offered.selection.split_whitespace().collect::<Vec<_>>().join(" ");
        let read = (kind == Kind::Schedule).then(|| schedule::parse(&phrase, now, zone));
        let mut draft = Draft {
            id,
            kind,
            tab_id,
            frame_id,
            guests,
            title: settings.title.clone(),
            minutes: settings.duration_minutes,
            start_ms: None,
            refusal: None,
            refused: None,
            read: Vec::new(),
            zone: None,
            phrase: phrase.chars().take(schedule::MAX_TEXT).collect(),
            created_ms: u64::try_from(now.unix_timestamp()).unwrap_or(0) * 1000,
            window_id: None,
            confirmed: None,
            action: None,
            outcome: None,
        };
        match read {
            Some(Ok(reading)) => {
                draft.start_ms = Some(reading.when.start_ms());
                draft.minutes = reading.when.minutes.unwrap_or(draft.minutes);
                draft.read = reading.used;
                draft.zone = reading.zone;
            }
            Some(Err(refused)) => {
                draft.refusal = Some(refused.refusal);
                draft.refused = refused.word.map(|word| (word, refused.at));
            }
            None => {}
        }
        draft
    }

    /// What "Create" does now: one action per confirmation, whatever was clicked or resent.
    pub fn next(&self) -> Next {
        match (&self.action, &self.outcome) {
            (None, _) => Next::Start,
            (Some(_), Some(Outcome::Made { .. })) => Next::Made,
            (Some(_), _) => Next::Resume,
        }
    }

    /// Older than [`MAX_AGE_MS`] at `now_ms`: not made any more, and forgotten.
    pub fn expired(&self, now_ms: u64) -> bool {
        now_ms.saturating_sub(self.created_ms) > MAX_AGE_MS
    }

    /// Whether the window's Cancel (or its closing) may forget the draft: not while its action may
    /// still be running — it goes on, and its outcome is told by notification.
    pub fn may_forget(&self) -> bool {
        self.action.is_none() || self.outcome.is_some()
    }

    /// Its storage key.
    pub fn key(&self) -> String {
        key(&self.id)
    }
}

/// The storage key of the draft `id`.
pub fn key(id: &str) -> String {
    format!("{PREFIX}{id}")
}

/// The confirmation page's answer: what to make.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Confirmed {
    /// The draft it confirms.
    pub id: String,
    /// The guests, as edited.
    pub guests: Vec<String>,
    /// The title.
    pub title: String,
    /// The length, minutes.
    pub minutes: u32,
    /// The start as `<input type=datetime-local>` writes it (`2026-12-03T14:00`), in the user's
    /// zone; none: now.
    pub start: Option<String>,
    /// Who gets e-mail: the user's own choice, asked for whenever there are guests (nothing is
    /// preselected), as Google Calendar asks it.
    pub send_updates: SendUpdates,
}

/// Why a confirmation was not taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "reason")]
pub enum Invalid {
    /// An address that is not one.
    Guest {
        /// It.
        guest: String,
    },
    /// More than [`MAX_GUESTS`].
    TooManyGuests,
    /// A length outside 5–480 minutes.
    Length,
    /// The start: not a time, skipped by the clocks, or past.
    Start {
        /// Why.
        refusal: Refusal,
    },
}

/// `at` as `<input type=datetime-local>` writes it, in the offset it carries: `2026-12-03T14:00`.
pub fn input_of(at: OffsetDateTime) -> String {
    format!("{}T{:02}:{:02}", at.date(), at.hour(), at.minute())
}

/// `2026-12-03T14:00` (seconds allowed) as a local time.
pub fn local_input(s: &str) -> Option<PrimitiveDateTime> {
    let (d, t) = s.split_once('T')?;
    let num = |p: &str| p.parse::<u32>().ok();
    let d: Vec<u32> = d.split('-').map(num).collect::<Option<_>>()?;
    let t: Vec<u32> = t.split(':').map(num).collect::<Option<_>>()?;
    let ([y, m, day], [h, min, ..]) = (d.as_slice(), t.as_slice()) else { return None };
    let date = Date::from_calendar_date(i32::try_from(*y).ok()?, Month::try_from(u8::try_from(*m).ok()?).ok()?, u8::try_from(*day).ok()?).ok()?;
    Some(PrimitiveDateTime::new(date, Time::from_hms(u8::try_from(*h).ok()?, u8::try_from(*min).ok()?, 0).ok()?))
}

impl Confirmed {
    /// The event to make, checked: each guest an address (the domain lower-cased, each once), the
    /// title cleaned (empty: the default), the length in range, the start a real time not past
    /// (a minute's grace) in `zone`. Kept, with the calendar's reminders.
    pub fn event(&self, zone_name: &str, now: OffsetDateTime, zone: &impl Zone) -> Result<EventSpec, Invalid> {
        if self.guests.len() > MAX_GUESTS {
            return Err(Invalid::TooManyGuests);
        }
        let mut guests = Vec::new();
        for g in &self.guests {
            if valid_email(g).is_none() {
                return Err(Invalid::Guest { guest: g.chars().take(100).collect() });
            }
            push_guest(&mut guests, g);
        }
        if !DURATIONS.contains(&self.minutes) {
            return Err(Invalid::Length);
        }
        let start = match &self.start {
            None => now,
            Some(s) => {
                let local = local_input(s).ok_or(Invalid::Start { refusal: Refusal::NoSuchDate })?;
                let start = schedule::resolve(local, zone).map_err(|refusal| Invalid::Start { refusal })?;
                if start < now - time::Duration::MINUTE {
                    return Err(Invalid::Start { refusal: Refusal::Past });
                }
                start
            }
        };
        let mut title = self.title.split_whitespace().collect::<Vec<_>>().join(" ");
        cut_title(&mut title);
        Ok(EventSpec {
            title: if title.is_empty() { DEFAULT_TITLE.into() } else { title },
            time_zone: zone_name.into(),
            start_ms: u64::try_from(start.unix_timestamp()).unwrap_or(0) * 1000,
            duration_min: self.minutes,
            keep: true,
            attendees: guests,
            send_updates: self.send_updates,
            reminders: true,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::UtcOffset;

    #[test]
    fn addresses_are_read_and_checked() {
        let rows: &[(&str, Option<&str>)] = &[
            ("ana@example.com", Some("ana@example.com")),
            ("Ana.Lopez+meet@Example.CO.uk", Some("Ana.Lopez+meet@example.co.uk")),
            ("o'brien@example.ie", Some("o'brien@example.ie")),
            ("ana@example", None),
            ("ana@@example.com", None),
            ("@example.com", None),
            (".ana@example.com", None),
            ("an..a@example.com", None),
            ("ana@-example.com", None),
            ("ana@example.c0m", None),
            ("ana@exa_mple.com", None),
            ("<script>@example.com", None),
            ("ana@example.com\"onmouseover=x", None),
        ];
        for (raw, want) in rows {
            assert_eq!(valid_email(raw).as_deref(), *want, "{raw}");
        }
        assert_eq!(
            emails_in("Ana <ana@example.com>, bo@example.org; mailto:cy@example.net. Also ANA@EXAMPLE.COM and not@this"),
            ["ana@example.com", "bo@example.org", "cy@example.net"]
        );
        let many: String = (0..80).map(|i| format!("p{i}@example.com ")).collect();
        assert_eq!(emails_in(&many).len(), MAX_GUESTS);
    }

    /// 2026-12-03 14:00 UTC.
    const START: u64 = 1_796_306_400_000;

    fn now() -> OffsetDateTime {
        PrimitiveDateTime::new(Date::from_calendar_date(2026, Month::December, 2).unwrap(), Time::from_hms(10, 0, 0).unwrap()).assume_offset(UtcOffset::from_hms(1, 0, 0).unwrap())
    }

    #[test]
    fn drafts_from_what_the_page_offered() {
        let zone = UtcOffset::from_hms(1, 0, 0).unwrap();
        let offered = Offered {
            selection: "tomorrow 3pm for 45 min with cy@example.net and Bo@example.org".into(),
            to: vec!["ana@example.com".into(), "bad".into(), "ANA@example.com".into()],
            cc: vec!["bo@example.org".into()],
        };
        let d = Draft::new("d1".into(), Kind::Schedule, Some(4), 0, &offered, &Settings::default(), now(), &zone);
        let guest = |email: &str, from| Guest { email: email.into(), from };
        assert_eq!(d.guests, [guest("ana@example.com", Found::To), guest("bo@example.org", Found::Cc), guest("cy@example.net", Found::Selection)], "each once, where first found");
        assert_eq!((d.minutes, d.refusal, d.next(), d.may_forget()), (45, None, Next::Start, true));
        assert!(!d.expired(d.created_ms + MAX_AGE_MS) && d.expired(d.created_ms + MAX_AGE_MS + 1));
        assert_eq!(d.start_ms, Some(START), "tomorrow 15:00 at +01:00");
        let refused = Draft::new("d2".into(), Kind::Schedule, None, 0, &Offered { selection: "at 3".into(), ..Offered::default() }, &Settings::default(), now(), &zone);
        assert_eq!((refused.start_ms, refused.refusal, refused.minutes), (None, Some(Refusal::BareHour), 30));
        let invite = Draft::new("d3".into(), Kind::Invite, Some(4), 2, &offered, &Settings::default(), now(), &zone);
        assert_eq!((invite.start_ms, invite.key().as_str()), (None, "draft.d3"));
        let stored: Draft = serde_json::from_value(serde_json::to_value(&invite).unwrap()).unwrap();
        assert_eq!(stored, invite);
    }

    /// One action per confirmation: what "Create" does, from the draft's record alone.
    #[test]
    fn one_action_per_confirmation() {
        use crate::calendar::Making;
        use crate::ids::ActionIds;
        use crate::inflight::Destination;
        let zone = UtcOffset::from_hms(1, 0, 0).unwrap();
        let draft = Draft::new("d".into(), Kind::Invite, Some(4), 0, &Offered::default(), &Settings::default(), now(), &zone);
        let spec = Confirmed { id: "d".into(), guests: vec!["ana@example.com".into()], title: "T".into(), minutes: 30, start: None, send_updates: SendUpdates::All }
            .event("UTC", now(), &zone)
            .unwrap();
        let ids = ActionIds { event_id: "abcdef0123".into(), request_id: "r".into() };
        let destination = Destination::Page { tab_id: Some(4), frame_id: 0, nonce: "n".into(), draft: Some("d".into()) };
        let action = Inflight::new(&ids, &Making::Event(spec), destination, 5000);
        let link = MeetLink::parse("https://meet.google.com/abc-defg-hij").unwrap();
        let rows = [
            (None, None, Next::Start, true),
            (Some(action.clone()), None, Next::Resume, false),
            (Some(action.clone()), Some(Outcome::Failed { problem: Problem::ServerError }), Next::Resume, true),
            (Some(action.clone()), Some(Outcome::Failed { problem: Problem::SignInDeclined }), Next::Resume, true),
            (Some(action.clone()), Some(Outcome::Made { link: link.clone(), dial_in: None, typed: true }), Next::Made, true),
        ];
        for (action, outcome, next, forget) in rows {
            let d = Draft { action, outcome, ..draft.clone() };
            assert_eq!((d.next(), d.may_forget()), (next, forget), "{:?}", d.outcome);
            let stored: Draft = serde_json::from_value(serde_json::to_value(&d).unwrap()).unwrap();
            assert_eq!(stored, d, "read back from storage.session as written");
        }
        // A stored outcome that does not read (another shape, a link that is not Meet's) is no draft.
        let mut v = serde_json::to_value(Draft { outcome: Some(Outcome::Made { link, dial_in: None, typed: false }), ..draft.clone() }).unwrap();
        v["outcome"]["link"] = serde_json::json!("https://evil.example/abc-defg-hij");
        assert!(serde_json::from_value::<Draft>(v).is_err());
    }

    #[test]
    fn confirmations_are_checked_again() {
        let zone = UtcOffset::from_hms(1, 0, 0).unwrap();
        let base = Confirmed { id: "d".into(), guests: vec!["ana@example.com".into(), "Bo@Example.org".into(), "bo@example.org".into()], title: "  Design   review ".into(), minutes: 45, start: Some("2026-12-03T15:00".into()), send_updates: SendUpdates::ExternalOnly };
        let spec = base.event("Europe/Berlin", now(), &zone).unwrap();
        assert_eq!(spec.attendees, ["ana@example.com", "Bo@example.org"]);
        assert_eq!((spec.title.as_str(), spec.duration_min, spec.keep, spec.reminders, spec.send_updates), ("Design review", 45, true, true, SendUpdates::ExternalOnly));
        assert_eq!(spec.start_ms, START);
        assert_eq!(Confirmed { start: None, title: " ".into(), ..base.clone() }.event("UTC", now(), &zone).unwrap().title, DEFAULT_TITLE);
        assert_eq!(Confirmed { guests: vec!["x@y".into()], ..base.clone() }.event("UTC", now(), &zone), Err(Invalid::Guest { guest: "x@y".into() }));
        assert_eq!(Confirmed { guests: vec!["a@example.com".into(); MAX_GUESTS + 1], ..base.clone() }.event("UTC", now(), &zone), Err(Invalid::TooManyGuests));
        assert_eq!(Confirmed { minutes: 4, ..base.clone() }.event("UTC", now(), &zone), Err(Invalid::Length));
        assert_eq!(Confirmed { start: Some("2026-12-01T15:00".into()), ..base.clone() }.event("UTC", now(), &zone), Err(Invalid::Start { refusal: Refusal::Past }));
        assert_eq!(Confirmed { start: Some("2026-02-30T15:00".into()), ..base.clone() }.event("UTC", now(), &zone), Err(Invalid::Start { refusal: Refusal::NoSuchDate }));
        let at = now() + time::Duration::minutes(95);
        assert_eq!(input_of(at), "2026-12-02T11:35");
        assert_eq!(local_input(&input_of(at)), Some(PrimitiveDateTime::new(at.date(), at.time())), "read back as written");
        assert_eq!(Confirmed { start: Some("tomorrow".into()), ..base }.event("UTC", now(), &zone), Err(Invalid::Start { refusal: Refusal::NoSuchDate }));
    }
}
