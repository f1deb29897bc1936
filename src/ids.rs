//! The two ids one user action gets, made once and reused by every retry of that action.
//!
//! * The client event `id` makes `events.insert` idempotent: a retry that reaches Google after the
//!   first attempt landed gets 409 `duplicate`, never a second event (google-apis.md §1.6).
//! * The `requestId` names the conference-create request; Google ignores a request whose id equals
//!   the previous one, so it must be fresh per action (google-apis.md §1.4; the seed script reused
//!   one within a second).

use serde::{de::Error, Deserialize, Deserializer};
use uuid::Builder;

/// The ids of one action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionIds {
    /// Client-chosen event id: a version-4 UUID without hyphens — 32 lowercase hex digits, a subset
    /// of base32hex (`[a-v0-9]`), as Google recommends.
    pub event_id: String,
    /// Conference `requestId`: a version-4 UUID.
    pub request_id: String,
}

impl ActionIds {
    /// Both ids from 32 random bytes (the shell takes them from `crypto.getRandomValues`).
    pub fn from_random(random: &[u8; 32]) -> Self {
        let (event, request) = random.split_at(16);
        let uuid = |bytes: &[u8]| Builder::from_random_bytes(bytes.try_into().unwrap_or_default()).into_uuid();
        ActionIds { event_id: uuid(event).simple().to_string(), request_id: uuid(request).hyphenated().to_string() }
    }
}

/// Google's rule for a client-supplied event id: base32hex (`a`–`v`, `0`–`9`), 5 to 1024 characters.
pub fn is_valid_event_id(id: &str) -> bool {
    (5..=1024).contains(&id.len()) && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'v'))
}

/// Reads a stored event id, refusing one that is not of Google's shape: it goes into request URLs,
/// and storage is not trusted to hold only what this code wrote (a `../` would reach another path).
pub fn stored_event_id<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let id = String::deserialize(d)?;
    if is_valid_event_id(&id) {
        Ok(id)
    } else {
        Err(D::Error::custom("not an event id"))
    }
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
        assert_eq!(&ids.request_id[14..15], "4", "version 4");
        assert!(matches!(&ids.request_id[19..20], "8" | "9" | "a" | "b"), "RFC 4122 variant");
        assert_eq!(&ids.event_id[12..13], "4");
        assert_ne!(ids.event_id, ids.request_id.replace('-', ""));
        let all_ff = ActionIds::from_random(&[0xff; 32]);
        assert!(is_valid_event_id(&all_ff.event_id));
        assert_ne!(ActionIds::from_random(&[0; 32]), ActionIds::from_random(&[1; 32]));
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
