//! Where a policy's text came from, so that the lines and columns in errors,
//! warnings and explanations point into the file the user has.
//!
//! A policy read from its own file is its own source. One pasted as a JSON
//! object into a larger file (an identity-pool file) starts somewhere in
//! that file, and its positions are moved there. One that was rebuilt
//! (decoded from a JSON or URL-encoded string, or written out from a YAML
//! template) has no position a user could look up, so none is given rather
//! than "line 1" of a text nobody sees.

use crate::compile::Position;

/// Where a policy's text sits in what the user wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextOrigin {
    /// The text is a whole file or input of its own: positions are its own.
    #[default]
    Whole,
    /// The text is a stretch of a larger file, starting at this position
    /// of it (a policy object inside an identity-pool file).
    Within(Position),
    /// The text was rebuilt from what the user wrote (decoded from a
    /// string, or written out from a template): positions are left out.
    Rebuilt,
}

/// A policy's text and where it came from, as compiling reads them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Source<'t> {
    pub text: &'t str,
    pub origin: TextOrigin,
}

impl TextOrigin {
    /// Where the 1-based `line` and `column` of the policy's own text are in
    /// the user's file, or `None` for a rebuilt text.
    pub(crate) fn place(self, line: usize, column: usize) -> Option<Position> {
        match self {
            TextOrigin::Whole => Some(Position { line, column }),
            // On the text's first line, columns count on from where it starts.
            TextOrigin::Within(start) if line <= 1 => Some(Position {
                line: start.line,
                column: start.column.saturating_add(column.saturating_sub(1)),
            }),
            TextOrigin::Within(start) => Some(Position {
                line: start.line.saturating_add(line - 1),
                column,
            }),
            TextOrigin::Rebuilt => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: usize, column: usize) -> Position {
        Position { line, column }
    }

    #[test]
    fn a_whole_text_keeps_its_positions() {
        assert_eq!(TextOrigin::Whole.place(3, 7), Some(at(3, 7)));
    }

    #[test]
    fn a_stretch_moves_its_first_line_by_the_start_column_and_the_rest_by_lines() {
        let origin = TextOrigin::Within(at(85, 19));
        assert_eq!(origin.place(1, 1), Some(at(85, 19)));
        assert_eq!(origin.place(1, 5), Some(at(85, 23)));
        assert_eq!(origin.place(4, 5), Some(at(88, 5)));
    }

    #[test]
    fn a_rebuilt_text_has_no_positions() {
        assert_eq!(TextOrigin::Rebuilt.place(1, 1), None);
    }
}
