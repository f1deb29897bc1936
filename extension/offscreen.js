// Offscreen document (reason CLIPBOARD): the worker has no clipboard, and an offscreen document
// cannot be focused, so the legacy copy command on a selected textarea is the way
// (chrome-extensions-samples cookbook.offscreen-clipboard-write). Clipboard writes only.
const worker = chrome.runtime.getURL('background.js');

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  // Only the extension's own worker may ask, and only for text.
  if (sender.id !== chrome.runtime.id || sender.url !== worker) return false;
  if (message?.type !== 'copy' || typeof message.text !== 'string' || Object.keys(message).length !== 2) return false;
  const buffer = document.getElementById('buffer');
  buffer.value = message.text;
  buffer.select();
  const ok = document.execCommand('copy');
  buffer.value = '';
  sendResponse({ ok });
  return false;
});
