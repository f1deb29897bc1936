// The warm link (src/warm.rs): made ahead after a delivery, at sign-in and when the popup opens;
// handed out once, even to racing triggers; replenished; discarded on sign-out, account switch,
// setting off and old age; its placeholder deleted like any other.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  suite, fake, openPopup, createFromPopup, popupLink, openOptions, openPage, allDeleted, waitFor, sleep, stubIdentity, stopWorker,
  MEET,
} from './harness.js';

let browser;
suite({
  warm: true,
  withPages: true,
  onLaunch: (b) => { browser = b; },
  beforeEachTest: async (b) => {
    await b.sw.evaluate(async () => {
      await chrome.storage.local.clear();
      await chrome.storage.session.clear();
    });
  },
});

const kept = () => browser.sw.evaluate(() => chrome.storage.session.get('warmLink').then((s) => s.warmLink ?? null));

/**
 * Waits until a warm link is kept (other than `not`), its placeholder deleted; returns it. A test
 * whose last delivery starts a warm link ends with this: a link still being made when the next
 * test clears storage would be kept after the clear (and, being made, stops that test's own).
 */
async function warmReady(not = null) {
  const warm = await waitFor(async () => { const w = await kept(); return w && w.url !== not ? w : null; }, { what: 'a warm link' });
  await allDeleted();
  return warm;
}

test('opening the popup makes a link ahead; the click takes it with no request, and the next one is made', async () => {
  const popup = await openPopup(browser);
  const warm = await warmReady();
  assert.equal(warm.account, 'chrome');
  assert.equal(warm.kind, 'calendar');
  const { inserts: before } = await fake.calls();
  assert.equal(before.length, 1);
  const r = await createFromPopup(popup);
  assert.equal(r.link, warm.url, 'the warm link, made before the click, is the one shown');
  // Replenished: a new link, made and its placeholder deleted.
  const next = await warmReady(warm.url);
  assert.notEqual(next.url, warm.url);
  const { inserts, deletes } = await fake.calls();
  assert.equal(inserts.length, 2);
  assert.equal(deletes.length, 2, 'every placeholder deleted, the warm ones too');
  const { history } = await browser.sw.evaluate(() => chrome.storage.local.get('history'));
  assert.deepEqual(history.map((h) => h.url), [warm.url], 'the history lists delivered links only');
  await popup.close();
});

test('the shortcut types the warm link into the field', async () => {
  await openPopup(browser).then((p) => p.close());
  const warm = await warmReady();
  const { page, tabId } = await openPage(browser, 'textarea.html');
  await page.locator('#field').click();
  await page.evaluate(() => document.getElementById('field').setSelectionRange(0, 0));
  await browser.sw.evaluate((tabId) => meetlink.onCommand('insert-meet-link', { id: tabId }), tabId);
  assert.ok((await page.locator('#field').inputValue()).startsWith(warm.url));
  await page.close();
  await warmReady(warm.url);
});

test('used once: two triggers racing for one warm link get two different links', async () => {
  const popup = await openPopup(browser);
  const warm = await warmReady();
  const [a, b] = await popup.evaluate(() => Promise.all([
    chrome.runtime.sendMessage({ type: 'createLink' }), chrome.runtime.sendMessage({ type: 'createLink' })]));
  assert.equal(a.type, 'link');
  assert.equal(b.type, 'link');
  assert.notEqual(a.link.url, b.link.url);
  assert.equal([a.link.url, b.link.url].filter((u) => u === warm.url).length, 1, 'the warm link went to exactly one');
  await popup.close();
  await warmReady(warm.url);
  await allDeleted();
});

test('sign-out discards it; a link made with another account never gets it', async () => {
  const popup = await openPopup(browser);
  const warm = await warmReady();
  await popup.getByRole('button', { name: 'Sign out' }).click();
  await waitFor(async () => (await kept()) === null, { what: 'discarded on sign-out' });
  // Switch to another account (web flow): the old account's link is not used, the new one's is made.
  await fake.config({ auth: { email: 'other@example.com' } });
  await popup.getByRole('button', { name: 'Use another account' }).click();
  const theirs = await waitFor(async () => { const w = await kept(); return w?.account === 'web:other@example.com' ? w : null; },
    { what: "the new account's warm link" });
  assert.notEqual(theirs.url, warm.url);
  const link = await createFromPopup(popup);
  assert.equal(link.link, theirs.url);
  await popup.close();
  await warmReady(theirs.url);
});

test('too old: not handed out; a fresh link is made instead', async () => {
  await openPopup(browser).then((p) => p.close());
  const warm = await warmReady();
  await browser.sw.evaluate((w) => chrome.storage.session.set({ warmLink: { ...w, madeMs: Date.now() - 61 * 60_000 } }), warm);
  const link = await popupLink(browser);
  assert.notEqual(link, warm.url);
  assert.equal((await fake.calls()).inserts.length >= 2, true);
  await warmReady(link);
});

test('the setting turns it off: the kept link is discarded and none is made ahead', async () => {
  await openPopup(browser).then((p) => p.close());
  await warmReady();
  const options = await openOptions(browser);
  await options.getByLabel(/Keep the next link ready/).uncheck();
  await waitFor(async () => (await kept()) === null, { what: 'discarded when turned off' });
  await options.close();
  const inserts = (await fake.calls()).inserts.length;
  await popupLink(browser);
  // Nothing to wait for when nothing happens: a window (its replenish would have sent its insert
  // within a few storage reads) long enough for a loaded machine.
  await sleep(1500);
  assert.equal((await fake.calls()).inserts.length, inserts + 1, 'one link, nothing made ahead');
  assert.equal(await kept(), null);
  await allDeleted();
});

test('making it fails: nothing kept, nothing left behind, the next click takes the normal path', async () => {
  await fake.faults({ match: 'insert', status: 500, reason: 'backendError', times: 5 });
  await openPopup(browser).then((p) => p.close());
  await waitFor(async () => (await fake.calls()).inserts.length >= 5, { what: 'the warm attempt retried', timeout: 30_000 });
  // The attempt is over when its record is gone (removed on failure).
  await waitFor(async () => !Object.keys(await browser.sw.evaluate(() => chrome.storage.session.get(null))).some((k) => k.startsWith('inflight.')), { what: 'the warm attempt given up' });
  assert.equal(await kept(), null);
  const link = await popupLink(browser);
  assert.match(link, MEET);
  await warmReady(link);
});

test('worker stopped while a warm link is made: its placeholder is deleted on the next wake, nobody is told', { timeout: 60_000 }, async () => {
  await fake.faults({ match: 'insert', kind: 'slow', ms: 3000 });
  await openPopup(browser).then((p) => p.close());
  await waitFor(async () => (await fake.calls()).inserts.length === 1, { what: 'warm insert sent' });
  await stopWorker(browser);
  await waitFor(async () => (await fake.events()).length === 1, { what: 'the insert lands with nobody listening' });
  // Any event wakes the worker; it finds the warm record and gives it up: the event is deleted.
  const popup = await openPopup(browser);
  await stubIdentity(browser.sw);
  await popup.close();
  await openPopup(browser).then((p) => p.close()); // a second wake, with the token stand-in in place
  await allDeleted();
  const notes = await browser.sw.evaluate(() => chrome.notifications.getAll());
  assert.deepEqual(Object.keys(notes), [], 'nobody was waiting for it, so nobody is told');
  await warmReady(); // the wake with a token made the next one
});

test('a warm link finished while a trigger takes the kept one is written in turn: never removed unseen', { timeout: 60_000 }, async () => {
  // The kept link is for another account, so the click makes its own and a new one is made ahead.
  await browser.sw.evaluate(() => chrome.storage.session.set({ warmLink: {
    url: 'https://meet.google.com/aaa-bbbb-ccc', account: 'web:other@example.com', kind: 'calendar', madeMs: Date.now() } }));
  // The trigger's read of the kept link answers late — after the warm link being made is written,
  // if anything may write it meanwhile (or after 3 s) — with what was kept when it asked.
  await browser.sw.evaluate(() => {
    const get = chrome.storage.session.get.bind(chrome.storage.session);
    const set = chrome.storage.session.set.bind(chrome.storage.session);
    self.__warmWrites = 0;
    self.__slowTake = false;
    chrome.storage.session.set = (items) => { if (items && 'warmLink' in items) self.__warmWrites++; return set(items); };
    chrome.storage.session.get = async (keys) => {
      const answer = await get(keys);
      if (keys !== 'warmLink' || !self.__slowTake) return answer;
      self.__slowTake = false;
      const writes = self.__warmWrites;
      for (let waited = 0; self.__warmWrites === writes && waited < 3000; waited += 20) await new Promise((r) => setTimeout(r, 20));
      return answer;
    };
  });
  await fake.config({ latency_ms: 1000 });
  const popup = await openPopup(browser); // makes one ahead
  await waitFor(async () => (await fake.calls()).inserts.length === 1, { what: 'the link ahead is being made' });
  await browser.sw.evaluate(() => { self.__slowTake = true; });
  const r = await createFromPopup(popup);
  assert.match(r.link, MEET);
  await waitFor(async () => (await kept())?.account === 'chrome', { what: 'a link kept for this account' });
  await allDeleted();
  // Every link made is the one the user got, in the history, or the one kept: none was lost.
  const { history } = await browser.sw.evaluate(() => chrome.storage.local.get('history'));
  const accounted = new Set([...history.map((e) => e.url), (await kept()).url]);
  const made = (await fake.events()).map((e) => e.hangoutLink);
  for (const link of made) assert.ok(accounted.has(link), `${link} was made and lost (${made.length} made)`);
  await popup.close();
});
