//! How deep a YAML text nests its flow collections (`[…]`, `{…}`), found
//! before the YAML parser sees the text.
//!
//! The YAML scanner under `serde_yaml_ng` (libyaml) spends time in
//! proportion to the flow depth on every token, so `[[[[…` or `{a: {a: …`
//! costs quadratic time before the parser's own nesting limit applies
//! (100 KB took 13 s). [`check`] refuses such text in one linear pass.
//!
//! Which `[` is a real flow collection depends on context (a quoted string,
//! a comment, a block scalar, a plain scalar in block context hold literal
//! brackets), and block context depends on indentation. Rather than
//! re-implement YAML, the pass runs every reading at once: a reading starts
//! at *every* `[` and `{` of the text, wherever it stands, and follows
//! libyaml's flow-context rules from there (quoted scalars, comments, plain
//! scalars, anchors, tags). Readings in the same lexical state are merged,
//! keeping the greater depth, so there are never more than a dozen. The
//! reading that starts where libyaml really enters a flow collection then
//! follows libyaml token for token, so the greatest depth of all the
//! readings is never less than libyaml's. A reading that starts inside a
//! string only ever adds depth: the check can refuse a text with many
//! unbalanced brackets inside strings, never pass a deeply nested one.

use super::TemplateError;

/// How deep flow collections (`[…]`, `{…}`) may nest in a YAML template.
/// A template needs a few levels; libyaml's cost grows with the depth on
/// every token, so this bounds it to a linear pass over the text.
pub const MAX_YAML_FLOW_DEPTH: usize = 64;

/// The lexical states of libyaml's flow context.
#[derive(Clone, Copy)]
enum State {
    /// Between tokens.
    Start,
    /// Inside a plain scalar.
    Plain,
    /// Inside a plain scalar, after white space (a `#` starts a comment).
    PlainSpace,
    Comment,
    Double,
    DoubleEscape,
    Single,
    /// A `'` inside a single-quoted scalar: `''` is a quote, anything else ends it.
    SingleQuote,
    /// An anchor or alias name.
    Anchor,
    Tag,
    /// `!<…>`.
    Verbatim,
}

const STATES: usize = 11;

impl State {
    fn index(self) -> usize {
        self as usize
    }
}

/// What one character does to a reading: its next state and depth change.
#[derive(Clone, Copy)]
enum Depth {
    Same,
    Open,
    Close,
}

fn blank(c: char) -> bool {
    matches!(c, ' ' | '\t') || line_break(c)
}

/// libyaml's line breaks, including NEL, LS and PS.
fn line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn blank_or_end(c: Option<char>) -> bool {
    c.is_none_or(blank)
}

/// libyaml's `IS_ALPHA`: the characters of an anchor name.
fn alpha(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// The characters libyaml reads into a tag (`yaml_parser_scan_tag_uri`).
fn tag_char(c: char) -> bool {
    alpha(c) || ";/?:@&=+$.%!~*'()".contains(c)
}

/// A token starting at `c` (libyaml's `yaml_parser_fetch_next_token` in
/// flow context).
fn start(c: char, next: Option<char>) -> (State, Depth) {
    match c {
        '[' | '{' => (State::Start, Depth::Open),
        ']' | '}' => (State::Start, Depth::Close),
        '#' => (State::Comment, Depth::Same),
        '\'' => (State::Single, Depth::Same),
        '"' => (State::Double, Depth::Same),
        '*' | '&' => (State::Anchor, Depth::Same),
        '!' if next == Some('<') => (State::Verbatim, Depth::Same),
        '!' => (State::Tag, Depth::Same),
        '-' if !blank_or_end(next) => (State::Plain, Depth::Same),
        // Indicators, and characters libyaml refuses in flow context.
        ',' | '?' | ':' | '-' | '|' | '>' | '%' | '@' | '`' => (State::Start, Depth::Same),
        c if blank(c) => (State::Start, Depth::Same),
        _ => (State::Plain, Depth::Same),
    }
}

/// The next character of a plain scalar (`yaml_parser_scan_plain_scalar`).
fn plain(c: char, next: Option<char>) -> (State, Depth) {
    match c {
        ':' if blank_or_end(next) => (State::Start, Depth::Same),
        ',' | '[' | ']' | '{' | '}' => start(c, next),
        c if blank(c) => (State::PlainSpace, Depth::Same),
        _ => (State::Plain, Depth::Same),
    }
}

fn step(state: State, c: char, next: Option<char>) -> (State, Depth) {
    match state {
        State::Start => start(c, next),
        State::Plain => plain(c, next),
        State::PlainSpace if c == '#' => (State::Comment, Depth::Same),
        State::PlainSpace => plain(c, next),
        State::Comment if line_break(c) => (State::Start, Depth::Same),
        State::Comment => (State::Comment, Depth::Same),
        State::Double => match c {
            '\\' => (State::DoubleEscape, Depth::Same),
            '"' => (State::Start, Depth::Same),
            _ => (State::Double, Depth::Same),
        },
        State::DoubleEscape => (State::Double, Depth::Same),
        State::Single if c == '\'' => (State::SingleQuote, Depth::Same),
        State::Single => (State::Single, Depth::Same),
        State::SingleQuote if c == '\'' => (State::Single, Depth::Same),
        State::SingleQuote => start(c, next),
        State::Anchor if alpha(c) => (State::Anchor, Depth::Same),
        State::Anchor => start(c, next),
        State::Tag if tag_char(c) => (State::Tag, Depth::Same),
        State::Tag => start(c, next),
        State::Verbatim if c == '>' => (State::Start, Depth::Same),
        State::Verbatim => (State::Verbatim, Depth::Same),
    }
}

const ALL: [State; STATES] = [
    State::Start,
    State::Plain,
    State::PlainSpace,
    State::Comment,
    State::Double,
    State::DoubleEscape,
    State::Single,
    State::SingleQuote,
    State::Anchor,
    State::Tag,
    State::Verbatim,
];

/// Refuses a YAML text whose flow collections may nest more than
/// [`MAX_YAML_FLOW_DEPTH`] deep, naming the line.
pub(super) fn check(text: &str) -> Result<(), TemplateError> {
    // The greatest depth of the readings in each state; `None`: no reading.
    let mut readings: [Option<usize>; STATES] = [None; STATES];
    let mut line = 1usize;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        let mut after: [Option<usize>; STATES] = [None; STATES];
        for state in ALL {
            let Some(depth) = readings.get(state.index()).copied().flatten() else {
                continue;
            };
            let (to, change) = step(state, c, next);
            let depth = match change {
                Depth::Same => depth,
                Depth::Open => depth + 1,
                Depth::Close => depth.saturating_sub(1),
            };
            if let Some(slot) = after.get_mut(to.index()) {
                *slot = Some(slot.map_or(depth, |d| d.max(depth)));
            }
        }
        if matches!(c, '[' | '{') {
            // Where libyaml may enter a flow collection from block context.
            if let Some(slot) = after.get_mut(State::Start.index()) {
                *slot = Some(slot.map_or(1, |d| d.max(1)));
            }
        }
        if after.iter().flatten().any(|&d| d > MAX_YAML_FLOW_DEPTH) {
            return Err(TemplateError::new(format!(
                "invalid YAML template: flow collections (`[`, `{{`) nest more than {MAX_YAML_FLOW_DEPTH} deep (MAX_YAML_FLOW_DEPTH) at line {line}"
            )));
        }
        if c == '\n' {
            line += 1;
        }
        readings = after;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The depth the check finds for `text`: the most levels it can be
    /// wrapped in and still pass.
    fn depth(text: &str) -> usize {
        (0..=MAX_YAML_FLOW_DEPTH)
            .find(|&n| check(&format!("{}{text}", "[".repeat(n))).is_err())
            .map_or(0, |n| MAX_YAML_FLOW_DEPTH + 1 - n)
    }

    #[test]
    fn brackets_in_strings_comments_and_tags_are_not_tokens() {
        for (text, expected) in [
            ("[[[", 3),
            ("[ \"]\" [ \"]\" [", 3),
            ("[ ']' [ ''']' [", 3),
            ("[ # ]]]\n[ # ]\n[", 3),
            ("[ !<]]]> [ [", 3),
            ("[ \"\\\"]\" [ [", 3),
            ("[ a#]\n[", 1),
            ("[ a \"]\n[", 1),
            ("[ \"[[[[\" ]", 1),
            ("{a: {a: {a: ", 3),
        ] {
            assert_eq!(depth(text), expected, "{text:?}");
        }
    }

    #[test]
    fn closed_collections_and_block_text_stay_shallow() {
        assert!(check(&"[a, {b: c}], ".repeat(10_000)).is_ok());
        assert!(check(&"- \"it's [not] a flow\"\n  # [[[[\n".repeat(1_000)).is_ok());
        assert!(check(&"[".repeat(MAX_YAML_FLOW_DEPTH)).is_ok());
        assert!(check(&"[".repeat(MAX_YAML_FLOW_DEPTH + 1)).is_err());
        assert!(check(&"{a: ".repeat(MAX_YAML_FLOW_DEPTH + 1)).is_err());
    }
}
