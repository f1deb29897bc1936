// The worker's one HTTP exchange, for src/shell/http.rs (wasm-bindgen ships this file as a snippet
// under pkg/snippets/). Transport only: what to send, the timeout and what the answer means are
// decided in Rust. Done here because `fetch` + AbortController + a timer cost ~4 KB of wasm as
// bindings and a few lines as JavaScript.

/**
 * Sends one request. Resolves (never rejects) to {status, retryAfter, text} — `text` null when the
 * body broke off — or to {timedOut} when no full answer came (network error, or `timeoutMs` passed).
 */
export async function exchange(url, method, headers, body, timeoutMs) {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  try {
    const response = await fetch(url, { method, headers, body, signal: controller.signal });
    const retryAfter = response.headers.get('retry-after');
    let text = null;
    try {
      text = await response.text();
    } catch {
      // The connection broke mid-body: the status is known, the body is not.
    }
    return timedOut ? { timedOut } : { status: response.status, retryAfter, text };
  } catch {
    return { timedOut };
  } finally {
    clearTimeout(timer);
  }
}
