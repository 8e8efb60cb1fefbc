//! Finding a star-free piece that holds `?` in time linear in the text.
//!
//! Such a piece is a fixed number of characters, each either given or any
//! (`?`), so the classic bit-parallel Shift-And search finds its leftmost
//! occurrence in one pass: bit `i` of the state says "the piece's first
//! `i + 1` characters end here". A piece of `m` characters takes
//! ⌈`m`/64⌉ words of state, so the search costs O(`n` · ⌈`m`/64⌉) for `n`
//! characters of text (one word per text character up to 64 characters in
//! the piece, at most 64 under the 4,096-byte pattern limit) and never
//! backtracks. Characters are Unicode scalars, as `?` is one character
//! (A2), not one byte.
//!
//! The masks are built per search, on the stack for pieces of up to 64
//! characters (the usual ones) and on the heap beyond, so a compiled
//! pattern stores nothing extra and variable values (V5) are handled like
//! any literal text.

use super::Case;

/// One part of a star-free piece, with its variables already resolved.
#[derive(Debug, Clone, Copy)]
pub(super) enum Item<'a> {
    /// Literal characters.
    Text(&'a str),
    /// `?`: any one character.
    One,
}

/// Characters one word of state covers.
const WORD: usize = 64;

/// The masks of up to 64 consecutive characters of a piece: bit `i` is set
/// in the mask of every character that may stand at position `i`.
#[derive(Clone)]
struct Block {
    ascii: [u64; 128],
    /// Non-ASCII characters of the block with their masks, sorted by
    /// character in `other[..others]`; at most one per position.
    other: [(char, u64); WORD],
    others: usize,
    /// The `?` positions, which every character matches (also in every
    /// mask above, once finished).
    any: u64,
}

impl Block {
    const EMPTY: Block = Block {
        ascii: [0; 128],
        other: [('\0', 0); WORD],
        others: 0,
        any: 0,
    };

    /// Lets `c` (and, ignoring case, its other ASCII case) stand at `bit`.
    fn add(&mut self, c: char, bit: u64, case: Case) {
        if c.is_ascii() {
            let byte = c as u8;
            let mut set = |b: u8| {
                if let Some(mask) = self.ascii.get_mut(usize::from(b)) {
                    *mask |= bit;
                }
            };
            set(byte);
            if case == Case::AsciiInsensitive {
                set(byte.to_ascii_lowercase());
                set(byte.to_ascii_uppercase());
            }
            return;
        }
        let others = self.others;
        let Some(sorted) = self.other.get_mut(..others) else {
            return;
        };
        match sorted.binary_search_by_key(&c, |&(k, _)| k) {
            Ok(at) => {
                if let Some((_, mask)) = sorted.get_mut(at) {
                    *mask |= bit;
                }
            }
            Err(at) => {
                // A block has at most `WORD` positions, so there is room.
                if let Some(room) = self.other.get_mut(at..=others) {
                    room.rotate_right(1);
                    if let Some(first) = room.first_mut() {
                        *first = (c, bit);
                    }
                    self.others += 1;
                }
            }
        }
    }

    /// Adds the `?` positions to every mask, so a lookup is one load.
    fn finish(&mut self) {
        let any = self.any;
        for mask in self.ascii.iter_mut() {
            *mask |= any;
        }
        for (_, mask) in self.other.iter_mut() {
            *mask |= any;
        }
    }

    /// The positions `c` may stand at (after [`Block::finish`]).
    #[inline]
    fn mask(&self, c: char) -> u64 {
        if c.is_ascii() {
            return self.ascii.get(c as usize & 127).copied().unwrap_or(0);
        }
        let sorted = self.other.get(..self.others).unwrap_or_default();
        match sorted.binary_search_by_key(&c, |&(k, _)| k) {
            Ok(at) => sorted.get(at).map_or(self.any, |&(_, mask)| mask),
            Err(_) => self.any,
        }
    }
}

/// Finds the leftmost occurrence of the piece `items` within
/// `text[lo..hi]` and returns the byte offset of its end. `lo` and `hi`
/// must lie on character boundaries (they do: every caller derives them
/// from matched UTF-8 pieces).
pub(super) fn find<'a>(
    items: impl Iterator<Item = Item<'a>> + Clone,
    text: &str,
    lo: usize,
    hi: usize,
    case: Case,
) -> Option<usize> {
    let length: usize = items
        .clone()
        .map(|item| match item {
            Item::Text(t) => t.chars().count(),
            Item::One => 1,
        })
        .sum();
    if length == 0 {
        return (lo <= hi && text.is_char_boundary(lo)).then_some(lo);
    }
    let words = length.div_ceil(WORD);
    if words == 1 {
        let mut blocks = [Block::EMPTY];
        build(&mut blocks, items, case);
        search(&blocks, &mut [0], length, text, lo, hi)
    } else {
        // Only pieces longer than 64 characters between stars get here.
        let mut blocks = vec![Block::EMPTY; words];
        build(&mut blocks, items, case);
        search(&blocks, &mut vec![0; words], length, text, lo, hi)
    }
}

/// Fills one block per 64 characters of the piece.
fn build<'a>(blocks: &mut [Block], items: impl Iterator<Item = Item<'a>>, case: Case) {
    let chars = items.flat_map(|item| {
        let (text, any) = match item {
            Item::Text(text) => (text, None),
            Item::One => ("", Some(None)),
        };
        text.chars().map(Some).chain(any)
    });
    for (position, c) in chars.enumerate() {
        let bit = 1u64 << (position % WORD);
        let Some(block) = blocks.get_mut(position / WORD) else {
            break;
        };
        match c {
            Some(c) => block.add(c, bit, case),
            None => block.any |= bit,
        }
    }
    for block in blocks {
        block.finish();
    }
}

/// The Shift-And scan itself over `text[lo..hi]`, one character at a time.
fn search(
    blocks: &[Block],
    state: &mut [u64],
    length: usize,
    text: &str,
    lo: usize,
    hi: usize,
) -> Option<usize> {
    let window = text.get(lo..hi)?;
    let found = 1u64 << ((length - 1) % WORD);
    // Words past `live` are zero and get no carry this step, so they need
    // no update: on text that rarely matches, only the first word moves.
    let mut live = 1;
    for (at, c) in window.char_indices() {
        let set = if c.is_ascii() {
            // Masked to the table's size, so the loads need no bounds check.
            let index = c as usize & 127;
            step(state, blocks, live, |block| {
                block.ascii.get(index).copied().unwrap_or(0)
            })
        } else {
            step(state, blocks, live, |block| block.mask(c))
        };
        if set == state.len() && state.last().is_some_and(|&word| word & found != 0) {
            return Some(lo + at + c.len_utf8());
        }
        live = (set + 1).min(state.len());
    }
    None
}

/// Advances the first `live` words of `state` by one text character whose
/// masks `mask` gives; returns how many words are now live (the last
/// non-zero one and all before it).
#[inline(always)]
fn step(state: &mut [u64], blocks: &[Block], live: usize, mask: impl Fn(&Block) -> u64) -> usize {
    let mut carry = 1u64;
    let mut set = 0;
    let live = live.min(state.len()).min(blocks.len());
    let (Some(state), Some(blocks)) = (state.get_mut(..live), blocks.get(..live)) else {
        return 0;
    };
    for (index, (word, block)) in state.iter_mut().zip(blocks).enumerate() {
        let old = *word;
        let new = ((old << 1) | carry) & mask(block);
        carry = old >> (WORD - 1);
        *word = new;
        set = if new != 0 { index + 1 } else { set };
    }
    set
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_leftmost_end() {
        let items = [Item::Text("a"), Item::One, Item::Text("b")];
        assert_eq!(
            find(items.iter().copied(), "xxaxbaéb", 0, 9, Case::Sensitive),
            Some(5)
        );
        assert_eq!(
            find(items.iter().copied(), "xxaxbaéb", 3, 9, Case::Sensitive),
            Some(9)
        );
        assert_eq!(
            find(items.iter().copied(), "xxaxbaéb", 3, 8, Case::Sensitive),
            None
        );
        assert_eq!(
            find(items.iter().copied(), "AxB", 0, 3, Case::Sensitive),
            None
        );
        assert_eq!(
            find(items.iter().copied(), "AxB", 0, 3, Case::AsciiInsensitive),
            Some(3)
        );
    }

    #[test]
    fn pieces_longer_than_a_word() {
        let piece = "é?".repeat(50) + "z";
        let items: Vec<Item> = piece
            .split('?')
            .flat_map(|t| [Item::Text(t), Item::One])
            .take(2 * 51 - 1)
            .collect();
        let text = format!("{}{}", "éé".repeat(80), "éxz");
        let hit = find(items.iter().copied(), &text, 0, text.len(), Case::Sensitive);
        assert_eq!(hit, Some(text.len()));
        let miss = "éé".repeat(80) + "é";
        assert_eq!(
            find(items.iter().copied(), &miss, 0, miss.len(), Case::Sensitive),
            None
        );
    }
}
