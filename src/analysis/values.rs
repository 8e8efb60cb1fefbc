//! Candidate values for one context key: a finite list complete for the
//! conditions at hand, so that whatever a request could put in the key, one
//! candidate meets exactly the same conditions.
//!
//! Strings are cut into regions by the conditions' patterns
//! ([`super::automaton`]); numbers, dates and addresses by the constants the
//! conditions compare with (every region of the line starts at a constant,
//! just after one, or below them all). Multi-valued keys take sets of up to
//! one more value than there are conditions: a set operator asks for one
//! value that passes or fails (`ForAnyValue`) or for all values to pass
//! (`ForAllValues`), so a set that meets some conditions keeps meeting them
//! when cut down to one witness per condition (plus one, so a bare operator
//! still sees several values).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

use super::automaton::{regions, Glob, Sym, Tok};
use crate::condition::{parse_date, Condition, Decimal, Operands, SetQualifier, Test};
use crate::options::{BareMultiValue, Options};
use crate::pattern::Token;
use crate::request::ContextValue;

/// Most product states walked for one key's strings.
const STRING_BUDGET: usize = 20_000;
/// Most candidate values for one key.
const MAX_CANDIDATES: usize = 4_000;

/// Whether a condition can be decided from candidates: no variable among its
/// values and a family this module cuts into regions.
pub(crate) fn decidable(condition: &Condition) -> bool {
    match &condition.operands {
        Operands::Text(ops) => {
            ops.iter().all(|op| op.vars.is_empty())
                && (condition.operator.test != Test::StringEqualsIgnoreCase
                    || ops.iter().all(|op| op.source.is_ascii()))
        }
        Operands::Numbers(_) | Operands::Dates(_) | Operands::Networks(_) | Operands::Null(_) => {
            true
        }
        Operands::Bytes(_) | Operands::Arns(_) | Operands::UnreadableDates => false,
    }
}

/// The family a condition's values belong to; `Null` has none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Text,
    Bool,
    Number,
    Date,
    Address,
}

fn family(condition: &Condition) -> Option<Family> {
    match &condition.operands {
        Operands::Text(_) if condition.operator.test == Test::Bool => Some(Family::Bool),
        Operands::Text(_) => Some(Family::Text),
        Operands::Numbers(_) => Some(Family::Number),
        Operands::Dates(_) => Some(Family::Date),
        Operands::Networks(_) => Some(Family::Address),
        _ => None,
    }
}

/// Candidate values for a key read by `conditions` (all [`decidable`]);
/// `None` when they mix families or the lists grow too long, and the key
/// is then left undecided.
pub(crate) fn candidates(
    conditions: &[&Condition],
    options: &Options,
) -> Option<Vec<Option<ContextValue>>> {
    let mut families: Vec<Family> = conditions.iter().filter_map(|c| family(c)).collect();
    families.dedup();
    families.sort_unstable_by_key(|f| *f as u8);
    families.dedup();
    let singles: Vec<String> = match families.as_slice() {
        [] => vec!["x".to_owned()],
        [Family::Text] => strings(conditions)?,
        [Family::Bool] => ["true", "false", "x"].map(str::to_owned).to_vec(),
        [Family::Number] => numbers(conditions)?,
        [Family::Date] => dates(conditions)?,
        [Family::Address] => addresses(conditions),
        _ => return None,
    };
    let mut out: Vec<Option<ContextValue>> = vec![None, Some(ContextValue::Single(String::new()))];
    for s in &singles {
        out.push(Some(ContextValue::Single(s.clone())));
        out.push(Some(ContextValue::Multi(vec![s.clone()])));
    }
    // A bare operator under the default C7 reading fails closed on any
    // several values, whatever they are: it needs no witness of its own.
    let witnesses = conditions
        .iter()
        .filter(|c| {
            c.operator.set != SetQualifier::Bare
                || options.bare_multi_value != BareMultiValue::FailClosed
        })
        .count();
    let largest = (witnesses + 1).max(2).min(singles.len());
    for size in 2..=largest {
        let mut chosen = Vec::new();
        subsets(&singles, size, 0, &mut chosen, &mut out)?;
    }
    Some(out)
}

fn subsets(
    pool: &[String],
    size: usize,
    from: usize,
    chosen: &mut Vec<String>,
    out: &mut Vec<Option<ContextValue>>,
) -> Option<()> {
    if chosen.len() == size {
        if out.len() >= MAX_CANDIDATES {
            return None;
        }
        out.push(Some(ContextValue::Multi(chosen.clone())));
        return Some(());
    }
    for (i, s) in pool.iter().enumerate().skip(from) {
        chosen.push(s.clone());
        subsets(pool, size, i + 1, chosen, out)?;
        chosen.pop();
    }
    Some(())
}

/// One witness per region of the strings the conditions' values cut out.
fn strings(conditions: &[&Condition]) -> Option<Vec<String>> {
    let mut globs = Vec::new();
    for c in conditions {
        let Operands::Text(ops) = &c.operands else {
            continue;
        };
        for op in ops {
            let mut g = Glob::default();
            for t in op.pattern.tokens() {
                match t {
                    Token::Lit(l) if c.operator.test == Test::StringEqualsIgnoreCase => {
                        for ch in l.chars() {
                            g.toks.push(Tok::Chars(ignore_case_class(ch)));
                        }
                    }
                    Token::Lit(l) => g.push_literal(l, false),
                    Token::One => g.toks.push(Tok::One { no_colon: false }),
                    Token::Star => g.toks.push(Tok::Star {
                        no_colon: false,
                        vars: false,
                    }),
                    Token::Var(_) => return None,
                }
            }
            globs.push(g);
        }
    }
    let refs: Vec<&Glob> = globs.iter().collect();
    let found = regions(&refs, STRING_BUDGET)?;
    Some(
        found
            .iter()
            .map(|r| {
                r.witness
                    .iter()
                    .filter_map(|s| match s {
                        Sym::Char(c) => Some(*c),
                        Sym::Var(_) => None,
                    })
                    .collect()
            })
            .collect(),
    )
}

/// The characters whose lowercase is `c`'s (O1: per-character lowercasing;
/// only ASCII values reach here). The Kelvin sign lowercases to `k`.
fn ignore_case_class(c: char) -> Vec<char> {
    let mut set = vec![c, c.to_ascii_lowercase(), c.to_ascii_uppercase()];
    if c.eq_ignore_ascii_case(&'k') {
        set.push('\u{212a}');
    }
    set.sort_unstable();
    set.dedup();
    set
}

fn numbers(conditions: &[&Condition]) -> Option<Vec<String>> {
    let mut sources: Vec<String> = Vec::new();
    for c in conditions {
        if let Operands::Numbers(_) = c.operands {
            sources.extend(c.sources.iter().map(|s| s.to_string()));
        }
    }
    let digits = sources.iter().map(String::len).max().unwrap_or(1) + 2;
    let epsilon = format!("{}1", "0".repeat(digits));
    let mut out = vec!["x".to_owned(), format!("-1{}", "0".repeat(digits))];
    for s in &sources {
        let value = Decimal::parse(s)?;
        out.push(s.clone());
        // Just above `s`: an extra last digit, below any gap between constants.
        let above = if s.starts_with('-') {
            let whole = s.trim_start_matches('-');
            let n: u128 = whole.parse().ok()?;
            if n == 0 {
                format!("0.{epsilon}")
            } else {
                format!("-{}.{}", n - 1, "9".repeat(digits + 1))
            }
        } else if s.contains('.') {
            format!("{s}{epsilon}")
        } else {
            format!("{s}.{epsilon}")
        };
        let parsed = Decimal::parse(&above)?;
        if parsed <= value {
            return None;
        }
        out.push(above);
    }
    // Decimals are dense: between two constants there must be a candidate,
    // and one below them all.
    let parsed: Vec<Decimal> = sources.iter().filter_map(|s| Decimal::parse(s)).collect();
    let values: Vec<Decimal> = out.iter().filter_map(|s| Decimal::parse(s)).collect();
    for a in &parsed {
        if !values.iter().any(|d| d < a) {
            return None;
        }
        for b in parsed.iter().filter(|b| a < *b) {
            if !values.iter().any(|d| a < d && d < b) {
                return None;
            }
        }
    }
    Some(out)
}

fn dates(conditions: &[&Condition]) -> Option<Vec<String>> {
    let mut instants = Vec::new();
    for c in conditions {
        if let Operands::Dates(ds) = &c.operands {
            instants.extend(ds.iter().copied());
        }
    }
    instants.sort_unstable();
    instants.dedup();
    let fmt =
        |d: chrono::DateTime<chrono::Utc>| d.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true);
    let mut out = vec!["x".to_owned()];
    let low = instants
        .first()
        .copied()
        .unwrap_or_default()
        .checked_sub_signed(chrono::TimeDelta::days(1))?;
    out.push(fmt(low));
    for d in &instants {
        out.push(fmt(*d));
        out.push(fmt(d.checked_add_signed(chrono::TimeDelta::nanoseconds(1))?));
    }
    // Every candidate must read back as the instant it stands for.
    for s in out.iter().skip(1) {
        parse_date(s)?;
    }
    Some(out)
}

fn addresses(conditions: &[&Condition]) -> Vec<String> {
    let mut out: Vec<IpAddr> = vec![
        IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        IpAddr::V6(Ipv6Addr::UNSPECIFIED),
        // The first IPv6 address past the IPv4-mapped block, which reads as IPv4.
        IpAddr::V6(Ipv6Addr::new(0, 0, 0, 1, 0, 0, 0, 0)),
    ];
    for c in conditions {
        if let Operands::Networks(nets) = &c.operands {
            for n in nets {
                out.push(n.network());
                match n {
                    IpNet::V4(v4) => {
                        if let Some(next) = u32::from(v4.broadcast()).checked_add(1) {
                            out.push(IpAddr::V4(Ipv4Addr::from(next)));
                        }
                    }
                    IpNet::V6(v6) => {
                        if let Some(next) = u128::from(v6.broadcast()).checked_add(1) {
                            out.push(IpAddr::V6(Ipv6Addr::from(next)));
                        }
                    }
                }
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    let mut text: Vec<String> = out.iter().map(IpAddr::to_string).collect();
    text.push("x".to_owned());
    text
}
