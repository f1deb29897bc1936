// Offscreen document (reason CLIPBOARD): the worker has no clipboard, and an offscreen document
// cannot be focused, so the legacy copy command is the way (chrome-extensions-samples
// cookbook.offscreen-clipboard-write), its `copy` event carrying both types. Clipboard writes only.
import { copyByEvent } from './clip.js';

const worker = chrome.runtime.getURL('background.js');

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  // Only the extension's own worker may ask, and only for text and its HTML.
  if (sender.id !== chrome.runtime.id || sender.url !== worker) return false;
  if (message?.type !== 'copy' || typeof message.text !== 'string' || typeof message.html !== 'string'
    || Object.keys(message).length !== 3) return false;
  sendResponse({ ok: copyByEvent(document, message.text, message.html) });
  return false;
});
