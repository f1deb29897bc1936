import Quill from 'quill';

// Quill's history module is on by default (Ctrl+Z is its own undo).
const quill = new Quill('#field', {});
quill.setText('Hello world');
quill.history.clear();
quill.root.id = 'editable';
window.fx = {
  text: () => quill.getText().replace(/\n$/, ''),
  caret: () => { const r = quill.getSelection(); return r ? [r.index, r.index + r.length] : null; },
  place: (n) => { quill.focus(); quill.setSelection(n, 0); },
  focused: () => quill.hasFocus(),
};
