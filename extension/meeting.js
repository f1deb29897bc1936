// The confirmation of an invite or a scheduled meeting: shows the draft the worker wrote (the
// guests found on the page, the time read from the selection), lets the user change it, and sends
// the answer back. Text only (textContent, never HTML); every check is made again in the worker
// (src/meeting.rs), this page only helps the user get it right.
import { t, localize } from './i18n.js';
import { copyBoth } from './clip.js';

const $ = (id) => document.getElementById(id);
localize();
$('guest').placeholder = t('meetingAddPlaceholder');

const ask = (type, fields = {}) => chrome.runtime.sendMessage({ type, ...fields });
const id = location.hash.slice(1);
const EMAIL = /^[^\s@<>()"',;]{1,64}@[a-z0-9-]+(\.[a-z0-9-]+)+$/i; // a first check; the worker's is the one
const MAX_GUESTS = 50;
let guests = [];
let made = false;
let clip = null;

function showProblem(text) {
  $('problem').textContent = text || '';
  $('problem').hidden = !text;
}

function renderGuests() {
  const list = $('guests');
  list.replaceChildren(...guests.map((g, i) => {
    const li = document.createElement('li');
    const name = Object.assign(document.createElement('span'), { textContent: g, className: 'guest' });
    const remove = Object.assign(document.createElement('button'), { type: 'button', className: 'small', textContent: t('meetingRemove') });
    remove.setAttribute('aria-label', t('meetingRemoveGuest', g));
    remove.addEventListener('click', () => { guests.splice(i, 1); renderGuests(); });
    li.append(name, remove);
    return li;
  }));
  $('no-guests').hidden = guests.length > 0;
  $('updates').disabled = guests.length === 0;
}

function addGuest() {
  const value = $('guest').value.trim();
  if (!value) return;
  if (!EMAIL.test(value)) return showProblem(t('meetingBadGuest', value));
  if (guests.length >= MAX_GUESTS) return showProblem(t('invalid_tooManyGuests'));
  if (!guests.some((g) => g.toLowerCase() === value.toLowerCase())) guests.push(value);
  $('guest').value = '';
  showProblem('');
  renderGuests();
}

function syncNow() {
  $('start').disabled = $('now').checked;
  $('start').required = !$('now').checked;
}

async function load() {
  const answer = await ask('getDraft', { id });
  if (answer?.type !== 'draft') {
    showProblem(t(`problem_${answer?.problem || 'unexpected'}`));
    return;
  }
  const { draft, zone, startLocal } = answer;
  document.title = $('heading').textContent = t(draft.kind === 'invite' ? 'meetingInviteTitle' : 'meetingScheduleTitle');
  guests = draft.guests.slice(0, MAX_GUESTS);
  $('title').value = draft.title;
  $('minutes').value = String(draft.minutes);
  $('start-label').textContent = zone;
  if (draft.phrase && draft.kind === 'schedule') {
    $('phrase').textContent = draft.phrase;
    $('phrase-row').hidden = false;
  }
  if (draft.refusal) {
    $('refusal').textContent = t(`refusal_${draft.refusal}`);
    $('refusal').hidden = false;
  }
  // An invite is for now unless a time is set; a schedule is at the time read (or one to pick).
  $('now').checked = draft.kind === 'invite' && !startLocal;
  if (startLocal) $('start').value = startLocal;
  syncNow();
  for (const radio of document.querySelectorAll('input[name=sendUpdates]')) radio.checked = radio.value === draft.sendUpdates;
  renderGuests();
  $('form').hidden = false;
  (draft.refusal ? $('start') : $('create')).focus();
}

$('now').addEventListener('change', syncNow);
$('add-guest').addEventListener('click', addGuest);
$('guest').addEventListener('keydown', (e) => {
  if (e.key === 'Enter') { e.preventDefault(); addGuest(); }
});
$('cancel').addEventListener('click', async () => {
  await ask('cancelMeeting', { id });
  made = true;
  window.close();
});
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && !made) $('cancel').click();
});

$('form').addEventListener('submit', async (e) => {
  e.preventDefault();
  if ($('guest').value.trim()) addGuest();
  if (!$('now').checked && !$('start').value) {
    showProblem(t('invalid_start'));
    return;
  }
  const sendUpdates = document.querySelector('input[name=sendUpdates]:checked')?.value || 'none';
  const meeting = {
    id, guests, title: $('title').value, minutes: Number($('minutes').value),
    start: $('now').checked ? null : $('start').value, sendUpdates,
  };
  $('create').disabled = true;
  showProblem('');
  $('status').textContent = t('meetingMaking');
  const answer = await ask('confirmMeeting', { meeting });
  $('status').textContent = '';
  if (answer?.type === 'meeting') {
    made = true;
    clip = answer.clip;
    $('form').hidden = true;
    $('done-text').textContent = t(answer.typed ? 'meetingTyped' : 'meetingCopied');
    $('link').href = answer.link.url;
    $('link').textContent = answer.link.url.replace(/^https:\/\//, '');
    $('done').hidden = false;
    // Typed where the user was: back to it. Otherwise the link stays here to copy.
    if (answer.typed) window.close();
    return;
  }
  $('create').disabled = false;
  if (answer?.type === 'invalid') {
    const { invalid } = answer;
    showProblem(invalid.reason === 'guest' ? t('meetingBadGuest', invalid.guest)
      : invalid.reason === 'start' ? t(`refusal_${invalid.refusal}`) : t(`invalid_${invalid.reason}`));
  } else {
    showProblem(t(`problem_${answer?.problem || 'unexpected'}`));
  }
});

$('copy').addEventListener('click', async () => {
  if (clip) await copyBoth(clip.text, clip.html);
  $('status').textContent = t('copied');
});

window.addEventListener('pagehide', () => {
  if (!made) ask('cancelMeeting', { id }).catch(() => {});
});

load();
