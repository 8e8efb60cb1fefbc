//! Offline access analysis: does a policy change grant new access
//! ([`check_no_new_access`]), does a policy grant some access at all
//! ([`check_access_not_granted`]), and what does it allow
//! ([`access_report`]). Answers come in the shape of Access Analyzer's
//! `CheckNoNewAccess` and `CheckAccessNotGranted`
//! (<https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_CheckNoNewAccess.html>),
//! and every new access comes with a **witness**: a concrete request, in
//! the case-file format, that the engine itself confirms the new policy
//! allows and the old one does not.
//!
//! ```
//! use iam_eval::analysis::{check_no_new_access, CheckResult};
//! use iam_eval::{Options, PolicyType};
//! let old = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}"#;
//! let new = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*"}}"#;
//! let outcome = check_no_new_access(old, new, PolicyType::Identity, &Options::default())?;
//! assert_eq!(outcome.result, CheckResult::Fail);
//! let witness = outcome.reasons[0].witness.as_ref().expect("a confirmed request");
//! assert_ne!(witness.action.to_ascii_lowercase(), "s3:getobject");
//! # Ok::<(), iam_eval::PolicyError>(())
//! ```
//!
//! # Method
//!
//! The question "is there a request the new policy allows and the old one
//! does not" is decided exactly over a finite set of representatives:
//!
//! 1. **Actions.** Every `Action`/`NotAction` pattern of both policies is a
//!    glob (A1: case-insensitive). The strings they cut into regions (which
//!    patterns hold them) are enumerated by walking the product of their
//!    automata ([`automaton`]), one witness per region; actions in the same
//!    region are matched by exactly the same statements. The service data
//!    names the real actions of each region (a region with none is an
//!    action AWS may add later, which a wildcard grants).
//! 2. **Per action region**, the request is a resource plus a context. The
//!    resource patterns (R1-R6: six segments, `*` not crossing a colon in
//!    the head, head case-insensitive) are globs too, cut into regions the
//!    same way. Each condition key is a dimension of its own whose
//!    candidate values are complete for the conditions on it ([`values`]):
//!    string regions, the constants of numbers, dates and CIDRs and the
//!    points just past them, absence, and sets of values for the set
//!    operators. The engine's own condition code decides each candidate, so
//!    `IfExists`, the missing-key rules, `ForAnyValue`/`ForAllValues` and
//!    fail-closed outcomes (a Deny applies unless a condition is false; an
//!    Allow only when all are true) are the engine's, not a copy.
//! 3. A depth-first search over the product of these dimensions looks for a
//!    point where some new Allow applies, no new Deny applies, and either no
//!    old Allow applies or some old Deny applies. None: **PASS**.
//!    Points found are turned into requests and evaluated by the engine
//!    ([`crate::PolicySet::evaluate`]); a request the new policy allows and
//!    the old one does not is a witness and the answer is **FAIL**. Points
//!    the engine does not confirm (the analysis approximated something,
//!    below) also give **FAIL**, with a reason that says the access could
//!    not be proved absent, and why.
//!
//! # Why a PASS is sound
//!
//! A PASS needs the search to come back empty. Every approximation widens
//! what the new policy may allow or narrows what the old policy allows, so
//! an empty search over the approximation means an empty one over the
//! policies: statements that *may* make a request newly allowed (new
//! Allows, old Denies) are widened, those that stand in the way (new
//! Denies, old Allows) are narrowed, at worst to nothing. In particular:
//!
//! - Dimensions are taken as independent: any context with any resource.
//!   Real requests are a subset, so nothing is missed.
//! - A condition whose values hold a variable, or an `Arn*`, `BinaryEquals`
//!   or unreadable-date condition, is taken as true in a widened statement
//!   and makes a narrowed statement apply to nothing. So are keys whose
//!   conditions mix families or whose candidate lists grow too large.
//! - `Principal`: a widened statement admits every caller; a narrowed one
//!   only when it names `*` (which admits every caller, P1).
//! - Resource patterns that are not `*` or a six-part ARN, `NotResource`
//!   with a variable, and the R4 crossing-star option: widened to every
//!   resource or narrowed to none.
//! - Variables in resources (V5-V7): the question is split in two. Against
//!   the old Allows, a variable's value is one opaque symbol, the same on
//!   both sides, that only a `*` or the same variable matches (never `?`
//!   or literal text). A request with value `v` maps to the symbolic string
//!   with `v` replaced by the symbol at the new statement's variable; a
//!   symbolic match of an old Allow or a new Deny maps back to a real match
//!   with `v` substituted, so an empty symbolic search means no real
//!   request escapes. Against the old Denies (where a specific value could
//!   hit a literal), variables widen to `*` in new Allows and old Denies,
//!   and new Deny entries with a variable are dropped.
//! - When a search would walk too many states, the answer is FAIL
//!   ("cannot prove"), never PASS.

mod automaton;
mod report;
mod search;
mod values;

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::compile::CompiledPolicy;
use crate::eval::Decision;
use crate::options::Options;
use crate::policy::PolicyType;
use crate::request::{ContextValue, Request};
use crate::service_data::ServiceData;
use crate::set::{PolicySet, PolicySetBuilder};
use crate::PolicyError;

pub use report::{access_report, session_access_report, AccessReport, ActionAccess, ServiceAccess};

use automaton::{render, Region, Sym};
use search::{Approximation, Branch, Outcome2, Search, Side};

/// `PASS` or `FAIL`, as Access Analyzer spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CheckResult {
    /// Proved: no such access.
    #[serde(rename = "PASS")]
    Pass,
    /// Such access exists (with a witness), or could not be proved absent.
    #[serde(rename = "FAIL")]
    Fail,
}

/// Whether a reason is a confirmed access or a gap in the proof.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ReasonKind {
    /// The witness is allowed by the new policy and not by the old one.
    NewAccess,
    /// The analysis could not rule this access out (see the description).
    CannotProve,
}

/// One reason for a FAIL.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Reason {
    /// What is granted, or why it could not be proved absent.
    pub description: String,
    /// The statement of the new (or checked) policy that grants it.
    pub statement_index: Option<usize>,
    /// Its `Sid`.
    pub statement_id: Option<String>,
    /// New access or a gap in the proof.
    pub kind: ReasonKind,
    /// Real actions of the region this reason covers (service data).
    pub actions: Vec<String>,
    /// The confirmed request, for [`ReasonKind::NewAccess`].
    pub witness: Option<Witness>,
}

/// The answer of a check, in `CheckNoNewAccess`'s shape plus witnesses.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckOutcome {
    /// `PASS` or `FAIL`.
    pub result: CheckResult,
    /// One sentence for people.
    pub message: String,
    /// Each new access, or each gap in the proof.
    pub reasons: Vec<Reason>,
}

/// A concrete request that the engine allows under the new policy and not
/// under the old one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Witness {
    /// The principal, for resource and trust policies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal: Option<String>,
    /// The action.
    pub action: String,
    /// The resource.
    pub resource: String,
    /// The context keys the request carries.
    pub context: BTreeMap<String, WitnessValue>,
    /// The decision under the old policy (never `Allow`).
    #[serde(rename = "oldDecision")]
    pub old_decision: Decision,
}

/// A context value of a witness, as a case file writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum WitnessValue {
    /// One value.
    One(String),
    /// Several values.
    Many(Vec<String>),
}

impl Witness {
    /// The request.
    pub fn request(&self) -> Request {
        let mut b = Request::builder(self.action.as_str(), self.resource.as_str());
        if let Some(p) = &self.principal {
            b = b.principal(p.as_str());
        }
        for (k, v) in &self.context {
            b = b.context(
                k,
                match v {
                    WitnessValue::One(s) => ContextValue::Single(s.clone()),
                    WitnessValue::Many(vs) => ContextValue::Multi(vs.clone()),
                },
            );
        }
        b.build()
    }

    /// The request as one line of a case file (`iam-eval batch`), with the
    /// policy it is allowed by and `"expected": "Allow"`.
    pub fn to_case(&self, id: &str, kind: PolicyType, policy: &str) -> serde_json::Value {
        let document: serde_json::Value =
            serde_json::from_str(policy).unwrap_or(serde_json::Value::Null);
        let mut request = serde_json::json!({
            "action": self.action,
            "resource": self.resource,
            "context": self.context,
        });
        if let (Some(p), Some(map)) = (&self.principal, request.as_object_mut()) {
            map.insert("principal".into(), serde_json::Value::String(p.clone()));
        }
        let mut policies = vec![serde_json::json!({"kind": kind.as_str(), "document": document})];
        if let Some(companion) = companion(kind) {
            let document: serde_json::Value =
                serde_json::from_str(companion).unwrap_or(serde_json::Value::Null);
            policies.insert(
                0,
                serde_json::json!({"kind": "identity", "document": document}),
            );
        }
        serde_json::json!({
            "id": id,
            "policies": policies,
            "request": request,
            "expected": "Allow",
        })
    }
}

/// An identity policy allowing everything, beside policies that only limit
/// (boundaries, SCPs, RCPs, session policies), so that the engine's answer
/// is what the limiting policy lets through (E2, E4).
const ALLOW_ALL: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

fn companion(kind: PolicyType) -> Option<&'static str> {
    match kind {
        PolicyType::Boundary | PolicyType::Scp | PolicyType::Rcp | PolicyType::Session => {
            Some(ALLOW_ALL)
        }
        _ => None,
    }
}

/// Compiles one policy of `kind` into a set the engine can confirm
/// witnesses with.
fn confirm_set(kind: PolicyType, text: &str, options: &Options) -> Result<PolicySet, PolicyError> {
    let mut b = PolicySetBuilder::with_options(options.clone());
    if let Some(c) = companion(kind) {
        b.add("allow-all", PolicyType::Identity, c)?;
    }
    b.add("policy", kind, text)?;
    Ok(b.build())
}

fn the_policy(set: &PolicySet, kind: PolicyType) -> Option<&CompiledPolicy> {
    set.policies().iter().find(|p| p.policy_type == kind)
}

/// Is there a request that `new` allows and `old` does not? Both are
/// policies of type `kind`. `Err` when either does not compile.
pub fn check_no_new_access(
    old: &str,
    new: &str,
    kind: PolicyType,
    options: &Options,
) -> Result<CheckOutcome, PolicyError> {
    let old_set = confirm_set(kind, old, options)?;
    let new_set = confirm_set(kind, new, options)?;
    Ok(compare(
        &old_set,
        &new_set,
        kind,
        options,
        Question::NoNewAccess,
    ))
}

/// What is being checked, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Question {
    NoNewAccess,
    NotGranted,
}

/// Does `policy` grant any of `actions` (patterns allowed) on any of
/// `resources` (both default to everything when empty)? PASS when it
/// provably does not.
pub fn check_access_not_granted(
    policy: &str,
    actions: &[String],
    resources: &[String],
    kind: PolicyType,
    options: &Options,
) -> Result<CheckOutcome, PolicyError> {
    let list = |items: &[String]| {
        if items.is_empty() {
            serde_json::json!("*")
        } else {
            serde_json::json!(items)
        }
    };
    let mut allow = serde_json::json!({"Effect": "Allow", "Action": "*"});
    let mut deny = serde_json::json!({"Effect": "Deny", "Action": list(actions)});
    for (st, res) in [
        (&mut allow, serde_json::json!("*")),
        (&mut deny, list(resources)),
    ] {
        if let Some(map) = st.as_object_mut() {
            if kind != PolicyType::Trust {
                map.insert("Resource".into(), res);
            }
            if matches!(
                kind,
                PolicyType::Resource | PolicyType::Trust | PolicyType::Rcp
            ) {
                map.insert("Principal".into(), serde_json::json!("*"));
            }
        }
    }
    let baseline = serde_json::json!({"Version": "2012-10-17", "Statement": [allow, deny]});
    let old_set = confirm_set(kind, &baseline.to_string(), options)?;
    let new_set = confirm_set(kind, policy, options)?;
    Ok(compare(
        &old_set,
        &new_set,
        kind,
        options,
        Question::NotGranted,
    ))
}

fn compare(
    old_set: &PolicySet,
    new_set: &PolicySet,
    kind: PolicyType,
    options: &Options,
    question: Question,
) -> CheckOutcome {
    let (Some(old), Some(new)) = (the_policy(old_set, kind), the_policy(new_set, kind)) else {
        return cannot("the policies could not be found in their sets", question);
    };
    let globs = search::action_globs(&[new, old]);
    let Some(regions) = search::action_regions(&globs) else {
        return cannot("the action patterns are too many to analyse", question);
    };
    let real = real_actions(&globs, &regions);
    let mut reasons = Vec::new();
    let mut cache: search::Cache = HashMap::new();
    for (r, region) in regions.iter().enumerate() {
        let pick = |p: usize, policy: &CompiledPolicy| {
            policy
                .statements
                .iter()
                .enumerate()
                .filter(|(s, st)| {
                    search::statement_matches(&globs, &region.member, p, *s, st.actions.negated)
                })
                .map(|(s, _)| s)
                .collect::<Vec<usize>>()
        };
        let new_ids = pick(0, new);
        let old_ids = pick(1, old);
        let any_allow = new_ids.iter().any(|&s| {
            new.statements
                .get(s)
                .is_some_and(|st| st.effect == crate::policy::Effect::Allow)
        });
        if !any_allow {
            continue;
        }
        let names = real.get(r).cloned().unwrap_or_default();
        let action = names
            .first()
            .cloned()
            .unwrap_or_else(|| witness_action(region));
        let mut found: Option<Reason> = None;
        let mut gap: Option<Reason> = None;
        for branch in [Branch::NotGranted, Branch::Denied] {
            let key = (branch, new_ids.clone(), old_ids.clone());
            let (outcome, approx) = match cache.get(&key) {
                Some(hit) => hit.clone(),
                None => {
                    let mut s = Search::new(options);
                    let n: Vec<_> = new_ids
                        .iter()
                        .filter_map(|&i| new.statements.get(i))
                        .collect();
                    let o: Vec<_> = old_ids
                        .iter()
                        .filter_map(|&i| old.statements.get(i))
                        .collect();
                    let outcome = s.run(branch, &n, &o);
                    let value = (outcome, s.approximations);
                    cache.insert(key, value.clone());
                    value
                }
            };
            match outcome {
                Outcome2::Proved => {}
                Outcome2::TooLarge => {
                    gap.get_or_insert_with(|| Reason {
                        description: format!(
                            "could not prove that `{action}` is not newly allowed: the search grew too large"
                        ),
                        statement_index: None,
                        statement_id: None,
                        kind: ReasonKind::CannotProve,
                        actions: names.clone(),
                        witness: None,
                    });
                }
                Outcome2::Points(points) => {
                    match confirm(&points, &action, new, old_set, new_set, question) {
                        Some(reason) => {
                            let mut reason = reason;
                            reason.actions = names.clone();
                            found = Some(reason);
                            break;
                        }
                        None => {
                            let index = points.first().and_then(|p| p.new_allows.first().copied());
                            gap.get_or_insert_with(|| Reason {
                                description: gap_text(&action, &approx),
                                statement_index: index,
                                statement_id: index.and_then(|i| sid(new, i)),
                                kind: ReasonKind::CannotProve,
                                actions: names.clone(),
                                witness: None,
                            });
                        }
                    }
                }
            }
        }
        if let Some(reason) = found.or(gap) {
            reasons.push(reason);
        }
    }
    let message = match (reasons.is_empty(), question) {
        (true, Question::NoNewAccess) => {
            "The new policy grants no access that the old policy does not.".to_owned()
        }
        (true, Question::NotGranted) => "The policy grants none of the listed access.".to_owned(),
        (false, q) => {
            let confirmed = reasons
                .iter()
                .filter(|r| r.kind == ReasonKind::NewAccess)
                .count();
            let what = match q {
                Question::NoNewAccess => "grants access that the old policy does not",
                Question::NotGranted => "grants some of the listed access",
            };
            if confirmed > 0 {
                format!("The policy {what} ({confirmed} confirmed by a witness request).")
            } else {
                "Could not prove that the policy grants no such access (see the reasons)."
                    .to_owned()
            }
        }
    };
    CheckOutcome {
        result: if reasons.is_empty() {
            CheckResult::Pass
        } else {
            CheckResult::Fail
        },
        message,
        reasons,
    }
}

fn cannot(why: &str, _question: Question) -> CheckOutcome {
    CheckOutcome {
        result: CheckResult::Fail,
        message: format!("Could not prove that no such access is granted: {why}."),
        reasons: vec![Reason {
            description: format!("could not prove: {why}"),
            statement_index: None,
            statement_id: None,
            kind: ReasonKind::CannotProve,
            actions: Vec::new(),
            witness: None,
        }],
    }
}

fn gap_text(action: &str, approx: &[Approximation]) -> String {
    let mut text = format!("could not prove that `{action}` is not newly allowed");
    if !approx.is_empty() {
        text.push_str(": ");
        let mut parts: Vec<String> = approx
            .iter()
            .take(3)
            .map(|a| {
                let side = match a.side {
                    Side::New => "new",
                    Side::Old => "old",
                };
                format!("{side} policy statement {}: {}", a.index, a.why)
            })
            .collect();
        if approx.len() > 3 {
            parts.push(format!("and {} more", approx.len() - 3));
        }
        text.push_str(&parts.join("; "));
    }
    text
}

fn sid(policy: &CompiledPolicy, index: usize) -> Option<String> {
    policy
        .statements
        .iter()
        .find(|s| s.index == index)
        .and_then(|s| s.sid.as_deref().map(str::to_owned))
}

fn witness_action(region: &Region) -> String {
    render(&region.witness, |_| String::new())
}

/// Real actions (service data) of each action region.
fn real_actions(globs: &[(usize, usize, automaton::Glob)], regions: &[Region]) -> Vec<Vec<String>> {
    let mut out = vec![Vec::new(); regions.len()];
    for service in ServiceData::aws().services() {
        for action in service.actions() {
            let name = format!("{}:{}", service.prefix(), action.name());
            let word: Vec<Sym> = name.chars().map(Sym::Char).collect();
            let member: Vec<bool> = globs.iter().map(|(_, _, g)| g.matches(&word)).collect();
            if let Some(i) = regions.iter().position(|r| r.member == member) {
                if let Some(list) = out.get_mut(i) {
                    list.push(name);
                }
            }
        }
    }
    out
}

/// Principals worth trying for a statement with a `Principal`.
fn principals(policy: &CompiledPolicy, index: usize) -> Vec<Option<String>> {
    use crate::principal::PrincipalEntry;
    let mut out = Vec::new();
    if let Some(p) = policy
        .statements
        .iter()
        .find(|s| s.index == index)
        .and_then(|s| s.principal.as_ref())
    {
        for e in p.entries.iter() {
            out.push(Some(match e {
                PrincipalEntry::Any => "arn:aws:iam::444455556666:user/witness".to_owned(),
                PrincipalEntry::Account(a) => format!("arn:aws:iam::{a}:user/witness"),
                PrincipalEntry::Role { arn, .. } => arn.to_string(),
                PrincipalEntry::AwsArn(a)
                | PrincipalEntry::Service(a)
                | PrincipalEntry::Federated(a)
                | PrincipalEntry::CanonicalUser(a) => a.to_string(),
            }));
        }
        out.push(Some("arn:aws:iam::444455556666:user/witness".to_owned()));
    }
    if out.is_empty() {
        out.push(None);
    }
    out
}

/// The first point the engine confirms, as a reason with its witness.
fn confirm(
    points: &[search::Point],
    action: &str,
    new: &CompiledPolicy,
    old_set: &PolicySet,
    new_set: &PolicySet,
    question: Question,
) -> Option<Reason> {
    for point in points {
        let (mut resource, context) = search::fill(point);
        if resource.is_empty() {
            // No resource pattern tells resources apart: any ARN will do.
            let service = action.split(':').next().unwrap_or("s3");
            resource = format!("arn:aws:{service}:us-east-1:123456789012:witness");
        }
        let indexes = if point.new_allows.is_empty() {
            vec![0]
        } else {
            point.new_allows.clone()
        };
        // Where variables were widened to `*` (the half against old Denies),
        // the request also needs their values: try the resource's segments.
        let mut contexts = vec![context.clone()];
        for (key, default) in &point.vars {
            if default.is_some() || context.keys().any(|k| k.eq_ignore_ascii_case(key)) {
                continue;
            }
            let tail = resource.splitn(6, ':').nth(5).unwrap_or_default();
            for segment in tail.split('/').take(16) {
                let mut c = context.clone();
                c.insert(key.clone(), ContextValue::Single(segment.to_owned()));
                contexts.push(c);
            }
        }
        for (index, context) in indexes
            .iter()
            .flat_map(|i| contexts.iter().map(move |c| (*i, c)))
        {
            for principal in principals(new, index) {
                let mut b = Request::builder(action, resource.as_str());
                if let Some(p) = &principal {
                    b = b.principal(p.as_str());
                }
                for (k, v) in context {
                    b = b.context(k, v.clone());
                }
                let request = b.build();
                let now = new_set.evaluate(&request);
                let before = old_set.evaluate(&request);
                if !now.is_allowed() || before.is_allowed() {
                    continue;
                }
                let decided = now
                    .explanation()
                    .decided_by
                    .iter()
                    .find(|r| r.policy_id == "policy")
                    .map(|r| r.index)
                    .or(Some(index));
                let statement_id = decided.and_then(|i| sid(new, i));
                let verb = match question {
                    Question::NoNewAccess => "newly allows",
                    Question::NotGranted => "allows",
                };
                let witness = Witness {
                    principal,
                    action: action.to_owned(),
                    resource: resource.clone(),
                    context: context
                        .iter()
                        .map(|(k, v)| {
                            (
                                k.clone(),
                                match v {
                                    ContextValue::Single(s) => WitnessValue::One(s.clone()),
                                    ContextValue::Multi(vs) => WitnessValue::Many(vs.clone()),
                                },
                            )
                        })
                        .collect(),
                    old_decision: before.decision(),
                };
                return Some(Reason {
                    description: format!(
                        "statement {} {verb} `{action}` on `{resource}`",
                        decided.map_or_else(|| "?".to_owned(), |i| i.to_string())
                    ),
                    statement_index: decided,
                    statement_id,
                    kind: ReasonKind::NewAccess,
                    actions: Vec::new(),
                    witness: Some(witness),
                });
            }
        }
    }
    None
}
