//! The user's settings: what the options page offers, what an administrator may preset or lock
//! through managed storage (`storage.managed_schema`, `managed_schema.json`), and how the two
//! combine. Both sources are [`Choices`] — every field optional — and [`resolve`] turns them into
//! the [`Settings`] an action uses. Read leniently: a missing or malformed value means the default,
//! never an error on the hot path.

use crate::link::Template;
use serde::{Deserialize, Serialize};

/// Default meeting title.
pub const DEFAULT_TITLE: &str = "Google Meet";
/// Longest title kept (characters); Calendar allows more, a chat line does not need it.
pub const MAX_TITLE: usize = 200;
/// Shortest and longest event, minutes.
pub const DURATIONS: std::ops::RangeInclusive<u32> = 5..=480;

/// Where links come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkSource {
    /// A Calendar event with a Meet conference (default).
    #[default]
    Calendar,
    /// A Meet space (`spaces.create`): no calendar event at all.
    Space,
}

/// A Meet space's access type (google-apis.md §2, `SpaceConfig.accessType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum AccessType {
    /// Anyone with the link joins without knocking.
    Open,
    /// The organisation and invited people join without knocking (Google's default).
    #[default]
    Trusted,
    /// Only invitees join without knocking.
    Restricted,
}

/// The settings an action uses, every one resolved; written under the names in [`NAMES`] (a test
/// keeps the two equal).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// The event's title.
    pub title: String,
    /// The event's length, minutes.
    pub duration_minutes: u32,
    /// Keep the Calendar event (a real event now → now + duration) instead of deleting it.
    pub keep_event: bool,
    /// Calendar event or Meet space.
    pub source: LinkSource,
    /// Access type of a Meet space.
    pub access_type: AccessType,
    /// What is typed for a link.
    pub template: Template,
    /// Notifications for copied links and failures.
    pub notifications: bool,
    /// Keep the next link ready before it is asked for.
    pub warm_link: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            title: DEFAULT_TITLE.into(),
            duration_minutes: 30,
            keep_event: false,
            source: LinkSource::Calendar,
            access_type: AccessType::Trusted,
            template: Template::Url,
            notifications: true,
            warm_link: true,
        }
    }
}

/// Settings as stored by the options page (`storage.local`) or set by an administrator
/// (`storage.managed`): any subset. `locked` is read from managed storage only. Every field may be
/// absent (and is written only when set); unknown fields are ignored (a later version's settings);
/// one that is present and malformed makes the whole record unreadable (the caller then uses none of
/// it, as for a corrupted store).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Choices {
    /// See [`Settings::title`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// See [`Settings::duration_minutes`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_minutes: Option<u32>,
    /// See [`Settings::keep_event`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep_event: Option<bool>,
    /// See [`Settings::source`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<LinkSource>,
    /// See [`Settings::access_type`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_type: Option<AccessType>,
    /// See [`Settings::template`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<Template>,
    /// See [`Settings::notifications`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notifications: Option<bool>,
    /// See [`Settings::warm_link`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warm_link: Option<bool>,
    /// Managed only: names of the settings the user may not change.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locked: Vec<String>,
}

/// Every setting's name, as stored and as listed in `locked`.
pub const NAMES: [&str; 8] =
    ["title", "durationMinutes", "keepEvent", "source", "accessType", "template", "notifications", "warmLink"];

/// Whitespace runs as one space, none at the ends, at most `MAX_TITLE` characters; `None` if empty.
fn clean_title(raw: &str) -> Option<String> {
    let mut t = String::new();
    for word in raw.split_whitespace() {
        if !t.is_empty() {
            t.push(' ');
        }
        t.push_str(word);
    }
    cut_title(&mut t);
    (!t.is_empty()).then_some(t)
}

/// Cuts `title` to [`MAX_TITLE`] characters.
pub fn cut_title(title: &mut String) {
    if let Some((cut, _)) = title.char_indices().nth(MAX_TITLE) {
        title.truncate(cut);
    }
}

/// One setting: the user's value unless it is locked, else the administrator's, else `default`;
/// a value that is not `valid` is passed over.
fn choose<T: Clone>(locked: bool, user: &Option<T>, admin: &Option<T>, valid: impl Fn(&T) -> bool, default: T) -> T {
    [if locked { &None } else { user }, admin].into_iter().flatten().find(|v| valid(v)).cloned().unwrap_or(default)
}

fn any<T>(_: &T) -> bool {
    true
}

/// The settings in effect: for each one, a locked managed value, else the user's, else the
/// administrator's default, else MeetLink's. Values out of range fall back the same way.
pub fn resolve(local: &Choices, managed: &Choices) -> Settings {
    let d = Settings::default();
    let l = |name: &str| managed.locked.iter().any(|n| n == name);
    let title = |c: &Choices| c.title.as_deref().and_then(clean_title);
    Settings {
        title: choose(l("title"), &title(local), &title(managed), any, d.title),
        duration_minutes: choose(l("durationMinutes"), &local.duration_minutes, &managed.duration_minutes, |m| DURATIONS.contains(m), d.duration_minutes),
        keep_event: choose(l("keepEvent"), &local.keep_event, &managed.keep_event, any, d.keep_event),
        source: choose(l("source"), &local.source, &managed.source, any, d.source),
        access_type: choose(l("accessType"), &local.access_type, &managed.access_type, any, d.access_type),
        template: choose(l("template"), &local.template, &managed.template, any, d.template),
        notifications: choose(l("notifications"), &local.notifications, &managed.notifications, any, d.notifications),
        warm_link: choose(l("warmLink"), &local.warm_link, &managed.warm_link, any, d.warm_link),
    }
}

/// The locked settings' names, known ones only, in [`NAMES`] order.
pub fn locked(managed: &Choices) -> Vec<&'static str> {
    NAMES.into_iter().filter(|n| managed.locked.iter().any(|l| l == n)).collect()
}

/// The user's stored choices after the options page changed `changes`: locked settings and
/// out-of-range values are not taken; everything else replaces what was stored.
pub fn apply(stored: Choices, changes: Choices, managed: &Choices) -> Choices {
    let open = |name: &str| !managed.locked.iter().any(|n| n == name);
    let mut c = stored;
    c.locked.clear();
    if let Some(t) = changes.title.filter(|_| open("title")) {
        c.title = clean_title(&t); // an empty title goes back to the default
    }
    if let Some(m) = changes.duration_minutes.filter(|m| open("durationMinutes") && DURATIONS.contains(m)) {
        c.duration_minutes = Some(m);
    }
    macro_rules! take {
        ($($field:ident: $name:literal),*) => {$(
            if changes.$field.is_some() && open($name) {
                c.$field = changes.$field;
            }
        )*};
    }
    take!(keep_event: "keepEvent", source: "source", access_type: "accessType", template: "template",
          notifications: "notifications", warm_link: "warmLink");
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn choices(v: serde_json::Value) -> Choices {
        crate::stored::one(v).unwrap_or_default()
    }

    #[test]
    fn round_trip() {
        let text = json!({"title": "T", "durationMinutes": 45, "keepEvent": true, "source": "space", "accessType": "OPEN",
            "template": "markdown", "notifications": false, "warmLink": false, "locked": ["title"]});
        let all: Choices = serde_json::from_value(text.clone()).expect("every field reads");
        assert_eq!(all.source, Some(LinkSource::Space));
        assert_eq!(all.locked, ["title"]);
        assert_eq!(serde_json::to_value(&all).unwrap(), text, "written back as read");
        assert_eq!(serde_json::to_value(Choices::default()).unwrap(), json!({}), "unset fields are left out");
        let names: Vec<String> = serde_json::to_value(Settings::default()).unwrap().as_object().unwrap().keys().cloned().collect();
        let mut want: Vec<String> = NAMES.iter().map(|n| n.to_string()).collect();
        want.sort(); // serde_json's map is sorted
        assert_eq!(names, want, "settings are written under NAMES");
    }

    #[test]
    fn lenient_reading() {
        assert_eq!(choices(json!({})), Choices::default());
        assert_eq!(choices(json!(null)), Choices::default());
        assert_eq!(choices(json!({"template": "markdown"})).template, Some(Template::Markdown));
        assert_eq!(choices(json!({"template": "sentence", "later": 1})).template, Some(Template::Sentence));
        assert_eq!(choices(json!({"template": "<b>{url}</b>"})), Choices::default(), "malformed: all defaults");
        assert_eq!(resolve(&Choices::default(), &Choices::default()), Settings::default());
    }

    #[test]
    fn resolution_table() {
        // (local, managed, what is expected of the resolved settings)
        type Check = fn(&Settings) -> bool;
        let table: Vec<(serde_json::Value, serde_json::Value, Check)> = vec![
            (json!({"title": "  Stand-up \n daily "}), json!({}), |s| s.title == "Stand-up daily"),
            (json!({"title": "   "}), json!({}), |s| s.title == DEFAULT_TITLE),
            (json!({"title": "x".repeat(300)}), json!({}), |s| s.title.chars().count() == MAX_TITLE),
            (json!({"title": "é  ü\t".repeat(100)}), json!({}), |s| s.title.chars().count() == MAX_TITLE && s.title.starts_with("é ü é")),
            (json!({}), json!({"title": "Acme call"}), |s| s.title == "Acme call"),
            (json!({"title": "Mine"}), json!({"title": "Acme call"}), |s| s.title == "Mine"),
            (json!({"title": "Mine"}), json!({"title": "Acme call", "locked": ["title"]}), |s| s.title == "Acme call"),
            (json!({"title": "Mine"}), json!({"locked": ["title"]}), |s| s.title == DEFAULT_TITLE),
            (json!({"durationMinutes": 45}), json!({}), |s| s.duration_minutes == 45),
            (json!({"durationMinutes": 4}), json!({"durationMinutes": 60}), |s| s.duration_minutes == 60),
            (json!({"durationMinutes": 100000}), json!({}), |s| s.duration_minutes == 30),
            (json!({"keepEvent": true}), json!({}), |s| s.keep_event),
            (json!({"source": "space", "accessType": "OPEN"}), json!({}), |s| s.source == LinkSource::Space && s.access_type == AccessType::Open),
            (json!({"source": "space"}), json!({"source": "calendar", "locked": ["source"]}), |s| s.source == LinkSource::Calendar),
            (json!({"accessType": "OPEN"}), json!({"accessType": "RESTRICTED", "locked": ["accessType"]}), |s| s.access_type == AccessType::Restricted),
            (json!({"warmLink": true}), json!({"warmLink": false, "locked": ["warmLink", "nonsense"]}), |s| !s.warm_link),
            (json!({"notifications": false}), json!({}), |s| !s.notifications),
            (json!({"template": "markdown"}), json!({"template": "sentence"}), |s| s.template == Template::Markdown),
        ];
        for (local, managed, ok) in table {
            let s = resolve(&choices(local.clone()), &choices(managed.clone()));
            assert!(ok(&s), "{local} + {managed} gave {s:?}");
        }
    }

    #[test]
    fn applying_changes() {
        let managed = choices(json!({"title": "Acme", "locked": ["title", "warmLink"]}));
        let stored = choices(json!({"durationMinutes": 45, "template": "markdown"}));
        let changes = choices(json!({"title": "Mine", "warmLink": false, "keepEvent": true, "durationMinutes": 9999}));
        let c = apply(stored, changes, &managed);
        assert_eq!((c.title, c.warm_link, c.keep_event, c.duration_minutes), (None, None, Some(true), Some(45)));
        assert_eq!(c.template, Some(Template::Markdown), "untouched settings stay");
        let cleared = apply(choices(json!({"title": "Old"})), choices(json!({"title": " "})), &Choices::default());
        assert_eq!(cleared.title, None, "an empty title means the default again");
        assert_eq!(locked(&managed), vec!["title", "warmLink"]);
    }
}
