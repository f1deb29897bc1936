// From a link to a meeting (issue 19): invite the people of a Gmail-like compose window, schedule
// from selected text, Meet space presets, and each feature's scope asked for when it is first used.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  suite, closePages, fake, openPage, openPopup, createFromPopup, openOptions, settingsOf, stubIdentity, identityCalls, waitFor,
  message, caretAtEnd, axeViolations, ROOT, SCOPE, MEET,
} from './harness.js';

const MEET_SCOPE = 'https://www.googleapis.com/auth/meetings.space.created';
let browser;
suite({ withPages: true, onLaunch: (b) => { browser = b; }, beforeEachTest: (b) => closePages(b) });

const settings = (s) => browser.sw.evaluate((s) => chrome.storage.local.set({ settings: { warmLink: false, ...s } }), s);
const tabOf = (url) => browser.sw.evaluate(async (url) => (await chrome.tabs.query({ url }))[0]?.id, url);
const meetingWindow = () => browser.context.waitForEvent('page', { predicate: (p) => p.url().includes('/meeting.html#'), timeout: 20_000 });
const clickMenu = (menuItemId, tabId, selectionText) => browser.sw.evaluate(
  ([menuItemId, tabId, selectionText]) => meetlink.onMenuClicked({ menuItemId, frameId: 0, selectionText }, { id: tabId }),
  [menuItemId, tabId, selectionText]);
/** The guests' addresses, the organizer left out. */
const guestsOf = (event) => (event.attendees || []).filter((a) => !a.organizer).map((a) => a.email);
const liveEvents = async () => (await fake.events()).filter((e) => e.status !== 'cancelled');

/** The Gmail-like compose fixture, served at https://mail.google.com (nothing leaves the machine). */
async function openGmail() {
  const html = readFileSync(join(ROOT, 'tests', 'pages', 'gmail-compose.html'), 'utf8');
  await browser.context.route('https://mail.google.com/**', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: html }));
  const page = await browser.context.newPage();
  await page.goto('https://mail.google.com/mail/u/0/#inbox?compose=new');
  const tabId = await tabOf('https://mail.google.com/*'); // a match pattern: no fragment
  assert.ok(tabId, 'a tab for the compose page');
  return { page, tabId };
}

test('invite from a Gmail-like compose window: the To and Cc chips confirmed and edited → one kept event with exactly those guests and sendUpdates, the link typed in the message', async () => {
  const { page, tabId } = await openGmail();
  // With the focus in no compose window, no draft's recipients are taken.
  await page.locator('body').click({ position: { x: 1, y: 1 } });
  await page.evaluate(() => document.activeElement?.blur());
  const none = meetingWindow();
  await clickMenu('invite-meeting', tabId);
  const noneWin = await none;
  await noneWin.locator('#form:not([hidden])').waitFor();
  assert.deepEqual(await noneWin.locator('#guests .guest-email').allTextContents(), [], 'no compose window holds the focus: nobody');
  await noneWin.getByRole('button', { name: 'Cancel' }).click();
  await caretAtEnd(page, '#body');
  const opened = meetingWindow();
  await clickMenu('invite-meeting', tabId);
  const win = await opened;
  await win.locator('#form:not([hidden])').waitFor();
  assert.equal(await win.locator('h1').textContent(), 'Invite people to a Meet');
  assert.deepEqual(await win.locator('#guests .guest-email').allTextContents(), ['ana@example.com', 'bo@partner.org', 'cy@example.com'],
    'the focused compose window\'s To and Cc, not the other draft\'s');
  assert.deepEqual(await win.locator('#guests .guest-from').allTextContents(), [message('meetingFromTo'), message('meetingFromTo'), message('meetingFromCc')],
    'where each guest came from');
  // Who gets an e-mail is the user's choice: nothing preselected, Create waits for it.
  assert.equal(await win.locator('input[name=sendUpdates]:checked').count(), 0);
  assert.equal(await win.getByRole('button', { name: 'Create meeting' }).isDisabled(), true);
  assert.equal(await win.locator('#choose-updates').isVisible(), true);
  assert.equal(await win.locator('#now').isChecked(), true);
  // The user's edits: one guest out, one in, a title, a length, e-mail only outside the organisation.
  await win.getByRole('button', { name: 'Remove cy@example.com' }).click();
  await win.getByRole('textbox', { name: 'Guests Add' }).fill('dee@partner.org');
  await win.getByRole('button', { name: 'Add', exact: true }).click();
  await win.getByLabel('Meeting title').fill('Planning');
  await win.getByLabel('Length (minutes)').fill('45');
  await win.getByLabel('Only guests outside my organisation').check();
  assert.equal(await win.getByRole('button', { name: 'Create meeting' }).isDisabled(), false);
  assert.deepEqual(await win.locator('#guests .guest-from').allTextContents(), [message('meetingFromTo'), message('meetingFromTo'), message('meetingFromYou')]);
  assert.equal(await (await fake.calls()).inserts.length, 0, 'nothing is made before the user confirms');
  const closed = win.waitForEvent('close', { timeout: 40_000 });
  await win.getByRole('button', { name: 'Create meeting' }).click();
  await closed; // typed where the user was: the window goes away

  const events = await liveEvents();
  assert.equal(events.length, 1, 'one event');
  const [event] = events;
  assert.deepEqual(guestsOf(event), ['ana@example.com', 'bo@partner.org', 'dee@partner.org']);
  assert.equal(event.summary, 'Planning');
  assert.equal(new Date(event.end.dateTime) - new Date(event.start.dateTime), 45 * 60_000);
  assert.equal(event.transparency, 'opaque');
  const { inserts, deletes } = await fake.calls();
  assert.equal(inserts.length, 1);
  assert.equal(inserts[0].query.sendUpdates, 'externalOnly');
  assert.equal(inserts[0].query.conferenceDataVersion, '1');
  assert.deepEqual((await fake.control('mail')).map((m) => m.to), ['bo@partner.org', 'dee@partner.org'], 'only guests outside example.com are e-mailed');
  // Gmail's format is the titled link (issue 18's default rule for mail.google.com).
  const anchors = await page.locator('#body a').evaluateAll((as) => as.map((a) => ({ href: a.getAttribute('href'), text: a.textContent })));
  assert.deepEqual(anchors, [{ href: event.hangoutLink, text: 'Planning' }], 'the link typed in the message');
  assert.match(await page.locator('#body').textContent(), /^Hi all, the link: ?Planning$/);
  assert.equal(await page.locator('#other-body').textContent(), '', 'the other draft untouched');
  // Kept: nothing deletes an event with guests, now or later.
  await browser.sw.evaluate(() => meetlink.onAlarm({ name: 'meetlink-cleanup' }));
  assert.equal(deletes.length + (await fake.calls()).deletes.length, 0, 'never deleted');
  assert.equal((await fake.events())[0].status, 'confirmed');
  await page.close();
});

test('schedule from selected text: the time read is confirmed → an event at that time, the link typed after the text', async () => {
  const { page, tabId } = await openPage(browser, 'textarea.html');
  const phrase = 'tomorrow 10:30 for 45 min';
  await page.locator('#field').fill(`Let's meet ${phrase}`);
  await page.locator('#field').evaluate((el, n) => { el.focus(); el.setSelectionRange(el.value.length - n, el.value.length); }, phrase.length);
  // The instant "tomorrow 10:30" is in the browser's own zone.
  const expected = await page.evaluate(() => {
    const d = new Date();
    const at = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1, 10, 30);
    const pad = (n) => String(n).padStart(2, '0');
    return { ms: at.getTime(), local: `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T10:30`, zone: Intl.DateTimeFormat().resolvedOptions().timeZone };
  });
  const opened = meetingWindow();
  await clickMenu('schedule-meeting', tabId, phrase);
  const win = await opened;
  await win.locator('#form:not([hidden])').waitFor();
  assert.equal(await win.locator('#phrase').textContent(), phrase);
  assert.equal(await win.locator('#start').inputValue(), expected.local);
  assert.equal(await win.locator('#minutes').inputValue(), '45');
  assert.equal(await win.locator('#refusal').isHidden(), true);
  assert.deepEqual(await axeViolations(win), [], 'the confirmation window is accessible');
  const closed = win.waitForEvent('close', { timeout: 40_000 });
  await win.getByRole('button', { name: 'Create meeting' }).click();
  await closed;

  const [event] = await liveEvents();
  assert.equal(new Date(event.start.dateTime).getTime(), expected.ms, 'at the time read');
  assert.equal(new Date(event.end.dateTime).getTime(), expected.ms + 45 * 60_000);
  assert.equal(event.start.timeZone, expected.zone);
  assert.deepEqual(guestsOf(event), []);
  const { inserts } = await fake.calls();
  assert.equal(inserts[0].query.sendUpdates, 'none');
  assert.equal(await page.locator('#field').inputValue(), `Let's meet ${phrase} ${event.hangoutLink}`, 'after the selected text, not over it');
  // Kept (a meeting in the calendar), not a placeholder.
  assert.equal((await fake.calls()).deletes.length, 0);
  await page.close();
});

test('schedule: text that does not give a time says why, nothing is made until a time is picked; a second confirmation makes nothing more', async () => {
  const { page, tabId } = await openPage(browser, 'textarea.html');
  await page.locator('#field').fill('at 3');
  await page.locator('#field').evaluate((el) => { el.focus(); el.select(); });
  const opened = meetingWindow();
  await clickMenu('schedule-meeting', tabId, 'at 3');
  const win = await opened;
  await win.locator('#form:not([hidden])').waitFor();
  assert.equal(await win.locator('#refusal').textContent(), message('refusal_bareHour'));
  assert.equal(await win.locator('#start').inputValue(), '', 'nothing guessed');
  await win.getByRole('button', { name: 'Create meeting' }).click();
  await win.locator('#problem:not([hidden])').waitFor();
  assert.equal(await win.locator('#problem').textContent(), message('invalid_start'));
  assert.equal((await fake.calls()).inserts.length, 0);

  // A guest that is not an address is refused by the worker, whatever the page sent; the draft stays.
  const id = new URL(win.url()).hash.slice(1);
  const bad = await win.evaluate((id) => chrome.runtime.sendMessage({ type: 'confirmMeeting', meeting: { id, guests: ['x@y'], title: '', minutes: 30, start: null, sendUpdates: 'all' } }), id);
  assert.deepEqual(bad, { type: 'invalid', invalid: { reason: 'guest', guest: 'x@y' } });
  // The user picks 15:00 tomorrow; two confirmations race (a double click, a second window): one
  // meeting, and the second is told it is being made.
  const answers = await win.evaluate(async (id) => {
    const d = new Date();
    const at = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1, 15, 0);
    const pad = (n) => String(n).padStart(2, '0');
    const start = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T15:00`;
    const meeting = { id, guests: [], title: 'Review', minutes: 30, start, sendUpdates: 'none' };
    const send = () => chrome.runtime.sendMessage({ type: 'confirmMeeting', meeting });
    return Promise.all([send(), send()]);
  }, id);
  assert.deepEqual(answers.map((a) => a.type).sort(), ['making', 'meeting']);
  assert.equal((await liveEvents()).length, 1, 'one meeting');
  assert.equal((await fake.calls()).inserts.length, 1);
  // Once made, a confirmation (whatever it says) answers with that meeting's link: it makes nothing.
  const again = await win.evaluate((id) => chrome.runtime.sendMessage({ type: 'confirmMeeting', meeting: { id, guests: ['zed@example.com'], title: 'Other', minutes: 60, start: null, sendUpdates: 'all' } }), id);
  assert.equal(again.type, 'meeting');
  assert.equal(again.link.url, (await liveEvents())[0].hangoutLink);
  assert.equal((await fake.calls()).inserts.length, 1);
  await win.close();
  await page.close();
});

test('invite from the popup: the selected addresses of the page; the window opens from the popup\'s button', async () => {
  const { page, tabId } = await openPage(browser, 'textarea.html');
  await page.locator('#field').fill('Ana <ana@example.com>, bo@example.org; not-an-address@');
  await page.locator('#field').evaluate((el) => { el.focus(); el.select(); });
  const popup = await openPopup(browser);
  // What the popup's button sends for the tab it was opened on (here, the page's tab). A real popup
  // lies over the page, which keeps its focus and selection; here the popup is a tab of its own, so
  // the page is brought back to the front first.
  await page.bringToFront();
  let opened = meetingWindow();
  assert.deepEqual(await popup.evaluate((tabId) => chrome.runtime.sendMessage({ type: 'openMeeting', kind: 'invite', tabId }), tabId), { type: 'done' });
  let win = await opened;
  await win.locator('#form:not([hidden])').waitFor();
  assert.deepEqual(await win.locator('#guests .guest-email').allTextContents(), ['ana@example.com', 'bo@example.org']);
  await win.getByRole('button', { name: 'Cancel' }).click();
  const drafts = await browser.sw.evaluate(async () => Object.keys(await chrome.storage.session.get(null)).filter((k) => k.startsWith('draft.')));
  assert.deepEqual(drafts, [], 'Cancel forgets the draft');
  // The button itself.
  opened = meetingWindow();
  await popup.getByRole('button', { name: 'Invite…' }).click();
  win = await opened;
  await win.locator('#form:not([hidden])').waitFor();
  await win.close();
  assert.equal((await fake.calls()).inserts.length, 0);
  await page.close();
});

test('Meet space presets reach spaces.create; a personal account that refuses them is told what to do', async () => {
  const token = 'ya29.meet-presets';
  await fake.control('tokens', { token, scopes: [MEET_SCOPE] });
  await stubIdentity(browser.sw, { tokens: [token], grantedScopes: [MEET_SCOPE] });
  await settings({ source: 'space', accessType: 'OPEN' });
  const options = await openOptions(browser);
  assert.match(await options.locator('#space-presets .hint').textContent(), /Workspace edition/);
  assert.equal(await options.getByLabel('Only hosts can chat').isDisabled(), true, 'restrictions need host management');
  await options.getByLabel('Host management (Workspace)').check();
  await waitFor(async () => (await settingsOf(options)).settings.moderation, { what: 'moderation saved' });
  await options.getByLabel('Only hosts can chat').check();
  await options.getByLabel('People join as viewers').check();
  await options.getByLabel('Record automatically (Workspace)').check();
  await options.getByLabel('Take notes with Gemini automatically (Workspace)').check();
  await options.getByLabel('Who can join', { exact: true }).selectOption('CREATOR_APP_ONLY');
  await waitFor(async () => {
    const s = (await settingsOf(options)).settings;
    return s.chatHostsOnly && s.joinAsViewer && s.autoRecording && s.autoSmartNotes && s.entryPointAccess === 'CREATOR_APP_ONLY';
  }, { what: 'presets saved' });
  await options.close();

  const popup = await openPopup(browser);
  const made = await createFromPopup(popup);
  assert.match(made.link, MEET);
  const creates = (await fake.log()).filter((r) => r.method === 'POST' && r.path === '/v2/spaces');
  assert.deepEqual(creates.map((c) => c.body), [{ config: {
    accessType: 'OPEN', entryPointAccess: 'CREATOR_APP_ONLY', moderation: 'ON',
    moderationRestrictions: { chatRestriction: 'HOSTS_ONLY', reactionRestriction: 'NO_RESTRICTION', presentRestriction: 'NO_RESTRICTION', defaultJoinAsViewerType: 'ON' },
    artifactConfig: { recordingConfig: { autoRecordingGeneration: 'ON' }, smartNotesConfig: { autoSmartNotesGeneration: 'ON' } },
  } }]);
  // A personal account: Meet refuses host management and automatic artifacts.
  await fake.config({ meet_edition: 'personal' });
  const refused = await createFromPopup(popup);
  assert.equal(refused.problem, message('problem_meetSettingsRefused'));
  await popup.close();
});

test('scopes per feature, asked when first used: a Meet-space user\'s first invite asks for the Calendar scope then, and only then', async () => {
  const meetToken = 'ya29.meet-only';
  await fake.control('tokens', { token: meetToken, scopes: [MEET_SCOPE] });
  await stubIdentity(browser.sw, { byScope: { [MEET_SCOPE]: meetToken, [SCOPE]: 'ya29.fake-token' } });
  await settings({ source: 'space' });
  await (async () => { const p = await openPopup(browser); await createFromPopup(p); await p.close(); })();
  const first = (await identityCalls(browser.sw)).get;
  assert.ok(first.length >= 1 && first.every((d) => d.scopes[0] === MEET_SCOPE), 'links from Meet spaces never ask for Calendar');
  const asked = first.length;

  const { page, tabId } = await openPage(browser, 'textarea.html');
  await page.locator('#field').fill('ana@example.com');
  await page.locator('#field').evaluate((el) => { el.focus(); el.select(); });
  const opened = meetingWindow();
  await clickMenu('invite-meeting', tabId);
  const win = await opened;
  await win.locator('#form:not([hidden])').waitFor();
  assert.ok((await identityCalls(browser.sw)).get.every((d) => d.scopes[0] === MEET_SCOPE), 'opening the confirmation asks for no Calendar token');
  await win.getByLabel('Every guest').check();
  const closed = win.waitForEvent('close', { timeout: 40_000 });
  await win.getByRole('button', { name: 'Create meeting' }).click();
  await closed;
  const later = (await identityCalls(browser.sw)).get.slice(asked).filter((d) => d.scopes[0] === SCOPE);
  assert.ok(later.length >= 1 && later.every((d) => d.interactive), 'the Calendar scope, asked on the confirming click (a gesture: it may prompt)');
  const { inserts } = await fake.calls();
  assert.equal(inserts.at(-1).token, 'ya29.fake-token');
  assert.deepEqual(guestsOf((await liveEvents()).find((e) => e.attendees)), ['ana@example.com']);
  await page.close();
});
