//! Delivering a link where the user is: which frame to look in, what the page's answers mean, and
//! what the user is told. The page side is `extension/page.js`; this module only decides.
//!
//! Rules (issue "Insert the link where the user is typing"):
//! * the context menu targets the frame that was clicked (`info.frameId`); the shortcut targets the
//!   top frame, whose probe descends open shadow roots and same-origin frames;
//! * the text goes in with a space on a side where it would otherwise run into the text there
//!   ([`spaced`], issue "Every editor people type in");
//! * a page that cannot be scripted (chrome://, the Web Store, the PDF viewer, a cross-origin frame),
//!   no focused field, a field that is gone, or focus moved to another field: the link goes to the
//!   clipboard and the user is told why. The link is never lost.

use crate::errors::{mentions, Problem};
use crate::format::Field;
use crate::settings::clean_site;
use serde::Deserialize;

/// What started an insertion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// "Insert Meet link" in the context menu of an editable field.
    Menu {
        /// The tab.
        tab_id: i32,
        /// The frame that was right-clicked.
        frame_id: i32,
    },
    /// The keyboard shortcut; `None` when no tab has focus (e.g. a browser window without tabs).
    Command {
        /// The focused tab.
        tab_id: Option<i32>,
    },
}

/// The id of the context-menu item and of the command.
pub const INSERT_ID: &str = "insert-meet-link";

impl Trigger {
    /// The tab the trigger came from, if any.
    pub fn tab_id(self) -> Option<i32> {
        match self {
            Trigger::Menu { tab_id, .. } => Some(tab_id),
            Trigger::Command { tab_id } => tab_id,
        }
    }

    /// The tab and frame to look for the field in, or why there is none.
    pub fn frame(self) -> Result<(i32, i32), Miss> {
        match self {
            Trigger::Menu { tab_id, frame_id } => Ok((tab_id, frame_id.max(0))),
            Trigger::Command { tab_id: Some(tab_id) } => Ok((tab_id, 0)),
            Trigger::Command { tab_id: None } => Err(Miss::NoField),
        }
    }
}

/// What `findTarget` / `insertText` in the page answered. Anything else is treated as a failure.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct PageAnswer {
    /// Success.
    pub ok: bool,
    /// On failure: `noField`, `crossOriginFrame`, `focusMoved`, `gone`, `lost`, `refused`.
    pub reason: Option<String>,
    /// `findTarget`: the character just before the caret (or the selection), `""` at the start of
    /// the text (or of its line or paragraph).
    pub before: Option<String>,
    /// `findTarget`: the character just after it, `""` at the end.
    pub after: Option<String>,
    /// `findTarget`: `input`, `textarea`, `editcontext` or `contenteditable`.
    pub kind: Option<String>,
    /// `findTarget`: the host name of the page (the top page's where the browser says it).
    pub site: Option<String>,
}

/// What the probe found: the text around the caret, the field's shape, and the page's site.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Probe {
    /// The characters either side of the caret.
    pub around: Around,
    /// One line, plain text, or a rich editor.
    pub field: Field,
    /// The page's host name, cleaned (`crate::settings::clean_site`); `None` if it gave none.
    pub site: Option<String>,
}

impl Probe {
    fn from_answer(answer: &PageAnswer) -> Self {
        let field = match answer.kind.as_deref() {
            Some("input") => Field::Line,
            Some("contenteditable") => Field::Rich,
            _ => Field::Text,
        };
        Probe { around: Around::from_answer(answer), field, site: answer.site.as_deref().and_then(clean_site) }
    }
}

/// The characters on either side of the caret (or of the selection the link replaces) when the
/// field was found. `None`: the start or end of the text, or the page did not say.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Around {
    /// The character before.
    pub before: Option<char>,
    /// The character after.
    pub after: Option<char>,
}

impl Around {
    /// From the probe's answer: a side is known only if the page gave exactly one character.
    fn from_answer(answer: &PageAnswer) -> Self {
        let one = |s: &Option<String>| {
            let mut chars = s.as_deref()?.chars();
            chars.next().filter(|_| chars.next().is_none())
        };
        Around { before: one(&answer.before), after: one(&answer.after) }
    }
}

/// Characters after which a link needs no space: opening brackets and quotes.
const OPENING: &[char] = &['(', '[', '{', '<', '«', '“', '‘', '„', '‚', '¿', '¡'];
/// Characters before which a link needs no space: closing brackets and quotes, and the punctuation
/// that ends a clause (auto-linkers leave it out of the link).
const CLOSING: &[char] = &[')', ']', '}', '>', '»', '”', '’', '.', ',', ';', ':', '!', '?', '…'];

/// `text` as it should be typed with `around` the caret: a space before it where the character
/// before is not whitespace, a space after it where the next one is not — so a link does not run
/// into a word or into another link, and editors that auto-link see it as one. No space inside
/// brackets or quotes that open before it or close after it, nor before a full stop or comma.
/// A titled link's markup is spaced the same way (the spaces are text either side of it).
pub fn spaced(text: &str, around: Around) -> String {
    let needs = |c: Option<char>, none_after: &[char]| c.is_some_and(|c| !c.is_whitespace() && !none_after.contains(&c));
    let space = |yes: bool| if yes { " " } else { "" };
    format!("{}{text}{}", space(needs(around.before, OPENING)), space(needs(around.after, CLOSING)))
}

/// Why a link went to the clipboard instead of into the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Miss {
    /// The page cannot be scripted by extensions (browser pages, the Web Store, the PDF viewer).
    Restricted,
    /// The field is in a frame from another site.
    CrossOriginFrame,
    /// No text field had focus.
    NoField,
    /// The field was removed, or the page navigated away, while the link was being made.
    FieldGone,
    /// Focus moved to another field while the link was being made.
    FocusMoved,
    /// The field did not accept the text.
    Refused,
    /// The worker was restarted while the link was being made; it was finished afterwards.
    Interrupted,
    /// The page did not answer in time (its main thread busy, its frame gone mid-insertion).
    Unresponsive,
}

/// How long the worker waits for a page's answer (the probe's, the insertion's) before copying.
pub const PAGE_WAIT_MS: u64 = 12_000;
/// The insertion types nothing if its script starts later than this after it was sent (the page
/// was busy): by then the worker may have copied the link instead, and it must not land twice.
pub const INSERT_START_MS: u64 = 8_000;

impl Miss {
    /// The `_locales` key of the notice shown when the link was copied instead.
    pub fn notice_key(self) -> &'static str {
        match self {
            Miss::Restricted => "copied_restricted",
            Miss::CrossOriginFrame => "copied_crossOriginFrame",
            Miss::NoField => "copied_noField",
            Miss::FieldGone => "copied_fieldGone",
            Miss::FocusMoved => "copied_focusMoved",
            Miss::Refused => "copied_refused",
            Miss::Interrupted => "copied_interrupted",
            Miss::Unresponsive => "copied_unresponsive",
        }
    }
}

/// What the probe at trigger time means: the text around the caret, or why there is no field.
/// `Err(message)` is `executeScript` rejecting.
pub fn probe_outcome(answer: Result<PageAnswer, String>) -> Result<Probe, Miss> {
    match answer {
        Ok(a) if a.ok => Ok(Probe::from_answer(&a)),
        Ok(a) => Err(match a.reason.as_deref() {
            Some("crossOriginFrame") => Miss::CrossOriginFrame,
            Some("restricted") => Miss::Restricted,
            _ => Miss::NoField,
        }),
        Err(message) => Err(script_error(&message)),
    }
}

/// What the insertion's answer means.
pub fn insert_outcome(answer: Result<PageAnswer, String>) -> Result<(), Miss> {
    match answer {
        Ok(PageAnswer { ok: true, .. }) => Ok(()),
        Ok(a) => Err(match a.reason.as_deref() {
            Some("focusMoved") => Miss::FocusMoved,
            Some("refused") => Miss::Refused,
            Some("late") => Miss::Unresponsive,
            _ => Miss::FieldGone,
        }),
        Err(message) => Err(match script_error(&message) {
            Miss::Restricted => Miss::FieldGone, // it could be scripted a moment ago: it navigated
            other => other,
        }),
    }
}

/// Classifies an `executeScript` rejection (Chromium's messages, extension-platform.md §4.1).
fn script_error(message: &str) -> Miss {
    if mentions(message, &["No tab with id", "No frame with id", "was removed"]) {
        Miss::FieldGone
    } else if mentions(message, &["Cannot access contents of", "must request permission"]) {
        // A frame whose origin neither activeTab nor a host permission covers.
        Miss::CrossOriginFrame
    } else {
        // "Cannot access a chrome:// URL", "The extensions gallery cannot be scripted.", PDF, error pages…
        Miss::Restricted
    }
}

/// What the user is told after a trigger, by badge and (unless it is a plain success) notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// Typed into the field.
    Inserted,
    /// Copied to the clipboard instead, and why.
    Copied(Miss),
    /// Neither typed nor copied (the clipboard refused too): the link is in the popup.
    CopyFailed,
    /// No link was made.
    Failed(Problem),
}

impl Notice {
    /// Badge text: success, copied, or failed.
    pub fn badge(self) -> (&'static str, &'static str) {
        match self {
            Notice::Inserted => ("✓", "#146c2e"),
            Notice::Copied(_) => ("⧉", "#0b57d0"),
            Notice::CopyFailed | Notice::Failed(_) => ("!", "#b3261e"),
        }
    }

    /// The `_locales` key of the notification text; `None` when a badge is enough.
    pub fn message_key(self) -> Option<String> {
        match self {
            Notice::Inserted => None,
            Notice::Copied(miss) => Some(miss.notice_key().to_owned()),
            Notice::CopyFailed => Some("copyFailedNotice".to_owned()),
            Notice::Failed(p) => Some(format!("problem_{}", p.name())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok() -> Result<PageAnswer, String> {
        Ok(PageAnswer { ok: true, ..PageAnswer::default() })
    }
    fn no(reason: &str) -> Result<PageAnswer, String> {
        Ok(PageAnswer { ok: false, reason: Some(reason.into()), ..PageAnswer::default() })
    }
    fn around(before: &str, after: &str) -> Result<PageAnswer, String> {
        Ok(PageAnswer { ok: true, before: Some(before.into()), after: Some(after.into()), ..PageAnswer::default() })
    }
    fn at(before: Option<char>, after: Option<char>) -> Around {
        Around { before, after }
    }

    #[test]
    fn spacing() {
        const L: &str = "https://meet.google.com/abc-defg-hij";
        let table = [
            // (before, after, typed)
            (None, None, L.to_owned()),                                  // an empty field
            (Some('o'), None, format!(" {L}")),                          // "Hello|"
            (None, Some('H'), format!("{L} ")),                          // "|Hello"
            (Some('o'), Some('w'), format!(" {L} ")),                    // "Hellowor|ld": both sides
            (Some(' '), Some('w'), format!("{L} ")),                     // "Hello |world"
            (Some('o'), Some(' '), format!(" {L}")),                     // "Hello| world"
            (Some(' '), Some(' '), L.to_owned()),                        // "Hello | world"
            (Some('j'), None, format!(" {L}")),                          // right after another link
            (Some('\n'), Some('\n'), L.to_owned()),                      // a line of its own
            (Some('\t'), None, L.to_owned()),
            (Some('\u{a0}'), Some('\u{a0}'), L.to_owned()),               // editors' non-breaking spaces
            (Some('\u{3000}'), None, L.to_owned()),                      // ideographic space
            (Some('('), Some(')'), L.to_owned()),                        // "(|)"
            (Some('['), Some(']'), L.to_owned()),
            (Some('“'), Some('”'), L.to_owned()),
            (Some('«'), Some('»'), L.to_owned()),
            (Some('¿'), Some('?'), L.to_owned()),
            (Some(':'), Some('.'), format!(" {L}")),                     // "Join:|." — after a colon, a space
            (Some('o'), Some(','), format!(" {L}")),
            (Some('o'), Some('…'), format!(" {L}")),
            (Some(')'), Some('('), format!(" {L} ")),                    // a bracket that closed, one that opens
            (Some('"'), Some('"'), format!(" {L} ")),                    // straight quotes say neither: spaced
            (Some('会'), Some('議'), format!(" {L} ")),                  // CJK: a link needs its spaces too
            (Some('😀'), None, format!(" {L}")),
        ];
        for (before, after, want) in table {
            assert_eq!(spaced(L, at(before, after)), want, "{before:?} | {after:?}");
        }
        assert_eq!(spaced("[Join Google Meet](x)", at(Some('e'), Some('.'))), " [Join Google Meet](x)", "any template");
        assert_eq!(spaced("<a href=\"x\">T</a>", at(Some('d'), Some('w'))), " <a href=\"x\">T</a> ", "a titled link's markup");
    }

    #[test]
    fn around_from_the_page() {
        let table = [
            (around("o", "w"), at(Some('o'), Some('w'))),
            (around("", ""), at(None, None)),
            (around("😀", "é"), at(Some('😀'), Some('é'))),
            (around("ab", "\u{fffd}"), at(None, Some('\u{fffd}'))), // more than one character: not known
            (ok(), at(None, None)),                                  // an older page function
        ];
        for (answer, want) in table {
            assert_eq!(probe_outcome(answer.clone()).map(|p| p.around), Ok(want), "{answer:?}");
        }
    }

    #[test]
    fn field_and_site_from_the_page() {
        let answer = |kind: &str, site: &str| Ok(PageAnswer { ok: true, kind: Some(kind.into()), site: Some(site.into()), ..PageAnswer::default() });
        let table = [
            (answer("input", "GitHub.com"), Field::Line, Some("github.com")),
            (answer("textarea", "127.0.0.1"), Field::Text, Some("127.0.0.1")),
            (answer("editcontext", "example.com"), Field::Text, Some("example.com")),
            (answer("contenteditable", "mail.google.com"), Field::Rich, Some("mail.google.com")),
            (answer("contenteditable", "<evil>"), Field::Rich, None),
            (answer("something new", ""), Field::Text, None),
            (ok(), Field::Text, None),
        ];
        for (answer, field, site) in table {
            let p = probe_outcome(answer.clone()).unwrap();
            assert_eq!((p.field, p.site.as_deref()), (field, site), "{answer:?}");
        }
    }
    fn err(m: &str) -> Result<PageAnswer, String> {
        Err(m.into())
    }

    #[test]
    fn frames() {
        assert_eq!(Trigger::Menu { tab_id: 4, frame_id: 7 }.frame(), Ok((4, 7)));
        assert_eq!(Trigger::Menu { tab_id: 4, frame_id: -1 }.frame(), Ok((4, 0)));
        assert_eq!(Trigger::Command { tab_id: Some(4) }.frame(), Ok((4, 0)));
        assert_eq!(Trigger::Command { tab_id: None }.frame(), Err(Miss::NoField));
        assert_eq!(Trigger::Menu { tab_id: 4, frame_id: 7 }.tab_id(), Some(4));
        assert_eq!(Trigger::Command { tab_id: None }.tab_id(), None);
    }

    #[test]
    fn probe_answers() {
        let table = [
            (ok(), Ok(Probe::default())),
            (no("noField"), Err(Miss::NoField)),
            (no("crossOriginFrame"), Err(Miss::CrossOriginFrame)),
            (no("restricted"), Err(Miss::Restricted)),
            (no("something new"), Err(Miss::NoField)),
            (Ok(PageAnswer::default()), Err(Miss::NoField)),
            (err("Cannot access a chrome:// URL"), Err(Miss::Restricted)),
            (err("The extensions gallery cannot be scripted."), Err(Miss::Restricted)),
            (err("Cannot access contents of the page. Extension manifest must request permission to access the respective host."), Err(Miss::CrossOriginFrame)),
            (err("Frame with ID 3 was removed."), Err(Miss::FieldGone)),
            (err("No tab with id: 12."), Err(Miss::FieldGone)),
            (err("Cannot access \"chrome-error://chromewebdata/\"."), Err(Miss::Restricted)),
        ];
        for (answer, want) in table {
            assert_eq!(probe_outcome(answer.clone()), want, "{answer:?}");
        }
    }

    #[test]
    fn insert_answers() {
        let table = [
            (ok(), Ok(())),
            (no("focusMoved"), Err(Miss::FocusMoved)),
            (no("gone"), Err(Miss::FieldGone)),
            (no("lost"), Err(Miss::FieldGone)),
            (no("refused"), Err(Miss::Refused)),
            (no("late"), Err(Miss::Unresponsive)),
            (err("No tab with id: 12."), Err(Miss::FieldGone)),
            (err("Cannot access a chrome:// URL"), Err(Miss::FieldGone)),
        ];
        for (answer, want) in table {
            assert_eq!(insert_outcome(answer.clone()), want, "{answer:?}");
        }
    }

    #[test]
    fn notices() {
        assert_eq!(Notice::Inserted.message_key(), None);
        assert_eq!(Notice::Copied(Miss::NoField).message_key().as_deref(), Some("copied_noField"));
        assert_eq!(Notice::Failed(Problem::RateLimited).message_key().as_deref(), Some("problem_rateLimited"));
        assert_eq!(Notice::Failed(Problem::Offline).badge().0, "!");
    }
}
