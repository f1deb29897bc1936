// TinyMCE from npm, in its iframe (the classic mode), with its own undo manager. No skin or content
// CSS: nothing is fetched from a CDN.
import tinymce from 'tinymce';
import 'tinymce/models/dom';
import 'tinymce/themes/silver';
import 'tinymce/icons/default';

tinymce.init({
  target: document.getElementById('field'), license_key: 'gpl', skin: false, content_css: false, menubar: false,
  statusbar: false, promotion: false, branding: false, height: 200,
  setup: (editor) => editor.on('init', () => {
    editor.setContent('<p>Hello world</p>');
    editor.undoManager.clear();
    editor.setDirty(false);
    const body = editor.getBody();
    body.id = 'editable';
    window.fx = {
      // TinyMCE's own text of its document (one paragraph here).
      text: () => editor.getContent({ format: 'text' }),
      caret: () => {
        const r = editor.selection.getRng();
        const pre = editor.getDoc().createRange();
        pre.selectNodeContents(body);
        pre.setEnd(r.startContainer, r.startOffset);
        const s = pre.toString().length;
        return [s, s + r.toString().length];
      },
      place: (n) => {
        editor.focus();
        const node = body.querySelector('p').firstChild;
        editor.selection.setCursorLocation(node, n);
      },
      focused: () => editor.hasFocus(),
      undoable: () => editor.undoManager.hasUndo(),
      dirty: () => editor.isDirty(),
    };
  }),
});
