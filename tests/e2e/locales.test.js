// Every locale loads (Chrome refuses an extension with a broken messages.json) and the popup and the
// options page show their own language with no message missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, DIST } from './harness.js';

for (const lang of ['de', 'fr', 'es', 'ja']) {
  test(`popup in ${lang}`, async () => {
    const messages = JSON.parse(readFileSync(join(DIST, '_locales', lang, 'messages.json'), 'utf8'));
    // Chromium on Linux takes its UI language from the environment (--lang is ignored there).
    const browser = await launch(DIST, { args: [`--lang=${lang}`], env: { LANGUAGE: lang, LANG: `${lang}.UTF-8`, LC_ALL: '' } });
    try {
      assert.equal(await browser.sw.evaluate(() => chrome.i18n.getUILanguage().slice(0, 2)), lang);
      const page = await browser.context.newPage();
      await page.goto(`chrome-extension://${browser.id}/popup.html`);
      await page.waitForSelector('#account:not([hidden]), #problem:not([hidden])');
      assert.equal(await page.locator('#create').textContent(), messages.createButton.message);
      assert.equal(await page.locator('#switch').textContent(), messages.switchAccount.message);
      assert.equal(await page.locator('html').getAttribute('lang'), lang);
      const text = await page.evaluate(() => document.body.innerText);
      assert.ok(!/__MSG_|problem_|copied_|account[A-Z]/.test(text), `no raw key in: ${text}`);
      // The options page too: every label in that language, no key left raw.
      const options = await browser.context.newPage();
      await options.goto(`chrome-extension://${browser.id}/options.html`);
      await options.waitForSelector('body[data-ready]');
      assert.equal(await options.locator('h1').textContent(), messages.optionsTitle.message);
      assert.equal(await options.locator('label[for=title]').textContent(), messages.optTitle.message);
      assert.equal(await options.locator('html').getAttribute('lang'), lang);
      const optionsText = await options.evaluate(() => document.body.innerText);
      assert.ok(!/__MSG_|problem_|^opt[A-Z]|section[A-Z]|template[A-Z]|access[A-Z]/m.test(optionsText), `no raw key in: ${optionsText}`);
      // The menu title comes from the same locale.
      assert.equal(await browser.sw.evaluate(() => chrome.i18n.getMessage('menuInsert')), messages.menuInsert.message);
    } finally {
      await browser.close();
    }
  });
}
