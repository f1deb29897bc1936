//! Meet-link validation and the text that is inserted for a link.
//!
//! A link comes from the network and ends up in other people's chats, so only one shape is accepted:
//! `https://meet.google.com/` + a meeting code `[a-z]{3}-[a-z]{4}-[a-z]{3}` (the shape Google returns
//! in `entryPoints[video].uri` and `hangoutLink`, google-apis.md §1.2). Anything else — another host,
//! `javascript:`, userinfo, a port, a path — is refused. A query string (Google sometimes adds
//! `?hs=…`) is dropped: the canonical link is the code alone.

use serde::{Deserialize, Serialize};

/// A validated Google Meet link, written as `{"url": "…"}` (the popup reads `link.url`); read back
/// from storage only if it validates again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "StoredLink")]
pub struct MeetLink {
    url: String,
}

#[derive(Deserialize)]
struct StoredLink {
    url: String,
}

impl TryFrom<StoredLink> for MeetLink {
    type Error = &'static str;

    fn try_from(stored: StoredLink) -> Result<Self, Self::Error> {
        MeetLink::parse(&stored.url).ok_or("not a Meet link")
    }
}

const PREFIX: &str = "https://meet.google.com/";

/// `[a-z]{3}-[a-z]{4}-[a-z]{3}`.
fn is_meeting_code(code: &str) -> bool {
    code.len() == 12 && code.bytes().enumerate().all(|(i, b)| if i == 3 || i == 8 { b == b'-' } else { b.is_ascii_lowercase() })
}

impl MeetLink {
    /// Validates `raw`; `None` unless it is a Meet link of the one accepted shape.
    pub fn parse(raw: &str) -> Option<Self> {
        let rest = raw.strip_prefix(PREFIX)?;
        let code = rest.split_once('?').map_or(rest, |(c, _)| c);
        is_meeting_code(code).then(|| MeetLink { url: format!("{PREFIX}{code}") })
    }

    /// The link, e.g. `https://meet.google.com/abc-defg-hij`.
    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// The meeting code, e.g. `abc-defg-hij`.
    pub fn code(&self) -> &str {
        &self.url[PREFIX.len()..]
    }
}

/// How a link is written (`crate::format::render` writes it). Applied as text, except `Rich` in a
/// rich editor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Template {
    /// The bare URL (default).
    #[default]
    Url,
    /// `Join Google Meet: <url>`.
    Sentence,
    /// `[Join Google Meet](<url>)` (the meeting's title, when it has its own).
    Markdown,
    /// A titled link (`<a href="<url>">Join Google Meet</a>`) in a rich editor; `<title>: <url>` in
    /// a plain field.
    Rich,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_only_meet_links() {
        let table: &[(&str, Option<&str>)] = &[
            ("https://meet.google.com/abc-defg-hij", Some("https://meet.google.com/abc-defg-hij")),
            ("https://meet.google.com/abc-defg-hij?hs=122&authuser=0", Some("https://meet.google.com/abc-defg-hij")),
            ("http://meet.google.com/abc-defg-hij", None),
            ("javascript:alert(1)//https://meet.google.com/abc-defg-hij", None),
            ("https://meet.google.com.evil.com/abc-defg-hij", None),
            ("https://evil.com/abc-defg-hij", None),
            ("https://user@meet.google.com/abc-defg-hij", None),
            ("https://meet.google.com:8443/abc-defg-hij", None),
            ("https://meet.google.com/abc-defg-hij/extra", None),
            ("https://meet.google.com/abc-defg-hij#x", None),
            ("https://meet.google.com/ABC-DEFG-HIJ", None),
            ("https://meet.google.com/abcd-efg-hij", None),
            ("https://meet.google.com/abc-defg", None),
            ("https://meet.google.com/abc-defg-hij-klm", None),
            ("https://meet.google.com/", None),
            ("https://meet.google.com/new", None),
            ("https://meet.google.com/abc-de1g-hij", None),
            ("https://meet.google.com/<img src=x onerror=alert(1)>", None),
            (" https://meet.google.com/abc-defg-hij", None),
            ("", None),
        ];
        for (raw, want) in table {
            assert_eq!(MeetLink::parse(raw).map(|l| l.as_str().to_owned()).as_deref(), *want, "{raw}");
        }
    }

    #[test]
    fn code() {
        let l = MeetLink::parse("https://meet.google.com/abc-defg-hij").unwrap();
        assert_eq!(l.code(), "abc-defg-hij");
    }

    #[test]
    fn stored_links_are_validated_again() {
        use serde_json::json;
        let l = MeetLink::parse("https://meet.google.com/abc-defg-hij").unwrap();
        assert_eq!(serde_json::to_value(&l).unwrap(), json!({"url": "https://meet.google.com/abc-defg-hij"}));
        assert_eq!(crate::stored::one::<MeetLink>(json!({"url": "https://meet.google.com/abc-defg-hij"})), Some(l));
        for bad in [json!({"url": "javascript:alert(1)"}), json!({"url": 5}), json!("https://meet.google.com/abc-defg-hij"), json!(null)] {
            assert_eq!(crate::stored::one::<MeetLink>(bad.clone()), None, "{bad}");
        }
    }
}
