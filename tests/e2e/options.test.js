// The options page: each option changed through the page itself (as a user would, keyboard
// included), and its effect on what the fake Google receives. The browser runs in a time zone
// other than UTC, so the event's zone is the user's and not a default.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  suite, fake, allDeleted, popupLink, openOptions, settingsOf, stubIdentity, identityCalls,
  recordRequests, requestsSeen, waitFor, SCOPE,
} from './harness.js';

const ZONE = 'America/New_York';
const MEET_SCOPE = 'https://www.googleapis.com/auth/meetings.space.created';
let browser;
suite({
  launchOptions: { env: { TZ: ZONE } },
  onLaunch: (b) => { browser = b; },
  // Settings as a fresh install has them, but no warm link: each test counts its requests.
  beforeEachTest: (b) => b.sw.evaluate(() => chrome.storage.local.clear().then(() => chrome.storage.local.set({ settings: { warmLink: false } }))),
});

test('defaults: a transparent 30-minute "Google Meet" placeholder, deleted; only the Calendar scope asked for', async () => {
  const t0 = Date.now();
  await popupLink(browser);
  const { inserts } = await fake.calls();
  assert.equal(inserts.length, 1);
  const body = inserts[0].body;
  assert.equal(body.summary, 'Google Meet');
  assert.equal(body.transparency, 'transparent');
  assert.equal(body.start.timeZone, ZONE);
  assert.equal(Date.parse(body.end.dateTime) - Date.parse(body.start.dateTime), 30 * 60_000);
  assert.ok(Math.abs(Date.parse(body.start.dateTime) - t0) < 60_000, 'starts now');
  await allDeleted();
  const calls = await identityCalls(browser.sw);
  assert.ok(calls.get.length > 0);
  assert.ok(calls.get.every((d) => JSON.stringify(d.scopes) === JSON.stringify([SCOPE])), JSON.stringify(calls.get));
});

test('title, length and "keep it": a real event from now for that length in the user\'s zone, never deleted', async () => {
  const page = await openOptions(browser);
  await page.getByLabel('Meeting title').fill('Design review');
  await page.getByLabel('Length', { exact: true }).selectOption({ label: '45 minutes' });
  await page.getByLabel('Keep it in my calendar, from now for the length above').check();
  await waitFor(async () => {
    const s = (await settingsOf(page)).settings;
    return s.title === 'Design review' && s.durationMinutes === 45 && s.keepEvent;
  }, { what: 'settings saved' });
  assert.equal(await page.locator('#status').textContent(), 'Saved.');
  await page.close();

  const t0 = Date.now();
  await recordRequests(browser.sw);
  const link = await popupLink(browser);
  const { inserts } = await fake.calls();
  const body = inserts[0].body;
  assert.equal(body.summary, 'Design review');
  assert.equal(body.transparency, 'opaque', 'a kept event marks the time busy');
  assert.deepEqual([body.start.timeZone, body.end.timeZone], [ZONE, ZONE]);
  assert.equal(Date.parse(body.end.dateTime) - Date.parse(body.start.dateTime), 45 * 60_000);
  assert.ok(Math.abs(Date.parse(body.start.dateTime) - t0) < 60_000, 'starts now');
  // Done: the link is in the history, the action's record gone. A placeholder's delete starts
  // before the link is even shown; none was ever started.
  await waitFor(async () => (await browser.sw.evaluate(() => chrome.storage.local.get('history'))).history?.[0]?.url === link, { what: 'recorded' });
  await waitFor(async () => !Object.keys(await browser.sw.evaluate(() => chrome.storage.session.get(null))).some((k) => k.startsWith('inflight.')), { what: 'action over' });
  assert.deepEqual((await requestsSeen(browser.sw)).filter((r) => r.startsWith('DELETE')), [], 'a kept event is not deleted');
  const { deletes } = await fake.calls();
  assert.equal(deletes.length, 0);
  const events = await fake.events();
  assert.equal(events.length, 1);
  assert.equal(events[0].status, 'confirmed');
  assert.equal(events[0].hangoutLink, link);
});

for (const access of ['OPEN', 'RESTRICTED']) {
  test(`Meet space (${access}): spaces.create with its access type, the Meet scope asked for then only, no event`, async () => {
    const token = `ya29.meet-${access}`;
    await fake.control('tokens', { token, scopes: [MEET_SCOPE] });
    await stubIdentity(browser.sw, { tokens: [token], grantedScopes: [MEET_SCOPE] });
    const page = await openOptions(browser);
    assert.equal(await page.getByLabel('Who can join a Meet space without asking').isDisabled(), true, 'only for spaces');
    await page.getByLabel(/Google Meet space, without any calendar event/).check();
    await waitFor(async () => (await settingsOf(page)).settings.source === 'space', { what: 'source saved' });
    await page.getByLabel('Who can join a Meet space without asking').selectOption(access);
    await waitFor(async () => (await settingsOf(page)).settings.accessType === access, { what: 'access saved' });
    await page.close();

    const link = await popupLink(browser);
    const { log, inserts } = await fake.calls();
    assert.equal(inserts.length, 0, 'no calendar event at all');
    const creates = log.filter((r) => r.method === 'POST' && r.path === '/v2/spaces');
    assert.equal(creates.length, 1);
    assert.deepEqual(creates[0].body, { config: { accessType: access } });
    assert.equal(creates[0].token, token);
    const calls = await identityCalls(browser.sw);
    assert.ok(calls.get.some((d) => d.interactive));
    assert.ok(calls.get.every((d) => JSON.stringify(d.scopes) === JSON.stringify([MEET_SCOPE])), 'never the Calendar scope');
    const { history } = await browser.sw.evaluate(() => chrome.storage.local.get('history'));
    assert.equal(history[0].url, link);
    assert.equal(history[0].kind, 'space');
  });
}

test('notifications off: a link copied for want of a field tells nothing; on: one notification', async () => {
  const notificationsAfterShortcut = () => browser.sw.evaluate(async () => {
    await chrome.notifications.getAll().then((all) => Promise.all(Object.keys(all).map((id) => chrome.notifications.clear(id))));
    await meetlink.onCommand('insert-meet-link', undefined); // no tab: the link is copied
    return Object.keys(await chrome.notifications.getAll()).length;
  });
  assert.equal(await notificationsAfterShortcut(), 1);
  const page = await openOptions(browser);
  await page.getByLabel(/Show a notification/).uncheck();
  await waitFor(async () => (await settingsOf(page)).settings.notifications === false, { what: 'saved' });
  await page.close();
  assert.equal(await notificationsAfterShortcut(), 0);
});

test('the page is usable by keyboard alone: every control reachable, changes saved', async () => {
  const page = await openOptions(browser);
  const order = [];
  for (let i = 0; i < 24; i++) { // the default site rules' four controls each among them
    await page.keyboard.press('Tab');
    order.push(await page.evaluate(() => { const a = document.activeElement; return a.id || a.name || a.getAttribute('aria-label'); }));
  }
  for (const id of ['title', 'durationMinutes', 'keepEvent', 'source', 'template', 'dialIn', 'Site', 'Format', 'Dial-in numbers',
    'add-rule', 'notifications', 'warmLink', 'shortcuts']) {
    assert.ok(order.includes(id), `${id} reachable by Tab: ${order}`);
  }
  await page.focus('#title');
  await page.keyboard.press('Control+a');
  await page.keyboard.type('Weekly sync');
  await page.keyboard.press('Tab'); // leaving the field saves it
  await page.focus('#template');
  await page.keyboard.press('ArrowDown');
  await page.focus('#warmLink');
  await page.keyboard.press('Space');
  await waitFor(async () => {
    const s = (await settingsOf(page)).settings;
    return s.title === 'Weekly sync' && s.template === 'sentence' && s.warmLink === true;
  }, { what: 'keyboard changes saved' });
  // Visible focus: the focused control has an outline.
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, 'none');
  await page.close();
});

test('settings messages are validated: malformed ones refused, out-of-range values not taken', async () => {
  const page = await openOptions(browser);
  const send = (m) => page.evaluate((m) => chrome.runtime.sendMessage(m), m);
  assert.deepEqual(await send({ type: 'saveSettings', changes: { template: '<img src=x onerror=alert(1)>' } }), { type: 'rejected' });
  assert.deepEqual(await send({ type: 'saveSettings', changes: { title: 'x', token: 'ya29.x' } }).then((r) => r.type), 'settings');
  const r = await send({ type: 'saveSettings', changes: { durationMinutes: 100000, title: '   ' } });
  assert.equal(r.settings.durationMinutes, 30);
  assert.equal(r.settings.title, 'Google Meet', 'an empty title means the default');
  const stored = await browser.sw.evaluate(() => chrome.storage.local.get('settings'));
  assert.equal(JSON.stringify(stored).includes('ya29'), false);
  await page.close();
});

test('changes made before the page shows the settings in effect stand: never reverted by a late first answer', async () => {
  await browser.sw.evaluate(() => chrome.storage.local.set({ settings: { warmLink: false, title: 'Stored title' } }));
  // The first read of the settings (the page's getSettings) answers only when the test says so.
  await browser.sw.evaluate(() => {
    const get = chrome.storage.managed.get.bind(chrome.storage.managed);
    let release;
    self.__gate = new Promise((r) => { release = r; });
    self.__release = release;
    let first = true;
    chrome.storage.managed.get = async (...args) => {
      if (first) { first = false; await self.__gate; }
      return get(...args);
    };
  });
  const page = await browser.context.newPage();
  await page.addInitScript(() => {
    window.__answers = 0;
    const send = chrome.runtime.sendMessage.bind(chrome.runtime);
    chrome.runtime.sendMessage = (...args) => send(...args).finally(() => { window.__answers++; });
  });
  await page.goto(`chrome-extension://${browser.id}/options.html`);
  // The page takes input (its listeners are on, the shortcut shown) but has no settings yet.
  await waitFor(async () => (await page.locator('#shortcut').textContent()) !== '', { what: 'the page up' });
  assert.equal(await page.evaluate(() => document.body.dataset.ready), undefined, 'the first answer has not come');
  // The user acts at once: a title typed (and the field left), "keep it" chosen.
  await page.getByLabel('Meeting title').fill('Mine');
  await page.getByLabel('Meeting title').blur();
  await page.getByLabel('Keep it in my calendar, from now for the length above').check();
  await waitFor(async () => {
    const s = (await browser.sw.evaluate(() => chrome.storage.local.get('settings'))).settings;
    return s.title === 'Mine' && s.keepEvent === true;
  }, { what: 'both saved' });
  await browser.sw.evaluate(() => self.__release());
  // Every answer is in — the late first one too — and the page still shows what the user chose.
  await waitFor(async () => (await page.evaluate(() => window.__answers)) >= 3, { what: 'every answer, the late one included' });
  assert.equal(await page.getByLabel('Meeting title').inputValue(), 'Mine');
  assert.equal(await page.getByLabel('Keep it in my calendar, from now for the length above').isChecked(), true);
  assert.equal((await settingsOf(page)).settings.title, 'Mine');
  await page.close();
});
