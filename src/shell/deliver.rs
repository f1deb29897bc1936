//! Context menu and shortcut: probe the field at trigger time, make the link, type it there —
//! or copy it and say why. Also finishes actions resumed after a worker restart. Every decision is
//! in `crate::deliver`.

use crate::prelude::*;
use super::action::{create_link, Made};
use super::chrome::{self, get_path, object};
use super::{current_settings, page};
use crate::deliver::{insert_outcome, probe_outcome, Miss, Notice, PageAnswer, Trigger};
use crate::errors::Problem;
use crate::history::Source;
use crate::inflight::Destination;
use crate::settings::Settings;
use js_sys::{Array, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

const OFFSCREEN: &str = "offscreen.html";

/// Runs `func(args…)` in one frame of a tab; its result, or `executeScript`'s rejection.
async fn run_in_frame(tab_id: i32, frame_id: i32, func: JsValue, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let frames = Array::of1(&frame_id.into());
    let target = object(&[("tabId", tab_id.into()), ("frameIds", frames.into())]);
    let injection = object(&[("target", target), ("func", func), ("args", args.iter().collect::<Array>().into())]);
    let results = chrome::execute_script(&injection).await?;
    Ok(get_path(&Array::from(&results).get(0), &["result"]))
}

/// A page's answer, read strictly: anything unexpected is a failed answer.
fn answer(result: Result<JsValue, JsValue>) -> Result<PageAnswer, String> {
    result
        .map(|v| super::from_js(&v).unwrap_or_default())
        .map_err(|e| chrome::error_message(&e))
}

/// `{tabId: tab, key: value}`, the details of the `chrome.action` setters.
fn for_tab(tab: i32, key: &str, value: &str) -> JsValue {
    object(&[("tabId", tab.into()), (key, value.into())])
}

async fn badge(tab: i32, text: &str, color: &str) {
    let _ = chrome::set_badge_text(&for_tab(tab, "text", text)).await;
    let _ = chrome::set_badge_color(&for_tab(tab, "color", color)).await;
}

/// Shows `notice` on the tab's badge and title, and — unless the user turned notifications off — as
/// a notification when there is more to say.
async fn tell(tab_id: Option<i32>, notice: Notice, link: Option<&str>, notify: bool) {
    let (text, color) = notice.badge();
    let key = notice.message_key();
    let message = key.as_deref().map(chrome::i18n).unwrap_or_default();
    if let Some(tab) = tab_id {
        badge(tab, text, color).await;
        let title = if message.is_empty() { chrome::i18n("badgeInserted") } else { message.clone() };
        let _ = chrome::set_title(&for_tab(tab, "title", &title)).await;
    }
    if !message.is_empty() && notify {
        let body = match link {
            Some(link) => crate::text::concat(&[&message, "\n", link]),
            None => message,
        };
        let options = object(&[
            ("type", "basic".into()),
            ("iconUrl", "icons/icon-128.png".into()),
            ("title", chrome::i18n("extName").into()),
            ("message", body.into()),
        ]);
        if chrome::notify(&crate::text::concat(&["meetlink-", &chrome::random_hex(8)]), &options).await.is_err() {
            chrome::warn("MeetLink: could not show a notification");
        }
    }
}

/// Tells the user an action failed, where it was asked for.
pub async fn tell_failure(destination: &Destination, problem: Problem) {
    tell(tab_of(destination), Notice::Failed(problem), None, current_settings().await.notifications).await;
}

fn tab_of(destination: &Destination) -> Option<i32> {
    match destination {
        Destination::Page { tab_id, .. } => *tab_id,
        Destination::Popup {} | Destination::Warm {} => None,
    }
}

/// Copies `text` through the offscreen document (a worker has no clipboard; reason CLIPBOARD), or
/// directly where the background is a page (Firefox).
async fn copy(text: &str) -> bool {
    if !chrome::has_function("offscreen", "createDocument") {
        return chrome::clipboard_write_text(text).await.is_ok();
    }
    let params = object(&[
        ("url", OFFSCREEN.into()),
        ("reasons", Array::of1(&"CLIPBOARD".into()).into()),
        ("justification", "Copy the Meet link when it cannot be typed into the page.".into()),
    ]);
    // Fails only when the document exists already, which is fine.
    let _ = chrome::create_offscreen(&params).await;
    let message = object(&[("type", "copy".into()), ("text", text.into())]);
    let answer = chrome::send_message(&message).await.unwrap_or_default();
    get_path(&answer, &["ok"]).as_bool() == Some(true)
}

/// Puts `text` where the action's destination says: typed into the recorded field when `probed`
/// found one and it is still there, else copied with the reason.
async fn place(destination: &Destination, text: &str, probed: Result<(), Miss>) -> Notice {
    let placed = match (destination, probed) {
        (Destination::Page { tab_id: Some(tab), frame_id, nonce }, Ok(())) => {
            let args = [text.into(), nonce.as_str().into()];
            insert_outcome(answer(run_in_frame(*tab, *frame_id, page::insert_text(), &args).await))
        }
        (_, Err(miss)) => Err(miss),
        (Destination::Page { tab_id: None, .. }, Ok(())) => Err(Miss::NoField),
        (Destination::Popup {} | Destination::Warm {}, Ok(())) => Err(Miss::Interrupted),
    };
    match placed {
        Ok(()) => Notice::Inserted,
        Err(miss) if copy(text).await => Notice::Copied(miss),
        Err(_) => Notice::CopyFailed,
    }
}

/// One trigger, start to end.
pub async fn deliver(trigger: Trigger) {
    let target = trigger.frame();
    let tab_id = trigger.tab_id();
    // Nothing waits for the progress badge: it runs beside the hot path.
    if let Some(tab) = tab_id {
        super::spawn(badge(tab, "…", "#5f6368"));
    }
    // The probe records the field and its caret now, while the link is being made.
    let nonce = chrome::random_hex(8);
    let probe: Option<Promise> = target.ok().map(|(tab, frame)| {
        let nonce = nonce.clone();
        super::promise(async move { run_in_frame(tab, frame, page::find_target(), &[nonce.into()]).await })
    });
    let destination = Destination::Page { tab_id, frame_id: target.map_or(0, |(_, frame)| frame), nonce };
    let settings = current_settings().await;
    let made = create_link(true, destination.clone(), &settings).await;
    let probed = match probe {
        None => Err(Miss::NoField),
        Some(p) => probe_outcome(answer(JsFuture::from(p).await)),
    };
    let made = match made {
        Ok(made) => made,
        Err(problem) => return tell(tab_id, Notice::Failed(problem), None, settings.notifications).await,
    };
    hand_over(made, &destination, probed, &settings, Source::Page).await;
}

/// Puts the link where `destination` says (see [`place`]) and tells the user; then the bookkeeping
/// (record, history, the next warm link), which the user does not wait for.
async fn hand_over(made: Made, destination: &Destination, probed: Result<(), Miss>, settings: &Settings, source: Source) {
    let notice = place(destination, &settings.template.render(&made.link), probed).await;
    tell(tab_of(destination), notice, (notice != Notice::Inserted).then_some(made.link.as_str()), settings.notifications).await;
    made.delivered(source).await;
}

/// Finishes an action resumed after a worker restart: into its field if the page still holds it,
/// else to the clipboard, with a notice either way.
pub async fn finish_resumed(destination: Destination, result: Result<Made, Problem>) {
    let made = match result {
        Ok(made) => made,
        Err(problem) => return tell_failure(&destination, problem).await,
    };
    let source = match destination {
        Destination::Popup {} | Destination::Warm {} => Source::Popup,
        Destination::Page { .. } => Source::Page,
    };
    hand_over(made, &destination, Ok(()), &current_settings().await, source).await;
}
