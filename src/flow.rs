//! The hot path as a sans-IO state machine: the shell sends what [`Step`] says, feeds the answer
//! back with [`CreateFlow::on_reply`], and repeats until `Done` or `Fail`. All retry, renewal,
//! idempotency and `pending` decisions live here, so they are tested natively, table-driven.
//!
//! Rules (DESIGN.md "Creating a link"):
//! * one client event id and one `requestId` per action, reused by every retry; 409 `duplicate`
//!   means an earlier attempt landed: GET it, never insert a second event;
//! * `pending` → poll `events.get` with backoff inside a bounded budget; `failure` → an error;
//! * 401 → renew the token once and retry once; never loop;
//! * 403 rate limits, 429, 5xx and network errors → backoff; other 4xx → no retry;
//! * a Meet space has no idempotency key: its create is retried only where the request provably
//!   did not create one (401 before renewal, 429 and 403 rate limits, 503);
//! * one budget per action over every path above together: at most [`MAX_REQUESTS`] requests, and
//!   none started later than [`START_BUDGET_MS`] after the action began;
//! * whenever an insert may have landed and no link comes of it, the event is named for cleanup,
//!   so no placeholder is left behind.

use crate::calendar::{Conference, Event, Making, NewEvent, NewSpace, SendUpdates};
use crate::endpoints::Endpoints;
use crate::errors::{classify, retry_after_ms, ApiError, ErrorEnvelope, Problem};
use crate::ids::ActionIds;
use crate::format::DialIn;
use crate::link::MeetLink;
use crate::retry::Backoff;
use serde::{Deserialize, Serialize};

/// HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// POST.
    Post,
    /// GET.
    Get,
    /// DELETE.
    Delete,
}

impl Method {
    /// The method's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Post => "POST",
            Method::Get => "GET",
            Method::Delete => "DELETE",
        }
    }
}

/// One request for the shell to send with the current token.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpRequest {
    /// Method.
    pub method: Method,
    /// Full URL.
    pub url: String,
    /// JSON body (creates only).
    pub body: Option<Payload>,
}

/// A create request's JSON body.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Payload {
    /// `events.insert`.
    Event(Box<NewEvent>),
    /// `spaces.create`.
    Space(NewSpace),
}

/// A response body as the shell could read it.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// A 2xx body that is an Event.
    Event(Box<Event>),
    /// A non-2xx body in Google's error envelope.
    Error(ErrorEnvelope),
    /// No body (204).
    Empty,
    /// Not JSON, or not the expected shape (an HTML error page, a truncated body), or larger than
    /// [`MAX_BODY_BYTES`] (refused unread).
    Unreadable,
}

/// The largest answer read. Google's answers to MeetLink's requests are a few KB; anything larger is
/// not Google's and is refused without being read whole.
pub const MAX_BODY_BYTES: usize = 1 << 20;

impl Body {
    /// Reads the bytes of an answer with `status`: an Event (or Meet space) for a 2xx, Google's error
    /// envelope otherwise.
    pub fn read(status: u16, bytes: &[u8]) -> Body {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Body::Empty;
        }
        // Read as every record is (`crate::stored::one`): an object, or nothing.
        let Ok(value) = serde_json::from_slice(bytes) else { return Body::Unreadable };
        let read = if (200..300).contains(&status) {
            crate::stored::one(value).map(|e| Body::Event(Box::new(e)))
        } else {
            crate::stored::one(value).map(Body::Error)
        };
        read.unwrap_or(Body::Unreadable)
    }
}

/// What came back for a request.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// An HTTP answer.
    Http {
        /// Status code.
        status: u16,
        /// The `Retry-After` header, if any.
        retry_after: Option<String>,
        /// The body.
        body: Body,
    },
    /// The request failed without an answer (offline, connection dropped, CORS refused).
    Network,
    /// No answer within the per-request timeout; the request was aborted.
    Timeout,
    /// The answer was a redirect, which is never followed (`redirect: "manual"`): not Google's.
    Redirect,
}

/// What the shell must do next.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Send this request.
    Send(HttpRequest),
    /// Wait `ms`, then send `then`.
    Wait {
        /// Delay.
        ms: u64,
        /// The request to send after it.
        then: HttpRequest,
    },
    /// Remove the cached token, get a fresh one without prompting, then send this request.
    RenewToken(HttpRequest),
    /// The link is ready. `placeholder` is the event to delete once the link is delivered (none for
    /// a kept event or a Meet space).
    Done {
        /// The Meet link.
        link: MeetLink,
        /// Its dial-in numbers, when Google gave some.
        dial_in: Option<DialIn>,
        /// The placeholder event.
        placeholder: Option<String>,
    },
    /// Give up with `problem`. `cleanup` is an event that may exist and must be deleted.
    Fail {
        /// What to tell the user.
        problem: Problem,
        /// Event to delete, if an insert may have landed.
        cleanup: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Insert,
    Get,
}

/// The most requests one action sends, whatever Google answers (the longest honest path — an insert,
/// four retries, a renewal, a 409's GET and the `pending` polls — is 16).
pub const MAX_REQUESTS: u32 = 20;
/// No request of an action starts later than this after it began; with the per-request timeout
/// (10 s, `shell::http`) an action ends within 50 s.
pub const START_BUDGET_MS: u64 = 40_000;

/// One "create a Meet link" action.
#[derive(Debug, Clone)]
pub struct CreateFlow {
    endpoints: Endpoints,
    making: Payload,
    keep: bool,
    send_updates: SendUpdates,
    phase: Phase,
    started_ms: u64,
    retries: u32,
    polls: u32,
    pending_since_ms: Option<u64>,
    renewed: bool,
    may_exist: bool,
    sent: u32,
}

impl CreateFlow {
    /// Starts an action; the first step is the insert (or the space's create).
    pub fn start(endpoints: Endpoints, ids: &ActionIds, making: &Making, now_ms: u64) -> (Self, Step) {
        let flow = CreateFlow {
            endpoints,
            making: match making {
                Making::Event(spec) => Payload::Event(Box::new(NewEvent::new(ids, spec))),
                Making::Space(preset) => Payload::Space(NewSpace::new(preset)),
            },
            keep: matches!(making, Making::Event(spec) if spec.kept()),
            send_updates: match making {
                Making::Event(spec) => spec.send_updates,
                Making::Space(_) => SendUpdates::None,
            },
            phase: Phase::Insert,
            started_ms: now_ms,
            retries: 0,
            polls: 0,
            pending_since_ms: None,
            renewed: false,
            may_exist: false,
            sent: 1,
        };
        let first = Step::Send(flow.request());
        (flow, first)
    }

    /// The client event id of this action (none for a Meet space).
    pub fn event_id(&self) -> Option<&str> {
        match &self.making {
            Payload::Event(e) => Some(&e.id),
            Payload::Space(_) => None,
        }
    }

    fn request(&self) -> HttpRequest {
        let body = Some(self.making.clone());
        match (self.phase, self.event_id()) {
            (Phase::Get, Some(id)) => HttpRequest { method: Method::Get, url: self.endpoints.event(id), body: None },
            (_, Some(_)) => HttpRequest { method: Method::Post, url: self.endpoints.insert_event(self.send_updates), body },
            (_, None) => HttpRequest { method: Method::Post, url: self.endpoints.spaces(), body },
        }
    }

    /// Ends the action with `problem` (used by the shell when it cannot go on, e.g. token renewal
    /// failed), naming the event for cleanup if it may exist — a kept event too: without its link
    /// it is of no use. (A Meet space has no event, and no API deletes a space.)
    /// A meeting the user confirmed (Invite, Schedule: it keeps the calendar's reminders) is never
    /// deleted: the user asked for it, its "Try again" finds it by its id (409 → GET), and a delete
    /// would e-mail its guests a cancellation.
    pub fn fail(&self, problem: Problem) -> Step {
        let confirmed = matches!(&self.making, Payload::Event(e) if !e.attendees.is_empty() || e.reminders.is_none());
        Step::Fail { problem, cleanup: self.event_id().filter(|_| self.may_exist && !confirmed).map(str::to_owned) }
    }

    /// Backs off and sends again, or ends with `exhausted`. `made_nothing`: the answer says the
    /// request was not carried out (a rate limit, a 503). Without that, a Meet space's create is not
    /// sent again: it has no idempotency key, so a retry could make a second space.
    fn retry(&mut self, exhausted: Problem, made_nothing: bool, retry_after: Option<u64>, now_ms: u64, jitter: f64) -> Step {
        if !made_nothing && self.event_id().is_none() {
            return self.fail(exhausted);
        }
        let elapsed = now_ms.saturating_sub(self.started_ms);
        match Backoff::ERRORS.delay(self.retries, jitter, retry_after, elapsed) {
            Some(ms) => {
                self.retries += 1;
                Step::Wait { ms, then: self.request() }
            }
            None => self.fail(exhausted),
        }
    }

    fn on_event(&mut self, event: &Event, now_ms: u64, jitter: f64) -> Step {
        match event.conference() {
            Conference::Ready(link) => {
                Step::Done { link, dial_in: event.dial_in(), placeholder: self.event_id().filter(|_| !self.keep).map(str::to_owned) }
            }
            Conference::Pending => {
                self.phase = Phase::Get;
                let since = *self.pending_since_ms.get_or_insert(now_ms);
                match Backoff::PENDING.delay(self.polls, jitter, None, now_ms.saturating_sub(since)) {
                    Some(ms) => {
                        self.polls += 1;
                        Step::Wait { ms, then: self.request() }
                    }
                    None => self.fail(Problem::ConferenceTimeout),
                }
            }
            Conference::Failed | Conference::Missing => self.fail(Problem::ConferenceFailed),
            Conference::NotMeet => self.fail(Problem::InvalidLink),
        }
    }

    /// Feeds the answer to the last request; returns what to do next, within the action's budget.
    pub fn on_reply(&mut self, reply: Reply, now_ms: u64, jitter: f64) -> Step {
        let step = self.decide(reply, now_ms, jitter);
        let wait = match &step {
            Step::Send(_) | Step::RenewToken(_) => 0,
            Step::Wait { ms, .. } => *ms,
            Step::Done { .. } | Step::Fail { .. } => return step,
        };
        let starts_at = now_ms.saturating_add(wait).saturating_sub(self.started_ms);
        if self.sent >= MAX_REQUESTS || starts_at > START_BUDGET_MS {
            return self.fail(if self.pending_since_ms.is_some() { Problem::ConferenceTimeout } else { Problem::ServerError });
        }
        self.sent += 1;
        step
    }

    fn decide(&mut self, reply: Reply, now_ms: u64, jitter: f64) -> Step {
        // Any answer to an insert other than a clear refusal may mean the event exists.
        let insert = self.phase == Phase::Insert;
        match reply {
            Reply::Http { status: 200..=299, body: Body::Event(ev), .. } => {
                self.may_exist = true;
                self.on_event(&ev, now_ms, jitter)
            }
            Reply::Http { status: 200..=299, .. } => {
                // Landed, but unreadable: ask again (an insert retry gets 409 and then GETs).
                self.may_exist = true;
                self.retry(Problem::ServerError, false, None, now_ms, jitter)
            }
            Reply::Http { status, retry_after, body } => {
                let envelope = match &body {
                    Body::Error(e) => Some(e),
                    _ => None,
                };
                let ra = retry_after.as_deref().and_then(|v| retry_after_ms(v, now_ms));
                match classify(status, envelope, ra) {
                    ApiError::Unauthorized if !self.renewed => {
                        self.renewed = true;
                        Step::RenewToken(self.request())
                    }
                    ApiError::Unauthorized => self.fail(Problem::NotSignedIn),
                    ApiError::RateLimited { retry_after_ms } => {
                        self.retry(Problem::RateLimited, true, retry_after_ms, now_ms, jitter)
                    }
                    ApiError::Transient => {
                        // An event's cleanup stays cautious even after a 503 (a DELETE of nothing
                        // costs one request); a space's retry trusts it (google.rpc UNAVAILABLE: not
                        // carried out).
                        self.may_exist |= insert;
                        self.retry(Problem::ServerError, status == 503, None, now_ms, jitter)
                    }
                    // A 409 to the GET itself is no answer: back off like any other.
                    ApiError::Duplicate if !insert => self.retry(Problem::ServerError, false, None, now_ms, jitter),
                    ApiError::Duplicate => {
                        self.may_exist = true;
                        self.phase = Phase::Get;
                        Step::Send(self.request())
                    }
                    // A GET of our own id: Calendar may lag behind its own insert (errors guide: 404
                    // can be transient), so back off a little.
                    ApiError::NotFound if !insert => self.retry(Problem::Unexpected, false, None, now_ms, jitter),
                    ApiError::NotFound => self.fail(Problem::NoCalendarAccess),
                    ApiError::Gone => self.fail(Problem::ConferenceFailed),
                    // A space that asks for presets (moderation, automatic recording…) refused as not
                    // allowed or not valid: the edition or an administrator does not allow them.
                    ApiError::Fatal(Problem::NoCalendarAccess | Problem::Unexpected)
                        if matches!(&self.making, Payload::Space(s) if s.asks_more) && matches!(status, 400 | 403) =>
                    {
                        self.fail(Problem::MeetSettingsRefused)
                    }
                    ApiError::Fatal(p) => self.fail(p),
                }
            }
            // Whether a lost request reached Google cannot be known.
            Reply::Network => {
                self.may_exist |= insert;
                self.retry(Problem::Offline, false, None, now_ms, jitter)
            }
            Reply::Timeout => {
                self.may_exist |= insert;
                self.retry(Problem::ServerError, false, None, now_ms, jitter)
            }
            // Something between MeetLink and Google answered instead of Google; a retry would meet it
            // again. Whether the insert got through cannot be known, so its event is cleaned up.
            Reply::Redirect => {
                self.may_exist |= insert;
                self.fail(Problem::Redirected)
            }
        }
    }
}

/// The `events.delete` request for a placeholder.
pub fn delete_request(endpoints: &Endpoints, event_id: &str) -> HttpRequest {
    HttpRequest { method: Method::Delete, url: endpoints.event(event_id) + "?sendUpdates=none", body: None }
}

/// What a delete's answer means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeleteOutcome {
    /// 2xx, 404 or 410: the placeholder is gone.
    Gone,
    /// 401: renew the token (once) and try again.
    Renew,
    /// Anything else: remember it and try again later.
    Later,
}

/// Classifies a delete's answer (google-apis.md §1.8: 204, then 410 `deleted`).
pub fn delete_outcome(reply: &Reply) -> DeleteOutcome {
    match reply {
        Reply::Http { status: 200..=299 | 404 | 410, .. } => DeleteOutcome::Gone,
        Reply::Http { status: 401, .. } => DeleteOutcome::Renew,
        _ => DeleteOutcome::Later,
    }
}

/// A placeholder whose delete has not succeeded yet; kept in `chrome.storage.local` until Google
/// answers 2xx/404/410, so a browser restart cannot strand it. Only this code writes it: unknown
/// fields refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PendingDelete {
    /// The event.
    #[serde(deserialize_with = "crate::ids::stored_event_id")]
    pub event_id: String,
    /// Failed attempts so far.
    pub attempts: u32,
    /// Not before this time (ms since the epoch).
    pub next_at_ms: u64,
}

impl PendingDelete {
    /// The record after one more failed attempt, or `None` when the bound is reached.
    pub fn after_failure(event_id: &str, attempts: u32, now_ms: u64, jitter: f64) -> Option<Self> {
        Backoff::DELETE
            .delay(attempts, jitter, None, 0)
            .map(|d| PendingDelete { event_id: event_id.into(), attempts: attempts + 1, next_at_ms: now_ms + d })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::EventSpec;
    use serde_json::json;

    const ID: &str = "0123456789abcdef0123456789abcdef";
    const LINK: &str = "https://meet.google.com/abc-defg-hij";

    fn start() -> (CreateFlow, Step) {
        start_making(Making::Event(EventSpec::placeholder("UTC", 0)))
    }

    fn start_making(making: Making) -> (CreateFlow, Step) {
        let ids = ActionIds { event_id: ID.into(), request_id: "req".into() };
        CreateFlow::start(Endpoints::under("http://fake"), &ids, &making, 0)
    }

    fn event(v: serde_json::Value) -> Reply {
        Reply::Http { status: 200, retry_after: None, body: Body::Event(Box::new(serde_json::from_value(v).unwrap())) }
    }
    fn ok() -> Reply {
        event(json!({"id": ID, "hangoutLink": LINK, "conferenceData": {"createRequest": {"status": {"statusCode": "success"}}, "entryPoints": [{"entryPointType": "video", "uri": LINK}]}}))
    }
    fn pending() -> Reply {
        event(json!({"id": ID, "conferenceData": {"createRequest": {"status": {"statusCode": "pending"}}}}))
    }
    fn err(status: u16, reason: &str) -> Reply {
        let body = serde_json::from_value(json!({"error": {"code": status, "message": reason, "errors": [{"domain": "global", "reason": reason}]}})).unwrap();
        Reply::Http { status, retry_after: None, body: Body::Error(body) }
    }
    fn with_retry_after(r: Reply, v: &str) -> Reply {
        match r {
            Reply::Http { status, body, .. } => Reply::Http { status, retry_after: Some(v.into()), body },
            r => r,
        }
    }

    /// Compact trace of a step: `POST`, `GET`, `wait 500 POST`, `renew POST`, `done`, `fail …`.
    fn show(s: &Step) -> String {
        let req = |r: &HttpRequest| r.method.as_str().to_owned();
        match s {
            Step::Send(r) => req(r),
            Step::Wait { ms, then } => format!("wait {ms} {}", req(then)),
            Step::RenewToken(r) => format!("renew {}", req(r)),
            Step::Done { link, placeholder, .. } => format!("done {} {}", link.code(), placeholder.as_ref().map_or("kept", |p| &p[..4])),
            Step::Fail { problem, cleanup } => {
                format!("fail {problem:?}{}", if cleanup.is_some() { " cleanup" } else { "" })
            }
        }
    }

    /// Runs a script of replies; time advances by each wait.
    fn run(replies: Vec<Reply>) -> Vec<String> {
        let (mut flow, first) = start();
        let mut trace = vec![show(&first)];
        let mut now = 0;
        for r in replies {
            let step = flow.on_reply(r, now, 0.0);
            if let Step::Wait { ms, .. } = step {
                now += ms;
            }
            trace.push(show(&step));
        }
        trace
    }

    #[test]
    fn scenarios() {
        let table: Vec<(&str, Vec<Reply>, Vec<&str>)> = vec![
            ("success first time", vec![ok()], vec!["POST", "done abc-defg-hij 0123"]),
            ("401 once: renew, retry, success", vec![err(401, "authError"), ok()], vec!["POST", "renew POST", "done abc-defg-hij 0123"]),
            ("401 always: one renewal, never a loop", vec![err(401, "authError"), err(401, "authError")], vec!["POST", "renew POST", "fail NotSignedIn"]),
            ("409 duplicate: GET the existing event", vec![err(409, "duplicate"), ok()], vec!["POST", "GET", "done abc-defg-hij 0123"]),
            ("500 then 200", vec![err(500, "backendError"), ok()], vec!["POST", "wait 500 POST", "done abc-defg-hij 0123"]),
            ("503 landed, retry gets 409", vec![err(503, "backendError"), err(409, "duplicate"), ok()], vec!["POST", "wait 500 POST", "GET", "done abc-defg-hij 0123"]),
            ("rate limited 403", vec![err(403, "rateLimitExceeded"), err(403, "userRateLimitExceeded"), ok()], vec!["POST", "wait 500 POST", "wait 1000 POST", "done abc-defg-hij 0123"]),
            ("429 with Retry-After", vec![with_retry_after(err(429, "rateLimitExceeded"), "2"), ok()], vec!["POST", "wait 2000 POST", "done abc-defg-hij 0123"]),
            ("429 always", vec![err(429, "rateLimitExceeded"); 5], vec!["POST", "wait 500 POST", "wait 1000 POST", "wait 2000 POST", "wait 4000 POST", "fail RateLimited"]),
            ("429 Retry-After too long", vec![with_retry_after(err(429, "rateLimitExceeded"), "3600")], vec!["POST", "fail RateLimited"]),
            ("500 always: gives up, cleans up", vec![err(500, "backendError"); 5], vec!["POST", "wait 500 POST", "wait 1000 POST", "wait 2000 POST", "wait 4000 POST", "fail ServerError cleanup"]),
            ("network error then ok", vec![Reply::Network, ok()], vec!["POST", "wait 500 POST", "done abc-defg-hij 0123"]),
            ("offline throughout", vec![Reply::Network; 5], vec!["POST", "wait 500 POST", "wait 1000 POST", "wait 2000 POST", "wait 4000 POST", "fail Offline cleanup"]),
            ("timeout then duplicate", vec![Reply::Timeout, err(409, "duplicate"), ok()], vec!["POST", "wait 500 POST", "GET", "done abc-defg-hij 0123"]),
            ("malformed 200 then duplicate", vec![Reply::Http { status: 200, retry_after: None, body: Body::Unreadable }, err(409, "duplicate"), ok()], vec!["POST", "wait 500 POST", "GET", "done abc-defg-hij 0123"]),
            ("HTML 502 page", vec![Reply::Http { status: 502, retry_after: None, body: Body::Unreadable }, ok()], vec!["POST", "wait 500 POST", "done abc-defg-hij 0123"]),
            ("insufficient scope: no retry", vec![err(403, "insufficientPermissions")], vec!["POST", "fail ScopeRefused"]),
            ("quota: no retry", vec![err(403, "quotaExceeded")], vec!["POST", "fail QuotaExceeded"]),
            ("API disabled", vec![err(403, "accessNotConfigured")], vec!["POST", "fail ApiDisabled"]),
            ("400: no retry", vec![err(400, "badRequest")], vec!["POST", "fail Unexpected"]),
            ("404 on insert: no retry", vec![err(404, "notFound")], vec!["POST", "fail NoCalendarAccess"]),
            ("pending, pending, success", vec![pending(), pending(), ok()], vec!["POST", "wait 250 GET", "wait 500 GET", "done abc-defg-hij 0123"]),
            ("failure status", vec![event(json!({"conferenceData": {"createRequest": {"status": {"statusCode": "failure"}}}}))], vec!["POST", "fail ConferenceFailed cleanup"]),
            ("no conference at all", vec![event(json!({"id": ID}))], vec!["POST", "fail ConferenceFailed cleanup"]),
            ("javascript: link", vec![event(json!({"hangoutLink": "javascript:alert(1)"}))], vec!["POST", "fail InvalidLink cleanup"]),
            ("401 while polling", vec![pending(), err(401, "authError"), ok()], vec!["POST", "wait 250 GET", "renew GET", "done abc-defg-hij 0123"]),
            ("404 while fetching our own event is retried", vec![err(409, "duplicate"), err(404, "notFound"), ok()], vec!["POST", "GET", "wait 500 GET", "done abc-defg-hij 0123"]),
            ("410 on our event", vec![err(409, "duplicate"), err(410, "deleted")], vec!["POST", "GET", "fail ConferenceFailed cleanup"]),
            ("409 to the GET too: backs off, never at once", vec![err(409, "duplicate"), err(409, "duplicate"), ok()], vec!["POST", "GET", "wait 500 GET", "done abc-defg-hij 0123"]),
            ("a redirect is not followed, nor retried", vec![Reply::Redirect], vec!["POST", "fail Redirected cleanup"]),
            ("a redirect on the GET", vec![err(409, "duplicate"), Reply::Redirect], vec!["POST", "GET", "fail Redirected cleanup"]),
        ];
        for (name, replies, want) in table {
            assert_eq!(run(replies), want, "{name}");
        }
    }

    #[test]
    fn kept_events_and_meet_spaces() {
        use crate::settings::{AccessType, Settings, SpacePreset};
        let keep = Settings { keep_event: true, title: "Stand-up".into(), duration_minutes: 45, ..Settings::default() };
        let (mut flow, Step::Send(insert)) = start_making(Making::Event(EventSpec::new(&keep, "Asia/Tokyo", 0))) else { panic!() };
        let Some(Payload::Event(body)) = insert.body else { panic!() };
        assert_eq!((body.summary.as_str(), body.transparency, body.end.date_time.as_str()), ("Stand-up", "opaque", "1970-01-01T00:45:00Z"));
        assert_eq!(show(&flow.on_reply(ok(), 0, 0.0)), "done abc-defg-hij kept", "a kept event is not deleted");
        let (mut flow, Step::Send(kept_fail)) = start_making(Making::Event(EventSpec::new(&keep, "UTC", 0))) else { panic!() };
        assert_eq!(kept_fail.method, Method::Post);
        assert_eq!(show(&flow.on_reply(pending(), 0, 0.0)), "wait 250 GET");
        assert_eq!(flow.fail(Problem::Offline), Step::Fail { problem: Problem::Offline, cleanup: Some(ID.into()) }, "a kept event without its link is cleaned up");

        let space = |v| Reply::Http { status: 200, retry_after: None, body: Body::Event(Box::new(serde_json::from_value(v).unwrap())) };
        let good = space(json!({"name": "spaces/jQCFfuBOdN5z", "meetingUri": LINK, "meetingCode": "abc-defg-hij", "config": {"accessType": "OPEN"}}));
        let (mut flow, Step::Send(create)) = start_making(Making::Space(SpacePreset { access_type: AccessType::Open, ..SpacePreset::default() })) else { panic!() };
        assert_eq!(create.url, "http://fake/v2/spaces");
        assert_eq!(serde_json::to_value(&create.body).unwrap(), json!({"config": {"accessType": "OPEN"}}));
        assert_eq!(flow.event_id(), None);
        assert_eq!(show(&flow.on_reply(err(503, "backendError"), 0, 0.0)), "wait 500 POST");
        assert_eq!(show(&flow.on_reply(err(401, "authError"), 0, 0.0)), "renew POST");
        assert_eq!(show(&flow.on_reply(good, 0, 0.0)), "done abc-defg-hij kept", "a space has no placeholder");
        let (flow, _) = start_making(Making::Space(SpacePreset { access_type: AccessType::Restricted, ..SpacePreset::default() }));
        assert_eq!(flow.fail(Problem::Offline), Step::Fail { problem: Problem::Offline, cleanup: None }, "no event to clean");
        let (mut flow, _) = start_making(Making::Space(SpacePreset::default()));
        let evil = space(json!({"name": "spaces/x", "meetingUri": "https://evil.example/abc-defg-hij"}));
        assert_eq!(show(&flow.on_reply(evil, 0, 0.0)), "fail InvalidLink");
    }

    #[test]
    fn invites_and_space_presets() {
        use crate::calendar::SendUpdates;
        use crate::settings::{AccessType, EntryPointAccess, SpacePreset};
        // An invite: its guests in the body, who is e-mailed in the URL, the calendar's reminders,
        // busy; and never cleaned up, even when its link could not be read.
        let spec = EventSpec {
            attendees: vec!["ana@example.com".into(), "bo@example.org".into()],
            send_updates: SendUpdates::ExternalOnly,
            reminders: true,
            keep: true,
            ..EventSpec::placeholder("Europe/Berlin", 0)
        };
        let (mut flow, Step::Send(insert)) = start_making(Making::Event(spec)) else { panic!() };
        assert!(insert.url.ends_with("?conferenceDataVersion=1&sendUpdates=externalOnly"), "{}", insert.url);
        let body = serde_json::to_value(&insert.body).unwrap();
        assert_eq!(body["attendees"], json!([{"email": "ana@example.com"}, {"email": "bo@example.org"}]));
        assert_eq!((body.get("reminders"), &body["transparency"]), (None, &json!("opaque")));
        assert_eq!(show(&flow.on_reply(pending(), 0, 0.0)), "wait 250 GET");
        assert_eq!(flow.fail(Problem::Offline), Step::Fail { problem: Problem::Offline, cleanup: None }, "guests were invited: never deleted");
        assert_eq!(show(&flow.on_reply(ok(), 0, 0.0)), "done abc-defg-hij kept");
        // A scheduled meeting with nobody invited is the user's too: never deleted on failure (its
        // "Try again" finds it by its id).
        let alone = EventSpec { reminders: true, keep: true, ..EventSpec::placeholder("UTC", 0) };
        let (mut flow, Step::Send(_)) = start_making(Making::Event(alone)) else { panic!() };
        assert_eq!(show(&flow.on_reply(pending(), 0, 0.0)), "wait 250 GET");
        assert_eq!(flow.fail(Problem::Offline), Step::Fail { problem: Problem::Offline, cleanup: None }, "a confirmed meeting: never deleted");
        // A placeholder has no attendees key and no reminders.
        let (_, Step::Send(plain)) = start() else { panic!() };
        let plain = serde_json::to_value(&plain.body).unwrap();
        assert_eq!((plain.get("attendees"), &plain["reminders"]), (None, &json!({"useDefault": false, "overrides": []})));

        // Presets: what is on is sent, what is at Google's default is not.
        let every = SpacePreset {
            access_type: AccessType::Restricted,
            entry_point_access: EntryPointAccess::CreatorAppOnly,
            moderation: true,
            chat_hosts_only: true,
            reactions_hosts_only: false,
            present_hosts_only: true,
            join_as_viewer: true,
            auto_recording: true,
            auto_transcription: false,
            auto_smart_notes: true,
        };
        let (_, Step::Send(create)) = start_making(Making::Space(every)) else { panic!() };
        assert_eq!(serde_json::to_value(&create.body).unwrap(), json!({"config": {
            "accessType": "RESTRICTED", "entryPointAccess": "CREATOR_APP_ONLY", "moderation": "ON",
            "moderationRestrictions": {"chatRestriction": "HOSTS_ONLY", "reactionRestriction": "NO_RESTRICTION",
                "presentRestriction": "HOSTS_ONLY", "defaultJoinAsViewerType": "ON"},
            "artifactConfig": {"recordingConfig": {"autoRecordingGeneration": "ON"}, "smartNotesConfig": {"autoSmartNotesGeneration": "ON"}}}}));
        // Restrictions without moderation mean nothing: not sent.
        let loose = SpacePreset { chat_hosts_only: true, ..SpacePreset::default() };
        let (_, Step::Send(create)) = start_making(Making::Space(loose)) else { panic!() };
        assert_eq!(serde_json::to_value(&create.body).unwrap(), json!({"config": {"accessType": "TRUSTED"}}));
        // Refused presets say so; a plain space refused is what it was.
        let refusal = |status, code: &str| Reply::Http { status, retry_after: None, body: Body::Error(serde_json::from_value(json!({"error": {"code": status, "status": code, "message": "x"}})).unwrap()) };
        for (status, code) in [(400, "INVALID_ARGUMENT"), (403, "PERMISSION_DENIED")] {
            let (mut flow, _) = start_making(Making::Space(every));
            assert_eq!(show(&flow.on_reply(refusal(status, code), 0, 0.0)), "fail MeetSettingsRefused", "{status}");
        }
        let (mut flow, _) = start_making(Making::Space(SpacePreset::default()));
        assert_eq!(show(&flow.on_reply(refusal(403, "PERMISSION_DENIED"), 0, 0.0)), "fail NoCalendarAccess");
    }

    /// A space's create has no idempotency key: it is sent again only where the first provably
    /// made nothing.
    #[test]
    fn a_space_is_asked_for_again_only_when_none_was_made() {
        use crate::settings::{AccessType, SpacePreset};
        let unreadable = |status| Reply::Http { status, retry_after: None, body: Body::Unreadable };
        let table: Vec<(&str, Reply, &str)> = vec![
            ("503: not carried out", err(503, "backendError"), "wait 500 POST"),
            ("429", err(429, "rateLimitExceeded"), "wait 500 POST"),
            ("403 rate limit", err(403, "rateLimitExceeded"), "wait 500 POST"),
            ("401: refused before anything was made", err(401, "authError"), "renew POST"),
            ("500: may have made one", err(500, "backendError"), "fail ServerError"),
            ("502 page", unreadable(502), "fail ServerError"),
            ("504", unreadable(504), "fail ServerError"),
            ("408", unreadable(408), "fail ServerError"),
            ("409 conflict", err(409, "conflict"), "fail ServerError"),
            ("lost connection", Reply::Network, "fail Offline"),
            ("timeout", Reply::Timeout, "fail ServerError"),
            ("made, unreadable", unreadable(200), "fail ServerError"),
            ("redirect", Reply::Redirect, "fail Redirected"),
        ];
        for (name, reply, want) in table {
            let (mut flow, _) = start_making(Making::Space(SpacePreset { access_type: AccessType::Open, ..SpacePreset::default() }));
            assert_eq!(show(&flow.on_reply(reply, 0, 0.0)), want, "{name}");
        }
    }

    /// Google (or something in its place) answering the same thing for ever: every path ends within
    /// the action's one budget, in requests and in time, each request taking its whole timeout.
    #[test]
    fn one_budget_over_every_path() {
        let http = |status| Reply::Http { status, retry_after: None, body: Body::Unreadable };
        let answers: Vec<(&str, Vec<Reply>)> = vec![
            ("409 to the insert and to every GET", vec![err(409, "duplicate")]),
            ("409, then 404 for ever", vec![err(409, "duplicate"), err(404, "notFound")]),
            ("503 for ever", vec![err(503, "backendError")]),
            ("pending for ever", vec![pending()]),
            ("401, 409, pending, 500…", vec![err(401, "authError"), err(409, "duplicate"), pending(), http(500)]),
            ("Retry-After 1 s", vec![with_retry_after(err(429, "rateLimitExceeded"), "1")]),
            ("timeouts", vec![Reply::Timeout]),
            ("2xx unreadable", vec![http(200)]),
        ];
        for (name, cycle) in answers {
            for request_ms in [0, 10_000] {
                let (mut flow, _) = start();
                let (mut now, mut requests, mut last_start) = (0, 1, 0);
                let end = loop {
                    now += request_ms;
                    match flow.on_reply(cycle[(requests - 1) as usize % cycle.len()].clone(), now, 0.999) {
                        Step::Wait { ms, .. } => now += ms,
                        Step::Send(_) | Step::RenewToken(_) => {}
                        end => break end,
                    }
                    requests += 1;
                    last_start = now;
                    assert!(requests <= MAX_REQUESTS, "{name}: {requests} requests");
                };
                assert!(last_start <= START_BUDGET_MS, "{name}: a request started at {last_start} ms");
                assert!(matches!(end, Step::Fail { .. }), "{name}: {end:?}");
            }
        }
        // The request count binds too, where answers come at once.
        let (mut flow, _) = start();
        let mut requests = 1;
        while !matches!(flow.on_reply(err(409, "duplicate"), 0, 0.0), Step::Fail { .. }) {
            requests += 1;
        }
        assert!(requests <= 6, "409 → GET → 409…: the GETs back off and stop, {requests} requests");
    }

    #[test]
    fn pending_forever_is_bounded() {
        let (mut flow, _) = start();
        let mut now = 0;
        let mut polls = 0;
        loop {
            match flow.on_reply(pending(), now, 0.0) {
                Step::Wait { ms, then } => {
                    assert_eq!(then.method, Method::Get);
                    now += ms;
                    polls += 1;
                }
                step => {
                    assert_eq!(show(&step), "fail ConferenceTimeout cleanup");
                    break;
                }
            }
            assert!(polls < 50);
        }
        assert!(now <= 15_000, "{now}");
    }

    #[test]
    fn every_retry_reuses_the_same_ids() {
        let (mut flow, first) = start();
        let Step::Send(first) = first else { panic!() };
        let body = first.body.clone().unwrap();
        assert!(first.url.ends_with("?conferenceDataVersion=1&sendUpdates=none"));
        for r in [err(500, "backendError"), Reply::Network, Reply::Timeout] {
            let Step::Wait { then, .. } = flow.on_reply(r, 0, 0.7) else { panic!() };
            assert_eq!(then.body.as_ref(), Some(&body));
        }
        let Step::Send(get) = flow.on_reply(err(409, "duplicate"), 0, 0.0) else { panic!() };
        assert_eq!(get.url, format!("http://fake/calendar/v3/calendars/primary/events/{ID}"));
    }

    #[test]
    fn renewal_failure_cleans_up_only_when_an_insert_may_have_landed() {
        let (flow, _) = start();
        assert_eq!(flow.fail(Problem::NotSignedIn), Step::Fail { problem: Problem::NotSignedIn, cleanup: None });
        let (mut flow, _) = start();
        flow.on_reply(Reply::Timeout, 0, 0.0);
        assert_eq!(flow.fail(Problem::NotSignedIn), Step::Fail { problem: Problem::NotSignedIn, cleanup: Some(ID.into()) });
    }

    #[test]
    fn bodies() {
        let link = r#"{"hangoutLink": "https://meet.google.com/abc-defg-hij", "unknown": [1, {"x": null}]}"#;
        assert!(matches!(Body::read(200, link.as_bytes()), Body::Event(e) if e.conference() == crate::calendar::Conference::Ready(MeetLink::parse(LINK).unwrap())));
        let envelope = r#"{"error": {"code": 409, "errors": [{"reason": "duplicate"}]}}"#;
        assert!(matches!(Body::read(409, envelope.as_bytes()), Body::Error(e) if e.error.as_ref().and_then(|b| b.code) == Some(409)));
        for (status, bytes) in [(204, &b""[..]), (200, b" \n\t ")] {
            assert_eq!(Body::read(status, bytes), Body::Empty);
        }
        for (status, bytes) in [
            (200, &b"{\"id\": \"trunc"[..]),
            (502, b"<!DOCTYPE html><p>502. That's an error."),
            (200, b"[1, 2, 3]"),
            (200, br#"["https://meet.google.com/abc-defg-hij"]"#), // not an Event, though serde reads it by position
            (409, br#"[{"code": 409}]"#),
            (200, b"{\"hangoutLink\": 5}"),
            (200, b"\xff\xfe"),
        ] {
            assert_eq!(Body::read(status, bytes), Body::Unreadable, "{}", String::from_utf8_lossy(bytes));
        }
    }

    #[test]
    fn deletes() {
        let e = Endpoints::under("http://fake");
        assert_eq!(delete_request(&e, ID).url, format!("http://fake/calendar/v3/calendars/primary/events/{ID}?sendUpdates=none"));
        let http = |status| Reply::Http { status, retry_after: None, body: Body::Empty };
        for (reply, want) in [
            (http(204), DeleteOutcome::Gone),
            (http(200), DeleteOutcome::Gone),
            (http(404), DeleteOutcome::Gone),
            (http(410), DeleteOutcome::Gone),
            (http(401), DeleteOutcome::Renew),
            (http(403), DeleteOutcome::Later),
            (http(500), DeleteOutcome::Later),
            (http(429), DeleteOutcome::Later),
            (Reply::Network, DeleteOutcome::Later),
            (Reply::Timeout, DeleteOutcome::Later),
            (Reply::Redirect, DeleteOutcome::Later),
        ] {
            assert_eq!(delete_outcome(&reply), want, "{reply:?}");
        }
        let p = PendingDelete::after_failure(ID, 0, 1000, 0.0).unwrap();
        assert_eq!((p.attempts, p.next_at_ms), (1, 61_000));
        assert!(PendingDelete::after_failure(ID, 8, 0, 0.0).is_none(), "bounded");
    }
}
