//! The two ids one user action gets, made once and reused by every retry of that action.
//!
//! * The client event `id` makes `events.insert` idempotent: a retry that reaches Google after the
//!   first attempt landed gets 409 `duplicate`, never a second event (google-apis.md §1.6).
//! * The `requestId` names the conference-create request; Google ignores a request whose id equals
//!   the previous one, so it must be fresh per action (google-apis.md §1.4; the seed script reused
//!   one within a second).

use crate::prelude::*;

/// The ids of one action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionIds {
    /// Client-chosen event id: 32 lowercase hex digits, a subset of base32hex (`[a-v0-9]`).
    pub event_id: String,
    /// Conference `requestId`: a version-4 UUID.
    pub request_id: String,
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Lowercase hex of `bytes`, with a `-` before each byte whose index is in `dashes` (UUID form).
pub fn hex(bytes: &[u8], dashes: &[usize]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2 + dashes.len());
    for (i, b) in bytes.iter().enumerate() {
        if dashes.contains(&i) {
            s.push('-');
        }
        s.push(HEX[(b >> 4) as usize] as char);
        s.push(HEX[(b & 15) as usize] as char);
    }
    s
}

impl ActionIds {
    /// Both ids from 32 random bytes (the shell takes them from `crypto.getRandomValues`).
    pub fn from_random(random: &[u8; 32]) -> Self {
        // Event id: RFC 4122 v4 bits too, as Google recommends a UUID algorithm, without hyphens.
        let mut e = [0u8; 16];
        e.copy_from_slice(&random[..16]);
        e[6] = (e[6] & 0x0f) | 0x40;
        e[8] = (e[8] & 0x3f) | 0x80;
        let mut r = [0u8; 16];
        r.copy_from_slice(&random[16..]);
        r[6] = (r[6] & 0x0f) | 0x40;
        r[8] = (r[8] & 0x3f) | 0x80;
        ActionIds { event_id: hex(&e, &[]), request_id: hex(&r, &[4, 6, 8, 10]) }
    }
}

/// Google's rule for a client-supplied event id: base32hex (`a`–`v`, `0`–`9`), 5 to 1024 characters.
pub fn is_valid_event_id(id: &str) -> bool {
    (5..=1024).contains(&id.len()) && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'v'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_valid_and_distinct() {
        let mut seed = [0u8; 32];
        for (i, b) in seed.iter_mut().enumerate() {
            *b = (i as u8).wrapping_mul(37).wrapping_add(200);
        }
        let ids = ActionIds::from_random(&seed);
        assert!(is_valid_event_id(&ids.event_id), "{}", ids.event_id);
        assert_eq!(ids.event_id.len(), 32);
        assert_eq!(ids.request_id.len(), 36);
        assert_eq!(&ids.request_id[14..15], "4");
        assert_ne!(ids.event_id, ids.request_id.replace('-', ""));
        let all_ff = ActionIds::from_random(&[0xff; 32]);
        assert!(is_valid_event_id(&all_ff.event_id));
    }

    #[test]
    fn event_id_rule() {
        for (id, ok) in [
            ("abcde", true),
            ("abcd", false),
            ("0123456789abcdefghijklmnopqrstuv", true),
            ("abcdw", false),
            ("ABCDE", false),
            ("abc-de", false),
            ("", false),
        ] {
            assert_eq!(is_valid_event_id(id), ok, "{id}");
        }
        assert!(is_valid_event_id(&"a".repeat(1024)));
        assert!(!is_valid_event_id(&"a".repeat(1025)));
    }
}
