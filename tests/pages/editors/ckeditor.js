// CKEditor 5 (classic) from npm, with its own model, input handling and undo.
import 'ckeditor5/ckeditor5.css';
import { ClassicEditor, Essentials, Paragraph } from 'ckeditor5';

ClassicEditor.create(document.getElementById('field'), {
  licenseKey: 'GPL', plugins: [Essentials, Paragraph], toolbar: [], initialData: '<p>Hello world</p>',
}).then((editor) => {
  editor.editing.view.getDomRoot().id = 'editable';
  const model = editor.model;
  const text = () => {
    const root = model.document.getRoot();
    return [...root.getChildren()].map((p) => [...p.getChildren()].map((t) => t.data ?? '').join('')).join('\n');
  };
  window.fx = {
    text,
    caret: () => { const s = model.document.selection; return [s.getFirstPosition().offset, s.getLastPosition().offset]; },
    place: (n) => {
      editor.editing.view.focus();
      model.change((w) => w.setSelection(model.createPositionAt(model.document.getRoot().getChild(0), n)));
    },
    focused: () => editor.editing.view.document.isFocused,
  };
});
