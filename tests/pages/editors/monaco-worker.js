import 'monaco-editor/editor/editor.worker.start.js';
