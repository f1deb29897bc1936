// CodeMirror 6 from npm, with basicSetup (history, its undo keymap).
import { EditorView, basicSetup } from 'codemirror';

const view = new EditorView({ doc: 'Hello world', extensions: [basicSetup], parent: document.getElementById('field') });
view.contentDOM.id = 'editable';
window.fx = {
  text: () => view.state.doc.toString(),
  caret: () => [view.state.selection.main.from, view.state.selection.main.to],
  place: (n) => { view.focus(); view.dispatch({ selection: { anchor: n } }); },
  focused: () => view.hasFocus,
};
