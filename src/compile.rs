//! Turns a parsed [`Document`] into evaluation-ready matchers. Everything
//! that depends only on the policy fails here, with its path: unknown
//! operators, bad numbers, dates, CIDRs and base64, misplaced or malformed
//! variables, invalid actions, resources and principals.

use std::sync::Arc;

use crate::action_keys::ActionKeys;
use crate::arn::ArnPattern;
use crate::condition::{
    decode_base64, parse_date, parse_network, ArnOperand, Condition, Decimal, Literal, Operands,
    Operator, OperatorError, Test, TextOperand,
};
use crate::error::{PolicyErrorKind, WarningKind};
use crate::json::LineCursor;
use crate::options::Options;
use crate::origin::Source;
use crate::parse::Diagnostics;
use crate::pattern::Pattern;
use crate::per_user::PerUserResource;
use crate::policy::{Document, Effect, Item, PolicyType, Statement, Version};
use crate::principal::{compile_entry, PrincipalMatcher};
use crate::variable::{has_variable_syntax, tokenize, Variable, Wildcards};

/// A 1-based line and column in a policy's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Position {
    /// 1-based line.
    #[serde(rename = "Line")]
    pub line: usize,
    /// 1-based column, in characters.
    #[serde(rename = "Column")]
    pub column: usize,
}

/// `Action`/`NotAction`, compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ActionMatcher {
    pub negated: bool,
    pub patterns: Box<[Pattern]>,
}

/// One `Resource`/`NotResource` entry, compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ResourceEntry {
    pub pattern: ArnPattern,
    pub vars: Box<[Variable]>,
    pub source: Box<str>,
}

/// `Resource`/`NotResource`, compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ResourceMatcher {
    pub negated: bool,
    pub entries: Box<[ResourceEntry]>,
    /// The one entry of `entries` as its parts, when it has the per-user
    /// shape ([`crate::per_user`]); the decision tries it first.
    pub per_user: Option<PerUserResource>,
}

/// A statement ready to evaluate.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CompiledStatement {
    pub index: usize,
    pub sid: Option<Arc<str>>,
    pub effect: Effect,
    /// `None` for a rebuilt text ([`crate::TextOrigin::Rebuilt`]).
    pub start: Option<Position>,
    pub end: Option<Position>,
    pub principal: Option<PrincipalMatcher>,
    pub actions: ActionMatcher,
    /// The services `actions` can match ([`crate::index::service_mask`]).
    pub service_mask: u64,
    /// `actions` as keys where they have one, for the decision.
    pub action_keys: ActionKeys,
    pub resources: Option<ResourceMatcher>,
    pub conditions: Box<[Condition]>,
}

/// A policy ready to evaluate.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CompiledPolicy {
    pub id: Arc<str>,
    pub policy_type: PolicyType,
    /// Organization level for SCPs and RCPs (root first); 0 otherwise.
    pub level: u32,
    pub statements: Box<[CompiledStatement]>,
}

/// Compiles `document`; problems go to `diags`.
pub(crate) fn compile_document(
    document: &Document,
    source: Source<'_>,
    id: Arc<str>,
    policy_type: PolicyType,
    level: u32,
    options: &Options,
    diags: &mut Diagnostics,
) -> CompiledPolicy {
    let substitute = document.substitutes_variables()
        || (document.version == Version::Missing && options.missing_version_substitutes);
    let mut lines = LineCursor::default();
    let mut compiler = Compiler {
        substitute,
        policy_type,
        options,
        diags,
    };
    let statements = document
        .statements
        .iter()
        .filter_map(|s| {
            compiler.diags.statement = Some(s.index);
            compiler.diags.sid = s.sid.clone();
            compiler.statement(s, source, &mut lines)
        })
        .collect();
    compiler.diags.statement = None;
    compiler.diags.sid = None;
    CompiledPolicy {
        id,
        policy_type,
        level,
        statements,
    }
}

/// Why an ARN pattern was rejected.
enum ArnError {
    /// Not an ARN of a shape IAM accepts.
    Shape(String),
    /// A malformed variable.
    Variable(String),
    /// A variable before the fifth colon (R5: "You can't use a variable to
    /// replace parts of the ARN before the fifth colon").
    VariableInHead,
}

impl ArnError {
    /// The error for a `Resource` entry `value` (condition values report
    /// `Shape` as an invalid condition value instead).
    fn into_kind(self, value: &str) -> PolicyErrorKind {
        match self {
            ArnError::Shape(reason) => PolicyErrorKind::Resource {
                value: value.to_owned(),
                reason,
            },
            ArnError::Variable(message) => PolicyErrorKind::Variable(message),
            ArnError::VariableInHead => PolicyErrorKind::VariableNotAllowed {
                element: "the partition, service, region or account of an ARN (only after the fifth colon)".into(),
            },
        }
    }
}

struct Compiler<'a> {
    substitute: bool,
    policy_type: PolicyType,
    options: &'a Options,
    diags: &'a mut Diagnostics,
}

fn position(lines: &mut LineCursor, source: Source<'_>, offset: usize) -> Option<Position> {
    let (line, column) = lines.position(source.text, offset);
    source.origin.place(line, column)
}

impl Compiler<'_> {
    fn statement(
        &mut self,
        s: &Statement,
        source: Source<'_>,
        lines: &mut LineCursor,
    ) -> Option<CompiledStatement> {
        let errors_before = self.diags.items.len();
        let actions = s.action.as_ref().map(|a| ActionMatcher {
            negated: a.negated,
            patterns: a.items.iter().filter_map(|i| self.action(i)).collect(),
        });
        let resources = s.resource.as_ref().map(|r| {
            let entries: Box<[ResourceEntry]> =
                r.items.iter().filter_map(|i| self.resource(i)).collect();
            ResourceMatcher {
                negated: r.negated,
                per_user: PerUserResource::of(r.negated, &entries),
                entries,
            }
        });
        let principal = s.principal.as_ref().map(|p| {
            let mut entries = Vec::new();
            let mut sources: Vec<Box<str>> = p
                .entries
                .iter()
                .map(|(_, i)| i.text.as_str().into())
                .collect();
            if p.wildcard {
                entries.push(crate::principal::PrincipalEntry::Any);
                sources.push("*".into());
            }
            for (kind, item) in &p.entries {
                if self.no_variables(item, "Principal") {
                    match compile_entry(*kind, &item.text) {
                        Ok(entry) => entries.push(entry),
                        Err(reason) => self.diags.error(
                            &item.path,
                            item.offset,
                            PolicyErrorKind::Principal {
                                value: item.text.clone(),
                                reason,
                            },
                        ),
                    }
                }
            }
            PrincipalMatcher {
                negated: p.negated,
                entries: entries.into(),
                sources: sources.into(),
            }
        });
        let conditions: Vec<Condition> = s
            .conditions
            .iter()
            .filter_map(|c| self.condition(&c.operator, &c.key, &c.values))
            .collect();
        if self.diags.has_errors_since(errors_before) {
            return None;
        }
        let actions = actions?;
        Some(CompiledStatement {
            index: s.index,
            sid: s.sid.as_deref().map(Arc::from),
            effect: s.effect,
            start: position(lines, source, s.span.start),
            end: position(lines, source, s.span.end),
            principal,
            service_mask: crate::index::service_mask(&actions),
            action_keys: ActionKeys::of(&actions.patterns),
            actions,
            resources,
            conditions: conditions.into(),
        })
    }

    /// Variables are not allowed here (V2); in a policy without
    /// substitution `${…}` is plain text and allowed.
    fn no_variables(&mut self, item: &Item, element: &str) -> bool {
        if self.substitute && has_variable_syntax(&item.text) {
            self.diags.error(
                &item.path,
                item.offset,
                PolicyErrorKind::VariableNotAllowed {
                    element: element.to_owned(),
                },
            );
            return false;
        }
        true
    }

    fn check_wildcards(&mut self, item: &Item) -> bool {
        let count = item.text.chars().filter(|c| matches!(c, '*' | '?')).count();
        if count > self.options.limits.max_wildcards {
            self.diags.error(
                &item.path,
                item.offset,
                PolicyErrorKind::Limit {
                    what: "number of wildcards in one pattern",
                    limit: self.options.limits.max_wildcards,
                    setting: "max_wildcards",
                },
            );
            return false;
        }
        true
    }

    /// A2: `*` or `vendor:name`, one colon, vendor of `[A-Za-z0-9.-]` (wildcards allowed).
    fn action(&mut self, item: &Item) -> Option<Pattern> {
        if !self.no_variables(item, "Action") || !self.check_wildcards(item) {
            return None;
        }
        let text = item.text.as_str();
        if text == "*" {
            return Some(Pattern::wildcard("*"));
        }
        let reason = match text.split_once(':') {
            None => {
                Some("an action must be `*` or `service:action`, prefaced by a vendor such as `s3`")
            }
            Some((_, name)) if name.contains(':') => Some("an action can contain only one colon"),
            Some((vendor, _))
                if vendor.is_empty()
                    || !vendor.chars().all(|c| {
                        c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '*' | '?')
                    }) =>
            {
                Some("the service prefix may contain only letters, digits, `.` and `-`")
            }
            Some(_) => None,
        };
        if let Some(reason) = reason {
            self.diags.error(
                &item.path,
                item.offset,
                PolicyErrorKind::Action {
                    value: text.to_owned(),
                    reason,
                },
            );
            return None;
        }
        Some(Pattern::wildcard(text))
    }

    fn resource(&mut self, item: &Item) -> Option<ResourceEntry> {
        if !self.check_wildcards(item) {
            return None;
        }
        let mut vars = Vec::new();
        match self.arn_pattern(&item.text, true, &mut vars) {
            Ok(pattern) => Some(ResourceEntry {
                pattern,
                vars: vars.into(),
                source: item.text.as_str().into(),
            }),
            Err(reason) => {
                self.diags
                    .error(&item.path, item.offset, reason.into_kind(&item.text));
                None
            }
        }
    }

    /// Compiles an ARN pattern (R1-R5). In `Resource` (`is_resource`),
    /// variables may stand only after the fifth colon, and anything other
    /// than `*` must be an ARN.
    fn arn_pattern(
        &mut self,
        text: &str,
        is_resource: bool,
        vars: &mut Vec<Variable>,
    ) -> Result<ArnPattern, ArnError> {
        if text == "*" {
            return Ok(ArnPattern::Any);
        }
        let substitute = self.substitute;
        let tok = |segment: &str, vars: &mut Vec<Variable>| {
            if !(substitute && has_variable_syntax(segment)) {
                // No variable: the same tokens, without tokenize's per-character work.
                return Ok(Pattern::wildcard(segment));
            }
            tokenize(segment, Wildcards::Honoured, substitute, vars)
                .map(Pattern::from_tokens)
                .map_err(|e| ArnError::Variable(e.to_string()))
        };
        let Some(rest) = text.strip_prefix("arn:") else {
            if is_resource {
                return Err(ArnError::Shape(
                    "a resource must be `*` or an ARN (`arn:partition:service:region:account:resource`)".into(),
                ));
            }
            return tok(text, vars).map(ArnPattern::Literal);
        };
        let parts: Vec<&str> = rest.splitn(5, ':').collect();
        // The segments before the fifth colon: all of a short ARN's.
        let head_len = if parts.len() == 5 { 4 } else { parts.len() };
        if is_resource && self.substitute {
            if let Some(head) = parts.get(..head_len) {
                if head.iter().any(|p| has_variable_syntax(p)) {
                    return Err(ArnError::VariableInHead);
                }
            }
        }
        if is_resource {
            if let Some(reason) = resource_arn_refused(&parts) {
                return Err(ArnError::Shape(reason));
            }
        }
        if let [partition, service, region, account, resource] = parts.as_slice() {
            let head = [
                tok(partition, vars)?,
                tok(service, vars)?,
                tok(region, vars)?,
                tok(account, vars)?,
            ];
            let pattern = ArnPattern::full(head, tok(resource, vars)?);
            if is_resource && self.options.arn_star_crosses_colons {
                return Ok(pattern.for_crossing_stars());
            }
            return Ok(pattern);
        }
        if !is_resource {
            // O7: each of the six components is matched separately, so a
            // shorter pattern matches no ARN (`ArnLike: arn:aws:sns:*`).
            return Ok(ArnPattern::Never);
        }
        // R4: a short ARN whose last segment ends in `*` lets that star absorb the rest.
        if parts.last().is_some_and(|p| p.ends_with('*')) {
            let segments = parts
                .iter()
                .map(|p| tok(p, vars))
                .collect::<Result<Vec<_>, _>>()?;
            return Ok(ArnPattern::Short {
                segments: segments.into(),
            });
        }
        // R9: in the policies IAM stores for identities, an incomplete ARN
        // is completed with `*` ("arn:aws:sqs" is "arn:aws:sqs:*:*:*",
        // IAM identifiers page); IAM accepts `arn:aws:fdsasf` (moto's corpus
        // of IAM's validator).
        if completes_short_arns(self.policy_type) {
            let segment = |i: usize| parts.get(i).copied().unwrap_or("*");
            let head = [
                tok(segment(0), vars)?,
                tok(segment(1), vars)?,
                tok(segment(2), vars)?,
                tok(segment(3), vars)?,
            ];
            return Ok(ArnPattern::full(head, Pattern::wildcard("*")));
        }
        Err(ArnError::Shape(
            "an ARN needs six colon-separated parts (`arn:partition:service:region:account:resource`), or its last part must end in `*`".into(),
        ))
    }

    /// Parses every value with `parse`, reporting each one that fails.
    fn parse_values<T>(
        &mut self,
        operator: &str,
        values: &[Item],
        reason: &str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Option<Vec<T>> {
        let mut out = Vec::with_capacity(values.len());
        let mut ok = true;
        for item in values {
            match parse(&item.text) {
                Some(value) => out.push(value),
                None => {
                    self.diags.error(
                        &item.path,
                        item.offset,
                        PolicyErrorKind::ConditionValue {
                            operator: operator.to_owned(),
                            value: item.text.clone(),
                            reason: reason.to_owned(),
                        },
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }

    /// Date operands (O4). A value this crate cannot read but IAM stores
    /// (L4: IAM's lenient ISO 8601, such as `01T`) is a warning, as Access
    /// Analyzer's `TYPE_MISMATCH_DATE` is, and the condition then fails
    /// closed whenever the request has the key; one IAM refuses is an error.
    fn dates(&mut self, operator: &str, values: &[Item]) -> Option<Operands> {
        let mut dates = Vec::with_capacity(values.len());
        let mut unreadable = false;
        let mut ok = true;
        for item in values {
            if let Some(date) = parse_date(&item.text) {
                dates.push(date);
            } else if iam_accepts_date(&item.text) {
                self.diags.warn(
                    &item.path,
                    item.offset,
                    WarningKind::DateNotUnderstood,
                    format!(
                        "IAM accepts the date `{}` but its meaning is not documented; use an ISO 8601 date such as `2020-04-01T00:00:00Z` or epoch seconds (until then the statement fails closed whenever the request has the key)",
                        item.text
                    ),
                );
                unreadable = true;
            } else {
                self.diags.error(
                    &item.path,
                    item.offset,
                    PolicyErrorKind::ConditionValue {
                        operator: operator.to_owned(),
                        value: item.text.clone(),
                        reason: "expected an ISO 8601 date such as `2020-04-01T00:00:00Z` or epoch seconds".to_owned(),
                    },
                );
                ok = false;
            }
        }
        if !ok {
            return None;
        }
        Some(if unreadable {
            Operands::UnreadableDates
        } else {
            Operands::Dates(dates)
        })
    }

    fn condition(
        &mut self,
        operator_item: &Item,
        key: &Item,
        values: &[Item],
    ) -> Option<Condition> {
        let operator =
            match Operator::parse(&operator_item.text, self.options.operator_names_ignore_case) {
                Ok(op) => op,
                Err(e) => {
                    let kind = match e {
                        OperatorError::Unknown => {
                            PolicyErrorKind::UnknownOperator(operator_item.text.clone())
                        }
                        OperatorError::NullIfExists => PolicyErrorKind::ConditionValue {
                            operator: operator_item.text.clone(),
                            value: key.text.clone(),
                            reason: "`Null` cannot take `IfExists`".into(),
                        },
                    };
                    self.diags
                        .error(&operator_item.path, operator_item.offset, kind);
                    return None;
                }
            };
        if !self.no_variables(key, "condition keys") {
            return None;
        }
        let accepts_variables = operator.accepts_variables(self.options);
        let invalid = |item: &Item, reason: &str| PolicyErrorKind::ConditionValue {
            operator: operator_item.text.clone(),
            value: item.text.clone(),
            reason: reason.to_owned(),
        };
        let mut ok = true;
        for item in values {
            if !accepts_variables
                && !self.no_variables(item, &format!("`{}` values", operator_item.text))
            {
                return None;
            }
            if !self.check_wildcards(item) {
                return None;
            }
        }
        let operands = match operator.test {
            Test::StringEquals | Test::StringEqualsIgnoreCase | Test::StringLike | Test::Bool => {
                let wildcards = if operator.test == Test::StringLike {
                    Wildcards::Honoured
                } else {
                    Wildcards::Literal
                };
                let mut operands = Vec::with_capacity(values.len());
                for item in values {
                    if operator.test == Test::Bool
                        && !has_variable_syntax(&item.text)
                        && !(item.text.eq_ignore_ascii_case("true")
                            || item.text.eq_ignore_ascii_case("false"))
                    {
                        self.diags.error(
                            &item.path,
                            item.offset,
                            invalid(item, "expected `true` or `false`"),
                        );
                        ok = false;
                    }
                    let mut vars = Vec::new();
                    match tokenize(&item.text, wildcards, self.substitute, &mut vars) {
                        Ok(tokens) => operands.push(TextOperand {
                            pattern: Pattern::from_tokens(tokens),
                            vars: vars.into(),
                            source: item.text.as_str().into(),
                        }),
                        Err(e) => {
                            self.diags.error(
                                &item.path,
                                item.offset,
                                PolicyErrorKind::Variable(e.to_string()),
                            );
                            ok = false;
                        }
                    }
                }
                Operands::Text(operands)
            }
            Test::Numeric(_) => Operands::Numbers(self.parse_values(
                &operator_item.text,
                values,
                "expected a number such as `10` or `2.5`",
                Decimal::parse,
            )?),
            Test::Date(_) => self.dates(&operator_item.text, values)?,
            Test::Binary => Operands::Bytes(self.parse_values(
                &operator_item.text,
                values,
                "expected base64",
                decode_base64,
            )?),
            Test::IpAddress => Operands::Networks(self.parse_values(
                &operator_item.text,
                values,
                "expected an IP address or CIDR block such as `203.0.113.0/24`",
                parse_network,
            )?),
            Test::Arn => {
                let mut operands = Vec::with_capacity(values.len());
                for item in values {
                    let mut vars = Vec::new();
                    match self.arn_pattern(&item.text, false, &mut vars) {
                        Ok(pattern) => operands.push(ArnOperand {
                            pattern,
                            vars: vars.into(),
                            source: item.text.as_str().into(),
                        }),
                        Err(ArnError::Shape(reason)) => {
                            self.diags
                                .error(&item.path, item.offset, invalid(item, &reason));
                            ok = false;
                        }
                        Err(other) => {
                            self.diags
                                .error(&item.path, item.offset, other.into_kind(&item.text));
                            ok = false;
                        }
                    }
                }
                Operands::Arns(operands)
            }
            Test::Null => {
                let flag = match values {
                    [one] if one.text.eq_ignore_ascii_case("true") => Some(true),
                    [one] if one.text.eq_ignore_ascii_case("false") => Some(false),
                    _ => None,
                };
                match flag {
                    Some(flag) => Operands::Null(flag),
                    None => {
                        self.diags.error(
                            &key.path,
                            key.offset,
                            invalid(key, "`Null` takes exactly one value, `true` or `false`"),
                        );
                        return None;
                    }
                }
            }
        };
        if !ok {
            return None;
        }
        let key_lower: Box<str> = key.text.to_ascii_lowercase().into();
        Some(Condition {
            literal: Literal::of(&operator, &operands),
            key: key.text.as_str().into(),
            // ASCII case only, as the context folds keys (C2).
            key_lower: key_lower.clone(),
            key_hash: crate::hash::hash_key(&key_lower),
            operator,
            operands,
            sources: values.iter().map(|v| v.text.as_str().into()).collect(),
        })
    }
}

/// Whether IAM's validator accepts `text` as a date condition value (L4),
/// as moto reproduces it (`policy_validation.py`,
/// `_legacy_parse_date_condition_value`; its corpus has IAM accept `01T`,
/// `2016-12-13t2:00:00.593194+23` and `-292275054`, and refuse `sdfdsf`,
/// `234-13`, a one-digit zone and a ten-digit fraction): epoch seconds from 0
/// to 2^63-1, or a lenient ISO 8601 date and time within Joda-Time's years.
fn iam_accepts_date(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    if !(lower.contains('t') || lower.contains('-')) {
        return int_in(&lower, 0, i128::from(i64::MAX));
    }
    let (date, time) = lower.split_once('t').unwrap_or((&lower, ""));
    let (negative, date) = match date.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, date),
    };
    let parts: Vec<&str> = date.split('-').collect();
    let year_ok = parts.first().is_some_and(|y| {
        let (low, high) = if negative {
            (0, 292_275_054)
        } else {
            (-292_275_054, 292_278_993)
        };
        int_in(y, low, high)
    });
    let date_ok = year_ok
        && parts.len() < 4
        && parts.get(1).is_none_or(|m| int_in(m, 1, 12))
        && parts.get(2).is_none_or(|d| int_in(d, 1, 31));
    if !date_ok {
        return false;
    }
    let fields: Vec<&str> = time.split(':').collect();
    let hours_ok = fields
        .first()
        .is_none_or(|h| h.is_empty() || int_in(h, 0, 23));
    let minutes_ok = fields.get(1).is_none_or(|m| int_in(m, 0, 59));
    hours_ok && minutes_ok && fields.get(2).is_none_or(|s| iam_accepts_seconds(s))
}

/// The seconds field of [`iam_accepts_date`], with its fraction and zone.
fn iam_accepts_seconds(field: &str) -> bool {
    let seconds = if let Some((seconds, rest)) = field.split_once('z') {
        if !rest.is_empty() {
            return false;
        }
        seconds
    } else if let Some((seconds, zone)) = field.split_once('+') {
        let (hours, minutes) = match zone.split_once(':') {
            Some((h, m)) => (h, Some(m)),
            None => (zone, None),
        };
        if hours.len() != 2 || !int_in(hours, 0, 23) {
            return false;
        }
        if minutes.is_some_and(|m| m.len() != 2 || !int_in(m, 0, 59)) {
            return false;
        }
        seconds
    } else {
        field
    };
    let (whole, fraction) = match seconds.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (seconds, None),
    };
    int_in(whole, 0, 59) && fraction.is_none_or(|f| int_in(f, 0, 999_999_999))
}

/// Whether `text` is an optionally signed decimal integer in `low..=high`.
fn int_in(text: &str, low: i128, high: i128) -> bool {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || digits.len() > 30 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    text.parse::<i128>()
        .is_ok_and(|n| (low..=high).contains(&n))
}

/// Whether incomplete resource ARNs are completed with `*` (R9): in the
/// identity policies IAM stores, permissions boundaries and session policies.
/// Other types keep the stricter rule (a short ARN must end in `*`).
fn completes_short_arns(policy_type: PolicyType) -> bool {
    matches!(
        policy_type,
        PolicyType::Identity | PolicyType::Boundary | PolicyType::Session
    )
}

/// Why IAM refuses a `Resource` ARN of these `parts` (the text after `arn:`
/// split at its first four colons), or `None` (R10, as IAM's validator does,
/// per moto's corpus of it and Access Analyzer's ARN checks):
/// - no service (`arn:aws`, `arn:aws:`, `arn:aws::us-east-1:1:x`): "Resource
///   vendor must be fully qualified", "The policy failed legacy parsing";
/// - a short ARN with an empty segment (`arn:aws:s3::b`): legacy parsing;
/// - a region in an IAM ARN, or in an S3 ARN without an account
///   (`arn:aws:s3:us-east-1::b`), Access Analyzer's `ARN_REGION_NOT_ALLOWED`
///   ("IAM resource … cannot contain region information"). S3 access
///   points, jobs and Storage Lens ARNs name a region and an account, so an
///   S3 ARN with an account may name a region.
fn resource_arn_refused(parts: &[&str]) -> Option<String> {
    let service = match parts {
        // `arn:*`: the star absorbs the service with the rest (R4).
        [only] if only.ends_with('*') => return None,
        [] | [_] => {
            return Some(
                "the service is missing: name it, as in `arn:aws:s3:::bucket` (IAM: the resource vendor must be fully qualified)".into(),
            )
        }
        [_, service, ..] => *service,
    };
    if service.is_empty() {
        return Some(
            "the service segment is empty: name the service, as in `arn:aws:sqs:…`".into(),
        );
    }
    if parts.len() < 5 && parts.iter().any(|p| p.is_empty()) {
        return Some(
            "an incomplete ARN cannot have an empty segment (IAM fails to parse it); write all six parts, as in `arn:aws:s3:::bucket`".into(),
        );
    }
    let region = parts.get(2).copied().unwrap_or_default();
    let account = parts.get(3).copied().unwrap_or_default();
    if region.is_empty() {
        return None;
    }
    if service == "iam" {
        return Some(format!(
            "ARN Region not allowed: IAM resources are global, so the region segment must be empty (`arn:aws:iam::ACCOUNT:…`), not `{region}`"
        ));
    }
    if service == "s3" && account.is_empty() {
        return Some(format!(
            "ARN Region not allowed: S3 bucket and object ARNs have no region (`arn:aws:s3:::bucket/key`), not `{region}`"
        ));
    }
    None
}
