// Monaco from npm. Chromium's default is the EditContext API (a div.native-edit-context has focus);
// `?textarea` turns it off, and Monaco falls back to its hidden textarea.
import * as monaco from 'monaco-editor/editor/editor.api.js';

self.MonacoEnvironment = { getWorkerUrl: () => '/bundles/monaco-worker.js' };
const editContext = !location.search.includes('textarea');
const editor = monaco.editor.create(document.getElementById('field'), {
  value: 'Hello world', language: 'plaintext', editContext, minimap: { enabled: false }, automaticLayout: false,
});
const model = editor.getModel();
window.fx = {
  text: () => model.getValue(),
  caret: () => { const s = editor.getSelection(); return [model.getOffsetAt(s.getStartPosition()), model.getOffsetAt(s.getEndPosition())]; },
  place: (n) => { editor.focus(); const p = model.getPositionAt(n); editor.setSelection(new monaco.Selection(p.lineNumber, p.column, p.lineNumber, p.column)); },
  focused: () => editor.hasTextFocus(),
  mode: () => (document.activeElement.editContext ? 'editcontext' : document.activeElement.tagName.toLowerCase()),
};
