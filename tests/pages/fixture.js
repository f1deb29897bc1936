// Shared by every fixture page: records what the page sees, so tests can assert that the page got a
// normal `input` event, that the caret ended after the link, and that nothing else changed.
window.seen = [];
for (const type of ['beforeinput', 'input', 'textInput']) {
  document.addEventListener(type, (e) => {
    window.seen.push({ type, inputType: e.inputType ?? null, data: e.data ?? null, trusted: e.isTrusted, target: e.target?.id || e.target?.tagName });
  }, true);
}
window.alerted = [];
window.alert = (m) => window.alerted.push(String(m));
