//! Invite and Schedule (`crate::meeting`): a draft from what the page offers, the confirmation page
//! in a window of its own, and the confirmed meeting made and its link typed.

use super::chrome::{self, now, now_ms, to_js, BrowserZone};
use super::storage::{self, Area};
use super::{page, triggers};
use crate::calendar::Making;
use crate::errors::Problem;
use crate::meeting::{input_of, key, Confirmed, Draft, Kind, Offered, MAX_AGE_MS};
use crate::schedule::Zone;
use crate::messages::Response;
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
    let draft = Draft::new(chrome::nonce(), kind, tab_id, frame_id, &offered, &settings, now(), &BrowserZone);
    storage::put(Area::Session, &draft.key(), &draft).await;
    let url = format!("{}meeting.html#{}", chrome::base_url(), draft.id);
    chrome::windows_create(&to_js(&Window { url, kind: "popup", width: 520, height: 680 })).await.map(|_| ()).map_err(|e| {
        chrome::warn(&format!("MeetLink: could not open the meeting window: {}", chrome::error_message(&e)));
        Problem::Unexpected
    })
}

async fn draft(id: &str) -> Option<Draft> {
    let draft: Draft = storage::get(Area::Session, &key(id)).await?;
    (draft.id == id && now_ms().saturating_sub(draft.created_ms) <= MAX_AGE_MS).then_some(draft)
}

/// The draft for the confirmation page, with the user's zone and its start as the page's input
/// reads it.
pub async fn get(id: &str) -> Response {
    let Some(draft) = draft(id).await else { return Response::Failed { problem: Problem::DraftGone } };
    let start_local = draft.start_ms.and_then(|ms| {
        let at = time::OffsetDateTime::from_unix_timestamp((ms / 1000) as i64).ok()?;
        Some(input_of(at.to_offset(BrowserZone.offset_at(at))))
    });
    Response::Draft { draft, zone: chrome::time_zone(), start_local }
}

/// Makes the confirmed meeting — once: the draft is taken out of storage before anything is sent,
/// so a second click (or a second window) finds none. A confirmation that does not check out keeps
/// the draft for the user to correct.
pub async fn confirm(confirmed: Confirmed) -> Response {
    let spec = match confirmed.event(&chrome::time_zone(), now(), &BrowserZone) {
        Ok(spec) => spec,
        Err(invalid) => return Response::Invalid { invalid },
    };
    let taken = {
        let _turn = storage::turn().await;
        let found = draft(&confirmed.id).await;
        if let Some(d) = &found {
            storage::remove(Area::Session, &d.key()).await;
        }
        found
    };
    let Some(draft) = taken else { return Response::Failed { problem: Problem::DraftGone } };
    match triggers::meeting(draft.tab_id, draft.frame_id, Making::Event(spec)).await {
        Ok((link, typed, clip)) => Response::Meeting { link, typed, clip },
        Err(problem) => Response::Failed { problem },
    }
}

/// Forgets a draft (the page's Cancel).
pub async fn cancel(id: &str) {
    storage::remove(Area::Session, &key(id)).await;
}
