//! "Schedule a Meet": a start and a length read from the text the user selected — "tue 3pm",
//! "tomorrow 10:30 for 45 min", "Dec 16th at 3pm PT", "tonight at 8", "in 2 days at 3pm", "quarter
//! past 3pm", and the common forms in German, French, Spanish and Japanese.
//!
//! **Read or refuse.** A refusal costs the user one click on the date picker; a confident wrong
//! reading costs a meeting at the wrong hour. So every word of the selection that can carry date or
//! time meaning — a number, a zone or UTC offset, an ordinal, a day-part word, a past or relative
//! word, a weekday or month, "quarter", "half", "before", "every" next to a time — is either used by
//! the grammar or makes the reading a refusal that names the word ([`Refusal::Unread`]). Short words
//! that are also ordinary words ("sat", "mon", "sun", "may") count only where a day or month fits. An
//! hour that could be morning or evening ("at 3", "at 9"), a "next Friday" that could be this week's
//! or next week's, an abbreviation that names several zones (IST, CST, BST) or a standard-time one
//! used in summer ("EST" in July) is refused with the reason.
//!
//! Time zones: the pure core has no time-zone database. The browser knows the zones; the shell hands
//! the user's over as a [`Zone`] (the UTC offset in effect at an instant, from `Intl`), and a zone the
//! text names is asked of it by its IANA name ([`Zone::named`]). [`resolve`] turns a local time into
//! an instant — refusing a time in a spring-forward gap, taking the earlier of the two in an autumn
//! fold (Google Calendar and `Date` do the same; the confirmation shows the offset). `time` does the
//! calendar arithmetic; no date-parsing crate reads five languages with a refusal for each unread word.

use serde::{Deserialize, Serialize};
use time::{Date, Duration, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset, Weekday};

/// Longest selection read, in characters: a date is a phrase, not a page.
pub const MAX_TEXT: usize = 200;

/// A time zone: the UTC offset in effect at an instant.
pub trait Zone: Sized {
    /// The offset at `instant`.
    fn offset_at(&self, instant: OffsetDateTime) -> UtcOffset;
    /// The zone an IANA name names, when this side knows it.
    fn named(&self, iana: &str) -> Option<Self>;
}

/// A zone with one offset all year (tests, and UTC). It knows no other zone but UTC.
impl Zone for UtcOffset {
    fn offset_at(&self, _: OffsetDateTime) -> UtcOffset {
        *self
    }
    fn named(&self, iana: &str) -> Option<Self> {
        (iana == "UTC").then_some(UtcOffset::UTC)
    }
}

/// What a phrase says: the start (at the user's offset then) and the length, if it names one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct When {
    /// The start, carrying the user's offset at that instant.
    pub start: OffsetDateTime,
    /// The length in minutes, when the phrase gave one (a range or "for 45 min").
    pub minutes: Option<u32>,
}

impl When {
    /// The start, milliseconds since the epoch.
    pub fn start_ms(&self) -> u64 {
        u64::try_from(self.start.unix_timestamp()).unwrap_or(0) * 1000
    }
}

/// A zone the text named: its IANA name and the words that named it, as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Named {
    /// `America/Los_Angeles`, `UTC`, or a fixed offset as `UTC+05:30`.
    pub iana: String,
    /// "PT", "Pacific Time", "+0530".
    pub words: String,
}

/// A reading: the time, the words it used (spans of characters of the phrase, start and end) and the
/// zone the text named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    /// The start and length.
    pub when: When,
    /// The words read, as `[start, end)` character offsets into the phrase.
    pub used: Vec<[u32; 2]>,
    /// The zone the text named, if any.
    pub zone: Option<Named>,
}

/// Why a phrase was not taken. Each has a message that says what to write instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Refusal {
    /// No date or time in it.
    NotUnderstood,
    /// A day but no time ("tomorrow").
    NoTime,
    /// An hour that could be morning or evening ("at 3"): add am/pm or write it as 15:00.
    BareHour,
    /// Two different days or times, a weekday that is not the date's, a day-part word that does not
    /// fit the hour, or a "next Friday" that could be this week's or next week's.
    Ambiguous,
    /// A date or time that does not exist (31 February, 25:00).
    NoSuchDate,
    /// The time has passed.
    Past,
    /// The clocks skip that local time (the spring-forward hour).
    SkippedHour,
    /// More than [`MAX_TEXT`] characters.
    TooLong,
    /// A length outside 5 minutes to 8 hours, or a range that ends before it starts.
    BadLength,
    /// A word with date or time meaning the grammar does not read ("PT" away from a time, "after",
    /// "every", "Q4").
    Unread,
    /// A zone abbreviation that names several zones (IST, CST, BST).
    AmbiguousZone,
    /// A standard-time (or summer-time) abbreviation on a date its zone is not in it ("EST" in July).
    ZoneSeason,
    /// A zone this browser does not know.
    UnknownZone,
}

/// A refusal and the word it is about, when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// Why.
    pub refusal: Refusal,
    /// The word, as written in the phrase.
    pub word: Option<String>,
    /// Where it is in the phrase (`[start, end)` characters).
    pub at: Option<[u32; 2]>,
}

impl From<Refusal> for Refused {
    fn from(refusal: Refusal) -> Self {
        Refused { refusal, word: None, at: None }
    }
}

/// The instant `local` names in `zone`: in a spring-forward gap, [`Refusal::SkippedHour`]; in an
/// autumn fold, the earlier of the two.
pub fn resolve(local: PrimitiveDateTime, zone: &impl Zone) -> Result<OffsetDateTime, Refusal> {
    let naive = local.assume_utc();
    // The offsets in effect a day either side cover every transition a local time can fall in.
    let mut found: Option<OffsetDateTime> = None;
    for probe in [naive - Duration::DAY, naive, naive + Duration::DAY] {
        let offset = zone.offset_at(probe);
        let instant = local.assume_offset(offset);
        if zone.offset_at(instant) == offset && found.is_none_or(|f| instant < f) {
            found = Some(instant);
        }
    }
    found.ok_or(Refusal::SkippedHour)
}

/// Reads `text` at `now` (an instant) in the user's `zone`.
pub fn parse<Z: Zone>(text: &str, now: OffsetDateTime, zone: &Z) -> Result<Reading, Refused> {
    if text.chars().count() > MAX_TEXT {
        return Err(Refusal::TooLong.into());
    }
    let chars: Vec<char> = text.chars().collect();
    let mut s = Scan::new(tokens(&japanese(&normalize(text))), &chars);
    // A refusal names the word as the user wrote it.
    let as_written = |mut r: Refused| {
        if let Some([a, b]) = r.at {
            r.word = Some(chars[a as usize..b as usize].iter().collect());
        }
        r
    };
    s.run().map_err(as_written)?;
    s.unread().map_err(as_written)?;
    let minutes = s.f.length().map_err(Refused::from)?;
    // "Tomorrow 9am PT" when it is already tomorrow in one of the two zones: whose tomorrow?
    let relative = matches!(s.f.day, Some(day) if day.relative());
    let start = match s.f.zone {
        Some((zoned, k, n)) => {
            let refuse = |refusal| as_written(s.refuse_span(refusal, k, n));
            let named = TextZone::of(zoned, zone).ok_or_else(|| refuse(Refusal::UnknownZone))?;
            if relative && now.to_offset(named.offset_at(now)).date() != now.to_offset(zone.offset_at(now)).date() {
                return Err(refuse(Refusal::Ambiguous));
            }
            let start = s.start(now, &named)?;
            if zoned.season().is_some_and(|minutes| i32::from(start.offset().whole_minutes()) != minutes) {
                return Err(refuse(Refusal::ZoneSeason));
            }
            // "GMT+0900 (JST)": a second name must mean the same offset at that instant.
            if let Some((also, k)) = s.f.also {
                let refuse = |refusal| as_written(s.refuse(refusal, k));
                let offset = match also.season() {
                    Some(minutes) => minutes,
                    None => i32::from(TextZone::of(also, zone).ok_or_else(|| refuse(Refusal::UnknownZone))?.offset_at(start).whole_minutes()),
                };
                if offset != i32::from(start.offset().whole_minutes()) {
                    return Err(refuse(Refusal::Ambiguous));
                }
            }
            start
        }
        None => s.start(now, zone)?,
    };
    let start = start.to_offset(zone.offset_at(start));
    if start < now - Duration::MINUTE {
        return Err(Refusal::Past.into());
    }
    let named = s.f.zone.map(|(z, k, n)| {
        let [a, b] = s.span_of(k, n);
        Named {
            iana: match z {
                Zoned::Iana(name, _) => name.into(),
                Zoned::Fixed(o) => offset_name(o),
            },
            words: chars[a as usize..b as usize].iter().collect(),
        }
    });
    let mut used: Vec<[u32; 2]> = s.state.iter().zip(&s.span).filter(|(u, _)| **u == Use::Used).map(|(_, sp)| *sp).collect();
    used.sort_unstable();
    used.dedup();
    Ok(Reading { when: When { start, minutes }, used, zone: named })
}

/// A zone the text named, as the shell knows it: a named one, or an offset written in the text.
enum TextZone<Z> {
    Named(Z),
    Fixed(UtcOffset),
}

impl<Z: Zone> TextZone<Z> {
    /// `zoned` by way of the user's `zone` (which asks the browser for names); none if it does not know it.
    fn of(zoned: Zoned, zone: &Z) -> Option<Self> {
        match zoned {
            Zoned::Iana(name, _) => zone.named(name).map(TextZone::Named),
            Zoned::Fixed(offset) => Some(TextZone::Fixed(offset)),
        }
    }
}

impl<Z: Zone> Zone for TextZone<Z> {
    fn offset_at(&self, instant: OffsetDateTime) -> UtcOffset {
        match self {
            TextZone::Named(z) => z.offset_at(instant),
            TextZone::Fixed(offset) => *offset,
        }
    }
    fn named(&self, _: &str) -> Option<Self> {
        None
    }
}

/// `UTC+05:30`, `UTC−08:00`, `UTC` (a fixed offset, named the way the confirmation shows it).
fn offset_name(offset: UtcOffset) -> String {
    if offset == UtcOffset::UTC {
        return "UTC".into();
    }
    let (h, m, _) = offset.as_hms();
    format!("UTC{}{:02}:{:02}", if offset.is_negative() { '-' } else { '+' }, h.abs(), m.abs())
}

// ---------------------------------------------------------------------------------------------
// Text → tokens, each with the characters of the phrase it came from.

/// A character of the rewritten text and the characters of the phrase it stands for.
#[derive(Debug, Clone, Copy)]
struct Ch {
    c: char,
    lo: u32,
    hi: u32,
}

/// Lower case; full-width digits and signs (Japanese input) as ASCII; dashes and quotes as one.
fn normalize(text: &str) -> Vec<Ch> {
    let mut out = Vec::new();
    for (i, c) in text.chars().enumerate() {
        let i = i as u32;
        let c = match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '：' => ':',
            '＋' => '+',
            '－' | '–' | '—' | '〜' | '～' | '~' | '−' => '-',
            '’' | '‘' | '`' => '\'',
            '，' | '、' | '。' | '（' | '）' => ' ',
            _ => c,
        };
        for l in c.to_lowercase() {
            out.push(Ch { c: l, lo: i, hi: i + 1 });
        }
    }
    out
}

/// `from` replaced by `to` everywhere; the new characters stand for the ones they replace.
fn replace(src: &[Ch], from: &str, to: &str) -> Vec<Ch> {
    let f: Vec<char> = from.chars().collect();
    let mut out = Vec::with_capacity(src.len());
    let mut i = 0;
    while i < src.len() {
        if i + f.len() <= src.len() && src[i..i + f.len()].iter().map(|c| c.c).eq(f.iter().copied()) {
            let (lo, hi) = (src[i].lo, src[i + f.len() - 1].hi);
            out.extend(to.chars().map(|c| Ch { c, lo, hi }));
            i += f.len();
        } else {
            out.push(src[i]);
            i += 1;
        }
    }
    out
}

/// The Japanese forms rewritten as the forms the other languages use, so one grammar reads all:
/// `12月3日` → `3.12.`, `2026年12月3日` → `2026-12-3`, `15時30分`/`15時半` → `15:30`, `15時` →
/// `15:00`, `1時間半` → `90 min`, `30分間` → `30 min`, `…後` → `in …`, `3日後` → `in 3 days`,
/// `午後`/`午前` → pm/am, `から` → a range, the day words, day parts and weekdays → English.
fn japanese(text: &[Ch]) -> Vec<Ch> {
    if !text.iter().any(|c| c.c > '\u{3000}') {
        return text.to_vec();
    }
    const WORDS: [(&str, &str); 33] = [
        ("明後日", " overmorrow "), ("明日", " tomorrow "), ("今日", " today "), ("昨日", " yesterday "), ("再来週", " jweekafter "),
        ("来週の", " nextweek "), ("来週", " nextweek "), ("先週の", " lastweek "), ("先週", " lastweek "), ("今週の", " thisweek "), ("今週", " thisweek "),
        ("今夜", " tonight "), ("今晩", " tonight "), ("今朝", " today jmorning "), ("明朝", " tomorrow jmorning "),
        ("日本時間", " jst "), ("正午", " noon "), ("午後", " jpm "), ("午前", " jam "), ("夕方", " jevening "), ("朝", " jmorning "),
        ("夜", " jnight "), ("晩", " jnight "), ("頃", " "), ("ごろ", " "), ("から", " - "), ("までに", " まで "), ("まで", " まで "), ("以降", " 以降 "), ("以前", " 以前 "),
        ("に", " "), ("で", " "), ("は", " "),
    ];
    const WEEKDAYS: [(char, &str); 7] =
        [('月', "monday"), ('火', "tuesday"), ('水', "wednesday"), ('木', "thursday"), ('金', "friday"), ('土', "saturday"), ('日', "sunday")];
    let mut s = text.to_vec();
    // The weekdays first (`日曜日` holds `日`), as `月曜日` or `月曜`.
    for (kanji, day) in WEEKDAYS {
        s = replace(&s, &format!("{kanji}曜日"), &format!(" {day} "));
        s = replace(&s, &format!("{kanji}曜"), &format!(" {day} "));
    }
    for (from, to) in WORDS {
        s = replace(&s, from, to);
    }
    s = replace(&s, "の", " ");
    // Numbers followed by their unit.
    let mut out: Vec<Ch> = Vec::new();
    let mut i = 0;
    let number = |i: &mut usize| {
        let start = *i;
        while *i < s.len() && s[*i].c.is_ascii_digit() {
            *i += 1;
        }
        s[start..*i].iter().map(|c| c.c).collect::<String>()
    };
    let at = |i: usize, word: &str| s.len() >= i && s[i..].iter().map(|c| c.c).take(word.chars().count()).eq(word.chars());
    let digit = |i: usize| i < s.len() && s[i].c.is_ascii_digit();
    while i < s.len() {
        if !digit(i) {
            out.push(s[i]);
            i += 1;
            continue;
        }
        let from = i;
        let n = number(&mut i);
        let text = if at(i, "年") && digit(i + 1) {
            i += 1;
            let m = number(&mut i);
            if at(i, "月") && digit(i + 1) {
                i += 1;
                let d = number(&mut i);
                i += usize::from(at(i, "日"));
                format!(" {n}-{m}-{d} ")
            } else {
                format!(" {n} {m} ")
            }
        } else if at(i, "月") && digit(i + 1) {
            i += 1;
            let d = number(&mut i);
            i += usize::from(at(i, "日"));
            format!(" {d}.{n}. ")
        } else if at(i, "時間") {
            i += 2;
            let half = at(i, "半");
            i += usize::from(half);
            let minutes = n.parse::<u32>().unwrap_or(u32::MAX / 120).saturating_mul(60) + if half { 30 } else { 0 };
            let later = at(i, "後");
            i += usize::from(later);
            format!(" {}{minutes} min ", if later { "in " } else { "" })
        } else if at(i, "時") {
            i += 1;
            let mut minutes = String::from("00");
            if at(i, "半") {
                i += 1;
                minutes = "30".into();
            } else if digit(i) {
                let save = i;
                let m = number(&mut i);
                if at(i, "分") {
                    i += 1;
                    minutes = format!("{m:0>2}");
                } else {
                    i = save;
                }
            }
            format!(" {n}:{minutes}j ")
        } else if at(i, "分") {
            i += 1;
            i += usize::from(at(i, "間"));
            let later = at(i, "後");
            i += usize::from(later);
            format!(" {}{n} min ", if later { "in " } else { "" })
        } else if at(i, "日後") || at(i, "週間後") {
            let week = at(i, "週間後");
            i += if week { 3 } else { 2 };
            format!(" in {n} {} ", if week { "weeks" } else { "days" })
        } else if at(i, "日前") || at(i, "週間前") {
            i += if at(i, "日前") { 2 } else { 3 };
            format!(" {n} days ago ")
        } else if at(i, "日") {
            // `16日`: the 16th.
            i += 1;
            format!(" {n}th ")
        } else {
            n
        };
        let (lo, hi) = (s[from].lo, s[i - 1].hi);
        out.extend(text.chars().map(|c| Ch { c, lo, hi }));
    }
    out
}

/// A word of the phrase and where it came from.
#[derive(Debug, Clone)]
struct Token {
    t: String,
    span: [u32; 2],
}

/// Words and numbers: split at white space and at punctuation that never belongs to a date or time.
fn tokens(text: &[Ch]) -> Vec<Token> {
    let mut out = Vec::new();
    for run in text.split(|c| c.c.is_whitespace() || ",;!?()\"«»[]{}<>|*¿¡…「」『』·•".contains(c.c)) {
        if run.is_empty() {
            continue;
        }
        let word: String = run.iter().map(|c| c.c).collect();
        // Dots at the ends go, except in `a.m.`, `3.12.` and `3.` ("3. Dezember").
        let keep = word.ends_with(".m.") || is_dotted_date(&word);
        let lead = word.chars().take_while(|c| *c == '.').count();
        let trail = if keep { 0 } else { word.chars().rev().take_while(|c| *c == '.').count() };
        if lead + trail >= run.len() {
            continue;
        }
        let run = &run[lead..run.len() - trail];
        for piece in split_word(run) {
            let t: String = piece.iter().map(|c| c.c).collect();
            let span = [piece.iter().map(|c| c.lo).min().unwrap_or(0), piece.iter().map(|c| c.hi).max().unwrap_or(0)];
            out.push(Token { t, span });
        }
    }
    out
}

/// A slash stays inside a date (`12/3`); a dash between two times is a range (`15:00-16:00` →
/// `15:00`, `-`, `16:00`); `30-minute` is a length; `l'après-midi` is `après-midi`; an ISO
/// date-time splits at `T` and before its offset.
fn split_word(run: &[Ch]) -> Vec<&[Ch]> {
    let t: String = run.iter().map(|c| c.c).collect();
    let chars: Vec<char> = t.chars().collect();
    // `l'`, `d'` and `qu'` before a word.
    for prefix in ["l'", "d'", "qu'"] {
        if t.starts_with(prefix) && t != "d'accord" && chars.len() > prefix.len() + 1 && !t.starts_with("qu'à") {
            return split_word(&run[prefix.len()..]);
        }
    }
    // An ISO date-time: `2026-12-03t15:00`, `…t15:00:00z`, `…t15:00+01:00`.
    if let Some(tpos) = chars.iter().position(|c| *c == 't') {
        if is_iso_date(&chars[..tpos].iter().collect::<String>()) && chars.get(tpos + 1).is_some_and(char::is_ascii_digit) {
            let rest = &chars[tpos + 1..];
            let cut = rest.iter().position(|c| matches!(c, 'z' | '+' | '-')).map_or(rest.len(), |p| p);
            let mut parts = vec![&run[..tpos], &run[tpos + 1..tpos + 1 + cut]];
            if cut < rest.len() {
                parts.push(&run[tpos + 1 + cut..]);
            }
            return parts;
        }
    }
    if is_iso_date(&t) {
        return vec![run];
    }
    if let Some(dash) = chars.iter().position(|c| *c == '-') {
        let (a, b): (String, String) = (chars[..dash].iter().collect(), chars[dash + 1..].iter().collect());
        let (a, b) = (a.as_str(), b.as_str());
        // `30-minute`, `1-hour`: one word.
        if number(a).is_some() && (MINUTES.contains(&b) || HOURS.contains(&b)) {
            return vec![run];
        }
        if !a.is_empty() && !b.is_empty() && a.as_bytes()[0].is_ascii_digit() {
            return vec![&run[..dash], &run[dash..=dash], &run[dash + 1..]];
        }
    }
    vec![run]
}

fn is_dotted_date(t: &str) -> bool {
    // `3.12.` and `3.12.2026` keep their dots; `3.` ("3. Dezember") keeps its dot too.
    t.ends_with('.') && t[..t.len() - 1].split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

fn is_iso_date(t: &str) -> bool {
    let parts: Vec<&str> = t.split('-').collect();
    parts.len() == 3 && parts[0].len() == 4 && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

// ---------------------------------------------------------------------------------------------
// The words.

const WEEKDAYS: &[(&str, Weekday)] = &[
    ("monday", Weekday::Monday), ("montag", Weekday::Monday), ("lundi", Weekday::Monday), ("lunes", Weekday::Monday), ("mo", Weekday::Monday),
    ("tuesday", Weekday::Tuesday), ("tue", Weekday::Tuesday), ("tues", Weekday::Tuesday), ("dienstag", Weekday::Tuesday), ("mardi", Weekday::Tuesday), ("martes", Weekday::Tuesday), ("di", Weekday::Tuesday),
    ("wednesday", Weekday::Wednesday), ("weds", Weekday::Wednesday), ("mittwoch", Weekday::Wednesday), ("mercredi", Weekday::Wednesday), ("miércoles", Weekday::Wednesday), ("miercoles", Weekday::Wednesday),
    ("thursday", Weekday::Thursday), ("thu", Weekday::Thursday), ("thur", Weekday::Thursday), ("thurs", Weekday::Thursday), ("donnerstag", Weekday::Thursday), ("jeudi", Weekday::Thursday), ("jueves", Weekday::Thursday), ("do", Weekday::Thursday),
    ("friday", Weekday::Friday), ("fri", Weekday::Friday), ("freitag", Weekday::Friday), ("vendredi", Weekday::Friday), ("viernes", Weekday::Friday), ("fr", Weekday::Friday),
    ("saturday", Weekday::Saturday), ("samstag", Weekday::Saturday), ("samedi", Weekday::Saturday), ("sábado", Weekday::Saturday), ("sabado", Weekday::Saturday),
    ("sunday", Weekday::Sunday), ("sonntag", Weekday::Sunday), ("dimanche", Weekday::Sunday), ("domingo", Weekday::Sunday),
    // Also ordinary words ("mon bureau", "I sat down", "the sun", "wed"): days only where a day fits.
    ("mon", Weekday::Monday), ("wed", Weekday::Wednesday), ("sat", Weekday::Saturday), ("sun", Weekday::Sunday),
];

/// Weekday words that are also ordinary words (or another language's): read only beside a time or date.
const SHORT_DAYS: [&str; 9] = ["mon", "wed", "sat", "sun", "mo", "di", "do", "fr", "tue"];

/// Month names and their usual abbreviations, read only next to a day number ("may" alone is a verb).
const MONTHS: &[(&str, u8)] = &[
    ("january", 1), ("jan", 1), ("januar", 1), ("janvier", 1), ("janv", 1), ("enero", 1), ("ene", 1),
    ("february", 2), ("feb", 2), ("februar", 2), ("février", 2), ("fevrier", 2), ("févr", 2), ("febrero", 2),
    ("march", 3), ("mar", 3), ("märz", 3), ("mars", 3), ("marzo", 3),
    ("april", 4), ("apr", 4), ("avril", 4), ("abril", 4), ("abr", 4),
    ("may", 5), ("mai", 5), ("mayo", 5),
    ("june", 6), ("jun", 6), ("juni", 6), ("juin", 6), ("junio", 6),
    ("july", 7), ("jul", 7), ("juli", 7), ("juillet", 7), ("julio", 7),
    ("august", 8), ("aug", 8), ("août", 8), ("aout", 8), ("agosto", 8), ("ago", 8),
    ("september", 9), ("sep", 9), ("sept", 9), ("septembre", 9), ("septiembre", 9), ("setiembre", 9),
    ("october", 10), ("oct", 10), ("oktober", 10), ("okt", 10), ("octobre", 10), ("octubre", 10),
    ("november", 11), ("nov", 11), ("novembre", 11), ("noviembre", 11),
    ("december", 12), ("dec", 12), ("dezember", 12), ("dez", 12), ("décembre", 12), ("decembre", 12), ("déc", 12), ("diciembre", 12), ("dic", 12),
];

/// Month words that are ordinary words too: not refused when they stand alone.
const ORDINARY_MONTHS: [&str; 8] = ["may", "mar", "march", "mai", "august", "ago", "jun", "sept"];

fn month(word: &str) -> Option<u8> {
    MONTHS.iter().find(|(w, _)| *w == word.trim_end_matches('.')).map(|(_, m)| *m)
}

fn weekday(word: &str) -> Option<Weekday> {
    WEEKDAYS.iter().find(|(w, _)| *w == word.trim_end_matches('.')).map(|(_, d)| *d)
}

/// Numbers written as words, where an hour or a count is expected ("at three pm", "in two days").
const NUMBER_WORDS: &[(&str, u32)] = &[
    ("one", 1), ("two", 2), ("three", 3), ("four", 4), ("five", 5), ("six", 6), ("seven", 7), ("eight", 8), ("nine", 9), ("ten", 10), ("eleven", 11), ("twelve", 12),
    ("fifteen", 15), ("twenty", 20), ("thirty", 30), ("forty-five", 45), ("ninety", 90),
    ("eins", 1), ("zwei", 2), ("drei", 3), ("vier", 4), ("fünf", 5), ("sechs", 6), ("sieben", 7), ("acht", 8), ("neun", 9), ("zehn", 10), ("elf", 11), ("zwölf", 12),
    ("deux", 2), ("trois", 3), ("quatre", 4), ("cinq", 5), ("sept", 7), ("huit", 8), ("neuf", 9), ("dix", 10), ("onze", 11), ("douze", 12),
    ("dos", 2), ("tres", 3), ("cuatro", 4), ("cinco", 5), ("seis", 6), ("siete", 7), ("ocho", 8), ("nueve", 9), ("diez", 10), ("doce", 12),
    ("quince", 15), ("treinta", 30), ("quinze", 15), ("trente", 30), ("fünfzehn", 15), ("dreißig", 30),
];

/// "a", "one", "eine": one, where a count is expected.
const ONE: [&str; 10] = ["a", "an", "one", "eine", "einer", "einem", "une", "un", "una", "1"];
const HOURS: [&str; 13] = ["h", "hr", "hrs", "hour", "hours", "stunde", "stunden", "std", "heure", "heures", "hora", "horas", "時間"];
const MINUTES: [&str; 9] = ["min", "mins", "minute", "minutes", "minuten", "minuto", "minutos", "mn", "m"];
const DAYS: [&str; 10] = ["day", "days", "tag", "tagen", "tage", "jour", "jours", "día", "días", "dias"];
const WEEKS: [&str; 8] = ["week", "weeks", "woche", "wochen", "semaine", "semaines", "semana", "semanas"];
const FOR: [&str; 7] = ["for", "für", "pendant", "pour", "durante", "por", "during"];
const IN: [&str; 3] = ["in", "dans", "en"];
const TO: [&str; 10] = ["-", "to", "until", "till", "til", "bis", "à", "a", "hasta", "jusqu'à"];
const AT: [&str; 10] = ["at", "@", "um", "à", "a", "las", "la", "vers", "gegen", "around"];
const FROM: [&str; 4] = ["from", "von", "de", "desde"];
/// "About 3pm": the time is read.
const ABOUT: [&str; 9] = ["around", "about", "approx", "approximately", "circa", "ca", "gegen", "vers", "hacia"];
const NOON: [&str; 7] = ["noon", "midday", "mittag", "mittags", "midi", "mediodía", "mediodia"];
const MIDNIGHT: [&str; 4] = ["midnight", "mitternacht", "minuit", "medianoche"];
const NEXT: [&str; 14] =
    ["next", "nächsten", "nächste", "nächster", "nächstes", "kommenden", "kommende", "kommender", "próximo", "próxima", "proximo", "proxima", "prochain", "prochaine"];
const LAST: [&str; 12] = ["last", "letzten", "letzte", "letzter", "vergangenen", "dernier", "dernière", "derniere", "pasado", "pasada", "último", "ultimo"];
const THIS: [&str; 11] = ["this", "on", "diesen", "diese", "dieser", "am", "ce", "cette", "este", "esta", "el"];

/// Words that always carry date or time meaning: unread, they refuse the reading.
const TIME_WORDS: &[&str] = &[
    // English
    "yesterday", "ago", "tonight", "tonite", "morning", "afternoon", "evening", "night", "noon", "midnight", "week", "weeks", "weekend",
    "month", "months", "year", "years", "day", "days", "daily", "weekly", "biweekly", "monthly", "fortnight", "quarter", "half", "o'clock",
    "oclock", "hour", "hours", "hr", "hrs", "minute", "minutes", "min", "mins", "pm", "a.m.", "p.m.", "eod", "eow", "cob", "asap", "today",
    "tomorrow", "tmrw", "tmr", "tmw", "tommorow", "tomorow", "tomorro", "2morrow", "thursday", "everyday", "earlier", "later", "noonish", "lunchtime",
    "christmas", "xmas", "eve", "thanksgiving", "easter", "halloween", "holiday", "holidays", "semester",
    "mondays", "tuesdays", "wednesdays", "thursdays", "fridays", "saturdays", "sundays", "lundis", "mardis", "mercredis", "jeudis", "vendredis",
    "samedis", "dimanches", "montags", "dienstags", "mittwochs", "donnerstags", "freitags", "samstags", "sonntags",
    "weihnachten", "heiligabend", "silvester", "neujahr", "ostern", "feiertag", "noël", "noel", "pâques", "réveillon", "navidad", "nochebuena",
    "nochevieja", "pascua", "año", "overmorrow", "nextweek", "lastweek", "thisweek", "jweekafter", "jam", "jpm", "jmorning", "jevening", "jnight",
    // German
    "gestern", "vorgestern", "heute", "morgen", "übermorgen", "früh", "vormittag", "vormittags", "nachmittag", "nachmittags", "abend", "abends",
    "nacht", "nachts", "mittag", "mittags", "woche", "wochen", "wochenende", "monat", "jahr", "tag", "tage", "tagen", "täglich", "wöchentlich",
    "halb", "viertel", "dreiviertel", "uhr", "stunde", "stunden", "minuten", "mitternacht",
    // French
    "hier", "avant-hier", "aujourd'hui", "demain", "après-demain", "matin", "matinée", "après-midi", "apres-midi", "soir", "soirée", "nuit", "midi",
    "minuit", "semaine", "semaines", "week-end", "mois", "année", "jour", "jours", "quart", "demie", "demi-heure", "heure", "heures", "quotidien",
    "hebdomadaire",
    // Spanish
    "ayer", "anteayer", "anoche", "hoy", "mañana", "manana", "tarde", "noche", "madrugada", "mediodía", "medianoche", "semana", "semanas", "mes",
    "meses", "año", "años", "día", "días", "cuarto", "media", "hora", "horas", "minuto", "minutos", "semanal", "diario", "hace",
];

/// Words with time meaning only before a time or day ("before 3pm", "every Monday", "not Friday").
const BEFORE_WORDS: &[&str] = &[
    "before", "after", "by", "until", "till", "til", "since", "between", "every", "each", "next", "last", "this", "past", "from",
    "starting", "latest", "earliest", "except", "not", "instead", "or", "and", "around", "about", "at", "on", "for", "in",
    "vor", "nach", "ab", "seit", "zwischen", "jeden", "jede", "jeder", "bis", "spätestens", "letzten", "nächste", "nicht", "oder", "und",
    "avant", "après", "apres", "depuis", "entre", "chaque", "tous", "toutes", "dès", "prochain", "prochaine", "dernier", "pas", "ou", "et",
    "antes", "después", "despues", "desde", "hasta", "cada", "todos", "todas", "alle", "pasado", "próximo", "próxima", "no", "o", "y",
];

/// Small words skipped when looking for what a word stands before.
const ARTICLES: [&str; 16] = ["the", "a", "de", "del", "las", "la", "los", "les", "le", "el", "der", "die", "dem", "den", "des", "of"];

/// Numbers as words: refused beside a time ("three pm" is read; "at three" alone is an hour).
const NUMBER_LIKE: &[&str] = &[
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "first", "second", "third",
    "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun", "zehn", "elf", "zwölf",
    "deux", "trois", "quatre", "cinq", "huit", "neuf", "dix", "onze", "douze", "premier", "première",
    "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez", "doce", "primero",
    "ish", "sharp", "latest", "earliest",
];

/// Zone abbreviations that are ordinary words in lower case (French "et", "est"; "west").
const ZONE_WORDS: [&str; 4] = ["et", "est", "west", "z"];

/// Kanji with date or time meaning; a Japanese word holding one that was not read refuses the reading.
const JA_TIME: &str = "昨前後毎週月年日時分秒朝昼夕夜晩今明来先去半頃曜旬末以迄";

/// Japanese words with time meaning outside [`JA_TIME`]: "until" (`まで`).
const JA_WORDS: [&str; 1] = ["まで"];

/// A zone the text may name, as the grammar reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Zoned {
    /// An IANA zone; with the offset (minutes) the abbreviation means, when it means one season only.
    Iana(&'static str, Option<i32>),
    /// A fixed offset written in the text (`+0530`, `UTC-5`).
    Fixed(UtcOffset),
}

impl Zoned {
    /// The one offset (minutes) a season's abbreviation means ("PST": -480); a fixed offset's own.
    fn season(self) -> Option<i32> {
        match self {
            Zoned::Iana(_, season) => season,
            Zoned::Fixed(offset) => Some(i32::from(offset.whole_minutes())),
        }
    }
}

const LA: &str = "America/Los_Angeles";
const NY: &str = "America/New_York";
const CHICAGO: &str = "America/Chicago";
const DENVER: &str = "America/Denver";
const PARIS: &str = "Europe/Paris";
const BERLIN: &str = "Europe/Berlin";
const LONDON: &str = "Europe/London";

/// Zone names and abbreviations: the words, the zone, and the one offset an abbreviation of one
/// season means. Longer names first.
const ZONES: &[(&[&str], &str, Option<i32>)] = &[
    (&["pacific", "standard", "time"], LA, Some(-480)), (&["pacific", "daylight", "time"], LA, Some(-420)), (&["pacific", "time"], LA, None),
    (&["eastern", "standard", "time"], NY, Some(-300)), (&["eastern", "daylight", "time"], NY, Some(-240)), (&["eastern", "time"], NY, None),
    (&["central", "european", "summer", "time"], PARIS, Some(120)), (&["central", "european", "time"], PARIS, Some(60)),
    (&["central", "standard", "time"], CHICAGO, Some(-360)), (&["central", "daylight", "time"], CHICAGO, Some(-300)), (&["central", "time"], CHICAGO, None),
    (&["mountain", "standard", "time"], DENVER, Some(-420)), (&["mountain", "time"], DENVER, None),
    (&["india", "standard", "time"], "Asia/Kolkata", None), (&["indian", "standard", "time"], "Asia/Kolkata", None),
    (&["india", "time"], "Asia/Kolkata", None), (&["indian", "time"], "Asia/Kolkata", None),
    (&["japan", "standard", "time"], "Asia/Tokyo", None), (&["japan", "time"], "Asia/Tokyo", None),
    (&["uk", "time"], LONDON, None), (&["london", "time"], LONDON, None), (&["british", "time"], LONDON, None),
    (&["paris", "time"], PARIS, None), (&["berlin", "time"], BERLIN, None), (&["new", "york", "time"], NY, None), (&["ny", "time"], NY, None),
    (&["tokyo", "time"], "Asia/Tokyo", None), (&["sydney", "time"], "Australia/Sydney", None),
    (&["deutscher", "zeit"], BERLIN, None), (&["deutsche", "zeit"], BERLIN, None),
    (&["heure", "de", "paris"], PARIS, None), (&["heure", "française"], PARIS, None), (&["heure", "francaise"], PARIS, None),
    (&["hora", "de", "madrid"], "Europe/Madrid", None), (&["hora", "peninsular"], "Europe/Madrid", None), (&["hora", "de", "españa"], "Europe/Madrid", None),
    (&["hora", "de", "méxico"], "America/Mexico_City", None), (&["hora", "de", "mexico"], "America/Mexico_City", None),
    (&["pacific"], LA, None), (&["eastern"], NY, None), (&["central"], CHICAGO, None), (&["mountain"], DENVER, None),
    (&["pt"], LA, None), (&["pdt"], LA, Some(-420)),
    (&["mt"], DENVER, None), (&["mst"], DENVER, Some(-420)), (&["mdt"], DENVER, Some(-360)),
    (&["ct"], CHICAGO, None),
    (&["et"], NY, None), (&["est"], NY, Some(-300)), (&["edt"], NY, Some(-240)),
    (&["akst"], "America/Anchorage", Some(-540)), (&["akdt"], "America/Anchorage", Some(-480)), (&["hst"], "Pacific/Honolulu", None),
    (&["gmt"], LONDON, Some(0)), (&["wet"], "Europe/Lisbon", Some(0)), (&["west"], "Europe/Lisbon", Some(60)),
    (&["cet"], PARIS, Some(60)), (&["mez"], BERLIN, Some(60)), (&["cest"], PARIS, Some(120)), (&["mesz"], BERLIN, Some(120)),
    (&["eet"], "Europe/Helsinki", Some(120)), (&["eest"], "Europe/Helsinki", Some(180)), (&["msk"], "Europe/Moscow", None),
    (&["jst"], "Asia/Tokyo", None), (&["kst"], "Asia/Seoul", None), (&["hkt"], "Asia/Hong_Kong", None), (&["sgt"], "Asia/Singapore", None),
    (&["aest"], "Australia/Sydney", Some(600)), (&["aedt"], "Australia/Sydney", Some(660)), (&["aet"], "Australia/Sydney", None),
    (&["nzst"], "Pacific/Auckland", Some(720)), (&["nzdt"], "Pacific/Auckland", Some(780)),
    (&["utc"], "UTC", None), (&["z"], "UTC", None),
];

/// Abbreviations that name several zones: IST (India, Ireland, Israel), CST (US Central, China,
/// Cuba), PST (US Pacific, the Philippines), CDT (US Central, Cuba) — all four so in the tz database
/// (see its test) — and BST (British Summer, Bangladesh), AST (Atlantic, Arabia), GST (Gulf, South
/// Georgia), SST (Samoa, Singapore), ECT (Ecuador, Eastern Caribbean) in common use.
const AMBIGUOUS_ZONES: [&str; 9] = ["ist", "cst", "pst", "cdt", "bst", "ast", "gst", "sst", "ect"];

/// Zone names that are also ordinary words: read after a time in any case, refused only beside one.
const FULL_NAMES: [&str; 4] = ["pacific", "eastern", "central", "mountain"];

/// A written UTC offset: `utc+2`, `gmt-05:00`, `utc+0530`, `+0530`, `-05:00`, `+05`.
fn offset(t: &str) -> Option<UtcOffset> {
    let rest = t.strip_prefix("utc").or_else(|| t.strip_prefix("gmt")).unwrap_or(t);
    let named = rest.len() != t.len();
    let (sign, digits) = match rest.as_bytes().first() {
        Some(b'+') => (1, &rest[1..]),
        Some(b'-') => (-1, &rest[1..]),
        _ => return None,
    };
    let (h, m) = match digits.split_once(':') {
        Some((h, m)) => (h, m),
        None if digits.len() == 4 => (&digits[..2], &digits[2..]),
        None if digits.len() <= 2 && (named || digits.len() == 2) => (digits, "0"),
        None => return None,
    };
    let (h, m) = (number(h).filter(|h| *h <= 14)?, number(m).filter(|m| *m < 60)?);
    UtcOffset::from_hms(sign * h as i8, sign * m as i8, 0).ok()
}

fn number(t: &str) -> Option<u32> {
    (!t.is_empty() && t.len() <= 4 && t.bytes().all(|b| b.is_ascii_digit())).then(|| t.parse().ok()).flatten()
}

/// A count: digits, or a number word.
fn count(t: &str) -> Option<u32> {
    number(t).or_else(|| NUMBER_WORDS.iter().find(|(w, _)| *w == t).map(|(_, n)| *n))
}

/// `16th`, `1st`, `2nd`, `3rd`, `1er`, `2e`, `2ème`, `1º`, `1°`: a day of the month.
fn ordinal(t: &str) -> Option<u8> {
    let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
    let suffix = &t[digits.len()..];
    let ok = matches!(suffix, "st" | "nd" | "rd" | "th" | "er" | "e" | "ème" | "eme" | "º" | "°" | "o" | "ro");
    let d = number(&digits).filter(|d| (1..=31).contains(d))?;
    (ok && !digits.is_empty()).then_some(d as u8)
}

// ---------------------------------------------------------------------------------------------
// Clocks and days.

/// How an hour was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A 24-hour clock: `15:00`, `09:30`, `0:30`.
    H24,
    /// `3am`.
    Am,
    /// `3pm`.
    Pm,
    /// With minutes or a marker (`10:30`, `9 Uhr`, `9h`, `9時`): as written from 8 to 12, morning or
    /// evening from 1 to 7 unless the phrase says.
    Plain,
    /// An hour alone (`at 9`, `9 o'clock`): morning or evening unless the phrase says.
    Bare,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Clock {
    hour: u8,
    minute: u8,
    kind: Kind,
}

/// A day-part word: "tomorrow morning", "tonight", "de la tarde", "abends", "夜".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Morning,
    Afternoon,
    Evening,
    Night,
    /// `午前`: before noon.
    Am,
    /// `午後`: after noon.
    Pm,
}

impl Part {
    /// The hours (24-hour clock) the part covers.
    fn hours(self) -> std::ops::RangeInclusive<u8> {
        match self {
            Part::Morning => 1..=11,
            Part::Afternoon => 12..=18,
            Part::Evening => 16..=23,
            Part::Night => 18..=23,
            Part::Am => 0..=11,
            Part::Pm => 12..=23,
        }
    }
}

impl Clock {
    fn new(hour: u32, minute: u32, kind: Kind) -> Option<Self> {
        Some(Clock { hour: u8::try_from(hour).ok()?, minute: u8::try_from(minute).ok()?, kind })
    }

    /// The time of day; `part` is the phrase's day-part word, if any.
    fn time(self, part: Option<Part>) -> Result<Time, Refusal> {
        let h = self.hour;
        let hour = match (self.kind, part) {
            (Kind::Am | Kind::Pm, _) if !(1..=12).contains(&h) => return Err(Refusal::NoSuchDate),
            (Kind::Am, _) => h % 12,
            (Kind::Pm, _) => h % 12 + 12,
            (Kind::H24, _) => h,
            (Kind::Plain | Kind::Bare, _) if h == 0 || h > 12 => h,
            (Kind::Plain, None) if h >= 8 => h,
            (Kind::Plain | Kind::Bare, None) => return Err(Refusal::BareHour),
            (_, Some(Part::Morning | Part::Am)) if h == 12 => return Err(Refusal::Ambiguous),
            (_, Some(Part::Morning | Part::Am)) => h,
            (_, Some(Part::Afternoon | Part::Pm)) if h == 12 => 12,
            (_, Some(Part::Afternoon | Part::Pm | Part::Evening | Part::Night)) => h + 12,
        };
        if part.is_some_and(|p| !p.hours().contains(&hour)) {
            return Err(Refusal::Ambiguous);
        }
        Time::from_hms(hour, self.minute, 0).map_err(|_| Refusal::NoSuchDate)
    }
}

/// A day, as the phrase names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Day {
    /// A date: year (none: the next such date), month, day.
    Date(Option<i32>, u8, u8),
    /// The next day of the month with this number ("the 16th").
    OfMonth(u8),
    /// Today plus n days (negative: past).
    After(i16),
    /// A weekday: see [`Which`].
    Weekday(Weekday, Which),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Which {
    /// The next one (today if the time is still ahead).
    Coming,
    /// "Next Friday": the next one after today; refused when that is still this week (it could be
    /// this week's or next week's).
    Next,
    /// The one in next week ("Friday next week", `来週の金曜`).
    InNextWeek,
    /// The one in this week (`今週の金曜`).
    InThisWeek,
    /// The one in the week after next (`再来週`).
    InWeekAfter,
    /// The last one before today.
    Last,
}

impl Day {
    /// Said from a today: "tomorrow", "Friday", "the 16th" (not a date with its month).
    fn relative(self) -> bool {
        !matches!(self, Day::Date(..))
    }

    fn date(self, today: Date, time: Time, now: Time) -> Result<Date, Refusal> {
        let add = |d: Date, n: i64| d.checked_add(Duration::days(n)).ok_or(Refusal::NoSuchDate);
        let monday = add(today, -i64::from(today.weekday().number_days_from_monday()))?;
        match self {
            Day::After(n) => add(today, i64::from(n)),
            Day::Weekday(wd, which) => {
                let ahead = i64::from((7 + wd.number_days_from_monday() - today.weekday().number_days_from_monday()) % 7);
                let in_week = |w: i64| add(monday, 7 * w + i64::from(wd.number_days_from_monday()));
                match which {
                    Which::Coming if ahead == 0 && time <= now => add(today, 7),
                    Which::Coming => add(today, ahead),
                    Which::Next => {
                        let d = add(today, if ahead == 0 { 7 } else { ahead })?;
                        if d < add(monday, 7)? {
                            return Err(Refusal::Ambiguous);
                        }
                        Ok(d)
                    }
                    Which::InThisWeek => in_week(0),
                    Which::InNextWeek => in_week(1),
                    Which::InWeekAfter => in_week(2),
                    Which::Last => add(today, -(if ahead == 0 { 7 } else { 7 - ahead })),
                }
            }
            Day::OfMonth(day) => {
                let this = Date::from_calendar_date(today.year(), today.month(), day);
                match this {
                    Ok(d) if d > today || d == today && time > now => Ok(d),
                    _ => {
                        let (y, m) = if today.month() == Month::December { (today.year() + 1, Month::January) } else { (today.year(), today.month().next()) };
                        Date::from_calendar_date(y, m, day).map_err(|_| Refusal::NoSuchDate)
                    }
                }
            }
            Day::Date(year, month, day) => {
                let month = Month::try_from(month).map_err(|_| Refusal::NoSuchDate)?;
                let on = |y: i32| Date::from_calendar_date(y, month, day).map_err(|_| Refusal::NoSuchDate);
                match year {
                    Some(y) => on(y),
                    // No year: this year's, unless it has passed (then next year's). 29 February
                    // in a year without one is no date.
                    None => match on(today.year()) {
                        Ok(d) if d >= today => Ok(d),
                        _ => on(today.year() + 1),
                    },
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The scan.

/// What the scan found.
#[derive(Debug, Default)]
struct Found {
    day: Option<Day>,
    weekday: Option<Weekday>,
    time: Option<Clock>,
    end: Option<Clock>,
    minutes: Option<u32>,
    start_in: Option<Duration>,
    part: Option<Part>,
    /// The zone named, and the tokens that named it (first, how many).
    zone: Option<(Zoned, usize, usize)>,
    /// A second name right after it ("GMT+0900 (JST)"), checked against it at the start.
    also: Option<(Zoned, usize)>,
    /// "Midnight" was read (refused beside a day: its start or its end?).
    midnight: bool,
}

impl Found {
    /// The length: a range's, or the one given; both must agree.
    fn length(&self) -> Result<Option<u32>, Refusal> {
        let from_range = match (self.time, self.end) {
            (Some(start), Some(end)) => {
                let (s, e) = (start.time(self.part)?, end.time(self.part)?);
                if e <= s {
                    return Err(Refusal::BadLength);
                }
                Some(((e - s).whole_minutes()) as u32)
            }
            _ => None,
        };
        let minutes = match (from_range, self.minutes) {
            (Some(a), Some(b)) if a != b => return Err(Refusal::Ambiguous),
            (a, b) => a.or(b),
        };
        match minutes {
            Some(m) if !crate::settings::DURATIONS.contains(&m) => Err(Refusal::BadLength),
            m => Ok(m),
        }
    }
}

/// How a token was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Use {
    Free,
    /// Read: part of the time.
    Used,
    /// Read as an ordinary word ("Guten Morgen").
    Ordinary,
}

struct Scan {
    w: Vec<String>,
    span: Vec<[u32; 2]>,
    state: Vec<Use>,
    /// Written in capitals ("ET", "PT"): zone abbreviations are read only so ("et" is French, "est"
    /// French, "ist" German).
    caps: Vec<bool>,
    /// Written with a capital first letter ("Do", "Mo").
    capital: Vec<bool>,
    f: Found,
}

type Step = Result<bool, Refused>;

impl Scan {
    fn new(tokens: Vec<Token>, text: &[char]) -> Self {
        let state = vec![Use::Free; tokens.len()];
        let caps = tokens.iter().map(|t| text.get(t.span[0] as usize..t.span[1] as usize).is_some_and(|w| w.iter().all(|c| !c.is_lowercase()))).collect();
        let capital = tokens.iter().map(|t| text.get(t.span[0] as usize).is_some_and(|c| c.is_uppercase())).collect();
        let (w, span) = tokens.into_iter().map(|t| (t.t, t.span)).unzip();
        Scan { w, span, state, caps, capital, f: Found::default() }
    }

    fn w(&self, i: usize) -> &str {
        self.w.get(i).map_or("", String::as_str)
    }

    /// The word before `i` (none at the start).
    fn prev(&self, i: usize) -> &str {
        if i == 0 { "" } else { self.w(i - 1) }
    }

    /// The characters of the phrase that tokens `k..k + n` came from.
    fn span_of(&self, k: usize, n: usize) -> [u32; 2] {
        let spans = &self.span[k..(k + n).min(self.span.len())];
        [spans.iter().map(|s| s[0]).min().unwrap_or(0), spans.iter().map(|s| s[1]).max().unwrap_or(0)]
    }

    fn refuse(&self, refusal: Refusal, k: usize) -> Refused {
        self.refuse_span(refusal, k, 1)
    }

    fn refuse_span(&self, refusal: Refusal, k: usize, n: usize) -> Refused {
        Refused { refusal, word: Some(self.w(k).to_owned()), at: (k < self.span.len()).then(|| self.span_of(k, n)) }
    }

    fn take(&mut self, from: usize, n: usize) {
        for k in from..(from + n).min(self.w.len()) {
            self.state[k] = Use::Used;
        }
    }

    fn set_day(&mut self, day: Day, k: usize) -> Result<(), Refused> {
        match self.f.day {
            Some(d) if d != day && !matches!(d, Day::Weekday(..)) && !matches!(day, Day::Weekday(..)) => Err(self.refuse(Refusal::Ambiguous, k)),
            Some(Day::Weekday(..)) | None => {
                self.f.day = Some(day);
                Ok(())
            }
            Some(_) => Ok(()), // a date already; the weekday is checked against it
        }
    }

    fn set_time(&mut self, clock: Clock, k: usize) -> Result<(), Refused> {
        // The same time written twice ("12 Uhr mittags") is one.
        let same = |a: Clock, b: Clock| a == b || a.time(None).is_ok_and(|t| b.time(None) == Ok(t));
        match self.f.time {
            Some(t) if !same(t, clock) => Err(self.refuse(Refusal::Ambiguous, k)),
            _ => {
                self.f.time = Some(clock);
                Ok(())
            }
        }
    }

    fn set_part(&mut self, part: Part, k: usize) -> Result<(), Refused> {
        match self.f.part {
            Some(p) if p != part => Err(self.refuse(Refusal::Ambiguous, k)),
            _ => {
                self.f.part = Some(part);
                Ok(())
            }
        }
    }

    fn set_weekday(&mut self, wd: Weekday, which: Which, k: usize) -> Result<(), Refused> {
        if self.f.weekday.is_some_and(|d| d != wd) {
            return Err(self.refuse(Refusal::Ambiguous, k));
        }
        self.f.weekday = Some(wd);
        if self.f.day.is_none() || matches!(self.f.day, Some(Day::Weekday(..))) {
            self.f.day = Some(Day::Weekday(wd, which));
        }
        Ok(())
    }

    /// Whether the token at `k` is (or starts) a time, a date, a day word or a day part.
    fn timeish(&self, k: usize) -> bool {
        let t = self.w(k);
        !t.is_empty()
            && (clock(t).is_some()
                || number(t).is_some()
                || ordinal(t).is_some()
                || date(t).ok().flatten().is_some()
                || ["noon", "midnight", "am", "pm", "a.m.", "p.m.", "today", "tomorrow", "tonight", "morning", "afternoon", "evening", "night"].contains(&t)
                || weekday(t).is_some_and(|_| !SHORT_DAYS.contains(&t))
                || month(t).is_some_and(|_| !ORDINARY_MONTHS.contains(&t)))
    }

    fn run(&mut self) -> Result<(), Refused> {
        let mut i = 0;
        while i < self.w.len() {
            if self.state[i] != Use::Free {
                i += 1;
                continue;
            }
            let steps: [fn(&mut Scan, usize) -> Step; 11] =
                [Scan::greeting, Scan::relative, Scan::day_word, Scan::part_word, Scan::weekday_word, Scan::noon, Scan::length, Scan::date_word, Scan::quarter, Scan::time, Scan::ago];
            for step in steps {
                if step(self, i)? {
                    break;
                }
            }
            i += 1;
        }
        Ok(())
    }

    /// "Guten Morgen", "good morning", "buenos días", "bonjour": greetings, not days.
    fn greeting(&mut self, i: usize) -> Step {
        let pair = (self.w(i), self.w(i + 1));
        let n = match pair {
            ("guten", "morgen" | "tag" | "abend") | ("good", "morning" | "afternoon" | "evening" | "night" | "day") | ("buenos", "días" | "dias")
            | ("buenas", "tardes" | "noches") | ("bonne", "journée" | "soirée" | "nuit") | ("schönen", "tag" | "abend") | ("have", "a") => 2,
            ("how" | "what", "about") => 2,
            ("bonjour" | "bonsoir" | "mahlzeit", _) => 1,
            _ => 0,
        };
        if n == 2 && pair.0 == "have" {
            // "have a good day/weekend": ordinary.
            if matches!(self.w(i + 2), "good" | "nice" | "great") && matches!(self.w(i + 3), "day" | "weekend" | "evening" | "night" | "morning") {
                for k in i..i + 4 {
                    self.state[k] = Use::Ordinary;
                }
                return Ok(true);
            }
            return Ok(false);
        }
        for k in i..i + n {
            self.state[k] = Use::Ordinary;
        }
        Ok(n > 0)
    }

    /// "in 2 hours", "in 3 days", "in a week", "a week from today", "dans 2 jours", "en 2 días",
    /// "dentro de 2 días", "in 2 Tagen", "2 days from now", "next week Friday".
    fn relative(&mut self, i: usize) -> Step {
        let t = self.w(i).to_owned();
        // "next week Friday", "Friday next week", "nächste Woche", "la semaine prochaine", "la semana que viene", 来週
        let next_week = match (t.as_str(), self.w(i + 1), self.w(i + 2), self.w(i + 3)) {
            (n, w, ..) if NEXT.contains(&n) && WEEKS.contains(&w) => Some((Which::InNextWeek, 2, i)),
            ("la", "semaine", "prochaine", _) => Some((Which::InNextWeek, 3, i)),
            ("semaine", "prochaine", ..) => Some((Which::InNextWeek, 2, i)),
            ("la", "semana", "que", "viene") => Some((Which::InNextWeek, 4, i)),
            ("la", "próxima" | "proxima", "semana", _) => Some((Which::InNextWeek, 3, i)),
            ("this", "week", ..) | ("diese", "woche", ..) | ("cette", "semaine", ..) | ("esta", "semana", ..) => Some((Which::InThisWeek, 2, i)),
            ("nextweek", ..) => Some((Which::InNextWeek, 1, i)),
            ("thisweek", ..) => Some((Which::InThisWeek, 1, i)),
            ("jweekafter", ..) => Some((Which::InWeekAfter, 1, i)),
            ("lastweek", ..) => Some((Which::Last, 1, i)),
            _ => None,
        };
        if let Some((which, n, at)) = next_week {
            // Its weekday: before it ("Friday next week", "viernes de la semana que viene") or after.
            let before = (1..=3).filter_map(|b| at.checked_sub(b)).find(|k| weekday(self.w(*k)).is_some());
            let after = (at + n..at + n + 3).find(|k| weekday(self.w(*k)).is_some());
            let found = after.or(before);
            let Some(k) = found else { return Ok(false) }; // "next week" alone stays unread and refuses
            let wd = weekday(self.w(k)).ok_or_else(|| self.refuse(Refusal::NotUnderstood, k))?;
            self.f.weekday = None;
            self.f.day = None;
            self.set_weekday(wd, which, k)?;
            self.take(at, n);
            self.take(k, 1);
            // "viernes de la semana…", "Friday of next week": the joining words.
            for j in k.min(at)..k.max(at) {
                if matches!(self.w(j), "de" | "of" | "the" | "der" | "in") {
                    self.take(j, 1);
                }
            }
            return Ok(true);
        }
        // "a week from today/tomorrow/now", "2 days from now", "in 2 days' time".
        if let Some((n, used)) = self.span_at(i) {
            if let ("from" | "after", "today" | "now" | "tomorrow") = (self.w(i + used), self.w(i + used + 1)) {
                let base = if self.w(i + used + 1) == "tomorrow" { 1 } else { 0 };
                match n {
                    Span::Days(d) => self.set_day(Day::After(d + base), i)?,
                    Span::Minutes(m) if base == 0 => self.f.start_in = Some(Duration::minutes(i64::from(m))),
                    Span::Minutes(_) => return Err(self.refuse(Refusal::Ambiguous, i)),
                }
                self.take(i, used + 2);
                return Ok(true);
            }
        }
        // "in 2 hours", "dans 3 jours", "dentro de 2 días".
        let lead = match (t.as_str(), self.w(i + 1)) {
            ("dentro", "de") => 2,
            (w, _) if IN.contains(&w) => 1,
            _ => return Ok(false), // "within 2 days" is any time until then: its number refuses it
        };
        let Some((n, used)) = self.span_at(i + lead) else { return Ok(false) };
        match n {
            Span::Days(d) => self.set_day(Day::After(d), i)?,
            Span::Minutes(m) => self.f.start_in = Some(Duration::minutes(i64::from(m))),
        }
        // "in 2 days' time", "in 2 days time".
        let time_word = matches!(self.w(i + lead + used), "time" | "'s" | "s'");
        self.take(i, lead + used + usize::from(time_word));
        Ok(true)
    }

    /// A span at `k`: "2 days", "a week", "two weeks", "3 hours", "half an hour", "90 min".
    fn span_at(&self, k: usize) -> Option<(Span, usize)> {
        let n = if ONE.contains(&self.w(k)) { Some(1) } else { count(self.w(k)) };
        if let Some(n) = n {
            let unit = self.w(k + 1).trim_end_matches("'s").trim_end_matches('\'');
            if DAYS.contains(&unit) {
                return Some((Span::Days(i16::try_from(n).ok()?), 2));
            }
            if WEEKS.contains(&unit) {
                return Some((Span::Days(i16::try_from(n.checked_mul(7)?).ok()?), 2));
            }
        }
        if let Some((m, used)) = length_at(&self.w, k) {
            return Some((Span::Minutes(m), used));
        }
        None
    }

    /// today, tomorrow, the day after tomorrow, yesterday, tonight, heute, morgen, demain, mañana…
    fn day_word(&mut self, i: usize) -> Step {
        let (prev, t, next) = (self.prev(i).to_owned(), self.w(i).to_owned(), self.w(i + 1).to_owned());
        let (day, part, n): (i16, Option<Part>, usize) = match (prev.as_str(), t.as_str(), next.as_str()) {
            (_, "today" | "heute" | "aujourd'hui" | "hoy", _) => (0, None, 1),
            ("after", "tomorrow", _) if self.w(i.wrapping_sub(2)) == "day" => (2, None, 1),
            ("before", "yesterday", _) if self.w(i.wrapping_sub(2)) == "day" => (-2, None, 1),
            (_, "tomorrow" | "tmrw" | "tmr" | "tmw" | "tommorow" | "tomorow" | "2morrow" | "demain", _) => (1, None, 1),
            // "morgen früh": tomorrow morning; "heute Morgen", "am Morgen": a morning.
            (_, "morgen", "früh") => (1, Some(Part::Morning), 2),
            ("heute" | "gestern" | "am" | "den" | "jeden", "morgen", _) => return Ok(false),
            (_, "morgen", _) => (1, None, 1),
            ("pasado", "mañana" | "manana", _) => (2, None, 1),
            ("la" | "por" | "esta" | "de", "mañana" | "manana", _) => return Ok(false),
            (_, "mañana" | "manana", _) => (1, None, 1),
            (_, "overmorrow" | "übermorgen" | "après-demain" | "apres-demain", _) => (2, None, 1),
            (_, "yesterday" | "gestern" | "ayer", _) => (-1, None, 1),
            (_, "vorgestern" | "anteayer" | "avant-hier", _) => (-2, None, 1),
            (_, "anoche", _) => (-1, Some(Part::Night), 1),
            (_, "tonight" | "tonite", _) => (0, Some(Part::Night), 1),
            _ => return Ok(false),
        };
        self.set_day(Day::After(day), i)?;
        if let Some(p) = part {
            self.set_part(p, i)?;
        }
        // "the day after tomorrow", "the day before yesterday", "pasado mañana".
        if day == 2 && t == "tomorrow" || day == -2 && t == "yesterday" {
            self.take(i - 2, 2);
            if self.prev(i - 2) == "the" {
                self.take(i - 3, 1);
            }
        }
        if prev == "pasado" {
            self.take(i - 1, 1);
        }
        self.take(i, n);
        Ok(true)
    }

    /// morning, afternoon, evening, night (with "this", "in the", "tomorrow"); abends, am Abend,
    /// du soir, ce soir, de la tarde, esta noche; 朝, 夕方, 夜.
    fn part_word(&mut self, i: usize) -> Step {
        let (prev, t) = (self.prev(i).to_owned(), self.w(i).to_owned());
        let part = match t.as_str() {
            "morning" | "mornings" | "vormittag" | "vormittags" | "morgens" | "matin" | "matinée" | "madrugada" | "jmorning" => Part::Morning,
            "morgen" if matches!(prev.as_str(), "heute" | "gestern" | "am" | "den" | "jeden") => Part::Morning,
            "früh" => Part::Morning,
            "afternoon" | "nachmittag" | "nachmittags" | "après-midi" | "apres-midi" => Part::Afternoon,
            "evening" | "abend" | "abends" | "soir" | "soirée" | "jevening" => Part::Evening,
            "night" | "nacht" | "nachts" | "nuit" | "jnight" => Part::Night,
            "mañana" | "manana" if matches!(prev.as_str(), "la" | "esta") => Part::Morning,
            "tarde" if matches!(prev.as_str(), "la" | "esta") => Part::Afternoon,
            "noche" if matches!(prev.as_str(), "la" | "esta") => Part::Night,
            "jam" => Part::Am,
            "jpm" => Part::Pm,
            _ => return Ok(false),
        };
        // "morgens" in German; "this morning", "ce soir", "esta noche", "heute Abend": today.
        let today = matches!(prev.as_str(), "this" | "ce" | "cet" | "cette" | "esta" | "heute");
        if today {
            self.set_day(Day::After(0), i - 1)?;
        }
        self.set_part(part, i)?;
        self.take(i, 1);
        // The small words that belong to it: "in the morning", "am Abend", "du soir", "de la tarde".
        let mut k = i;
        while k > 0 && self.state[k - 1] == Use::Free && matches!(self.w(k - 1), "in" | "at" | "the" | "this" | "am" | "du" | "de" | "la" | "por" | "esta" | "ce" | "cet" | "cette" | "le" | "heute" | "l'" | "dans") {
            k -= 1;
            self.take(k, 1);
        }
        Ok(true)
    }

    /// A weekday: "Friday", "next Friday", "this Friday", "last Friday", "vendredi prochain",
    /// "el viernes que viene".
    fn weekday_word(&mut self, i: usize) -> Step {
        let (prev, t) = (self.prev(i).to_owned(), self.w(i).to_owned());
        let Some(wd) = weekday(&t) else { return Ok(false) };
        let next = self.w(i + 1).to_owned();
        // German "Mo", "Di", "Do", "Fr" ("do" is English too): capitalised, before a number.
        if t.trim_end_matches('.').len() == 2 && !(self.capital[i] && (number(&next).is_some() || clock(&next).is_some() || date(&next).ok().flatten().is_some() || next.ends_with('.'))) {
            return Ok(false);
        }
        // A short word that is also an ordinary one is a day only beside a time or date.
        if SHORT_DAYS.contains(&t.trim_end_matches('.')) && !(self.timeish(i + 1) || i > 0 && self.timeish(i - 1) || NEXT.contains(&prev.as_str()) || prev == "on" || next == "the") {
            return Ok(false);
        }
        let mut which = Which::Coming;
        if NEXT.contains(&prev.as_str()) {
            which = Which::Next;
            self.take(i - 1, 1);
        } else if LAST.contains(&prev.as_str()) {
            which = Which::Last;
            self.take(i - 1, 1);
        } else if NEXT.contains(&next.as_str()) && (next.starts_with("proch") || next.starts_with("próx")) {
            which = Which::Next;
            self.take(i + 1, 1);
        } else if next == "que" && self.w(i + 2) == "viene" {
            which = Which::Next;
            self.take(i + 1, 2);
        } else if matches!(next.as_str(), "dernier" | "pasado") {
            which = Which::Last;
            self.take(i + 1, 1);
        }
        if THIS.contains(&prev.as_str()) && self.state.get(i.wrapping_sub(1)) == Some(&Use::Free) {
            self.take(i - 1, 1);
        }
        self.set_weekday(wd, which, i)?;
        if which == Which::Last {
            self.f.day = Some(Day::Weekday(wd, Which::Last));
        }
        self.take(i, 1);
        Ok(true)
    }

    fn noon(&mut self, i: usize) -> Step {
        let t = self.w(i).to_owned();
        if !(NOON.contains(&t.as_str()) || MIDNIGHT.contains(&t.as_str())) {
            return Ok(false);
        }
        let midnight = MIDNIGHT.contains(&t.as_str());
        // "12 noon", "at 12 midnight": the 12 was read as an hour; it is this one.
        if self.prev(i) == "12" {
            if self.f.time.is_some_and(|c| c.hour == 12 && c.minute == 0 && c.kind == Kind::Bare) {
                self.f.time = None;
            }
            self.take(i - 1, 1);
        }
        self.set_time(Clock { hour: if midnight { 0 } else { 12 }, minute: 0, kind: Kind::H24 }, i)?;
        self.f.midnight |= midnight;
        self.take(i, 1);
        if matches!(self.prev(i), "at" | "à" | "um" | "a" | "el" | "le") && self.state[i - 1] == Use::Free {
            self.take(i - 1, 1);
        }
        Ok(true)
    }

    /// "for 45 min", "45 min", "1h30" after "for" (without it, `15h` is a time), "half an hour",
    /// "a 30-minute call".
    fn length(&mut self, i: usize) -> Step {
        let t = self.w(i).to_owned();
        // `から1時間` ("from … for an hour") arrives as "- 60 min".
        let after_for = FOR.contains(&self.prev(i)) || self.prev(i) == "-" && i > 0 && self.state[i - 1] == Use::Free;
        // "à 15 heures" is a time, not a length.
        let at_time = AT.contains(&self.prev(i)) && !matches!(self.prev(i), "a" | "la") && !after_for;
        if let Some((minutes, used)) = length_at(&self.w, i).filter(|_| after_for || clock(&t).is_none() && !at_time) {
            self.f.minutes = Some(self.f.minutes.unwrap_or(0).saturating_add(minutes));
            if after_for {
                self.take(i - 1, 1);
            }
            self.take(i, used);
            // "for an hour and a half", "for 1 and a half hours".
            if self.w(i + used) == "and" && self.w(i + used + 1) == "a" && self.w(i + used + 2) == "half" {
                self.f.minutes = self.f.minutes.map(|m| m + 30);
                self.take(i + used, 3);
            }
            return Ok(true);
        }
        Ok(false)
    }

    /// Dates: numeric forms, then "3 December", "December 3", "Dec 16th", "16th of December",
    /// "3. Dezember", "3 de diciembre", "le 1er décembre", "the 16th".
    fn date_word(&mut self, i: usize) -> Step {
        let t = self.w(i).to_owned();
        if let Some(day) = date(&t).map_err(|r| self.refuse(r, i))? {
            self.set_day(day, i)?;
            self.take(i, 1);
            self.take_article(i);
            return Ok(true);
        }
        let day_number = |s: &str| ordinal(s).or_else(|| number(s.trim_end_matches('.')).filter(|d| (1..=31).contains(d)).map(|d| d as u8));
        let year_at = |s: &Scan, k: usize| number(s.w(k)).filter(|y| (2000..=2100).contains(y)).map(|y| y as i32);
        if let Some(d) = day_number(&t) {
            let of = usize::from(matches!(self.w(i + 1), "de" | "of")) + 1;
            if let Some(m) = month(self.w(i + of)) {
                let y = year_at(self, i + of + 1).or_else(|| (self.w(i + of + 1) == "de").then(|| year_at(self, i + of + 2)).flatten());
                let used = of + 1 + y.map_or(0, |_| if self.w(i + of + 1) == "de" { 2 } else { 1 });
                self.set_day(Day::Date(y, m, d), i)?;
                self.take(i, used);
                self.take_article(i);
                return Ok(true);
            }
            // "the 16th", "le 1er", "am 24.", "el día 5", "Friday the 11th".
            let article = matches!(self.prev(i), "the" | "le" | "am" | "den" | "el" | "día" | "dia" | "ce" | "this");
            let plain_ok = matches!(self.prev(i), "le" | "el" | "día" | "dia") || t.ends_with('.');
            if ordinal(&t).is_some() || article && plain_ok && time_at(&self.w, i, false).ok().flatten().is_none() {
                self.set_day(Day::OfMonth(d), i)?;
                self.take(i, 1);
                self.take_article(i);
                return Ok(true);
            }
        }
        if let Some(m) = month(&t) {
            if let Some(d) = day_number(self.w(i + 1).trim_end_matches(',')) {
                let y = year_at(self, i + 2);
                self.set_day(Day::Date(y, m, d), i)?;
                self.take(i, 2 + usize::from(y.is_some()));
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// "the", "le", "el", "am", "den", "el día" before a date.
    fn take_article(&mut self, i: usize) {
        let mut k = i;
        while k > 0 && self.state[k - 1] == Use::Free && matches!(self.w(k - 1), "the" | "le" | "el" | "am" | "den" | "día" | "dia" | "on" | "this") {
            k -= 1;
            self.take(k, 1);
        }
    }

    /// "quarter past 3pm", "half past 9am", "quarter to 4pm", "viertel nach 3", "halb 4",
    /// "3h et quart", "las 3 y media", "las 4 menos cuarto".
    fn quarter(&mut self, i: usize) -> Step {
        let (t, next) = (self.w(i).to_owned(), self.w(i + 1).to_owned());
        let (delta, lead) = match (t.as_str(), next.as_str()) {
            ("quarter" | "viertel", "past" | "after" | "nach") => (15, 2),
            ("half", "past") => (30, 2),
            ("quarter" | "viertel", "to" | "before" | "til" | "till" | "of" | "vor") => (-15, 2),
            ("halb", _) => (-30, 1),
            _ => return Ok(false),
        };
        // "a quarter past".
        let Some((clock, used)) = time_at(&self.w, i + lead, true).map_err(|r| self.refuse(r, i + lead))? else { return Ok(false) };
        if clock.minute != 0 {
            return Err(self.refuse(Refusal::Unread, i));
        }
        let c = shift(clock, delta).ok_or_else(|| self.refuse(Refusal::NoSuchDate, i))?;
        self.set_time(c, i)?;
        if self.prev(i) == "a" {
            self.take(i - 1, 1);
        }
        if AT.contains(&self.prev(i)) && self.state.get(i.wrapping_sub(1)) == Some(&Use::Free) {
            self.take(i - 1, 1);
        }
        self.take(i, lead + used);
        self.zone_after(i + lead + used)?;
        Ok(true)
    }

    /// A time, and what follows it: a marker ("15 Uhr", "3 pm", "15 h"), "et quart", a range's
    /// end, a zone.
    fn time(&mut self, i: usize) -> Step {
        let prev = self.prev(i).to_owned();
        let prev_free = i > 0 && self.state[i - 1] == Use::Free;
        let range_next = TO.contains(&self.w(i + 1)) && matches!(time_at(&self.w, i + 2, true), Ok(Some(_)));
        let part_next = matches!((self.w(i + 1), self.w(i + 2)), ("in", "the") | ("de", "la") | ("du", "matin" | "soir") | ("at", "night"));
        let lead = AT.contains(&prev.as_str()) || FROM.contains(&prev.as_str()) || ABOUT.contains(&prev.as_str()) || range_next || part_next;
        let Some((mut start, used)) = time_at(&self.w, i, lead).map_err(|r| self.refuse(r, i))? else { return Ok(false) };
        let mut j = i + used;
        // "3h et quart", "las 3 y media", "las 4 menos cuarto", "three thirty".
        let after = match (self.w(j), self.w(j + 1), self.w(j + 2)) {
            ("et", "quart", _) | ("y", "cuarto", _) => Some((15, 2)),
            ("et", "demie" | "demi", _) | ("y", "media", _) => Some((30, 2)),
            ("moins", "le", "quart") => Some((-15, 3)),
            ("moins", "quart", _) | ("menos", "cuarto", _) => Some((-15, 2)),
            _ => None,
        };
        if let Some((delta, n)) = after {
            if start.minute != 0 {
                return Err(self.refuse(Refusal::Unread, j));
            }
            start = shift(start, delta).ok_or_else(|| self.refuse(Refusal::NoSuchDate, j))?;
            j += n;
            // "3 y media de la tarde" keeps its marker after.
            if let Some(k) = marker(self.w(j)) {
                if matches!(start.kind, Kind::Plain | Kind::Bare) {
                    start.kind = k;
                    j += 1;
                }
            }
        }
        if TO.contains(&self.w(j)) {
            if let Some((end, used_end)) = time_at(&self.w, j + 1, true).map_err(|r| self.refuse(r, j + 1))? {
                // "3-4pm", "von 10 bis 11 Uhr": the first takes the second's marker.
                if start.kind == Kind::Bare && end.kind != Kind::Bare || start.kind == Kind::Plain && matches!(end.kind, Kind::Am | Kind::Pm) {
                    start.kind = end.kind;
                    if end.kind == Kind::Pm && start.hour > end.hour && start.hour < 12 {
                        start.kind = Kind::Am; // "11-1pm"
                    }
                }
                if self.f.end.is_some() {
                    return Err(self.refuse(Refusal::Ambiguous, j));
                }
                self.f.end = Some(end);
                j += 1 + used_end;
            }
        }
        if lead && prev_free && !range_next || prev_free && FROM.contains(&prev.as_str()) {
            self.take(i - 1, 1);
        }
        if prev_free && prev == "las" && self.prev(i - 1) == "a" {
            self.take(i - 2, 1);
        }
        self.set_time(start, i)?;
        self.take(i, j - i);
        self.zone_after(j)?;
        Ok(true)
    }

    /// A zone right after a time: "3pm PT", "10am Eastern Time", "15:00 UTC+1", "3pm -0500",
    /// "9時 日本時間", "(CET)". Abbreviations count only in capitals ("et" is French, "ist" German).
    fn zone_after(&mut self, j: usize) -> Result<(), Refused> {
        let skip = usize::from(self.w(j) == "in");
        let j = j + skip;
        let t = self.w(j).to_owned();
        if AMBIGUOUS_ZONES.contains(&t.as_str()) && (t != "ist" || self.caps[j]) {
            return Err(self.refuse(Refusal::AmbiguousZone, j));
        }
        // "utc +2", "gmt + 5": the offset after a space.
        if matches!(t.as_str(), "utc" | "gmt") {
            if let Some(o) = offset(&format!("{t}{}", self.w(j + 1))) {
                return self.set_zone(Zoned::Fixed(o), j, 2);
            }
        }
        if let Some(o) = offset(&t) {
            return self.set_zone(Zoned::Fixed(o), j, 1);
        }
        if let Some((words, zoned)) = self.zone_at(j) {
            self.set_zone(zoned, j, words)?;
            // "Pacific time", "PT time".
            if self.w(j + words) == "time" && self.state.get(j + words) == Some(&Use::Free) {
                self.take(j + words, 1);
            }
        }
        Ok(())
    }

    /// A zone name at `j`: (words, zone). An abbreviation only in capitals.
    fn zone_at(&self, j: usize) -> Option<(usize, Zoned)> {
        let (words, iana, season) = ZONES.iter().find(|(words, ..)| words.iter().enumerate().all(|(k, w)| self.w(j + k) == *w))?;
        // "et", "est", "west" are words in lower case: zones only in capitals.
        if ZONE_WORDS.contains(&words[0]) && !self.caps[j] {
            return None;
        }
        Some((words.len(), if *iana == "UTC" { Zoned::Fixed(UtcOffset::UTC) } else { Zoned::Iana(iana, *season) }))
    }

    fn set_zone(&mut self, zoned: Zoned, j: usize, n: usize) -> Result<(), Refused> {
        if j > 0 && self.w(j - 1) == "in" && self.state[j - 1] == Use::Free {
            self.take(j - 1, 1);
        }
        match self.f.zone {
            Some((z, ..)) if z != zoned => return Err(self.refuse(Refusal::Ambiguous, j)),
            _ => self.f.zone = Some((zoned, j, n)),
        }
        self.take(j, n);
        // "GMT+0900 (JST)", "15:00 UTC (GMT)": a second name, which must mean the same offset then.
        if let Some((_, second)) = self.zone_at(j + n) {
            self.f.also = Some((second, j + n));
            self.take(j + n, 1);
        }
        Ok(())
    }

    /// "2 days ago", "vor 2 Tagen", "il y a 2 jours", "hace 2 días": the past.
    fn ago(&mut self, i: usize) -> Step {
        let t = self.w(i);
        let past = t == "ago" && i >= 2 || t == "hace" || t == "vor" && self.span_at(i + 1).is_some() || (t == "il" && self.w(i + 1) == "y" && self.w(i + 2) == "a");
        if past {
            return Err(self.refuse(Refusal::Past, i));
        }
        Ok(false)
    }

    /// The first word with date or time meaning that was not read, as a refusal.
    fn unread(&self) -> Result<(), Refused> {
        for k in 0..self.w.len() {
            if self.state[k] != Use::Free {
                continue;
            }
            let t = self.w(k);
            let beside = (k > 0 && self.state[k - 1] == Use::Used) || self.state.get(k + 1) == Some(&Use::Used);
            // Before a time or day: "after 3pm", "every Monday", "between 2 and 4pm", "or Friday".
            let before = {
                // Past the small words: "después de las 15:00", "tous les lundis", "after the 3pm call".
                let mut n = k + 1;
                while n < self.w.len() && n < k + 4 && ARTICLES.contains(&self.w(n)) && self.state[n] == Use::Free {
                    n += 1;
                }
                self.state.get(n) == Some(&Use::Used) || self.timeish(n) && !matches!(self.w(n), "am" | "a.m.")
            };
            let zone = self.zone_at(k).is_some() || offset(t).is_some();
            let refusal = if AMBIGUOUS_ZONES.contains(&t) && (t != "ist" || self.caps[k]) {
                Some(Refusal::AmbiguousZone)
            } else if t.contains('@') || t.contains("://") || t.starts_with("www.") || t == "1:1" {
                None // an address, a link, a one-to-one: not a date
            } else if t.chars().any(|c| c.is_ascii_digit())
                || TIME_WORDS.contains(&t)
                || zone && (self.caps[k] || beside || !FULL_NAMES.contains(&t))
                || ordinal(t).is_some()
                || weekday(t).is_some_and(|_| !SHORT_DAYS.contains(&t))
                || month(t).is_some_and(|_| !ORDINARY_MONTHS.contains(&t))
                || before && BEFORE_WORDS.contains(&t)
                || beside && (NUMBER_LIKE.contains(&t) || SHORT_DAYS.contains(&t) && t.len() > 2 || ORDINARY_MONTHS.contains(&t) || ZONES.iter().any(|(w, ..)| w[0] == t) && !ZONE_WORDS.contains(&t))
                || t.chars().any(|c| JA_TIME.contains(c))
                || JA_WORDS.contains(&t)
            {
                Some(Refusal::Unread)
            } else {
                None
            };
            if let Some(refusal) = refusal {
                return Err(self.refuse(refusal, k));
            }
        }
        Ok(())
    }

    /// The start, in `zone` (the named one, or the user's).
    fn start<Z: Zone>(&self, now: OffsetDateTime, zone: &Z) -> Result<OffsetDateTime, Refused> {
        let f = &self.f;
        let now = now.to_offset(zone.offset_at(now));
        if let Some(after) = f.start_in {
            if f.time.is_some() || f.day.is_some() || f.part.is_some() {
                return Err(Refusal::Ambiguous.into());
            }
            let start = (now + after).replace_second(0).and_then(|t| t.replace_nanosecond(0)).map_err(|_| Refusal::NoSuchDate)?;
            return Ok(start);
        }
        let Some(clock) = f.time else {
            return Err(if f.day.is_some() || f.part.is_some() { Refusal::NoTime } else { Refusal::NotUnderstood }.into());
        };
        if f.midnight && f.day.is_some() {
            return Err(Refusal::Ambiguous.into()); // "tomorrow at midnight": its start or its end?
        }
        let time = clock.time(f.part)?;
        let today = now.date();
        let date = match f.day {
            Some(day) => day.date(today, time, now.time())?,
            // A time alone: today, or tomorrow once it has passed today.
            None if time > now.time() => today,
            None => today.next_day().ok_or(Refusal::NoSuchDate)?,
        };
        // A weekday beside a date must be that date's ("Friday 4 December" on a Thursday is a typo).
        if f.weekday.is_some_and(|wd| wd != date.weekday()) {
            return Err(Refusal::Ambiguous.into());
        }
        Ok(resolve(PrimitiveDateTime::new(date, time), zone)?)
    }
}

/// A span of time: days (for a day) or minutes (from now).
#[derive(Debug, Clone, Copy)]
enum Span {
    Days(i16),
    Minutes(u32),
}

/// `clock` moved by `delta` minutes within its hour's neighbours ("quarter to 4" → 3:45).
fn shift(clock: Clock, delta: i32) -> Option<Clock> {
    let total = i32::from(clock.hour) * 60 + i32::from(clock.minute) + delta;
    if !(0..24 * 60).contains(&total) {
        return None;
    }
    let (hour, minute) = ((total / 60) as u8, (total % 60) as u8);
    // "quarter to 1pm" is 12:45pm; "halb 1" (12:30) keeps its kind.
    let kind = match clock.kind {
        Kind::Pm if clock.hour == 1 && hour == 0 => return Some(Clock { hour: 12, minute, kind: Kind::Pm }),
        Kind::Am | Kind::Pm if hour == 0 => return Some(Clock { hour: 12, minute, kind: clock.kind }),
        Kind::Bare => Kind::Plain,
        k => k,
    };
    Some(Clock { hour: if hour == 0 && matches!(kind, Kind::Plain) { 12 } else { hour }, minute, kind })
}

/// A marker after a number: "Uhr", "h", "heures" (a clock), "am", "pm", "o'clock".
fn marker(t: &str) -> Option<Kind> {
    match t {
        "uhr" | "h" | "heures" | "heure" | "hs" | "hrs" | "o'clock" | "oclock" => Some(Kind::Plain),
        "am" | "a.m." | "a.m" => Some(Kind::Am),
        "pm" | "p.m." | "p.m" => Some(Kind::Pm),
        _ => None,
    }
}

/// `15:00`, `9:30`, `3pm`, `3:30pm`, `3p.m.`, `15h`, `15h30`, `15:30j` (from `時`), `3p`.
fn clock(t: &str) -> Option<Clock> {
    let (body, kind) = if let Some(b) = t.strip_suffix("pm").or_else(|| t.strip_suffix("p.m.")).or_else(|| t.strip_suffix("p.m")) {
        (b, Some(Kind::Pm))
    } else if let Some(b) = t.strip_suffix("am").or_else(|| t.strip_suffix("a.m.")).or_else(|| t.strip_suffix("a.m")) {
        (b, Some(Kind::Am))
    } else if let Some(b) = t.strip_suffix('j') {
        (b, Some(Kind::Plain))
    } else {
        (t, None)
    };
    let digits = |s: &str| !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit());
    let num = |s: &str| s.parse::<u32>().ok();
    let (h, m, sep) = if let Some((h, m)) = body.split_once(':') {
        (h, m.strip_suffix(":00").unwrap_or(m), ':')
    } else if let Some((h, m)) = body.split_once('h') {
        (h, m, 'h')
    } else if let Some((h, m)) = body.split_once('.').filter(|_| kind.is_some_and(|k| k != Kind::Plain)) {
        (h, m, '.')
    } else {
        (body, "", ' ')
    };
    if !digits(h) || !(m.is_empty() || (m.len() == 2 && digits(m))) {
        return None;
    }
    if sep == ' ' && kind.is_none() {
        return None; // a bare number is not a time by itself
    }
    if (sep == ':' || sep == '.') && m.is_empty() {
        return None;
    }
    let (hour, minute) = (num(h)?, if m.is_empty() { 0 } else { num(m)? });
    let kind = match kind {
        Some(k) => k,
        None if hour >= 13 || hour == 0 || h.starts_with('0') => Kind::H24,
        None => Kind::Plain,
    };
    Clock::new(hour, minute, kind)
}

/// `2026-12-03`, `3.12.`, `3.12.2026`, `3/12`, `12/3/2026` (day and month read whichever way is the
/// only possible one; `3/4` is refused as ambiguous).
fn date(t: &str) -> Result<Option<Day>, Refusal> {
    let num = |s: &str| (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse::<u32>().ok()).flatten();
    // A month or day past 255 is no date (one past 12 or 31 is refused when the date is made).
    let day = |y: Option<i32>, m: u32, d: u32| match (u8::try_from(m), u8::try_from(d)) {
        (Ok(m), Ok(d)) => Ok(Some(Day::Date(y, m, d))),
        _ => Err(Refusal::NoSuchDate),
    };
    if is_iso_date(t) {
        let p: Vec<u32> = t.split('-').filter_map(num).collect();
        return match p[..] {
            [y, m, d] => day(Some(y as i32), m, d),
            _ => Ok(None),
        };
    }
    let year = |y: u32| if y < 100 { 2000 + y as i32 } else { y as i32 };
    if t.contains('.') && is_dotted_date(&format!("{}.", t.trim_end_matches('.'))) {
        let p: Vec<&str> = t.trim_end_matches('.').split('.').collect();
        let (d, m, y) = match p[..] {
            [d, m] if t.ends_with('.') => (d, m, None),
            [d, m, y] if y.len() == 4 || y.len() == 2 => (d, m, Some(y)),
            _ => return Ok(None),
        };
        let (Some(d), Some(m)) = (num(d), num(m)) else { return Ok(None) };
        let y = y.and_then(num).map(year);
        return day(y, m, d);
    }
    let p: Vec<&str> = t.split('/').collect();
    if p.len() < 2 || p.len() > 3 || p.iter().any(|s| num(s).is_none()) {
        return Ok(None);
    }
    // `2026/12/9`: year, month, day.
    if p.len() == 3 && p[0].len() == 4 {
        let (y, m, d) = (num(p[0]).unwrap_or(0), num(p[1]).unwrap_or(0), num(p[2]).unwrap_or(0));
        return day(Some(y as i32), m, d);
    }
    let (a, b) = (num(p[0]).unwrap_or(0), num(p[1]).unwrap_or(0));
    let y = p.get(2).and_then(|s| num(s)).map(year);
    let (d, m) = match (a > 12, b > 12) {
        (true, false) => (a, b),
        (false, true) => (b, a),
        (false, false) if a == b => (a, b),
        (false, false) => return Err(Refusal::Ambiguous),
        (true, true) => return Err(Refusal::NoSuchDate),
    };
    day(y, m, d)
}

/// A length written as one token: `45min`, `90m`, `1h`, `1h30`, `2hrs`, `30-minute`.
fn length_token(t: &str) -> Option<u32> {
    let t = t.replace('-', "");
    for unit in MINUTES {
        if let Some(n) = t.strip_suffix(unit).and_then(number) {
            return Some(n);
        }
    }
    for unit in HOURS {
        if let Some(n) = t.strip_suffix(unit).and_then(number) {
            return Some(n.saturating_mul(60));
        }
    }
    let (h, m) = t.split_once('h')?;
    Some(number(h)?.saturating_mul(60).saturating_add(number(m.trim_end_matches("min").trim_end_matches('m'))?))
}

/// A length starting at word `i`: (`minutes`, words used). "45 min", "1 hour", "an hour",
/// "1 hour 30 minutes", "45min", "half an hour", "eine halbe Stunde", "une demi-heure", "media hora".
fn length_at(words: &[String], i: usize) -> Option<(u32, usize)> {
    let w = |k: usize| words.get(k).map_or("", String::as_str);
    let half = match (w(i), w(i + 1), w(i + 2)) {
        ("half", "an", "hour") => Some(3),
        ("eine" | "einer", "halbe" | "halben", "stunde") | ("une", "demi", "heure") => Some(3),
        ("halbe" | "halben", "stunde", _) | ("demi-heure", _, _) | ("media", "hora", _) => Some(if w(i) == "demi-heure" { 1 } else { 2 }),
        ("une", "demi-heure", _) => Some(2),
        _ => None,
    };
    if let Some(used) = half {
        return Some((30, used));
    }
    let one = |k: usize| -> Option<(u32, usize)> {
        let n = if ONE.contains(&w(k)) && !w(k).is_empty() { Some(1) } else { count(w(k)) };
        if let Some(n) = n {
            if HOURS.contains(&w(k + 1)) {
                return Some((n.saturating_mul(60), 2));
            }
            if MINUTES.contains(&w(k + 1)) && count(w(k)).is_some() {
                return Some((n, 2));
            }
        }
        length_token(w(k)).map(|m| (m, 1))
    };
    let (first, used) = one(i)?;
    // "1 hour 30 minutes", "1 Stunde 30": minutes after hours add up.
    match one(i + used) {
        Some((more, used2)) if more < 60 && first % 60 == 0 => Some((first + more, used + used2)),
        _ => Some((first, used)),
    }
}

/// A time starting at word `i`: (clock, words used). `15:00`, `3pm`, `3 pm`, `15 Uhr`, `15.30 Uhr`,
/// `15 h`, `three pm`, and — right after "at", "um", "à", "a las" or a range's "to" — a bare hour
/// (`at 3` is refused as morning-or-evening unless the phrase says which; `at 15` is 15:00).
fn time_at(words: &[String], i: usize, bare_ok: bool) -> Result<Option<(Clock, usize)>, Refusal> {
    let w = |k: usize| words.get(k).map_or("", String::as_str);
    let t = w(i);
    // "15h heure de Paris": that "heure" names a zone, not the hour.
    let zone_next = matches!(w(i + 1), "heure" | "hora") && w(i + 2) == "de" && !matches!(w(i + 3), "la" | "l'après-midi" | "après-midi");
    let mark = marker(w(i + 1)).filter(|_| !zone_next);
    // "15.30 Uhr": a dot between hour and minutes only with a marker after it.
    let dotted = t.split_once('.').filter(|(h, m)| mark.is_some() && !h.is_empty() && m.len() == 2).map(|(h, m)| format!("{h}:{m}"));
    let read = dotted.as_deref().unwrap_or(t);
    if let Some(mut c) = clock(read) {
        if let Some(k) = mark {
            if matches!(c.kind, Kind::Plain | Kind::Bare) || c.kind == Kind::H24 && k != Kind::Plain && c.hour <= 12 && !read.starts_with('0') {
                c.kind = k;
            }
            if c.kind == Kind::Plain && c.hour > 12 {
                c.kind = Kind::H24;
            }
            return Ok(Some((c, 2)));
        }
        return Ok(Some((c, 1)));
    }
    let digits = number(t).filter(|_| t.len() <= 2);
    let h = digits.or_else(|| count(t).filter(|n| *n <= 12 && (bare_ok || mark.is_some())));
    if let Some(h) = h.filter(|h| *h <= 24) {
        if let Some(k) = mark {
            let k = if k == Kind::Plain && (h >= 13 || h == 0 || t.starts_with('0')) { Kind::H24 } else if k == Kind::Plain && matches!(w(i + 1), "o'clock" | "oclock") { Kind::Bare } else { k };
            return Ok(Clock::new(h, 0, k).map(|c| (c, 2)));
        }
        if bare_ok {
            let kind = if h >= 13 || h == 0 || t.starts_with('0') { Kind::H24 } else { Kind::Bare };
            return Ok(Clock::new(h, 0, kind).map(|c| (c, 1)));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A zone with daylight-saving time, by its rules (the pure core gets real zones from the
    /// browser; these two follow the EU and US rules).
    #[derive(Clone, Copy)]
    struct Rules {
        std: i8,
        dst: i8,
        /// The UTC instants DST starts and ends in a year.
        starts: fn(i32) -> OffsetDateTime,
        ends: fn(i32) -> OffsetDateTime,
    }

    fn sunday(year: i32, month: Month, nth: i32) -> Date {
        let first = Date::from_calendar_date(year, month, 1).unwrap();
        let first_sunday = first + Duration::days(i64::from((7 - first.weekday().number_days_from_sunday()) % 7));
        if nth > 0 {
            first_sunday + Duration::weeks(i64::from(nth - 1))
        } else {
            let mut d = first_sunday;
            while (d + Duration::WEEK).month() == month {
                d += Duration::WEEK;
            }
            d
        }
    }

    fn utc(date: Date, hour: u8) -> OffsetDateTime {
        PrimitiveDateTime::new(date, Time::from_hms(hour, 0, 0).unwrap()).assume_utc()
    }

    const BERLIN: Rules = Rules { std: 1, dst: 2, starts: |y| utc(sunday(y, Month::March, -1), 1), ends: |y| utc(sunday(y, Month::October, -1), 1) };
    const NEW_YORK: Rules = Rules { std: -5, dst: -4, starts: |y| utc(sunday(y, Month::March, 2), 7), ends: |y| utc(sunday(y, Month::November, 1), 6) };

    impl Zone for Rules {
        fn offset_at(&self, instant: OffsetDateTime) -> UtcOffset {
            let y = instant.to_offset(UtcOffset::UTC).year();
            let dst = instant >= (self.starts)(y) && instant < (self.ends)(y);
            UtcOffset::from_hms(if dst { self.dst } else { self.std }, 0, 0).unwrap()
        }
        fn named(&self, iana: &str) -> Option<Self> {
            match iana {
                "Europe/Berlin" | "Europe/Paris" => Some(BERLIN),
                "America/New_York" => Some(NEW_YORK),
                _ => None,
            }
        }
    }

    fn local(text: &str) -> PrimitiveDateTime {
        let (d, t) = text.split_once(' ').unwrap();
        let d: Vec<i32> = d.split('-').map(|p| p.parse().unwrap()).collect();
        let t: Vec<u8> = t.split(':').map(|p| p.parse().unwrap()).collect();
        PrimitiveDateTime::new(
            Date::from_calendar_date(d[0], Month::try_from(d[1] as u8).unwrap(), d[2] as u8).unwrap(),
            Time::from_hms(t[0], t[1], 0).unwrap(),
        )
    }

    const NOW: &str = "2026-12-02 10:00"; // a Wednesday, in winter

    fn at(now: &str) -> OffsetDateTime {
        resolve(local(now), &BERLIN).unwrap()
    }

    /// The words of `phrase` a reading used, as written.
    fn marked(phrase: &str, spans: &[[u32; 2]]) -> Vec<String> {
        let chars: Vec<char> = phrase.chars().collect();
        spans.iter().map(|[a, b]| chars[*a as usize..*b as usize].iter().collect()).collect()
    }

    #[test]
    fn a_reading_marks_the_words_it_used_and_no_other() {
        #[rustfmt::skip]
        let rows: &[(&str, &[&str])] = &[
            ("Let's meet tomorrow at 3pm to discuss", &["tomorrow", "at", "3pm"]),
            ("Can we do Friday the 11th at 10am for 30 minutes?", &["Friday", "the", "11th", "at", "10am", "for", "30", "minutes"]),
            ("Guten Morgen, können wir morgen um 15 Uhr telefonieren?", &["morgen", "um", "15", "Uhr"]),
            ("tonight at 8 ET", &["tonight", "at", "8", "ET"]),
            // Japanese words are marked as written, though read through their rewriting.
            ("明日の午後3時からお願いします", &["明日", "午後", "3時"]),
            ("来週の金曜日 正午", &["来週の", "金曜日", "正午"]),
        ];
        for (phrase, want) in rows {
            let r = parse(phrase, at(NOW), &BERLIN).unwrap_or_else(|e| panic!("{phrase}: {e:?}"));
            assert_eq!(marked(phrase, &r.used), *want, "{phrase}");
        }
    }

    #[test]
    fn a_named_zone_is_kept_as_written_and_its_offset_is_the_one_then() {
        let r = parse("tomorrow 3pm Eastern Time", at(NOW), &BERLIN).unwrap();
        assert_eq!(r.zone, Some(Named { iana: "America/New_York".into(), words: "Eastern Time".into() }));
        // 15:00 EST (UTC-5) is 21:00 in Berlin (UTC+1), shown in the user's zone.
        assert_eq!((r.when.start.hour(), r.when.start.offset().whole_hours()), (21, 1));
        // In July, ET is EDT: 15:00 EDT (UTC-4) is 21:00 CEST (UTC+2).
        let july = parse("2027-07-01 3pm ET", at(NOW), &BERLIN).unwrap();
        assert_eq!((july.when.start.hour(), july.when.start.offset().whole_hours()), (21, 2));
        let fixed = parse("tomorrow 9:00 UTC+05:30", at(NOW), &BERLIN).unwrap();
        assert_eq!(fixed.zone.map(|z| (z.iana, z.words)), Some(("UTC+05:30".into(), "UTC+05:30".into())));
        assert_eq!((fixed.when.start.hour(), fixed.when.start.minute()), (4, 30));
        // A zone the shell does not know is refused, not dropped.
        let unknown = parse("tomorrow 9am JST", at(NOW), &BERLIN).unwrap_err();
        assert_eq!((unknown.refusal, unknown.word.as_deref()), (Refusal::UnknownZone, Some("JST")));
    }

    #[test]
    fn a_refusal_names_the_word_and_where_it_is() {
        #[rustfmt::skip]
        let rows: &[(&str, Refusal, &str)] = &[
            ("PT session tomorrow at 3pm", Refusal::Unread, "PT"),
            ("I'm free today after 3pm", Refusal::Unread, "after"),
            ("Call 555-1234 tomorrow at 3pm", Refusal::Unread, "555"),
            ("tomorrow 3pm BST", Refusal::AmbiguousZone, "BST"),
            ("2027-07-01 3pm EST", Refusal::ZoneSeason, "EST"),
            ("明日15時以降", Refusal::Unread, "以降"),
        ];
        for (phrase, refusal, word) in rows {
            let e = parse(phrase, at(NOW), &BERLIN).unwrap_err();
            assert_eq!((e.refusal, e.word.as_deref()), (*refusal, Some(*word)), "{phrase}");
            assert_eq!(marked(phrase, &[e.at.unwrap()]), vec![word.to_string()], "{phrase}");
        }
        let long = "a".repeat(MAX_TEXT + 1);
        assert_eq!(parse(&long, at(NOW), &BERLIN).unwrap_err().refusal, Refusal::TooLong);
    }

    /// The zone table against the tz database (jiff's bundled copy of IANA's, test-only), not
    /// against examples: every name it maps to exists; every one-season abbreviation is an offset its
    /// zone has; and every abbreviation the database itself uses is read only where the database gives
    /// it one offset (IST and CST have several there, and are refused).
    #[test]
    fn the_zone_table_agrees_with_the_tz_database() {
        let instants: Vec<jiff::Timestamp> = ["2027-01-15T12:00:00Z", "2027-07-15T12:00:00Z"].iter().map(|t| t.parse().unwrap()).collect();
        // Every abbreviation the database uses, with every offset (minutes) it means, in any zone.
        let mut used: std::collections::BTreeMap<String, std::collections::BTreeSet<i32>> = Default::default();
        for name in jiff::tz::db().available() {
            let Ok(tz) = jiff::tz::TimeZone::get(name.as_str()) else { continue };
            for at in &instants {
                let info = tz.to_offset_info(*at);
                used.entry(info.abbreviation().to_lowercase()).or_default().insert(info.offset().seconds() / 60);
            }
        }
        let mut problems = Vec::new();
        for (words, iana, season) in ZONES {
            let Ok(tz) = jiff::tz::TimeZone::get(iana) else {
                problems.push(format!("{words:?}: no zone {iana}"));
                continue;
            };
            let offsets: Vec<i32> = instants.iter().map(|at| tz.to_offset_info(*at).offset().seconds() / 60).collect();
            if season.is_some_and(|m| !offsets.contains(&m)) {
                problems.push(format!("{words:?}: {iana} is never at {season:?} minutes ({offsets:?})"));
            }
            if let [word] = words {
                match used.get(*word) {
                    Some(meanings) if meanings.len() > 1 => problems.push(format!("{word}: the database gives it {meanings:?}: ambiguous")),
                    Some(meanings) if season.is_some_and(|m| !meanings.contains(&m)) => problems.push(format!("{word}: the database's is {meanings:?}")),
                    _ => {}
                }
            }
        }
        for word in AMBIGUOUS_ZONES {
            if let Some(meanings) = used.get(word) {
                assert!(meanings.len() > 1 || ["bst", "gst", "sst", "ast", "ect"].contains(&word), "{word}: one meaning in the database {meanings:?}");
            }
        }
        for word in ["ist", "cst", "pst", "cdt"] {
            assert!(used.get(word).is_some_and(|m| m.len() > 1), "the database gives {word} several offsets");
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn resolve_picks_the_first_of_a_fold_and_refuses_a_gap() {
        let fold = resolve(local("2027-10-31 02:30"), &BERLIN).unwrap();
        assert_eq!(fold.unix_timestamp(), local("2027-10-31 00:30").assume_utc().unix_timestamp());
        assert_eq!(resolve(local("2027-03-28 02:00"), &BERLIN), Err(Refusal::SkippedHour));
        let fixed = UtcOffset::from_hms(5, 30, 0).unwrap();
        assert_eq!(resolve(local("2026-12-03 10:00"), &fixed).unwrap().offset(), fixed);
    }
}
