// Writes a link to the clipboard as both text/plain and text/html (both built by the worker,
// src/format.rs: the HTML from a fixed template, its one free text escaped). Self-contained: the
// worker imports it too (Firefox's background page writes the clipboard itself).

/**
 * The legacy copy command, with both types set in its `copy` event: works in a document that
 * cannot be focused (the offscreen document) and where the async API is refused.
 */
export function copyByEvent(doc, text, html) {
  let wrote = false;
  const onCopy = (event) => {
    event.clipboardData.setData('text/plain', text);
    event.clipboardData.setData('text/html', html);
    event.preventDefault();
    wrote = true;
  };
  doc.addEventListener('copy', onCopy, true);
  try {
    return doc.execCommand('copy') && wrote;
  } finally {
    doc.removeEventListener('copy', onCopy, true);
  }
}

/** The async clipboard API first (a focused page, Firefox's background page), else the copy command. */
export async function copyBoth(text, html) {
  try {
    await navigator.clipboard.write([new ClipboardItem({
      'text/plain': new Blob([text], { type: 'text/plain' }),
      'text/html': new Blob([html], { type: 'text/html' }),
    })]);
    return true;
  } catch {
    return copyByEvent(document, text, html);
  }
}
