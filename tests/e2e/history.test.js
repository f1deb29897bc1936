// The popup's history and the accessibility of both pages: the last links with time, title, account
// and source; copy, open, remove, clear; kept across a browser restart. axe-core finds nothing on
// the popup or the options page, in light or dark mode; the README's screenshots come from here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  fake, launch, stubIdentity, openPopup, createFromPopup, openOptions, readClipboard, axeViolations, waitFor,
  ARTIFACTS, MEET,
} from './harness.js';

const profile = mkdtempSync(join(tmpdir(), 'meetlink-history-'));
let browser;
before(async () => {
  await fake.start();
  browser = await launch(undefined, { profile });
  await stubIdentity(browser.sw);
});
after(async () => {
  await browser?.close();
  fake.stop();
  rmSync(profile, { recursive: true, force: true });
});

const items = (page) => page.locator('#history-list li');

test('each link made is listed with its time, title, account and source', async () => {
  await browser.sw.evaluate(() => chrome.storage.local.set({ settings: { title: 'Stand-up', warmLink: false } }));
  const popup = await openPopup(browser);
  assert.equal(await popup.locator('#history-empty').isVisible(), true);
  const first = await createFromPopup(popup);
  await browser.sw.evaluate(() => chrome.storage.local.set({ settings: { warmLink: false } }));
  const second = await createFromPopup(popup);
  await waitFor(async () => (await items(popup).count()) === 2, { what: 'two entries' });
  const code = (url) => new URL(url).pathname.slice(1);
  assert.equal(await items(popup).nth(0).locator('a.code').textContent(), code(second.link), 'newest first');
  assert.equal(await items(popup).nth(1).locator('a.code').getAttribute('href'), first.link);
  const meta = await items(popup).nth(1).locator('.meta').textContent();
  const parts = meta.split(' · ');
  assert.equal(parts.length, 4, meta);
  // The time it was made, as the UI language writes it.
  const { history } = await browser.sw.evaluate(() => chrome.storage.local.get('history'));
  const made = history.find((e) => e.url === first.link).createdMs;
  assert.equal(parts[0], await popup.evaluate((ms) => new Intl.DateTimeFormat(chrome.i18n.getUILanguage(), { dateStyle: 'medium', timeStyle: 'short' }).format(ms), made));
  assert.ok(Math.abs(made - Date.now()) < 120_000, 'made just now');
  assert.deepEqual(parts.slice(1), ['Stand-up', 'browser account', 'Calendar event']);
  assert.equal(await popup.locator('#history-empty').isVisible(), false);
  // Nothing but links and labels is kept: no token, no event id.
  const stored = JSON.stringify(await browser.sw.evaluate(() => chrome.storage.local.get('history')));
  assert.ok(!stored.includes('ya29') && !stored.includes('eventId'), stored);
  await popup.close();
});

test('copy, open and remove one entry', async () => {
  const popup = await openPopup(browser);
  await waitFor(async () => (await items(popup).count()) === 2, { what: 'entries' });
  const url = await items(popup).nth(1).locator('a.code').getAttribute('href');
  await items(popup).nth(1).getByRole('button', { name: /^Copy / }).click();
  await waitFor(async () => (await popup.locator('#status').textContent()) === 'Link copied to the clipboard.', { what: 'copied' });
  assert.equal(await readClipboard(browser), url);
  // Open: the link opens Meet in a new tab.
  // Open: the link opens Meet in a new tab (which asks for the link: there is no network here).
  const [tab, request] = await Promise.all([
    browser.context.waitForEvent('page'),
    browser.context.waitForEvent('request', (r) => r.isNavigationRequest() && r.url().startsWith('https://meet.google.com/')),
    items(popup).nth(1).locator('a.code').click(),
  ]);
  assert.equal(request.url(), url);
  assert.equal(request.frame().page(), tab, 'in the new tab');
  await tab.close();
  await items(popup).nth(1).getByRole('button', { name: /^Remove / }).click();
  await waitFor(async () => (await items(popup).count()) === 1, { what: 'one left' });
  const { history } = await browser.sw.evaluate(() => chrome.storage.local.get('history'));
  assert.equal(history.length, 1);
  assert.notEqual(history[0].url, url);
  await popup.close();
});

test('the history survives a browser restart', async () => {
  const before = await browser.sw.evaluate(() => chrome.storage.local.get('history'));
  await browser.close();
  browser = await launch(undefined, { profile });
  await stubIdentity(browser.sw);
  const popup = await openPopup(browser);
  await waitFor(async () => (await items(popup).count()) === 1, { what: 'entry after restart' });
  assert.equal(await items(popup).nth(0).locator('a.code').getAttribute('href'), before.history[0].url);
  await popup.close();
});

test('"Clear all" asks for a second click, then empties the history', async () => {
  const popup = await openPopup(browser);
  await waitFor(async () => (await items(popup).count()) === 1, { what: 'entry' });
  await popup.getByRole('button', { name: 'Clear all' }).click();
  assert.equal(await items(popup).count(), 1, 'one click does not clear');
  await popup.getByRole('button', { name: 'Click again to clear all' }).click();
  await waitFor(async () => (await items(popup).count()) === 0, { what: 'cleared' });
  assert.equal(await popup.locator('#history-empty').isVisible(), true);
  const { history } = await browser.sw.evaluate(() => chrome.storage.local.get('history'));
  assert.deepEqual(history, []);
  await popup.close();
});

test('the popup is usable by keyboard alone: Enter makes a link, Tab reaches every control', async () => {
  await browser.sw.evaluate((h) => chrome.storage.local.set({ history: h }), [
    { url: 'https://meet.google.com/abc-defg-hij', createdMs: Date.now(), source: 'popup', title: 'Google Meet', account: null, kind: 'calendar' }]);
  const popup = await openPopup(browser);
  await waitFor(async () => (await items(popup).count()) === 1, { what: 'entry' });
  assert.equal(await popup.evaluate(() => document.activeElement.id), 'create', 'focus starts on the main action');
  await popup.keyboard.press('Enter');
  await waitFor(async () => !(await popup.locator('#result').isHidden()), { what: 'a link from Enter' });
  const reached = new Set();
  for (let i = 0; i < 28; i++) { // the link, its dial-in links, the history's links and buttons, the footer
    await popup.keyboard.press('Tab');
    reached.add(await popup.evaluate(() => { const a = document.activeElement; return a.id || a.getAttribute('aria-label') || a.textContent; }));
  }
  for (const want of ['create', 'link', 'copy', 'More numbers', 'clear', 'switch', 'signout', 'options']) {
    assert.ok(reached.has(want), `${want} reachable: ${[...reached]}`);
  }
  assert.ok([...reached].some((x) => /^Remove /.test(x ?? '')), 'history entries reachable');
  await popup.close();
});

test('stored history is read one entry at a time: a malformed one is left out, a 200 KB title is cut, and the next link keeps the rest', async () => {
  const good = (code, title = 'Kept') => ({ url: `https://meet.google.com/${code}`, createdMs: Date.parse('2026-11-20T10:00:00Z'), source: 'page', title, account: null, kind: 'calendar' });
  const huge = 'W'.repeat(200_000);
  await browser.sw.evaluate((h) => chrome.storage.local.set({ history: h, settings: { warmLink: false } }), [
    good('aaa-aaaa-aaa'),
    { ...good('bbb-bbbb-bbb'), createdMs: 'yesterday' },
    { ...good('ccc-cccc-ccc'), createdMs: 1e300 },
    null,
    good('ddd-dddd-ddd', huge),
  ]);
  const popup = await openPopup(browser);
  const started = Date.now();
  await waitFor(async () => (await items(popup).count()) === 2, { what: 'the two entries that read' });
  assert.ok(Date.now() - started < 5000, `shown in ${Date.now() - started} ms`);
  assert.deepEqual(await items(popup).locator('a.code').evaluateAll((as) => as.map((a) => a.textContent)), ['aaa-aaaa-aaa', 'ddd-dddd-ddd']);
  assert.equal(await popup.locator('#clear').isVisible(), true, '"Clear all" shown');
  const meta = await items(popup).nth(1).locator('.meta').textContent();
  assert.ok(meta.includes(`${'W'.repeat(200)}…`) && !meta.includes('W'.repeat(201)), `title cut: ${meta.length} characters`);
  // The next link's history write keeps the entries that read, with the title cut.
  const r = await createFromPopup(popup);
  await waitFor(async () => (await items(popup).count()) === 3, { what: 'the new link listed' });
  const { history } = await browser.sw.evaluate(() => chrome.storage.local.get('history'));
  assert.deepEqual(history.map((e) => e.url), [r.link, good('aaa-aaaa-aaa').url, good('ddd-dddd-ddd').url]);
  assert.equal(history[2].title.length, 200);
  await popup.close();
});

// ---- accessibility and the README's screenshots --------------------------------------------------
const SAMPLE = [
  { url: 'https://meet.google.com/abc-defg-hij', createdMs: Date.parse('2026-11-25T09:30:00Z'), source: 'popup', title: 'Design review', account: 'ana@example.com', kind: 'calendar' },
  { url: 'https://meet.google.com/xyz-abcd-efg', createdMs: Date.parse('2026-11-24T15:05:00Z'), source: 'page', title: '', account: null, kind: 'space' },
  { url: 'https://meet.google.com/mno-pqrs-tuv', createdMs: Date.parse('2026-11-24T08:45:00Z'), source: 'page', title: 'Google Meet', account: null, kind: 'calendar' },
];

for (const scheme of ['light', 'dark']) {
  test(`axe-core: no violations on the popup and the options page (${scheme})`, async () => {
    await browser.sw.evaluate((h) => chrome.storage.local.set({ history: h, settings: { warmLink: false } }), SAMPLE);
    mkdirSync(ARTIFACTS, { recursive: true });
    const popup = await openPopup(browser);
    await popup.emulateMedia({ colorScheme: scheme });
    await waitFor(async () => (await items(popup).count()) === 3, { what: 'sample history' });
    const r = await createFromPopup(popup);
    assert.match(r.link, MEET);
    assert.deepEqual(await axeViolations(popup), [], 'popup');
    await popup.locator('main').screenshot({ path: join(ARTIFACTS, `popup-${scheme}.png`) });
    await popup.close();

    const options = await openOptions(browser);
    await options.emulateMedia({ colorScheme: scheme });
    await options.setViewportSize({ width: 800, height: 1000 });
    assert.deepEqual(await axeViolations(options), [], 'options');
    await options.locator('main').screenshot({ path: join(ARTIFACTS, `options-${scheme}.png`) });
    await options.close();
  });
}
