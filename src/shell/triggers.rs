//! A trigger from start to end — the popup's "Create Meet link", the context menu, the shortcut —
//! and the actions a stopped worker left, finished on the next start: get the link (the warm one if
//! it suits, else a new action), put it where the user is (typed, or copied with the reason), tell
//! them, then the bookkeeping they do not wait for (record, history, the next warm link). Every
//! decision is in `crate::deliver` and `crate::inflight`.

use super::action::{self, Claim, Made};
use super::chrome::{self, now_ms};
use super::storage::{self, Area};
use super::{drafts, link_history, notices, page, signin, warm_link};
use crate::calendar::{Making, SCOPE};
use crate::deliver::{spaced, Miss, Notice, Probe, Trigger};
use crate::errors::Problem;
use crate::format::{render, DialIn, Field, Rendered};
use crate::history::{Entry, Source};
use crate::inflight::{Destination, Inflight, Orphan};
use crate::meeting::Outcome;
use crate::link::MeetLink;
use crate::messages::{Clip, Response};
use crate::settings::Settings;

/// A link for `destination` as `settings` say: a token (prompting only if `interactive`, i.e. for a
/// user gesture), then the warm link if one suits, else a new action.
async fn make_link(interactive: bool, destination: Destination, settings: &Settings) -> Result<Made, Problem> {
    let making = Making::from(settings, &chrome::time_zone(), now_ms());
    let token = signin::get(interactive, making.scope()).await?;
    if let Some(made) = warm_link::take(&token, settings, &making).await {
        return Ok(made);
    }
    action::run(action::new_record(&making, destination), token).await
}

/// The popup's "Create Meet link": the link for the popup to show, its dial-in numbers and what
/// its Copy writes; the bookkeeping follows in the background.
pub async fn popup() -> Result<Response, Problem> {
    let settings = storage::settings().await;
    let made = make_link(true, Destination::Popup {}, &settings).await?;
    let clip = clip(&settings, &made.link, made.making.title(), made.dial_in.as_ref());
    let response = Response::Link { link: made.link.clone(), dial_in: made.dial_in.clone(), clip };
    wasm_bindgen_futures::spawn_local(delivered(made, Source::Popup));
    Ok(response)
}

/// What the popup's Copy writes for a link: the general format (no site), both types.
pub fn clip(settings: &Settings, link: &MeetLink, title: &str, dial_in: Option<&DialIn>) -> Clip {
    let (template, with_dial_in) = settings.format_for(None);
    let r = render(template, link, title, dial_in.filter(|_| with_dial_in), Field::Text);
    Clip { text: r.text, html: r.html }
}

/// The context menu or the shortcut: probe the field now, make the link meanwhile, type it there.
pub async fn in_page(trigger: Trigger) {
    let target = trigger.frame();
    let tab_id = trigger.tab_id();
    // Nothing waits for the progress badge: it runs beside the hot path.
    if let Some(tab) = tab_id {
        wasm_bindgen_futures::spawn_local(notices::badge(tab, "…", "#5f6368"));
    }
    // The probe records the field and its caret now, while the link is being made.
    let nonce = chrome::nonce();
    let probe = target.ok().map(|(tab, frame)| page::probe(tab, frame, &nonce));
    let destination = Destination::Page { tab_id, frame_id: target.map_or(0, |(_, frame)| frame), nonce, draft: None };
    let settings = storage::settings().await;
    let made = make_link(true, destination.clone(), &settings).await;
    let probed = page::probed(probe).await;
    match made {
        Ok(made) => {
            hand_over(made, &destination, probed, &settings, Source::Page, true).await;
        }
        Err(problem) => notices::tell(tab_id, Notice::Failed(problem), None, settings.notifications).await,
    }
}

/// Puts the link where the action's destination says: typed into the recorded field when `probed`
/// found one and it is still there (spaced from the text around the caret; markup in a rich editor
/// when the format asks for it), else copied (text and HTML) with the reason.
async fn place(destination: &Destination, rendered: &Rendered, probed: Result<Probe, Miss>) -> Notice {
    let placed = match (destination, probed) {
        (Destination::Page { tab_id: Some(tab), frame_id, nonce, .. }, Ok(probe)) => {
            let text = spaced(&rendered.text, probe.around);
            let rich = rendered.rich.as_ref().map(|r| (spaced(&r.html, probe.around), r.shown.as_str()));
            page::insert(*tab, *frame_id, &text, rich.as_ref().map(|(html, shown)| (html.as_str(), *shown)), nonce).await
        }
        (_, Err(miss)) => Err(miss),
        (Destination::Page { tab_id: None, .. }, Ok(_)) => Err(Miss::NoField),
        (Destination::Popup {} | Destination::Warm {}, Ok(_)) => Err(Miss::Interrupted),
    };
    match placed {
        Ok(()) => Notice::Inserted,
        Err(miss) if notices::copy(&rendered.text, &rendered.html).await => Notice::Copied(miss),
        Err(_) => Notice::CopyFailed,
    }
}

/// A meeting the user confirmed (`crate::meeting`): its one action (written and claimed by the
/// confirmation) run with the Calendar scope (asked for now if this is the first meeting — a link
/// source of Meet spaces never needed it), never a warm link, its link typed after the selection in
/// the field of the tab it was set up from, or copied. The outcome is kept in its draft (the window
/// reads it there too) and, when the window is gone, told by notification.
pub async fn meeting((record, claim): (Inflight, Claim)) -> Outcome {
    let destination = record.destination.clone();
    let Destination::Page { tab_id, frame_id, nonce, draft } = &destination else {
        return Outcome::Failed { problem: Problem::Unexpected };
    };
    let probe = tab_id.map(|tab| page::probe_after_selection(tab, *frame_id, nonce));
    let settings = storage::settings().await;
    let made = match signin::get(true, record.making().scope()).await {
        Ok(token) => action::run((record, claim), token).await,
        Err(problem) => {
            // Nothing was sent: no record left for a resume to send behind the user's back.
            storage::remove(Area::Session, &record.key()).await;
            Err(problem)
        }
    };
    let outcome = match made {
        Ok(made) => hand_over_meeting(made, &destination, page::probed(probe).await, &settings).await,
        Err(problem) => Outcome::Failed { problem },
    };
    if let Some(draft) = draft {
        settle_meeting(draft, &outcome, settings.notifications).await;
    }
    outcome
}

/// A confirmed meeting's link placed as any link is, told by its window (or by `settle_meeting`),
/// not by a notification of its own.
async fn hand_over_meeting(made: Made, destination: &Destination, probed: Result<Probe, Miss>, settings: &Settings) -> Outcome {
    let (link, dial_in) = (made.link.clone(), made.dial_in.clone());
    let notice = hand_over(made, destination, probed, settings, Source::Page, false).await;
    Outcome::Made { link, dial_in, typed: notice == Notice::Inserted }
}

/// Keeps a confirmed meeting's outcome in its draft; when its window is gone, tells the user by
/// notification what was made and where its link went (or that it may not have been made).
async fn settle_meeting(draft: &str, outcome: &Outcome, notify: bool) {
    let window = match drafts::settle(draft, outcome.clone()).await {
        Some(draft) => drafts::window_open(&draft).await,
        None => false,
    };
    if window || !notify {
        return;
    }
    let message = match outcome {
        Outcome::Made { link, typed, .. } => {
            format!("{}\n{}", chrome::i18n(if *typed { "meetingMadeTyped" } else { "meetingMadeCopied" }), link.as_str())
        }
        Outcome::Failed { problem } => format!("{}\n{}", chrome::i18n("meetingMaybeNotMade"), chrome::i18n(&format!("problem_{}", problem.name()))),
    };
    notices::show(&message).await;
}

/// Places the link, tells the user (by notification too, if `notify` and the settings allow it);
/// then the bookkeeping, which the user does not wait for.
async fn hand_over(made: Made, destination: &Destination, probed: Result<Probe, Miss>, settings: &Settings, source: Source, notify: bool) -> Notice {
    // The page's site picks the format; a field's shape, how it is written.
    let (template, with_dial_in) = settings.format_for(probed.as_ref().ok().and_then(|p| p.site.as_deref()));
    let field = probed.as_ref().map_or(Field::Text, |p| p.field);
    let dial_in = made.dial_in.as_ref().filter(|_| with_dial_in);
    let rendered = render(template, &made.link, made.making.title(), dial_in, field);
    let notice = place(destination, &rendered, probed).await;
    notices::tell(tab_of(destination), notice, (notice != Notice::Inserted).then_some(made.link.as_str()), notify && settings.notifications).await;
    delivered(made, source).await;
    notice
}

/// The link has been delivered (or copied): forget its record, remember it, and make the next one
/// ahead.
async fn delivered(made: Made, source: Source) {
    warm_link::replenish();
    made.finish().await;
    link_history::set_last(&made.link).await;
    let entry = Entry {
        title: made.making.title().to_owned(),
        account: signin::email().await,
        kind: made.making.source(),
        dial_in: made.dial_in.clone(),
        ..Entry::new(&made.link, source, now_ms())
    };
    link_history::add(entry).await;
}

fn tab_of(destination: &Destination) -> Option<i32> {
    match destination {
        Destination::Page { tab_id, .. } => *tab_id,
        Destination::Popup {} | Destination::Warm {} => None,
    }
}

/// Tells the user an action failed, where it was asked for (a confirmed meeting: in its window, or
/// by notification when that is gone).
async fn tell_failure(destination: &Destination, problem: Problem) {
    let notify = storage::settings().await.notifications;
    match destination {
        Destination::Page { draft: Some(draft), .. } => settle_meeting(draft, &Outcome::Failed { problem }, notify).await,
        _ => notices::tell(tab_of(destination), Notice::Failed(problem), None, notify).await,
    }
}

/// Finds actions a stopped worker instance left unfinished and finishes them. A record is resumed
/// with its own ids (so at most one event exists) and its link delivered to its field if the page
/// still has it, else copied with a notice; a record too old or tried too often is given up: its
/// event is deleted and the user told.
pub async fn resume_orphans() {
    let mut waiting = false;
    for (claim, mut record) in action::orphans().await {
        let key = claim.key().to_owned();
        match record.when_orphaned(now_ms()) {
            Orphan::GiveUp { tell } => {
                storage::remove(Area::Session, &key).await;
                if let Some(event_id) = record.event_to_clean().map(str::to_owned) {
                    match signin::get(false, SCOPE).await {
                        Ok(token) => action::delete_placeholder(event_id, token, 0).await,
                        Err(_) => action::delete_later(event_id).await,
                    }
                }
                if tell {
                    tell_failure(&record.destination, Problem::Interrupted).await;
                }
            }
            Orphan::Resume => {
                record.resumes += 1;
                storage::put(Area::Session, &key, &record).await;
                let Ok(token) = signin::get(false, record.making().scope()).await else {
                    waiting = true; // no token without a prompt now: a later wake tries again
                    continue;
                };
                let destination = record.destination.clone();
                match action::run((record, claim), token).await {
                    Ok(made) => {
                        let source = if matches!(destination, Destination::Page { .. }) { Source::Page } else { Source::Popup };
                        let settings = storage::settings().await;
                        // The probe's answer went with the stopped worker: the text around the caret,
                        // the field's shape and the site are not known.
                        match &destination {
                            Destination::Page { draft: Some(draft), .. } => {
                                let outcome = hand_over_meeting(made, &destination, Ok(Probe::default()), &settings).await;
                                settle_meeting(draft, &outcome, settings.notifications).await;
                            }
                            _ => {
                                hand_over(made, &destination, Ok(Probe::default()), &settings, source, true).await;
                            }
                        }
                    }
                    Err(problem) => tell_failure(&destination, problem).await,
                }
            }
        }
    }
    if waiting {
        action::alarm_at(action::RESUME_ALARM, now_ms() + 2 * action::RESUME_AFTER_MS).await;
    } else if !action::any_in_flight().await {
        let _ = chrome::alarms_clear(action::RESUME_ALARM).await;
    }
}
