// Options page: shows the settings in effect (the worker resolves the user's choices with the
// administrator's managed ones) and sends each change at once. Locked settings are disabled and
// say so. Text only (textContent), never HTML.
import { t, localize } from './i18n.js';

const $ = (id) => document.getElementById(id);
const DURATIONS = [15, 30, 45, 60, 90, 120];

localize();
const ask = (message) => chrome.runtime.sendMessage(message);

function setStatus(text) {
  $('status').textContent = text;
}

function showProblem(problem) {
  $('problem').textContent = problem ? t(`problem_${problem}`) : '';
  $('problem').hidden = !problem;
}

function durationOptions(current) {
  const select = $('durationMinutes');
  const values = [...new Set([...DURATIONS, current])].sort((a, b) => a - b);
  select.replaceChildren(...values.map((n) => new Option(t('minutes', String(n)), String(n))));
}

/** The controls of one setting: a group's radios, or the element itself. */
const controls = (name) => {
  const el = document.querySelector(`[data-setting="${name}"]`);
  return el.matches('input, select') ? [el] : [...el.querySelectorAll('input')];
};

// A change the user made is shown as they made it until the worker has answered for it: a render
// (the first one, or another setting's save answered meanwhile) never reverts it.
let seq = 0;
const changedAt = new Map(); // setting -> sequence number of the user's latest change
const answeredAt = new Map(); // setting -> the latest change the worker has answered for
const unsaved = (name) => (changedAt.get(name) ?? 0) > (answeredAt.get(name) ?? 0);
// Answers are shown in the order they were asked for: one that comes late (the first read, slow
// while a save already answered) would show settings older than those shown.
let asked = 0;
let shown = 0;
async function askSettings(message) {
  const mine = ++asked;
  const answer = await ask(message);
  const newest = mine > shown;
  if (newest) shown = mine;
  return { answer, newest };
}

function render({ settings, locked }) {
  if (!unsaved('durationMinutes')) durationOptions(settings.durationMinutes);
  for (const [name, value] of Object.entries(settings)) {
    const group = document.querySelector(`[data-setting="${name}"]`);
    if (!group) continue;
    const show = !unsaved(name); // else the user's value stands
    for (const c of controls(name)) {
      if (show && c.type === 'checkbox') c.checked = value;
      else if (show && c.type === 'radio') c.checked = c.value === String(value);
      else if (show && (c !== document.activeElement || c.tagName === 'SELECT')) c.value = String(value);
      c.disabled = locked.includes(name);
    }
    const field = group.closest('.field');
    field.classList.toggle('locked', locked.includes(name));
    let note = field.querySelector('.lock');
    if (locked.includes(name) && !note) {
      note = Object.assign(document.createElement('p'), { className: 'lock', id: `${name}-lock`, textContent: t('lockedByAdmin') });
      field.append(note);
      for (const c of controls(name)) c.setAttribute('aria-describedby', note.id);
      if (group.getAttribute('role') === 'radiogroup') group.setAttribute('aria-describedby', note.id);
    }
  }
  $('accessType').disabled ||= settings.source !== 'space';
  $('managed-note').hidden = locked.length === 0;
}

function valueOf(name) {
  const cs = controls(name);
  const c = cs.find((x) => x.type !== 'radio' || x.checked);
  if (!c) return undefined;
  if (c.type === 'checkbox') return c.checked;
  if (name === 'keepEvent') return c.value === 'true';
  if (name === 'durationMinutes') return Number(c.value);
  return c.value;
}

async function save(name) {
  showProblem(null);
  const at = changedAt.get(name) ?? 0;
  try {
    const { answer, newest } = await askSettings({ type: 'saveSettings', changes: { [name]: valueOf(name) } });
    if (answer?.type !== 'settings') throw new Error('not saved');
    answeredAt.set(name, Math.max(answeredAt.get(name) ?? 0, at));
    if (newest) render(answer);
    setStatus(t('saved'));
  } catch {
    showProblem('unexpected');
  }
}

let titleTimer;
for (const el of document.querySelectorAll('[data-setting]')) {
  const name = el.dataset.setting;
  const touch = () => changedAt.set(name, ++seq);
  if (name === 'title') {
    // Typing saves after a pause; leaving the field saves at once.
    el.addEventListener('input', () => { touch(); clearTimeout(titleTimer); titleTimer = setTimeout(() => save(name), 400); });
    el.addEventListener('change', () => { touch(); clearTimeout(titleTimer); save(name); });
  } else {
    el.addEventListener('change', () => { touch(); save(name); });
  }
}

$('shortcuts').addEventListener('click', () => {
  // Firefox has its own page for this; Chromium browsers open chrome://extensions/shortcuts.
  if (chrome.commands?.openShortcutSettings) chrome.commands.openShortcutSettings();
  else chrome.tabs.create({ url: 'chrome://extensions/shortcuts' });
});

const commands = await chrome.commands.getAll();
const insert = commands.find((c) => c.name === 'insert-meet-link');
$('shortcut').textContent = insert?.shortcut ? t('shortcutCurrent', insert.shortcut) : t('shortcutNone');

const state = await askSettings({ type: 'getSettings' }).catch(() => null);
if (state?.answer?.type !== 'settings') showProblem('unexpected');
else if (state.newest) render(state.answer);
document.body.dataset.ready = 'true';
