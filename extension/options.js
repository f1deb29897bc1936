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

/** The controls of one setting: a group's radios (or the site rules' fields), or the element itself. */
const controls = (name) => {
  const el = document.querySelector(`[data-setting="${name}"]`);
  return el.matches('input, select') ? [el] : [...el.querySelectorAll('input, select, button')];
};

// ---- site rules: one row per site (site, format, dial-in there), saved as a whole list ----------
const FORMATS = ['url', 'sentence', 'markdown', 'rich'];
const FORMAT_LABELS = { url: 'templateUrl', sentence: 'templateSentence', markdown: 'templateMarkdown', rich: 'templateRich' };

function ruleRow(rule) {
  const li = document.createElement('li');
  const site = Object.assign(document.createElement('input'), {
    type: 'text', className: 'rule-site', value: rule.site, placeholder: 'example.com', autocomplete: 'off', spellcheck: false,
  });
  site.setAttribute('aria-label', t('ruleSite'));
  const format = document.createElement('select');
  format.className = 'rule-format';
  format.setAttribute('aria-label', t('ruleFormat'));
  format.append(...FORMATS.map((f) => new Option(t(FORMAT_LABELS[f]), f)));
  format.value = rule.format;
  const dial = document.createElement('select');
  dial.className = 'rule-dial-in';
  dial.setAttribute('aria-label', t('ruleDialIn'));
  dial.append(new Option(t('ruleDialInDefault'), ''), new Option(t('ruleDialInOn'), 'on'), new Option(t('ruleDialInOff'), 'off'));
  dial.value = rule.dialIn === undefined ? '' : rule.dialIn ? 'on' : 'off';
  const remove = Object.assign(document.createElement('button'), { type: 'button', className: 'small', textContent: t('removeButton') });
  remove.setAttribute('aria-label', t('ruleRemove', rule.site || '…'));
  remove.addEventListener('click', () => {
    const next = li.nextElementSibling?.querySelector('input') ?? li.previousElementSibling?.querySelector('input') ?? $('add-rule');
    li.remove();
    next.focus();
    $('siteRules').dispatchEvent(new Event('change')); // saved like any change
  });
  li.append(site, format, dial, remove);
  return li;
}

function readRules() {
  return [...$('rules').children].map((li) => {
    const site = li.querySelector('.rule-site').value.trim();
    const rule = { site, format: li.querySelector('.rule-format').value };
    const dial = li.querySelector('.rule-dial-in').value;
    if (dial) rule.dialIn = dial === 'on';
    return rule;
  }).filter((r) => r.site);
}

$('add-rule').addEventListener('click', () => {
  const li = ruleRow({ site: '', format: 'markdown' });
  $('rules').append(li);
  li.querySelector('input').focus();
});

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
    if (name === 'siteRules' && show && Array.isArray(value)) {
      const unnamed = [...$('rules').children].filter((li) => !li.querySelector('.rule-site').value.trim()); // rows being filled in stay
      $('rules').replaceChildren(...value.map(ruleRow), ...unnamed);
    }
    for (const c of controls(name)) {
      if (name === 'siteRules') {
        c.disabled = locked.includes(name);
        continue;
      }
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
  // The restrictions are host management's: without it they mean nothing.
  for (const name of ['chatHostsOnly', 'reactionsHostsOnly', 'presentHostsOnly', 'joinAsViewer']) $(name).disabled ||= !settings.moderation;
  $('managed-note').hidden = locked.length === 0;
}

function valueOf(name) {
  if (name === 'siteRules') return readRules();
  const c = controls(name).find((x) => x.type !== 'radio' || x.checked);
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
  } else if (name === 'siteRules') {
    // A row is saved once it names a site (a new row starts empty).
    el.addEventListener('change', (event) => {
      if (event.target !== el && !event.target.closest('li').querySelector('.rule-site').value.trim()) return;
      touch();
      save(name);
    });
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
