//! The links made: the history in `storage.local` (`crate::history` has its rules) and the last link
//! of this browser session in `storage.session`, for the popup.

use super::storage::{self, Area};
use crate::history::{self, Entry};
use crate::link::MeetLink;

/// Storage key of the last link (`storage.session`).
const LAST_LINK: &str = "lastLink";

/// Changes the stored history with `edit`, in turn with every other change. Each stored entry is
/// read on its own: a malformed one is dropped, the others kept.
pub async fn edit(edit: impl FnOnce(Vec<Entry>) -> Vec<Entry>) {
    let _turn = storage::turn().await;
    let entries = storage::get_each(Area::Local, history::KEY).await;
    storage::put(Area::Local, history::KEY, &edit(entries)).await;
}

/// The history's entry for `url`, if it has one.
pub async fn entry(url: &str) -> Option<Entry> {
    storage::get_each::<Entry>(Area::Local, history::KEY).await.into_iter().find(|e| e.url == url)
}

/// Adds `entry` in front.
pub async fn add(entry: Entry) {
    edit(move |entries| history::add(entries, entry)).await;
}

/// The last link made in this browser session (validated again when read).
pub async fn last() -> Option<MeetLink> {
    storage::get(Area::Session, LAST_LINK).await
}

/// Remembers `link` as the last one.
pub async fn set_last(link: &MeetLink) {
    storage::put(Area::Session, LAST_LINK, link).await;
}

/// Forgets the last link (sign-out).
pub async fn forget_last() {
    storage::remove(Area::Session, LAST_LINK).await;
}
