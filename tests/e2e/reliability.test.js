// Never lose a link, never duplicate a meeting, never trust a page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  fake, stubIdentity, readClipboard, waitFor, openPopup, createFromPopup, suite, openPage, allDeleted, stopWorker as stop, message, watchScripts as watch, scriptsSettled, clearNotifications, writeClipboard, orphanRecord,
  MEET, TOKEN,
} from './harness.js';

const ALL = new RegExp(MEET.source, 'g');
let browser;
suite({ withPages: true, onLaunch: (b) => { browser = b; } });

const open = (name) => openPage(browser, name);
const stopWorker = () => stop(browser);


test('worker stopped during a slow insert: resumed with the same id, one event, link typed into the field', { timeout: 60_000 }, async () => {
  // The insert lands after 4 s; the worker is stopped before that, so its answer is lost.
  await fake.faults({ match: 'insert', kind: 'slow', ms: 4000 });
  const { page, tabId } = await open('textarea.html');
  await page.locator('#field').click();
  await page.evaluate(() => document.getElementById('field').setSelectionRange(6, 6));
  const pending = browser.sw.evaluate((tabId) => meetlink.onCommand('insert-meet-link', { id: tabId }), tabId).catch((e) => e);
  await waitFor(async () => (await fake.calls()).inserts.length === 1, { what: 'insert sent' });
  const record = await browser.sw.evaluate(() => chrome.storage.session.get(null));
  const key = Object.keys(record).find((k) => k.startsWith('inflight.'));
  assert.ok(key, 'the in-flight action is recorded before the first request');
  assert.equal(record[key].destination.kind, 'page');
  await stopWorker();
  await pending;
  await waitFor(async () => (await fake.events()).length === 1, { what: 'the first insert lands, with nobody listening' });

  // Wake the worker (any event does; here the popup). Its first resume has no token stub yet:
  // getAuthToken cannot answer without a prompt in Debian's Chromium, so the record is kept.
  const popup = await browser.context.newPage();
  await popup.goto(`chrome-extension://${browser.id}/popup.html`);
  await stubIdentity(browser.sw);
  await browser.sw.evaluate(() => meetlink.onWorkerStart()); // what the resume alarm would run

  await waitFor(async () => /meet\.google\.com/.test(await page.locator('#field').inputValue()), { what: 'link typed after resume' });
  const value = await page.locator('#field').inputValue();
  assert.match(value, /^Hello https:\/\/meet\.google\.com\/[a-z-]+ world$/);
  const { inserts, gets } = await fake.calls();
  assert.equal(new Set(inserts.map((i) => i.body.id)).size, 1, 'every attempt used the same client id');
  assert.ok(gets.length >= 1, 'the resumed insert got 409 and fetched the event');
  const events = await fake.events();
  assert.equal(events.length, 1, 'exactly one event');
  await allDeleted();
  const left = await browser.sw.evaluate(() => chrome.storage.session.get(null));
  assert.ok(!Object.keys(left).some((k) => k.startsWith('inflight.')), 'record removed after delivery');
  const history = (await browser.sw.evaluate(() => chrome.storage.local.get('history'))).history;
  assert.equal(history[0].url, value.match(MEET)[0]);
  // The context-menu item outlives the worker.
  assert.equal(await browser.sw.evaluate(() => chrome.contextMenus.update('insert-meet-link', {}).then(() => true, () => false)), true);
  await popup.close();
  await page.close();
});

test('worker stopped during a popup action: the popup waits for the resumed link; it is copied, never lost', { timeout: 60_000 }, async () => {
  await fake.faults({ match: 'insert', kind: 'slow', ms: 3000 });
  const popup = await openPopup(browser);
  await popup.getByRole('button', { name: 'Create Meet link' }).click();
  await waitFor(async () => (await fake.calls()).inserts.length === 1, { what: 'insert sent' });
  await stopWorker();
  await waitFor(async () => (await fake.events()).length === 1, { what: 'the first insert lands' });
  await waitFor(() => stubIdentity(browser.sw).then(() => true, () => false), { what: 'the woken worker takes the token stand-in' });
  await browser.sw.evaluate(() => meetlink.onWorkerStart());
  await popup.waitForSelector('#result:not([hidden])', { timeout: 20_000 });
  const link = await popup.locator('#link').getAttribute('href');
  assert.match(link, MEET);
  assert.equal(await readClipboard(browser), link, 'copied');
  assert.equal((await fake.events()).length, 1);
  await allDeleted();
  await popup.close();
});

test('an unresumable action (too old) is given up: its event deleted, the user told', async () => {
  // A record as a stopped worker would leave it, eleven minutes old, whose insert had landed.
  const id = 'a'.repeat(32);
  await fetch(`http://127.0.0.1:${process.env.MEETLINK_FAKE_PORT || 7357}/calendar/v3/calendars/primary/events?conferenceDataVersion=1`, {
    method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({ id, start: { dateTime: '2026-01-01T10:00:00Z' }, end: { dateTime: '2026-01-01T10:30:00Z' },
      conferenceData: { createRequest: { requestId: 'r', conferenceSolutionKey: { type: 'hangoutsMeet' } } } }),
  });
  await orphanRecord(browser.sw, { eventId: id, startMs: 0, startedMs: Date.now() - 11 * 60_000 });
  await clearNotifications(browser.sw);
  await browser.sw.evaluate(() => meetlink.onWorkerStart());
  await allDeleted();
  assert.equal(Object.keys(await browser.sw.evaluate(() => chrome.notifications.getAll())).length, 1, 'told');
  assert.deepEqual(Object.keys(await browser.sw.evaluate(() => chrome.storage.session.get(null))).filter((k) => k.startsWith('inflight.')), []);
});

test('a failed placeholder delete is remembered and retried until Google confirms', async () => {
  await fake.faults({ match: 'delete', status: 503, reason: 'backendError' });
  const popup = await openPopup(browser);
  const r = await createFromPopup(popup);
  assert.match(r.link, MEET);
  const pending = await waitFor(async () => (await browser.sw.evaluate(() => chrome.storage.local.get('pendingDeletes'))).pendingDeletes?.[0], { what: 'recorded' });
  assert.equal(pending.attempts, 1);
  assert.ok(await browser.sw.evaluate(() => chrome.alarms.get('meetlink-cleanup')), 'an alarm will retry it');
  assert.equal((await fake.events())[0].status, 'confirmed');
  // The alarm fires (here: called as the listener would, with the retry made due).
  await browser.sw.evaluate(async () => {
    const { pendingDeletes } = await chrome.storage.local.get('pendingDeletes');
    await chrome.storage.local.set({ pendingDeletes: pendingDeletes.map((p) => ({ ...p, nextAtMs: 0 })) });
    await meetlink.onAlarm({ name: 'meetlink-cleanup' });
  });
  await allDeleted();
  assert.deepEqual((await browser.sw.evaluate(() => chrome.storage.local.get('pendingDeletes'))).pendingDeletes, []);
  await popup.close();
});

test('ten shortcut presses in a second: ten links, each typed once, one event each, all cleaned up', { timeout: 60_000 }, async () => {
  await fake.config({ latency_ms: 50 });
  const { page, tabId } = await open('textarea.html');
  await page.locator('#field').click();
  await page.evaluate(() => { const f = document.getElementById('field'); f.value = ''; });
  await browser.sw.evaluate(async (tabId) => {
    const presses = [];
    for (let i = 0; i < 10; i++) {
      presses.push(meetlink.onCommand('insert-meet-link', { id: tabId }));
      await new Promise((r) => setTimeout(r, 100));
    }
    await Promise.all(presses);
  }, tabId);
  const links = (await page.locator('#field').inputValue()).match(ALL) ?? [];
  assert.equal(links.length, 10, 'ten links typed');
  assert.equal(new Set(links).size, 10, 'all different');
  const { inserts } = await fake.calls();
  assert.equal(inserts.length, 10);
  assert.equal(new Set(inserts.map((i) => i.body.id)).size, 10, 'one event per action');
  assert.equal((await fake.events()).length, 10);
  await allDeleted();
  const history = (await browser.sw.evaluate(() => chrome.storage.local.get('history'))).history.map((e) => e.url);
  for (const l of links) assert.ok(history.includes(l), 'every link is in the history (no lost update)');
  await page.close();
});

test('concurrent failed deletes are all remembered (no lost update)', async () => {
  await fake.faults({ match: 'delete', status: 503, reason: 'backendError', times: 3 });
  await browser.sw.evaluate(() => chrome.storage.local.remove('pendingDeletes'));
  const { page, tabId } = await open('textarea.html');
  await page.locator('#field').click();
  await browser.sw.evaluate((tabId) => Promise.all([0, 1, 2].map(() => meetlink.onCommand('insert-meet-link', { id: tabId }))), tabId);
  const pending = await waitFor(async () => {
    const p = (await browser.sw.evaluate(() => chrome.storage.local.get('pendingDeletes'))).pendingDeletes ?? [];
    return p.length === 3 && p;
  }, { what: 'three pending deletes' });
  assert.equal(new Set(pending.map((p) => p.eventId)).size, 3);
  await browser.sw.evaluate(async () => {
    const { pendingDeletes } = await chrome.storage.local.get('pendingDeletes');
    await chrome.storage.local.set({ pendingDeletes: pendingDeletes.map((p) => ({ ...p, nextAtMs: 0 })) });
    await meetlink.onAlarm({ name: 'meetlink-cleanup' });
  });
  await allDeleted();
  await page.close();
});

test('triggers in two tabs at once: each tab gets its own link', async () => {
  await fake.config({ latency_ms: 100 });
  const a = await open('textarea.html');
  const b = await open('contenteditable.html');
  await a.page.locator('#field').click();
  await b.page.locator('#field').click();
  await b.page.keyboard.press('End');
  await browser.sw.evaluate(async ([ta, tb]) => {
    await Promise.all([
      meetlink.onCommand('insert-meet-link', { id: ta }),
      meetlink.onMenuClicked({ menuItemId: 'insert-meet-link', frameId: 0 }, { id: tb }),
    ]);
  }, [a.tabId, b.tabId]);
  const la = (await a.page.locator('#field').inputValue()).match(ALL);
  const lb = (await b.page.locator('#field').textContent()).match(ALL);
  assert.equal(la.length, 1);
  assert.equal(lb.length, 1);
  assert.notEqual(la[0], lb[0]);
  assert.equal((await fake.events()).length, 2);
  await allDeleted();
  await a.page.close();
  await b.page.close();
});

test("a page's postMessage and runtime.sendMessage attempts change nothing", async () => {
  const { page } = await open('textarea.html');
  const result = await page.evaluate(async (id) => {
    window.postMessage({ type: 'createLink' }, '*');
    window.postMessage({ type: 'getState' }, '*');
    // Messages are dispatched in order: once this one arrives, every listener has seen the two above.
    await new Promise((resolve) => {
      window.addEventListener('message', (e) => { if (e.data === 'barrier') resolve(); });
      window.postMessage('barrier', '*');
    });
    const out = { hasRuntime: typeof chrome !== 'undefined' && !!chrome.runtime?.sendMessage };
    if (out.hasRuntime) {
      out.answer = await new Promise((resolve) => {
        try { chrome.runtime.sendMessage(id, { type: 'createLink' }, (r) => resolve(r ?? String(chrome.runtime.lastError?.message))); }
        catch (e) { resolve(String(e)); }
      });
    }
    return out;
  }, browser.id);
  assert.equal((await fake.log()).length, 0, 'no request reached Google');
  // No `externally_connectable`: a web page cannot even address the extension.
  assert.deepEqual(result, { hasRuntime: false });
  // A sender that is not our page (a content script or a web origin) is rejected by the worker itself.
  const answer = await browser.sw.evaluate((id) => meetlink.onMessage({ type: 'createLink' },
    { id, origin: 'https://evil.example', url: 'https://evil.example/', tab: { id: 1 }, frameId: 0 }), browser.id);
  assert.deepEqual(answer, { type: 'rejected' });
  assert.deepEqual(await browser.sw.evaluate((id) => meetlink.onMessage({ type: 'createLink', url: 'https://evil.example' },
    { id, origin: `chrome-extension://${id}`, url: `chrome-extension://${id}/popup.html` }), browser.id), { type: 'rejected' });
  assert.equal((await fake.log()).length, 0);
  await page.close();
});

test('the token never leaves the worker: not in executeScript arguments, messages, storage or logs', { timeout: 60_000 }, async () => {
  const SECRET = 'ya29.the-secret-token';
  await browser.sw.evaluate(() => {
    const seen = (self.__sinks = []);
    const wrap = (obj, name, label) => {
      const orig = obj[name].bind(obj);
      obj[name] = (...args) => { seen.push([label, JSON.stringify(args, (k, v) => (typeof v === 'function' ? String(v) : v))]); return orig(...args); };
    };
    wrap(chrome.scripting, 'executeScript', 'executeScript');
    wrap(chrome.runtime, 'sendMessage', 'sendMessage');
    wrap(chrome.storage.local, 'set', 'storage.local');
    wrap(chrome.storage.session, 'set', 'storage.session');
    wrap(chrome.notifications, 'create', 'notification');
    for (const level of ['log', 'info', 'warn', 'error', 'debug']) wrap(console, level, `console.${level}`);
  });
  await fetch(`http://127.0.0.1:${process.env.MEETLINK_FAKE_PORT || 7357}/_fake/tokens`, { method: 'POST', body: JSON.stringify({ token: SECRET }) });
  await stubIdentity(browser.sw, { tokens: ['ya29.stale', SECRET] }); // a renewal too
  await fake.faults({ match: 'insert', status: 401, reason: 'authError' });
  const { page, tabId } = await open('textarea.html');
  await page.locator('#field').click();
  await browser.sw.evaluate((tabId) => meetlink.onCommand('insert-meet-link', { id: tabId }), tabId); // typed
  await page.locator('h1').click();
  await browser.sw.evaluate((tabId) => meetlink.onCommand('insert-meet-link', { id: tabId }), tabId); // copied (offscreen message)
  const popup = await openPopup(browser);
  await createFromPopup(popup); // popup messages
  await allDeleted();
  const sinks = await browser.sw.evaluate(() => self.__sinks);
  const kinds = new Set(sinks.map(([k]) => k));
  for (const k of ['executeScript', 'sendMessage', 'storage.local', 'storage.session']) assert.ok(kinds.has(k), `recorded ${k}`);
  for (const [sink, data] of sinks) assert.ok(!data.includes(SECRET) && !data.includes('ya29.stale'), `token in ${sink}`);
  const stored = JSON.stringify([await browser.sw.evaluate(() => chrome.storage.local.get(null)), await browser.sw.evaluate(() => chrome.storage.session.get(null))]);
  assert.ok(!stored.includes('ya29.'), 'no token in storage');
  assert.equal((await fake.calls()).inserts.at(-1).token, SECRET, 'the token was used, for Google only');
  await popup.close();
  await page.close();
});

const watchScripts = () => watch(browser.sw);
const scripts = () => scriptsSettled(browser.sw);
const clearNotices = () => clearNotifications(browser.sw);
const noticeCount = async () => Object.keys(await browser.sw.evaluate(() => chrome.notifications.getAll())).length;
const tabTitle = (tabId) => browser.sw.evaluate((tabId) => chrome.action.getTitle({ tabId }), tabId);
const clipboardEmpty = () => writeClipboard(browser, '');

/** Starts a shortcut in `page`'s field, and blocks the page's main thread for `ms` once the probe has answered. */
async function shortcutIntoBusyPage(page, tabId, ms) {
  await watchScripts();
  await clearNotices();
  await fake.config({ latency_ms: 800 });
  // A fresh browser's first managed-storage read can take seconds (issue 17): have it done, so the
  // link is made while the page is busy, as it is for a user with a browser that has run a while.
  await browser.sw.evaluate(() => chrome.storage.managed.get(null).catch(() => null));
  const pending = browser.sw.evaluate((tabId) => meetlink.onCommand('insert-meet-link', { id: tabId }), tabId);
  await waitFor(async () => (await scripts())[0] === true, { what: 'the probe answered' });
  await page.evaluate((ms) => { setTimeout(() => { const end = Date.now() + ms; while (Date.now() < end); }, 0); }, ms);
  return pending;
}

test('the resume alarm and a second wake while a link is delivered into a busy page: one delivery, nothing run twice', { timeout: 60_000 }, async () => {
  const { page, tabId } = await open('textarea.html');
  await page.locator('#field').click();
  await clipboardEmpty();
  // The moment the link is handed to the (busy) page, the resume alarm fires and the worker is
  // woken again, both at once — from inside the worker, so nothing else's timing matters. (On top of
  // the watch on executeScript, which it puts back.)
  await watchScripts();
  await browser.sw.evaluate(() => {
    const run = chrome.scripting.executeScript;
    let calls = 0;
    self.__resumed = null;
    chrome.scripting.executeScript = (...args) => {
      const p = run.apply(chrome.scripting, args);
      if (++calls === 2) {
        chrome.scripting.executeScript = run;
        self.__resumed = Promise.all([meetlink.onAlarm({ name: 'meetlink-resume' }), meetlink.onWorkerStart()]);
      }
      return p;
    };
  });
  await (await shortcutIntoBusyPage(page, tabId, 5000));
  await browser.sw.evaluate(() => self.__resumed);
  const links = (await page.locator('#field').inputValue()).match(ALL) ?? [];
  assert.equal(links.length, 1, 'typed once');
  assert.equal(await noticeCount(), 0, 'no "copied" notice');
  assert.equal(await readClipboard(browser), '', 'nothing copied');
  assert.equal(await tabTitle(tabId), message('badgeInserted'));
  const { inserts, gets } = await fake.calls();
  assert.equal(inserts.length, 1, 'no second insert');
  assert.equal(gets.length, 0, 'no GET');
  assert.equal((await fake.events()).length, 1);
  await allDeleted();
  await page.close();
});

test('a page busy past the insertion deadline: the link is copied with a notice that says so, and never typed late', { timeout: 60_000 }, async () => {
  const { page, tabId } = await open('textarea.html');
  await page.locator('#field').click();
  const before = await page.locator('#field').inputValue();
  await clipboardEmpty();
  const started = Date.now();
  await (await shortcutIntoBusyPage(page, tabId, 15_000));
  assert.ok(Date.now() - started < 25_000, 'the worker stopped waiting');
  assert.equal(await tabTitle(tabId), message('copied_unresponsive'));
  assert.equal(await noticeCount(), 1);
  assert.match(await readClipboard(browser), new RegExp(`^${MEET.source}$`));
  await page.evaluate(() => 1); // the page is free again, and has run the late insertion
  await waitFor(async () => (await scripts()).every(Boolean), { what: 'the late insertion ran' });
  assert.equal(await page.locator('#field').inputValue(), before, 'nothing typed late');
  await allDeleted();
  await page.close();
});

test('an editor in a same-origin frame that cancels beforeinput and removes its frame: told at once, not after half a minute', { timeout: 60_000 }, async () => {
  const { page, tabId } = await open('frame-vanish.html');
  await page.frameLocator('#frame').locator('#field').click();
  await clearNotices();
  const started = Date.now();
  await browser.sw.evaluate((tabId) => meetlink.onCommand('insert-meet-link', { id: tabId }), tabId);
  const took = Date.now() - started;
  assert.equal(await tabTitle(tabId), message('copied_refused'));
  assert.ok(took < 8000, `settled in ${took} ms`);
  assert.match(await readClipboard(browser), new RegExp(`^${MEET.source}$`));
  const { inserts, gets } = await fake.calls();
  assert.deepEqual([inserts.length, gets.length], [1, 0], 'nothing run again');
  await allDeleted();
  await page.close();
});

test('a page that moves the re-focus to another field gets the link in neither: copied, "focus moved"', async () => {
  const { page, tabId } = await open('focus-thief.html');
  await page.locator('#field').click();
  await page.evaluate(() => document.getElementById('field').setSelectionRange(5, 5));
  await watchScripts();
  await clearNotices();
  await fake.config({ latency_ms: 1500 });
  const pending = browser.sw.evaluate((tabId) => meetlink.onCommand('insert-meet-link', { id: tabId }), tabId);
  await waitFor(async () => (await scripts())[0] === true, { what: 'the field recorded' });
  // Focus leaves the fields (MeetLink will put it back to type), and the page sends it elsewhere.
  await page.locator('h1').click();
  await page.evaluate(() => { window.steal = true; });
  await pending;
  assert.equal(await page.locator('#field').inputValue(), 'Hello world', 'not typed where it was');
  assert.equal(await page.locator('#other').inputValue(), '', 'not typed where the page moved focus');
  assert.equal(await tabTitle(tabId), message('copied_focusMoved'));
  assert.match(await readClipboard(browser), new RegExp(`^${MEET.source}$`));
  await allDeleted();
  await page.close();
});

test('ids from storage reach no URL unchecked: an in-flight record or pending delete with a path for an id is dropped, never sent', async () => {
  const evil = '../../../users/me/calendarList/primary';
  await orphanRecord(browser.sw, { eventId: evil, startedMs: Date.now() - 11 * 60_000 }, 'x');
  await browser.sw.evaluate((evil) => chrome.storage.local.set({
    pendingDeletes: [{ eventId: evil, attempts: 0, nextAtMs: 0 }, { eventId: 'c'.repeat(32), attempts: 0, nextAtMs: 0 }] }), evil);
  await browser.sw.evaluate(() => meetlink.onWorkerStart());
  await browser.sw.evaluate(() => meetlink.onAlarm({ name: 'meetlink-cleanup' }));
  // The well-formed one is deleted (404 from the fake: gone); the other never becomes a request.
  await waitFor(async () => (await fake.log()).some((r) => r.method === 'DELETE'), { what: 'the valid pending delete sent' });
  const log = await fake.log();
  assert.deepEqual(log.filter((r) => r.method === 'DELETE').map((r) => r.path), [`/calendar/v3/calendars/primary/events/${'c'.repeat(32)}`]);
  assert.ok(!log.some((r) => r.path.includes('calendarList') || r.path.includes('..')), JSON.stringify(log.map((r) => r.path)));
  assert.deepEqual(Object.keys(await browser.sw.evaluate(() => chrome.storage.session.get(null))).filter((k) => k.startsWith('inflight.')), [], 'the record is dropped');
  await waitFor(async () => (await browser.sw.evaluate(() => chrome.storage.local.get('pendingDeletes'))).pendingDeletes?.length === 0,
    { what: 'no pending delete kept, the unreadable one included' });
});
