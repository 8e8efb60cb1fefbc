//! Policy variables: `${key}`, `${key, 'default'}` and the escapes `${*}`,
//! `${?}`, `${$}` (V1-V8), parsed once when a policy is compiled.
//!
//! Source: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html>.
//! Parsing turns text into pattern tokens in which a variable is a
//! `Token::Var` slot; the value that fills it at evaluation time is always
//! matched literally (V5) and never re-scanned for `${` (V8).

use crate::pattern::Token;
use crate::request::{Context, ContextValue};

/// A variable reference inside a policy string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Variable {
    /// The placeholder as written, `${…}`, for explanations.
    pub raw: Box<str>,
    /// The key as written, for explanations.
    pub key: Box<str>,
    /// The key lowercased: key names are case-insensitive (V1).
    pub key_lower: Box<str>,
    /// [`crate::hash::hash_key`] of `key_lower`, for the context lookup.
    pub key_hash: u64,
    /// The text after `, '` and before `'}` (V3).
    pub default: Option<Box<str>>,
}

/// Why a variable could not be parsed. Messages follow Access Analyzer's
/// checks "Missing brace", "Empty variable", "Missing quote" and
/// "Unsupported space in variable".
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum VariableError {
    MissingBrace,
    Empty,
    SpaceInName(String),
    BadDefault(String),
}

impl std::fmt::Display for VariableError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VariableError::MissingBrace => f.write_str("policy variable has no closing `}`"),
            VariableError::Empty => f.write_str("policy variable `${}` names no key"),
            VariableError::SpaceInName(name) => {
                write!(f, "policy variable name `{name}` contains a space")
            }
            VariableError::BadDefault(body) => write!(
                f,
                "policy variable `${{{body}}}` must be `${{key}}` or `${{key, 'default'}}` (a default is single-quoted and holds no `'`)"
            ),
        }
    }
}

/// Whether `*` and `?` outside variables are wildcards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wildcards {
    Honoured,
    Literal,
}

/// Parses `text` into tokens, appending the variables it uses to `vars`.
/// With `substitute == false` (a 2008-10-17 or Version-less policy, G2) the
/// text is taken as is and `${…}` has no meaning.
pub(crate) fn tokenize(
    text: &str,
    wildcards: Wildcards,
    substitute: bool,
    vars: &mut Vec<Variable>,
) -> Result<Vec<Token>, VariableError> {
    let mut tokens = Vec::new();
    let mut lit = String::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if substitute && rest.starts_with("${") {
            let close = rest.find('}').ok_or(VariableError::MissingBrace)?;
            let body = rest.get(2..close).unwrap_or_default();
            rest = rest.get(close + 1..).unwrap_or_default();
            match body {
                "*" | "?" | "$" => lit.push_str(body),
                _ => {
                    let mut variable = parse_variable(body)?;
                    variable.raw = format!("${{{body}}}").into();
                    if !lit.is_empty() {
                        tokens.push(Token::Lit(std::mem::take(&mut lit).into()));
                    }
                    let index = vars
                        .iter()
                        .position(|v| {
                            v.key_lower == variable.key_lower && v.default == variable.default
                        })
                        .unwrap_or_else(|| {
                            vars.push(variable);
                            vars.len() - 1
                        });
                    tokens.push(Token::Var(u16::try_from(index).unwrap_or(u16::MAX)));
                }
            }
            continue;
        }
        rest = rest.get(c.len_utf8()..).unwrap_or_default();
        match c {
            '*' | '?' if wildcards == Wildcards::Honoured => {
                if !lit.is_empty() {
                    tokens.push(Token::Lit(std::mem::take(&mut lit).into()));
                }
                tokens.push(if c == '*' { Token::Star } else { Token::One });
            }
            _ => lit.push(c),
        }
    }
    if !lit.is_empty() {
        tokens.push(Token::Lit(lit.into()));
    }
    Ok(tokens)
}

/// True when `text` would use variable syntax in a 2012-10-17 policy.
pub(crate) fn has_variable_syntax(text: &str) -> bool {
    text.contains("${")
}

fn parse_variable(body: &str) -> Result<Variable, VariableError> {
    let (name, default) = match body.split_once(',') {
        None => (body, None),
        Some((name, tail)) => {
            let quoted = tail.trim_start();
            let inner = quoted
                .strip_prefix('\'')
                .and_then(|q| q.strip_suffix('\''))
                .filter(|inner| !inner.contains('\''))
                .ok_or_else(|| VariableError::BadDefault(body.to_owned()))?;
            (name, Some(inner))
        }
    };
    if name.is_empty() {
        return Err(VariableError::Empty);
    }
    if name.chars().any(char::is_whitespace) {
        return Err(VariableError::SpaceInName(name.to_owned()));
    }
    // ASCII case only, as the context folds keys (C2).
    let key_lower: Box<str> = name.to_ascii_lowercase().into();
    Ok(Variable {
        raw: Box::default(),
        key: name.into(),
        key_hash: crate::hash::hash_key(&key_lower),
        key_lower,
        default: default.map(Into::into),
    })
}

/// Why a variable did not resolve, for explanations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unresolved {
    /// The key is absent and there is no default.
    Missing,
    /// The key is multi-valued; such keys cannot be variables (V1).
    MultiValued,
}

impl Variable {
    /// The value this variable takes in `context` (V3, V7).
    #[inline]
    pub fn resolve<'c>(&'c self, context: &'c Context) -> Result<&'c str, Unresolved> {
        match context.get_hashed(&self.key_lower, self.key_hash) {
            Some(ContextValue::Single(value)) => Ok(value),
            Some(ContextValue::Multi(_)) => Err(Unresolved::MultiValued),
            None => self.default.as_deref().ok_or(Unresolved::Missing),
        }
    }
}

/// Resolves every variable of a pattern into `out`, stopping at the first one
/// that does not resolve and returning its index.
pub(crate) fn resolve_all<'c>(
    vars: &'c [Variable],
    context: &'c Context,
    out: &mut ResolvedVars<'c>,
) -> Result<(), (usize, Unresolved)> {
    out.clear();
    for (index, var) in vars.iter().enumerate() {
        out.push(var.resolve(context).map_err(|why| (index, why))?);
    }
    Ok(())
}

/// Calls `f` with the values of `vars`; `None` when one does not resolve
/// (V7: the pattern then matches nothing). No or one variable, the usual
/// cases, are handled in place; several go out of line, through a buffer.
#[inline(always)]
pub(crate) fn with_values<R>(
    vars: &[Variable],
    context: &Context,
    f: impl FnOnce(&[&str]) -> R,
) -> Option<R> {
    match vars {
        [] => Some(f(&[])),
        [var] => var.resolve(context).ok().map(|value| f(&[value])),
        _ => with_several_values(vars, context, f),
    }
}

#[inline(never)]
fn with_several_values<R>(
    vars: &[Variable],
    context: &Context,
    f: impl FnOnce(&[&str]) -> R,
) -> Option<R> {
    let mut buffer = ResolvedVars::new();
    resolve_all(vars, context, &mut buffer).ok()?;
    Some(f(buffer.as_slice()))
}

/// A small stack buffer for resolved variable values, so resolving the few
/// variables of a pattern does not allocate.
pub(crate) struct ResolvedVars<'c> {
    inline: [&'c str; INLINE_VARS],
    len: usize,
    spill: Vec<&'c str>,
}

const INLINE_VARS: usize = 8;

impl<'c> ResolvedVars<'c> {
    pub fn new() -> Self {
        ResolvedVars {
            inline: [""; INLINE_VARS],
            len: 0,
            spill: Vec::new(),
        }
    }

    fn clear(&mut self) {
        self.len = 0;
        self.spill.clear();
    }

    fn push(&mut self, value: &'c str) {
        if let Some(slot) = self.inline.get_mut(self.len) {
            *slot = value;
        } else {
            if self.spill.is_empty() {
                self.spill.extend_from_slice(&self.inline);
            }
            self.spill.push(value);
        }
        self.len += 1;
    }

    /// The values, in variable order.
    pub fn as_slice(&self) -> &[&'c str] {
        if self.len > INLINE_VARS {
            &self.spill
        } else {
            self.inline.get(..self.len).unwrap_or_default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tok(text: &str) -> (Vec<Token>, Vec<Variable>) {
        let mut vars = Vec::new();
        let tokens = tokenize(text, Wildcards::Honoured, true, &mut vars).unwrap();
        (tokens, vars)
    }

    #[test]
    fn v1_variable_becomes_a_slot_and_key_is_lowercased() {
        let (tokens, vars) = tok("home/${aws:UserName}/*");
        assert_eq!(
            tokens,
            vec![
                Token::Lit("home/".into()),
                Token::Var(0),
                Token::Lit("/".into()),
                Token::Star
            ]
        );
        assert_eq!(&*vars[0].key_lower, "aws:username");
        assert_eq!(vars[0].default, None);
    }

    #[test]
    fn v3_default_value_after_comma_and_quote() {
        let (_, vars) = tok("${aws:PrincipalTag/team, 'company-wide'}");
        assert_eq!(vars[0].default.as_deref(), Some("company-wide"));
        let (_, vars) = tok("${aws:PrincipalTag/team,''}");
        assert_eq!(vars[0].default.as_deref(), Some(""));
    }

    /// V4: `${*}`, `${?}` and `${$}` are literal characters, even where `*` is a wildcard.
    #[test]
    fn v4_special_escapes_are_literal() {
        let (tokens, vars) = tok("a${*}b${?}${$}*");
        assert!(vars.is_empty());
        assert_eq!(tokens, vec![Token::Lit("a*b?$".into()), Token::Star]);
    }

    /// G2: no substitution in 2008-10-17 policies: `${…}` is plain text.
    #[test]
    fn g2_no_substitution_keeps_text() {
        let mut vars = Vec::new();
        let tokens = tokenize("${aws:username}*", Wildcards::Honoured, false, &mut vars).unwrap();
        assert_eq!(
            tokens,
            vec![Token::Lit("${aws:username}".into()), Token::Star]
        );
        assert!(vars.is_empty());
    }

    #[test]
    fn malformed_variables_are_errors() {
        let mut vars = Vec::new();
        let mut err = |t: &str| tokenize(t, Wildcards::Honoured, true, &mut vars).unwrap_err();
        assert_eq!(err("a${aws:username"), VariableError::MissingBrace);
        assert_eq!(err("${}"), VariableError::Empty);
        assert!(matches!(
            err("${aws: username}"),
            VariableError::SpaceInName(_)
        ));
        assert!(matches!(err("${k, default}"), VariableError::BadDefault(_)));
        assert!(matches!(err("${k, 'it's'}"), VariableError::BadDefault(_)));
    }

    #[test]
    fn same_variable_twice_shares_a_slot() {
        let (tokens, vars) = tok("${a}/${A}");
        assert_eq!(vars.len(), 1);
        assert_eq!(tokens[2], Token::Var(0));
    }
}
