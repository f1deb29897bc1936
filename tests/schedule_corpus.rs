//! The schedule reader on its corpus (`tests/schedule/corpus.tsv`): every phrase read in three user
//! zones (Europe/Berlin, America/New_York, Asia/Kolkata) at Wednesday 2026-12-02 10:00 local, each
//! reading compared with the one the corpus gives. Zones come from a real time-zone database (jiff's
//! bundled tzdb), as the browser's `Intl` gives them in the extension.
//!
//! Corpus rows: `lang<TAB>phrase<TAB>expected<TAB>source[<TAB>note]`. Expected is
//! `YYYY-MM-DD HH:MM` (local, in the user's zone), with ` +N` for a length in minutes and
//! ` @Area/City` when the phrase named a zone (the time is then that zone's); or `!refusal word` for
//! a refusal (the word it names, as written, when it names one). A zone whose answer differs is
//! written after ` ; `: `Asia/Kolkata=!ambiguous`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use meetlink::schedule::{parse, Zone};
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// A zone from the tz database.
struct Tz(jiff::tz::TimeZone);

impl Zone for Tz {
    fn offset_at(&self, instant: OffsetDateTime) -> UtcOffset {
        let ts = jiff::Timestamp::from_second(instant.unix_timestamp()).expect("in range");
        UtcOffset::from_whole_seconds(self.0.to_offset(ts).seconds()).expect("an offset")
    }
    fn named(&self, iana: &str) -> Option<Self> {
        jiff::tz::TimeZone::get(iana).ok().map(Tz)
    }
}

/// The user's zones the corpus is read in.
pub const ZONES: [&str; 3] = ["Europe/Berlin", "America/New_York", "Asia/Kolkata"];

/// Wednesday 2026-12-02 10:00 in `zone`.
fn now(zone: &Tz) -> OffsetDateTime {
    let local = PrimitiveDateTime::new(Date::from_calendar_date(2026, Month::December, 2).unwrap(), Time::from_hms(10, 0, 0).unwrap());
    meetlink::schedule::resolve(local, zone).unwrap()
}

/// The reading of `phrase` in `zone`, as the corpus writes it.
fn reading(zone_name: &str, phrase: &str) -> String {
    let zone = Tz(jiff::tz::TimeZone::get(zone_name).unwrap());
    match parse(phrase, now(&zone), &zone) {
        Ok(r) => {
            let (at, suffix) = match &r.zone {
                Some(named) if named.iana.contains('/') => {
                    let z = zone.named(&named.iana).unwrap();
                    (r.when.start.to_offset(z.offset_at(r.when.start)), format!(" @{}", named.iana))
                }
                Some(named) => {
                    let o = if named.iana == "UTC" { UtcOffset::UTC } else { offset_of(&named.iana) };
                    (r.when.start.to_offset(o), format!(" @{}", named.iana))
                }
                None => (r.when.start, String::new()),
            };
            let len = r.when.minutes.map(|m| format!(" +{m}")).unwrap_or_default();
            // Within hours of a clock change the local time alone does not say which instant: the
            // offset is written too ("2027-11-07 01:30 -04:00" is the first of the two).
            let (before, after) = (zone.offset_at(r.when.start - time::Duration::hours(3)), zone.offset_at(r.when.start + time::Duration::hours(3)));
            let offset = if before != after && r.zone.is_none() {
                let o = at.offset();
                format!(" {}{:02}:{:02}", if o.is_negative() { '-' } else { '+' }, o.whole_hours().abs(), o.minutes_past_hour().abs())
            } else {
                String::new()
            };
            format!("{} {:02}:{:02}{offset}{len}{suffix}", at.date(), at.hour(), at.minute())
        }
        Err(e) => {
            let name = serde_json::to_value(e.refusal).unwrap().as_str().unwrap().to_owned();
            match e.word {
                Some(w) => format!("!{name} {w}"),
                None => format!("!{name}"),
            }
        }
    }
}

/// `UTC+05:30` → its offset.
fn offset_of(name: &str) -> UtcOffset {
    let rest = &name[3..];
    let sign = if rest.starts_with('-') { -1 } else { 1 };
    let (h, m) = rest[1..].split_once(':').unwrap();
    UtcOffset::from_hms(sign * h.parse::<i8>().unwrap(), sign * m.parse::<i8>().unwrap(), 0).unwrap()
}

struct Row<'a> {
    line: usize,
    lang: &'a str,
    phrase: &'a str,
    expected: &'a str,
    source: &'a str,
}

fn rows(corpus: &str) -> Vec<Row<'_>> {
    corpus
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(n, l)| {
            let f: Vec<&str> = l.split('\t').collect();
            assert!(f.len() >= 4, "line {}: lang, phrase, expected, source: {l:?}", n + 1);
            Row { line: n + 1, lang: f[0], phrase: f[1], expected: f[2], source: f[3] }
        })
        .collect()
}

/// The expected reading in `zone`: the first part, or the zone's own after ` ; `.
fn expected_in<'a>(expected: &'a str, zone: &str) -> &'a str {
    let mut parts = expected.split(" ; ");
    let default = parts.next().unwrap_or("");
    parts.find_map(|p| p.strip_prefix(zone).and_then(|r| r.strip_prefix('='))).unwrap_or(default)
}

#[test]
fn corpus_reads_as_labelled_in_three_zones() {
    let corpus = include_str!("schedule/corpus.tsv");
    let rows = rows(corpus);
    let mut wrong = Vec::new();
    let print = std::env::var("MEETLINK_CORPUS_PRINT").is_ok();
    for row in &rows {
        for zone in ZONES {
            let got = reading(zone, row.phrase);
            let want = expected_in(row.expected, zone);
            if print {
                println!("{}\t{}\t{got}\t{}\t{zone}", row.lang, row.phrase, row.source);
            }
            if got != want {
                wrong.push(format!("line {} [{zone}] {:?}: got {got:?}, want {want:?}", row.line, row.phrase));
            }
        }
    }
    // The figures the README quotes.
    let mut by_lang: Vec<(&str, usize, usize)> = Vec::new();
    for row in &rows {
        let read = !row.expected.starts_with('!');
        match by_lang.iter_mut().find(|(l, ..)| *l == row.lang) {
            Some(e) => {
                e.1 += 1;
                e.2 += usize::from(read);
            }
            None => by_lang.push((row.lang, 1, usize::from(read))),
        }
    }
    let total = rows.len();
    let read: usize = by_lang.iter().map(|e| e.2).sum();
    println!("schedule corpus: {total} phrases × {} zones, {} wrong; read {read} ({:.0} %), refused {} ({:.0} %)", ZONES.len(), wrong.len(), 100.0 * read as f64 / total as f64, total - read, 100.0 * (total - read) as f64 / total as f64);
    for (lang, n, r) in &by_lang {
        println!("  {lang}: {n} phrases, read {r}, refused {}", n - r);
    }
    let sources: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.source.split(':').next().unwrap_or("")).collect();
    println!("  sources: {}", sources.into_iter().collect::<Vec<_>>().join(", "));
    assert!(wrong.is_empty(), "{} wrong readings:\n{}", wrong.len(), wrong.join("\n"));
    assert!(total >= 400, "at least 400 phrases, not {total}");
    assert!(by_lang.iter().find(|e| e.0 == "en").is_some_and(|e| e.1 >= 200), "at least 200 English phrases");
    for lang in ["de", "fr", "es", "ja"] {
        assert!(by_lang.iter().find(|e| e.0 == lang).is_some_and(|e| e.1 >= 40), "at least 40 phrases in {lang}");
    }
}

#[test]
fn labels_are_well_formed() {
    // A label the reader can never print would make a row that can never pass — or one that passes
    // by accident; every label must be of the reader's form.
    for row in rows(include_str!("schedule/corpus.tsv")) {
        assert!(["en", "de", "fr", "es", "ja"].contains(&row.lang), "line {}: language {:?}", row.line, row.lang);
        assert!(!row.source.is_empty(), "line {}: a source", row.line);
        for part in row.expected.split(" ; ") {
            let label = part.split_once('=').filter(|(z, _)| z.contains('/')).map_or(part, |(_, l)| l);
            let ok = label.starts_with('!') && label.len() > 1
                || label.len() >= 16 && label[..16].chars().enumerate().all(|(i, c)| match i {
                    4 | 7 => c == '-',
                    10 => c == ' ',
                    13 => c == ':',
                    _ => c.is_ascii_digit(),
                });
            assert!(ok, "line {}: {label:?} is not a reading", row.line);
        }
    }
}
