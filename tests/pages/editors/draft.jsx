import React, { useState, useRef } from 'react';
import { createRoot } from 'react-dom/client';
import { Editor, EditorState, ContentState, SelectionState } from 'draft-js';

// Draft.js keeps its own undo stack in the EditorState (Ctrl+Z is its 'undo' key command).
function App() {
  const [state, setState] = useState(() => EditorState.createWithContent(ContentState.createFromText('Hello world')));
  const ref = useRef(null);
  window.fx = {
    text: () => state.getCurrentContent().getPlainText(),
    caret: () => { const s = state.getSelection(); return [s.getStartOffset(), s.getEndOffset()]; },
    place: (n) => {
      ref.current.focus();
      const key = state.getCurrentContent().getFirstBlock().getKey();
      setState((s) => EditorState.forceSelection(s, SelectionState.createEmpty(key).merge({ anchorOffset: n, focusOffset: n })));
    },
    focused: () => state.getSelection().getHasFocus(),
  };
  return <Editor ref={ref} editorState={state} onChange={setState} webDriverTestID="editable" />;
}
createRoot(document.getElementById('field')).render(<App />);
