//! The links made, newest first, kept in `chrome.storage.local` (never a token, never calendar data
//! beyond the link itself). The popup's history view builds on this; every delivered link — and a
//! link finished after a worker restart — is recorded, so none is lost.

use crate::link::MeetLink;
use serde::{Deserialize, Serialize};

/// Storage key.
pub const KEY: &str = "history";
/// Entries kept.
pub const LIMIT: usize = 50;

/// How the link was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Source {
    /// The toolbar popup.
    Popup,
    /// The context menu or the shortcut.
    Page,
}

/// One link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Entry {
    /// The link (validated again when read).
    pub url: String,
    /// When it was made, ms since the epoch.
    pub created_ms: u64,
    /// How it was asked for.
    pub source: Source,
}

/// `entries` with `link` added in front, capped at [`LIMIT`]; entries that fail validation are dropped.
pub fn add(entries: Vec<Entry>, link: &MeetLink, source: Source, now_ms: u64) -> Vec<Entry> {
    let mut out = Vec::with_capacity(LIMIT);
    out.push(Entry { url: link.as_str().to_owned(), created_ms: now_ms, source });
    out.extend(entries.into_iter().filter(|e| e.url != link.as_str() && MeetLink::parse(&e.url).is_some()));
    out.truncate(LIMIT);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_first_capped_and_clean() {
        let link = |n: usize| MeetLink::parse(&format!("https://meet.google.com/abc-defg-{}", ["hij", "klm", "nop"][n % 3])).unwrap();
        let mut h = vec![Entry { url: "javascript:alert(1)".into(), created_ms: 0, source: Source::Popup }];
        h = add(h, &link(0), Source::Popup, 1);
        assert_eq!(h.len(), 1, "invalid entries dropped");
        h = add(h, &link(1), Source::Page, 2);
        assert_eq!(h[0].url, link(1).as_str());
        assert_eq!(h[1].created_ms, 1);
        let h2 = add(h.clone(), &link(0), Source::Page, 3);
        assert_eq!((h2.len(), h2[0].created_ms), (2, 3), "a link made again moves to the front, once");
        let distinct: Vec<Entry> = (0..80u8)
            .map(|i| Entry { url: format!("https://meet.google.com/aaa-aaaa-{}{}a", (b'a' + i % 26) as char, (b'a' + i / 26) as char), created_ms: u64::from(i), source: Source::Page })
            .collect();
        assert_eq!(add(distinct, &link(0), Source::Popup, 100).len(), LIMIT);
    }
}
