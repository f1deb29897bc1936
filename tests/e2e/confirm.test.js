// A meeting with guests is made once, and only as confirmed — even when something fails (issue 28).
// Each row confirms an invite of two guests from selected text, makes something fail (the consent
// declined, Google unreachable, Google answering 503, an insert that landed with its answer lost,
// the worker stopped while the meeting is being made, the window closed meanwhile) and counts, at
// the end, the events Google holds and the invitations it sent: exactly one event, one invitation
// per guest, and the edits the user made in it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  suite, closePages, fake, openPage, stubIdentity, stopWorker, waitFor, message, MEET,
} from './harness.js';

let browser;
suite({ withPages: true, onLaunch: (b) => { browser = b; }, beforeEachTest: (b) => closePages(b) });

const GUESTS = ['ana@example.com', 'bo@partner.org'];
const meetingWindow = () => browser.context.waitForEvent('page', { predicate: (p) => p.url().includes('/meeting.html#'), timeout: 20_000 });
const guestsOf = (event) => (event.attendees || []).filter((a) => !a.organizer).map((a) => a.email);
const mailTo = async () => (await fake.control('mail')).map((m) => m.to).sort();

/** The user selects two addresses, opens "Invite people to a Meet…", edits the title, picks who is
 * e-mailed and clicks Create; returns the page, the window and what it was set to. */
async function confirmInvite() {
  const { page, tabId } = await openPage(browser, 'textarea.html');
  await page.locator('#field').fill(`Call with ${GUESTS.join(', ')}`);
  await page.locator('#field').evaluate((el) => { el.focus(); el.select(); });
  const opened = meetingWindow();
  await browser.sw.evaluate((tabId) => meetlink.onMenuClicked({ menuItemId: 'invite-meeting', frameId: 0 }, { id: tabId }), tabId);
  const win = await opened;
  await win.locator('#form:not([hidden])').waitFor();
  // Invitations are a choice: nothing preselected, Create waits for one.
  assert.equal(await win.locator('input[name=sendUpdates]:checked').count(), 0, 'no e-mail choice made for the user');
  assert.equal(await win.getByRole('button', { name: 'Create meeting' }).isDisabled(), true);
  assert.deepEqual(await win.locator('#guests .guest-from').allTextContents(), [message('meetingFromSelection'), message('meetingFromSelection')]);
  await win.getByLabel('Meeting title').fill('Quarterly plan');
  await win.getByLabel('Every guest').check();
  await win.getByRole('button', { name: 'Create meeting' }).click();
  return { page, win };
}

/** The window has shown a failure, kept the user's edits and offers "Try again". */
async function failedWith(win, problem) {
  await win.getByRole('button', { name: message('meetingTryAgain') }).waitFor({ timeout: 40_000 });
  assert.equal(await win.locator('#problem').textContent(), message(`problem_${problem}`));
  assert.equal(await win.getByLabel('Meeting title').inputValue(), 'Quarterly plan', 'no edit lost');
  assert.deepEqual(await win.locator('#guests .guest-email').allTextContents(), GUESTS);
  assert.equal(await win.getByLabel('Every guest').isChecked(), true);
}

/** "Try again", then the window closes as the link is typed where the user was. */
async function tryAgain(win) {
  const closed = win.waitForEvent('close', { timeout: 40_000 });
  await win.getByRole('button', { name: message('meetingTryAgain') }).click();
  await closed;
}

/** One event, with the guests and the title confirmed; each guest invited once; the link typed. */
async function madeOnce(page) {
  const events = await fake.events();
  assert.equal(events.length, 1, 'exactly one event');
  assert.equal(events[0].status, 'confirmed', 'kept, never deleted');
  assert.deepEqual(guestsOf(events[0]), GUESTS);
  assert.equal(events[0].summary, 'Quarterly plan');
  assert.deepEqual(await mailTo(), GUESTS, 'one invitation per guest');
  const inserts = (await fake.calls()).inserts;
  assert.equal(new Set(inserts.map((i) => i.body.id)).size, 1, 'every insert of this confirmation carried one client id');
  assert.equal(new Set(inserts.map((i) => i.body.conferenceData.createRequest.requestId)).size, 1, 'and one requestId');
  assert.ok(inserts.every((i) => i.query.sendUpdates === 'all'));
  await waitFor(async () => (await page.locator('#field').inputValue()).includes(events[0].hangoutLink), { what: 'the link typed after the selection' });
}

test('the consent declined: nothing is sent; "Try again" signs in and makes the one meeting', async () => {
  await stubIdentity(browser.sw, { reject: 'The user did not approve access.' });
  const { page, win } = await confirmInvite();
  await failedWith(win, 'signInDeclined');
  assert.equal((await fake.calls()).inserts.length, 0, 'nothing sent without a token');
  await stubIdentity(browser.sw);
  await tryAgain(win);
  await madeOnce(page);
  await page.close();
});

test('Google unreachable until the action gives up: "Try again" makes the one meeting', { timeout: 90_000 }, async () => {
  await fake.faults({ match: 'insert', kind: 'drop', times: -1 });
  const { page, win } = await confirmInvite();
  await failedWith(win, 'offline');
  assert.equal((await fake.events()).length, 0);
  await fake.clearFaults();
  await tryAgain(win);
  await madeOnce(page);
  await page.close();
});

test('Google answers 503 until the action gives up: "Try again" makes the one meeting', { timeout: 90_000 }, async () => {
  await fake.faults({ match: 'insert', status: 503, reason: 'backendError', times: -1 });
  const { page, win } = await confirmInvite();
  await failedWith(win, 'serverError');
  await fake.clearFaults();
  await tryAgain(win);
  await madeOnce(page);
  await page.close();
});

test('an insert that landed with its answer lost: "Try again" finds it (409 → GET), no second event, no second invitation', { timeout: 90_000 }, async () => {
  // Every insert is carried out and its answer lost: the first makes the event and e-mails the
  // guests, the retries get 409 (lost too), and the action gives up not knowing.
  await fake.faults({ match: 'insert', kind: 'drop', after: true, times: -1 });
  const { page, win } = await confirmInvite();
  await failedWith(win, 'offline');
  assert.equal((await fake.events()).length, 1, 'the first insert landed');
  assert.deepEqual(await mailTo(), GUESTS, 'and its invitations went out');
  await fake.clearFaults();
  await tryAgain(win);
  await madeOnce(page);
  assert.ok((await fake.calls()).gets.length >= 1, 'found by its id');
  await page.close();
});

test('the worker stopped while the meeting is being made: the window says so, waits, and learns the outcome of the resumed action', { timeout: 90_000 }, async () => {
  await fake.faults({ match: 'insert', kind: 'slow', ms: 4000 });
  const { page, win } = await confirmInvite();
  await waitFor(async () => (await fake.calls()).inserts.length === 1, { what: 'insert sent' });
  // While it is being made: no Cancel, a plain statement instead, and Escape closes nothing.
  assert.equal(await win.locator('#cancel').isHidden(), true);
  assert.equal(await win.locator('#being-made').textContent(), message('meetingBeingMade'));
  await win.keyboard.press('Escape');
  assert.equal(win.isClosed(), false);
  await stopWorker(browser);
  await waitFor(async () => (await fake.events()).length === 1, { what: 'the insert lands, with nobody listening' });
  // The window's question wakes the worker; Debian's Chromium mints no token without the stand-in,
  // so the resume waits for it (as it would for a real prompt-free token).
  await waitFor(() => stubIdentity(browser.sw).then(() => true, () => false), { what: 'the woken worker takes the token stand-in' });
  assert.equal(await win.locator('#being-made').isVisible(), true, 'still being made, as far as the window knows');
  const closed = win.waitForEvent('close', { timeout: 40_000 });
  await browser.sw.evaluate(() => meetlink.onWorkerStart()); // what the resume alarm would run
  await closed; // the window learned that its meeting was made and typed
  await madeOnce(page);
  await page.close();
});

test('the window closed while the meeting is being made: it is made all the same, and a notification says so and where the link went', { timeout: 60_000 }, async () => {
  await fake.faults({ match: 'insert', kind: 'slow', ms: 3000 });
  // What the worker shows, as it shows it (the messages; getAll gives only ids).
  await browser.sw.evaluate(() => {
    self.__notes = [];
    const create = self.__create || (self.__create = chrome.notifications.create.bind(chrome.notifications));
    chrome.notifications.create = (id, options) => { self.__notes.push(options.message); return create(id, options); };
  });
  const { page, win } = await confirmInvite();
  await waitFor(async () => (await fake.calls()).inserts.length === 1, { what: 'insert sent' });
  await win.close({ runBeforeUnload: true });
  const notes = await waitFor(async () => {
    const shown = await browser.sw.evaluate(() => self.__notes);
    return shown.length ? shown : null;
  }, { what: 'a notification', timeout: 30_000 });
  await madeOnce(page);
  const [event] = await fake.events();
  assert.deepEqual(notes, [`${message('meetingMadeTyped')}\n${event.hangoutLink}`], 'one notification: made, and typed where the user was');
  assert.match(event.hangoutLink, MEET);
  await page.close();
});
