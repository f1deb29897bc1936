//! The drafts of Invite and Schedule in `storage.session` (`crate::meeting::Draft`): read back only
//! while fresh, and the outcome of a confirmed meeting's action kept in its draft, where its window
//! reads it — also when the worker that ran it was stopped, or the window was closed and reopened.

use super::chrome::{self, now_ms};
use super::storage::{self, Area};
use crate::meeting::{key, Draft, Outcome, PREFIX};

/// The draft `id`, if there is one and it is not too old.
pub async fn read(id: &str) -> Option<Draft> {
    let draft: Draft = storage::get(Area::Session, &key(id)).await?;
    (draft.id == id && !draft.expired(now_ms())).then_some(draft)
}

/// Writes `draft`.
pub async fn write(draft: &Draft) {
    storage::put(Area::Session, &draft.key(), draft).await;
}

/// Keeps how the action of draft `id` ended, in turn; the draft as it now is (none: it was
/// forgotten or is too old, and nobody is waiting for it).
pub async fn settle(id: &str, outcome: Outcome) -> Option<Draft> {
    let _turn = storage::turn().await;
    let mut draft = read(id).await?;
    draft.outcome = Some(outcome);
    write(&draft).await;
    Some(draft)
}

/// Whether the draft's confirmation window is still open.
pub async fn window_open(draft: &Draft) -> bool {
    match draft.window_id {
        Some(id) => chrome::windows_get(id).await.is_ok(),
        None => false,
    }
}

/// Forgets the drafts nobody will read again: too old, unreadable, or settled with their window gone
/// (a window that closes itself cannot always say so on its way out). Run whenever a draft is
/// written, so that they never pile up in `storage.session`.
pub async fn sweep() {
    let _turn = storage::turn().await;
    for (key, value) in storage::session_all().await {
        if !key.starts_with(PREFIX) {
            continue;
        }
        let forget = match chrome::from_js::<Draft>(value) {
            Some(d) => d.expired(now_ms()) || (d.outcome.is_some() && !window_open(&d).await),
            None => true,
        };
        if forget {
            storage::remove(Area::Session, &key).await;
        }
    }
}
