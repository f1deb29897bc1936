//! The links made, newest first, kept in `chrome.storage.local` (never a token, never calendar data
//! beyond the link itself). The popup's history view builds on this; every delivered link — and a
//! link finished after a worker restart — is recorded, so none is lost.

use crate::format::DialIn;
use crate::link::MeetLink;
use crate::settings::cut_title;
use crate::settings::LinkSource;
use serde::{Deserialize, Serialize};

/// Storage key.
pub const KEY: &str = "history";
/// Entries kept.
pub const LIMIT: usize = 50;

/// How the link was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// The toolbar popup.
    Popup,
    /// The context menu or the shortcut.
    Page,
}

/// One link. Unknown fields refused; `title`, `account` and `kind` may be absent (entries from
/// before they existed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Entry {
    /// The link (validated again when read).
    pub url: String,
    /// When it was made, ms since the epoch.
    pub created_ms: u64,
    /// How it was asked for.
    pub source: Source,
    /// The meeting's title (empty for a Meet space).
    #[serde(default)]
    pub title: String,
    /// The account's e-mail, when known (`None`: the browser's account).
    #[serde(default)]
    pub account: Option<String>,
    /// Calendar event or Meet space.
    #[serde(default)]
    pub kind: LinkSource,
    /// Its dial-in numbers, when Google gave some (validated again when read).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dial_in: Option<DialIn>,
}

impl Entry {
    /// An entry for `link`, made now.
    pub fn new(link: &MeetLink, source: Source, now_ms: u64) -> Self {
        Entry { url: link.as_str().to_owned(), created_ms: now_ms, source, title: String::new(), account: None, kind: LinkSource::Calendar, dial_in: None }
    }
}

/// `entries` with `entry` added in front, capped at [`LIMIT`]; entries that fail validation are dropped.
pub fn add(entries: Vec<Entry>, entry: Entry) -> Vec<Entry> {
    let mut out = Vec::with_capacity(LIMIT);
    let url = entry.url.clone();
    if MeetLink::parse(&url).is_some() {
        out.push(entry);
    }
    out.extend(entries.into_iter().filter(|e| e.url != url && MeetLink::parse(&e.url).is_some()));
    out.truncate(LIMIT);
    // Storage is not trusted to hold only what this code wrote: a title longer than any this code
    // writes is cut back when the list is written again.
    for e in &mut out {
        cut_title(&mut e.title);
    }
    out
}

/// `entries` without the one for `url`.
pub fn remove(mut entries: Vec<Entry>, url: &str) -> Vec<Entry> {
    entries.retain(|e| e.url != url);
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_first_capped_and_clean() {
        let link = |n: usize| MeetLink::parse(&format!("https://meet.google.com/abc-defg-{}", ["hij", "klm", "nop"][n % 3])).unwrap();
        let mut h = vec![Entry { url: "javascript:alert(1)".into(), ..Entry::new(&link(0), Source::Popup, 0) }];
        h = add(h, Entry::new(&link(0), Source::Popup, 1));
        assert_eq!(h.len(), 1, "invalid entries dropped");
        h = add(h, Entry { title: "Stand-up".into(), account: Some("a@example.com".into()), ..Entry::new(&link(1), Source::Page, 2) });
        assert_eq!(h[0].url, link(1).as_str());
        assert_eq!(h[1].created_ms, 1);
        let h2 = add(h.clone(), Entry::new(&link(0), Source::Page, 3));
        assert_eq!((h2.len(), h2[0].created_ms), (2, 3), "a link made again moves to the front, once");
        let distinct: Vec<Entry> = (0..80u8)
            .map(|i| Entry::new(&link(0), Source::Page, u64::from(i)))
            .enumerate()
            .map(|(i, e)| Entry { url: format!("https://meet.google.com/aaa-aaaa-{}{}a", (b'a' + i as u8 % 26) as char, (b'a' + i as u8 / 26) as char), ..e })
            .collect();
        assert_eq!(add(distinct.clone(), Entry::new(&link(0), Source::Popup, 100)).len(), LIMIT);
        let fewer = remove(distinct, "https://meet.google.com/aaa-aaaa-aaa");
        assert_eq!(fewer.len(), 79);
        // Entries written by an earlier version (no title, account or kind) still read.
        let old: Entry = serde_json::from_value(serde_json::json!({"url": link(2).as_str(), "createdMs": 5, "source": "popup"})).unwrap();
        assert_eq!((old.title.as_str(), old.account, old.kind), ("", None, LinkSource::Calendar));
    }

    #[test]
    fn one_malformed_entry_never_costs_the_list() {
        use serde_json::json;
        let good = |code: &str| json!({"url": format!("https://meet.google.com/{code}"), "createdMs": 5, "source": "page", "title": "T", "account": null, "kind": "calendar"});
        let stored = json!([
            good("aaa-aaaa-aaa"),
            {"url": "https://meet.google.com/bbb-bbbb-bbb", "createdMs": "yesterday", "source": "page"},
            {"url": "https://meet.google.com/ccc-cccc-ccc", "createdMs": 5, "source": "page", "token": "ya29.x"},
            {"url": "https://meet.google.com/ddd-dddd-ddd", "createdMs": 5, "source": "tab"},
            good("eee-eeee-eee"),
        ]);
        let read: Vec<Entry> = crate::stored::each(stored);
        assert_eq!(read.iter().map(|e| &e.url[24..]).collect::<Vec<_>>(), ["aaa-aaaa-aaa", "eee-eeee-eee"]);
        // and the next link keeps them
        let next = add(read, Entry::new(&MeetLink::parse("https://meet.google.com/fff-ffff-fff").unwrap(), Source::Popup, 9));
        assert_eq!(next.len(), 3);
        // a 200 KB title is cut to the longest this code writes
        let long: Vec<Entry> = crate::stored::each(json!([{"url": "https://meet.google.com/ggg-gggg-ggg", "createdMs": 5, "source": "page", "title": "é".repeat(100_000)}]));
        let next = add(long, Entry::new(&MeetLink::parse("https://meet.google.com/fff-ffff-fff").unwrap(), Source::Popup, 9));
        assert_eq!(next[1].title.chars().count(), crate::settings::MAX_TITLE);
    }
}
