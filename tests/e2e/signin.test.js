// Sign-in in every browser and for every account: getAuthToken where it works, the web flow
// (launchWebAuthFlow against the fake Google's authorization endpoint) where it does not, or when
// the user picks another account.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fake, stubIdentity, identityCalls, openPopup, createFromPopup, message, waitFor, suite, orphanRecord, TOKEN } from './harness.js';

const MEET = /^https:\/\/meet\.google\.com\/[a-z]{3}-[a-z]{4}-[a-z]{3}$/;
const CAL = 'https://www.googleapis.com/auth/calendar.events.owned';
let browser;
suite({
  onLaunch: (b) => { browser = b; },
  beforeEachTest: (b) => b.sw.evaluate(async () => {
    await chrome.storage.session.remove(['webSession', 'lastLink']);
    await chrome.storage.local.remove('account');
  }),
});

const authRequests = async () => (await fake.log()).filter((r) => r.path === '/o/oauth2/v2/auth');

/** Makes getAuthToken fail as it does where it is not available. */
async function unavailable(how) {
  if (how === 'missing') {
    await stubIdentity(browser.sw);
    await browser.sw.evaluate(() => { delete chrome.identity.getAuthToken; chrome.identity.getAuthToken = undefined; });
  } else {
    await stubIdentity(browser.sw, { reject: how });
  }
}

for (const reason of [
  'The user turned off browser signin',
  'This API is not supported on Microsoft Edge. For more details, see extensions API documentation https://go.microsoft.com/fwlink/?linkid=2186907',
  'Identity API is disabled in incognito windows.',
  'Invalid OAuth2 Client ID.',
  'missing',
]) {
  test(`getAuthToken unavailable (${reason === 'missing' ? 'no such function' : reason}) → web flow → link`, async () => {
    await unavailable(reason);
    const page = await openPopup(browser);
    const r = await createFromPopup(page);
    assert.equal(r.problem, null, r.problem);
    assert.match(r.link, MEET);
    const [auth] = await authRequests();
    assert.ok(auth, 'the web flow ran');
    const q = auth.query;
    assert.equal(q.response_type, 'token');
    assert.equal(q.client_id, 'fake-web-client.apps.googleusercontent.com');
    assert.equal(q.redirect_uri, `https://${browser.id}.chromiumapp.org/`);
    assert.deepEqual(q.scope.split(' '), [CAL, 'openid', 'email']);
    assert.match(q.state, /^[0-9a-f]{32}$/);
    assert.equal(q.prompt, undefined);
    const { inserts } = await fake.calls();
    assert.equal(inserts.length, 1);
    assert.match(inserts[0].token, /^ya29\./);
    assert.notEqual(inserts[0].token, TOKEN, 'the web-flow token, not a stub');
    // The token lives in storage.session only.
    const local = JSON.stringify(await browser.sw.evaluate(() => chrome.storage.local.get(null)));
    assert.ok(!local.includes(inserts[0].token), 'not in storage.local');
    const session = await browser.sw.evaluate(() => chrome.storage.session.get('webSession'));
    assert.equal(session.webSession.token, inserts[0].token);
    assert.equal(session.webSession.email, 'me@example.com');
    const label = message('accountWeb', 'me@example.com');
    await waitFor(async () => (await page.locator('#account-label').textContent()) === label, { what: `the account shown (${label})` });
    // A second link reuses the session: no second sign-in.
    await createFromPopup(page);
    assert.equal((await authRequests()).length, 1);
    await page.close();
  });
}

test('getAuthToken works → no web flow', async () => {
  await stubIdentity(browser.sw);
  const page = await openPopup(browser);
  const r = await createFromPopup(page);
  assert.match(r.link, MEET);
  assert.equal((await authRequests()).length, 0);
  assert.equal(await page.locator('#account-label').textContent(), message('accountChrome'));
  await page.close();
});

test('"Use another account" sends prompt=select_account, and then every link uses that account', async () => {
  await stubIdentity(browser.sw); // getAuthToken works, but the user wants another account
  await fake.config({ auth: { email: 'other@example.com' } });
  const page = await openPopup(browser);
  await page.getByRole('button', { name: 'Use another account' }).click();
  await waitFor(async () => (await page.locator('#account-label').textContent()).includes('other@example.com'), { what: 'account shown' });
  const chromeCalls = (await identityCalls(browser.sw)).get.length;
  const [auth] = await authRequests();
  assert.equal(auth.query.prompt, 'select_account');
  const r = await createFromPopup(page);
  assert.match(r.link, MEET);
  const { inserts } = await fake.calls();
  assert.notEqual(inserts[0].token, TOKEN, 'not the Chrome profile token');
  assert.equal((await identityCalls(browser.sw)).get.length, chromeCalls, 'getAuthToken no longer used');
  // The history names the account the link was made with.
  await waitFor(async () => (await page.locator('#history-list li .meta').first().textContent().catch(() => '')).includes('other@example.com'),
    { what: 'account in the history' });
  await page.close();
});

test('Meet-space source through the web flow: the Meet scope is asked for, then, and its token used', async () => {
  await unavailable('The user turned off browser signin');
  await browser.sw.evaluate(() => chrome.storage.local.set({ settings: { source: 'space', warmLink: false } }));
  const page = await openPopup(browser);
  const r = await createFromPopup(page);
  assert.equal(r.problem, null, r.problem);
  assert.match(r.link, MEET);
  const [auth] = await authRequests();
  assert.deepEqual(auth.query.scope.split(' '), ['https://www.googleapis.com/auth/meetings.space.created', 'openid', 'email']);
  assert.equal(auth.query.include_granted_scopes, 'true');
  const { log, inserts } = await fake.calls();
  assert.equal(inserts.length, 0);
  const create = log.find((q) => q.method === 'POST' && q.path === '/v2/spaces');
  assert.ok(create && /^ya29\./.test(create.token));
  await page.close();
});

test('a tampered state is refused: message, no token used', async () => {
  await unavailable('The user turned off browser signin');
  await fake.config({ auth: { tamper_state: true } });
  const page = await openPopup(browser);
  const r = await createFromPopup(page);
  assert.equal(r.problem, message('problem_signInTampered'));
  assert.equal((await fake.calls()).inserts.length, 0);
  assert.equal((await browser.sw.evaluate(() => chrome.storage.session.get('webSession'))).webSession, undefined);
  await page.close();
});

for (const [error, problem] of [['access_denied', 'signInDeclined'], ['admin_policy_enforced', 'adminBlocked']]) {
  test(`authorization error ${error} → message`, async () => {
    await unavailable('The user turned off browser signin');
    await fake.config({ auth: { error } });
    const page = await openPopup(browser);
    const r = await createFromPopup(page);
    assert.equal(r.problem, message(`problem_${problem}`));
    assert.equal((await fake.calls()).inserts.length, 0);
    await page.close();
  });
}

test('Calendar scope unticked in the web flow → message, no link, no re-prompt without a click', async () => {
  await unavailable('The user turned off browser signin');
  await fake.config({ auth: { granted_scopes: ['openid', 'email'] } });
  const page = await openPopup(browser);
  const r = await createFromPopup(page);
  assert.equal(r.problem, message('problem_scopeRefused'));
  assert.equal((await fake.calls()).inserts.length, 0);
  const prompts = (await authRequests()).length;
  // Background work (a cleanup alarm, a resume) never prompts: here a resume has an action to
  // finish (a record as a stopped worker leaves it), so it does ask for a token — without a page.
  const id = 'b'.repeat(32);
  await orphanRecord(browser.sw, { eventId: id });
  await browser.sw.evaluate(() => meetlink.onWorkerStart());
  const record = await browser.sw.evaluate((id) => chrome.storage.session.get(`inflight.${id}`), id);
  assert.equal(record[`inflight.${id}`]?.resumes, 1, 'the resume ran, and waits for a token it may not prompt for');
  assert.equal((await authRequests()).length, prompts, 'no sign-in page');
  assert.equal((await fake.calls()).inserts.length, 0);
  await browser.sw.evaluate((id) => chrome.storage.session.remove(`inflight.${id}`), id);
  await page.close();
});

test('token about to expire → silent renewal with prompt=none and login_hint', async () => {
  await unavailable('The user turned off browser signin');
  const page = await openPopup(browser);
  await createFromPopup(page);
  await browser.sw.evaluate(async () => {
    const { webSession } = await chrome.storage.session.get('webSession');
    await chrome.storage.session.set({ webSession: { ...webSession, expiresAtMs: Date.now() + 60_000 } });
  });
  const r = await createFromPopup(page);
  assert.match(r.link, MEET);
  const auths = await authRequests();
  assert.equal(auths.length, 2);
  assert.equal(auths[1].query.prompt, 'none');
  assert.equal(auths[1].query.login_hint, 'me@example.com');
  const { inserts } = await fake.calls();
  assert.notEqual(inserts[0].token, inserts[1].token, 'renewed token used');
  await page.close();
});

test('a token with & + % = in it reaches tokeninfo, the Calendar API and revoke intact', async () => {
  const odd = 'ya29.a&b+c%d=e f/g';
  await fake.config({ auth: { token: odd } });
  await unavailable('The user turned off browser signin');
  const page = await openPopup(browser);
  const r = await createFromPopup(page);
  assert.match(r.link, MEET);
  const log = await fake.log();
  const info = log.filter((q) => q.path === '/tokeninfo');
  assert.equal(info.length, 1);
  assert.equal(info[0].body, `access_token=${encodeURIComponent(odd).replace(/%20/g, '+')}`, 'form-encoded');
  // tokeninfo knew the whole token: its e-mail is the account the popup shows.
  await waitFor(async () => (await page.locator('#account-label').textContent()).includes('me@example.com'), { what: 'account shown' });
  assert.equal((await fake.calls()).inserts[0].token, odd);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await waitFor(async () => (await page.locator('#status').textContent()) === message('signedOut'), { what: 'signed out' });
  const revokes = (await fake.log()).filter((q) => q.path === '/revoke');
  assert.equal(revokes.length, 1);
  const status = await fetch(`http://127.0.0.1:${process.env.MEETLINK_FAKE_PORT || 7357}/tokeninfo?access_token=${encodeURIComponent(odd)}`);
  assert.equal(status.status, 400, 'the whole token was revoked');
  await page.close();
});

test('sign out revokes at Google and empties the session', async () => {
  await unavailable('The user turned off browser signin');
  const page = await openPopup(browser);
  await createFromPopup(page);
  const token = (await browser.sw.evaluate(() => chrome.storage.session.get('webSession'))).webSession.token;
  await page.getByRole('button', { name: 'Sign out' }).click();
  await waitFor(async () => (await page.locator('#status').textContent()) === message('signedOut'), { what: 'signed out' });
  const revokes = (await fake.log()).filter((r) => r.path === '/revoke');
  assert.equal(revokes.length, 1);
  const session = await browser.sw.evaluate(() => chrome.storage.session.get(null));
  assert.deepEqual(Object.keys(session).filter((k) => !k.startsWith('inflight.')), [], 'session empty');
  assert.equal((await browser.sw.evaluate(() => chrome.storage.local.get('account'))).account, undefined);
  // The revoked token no longer works at Google.
  const info = await fetch(`http://127.0.0.1:${process.env.MEETLINK_FAKE_PORT || 7357}/tokeninfo?access_token=${token}`);
  assert.equal(info.status, 400);
  assert.equal(await page.locator('#account-label').textContent(), message('accountNone'));
  await page.close();
});

test('a 401 on the web sign-in renews it silently for the same account, without signing the user out', async () => {
  await unavailable('The user turned off browser signin');
  const page = await openPopup(browser);
  const first = await createFromPopup(page);
  assert.match(first.link, MEET);
  await fake.faults({ match: 'insert', status: 401, reason: 'authError' });
  const r = await createFromPopup(page);
  assert.equal(r.problem, null, r.problem);
  assert.match(r.link, MEET);
  const auths = await authRequests();
  assert.equal(auths.length, 2);
  assert.equal(auths[1].query.prompt, 'none', 'no window');
  assert.equal(auths[1].query.login_hint, 'me@example.com');
  const { inserts } = await fake.calls();
  assert.equal(inserts.length, 3);
  assert.notEqual(inserts[2].token, inserts[1].token, 'the renewed token');
  const session = (await browser.sw.evaluate(() => chrome.storage.session.get('webSession'))).webSession;
  assert.equal(session.token, inserts[2].token);
  assert.equal(session.email, 'me@example.com', 'still signed in, as the same account');
  await page.close();
});

test('expires_in near the top of u64 does not make the token expire at once: one sign-in for many links', async () => {
  // 18446744073709552 s is 2^64 ms + 384 ms: wrapped, it expired 384 ms after sign-in.
  await fake.config({ auth: { expires_in: 18446744073709552 } });
  await unavailable('The user turned off browser signin');
  const page = await openPopup(browser);
  for (let i = 0; i < 3; i++) assert.match((await createFromPopup(page)).link, MEET);
  assert.equal((await authRequests()).length, 1, 'signed in once');
  const session = (await browser.sw.evaluate(() => chrome.storage.session.get('webSession'))).webSession;
  assert.ok(session.expiresAtMs > Date.now() + 3600_000, `valid for more than an hour (${session.expiresAtMs})`);
  await page.close();
});

for (const path of ['web', 'chrome']) {
  test(`a token the browser refuses to send (CR/LF) is a sign-in problem, dropped, never "offline" (${path})`, async () => {
    const bad = 'ya29.bad\r\nX-Injected: 1';
    if (path === 'web') {
      await fake.config({ auth: { token: bad } });
      await unavailable('The user turned off browser signin');
    } else {
      await stubIdentity(browser.sw, { tokens: [bad] });
    }
    const page = await openPopup(browser);
    const r = await createFromPopup(page);
    assert.equal(r.problem, message('problem_notSignedIn'));
    assert.equal((await fake.calls()).inserts.length, 0, 'nothing sent to Google with it');
    if (path === 'web') {
      assert.equal((await browser.sw.evaluate(() => chrome.storage.session.get('webSession'))).webSession, undefined, 'not kept');
    } else {
      const { removed } = await identityCalls(browser.sw);
      assert.ok(removed.length >= 1 && removed.every((t) => t === bad), "dropped from Chrome's cache");
      // Once Chrome has a good token, the next click makes a link.
      await stubIdentity(browser.sw);
      assert.match((await createFromPopup(page)).link, MEET);
    }
    await page.close();
  });
}

test('sign out (Chrome path) revokes and uncaches the Meet-scope token as well as the Calendar one', async () => {
  const MEET_SCOPE = 'https://www.googleapis.com/auth/meetings.space.created';
  const tokens = { [CAL]: 'ya29.calendar-token', [MEET_SCOPE]: 'ya29.meet-token' };
  for (const [scope, token] of Object.entries(tokens)) {
    await fetch(`http://127.0.0.1:${process.env.MEETLINK_FAKE_PORT || 7357}/_fake/tokens`, { method: 'POST', body: JSON.stringify({ token, scopes: [scope] }) });
  }
  await stubIdentity(browser.sw, { byScope: tokens });
  const page = await openPopup(browser);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await waitFor(async () => (await page.locator('#status').textContent()) === message('signedOut'), { what: 'signed out' });
  const revoked = (await fake.log()).filter((r) => r.path === '/revoke').map((r) => decodeURIComponent(r.body.replace(/^token=/, '')));
  assert.deepEqual(revoked.sort(), Object.values(tokens).sort());
  assert.deepEqual((await identityCalls(browser.sw)).removed.sort(), Object.values(tokens).sort());
  await page.close();
});
