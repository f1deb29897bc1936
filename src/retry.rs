//! Truncated exponential backoff with jitter inside a total time budget (Calendar errors guide and
//! Cloud retry strategy, style-and-trust.md B7). The budget keeps every action far inside the
//! service worker's limits (30 s per fetch, 5 min per event; extension-platform.md §1.1).

/// A backoff schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// Delay before the first retry, in ms; doubled each time.
    pub first_ms: u64,
    /// No single delay exceeds this.
    pub cap_ms: u64,
    /// How many retries at most.
    pub max_retries: u32,
    /// Retrying stops when the next attempt would start later than this after the action began.
    pub budget_ms: u64,
}

impl Backoff {
    /// Errors (429, 5xx, network): 0.5 s, 1 s, 2 s, 4 s (+ up to 0.5 s jitter each), within 20 s.
    pub const ERRORS: Backoff = Backoff { first_ms: 500, cap_ms: 8_000, max_retries: 4, budget_ms: 20_000 };
    /// Polling a `pending` conference: 0.25 s, 0.5 s, 1 s, 2 s, 3 s, 3 s … within 15 s.
    pub const PENDING: Backoff = Backoff { first_ms: 250, cap_ms: 3_000, max_retries: 12, budget_ms: 15_000 };
    /// Retrying a failed placeholder delete on later wakes: 1 min, 2 min … 1 h, 8 tries.
    pub const DELETE: Backoff = Backoff { first_ms: 60_000, cap_ms: 3_600_000, max_retries: 8, budget_ms: u64::MAX };

    /// The delay before retry number `retry` (0-based), or `None` when it is time to give up.
    ///
    /// `jitter` is in `[0, 1)` (from `Math.random` in the shell, fixed in tests) and adds up to one
    /// `first_ms`. A server's `Retry-After` replaces the computed delay; if it does not fit in the
    /// budget we give up now instead of waiting for nothing.
    pub fn delay(&self, retry: u32, jitter: f64, retry_after_ms: Option<u64>, elapsed_ms: u64) -> Option<u64> {
        if retry >= self.max_retries {
            return None;
        }
        let exp = self.first_ms.saturating_mul(1u64 << retry.min(32)).min(self.cap_ms);
        let jitter = (jitter.clamp(0.0, 1.0) * self.first_ms as f64) as u64;
        let d = retry_after_ms.unwrap_or(exp + jitter);
        (elapsed_ms.saturating_add(d) <= self.budget_ms).then_some(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_schedule() {
        let b = Backoff::ERRORS;
        let delays: Vec<_> = (0..6).map(|n| b.delay(n, 0.0, None, 0)).collect();
        assert_eq!(delays, [Some(500), Some(1000), Some(2000), Some(4000), None, None]);
        assert_eq!(b.delay(0, 0.999, None, 0), Some(999));
        assert_eq!(b.delay(1, 0.5, None, 0), Some(1250));
    }

    #[test]
    fn retry_after_and_budget() {
        let b = Backoff::ERRORS;
        assert_eq!(b.delay(0, 0.3, Some(3000), 0), Some(3000));
        assert_eq!(b.delay(0, 0.0, Some(30_000), 0), None, "a Retry-After beyond the budget gives up at once");
        assert_eq!(b.delay(2, 0.0, None, 18_500), None);
        assert_eq!(b.delay(2, 0.0, None, 18_000), Some(2000));
    }

    #[test]
    fn pending_schedule_is_capped_and_bounded() {
        let b = Backoff::PENDING;
        let mut elapsed = 0;
        let mut n = 0;
        while let Some(d) = b.delay(n, 0.0, None, elapsed) {
            assert!(d <= 3_000);
            elapsed += d;
            n += 1;
        }
        assert!(elapsed <= 15_000 && n >= 6, "{n} polls over {elapsed} ms");
    }

    #[test]
    fn huge_retry_numbers_do_not_overflow() {
        assert_eq!(Backoff::DELETE.delay(7, 0.0, None, 0), Some(3_600_000));
        let b = Backoff { max_retries: 100, ..Backoff::ERRORS };
        assert_eq!(b.delay(64, 0.0, None, 0), Some(8000));
    }
}
