// The only code MeetLink runs in web pages. chrome.scripting.executeScript sends each function's
// source (not its closure) into the page's ISOLATED world, so every function here is self-contained:
// no imports, no shared helpers, nothing from the worker but the JSON arguments. It never receives a
// token, never builds HTML (a titled link's markup comes from the worker's fixed template,
// src/format.rs), and trusts nothing the page says.
//
// Two steps (extension-platform.md §4.2): at trigger time `findTarget` records the focused field and
// its selection under a per-action nonce (and proves the page can be scripted); when the link is
// ready, `insertText` types it there — once — if the field is still the one the user chose.

/**
 * Records the focused editable element under `nonce`. Returns {ok, kind, before, after, site} — the
 * characters either side of the caret, "" at the start or end of the text or of its line, and the
 * page's host name (the top page's where the browser tells a frame) — or {ok: false, reason}.
 * With `collapse` "end", the selection is first collapsed to its end: a meeting set up from selected
 * text types its link after that text, not over it.
 */
export function findTarget(nonce, collapse = '') {
  // The PDF viewer can be scripted, but nothing in it can be typed into: say so, not "no field".
  if (document.contentType === 'application/pdf') return { ok: false, reason: 'restricted' };
  const TEXT_INPUTS = ['text', 'search', 'url', 'email'];
  // EditContext editors (Monaco in Chromium) focus an element that is not contenteditable.
  const isEditable = (el) =>
    ((el.tagName === 'TEXTAREA' || (el.tagName === 'INPUT' && TEXT_INPUTS.includes(el.type))) && !el.readOnly && !el.disabled) ||
    el.isContentEditable === true || Boolean(el.editContext);
  // document.activeElement stops at shadow hosts and iframes: descend open shadow roots and
  // same-origin frames to the element that really has focus.
  let el = document.activeElement;
  for (;;) {
    if (el && el.shadowRoot && el.shadowRoot.activeElement) {
      el = el.shadowRoot.activeElement;
    } else if (el && (el.tagName === 'IFRAME' || el.tagName === 'FRAME')) {
      let inner = null;
      try { inner = el.contentDocument; } catch { inner = null; }
      if (!inner) return { ok: false, reason: 'crossOriginFrame' };
      el = inner.activeElement;
    } else {
      break;
    }
  }
  if (!el || !isEditable(el)) return { ok: false, reason: 'noField' };
  const root = el.getRootNode();
  const selection = (root.getSelection && root.getSelection()) || el.ownerDocument.getSelection();
  const field = el.tagName === 'INPUT' || el.tagName === 'TEXTAREA';
  if (collapse === 'end') {
    if (field && el.selectionStart !== null) el.setSelectionRange(el.selectionEnd, el.selectionEnd);
    else if (!field && selection && selection.rangeCount) selection.collapseToEnd();
  }
  const editContext = !field && !el.isContentEditable ? el.editContext : null;
  const range = !field && !editContext && selection && selection.rangeCount ? selection.getRangeAt(0).cloneRange() : null;
  const targets = (globalThis.__meetlinkTargets = globalThis.__meetlinkTargets || new Map());
  // selectionStart is null for email inputs: the browser exposes no caret there.
  targets.set(nonce, { el, start: field ? el.selectionStart : null, end: field ? el.selectionEnd : null, range });

  // The text either side of the caret, whole code points, for the worker's spacing rule: two
  // UTF-16 units either side hold one code point, whatever the field's length.
  const last = (t, at) => Array.from(t.slice(Math.max(0, at - 2), at)).pop() || '';
  const first = (t, at) => Array.from(t.slice(at, at + 2))[0] || '';
  let before = '';
  let after = '';
  if (field && el.selectionStart !== null) {
    before = last(el.value, el.selectionStart);
    after = first(el.value, el.selectionEnd);
  } else if (editContext) {
    const [s, e] = [editContext.selectionStart, editContext.selectionEnd].sort((a, b) => a - b);
    before = last(editContext.text, s);
    after = first(editContext.text, e);
  } else if (range && el.contains(range.commonAncestorContainer)) {
    // Within the paragraph (the nearest block) holding the caret; a <br> counts as a line end.
    const view = el.ownerDocument.defaultView;
    let block = range.startContainer.nodeType === 1 ? range.startContainer : range.startContainer.parentElement;
    while (block && block !== el && /^inline/.test(view.getComputedStyle(block).display)) block = block.parentElement;
    if (!block || !el.contains(block)) block = el;
    const side = (setSide) => {
      const r = el.ownerDocument.createRange();
      r.selectNodeContents(block);
      setSide(r);
      const f = r.cloneContents();
      f.querySelectorAll('br').forEach((br) => br.replaceWith('\n'));
      return f.textContent;
    };
    const pre = side((r) => r.setEnd(range.startContainer, range.startOffset));
    before = last(pre, pre.length);
    after = first(side((r) => r.setStart(range.endContainer, range.endOffset)), 0);
  }
  const kind = el.isContentEditable ? 'contenteditable' : editContext ? 'editcontext' : el.tagName.toLowerCase();
  // The site picks the format: the top page's (Chromium names it to every frame), else this
  // frame's origin (an about:blank editor frame, TinyMCE's, has its parent's).
  const origins = location.ancestorOrigins;
  let site = '';
  try { site = new URL(origins && origins.length ? origins[origins.length - 1] : self.origin).hostname; } catch { site = ''; }
  return { ok: true, kind, before, after, site };
}

/**
 * Types `text` at the caret of the field recorded under `nonce`, as text, unless the script starts
 * after `deadline` (epoch ms, as a string): the worker has copied the link by then. In a rich
 * editor, `html` (when not empty) goes in instead — a titled link, showing `shown` — offered to the
 * editor as a paste first; where it does not go in, `text` does. Resolves to {ok, how} or
 * {ok: false, reason}.
 */
export async function insertText(text, nonce, deadline, html = '', shown = '') {
  const TEXT_INPUTS = ['text', 'search', 'url', 'email'];
  const isEditable = (el) =>
    ((el.tagName === 'TEXTAREA' || (el.tagName === 'INPUT' && TEXT_INPUTS.includes(el.type))) && !el.readOnly && !el.disabled) ||
    el.isContentEditable === true || Boolean(el.editContext);
  const deepActive = () => {
    let a = document.activeElement;
    for (;;) {
      if (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
      else if (a && (a.tagName === 'IFRAME' || a.tagName === 'FRAME')) {
        let inner = null;
        try { inner = a.contentDocument; } catch { inner = null; }
        if (!inner) return a;
        a = inner.activeElement;
      } else return a;
    }
  };
  const targets = globalThis.__meetlinkTargets;
  const target = targets && targets.get(nonce);
  if (!target) return { ok: false, reason: 'lost' };
  targets.delete(nonce); // one insertion per action, however often this runs
  if (!(Date.now() <= Number(deadline))) return { ok: false, reason: 'late' };
  const { el } = target;
  if (!el.isConnected || !isEditable(el)) return { ok: false, reason: 'gone' };
  const field = el.tagName === 'INPUT' || el.tagName === 'TEXTAREA';
  const editContext = !field && !el.isContentEditable ? el.editContext : null;
  const value = () => (field ? el.value : el.textContent);
  const count = (s, of = text) => s.split(of).length - 1;
  // Editors render on their own schedule (React batches, Monaco after its model): wait until
  // `took()` says the text is in, up to 1 s — on this script's own timers: a frame the editor
  // removes takes its timers with it.
  const appeared = async (took) => {
    for (let waited = 0; !took() && waited < 1000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return took();
  };

  const focused = () => { const a = deepActive(); return a === el || (el.isContentEditable && el.contains(a)); };
  const active = deepActive();
  if (!focused()) {
    if (active && active !== el.ownerDocument.body && isEditable(active)) return { ok: false, reason: 'focusMoved' };
    // Focus left the fields (e.g. the page itself was clicked): put the caret back where it was.
    el.focus({ preventScroll: true });
    if (field) {
      if (target.start !== null) el.setSelectionRange(target.start, target.end);
    } else if (target.range) {
      const root = el.getRootNode();
      const sel = (root.getSelection && root.getSelection()) || el.ownerDocument.getSelection();
      sel.removeAllRanges();
      sel.addRange(target.range);
    }
    // The page may move focus on its own (a focus handler): then it is not where the user was.
    if (!focused()) return { ok: false, reason: 'focusMoved' };
  }
  const before = count(value());
  // An EditContext editor shows what it took in its element, or writes its EditContext's text
  // from its own model (Monaco): either is proof.
  const inContext = editContext ? count(editContext.text) : 0;
  const synced = () => Boolean(editContext) && count(editContext.text) > inContext;
  const grew = () => count(value()) > before || synced();
  const doc = el.ownerDocument;
  const view = doc.defaultView;
  // Offers `types` ({type: data}) as a paste. An editor that takes it cancels the event: the answer
  // is then whether `took()` shows it in. `null` when nothing took it — or when the browser cannot
  // build the offer (Firefox builds the event without the data it was given: an offer of nothing
  // is no offer).
  const offerPaste = async (types, took) => {
    let paste;
    try {
      const data = new view.DataTransfer();
      for (const [type, value] of Object.entries(types)) data.setData(type, value);
      paste = new view.ClipboardEvent('paste', { bubbles: true, cancelable: true, composed: true, clipboardData: data });
      if (!paste.clipboardData || Object.entries(types).some(([type, value]) => paste.clipboardData.getData(type) !== value)) return null;
    } catch {
      return null;
    }
    if (el.dispatchEvent(paste)) return null;
    return (await appeared(took)) ? { ok: true, how: 'paste' } : { ok: false, reason: 'refused' };
  };
  if (field || editContext) {
    // Code editors keep their own model behind a textarea or an EditContext (Monaco, Ace), and
    // some split typed text into several undo steps at spaces (Monaco); they take text that
    // arrives whole as a paste, and cancel it. Offer the text as one; a plain field ignores the offer (a page cannot
    // paste by event), and the text is typed below.
    const pasted = await offerPaste({ 'text/plain': text }, grew);
    if (pasted) return pasted;
    if (!focused()) return { ok: false, reason: 'focusMoved' };
  }
  if (editContext) {
    // An EditContext editor that did not take the paste takes text as the browser's `textupdate`
    // on its EditContext — what typing sends — replacing its selection; execCommand and
    // beforeinput do nothing there.
    const [s, e] = [editContext.selectionStart, editContext.selectionEnd].sort((a, b) => a - b);
    const caret = s + text.length;
    editContext.dispatchEvent(new view.TextUpdateEvent('textupdate', {
      text, updateRangeStart: s, updateRangeEnd: e, selectionStart: caret, selectionEnd: caret,
    }));
    if (!(await appeared(grew))) return { ok: false, reason: 'refused' };
    // The browser changes an EditContext's text and selection itself for typed text; an editor
    // that left them to it would read the next keystroke against stale text.
    if (!synced()) {
      editContext.updateText(s, e, text);
      editContext.updateSelection(caret, caret);
    }
    return { ok: true, how: 'textupdate' };
  }
  // Editors with their own undo stack (TinyMCE) record a step only for typed keys and for text
  // that arrives whole — a correction, a paste, a drop. Say it arrived whole, as a correction's
  // `input` does (no data: the text is already in), so one Ctrl+Z there takes exactly this out
  // and the editor knows it changed. Editors that watch the DOM find nothing more to read.
  const arrivedWhole = () => el.dispatchEvent(new view.InputEvent('input', { bubbles: true, inputType: 'insertReplacementText' }));
  if (!field && !editContext && html && shown) {
    // A titled link. Editors with a model of their own (ProseMirror, Lexical, CKEditor, Quill…)
    // read a paste's text/html through their own schema and cancel it; a plain contenteditable
    // ignores the offer and takes the markup from the browser's insertHTML.
    const shownBefore = count(value(), shown);
    const took = () => count(value(), shown) > shownBefore;
    const pasted = await offerPaste({ 'text/html': html, 'text/plain': text }, took);
    if (pasted) return pasted;
    if (!focused()) return { ok: false, reason: 'focusMoved' };
    let done = false;
    try { done = doc.execCommand('insertHTML', false, html) && took(); } catch { done = false; }
    if (done) {
      arrivedWhole();
      return { ok: true, how: 'insertHTML' };
    }
    // The markup did not go in: the text does, below.
  }
  if (!field) {
    // Editors that own their model (Slate, and any that cancels beforeinput) insert the text
    // themselves when offered a beforeinput; execCommand alone fires no beforeinput, changes only
    // their DOM, and their next render would lose the link. An editor that takes it cancels the event.
    const offer = new view.InputEvent('beforeinput', {
      bubbles: true, cancelable: true, composed: true, inputType: 'insertText', data: text,
    });
    if (!el.dispatchEvent(offer)) {
      return (await appeared(grew)) ? { ok: true, how: 'beforeinput' } : { ok: false, reason: 'refused' };
    }
  }
  // execCommand('insertText') goes through the browser's own editing path: a trusted `input` event
  // with inputType insertText, native undo, and the editors' own handling. Deprecated, still the only
  // way to get all three (MDN; fregante/text-field-edit).
  // The beforeinput's handlers ran page code: the text goes nowhere but the field the user chose.
  if (!focused()) return { ok: false, reason: 'focusMoved' };
  let how = 'execCommand';
  let done = false;
  try { done = doc.execCommand('insertText', false, text) && count(value()) > before; } catch { done = false; }
  if (!done) {
    how = 'fallback';
    if (field && el.selectionStart !== null) {
      el.setRangeText(text, el.selectionStart, el.selectionEnd, 'end');
    } else if (field) {
      el.value += text; // no caret to insert at (email inputs): append
    } else {
      const root = el.getRootNode();
      const sel = (root.getSelection && root.getSelection()) || doc.getSelection();
      const range = sel && sel.rangeCount ? sel.getRangeAt(0) : null;
      if (!range || !el.contains(range.commonAncestorContainer)) return { ok: false, reason: 'refused' };
      const node = doc.createTextNode(text);
      range.deleteContents();
      range.insertNode(node);
      range.setStartAfter(node);
      range.collapse(true);
      sel.removeAllRanges();
      sel.addRange(range);
    }
    el.dispatchEvent(new view.InputEvent('input', { bubbles: true, inputType: 'insertText', data: text }));
  }
  const ok = count(value()) > before;
  if (ok && !field) arrivedWhole();
  return ok ? { ok: true, how } : { ok: false, reason: 'refused' };
}

/**
 * What this frame offers a meeting: the selected text (in a field, its selected part), at most 5,000
 * characters, and — on Gmail only — the addresses in the To and Cc rows of the compose window that
 * holds the focus (each recipient chip names its address in `data-hovercard-id`, or `email` in
 * older layouts). Returns {selection, recipients}; the worker checks every address.
 */
export function gatherPeople() {
  const MAX_TEXT = 5000;
  const MAX_PEOPLE = 50;
  let active = document.activeElement;
  while (active && active.shadowRoot && active.shadowRoot.activeElement) active = active.shadowRoot.activeElement;
  let selection = '';
  if (active && (active.tagName === 'TEXTAREA' || active.tagName === 'INPUT') && typeof active.selectionStart === 'number') {
    selection = active.value.slice(active.selectionStart, active.selectionEnd);
  } else {
    selection = String(document.getSelection() || '');
  }
  const found = { to: [], cc: [] };
  if (location.hostname === 'mail.google.com') {
    // The compose window that holds the focus (the one the menu was opened in): the nearest
    // ancestor of the focus with a To row. Gmail may have several drafts open; with the focus in
    // none of them, no recipients at all — never another draft's.
    let compose = active && active !== document.body ? active : null;
    while (compose && !compose.querySelector('[name="to"]')) compose = compose.parentElement;
    for (const row of compose ? ['to', 'cc'] : []) {
      const chips = compose.querySelectorAll(`[name="${row}"] [role="option"][data-hovercard-id], [name="${row}"] [email]`);
      for (const chip of chips) {
        const address = chip.getAttribute('data-hovercard-id') || chip.getAttribute('email') || '';
        if (found.to.length + found.cc.length < MAX_PEOPLE) found[row].push(address.slice(0, 320));
      }
    }
  }
  return { selection: selection.slice(0, MAX_TEXT), to: found.to, cc: found.cc };
}
