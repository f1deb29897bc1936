//! Invite and Schedule (`crate::meeting`): a draft from what the page offers, the confirmation page
//! in a window of its own, and the confirmed meeting made — once, by one action that "Try again"
//! resumes — and its link typed.

use super::chrome::{self, get_path, now, now_ms, to_js, BrowserZone};
use super::storage::{self, Area};
use super::{action, drafts, page, triggers};
use crate::calendar::Making;
use crate::errors::Problem;
use crate::inflight::Destination;
use crate::format::DialIn;
use crate::link::MeetLink;
use crate::meeting::{input_of, key, Confirmed, Draft, Kind, Next, Offered, Outcome};
use crate::messages::{Clip, MeetingState, Response};
use crate::schedule::Zone;
use serde::Serialize;

/// `windows.create`'s details: the confirmation page in a small window of its own.
#[derive(Serialize)]
struct Window {
    url: String,
    #[serde(rename = "type")]
    kind: &'static str,
    width: u32,
    height: u32,
}

/// Writes a draft of `kind` from the frame's selection and recipients (or `selection`, the text the
/// browser gave the menu click, where the frame cannot be scripted) and opens the confirmation.
pub async fn open(kind: Kind, tab_id: Option<i32>, frame_id: i32, selection: Option<String>) -> Result<(), Problem> {
    let mut offered = match tab_id {
        Some(tab) => page::offered(tab, frame_id).await,
        None => Offered::default(),
    };
    if offered.selection.trim().is_empty() {
        offered.selection = selection.unwrap_or_default();
    }
    let settings = storage::settings().await;
    let draft = Draft::new(chrome::nonce(), kind, tab_id, frame_id, &offered, &settings, now(), &BrowserZone::USER);
    drafts::sweep().await;
    drafts::write(&draft).await;
    let url = format!("{}meeting.html#{}", chrome::base_url(), draft.id);
    let window = chrome::windows_create(&to_js(&Window { url, kind: "popup", width: 520, height: 720 })).await.map_err(|e| {
        chrome::warn(&format!("MeetLink: could not open the meeting window: {}", chrome::error_message(&e)));
        Problem::Unexpected
    })?;
    // The window's id, so that an outcome nobody is there to see is told by notification.
    if let Some(window_id) = get_path(&window, &["id"]).as_f64() {
        let _turn = storage::turn().await;
        if let Some(mut draft) = drafts::read(&draft.id).await {
            draft.window_id = Some(window_id as i32);
            drafts::write(&draft).await;
        }
    }
    Ok(())
}

/// Where the draft's action is. An action started but neither settled, nor run by this worker, nor
/// left in storage for a resume, was lost with a worker before its first request: "Try again".
async fn state(draft: &Draft) -> MeetingState {
    match (&draft.action, &draft.outcome) {
        (None, _) => MeetingState::Open,
        (Some(_), Some(Outcome::Made { link, dial_in, typed })) => {
            MeetingState::Made { link: link.clone(), typed: *typed, clip: clip(draft, link, dial_in.as_ref()).await }
        }
        (Some(_), Some(Outcome::Failed { problem })) => MeetingState::Failed { problem: *problem },
        (Some(record), None) => {
            let key = record.key();
            if action::running(&key) || !storage::get_json(Area::Session, &key).await.is_null() {
                MeetingState::Making
            } else {
                MeetingState::Failed { problem: Problem::Interrupted }
            }
        }
    }
}

/// What the window's Copy writes for the meeting's link.
async fn clip(draft: &Draft, link: &MeetLink, dial_in: Option<&DialIn>) -> Clip {
    triggers::clip(&storage::settings().await, link, draft.action.as_ref().map_or("", |a| a.title.as_str()), dial_in)
}

/// The draft for the confirmation page, where its action is, the user's zone and its start as the
/// page's input reads it.
pub async fn get(id: &str) -> Response {
    let Some(draft) = drafts::read(id).await else { return Response::Failed { problem: Problem::DraftGone } };
    let start_local = draft.start_ms.and_then(|ms| {
        let at = time::OffsetDateTime::from_unix_timestamp((ms / 1000) as i64).ok()?;
        Some(input_of(at.to_offset(BrowserZone::USER.offset_at(at))))
    });
    let action = state(&draft).await;
    Response::Draft { draft: Box::new(draft), action, zone: chrome::time_zone(), start_local }
}

/// "Create" (and "Try again"): one action per confirmation. The first Create checks the
/// confirmation and turns it into the draft's action — ids, event, guests, who is e-mailed — written
/// with its in-flight record under the storage turn, before any request; every later one (a second
/// click, a second window, "Try again" after a failure) runs that same action, never a new one, so
/// an insert that landed is found again (409 → GET) and no guest is invited twice. The draft is kept
/// until the user closes the window after the outcome: a failure loses no edit.
pub async fn confirm(confirmed: Confirmed) -> Response {
    let turn = storage::turn().await;
    let Some(mut draft) = drafts::read(&confirmed.id).await else { return Response::Failed { problem: Problem::DraftGone } };
    let run = match draft.next() {
        Next::Made => {
            drop(turn);
            return answer(&draft, draft.outcome.clone().unwrap_or(Outcome::Failed { problem: Problem::Unexpected })).await;
        }
        Next::Start => {
            let spec = match confirmed.event(&chrome::time_zone(), now(), &BrowserZone::USER) {
                Ok(spec) => spec,
                Err(invalid) => return Response::Invalid { invalid },
            };
            let destination = Destination::Page { tab_id: draft.tab_id, frame_id: draft.frame_id, nonce: chrome::nonce(), draft: Some(draft.id.clone()) };
            let run = action::new_record(&Making::Event(spec), destination);
            draft.confirmed = Some(confirmed);
            draft.action = Some(run.0.clone());
            run
        }
        Next::Resume => {
            let Some(record) = draft.action.as_ref().map(|a| a.restarted(now_ms())) else { return Response::Failed { problem: Problem::Unexpected } };
            let Some(run) = action::claim(record) else { return Response::Making };
            draft.outcome = None;
            run
        }
    };
    drafts::write(&draft).await;
    storage::put(Area::Session, &run.0.key(), &run.0).await;
    drop(turn);
    answer(&draft, triggers::meeting(run).await).await
}

/// The window's answer for an action that has ended.
async fn answer(draft: &Draft, outcome: Outcome) -> Response {
    match outcome {
        Outcome::Made { link, dial_in, typed } => Response::Meeting { clip: clip(draft, &link, dial_in.as_ref()).await, link, typed },
        Outcome::Failed { problem } => Response::Failed { problem },
    }
}

/// Forgets a draft (the page's Cancel, or its closing) — unless its action may still be running:
/// that goes on, and its outcome is told by notification.
pub async fn cancel(id: &str) {
    let _turn = storage::turn().await;
    let draft: Option<Draft> = storage::get(Area::Session, &key(id)).await;
    if draft.is_none_or(|d| d.may_forget()) {
        storage::remove(Area::Session, &key(id)).await;
    }
}
