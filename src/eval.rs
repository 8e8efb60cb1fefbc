//! The decision: which statements apply (E1) and how the policy types combine
//! (E2-E8).
//!
//! Source: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>
//! and the cross-account page cited for E6 in `docs/rules.md`.
//!
//! The explanation walks every statement ([`walk`]), reporting each result
//! to an observer. The decision alone ([`decide`]) visits only the
//! statements the index or the service filter lets through: a set of
//! identity policies (the usual embedding) in a plain loop that stops at
//! the first applicable Deny, any other set through the same tallies as the
//! walk. Both reach the same verdict (tests/index_equivalence.rs), and
//! deciding allocates nothing (tests/no_alloc.rs).

use std::ops::ControlFlow;

use crate::arn::{ArnMatchCase, ArnText};
use crate::compile::{CompiledPolicy, CompiledStatement, ResourceEntry, ResourceMatcher};
use crate::condition::Outcome;
use crate::index::Group;
use crate::options::{Options, UnresolvedNotResource};
use crate::pattern::Case;
use crate::policy::{Effect, PolicyType};
use crate::principal::{Caller, CallerShape, PrincipalMatch};
use crate::request::{Context, Request};
use crate::service_rules::{
    needs_key_policy, needs_no_permission, required_policy, RequiredPolicy,
};
use crate::variable::{resolve_all, ResolvedVars, Variable};

/// The answer AWS gives: exactly one of three.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Decision {
    /// An applicable Allow, and nothing denied or withheld it.
    Allow,
    /// An applicable Deny statement.
    ExplicitDeny,
    /// No applicable Allow (or a guardrail such as an SCP did not allow).
    ImplicitDeny,
}

impl Decision {
    /// The name used in case files: `Allow`, `ExplicitDeny`, `ImplicitDeny`.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allow => "Allow",
            Decision::ExplicitDeny => "ExplicitDeny",
            Decision::ImplicitDeny => "ImplicitDeny",
        }
    }

    /// True only for [`Decision::Allow`].
    pub fn is_allowed(self) -> bool {
        self == Decision::Allow
    }
}

impl std::fmt::Display for Decision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a statement did not apply, or could not be evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Miss {
    Action,
    Principal,
    Resource,
    /// `NotResource` with an unresolvable variable (R7, fail-closed default).
    NotResourceUnresolved,
    /// The condition at this index was false.
    Condition(usize),
    /// The condition at this index met a request value it cannot read.
    BadRequestValue(usize),
    /// The condition at this index has a policy value it cannot read (L4).
    BadPolicyValue(usize),
    /// The bare condition at this index met several request values (C7,
    /// [`crate::BareMultiValue::FailClosed`]).
    SeveralValues(usize),
}

/// One statement's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StatementResult {
    Applies(Option<PrincipalMatch>),
    NotApplicable(Miss),
    /// The statement could not be evaluated: it counts as applying when it
    /// denies and as not applying when it allows.
    FailedClosed(Miss),
}

impl StatementResult {
    /// Whether the statement takes effect with `effect` (fail closed).
    pub fn takes_effect(self, effect: Effect) -> bool {
        match self {
            StatementResult::Applies(_) => true,
            StatementResult::NotApplicable(_) => false,
            StatementResult::FailedClosed(_) => effect == Effect::Deny,
        }
    }
}

/// The request, as the statements read it during one evaluation: the
/// request itself (which holds the splits made when it was built) and the
/// principal's parts, rebuilt only if a statement asks.
pub(crate) struct Prepared<'r> {
    request: &'r Request,
    resource: ArnText<'r>,
    caller: std::cell::OnceCell<Option<Caller<'r>>>,
    /// Whether the set holds a permissions boundary for the caller, which a
    /// Deny's `NotPrincipal` cannot exempt (P5).
    boundary_attached: bool,
}

impl<'r> Prepared<'r> {
    pub fn new(request: &'r Request) -> Self {
        Prepared {
            request,
            resource: request.resource_text(),
            caller: std::cell::OnceCell::new(),
            boundary_attached: false,
        }
    }

    fn with_boundary(mut self, attached: bool) -> Self {
        self.boundary_attached = attached;
        self
    }

    fn action(&self) -> &'r str {
        self.request.action()
    }

    fn resource(&self) -> &ArnText<'r> {
        &self.resource
    }

    fn context(&self) -> &'r Context {
        self.request.context()
    }

    /// The classified principal, rebuilt only where a statement or the
    /// cross-account check needs its parts.
    pub fn caller(&self) -> Option<Caller<'r>> {
        *self.caller.get_or_init(|| self.request.caller())
    }

    /// The principal's kind, without rebuilding its parts.
    fn caller_shape(&self) -> Option<CallerShape> {
        self.request.caller_shape()
    }
}

#[inline(always)] // into `evaluate_statement`
fn action_matches(statement: &CompiledStatement, request: &Prepared<'_>) -> bool {
    // `s3:*` and literal actions are settled by their keys.
    let any = statement.action_keys.any_match(
        request.request.service_key(),
        request.request.action_key(),
        request.action(),
    );
    any != statement.actions.negated
}

pub(crate) fn arn_case(options: &Options) -> ArnMatchCase {
    ArnMatchCase {
        head: if options.arn_head_ignore_case {
            Case::AsciiInsensitive
        } else {
            Case::Sensitive
        },
        resource: Case::Sensitive,
        star_crosses_colons: options.arn_star_crosses_colons,
    }
}

/// Matches `Resource`/`NotResource` (R2-R7). `None` means the answer is
/// unknown because a `NotResource` entry could not be resolved.
#[inline(always)] // into `evaluate_statement`
fn resources_match(
    matcher: &ResourceMatcher,
    request: &Prepared<'_>,
    options: &Options,
) -> Option<bool> {
    let case = arn_case(options);
    let resource = request.resource();
    // The per-user shape is answered without the entry loop (crate::per_user).
    if let Some(per_user) = &matcher.per_user {
        if let Some(matched) = per_user.matches(resource, request.context(), case) {
            return Some(matched);
        }
    }
    let mut unresolved = false;
    let mut any = false;
    for entry in matcher.entries.iter() {
        // No or one variable (the usual cases) need no buffer.
        let matched = match &*entry.vars {
            [] => Some(entry.pattern.is_match(resource, &[], case)),
            [var] => var
                .resolve(request.context())
                .ok()
                .map(|value| entry.pattern.is_match(resource, &[value], case)),
            vars => entry_match_resolving(entry, vars, resource, request.context(), case),
        };
        match matched {
            Some(true) => {
                any = true;
                break;
            }
            Some(false) => {}
            // V7: an entry with an unresolvable variable matches nothing.
            None => unresolved = true,
        }
    }
    if !matcher.negated {
        return Some(any);
    }
    if any {
        return Some(false);
    }
    match (unresolved, options.unresolved_not_resource) {
        (true, UnresolvedNotResource::FailClosed) => None,
        _ => Some(true),
    }
}

/// An entry with several variables: resolved into a buffer first. `None`
/// when one does not resolve. Out of line, so the usual entries above need
/// no buffer on the stack.
#[inline(never)]
fn entry_match_resolving(
    entry: &ResourceEntry,
    vars: &[Variable],
    resource: &ArnText<'_>,
    context: &Context,
    case: ArnMatchCase,
) -> Option<bool> {
    let mut buffer = ResolvedVars::new();
    resolve_all(vars, context, &mut buffer).ok()?;
    Some(entry.pattern.is_match(resource, buffer.as_slice(), case))
}

/// E1: a statement applies when principal, action, resource and every
/// condition match.
// Forced inline, with the checks below it, so a decision's scan checks a
// statement without a call (benches/RESULTS.md).
#[inline(always)]
pub(crate) fn evaluate_statement(
    statement: &CompiledStatement,
    request: &Prepared<'_>,
    options: &Options,
) -> StatementResult {
    if !action_matches(statement, request) {
        return StatementResult::NotApplicable(Miss::Action);
    }
    let principal = match &statement.principal {
        None => None,
        Some(matcher) => match matcher.admits(
            request.caller().as_ref(),
            statement.effect,
            request.boundary_attached,
        ) {
            Some(m) => Some(m),
            None => return StatementResult::NotApplicable(Miss::Principal),
        },
    };
    let mut failed_closed = None;
    if let Some(resources) = &statement.resources {
        match resources_match(resources, request, options) {
            Some(true) => {}
            Some(false) => return StatementResult::NotApplicable(Miss::Resource),
            None => failed_closed = Some(Miss::NotResourceUnresolved),
        }
    }
    for (index, condition) in statement.conditions.iter().enumerate() {
        match condition.evaluate(request.context(), options) {
            Outcome::True => {}
            // AND: one false condition settles it, whatever else failed.
            Outcome::False => return StatementResult::NotApplicable(Miss::Condition(index)),
            Outcome::BadRequestValue => {
                failed_closed.get_or_insert(Miss::BadRequestValue(index));
            }
            Outcome::BadPolicyValue => {
                failed_closed.get_or_insert(Miss::BadPolicyValue(index));
            }
            Outcome::SeveralValues => {
                failed_closed.get_or_insert(Miss::SeveralValues(index));
            }
        }
    }
    match failed_closed {
        Some(miss) => StatementResult::FailedClosed(miss),
        None => StatementResult::Applies(principal),
    }
}

/// What the statements of one policy type (or one SCP/RCP level) add up to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Tally {
    pub present: bool,
    pub allow: bool,
    pub deny: bool,
    /// How directly the applying resource-policy Allows reach the caller:
    /// the most direct of them (E5, P1).
    pub allow_grant: Option<ResourceGrant>,
}

/// How a resource-based policy's Allow reaches the caller, from the least
/// to the most direct.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum ResourceGrant {
    /// It names the caller's account, which only delegates: the account's
    /// identity-based policies must allow too (P1).
    Delegated,
    /// It names the caller's role: a permissions boundary or session policy
    /// can still withhold it (E5).
    ThroughRole,
    /// It names the caller itself, everyone (`*`), a service or a provider:
    /// it grants on its own in the same account (E3, E5).
    Direct,
}

impl ResourceGrant {
    fn of(principal: Option<PrincipalMatch>) -> Self {
        match principal {
            Some(PrincipalMatch::Account) => ResourceGrant::Delegated,
            Some(PrincipalMatch::Role) => ResourceGrant::ThroughRole,
            _ => ResourceGrant::Direct,
        }
    }
}

/// Which check withheld an Allow, for explanations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum Blocker {
    /// No identity-based or resource-based policy allowed the request.
    NoAllow,
    /// Cross-account: the identity side did not allow (E6).
    Identity,
    /// The resource side did not allow: cross-account (E6), anonymous (E8),
    /// or a service, web-identity or trust-policy request (E3, E7).
    Resource,
    /// A `kms:` action on a KMS key: the key policy does not allow the
    /// caller nor delegate to its account, or no key policy was given (K1).
    KeyPolicy {
        /// Whether a key policy (a resource-based policy) was given.
        given: bool,
    },
    /// A permissions boundary has no applicable Allow (E4).
    Boundary,
    /// A session policy has no applicable Allow (E4).
    Session,
    /// An SCP level has no applicable Allow (E4).
    Scp {
        /// The organization level (0 = root).
        level: u32,
    },
    /// An RCP level has no applicable Allow (E4).
    Rcp {
        /// The organization level (0 = root).
        level: u32,
    },
    /// The request cannot be read (its action or principal is malformed,
    /// see [`crate::RequestError`]), so nothing may allow it.
    UnreadableRequest,
}

/// The outcome of the whole flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Verdict {
    pub decision: Decision,
    pub blocker: Option<Blocker>,
    /// With SCPs: whether every level allowed and none denied (the
    /// simulator's `OrganizationsDecisionDetail`).
    pub allowed_by_organizations: Option<bool>,
    /// With a boundary: whether it allowed and did not deny
    /// (`PermissionsBoundaryDecisionDetail`).
    pub allowed_by_boundary: Option<bool>,
    /// The action needs no permission, so AWS allows it whatever the
    /// policies say (N1).
    pub no_permission_needed: bool,
}

impl Verdict {
    /// N1: an action that needs no permission is allowed even where the
    /// policies deny it. Called only on a deny, so the Allow path pays nothing.
    fn or_exempt(mut self, prepared: &Prepared<'_>) -> Self {
        if self.decision != Decision::Allow
            && needs_no_permission(prepared.action(), prepared.caller_shape())
        {
            self.decision = Decision::Allow;
            self.blocker = None;
            self.no_permission_needed = true;
        }
        self
    }
}

/// Which policy types take part for this caller (E7, E8).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Participation {
    pub principal_side: bool,
    pub scp: bool,
    pub rcp: bool,
}

impl Participation {
    pub fn for_caller(caller: Option<CallerShape>) -> Self {
        match caller {
            // E8: only resource policies (and RCPs) for anonymous callers.
            Some(CallerShape::Anonymous) => Participation {
                principal_side: false,
                scp: false,
                rcp: true,
            },
            // Service principals and web identities have no identity policies,
            // and SCPs/RCPs do not restrict service principals.
            Some(CallerShape::Service) => Participation {
                principal_side: false,
                scp: false,
                rcp: false,
            },
            Some(CallerShape::WebIdentity) => Participation {
                principal_side: false,
                scp: false,
                rcp: true,
            },
            _ => Participation {
                principal_side: true,
                scp: true,
                rcp: true,
            },
        }
    }

    pub fn includes(self, policy_type: PolicyType) -> bool {
        match policy_type {
            PolicyType::Identity | PolicyType::Boundary | PolicyType::Session => {
                self.principal_side
            }
            PolicyType::Scp => self.scp,
            PolicyType::Rcp => self.rcp,
            PolicyType::Resource | PolicyType::Trust => true,
        }
    }
}

/// The running tallies of one decision: fed statement results policy type by
/// policy type, in (type, level) order, then turned into a verdict. The
/// result does not depend on the order of statements within a type.
struct Walker {
    identity: Tally,
    resource: Tally,
    boundary: Tally,
    session: Tally,
    has_trust: bool,
    any_deny: bool,
    guardrail: Option<Blocker>,
    level_tally: Tally,
    current_level: Option<(PolicyType, u32)>,
    organizations: Option<bool>,
}

impl Walker {
    fn new() -> Self {
        Walker {
            identity: Tally::default(),
            resource: Tally::default(),
            boundary: Tally::default(),
            session: Tally::default(),
            has_trust: false,
            any_deny: false,
            guardrail: None,
            level_tally: Tally::default(),
            current_level: None,
            organizations: None,
        }
    }

    /// Starts (or continues) the policies of `policy_type` at `level`.
    fn enter(&mut self, policy_type: PolicyType, level: u32) {
        self.has_trust |= policy_type == PolicyType::Trust;
        if matches!(policy_type, PolicyType::Scp | PolicyType::Rcp) {
            let key = Some((policy_type, level));
            if self.current_level != key {
                self.close_level();
                self.current_level = key;
                self.level_tally = Tally::default();
            }
        }
        self.tally(policy_type).present = true;
    }

    fn close_level(&mut self) {
        if let Some((policy_type, level)) = self.current_level {
            let tally = self.level_tally;
            if policy_type == PolicyType::Scp {
                let ok = tally.allow && !tally.deny;
                self.organizations = Some(self.organizations.unwrap_or(true) && ok);
            }
            if tally.present && !tally.allow && self.guardrail.is_none() {
                self.guardrail = Some(match policy_type {
                    PolicyType::Scp => Blocker::Scp { level },
                    _ => Blocker::Rcp { level },
                });
            }
        }
    }

    fn tally(&mut self, policy_type: PolicyType) -> &mut Tally {
        match policy_type {
            PolicyType::Identity => &mut self.identity,
            PolicyType::Resource | PolicyType::Trust => &mut self.resource,
            PolicyType::Boundary => &mut self.boundary,
            PolicyType::Session => &mut self.session,
            PolicyType::Scp | PolicyType::Rcp => &mut self.level_tally,
        }
    }

    /// Adds one statement's result to the tally of `policy_type`.
    fn record(&mut self, policy_type: PolicyType, effect: Effect, result: StatementResult) {
        if !result.takes_effect(effect) {
            return;
        }
        let tally = self.tally(policy_type);
        match effect {
            Effect::Deny => {
                tally.deny = true;
                self.any_deny = true;
            }
            Effect::Allow => {
                tally.allow = true;
                if let StatementResult::Applies(principal) = result {
                    let grant = ResourceGrant::of(principal);
                    tally.allow_grant = tally.allow_grant.max(Some(grant));
                }
            }
        }
    }

    fn finish(mut self, prepared: &Prepared<'_>, participation: Participation) -> Verdict {
        self.close_level();
        let boundary = self.boundary;
        let verdict = |decision, blocker| {
            Verdict {
                decision,
                blocker,
                allowed_by_organizations: self.organizations,
                allowed_by_boundary: boundary.present.then_some(boundary.allow && !boundary.deny),
                no_permission_needed: false,
            }
            .or_exempt(prepared)
        };
        // E2: an explicit deny anywhere wins.
        if self.any_deny {
            return verdict(Decision::ExplicitDeny, None);
        }
        // E4: SCPs and RCPs never grant, but every level must allow.
        if let Some(blocker) = self.guardrail {
            return verdict(Decision::ImplicitDeny, Some(blocker));
        }
        let blocker = grant(
            prepared,
            participation,
            Grants {
                identity: self.identity,
                resource: self.resource,
                boundary: self.boundary,
                session: self.session,
                has_trust: self.has_trust,
            },
        );
        let decision = if blocker.is_none() {
            Decision::Allow
        } else {
            Decision::ImplicitDeny
        };
        verdict(decision, blocker)
    }
}

/// Walks every participating statement in order, reporting each result to
/// `observe`, and combines the results into a verdict. `policies` is sorted
/// by (type, level), which lets SCP and RCP levels be tallied without a map.
/// The explanation uses this walk; [`decide`] reaches the same verdict
/// through the index.
pub(crate) fn walk<'p, F>(
    policies: &'p [CompiledPolicy],
    request: &Request,
    options: &Options,
    mut observe: F,
) -> Verdict
where
    F: FnMut(&'p CompiledPolicy, &'p CompiledStatement, StatementResult),
{
    let has_boundary = policies
        .iter()
        .any(|p| p.policy_type == PolicyType::Boundary);
    let prepared = Prepared::new(request).with_boundary(has_boundary);
    let participation = Participation::for_caller(prepared.caller_shape());
    let mut walker = Walker::new();
    for policy in policies {
        if !participation.includes(policy.policy_type) {
            continue;
        }
        walker.enter(policy.policy_type, policy.level);
        for statement in policy.statements.iter() {
            let result = evaluate_statement(statement, &prepared, options);
            observe(policy, statement, result);
            walker.record(policy.policy_type, statement.effect, result);
        }
    }
    refuse_unreadable(walker.finish(&prepared, participation), request)
}

/// A request that cannot be read is never allowed (issue 21, item 9): what
/// would have been an Allow is an implicit deny; a Deny stays a Deny. The
/// request was read when it was built, so this is one test per decision.
#[inline(always)]
fn refuse_unreadable(verdict: Verdict, request: &Request) -> Verdict {
    if verdict.decision == Decision::Allow && !request.is_readable() {
        return Verdict {
            decision: Decision::ImplicitDeny,
            blocker: Some(Blocker::UnreadableRequest),
            ..verdict
        };
    }
    verdict
}

/// The decision alone: like [`walk`], but visits only the statements that
/// may match the request's action and resource (see [`visit_candidates`]).
/// Allocates nothing.
pub(crate) fn decide(
    policies: &[CompiledPolicy],
    groups: &[Group],
    request: &Request,
    options: &Options,
) -> Verdict {
    let prepared = Prepared::new(request);
    let participation = Participation::for_caller(prepared.caller_shape());
    let verdict = match groups {
        [group] if group.policy_type == PolicyType::Identity => {
            decide_identity_only(policies, group, &prepared, participation, options)
        }
        _ => {
            let has_boundary = groups.iter().any(|g| g.policy_type == PolicyType::Boundary);
            let prepared = prepared.with_boundary(has_boundary);
            decide_layered(policies, groups, &prepared, participation, options)
        }
    };
    refuse_unreadable(verdict, request)
}

/// [`decide`] for sets of several groups or policy types: the walker's
/// tallies. Out of line, so the identity-only path above carries none of
/// its state.
#[inline(never)]
fn decide_layered(
    policies: &[CompiledPolicy],
    groups: &[Group],
    prepared: &Prepared<'_>,
    participation: Participation,
    options: &Options,
) -> Verdict {
    let mut walker = Walker::new();
    for group in groups {
        let policy_type = group.policy_type;
        if !participation.includes(policy_type) {
            continue;
        }
        walker.enter(policy_type, group.level);
        visit_candidates(policies, group, prepared, |statement| {
            let result = evaluate_statement(statement, prepared, options);
            walker.record(policy_type, statement.effect, result);
        });
    }
    walker.finish(prepared, participation)
}

/// [`decide`] for a set of identity-based policies only (a role's
/// policies, the usual embedding): an applicable Deny settles it at once
/// (E2), and no other policy type needs a tally. Reaches the verdict the
/// walker would.
fn decide_identity_only(
    policies: &[CompiledPolicy],
    group: &Group,
    prepared: &Prepared<'_>,
    participation: Participation,
    options: &Options,
) -> Verdict {
    let verdict = |decision, blocker| {
        Verdict {
            decision,
            blocker,
            allowed_by_organizations: None,
            allowed_by_boundary: None,
            no_permission_needed: false,
        }
        .or_exempt(prepared)
    };
    if !participation.principal_side {
        // E7, E8: identity policies do not take part; only a resource
        // policy could have granted.
        return verdict(Decision::ImplicitDeny, Some(Blocker::Resource));
    }
    let mut allowed = false;
    let mut denied = false;
    // Checked first, so the usual small policy builds no visitor.
    let indexed = group.index.is_some()
        && visit_indexed(policies, group, prepared, |statement| {
            match (denied, effect(statement, prepared, options)) {
                (false, Some(Effect::Deny)) => denied = true,
                (false, Some(Effect::Allow)) => allowed = true,
                _ => {}
            }
        });
    if !indexed {
        // The usual small policy: a plain loop, so the statement check is
        // inlined here and the first applicable Deny ends it.
        scan(policies, group, prepared, |statement| {
            match effect(statement, prepared, options) {
                Some(Effect::Deny) => {
                    denied = true;
                    return ControlFlow::Break(());
                }
                Some(Effect::Allow) => allowed = true,
                None => {}
            }
            ControlFlow::Continue(())
        });
    }
    if denied {
        return verdict(Decision::ExplicitDeny, None);
    }
    // `grant` with identity policies alone: cross-account, only a resource
    // policy (there is none) could let the request through (E6); the root
    // user needs no Allow in its own account (E2); otherwise an identity
    // Allow grants.
    if is_cross_account(prepared) {
        return verdict(Decision::ImplicitDeny, Some(Blocker::Resource));
    }
    if needs_key_policy(prepared.action(), prepared.resource()) {
        // K1: no key policy was given, and identity policies cannot stand in for it.
        return verdict(
            Decision::ImplicitDeny,
            Some(Blocker::KeyPolicy { given: false }),
        );
    }
    if allowed || matches!(prepared.caller_shape(), Some(CallerShape::Root { .. })) {
        verdict(Decision::Allow, None)
    } else {
        verdict(Decision::ImplicitDeny, Some(Blocker::NoAllow))
    }
}

/// The effect a statement has on the request, if it takes effect (E1,
/// failing closed).
#[inline(always)] // into the decision loop
fn effect(
    statement: &CompiledStatement,
    prepared: &Prepared<'_>,
    options: &Options,
) -> Option<Effect> {
    let result = evaluate_statement(statement, prepared, options);
    result
        .takes_effect(statement.effect)
        .then_some(statement.effect)
}

/// Calls `check` on every statement of `group` that may match the request:
/// through the index for a large group, else by a scan that skips
/// statements whose actions cannot name the request's service.
fn visit_candidates<'p>(
    policies: &'p [CompiledPolicy],
    group: &Group,
    prepared: &Prepared<'_>,
    mut check: impl FnMut(&'p CompiledStatement),
) {
    if !visit_indexed(policies, group, prepared, &mut check) {
        scan(policies, group, prepared, |statement| {
            check(statement);
            ControlFlow::Continue(())
        });
    }
}

/// Calls `check` on the candidates the group's index finds. `false`, having
/// called nothing, when the group has no index (or the action is too long
/// for it): the caller then scans.
fn visit_indexed<'p>(
    policies: &'p [CompiledPolicy],
    group: &Group,
    prepared: &Prepared<'_>,
    mut check: impl FnMut(&'p CompiledStatement),
) -> bool {
    group.index.as_ref().is_some_and(|index| {
        index.candidates(
            prepared.action(),
            prepared.resource().resource(),
            |(p, s)| {
                if let Some(statement) = policies.get(p).and_then(|p| p.statements.get(s)) {
                    check(statement);
                }
            },
        )
    })
}

/// Calls `check` on the statements of `group` in order, less those whose
/// actions cannot name the request's service, until it breaks.
fn scan<'p>(
    policies: &'p [CompiledPolicy],
    group: &Group,
    prepared: &Prepared<'_>,
    mut check: impl FnMut(&'p CompiledStatement) -> ControlFlow<()>,
) {
    let members = policies.get(group.policies.clone()).unwrap_or_default();
    let service_bit = prepared.request.service_bit();
    for policy in members {
        for statement in policy.statements.iter() {
            if statement.service_mask & service_bit != 0 && check(statement).is_break() {
                return;
            }
        }
    }
}

struct Grants {
    identity: Tally,
    resource: Tally,
    boundary: Tally,
    session: Tally,
    has_trust: bool,
}

/// Decides whether an Allow is granted once no Deny applied; returns the
/// check that withheld it otherwise (E3, E5-E8, P1, T1, K1).
fn grant(prepared: &Prepared<'_>, participation: Participation, g: Grants) -> Option<Blocker> {
    let boundary_ok = !g.boundary.present || g.boundary.allow;
    let session_ok = !g.session.present || g.session.allow;
    let required = required_policy(prepared.action(), prepared.resource());
    let resource_blocker = if required == RequiredPolicy::KeyPolicy {
        Blocker::KeyPolicy {
            given: g.resource.present,
        }
    } else {
        Blocker::Resource
    };
    if !participation.principal_side {
        // E7, E8: only a resource policy (a trust policy for web identities) can grant.
        return (!g.resource.allow).then_some(resource_blocker);
    }
    let cross_account = is_cross_account(prepared);
    let identity_path = || {
        if !g.identity.allow {
            Some(if cross_account {
                Blocker::Identity
            } else {
                Blocker::NoAllow
            })
        } else if !boundary_ok {
            Some(Blocker::Boundary)
        } else if !session_ok {
            Some(Blocker::Session)
        } else {
            None
        }
    };
    // K1: a key is used only when its key policy allows, even by the root user.
    if required == RequiredPolicy::KeyPolicy && !g.resource.allow {
        return Some(resource_blocker);
    }
    if cross_account {
        // E6: both sides must allow.
        if !g.resource.allow {
            return Some(Blocker::Resource);
        }
        return identity_path();
    }
    if matches!(prepared.caller_shape(), Some(CallerShape::Root { .. })) {
        // E2: the root user has full access to its own account by default;
        // denies, SCPs and RCPs were already applied above.
        return None;
    }
    if g.resource.allow {
        return match g.resource.allow_grant {
            Some(ResourceGrant::Direct) | None => None,
            // E5: naming the role, the boundary and session policy still limit it.
            Some(ResourceGrant::ThroughRole) if !boundary_ok => Some(Blocker::Boundary),
            Some(ResourceGrant::ThroughRole) if !session_ok => Some(Blocker::Session),
            Some(ResourceGrant::ThroughRole) => None,
            // P1: naming the account delegates; its identity policies must allow.
            Some(ResourceGrant::Delegated) => identity_path(),
        };
    }
    // E3, T1: a role trust policy must allow explicitly, however it was
    // passed; identity policies cannot stand in for it.
    if g.has_trust || (required == RequiredPolicy::TrustPolicy && g.resource.present) {
        return Some(Blocker::Resource);
    }
    identity_path()
}

/// Whether the principal and the resource are in different accounts. The
/// resource's account is what the caller says it is; absent, it is the
/// principal's (conformance README). The ARN's account segment is not used:
/// S3 ARNs have none, and the simulator takes `ResourceOwner` explicitly.
fn is_cross_account(prepared: &Prepared<'_>) -> bool {
    prepared.request.resource_account().is_some_and(|r| {
        let principal_account = prepared.caller().as_ref().and_then(Caller::account);
        principal_account.is_some_and(|p| p != r)
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::set::PolicySetBuilder;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        /// The per-user shortcut (`crate::per_user`) answers as the entry
        /// loop does: matching or not, with the key missing, single or
        /// multi-valued, with or without a default, request heads in either
        /// case, either head option (R6, V3, V7).
        #[test]
        fn per_user_shortcut_agrees_with_the_entry_loop(
            prefix in "[ab/]{0,4}",
            suffix in "[ab/]{0,3}",
            open in any::<bool>(),
            head_ignore_case in any::<bool>(),
            request_head in prop::sample::select(vec!["arn:aws:s3:::", "arn:AWS:s3:::", "arn:aws:s3:x", "s3:::"]),
            random_rest in "[ab/:]{0,10}",
            built_rest in any::<bool>(),
            extra in "[ab/]{0,2}",
            values in proptest::collection::vec("[ab/:]{0,3}", 0..3),
            default in prop::option::of("[ab/]{0,2}"),
        ) {
            // Half the requests are built from the pattern's parts, so that
            // many of them match.
            let request_rest = match (built_rest, values.first()) {
                (true, Some(value)) => format!("{prefix}{value}{suffix}{extra}"),
                _ => random_rest,
            };
            let star = if open { "*" } else { "" };
            let default = default.map(|d| format!(", '{d}'")).unwrap_or_default();
            let policy = format!(
                r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::{prefix}${{aws:username{default}}}{suffix}{star}"}}}}"#
            );
            let options = Options { arn_head_ignore_case: head_ignore_case, ..Options::default() };
            let mut builder = PolicySetBuilder::with_options(options);
            builder.add("p", PolicyType::Identity, &policy).unwrap();
            let set = builder.build();
            let with_shortcut = set.policies()[0].statements[0].resources.clone().unwrap();
            prop_assert!(with_shortcut.per_user.is_some());
            let without = ResourceMatcher { per_user: None, ..with_shortcut.clone() };

            let mut request = Request::builder("s3:GetObject", format!("{request_head}{request_rest}"));
            request = match values.as_slice() {
                [] => request,
                [one] => request.context("aws:username", one.as_str()),
                several => request.context("aws:username", several.to_vec()),
            };
            let request = request.build();
            let prepared = Prepared::new(&request);
            prop_assert_eq!(
                resources_match(&with_shortcut, &prepared, set.options()),
                resources_match(&without, &prepared, set.options())
            );
        }
    }
}
