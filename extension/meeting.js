// The confirmation of an invite or a scheduled meeting: shows the draft the worker wrote (the
// guests found on the page and where each came from, the time read from the selection), lets the
// user change it, and sends the answer back. Text only (textContent, never HTML); every check is made
// again in the worker (src/meeting.rs), this page only helps the user get it right.
//
// One confirmation is one action (src/shell/meetings.rs): once Create was clicked, the meeting is
// the one confirmed, the form stays as it was sent, and a failure offers "Try again", which runs that
// same action (an insert that landed is found again, never made twice). The window reads where the
// action is from the worker whenever it opens, regains focus or waits — so it learns the outcome
// even when the worker that ran it was stopped.
import { t, localize } from './i18n.js';
import { copyBoth } from './clip.js';

const $ = (id) => document.getElementById(id);
localize();
$('guest').placeholder = t('meetingAddPlaceholder');

const ask = (type, fields = {}) => chrome.runtime.sendMessage({ type, ...fields });
const id = location.hash.slice(1);
const EMAIL = /^[^\s@<>()"',;]{1,64}@[a-z0-9-]+(\.[a-z0-9-]+)+$/i; // a first check; the worker's is the one
const MAX_GUESTS = 50;
const FROM = { to: 'meetingFromTo', cc: 'meetingFromCc', selection: 'meetingFromSelection' };
// While the meeting is being made, where it is is asked again this often, for at most this long
// (an action ends within 50 s; a stopped worker's is resumed when this very question wakes it).
const WATCH_MS = 1000;
const WATCH_FOR_MS = 3 * 60_000;
let guests = []; // {email, from}
let namedZone = null; // {iana, words}: the zone the selected text named
let state = 'open'; // open | making | made | failed
let clip = null;
let watching = null;

function showProblem(text) {
  $('problem').textContent = text || '';
  $('problem').hidden = !text;
}

const chosenUpdates = () => document.querySelector('input[name=sendUpdates]:checked')?.value;

/** Create is for a complete answer: with guests, who gets an e-mail is the user's own choice. */
function syncCreate() {
  const mustChoose = guests.length > 0 && !chosenUpdates();
  $('choose-updates').hidden = !mustChoose || state !== 'open';
  $('create').disabled = state === 'making' || state === 'made' || (state === 'open' && mustChoose);
}

function renderGuests() {
  const list = $('guests');
  list.replaceChildren(...guests.map((g, i) => {
    const li = document.createElement('li');
    const who = Object.assign(document.createElement('span'), { className: 'guest' });
    const email = Object.assign(document.createElement('span'), { className: 'guest-email', textContent: g.email });
    const from = Object.assign(document.createElement('span'), { className: 'guest-from', textContent: t(FROM[g.from] || 'meetingFromYou') });
    who.append(email, from);
    const remove = Object.assign(document.createElement('button'), { type: 'button', className: 'small', textContent: t('meetingRemove') });
    remove.setAttribute('aria-label', t('meetingRemoveGuest', g.email));
    remove.addEventListener('click', () => { guests.splice(i, 1); renderGuests(); });
    li.append(who, remove);
    return li;
  }));
  $('no-guests').hidden = guests.length > 0;
  $('updates').disabled = guests.length === 0;
  syncCreate();
}

function addGuest() {
  const value = $('guest').value.trim();
  if (!value) return;
  if (!EMAIL.test(value)) return showProblem(t('meetingBadGuest', value));
  if (guests.length >= MAX_GUESTS) return showProblem(t('invalid_tooManyGuests'));
  if (!guests.some((g) => g.email.toLowerCase() === value.toLowerCase())) guests.push({ email: value, from: 'you' });
  $('guest').value = '';
  showProblem('');
  renderGuests();
}

function syncNow() {
  $('start').disabled = $('now').checked;
  $('start').required = !$('now').checked;
  syncZone();
}

/** Shows where the action is: the form open for edits, being made, made, or failed ("Try again"). */
function show(action) {
  state = action.state;
  const confirmed = state !== 'open';
  $('edits').disabled = confirmed; // the meeting is the one confirmed: nothing in it changes now
  $('cancel').hidden = state === 'making';
  $('being-made').hidden = state !== 'making';
  $('cancel').textContent = t(state === 'failed' ? 'meetingClose' : 'meetingCancel');
  $('create').textContent = t(state === 'failed' ? 'meetingTryAgain' : 'meetingCreate');
  $('status').textContent = state === 'making' ? t('meetingMaking') : '';
  if (state === 'failed') showProblem(t(`problem_${action.problem || 'unexpected'}`));
  if (state === 'made') {
    clip = action.clip;
    $('form').hidden = true;
    $('done-text').textContent = t(action.typed ? 'meetingTyped' : 'meetingCopied');
    $('link').href = action.link.url;
    $('link').textContent = action.link.url.replace(/^https:\/\//, '');
    $('done').hidden = false;
    // Typed where the user was: back to it. Otherwise the link stays here to copy.
    if (action.typed) window.close();
  }
  syncCreate();
  if (state === 'making') watch(); else stopWatching();
}

/** Asks where the action is until it has ended (bounded), then shows it. */
function watch() {
  if (watching) return;
  const until = Date.now() + WATCH_FOR_MS;
  watching = setInterval(async () => {
    if (Date.now() > until) return stopWatching();
    await refresh();
  }, WATCH_MS);
}
function stopWatching() {
  clearInterval(watching);
  watching = null;
}

/** The worker's record of this draft and its action; shows it unless the form is still open. */
async function refresh() {
  const answer = await ask('getDraft', { id }).catch(() => null);
  if (answer?.type === 'draft' && answer.action.state !== 'open') show(answer.action);
  return answer;
}

function fill({ draft, zone, startLocal }) {
  document.title = $('heading').textContent = t(draft.kind === 'invite' ? 'meetingInviteTitle' : 'meetingScheduleTitle');
  $('start-label').textContent = zone;
  if (draft.phrase) {
    showPhrase(draft);
    $('phrase-row').hidden = false;
  }
  if (draft.refusal) {
    $('refusal').textContent = t(`refusal_${draft.refusal}`, draft.refused?.[0] ?? '');
    $('refusal').hidden = false;
  }
  namedZone = draft.zone || null;
  const sent = draft.confirmed; // what was confirmed, when it was: shown as it was sent
  const fromOf = (email) => draft.guests.find((g) => g.email.toLowerCase() === email.toLowerCase())?.from || 'you';
  guests = sent ? sent.guests.map((email) => ({ email, from: fromOf(email) })) : draft.guests.slice(0, MAX_GUESTS);
  $('title').value = sent ? sent.title : draft.title;
  $('minutes').value = String(sent ? sent.minutes : draft.minutes);
  // An invite is for now unless a time is set; a schedule is at the time read (or one to pick).
  const start = sent ? sent.start : startLocal;
  $('now').checked = sent ? !sent.start : draft.kind === 'invite' && !startLocal;
  if (start) $('start').value = start;
  syncNow();
  // Nothing is preselected: with guests, who gets an e-mail is the user's choice.
  for (const radio of document.querySelectorAll('input[name=sendUpdates]')) radio.checked = sent ? radio.value === sent.sendUpdates : false;
  renderGuests();
}

/**
 * The selected text with the words the time was read from marked (and the word a refusal is about,
 * marked apart). Spans are character offsets (code points, as the worker counts them); text only.
 */
function showPhrase(draft) {
  const chars = Array.from(draft.phrase);
  const marks = (draft.read || []).map(([from, to]) => ({ from, to, kind: 'read' }));
  const refusedAt = draft.refused?.[1];
  if (refusedAt) marks.push({ from: refusedAt[0], to: refusedAt[1], kind: 'refused' });
  marks.sort((a, b) => a.from - b.from);
  // Words read next to each other ("tomorrow at 3pm") are one mark.
  const merged = [];
  for (const m of marks) {
    const last = merged.at(-1);
    if (last && last.kind === m.kind && m.kind === 'read' && /^\s*$/.test(chars.slice(last.to, m.from).join(''))) last.to = m.to;
    else if (!last || m.from >= last.to) merged.push({ ...m });
  }
  const phrase = $('phrase');
  phrase.replaceChildren();
  let at = 0;
  for (const m of merged) {
    phrase.append(chars.slice(at, m.from).join(''));
    const mark = document.createElement('mark');
    mark.className = m.kind;
    mark.textContent = chars.slice(m.from, m.to).join('');
    phrase.append(mark);
    at = m.to;
  }
  phrase.append(chars.slice(at).join(''));
  $('read-words').hidden = !merged.some((m) => m.kind === 'read');
}

/** The start in the zone the text named ("That is Thu 3 Dec, 09:00 in PT (America/Los_Angeles)"). */
function syncZone() {
  const value = $('start').value;
  const show = namedZone && value && !$('now').checked;
  $('in-zone').hidden = !show;
  if (!show) return;
  const start = new Date(value); // a datetime-local value is read in the user's own zone
  const fixed = /^UTC([+-])(\d\d):(\d\d)$/.exec(namedZone.iana);
  const style = { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' };
  const time = fixed
    ? new Intl.DateTimeFormat(undefined, { ...style, timeZone: 'UTC' })
      .format(new Date(start.getTime() + (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3])) * 60000))
    : new Intl.DateTimeFormat(undefined, { ...style, timeZone: namedZone.iana }).format(start);
  const zone = namedZone.words === namedZone.iana ? namedZone.iana : `${namedZone.words} (${namedZone.iana})`;
  $('in-zone').textContent = t('meetingInZone', time, zone);
}

async function load() {
  const answer = await ask('getDraft', { id }).catch(() => null);
  if (answer?.type !== 'draft') {
    showProblem(t(`problem_${answer?.problem || 'unexpected'}`));
    return;
  }
  fill(answer);
  $('form').hidden = false;
  show(answer.action);
  if (state === 'open') {
    const first = document.querySelector('input[name=sendUpdates]');
    (answer.draft.refusal ? $('start') : guests.length ? first : $('create')).focus();
  }
}

$('now').addEventListener('change', syncNow);
$('start').addEventListener('input', syncZone);
for (const radio of document.querySelectorAll('input[name=sendUpdates]')) radio.addEventListener('change', syncCreate);
$('add-guest').addEventListener('click', addGuest);
$('guest').addEventListener('keydown', (e) => {
  if (e.key === 'Enter') { e.preventDefault(); addGuest(); }
});
$('cancel').addEventListener('click', async () => {
  if (state === 'making') return;
  await ask('cancelMeeting', { id }).catch(() => {});
  window.close();
});
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && state !== 'making') $('cancel').click();
});
// Back to the window (it was behind another, or the worker finished while it was hidden).
window.addEventListener('focus', () => { if (state !== 'open') refresh(); });
document.addEventListener('visibilitychange', () => { if (!document.hidden && state !== 'open') refresh(); });

$('form').addEventListener('submit', async (e) => {
  e.preventDefault();
  if (state === 'making' || state === 'made') return;
  if (state === 'open') {
    if ($('guest').value.trim()) addGuest();
    if (!$('now').checked && !$('start').value) {
      showProblem(t('invalid_start'));
      return;
    }
    if (guests.length && !chosenUpdates()) return syncCreate();
  }
  const meeting = {
    id, guests: guests.map((g) => g.email), title: $('title').value, minutes: Number($('minutes').value),
    start: $('now').checked ? null : $('start').value, sendUpdates: guests.length ? chosenUpdates() : 'none',
  };
  const before = state;
  showProblem('');
  show({ state: 'making' });
  // The answer is lost when the worker is stopped before it (the port closes): the window then
  // waits for the outcome in the draft's record.
  const answer = await ask('confirmMeeting', { meeting }).catch(() => ({ type: 'making' }));
  if (answer?.type === 'meeting') return show({ state: 'made', ...answer });
  if (answer?.type === 'making') return;
  if (answer?.type === 'invalid') {
    show({ state: before });
    const { invalid } = answer;
    return showProblem(invalid.reason === 'guest' ? t('meetingBadGuest', invalid.guest)
      : invalid.reason === 'start' ? t(`refusal_${invalid.refusal}`) : t(`invalid_${invalid.reason}`));
  }
  if (answer?.problem === 'draftGone') {
    show({ state: before });
    return showProblem(t('problem_draftGone'));
  }
  show({ state: 'failed', problem: answer?.problem });
});

$('copy').addEventListener('click', async () => {
  if (clip) await copyBoth(clip.text, clip.html);
  $('status').textContent = t('copied');
});

window.addEventListener('pagehide', () => {
  // The worker forgets the draft unless its meeting may still be being made (that goes on, and is
  // told by notification).
  if (state !== 'making') ask('cancelMeeting', { id }).catch(() => {});
});

load();
