//! Context menu and shortcut: probe the field at trigger time, make the link, type it there —
//! or copy it and say why. Every decision is in `crate::deliver`.

use super::chrome::{self, get_path, object};
use super::{create_link, page, settings_from, SETTINGS};
use crate::deliver::{insert_outcome, probe_outcome, Miss, Notice, PageAnswer, Trigger};
use js_sys::{Array, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

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
        .map(|v| serde_wasm_bindgen::from_value(v).unwrap_or_default())
        .map_err(|e| chrome::error_message(&e))
}

fn nonce() -> String {
    chrome::random32()[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// Shows `notice` on the tab's badge and title, and as a notification when there is more to say.
async fn tell(tab_id: Option<i32>, notice: Notice, link: Option<&str>) {
    let (text, color) = notice.badge();
    let key = notice.message_key();
    let message = key.as_deref().map(chrome::i18n).unwrap_or_default();
    if let Some(tab) = tab_id {
        let _ = chrome::set_badge_text(&object(&[("tabId", tab.into()), ("text", text.into())])).await;
        let _ = chrome::set_badge_color(&object(&[("tabId", tab.into()), ("color", color.into())])).await;
        let title = if message.is_empty() { chrome::i18n("badgeInserted") } else { message.clone() };
        let _ = chrome::set_title(&object(&[("tabId", tab.into()), ("title", title.into())])).await;
    }
    if !message.is_empty() {
        let body = match link {
            Some(link) => format!("{message}\n{link}"),
            None => message,
        };
        let options = object(&[
            ("type", "basic".into()),
            ("iconUrl", "icons/icon-128.png".into()),
            ("title", chrome::i18n("extName").into()),
            ("message", body.into()),
        ]);
        if chrome::notify(&format!("meetlink-{}", nonce()), &options).await.is_err() {
            chrome::warn("MeetLink: could not show a notification");
        }
    }
}

/// Copies `text` through the offscreen document (a worker has no clipboard; reason CLIPBOARD).
pub async fn copy(text: &str) -> bool {
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

/// One trigger, start to end.
pub async fn deliver(trigger: Trigger) {
    let target = trigger.frame();
    let tab_id = target.ok().map(|(tab, _)| tab);
    // Nothing waits for the progress badge or the settings: they run beside the hot path.
    if let Some(tab) = tab_id {
        wasm_bindgen_futures::spawn_local(async move {
            let _ = chrome::set_badge_text(&object(&[("tabId", tab.into()), ("text", "…".into())])).await;
            let _ = chrome::set_badge_color(&object(&[("tabId", tab.into()), ("color", "#5f6368".into())])).await;
        });
    }
    let stored_settings = future_to_promise(chrome::local_get(SETTINGS));
    // The probe records the field and its caret now, while the link is being made.
    let nonce = nonce();
    let probe: Option<Promise> = target.ok().map(|(tab, frame)| {
        let nonce = nonce.clone();
        future_to_promise(async move { run_in_frame(tab, frame, page::find_target(), &[nonce.into()]).await })
    });
    let link = create_link(true).await;
    let probed = match probe {
        None => Err(Miss::NoField),
        Some(p) => probe_outcome(answer(JsFuture::from(p).await)),
    };
    let link = match link {
        Ok(link) => link,
        Err(problem) => return tell(tab_id, Notice::Failed(problem), None).await,
    };
    let settings = settings_from(&JsFuture::from(stored_settings).await.unwrap_or_default());
    let text = settings.template.render(&link);
    let placed = match (probed, target) {
        (Ok(()), Ok((tab, frame))) => {
            let args = [text.as_str().into(), nonce.into()];
            insert_outcome(answer(run_in_frame(tab, frame, page::insert_text(), &args).await))
        }
        (Err(miss), _) | (_, Err(miss)) => Err(miss),
    };
    let notice = match placed {
        Ok(()) => Notice::Inserted,
        Err(miss) if copy(&text).await => Notice::Copied(miss),
        Err(_) => Notice::CopyFailed,
    };
    tell(tab_id, notice, (notice != Notice::Inserted).then_some(link.as_str())).await;
}
