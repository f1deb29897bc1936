//! The error model: Google's error bodies in, one decision out.
//!
//! Calendar answers errors in the legacy envelope `{error: {code, message, errors: [{domain, reason}],
//! status, details}}` (google-apis.md §2.1); the client keys off `errors[0].reason` first, then
//! `status` / `details[].reason`, then the HTTP code. Every outcome the user can meet is a
//! [`Problem`], and each Problem has a message in `_locales` that says what happened and what to do.

use serde::{Deserialize, Serialize};

/// Everything that can stop a link from being made, as the user is told it.
///
/// Serialized as its [`Problem::name`]; the popup and the worker look up `problem_<name>` in `_locales`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Problem {
    /// This build has no OAuth client ID (see the README's Google Cloud set-up).
    NoClientConfigured,
    /// No Google account is signed in, or Google rejected the sign-in twice.
    NotSignedIn,
    /// The user closed or declined the Google sign-in / consent window.
    SignInDeclined,
    /// Signed in, but the Calendar permission was not granted (granular consent, or revoked).
    ScopeRefused,
    /// A Google Workspace administrator does not allow this app (or Calendar/Meet).
    AdminBlocked,
    /// The Calendar API is not enabled in the OAuth client's Cloud project.
    ApiDisabled,
    /// Neither sign-in path is available in this browser (no getAuthToken, no web client configured).
    SignInUnavailable,
    /// The sign-in answer did not carry our `state`: refused, nothing used.
    SignInTampered,
    /// Google's sign-in page did not answer in time.
    SignInTimeout,
    /// Google could not be reached.
    Offline,
    /// Google asks us to slow down; try again in a minute.
    RateLimited,
    /// The account hit Calendar's daily usage limits.
    QuotaExceeded,
    /// The account cannot write to its primary calendar.
    NoCalendarAccess,
    /// Google Meet conferences are not allowed on this calendar.
    ConferenceNotAllowed,
    /// Google answered but could not create the Meet conference.
    ConferenceFailed,
    /// Google kept the conference `pending` for longer than we wait.
    ConferenceTimeout,
    /// Google returned something that is not a Meet link; it was not used.
    InvalidLink,
    /// Google had a server problem, or kept failing to answer.
    ServerError,
    /// A Google endpoint answered with a redirect, which MeetLink never follows (a proxy or a
    /// captive portal rewrote the answer): nothing was sent anywhere else.
    Redirected,
    /// The worker was stopped mid-action and the action could not be finished afterwards.
    Interrupted,
    /// Meet refused a space with the presets set in the options (moderation, automatic recording,
    /// transcription or notes, app-only entry): the account's edition or its administrator does not
    /// allow them.
    MeetSettingsRefused,
    /// The meeting to confirm was made already (another click) or waited too long.
    DraftGone,
    /// Anything else — a bug on our side or an answer we do not understand.
    Unexpected,
}

impl Problem {
    /// The name it is serialized as (`rateLimited`), which is also its `_locales` key after `problem_`.
    pub fn name(self) -> String {
        crate::wire_name(self)
    }
}

/// Google's legacy error envelope. Every field optional, unknown fields ignored (Google adds fields).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ErrorEnvelope {
    /// The error.
    pub error: Option<ErrorBody>,
}

/// `error` inside the envelope.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ErrorBody {
    /// HTTP code.
    pub code: Option<u16>,
    /// Human-readable message.
    pub message: Option<String>,
    /// Legacy detail list; `reason` is what matters.
    pub errors: Option<Vec<ErrorItem>>,
    /// Canonical code, e.g. `PERMISSION_DENIED`.
    pub status: Option<String>,
    /// `google.rpc` details; `ErrorInfo.reason` is read.
    pub details: Option<Vec<ErrorDetail>>,
}

/// One entry of `errors[]`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ErrorItem {
    /// `global`, `usageLimits`, `calendar`.
    pub domain: Option<String>,
    /// e.g. `rateLimitExceeded`.
    pub reason: Option<String>,
    /// Message.
    pub message: Option<String>,
}

/// One entry of `details[]`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ErrorDetail {
    /// e.g. `ACCESS_TOKEN_SCOPE_INSUFFICIENT`, `SERVICE_DISABLED`.
    pub reason: Option<String>,
}

impl ErrorEnvelope {
    fn reason(&self) -> Option<&str> {
        self.error.as_ref()?.errors.as_ref()?.iter().find_map(|e| e.reason.as_deref())
    }
    fn detail_reason(&self, want: &str) -> bool {
        self.error
            .as_ref()
            .and_then(|e| e.details.as_ref())
            .is_some_and(|d| d.iter().any(|x| x.reason.as_deref() == Some(want)))
    }
    fn message(&self) -> &str {
        self.error.as_ref().and_then(|e| e.message.as_deref()).unwrap_or("")
    }
}

/// What an HTTP answer that is not a success means for the request that got it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiError {
    /// 401: drop the cached token, get a new one, retry once (never loop).
    Unauthorized,
    /// 403 `rateLimitExceeded`/`userRateLimitExceeded` or 429: back off, honouring `Retry-After`.
    RateLimited {
        /// From `Retry-After`, when Google sent one.
        retry_after_ms: Option<u64>,
    },
    /// 5xx, 408, 409 `conflict`, an unreadable body: back off and retry.
    Transient,
    /// 409 `duplicate`: our client id exists already — an earlier attempt landed. GET it.
    Duplicate,
    /// 404 `notFound`.
    NotFound,
    /// 410 `deleted`.
    Gone,
    /// No retry can help; tell the user.
    Fatal(Problem),
}

/// `Retry-After` (seconds or an HTTP date) as a delay from `now_ms`.
pub fn retry_after_ms(value: &str, now_ms: u64) -> Option<u64> {
    let v = value.trim_ascii();
    // delay-seconds is 1*DIGIT (RFC 9110 §10.2.3): no sign, which `u64::from_str` would take.
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        return Some(v.parse::<u64>().map_or(u64::MAX, |secs| secs.saturating_mul(1000)));
    }
    let at = httpdate::parse_http_date(v).ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
    Some(u64::try_from(at.as_millis()).unwrap_or(u64::MAX).saturating_sub(now_ms))
}

/// Classifies a non-2xx Calendar answer (google-apis.md §2.2; DESIGN.md "Creating a link" step 6).
pub fn classify(status: u16, body: Option<&ErrorEnvelope>, retry_after: Option<u64>) -> ApiError {
    let reason = body.and_then(ErrorEnvelope::reason);
    let detail = |r| body.is_some_and(|b| b.detail_reason(r));
    match status {
        401 => ApiError::Unauthorized,
        403 => match reason {
            Some("rateLimitExceeded" | "userRateLimitExceeded") => ApiError::RateLimited { retry_after_ms: retry_after },
            Some("quotaExceeded") => ApiError::Fatal(Problem::QuotaExceeded),
            Some("insufficientPermissions") => ApiError::Fatal(Problem::ScopeRefused),
            _ if detail("ACCESS_TOKEN_SCOPE_INSUFFICIENT") => ApiError::Fatal(Problem::ScopeRefused),
            Some("accessNotConfigured") => ApiError::Fatal(Problem::ApiDisabled),
            _ if detail("SERVICE_DISABLED") => ApiError::Fatal(Problem::ApiDisabled),
            // Workspace policy (reason used across Google's legacy APIs for admin restrictions).
            Some("domainPolicy") => ApiError::Fatal(Problem::AdminBlocked),
            _ => ApiError::Fatal(Problem::NoCalendarAccess),
        },
        400 if body.is_some_and(|b| mentions(b.message(), &["conference type"])) => {
            ApiError::Fatal(Problem::ConferenceNotAllowed)
        }
        404 => ApiError::NotFound,
        409 if reason == Some("duplicate") => ApiError::Duplicate,
        409 | 408 => ApiError::Transient,
        410 => ApiError::Gone,
        429 => ApiError::RateLimited { retry_after_ms: retry_after },
        500..=599 => ApiError::Transient,
        _ => ApiError::Fatal(Problem::Unexpected),
    }
}

/// Whether `text` contains any of `phrases` (the browser's error messages are matched by phrase).
pub fn mentions(text: &str, phrases: &[&str]) -> bool {
    phrases.iter().any(|p| text.contains(p))
}

/// Maps a `chrome.identity.getAuthToken` rejection message (Chromium `identity_constants.cc`,
/// google-apis.md §4.2–4.3) to what the user is told.
pub fn classify_token_error(message: &str) -> Problem {
    let m = message;
    if mentions(m, &["admin_policy_enforced"]) {
        Problem::AdminBlocked
    } else if mentions(m, &["Invalid OAuth2 Client ID"]) {
        Problem::NoClientConfigured
    } else if mentions(m, &["not approve access", "not granted or revoked", "access_denied"]) {
        Problem::SignInDeclined
    } else if mentions(m, &["not signed in", "Only the primary user account"]) {
        Problem::NotSignedIn
    } else if mentions(m, &[
        "turned off browser signin",
        "not supported on Microsoft Edge",
        "disabled in incognito",
        "is not a function",
        "Cannot read properties of undefined",
    ]) {
        Problem::SignInUnavailable
    } else if mentions(m, &["Connection failed", "ERR_INTERNET_DISCONNECTED"]) {
        Problem::Offline
    } else {
        Problem::Unexpected
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn env(status: u16, domain: &str, reason: &str, message: &str) -> ErrorEnvelope {
        serde_json::from_value(json!({"error": {"code": status, "message": message,
            "errors": [{"domain": domain, "reason": reason, "message": message}]}}))
        .unwrap()
    }

    #[test]
    fn mentions_is_substring_search() {
        let cases: &[(&str, &[&str], bool)] = &[
            ("The user did not approve access.", &["not approve access"], true),
            ("ends with closed", &["nothing", "closed"], true),
            ("closed", &["closed"], true),
            ("clos", &["closed"], false),
            ("", &["x"], false),
            ("anything", &[], false),
            ("anything", &[""], true),
            ("ümlaut – dash", &["– da"], true),
            ("Not Signed In", &["not signed in"], false), // case matters
        ];
        for (text, phrases, want) in cases {
            assert_eq!(mentions(text, phrases), *want, "{text:?} {phrases:?}");
        }
    }

    #[test]
    fn calendar_catalogue() {
        use ApiError::*;
        let ra = Some(2000);
        let table = [
            (400, "calendar", "timeRangeEmpty", "The specified time range is empty.", Fatal(Problem::Unexpected)),
            (400, "global", "invalid", "Invalid conference type value.", Fatal(Problem::ConferenceNotAllowed)),
            (400, "global", "badRequest", "Bad Request", Fatal(Problem::Unexpected)),
            (401, "global", "authError", "Invalid Credentials", Unauthorized),
            (401, "global", "required", "Login Required.", Unauthorized),
            (403, "global", "insufficientPermissions", "Insufficient Permission", Fatal(Problem::ScopeRefused)),
            (403, "usageLimits", "userRateLimitExceeded", "User Rate Limit Exceeded", RateLimited { retry_after_ms: ra }),
            (403, "usageLimits", "rateLimitExceeded", "Rate Limit Exceeded", RateLimited { retry_after_ms: ra }),
            (403, "usageLimits", "quotaExceeded", "Calendar usage limits exceeded.", Fatal(Problem::QuotaExceeded)),
            (403, "calendar", "forbiddenForNonOrganizer", "Shared properties…", Fatal(Problem::NoCalendarAccess)),
            (403, "global", "forbidden", "You need to have writer access to this calendar.", Fatal(Problem::NoCalendarAccess)),
            (403, "global", "requiredAccessLevel", "You need to have writer access", Fatal(Problem::NoCalendarAccess)),
            (403, "usageLimits", "accessNotConfigured", "Google Calendar API has not been used…", Fatal(Problem::ApiDisabled)),
            (403, "global", "domainPolicy", "The domain administrators have disabled…", Fatal(Problem::AdminBlocked)),
            (404, "global", "notFound", "Not Found", NotFound),
            (409, "global", "duplicate", "The requested identifier already exists.", Duplicate),
            (409, "global", "conflict", "Conflict", Transient),
            (410, "global", "deleted", "Resource has been deleted", Gone),
            (412, "global", "conditionNotMet", "Precondition Failed", Fatal(Problem::Unexpected)),
            (429, "usageLimits", "rateLimitExceeded", "Rate Limit Exceeded", RateLimited { retry_after_ms: ra }),
            (500, "global", "backendError", "Backend Error", Transient),
            (503, "global", "backendError", "Service unavailable", Transient),
        ];
        for (status, domain, reason, message, want) in table {
            assert_eq!(classify(status, Some(&env(status, domain, reason, message)), ra), want, "{status} {reason}");
        }
    }

    #[test]
    fn details_and_missing_bodies() {
        let scope: ErrorEnvelope = serde_json::from_value(json!({"error": {"code": 403, "status": "PERMISSION_DENIED",
            "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT"}]}}))
        .unwrap();
        assert_eq!(classify(403, Some(&scope), None), ApiError::Fatal(Problem::ScopeRefused));
        let disabled: ErrorEnvelope = serde_json::from_value(json!({"error": {"code": 403,
            "details": [{"reason": "SERVICE_DISABLED"}]}}))
        .unwrap();
        assert_eq!(classify(403, Some(&disabled), None), ApiError::Fatal(Problem::ApiDisabled));
        // An HTML 503 page has no envelope at all.
        assert_eq!(classify(503, None, None), ApiError::Transient);
        assert_eq!(classify(502, None, None), ApiError::Transient);
        assert_eq!(classify(429, None, None), ApiError::RateLimited { retry_after_ms: None });
        assert_eq!(classify(403, None, None), ApiError::Fatal(Problem::NoCalendarAccess));
        assert_eq!(classify(418, None, None), ApiError::Fatal(Problem::Unexpected));
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(retry_after_ms("3", 0), Some(3000));
        assert_eq!(retry_after_ms(" 0 ", 0), Some(0));
        assert_eq!(retry_after_ms("Wed, 21 Oct 2015 07:28:05 GMT", 1_445_412_480_000), Some(5000));
        assert_eq!(retry_after_ms("Wed, 21 Oct 2015 07:28:00 GMT", 1_445_412_490_000), Some(0));
        assert_eq!(retry_after_ms("soon", 0), None);
        assert_eq!(retry_after_ms("-1", 0), None);
        assert_eq!(retry_after_ms("+5", 0), None, "delay-seconds has no sign");
        assert_eq!(retry_after_ms("99999999999999999999999", 0), Some(u64::MAX), "too large to wait for: the budget gives up");
        // RFC 9110 §5.6.7: the obsolete RFC 850 and asctime forms are read too.
        assert_eq!(retry_after_ms("Wednesday, 21-Oct-15 07:28:05 GMT", 1_445_412_480_000), Some(5000));
        assert_eq!(retry_after_ms("Wed Oct 21 07:28:05 2015", 1_445_412_480_000), Some(5000));
    }

    #[test]
    fn problems_serialize_as_their_names() {
        assert_eq!(serde_json::to_value(Problem::RateLimited).unwrap(), "rateLimited");
        assert_eq!(Problem::NoClientConfigured.name(), "noClientConfigured");
        assert_eq!(Problem::Redirected.name(), "redirected");
    }

    #[test]
    fn token_errors() {
        let table = [
            ("Invalid OAuth2 Client ID.", Problem::NoClientConfigured),
            ("OAuth2 not granted or revoked.", Problem::SignInDeclined),
            ("The user did not approve access.", Problem::SignInDeclined),
            ("The user is not signed in.", Problem::NotSignedIn),
            ("The user turned off browser signin", Problem::SignInUnavailable),
            ("This API is not supported on Microsoft Edge. For more details, see …", Problem::SignInUnavailable),
            ("Identity API is disabled in incognito windows.", Problem::SignInUnavailable),
            ("OAuth2 request failed: Connection failed (-2).", Problem::Offline),
            ("OAuth2 request failed: Service responded with error: 'admin_policy_enforced'", Problem::AdminBlocked),
            ("The browser context has been shut down", Problem::Unexpected),
        ];
        for (m, want) in table {
            assert_eq!(classify_token_error(m), want, "{m}");
        }
    }
}
