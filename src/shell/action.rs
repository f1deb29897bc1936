//! One action, from its in-flight record to a link or a problem: the record written before the first
//! request, the flow loop (`crate::flow` decides every step), and the placeholder's delete — retried
//! by an alarm until Google confirms it, so none is left behind. Delivering the link is the caller's
//! (`triggers`); this module never talks to a page or the user.

use super::chrome::{self, now_ms};
use super::http;
use super::signin::{self, Token};
use super::storage::{self, Area};
use crate::calendar::{Making, SCOPE};
use crate::endpoints::Endpoints;
use crate::errors::Problem;
use crate::format::DialIn;
use crate::flow::{delete_outcome, delete_request, CreateFlow, DeleteOutcome, PendingDelete, Step};
use crate::ids::ActionIds;
use crate::inflight::{Destination, Inflight, PREFIX};
use crate::link::MeetLink;
use std::cell::RefCell;
use std::collections::HashSet;

const PENDING_DELETES: &str = "pendingDeletes";
/// The alarm that retries failed placeholder deletes.
pub const CLEANUP_ALARM: &str = "meetlink-cleanup";
/// The alarm that wakes a stopped worker to finish an action it left.
pub const RESUME_ALARM: &str = "meetlink-resume";
/// A worker that dies mid-action is woken by the resume alarm after this long, if nothing else
/// wakes it first.
pub const RESUME_AFTER_MS: u64 = 30_000;

thread_local! {
    /// The in-flight records this worker instance is running; a record not in here is an orphan.
    static RUNNING: RefCell<HashSet<String>> = RefCell::new(HashSet::new());
}

/// This worker instance runs the action stored under a key — from its start until its link is
/// delivered or it fails — so no resume (the alarm's, a second wake's) runs it beside.
pub struct Claim(String);

impl Claim {
    /// Claims `key`, unless this worker is running it already. Synchronous: two resumes started
    /// at once cannot both claim one record.
    fn take(key: String) -> Option<Claim> {
        // `then`, not `then_some`: a Claim made for nothing would be dropped, and release the key.
        RUNNING.with(|r| r.borrow_mut().insert(key.clone())).then(|| Claim(key))
    }

    /// Claims a new action's key (fresh ids: nobody holds it).
    fn new(key: String) -> Claim {
        RUNNING.with(|r| r.borrow_mut().insert(key.clone()));
        Claim(key)
    }

    /// The claimed record's storage key.
    pub fn key(&self) -> &str {
        &self.0
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        RUNNING.with(|r| r.borrow_mut().remove(&self.0));
    }
}

/// A link made by an action, whose in-flight record stays (and stays claimed) until the link is
/// delivered.
pub struct Made {
    /// The link.
    pub link: MeetLink,
    /// Its dial-in numbers, when Google gave some.
    pub dial_in: Option<DialIn>,
    /// What was made (for the history).
    pub making: Making,
    /// The in-flight record's claim; none for a warm link (its record was its own, already gone).
    claim: Option<Claim>,
}

impl Made {
    /// A link made ahead (the warm link), handed to a trigger.
    pub fn ahead(link: MeetLink, dial_in: Option<DialIn>, making: Making) -> Self {
        Made { link, dial_in, making, claim: None }
    }

    /// The link has been delivered (or copied): its record is done with (the claim goes with
    /// `self`).
    pub async fn finish(&self) {
        if let Some(claim) = &self.claim {
            storage::remove(Area::Session, claim.key()).await;
        }
    }
}

/// A new action's record, claimed: fresh ids, what it makes, where its link goes.
pub fn new_record(making: &Making, destination: Destination) -> (Inflight, Claim) {
    let record = Inflight::new(&ActionIds::from_random(&chrome::random()), making, destination, now_ms());
    let claim = Claim::new(record.key());
    (record, claim)
}

/// An existing action's record, claimed for the caller; none while this worker runs it.
pub fn claim(record: Inflight) -> Option<(Inflight, Claim)> {
    let claim = Claim::take(record.key())?;
    Some((record, claim))
}

/// Whether this worker instance is running the action stored under `key`.
pub fn running(key: &str) -> bool {
    RUNNING.with(|r| r.borrow().contains(key))
}

/// Runs (or resumes) the action in `record` with `token` to a link or a problem. The record is
/// written before the first request and removed on failure; on success it stays until
/// [`Made::finish`].
pub async fn run((record, claim): (Inflight, Claim), mut token: Token) -> Result<Made, Problem> {
    let key = record.key();
    storage::put(Area::Session, &key, &record).await;
    wasm_bindgen_futures::spawn_local(alarm_at(RESUME_ALARM, now_ms() + RESUME_AFTER_MS));
    let making = record.making();
    let (mut flow, mut step) = CreateFlow::start(Endpoints::for_build(), &record.ids(), &making, now_ms());
    loop {
        step = match step {
            Step::Send(req) => flow.on_reply(http::send(&req, &token.value).await, now_ms(), js_sys::Math::random()),
            Step::Wait { ms, then } => {
                chrome::sleep(ms).await;
                flow.on_reply(http::send(&then, &token.value).await, now_ms(), js_sys::Math::random())
            }
            Step::RenewToken(req) => match signin::renew(&token).await {
                Ok(fresh) => {
                    token = fresh;
                    flow.on_reply(http::send(&req, &token.value).await, now_ms(), js_sys::Math::random())
                }
                Err(problem) => flow.fail(problem),
            },
            Step::Done { link, dial_in, placeholder } => {
                if let Some(event_id) = placeholder {
                    wasm_bindgen_futures::spawn_local(delete_placeholder(event_id, token, 0));
                }
                return Ok(Made { link, dial_in, making, claim: Some(claim) });
            }
            Step::Fail { problem, cleanup } => {
                if let Some(event_id) = cleanup {
                    wasm_bindgen_futures::spawn_local(delete_placeholder(event_id, token, 0));
                }
                storage::remove(Area::Session, &key).await;
                return Err(problem);
            }
        };
    }
}

/// `chrome.alarms.create`'s `alarmInfo`.
#[derive(serde::Serialize)]
struct Alarm {
    /// Epoch milliseconds.
    when: f64,
}

/// Sets alarm `name` to fire at `when_ms`.
pub async fn alarm_at(name: &str, when_ms: u64) {
    let _ = chrome::alarms_create(name, &chrome::to_js(&Alarm { when: when_ms as f64 })).await;
}

/// Deletes a placeholder; a 401 renews the token once; any other failure is recorded in
/// `storage.local` and retried by the cleanup alarm, so the event is never forgotten.
pub async fn delete_placeholder(event_id: String, mut token: Token, attempts: u32) {
    let req = delete_request(&Endpoints::for_build(), &event_id);
    let mut outcome = delete_outcome(&http::send(&req, &token.value).await);
    if outcome == DeleteOutcome::Renew {
        outcome = match signin::renew(&token).await {
            Ok(fresh) => {
                token = fresh;
                delete_outcome(&http::send(&req, &token.value).await)
            }
            Err(_) => DeleteOutcome::Later,
        };
    }
    let retry = (outcome != DeleteOutcome::Gone)
        .then(|| PendingDelete::after_failure(&event_id, attempts, now_ms(), js_sys::Math::random()))
        .flatten();
    if outcome != DeleteOutcome::Gone && retry.is_none() {
        chrome::warn(&format!("MeetLink: gave up deleting placeholder event {event_id}"));
    }
    update_pending(&event_id, retry).await;
}

/// Remembers that `event_id` must be deleted as soon as a token can be had (none now).
pub async fn delete_later(event_id: String) {
    let pending = PendingDelete { event_id: event_id.clone(), attempts: 0, next_at_ms: now_ms() };
    update_pending(&event_id, Some(pending)).await;
}

/// Replaces the pending delete of `event_id` with `next` (none: it is done), in turn, and sets the
/// cleanup alarm for the earliest one due.
async fn update_pending(event_id: &str, next: Option<PendingDelete>) {
    let _turn = storage::turn().await;
    let mut pending: Vec<PendingDelete> = storage::get_each(Area::Local, PENDING_DELETES).await;
    pending.retain(|p| p.event_id != event_id);
    pending.extend(next);
    save_pending(&pending).await;
}

async fn save_pending(pending: &[PendingDelete]) {
    storage::put(Area::Local, PENDING_DELETES, pending).await;
    if let Some(next) = pending.iter().map(|p| p.next_at_ms).min() {
        alarm_at(CLEANUP_ALARM, next).await;
    }
}

/// Retries every pending delete that is due.
pub async fn retry_pending_deletes() {
    let pending: Vec<PendingDelete> = storage::get_each(Area::Local, PENDING_DELETES).await;
    let now = now_ms();
    if !pending.iter().any(|p| p.next_at_ms <= now) {
        if !pending.is_empty() {
            save_pending(&pending).await; // re-arm the alarm
        }
        return;
    }
    let Ok(token) = signin::get(false, SCOPE).await else {
        return; // not signed in right now: the next wake tries again
    };
    for p in pending.into_iter().filter(|p| p.next_at_ms <= now) {
        delete_placeholder(p.event_id, token.clone(), p.attempts).await;
    }
}

/// The in-flight records no action of this worker instance is running (their worker was stopped),
/// each claimed for the caller. A record that does not read is removed: it is not ours to understand.
pub async fn orphans() -> Vec<(Claim, Inflight)> {
    let mut found = Vec::new();
    for (key, value) in storage::session_all().await {
        if !key.starts_with(PREFIX) {
            continue;
        }
        let Some(claim) = Claim::take(key) else { continue };
        match chrome::from_js::<Inflight>(value) {
            Some(record) => found.push((claim, record)),
            None => storage::remove(Area::Session, claim.key()).await,
        }
    }
    found
}

/// Whether any in-flight record exists (running or not).
pub async fn any_in_flight() -> bool {
    storage::session_all().await.iter().any(|(key, _)| key.starts_with(PREFIX))
}
