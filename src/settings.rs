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

/// Which entry points may join a Meet space (`SpaceConfig.entryPointAccess`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EntryPointAccess {
    /// Every way in: the link, Calendar, the apps (Google's default).
    #[default]
    All,
    /// Only the apps of the Cloud project that created the space (Meet SDK apps): people cannot join
    /// from the link itself.
    CreatorAppOnly,
}

/// What a new Meet space is created with (google-apis.md §3, `SpaceConfig`): the access type and
/// the presets. Off/`ALL` is Google's default and is not sent; what is on needs a Workspace edition
/// and an administrator that allow it (the options page says so).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SpacePreset {
    /// Who joins without knocking.
    pub access_type: AccessType,
    /// Which entry points may join.
    #[serde(default)]
    pub entry_point_access: EntryPointAccess,
    /// Host management on (`moderation: ON`); the restrictions below apply only with it.
    #[serde(default)]
    pub moderation: bool,
    /// Only hosts may chat.
    #[serde(default)]
    pub chat_hosts_only: bool,
    /// Only hosts may send reactions.
    #[serde(default)]
    pub reactions_hosts_only: bool,
    /// Only hosts may present.
    #[serde(default)]
    pub present_hosts_only: bool,
    /// People join as viewers (`defaultJoinAsViewerType: ON`).
    #[serde(default)]
    pub join_as_viewer: bool,
    /// Record every meeting automatically.
    #[serde(default)]
    pub auto_recording: bool,
    /// Transcribe every meeting automatically.
    #[serde(default)]
    pub auto_transcription: bool,
    /// Take notes with Gemini automatically.
    #[serde(default)]
    pub auto_smart_notes: bool,
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
    /// Type the dial-in numbers after the link (when Google gives some).
    pub dial_in: bool,
    /// Per-site formats: the rule with the longest matching site wins over `template`/`dial_in`.
    pub site_rules: Vec<SiteRule>,
    /// See [`SpacePreset::entry_point_access`].
    pub entry_point_access: EntryPointAccess,
    /// See [`SpacePreset::moderation`].
    pub moderation: bool,
    /// See [`SpacePreset::chat_hosts_only`].
    pub chat_hosts_only: bool,
    /// See [`SpacePreset::reactions_hosts_only`].
    pub reactions_hosts_only: bool,
    /// See [`SpacePreset::present_hosts_only`].
    pub present_hosts_only: bool,
    /// See [`SpacePreset::join_as_viewer`].
    pub join_as_viewer: bool,
    /// See [`SpacePreset::auto_recording`].
    pub auto_recording: bool,
    /// See [`SpacePreset::auto_transcription`].
    pub auto_transcription: bool,
    /// See [`SpacePreset::auto_smart_notes`].
    pub auto_smart_notes: bool,
}

/// A format for the pages of one site: `site` is a host name (`github.com`), matching that host
/// and every host under it (`gist.github.com`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SiteRule {
    /// The host name.
    pub site: String,
    /// The format there.
    pub format: Template,
    /// Dial-in numbers there; absent: as the general setting says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dial_in: Option<bool>,
}

/// Rules kept at most.
pub const MAX_RULES: usize = 50;

/// The rules people expect before they set any: Markdown where Markdown is read, a titled link in
/// Gmail.
pub fn default_rules() -> Vec<SiteRule> {
    vec![
        SiteRule { site: "github.com".into(), format: Template::Markdown, dial_in: None },
        SiteRule { site: "mail.google.com".into(), format: Template::Rich, dial_in: None },
    ]
}

/// A site as a rule names it: lower case, without a leading `*.` or `.` or a trailing `.`; letters,
/// digits, `-` and `.` only, at most 253 characters. `None` if that leaves nothing.
pub fn clean_site(raw: &str) -> Option<String> {
    let s = raw.trim().to_ascii_lowercase();
    let s = s.trim_start_matches("*.").trim_matches('.');
    let ok = (1..=253).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && !s.contains("..");
    ok.then(|| s.to_owned())
}

/// Rules as read from storage: each site cleaned, rules whose site is not one dropped, the first
/// rule for a site kept, at most [`MAX_RULES`].
fn clean_rules(rules: &[SiteRule]) -> Vec<SiteRule> {
    let mut out: Vec<SiteRule> = Vec::new();
    for rule in rules {
        let Some(site) = clean_site(&rule.site) else { continue };
        if out.len() < MAX_RULES && !out.iter().any(|r| r.site == site) {
            out.push(SiteRule { site, ..rule.clone() });
        }
    }
    out
}

impl Settings {
    /// What a new Meet space is created with.
    pub fn space_preset(&self) -> SpacePreset {
        SpacePreset {
            access_type: self.access_type,
            entry_point_access: self.entry_point_access,
            moderation: self.moderation,
            chat_hosts_only: self.chat_hosts_only,
            reactions_hosts_only: self.reactions_hosts_only,
            present_hosts_only: self.present_hosts_only,
            join_as_viewer: self.join_as_viewer,
            auto_recording: self.auto_recording,
            auto_transcription: self.auto_transcription,
            auto_smart_notes: self.auto_smart_notes,
        }
    }

    /// The format and whether to add dial-in numbers on a page of `host` (none: not a page, or its
    /// host is not known): the longest matching site rule's, else the general settings.
    pub fn format_for(&self, host: Option<&str>) -> (Template, bool) {
        let host = host.map(|h| h.trim_end_matches('.').to_ascii_lowercase());
        let matches = |site: &str| {
            host.as_deref().is_some_and(|h| h == site || h.strip_suffix(site).is_some_and(|rest| rest.ends_with('.')))
        };
        self.site_rules
            .iter()
            .filter(|r| matches(&r.site))
            .max_by_key(|r| r.site.len())
            .map_or((self.template, self.dial_in), |r| (r.format, r.dial_in.unwrap_or(self.dial_in)))
    }
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
            dial_in: false,
            site_rules: default_rules(),
            entry_point_access: EntryPointAccess::All,
            moderation: false,
            chat_hosts_only: false,
            reactions_hosts_only: false,
            present_hosts_only: false,
            join_as_viewer: false,
            auto_recording: false,
            auto_transcription: false,
            auto_smart_notes: false,
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
    /// See [`Settings::dial_in`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dial_in: Option<bool>,
    /// See [`Settings::site_rules`]; an empty list is a choice (no rules).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_rules: Option<Vec<SiteRule>>,
    /// See [`Settings::entry_point_access`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_point_access: Option<EntryPointAccess>,
    /// See [`Settings::moderation`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moderation: Option<bool>,
    /// See [`Settings::chat_hosts_only`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat_hosts_only: Option<bool>,
    /// See [`Settings::reactions_hosts_only`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reactions_hosts_only: Option<bool>,
    /// See [`Settings::present_hosts_only`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub present_hosts_only: Option<bool>,
    /// See [`Settings::join_as_viewer`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub join_as_viewer: Option<bool>,
    /// See [`Settings::auto_recording`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_recording: Option<bool>,
    /// See [`Settings::auto_transcription`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_transcription: Option<bool>,
    /// See [`Settings::auto_smart_notes`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_smart_notes: Option<bool>,
    /// Managed only: names of the settings the user may not change.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locked: Vec<String>,
}

/// Every setting's name, as stored and as listed in `locked`.
pub const NAMES: [&str; 19] = [
    "title", "durationMinutes", "keepEvent", "source", "accessType", "template", "notifications", "warmLink", "dialIn", "siteRules",
    "entryPointAccess", "moderation", "chatHostsOnly", "reactionsHostsOnly", "presentHostsOnly", "joinAsViewer", "autoRecording",
    "autoTranscription", "autoSmartNotes",
];

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
    let mut s = Settings {
        title: choose(l("title"), &title(local), &title(managed), any, d.title.clone()),
        duration_minutes: choose(l("durationMinutes"), &local.duration_minutes, &managed.duration_minutes, |m| DURATIONS.contains(m), d.duration_minutes),
        site_rules: choose(l("siteRules"), &local.site_rules.as_deref().map(clean_rules), &managed.site_rules.as_deref().map(clean_rules), any, d.site_rules.clone()),
        ..d.clone()
    };
    // The rest take any value their type reads.
    macro_rules! pick {
        ($($field:ident: $name:literal),*) => {$(
            s.$field = choose(l($name), &local.$field, &managed.$field, any, d.$field);
        )*};
    }
    pick!(keep_event: "keepEvent", source: "source", access_type: "accessType", template: "template",
          notifications: "notifications", warm_link: "warmLink", dial_in: "dialIn", entry_point_access: "entryPointAccess",
          moderation: "moderation", chat_hosts_only: "chatHostsOnly", reactions_hosts_only: "reactionsHostsOnly",
          present_hosts_only: "presentHostsOnly", join_as_viewer: "joinAsViewer", auto_recording: "autoRecording",
          auto_transcription: "autoTranscription", auto_smart_notes: "autoSmartNotes");
    s
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
          notifications: "notifications", warm_link: "warmLink", dial_in: "dialIn",
          entry_point_access: "entryPointAccess", moderation: "moderation", chat_hosts_only: "chatHostsOnly", reactions_hosts_only: "reactionsHostsOnly", present_hosts_only: "presentHostsOnly", join_as_viewer: "joinAsViewer", auto_recording: "autoRecording", auto_transcription: "autoTranscription", auto_smart_notes: "autoSmartNotes");
    if let Some(rules) = changes.site_rules.filter(|_| open("siteRules")) {
        c.site_rules = Some(clean_rules(&rules));
    }
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
    fn meet_space_presets_are_presettable_and_lockable() {
        let managed = choices(json!({"autoRecording": true, "moderation": true, "entryPointAccess": "CREATOR_APP_ONLY", "locked": ["autoRecording"]}));
        let local = choices(json!({"autoRecording": false, "moderation": false, "chatHostsOnly": true}));
        let s = resolve(&local, &managed);
        assert!(s.auto_recording, "locked: the administrator's value");
        assert!(!s.moderation, "preset only: the user's choice wins");
        assert_eq!(s.entry_point_access, EntryPointAccess::CreatorAppOnly, "the administrator's default where the user chose nothing");
        let p = s.space_preset();
        assert!(p.chat_hosts_only && p.auto_recording && p.asks_more());
        let after = apply(local, choices(json!({"autoRecording": false, "autoSmartNotes": true})), &managed);
        assert_eq!((after.auto_recording, after.auto_smart_notes), (Some(false), Some(true)), "a locked change is not taken");
        assert!(resolve(&after, &managed).auto_recording);
        assert!(locked(&managed).contains(&"autoRecording"));
        assert!(!SpacePreset::default().asks_more());
        assert!(choices(json!({"entryPointAccess": "SOMETIMES"})).entry_point_access.is_none(), "a malformed value is none of it");
    }

    #[test]
    fn round_trip() {
        let text = json!({"title": "T", "durationMinutes": 45, "keepEvent": true, "source": "space", "accessType": "OPEN",
            "template": "markdown", "notifications": false, "warmLink": false, "dialIn": true,
            "siteRules": [{"site": "example.com", "format": "rich", "dialIn": false}], "locked": ["title"]});
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
            (json!({}), json!({}), |s| s.site_rules == default_rules() && !s.dial_in),
            (json!({"siteRules": []}), json!({}), |s| s.site_rules.is_empty()),
            (json!({}), json!({"siteRules": [{"site": "corp.example", "format": "sentence"}]}), |s| s.site_rules.len() == 1),
            (json!({"siteRules": []}), json!({"siteRules": [{"site": "corp.example", "format": "sentence"}], "locked": ["siteRules"]}),
                |s| s.site_rules.len() == 1 && s.site_rules[0].site == "corp.example"),
            (json!({"siteRules": [{"site": " *.GitLab.com. ", "format": "markdown"}, {"site": "gitlab.com", "format": "url"},
                {"site": "<script>", "format": "url"}, {"site": "", "format": "url"}, {"site": "a..b", "format": "url"}]}), json!({}),
                |s| s.site_rules == [SiteRule { site: "gitlab.com".into(), format: Template::Markdown, dial_in: None }]),
            (json!({"dialIn": true}), json!({"dialIn": false, "locked": ["dialIn"]}), |s| !s.dial_in),
        ];
        for (local, managed, ok) in table {
            let s = resolve(&choices(local.clone()), &choices(managed.clone()));
            assert!(ok(&s), "{local} + {managed} gave {s:?}");
        }
    }

    #[test]
    fn format_per_site() {
        let rules = json!([{"site": "github.com", "format": "markdown"}, {"site": "mail.google.com", "format": "rich", "dialIn": true},
            {"site": "google.com", "format": "sentence", "dialIn": false}, {"site": "127.0.0.1", "format": "rich"}]);
        let s = resolve(&choices(json!({"template": "url", "dialIn": false, "siteRules": rules})), &Choices::default());
        // (host, format, dial-in)
        let table: &[(Option<&str>, Template, bool)] = &[
            (None, Template::Url, false),
            (Some("example.com"), Template::Url, false),
            (Some("github.com"), Template::Markdown, false),
            (Some("gist.github.com"), Template::Markdown, false),
            (Some("GitHub.com."), Template::Markdown, false),
            (Some("notgithub.com"), Template::Url, false),
            (Some("github.com.evil.example"), Template::Url, false),
            (Some("mail.google.com"), Template::Rich, true),
            (Some("docs.google.com"), Template::Sentence, false),
            (Some("127.0.0.1"), Template::Rich, false),
            (Some(""), Template::Url, false),
        ];
        for (host, format, dial_in) in table {
            assert_eq!(s.format_for(*host), (*format, *dial_in), "{host:?}");
        }
        let on = resolve(&choices(json!({"dialIn": true, "siteRules": rules})), &Choices::default());
        assert_eq!(on.format_for(Some("github.com")), (Template::Markdown, true), "a rule without dial-in follows the general setting");
        assert_eq!(on.format_for(Some("docs.google.com")), (Template::Sentence, false));
        let many: Vec<serde_json::Value> = (0..80).map(|i| json!({"site": format!("s{i}.example"), "format": "url"})).collect();
        assert_eq!(resolve(&choices(json!({"siteRules": many})), &Choices::default()).site_rules.len(), MAX_RULES);
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
        let rules = apply(Choices::default(), choices(json!({"siteRules": [{"site": "*.Example.com", "format": "rich"}, {"site": "?", "format": "url"}]})), &Choices::default());
        assert_eq!(rules.site_rules, Some(vec![SiteRule { site: "example.com".into(), format: Template::Rich, dial_in: None }]));
        let locked_rules = choices(json!({"locked": ["siteRules"]}));
        assert_eq!(apply(Choices::default(), choices(json!({"siteRules": []})), &locked_rules).site_rules, None);
    }
}
