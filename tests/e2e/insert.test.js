// "Insert Meet link" (context menu) and the shortcut, on every fixture target, through the very
// handlers the listeners call: globalThis.meetlink.onMenuClicked(info, tab) and .onCommand(command, tab).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  fake, pages, tabFrames, insertVia, readClipboard, writeClipboard, message, suite, openPage, waitFor, watchScripts, scriptsSettled, MEET, ROOT,
} from './harness.js';

let browser;
suite({
  withPages: true,
  onLaunch: (b) => { browser = b; },
  beforeEachTest: () => writeClipboard(browser, ''), // settings: the suite's (warm link off, nothing else)
});

const open = (name) => openPage(browser, name);

const frameIds = (tabId) => tabFrames(browser, tabId);
const trigger = (how, tabId, frameId = 0) => insertVia(browser, how, tabId, frameId);

/** Everything in the page except the field under test, to show that nothing else changed. */
const outside = (page, skip) => page.evaluate((skip) => {
  const clone = document.body.cloneNode(true);
  for (const s of skip) clone.querySelectorAll(s).forEach((n) => n.remove());
  clone.querySelectorAll('script').forEach((n) => n.remove());
  return clone.outerHTML;
}, skip);

/** Caret offset from the start of the field's text (fields: selectionEnd; editables: a Range). */
const caret = (page, get) => page.evaluate(`(() => {
  const el = (${get})();
  if ('selectionEnd' in el) return [el.selectionStart, el.selectionEnd];
  const root = el.getRootNode();
  const sel = root.getSelection ? root.getSelection() : document.getSelection();
  const r = document.createRange();
  r.selectNodeContents(el);
  r.setEnd(sel.focusNode, sel.focusOffset);
  const n = r.toString().length;
  return [n, n];
})()`);

const events = (page, get) => page.evaluate(`(() => {
  const el = (${get})();
  return (el.ownerDocument.defaultView.seen || []).slice();
})()`);

// Each target: the page, how to reach the element (a function body evaluated in the page), how to
// read the text the page's own model holds, and where the caret goes before the trigger.
const field = (sel) => `() => document.querySelector('${sel}')`;
const targets = [
  { name: 'textarea', page: 'textarea.html', el: field('#field'), caret: 6 },
  { name: 'textarea, replacing a selection', page: 'textarea.html', el: field('#field'), caret: 6, select: [7, 12] },
  ...['text', 'search', 'url', 'untyped'].map((t) => ({ name: `input ${t}`, page: 'inputs.html', el: field(`#${t}`), caret: 6 })),
  // Email inputs expose no caret to scripts (selectionStart is null): the caret is put at the end by key.
  { name: 'input email', page: 'inputs.html', el: field('#email'), caret: 'end', noCaretApi: true },
  { name: 'contenteditable', page: 'contenteditable.html', el: field('#field'), caret: 'end' },
  { name: 'textarea in nested open shadow roots', page: 'shadow.html', el: "() => document.querySelector('#host').shadowRoot.querySelector('inner-box').shadowRoot.querySelector('#field')", caret: 6 },
  { name: 'contenteditable in a shadow root', page: 'shadow.html', el: "() => document.querySelector('#richhost').shadowRoot.querySelector('#rich')", caret: 'end' },
  { name: 'same-origin iframe', page: 'iframe.html', el: "() => document.querySelector('#same').contentDocument.querySelector('#field')", caret: 6, frame: 'frame-inner.html', focusBy: 'script' },
  { name: 'React controlled input', page: 'react.html', el: field('#field'), caret: 6, model: 'modelText', rerender: true },
  { name: 'React controlled textarea', page: 'react.html', el: field('#area'), caret: 6, model: 'modelArea', rerender: true },
];

async function focusTarget(page, t) {
  const handle = await page.evaluateHandle(`(${t.el})()`);
  // Playwright cannot click through a handle into another frame; focus it the way a click would.
  if (t.focusBy === 'script') await handle.evaluate((el) => { el.ownerDocument.defaultView.focus(); el.focus(); });
  else await handle.asElement().click();
  if (t.caret === 'end') {
    await page.keyboard.press('End');
  } else {
    const [s, e] = t.select ?? [t.caret, t.caret];
    await handle.evaluate((el, [s, e]) => el.setSelectionRange(s, e), [s, e]);
  }
  // Editors sync their model's selection from the DOM on a throttled selectionchange; a person
  // never right-clicks within milliseconds of placing the caret.
  await page.waitForTimeout(150);
  await page.evaluate(() => { window.seen.length = 0; document.querySelectorAll('iframe').forEach((f) => { try { f.contentWindow.seen.length = 0; } catch {} }); });
  return handle;
}

for (const t of targets) {
  for (const how of ['menu', 'command']) {
    test(`${t.name} via ${how}`, async () => {
      const { page, tabId } = await open(t.page);
      if (t.model) await page.waitForFunction((m) => typeof window[m] === 'function', t.model);
      const handle = await focusTarget(page, t);
      const before = await handle.evaluate((el) => ('value' in el && el.tagName !== 'DIV' ? el.value : el.textContent));
      const keep = await outside(page, ['#field', '#app', '#area', '#host', '#richhost', '#same', '#cross', '#editable']);
      let frameId = 0;
      if (how === 'menu' && t.frame) frameId = (await frameIds(tabId)).find((f) => f.url.endsWith(t.frame) && f.url.includes('127.0.0.1')).frameId;

      const r = await trigger(how, tabId, frameId);
      assert.equal(r.badge, '✓', r.title);
      assert.equal(r.notifications, 0);

      const value = await handle.evaluate((el) => ('value' in el && el.tagName !== 'DIV' ? el.value : el.textContent));
      const link = value.match(MEET)?.[0];
      assert.ok(link, `link in field: ${value}`);
      // At the end of "Hello  world" the link needs a space before it (a field with no caret API
      // says nothing about its text: none); between the two spaces, or replacing "world", none.
      const typed = t.caret === 'end' && !t.noCaretApi ? ` ${link}` : link;
      const expected = t.caret === 'end' ? before + typed
        : before.slice(0, (t.select ?? [t.caret])[0]) + typed + before.slice((t.select ?? [t.caret, t.caret])[1]);
      assert.equal(value, expected);
      const end = t.caret === 'end' ? expected.length : (t.select ?? [t.caret])[0] + link.length;
      if (!t.noCaretApi) assert.deepEqual(await caret(page, t.el), [end, end], 'caret right after the link');
      if (t.model) {
        if (t.rerender) await page.evaluate(() => window.rerender());
        await page.waitForFunction((m) => window[m]().includes('meet.google.com'), t.model, { timeout: 2000 });
        assert.equal(await page.evaluate((m) => window[m](), t.model), expected, "the editor's own model has the link");
        if (t.rerender) assert.equal(await handle.evaluate((el) => el.value), expected, 'survives the next render');
      }
      const seen = await events(page, t.el);
      assert.ok(seen.some((e) => (e.type === 'input' || e.type === 'beforeinput') && e.inputType === 'insertText' && e.data === typed),
        `the page saw an insertText event: ${JSON.stringify(seen)}`);
      assert.equal(await outside(page, ['#field', '#app', '#area', '#host', '#richhost', '#same', '#cross', '#editable']), keep, 'nothing else changed');
      assert.equal((await fake.calls()).inserts.length, 1, 'one event per trigger');
      assert.equal(await readClipboard(browser), '', 'not copied');
      await page.close();
    });
  }
}

test('undo removes the inserted link (textarea and contenteditable)', async () => {
  for (const [name, sel, caretAt] of [['textarea.html', '#field', 6], ['contenteditable.html', '#field', 'end']]) {
    const { page, tabId } = await open(name);
    const handle = await focusTarget(page, { el: field(sel), caret: caretAt });
    const before = await handle.evaluate((el) => el.value ?? el.textContent);
    await trigger('command', tabId);
    assert.match(await handle.evaluate((el) => el.value ?? el.textContent), MEET);
    await page.keyboard.press('Control+z');
    assert.equal(await handle.evaluate((el) => el.value ?? el.textContent), before, name);
    await page.close();
  }
});

test('the insertion template setting is applied as text', async () => {
  await browser.sw.evaluate(() => chrome.storage.local.set({ settings: { template: 'markdown', warmLink: false } }));
  const { page, tabId } = await open('textarea.html');
  await focusTarget(page, { el: field('#field'), caret: 0 });
  await trigger('command', tabId);
  assert.match(await page.locator('#field').inputValue(), /^\[Join Google Meet\]\(https:\/\/meet\.google\.com\/[a-z-]+\) Hello {2}world$/, 'spaced from the word after it');
  await page.close();
});

test('a hostile string handed to the insert function appears literally and runs nothing', async () => {
  const src = readFileSync(join(ROOT, 'extension', 'page.js'), 'utf8').replace(/export /g, '');
  const hostile = '<img src=x onerror=alert(1)><script>alert(2)</script>';
  for (const [name, sel] of [['textarea.html', '#field'], ['contenteditable.html', '#field'], ['prosemirror.html', '#field [contenteditable=true]']]) {
    const page = await browser.context.newPage();
    await page.goto(pages.url(name));
    await page.locator(sel).click();
    await page.keyboard.press('End');
    const r = await page.evaluate(`(async () => { ${src}; findTarget('n'); return insertText(${JSON.stringify(hostile)}, 'n', String(Date.now() + 10000)); })()`);
    assert.equal(r.ok, true);
    const el = page.locator(sel);
    await waitFor(async () => (await el.evaluate((e) => e.value ?? e.textContent)).endsWith(hostile), { what: `${name}: literal text` });
    assert.equal(await page.evaluate(() => document.querySelectorAll('#field img, #field script, [contenteditable] img').length), 0, `${name}: no element created`);
    assert.deepEqual(await page.evaluate(() => window.alerted), [], `${name}: nothing ran`);
    // Run again with the same nonce: inserted once per action.
    const again = await page.evaluate(`(async () => { ${src}; return insertText(${JSON.stringify(hostile)}, 'n', String(Date.now() + 10000)); })()`);
    assert.equal(again.reason, 'lost');
    await page.close();
  }
});

// ---- where the page cannot be written to, the link goes to the clipboard, and the user is told ----
async function expectCopied(r, reason) {
  assert.equal(r.notifications, 1, 'the user is told');
  if (r.title !== null) {
    assert.equal(r.badge, '⧉');
    assert.equal(r.title, message(`copied_${reason}`));
  }
  const clip = await readClipboard(browser);
  assert.match(clip, new RegExp(`^${MEET.source}$`), 'the link is on the clipboard');
  assert.equal((await fake.calls()).inserts.length, 1);
  return clip;
}

test('chrome:// page: copied', async () => {
  const page = await browser.context.newPage();
  await page.goto('chrome://version/');
  await page.bringToFront();
  // Without the "tabs" permission a chrome:// tab cannot be found by URL: take the active one.
  const tabId = await browser.sw.evaluate(async () => (await chrome.tabs.query({ active: true, lastFocusedWindow: true }))[0]?.id);
  await expectCopied(await trigger('command', tabId), 'restricted');
  await page.close();
});

test('PDF viewer: copied', async () => {
  const page = await browser.context.newPage();
  await page.goto(pages.url('sample.pdf')).catch(() => {}); // may count as a download in headless mode
  const tabId = await browser.sw.evaluate(async (u) => (await chrome.tabs.query({}))
    .find((t) => t.url === u || t.pendingUrl === u)?.id, pages.url('sample.pdf'));
  assert.ok(tabId);
  // The tab shows the PDF (the viewer), not a download.
  const [{ result: type }] = await browser.sw.evaluate((tabId) => chrome.scripting.executeScript({ target: { tabId }, func: () => document.contentType }), tabId);
  assert.equal(type, 'application/pdf');
  const r = await trigger('command', tabId);
  await expectCopied(r, 'restricted');
  await page.close();
});

test('cross-origin iframe: copied (menu in the frame, and shortcut with focus in it)', async () => {
  const { page, tabId } = await open('iframe.html');
  await page.frameLocator('#cross').locator('#field').click();
  const frames = await frameIds(tabId);
  assert.ok(!frames.some((f) => f.url.includes('localhost')), 'no host permission for the other origin');
  // The frame id as the menu would report it. Without the webNavigation permission, find it the way
  // the browser tells: a frame that exists but cannot be scripted is refused with "Cannot access",
  // a frame id that does not exist with "No frame with id".
  // Frame ids are the browser's, counted across the session: look next to the same-origin frame's,
  // made by the same page load.
  const sameId = frames.find((f) => f.url.endsWith('frame-inner.html') && f.frameId !== 0).frameId;
  const crossId = await browser.sw.evaluate(async ([tabId, sameId]) => {
    for (let id = Math.max(1, sameId - 20); id < sameId + 50; id++) {
      const err = await chrome.scripting.executeScript({ target: { tabId, frameIds: [id] }, func: () => 0 }).then(() => '', (e) => e.message);
      if (/Cannot access/.test(err)) return id;
    }
    return null;
  }, [tabId, sameId]);
  assert.ok(crossId > 0, 'the cross-origin frame has an id');
  await expectCopied(await trigger('menu', tabId, crossId), 'crossOriginFrame');
  await fake.reset();
  await page.bringToFront();
  await page.frameLocator('#cross').locator('#field').click();
  await expectCopied(await trigger('command', tabId), 'crossOriginFrame');
  assert.equal(await page.frameLocator('#cross').locator('#field').inputValue(), 'Hello  world');
  await page.close();
});

test('no editable field focused (shortcut): copied', async () => {
  const { page, tabId } = await open('inputs.html');
  await page.locator('h1').click();
  await expectCopied(await trigger('command', tabId), 'noField');
  await page.close();
});

test('an unsupported input type (number) is not typed into: copied', async () => {
  const { page, tabId } = await open('inputs.html');
  await page.locator('#number').click();
  await expectCopied(await trigger('command', tabId), 'noField');
  assert.equal(await page.locator('#number').inputValue(), '5');
  await page.close();
});

test('no tab at all (shortcut outside a tab): copied and notified', async () => {
  await expectCopied(await trigger('command', null), 'noField');
});

/** Triggers in textarea.html with the caret at 6, then does `act(page)` while the link is made. */
async function whileMaking(how, act) {
  await fake.config({ latency_ms: 1500 }); // room for the page actions, even on a loaded machine
  const { page, tabId } = await open('textarea.html');
  await focusTarget(page, { el: field('#field'), caret: 6 });
  await watchScripts(browser.sw);
  const pending = trigger(how, tabId);
  await waitFor(async () => (await scriptsSettled(browser.sw))[0] === true, { what: 'the field recorded' });
  await act(page);
  return { page, r: await pending };
}

test('focus moved to another field while the link was made: nothing typed, copied', async () => {
  const { page, r } = await whileMaking('command', async (p) => {
    await p.locator('#other').click();
    await p.keyboard.type('typing here');
  });
  await expectCopied(r, 'focusMoved');
  assert.equal(await page.locator('#field').inputValue(), 'Hello  world');
  assert.equal(await page.locator('#other').inputValue(), 'typing here');
  await page.close();
});

test('the field was removed while the link was made: copied', async () => {
  const { page, r } = await whileMaking('menu', (p) => p.evaluate(() => document.getElementById('field').remove()));
  await expectCopied(r, 'fieldGone');
  await page.close();
});

test('focus left the fields (page clicked) while the link was made: typed where the caret was', async () => {
  const { page, r } = await whileMaking('command', (p) => p.locator('h1').click());
  assert.equal(r.badge, '✓');
  assert.match(await page.locator('#field').inputValue(), /^Hello https:\/\/meet\.google\.com\/[a-z-]+ world$/);
  await page.close();
});

test('a failure is shown on the badge and in a notification that says what to do; nothing typed', async () => {
  await fake.faults({ match: 'insert', status: 403, reason: 'quotaExceeded' });
  const { page, tabId } = await open('textarea.html');
  await focusTarget(page, { el: field('#field'), caret: 6 });
  const r = await trigger('command', tabId);
  assert.equal(r.badge, '!');
  assert.equal(r.title, message('problem_quotaExceeded'));
  assert.equal(r.notifications, 1);
  assert.equal(await page.locator('#field').inputValue(), 'Hello  world');
  await page.close();
});

test('the context-menu item exists after install and after onInstalled or onStartup runs again', async () => {
  const exists = () => browser.sw.evaluate(() => chrome.contextMenus.update('insert-meet-link', {}).then(() => true, () => false));
  assert.equal(await exists(), true);
  await browser.sw.evaluate(() => meetlink.onInstalled({ reason: 'update' }));
  await browser.sw.evaluate(() => meetlink.onStartup());
  assert.equal(await exists(), true);
});
