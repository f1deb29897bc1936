// MeetLink in a real Firefox (Debian's Firefox ESR, headless, WebDriver BiDi through puppeteer-core),
// the Firefox build against the fake Google: the web sign-in, the popup, silent renewal, the menu
// item and the shortcut typing into fields, the clipboard fallback, the options and history, and the
// sender check. Firefox names its pages moz-extension://<uuid>, not by the add-on id, and refuses
// Chromium-only launchWebAuthFlow keys: both were broken until this suite ran.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fake, pages, waitFor, MEET } from '../harness.js';
import { launchFirefox, readClipboard, FIREFOX_DIST } from './harness.js';

const LINK = /^https:\/\/meet\.google\.com\/[a-z]{3}-[a-z]{4}-[a-z]{3}$/;

// A second add-on: its page tries to talk to MeetLink.
const OTHER_ID = 'other@meetlink.test';
const other = mkdtempSync(join(tmpdir(), 'meetlink-other-addon-'));
writeFileSync(join(other, 'manifest.json'), JSON.stringify({
  manifest_version: 3, name: 'Other', version: '1.0',
  browser_specific_settings: { gecko: { id: OTHER_ID } },
}));
writeFileSync(join(other, 'page.html'), '<!doctype html><meta charset="utf-8"><title>other</title>');

let ff;
before(async () => {
  await Promise.all([fake.start(), pages.start()]);
  ff = await launchFirefox([FIREFOX_DIST, other]);
});
after(async () => {
  await ff?.close();
  fake.stop();
  pages.stop();
  rmSync(other, { recursive: true, force: true });
});
beforeEach(async () => {
  await fake.reset();
  // Signed out, no history, nothing made ahead (the tests count requests).
  await ff.bg(async (bg) => {
    await bg.chrome.storage.session.clear();
    await bg.chrome.storage.local.clear();
    await bg.chrome.storage.local.set({ settings: { warmLink: false } });
  });
});

const authRequests = async () => (await fake.log()).filter((r) => r.path === '/o/oauth2/v2/auth');

/** Opens the popup in a tab, clicks "Create Meet link"; returns {popup, link, problem, status}. */
async function popupClick(popup) {
  popup ??= await ff.open('popup.html');
  await waitFor(() => popup.evaluate(() => performance.getEntriesByName('meetlink-popup-ready').length > 0), { what: 'the popup ready' });
  const before = await popup.evaluate(() => document.getElementById('link').href);
  await popup.evaluate(() => document.getElementById('create').click());
  await waitFor(() => popup.evaluate((before) => {
    const busy = document.getElementById('create').disabled;
    const shown = !document.getElementById('result').hidden && document.getElementById('link').href !== before;
    return !busy && (shown || !document.getElementById('problem').hidden);
  }, before), { what: 'a link or a problem in the popup', timeout: 40_000 });
  return {
    popup,
    ...(await popup.evaluate(() => ({
      link: document.getElementById('result').hidden ? null : document.getElementById('link').href,
      problem: document.getElementById('problem').hidden ? null : document.getElementById('problem').textContent,
      status: document.getElementById('status').textContent,
    }))),
  };
}

/** Waits until the popup names `email` as the account (it asks again after a link: a sign-in). */
const showsAccount = (popup, email) => waitFor(
  () => popup.evaluate((email) => document.getElementById('account-label').textContent.includes(email), email),
  { what: `the popup naming ${email}` });

/** Signs in through the popup's first link; returns that link. */
async function signedIn() {
  const r = await popupClick();
  assert.equal(r.problem, null, r.problem);
  await r.popup.close();
  return r.link;
}

test('popup: the first link signs in by the web flow, is shown and copied; the second needs no sign-in', async () => {
  const first = await popupClick();
  assert.equal(first.problem, null, first.problem);
  assert.match(first.link, LINK);
  assert.equal(first.status, 'Link copied to the clipboard.');
  assert.equal(await readClipboard(ff), first.link);
  const [auth] = await authRequests();
  assert.match(auth.query.redirect_uri, /^https:\/\/[0-9a-f]{40}\.extensions\.allizom\.org\/$/, "Firefox's redirect URL");
  assert.equal(auth.query.client_id, 'fake-web-client.apps.googleusercontent.com');
  assert.equal(auth.query.prompt, undefined);
  await showsAccount(first.popup, 'me@example.com');

  const second = await popupClick(first.popup);
  assert.equal(second.problem, null, second.problem);
  assert.match(second.link, LINK);
  assert.notEqual(second.link, first.link);
  assert.equal((await authRequests()).length, 1, 'no second sign-in');
  const { inserts } = await fake.calls();
  assert.equal(inserts.length, 2);
  // The token is the web flow's, kept in storage.session only.
  assert.ok(!JSON.stringify(await ff.bg((bg) => bg.chrome.storage.local.get(null))).includes(inserts[0].token));
  await first.popup.close();
});

test('silent renewal (interactive: false, prompt=none): after the token expires, and after a 401', async () => {
  await fake.config({ auth: { expires_in: 60 } }); // inside the 5-minute renewal margin at once
  // Every launchWebAuthFlow call, as Firefox gets it. (The fake redirects at once, so even an
  // interactive flow shows no window here: what keeps a renewal windowless is `interactive: false`.)
  await ff.bg((bg) => {
    bg.__flows = [];
    const launch = bg.__launch ??= bg.chrome.identity.launchWebAuthFlow;
    bg.chrome.identity.launchWebAuthFlow = (details) => {
      bg.__flows.push({ interactive: details.interactive, keys: Object.keys(details).sort() });
      return launch(details);
    };
  });
  await signedIn();
  const expired = await popupClick();
  assert.equal(expired.problem, null, expired.problem);
  let auth = await authRequests();
  assert.equal(auth.length, 2);
  assert.equal(auth[1].query.prompt, 'none', 'renewed without any page');
  assert.equal(auth[1].query.login_hint, 'me@example.com');
  await expired.popup.close();
  assert.deepEqual(await ff.bg((bg) => bg.__flows), [
    { interactive: true, keys: ['interactive', 'url'] },
    { interactive: false, keys: ['interactive', 'url'] }, // no Chromium-only keys: Firefox refuses them
  ], 'the sign-in may show a page, the renewal may not');

  await fake.config({ auth: { expires_in: 3599 } });
  await signedIn();
  await fake.faults({ match: 'insert', status: 401, reason: 'authError' });
  const before = (await authRequests()).length;
  const renewed = await popupClick();
  assert.equal(renewed.problem, null, renewed.problem);
  assert.match(renewed.link, LINK);
  auth = await authRequests();
  assert.equal(auth.length, before + 1);
  assert.equal(auth.at(-1).query.prompt, 'none');
  assert.equal((await ff.bg((bg) => bg.__flows)).at(-1).interactive, false);
  await showsAccount(renewed.popup, 'me@example.com'); // still signed in as the same account
  await renewed.popup.close();
});

test('the context-menu item exists (menus)', async () => {
  assert.equal(await ff.bg((bg) => bg.chrome.contextMenus.update('insert-meet-link', {}).then(() => true, () => false)), true);
  assert.equal(await ff.bg((bg) => bg.chrome.contextMenus.update('no-such-item', {}).then(() => true, () => false)), false);
});

for (const trigger of ['menu', 'shortcut']) {
  for (const fixture of ['textarea.html', 'contenteditable.html']) {
    test(`${trigger}: the link is typed at the caret of a ${fixture.replace('.html', '')}`, async () => {
      await signedIn();
      const { page, tabId } = await ff.openWeb(fixture);
      // The caret after "Hello " in the textarea (a space either side: none added); at the end of
      // the contenteditable (after "world": a space before the link).
      const caret = fixture === 'textarea.html' ? 6 : 'end';
      await page.$eval('#field', (f, caret) => {
        f.focus();
        if (caret !== 'end') f.setSelectionRange(caret, caret);
        else { getSelection().selectAllChildren(f); getSelection().collapseToEnd(); }
      }, caret);
      await ff.bg((bg, { trigger, tabId }) => (trigger === 'menu'
        ? bg.meetlink.onMenuClicked({ menuItemId: 'insert-meet-link', frameId: 0 }, { id: tabId })
        : bg.meetlink.onCommand('insert-meet-link', { id: tabId })), { trigger, tabId });
      const text = await waitFor(async () => {
        const t = await page.$eval('#field', (f) => f.value ?? f.textContent);
        return MEET.test(t) ? t : null;
      }, { what: 'the link typed' });
      const link = text.match(MEET)[0];
      assert.equal(text, caret === 'end' ? `Hello  world ${link}` : `Hello ${link} world`, 'once, at the caret, spaced, the text around it intact');
      const { inserts } = await fake.calls();
      assert.equal(inserts.length, 2, "the popup's link and this one");
      await page.close();
    });
  }
}

test('shortcut with no field focused: the link is copied and the user told', async () => {
  await signedIn();
  const { page, tabId } = await ff.openWeb('textarea.html');
  await page.evaluate(() => document.activeElement?.blur());
  // Headless Firefox has no alerts service to show a notification on: record what is asked for.
  await ff.bg((bg) => {
    bg.__notes = [];
    const create = bg.__create ??= bg.chrome.notifications.create;
    bg.chrome.notifications.create = (id, options) => create(id, options).then((r) => { bg.__notes.push({ id: r, message: options.message }); return r; });
  });
  await ff.bg((bg, tabId) => bg.meetlink.onCommand('insert-meet-link', { id: tabId }), tabId);
  const [note] = await waitFor(async () => { const n = await ff.bg((bg) => bg.__notes); return n.length ? n : null; }, { what: 'a notification' });
  const copied = await readClipboard(ff);
  assert.match(copied, LINK);
  assert.ok(note.message.includes(copied), `the notification names the link: ${note.message}`);
  assert.match(await ff.bg((bg, tabId) => bg.chrome.action.getTitle({ tabId }), tabId), /copied/i, "the toolbar button's tooltip says why");
  assert.equal(await page.$eval('#field', (f) => f.value), 'Hello  world', 'nothing typed');
  const { inserts } = await fake.calls();
  assert.equal(inserts.length, 2);
  await page.close();
});

test('a site rule for rich links: a titled link in a contenteditable, text in a textarea; a copy carries text/html', async () => {
  await signedIn();
  await ff.bg((bg) => bg.chrome.storage.local.set({ settings: {
    warmLink: false, title: 'Weekly sync', template: 'rich', siteRules: [{ site: '127.0.0.1', format: 'rich' }] } }));
  const { page, tabId } = await ff.openWeb('contenteditable.html');
  await page.$eval('#field', (f) => { f.focus(); getSelection().selectAllChildren(f); getSelection().collapseToEnd(); });
  await ff.bg((bg, tabId) => bg.meetlink.onCommand('insert-meet-link', { id: tabId }), tabId);
  const anchors = await waitFor(async () => {
    const a = await page.$$eval('#field a', (as) => as.map((a) => ({ href: a.getAttribute('href'), text: a.textContent })));
    return a.length ? a : null;
  }, { what: 'the titled link' });
  assert.equal(anchors.length, 1);
  assert.match(anchors[0].href, LINK);
  assert.equal(anchors[0].text, 'Weekly sync');
  await page.$eval('#other', (f) => f.focus());
  await ff.bg((bg, tabId) => bg.meetlink.onCommand('insert-meet-link', { id: tabId }), tabId);
  const typed = await waitFor(() => page.$eval('#other', (f) => f.value), { what: 'the text typed' });
  assert.match(typed, /^Weekly sync: https:\/\/meet\.google\.com\/[a-z]{3}-[a-z]{4}-[a-z]{3}$/);
  // No field: copied by the background page in the general format (rich here), both types, as a
  // paste into a page reads them.
  await page.evaluate(() => document.activeElement?.blur());
  await ff.bg((bg, tabId) => bg.meetlink.onCommand('insert-meet-link', { id: tabId }), tabId);
  const copied = (await fake.events()).at(-1).hangoutLink;
  await waitFor(async () => (await readClipboard(ff)) === `Weekly sync: ${copied}`, { what: 'the text copied' });
  const pasted = await ff.webTab(pages.url('contenteditable.html'));
  await pasted.$eval('#field', (f) => { f.textContent = ''; f.focus(); });
  await pasted.evaluate(() => document.addEventListener('paste', (e) => { window.__html = e.clipboardData.getData('text/html'); }));
  await pasted.keyboard.down('Control');
  await pasted.keyboard.press('v');
  await pasted.keyboard.up('Control');
  const html = await waitFor(() => pasted.evaluate(() => window.__html), { what: 'a paste' });
  assert.ok(html.includes(`<a href="${copied}">Weekly sync</a>`), html);
  await pasted.close();
  await page.close();
});

test('options: a changed title is what the next link carries; history lists the links, newest first', async () => {
  const options = await ff.open('options.html');
  await waitFor(() => options.evaluate(() => !document.getElementById('title').disabled), { what: 'the options page' });
  await options.$eval('#title', (f) => { f.value = ''; });
  await options.type('#title', 'Firefox review');
  await waitFor(async () => (await ff.bg((bg) => bg.chrome.storage.local.get('settings'))).settings?.title === 'Firefox review', { what: 'the title saved' });
  await options.close();
  const a = await signedIn();
  const r = await popupClick();
  assert.equal(r.problem, null, r.problem);
  const { inserts } = await fake.calls();
  assert.deepEqual(inserts.map((i) => i.body.summary), ['Firefox review', 'Firefox review']);
  const listed = await waitFor(async () => {
    const codes = await r.popup.evaluate(() => [...document.querySelectorAll('#history-list a.code')].map((x) => x.textContent));
    return codes.length === 2 ? codes : null;
  }, { what: 'two links in the history' });
  assert.deepEqual(listed, [r.link, a].map((l) => new URL(l).pathname.slice(1)));
  await r.popup.close();
});

test('the sender check: a web page cannot reach MeetLink, nor can another add-on; a forged sender is refused', async () => {
  const { page } = await ff.openWeb('textarea.html');
  assert.equal(await page.evaluate(() => typeof globalThis.browser === 'undefined' && typeof globalThis.chrome?.runtime?.sendMessage !== 'function'), true);
  await page.close();
  // Another add-on's page, addressing MeetLink by its id: nothing listens for other extensions.
  const otherPage = await ff.open('page.html', ff.uuids[OTHER_ID]);
  const answer = await otherPage.evaluate((id) => browser.runtime.sendMessage(id, { type: 'createLink' }).then((r) => ({ r }), (e) => ({ error: String(e.message) })), ff.id);
  assert.ok(answer.error, `no answer: ${JSON.stringify(answer)}`);
  await otherPage.close();
  // The worker's own check, for senders only a compromised browser would forge.
  const forged = (sender) => ff.bg((bg, sender) => bg.meetlink.onMessage({ type: 'getState' }, sender), sender);
  const otherBase = `moz-extension://${ff.uuids[OTHER_ID]}`;
  assert.deepEqual(await forged({ id: OTHER_ID, origin: otherBase, url: `${otherBase}/page.html` }), { type: 'rejected' });
  assert.deepEqual(await forged({ id: ff.id, origin: otherBase, url: `${otherBase}/page.html` }), { type: 'rejected' });
  assert.deepEqual(await forged({ id: ff.id, origin: 'http://127.0.0.1:7361', url: 'http://127.0.0.1:7361/textarea.html', frameId: 0 }), { type: 'rejected' });
  assert.equal((await forged({ id: ff.id, origin: ff.base, url: `${ff.base}/popup.html` })).type, 'state', 'our own page is answered');
  assert.equal((await fake.log()).length, 0, 'no request reached Google');
});

test('schedule from selected text in Firefox: a zone the text names (Firefox\'s Intl), the confirmation window, an event at the time read, the link typed after the text', async () => {
  await signedIn();
  const { page, tabId } = await ff.openWeb('textarea.html');
  // Next year's 1 July (never stale): 15:30 PDT, UTC-7, is 22:30 UTC.
  const year = new Date().getUTCFullYear() + 1;
  const phrase = `${year}-07-01 3:30pm PT for 45 min`;
  await page.$eval('#field', (f, phrase) => {
    f.value = `See you ${phrase}`;
    f.focus();
    f.setSelectionRange(f.value.length - phrase.length, f.value.length);
  }, phrase);
  const expected = Date.UTC(year, 6, 1, 22, 30);
  const known = new Set(await ff.browser.pages());
  await ff.bg((bg, { tabId, phrase }) => bg.meetlink.onMenuClicked({ menuItemId: 'schedule-meeting', frameId: 0, selectionText: phrase }, { id: tabId }), { tabId, phrase });
  // The confirmation window: the page that was not there before (moz-extension:// pages report no URL).
  const win = await waitFor(async () => (await ff.browser.pages()).find((p) => !known.has(p)), { what: 'the confirmation window' });
  await waitFor(() => win.evaluate(() => !document.getElementById('form').hidden).catch(() => false), { what: 'the draft shown' });
  assert.equal(await win.evaluate(() => document.getElementById('minutes').value), '45');
  assert.match(await win.evaluate(() => document.getElementById('in-zone').textContent), /PT \(America\/Los_Angeles\)/, 'the zone the text named');
  assert.deepEqual(await win.evaluate(() => [...document.querySelectorAll('#phrase mark.read')].map((m) => m.textContent)), [phrase], 'the words read marked');
  await win.evaluate(() => document.getElementById('create').click());
  const text = await waitFor(async () => {
    const t = await page.$eval('#field', (f) => f.value);
    return MEET.test(t) ? t : null;
  }, { what: 'the link typed', timeout: 40_000 });
  const events = (await fake.events()).filter((e) => e.status !== 'cancelled' && !e.attendees && e.transparency === 'opaque');
  assert.equal(events.length, 1, 'one kept event');
  assert.equal(new Date(events[0].start.dateTime).getTime(), expected, 'at the time read: 15:30 in Los Angeles that day');
  assert.equal(text, `See you ${phrase} ${events[0].hangoutLink}`);
  await page.close();
});

test('an invite whose insert Google refuses (503) until the action gives up: the window keeps it, "Try again" makes the one meeting', { timeout: 90_000 }, async () => {
  await signedIn();
  const { page, tabId } = await ff.openWeb('textarea.html');
  await page.$eval('#field', (f) => { f.value = 'Call with ana@example.com'; f.focus(); f.select(); });
  const known = new Set(await ff.browser.pages());
  await ff.bg((bg, tabId) => bg.meetlink.onMenuClicked({ menuItemId: 'invite-meeting', frameId: 0 }, { id: tabId }), tabId);
  const win = await waitFor(async () => (await ff.browser.pages()).find((p) => !known.has(p)), { what: 'the confirmation window' });
  await waitFor(() => win.evaluate(() => !document.getElementById('form').hidden).catch(() => false), { what: 'the draft shown' });
  assert.equal(await win.evaluate(() => document.getElementById('create').disabled), true, 'who gets an e-mail is asked first');
  await fake.faults({ match: 'insert', status: 503, reason: 'backendError', times: -1 });
  await win.evaluate(() => {
    document.getElementById('title').value = 'Sync';
    document.querySelector('input[name=sendUpdates][value=all]').click();
    document.getElementById('create').click();
  });
  const tryAgain = await waitFor(() => win.evaluate(() => {
    const b = document.getElementById('create');
    return !b.disabled && !document.getElementById('problem').hidden ? b.textContent : null;
  }), { what: 'the failure shown', timeout: 60_000 });
  assert.equal(tryAgain, 'Try again');
  assert.equal(await win.evaluate(() => document.getElementById('title').value), 'Sync', 'the edit kept');
  await fake.clearFaults();
  await win.evaluate(() => document.getElementById('create').click());
  const text = await waitFor(async () => {
    const t = await page.$eval('#field', (f) => f.value);
    return MEET.test(t) ? t : null;
  }, { what: 'the link typed', timeout: 40_000 });
  // (The sign-in made a link of its own before: its placeholder is not this meeting.)
  const events = (await fake.events()).filter((e) => e.attendees);
  assert.equal(events.length, 1, 'one event');
  assert.equal(events[0].summary, 'Sync');
  const inserts = (await fake.log()).filter((r) => r.method === 'POST' && /\/events$/.test(r.path) && r.body.attendees);
  assert.ok(inserts.length >= 2, 'refused, then sent again');
  assert.equal(new Set(inserts.map((r) => r.body.id)).size, 1, 'one client id');
  assert.deepEqual((await fake.control('mail')).map((m) => m.to), ['ana@example.com'], 'one invitation');
  assert.ok(text.includes(events[0].hangoutLink));
  await page.close();
});
