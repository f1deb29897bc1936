// The editor rows shared by the Chromium suite (editors.test.js) and the Firefox one
// (firefox/editors.test.js): each a fixture page in tests/pages whose `window.fx` reads the editor's
// own model (text, caret), places the caret and says whether the editor has focus.

export const TEXT = 'Hello world';
// Each editor: its fixture page; `mode`: what its focused element must be (Firefox has no
// EditContext: Monaco's default there is its textarea, `firefoxMode`); `frame`: it edits inside its
// own iframe (the menu is clicked there); `chromiumOnly`: a row Firefox has no case for.
export const editors = [
  { name: 'Monaco, default (EditContext in Chromium)', page: 'monaco.html', mode: 'editcontext', firefoxMode: 'textarea' },
  { name: 'Monaco, textarea mode', page: 'monaco.html?textarea', mode: 'textarea', chromiumOnly: true },
  { name: 'TinyMCE, in its iframe', page: 'tinymce.html', frame: true },
  { name: 'CodeMirror 6', page: 'codemirror.html' },
  { name: 'CKEditor 5', page: 'ckeditor.html' },
  { name: 'Trix', page: 'trix.html' },
  { name: 'Ace', page: 'ace.html' },
  { name: 'ProseMirror', page: 'prosemirror.html' },
  { name: 'Lexical', page: 'lexical.html' },
  { name: 'Slate', page: 'slate.html' },
  { name: 'Quill', page: 'quill.html' },
  { name: 'Draft.js', page: 'draft.html' },
  // Not from npm: the explainer's bare editor, for EditContext editors that take no paste. It has
  // no undo of its own to check.
  { name: 'a bare EditContext editor', page: 'editcontext.html', mode: 'editcontext', noUndo: true, chromiumOnly: true },
];
// Where the caret is, and what goes in: after "Hello" the link needs a space before it (the next
// character is already one); before "world", a space after it.
export const cases = [
  { how: 'menu', at: 5, spaced: (l) => ` ${l}` },
  { how: 'command', at: 6, spaced: (l) => `${l} ` },
];

