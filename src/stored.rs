//! Records read back from extension storage (and the pages' messages, which are read the same way). Only MeetLink writes its storage, but a record may be
//! from an older version, half-written, or tampered with: each one is checked on its own, so one
//! malformed entry drops that entry and never the list it is in (a history, the pending deletes).
//!
//! The shell hands stored values over as `serde_json::Value` (serde-wasm-bindgen reads the whole
//! JavaScript object, so `deny_unknown_fields` sees every key; reading a struct straight from a
//! JavaScript object would look up only the fields it knows).

use serde::de::DeserializeOwned;
use serde_json::Value;

/// `value` as a `T`, or `None` when it has another shape. Every record MeetLink reads is a JSON
/// object: serde's derived readers would also take an array, field by position, where
/// `deny_unknown_fields` never looks — so anything but an object is refused here.
pub fn one<T: DeserializeOwned>(value: Value) -> Option<T> {
    if !value.is_object() {
        return None;
    }
    serde_json::from_value(value).ok()
}

/// The entries of a stored list that read as `T`, in order; the others are dropped. Anything but an
/// array (absent, `null`, a tampered value) is an empty list.
pub fn each<T: DeserializeOwned>(value: Value) -> Vec<T> {
    match value {
        Value::Array(items) => items.into_iter().filter_map(one).collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct R {
        n: u32,
    }

    #[test]
    fn one_bad_entry_drops_only_itself() {
        let v = json!([{"n": 1}, {"n": "two"}, {"n": 3, "extra": true}, null, 7, {"n": 4}]);
        assert_eq!(each::<R>(v), vec![R { n: 1 }, R { n: 4 }]);
        for not_a_list in [json!(null), json!({"n": 1}), json!("[]"), json!(5)] {
            assert_eq!(each::<R>(not_a_list.clone()), vec![], "{not_a_list}");
        }
        assert_eq!(one::<R>(json!({"n": 2})), Some(R { n: 2 }));
        assert_eq!(one::<R>(json!({"n": 2, "token": "x"})), None, "unknown fields refused");
        // serde's derived readers take a sequence positionally, past `deny_unknown_fields`: a
        // record is an object, nothing else.
        assert_eq!(one::<R>(json!([2])), None);
        assert_eq!(each::<R>(json!([[1], {"n": 1}])), vec![R { n: 1 }]);
    }
}
