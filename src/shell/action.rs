//! Running an action: the in-flight record, the flow loop, the placeholder delete, resuming after a
//! worker restart. Decisions come from `crate::flow` and `crate::inflight`.

use crate::prelude::*;
use super::chrome::{self, get_path, now_ms};
use super::{from_js, http, spawn, token, Local};
use crate::calendar::{Making, SCOPE};
use crate::endpoints::Endpoints;
use crate::errors::Problem;
use crate::flow::{delete_outcome, delete_request, CreateFlow, DeleteOutcome, PendingDelete, Step};
use crate::history::{self, Entry, Source};
use crate::settings::Settings;
use crate::ids::ActionIds;
use crate::inflight::{Destination, Inflight, OnWake, PREFIX};
use crate::link::MeetLink;
use crate::warm::{self, WarmLink};
use core::cell::{Cell, RefCell};
use core::future::Future;
use core::task::{Poll, Waker};
use wasm_bindgen::JsValue;

pub const LAST_LINK: &str = "lastLink";
const PENDING_DELETES: &str = "pendingDeletes";
pub const CLEANUP_ALARM: &str = "meetlink-cleanup";
pub const RESUME_ALARM: &str = "meetlink-resume";
/// A worker that dies mid-action is woken by this alarm to finish it, if nothing else wakes it first.
const RESUME_AFTER_MS: f64 = 30_000.0;

/// Actions this worker instance is running; a record not in here at wake-up is an orphan.
/// (A handful at most: a Vec, not a HashSet, whose hashing costs ~1.5 KB of wasm.)
static RUNNING: Local<RefCell<Vec<String>>> = Local::new(RefCell::new(Vec::new()));
/// The turn to read-modify-write stored data (history, pending deletes, settings, the warm link):
/// taken, and the tasks that wait for it. One at a time, so concurrent actions never overwrite each
/// other's entries (within this worker instance).
static TURN: Local<RefCell<(bool, Vec<Waker>)>> = Local::new(RefCell::new((false, Vec::new())));

/// Holding the turn; dropping it hands the turn on.
pub struct Turn(());

/// Waits for the turn. A plain flag and wakers: the queue used to be a chain of JavaScript
/// promises with a boxed, generic future per use (6.3 KB more wasm, measured).
pub fn turn() -> impl Future<Output = Turn> {
    core::future::poll_fn(|cx| {
        TURN.with(|t| {
            let mut t = t.borrow_mut();
            if t.0 {
                t.1.push(cx.waker().clone());
                Poll::Pending
            } else {
                t.0 = true;
                Poll::Ready(Turn(()))
            }
        })
    })
}

impl Drop for Turn {
    fn drop(&mut self) {
        // Every waiter is woken; the first to run takes the turn, the others wait again. (Waking
        // one alone would strand the rest if that one's task had been dropped.)
        let mut waiting = TURN.with(|t| {
            let mut t = t.borrow_mut();
            t.0 = false;
            core::mem::take(&mut t.1)
        });
        while let Some(waker) = waiting.pop() {
            waker.wake();
        }
    }
}

/// Changes the stored history with `edit`, in turn with every other change.
pub async fn edit_history(edit: impl FnOnce(Vec<Entry>) -> Vec<Entry>) {
    let _turn = turn().await;
    let entries: Vec<Entry> = from_js(&chrome::local_value(history::KEY).await).unwrap_or_default();
    let _ = chrome::local_put(history::KEY, &edit(entries)).await;
}

/// An action that has a link, whose record stays until the link is delivered.
pub struct Made {
    /// The link.
    pub link: MeetLink,
    /// The in-flight record (none for a warm link: it was made ahead, by its own record).
    key: Option<String>,
    making: Making,
}

impl Made {
    /// The link has been delivered (or copied): forget the record, remember the link, and make
    /// the next one ahead.
    pub async fn delivered(self, source: Source) {
        replenish();
        if let Some(key) = &self.key {
            let _ = chrome::session_remove(key).await;
        }
        let _ = chrome::session_put(LAST_LINK, &self.link).await;
        let entry = Entry {
            title: self.making.title().to_owned(),
            account: token::email().await,
            kind: self.making.source(),
            ..Entry::new(&self.link, source, now_ms())
        };
        edit_history(move |entries| history::add(entries, entry)).await;
    }
}

/// Starts an action as `settings` say: a token (prompting only if `interactive`, i.e. for a user
/// gesture), fresh ids, the record, then the flow.
pub async fn create_link(interactive: bool, destination: Destination, settings: &Settings) -> Result<Made, Problem> {
    let making = Making::from(settings, &chrome::time_zone(), now_ms());
    let token = token::get(interactive, making.scope()).await?;
    if let Some(link) = take_warm(&token.account, settings).await {
        return Ok(Made { link, key: None, making });
    }
    let record = Inflight::new(&ActionIds::from_random(&chrome::random32()), &making, destination, now_ms());
    run(record, token).await
}

// ---- the warm link (crate::warm) ------------------------------------------------------------------
/// A warm link is being made (one at a time).
static WARMING: Local<Cell<bool>> = Local::new(Cell::new(false));
/// Bumped by sign-out and account switch: a warm link begun before is not kept.
static GENERATION: Local<Cell<u32>> = Local::new(Cell::new(0));

/// Takes the warm link if there is one: removed from storage in one turn of the storage queue, so
/// it is handed out once. Returned only if it suits `account` and `settings`; otherwise discarded.
async fn take_warm(account: &str, settings: &Settings) -> Option<MeetLink> {
    let turn = turn().await;
    let taken = chrome::session_value(warm::KEY).await;
    if !taken.is_undefined() {
        let _ = chrome::session_remove(warm::KEY).await;
    }
    drop(turn);
    let warm: WarmLink = from_js(&taken)?;
    warm.usable(account, settings, now_ms()).then(|| MeetLink::parse(&warm.url)).flatten()
}

/// Forgets the warm link (sign-out, account switch, turned off), and any being made.
pub async fn discard_warm() {
    GENERATION.with(|g| g.set(g.get() + 1));
    let _turn = turn().await;
    let _ = chrome::session_remove(warm::KEY).await;
}

/// Makes the next link ahead, in the background, if the settings allow one, none is being made,
/// and no usable one is kept already. Never prompts: without a token at hand it does nothing.
pub fn replenish() {
    if WARMING.with(Cell::get) {
        return;
    }
    WARMING.with(|w| w.set(true));
    spawn(async {
        make_warm().await;
        WARMING.with(|w| w.set(false));
    });
}

async fn make_warm() {
    let settings = super::current_settings().await;
    let Some(kind) = warm::kind(&settings) else { return };
    let generation = GENERATION.with(Cell::get);
    let making = Making::from(&settings, &chrome::time_zone(), now_ms());
    let Ok(token) = token::get(false, making.scope()).await else { return };
    let kept: Option<WarmLink> = from_js(&chrome::session_value(warm::KEY).await);
    if kept.is_some_and(|w| w.usable(&token.account, &settings, now_ms())) {
        return;
    }
    let record = Inflight::new(&ActionIds::from_random(&chrome::random32()), &making, Destination::Warm {}, now_ms());
    let account = token.account.clone();
    let key = record.key();
    let Ok(made) = run(record, token).await else { return };
    let _ = chrome::session_remove(&key).await;
    if GENERATION.with(Cell::get) == generation {
        let warm = WarmLink { url: made.link.as_str().to_owned(), account, kind, made_ms: now_ms() };
        let _ = chrome::session_put(warm::KEY, &warm).await;
    }
}

/// Runs (or resumes) the action in `record` with `token` to a link or a problem. The record is
/// written before the first request and removed on failure; on success it stays until
/// [`Made::delivered`].
async fn run(record: Inflight, mut token: token::Token) -> Result<Made, Problem> {
    let key = record.key();
    RUNNING.with(|r| r.borrow_mut().push(key.clone()));
    let _ = chrome::session_put(key.as_str(), &record).await;
    spawn(async {
        let _ = chrome::alarm_at(RESUME_ALARM, chrome::now_ms() as f64 + RESUME_AFTER_MS).await;
    });
    let making = record.making();
    let (mut flow, mut step) = CreateFlow::start(Endpoints::for_build(), &record.ids(), &making, now_ms());
    let result = loop {
        step = match step {
            Step::Send(req) => flow.on_reply(http::send(&req, &token.value).await, now_ms(), js_sys::Math::random()),
            Step::Wait { ms, then } => {
                chrome::sleep(ms).await;
                flow.on_reply(http::send(&then, &token.value).await, now_ms(), js_sys::Math::random())
            }
            Step::RenewToken(req) => match token::renew(&token).await {
                Ok(fresh) => {
                    token = fresh;
                    flow.on_reply(http::send(&req, &token.value).await, now_ms(), js_sys::Math::random())
                }
                Err(problem) => flow.fail(problem),
            },
            Step::Done { link, placeholder } => {
                if let Some(event_id) = placeholder {
                    spawn(delete_placeholder(event_id, token, 0));
                }
                break Ok(Made { link, key: Some(key.clone()), making });
            }
            Step::Fail { problem, cleanup } => {
                if let Some(event_id) = cleanup {
                    spawn(delete_placeholder(event_id, token, 0));
                }
                let _ = chrome::session_remove(&key).await;
                break Err(problem);
            }
        };
    };
    RUNNING.with(|r| r.borrow_mut().retain(|k| *k != key));
    result
}

/// Deletes a placeholder; a 401 renews the token once; any other failure is recorded in
/// `storage.local` and retried by the cleanup alarm, so the event is never forgotten.
pub async fn delete_placeholder(event_id: String, mut token: token::Token, attempts: u32) {
    let req = delete_request(&Endpoints::for_build(), &event_id);
    let mut outcome = delete_outcome(&http::send(&req, &token.value).await);
    if outcome == DeleteOutcome::Renew {
        outcome = match token::renew(&token).await {
            Ok(fresh) => {
                token = fresh;
                delete_outcome(&http::send(&req, &token.value).await)
            }
            Err(_) => DeleteOutcome::Later,
        };
    }
    let _turn = turn().await;
    let mut pending = load_pending().await;
    pending.retain(|p| p.event_id != event_id);
    if outcome != DeleteOutcome::Gone {
        match PendingDelete::after_failure(&event_id, attempts, now_ms(), js_sys::Math::random()) {
            Some(p) => pending.push(p),
            None => chrome::warn(&crate::text::concat(&["MeetLink: gave up deleting placeholder event ", &event_id])),
        }
    }
    save_pending(&pending).await;
}

async fn load_pending() -> Vec<PendingDelete> {
    from_js(&chrome::local_value(PENDING_DELETES).await).unwrap_or_default()
}

async fn save_pending(pending: &[PendingDelete]) {
    let _ = chrome::local_put(PENDING_DELETES, &pending).await;
    if let Some(next) = pending.iter().map(|p| p.next_at_ms).min() {
        let _ = chrome::alarm_at(CLEANUP_ALARM, next as f64).await;
    }
}

/// Retries every pending delete that is due.
pub async fn retry_pending_deletes() {
    let pending = load_pending().await;
    let now = now_ms();
    if !pending.iter().any(|p| p.next_at_ms <= now) {
        if !pending.is_empty() {
            save_pending(&pending).await; // re-arm the alarm
        }
        return;
    }
    let Ok(token) = token::get(false, SCOPE).await else {
        return; // not signed in right now: the next wake tries again
    };
    for p in pending.into_iter().filter(|p| p.next_at_ms <= now) {
        delete_placeholder(p.event_id, token.clone(), p.attempts).await;
    }
}

/// Finds actions a previous worker instance left unfinished and finishes them. A record is resumed
/// with its own ids (so at most one event exists), the link delivered to its field if the page still
/// has it, else copied with a notice; a record too old or tried too often is given up: its event is
/// deleted and the user told.
pub async fn resume_orphans() {
    let all = chrome::session_get(&JsValue::NULL).await.unwrap_or_default();
    let keys = js_sys::Object::keys(&all.clone().into());
    let mut found = false;
    let mut waiting = false;
    for key in keys.iter().filter_map(|k| k.as_string()).filter(|k| k.starts_with(PREFIX)) {
        if RUNNING.with(|r| r.borrow().contains(&key)) {
            found = true;
            continue;
        }
        let Some(mut record) = from_js::<Inflight>(&get_path(&all, &[&key])) else {
            let _ = chrome::session_remove(&key).await; // not ours to understand: drop it
            continue;
        };
        found = true;
        match record.on_wake(now_ms()) {
            OnWake::GiveUp { tell } => {
                let _ = chrome::session_remove(&key).await;
                match (record.event_to_clean().map(str::to_owned), token::get(false, SCOPE).await) {
                    (None, _) => {}
                    (Some(event_id), Ok(token)) => delete_placeholder(event_id, token, 0).await,
                    (Some(event_id), Err(_)) => {
                        let _turn = turn().await;
                        let mut pending = load_pending().await;
                        pending.retain(|p| p.event_id != event_id);
                        pending.push(PendingDelete { event_id, attempts: 0, next_at_ms: now_ms() });
                        save_pending(&pending).await;
                    }
                }
                if tell {
                    super::deliver::tell_failure(&record.destination, Problem::Interrupted).await;
                }
            }
            OnWake::Resume => {
                record.resumes += 1;
                let _ = chrome::session_put(key.as_str(), &record).await;
                let Ok(token) = token::get(false, record.making().scope()).await else {
                    waiting = true; // no token without a prompt now: a later wake tries again
                    continue;
                };
                let destination = record.destination.clone();
                let result = run(record, token).await;
                super::deliver::finish_resumed(destination, result).await;
            }
        }
    }
    if waiting {
        let when = chrome::now_ms() as f64 + 2.0 * RESUME_AFTER_MS;
        let _ = chrome::alarm_at(RESUME_ALARM, when).await;
    } else if !found {
        let _ = chrome::alarms_clear(RESUME_ALARM).await;
    }
}

/// The last link made in this browser session, for the popup.
pub async fn last_link() -> Option<MeetLink> {
    get_path(&chrome::session_value(LAST_LINK).await, &["url"]).as_string().and_then(|u| MeetLink::parse(&u))
}
