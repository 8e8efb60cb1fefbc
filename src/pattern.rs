//! IAM wildcard patterns: `*` matches any run of characters (including none),
//! `?` exactly one character, everything else is literal (A2, R3, O1).
//!
//! A pattern is compiled once into tokens and, where its shape allows, into
//! a cheaper strategy, after globset's `MatchStrategy`: exact, prefix,
//! suffix, prefix+suffix, pieces (literals between stars, each found
//! leftmost in one pass), and slot (`prefix ${var} suffix`, the per-user
//! resource). Only `?` and variables between stars are left to the general
//! matcher, which splits the pattern at its stars and finds each star-free
//! segment leftmost in turn. That greedy search is exact for globs whose
//! only repetition is `*` (each segment is a fixed number of characters, so
//! the leftmost occurrence also ends first), and it never backtracks across
//! stars, so `*a*a*…*b` against megabytes of `a` stays linear.
//!
//! Within a segment, a few candidate starts are tried directly; after
//! [`TRIES`] near misses the search hands over to the bit-parallel
//! [`shift_and`] search, which costs O(`n` · ⌈`m`/64⌉) for `n` text and `m`
//! characters in the segment: linear for segments of up to 64 characters,
//! and at most 64 word operations per text character under the 4,096-byte
//! pattern limit. Long literal pieces matched ignoring ASCII case take the
//! same way out; case-sensitive ones use `str::find` (two-way, linear).
//! So `*a?a?a…b*` against a megabyte of `a` is one pass, not a search from
//! every start.
//!
//! Variable tokens are resolved by the caller to plain text and matched as
//! literals: a substituted value can never act as a wildcard (V5).

use std::sync::Arc;

mod shift_and;
use shift_and::Item;

/// One token of a compiled pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Token {
    /// Literal text, shared with the pattern's strategy rather than copied.
    Lit(Arc<str>),
    /// The value of the pattern's n-th variable, matched literally.
    Var(u16),
    /// `?`: exactly one character.
    One,
    /// `*`: any run of characters. Runs of stars are collapsed.
    Star,
}

/// How literal text is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Case {
    /// Byte for byte.
    Sensitive,
    /// ASCII letters compare equal in either case (action names, A1).
    AsciiInsensitive,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Strategy {
    Any,
    /// Matches only the empty text.
    Empty,
    Exact(Arc<str>),
    Prefix(Arc<str>),
    Suffix(Arc<str>),
    PrefixSuffix(Arc<str>, Arc<str>),
    /// `prefix ${var} suffix`, optionally followed by one `*` (`open`): the
    /// usual per-user resource shape. Either literal may be empty.
    Slot {
        prefix: Arc<str>,
        var: u16,
        suffix: Arc<str>,
        open: bool,
    },
    /// Literals and stars only, in a shape none of the above covers, such
    /// as `ly55wbovq4/*/*/*` or `*a*`: `head`, then each of `middle` in
    /// order (the leftmost occurrence of each is the one to take), then
    /// `tail`, with anything between them. `head` or `tail` is empty when
    /// the pattern starts or ends with a star.
    Pieces {
        head: Arc<str>,
        middle: Box<[Arc<str>]>,
        tail: Arc<str>,
    },
    General,
}

/// A compiled wildcard pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pattern {
    // Vecs, not boxed slices: shrinking to fit would cost a reallocation
    // per pattern when compiling.
    tokens: Vec<Token>,
    /// Token ranges between stars, for [`Strategy::General`] only.
    segments: Vec<(usize, usize)>,
    leading_star: bool,
    trailing_star: bool,
    strategy: Strategy,
    var_count: u16,
}

impl Pattern {
    /// Compiles `text` where `*` and `?` are wildcards and nothing else is special.
    pub fn wildcard(text: &str) -> Self {
        if text.is_empty() {
            // Empty ARN segments (S3's region and account) are common.
            return Self::from_tokens(Vec::new());
        }
        let wildcards = text.bytes().filter(|b| matches!(b, b'*' | b'?')).count();
        let mut tokens = Vec::with_capacity(2 * wildcards + 1);
        let mut rest = text;
        while let Some(at) = rest.bytes().position(|b| b == b'*' || b == b'?') {
            let (lit, tail) = rest.split_at(at);
            if !lit.is_empty() {
                tokens.push(Token::Lit(lit.into()));
            }
            tokens.push(if tail.starts_with('*') {
                Token::Star
            } else {
                Token::One
            });
            rest = tail.get(1..).unwrap_or_default();
        }
        if !rest.is_empty() {
            tokens.push(Token::Lit(rest.into()));
        }
        Self::from_tokens(tokens)
    }

    /// Compiles a token list, merging adjacent literals and stars.
    pub fn from_tokens(mut tokens: Vec<Token>) -> Self {
        tokens.retain(|t| !matches!(t, Token::Lit(l) if l.is_empty()));
        tokens.dedup_by(|next, prev| match (prev, next) {
            (Token::Star, Token::Star) => true,
            (Token::Lit(prev), Token::Lit(next)) => {
                *prev = format!("{prev}{next}").into();
                true
            }
            _ => false,
        });
        let leading_star = tokens.first() == Some(&Token::Star);
        let trailing_star = tokens.last() == Some(&Token::Star);
        let var_count = tokens
            .iter()
            .filter_map(|t| match t {
                Token::Var(i) => Some(i + 1),
                _ => None,
            })
            .max()
            .unwrap_or(0);
        let strategy = Self::strategy(&tokens);
        // Only the general matcher walks segments; the others need none.
        let segments = match strategy {
            Strategy::General => segments_between_stars(&tokens),
            _ => Vec::new(),
        };
        Pattern {
            tokens,
            segments,
            leading_star,
            trailing_star,
            strategy,
            var_count,
        }
    }

    fn strategy(tokens: &[Token]) -> Strategy {
        let lit = |t: &Token| match t {
            Token::Lit(l) => Some(l.clone()),
            _ => None,
        };
        match tokens {
            [] => Strategy::Empty,
            [Token::Star] => Strategy::Any,
            [Token::Lit(l)] => Strategy::Exact(l.clone()),
            [Token::Lit(l), Token::Star] => Strategy::Prefix(l.clone()),
            [Token::Star, Token::Lit(l)] => Strategy::Suffix(l.clone()),
            [a, Token::Star, b] => match (lit(a), lit(b)) {
                (Some(a), Some(b)) => Strategy::PrefixSuffix(a, b),
                _ => Strategy::General,
            },
            _ => Self::slot(tokens)
                .or_else(|| Self::pieces(tokens))
                .unwrap_or(Strategy::General),
        }
    }

    /// [`Strategy::Pieces`] for tokens that are only literals and stars.
    fn pieces(tokens: &[Token]) -> Option<Strategy> {
        let mut lits = tokens.split(|t| *t == Token::Star).map(|run| match run {
            [] => Some(Arc::<str>::from("")),
            [Token::Lit(l)] => Some(l.clone()),
            _ => None,
        });
        // Adjacent literals and stars are merged, so each run between stars
        // is empty or one literal; anything else holds a `?` or a variable.
        let head = lits.next()??;
        let mut middle: Vec<Arc<str>> = lits.collect::<Option<_>>()?;
        let tail = middle.pop()?;
        Some(Strategy::Pieces {
            head,
            middle: middle.into(),
            tail,
        })
    }

    /// [`Strategy::Slot`] for `[Lit] Var [Lit] [Star]`.
    fn slot(tokens: &[Token]) -> Option<Strategy> {
        let (open, body) = match tokens {
            [body @ .., Token::Star] => (true, body),
            body => (false, body),
        };
        let empty = || Arc::<str>::from("");
        let (prefix, var, suffix) = match body {
            [Token::Var(v)] => (empty(), *v, empty()),
            [Token::Lit(p), Token::Var(v)] => (p.clone(), *v, empty()),
            [Token::Var(v), Token::Lit(s)] => (empty(), *v, s.clone()),
            [Token::Lit(p), Token::Var(v), Token::Lit(s)] => (p.clone(), *v, s.clone()),
            _ => return None,
        };
        Some(Strategy::Slot {
            prefix,
            var,
            suffix,
            open,
        })
    }

    /// The text this pattern matches when it has no wildcard or variable.
    pub fn as_literal(&self) -> Option<&str> {
        match &*self.tokens {
            [] => Some(""),
            [Token::Lit(l)] => Some(l),
            _ => None,
        }
    }

    /// The tokens, for explanations and for building ARN patterns.
    pub fn tokens(&self) -> &[Token] {
        &self.tokens
    }

    /// How many variable values `is_match` expects.
    pub fn var_count(&self) -> usize {
        usize::from(self.var_count)
    }

    /// For a pattern `prefix ${var} suffix`, optionally ending with `*`,
    /// whose variable is the first: the prefix, the suffix and whether it
    /// ends with `*` ([`crate::per_user`]).
    pub(crate) fn single_slot(&self) -> Option<(Arc<str>, Arc<str>, bool)> {
        match &self.strategy {
            Strategy::Slot {
                prefix,
                var: 0,
                suffix,
                open,
            } => Some((prefix.clone(), suffix.clone(), *open)),
            _ => None,
        }
    }

    /// Matches `text`, with `vars[i]` standing for `Token::Var(i)`.
    /// A missing variable value never matches.
    #[inline]
    pub fn is_match(&self, text: &str, vars: &[&str], case: Case) -> bool {
        // One copy of the matcher per case rule, so the byte comparisons
        // below do not test the rule again for every piece.
        match case {
            Case::Sensitive => self.matches(text, vars, Case::Sensitive),
            Case::AsciiInsensitive => self.matches(text, vars, Case::AsciiInsensitive),
        }
    }

    #[inline(always)]
    fn matches(&self, text: &str, vars: &[&str], case: Case) -> bool {
        match &self.strategy {
            Strategy::Any => true,
            Strategy::Empty => text.is_empty(),
            Strategy::Exact(l) => literal_eq(l, text, case),
            Strategy::Prefix(p) => starts_with(text, p, case),
            Strategy::Suffix(s) => ends_with(text, s, case),
            Strategy::PrefixSuffix(p, s) => {
                text.len() >= p.len() + s.len()
                    && starts_with(text, p, case)
                    && ends_with(text, s, case)
            }
            Strategy::Slot {
                prefix,
                var,
                suffix,
                open,
            } => vars
                .get(usize::from(*var))
                .is_some_and(|value| slot_match(text, prefix, value, suffix, *open, case)),
            Strategy::Pieces { head, middle, tail } => pieces_match(text, head, middle, tail, case),
            Strategy::General => self.general_match(text, vars, case),
        }
    }

    fn segment(&self, index: usize) -> &[Token] {
        self.segments
            .get(index)
            .and_then(|&(s, e)| self.tokens.get(s..e))
            .unwrap_or_default()
    }

    // Out of line, so the simple strategies above need no large stack frame.
    #[inline(never)]
    fn general_match(&self, text: &str, vars: &[&str], case: Case) -> bool {
        if vars.len() < self.var_count() {
            return false;
        }
        let n = self.segments.len();
        if n == 0 {
            // Only stars (or nothing at all).
            return self.leading_star || text.is_empty();
        }
        if !self.leading_star && !self.trailing_star && n == 1 {
            return match_forward(self.segment(0), text, 0, vars, case) == Some(text.len());
        }
        let mut lo = 0;
        let mut hi = text.len();
        let mut first = 0;
        let mut last = n;
        if !self.leading_star {
            match match_forward(self.segment(0), text, 0, vars, case) {
                Some(end) => lo = end,
                None => return false,
            }
            first = 1;
        }
        if !self.trailing_star {
            if last <= first {
                return false;
            }
            match match_backward(self.segment(last - 1), text, hi, vars, case) {
                Some(start) if start >= lo => hi = start,
                _ => return false,
            }
            last -= 1;
        }
        for index in first..last {
            match find_segment(self.segment(index), text, lo, hi, vars, case) {
                Some(end) => lo = end,
                None => return false,
            }
        }
        true
    }
}

/// The token ranges between stars, in order.
fn segments_between_stars(tokens: &[Token]) -> Vec<(usize, usize)> {
    let stars = tokens.iter().filter(|t| **t == Token::Star).count();
    let mut segments = Vec::with_capacity(stars + 1);
    let mut start = 0;
    for (i, t) in tokens.iter().enumerate() {
        if *t == Token::Star {
            if i > start {
                segments.push((start, i));
            }
            start = i + 1;
        }
    }
    if tokens.len() > start {
        segments.push((start, tokens.len()));
    }
    segments
}

/// IAM's wildcard matching on its own: `*` matches any run of characters
/// (including none and including `/` and `:`), `?` exactly one character,
/// everything else is literal (A2, R3, O1). It is what `Action`, the parts
/// of `Resource` ARNs and `StringLike` use. Compiled once. Matching takes
/// time linear in the text for every pattern whose pieces between stars
/// are at most 64 characters, and O(`n` · ⌈`m`/64⌉) for a piece of `m`
/// characters that holds `?` (or is matched ignoring case), never a search
/// from every start; it allocates nothing unless such a piece is longer
/// than 64 characters and keeps almost matching.
///
/// ```
/// use iam_eval::Wildcard;
/// let photos = Wildcard::new("notes/*/photos/*.jpg");
/// assert!(photos.is_match("notes/alice/photos/2024/cat.jpg"));
/// assert!(!photos.is_match("notes/alice/videos/cat.jpg"));
/// // Action names compare without regard to ASCII case (A1).
/// assert!(Wildcard::new("s3:get*").is_match_ignore_ascii_case("S3:GetObject"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wildcard(Pattern);

impl Wildcard {
    /// Compiles `pattern`; no text is invalid (policy variables are not
    /// expanded here: `${` is literal).
    pub fn new(pattern: &str) -> Self {
        Wildcard(Pattern::wildcard(pattern))
    }

    /// Whether the whole of `text` matches, byte for byte.
    pub fn is_match(&self, text: &str) -> bool {
        self.0.is_match(text, &[], Case::Sensitive)
    }

    /// Whether the whole of `text` matches, ASCII letters in either case.
    pub fn is_match_ignore_ascii_case(&self, text: &str) -> bool {
        self.0.is_match(text, &[], Case::AsciiInsensitive)
    }
}

/// [`Strategy::Slot`]: `text` is `prefix`, `value`, `suffix` (then anything
/// when `open`), compared in place.
#[inline(always)]
pub(crate) fn slot_match(
    text: &str,
    prefix: &str,
    value: &str,
    suffix: &str,
    open: bool,
    case: Case,
) -> bool {
    let bytes = text.as_bytes();
    let Some((head, rest)) = bytes.split_at_checked(prefix.len()) else {
        return false;
    };
    let Some((middle, rest)) = rest.split_at_checked(value.len()) else {
        return false;
    };
    let tail = match open {
        true => rest.get(..suffix.len()),
        false => Some(rest),
    };
    // The suffix (usually one `/`) first: the cheapest to rule out. Empty
    // pieces are compared without touching memory (`same`), so the slow
    // `memcmp` path on an empty slice's dangling pointer cannot arise.
    tail.is_some_and(|tail| bytes_eq(tail, suffix.as_bytes(), case))
        && bytes_eq(head, prefix.as_bytes(), case)
        && bytes_eq(middle, value.as_bytes(), case)
}

/// [`Strategy::Pieces`]. With only stars between the pieces, taking the
/// leftmost occurrence of each middle piece leaves the most room for the
/// rest, so one pass decides.
fn pieces_match(text: &str, head: &str, middle: &[Arc<str>], tail: &str, case: Case) -> bool {
    let Some(tail_start) = text.len().checked_sub(tail.len()) else {
        return false;
    };
    if tail_start < head.len() || !starts_with(text, head, case) || !ends_with(text, tail, case) {
        return false;
    }
    let mut from = head.len();
    for piece in middle {
        // Both ends sit on character boundaries: each follows or precedes
        // a matched piece of valid UTF-8.
        let Some(found) = text
            .get(from..tail_start)
            .and_then(|window| find_literal(window, piece, case))
        else {
            return false;
        };
        from += found + piece.len();
    }
    true
}

/// Whether `text` is exactly `literal` under `case`.
#[inline]
pub(crate) fn literal_eq(literal: &str, text: &str, case: Case) -> bool {
    // An empty literal needs no compare. (`same` compares empty slices
    // without touching memory, so the slow `memcmp` path on an empty
    // slice's dangling pointer cannot arise either way.)
    literal.len() == text.len()
        && (literal.is_empty() || bytes_eq(literal.as_bytes(), text.as_bytes(), case))
}

#[inline]
fn starts_with(text: &str, prefix: &str, case: Case) -> bool {
    // Empty when the pattern starts with `*`, as in `Pieces`: no compare.
    prefix.is_empty()
        || text
            .as_bytes()
            .get(..prefix.len())
            .is_some_and(|head| bytes_eq(head, prefix.as_bytes(), case))
}

#[inline]
fn ends_with(text: &str, suffix: &str, case: Case) -> bool {
    // Empty when the pattern ends with `*`: no compare.
    suffix.is_empty()
        || text
            .len()
            .checked_sub(suffix.len())
            .and_then(|start| text.as_bytes().get(start..))
            .is_some_and(|tail| bytes_eq(tail, suffix.as_bytes(), case))
}

#[inline(always)] // so a known case rule leaves just the `same` call
fn bytes_eq(a: &[u8], b: &[u8], case: Case) -> bool {
    match case {
        Case::Sensitive => same(a, b),
        // Identical bytes (the usual case) are found a word at a time; a
        // byte loop that stops at the first difference settles the rest.
        Case::AsciiInsensitive => {
            same(a, b)
                || (a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.eq_ignore_ascii_case(y)))
        }
    }
}

/// `a == b`, comparing the short texts met here (action names, ARN heads,
/// variable values) in overlapping loads instead of a byte loop or a call to
/// `memcmp`: 16 bytes at a time, the last load ending at the last byte, so
/// a 38-byte text takes three compares.
#[inline]
pub(crate) fn same(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n >= 16 {
        let mut at = 0;
        while at + 16 < n {
            if !same_at::<16>(a, b, at) {
                return false;
            }
            at += 16;
        }
        return same_at::<16>(a, b, n - 16);
    }
    match n {
        0..=3 => a.iter().zip(b).all(|(x, y)| x == y),
        4..=7 => same_at::<4>(a, b, 0) && same_at::<4>(a, b, n - 4),
        _ => same_at::<8>(a, b, 0) && same_at::<8>(a, b, n - 8),
    }
}

/// Whether the `N` bytes at `at` are equal in `a` and `b` (false when out of
/// range, which the callers above never ask for). Compared as one integer.
#[inline(always)]
fn same_at<const N: usize>(a: &[u8], b: &[u8], at: usize) -> bool {
    let chunk = |x: &[u8]| {
        let mut word = [0u8; 16];
        let bytes = x.get(at..at + N)?;
        word.get_mut(..N)?.copy_from_slice(bytes);
        Some(u128::from_ne_bytes(word))
    };
    matches!((chunk(a), chunk(b)), (Some(x), Some(y)) if x == y)
}

fn token_text<'a>(token: &'a Token, vars: &[&'a str]) -> Option<&'a str> {
    match token {
        Token::Lit(l) => Some(l),
        Token::Var(i) => vars.get(usize::from(*i)).copied(),
        Token::One | Token::Star => None,
    }
}

/// Matches a star-free segment starting at byte `pos`; returns its end.
fn match_forward(
    segment: &[Token],
    text: &str,
    mut pos: usize,
    vars: &[&str],
    case: Case,
) -> Option<usize> {
    for token in segment {
        let rest = text.get(pos..)?;
        match token {
            Token::One => pos += rest.chars().next()?.len_utf8(),
            Token::Star => return None,
            _ => {
                let lit = token_text(token, vars)?;
                if !starts_with(rest, lit, case) {
                    return None;
                }
                pos += lit.len();
            }
        }
    }
    Some(pos)
}

/// Matches a star-free segment ending at byte `end`; returns its start.
fn match_backward(
    segment: &[Token],
    text: &str,
    mut end: usize,
    vars: &[&str],
    case: Case,
) -> Option<usize> {
    for token in segment.iter().rev() {
        let head = text.get(..end)?;
        match token {
            Token::One => end -= head.chars().next_back()?.len_utf8(),
            Token::Star => return None,
            _ => {
                let lit = token_text(token, vars)?;
                if !ends_with(head, lit, case) {
                    return None;
                }
                end -= lit.len();
            }
        }
    }
    Some(end)
}

/// Failed candidate starts the anchor-and-verify scans below try before
/// they hand over to [`shift_and`]. Real pieces settle within a few; a
/// hostile one (`*a?a?a…b*` against `aaaa…`) costs at most this many
/// piece-length compares before the search turns linear.
const TRIES: usize = 8;

/// Finds the leftmost occurrence of a star-free segment within `text[lo..hi]`;
/// returns the end of that occurrence. Since the segment is a fixed number
/// of characters, the leftmost occurrence also ends first, which leaves the
/// most room for the segments after it.
fn find_segment(
    segment: &[Token],
    text: &str,
    lo: usize,
    hi: usize,
    vars: &[&str],
    case: Case,
) -> Option<usize> {
    let window = text.get(..hi)?;
    let anchor = segment.first().and_then(|t| token_text(t, vars));
    let mut start = lo;
    for _ in 0..TRIES {
        if start > hi {
            return None;
        }
        // Jump to the next place the segment's leading literal occurs.
        if let Some(lit) = anchor {
            let rest = window.get(start..)?;
            start += find_literal(rest, lit, case)?;
        }
        if let Some(end) = match_forward(segment, window, start, vars, case) {
            return Some(end);
        }
        // Advance one character and try again.
        start += window.get(start..)?.chars().next()?.len_utf8();
    }
    if start > hi {
        return None;
    }
    // Too many near misses: the linear search takes over from here. A
    // missing variable value means no match (the caller rules it out).
    let items = segment.iter().map(|token| match token {
        Token::One => Some(Item::One),
        _ => token_text(token, vars).map(Item::Text),
    });
    if items.clone().any(|item| item.is_none()) {
        return None;
    }
    shift_and::find(items.flatten(), window, start, hi, case)
}

/// Needles up to this long are found by scanning for their first byte;
/// longer case-sensitive ones use `str::find` (two-way: linear, but costly
/// to set up for the one- to few-byte pieces between stars of real ARNs).
const SHORT_NEEDLE: usize = 16;

/// Where `needle` first occurs in `haystack`. Inlined, so the one-byte
/// pieces between the stars of real ARNs (`/`, `:`) are a plain byte scan
/// under a case rule known at compile time; longer needles go out of line.
#[inline]
fn find_literal(haystack: &str, needle: &str, case: Case) -> Option<usize> {
    match needle.as_bytes() {
        [] => Some(0),
        &[only] => haystack
            .as_bytes()
            .iter()
            .position(|&b| byte_eq(b, only, case)),
        _ => find_long_literal(haystack, needle, case),
    }
}

fn byte_eq(a: u8, b: u8, case: Case) -> bool {
    match case {
        Case::Sensitive => a == b,
        Case::AsciiInsensitive => a.eq_ignore_ascii_case(&b),
    }
}

/// [`find_literal`] for needles of two bytes or more (correct for any).
#[inline(never)]
fn find_long_literal(haystack: &str, needle: &str, case: Case) -> Option<usize> {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    let Some(&first) = n.first() else {
        return Some(0);
    };
    if case == Case::Sensitive && n.len() > SHORT_NEEDLE {
        return haystack.find(needle);
    }
    let mut from = 0;
    for _ in 0..TRIES {
        let window = h.get(from..)?;
        // Scan for the first two bytes together, so a text that repeats the
        // first byte (`aaaa…` for the piece `ab`) costs no call per position.
        let at = from
            + match n.get(1) {
                None => window.iter().position(|&b| byte_eq(b, first, case))?,
                Some(&second) => window.windows(2).position(
                    |w| matches!(*w, [x, y] if byte_eq(x, first, case) && byte_eq(y, second, case)),
                )?,
            };
        // The needle is valid UTF-8, so a match starts on a character boundary.
        if h.get(at..)
            .and_then(|t| t.get(..n.len()))
            .is_some_and(|t| bytes_eq(t, n, case))
        {
            return Some(at);
        }
        from = at + 1;
    }
    // Linear from here on, for a needle that keeps almost matching (only
    // needles matched ignoring case, or of at most `SHORT_NEEDLE` bytes,
    // get here, and the latter only ever cost that many bytes a try).
    while !haystack.is_char_boundary(from) {
        from += 1;
    }
    let piece = std::iter::once(Item::Text(needle));
    let end = shift_and::find(piece, haystack, from, haystack.len(), case)?;
    Some(end - n.len())
}

/// The obvious matcher, quadratic in the worst case, kept as the reference the
/// fast matcher is tested against.
#[cfg(test)]
pub(crate) fn reference_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // dp[j] = pattern[..i] matches text[..j]
    let mut dp = vec![false; t.len() + 1];
    dp[0] = true;
    for &pc in &p {
        let mut next = vec![false; t.len() + 1];
        match pc {
            '*' => {
                let mut any = false;
                for j in 0..=t.len() {
                    any |= dp[j];
                    next[j] = any;
                }
            }
            _ => {
                for j in 1..=t.len() {
                    next[j] = dp[j - 1] && (pc == '?' || pc == t[j - 1]);
                }
            }
        }
        dp = next;
    }
    dp[t.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn m(pattern: &str, text: &str) -> bool {
        Pattern::wildcard(pattern).is_match(text, &[], Case::Sensitive)
    }

    /// R3: the documentation's own examples for `arn:aws:s3:::DOC-EXAMPLE-BUCKET/*/test/*`.
    #[test]
    fn r3_star_crosses_slash_per_resource_docs() {
        let p = "DOC-EXAMPLE-BUCKET/*/test/*";
        assert!(m(p, "DOC-EXAMPLE-BUCKET/1/2/test/3/object.jpg"));
        assert!(m(p, "DOC-EXAMPLE-BUCKET//test/object.jpg"));
        assert!(m(p, "DOC-EXAMPLE-BUCKET/1/test/"));
        assert!(!m(p, "DOC-EXAMPLE-BUCKET/test/object.jpg"));
        assert!(!m(p, "DOC-EXAMPLE-BUCKET/1-test/object.jpg"));
    }

    /// A2: `?` is exactly one character, `*` any run including none.
    #[test]
    fn a2_question_mark_is_one_character() {
        assert!(m("s3:?etObject", "s3:GetObject"));
        assert!(!m("s3:?etObject", "s3:etObject"));
        assert!(m("a?c", "aéc"));
        assert!(m("*", ""));
        assert!(m("a*", "a"));
        assert!(!m("", "a"));
        assert!(m("", ""));
    }

    /// A1: action names compare without regard to ASCII case.
    #[test]
    fn a1_case_insensitive_mode() {
        let p = Pattern::wildcard("iam:*accesskey*");
        assert!(p.is_match("IAM:CreateAccessKey", &[], Case::AsciiInsensitive));
        assert!(!p.is_match("IAM:CreateAccessKey", &[], Case::Sensitive));
        let q = Pattern::wildcard("s3:get?bject*");
        assert!(q.is_match("S3:GetObjectTagging", &[], Case::AsciiInsensitive));
    }

    /// V5: a variable's value is literal text even when it holds `*` or `?`.
    #[test]
    fn v5_variable_values_are_literal() {
        let p = Pattern::from_tokens(vec![
            Token::Lit("home/".into()),
            Token::Var(0),
            Token::Lit("/".into()),
            Token::Star,
        ]);
        assert!(p.is_match("home/bob*/x", &["bob*"], Case::Sensitive));
        assert!(!p.is_match("home/bobby/x", &["bob*"], Case::Sensitive));
        assert!(!p.is_match("home/bXb/x", &["b?b"], Case::Sensitive));
        assert!(
            !p.is_match("home/bob/x", &[], Case::Sensitive),
            "missing value"
        );
    }

    #[test]
    fn many_stars_against_long_text_stays_linear() {
        let pattern = format!("{}b", "*a".repeat(64));
        let text = "a".repeat(10_000);
        assert!(!m(&pattern, &text));
        let pattern = format!("{}b*", "*a".repeat(64));
        assert!(!m(&pattern, &text));
        assert!(m(&pattern, &format!("{text}b")));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn agrees_with_reference(pattern in "[ab*?/é]{0,10}", text in "[ab/é]{0,12}") {
            prop_assert_eq!(m(&pattern, &text), reference_match(&pattern, &text),
                "pattern {:?} text {:?}", pattern, text);
        }

        /// The case-insensitive search path (A1) agrees with the reference
        /// run on ASCII-lowercased pattern and text.
        #[test]
        fn ignore_case_agrees_with_reference(
            pattern in "[aAbB*?/é]{0,10}",
            text in "[aAbB/é]{0,12}",
        ) {
            let folded = reference_match(&pattern.to_ascii_lowercase(), &text.to_ascii_lowercase());
            prop_assert_eq!(
                Pattern::wildcard(&pattern).is_match(&text, &[], Case::AsciiInsensitive),
                folded,
                "pattern {:?} text {:?}", pattern, text
            );
        }

        /// Longer pieces between stars take the other search paths (a
        /// needle over [`SHORT_NEEDLE`] bytes, matched from either end).
        #[test]
        fn long_pieces_agree_with_reference(
            pieces in proptest::collection::vec("[aAb]{0,20}", 1..4),
            stars in proptest::collection::vec(any::<bool>(), 4),
            text in "[aAb]{0,60}",
        ) {
            let mut pattern = String::new();
            for (piece, star) in pieces.iter().zip(&stars) {
                if *star { pattern.push('*'); }
                pattern.push_str(piece);
            }
            if stars[3] { pattern.push('*'); }
            let p = Pattern::wildcard(&pattern);
            prop_assert_eq!(p.is_match(&text, &[], Case::Sensitive), reference_match(&pattern, &text));
            let folded = reference_match(&pattern.to_ascii_lowercase(), &text.to_ascii_lowercase());
            prop_assert_eq!(p.is_match(&text, &[], Case::AsciiInsensitive), folded);
        }

        /// The `Slot` fast path agrees with the general matcher it replaces.
        #[test]
        fn slot_agrees_with_general(
            prefix in "[aAb/é]{0,4}",
            suffix in "[aAb/é]{0,3}",
            open in any::<bool>(),
            value in proptest::option::of("[aAb/é*?]{0,4}"),
            text in "[aAb/é*?]{0,12}",
        ) {
            let mut tokens = vec![
                Token::Lit(prefix.clone().into()),
                Token::Var(0),
                Token::Lit(suffix.clone().into()),
            ];
            if open {
                tokens.push(Token::Star);
            }
            let p = Pattern::from_tokens(tokens);
            prop_assert!(matches!(p.strategy, super::Strategy::Slot { .. }), "{:?}", p.strategy);
            let general = Pattern {
                segments: segments_between_stars(&p.tokens),
                strategy: super::Strategy::General,
                ..p.clone()
            };
            let vars: Vec<&str> = value.as_deref().into_iter().collect();
            for case in [Case::Sensitive, Case::AsciiInsensitive] {
                prop_assert_eq!(
                    p.is_match(&text, &vars, case),
                    general.general_match(&text, &vars, case),
                    "{:?} {:?} {:?} {:?}", p.tokens, vars, text, case
                );
            }
            // A value equal to the text's middle must match.
            let middle = value.unwrap_or_default();
            let whole = format!("{prefix}{middle}{suffix}{}", if open { "x" } else { "" });
            prop_assert!(p.is_match(&whole, &[&middle], Case::Sensitive));
        }

        /// The word-at-a-time comparisons agree with byte-by-byte ones.
        #[test]
        fn word_compares_agree_with_bytes(
            a in "[aAbB:-]{0,200}",
            flip in any::<u64>(),
            at in any::<usize>(),
        ) {
            let b: String = a
                .chars()
                .enumerate()
                .map(|(i, c)| if flip >> (i % 64) & 1 == 1 { c.to_ascii_uppercase() } else { c })
                .collect();
            let (a, mut c) = (a.into_bytes(), b.into_bytes());
            prop_assert!(bytes_eq(&a, &c, Case::AsciiInsensitive));
            prop_assert_eq!(same(&a, &c), a == c);
            if !c.is_empty() {
                let i = at % c.len();
                c[i] = b'x';
                let fold = a.iter().zip(&c).all(|(x, y)| x.eq_ignore_ascii_case(y));
                prop_assert_eq!(bytes_eq(&a, &c, Case::AsciiInsensitive), fold);
                prop_assert_eq!(same(&a, &c), a == c);
                prop_assert_eq!(bytes_eq(&a, &c, Case::Sensitive), a == c);
            }
            prop_assert!(!same(&a, &c[..c.len().saturating_sub(1)]) || a.is_empty());
        }
    }

    /// Literal-and-star patterns that no simpler strategy covers take the
    /// one-pass `Pieces` matcher; the reference tests above check its answers.
    #[test]
    fn pieces_shapes() {
        let strategy = |pattern: &str| Pattern::wildcard(pattern).strategy;
        for pieces in ["ly55wbovq4/*/*/*", "*a*", "a*b*c", "**a**b", "*/*"] {
            assert!(
                matches!(strategy(pieces), super::Strategy::Pieces { .. }),
                "{pieces}"
            );
        }
        assert!(matches!(strategy("a*?b"), super::Strategy::General));
        assert!(matches!(strategy("*a"), super::Strategy::Suffix(_)));
        assert!(matches!(strategy("a*b"), super::Strategy::PrefixSuffix(..)));
        let m = |pattern: &str, text: &str| {
            Pattern::wildcard(pattern).is_match(text, &[], Case::Sensitive)
        };
        assert!(m("ly55wbovq4/*/*/*", "ly55wbovq4/prod/GET/notes"));
        assert!(m("ly55wbovq4/*/*/*", "ly55wbovq4///"));
        assert!(!m("ly55wbovq4/*/*/*", "ly55wbovq4/prod/GET"));
        // Head and tail may not overlap.
        assert!(!m("ab*b*ba", "aba"));
        assert!(m("ab*b*ba", "abbba"));
    }

    #[test]
    fn slot_shapes() {
        let slot = |text: &str| {
            let mut vars = Vec::new();
            let tokens = crate::variable::tokenize(
                text,
                crate::variable::Wildcards::Honoured,
                true,
                &mut vars,
            )
            .unwrap();
            matches!(
                Pattern::from_tokens(tokens).strategy,
                super::Strategy::Slot { .. }
            )
        };
        assert!(slot(
            "notes-app-uploads/private/${cognito-identity.amazonaws.com:sub}/*"
        ));
        assert!(slot("home/${aws:username}"));
        assert!(slot("${aws:username}"));
        assert!(slot("${aws:username}/*"));
        assert!(!slot("*/${aws:username}"));
        assert!(!slot("a/${aws:username}/?"));
        assert!(!slot("a/${aws:username}/${aws:userid}"));
        let p = Pattern::from_tokens(vec![Token::Var(1), Token::Star]);
        assert!(!p.is_match("x", &["x"], Case::Sensitive), "missing value");
        assert!(p.is_match("xy", &["", "x"], Case::Sensitive));
    }
}
