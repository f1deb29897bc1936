// The first link after the browser starts (issue 17): nothing slow on the trigger's path. The
// administrator's policy is the last one read (kept in storage.local, read again in the background);
// at the browser's start a web sign-in is renewed without any page for the account kept, and a link
// is made ahead. (Chromium fires runtime.onInstalled, not onStartup, for an extension given by
// --load-extension, so a restart is its effect on storage — storage.session emptied — followed by
// the onStartup entry point the listener calls.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  suite, fake, stubIdentity, openPopup, createFromPopup, openPage, waitFor, allDeleted, MEET,
} from './harness.js';

let browser;
let startRead;
suite({
  warm: true,
  withPages: true,
  onLaunch: (b) => { browser = b; },
  beforeEachTest: async (b) => {
    // The worker's start reads the policy in the background, 3–5 s in a browser that has just
    // started: let that read land (and keep its answer) before any test plants or clears one.
    startRead ??= waitFor(() => b.sw.evaluate(() => chrome.storage.local.get('managedPolicy').then((s) => 'managedPolicy' in s)),
      { what: "the worker start's policy read" });
    await startRead;
    await b.sw.evaluate(async () => {
      self.__managedGet ??= chrome.storage.managed.get.bind(chrome.storage.managed);
      chrome.storage.managed.get = self.__managedGet;
      await chrome.storage.local.clear();
      await chrome.storage.session.clear();
    });
  },
});

const kept = () => browser.sw.evaluate(() => chrome.storage.local.get('managedPolicy').then((s) => s.managedPolicy ?? null));
const authRequests = async () => (await fake.log()).filter((r) => r.path === '/o/oauth2/v2/auth');

/** Managed storage answers `policy` after `ms` (never, for `ms` = null); calls are counted. */
const stubManaged = (policy, ms) => browser.sw.evaluate(([policy, ms]) => {
  self.__managedCalls = 0;
  chrome.storage.managed.get = () => {
    self.__managedCalls++;
    return ms === null ? new Promise(() => {}) : new Promise((r) => setTimeout(() => r(policy), ms));
  };
}, [policy, ms]);

test('a trigger does not wait for managed storage: the policy kept from the last read applies, locks included', async () => {
  await browser.sw.evaluate(() => chrome.storage.local.set({
    settings: { title: 'Mine', warmLink: false },
    managedPolicy: { title: 'Kept policy', locked: ['title'] },
  }));
  await stubManaged({}, null); // as slow as it is in a browser that has just started, and slower
  const r = await createFromPopup(await openPopup(browser), { timeout: 10_000 });
  assert.equal(r.problem, null, r.problem);
  assert.match(r.link, MEET);
  const { inserts } = await fake.calls();
  assert.equal(inserts.length, 1);
  assert.equal(inserts[0].body.summary, 'Kept policy', 'the locked title of the policy kept');
});

test('no policy ever read: the first action reads it, waits for it and keeps it', async () => {
  await browser.sw.evaluate(() => chrome.storage.local.set({ settings: { title: 'Mine', warmLink: false } }));
  await stubManaged({ title: 'Slow policy', locked: ['title'] }, 1500);
  const t0 = Date.now();
  const r = await createFromPopup(await openPopup(browser)); // the popup's account waits too
  assert.equal(r.problem, null, r.problem);
  assert.ok(Date.now() - t0 >= 1500, `waited for the policy (${Date.now() - t0} ms)`);
  const { inserts } = await fake.calls();
  assert.equal(inserts[0].body.summary, 'Slow policy');
  assert.deepEqual(await kept(), { title: 'Slow policy', locked: ['title'] });
});

test('the kept policy is read again at every worker start and when the browser says it changed', async () => {
  await browser.sw.evaluate(() => chrome.storage.local.set({ managedPolicy: { title: 'Old', locked: ['title'] } }));
  await stubManaged({ title: 'New' }, 0);
  await browser.sw.evaluate(() => meetlink.onWorkerStart());
  await waitFor(async () => (await kept())?.title === 'New', { what: 'the policy read at the worker start' });
  assert.deepEqual(await kept(), { title: 'New' });
  await stubManaged({}, 0); // the administrator removed it
  await browser.sw.evaluate(() => meetlink.onManagedChanged());
  assert.deepEqual(await kept(), {});
  // A kept policy that does not read is as none kept: read again.
  await browser.sw.evaluate(() => chrome.storage.local.set({ managedPolicy: { durationMinutes: 'long' } }));
  await stubManaged({ title: 'Read again' }, 0);
  const page = await openPopup(browser);
  const settings = await page.evaluate(() => chrome.runtime.sendMessage({ type: 'getSettings' }));
  assert.equal(settings.settings.title, 'Read again');
  assert.deepEqual(await kept(), { title: 'Read again' });
});

/**
 * The web flow only (as in Chromium, Edge, Firefox), signed in once through the popup, with
 * `warmLink` as the setting after (off while signing in: nothing is being made ahead at the restart).
 */
async function webSignedIn({ warmLink = true } = {}) {
  await browser.sw.evaluate(() => chrome.storage.local.set({ settings: { warmLink: false } }));
  await stubIdentity(browser.sw);
  await browser.sw.evaluate(() => { chrome.identity.getAuthToken = undefined; });
  const r = await createFromPopup(await openPopup(browser));
  assert.equal(r.problem, null, r.problem);
  const { account } = await browser.sw.evaluate(() => chrome.storage.local.get('account'));
  assert.deepEqual(account, { web: false, email: 'me@example.com' }, 'the account is kept, no token');
  await allDeleted();
  await browser.sw.evaluate((warmLink) => chrome.storage.local.set({ settings: { warmLink } }), warmLink);
}

/** The browser restarts: storage.session is emptied (the web token, the warm link with it). */
async function restart() {
  await browser.sw.evaluate(() => chrome.storage.session.clear());
  await fake.reset();
}

for (const [name, start] of [
  ['the browser starts', () => meetlink.onStartup()],
  ['the extension is updated', () => meetlink.onInstalled({ reason: 'update' })],
]) {
  test(`${name}: the web sign-in is renewed without any page for the account kept, and the first link is ready before the first trigger`, async () => {
    await webSignedIn();
    await restart();
    await browser.sw.evaluate(start);
    const warm = await waitFor(() => browser.sw.evaluate(() => chrome.storage.session.get('warmLink').then((s) => s.warmLink)), { what: 'a link made ahead' });
    const auth = await authRequests();
    assert.equal(auth.length, 1);
    assert.equal(auth[0].query.prompt, 'none', 'no page');
    assert.equal(auth[0].query.login_hint, 'me@example.com');
    await allDeleted();
    const { page, tabId } = await openPage(browser, 'textarea.html');
    await page.locator('#field').click();
    await browser.sw.evaluate((tabId) => meetlink.onCommand('insert-meet-link', { id: tabId }), tabId);
    // The link made ahead, typed: the trigger made none (the next one is made ahead after it).
    await waitFor(async () => (await page.locator('#field').inputValue()).includes(warm.url), { what: 'the link made ahead typed' });
    assert.equal((await authRequests()).length, 1, 'the trigger asked for no token');
    await page.close();
  });
}

test('after a restart the popup shows the account kept, even when Google will ask for it again', async () => {
  await webSignedIn();
  await restart();
  await fake.config({ auth: { prompt_none_error: 'interaction_required' } });
  const popup = await openPopup(browser);
  const state = await popup.evaluate(() => chrome.runtime.sendMessage({ type: 'getState' }));
  assert.deepEqual(state.account, { via: 'web', email: 'me@example.com' });
  assert.match(await popup.locator('#account-label').textContent(), /me@example\.com/);
  await popup.close();
});

test("the account kept is not shown where Chrome's own sign-in is the path and says no", async () => {
  await webSignedIn();
  await restart();
  // getAuthToken answers again, and says the browser is not signed in: links would not come from
  // the web flow, so the web account is not shown as the one links are made with.
  await stubIdentity(browser.sw, { reject: 'The user is not signed in.' });
  const popup = await openPopup(browser);
  const state = await popup.evaluate(() => chrome.runtime.sendMessage({ type: 'getState' }));
  assert.equal(state.account, null);
  await popup.close();
});

test('a fresh install asks for no token: nothing made ahead', async () => {
  await webSignedIn();
  await restart();
  await browser.sw.evaluate(() => meetlink.onInstalled({ reason: 'install' }));
  assert.deepEqual(await authRequests(), []);
  assert.equal((await fake.calls()).inserts.length, 0);
});

test('a trigger while the start-up sign-in is under way waits for it: one sign-in, not two', async () => {
  await webSignedIn({ warmLink: false });
  await restart();
  await fake.reset({ latency_ms: 300 }); // the two overlap for certain
  const { page, tabId } = await openPage(browser, 'textarea.html');
  await page.locator('#field').click();
  await browser.sw.evaluate((tabId) => {
    meetlink.onStartup();
    meetlink.onCommand('insert-meet-link', { id: tabId });
  }, tabId);
  await waitFor(async () => MEET.test(await page.locator('#field').inputValue()), { what: 'the link typed' });
  assert.equal((await authRequests()).length, 1);
  assert.equal((await fake.calls()).inserts.length, 1);
  await page.close();
});

test('a trigger while the start-up link is being made waits for it: that link typed, no second event made for it', async () => {
  await webSignedIn();
  await restart();
  await fake.reset({ latency_ms: 300 }); // the trigger comes while the start-up signs in and makes its link
  const { page, tabId } = await openPage(browser, 'textarea.html');
  await page.locator('#field').click();
  await page.evaluate(() => {
    window.typedAt = new Promise((r) => document.getElementById('field').addEventListener('input', () => r(Date.now()), { once: true }));
  });
  await browser.sw.evaluate((tabId) => {
    meetlink.onStartup();
    meetlink.onCommand('insert-meet-link', { id: tabId });
  }, tabId);
  await waitFor(async () => MEET.test(await page.locator('#field').inputValue()), { what: 'the link typed' });
  const typedAt = await page.evaluate(() => window.typedAt);
  // Every insert that reached Google before the link was typed (the one after it is the next link
  // made ahead): only the start-up's, and its link is the one typed.
  const before = (await fake.calls()).inserts.filter((r) => r.t * 1000 < typedAt);
  assert.equal(before.length, 1, 'one event made before the link was typed');
  const made = (await fake.events()).find((e) => e.id === before[0].body.id);
  assert.ok((await page.locator('#field').inputValue()).includes(made.hangoutLink), 'the start-up link typed');
  assert.equal((await authRequests()).length, 1);
  await waitFor(() => browser.sw.evaluate(() => chrome.storage.session.get('warmLink').then((s) => s.warmLink)), { what: 'the next link made ahead' });
  await allDeleted();
  await page.close();
});

test('sign-out forgets the account: the next start asks for no token and the popup shows no account', async () => {
  await webSignedIn();
  const popup = await openPopup(browser);
  await popup.getByRole('button', { name: 'Sign out' }).click();
  await waitFor(() => browser.sw.evaluate(() => chrome.storage.local.get('account').then((s) => s.account === undefined)), { what: 'the account forgotten' });
  await restart();
  await browser.sw.evaluate(() => meetlink.onStartup());
  assert.deepEqual(await authRequests(), []);
  const state = await popup.evaluate(() => chrome.runtime.sendMessage({ type: 'getState' }));
  assert.equal(state.account, null);
  await popup.close();
});
