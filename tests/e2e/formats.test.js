// A link people can read (issue 18): dial-in numbers when Google gives some (typed when chosen,
// always in the popup and the history), a titled link in rich editors and text in plain fields,
// both clipboard types, a format per site, and a hostile meeting title that stays text everywhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  suite, fake, openPage, insertVia, openPopup, createFromPopup, openOptions, settingsOf, readClipboardTypes, writeClipboard,
  waitFor, MEET, caretAtEnd,
} from './harness.js';

let browser;
suite({ withPages: true, onLaunch: (b) => { browser = b; } });

const settings = (s) => browser.sw.evaluate((s) => chrome.storage.local.set({ settings: { warmLink: false, ...s } }), s);
const events = () => fake.events();
const lastLink = async () => (await events()).at(-1).hangoutLink;
const code = (url) => new URL(url).pathname.slice(1);
const dialInText = (link) =>
  `Join by phone: (US) +1 402-410-2193 (PIN 582 364 017#) · More numbers: https://tel.meet/${code(link)}?pin=1234567890123`;

/** Empties the textarea `#sel` and gives it focus (the caret in it). */
async function emptyField(page, sel = '#field') {
  await page.locator(sel).fill('');
  await page.locator(sel).focus();
}


test('dial-in: typed after the link when chosen, shown in the popup and the history; nothing about phones when Google gives none', async () => {
  await fake.config({ entry_points: [3, 1] }); // this account gets numbers for one meeting, none for the next
  await settings({ dialIn: true, siteRules: [] });
  const { page, tabId } = await openPage(browser, 'textarea.html');
  await emptyField(page);
  assert.equal((await insertVia(browser, 'command', tabId)).badge, '✓');
  const withNumbers = await lastLink();
  assert.equal(await page.locator('#field').inputValue(), `${withNumbers}\n${dialInText(withNumbers)}`);
  await emptyField(page);
  await insertVia(browser, 'command', tabId);
  const without = await lastLink();
  assert.notEqual(without, withNumbers);
  assert.equal(await page.locator('#field').inputValue(), without, 'nothing about phones');
  await page.close();

  const popup = await openPopup(browser);
  const items = popup.locator('#history-list li');
  await waitFor(async () => (await items.count()) === 2, { what: 'two entries' });
  assert.equal(await items.nth(0).locator('.dial-in').count(), 0, 'no numbers: no line for them');
  assert.equal(await items.nth(1).locator('.dial-in').textContent(), 'Join by phone: (US) +1 402-410-2193 PIN 582 364 017# · More numbers');
  assert.equal(await items.nth(1).locator('.dial-in a').first().getAttribute('href'), 'tel:+1-402-410-2193');
  assert.equal(await items.nth(1).getByRole('link', { name: 'More numbers' }).getAttribute('href'), `https://tel.meet/${code(withNumbers)}?pin=1234567890123`);

  const third = await createFromPopup(popup); // the third meeting has numbers again, the fourth none
  assert.equal(await popup.locator('#dial-in').isVisible(), true);
  assert.equal(await popup.locator('#dial-in').textContent(), 'Join by phone: (US) +1 402-410-2193 PIN 582 364 017# · More numbers');
  assert.equal((await readClipboardTypes(browser))['text/plain'], `${third.link}\n${dialInText(third.link)}`, 'copied with them, as chosen');
  await createFromPopup(popup);
  assert.equal(await popup.locator('#dial-in').isHidden(), true);
  assert.doesNotMatch(await popup.locator('#result').textContent(), /phone|PIN/);
  await popup.close();
});

test('a rich editor gets a titled link; a plain field on the same page gets text', async () => {
  await settings({ title: 'Weekly sync', siteRules: [{ site: '127.0.0.1', format: 'rich' }] });
  const { page, tabId } = await openPage(browser, 'contenteditable.html');
  await caretAtEnd(page);
  assert.equal((await insertVia(browser, 'command', tabId)).badge, '✓');
  const first = await lastLink();
  const anchors = await page.locator('#field a').evaluateAll((as) => as.map((a) => ({ href: a.getAttribute('href'), text: a.textContent })));
  assert.deepEqual(anchors, [{ href: first, text: 'Weekly sync' }]);
  assert.equal(await page.locator('#field').textContent(), 'Hello  world Weekly sync', 'the text intact, the link after a space');

  await emptyField(page, '#other');
  await insertVia(browser, 'command', tabId);
  assert.equal(await page.locator('#other').inputValue(), `Weekly sync: ${await lastLink()}`);
  assert.equal((await events()).length, 2);
  await page.close();
});

test('Copy and the clipboard fallback write text/plain and text/html', async () => {
  await settings({ template: 'sentence', siteRules: [] });
  const popup = await openPopup(browser);
  const r = await createFromPopup(popup);
  assert.match(r.link, MEET);
  const want = { 'text/plain': `Join Google Meet: ${r.link}`, html: `Join Google Meet: <a href="${r.link}">${r.link}</a>` };
  const check = (types, what) => {
    assert.equal(types['text/plain'], want['text/plain'], what);
    assert.ok(types['text/html']?.includes(want.html), `${what}: ${types['text/html']}`);
  };
  check(await readClipboardTypes(browser), 'after the link was made');
  await writeClipboard(browser, 'something else');
  await popup.getByRole('button', { name: 'Copy', exact: true }).click();
  await waitFor(async () => (await readClipboardTypes(browser))['text/plain'] !== 'something else', { what: 'copied again' });
  check(await readClipboardTypes(browser), 'the Copy button');
  await writeClipboard(browser, 'something else');
  await popup.locator('#history-list li').first().getByRole('button', { name: /^Copy / }).click();
  await waitFor(async () => (await readClipboardTypes(browser))['text/plain'] !== 'something else', { what: 'copied from the history' });
  check(await readClipboardTypes(browser), "a history entry's Copy");
  await popup.close();

  // No field to type into: the worker copies, through its offscreen document.
  assert.equal((await insertVia(browser, 'command', null)).notifications, 1, 'told it was copied');
  const copied = await lastLink();
  const types = await readClipboardTypes(browser);
  assert.equal(types['text/plain'], `Join Google Meet: ${copied}`);
  assert.ok(types['text/html']?.includes(`<a href="${copied}">${copied}</a>`), types['text/html']);
});

test('a site rule picks the format; the options page lists the defaults and adds one', async () => {
  await settings({ siteRules: [] });
  const { page, tabId } = await openPage(browser, 'textarea.html');
  await emptyField(page);
  await insertVia(browser, 'command', tabId);
  assert.equal(await page.locator('#field').inputValue(), await lastLink(), 'no rule: the general format');

  await browser.sw.evaluate(() => chrome.storage.local.set({ settings: { warmLink: false } }));
  const options = await openOptions(browser);
  const sites = () => options.locator('#rules .rule-site').evaluateAll((els) => els.map((e) => e.value));
  assert.deepEqual(await sites(), ['github.com', 'mail.google.com'], 'the defaults');
  assert.deepEqual(await options.locator('#rules .rule-format').evaluateAll((els) => els.map((e) => e.value)), ['markdown', 'rich']);
  await options.getByRole('button', { name: 'Add a site' }).click();
  const row = options.locator('#rules li').nth(2);
  await row.getByLabel('Format', { exact: true }).selectOption('markdown');
  await row.getByLabel('Site').fill('127.0.0.1');
  await row.getByLabel('Site').press('Tab'); // leaving the field saves the list
  await waitFor(async () => (await settingsOf(options)).settings.siteRules.some((r) => r.site === '127.0.0.1' && r.format === 'markdown'),
    { what: 'the rule saved' });
  await options.close();

  await emptyField(page);
  await insertVia(browser, 'command', tabId);
  assert.equal(await page.locator('#field').inputValue(), `[Join Google Meet](${await lastLink()})`);
  await page.close();
});

test('a hostile meeting title stays text everywhere', async () => {
  const title = `<img src=x onerror="document.title='pwned'"> & "quotes" 'too' </a>`;
  await settings({ title, template: 'rich', siteRules: [{ site: '127.0.0.1', format: 'rich' }] });
  const { page, tabId } = await openPage(browser, 'contenteditable.html');
  await caretAtEnd(page);
  await insertVia(browser, 'command', tabId);
  const link = await lastLink();
  assert.equal(await page.locator('#field a').count(), 1);
  assert.equal(await page.locator('#field a').textContent(), title);
  assert.equal(await page.locator('#field a').getAttribute('href'), link);
  assert.equal(await page.locator('#field img').count(), 0);
  await emptyField(page, '#other');
  await insertVia(browser, 'command', tabId);
  assert.equal(await page.locator('#other').inputValue(), `${title}: ${await lastLink()}`);
  assert.equal(await page.title(), 'contenteditable', 'no markup ran');
  await page.close();

  const popup = await openPopup(browser);
  const r = await createFromPopup(popup);
  const types = await readClipboardTypes(browser);
  assert.equal(types['text/plain'], `${title}: ${r.link}`);
  assert.ok(!/<img/i.test(types['text/html']) && types['text/html'].includes('&lt;img src=x'), types['text/html']);
  const newest = popup.locator('#history-list li').first();
  await waitFor(async () => (await newest.locator('a.code').getAttribute('href')) === r.link, { what: 'the link in the history' });
  assert.ok((await newest.locator('.meta').textContent()).includes(title));
  assert.equal(await popup.locator('img:not(header img)').count(), 0);
  await popup.close();
});
