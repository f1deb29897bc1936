// Admin policy, the way an organisation deploys it on Linux: a JSON file in Chromium's managed
// policy directory (/etc/chromium/policies/managed) with the extension's settings under
// "3rdparty" → "extensions" → <extension id>, read by Chromium at start-up and handed to the
// extension as chrome.storage.managed (validated against managed_schema.json). The extension ID is
// pinned with a manifest `key` generated for this test. Writing there needs root, which the test
// machine has (build.sh test runs as root in CI); the file is removed afterwards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, createHash } from 'node:crypto';
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import {
  fake, launch, variant, stubIdentity, openPopup, createFromPopup, openOptions, settingsOf, waitFor, axeViolations, MEET,
} from './harness.js';

const POLICY_DIR = '/etc/chromium/policies/managed';
const POLICY = `${POLICY_DIR}/meetlink-e2e.json`;

const der = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' });
const ID = [...createHash('sha256').update(der).digest('hex').slice(0, 32)].map((c) => 'abcdefghijklmnop'[parseInt(c, 16)]).join('');
const dist = variant((m) => { m.key = der.toString('base64'); });

let browser;
before(async () => {
  mkdirSync(POLICY_DIR, { recursive: true });
  writeFileSync(POLICY, JSON.stringify({
    '3rdparty': { extensions: { [ID]: {
      title: 'Acme meeting', durationMinutes: 60, template: 'markdown', warmLink: false,
      siteRules: [{ site: 'corp.example', format: 'sentence', dialIn: true }], dialIn: true,
      locked: ['title', 'warmLink', 'siteRules'],
    } } },
  }));
  await fake.start();
  browser = await launch(dist);
  assert.equal(browser.id, ID, 'the key pins the extension id');
  await stubIdentity(browser.sw);
});
after(async () => {
  await browser?.close();
  fake.stop();
  rmSync(POLICY, { force: true });
  rmSync(dist, { recursive: true, force: true });
});

test('Chromium hands the policy to the extension as managed storage', async () => {
  const managed = await waitFor(() => browser.sw.evaluate(() => chrome.storage.managed.get().then((m) => (m.title ? m : null))),
    { what: 'managed storage', timeout: 15_000 });
  assert.equal(managed.title, 'Acme meeting');
  assert.deepEqual(managed.locked, ['title', 'warmLink', 'siteRules']);
  assert.deepEqual(managed.siteRules, [{ site: 'corp.example', format: 'sentence', dialIn: true }], 'an array of rules passes the schema');
});

test('managed defaults apply, locked settings override local ones and show as locked', async () => {
  // The user had chosen otherwise before the policy, for a locked and for an unlocked setting.
  await browser.sw.evaluate(() => chrome.storage.local.set({ settings: { title: 'Mine', durationMinutes: 45, warmLink: true } }));
  const page = await openOptions(browser);
  const { settings, locked } = await settingsOf(page);
  assert.deepEqual(locked, ['title', 'warmLink', 'siteRules']);
  assert.equal(settings.title, 'Acme meeting', 'locked: the administrator wins');
  assert.equal(settings.warmLink, false);
  assert.equal(settings.durationMinutes, 45, 'not locked: the user\'s choice wins over the managed default');
  assert.equal(settings.template, 'markdown', 'managed default where the user chose nothing');
  assert.deepEqual(settings.siteRules, [{ site: 'corp.example', format: 'sentence', dialIn: true }], 'the rules an administrator set, not the defaults');
  assert.equal(settings.dialIn, true);
  assert.deepEqual(await page.locator('#rules .rule-site').evaluateAll((els) => els.map((e) => [e.value, e.disabled])), [['corp.example', true]]);
  assert.equal(await page.getByRole('button', { name: 'Add a site' }).isDisabled(), true, 'a locked list cannot grow');

  assert.equal(await page.locator('#title').isDisabled(), true);
  assert.equal(await page.locator('#warmLink').isDisabled(), true);
  assert.equal(await page.locator('#durationMinutes').isDisabled(), false);
  assert.equal(await page.locator('#managed-note').isVisible(), true);
  // The lock is said to screen readers too.
  const described = await page.locator('#title').getAttribute('aria-describedby');
  assert.equal(await page.locator(`#${described}`).textContent(), 'Set by your administrator.');
  assert.deepEqual(await axeViolations(page), [], 'locked controls are accessible too');

  // A changed page (or a hostile one) cannot unlock: the worker does not take locked values.
  const answer = await page.evaluate(() => chrome.runtime.sendMessage({ type: 'saveSettings',
    changes: { title: 'Hacked', warmLink: true, siteRules: [{ site: 'evil.example', format: 'rich' }] } }));
  assert.equal(answer.settings.title, 'Acme meeting');
  assert.equal(answer.settings.siteRules[0].site, 'corp.example');
  assert.equal(answer.settings.warmLink, false);
  await page.close();

  const popup = await openPopup(browser);
  const r = await createFromPopup(popup);
  assert.match(r.link, MEET);
  const { inserts } = await fake.calls();
  assert.equal(inserts.at(-1).body.summary, 'Acme meeting', 'the request carries the managed title');
  assert.equal(Date.parse(inserts.at(-1).body.end.dateTime) - Date.parse(inserts.at(-1).body.start.dateTime), 45 * 60_000);
  await popup.close();
});

test('a policy changed while the browser runs is kept at once and reaches the next link (storage.onChanged)', { timeout: 90_000 }, async () => {
  // MeetLink reads the policy it kept, not managed storage, on a trigger's path (issue 17): the
  // browser's change event is what brings a new policy in.
  const keptPolicy = () => browser.sw.evaluate(() => chrome.storage.local.get('managedPolicy').then((s) => s.managedPolicy ?? null));
  assert.equal((await waitFor(keptPolicy, { what: 'the policy kept' })).title, 'Acme meeting');
  writeFileSync(POLICY, JSON.stringify({
    '3rdparty': { extensions: { [ID]: { title: 'Acme weekly', locked: ['title'] } } },
  }));
  // Chromium notices a changed policy file by itself (a file watcher, then a settle delay of seconds).
  await waitFor(async () => (await keptPolicy())?.title === 'Acme weekly', { what: 'the new policy kept', timeout: 60_000 });
  assert.deepEqual(await keptPolicy(), { title: 'Acme weekly', locked: ['title'] });
  const popup = await openPopup(browser);
  const r = await createFromPopup(popup);
  assert.match(r.link, MEET);
  const { inserts } = await fake.calls();
  assert.equal(inserts.at(-1).body.summary, 'Acme weekly');
  await popup.close();
});
