//! Condition operators (C1-C7, O1-O9, S1-S6): parsed and compiled once, then
//! evaluated against the request context.
//!
//! Source: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>
//! and the multi-valued pages cited in `docs/rules.md` (C and S rules).

mod value;

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use ipnet::IpNet;

use crate::arn::{ArnMatchCase, ArnPattern, ArnText};
use crate::options::{BareMultiValue, Options};
use crate::pattern::{Case, Pattern};
use crate::request::{Context, ContextValue};
use crate::variable::Variable;

pub(crate) use value::{decode_base64, parse_address, parse_date, parse_network, Decimal};

/// Comparison for the numeric and date families.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cmp {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Cmp {
    fn holds(self, ordering: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::{Equal, Greater, Less};
        match self {
            Cmp::Eq => ordering == Equal,
            Cmp::Lt => ordering == Less,
            Cmp::Le => ordering != Greater,
            Cmp::Gt => ordering == Greater,
            Cmp::Ge => ordering != Less,
        }
    }
}

/// What an operator tests, before negation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Test {
    StringEquals,
    StringEqualsIgnoreCase,
    StringLike,
    Numeric(Cmp),
    Date(Cmp),
    Bool,
    Binary,
    IpAddress,
    Arn,
    Null,
}

/// `ForAllValues:` / `ForAnyValue:` (S1, S2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SetQualifier {
    Bare,
    ForAllValues,
    ForAnyValue,
}

/// A parsed operator name: `[ForAllValues:|ForAnyValue:]<Base>[IfExists]` (G9).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Operator {
    pub name: Box<str>,
    pub test: Test,
    pub negated: bool,
    pub if_exists: bool,
    pub set: SetQualifier,
}

const BASE_OPERATORS: &[(&str, Test, bool)] = &[
    ("StringEquals", Test::StringEquals, false),
    ("StringNotEquals", Test::StringEquals, true),
    (
        "StringEqualsIgnoreCase",
        Test::StringEqualsIgnoreCase,
        false,
    ),
    (
        "StringNotEqualsIgnoreCase",
        Test::StringEqualsIgnoreCase,
        true,
    ),
    ("StringLike", Test::StringLike, false),
    ("StringNotLike", Test::StringLike, true),
    ("NumericEquals", Test::Numeric(Cmp::Eq), false),
    ("NumericNotEquals", Test::Numeric(Cmp::Eq), true),
    ("NumericLessThan", Test::Numeric(Cmp::Lt), false),
    ("NumericLessThanEquals", Test::Numeric(Cmp::Le), false),
    ("NumericGreaterThan", Test::Numeric(Cmp::Gt), false),
    ("NumericGreaterThanEquals", Test::Numeric(Cmp::Ge), false),
    ("DateEquals", Test::Date(Cmp::Eq), false),
    ("DateNotEquals", Test::Date(Cmp::Eq), true),
    ("DateLessThan", Test::Date(Cmp::Lt), false),
    ("DateLessThanEquals", Test::Date(Cmp::Le), false),
    ("DateGreaterThan", Test::Date(Cmp::Gt), false),
    ("DateGreaterThanEquals", Test::Date(Cmp::Ge), false),
    ("Bool", Test::Bool, false),
    ("BinaryEquals", Test::Binary, false),
    ("IpAddress", Test::IpAddress, false),
    ("NotIpAddress", Test::IpAddress, true),
    ("ArnEquals", Test::Arn, false),
    ("ArnLike", Test::Arn, false),
    ("ArnNotEquals", Test::Arn, true),
    ("ArnNotLike", Test::Arn, true),
    ("Null", Test::Null, false),
];

/// Why an operator name was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum OperatorError {
    Unknown,
    NullIfExists,
}

impl Operator {
    /// Parses an operator name. Names are case-sensitive unless
    /// `ignore_case` (G9 ⚠).
    pub fn parse(name: &str, ignore_case: bool) -> Result<Self, OperatorError> {
        let strip_prefix = |s: &'_ str, prefix: &str| -> Option<usize> {
            let head = s.get(..prefix.len())?;
            let same = if ignore_case {
                head.eq_ignore_ascii_case(prefix)
            } else {
                head == prefix
            };
            same.then_some(prefix.len())
        };
        let (set, rest) = if let Some(n) = strip_prefix(name, "ForAllValues:") {
            (
                SetQualifier::ForAllValues,
                name.get(n..).unwrap_or_default(),
            )
        } else if let Some(n) = strip_prefix(name, "ForAnyValue:") {
            (SetQualifier::ForAnyValue, name.get(n..).unwrap_or_default())
        } else {
            (SetQualifier::Bare, name)
        };
        let (if_exists, base) = match rest.len().checked_sub("IfExists".len()).and_then(|at| {
            let tail = rest.get(at..)?;
            let same = if ignore_case {
                tail.eq_ignore_ascii_case("IfExists")
            } else {
                tail == "IfExists"
            };
            same.then(|| rest.get(..at)).flatten()
        }) {
            Some(base) => (true, base),
            None => (false, rest),
        };
        let (_, test, negated) = BASE_OPERATORS
            .iter()
            .find(|(n, _, _)| {
                if ignore_case {
                    n.eq_ignore_ascii_case(base)
                } else {
                    *n == base
                }
            })
            .ok_or(OperatorError::Unknown)?;
        if *test == Test::Null && if_exists {
            // AA "Error – Null with if exists".
            return Err(OperatorError::NullIfExists);
        }
        Ok(Operator {
            name: name.into(),
            test: *test,
            negated: *negated,
            if_exists,
            set,
        })
    }

    /// Whether policy values of this operator may hold variables (V2, O9).
    pub fn accepts_variables(&self, options: &Options) -> bool {
        match self.test {
            Test::StringEquals | Test::StringEqualsIgnoreCase | Test::StringLike | Test::Arn => {
                true
            }
            Test::Bool => options.variables_in_bool,
            _ => false,
        }
    }
}

/// A text operand (string families and Bool) with its variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TextOperand {
    pub pattern: Pattern,
    pub vars: Box<[Variable]>,
    pub source: Box<str>,
}

/// An ARN operand with its variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ArnOperand {
    pub pattern: ArnPattern,
    pub vars: Box<[Variable]>,
    pub source: Box<str>,
}

/// Policy values, parsed once for the operator's family.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Operands {
    Text(Vec<TextOperand>),
    Numbers(Vec<Decimal>),
    Dates(Vec<DateTime<Utc>>),
    Bytes(Vec<Vec<u8>>),
    Networks(Vec<IpNet>),
    Arns(Vec<ArnOperand>),
    /// `Null`: true means "the key must be absent".
    Null(bool),
    /// Date values IAM stores but this crate cannot read (L4): a request
    /// that has the key fails the statement closed.
    UnreadableDates,
}

/// A compiled condition: one operator, one key, its values.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Condition {
    pub operator: Operator,
    pub key: Box<str>,
    pub key_lower: Box<str>,
    /// [`crate::hash::hash_key`] of `key_lower`, for the context lookup.
    pub key_hash: u64,
    pub operands: Operands,
    /// Source values as written, for explanations.
    pub sources: Box<[Box<str>]>,
    /// The operator and values as a byte comparison, when they allow it.
    pub literal: Option<Literal>,
}

/// A bare condition on literal policy values, which a single request value
/// settles by comparing bytes: the account-wide guardrails
/// (`"Bool": {"aws:SecureTransport": "false"}`, `"StringNotEquals":
/// {"aws:PrincipalOrgID": …}`) that every request reaches. It answers as
/// the general test of [`Condition::evaluate`] does for one value (C1, O1,
/// O6); several values, and every other operator, take the general path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Literal {
    /// `StringEquals` / `StringNotEquals`: a value equal to one of these
    /// matches (case-sensitive, O1).
    Equals(Box<[Box<str>]>),
    /// `Bool`: whether a request's `true` and whether its `false` (in any
    /// ASCII case, O6) match a policy value; any other request value cannot
    /// be read.
    Bool { if_true: bool, if_false: bool },
}

impl Literal {
    /// The literal form of a compiled operator and its values, if it has
    /// one: bare, and every value without a variable (and, for
    /// `StringEquals`, a wildcard, which that family never has).
    pub fn of(operator: &Operator, operands: &Operands) -> Option<Literal> {
        let Operands::Text(operands) = operands else {
            return None;
        };
        if operator.set != SetQualifier::Bare || operands.iter().any(|op| !op.vars.is_empty()) {
            return None;
        }
        match operator.test {
            Test::StringEquals => operands
                .iter()
                .map(|op| literal_text(op.pattern.tokens()))
                .collect::<Option<Box<[_]>>>()
                .map(Literal::Equals),
            Test::Bool => {
                let matches = |text| {
                    operands
                        .iter()
                        .any(|op| op.pattern.is_match(text, &[], Case::AsciiInsensitive))
                };
                Some(Literal::Bool {
                    if_true: matches("true"),
                    if_false: matches("false"),
                })
            }
            _ => None,
        }
    }

    /// Whether `value` matches a policy value (before negation); `None`
    /// when it cannot be read.
    #[inline]
    fn matches(&self, value: &str) -> Option<bool> {
        match self {
            // `same`, not `==`: libc's `memcmp` takes a different number
            // of instructions depending on the addresses.
            Literal::Equals(texts) => Some(
                texts
                    .iter()
                    .any(|t| crate::pattern::same(t.as_bytes(), value.as_bytes())),
            ),
            Literal::Bool { if_true, if_false } => {
                if value.eq_ignore_ascii_case("true") {
                    Some(*if_true)
                } else if value.eq_ignore_ascii_case("false") {
                    Some(*if_false)
                } else {
                    None
                }
            }
        }
    }
}

/// The text of a pattern made of literal pieces only.
fn literal_text(tokens: &[crate::pattern::Token]) -> Option<Box<str>> {
    use crate::pattern::Token;
    let mut text = String::new();
    for token in tokens {
        match token {
            Token::Lit(lit) => text.push_str(lit),
            Token::Var(_) | Token::One | Token::Star => return None,
        }
    }
    Some(text.into())
}

/// The result of one condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    True,
    False,
    /// A request value could not be read for this operator (a non-numeric
    /// value for `NumericLessThan`, say). The statement fails closed.
    BadRequestValue,
    /// A policy value could not be read (L4). The statement fails closed.
    BadPolicyValue,
    /// A bare operator met several request values and
    /// [`BareMultiValue::FailClosed`] is in force (C7). The statement fails
    /// closed.
    SeveralValues,
}

impl Outcome {
    fn from_bool(b: bool) -> Self {
        if b {
            Outcome::True
        } else {
            Outcome::False
        }
    }
}

impl Condition {
    /// The request values for this key, or `None` when the key counts as
    /// absent (missing, an empty list, or an empty string when configured).
    pub fn request_values<'c>(
        &self,
        context: &'c Context,
        options: &Options,
    ) -> Option<&'c [String]> {
        let value = context.get_hashed(&self.key_lower, self.key_hash)?;
        match value {
            ContextValue::Multi(vs) if vs.is_empty() => None,
            // S3: for the set operators an empty string is "a null data set"; for
            // the others it is a present value unless configured (C5 ⚠).
            ContextValue::Single(v)
                if v.is_empty()
                    && (options.empty_string_is_absent
                        || self.operator.set != SetQualifier::Bare) =>
            {
                None
            }
            _ => Some(value.values()),
        }
    }

    /// Evaluates the condition (C3, C4, C5, C7, S1-S5).
    pub fn evaluate(&self, context: &Context, options: &Options) -> Outcome {
        let values = self.request_values(context, options);
        if let Operands::Null(must_be_absent) = self.operands {
            // Rule C5 and AA "Null with qualifier".
            return match self.operator.set {
                SetQualifier::ForAllValues => Outcome::True,
                SetQualifier::ForAnyValue => Outcome::False,
                SetQualifier::Bare => Outcome::from_bool(values.is_none() == must_be_absent),
            };
        }
        if let (Some(literal), Some([single])) = (&self.literal, values) {
            // What `test_value` answers for a single value of a bare operator.
            return match literal.matches(single) {
                Some(matched) => Outcome::from_bool(matched != self.operator.negated),
                None => Outcome::BadRequestValue,
            };
        }
        let Some(values) = values else {
            // C3, C4, S3: a missing key.
            let result = self.operator.if_exists
                || match self.operator.set {
                    SetQualifier::ForAllValues => true,
                    SetQualifier::ForAnyValue => false,
                    SetQualifier::Bare => self.operator.negated,
                };
            return Outcome::from_bool(result);
        };
        if let Operands::UnreadableDates = self.operands {
            // L4: with the key present, the answer depends on what the
            // policy's date means, which is not known.
            return Outcome::BadPolicyValue;
        }
        // Without a resolvable operand, a positive string or ARN test is
        // false for every value, which already makes the set false; only
        // negated tests (then true for every value) and `Bool` (which may
        // find a value unreadable) need the check first.
        let check_first = self.operator.negated || self.operator.test == Test::Bool;
        if self.operator.set != SetQualifier::Bare
            && check_first
            && !self.any_operand_resolves(context)
        {
            // Rule V7 documents unresolvable variables for bare operators only. Under
            // a set qualifier, a policy list whose every value is unresolvable
            // matches nothing, negated or not (conformance case
            // `ddb-deny-nosub-own`, checked against an independent simulator).
            return Outcome::False;
        }
        let test = |v: &str| self.test_value(v, context);
        match self.operator.set {
            SetQualifier::Bare => match values {
                [single] => test(single),
                _ => match options.bare_multi_value {
                    // C7 ⚠: AWS does not say what a bare operator does with
                    // several values; the statement fails closed.
                    BareMultiValue::FailClosed => Outcome::SeveralValues,
                    // Several values do not match, unless one of them is
                    // unreadable: then fail closed.
                    BareMultiValue::NoMatch => {
                        if values.iter().any(|v| test(v) == Outcome::BadRequestValue) {
                            Outcome::BadRequestValue
                        } else {
                            Outcome::False
                        }
                    }
                    BareMultiValue::AnyValue => any_value(values, test),
                },
            },
            SetQualifier::ForAnyValue => any_value(values, test),
            SetQualifier::ForAllValues => {
                let mut outcome = Outcome::True;
                for v in values {
                    match test(v) {
                        Outcome::True => {}
                        Outcome::False => return Outcome::False,
                        Outcome::SeveralValues => outcome = Outcome::BadRequestValue,
                        bad @ (Outcome::BadRequestValue | Outcome::BadPolicyValue) => outcome = bad,
                    }
                }
                outcome
            }
        }
    }

    /// False when the policy has values and none of them resolves.
    fn any_operand_resolves(&self, context: &Context) -> bool {
        let resolves = |vars: &[Variable]| vars.iter().all(|v| v.resolve(context).is_ok());
        match &self.operands {
            Operands::Text(ops) => ops.is_empty() || ops.iter().any(|op| resolves(&op.vars)),
            Operands::Arns(ops) => ops.is_empty() || ops.iter().any(|op| resolves(&op.vars)),
            _ => true,
        }
    }

    /// Whether one request value satisfies the operator: some policy value
    /// matches (positive) or none does (negated, C1, S4).
    fn test_value(&self, value: &str, context: &Context) -> Outcome {
        let matched = match self.any_operand_matches(value, context) {
            Some(m) => m,
            None => return Outcome::BadRequestValue,
        };
        Outcome::from_bool(matched != self.operator.negated)
    }

    /// `None` when the request value cannot be read for this family.
    fn any_operand_matches(&self, value: &str, context: &Context) -> Option<bool> {
        Some(match &self.operands {
            Operands::Text(operands) => match self.operator.test {
                Test::StringEqualsIgnoreCase => operands.iter().any(|op| {
                    with_values(&op.vars, context, |vars| {
                        ignore_case_eq(&op.pattern, vars, value)
                    })
                }),
                Test::Bool => {
                    if !(value.eq_ignore_ascii_case("true") || value.eq_ignore_ascii_case("false"))
                    {
                        return None;
                    }
                    operands.iter().any(|op| {
                        with_values(&op.vars, context, |vars| {
                            op.pattern.is_match(value, vars, Case::AsciiInsensitive)
                        })
                    })
                }
                _ => operands.iter().any(|op| {
                    with_values(&op.vars, context, |vars| {
                        op.pattern.is_match(value, vars, Case::Sensitive)
                    })
                }),
            },
            Operands::Numbers(numbers) => {
                let Test::Numeric(cmp) = self.operator.test else {
                    return None;
                };
                let v = Decimal::parse(value)?;
                numbers.iter().any(|n| cmp.holds(v.cmp(n)))
            }
            Operands::Dates(dates) => {
                let Test::Date(cmp) = self.operator.test else {
                    return None;
                };
                let v = parse_date(value)?;
                dates.iter().any(|d| cmp.holds(v.cmp(d)))
            }
            Operands::Bytes(blobs) => {
                let v = decode_base64(value)?;
                blobs.contains(&v)
            }
            Operands::Networks(networks) => {
                let addr: IpAddr = parse_address(value)?;
                networks.iter().any(|n| n.contains(&addr))
            }
            Operands::Arns(arns) => {
                // O7: component-wise and case-sensitive. A value that is not an
                // ARN matches only a bare `*`.
                let subject = ArnText::parse(value);
                let case = ArnMatchCase {
                    head: Case::Sensitive,
                    resource: Case::Sensitive,
                    star_crosses_colons: false,
                };
                arns.iter().any(|op| {
                    (subject.is_arn() || matches!(op.pattern, ArnPattern::Any))
                        && with_values(&op.vars, context, |vars| {
                            op.pattern.is_match(&subject, vars, case)
                        })
                })
            }
            Operands::Null(_) | Operands::UnreadableDates => return None,
        })
    }
}

fn any_value(values: &[String], mut test: impl FnMut(&str) -> Outcome) -> Outcome {
    let mut outcome = Outcome::False;
    for v in values {
        match test(v) {
            Outcome::True => return Outcome::True,
            Outcome::False => {}
            Outcome::SeveralValues => outcome = Outcome::BadRequestValue,
            bad @ (Outcome::BadRequestValue | Outcome::BadPolicyValue) => outcome = bad,
        }
    }
    outcome
}

/// Calls `matches` with the values of an operand's variables. An
/// unresolvable one makes the operand match nothing (V7), which a negated
/// operator then counts as "not equal".
fn with_values(
    vars: &[Variable],
    context: &Context,
    matches: impl FnOnce(&[&str]) -> bool,
) -> bool {
    crate::variable::with_values(vars, context, matches) == Some(true)
}

/// `StringEqualsIgnoreCase`: simple per-character lowercasing, no Unicode
/// normalization (O1 ⚠, matching the policy simulator per PMapper's notes).
fn ignore_case_eq(pattern: &Pattern, vars: &[&str], value: &str) -> bool {
    use crate::pattern::Token;
    let pieces = pattern.tokens().iter().map(|t| match t {
        Token::Lit(l) => Some(&**l),
        Token::Var(i) => vars.get(usize::from(*i)).copied(),
        Token::One | Token::Star => None,
    });
    if pieces.clone().any(|p| p.is_none()) {
        return false;
    }
    pieces
        .flatten()
        .flat_map(str::chars)
        .flat_map(char::to_lowercase)
        .eq(value.chars().flat_map(char::to_lowercase))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn g9_operator_grammar() {
        let op = Operator::parse("ForAnyValue:StringLikeIfExists", false).unwrap();
        assert_eq!(op.set, SetQualifier::ForAnyValue);
        assert!(op.if_exists);
        assert_eq!(op.test, Test::StringLike);
        let op = Operator::parse("StringNotEqualsIgnoreCase", false).unwrap();
        assert!(op.negated);
        assert_eq!(op.test, Test::StringEqualsIgnoreCase);
        assert_eq!(
            Operator::parse("ForAnyValue::StringEquals", false),
            Err(OperatorError::Unknown)
        );
        assert_eq!(
            Operator::parse("StringEqual", false),
            Err(OperatorError::Unknown)
        );
        assert_eq!(
            Operator::parse("stringequals", false),
            Err(OperatorError::Unknown)
        );
        assert!(Operator::parse("stringequals", true).is_ok());
        assert_eq!(
            Operator::parse("NullIfExists", false),
            Err(OperatorError::NullIfExists)
        );
        assert_eq!(
            Operator::parse("IfExists", false),
            Err(OperatorError::Unknown)
        );
    }
}
