//! A small JSON parser that keeps what serde_json throws away: the byte span
//! of every value and every duplicate key.
//!
//! IAM forbids duplicate keys (G1) and the simulator reports statement
//! positions (M3), so the policy parser works on this tree rather than on
//! `serde_json::Value`, which silently keeps the last duplicate and forgets
//! where each value stood. Nesting is capped so hostile input cannot exhaust
//! the stack.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

/// Byte offsets `[start, end)` of a value in the source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Span {
    pub start: usize,
    pub end: usize,
}

/// One parsed JSON value with its span. Strings without escapes borrow
/// from the source text instead of being copied.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node<'a> {
    pub value: Value<'a>,
    pub span: Span,
}

/// The JSON value kinds. Numbers keep their source text, because IAM turns
/// them into strings exactly as written (G8).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value<'a> {
    Null,
    Bool(bool),
    Number(&'a str),
    String(Cow<'a, str>),
    Array(Vec<Node<'a>>),
    Object(Vec<Member<'a>>),
}

/// A key/value pair of an object, in source order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Member<'a> {
    pub key: Cow<'a, str>,
    pub key_span: Span,
    pub value: Node<'a>,
}

impl Value<'_> {
    /// The JSON type name used in "expected X, found Y" messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }
}

/// A syntax error at a byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Parses `text` as exactly one JSON value, nested at most `max_depth` deep.
pub(crate) fn parse(text: &str, max_depth: usize) -> Result<Node<'_>, SyntaxError> {
    let mut parser = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        max_depth,
    };
    parser.skip_whitespace();
    let node = parser.value(0)?;
    parser.skip_whitespace();
    if parser.pos < parser.bytes.len() {
        return Err(parser.error("trailing characters after the JSON value"));
    }
    Ok(node)
}

/// How deep the crate's data files (templates, pool, login and case files)
/// may nest: serde_json's own limit, well above what any of them needs.
pub(crate) const MAX_FILE_DEPTH: usize = 128;

/// Checks that `text` is one JSON value without a duplicate key anywhere
/// (G1: serde_json would keep the last one silently). The error gives the
/// line and column.
pub(crate) fn check_unique(text: &str) -> Result<(), String> {
    parse(text, MAX_FILE_DEPTH)
        .map(|_| ())
        .map_err(|e| located(text, &e))
}

/// Reads `text` as a `serde_json::Value`, refusing duplicate keys as
/// [`check_unique`] does (templates only).
#[cfg(feature = "templates")]
pub(crate) fn read_unique(text: &str) -> Result<serde_json::Value, String> {
    let node = parse(text, MAX_FILE_DEPTH).map_err(|e| located(text, &e))?;
    to_serde(node).map_err(|e| located(text, &e))
}

fn located(text: &str, error: &SyntaxError) -> String {
    let (line, column) = LineCursor::default().position(text, error.offset);
    format!("{error} at line {line} column {column}")
}

/// Converts a parsed tree; its depth is bounded by the parse.
#[cfg(feature = "templates")]
fn to_serde(node: Node<'_>) -> Result<serde_json::Value, SyntaxError> {
    use serde_json::Value as J;
    Ok(match node.value {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(b),
        Value::Number(n) => J::Number(n.parse().map_err(|_| SyntaxError {
            offset: node.span.start,
            message: format!("number `{n}` is out of range"),
        })?),
        Value::String(s) => J::String(s.into_owned()),
        Value::Array(items) => J::Array(items.into_iter().map(to_serde).collect::<Result<_, _>>()?),
        Value::Object(members) => J::Object(
            members
                .into_iter()
                .map(|m| Ok((m.key.into_owned(), to_serde(m.value)?)))
                .collect::<Result<_, SyntaxError>>()?,
        ),
    })
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    max_depth: usize,
}

impl<'a> Parser<'a> {
    fn error(&self, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            offset: self.pos,
            message: message.into(),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn expect_byte(&mut self, byte: u8, what: &str) -> Result<(), SyntaxError> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else if self.peek().is_none() {
            Err(self.error(format!("unexpected end of input, expected {what}")))
        } else {
            Err(self.error(format!("expected {what}")))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node<'a>, SyntaxError> {
        let start = self.pos;
        let value = match self.peek() {
            None => return Err(self.error("unexpected end of input, expected a JSON value")),
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => Value::String(self.string()?),
            Some(b't') => self.keyword("true", Value::Bool(true))?,
            Some(b'f') => self.keyword("false", Value::Bool(false))?,
            Some(b'n') => self.keyword("null", Value::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(_) => return Err(self.error("expected a JSON value")),
        };
        Ok(Node {
            value,
            span: Span {
                start,
                end: self.pos,
            },
        })
    }

    fn enter(&self, depth: usize) -> Result<usize, SyntaxError> {
        if depth >= self.max_depth {
            Err(self.error(format!(
                "JSON nested more than {} levels deep",
                self.max_depth
            )))
        } else {
            Ok(depth + 1)
        }
    }

    fn keyword(&mut self, word: &str, value: Value<'a>) -> Result<Value<'a>, SyntaxError> {
        if self.bytes.get(self.pos..self.pos + word.len()) == Some(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.error("expected a JSON value"))
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value<'a>, SyntaxError> {
        /// Objects with fewer keys are checked for duplicates by a scan.
        const LINEAR_KEYS: usize = 16;
        let depth = self.enter(depth)?;
        self.pos += 1; // '{'
        let mut members: Vec<Member> = Vec::new();
        // Keys of a large object, hashed; a small one is searched instead,
        // which costs less than cloning and hashing each key.
        let mut seen: Option<HashSet<Cow<'a, str>>> = None;
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Object(members));
        }
        loop {
            self.skip_whitespace();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a string key"));
            }
            let key_start = self.pos;
            let key = self.string()?;
            let key_span = Span {
                start: key_start,
                end: self.pos,
            };
            let duplicate = match &mut seen {
                Some(seen) => !seen.insert(key.clone()),
                None if members.len() < LINEAR_KEYS => members.iter().any(|m| m.key == key),
                None => {
                    let keys = members.iter().map(|m| m.key.clone());
                    let seen = seen.insert(keys.collect());
                    !seen.insert(key.clone())
                }
            };
            if duplicate {
                return Err(SyntaxError {
                    offset: key_start,
                    message: format!("duplicate key `{key}`"),
                });
            }
            self.skip_whitespace();
            self.expect_byte(b':', "`:` after an object key")?;
            self.skip_whitespace();
            let value = self.value(depth)?;
            members.push(Member {
                key,
                key_span,
                value,
            });
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::Object(members));
                }
                None => return Err(self.error("unexpected end of input inside an object")),
                Some(_) => return Err(self.error("expected `,` or `}`")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value<'a>, SyntaxError> {
        let depth = self.enter(depth)?;
        self.pos += 1; // '['
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_whitespace();
            items.push(self.value(depth)?);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                None => return Err(self.error("unexpected end of input inside an array")),
                Some(_) => return Err(self.error("expected `,` or `]`")),
            }
        }
    }

    fn number(&mut self) -> Result<Value<'a>, SyntaxError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error("invalid number")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.error("invalid number: expected a digit after `.`"));
            }
            self.digits();
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.error("invalid number: expected a digit in the exponent"));
            }
            self.digits();
        }
        let raw = self.text.get(start..self.pos).unwrap_or_default();
        Ok(Value::Number(raw))
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
    }

    fn string(&mut self) -> Result<Cow<'a, str>, SyntaxError> {
        self.pos += 1; // opening quote
        let mut out: Option<String> = None;
        loop {
            // Take the run of plain characters in one go.
            let run_start = self.pos;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            let run = self.text.get(run_start..self.pos).unwrap_or_default();
            match self.peek() {
                None => return Err(self.error("unexpected end of input inside a string")),
                Some(b'"') => {
                    self.pos += 1;
                    // Without escapes the string is a slice of the source.
                    return Ok(match out {
                        None => Cow::Borrowed(run),
                        Some(mut owned) => {
                            owned.push_str(run);
                            Cow::Owned(owned)
                        }
                    });
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let owned = out.get_or_insert_with(String::new);
                    owned.push_str(run);
                    self.escape(owned)?;
                }
                Some(_) => return Err(self.error("control character inside a string")),
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), SyntaxError> {
        let c = match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.pos += 1;
                let high = self.hex4()?;
                let code = if (0xD800..0xDC00).contains(&high) {
                    if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u") {
                        return Err(self.error("unpaired surrogate in `\\u` escape"));
                    }
                    self.pos += 2;
                    let low = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&low) {
                        return Err(self.error("unpaired surrogate in `\\u` escape"));
                    }
                    0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                } else {
                    high
                };
                let c = char::from_u32(code)
                    .ok_or_else(|| self.error("invalid character in `\\u` escape"))?;
                out.push(c);
                return Ok(());
            }
            _ => return Err(self.error("invalid escape in string")),
        };
        self.pos += 1;
        out.push(c);
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let digits = self
            .text
            .get(self.pos..self.pos + 4)
            .ok_or_else(|| self.error("expected four hex digits in `\\u` escape"))?;
        let code = u32::from_str_radix(digits, 16)
            .ok()
            .filter(|_| digits.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| self.error("expected four hex digits in `\\u` escape"))?;
        self.pos += 4;
        Ok(code)
    }
}

/// Converts byte offsets to 1-based line and column (in characters).
///
/// Each lookup is two binary searches, so positioning every statement of a
/// one-line policy stays linear overall (counting characters from the line
/// start each time was quadratic).
#[derive(Debug, Clone)]
pub(crate) struct LineIndex {
    line_starts: Vec<usize>,
    /// Offsets of UTF-8 continuation bytes, which start no character; empty
    /// for ASCII text.
    continuations: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        // `match_indices` with a char finds newlines a word at a time, and
        // ASCII text (the usual policy) has no continuation bytes to record.
        let newlines = text.match_indices('\n').map(|(at, _)| at + 1);
        let line_starts = std::iter::once(0).chain(newlines).collect();
        let continuations = if text.is_ascii() {
            Vec::new()
        } else {
            let bytes = text.bytes().enumerate();
            bytes
                .filter(|(_, b)| b & 0xC0 == 0x80)
                .map(|(at, _)| at)
                .collect()
        };
        LineIndex {
            line_starts,
            continuations,
        }
    }

    /// The 1-based (line, column) of `offset` in `text`.
    pub fn position(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset).max(1);
        let line_start = self.line_starts.get(line - 1).copied().unwrap_or(0);
        // Characters = bytes minus the continuation bytes among them.
        let before = |at: usize| self.continuations.partition_point(|&c| c < at);
        let column = offset - line_start - (before(offset) - before(line_start)) + 1;
        (line, column)
    }
}

/// Converts byte offsets met in increasing order (statement starts and
/// ends) to 1-based line and column, scanning the text once in all: cheaper
/// than a [`LineIndex`] for the few positions every compile needs, and still
/// linear for a one-line policy of many statements.
#[derive(Debug, Clone, Default)]
pub(crate) struct LineCursor {
    /// The offset reached, its line and the characters before it on that line.
    at: usize,
    line: usize,
    column: usize,
}

impl LineCursor {
    /// The 1-based (line, column) of `offset` in `text`. An offset before
    /// the previous one starts the scan again from the top.
    pub fn position(&mut self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        if offset < self.at {
            *self = LineCursor::default();
        }
        let bytes = text.as_bytes().get(self.at..offset).unwrap_or_default();
        // Characters are counted as bytes that are not UTF-8 continuations.
        let chars = |run: &[u8]| run.iter().filter(|&&b| b & 0xC0 != 0x80).count();
        match bytes.iter().rposition(|&b| b == b'\n') {
            Some(last) => {
                self.line += bytes.iter().filter(|&&b| b == b'\n').count();
                self.column = chars(bytes.get(last + 1..).unwrap_or_default());
            }
            None => self.column += chars(bytes),
        }
        self.at = offset;
        (self.line + 1, self.column + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> Node<'_> {
        parse(text, 64).unwrap()
    }

    #[test]
    fn parses_nested_values_with_spans() {
        let node = parse_ok(r#" {"a": [1, "x", true, null], "b": {}} "#);
        let Value::Object(members) = &node.value else {
            panic!("not an object")
        };
        assert_eq!(members[0].key, "a");
        assert_eq!(node.span, Span { start: 1, end: 37 });
        let Value::Array(items) = &members[0].value.value else {
            panic!("not an array")
        };
        assert_eq!(items[0].value, Value::Number("1"));
        assert_eq!(items[1].value, Value::String("x".into()));
        assert_eq!(items[2].value, Value::Bool(true));
        assert_eq!(items[3].value, Value::Null);
    }

    /// G1: "must not contain multiple instances of the same key".
    #[test]
    fn g1_rejects_duplicate_keys_at_the_second_key() {
        let err = parse(r#"{"a":1,"a":2}"#, 64).unwrap_err();
        assert_eq!(err.offset, 7);
        assert_eq!(err.message, "duplicate key `a`");
    }

    #[test]
    fn decodes_escapes_and_surrogate_pairs() {
        let node = parse_ok(r#""a\"\\\/\n\u00e9\ud83d\ude00""#);
        assert_eq!(node.value, Value::String("a\"\\/\n\u{e9}\u{1F600}".into()));
    }

    #[test]
    fn rejects_malformed_input() {
        for bad in [
            "",
            "{",
            "[1,]",
            "{\"a\" 1}",
            "01",
            "1.",
            "-",
            "tru",
            "\"abc",
            "\"\\x\"",
            "\"\\ud800\"",
            "{} x",
            "\"a\u{1}\"",
            "[1 2]",
            "{1:2}",
        ] {
            assert!(parse(bad, 64).is_err(), "accepted {bad:?}");
        }
    }

    #[test]
    fn caps_nesting_depth_without_recursing_further() {
        let deep = "[".repeat(100_000);
        let err = parse(&deep, 64).unwrap_err();
        assert!(err.message.contains("nested more than 64"));
        assert!(parse(&format!("{}{}", "[".repeat(64), "]".repeat(64)), 64).is_ok());
    }

    #[test]
    fn line_index_counts_characters_not_bytes() {
        let text = "{\n  \"é\": x";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 0), (1, 1));
        let x = text.find('x').unwrap();
        assert_eq!(index.position(text, x), (2, 8));
    }

    #[test]
    fn line_index_agrees_with_counting() {
        let text = "ab\né€x\n\n😀y z\nü";
        let index = LineIndex::new(text);
        for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
            let before = text.get(..offset).unwrap();
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().unwrap().chars().count() + 1;
            assert_eq!(index.position(text, offset), (line, column), "{offset}");
        }
    }

    /// The cursor and the index agree on every offset, multi-byte
    /// characters and one-line texts included.
    #[test]
    fn line_cursor_agrees_with_line_index() {
        for text in [
            "",
            "abc",
            "a\nbc\n\ndé\nf",
            "é\né",
            "{\"a\": 1,\n  \"b\": \"x\"}\n",
        ] {
            let index = LineIndex::new(text);
            let mut cursor = LineCursor::default();
            let boundaries = (0..=text.len()).filter(|&i| text.is_char_boundary(i));
            for offset in boundaries.clone() {
                assert_eq!(
                    cursor.position(text, offset),
                    index.position(text, offset),
                    "{text:?} {offset}"
                );
            }
            // Going back restarts the scan.
            let mut cursor = LineCursor::default();
            for offset in boundaries.rev() {
                assert_eq!(
                    cursor.position(text, offset),
                    index.position(text, offset),
                    "{text:?} {offset}"
                );
            }
        }
    }
}
