// The Firefox build (./build.sh --browser firefox), validated with Mozilla's own linter (the
// production form: no Google base, no host permission).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import webExt from 'web-ext';
import { ROOT } from '../harness.js';

const DIR = process.env.MEETLINK_FIREFOX_DIST || join(ROOT, 'target', 'firefox-dist');

// Chrome-only APIs that the code calls only after checking that they exist (src/shell/chrome.rs
// has_function): getAuthToken/removeCachedAuthToken (Firefox signs in with the web flow) and
// offscreen (Firefox's background page writes the clipboard itself).
const EXPECTED_WARNINGS = new Set([
  'offscreen.createDocument is not supported',
  'identity.getAuthToken is not supported',
  'identity.removeCachedAuthToken is not supported',
]);

test('web-ext lint: no errors, and only the warnings for guarded Chrome-only APIs', async () => {
  assert.ok(existsSync(join(DIR, 'manifest.json')), `no Firefox build in ${DIR}`);
  const result = await webExt.cmd.lint({ sourceDir: DIR, output: 'json', boring: true, pretty: false }, { shouldExitProgram: false });
  assert.deepEqual(result.errors.map((e) => `${e.code}: ${e.message}`), []);
  for (const w of result.warnings) assert.ok(EXPECTED_WARNINGS.has(w.message), `unexpected warning ${w.code}: ${w.message} (${w.file})`);
});

test("the Firefox manifest is Firefox's form", () => {
  const m = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8'));
  assert.deepEqual(m.background, { scripts: ['background.js'], type: 'module' });
  assert.match(m.browser_specific_settings.gecko.id, /@/);
  assert.ok(!m.permissions.includes('offscreen'));
  assert.equal(m.oauth2, undefined);
  assert.equal(m.key, undefined);
  assert.equal(m.content_security_policy.extension_pages, "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'");
});
