// Real editors from npm (versions pinned in package-lock.json), each checked through its own model,
// never the DOM: "Insert Meet link" from the menu and the shortcut puts the link in once, at the
// caret, with a space where the text around needs one, leaves the rest of the text as it was, and
// one Ctrl+Z takes out exactly what was typed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fake, tabFrames, insertVia, readClipboard, writeClipboard, suite, openPage, waitFor, MEET } from './harness.js';

let browser;
suite({ withPages: true, onLaunch: (b) => { browser = b; }, beforeEachTest: () => writeClipboard(browser, '') });

const TEXT = 'Hello world';
// Each editor: its fixture page; `mode`: what its focused element must be; `frame`: it edits inside
// its own iframe (the menu is clicked there).
const editors = [
  { name: 'Monaco, EditContext (its default in Chromium)', page: 'monaco.html', mode: 'editcontext' },
  { name: 'Monaco, textarea mode', page: 'monaco.html?textarea', mode: 'textarea' },
  { name: 'TinyMCE, in its iframe', page: 'tinymce.html', frame: true },
  { name: 'CodeMirror 6', page: 'codemirror.html' },
  { name: 'CKEditor 5', page: 'ckeditor.html' },
  { name: 'Trix', page: 'trix.html' },
  { name: 'Ace', page: 'ace.html' },
  { name: 'ProseMirror', page: 'prosemirror.html' },
  { name: 'Lexical', page: 'lexical.html' },
  { name: 'Slate', page: 'slate.html' },
  { name: 'Quill', page: 'quill.html' },
  { name: 'Draft.js', page: 'draft.html' },
  // Not from npm: the explainer's bare editor, for EditContext editors that take no paste. It has
  // no undo of its own to check.
  { name: 'a bare EditContext editor', page: 'editcontext.html', mode: 'editcontext', noUndo: true },
];
// Where the caret is, and what goes in: after "Hello" the link needs a space before it (the next
// character is already one); before "world", a space after it.
const cases = [
  { how: 'menu', at: 5, spaced: (l) => ` ${l}` },
  { how: 'command', at: 6, spaced: (l) => `${l} ` },
];

const fx = (page, call, ...args) => page.evaluate(([call, args]) => window.fx[call](...args), [call, args]);

for (const e of editors) {
  for (const c of cases) {
    test(`${e.name} via ${c.how}`, async () => {
      const { page, tabId } = await openPage(browser, e.page);
      await page.waitForFunction(() => window.fx, null, { timeout: 20_000 });
      assert.equal(await fx(page, 'text'), TEXT);
      await fx(page, 'place', c.at);
      await waitFor(async () => (await fx(page, 'focused')) && JSON.stringify(await fx(page, 'caret')) === JSON.stringify([c.at, c.at]),
        { what: `${e.name}: focused, caret at ${c.at}` });
      if (e.mode) assert.equal(await fx(page, 'mode'), e.mode, 'the editor runs in the mode under test');
      let frameId = 0;
      if (c.how === 'menu' && e.frame) {
        const frames = await tabFrames(browser, tabId);
        frameId = frames.find((f) => f.frameId !== 0)?.frameId;
        assert.ok(frameId > 0, `the editor's frame has an id: ${JSON.stringify(frames)}`);
      }

      const r = await insertVia(browser, c.how, tabId, frameId);
      assert.equal(r.badge, '✓', r.title);
      assert.equal(r.notifications, 0);
      await waitFor(async () => MEET.test(await fx(page, 'text')), { what: `${e.name}: the link in the model`, timeout: 5_000 })
        .catch(async (err) => { throw new Error(`${err.message}; the model has ${JSON.stringify(await fx(page, 'text'))}`); });
      const link = (await fx(page, 'text')).match(MEET)[0];
      const typed = c.spaced(link);
      assert.equal(await fx(page, 'text'), TEXT.slice(0, c.at) + typed + TEXT.slice(c.at), 'once, at the caret, spaced, the text intact');
      const end = c.at + typed.length;
      await waitFor(async () => JSON.stringify(await fx(page, 'caret')) === JSON.stringify([end, end]), { what: 'caret after the link' });
      if (e.frame) {
        assert.equal(await fx(page, 'undoable'), true, 'TinyMCE recorded an undo level');
        assert.equal(await fx(page, 'dirty'), true, 'TinyMCE knows it changed');
      }
      assert.equal((await fake.calls()).inserts.length, 1, 'one event per trigger');
      assert.equal(await readClipboard(browser), '', 'typed, not copied');

      if (e.noUndo) {
        // The EditContext holds the editor's text as the browser would have left it: the next
        // keystroke lands right after the link.
        await page.keyboard.type('x');
        const after = TEXT.slice(0, c.at) + typed + 'x' + TEXT.slice(c.at);
        await waitFor(async () => (await fx(page, 'text')) === after, { what: 'typing goes on after the link', timeout: 5_000 });
        return page.close();
      }
      await page.keyboard.press('Control+z');
      await waitFor(async () => (await fx(page, 'text')) === TEXT, { what: `${e.name}: one Ctrl+Z takes the link out`, timeout: 5_000 })
        .catch(async (err) => { throw new Error(`${err.message}; the model has ${JSON.stringify(await fx(page, 'text'))}`); });
      await page.close();
    });
  }
}
