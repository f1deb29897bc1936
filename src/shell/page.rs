//! The functions in `extension/page.js`, imported as values so they can be handed to
//! `chrome.scripting.executeScript` as `func` (Chrome sends their source into the page).

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/extension/page.js")]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_name = findTarget)]
    static FIND_TARGET: JsValue;
    #[wasm_bindgen(thread_local_v2, js_name = insertText)]
    static INSERT_TEXT: JsValue;
}

/// `findTarget(nonce)`.
pub fn find_target() -> JsValue {
    FIND_TARGET.with(JsValue::clone)
}

/// `insertText(text, nonce)`.
pub fn insert_text() -> JsValue {
    INSERT_TEXT.with(JsValue::clone)
}
