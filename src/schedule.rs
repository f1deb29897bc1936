//! "Schedule a Meet": a start and a length read from the text the user selected — "tue 3pm",
//! "tomorrow 10:30 for 45 min", "2026-12-03 14:00", "next Friday at noon", and the common forms in
//! German, French, Spanish and Japanese — in the user's time zone. A small grammar, not a guess:
//! a phrase that names no time, names two different days, an hour that could be morning or evening
//! ("at 3"), a day that does not exist, a time already past, or a local time the clocks skip is
//! refused with the reason (issue "From a link to a meeting"). No date-parsing crate reads five
//! languages and fits the wasm; `time` does the calendar arithmetic.
//!
//! Time zones: the pure core has no time-zone database. The browser knows the user's zone; the
//! shell hands it over as a [`Zone`] (the UTC offset in effect at an instant, from `Date`), and
//! [`resolve`] turns a local time into an instant with it — refusing a time in a spring-forward gap,
//! taking the earlier of the two in an autumn fold (Google Calendar and `Date` do the same; the
//! confirmation shows the offset).

use serde::{Deserialize, Serialize};
use time::{Date, Duration, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset, Weekday};

/// Longest selection read, in characters: a date is a phrase, not a page.
pub const MAX_TEXT: usize = 200;

/// The user's time zone: the UTC offset in effect at an instant.
pub trait Zone {
    /// The offset at `instant`.
    fn offset_at(&self, instant: OffsetDateTime) -> UtcOffset;
}

/// A zone with one offset all year (tests, and UTC).
impl Zone for UtcOffset {
    fn offset_at(&self, _: OffsetDateTime) -> UtcOffset {
        *self
    }
}

/// What a phrase says: the start (at the zone's offset then) and the length, if it names one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct When {
    /// The start, carrying the zone's offset at that instant.
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
    /// Two different days or times, or a weekday that is not the date's.
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

/// Reads `text` at `now` (an instant) in `zone`.
pub fn parse(text: &str, now: OffsetDateTime, zone: &impl Zone) -> Result<When, Refusal> {
    if text.chars().count() > MAX_TEXT {
        return Err(Refusal::TooLong);
    }
    let now = now.to_offset(zone.offset_at(now));
    let found = scan(&tokens(&japanese(&normalize(text))))?;
    let minutes = found.length()?;
    if let Some(after) = found.start_in {
        if found.time.is_some() || found.day.is_some() {
            return Err(Refusal::Ambiguous);
        }
        let start = (now + after).replace_second(0).map_err(|_| Refusal::NoSuchDate)?.replace_nanosecond(0).map_err(|_| Refusal::NoSuchDate)?;
        return Ok(When { start, minutes });
    }
    let Some(clock) = found.time else {
        return Err(if found.day.is_some() { Refusal::NoTime } else { Refusal::NotUnderstood });
    };
    let time = clock.time(found.part)?;
    let today = now.date();
    let date = match found.day {
        Some(day) => day.date(today, time, now.time())?,
        // A time alone: today, or tomorrow once it has passed today.
        None if time > now.time() => today,
        None => today.next_day().ok_or(Refusal::NoSuchDate)?,
    };
    // A weekday beside a date must be that date's ("Friday 4 December" on a Thursday is a typo).
    if found.weekday.is_some_and(|wd| wd != date.weekday()) {
        return Err(Refusal::Ambiguous);
    }
    let local = PrimitiveDateTime::new(date, time);
    let start = match found.offset {
        // The phrase names its zone ("14:00 UTC", "3pm CET"): that offset, shown in the user's.
        Some(offset) => local.assume_offset(offset).to_offset(zone.offset_at(local.assume_offset(offset))),
        None => resolve(local, zone)?,
    };
    if start < now - Duration::MINUTE {
        return Err(Refusal::Past);
    }
    Ok(When { start, minutes })
}

/// Lower case; full-width digits and signs (Japanese input) as ASCII; dashes and quotes as one.
fn normalize(text: &str) -> String {
    text.to_lowercase()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '：' => ':',
            '－' | '–' | '—' | '〜' | '～' | '~' => '-',
            '’' | '‘' => '\'',
            '，' | '、' | '。' => ' ',
            _ => c,
        })
        .collect()
}

/// The Japanese forms rewritten as the forms the other languages use, so one grammar reads all:
/// `12月3日` → `3.12.`, `2026年12月3日` → `2026-12-3`, `15時30分`/`15時半` → `15:30`, `15時` →
/// `15:00`, `1時間半` → `90 min`, `30分間` → `30 min`, `…後` → `in …`, `午後`/`午前` → pm/am,
/// `から` → a range, the day words and weekdays → English.
fn japanese(text: &str) -> String {
    const WORDS: [(&str, &str); 14] = [
        ("明後日", " overmorrow "), ("明日", " tomorrow "), ("今日", " today "), ("来週の", " nextweek "), ("来週", " nextweek "),
        ("正午", " noon "), ("午後", " jpm "), ("午前", " jam "), ("から", " - "), ("まで", " "),
        ("の", " "), ("に", " "), ("で", " "), ("は", " "),
    ];
    const WEEKDAYS: [(char, &str); 7] =
        [('月', "monday"), ('火', "tuesday"), ('水', "wednesday"), ('木', "thursday"), ('金', "friday"), ('土', "saturday"), ('日', "sunday")];
    // The weekdays first (`日曜日` holds `日`), as `月曜日` or `月曜`.
    let mut s = text.to_owned();
    for (kanji, day) in WEEKDAYS {
        s = s.replace(&format!("{kanji}曜日"), &format!(" {day} ")).replace(&format!("{kanji}曜"), &format!(" {day} "));
    }
    for (from, to) in WORDS {
        s = s.replace(from, to);
    }
    // Numbers followed by their unit.
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    let number = |i: &mut usize| {
        let start = *i;
        while *i < chars.len() && chars[*i].is_ascii_digit() {
            *i += 1;
        }
        chars[start..*i].iter().collect::<String>()
    };
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let n = number(&mut i);
        let at = |i: usize, word: &str| chars[i..].iter().collect::<String>().starts_with(word);
        if at(i, "年") && i + 1 < chars.len() && chars[i + 1].is_ascii_digit() {
            i += 1;
            let m = number(&mut i);
            if at(i, "月") && i + 1 < chars.len() && chars[i + 1].is_ascii_digit() {
                i += 1;
                let d = number(&mut i);
                i += usize::from(at(i, "日"));
                out.push_str(&format!(" {n}-{m}-{d} "));
            } else {
                out.push_str(&format!(" {n} "));
            }
        } else if at(i, "月") && i + 1 < chars.len() && chars[i + 1].is_ascii_digit() {
            i += 1;
            let d = number(&mut i);
            i += usize::from(at(i, "日"));
            out.push_str(&format!(" {d}.{n}. "));
        } else if at(i, "時間") {
            i += 2;
            let half = at(i, "半");
            i += usize::from(half);
            let minutes = n.parse::<u32>().unwrap_or(u32::MAX / 120).saturating_mul(60) + if half { 30 } else { 0 };
            let later = at(i, "後");
            i += usize::from(later);
            out.push_str(&format!(" {}{minutes} min ", if later { "in " } else { "" }));
        } else if at(i, "時") {
            i += 1;
            let mut minutes = String::from("00");
            if at(i, "半") {
                i += 1;
                minutes = "30".into();
            } else if i < chars.len() && chars[i].is_ascii_digit() {
                let save = i;
                let m = number(&mut i);
                if at(i, "分") {
                    i += 1;
                    minutes = format!("{m:0>2}");
                } else {
                    i = save;
                }
            }
            out.push_str(&format!(" {n}:{minutes}j "));
        } else if at(i, "分") {
            i += 1;
            i += usize::from(at(i, "間"));
            let later = at(i, "後");
            i += usize::from(later);
            out.push_str(&format!(" {}{n} min ", if later { "in " } else { "" }));
        } else {
            out.push_str(&n);
        }
    }
    out
}

/// Words and numbers: split at white space and at punctuation that never belongs to a date or time.
fn tokens(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || ",;!?()\"«»[]".contains(c))
        .flat_map(|t| {
            // A dash between two times is a range: keep it as its own token ("15:00-16:00").
            let t = t.trim_matches(|c: char| c == '.' && !t.ends_with(".m.") && !is_dotted_date(t));
            split_range(t)
        })
        .filter(|t| !t.is_empty())
        .collect()
}

fn is_dotted_date(t: &str) -> bool {
    // `3.12.` and `3.12.2026` keep their dots; `3.` ("3. Dezember") keeps its dot too.
    t.ends_with('.') && t[..t.len() - 1].split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

fn split_range(t: &str) -> Vec<String> {
    if is_iso_date(t) {
        return vec![t.to_owned()];
    }
    match t.split_once('-') {
        Some((a, b)) if !a.is_empty() && !b.is_empty() && a.as_bytes()[0].is_ascii_digit() => vec![a.to_owned(), "-".into(), b.to_owned()],
        _ => vec![t.to_owned()],
    }
}

fn is_iso_date(t: &str) -> bool {
    let parts: Vec<&str> = t.split('-').collect();
    parts.len() == 3 && parts[0].len() == 4 && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// How an hour was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A 24-hour clock: `15:00`, `09:30`, `15 Uhr`, `15h`.
    H24,
    /// `3am`.
    Am,
    /// `3pm`.
    Pm,
    /// `10:30`, `3時`: morning or evening unless the phrase says (`午後`, `de la tarde`).
    Plain,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Clock {
    hour: u8,
    minute: u8,
    kind: Kind,
}

impl Clock {
    /// A clock as written; [`Clock::time`] says whether it exists (`25:00` does not).
    fn new(hour: u32, minute: u32, kind: Kind) -> Option<Self> {
        Some(Clock { hour: u8::try_from(hour).ok()?, minute: u8::try_from(minute).ok()?, kind })
    }

    /// The time of day; `part` is the phrase's morning/evening word, if any.
    fn time(self, part: Option<Kind>) -> Result<Time, Refusal> {
        let kind = match (self.kind, part) {
            (Kind::Plain, Some(p)) => p,
            (k, _) => k,
        };
        let hour = match kind {
            Kind::Am | Kind::Pm if !(1..=12).contains(&self.hour) => return Err(Refusal::NoSuchDate),
            Kind::Am => self.hour % 12,
            Kind::Pm => self.hour % 12 + 12,
            Kind::Plain if (1..=7).contains(&self.hour) => return Err(Refusal::BareHour),
            _ => self.hour,
        };
        Time::from_hms(hour, self.minute, 0).map_err(|_| Refusal::NoSuchDate)
    }
}

/// A day, as the phrase names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Day {
    /// A date: year (none: the next such date), month, day.
    Date(Option<i32>, u8, u8),
    /// Today plus n days.
    After(u8),
    /// A weekday: the next one (today if the time is still ahead), the next one after today
    /// ("next Friday"), or the one in next week (`来週`).
    Weekday(Weekday, Next),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Next {
    Coming,
    AfterToday,
    InNextWeek,
}

impl Day {
    fn date(self, today: Date, time: Time, now: Time) -> Result<Date, Refusal> {
        let add = |d: Date, n: i64| d.checked_add(Duration::days(n)).ok_or(Refusal::NoSuchDate);
        match self {
            Day::After(n) => add(today, i64::from(n)),
            Day::Weekday(wd, next) => {
                let ahead = i64::from((7 + wd.number_days_from_monday() - today.weekday().number_days_from_monday()) % 7);
                match next {
                    Next::Coming if ahead == 0 && time <= now => add(today, 7),
                    Next::Coming => add(today, ahead),
                    Next::AfterToday => add(today, if ahead == 0 { 7 } else { ahead }),
                    Next::InNextWeek => {
                        let monday = add(today, -i64::from(today.weekday().number_days_from_monday()))?;
                        add(monday, 7 + i64::from(wd.number_days_from_monday()))
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

/// What the scan found.
#[derive(Debug, Default)]
struct Found {
    day: Option<Day>,
    weekday: Option<Weekday>,
    time: Option<Clock>,
    end: Option<Clock>,
    minutes: Option<u32>,
    start_in: Option<Duration>,
    part: Option<Kind>,
    offset: Option<UtcOffset>,
}

impl Found {
    fn set_day(&mut self, day: Day) -> Result<(), Refusal> {
        match self.day {
            // A weekday and a date: the date, checked against the weekday at the end.
            Some(d) if d != day && !matches!(d, Day::Weekday(..)) => Err(Refusal::Ambiguous),
            _ => {
                self.day = Some(day);
                Ok(())
            }
        }
    }

    fn set_time(&mut self, clock: Clock) -> Result<(), Refusal> {
        match self.time {
            Some(t) if t != clock => Err(Refusal::Ambiguous),
            _ => {
                self.time = Some(clock);
                Ok(())
            }
        }
    }

    fn add_minutes(&mut self, minutes: u32) {
        self.minutes = Some(self.minutes.unwrap_or(0).saturating_add(minutes));
    }

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

const WEEKDAYS: &[(&str, Weekday)] = &[
    ("monday", Weekday::Monday), ("mon", Weekday::Monday), ("montag", Weekday::Monday), ("lundi", Weekday::Monday), ("lunes", Weekday::Monday),
    ("tuesday", Weekday::Tuesday), ("tue", Weekday::Tuesday), ("tues", Weekday::Tuesday), ("dienstag", Weekday::Tuesday), ("mardi", Weekday::Tuesday), ("martes", Weekday::Tuesday),
    ("wednesday", Weekday::Wednesday), ("wed", Weekday::Wednesday), ("mittwoch", Weekday::Wednesday), ("mercredi", Weekday::Wednesday), ("miércoles", Weekday::Wednesday), ("miercoles", Weekday::Wednesday),
    ("thursday", Weekday::Thursday), ("thu", Weekday::Thursday), ("thurs", Weekday::Thursday), ("donnerstag", Weekday::Thursday), ("jeudi", Weekday::Thursday), ("jueves", Weekday::Thursday),
    ("friday", Weekday::Friday), ("fri", Weekday::Friday), ("freitag", Weekday::Friday), ("vendredi", Weekday::Friday), ("viernes", Weekday::Friday),
    ("saturday", Weekday::Saturday), ("sat", Weekday::Saturday), ("samstag", Weekday::Saturday), ("samedi", Weekday::Saturday), ("sábado", Weekday::Saturday),
    ("sabado", Weekday::Saturday),
    ("sunday", Weekday::Sunday), ("sun", Weekday::Sunday), ("sonntag", Weekday::Sunday), ("dimanche", Weekday::Sunday), ("domingo", Weekday::Sunday),
];

/// Month names and their usual abbreviations, read only next to a day number ("may" alone is a verb).
const MONTHS: &[(&str, u8)] = &[
    ("january", 1), ("jan", 1), ("januar", 1), ("janvier", 1), ("janv", 1), ("enero", 1),
    ("february", 2), ("feb", 2), ("februar", 2), ("février", 2), ("févr", 2), ("febrero", 2),
    ("march", 3), ("mar", 3), ("märz", 3), ("mars", 3), ("marzo", 3),
    ("april", 4), ("apr", 4), ("avril", 4), ("abril", 4),
    ("may", 5), ("mai", 5), ("mayo", 5),
    ("june", 6), ("jun", 6), ("juni", 6), ("juin", 6), ("junio", 6),
    ("july", 7), ("jul", 7), ("juli", 7), ("juillet", 7), ("julio", 7),
    ("august", 8), ("aug", 8), ("août", 8), ("agosto", 8),
    ("september", 9), ("sep", 9), ("sept", 9), ("septembre", 9), ("septiembre", 9),
    ("october", 10), ("oct", 10), ("oktober", 10), ("octobre", 10), ("octubre", 10),
    ("okt", 10),
    ("november", 11), ("nov", 11), ("novembre", 11), ("noviembre", 11),
    ("december", 12), ("dec", 12), ("dezember", 12), ("dez", 12), ("décembre", 12), ("déc", 12), ("diciembre", 12), ("dic", 12),
];

fn month(word: &str) -> Option<u8> {
    MONTHS.iter().find(|(w, _)| *w == word).map(|(_, m)| *m)
}

fn weekday(word: &str) -> Option<Weekday> {
    WEEKDAYS.iter().find(|(w, _)| *w == word).map(|(_, d)| *d)
}

const NEXT_BEFORE: [&str; 9] = ["next", "nächsten", "nächste", "nächster", "kommenden", "kommende", "kommender", "próximo", "próxima"];
const NEXT_AFTER: [&str; 2] = ["prochain", "prochaine"];
const HOURS: [&str; 12] = ["h", "hr", "hrs", "hour", "hours", "stunde", "stunden", "std", "heure", "heures", "hora", "horas"];
const MINUTES: [&str; 9] = ["min", "mins", "minute", "minutes", "minuten", "minuto", "minutos", "mn", "m"];
const FOR: [&str; 7] = ["for", "für", "pendant", "pour", "durante", "por", "during"];
const IN: [&str; 3] = ["in", "dans", "en"];
const ONE: [&str; 9] = ["a", "an", "one", "eine", "einer", "une", "un", "una", "1"];
const TO: [&str; 9] = ["-", "to", "until", "till", "bis", "à", "a", "hasta", "jusqu'à"];
const AT: [&str; 7] = ["at", "um", "à", "a", "las", "vers", "gegen"];
const FROM: [&str; 6] = ["from", "von", "de", "desde", "entre", "between"];
const NOON: [&str; 7] = ["noon", "midday", "mittag", "mittags", "midi", "mediodía", "mediodia"];
const MIDNIGHT: [&str; 4] = ["midnight", "mitternacht", "minuit", "medianoche"];

/// `15:00`, `9:30`, `3pm`, `3:30pm`, `3p.m.`, `15h`, `15h30`, `15:30j` (from `時`).
fn clock(t: &str) -> Option<Clock> {
    let (body, kind) = if let Some(b) = t.strip_suffix("pm").or_else(|| t.strip_suffix("p.m.")) {
        (b, Some(Kind::Pm))
    } else if let Some(b) = t.strip_suffix("am").or_else(|| t.strip_suffix("a.m.")) {
        (b, Some(Kind::Am))
    } else if let Some(b) = t.strip_suffix('j') {
        (b, Some(Kind::Plain))
    } else {
        (t, None)
    };
    let digits = |s: &str| !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit());
    let num = |s: &str| s.parse::<u32>().ok();
    let (h, m, sep) = if let Some((h, m)) = body.split_once(':') {
        (h, m, ':')
    } else if let Some((h, m)) = body.split_once('h') {
        (h, m, 'h')
    } else {
        (body, "", ' ')
    };
    if !digits(h) || !(m.is_empty() || (m.len() == 2 && digits(m))) {
        return None;
    }
    if sep == ' ' && kind.is_none() {
        return None; // a bare number is not a time by itself
    }
    if sep == ':' && m.is_empty() {
        return None;
    }
    let (hour, minute) = (num(h)?, if m.is_empty() { 0 } else { num(m)? });
    let kind = kind.unwrap_or(if sep == 'h' || hour >= 13 || hour == 0 || h.starts_with('0') { Kind::H24 } else { Kind::Plain });
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

fn number(t: &str) -> Option<u32> {
    (!t.is_empty() && t.len() <= 4 && t.bytes().all(|b| b.is_ascii_digit())).then(|| t.parse().ok()).flatten()
}

/// A length written as one token: `45min`, `90m`, `1h`, `1h30`, `2hrs` (only after "for").
fn length_token(t: &str) -> Option<u32> {
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

/// One pass over the words, left to right.
fn scan(words: &[String]) -> Result<Found, Refusal> {
    let mut f = Found::default();
    let w = |i: usize| words.get(i).map_or("", String::as_str);
    let mut i = 0;
    while i < words.len() {
        let t = w(i);
        let prev = if i > 0 { w(i - 1) } else { "" };
        if let Some(offset) = zone_offset(t) {
            if f.offset.is_some_and(|o| o != offset) {
                return Err(Refusal::Ambiguous);
            }
            f.offset = Some(offset);
            i += 1;
            continue;
        }
        // Day words.
        let day_word = match t {
            "today" | "heute" | "aujourd'hui" | "hoy" => Some(0),
            "tomorrow" if prev == "after" && i >= 2 && w(i - 2) == "day" => Some(2),
            "tomorrow" | "morgen" | "demain" => Some(1),
            "mañana" | "manana" if prev == "pasado" => Some(2),
            "mañana" | "manana" if prev == "la" => None, // "por la mañana": the morning
            "mañana" | "manana" => Some(1),
            "overmorrow" | "übermorgen" | "après-demain" => Some(2),
            _ => None,
        };
        if let Some(n) = day_word {
            f.set_day(Day::After(n))?;
            i += 1;
            continue;
        }
        // Morning/evening words for the whole phrase.
        let part = match (prev, t) {
            ("la", "mañana" | "manana") | (_, "jam") | ("du", "matin") | ("the", "morning") | (_, "vormittags" | "morgens") => Some(Kind::Am),
            ("la", "tarde" | "noche") | (_, "jpm") | ("du", "soir") | ("the", "afternoon" | "evening") | (_, "nachmittags" | "abends") => Some(Kind::Pm),
            _ => None,
        };
        if let Some(p) = part {
            if f.part.is_some_and(|q| q != p) {
                return Err(Refusal::Ambiguous);
            }
            f.part = Some(p);
            i += 1;
            continue;
        }
        if let Some(wd) = weekday(t) {
            let next = if NEXT_BEFORE.contains(&prev) || NEXT_AFTER.contains(&w(i + 1)) || (w(i + 1) == "que" && w(i + 2) == "viene") {
                Next::AfterToday
            } else if prev == "nextweek" {
                Next::InNextWeek
            } else {
                Next::Coming
            };
            if f.weekday.is_some_and(|d| d != wd) {
                return Err(Refusal::Ambiguous);
            }
            f.weekday = Some(wd);
            if f.day.is_none() || matches!(f.day, Some(Day::Weekday(..))) {
                f.day = Some(Day::Weekday(wd, next));
            }
            i += 1;
            continue;
        }
        if NOON.contains(&t) || MIDNIGHT.contains(&t) {
            f.set_time(Clock { hour: if NOON.contains(&t) { 12 } else { 0 }, minute: 0, kind: Kind::H24 })?;
            i += 1;
            continue;
        }
        // "in 2 hours", "dans 30 minutes": a start from now.
        if IN.contains(&t) {
            if let Some((minutes, used)) = length_at(words, i + 1) {
                f.start_in = Some(Duration::minutes(i64::from(minutes)));
                i += 1 + used;
                continue;
            }
        }
        // "for 45 min", "45 min", "1h30" after "for" (without it, `15h` is a time), "half an hour".
        let after_for = FOR.contains(&prev);
        if let Some((minutes, used)) = length_at(words, i).filter(|_| after_for || clock(t).is_none()) {
            f.add_minutes(minutes);
            i += used;
            continue;
        }
        // Dates: numeric forms, then "3 December", "December 3", "3. Dezember", "3 de diciembre".
        if let Some(day) = date(t)? {
            f.set_day(day)?;
            i += 1;
            continue;
        }
        if let Some(d) = number(t.trim_end_matches('.')).filter(|d| (1..=31).contains(d)) {
            let of = if w(i + 1) == "de" { 2 } else { 1 };
            if let Some(m) = month(w(i + of).trim_end_matches('.')) {
                let y = number(w(i + of + 1)).filter(|y| *y >= 1000).map(|y| y as i32);
                f.set_day(Day::Date(y, m, d as u8))?;
                i += of + 1 + usize::from(y.is_some());
                continue;
            }
        }
        if let Some(m) = month(t.trim_end_matches('.')) {
            if let Some(d) = number(w(i + 1).trim_end_matches(['.', ','])).filter(|d| (1..=31).contains(d)) {
                let y = number(w(i + 2)).filter(|y| *y >= 1000).map(|y| y as i32);
                f.set_day(Day::Date(y, m, d as u8))?;
                i += 2 + usize::from(y.is_some());
                continue;
            }
        }
        // Times, and what follows them: a marker ("15 Uhr", "3 pm", "15 h"), a range's end.
        let range_next = TO.contains(&w(i + 1)) && matches!(time_at(words, i + 2, true), Ok(Some(_)));
        if let Some((start, used)) = time_at(words, i, AT.contains(&prev) || FROM.contains(&prev) || range_next)? {
            let mut start = start;
            let mut j = i + used;
            if TO.contains(&w(j)) {
                if let Some((end, used_end)) = time_at(words, j + 1, true)? {
                    // "3-4pm", "von 15 bis 16 Uhr": the first takes the second's marker.
                    if start.kind == Kind::Plain && end.kind != Kind::Plain {
                        start.kind = end.kind;
                        if end.kind == Kind::Pm && start.hour > end.hour && start.hour < 12 {
                            start.kind = Kind::Am; // "11-1pm"
                        }
                    }
                    if f.end.is_some() {
                        return Err(Refusal::Ambiguous);
                    }
                    f.end = Some(end);
                    j += 1 + used_end;
                }
            }
            f.set_time(start)?;
            i = j;
            continue;
        }
        i += 1;
    }
    Ok(f)
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
        let n = if ONE.contains(&w(k)) && !w(k).is_empty() { Some(1) } else { number(w(k)) };
        if let Some(n) = n {
            if HOURS.contains(&w(k + 1)) {
                return Some((n.saturating_mul(60), 2));
            }
            if MINUTES.contains(&w(k + 1)) && number(w(k)).is_some() {
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
/// `15 h`, and — right after "at", "um", "à", "a las" or a range's "to" — a bare hour (`at 3` is
/// refused as morning-or-evening unless the phrase says which; `at 15` is 15:00).
fn time_at(words: &[String], i: usize, bare_ok: bool) -> Result<Option<(Clock, usize)>, Refusal> {
    let w = |k: usize| words.get(k).map_or("", String::as_str);
    let t = w(i);
    let marker = match w(i + 1) {
        "uhr" | "h" | "heures" | "heure" => Some(Kind::H24),
        "am" | "a.m." => Some(Kind::Am),
        "pm" | "p.m." => Some(Kind::Pm),
        _ => None,
    };
    // "15.30 Uhr": a dot between hour and minutes only with a marker after it.
    let dotted = t.split_once('.').filter(|(h, m)| marker.is_some() && !h.is_empty() && m.len() == 2).map(|(h, m)| format!("{h}:{m}"));
    let read = dotted.as_deref().unwrap_or(t);
    if let Some(mut c) = clock(read) {
        if let Some(k) = marker {
            if c.kind == Kind::Plain || c.kind == Kind::H24 && k != Kind::H24 && c.hour <= 12 {
                c.kind = k;
            }
            return Ok(Some((c, 2)));
        }
        return Ok(Some((c, 1)));
    }
    if let Some(h) = number(t).filter(|h| *h <= 24 && t.len() <= 2) {
        if let Some(k) = marker {
            return Ok(Clock::new(h, 0, k).map(|c| (c, 2)));
        }
        if bare_ok {
            let kind = if h >= 13 || h == 0 || t.starts_with('0') { Kind::H24 } else { Kind::Plain };
            return Ok(Clock::new(h, 0, kind).map(|c| (c, 1)));
        }
    }
    Ok(None)
}

/// Zones a phrase may name: UTC/GMT with an optional offset (`utc+2`, `gmt-05:00`) and the
/// abbreviations that mean one offset only. Ambiguous ones (`ist`, `bst`, `cst`) are not read.
fn zone_offset(t: &str) -> Option<UtcOffset> {
    const NAMED: [(&str, i8); 12] = [
        ("cet", 1), ("cest", 2), ("eet", 2), ("eest", 3), ("wet", 0), ("west", 1),
        ("est", -5), ("edt", -4), ("pst", -8), ("pdt", -7), ("jst", 9), ("mez", 1),
    ];
    if let Some((_, h)) = NAMED.iter().find(|(n, _)| *n == t) {
        return UtcOffset::from_hms(*h, 0, 0).ok();
    }
    let rest = t.strip_prefix("utc").or_else(|| t.strip_prefix("gmt"))?;
    if rest.is_empty() {
        return Some(UtcOffset::UTC);
    }
    let (sign, rest) = match rest.as_bytes()[0] {
        b'+' => (1, &rest[1..]),
        b'-' => (-1, &rest[1..]),
        _ => return None,
    };
    let (h, m) = rest.split_once(':').unwrap_or((rest, "0"));
    let (h, m) = (number(h).filter(|h| *h <= 14)?, number(m).filter(|m| *m < 60)?);
    UtcOffset::from_hms(sign * h as i8, sign * m as i8, 0).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A zone with daylight-saving time, by its rules (the pure core gets real zones from the
    /// browser; these two follow the EU and US rules).
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

    /// `phrase` read at `now` (local) in `zone`: "YYYY-MM-DD HH:MM ±HH:MM" and the length.
    fn read(zone: &Rules, now: &str, phrase: &str) -> Reading {
        let now = resolve(local(now), zone).unwrap();
        let w = parse(phrase, now, zone)?;
        let s = w.start;
        assert_eq!(s.offset(), zone.offset_at(s), "{phrase}: the start carries the zone's offset then");
        let (h, m) = (s.offset().whole_hours(), s.offset().minutes_past_hour().abs());
        Ok((format!("{} {:02}:{:02} {h:+03}:{m:02}", s.date(), s.hour(), s.minute()), w.minutes))
    }

    const NOW: &str = "2026-12-02 10:00"; // a Wednesday, in winter

    /// A phrase's reading: "YYYY-MM-DD HH:MM ±HH:MM" and the length.
    type Reading = Result<(String, Option<u32>), Refusal>;

    #[test]
    fn phrases_in_five_languages() {
        use Refusal::*;
        let ok = |at: &str, minutes: Option<u32>| Ok((at.to_owned(), minutes));
        #[rustfmt::skip]
        let rows: &[(&str, Reading)] = &[
            // English
            ("tue 3pm", ok("2026-12-08 15:00 +01:00", None)),
            ("tomorrow 10:30 for 45 min", ok("2026-12-03 10:30 +01:00", Some(45))),
            ("2026-12-03 14:00", ok("2026-12-03 14:00 +01:00", None)),
            ("next Friday at noon", ok("2026-12-04 12:00 +01:00", None)),
            ("Thursday, December 3, 3-4pm", ok("2026-12-03 15:00 +01:00", Some(60))),
            ("the day after tomorrow at 9:15am for half an hour", ok("2026-12-04 09:15 +01:00", Some(30))),
            ("Can we meet Dec 10 at 11:30am for 1 hour 30 minutes?", ok("2026-12-10 11:30 +01:00", Some(90))),
            ("in 2 hours", ok("2026-12-02 12:00 +01:00", None)),
            ("9am", ok("2026-12-03 09:00 +01:00", None)),
            ("3 Jan 10am", ok("2027-01-03 10:00 +01:00", None)),
            // German
            ("morgen um 15 Uhr", ok("2026-12-03 15:00 +01:00", None)),
            ("Freitag 14:30 für 1 Stunde", ok("2026-12-04 14:30 +01:00", Some(60))),
            ("nächsten Montag von 10 bis 11 Uhr", ok("2026-12-07 10:00 +01:00", Some(60))),
            ("3.12. 9:00", ok("2026-12-03 09:00 +01:00", None)),
            ("übermorgen 16.30 Uhr", ok("2026-12-04 16:30 +01:00", None)),
            ("am 24. Dezember um 12 Uhr", ok("2026-12-24 12:00 +01:00", None)),
            // French
            ("demain à 10h30", ok("2026-12-03 10:30 +01:00", None)),
            ("vendredi prochain à midi", ok("2026-12-04 12:00 +01:00", None)),
            ("le 3 décembre de 14h à 15h30", ok("2026-12-03 14:00 +01:00", Some(90))),
            ("lundi 9h pendant 45 minutes", ok("2026-12-07 09:00 +01:00", Some(45))),
            ("après-demain 15h", ok("2026-12-04 15:00 +01:00", None)),
            // Spanish
            ("mañana a las 10:30", ok("2026-12-03 10:30 +01:00", None)),
            ("el próximo viernes a las 3 de la tarde", ok("2026-12-04 15:00 +01:00", None)),
            ("pasado mañana a las 9 de la mañana", ok("2026-12-04 09:00 +01:00", None)),
            ("3 de diciembre 16:00 durante 1 hora", ok("2026-12-03 16:00 +01:00", Some(60))),
            ("hoy a las 18:00", ok("2026-12-02 18:00 +01:00", None)),
            // Japanese
            ("明日15時", ok("2026-12-03 15:00 +01:00", None)),
            ("12月3日 14時30分", ok("2026-12-03 14:30 +01:00", None)),
            ("来週の金曜日 正午", ok("2026-12-11 12:00 +01:00", None)),
            ("明後日 午後3時から1時間", ok("2026-12-04 15:00 +01:00", Some(60))),
            ("2026年12月24日 10時半", ok("2026-12-24 10:30 +01:00", None)),
            ("２時間後", ok("2026-12-02 12:00 +01:00", None)),
            // A zone named in the phrase: that zone's time, shown in the user's.
            ("tomorrow 3pm UTC", ok("2026-12-03 16:00 +01:00", None)),
            ("3.12. 15:00 EST", ok("2026-12-03 21:00 +01:00", None)),
            ("tomorrow 9:00 UTC+05:30", ok("2026-12-03 04:30 +01:00", None)),
            // Refused, with the reason
            ("at 3", Err(BareHour)),
            ("3時", Err(BareHour)),
            ("tomorrow", Err(NoTime)),
            ("lorem ipsum", Err(NotUnderstood)),
            ("", Err(NotUnderstood)),
            ("3/4 at 10am", Err(Ambiguous)),
            ("Friday 3 December 10am", Err(Ambiguous)),
            ("tomorrow or Friday at 10am", Err(Ambiguous)),
            ("15:00 - 16:00 für 30 Minuten", Err(Ambiguous)),
            ("Feb 30 10am", Err(NoSuchDate)),
            ("31.04. 10:00", Err(NoSuchDate)),
            ("25:00", Err(NoSuchDate)),
            ("2026-11-01 14:00", Err(Past)),
            ("10:00-9:30", Err(BadLength)),
            ("tomorrow 10am for 9 hours", Err(BadLength)),
        ];
        let wrong: Vec<String> = rows.iter().filter(|(p, want)| &read(&BERLIN, NOW, p) != want)
            .map(|(p, want)| format!("{p:?}: got {:?}, want {want:?}", read(&BERLIN, NOW, p))).collect();
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
        assert!(rows.len() >= 30);
        assert_eq!(read(&BERLIN, NOW, &"a".repeat(MAX_TEXT + 1)), Err(TooLong));
    }

    #[test]
    fn daylight_saving_edges() {
        use Refusal::*;
        let ok = |at: &str, minutes: Option<u32>| Ok((at.to_owned(), minutes));
        let rows: &[(&Rules, &str, &str, Reading)] = &[
            // Spring forward: 02:00–03:00 does not exist that night.
            (&BERLIN, NOW, "2027-03-28 02:30", Err(SkippedHour)),
            (&BERLIN, NOW, "2027-03-28 01:59", ok("2027-03-28 01:59 +01:00", None)),
            (&BERLIN, NOW, "2027-03-28 03:00", ok("2027-03-28 03:00 +02:00", None)),
            (&NEW_YORK, NOW, "2027-03-14 02:30", Err(SkippedHour)),
            (&NEW_YORK, NOW, "14.3.2027 3:30pm", ok("2027-03-14 15:30 -04:00", None)),
            // Fall back: 02:00–03:00 (Berlin), 01:00–02:00 (New York) happen twice: the first.
            (&BERLIN, NOW, "2027-10-31 02:30", ok("2027-10-31 02:30 +02:00", None)),
            (&NEW_YORK, NOW, "2027-11-07 01:30", ok("2027-11-07 01:30 -04:00", None)),
            (&NEW_YORK, NOW, "2027-11-07 02:30", ok("2027-11-07 02:30 -05:00", None)),
            // "Tomorrow" is the user's tomorrow: 23:30 in New York is already the next day in UTC.
            (&NEW_YORK, "2026-12-02 23:30", "tomorrow 9am", ok("2026-12-03 09:00 -05:00", None)),
            // The night before the clocks change: "tomorrow 10am" is in the new offset.
            (&BERLIN, "2027-03-27 20:00", "tomorrow 10am", ok("2027-03-28 10:00 +02:00", None)),
            // A weekday that is today: today while the time is ahead, else next week.
            (&BERLIN, NOW, "Wednesday 11am", ok("2026-12-02 11:00 +01:00", None)),
            (&BERLIN, NOW, "Wednesday 9am", ok("2026-12-09 09:00 +01:00", None)),
            (&BERLIN, NOW, "next Wednesday 11am", ok("2026-12-09 11:00 +01:00", None)),
        ];
        for (zone, now, phrase, want) in rows {
            assert_eq!(&read(zone, now, phrase), want, "{phrase:?} at {now}");
        }
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
