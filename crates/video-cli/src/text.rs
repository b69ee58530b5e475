//! Text from the network made safe for a terminal: control characters (escape sequences,
//! carriage returns, bells) are shown as `\u{..}` instead of being obeyed.

use std::borrow::Cow;

/// `text` with every control character except none replaced by its `\u{..}` escape.
pub(crate) fn clean(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_unicode().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_shown_not_obeyed() {
        assert_eq!(clean("plain 任务"), "plain 任务");
        assert_eq!(clean("\u{1b}[2Jx\r\n"), "\\u{1b}[2Jx\\u{d}\\u{a}");
    }
}
