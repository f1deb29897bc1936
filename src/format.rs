//! What is written for a link: the text typed into a field, the titled anchor for a rich editor, the
//! two clipboard types, and the dial-in numbers Google gives with some conferences
//! (issue "A link people can read").
//!
//! Everything a page will see is built here from a fixed template: the link is a validated
//! [`MeetLink`], phone numbers, PINs and the "more numbers" page are validated to the shapes Google
//! uses (google-apis.md §1.3), and the one free text — the meeting's title — is escaped. No page text
//! and no user text ever becomes markup.

use crate::calendar::EntryPoint;
use crate::link::{MeetLink, Template};
use crate::settings::DEFAULT_TITLE;
use serde::{Deserialize, Serialize};

/// Phone numbers shown at most (Google lists one per region it has; the rest are on the "more" page).
pub const MAX_PHONES: usize = 3;
/// The anchor's text when the meeting has the default title (or none: a Meet space).
const JOIN: &str = "Join Google Meet";

/// One way to join by phone: an `entryPointType: "phone"` entry point, validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Phone {
    /// The number as shown, e.g. `+1 402-410-2193`.
    pub number: String,
    /// The dial string, e.g. `tel:+1-402-410-2193`.
    pub tel: String,
    /// The PIN, digits only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pin: Option<String>,
    /// The country, e.g. `US`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

/// The dial-in part of a conference: its phone numbers and the page with the others. Written to
/// history and the warm link; read back only if every part validates again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", try_from = "StoredDialIn")]
pub struct DialIn {
    /// At least one, at most [`MAX_PHONES`].
    pub phones: Vec<Phone>,
    /// `https://tel.meet/…`: every number, by country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub more: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct StoredDialIn {
    phones: Vec<Phone>,
    #[serde(default)]
    more: Option<String>,
}

impl TryFrom<StoredDialIn> for DialIn {
    type Error = &'static str;

    fn try_from(stored: StoredDialIn) -> Result<Self, Self::Error> {
        // Each phone exactly as validation would have written it.
        let phones: Option<Vec<Phone>> = stored
            .phones
            .into_iter()
            .map(|p| phone(Some(&p.tel), Some(&p.number), p.pin.as_deref(), p.region.as_deref()).filter(|v| *v == p))
            .collect();
        let phones = phones.filter(|p| (1..=MAX_PHONES).contains(&p.len())).ok_or("not a phone number")?;
        let more = match stored.more {
            Some(m) => Some(more_page(&m).ok_or("not a tel.meet page")?),
            None => None,
        };
        Ok(DialIn { phones, more })
    }
}

/// `tel:` + `+`, digits and dashes: the dial string. `None` for anything else.
fn tel_uri(uri: &str) -> Option<String> {
    let rest = uri.strip_prefix("tel:")?;
    let ok = (4..=32).contains(&rest.len())
        && rest.bytes().enumerate().all(|(i, b)| b.is_ascii_digit() || b == b'-' || (i == 0 && b == b'+'))
        && rest.bytes().filter(u8::is_ascii_digit).count() >= 3;
    ok.then(|| uri.to_owned())
}

/// A phone entry point, validated: a `tel:` dial string; its label if it looks like a phone number
/// (digits, spaces, `+-().`) and is that number (the same digits in the same order: the plain text
/// shows only the label, so a label that says another number would send people to it), else the dial
/// string without `tel:`; a PIN of digits; a two-letter region. `None` when the dial string is not
/// one, or a PIN is there but is not digits (a number without its PIN would not let anyone in).
fn phone(uri: Option<&str>, label: Option<&str>, pin: Option<&str>, region: Option<&str>) -> Option<Phone> {
    let tel = tel_uri(uri?)?;
    let digits = |s: &str| s.bytes().filter(u8::is_ascii_digit).collect::<Vec<u8>>();
    let label_ok = |l: &&str| {
        (4..=32).contains(&l.len()) && l.bytes().all(|b| b.is_ascii_digit() || b" +-().".contains(&b)) && digits(l) == digits(&tel)
    };
    let number = label.filter(label_ok).map_or_else(|| tel["tel:".len()..].to_owned(), str::to_owned);
    let pin = match pin {
        Some(p) if (1..=20).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()) => Some(p.to_owned()),
        Some(_) => return None,
        None => None,
    };
    let region = region.filter(|r| r.len() == 2 && r.bytes().all(|b| b.is_ascii_uppercase())).map(str::to_owned);
    Some(Phone { number, tel, pin, region })
}

/// `https://tel.meet/<code>` with an optional `?pin=<digits>`. `None` for anything else.
fn more_page(uri: &str) -> Option<String> {
    let rest = uri.strip_prefix("https://tel.meet/")?;
    let (code, query) = rest.split_once('?').unwrap_or((rest, ""));
    let code_ok = (1..=64).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let query_ok = query.is_empty() || query.strip_prefix("pin=").is_some_and(|p| (1..=20).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()));
    (code_ok && query_ok).then(|| uri.to_owned())
}

impl DialIn {
    /// The dial-in part of a conference's entry points: its `phone` entries that validate (at most
    /// [`MAX_PHONES`]) and its `more` page. `None` when there is no phone to dial — some accounts
    /// get only the `video` entry point (google-apis.md §1.2).
    pub fn from_entry_points(entry_points: &[EntryPoint]) -> Option<DialIn> {
        let of = |kind: &'static str| entry_points.iter().filter(move |e| e.entry_point_type.as_deref() == Some(kind));
        let phones: Vec<Phone> = of("phone")
            .filter_map(|e| phone(e.uri.as_deref(), e.label.as_deref(), e.pin.as_deref(), e.region_code.as_deref()))
            .take(MAX_PHONES)
            .collect();
        let more = of("more").find_map(|e| e.uri.as_deref().and_then(more_page));
        (!phones.is_empty()).then_some(DialIn { phones, more })
    }

    /// One phone as read: `(US) +1 402-410-2193 (PIN 582 364 017#)`.
    fn phone_text(p: &Phone) -> String {
        let mut s = String::new();
        if let Some(r) = &p.region {
            s.push_str(&format!("({r}) "));
        }
        s.push_str(&p.number);
        if let Some(pin) = &p.pin {
            s.push_str(&format!(" (PIN {}#)", grouped(pin)));
        }
        s
    }

    /// `Join by phone: (US) +1 402-410-2193 (PIN 582 364 017#) · More numbers: https://tel.meet/…`.
    pub fn text(&self) -> String {
        let phones: Vec<String> = self.phones.iter().map(Self::phone_text).collect();
        let mut s = format!("Join by phone: {}", phones.join(", "));
        if let Some(more) = &self.more {
            s.push_str(&format!(" · More numbers: {more}"));
        }
        s
    }

    /// [`DialIn::text`] as HTML: each number a `tel:` link, the other numbers a link.
    fn html(&self) -> String {
        let phones: Vec<String> = self
            .phones
            .iter()
            .map(|p| {
                let shown = escape(&Self::phone_text(p));
                format!("<a href=\"{}\">{shown}</a>", escape(&p.tel))
            })
            .collect();
        let mut s = format!("Join by phone: {}", phones.join(", "));
        if let Some(more) = &self.more {
            s.push_str(&format!(" · <a href=\"{}\">More numbers</a>", escape(more)));
        }
        s
    }
}

/// Digits in threes, as Google prints PINs: `582364017` → `582 364 017`.
fn grouped(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && i % 3 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// `&`, `<`, `>`, `"` and `'` as character references: text that stays text in HTML content and in
/// a quoted attribute.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The words a titled link shows: the meeting's title, or "Join Google Meet" when it has the
/// default one (or none).
fn anchor_text(title: &str) -> &str {
    if title.is_empty() || title == DEFAULT_TITLE {
        JOIN
    } else {
        title
    }
}

/// Where the text goes, as far as its shape is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Field {
    /// One line (`<input>`): parts are joined on one line.
    Line,
    /// Plain text over lines (`<textarea>`, a code editor, the clipboard's text).
    #[default]
    Text,
    /// A rich editor (contenteditable): may take a titled anchor.
    Rich,
}

/// A link written out: `text` for plain fields and the clipboard's `text/plain`; `html` for the
/// clipboard's `text/html`; `rich` only when the field takes markup and the format asks for a
/// titled link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Plain text.
    pub text: String,
    /// The same as HTML.
    pub html: String,
    /// Markup to insert into a rich field.
    pub rich: Option<Rich>,
}

/// A titled link for a rich field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rich {
    /// The markup (`Rendered::html`).
    pub html: String,
    /// The text it shows (what the page checks for after inserting it).
    pub shown: String,
}

/// Writes out `link` in `template` for `field`: the meeting's `title` (escaped in markup) and, when
/// `dial_in` is given, its numbers after the link (on the next line, or after ` · ` on one line).
pub fn render(template: Template, link: &MeetLink, title: &str, dial_in: Option<&DialIn>, field: Field) -> Rendered {
    let url = link.as_str(); // validated: [a-z:/.-] only, safe in an attribute as it is
    let anchor = anchor_text(title);
    let (mut text, mut html) = match template {
        Template::Url => (url.to_owned(), format!("<a href=\"{url}\">{url}</a>")),
        Template::Sentence => (format!("{JOIN}: {url}"), format!("{JOIN}: <a href=\"{url}\">{url}</a>")),
        Template::Markdown => (format!("[{}]({url})", markdown_text(anchor)), format!("<a href=\"{url}\">{}</a>", escape(anchor))),
        Template::Rich => (format!("{anchor}: {url}"), format!("<a href=\"{url}\">{}</a>", escape(anchor))),
    };
    if let Some(d) = dial_in {
        text.push_str(if field == Field::Line { " · " } else { "\n" });
        text.push_str(&d.text());
        html.push_str("<br>");
        html.push_str(&d.html());
    }
    let rich = (template == Template::Rich && field == Field::Rich).then(|| Rich { html: html.clone(), shown: anchor.to_owned() });
    Rendered { text, html, rich }
}

/// `text` as a Markdown link's text: brackets and backslashes escaped, so a title cannot end the
/// link's text early or add markup of its own.
fn markdown_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '[' | ']' | '\\' | '(' | ')' | '*' | '_' | '`' | '<' | '>') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const LINK: &str = "https://meet.google.com/abc-defg-hij";
    const MORE: &str = "https://tel.meet/abc-defg-hij?pin=1234567890123";

    fn eps(v: serde_json::Value) -> Vec<EntryPoint> {
        serde_json::from_value(v).unwrap()
    }

    fn google() -> Vec<EntryPoint> {
        // google-apis.md §1.2, as Google returns it
        eps(json!([
            {"entryPointType": "video", "uri": LINK, "label": "meet.google.com/abc-defg-hij"},
            {"entryPointType": "more", "uri": MORE, "pin": "1234567890123"},
            {"entryPointType": "phone", "uri": "tel:+1-402-410-2193", "label": "+1 402-410-2193", "pin": "582364017", "regionCode": "US"}
        ]))
    }

    #[test]
    fn dial_in_from_entry_points() {
        let d = DialIn::from_entry_points(&google()).expect("numbers");
        assert_eq!(d.text(), "Join by phone: (US) +1 402-410-2193 (PIN 582 364 017#) · More numbers: https://tel.meet/abc-defg-hij?pin=1234567890123");
        // (entry points, the text, or None: nothing about phones)
        let table: Vec<(serde_json::Value, Option<&str>)> = vec![
            (json!([{"entryPointType": "video", "uri": LINK}]), None),
            (json!([]), None),
            (json!([{"entryPointType": "more", "uri": MORE}]), None),
            (json!([{"entryPointType": "phone", "uri": "tel:+44-20-3873-7654"}]), Some("Join by phone: +44-20-3873-7654")),
            (json!([{"entryPointType": "phone", "uri": "tel:+1-402-410-2193", "label": "<b>call</b>", "pin": "1"}]), Some("Join by phone: +1-402-410-2193 (PIN 1#)")),
            // A label that names another number than the one dialled: the dialled one is shown.
            (json!([{"entryPointType": "phone", "uri": "tel:+1-402-410-2193", "label": "+1 900-555-0199"}]), Some("Join by phone: +1-402-410-2193")),
            (json!([{"entryPointType": "phone", "uri": "tel:+1-402-410-2193", "label": "+1 402-410-219"}]), Some("Join by phone: +1-402-410-2193")),
            (json!([{"entryPointType": "phone", "uri": "tel:+1-402-410-2193", "label": "+1 (402) 410-2193"}]), Some("Join by phone: +1 (402) 410-2193")),
            (json!([{"entryPointType": "phone", "uri": "javascript:alert(1)", "label": "+1 402"}]), None),
            (json!([{"entryPointType": "phone", "uri": "tel:+1-402-410-2193;ext=<x>"}]), None),
            (json!([{"entryPointType": "phone", "uri": "tel:+1-402-410-2193", "pin": "12a"}]), None),
            (json!([{"entryPointType": "phone", "uri": "tel:+1-402-410-2193", "regionCode": "usa"}]), Some("Join by phone: +1-402-410-2193")),
            (json!([{"entryPointType": "phone", "uri": "tel:+1-402-410-2193"}, {"entryPointType": "more", "uri": "https://evil.example/x"}]), Some("Join by phone: +1-402-410-2193")),
            (json!([{"entryPointType": "phone", "uri": "tel:+1-402-410-2193"}, {"entryPointType": "more", "uri": "https://tel.meet/abc?pin=1&x=<y>"}]), Some("Join by phone: +1-402-410-2193")),
            (json!([{"entryPointType": "phone", "uri": "tel:+1"}]), None),
            (json!([{"entryPointType": "sip", "uri": "sip:123@example.com"}]), None),
            (json!((0..5).map(|i| json!({"entryPointType": "phone", "uri": format!("tel:+1-555-010{i}")})).collect::<Vec<_>>()),
                Some("Join by phone: +1-555-0100, +1-555-0101, +1-555-0102")),
        ];
        for (v, want) in table {
            assert_eq!(DialIn::from_entry_points(&eps(v.clone())).map(|d| d.text()).as_deref(), want, "{v}");
        }
    }

    #[test]
    fn dial_in_read_back_only_if_valid() {
        let d = DialIn::from_entry_points(&google()).unwrap();
        let stored = serde_json::to_value(&d).unwrap();
        assert_eq!(stored, json!({"phones": [{"number": "+1 402-410-2193", "tel": "tel:+1-402-410-2193", "pin": "582364017", "region": "US"}], "more": MORE}));
        assert_eq!(crate::stored::one::<DialIn>(stored), Some(d));
        for bad in [
            json!({"phones": []}),
            json!({"phones": [{"number": "+1 402", "tel": "javascript:x"}]}),
            json!({"phones": [{"number": "<img>", "tel": "tel:+1-402-410-2193"}]}),
            json!({"phones": [{"number": "+1 900-555-0199", "tel": "tel:+1-402-410-2193"}]}),
            json!({"phones": [{"number": "+1 402-410-2193", "tel": "tel:+1-402-410-2193"}], "more": "https://evil.example"}),
            json!({"phones": [{"number": "+1 402-410-2193", "tel": "tel:+1-402-410-2193", "extra": 1}]}),
        ] {
            assert_eq!(crate::stored::one::<DialIn>(bad.clone()), None, "{bad}");
        }
    }

    #[test]
    fn every_format_for_every_field() {
        let link = MeetLink::parse(LINK).unwrap();
        let d = DialIn::from_entry_points(&google()).unwrap();
        let dial = d.text();
        let r = |t, title, dial_in, field| render(t, &link, title, dial_in, field);
        // (format, title, dial-in, field) → (text, rich markup)
        let table: Vec<(Rendered, &str, Option<&str>)> = vec![
            (r(Template::Url, "Google Meet", None, Field::Rich), LINK, None),
            (r(Template::Sentence, "Google Meet", None, Field::Text), "Join Google Meet: https://meet.google.com/abc-defg-hij", None),
            (r(Template::Markdown, "Google Meet", None, Field::Text), "[Join Google Meet](https://meet.google.com/abc-defg-hij)", None),
            (r(Template::Markdown, "a](javascript:x) [b", None, Field::Text), "[a\\]\\(javascript:x\\) \\[b](https://meet.google.com/abc-defg-hij)", None),
            (r(Template::Rich, "Google Meet", None, Field::Rich), "Join Google Meet: https://meet.google.com/abc-defg-hij",
                Some("<a href=\"https://meet.google.com/abc-defg-hij\">Join Google Meet</a>")),
            (r(Template::Rich, "", None, Field::Rich), "Join Google Meet: https://meet.google.com/abc-defg-hij",
                Some("<a href=\"https://meet.google.com/abc-defg-hij\">Join Google Meet</a>")),
            (r(Template::Rich, "Stand-up", None, Field::Text), "Stand-up: https://meet.google.com/abc-defg-hij", None),
            (r(Template::Rich, "Stand-up", None, Field::Line), "Stand-up: https://meet.google.com/abc-defg-hij", None),
            (r(Template::Rich, "<img src=x onerror=alert(1)> & \"q\" 'a'", None, Field::Rich),
                "<img src=x onerror=alert(1)> & \"q\" 'a': https://meet.google.com/abc-defg-hij",
                Some("<a href=\"https://meet.google.com/abc-defg-hij\">&lt;img src=x onerror=alert(1)&gt; &amp; &quot;q&quot; &#39;a&#39;</a>")),
        ];
        for (got, text, rich) in table {
            assert_eq!((got.text.as_str(), got.rich.as_ref().map(|r| r.html.as_str())), (text, rich), "{got:?}");
        }
        // dial-in: on the next line in text, after " · " on one line, after <br> in markup
        let text = r(Template::Url, "T", Some(&d), Field::Text);
        assert_eq!(text.text, format!("{LINK}\n{dial}"));
        assert_eq!(r(Template::Url, "T", Some(&d), Field::Line).text, format!("{LINK} · {dial}"));
        let rich = r(Template::Rich, "T", Some(&d), Field::Rich);
        assert_eq!(rich.rich.as_ref().map(|r| r.html.as_str()), Some(concat!(
            "<a href=\"https://meet.google.com/abc-defg-hij\">T</a><br>Join by phone: ",
            "<a href=\"tel:+1-402-410-2193\">(US) +1 402-410-2193 (PIN 582 364 017#)</a>",
            " · <a href=\"https://tel.meet/abc-defg-hij?pin=1234567890123\">More numbers</a>")));
        assert_eq!(rich.rich.map(|r| r.shown).as_deref(), Some("T"));
        // the clipboard's html mirrors the format
        assert_eq!(text.html, format!("<a href=\"{LINK}\">{LINK}</a><br>{}", d.html()));
        assert_eq!(r(Template::Sentence, "T", None, Field::Text).html, format!("Join Google Meet: <a href=\"{LINK}\">{LINK}</a>"));
    }

    #[test]
    fn escaping() {
        assert_eq!(escape("<a href='x'>&\"</a>"), "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
        assert_eq!(escape("Stand-up · 10:30 ✓"), "Stand-up · 10:30 ✓");
        assert_eq!(grouped("582364017"), "582 364 017");
        assert_eq!(grouped("1234"), "123 4");
        assert_eq!(grouped(""), "");
    }
}
