// What a store visitor (and every user) sees, in each of the five UI languages: no button label
// broken over two lines, no phone number or PIN split ("582 364" / "017#" would be misdialled), and
// nothing wider than its page — in the popup with links, dial-in numbers and the history, the options
// page and the meeting window.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, fake, stubIdentity, openPopup, waitFor, DIST } from './harness.js';

before(() => fake.start());
after(() => fake.stop());

/** Every layout fault on `page`: a wrapped button label or unbreakable text, or something that runs
 * past the page's right edge (or its clipping container's). */
const layoutFaults = (page) => page.evaluate(() => {
  const lines = (el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
  };
  const shown = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const faults = [];
  for (const el of document.querySelectorAll('button, .nobreak, #dial-in a')) {
    if (!shown(el)) continue;
    if (lines(el) > 1) faults.push(`"${el.textContent.trim()}" is on ${lines(el)} lines`);
    const box = el.getBoundingClientRect();
    let clip = el.parentElement;
    while (clip && clip !== document.body && getComputedStyle(clip).overflowX === 'visible') clip = clip.parentElement;
    const right = clip && clip !== document.body ? clip.getBoundingClientRect().right : document.documentElement.clientWidth;
    if (box.right > right + 0.5) faults.push(`"${el.textContent.trim()}" runs ${Math.round(box.right - right)} px past the edge`);
  }
  if (document.documentElement.scrollWidth > document.documentElement.clientWidth) faults.push('the page scrolls sideways');
  return faults;
});

for (const lang of ['en', 'de', 'fr', 'es', 'ja']) {
  test(`no wrapped label, split number or overflow in ${lang}: popup, options, meeting window`, { timeout: 90_000 }, async () => {
    await fake.reset();
    // Chromium on Linux takes its UI language from the environment (--lang is ignored there).
    const browser = await launch(DIST, { args: [`--lang=${lang}`], env: { LANGUAGE: lang, LANG: `${lang}.UTF-8`, LC_ALL: '' } });
    try {
      await stubIdentity(browser.sw);
      await browser.sw.evaluate(() => chrome.storage.local.set({ settings: { warmLink: false } }));
      const popup = await openPopup(browser);
      // Two links, each with its dial-in numbers (the fake gives a US number and its PIN), so the
      // history lists them too; then the popup as it opens with them.
      for (let i = 0; i < 2; i++) {
        // The button by its id: its name is in the page's language.
        await popup.locator('#create').click();
        await popup.waitForFunction(() => !document.getElementById('create').disabled && !document.getElementById('result').hidden);
      }
      await popup.reload();
      await popup.locator('#account:not([hidden])').waitFor();
      await popup.locator('#history-list li').nth(1).waitFor();
      assert.ok(await popup.locator('.dial-in .nobreak').count() >= 4, 'numbers and PINs listed');
      assert.deepEqual(await layoutFaults(popup), [], 'popup');

      const options = await browser.context.newPage();
      await options.goto(`chrome-extension://${browser.id}/options.html`);
      await options.locator('body[data-ready]').waitFor();
      assert.deepEqual(await layoutFaults(options), [], 'options');

      const opened = browser.context.waitForEvent('page', { predicate: (p) => p.url().includes('/meeting.html#'), timeout: 20_000 });
      await popup.evaluate(() => chrome.runtime.sendMessage({ type: 'openMeeting', kind: 'invite', tabId: null }));
      const win = await opened;
      await win.locator('#form:not([hidden])').waitFor();
      await win.evaluate(() => { document.getElementById('guest').value = 'ana@example.com'; document.getElementById('add-guest').click(); });
      await waitFor(() => win.locator('#guests li').count(), { what: 'a guest listed' });
      assert.deepEqual(await layoutFaults(win), [], 'meeting window');
    } finally {
      await browser.close();
    }
  });
}
