// Every user-visible string through chrome.i18n (_locales/): `data-i18n` elements are filled in,
// and the document gets the UI language.
export const t = (key, ...subs) => chrome.i18n.getMessage(key, subs) || key;

export function localize() {
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  document.documentElement.lang = chrome.i18n.getUILanguage();
}
