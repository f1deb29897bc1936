//! What the user is told, and the clipboard: the toolbar badge and its tooltip, notifications, and
//! copying a link that could not be typed. `crate::deliver::Notice` says what to show.

use super::chrome::{self, get_path, to_js};
use crate::deliver::Notice;
use serde::Serialize;

const OFFSCREEN: &str = "offscreen.html";

/// `chrome.action` details for one tab: `{tabId, text | color | title}`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ForTab<'a> {
    tab_id: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    color: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
}

impl<'a> ForTab<'a> {
    fn new(tab_id: i32) -> Self {
        ForTab { tab_id, text: None, color: None, title: None }
    }
}

/// `NotificationOptions`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Notification<'a> {
    r#type: &'a str,
    icon_url: &'a str,
    title: &'a str,
    message: &'a str,
}

/// `offscreen.createDocument`'s parameters.
#[derive(Serialize)]
struct Offscreen<'a> {
    url: &'a str,
    reasons: [&'a str; 1],
    justification: &'a str,
}

/// The message the offscreen document copies (`extension/offscreen.js`).
#[derive(Serialize)]
struct Copy<'a> {
    r#type: &'a str,
    text: &'a str,
    html: &'a str,
}

/// Sets the tab's badge.
pub async fn badge(tab: i32, text: &str, color: &str) {
    let _ = chrome::set_badge_text(&to_js(&ForTab { text: Some(text), ..ForTab::new(tab) })).await;
    let _ = chrome::set_badge_color(&to_js(&ForTab { color: Some(color), ..ForTab::new(tab) })).await;
}

/// Shows `notice` on the tab's badge and tooltip, and — unless the user turned notifications off —
/// as a notification when there is more to say (with the link, when it was copied).
pub async fn tell(tab_id: Option<i32>, notice: Notice, link: Option<&str>, notify: bool) {
    let (text, color) = notice.badge();
    let message = notice.message_key().as_deref().map(chrome::i18n).unwrap_or_default();
    if let Some(tab) = tab_id {
        badge(tab, text, color).await;
        let title = if message.is_empty() { chrome::i18n("badgeInserted") } else { message.clone() };
        let _ = chrome::set_title(&to_js(&ForTab { title: Some(&title), ..ForTab::new(tab) })).await;
    }
    if !message.is_empty() && notify {
        match link {
            Some(link) => show(&format!("{message}\n{link}")).await,
            None => show(&message).await,
        }
    }
}

/// Shows a notification with `message`.
pub async fn show(message: &str) {
    let options = Notification { r#type: "basic", icon_url: "icons/icon-128.png", title: &chrome::i18n("extName"), message };
    if chrome::notify(&format!("meetlink-{}", chrome::nonce()), &to_js(&options)).await.is_err() {
        chrome::warn("MeetLink: could not show a notification");
    }
}

/// Copies `text` and `html` (as `text/plain` and `text/html`) through the offscreen document (a
/// worker has no clipboard; reason CLIPBOARD), or directly where the background is a page (Firefox).
pub async fn copy(text: &str, html: &str) -> bool {
    if !chrome::has_function("offscreen", "createDocument") {
        return chrome::copy_both(text, html).await.as_bool() == Some(true);
    }
    let params = Offscreen {
        url: OFFSCREEN,
        reasons: ["CLIPBOARD"],
        justification: "Copy the Meet link when it cannot be typed into the page.",
    };
    // Fails only when the document exists already, which is fine.
    let _ = chrome::create_offscreen(&to_js(&params)).await;
    let answer = chrome::send_message(&to_js(&Copy { r#type: "copy", text, html })).await.unwrap_or_default();
    get_path(&answer, &["ok"]).as_bool() == Some(true)
}
