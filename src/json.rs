//! JSON in and out, without serde: a value tree, a parser, a printer, and two small traits the
//! types on the wire implement by hand.
//!
//! Why not serde: measured in this crate (issue "Instant links", `tests/bench/size.py`), serde's
//! derived visitors, serde-wasm-bindgen and the float formatting serde's error messages pull in were
//! ~100 KB of the wasm — a third of it — for a few dozen small records. The worker reads and writes
//! only objects of strings, booleans, integers and arrays; this module does exactly that in a few
//! KB, and the shell crosses into JavaScript with `JSON.stringify` / `JSON.parse`.
//!
//! Numbers are read as `f64` (as JavaScript does) and written as integers: nothing MeetLink writes
//! is fractional (times in ms, minutes, counters).

use crate::prelude::*;

/// A JSON value. Objects keep their keys in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number.
    Num(f64),
    /// A string.
    Str(String),
    /// An array.
    Arr(Vec<Json>),
    /// An object.
    Obj(Vec<(String, Json)>),
}

/// Reads a value of this type; `None` when `v` has the wrong shape.
pub trait FromJson: Sized {
    /// Reads `v`.
    fn from_json(v: &Json) -> Option<Self>;

    /// Parses `text` and reads it.
    fn from_json_str(text: &str) -> Option<Self> {
        Self::from_json(&Json::parse(text)?)
    }
}

/// Writes a value of this type.
pub trait ToJson {
    /// The value as JSON.
    fn to_json(&self) -> Json;
}

impl Json {
    /// Parses one JSON text (RFC 8259); `None` when it is not exactly one valid value.
    pub fn parse(text: &str) -> Option<Json> {
        let mut p = Parser { text, s: text.as_bytes(), i: 0, depth: 0 };
        let v = p.value()?;
        p.ws();
        (p.i == p.s.len()).then_some(v)
    }

    /// The value as compact JSON text.
    pub fn text(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Num(n) => {
                // Integers only (see the module note); a non-finite number is not JSON.
                if n.is_finite() {
                    crate::text::push_decimal(out, *n as i64, 1);
                } else {
                    out.push_str("null");
                }
            }
            Json::Str(s) => write_str(s, out),
            Json::Arr(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Json::Obj(fields) => {
                out.push('{');
                for (i, (k, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_str(k, out);
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The object's fields, if this is an object.
    pub fn fields(&self) -> Option<Fields<'_>> {
        match self {
            Json::Obj(fields) => Some(Fields(fields)),
            _ => None,
        }
    }

    /// `self[key]` for an object, `None` otherwise or when absent.
    pub fn get(&self, key: &str) -> Option<&Json> {
        self.fields()?.get(key)
    }
}

fn write_str(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                out.push_str("\\u00");
                out.push_str(&crate::ids::hex(&[c as u8], &[]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Nesting deeper than this is refused (no message or answer of ours comes close).
const MAX_DEPTH: u32 = 64;

/// 10^k (∞ beyond 10^308). core has no `powi`; this is for the rare fraction or exponent, and
/// approximate like the rest of the fraction path.
fn pow10(k: usize) -> f64 {
    (0..k.min(400)).fold(1.0, |p, _| p * 10.0)
}

struct Parser<'a> {
    /// The text, and its bytes (`s`, for byte-wise scanning).
    text: &'a str,
    s: &'a [u8],
    i: usize,
    depth: u32,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while matches!(self.s.get(self.i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, b: u8) -> bool {
        self.ws();
        let hit = self.s.get(self.i) == Some(&b);
        self.i += usize::from(hit);
        hit
    }

    fn word(&mut self, w: &str, v: Json) -> Option<Json> {
        let end = self.i + w.len();
        (self.s.get(self.i..end)? == w.as_bytes()).then(|| {
            self.i = end;
            v
        })
    }

    fn value(&mut self) -> Option<Json> {
        self.ws();
        match *self.s.get(self.i)? {
            b'n' => self.word("null", Json::Null),
            b't' => self.word("true", Json::Bool(true)),
            b'f' => self.word("false", Json::Bool(false)),
            b'"' => self.string().map(Json::Str),
            b'[' => self.nested(|p| {
                let mut items = Vec::new();
                if p.eat(b']') {
                    return Some(Json::Arr(items));
                }
                loop {
                    items.push(p.value()?);
                    if p.eat(b']') {
                        return Some(Json::Arr(items));
                    }
                    p.eat(b',').then_some(())?;
                }
            }),
            b'{' => self.nested(|p| {
                let mut fields = Vec::new();
                if p.eat(b'}') {
                    return Some(Json::Obj(fields));
                }
                loop {
                    p.ws();
                    let key = p.string()?;
                    p.eat(b':').then_some(())?;
                    fields.push((key, p.value()?));
                    if p.eat(b'}') {
                        return Some(Json::Obj(fields));
                    }
                    p.eat(b',').then_some(())?;
                }
            }),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    fn nested(&mut self, inner: impl FnOnce(&mut Self) -> Option<Json>) -> Option<Json> {
        self.depth += 1;
        self.i += 1;
        let v = (self.depth <= MAX_DEPTH).then(|| inner(self)).flatten();
        self.depth -= 1;
        v
    }

    fn digits(&mut self) -> Option<f64> {
        let start = self.i;
        let mut n = 0.0;
        while let Some(d @ b'0'..=b'9') = self.s.get(self.i) {
            n = n * 10.0 + f64::from(d - b'0');
            self.i += 1;
        }
        (self.i > start).then_some(n)
    }

    /// RFC 8259 §6 grammar. The value is exact for integers up to 2^53, which is all MeetLink reads;
    /// fractions and exponents are accepted and approximated.
    fn number(&mut self) -> Option<Json> {
        let negative = self.s.get(self.i) == Some(&b'-');
        self.i += usize::from(negative);
        let leading_zero = self.s.get(self.i) == Some(&b'0');
        let int_start = self.i;
        let mut n = self.digits()?;
        if leading_zero && self.i - int_start > 1 {
            return None;
        }
        if self.s.get(self.i) == Some(&b'.') {
            self.i += 1;
            let start = self.i;
            let frac = self.digits()?;
            n += frac / pow10(self.i - start);
        }
        if matches!(self.s.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            let sign = match self.s.get(self.i) {
                Some(b'-') => -1,
                Some(b'+') => 1,
                _ => 0,
            };
            self.i += usize::from(sign != 0);
            let exp = pow10(self.digits()?.min(400.0) as usize);
            n = if sign < 0 { n / exp } else { n * exp };
        }
        // 1e400 is not a number JSON.parse can give back exactly either; refused, as serde_json does.
        n.is_finite().then_some(Json::Num(if negative { -n } else { n }))
    }

    fn hex4(&mut self) -> Option<u32> {
        let hex = self.s.get(self.i..self.i + 4)?;
        self.i += 4;
        hex.iter().try_fold(0, |n, &b| Some(n * 16 + char::from(b).to_digit(16)?))
    }

    fn string(&mut self) -> Option<String> {
        (self.s.get(self.i) == Some(&b'"')).then_some(())?;
        self.i += 1;
        let mut out = String::new();
        loop {
            // Copy the run up to the next quote, backslash or control character in one go.
            let start = self.i;
            while let Some(&b) = self.s.get(self.i) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.i += 1;
            }
            // Stopped at an ASCII byte or the end: a char boundary of the text, already UTF-8.
            out.push_str(self.text.get(start..self.i)?);
            match *self.s.get(self.i)? {
                b'"' => {
                    self.i += 1;
                    return Some(out);
                }
                b'\\' => {
                    self.i += 1;
                    let c = match *self.s.get(self.i)? {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            self.i += 1;
                            let hi = self.hex4()?;
                            self.i -= 1;
                            let code = if (0xD800..0xDC00).contains(&hi) && self.s.get(self.i + 1..self.i + 3) == Some(b"\\u") {
                                let back = self.i;
                                self.i += 3;
                                match self.hex4() {
                                    Some(lo @ 0xDC00..=0xDFFF) => {
                                        self.i -= 1;
                                        0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                                    }
                                    _ => {
                                        self.i = back;
                                        0xFFFD
                                    }
                                }
                            } else {
                                hi
                            };
                            // A lone surrogate cannot be a Rust char: JavaScript would keep it, we
                            // substitute U+FFFD as `TextDecoder` does.
                            char::from_u32(code).unwrap_or('\u{FFFD}')
                        }
                        _ => return None,
                    };
                    self.i += 1;
                    out.push(c);
                }
                _ => return None, // a raw control character
            }
        }
    }
}

/// An object's fields, read by name.
#[derive(Debug, Clone, Copy)]
pub struct Fields<'a>(&'a [(String, Json)]);

impl<'a> Fields<'a> {
    /// The value under `key` (the last, if repeated, as `JSON.parse` reads it).
    pub fn get(&self, key: &str) -> Option<&'a Json> {
        self.0.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// A field that must be present and valid.
    pub fn req<T: FromJson>(&self, key: &str) -> Option<T> {
        T::from_json(self.get(key)?)
    }

    /// A field that may be absent or `null` (`Some(None)`); present and malformed is `None`.
    pub fn opt<T: FromJson>(&self, key: &str) -> Option<Option<T>> {
        match self.get(key) {
            None | Some(Json::Null) => Some(None),
            Some(v) => T::from_json(v).map(Some),
        }
    }

    /// A field that takes its default when absent; present and malformed is `None`.
    pub fn or_default<T: FromJson + Default>(&self, key: &str) -> Option<T> {
        match self.get(key) {
            None => Some(T::default()),
            Some(v) => T::from_json(v),
        }
    }

    /// `Some(())` when every key is one of `known` (serde's `deny_unknown_fields`).
    pub fn only(&self, known: &[&str]) -> Option<()> {
        self.0.iter().all(|(k, _)| known.contains(&k.as_str())).then_some(())
    }
}

/// Builds an object field by field.
#[derive(Debug, Default)]
pub struct Obj(Vec<(String, Json)>);

impl Obj {
    /// An empty object.
    pub fn new() -> Self {
        Obj(Vec::new())
    }

    /// Adds `key: value`.
    pub fn with(self, key: &str, value: impl ToJson) -> Self {
        self.put(key, value.to_json())
    }

    /// Adds `key: value` for a value that is JSON already (moved in; `with` would copy it).
    pub fn put(mut self, key: &str, value: Json) -> Self {
        self.0.push((key.into(), value));
        self
    }

    /// Adds `key: value` only when there is a value.
    pub fn some<T: ToJson>(self, key: &str, value: Option<T>) -> Self {
        match value {
            Some(v) => self.with(key, v),
            None => self,
        }
    }

    /// The object.
    pub fn done(self) -> Json {
        Json::Obj(self.0)
    }
}

impl ToJson for str {
    fn to_json(&self) -> Json {
        Json::Str(self.into())
    }
}
impl ToJson for String {
    fn to_json(&self) -> Json {
        Json::Str(self.clone())
    }
}
impl FromJson for String {
    fn from_json(v: &Json) -> Option<Self> {
        v.as_str().map(Into::into)
    }
}
impl ToJson for bool {
    fn to_json(&self) -> Json {
        Json::Bool(*self)
    }
}
impl FromJson for bool {
    fn from_json(v: &Json) -> Option<Self> {
        match v {
            Json::Bool(b) => Some(*b),
            _ => None,
        }
    }
}

/// Integers: a number with no fraction, in range (as serde reads `1.0` into a `u32`: not at all).
macro_rules! integers {
    ($($t:ty),*) => {$(
        impl ToJson for $t {
            fn to_json(&self) -> Json {
                Json::Num(*self as f64)
            }
        }
        impl FromJson for $t {
            fn from_json(v: &Json) -> Option<Self> {
                match v {
                    Json::Num(n) if (*n as $t) as f64 == *n && *n >= <$t>::MIN as f64 && *n <= <$t>::MAX as f64 => Some(*n as $t),
                    _ => None,
                }
            }
        }
    )*};
}
integers!(u16, u32, u64, i32, i64);

impl<T: ToJson + ?Sized> ToJson for &T {
    fn to_json(&self) -> Json {
        (**self).to_json()
    }
}
impl<T: ToJson> ToJson for Option<T> {
    fn to_json(&self) -> Json {
        self.as_ref().map_or(Json::Null, ToJson::to_json)
    }
}
impl<T: FromJson> FromJson for Option<T> {
    fn from_json(v: &Json) -> Option<Self> {
        match v {
            Json::Null => Some(None),
            v => T::from_json(v).map(Some),
        }
    }
}
impl<T: ToJson> ToJson for [T] {
    fn to_json(&self) -> Json {
        let mut out = Vec::with_capacity(self.len()); // a loop, as in `Vec::from_json` below
        for item in self {
            out.push(item.to_json());
        }
        Json::Arr(out)
    }
}
impl<T: ToJson> ToJson for Vec<T> {
    fn to_json(&self) -> Json {
        self.as_slice().to_json()
    }
}
impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(v: &Json) -> Option<Self> {
        match v {
            Json::Arr(items) => {
                // A loop, not `collect::<Option<_>>()`: its adapter was ~0.6 KB of wasm per `T`.
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(T::from_json(item)?);
                }
                Some(out)
            }
            _ => None,
        }
    }
}

/// JSON for a record: each field's wire name and how it is read and written. What serde's derive
/// did for these types, in the few forms they need:
///
/// - `read`, `write` or `both` impls; `strict` refuses unknown fields (records only this code
///   writes), `lenient` ignores them (Google's and Chrome's objects, which grow);
/// - per field: `req` (must be present), `opt` (an `Option`: absent or `null` is `None`; written as
///   `null`), `skip` (an `Option` written only when set), `default` (absent is `Default`),
///   `nonempty` (a `Vec` absent when empty).
///
/// A field present with the wrong type makes the whole record unreadable, as with serde.
#[macro_export]
macro_rules! json_record {
    (read $strict:ident $ty:ident { $($field:ident: $name:literal $mode:ident),* $(,)? }) => {
        impl $crate::json::FromJson for $ty {
            fn from_json(v: &$crate::json::Json) -> Option<Self> {
                let f = v.fields()?;
                $crate::json_record!(@$strict f [$($name),*]);
                // All fields read, then one match: a `?` per field made an exit per field, each
                // dropping the fields read before it (drop code quadratic in the field count).
                match ($($crate::json_record!(@get $mode f $name),)*) {
                    ($(Some($field),)*) => Some($ty { $($field),* }),
                    _ => None,
                }
            }
        }
    };
    (write $ty:ident { $($field:ident: $name:literal $mode:ident),* $(,)? }) => {
        impl $crate::json::ToJson for $ty {
            fn to_json(&self) -> $crate::json::Json {
                let o = $crate::json::Obj::new();
                $(let o = $crate::json_record!(@put $mode o $name self.$field);)*
                o.done()
            }
        }
    };
    (both $strict:ident $ty:ident { $($body:tt)* }) => {
        $crate::json_record!(read $strict $ty { $($body)* });
        $crate::json_record!(write $ty { $($body)* });
    };
    (@strict $f:ident [$($name:literal),*]) => { $f.only(&[$($name),*])?; };
    (@lenient $f:ident [$($name:literal),*]) => {};
    (@get req $f:ident $name:literal) => { $f.req($name) };
    (@get opt $f:ident $name:literal) => { $f.opt($name) };
    (@get skip $f:ident $name:literal) => { $f.opt($name) };
    (@get default $f:ident $name:literal) => { $f.or_default($name) };
    (@get nonempty $f:ident $name:literal) => { $f.or_default($name) };
    (@put skip $o:ident $name:literal $v:expr) => { $o.some($name, $v.as_ref()) };
    (@put nonempty $o:ident $name:literal $v:expr) => { if $v.is_empty() { $o } else { $o.with($name, &$v) } };
    (@put $mode:ident $o:ident $name:literal $v:expr) => { $o.with($name, &$v) };
}

/// JSON for a fieldless enum written as one string per variant.
#[macro_export]
macro_rules! json_names {
    ($ty:ty { $($variant:ident = $name:literal),* $(,)? }) => {
        impl $ty {
            /// The name this value is written with.
            pub fn wire_name(&self) -> &'static str {
                match self { $(Self::$variant => $name),* }
            }
        }
        impl $crate::json::ToJson for $ty {
            fn to_json(&self) -> $crate::json::Json {
                $crate::json::Json::Str(self.wire_name().into())
            }
        }
        impl $crate::json::FromJson for $ty {
            fn from_json(v: &$crate::json::Json) -> Option<Self> {
                match v.as_str()? { $($name => Some(Self::$variant),)* _ => None }
            }
        }
    };
}

/// Tests only: reads a `serde_json` value (fixtures are written with `serde_json::json!`).
#[cfg(test)]
pub fn from_value<T: FromJson>(v: serde_json::Value) -> Option<T> {
    T::from_json_str(&v.to_string())
}

/// Tests only: writes a value and has `serde_json` read it back, so every printed form is checked
/// by a second parser.
#[cfg(test)]
pub fn to_value<T: ToJson + ?Sized>(x: &T) -> serde_json::Value {
    serde_json::from_str(&x.to_json().text()).expect("our JSON is JSON")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_json_parse_parses() {
        let table: &[(&str, Option<Json>)] = &[
            ("null", Some(Json::Null)),
            (" true ", Some(Json::Bool(true))),
            ("false", Some(Json::Bool(false))),
            ("0", Some(Json::Num(0.0))),
            ("-12", Some(Json::Num(-12.0))),
            ("1764095400000", Some(Json::Num(1_764_095_400_000.0))),
            ("9007199254740991", Some(Json::Num(9_007_199_254_740_991.0))),
            ("1.5", Some(Json::Num(1.5))),
            ("2e3", Some(Json::Num(2000.0))),
            ("25E-1", Some(Json::Num(2.5))),
            (r#""a\"b\\c\/d\n\t\u00e9\ud83d\ude00""#, Some(Json::Str("a\"b\\c/d\n\té😀".into()))),
            (r#""\ud800x""#, Some(Json::Str("\u{FFFD}x".into()))),
            (r#""\udc00""#, Some(Json::Str("\u{FFFD}".into()))),
            ("\"héllo\"", Some(Json::Str("héllo".into()))),
            ("[]", Some(Json::Arr(vec![]))),
            ("[1, [2], {}]", Some(Json::Arr(vec![Json::Num(1.0), Json::Arr(vec![Json::Num(2.0)]), Json::Obj(vec![])]))),
            (r#"{"a": 1, "b": {"c": null}}"#, Some(Json::Obj(vec![("a".into(), Json::Num(1.0)), ("b".into(), Json::Obj(vec![("c".into(), Json::Null)]))]))),
            ("", None),
            ("nul", None),
            ("01", None),
            ("-", None),
            ("1.", None),
            (".5", None),
            ("1e", None),
            ("+1", None),
            ("[1,]", None),
            ("[1 2]", None),
            ("{\"a\" 1}", None),
            ("{\"a\":1,}", None),
            ("{a:1}", None),
            ("\"unterminated", None),
            ("\"raw\ncontrol\"", None),
            (r#""\x""#, None),
            (r#""\u12""#, None),
            (r#""\u+123""#, None),
            ("[1] x", None),
            ("<html>", None),
            ("NaN", None),
        ];
        for (text, want) in table {
            assert_eq!(&Json::parse(text), want, "{text}");
        }
        assert_eq!(Json::parse(&"[".repeat(65)), None, "too deep");
        assert!(Json::parse(&format!("{}{}", "[".repeat(64), "]".repeat(64))).is_some());
    }

    #[test]
    fn prints_what_json_parse_reads_back() {
        let v = Obj::new()
            .with("s", "q\"\\\n\r\t\u{1}é😀")
            .with("n", 1_764_095_400_000u64)
            .with("neg", -3i64)
            .with("b", false)
            .with("none", None::<String>)
            .some("skipped", None::<bool>)
            .with("list", vec!["x".to_string()])
            .done();
        let text = v.text();
        assert_eq!(text, r#"{"s":"q\"\\\n\r\t\u0001é😀","n":1764095400000,"neg":-3,"b":false,"none":null,"list":["x"]}"#);
        assert_eq!(Json::parse(&text), Some(v));
        // serde_json (tests only) agrees on what the text means.
        let theirs: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(theirs["s"], "q\"\\\n\r\t\u{1}é😀");
        assert_eq!(Json::Num(f64::NAN).text(), "null");
    }

    #[test]
    fn fields_and_integers() {
        let v = Json::parse(r#"{"a": 5, "b": null, "c": "x", "d": 1.5, "e": -1, "f": 4294967296}"#).unwrap();
        let f = v.fields().unwrap();
        assert_eq!(f.req::<u32>("a"), Some(5));
        assert_eq!(f.req::<u32>("missing"), None);
        assert_eq!(f.opt::<u32>("missing"), Some(None));
        assert_eq!(f.opt::<u32>("b"), Some(None));
        assert_eq!(f.opt::<u32>("c"), None, "present and malformed");
        assert_eq!(f.req::<u32>("d"), None, "a fraction is not an integer");
        assert_eq!(f.req::<u64>("e"), None, "negative");
        assert_eq!(f.req::<i64>("e"), Some(-1));
        assert_eq!(f.req::<u32>("f"), None, "out of range");
        assert_eq!(f.req::<u64>("f"), Some(4_294_967_296));
        assert_eq!(f.or_default::<u32>("missing"), Some(0));
        assert_eq!(f.or_default::<u32>("c"), None);
        assert_eq!(f.only(&["a", "b", "c", "d", "e", "f"]), Some(()));
        assert_eq!(f.only(&["a"]), None);
        assert_eq!(Vec::<u32>::from_json_str("[1, 2]"), Some(vec![1, 2]));
        assert_eq!(Vec::<u32>::from_json_str("[1, \"2\"]"), None);
    }
}
