//! The warm link (`crate::warm` has the rules): one link made before it is asked for, kept in
//! `storage.session`, taken by the next trigger in one storage turn so it is handed out once; a
//! trigger that comes while it is being made waits for it.

use super::action::{self, Made};
use super::chrome::now_ms;
use super::signin::{self, Token};
use super::storage::{self, Area};
use crate::calendar::Making;
use crate::inflight::Destination;
use crate::settings::Settings;
use crate::warm::{self, WarmLink};
use async_lock::Mutex;
use futures_util::future::select;
use std::cell::Cell;
use std::pin::pin;

/// Held while a warm link is being made (one at a time): from [`replenish`] to the link stored (or
/// given up). A trigger waits on it for the link being made.
static MAKING: Mutex<()> = Mutex::new(());

thread_local! {
    /// Bumped by sign-out and account switch: a warm link begun before is not kept.
    static GENERATION: Cell<u32> = const { Cell::new(0) };
}

/// Takes the warm link if there is one — if one is being made, once it is made, waiting up to
/// [`warm::WAIT_FOR_MAKING_MS`] — removed from storage in one turn, so it is handed out once.
/// Returned only if it suits `token`'s account and `settings`; otherwise discarded.
pub async fn take(token: &Token, settings: &Settings, making: &Making) -> Option<Made> {
    if warm::kind(settings).is_some() && MAKING.try_lock().is_none() {
        let made = pin!(MAKING.lock());
        let waited = pin!(super::chrome::sleep(warm::WAIT_FOR_MAKING_MS));
        select(made, waited).await;
    }
    let warm: Option<WarmLink> = {
        let _turn = storage::turn().await;
        let json = storage::get_json(Area::Session, warm::KEY).await;
        if !json.is_null() {
            storage::remove(Area::Session, warm::KEY).await;
        }
        crate::stored::one(json)
    };
    let warm = warm?;
    let link = warm.usable(&token.account, settings, now_ms())?;
    Some(Made::ahead(link, warm.dial_in, making.clone()))
}

/// Forgets the warm link (sign-out, account switch, turned off), and any being made.
pub async fn discard() {
    GENERATION.with(|g| g.set(g.get() + 1));
    let _turn = storage::turn().await;
    storage::remove(Area::Session, warm::KEY).await;
}

/// Makes the next link ahead, in the background, if the settings allow one, none is being made,
/// and no usable one is kept already. Never prompts: without a token at hand it does nothing.
pub fn replenish() {
    // Held from now, before the task starts: a trigger right after this call waits for its link.
    let Some(making) = MAKING.try_lock() else { return };
    wasm_bindgen_futures::spawn_local(async move {
        make().await;
        drop(making);
    });
}

async fn make() {
    let settings = storage::settings().await;
    let Some(kind) = warm::kind(&settings) else { return };
    let generation = GENERATION.with(Cell::get);
    let making = Making::from(&settings, &super::chrome::time_zone(), now_ms());
    let Ok(token) = signin::get(false, making.scope()).await else { return };
    let kept: Option<WarmLink> = storage::get(Area::Session, warm::KEY).await;
    if kept.and_then(|w| w.usable(&token.account, &settings, now_ms())).is_some() {
        return;
    }
    let account = token.account.clone();
    let Ok(made) = action::run(action::new_record(&making, Destination::Warm {}), token).await else { return };
    made.finish().await;
    // In turn, like `take`: a trigger taking the kept link meanwhile never removes this one unseen.
    let _turn = storage::turn().await;
    if GENERATION.with(Cell::get) == generation {
        let warm = WarmLink { url: made.link.as_str().to_owned(), account, kind, made_ms: now_ms(), dial_in: made.dial_in.clone() };
        storage::put(Area::Session, warm::KEY, &warm).await;
    }
}
