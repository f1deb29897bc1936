//! Meta-tests that keep the conventions (DESIGN.md "Style"; style-and-trust.md testable properties
//! 1–6): the manifest asks for exactly what MeetLink uses, Wasm is enabled by the minimum CSP,
//! nothing is exposed to pages, and no shipped code builds HTML or code from strings.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use std::fs;
use std::path::Path;

fn manifest() -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string("manifest.json").unwrap()).unwrap()
}

#[test]
fn permissions_are_exactly_what_is_used() {
    let m = manifest();
    let perms: Vec<&str> = m["permissions"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    // Each one is explained in the README's "Permissions and why"; no "tabs", no "<all_urls>".
    assert_eq!(
        perms,
        ["identity", "storage", "alarms", "contextMenus", "activeTab", "scripting", "offscreen", "clipboardWrite", "notifications"]
    );
    let readme = fs::read_to_string("README.md").unwrap();
    for p in &perms {
        assert!(readme.contains(&format!("| `{p}` |")), "README explains {p}");
    }
    // Google's APIs answer CORS, so production needs no host permission (the fake does the same and
    // tests/wasm.rs fetches it cross-origin).
    assert_eq!(m["host_permissions"], serde_json::json!([]));
    assert!(m.get("optional_host_permissions").is_none());
}

#[test]
fn csp_is_the_minimum_that_allows_wasm() {
    let m = manifest();
    assert_eq!(m["content_security_policy"], serde_json::json!({
        "extension_pages": "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'"
    }));
}

#[test]
fn nothing_is_exposed_to_pages() {
    let m = manifest();
    for key in ["content_scripts", "web_accessible_resources", "externally_connectable", "sandbox"] {
        assert!(m.get(key).is_none(), "{key}");
    }
    assert_eq!(m["manifest_version"], 3);
    assert_eq!(m["background"], serde_json::json!({"service_worker": "background.js", "type": "module"}));
}

#[test]
fn commands_have_suggested_keys() {
    let m = manifest();
    let c = &m["commands"];
    assert_eq!(c["insert-meet-link"]["suggested_key"]["default"], "Alt+Shift+M");
    assert_eq!(c["insert-meet-link"]["suggested_key"]["mac"], "Alt+Shift+M");
    assert!(c["_execute_action"]["suggested_key"]["default"].is_string());
    // At most four suggested keys per extension (chrome.commands).
    assert!(c.as_object().unwrap().values().filter(|v| v.get("suggested_key").is_some()).count() <= 4);
    assert_eq!(meetlink::deliver::INSERT_ID, "insert-meet-link");
}

#[test]
fn the_oauth_scope_lives_in_one_constant() {
    // build.sh fills manifest.oauth2 from meetlink::calendar::SCOPE; the source manifest has none.
    assert!(manifest().get("oauth2").is_none());
    assert_eq!(meetlink::calendar::SCOPE, "https://www.googleapis.com/auth/calendar.events.owned");
    let build = fs::read_to_string("build.sh").unwrap();
    assert!(build.contains(r#"pub const SCOPE: &str = "([^"]+)""#), "build.sh reads the constant");
}

fn shipped_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            shipped_files(&p, out);
        } else if matches!(p.extension().and_then(|e| e.to_str()), Some("js" | "html" | "rs")) {
            out.push(p);
        }
    }
}

#[test]
fn no_html_or_code_from_strings_in_shipped_code() {
    let mut files = Vec::new();
    shipped_files(Path::new("extension"), &mut files);
    shipped_files(Path::new("src"), &mut files);
    assert!(files.len() >= 10);
    let banned = ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "set_inner_html"];
    for f in files {
        let text = fs::read_to_string(&f).unwrap();
        for (n, line) in text.lines().enumerate() {
            // This file's own list of banned words is not a use of them.
            if f.ends_with("meta.rs") {
                continue;
            }
            for b in banned {
                assert!(!line.contains(b), "{}:{}: {b}", f.display(), n + 1);
            }
            assert!(!line.contains("<script src=\"http"), "{}:{}: remote script", f.display(), n + 1);
        }
    }
}

#[test]
fn every_problem_has_a_message() {
    use meetlink::errors::Problem::*;
    let messages: serde_json::Value =
        serde_json::from_str(&fs::read_to_string("extension/_locales/en/messages.json").unwrap()).unwrap();
    for p in [
        NoClientConfigured, NotSignedIn, SignInDeclined, ScopeRefused, AdminBlocked, ApiDisabled, SignInUnavailable,
        SignInTampered, SignInTimeout,
        Offline, RateLimited, QuotaExceeded, NoCalendarAccess, ConferenceNotAllowed, ConferenceFailed,
        ConferenceTimeout, InvalidLink, ServerError, Redirected, Interrupted, MeetSettingsRefused, DraftGone, Unexpected,
    ] {
        let key = format!("problem_{}", p.name());
        let text = messages[&key]["message"].as_str().unwrap_or_else(|| panic!("missing {key}"));
        assert!(text.len() > 40, "{key} says what happened and what to do");
    }
}

#[test]
fn every_locale_has_every_message_and_placeholder() {
    let read = |lang: &str| -> serde_json::Map<String, serde_json::Value> {
        serde_json::from_str::<serde_json::Value>(&fs::read_to_string(format!("extension/_locales/{lang}/messages.json")).unwrap())
            .unwrap()
            .as_object()
            .unwrap()
            .clone()
    };
    let en = read("en");
    for lang in ["de", "fr", "es", "ja"] {
        let other = read(lang);
        let mut keys: Vec<_> = other.keys().collect();
        let mut want: Vec<_> = en.keys().collect();
        keys.sort();
        want.sort();
        assert_eq!(keys, want, "{lang}: same keys as en");
        for (key, e) in &en {
            let text = other[key]["message"].as_str().unwrap();
            assert!(!text.trim().is_empty(), "{lang}/{key}");
            assert_eq!(other[key].get("placeholders"), e.get("placeholders"), "{lang}/{key}: placeholders");
            for p in ["$CODE$", "$EMAIL$"] {
                assert_eq!(text.contains(p), e["message"].as_str().unwrap().contains(p), "{lang}/{key}: {p}");
            }
        }
    }
}
