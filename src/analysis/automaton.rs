//! Glob languages and the regions they cut the strings into.
//!
//! IAM patterns know `*` and `?` only, so every action, resource and string
//! condition pattern is a regular language with a tiny NFA: one state per
//! token, a loop on `*`. For a list of such languages, every string lands in
//! one *region*: the set of languages that contain it. Walking the product
//! of the NFAs breadth first reaches every combination of states a string
//! can reach, so collecting the accepting languages at each reached
//! combination lists every region there is, each with a shortest witness.
//! That list is complete: a question about the strings that only asks which
//! languages hold them is answered by trying one witness per region.

use std::collections::{HashMap, VecDeque};

/// One symbol of a string being analysed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Sym {
    /// A character.
    Char(char),
    /// The value of the n-th policy variable, as one opaque symbol.
    Var(u32),
}

/// One token of a glob language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Tok {
    /// One of these characters.
    Chars(Vec<char>),
    /// `?`: one character, not `:` when `no_colon` (an ARN head segment).
    One { no_colon: bool },
    /// `*`: any run of characters (not `:` when `no_colon`); variable
    /// symbols too when `vars`.
    Star { no_colon: bool, vars: bool },
    /// A variable's value.
    Var(u32),
}

impl Tok {
    fn accepts(&self, sym: Sym) -> bool {
        match (self, sym) {
            (Tok::Chars(set), Sym::Char(c)) => set.contains(&c),
            (Tok::One { no_colon }, Sym::Char(c)) => !(*no_colon && c == ':'),
            (Tok::Star { no_colon, .. }, Sym::Char(c)) => !(*no_colon && c == ':'),
            (Tok::Star { vars, .. }, Sym::Var(_)) => *vars,
            (Tok::Var(a), Sym::Var(b)) => *a == b,
            _ => false,
        }
    }
}

/// A glob language: tokens read left to right.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Glob {
    pub toks: Vec<Tok>,
}

impl Glob {
    /// Appends `text`; `ignore_ascii_case` adds the other ASCII case of each
    /// letter.
    pub fn push_literal(&mut self, text: &str, ignore_ascii_case: bool) {
        for c in text.chars() {
            let mut set = vec![c];
            if ignore_ascii_case && c.is_ascii_alphabetic() {
                set.push(if c.is_ascii_lowercase() {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                });
            }
            self.toks.push(Tok::Chars(set));
        }
    }

    /// Whether the language holds `word` (used for real action names).
    pub fn matches(&self, word: &[Sym]) -> bool {
        let mut states = self.start();
        for &s in word {
            states = self.step(&states, s);
            if states.is_empty() {
                return false;
            }
        }
        states.contains(&self.toks.len())
    }

    fn close(&self, states: &mut Vec<usize>) {
        let mut i = 0;
        while let Some(&s) = states.get(i) {
            if matches!(self.toks.get(s), Some(Tok::Star { .. })) && !states.contains(&(s + 1)) {
                states.push(s + 1);
            }
            i += 1;
        }
        states.sort_unstable();
        states.dedup();
    }

    fn start(&self) -> Vec<usize> {
        let mut s = vec![0];
        self.close(&mut s);
        s
    }

    fn step(&self, states: &[usize], sym: Sym) -> Vec<usize> {
        let mut next = Vec::new();
        for &s in states {
            if let Some(tok) = self.toks.get(s) {
                if tok.accepts(sym) {
                    next.push(if matches!(tok, Tok::Star { .. }) {
                        s
                    } else {
                        s + 1
                    });
                }
            }
        }
        self.close(&mut next);
        next
    }

    fn symbols(&self, out: &mut Vec<Sym>) {
        for t in &self.toks {
            match t {
                Tok::Chars(set) => out.extend(set.iter().map(|&c| Sym::Char(c))),
                Tok::Var(v) => out.push(Sym::Var(*v)),
                Tok::One { no_colon } | Tok::Star { no_colon, .. } => {
                    if *no_colon {
                        out.push(Sym::Char(':'));
                    }
                }
            }
        }
    }
}

/// One region: which of the languages hold its strings, and a witness.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Region {
    pub member: Vec<bool>,
    pub witness: Vec<Sym>,
}

/// Characters that no policy names, to stand for all of them.
const FRESH: &[char] = &['x', 'q', 'z', 'w', '0', '7', '_', '~', 'Q', 'X', '\u{e9}'];

/// Every region the globs cut the strings into, each with a shortest
/// witness; `None` when more than `budget` product states would be visited
/// (the caller then treats the dimension as unknown).
pub(crate) fn regions(globs: &[&Glob], budget: usize) -> Option<Vec<Region>> {
    let mut alphabet = Vec::new();
    for g in globs {
        g.symbols(&mut alphabet);
    }
    // Lowercase first, so witnesses read as people write ARNs and actions.
    alphabet.sort_unstable_by_key(|s| match s {
        Sym::Char(c) => (c.is_ascii_uppercase(), *s),
        Sym::Var(_) => (false, *s),
    });
    alphabet.dedup();
    if let Some(&c) = FRESH.iter().find(|c| !alphabet.contains(&Sym::Char(**c))) {
        alphabet.push(Sym::Char(c));
    }
    let start: Vec<Vec<usize>> = globs.iter().map(|g| g.start()).collect();
    // Each visited state: its parent and the symbol that led to it.
    let mut seen: HashMap<Vec<Vec<usize>>, usize> = HashMap::new();
    let mut nodes: Vec<(Option<usize>, Option<Sym>)> = vec![(None, None)];
    let mut states: Vec<Vec<Vec<usize>>> = vec![start.clone()];
    seen.insert(start, 0);
    let mut queue = VecDeque::from([0usize]);
    let mut found: Vec<Region> = Vec::new();
    while let Some(id) = queue.pop_front() {
        let current = states.get(id)?.clone();
        let member: Vec<bool> = globs
            .iter()
            .zip(&current)
            .map(|(g, s)| s.contains(&g.toks.len()))
            .collect();
        if !found.iter().any(|r| r.member == member) {
            found.push(Region {
                member,
                witness: path(&nodes, id),
            });
        }
        for &sym in &alphabet {
            let next: Vec<Vec<usize>> = globs
                .iter()
                .zip(&current)
                .map(|(g, s)| g.step(s, sym))
                .collect();
            if seen.contains_key(&next) {
                continue;
            }
            if nodes.len() >= budget {
                return None;
            }
            let nid = nodes.len();
            nodes.push((Some(id), Some(sym)));
            states.push(next.clone());
            seen.insert(next, nid);
            queue.push_back(nid);
        }
    }
    Some(found)
}

fn path(nodes: &[(Option<usize>, Option<Sym>)], mut id: usize) -> Vec<Sym> {
    let mut out = Vec::new();
    while let Some(&(parent, sym)) = nodes.get(id) {
        if let Some(s) = sym {
            out.push(s);
        }
        match parent {
            Some(p) => id = p,
            None => break,
        }
    }
    out.reverse();
    out
}

/// A witness as text, each variable symbol replaced by `value(n)`.
pub(crate) fn render(word: &[Sym], value: impl Fn(u32) -> String) -> String {
    let mut out = String::new();
    for s in word {
        match s {
            Sym::Char(c) => out.push(*c),
            Sym::Var(v) => out.push_str(&value(*v)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glob(text: &str) -> Glob {
        let mut g = Glob::default();
        for c in text.chars() {
            g.toks.push(match c {
                '*' => Tok::Star {
                    no_colon: false,
                    vars: true,
                },
                '?' => Tok::One { no_colon: false },
                '#' => Tok::Var(0),
                c => Tok::Chars(vec![c]),
            });
        }
        g
    }

    fn word(text: &str) -> Vec<Sym> {
        text.chars()
            .map(|c| if c == '#' { Sym::Var(0) } else { Sym::Char(c) })
            .collect()
    }

    #[test]
    fn every_region_of_overlapping_globs_is_found() {
        let (a, b, c) = (glob("a*"), glob("*b"), glob("ab"));
        let found = regions(&[&a, &b, &c], 10_000).unwrap();
        let members: Vec<Vec<bool>> = found.iter().map(|r| r.member.clone()).collect();
        // "axb": in a* and *b but not ab, the region a per-pattern guess misses.
        assert!(members.contains(&vec![true, true, false]));
        assert!(members.contains(&vec![true, true, true]));
        assert!(members.contains(&vec![false, false, false]));
        assert!(members.contains(&vec![true, false, false]));
        assert!(members.contains(&vec![false, true, false]));
        assert_eq!(found.len(), 5);
        for r in &found {
            assert_eq!(a.matches(&r.witness), r.member[0]);
            assert_eq!(b.matches(&r.witness), r.member[1]);
            assert_eq!(c.matches(&r.witness), r.member[2]);
        }
    }

    #[test]
    fn a_question_mark_never_stands_for_a_variable() {
        assert!(!glob("b/?").matches(&word("b/#")));
        assert!(glob("b/*").matches(&word("b/#")));
        assert!(glob("b/#/*").matches(&word("b/#/k")));
    }

    #[test]
    fn the_budget_is_kept() {
        let g = glob("*a*b*c*d*");
        assert!(regions(&[&g], 2).is_none());
    }
}
