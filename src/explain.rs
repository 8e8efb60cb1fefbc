//! Explanations: which statements decided, why the others did not apply, and
//! which context keys the request lacked. Built on demand by evaluating again
//! with an observer, so the decision itself stays allocation-free.

use std::fmt;

use serde::Serialize;

use crate::compile::{CompiledPolicy, CompiledStatement, Position};
use crate::condition::{Condition, Operands};
use crate::eval::{walk, Blocker, Decision, Miss, StatementResult, Verdict};
use crate::policy::{Effect, PolicyType};
use crate::principal::CallerShape;
use crate::request::{Context, Request};
use crate::set::PolicySet;
use crate::variable::{Unresolved, Variable};

/// Identifies one statement: its policy, index, Sid and source span.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct StatementRef {
    /// The policy's id.
    pub policy_id: String,
    /// The policy's type.
    pub policy_type: PolicyType,
    /// 0-based index of the statement in the policy.
    pub index: usize,
    /// The statement's Sid, if any.
    pub sid: Option<String>,
    /// The statement's effect.
    pub effect: Effect,
    /// Where the statement starts in the policy text (or in the file it
    /// was pasted into); `None` when the text was rebuilt
    /// ([`crate::TextOrigin::Rebuilt`]).
    pub start: Option<Position>,
    /// Where it ends.
    pub end: Option<Position>,
}

impl Serialize for PolicyType {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl Serialize for Effect {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl fmt::Display for StatementRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} policy `{}` statement {}",
            self.policy_type, self.policy_id, self.index
        )?;
        if let Some(sid) = self.sid.as_deref().filter(|s| !s.is_empty()) {
            write!(f, " (Sid `{sid}`)")?;
        }
        match self.start {
            Some(start) => write!(f, " [{}, line {}]", self.effect, start.line),
            None => write!(f, " [{}]", self.effect),
        }
    }
}

/// A policy variable that did not resolve (V7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UnresolvedVariable {
    /// The variable as written, `${…}`.
    pub variable: String,
    /// Why: `missing` or `multiValued`.
    pub reason: &'static str,
}

/// Why a statement whose action matched did not apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[non_exhaustive]
pub enum Reason {
    /// The request principal is not named by `Principal` (or is named by `NotPrincipal`).
    #[serde(rename_all = "camelCase")]
    Principal {
        /// The request principal, if any.
        principal: Option<String>,
        /// Whether the element is `NotPrincipal`.
        negated: bool,
        /// The entries as written.
        entries: Vec<String>,
    },
    /// The request resource is not matched by `Resource` (or is by `NotResource`).
    #[serde(rename_all = "camelCase")]
    Resource {
        /// The request resource.
        resource: String,
        /// Whether the element is `NotResource`.
        negated: bool,
        /// The patterns with variables substituted.
        patterns: Vec<String>,
        /// Variables that did not resolve (their entries match nothing).
        unresolved: Vec<UnresolvedVariable>,
    },
    /// A condition was false.
    #[serde(rename_all = "camelCase")]
    Condition(ConditionTrace),
    /// A condition met a request value it cannot read (a non-number for a
    /// numeric operator, say): the statement failed closed.
    #[serde(rename_all = "camelCase")]
    UnreadableRequestValue(ConditionTrace),
    /// A condition has a date IAM stores but this crate cannot read (L4):
    /// the statement failed closed.
    #[serde(rename_all = "camelCase")]
    UnreadablePolicyValue(ConditionTrace),
    /// A bare operator met a key with several request values, which AWS
    /// says needs `ForAnyValue:` or `ForAllValues:`: the statement failed
    /// closed (C7, [`crate::BareMultiValue::FailClosed`]).
    #[serde(rename_all = "camelCase")]
    SeveralRequestValues(ConditionTrace),
    /// `NotResource` has an unresolvable variable: the statement failed closed (R7).
    #[serde(rename_all = "camelCase")]
    NotResourceUnresolved {
        /// The variables that did not resolve.
        unresolved: Vec<UnresolvedVariable>,
    },
}

/// One condition, with what the request and the policy held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ConditionTrace {
    /// The operator as written.
    pub operator: String,
    /// The condition key as written.
    pub key: String,
    /// The request's values, or `None` when the key is absent.
    pub request_values: Option<Vec<String>>,
    /// The policy's values, with variables substituted where they resolved.
    pub policy_values: Vec<String>,
    /// Variables that did not resolve.
    pub unresolved: Vec<UnresolvedVariable>,
}

/// A statement that did not take effect, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct NotApplied {
    /// The statement.
    pub statement: StatementRef,
    /// Why it did not apply.
    pub reason: Reason,
    /// True when it could not be evaluated: a Deny then applies and an Allow does not.
    pub failed_closed: bool,
}

/// Why a request got its decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Explanation {
    /// The decision.
    pub decision: Decision,
    /// One sentence saying why.
    pub summary: String,
    /// The statements that decided: the applicable Deny statements for an
    /// explicit deny, the applicable Allow statements for an allow (M3).
    pub decided_by: Vec<StatementRef>,
    /// For an implicit deny: the check that withheld the Allow.
    pub blocked_by: Option<Blocker>,
    /// With SCPs: whether the organization's SCPs allowed the request
    /// (the simulator's `OrganizationsDecisionDetail.AllowedByOrganizations`).
    pub allowed_by_organizations: Option<bool>,
    /// With a permissions boundary: whether it allowed the request
    /// (`PermissionsBoundaryDecisionDetail.AllowedByPermissionsBoundary`).
    pub allowed_by_permissions_boundary: Option<bool>,
    /// Every statement for this action that did not take effect, with why.
    pub not_applied: Vec<NotApplied>,
    /// Context keys consulted by statements for this action that the request
    /// did not supply (condition keys and variables without defaults).
    pub missing_context_keys: Vec<String>,
}

pub(crate) fn explain(set: &PolicySet, request: &Request, verdict: Verdict) -> Explanation {
    let mut seen: Vec<(&CompiledPolicy, &CompiledStatement, StatementResult)> = Vec::new();
    let traced = walk(set.policies(), request, set.options(), |p, s, r| {
        seen.push((p, s, r))
    });
    debug_assert_eq!(
        traced, verdict,
        "the traced walk must reach the same verdict"
    );
    let context = request.context();
    let mut decided_by = Vec::new();
    let mut not_applied = Vec::new();
    let mut missing: Vec<String> = Vec::new();
    for (policy, statement, result) in seen {
        if matches!(result, StatementResult::NotApplicable(Miss::Action)) {
            continue;
        }
        collect_missing(statement, context, &mut missing);
        let reference = statement_ref(policy, statement);
        let takes_effect = result.takes_effect(statement.effect);
        let decisive = match verdict.decision {
            Decision::ExplicitDeny => statement.effect == Effect::Deny,
            Decision::Allow => statement.effect == Effect::Allow,
            Decision::ImplicitDeny => false,
        };
        if takes_effect && decisive {
            decided_by.push(reference.clone());
            // A Deny that failed closed decided too, and the reader must see why.
            if !matches!(result, StatementResult::FailedClosed(_)) {
                continue;
            }
        }
        let miss = match result {
            StatementResult::NotApplicable(miss) | StatementResult::FailedClosed(miss) => miss,
            StatementResult::Applies(_) => continue,
        };
        let Some(reason) = reason(statement, miss, request) else {
            continue;
        };
        not_applied.push(NotApplied {
            statement: reference,
            reason,
            failed_closed: matches!(result, StatementResult::FailedClosed(_)),
        });
    }
    let summary = summary(verdict, request, &decided_by);
    Explanation {
        decision: verdict.decision,
        summary,
        decided_by,
        blocked_by: verdict.blocker,
        allowed_by_organizations: verdict.allowed_by_organizations,
        allowed_by_permissions_boundary: verdict.allowed_by_boundary,
        not_applied,
        missing_context_keys: missing,
    }
}

fn statement_ref(policy: &CompiledPolicy, statement: &CompiledStatement) -> StatementRef {
    StatementRef {
        policy_id: policy.id.to_string(),
        policy_type: policy.policy_type,
        index: statement.index,
        sid: statement.sid.as_deref().map(str::to_owned),
        effect: statement.effect,
        start: statement.start,
        end: statement.end,
    }
}

fn summary(verdict: Verdict, request: &Request, decided_by: &[StatementRef]) -> String {
    let what = format!("`{}` on `{}`", request.action(), request.resource());
    let first = decided_by
        .first()
        .map(ToString::to_string)
        .unwrap_or_default();
    match (verdict.decision, verdict.blocker) {
        (Decision::Allow, _) if verdict.no_permission_needed => format!(
            "{what} is allowed: AWS requires no permission for this action, and no policy can deny it"
        ),
        (Decision::Allow, _) if decided_by.is_empty() => {
            let root = matches!(request.caller_shape(), Some(CallerShape::Root { .. }));
            match request.principal() {
                // E2: the root user needs no Allow in its own account.
                Some(p) if root => format!("{what} is allowed: `{p}` is the account's root user, which has full access to its own account unless a policy denies it (E2)"),
                _ => format!("{what} is allowed, though no statement names it"),
            }
        }
        (Decision::Allow, _) => format!("{what} is allowed by {first}"),
        (Decision::ExplicitDeny, _) => format!("{what} is explicitly denied by {first}"),
        (Decision::ImplicitDeny, blocker) => {
            let why = match blocker {
                Some(Blocker::Identity) => "the identity-based policies do not allow it (cross-account requests need both sides)".to_owned(),
                Some(Blocker::Resource) => "no resource-based policy allows it, and this request needs one".to_owned(),
                Some(Blocker::KeyPolicy { given: false }) => "AWS KMS uses a key only when its key policy allows the caller or delegates to the caller's account, and no key policy was given".to_owned(),
                Some(Blocker::KeyPolicy { given: true }) => "the key policy neither allows the caller nor delegates to the caller's account, and AWS KMS needs one of them whatever the identity-based policies allow".to_owned(),
                Some(Blocker::Boundary) => "the permissions boundary does not allow it".to_owned(),
                Some(Blocker::Session) => "the session policy does not allow it".to_owned(),
                Some(Blocker::Scp { level }) => format!("no SCP at organization level {level} allows it"),
                Some(Blocker::Rcp { level }) => format!("no RCP at organization level {level} allows it"),
                Some(Blocker::UnreadableRequest) => match request.problem() {
                    Some(problem) => format!("the request cannot be read, so nothing allows it: {problem}"),
                    None => "the request cannot be read, so nothing allows it".to_owned(),
                },
                Some(Blocker::NoAllow) | None => "no statement allows it".to_owned(),
            };
            format!("{what} is implicitly denied: {why}")
        }
    }
}

fn unresolved_variable(var: &Variable, why: Unresolved) -> UnresolvedVariable {
    UnresolvedVariable {
        variable: var.raw.to_string(),
        reason: match why {
            Unresolved::Missing => "missing",
            Unresolved::MultiValued => "multiValued",
        },
    }
}

/// A substituted value as the policy would have to write it: its `*`, `?`
/// and `$` are literal (V5), so they are shown as IAM's escapes `${*}`,
/// `${?}` and `${$}` (V4), and a `*` from a request never reads as a
/// wildcard.
fn literal(value: &str) -> std::borrow::Cow<'_, str> {
    if !value.contains(['*', '?', '$']) {
        return std::borrow::Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len() + 8);
    for c in value.chars() {
        match c {
            '*' => out.push_str("${*}"),
            '?' => out.push_str("${?}"),
            '$' => out.push_str("${$}"),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Substitutes the variables that resolve into `source`; collects the others.
fn render(
    source: &str,
    vars: &[Variable],
    context: &Context,
    unresolved: &mut Vec<UnresolvedVariable>,
) -> String {
    let mut text = source.to_owned();
    for var in vars {
        match var.resolve(context) {
            Ok(value) => text = text.replace(&*var.raw, &literal(value)),
            Err(why) => {
                let u = unresolved_variable(var, why);
                if !unresolved.contains(&u) {
                    unresolved.push(u);
                }
            }
        }
    }
    text
}

/// Why a statement did not apply; `None` for an action mismatch, which is
/// not explained (the statement is not about this request).
fn reason(statement: &CompiledStatement, miss: Miss, request: &Request) -> Option<Reason> {
    let context = request.context();
    match miss {
        Miss::Principal => {
            let (negated, entries) = statement
                .principal
                .as_ref()
                .map(|p| (p.negated, p.sources.iter().map(|s| s.to_string()).collect()))
                .unwrap_or_default();
            Some(Reason::Principal {
                principal: request.principal().map(str::to_owned),
                negated,
                entries,
            })
        }
        Miss::Resource | Miss::NotResourceUnresolved => {
            let mut unresolved = Vec::new();
            let (negated, patterns) = match &statement.resources {
                Some(r) => (
                    r.negated,
                    r.entries
                        .iter()
                        .map(|e| render(&e.source, &e.vars, context, &mut unresolved))
                        .collect(),
                ),
                None => (false, Vec::new()),
            };
            if miss == Miss::NotResourceUnresolved {
                return Some(Reason::NotResourceUnresolved { unresolved });
            }
            Some(Reason::Resource {
                resource: request.resource().to_owned(),
                negated,
                patterns,
                unresolved,
            })
        }
        Miss::Condition(index) => Some(Reason::Condition(trace(
            statement.conditions.get(index)?,
            context,
        ))),
        Miss::BadRequestValue(index) => Some(Reason::UnreadableRequestValue(trace(
            statement.conditions.get(index)?,
            context,
        ))),
        Miss::BadPolicyValue(index) => Some(Reason::UnreadablePolicyValue(trace(
            statement.conditions.get(index)?,
            context,
        ))),
        Miss::SeveralValues(index) => Some(Reason::SeveralRequestValues(trace(
            statement.conditions.get(index)?,
            context,
        ))),
        Miss::Action => None,
    }
}

fn trace(condition: &Condition, context: &Context) -> ConditionTrace {
    let mut unresolved = Vec::new();
    let policy_values = match &condition.operands {
        Operands::Text(ops) => ops
            .iter()
            .map(|o| render(&o.source, &o.vars, context, &mut unresolved))
            .collect(),
        Operands::Arns(ops) => ops
            .iter()
            .map(|o| render(&o.source, &o.vars, context, &mut unresolved))
            .collect(),
        _ => condition.sources.iter().map(|s| s.to_string()).collect(),
    };
    ConditionTrace {
        operator: condition.operator.name.to_string(),
        key: condition.key.to_string(),
        request_values: context
            .get_lower(&condition.key_lower)
            .map(|v| v.values().to_vec()),
        policy_values,
        unresolved,
    }
}

/// Adds the keys this statement consults that the request lacks.
fn collect_missing(statement: &CompiledStatement, context: &Context, missing: &mut Vec<String>) {
    let mut add = |key: &str| {
        if !missing.iter().any(|m| m.eq_ignore_ascii_case(key)) {
            missing.push(key.to_owned());
        }
    };
    let check_vars = |vars: &[Variable], add: &mut dyn FnMut(&str)| {
        for var in vars {
            if var.default.is_none() && context.get_lower(&var.key_lower).is_none() {
                add(&var.key);
            }
        }
    };
    if let Some(resources) = &statement.resources {
        for entry in resources.entries.iter() {
            check_vars(&entry.vars, &mut add);
        }
    }
    for condition in statement.conditions.iter() {
        if context.get_lower(&condition.key_lower).is_none() {
            add(&condition.key);
        }
        match &condition.operands {
            Operands::Text(ops) => ops.iter().for_each(|o| check_vars(&o.vars, &mut add)),
            Operands::Arns(ops) => ops.iter().for_each(|o| check_vars(&o.vars, &mut add)),
            _ => {}
        }
    }
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}: {}", self.decision, self.summary)?;
        for s in &self.decided_by {
            writeln!(f, "  decided by: {s}")?;
        }
        for n in &self.not_applied {
            let label = if n.failed_closed {
                "failed closed"
            } else {
                "did not apply"
            };
            writeln!(f, "  {label}: {}", n.statement)?;
            writeln!(f, "    {}", n.reason)?;
        }
        if !self.missing_context_keys.is_empty() {
            writeln!(
                f,
                "  context keys consulted but not supplied: {}",
                self.missing_context_keys.join(", ")
            )?;
        }
        Ok(())
    }
}

fn list(values: &[String]) -> String {
    values
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn unresolved_list(vars: &[UnresolvedVariable]) -> String {
    vars.iter()
        .map(|u| {
            let why = if u.reason == "missing" {
                "absent"
            } else {
                "multi-valued"
            };
            format!("{} ({why})", u.variable)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Principal {
                principal,
                negated,
                entries,
            } => {
                let who = principal
                    .as_deref()
                    .map_or("no principal".to_owned(), |p| format!("principal `{p}`"));
                if *negated {
                    write!(f, "{who} is excluded by NotPrincipal {}", list(entries))
                } else {
                    write!(f, "{who} is not named by Principal {}", list(entries))
                }
            }
            Reason::Resource {
                resource,
                negated,
                patterns,
                unresolved,
            } => {
                if *negated {
                    write!(
                        f,
                        "resource `{resource}` is excluded by NotResource {}",
                        list(patterns)
                    )?;
                } else {
                    write!(
                        f,
                        "resource `{resource}` matches none of {}",
                        list(patterns)
                    )?;
                }
                if !unresolved.is_empty() {
                    write!(
                        f,
                        "; unresolved variables match nothing: {}",
                        unresolved_list(unresolved)
                    )?;
                }
                Ok(())
            }
            Reason::Condition(t) => write!(f, "condition false: {t}"),
            Reason::UnreadableRequestValue(t) => {
                write!(f, "condition could not read the request value: {t}")
            }
            Reason::UnreadablePolicyValue(t) => {
                write!(f, "condition has a date IAM accepts but iam-eval cannot read, so the statement failed closed: {t}")
            }
            Reason::SeveralRequestValues(t) => write!(
                f,
                "a bare operator cannot decide on several request values (use ForAnyValue: or ForAllValues:): {t}"
            ),
            Reason::NotResourceUnresolved { unresolved } => write!(
                f,
                "NotResource has unresolved variables ({}), so the statement cannot be evaluated",
                unresolved_list(unresolved)
            ),
        }
    }
}

impl fmt::Display for ConditionTrace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {{ {}: {} }}",
            self.operator,
            self.key,
            list(&self.policy_values)
        )?;
        match &self.request_values {
            None => write!(f, " but the request has no `{}`", self.key)?,
            Some(values) => write!(f, " against request value(s) {}", list(values))?,
        }
        if !self.unresolved.is_empty() {
            write!(
                f,
                "; unresolved variables: {}",
                unresolved_list(&self.unresolved)
            )?;
        }
        Ok(())
    }
}
