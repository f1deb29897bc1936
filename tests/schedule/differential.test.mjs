// The schedule corpus read by a peer: chrono-node (pinned in tests/e2e/package.json, test-only), the
// most used date parser on npm, reads every phrase of tests/schedule/corpus.tsv at the corpus's "now"
// (Wednesday 2026-12-02 10:00 in Europe/Berlin; run with TZ=Europe/Berlin). Every phrase where both
// answer with a time and the times differ is listed; each must carry the corpus's fifth column,
// "≠chrono: why", saying the reading MeetLink gives was decided against chrono's — and a row that
// carries it must still disagree, so the list stays the real one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../e2e/package.json', import.meta.url));
const chrono = require('chrono-node');
const { version } = JSON.parse(readFileSync(new URL('../e2e/node_modules/chrono-node/package.json', import.meta.url), 'utf8'));

const ZONE = 'Europe/Berlin';
const NOW = new Date('2026-12-02T09:00:00Z'); // 10:00 in Berlin

/** The UTC offset of `zone` at `date`, minutes (from Intl's "GMT+05:30"). */
function offsetAt(zone, date) {
  if (zone === 'UTC') return 0;
  const fixed = /^UTC([+-])(\d\d):(\d\d)$/.exec(zone);
  if (fixed) return (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3]));
  const name = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
    .formatToParts(date).find((p) => p.type === 'timeZoneName').value;
  const m = /GMT(?:([+-])(\d\d):(\d\d))?/.exec(name);
  return m[1] ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

/** The instant a corpus reading names ("2026-12-03 15:00 [±HH:MM] [+N] [@Zone]"), or null. */
function instantOf(expected) {
  const m = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d)(?: ([+-]\d\d):(\d\d))?(?: \+\d+)?(?: @(\S+))?$/.exec(expected);
  if (!m) return null;
  const [, y, mo, d, h, mi, oh, om, named] = m;
  const wall = Date.UTC(+y, +mo - 1, +d, +h, +mi);
  if (oh) return new Date(wall - (Number(oh) * 60 + Math.sign(Number(oh) || 1) * Number(om)) * 60000);
  const zone = named || ZONE;
  // The offset at the wall time read as UTC, then once more at the instant found (enough off a clock change).
  let at = new Date(wall - offsetAt(zone, new Date(wall)) * 60000);
  at = new Date(wall - offsetAt(zone, at) * 60000);
  return at;
}

const PARSERS = { en: chrono.casual, de: chrono.de.casual, fr: chrono.fr.casual, es: chrono.es.casual, ja: chrono.ja.casual };

/** chrono's answer: the first result's start when it is certain of the hour, else null. */
function chronoReads(lang, phrase) {
  const [first] = PARSERS[lang].parse(phrase, NOW, { forwardDate: true });
  if (!first || !first.start.isCertain('hour')) return null;
  return first.start.date();
}

const rows = readFileSync(new URL('corpus.tsv', import.meta.url), 'utf8').split('\n')
  .map((line, i) => ({ line: i + 1, f: line.split('\t') }))
  .filter(({ f }) => f.length >= 4 && !f[0].startsWith('#'))
  .map(({ line, f }) => ({ line, lang: f[0], phrase: f[1], expected: f[2].split(' ; ')[0], note: f[4] || '' }));

test(`chrono-node ${version} on the schedule corpus: every disagreement is one MeetLink decided`, () => {
  assert.equal(process.env.TZ, ZONE, 'run with TZ=Europe/Berlin: chrono reads local times in the process zone');
  assert.ok(rows.length >= 400, `the corpus has ${rows.length} rows`);
  const counts = { both: 0, agree: 0, disagree: 0, weRefuseChronoReads: 0, weReadChronoRefuses: 0, bothRefuse: 0 };
  const unexplained = [];
  const stale = [];
  for (const row of rows) {
    const ours = row.expected.startsWith('!') ? null : instantOf(row.expected);
    assert.ok(row.expected.startsWith('!') || ours, `line ${row.line}: ${row.expected} is a reading`);
    const theirs = chronoReads(row.lang, row.phrase);
    const marked = row.note.startsWith('≠chrono');
    let differs = false;
    if (ours && theirs) {
      counts.both++;
      differs = ours.getTime() !== theirs.getTime();
      counts[differs ? 'disagree' : 'agree']++;
      if (differs) {
        const line = `line ${row.line} [${row.lang}] ${JSON.stringify(row.phrase)}: MeetLink ${row.expected}, chrono ${theirs.toISOString()}`;
        console.log(`≠ ${line}${marked ? ` — ${row.note}` : ''}`);
        if (!marked) unexplained.push(line);
      }
    } else if (theirs) counts.weRefuseChronoReads++;
    else if (ours) counts.weReadChronoRefuses++;
    else counts.bothRefuse++;
    if (marked && !differs) stale.push(`line ${row.line} ${JSON.stringify(row.phrase)} is marked ≠chrono but ${theirs ? 'agrees' : 'chrono gives no time'}`);
  }
  console.log(`chrono-node ${version}: ${rows.length} phrases; both read ${counts.both} (agree ${counts.agree}, disagree ${counts.disagree}); ` +
    `MeetLink refuses where chrono reads ${counts.weRefuseChronoReads}; MeetLink reads where chrono does not ${counts.weReadChronoRefuses}; both refuse ${counts.bothRefuse}`);
  assert.deepEqual(unexplained, [], 'disagreements without a "≠chrono: why" note in the corpus');
  assert.deepEqual(stale, [], '"≠chrono" notes on rows that no longer disagree');
});
