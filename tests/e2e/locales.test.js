// Every locale loads (Chrome refuses an extension with a broken messages.json) and the popup and the
// options page show their own language with no message missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, DIST } from './harness.js';

/** Opens an extension page; each selector shows its message, `lang` is set, no message key is left raw. */
async function expectLocalized(browser, lang, file, ready, texts) {
  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${browser.id}/${file}`);
  await page.waitForSelector(ready);
  for (const [selector, text] of Object.entries(texts)) assert.equal(await page.locator(selector).textContent(), text, selector);
  assert.equal(await page.locator('html').getAttribute('lang'), lang);
  const shown = await page.evaluate(() => document.body.innerText);
  assert.ok(!/__MSG_|problem_|copied_|account[A-Z]|^opt[A-Z]|section[A-Z]|template[A-Z]|access[A-Z]/m.test(shown), `${file}: no raw key in: ${shown}`);
  await page.close();
}

for (const lang of ['de', 'fr', 'es', 'ja']) {
  test(`popup and options in ${lang}`, async () => {
    const messages = JSON.parse(readFileSync(join(DIST, '_locales', lang, 'messages.json'), 'utf8'));
    // Chromium on Linux takes its UI language from the environment (--lang is ignored there).
    const browser = await launch(DIST, { args: [`--lang=${lang}`], env: { LANGUAGE: lang, LANG: `${lang}.UTF-8`, LC_ALL: '' } });
    try {
      assert.equal(await browser.sw.evaluate(() => chrome.i18n.getUILanguage().slice(0, 2)), lang);
      const popup = { '#create': messages.createButton.message, '#switch': messages.switchAccount.message };
      await expectLocalized(browser, lang, 'popup.html', '#account:not([hidden]), #problem:not([hidden])', popup);
      const options = { h1: messages.optionsTitle.message, 'label[for=title]': messages.optTitle.message };
      await expectLocalized(browser, lang, 'options.html', 'body[data-ready]', options);
      // The menu title comes from the same locale.
      assert.equal(await browser.sw.evaluate(() => chrome.i18n.getMessage('menuInsert')), messages.menuInsert.message);
    } finally {
      await browser.close();
    }
  });
}
