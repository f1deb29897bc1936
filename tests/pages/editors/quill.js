import Quill from 'quill';

const quill = new Quill('#field', {});
quill.setText('Hello  world');
quill.root.id = 'editable';
window.modelText = () => quill.getText().replace(/\n$/, '');
