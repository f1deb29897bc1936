//! The user's settings, as stored in `chrome.storage.local` under `settings`. Read leniently: a
//! missing or malformed value means the default, never an error on the hot path.

use crate::link::Template;
use serde::Deserialize;

/// Settings that change what a trigger does.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Settings {
    /// What is typed for a link: the bare URL (default), a sentence, or Markdown.
    pub template: Template,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_and_values() {
        let read = |v| serde_json::from_value::<Settings>(v).unwrap_or_default();
        assert_eq!(read(json!({})), Settings::default());
        assert_eq!(read(json!(null)), Settings::default());
        assert_eq!(read(json!({"template": "markdown"})).template, Template::Markdown);
        assert_eq!(read(json!({"template": "sentence", "later": 1})).template, Template::Sentence);
        assert_eq!(read(json!({"template": "<b>{url}</b>"})), Settings::default());
    }
}
