//! What a policy allows, per service and access level: the actions
//! (wildcards expanded with the service data), the resources they reach
//! with any Deny carve-outs, and the conditions they depend on.

use std::collections::BTreeMap;

use serde::Serialize;

use super::automaton::Sym;
use super::search::action_globs;
use crate::compile::{CompiledPolicy, CompiledStatement};
use crate::options::Options;
use crate::policy::{Effect, PolicyType};
use crate::service_data::ServiceData;
use crate::set::PolicySet;
use crate::PolicyError;

/// What one action is allowed on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionAccess {
    /// `service:Action` as the service data spells it.
    pub action: String,
    /// Resource patterns allowed (`NOT …` for a `NotResource`), with what
    /// their variables stand for.
    pub resources: Vec<String>,
    /// Deny carve-outs: resources (and conditions) denied for this action.
    pub except: Vec<String>,
    /// Conditions the Allow depends on.
    pub conditions: Vec<String>,
    /// The Allow statements that grant it.
    pub statements: Vec<usize>,
}

/// One service's allowed actions, by access level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceAccess {
    /// The service prefix, such as `s3`.
    pub service: String,
    /// Access level (List, Read, Write, Permissions management, Tagging)
    /// to the actions of that level.
    pub levels: BTreeMap<String, Vec<ActionAccess>>,
}

/// Everything a policy allows (by default: nothing).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AccessReport {
    /// Services in prefix order.
    pub services: Vec<ServiceAccess>,
}

/// Lists what `policy` (of type `kind`) allows.
///
/// ```
/// use iam_eval::analysis::access_report;
/// use iam_eval::{Options, PolicyType};
/// let report = access_report(
///     r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObj*","Resource":"arn:aws:s3:::b/${cognito-identity.amazonaws.com:sub}/*"}}"#,
///     PolicyType::Identity,
///     &Options::default(),
/// )?;
/// let read = &report.services[0].levels["Read"];
/// assert!(read.iter().any(|a| a.action == "s3:GetObject"));
/// # Ok::<(), iam_eval::PolicyError>(())
/// ```
pub fn access_report(
    policy: &str,
    kind: PolicyType,
    options: &Options,
) -> Result<AccessReport, PolicyError> {
    let set = super::confirm_set(kind, policy, options)?;
    let Some(compiled) = super::the_policy(&set, kind) else {
        return Ok(AccessReport {
            services: Vec::new(),
        });
    };
    Ok(report_of(compiled))
}

/// Lists what a set of policies allows together, as a session's
/// credentials do: the identity-based policies' Allows, less every Deny of
/// the set, and only the actions that each session policy and permissions
/// boundary in it allows too (E4). A Cognito guest's session is one such
/// set: its role's policies scoped down by Cognito's session policy (CG3).
///
/// ```
/// use iam_eval::analysis::session_access_report;
/// use iam_eval::{PolicySet, PolicyType};
/// let mut builder = PolicySet::builder();
/// builder.add("role", PolicyType::Identity, r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3:GetObject","iam:GetUser"],"Resource":"*"}}"#)?;
/// builder.add("scope-down", PolicyType::Session, r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#)?;
/// let report = session_access_report(&builder.build());
/// let services: Vec<_> = report.services.iter().map(|s| s.service.as_str()).collect();
/// assert_eq!(services, ["s3"]);
/// # Ok::<(), iam_eval::PolicyError>(())
/// ```
pub fn session_access_report(set: &PolicySet) -> AccessReport {
    let of_type = |kind: PolicyType| -> Vec<&CompiledPolicy> {
        set.policies()
            .iter()
            .filter(|p| p.policy_type == kind)
            .collect()
    };
    let guardrails = [
        ("the session policy", of_type(PolicyType::Session)),
        ("the permissions boundary", of_type(PolicyType::Boundary)),
    ];
    report_of_set(&of_type(PolicyType::Identity), &guardrails)
}

pub(crate) fn report_of(policy: &CompiledPolicy) -> AccessReport {
    report_of_set(&[policy], &[])
}

/// The report of `granting` (whose Allows grant and whose Denies carve
/// out), each action also needing an Allow from every non-empty group of
/// `guardrails`, whose Denies carve out too.
fn report_of_set(
    granting: &[&CompiledPolicy],
    guardrails: &[(&str, Vec<&CompiledPolicy>)],
) -> AccessReport {
    let mut all: Vec<&CompiledPolicy> = granting.to_vec();
    for (_, group) in guardrails {
        all.extend(group.iter().copied());
    }
    let globs = action_globs(&all);
    let matches = |p: usize, st: &CompiledStatement, s: usize, word: &[Sym]| {
        let any = globs
            .iter()
            .any(|(gp, gs, g)| *gp == p && *gs == s && g.matches(word));
        any != st.actions.negated
    };
    let mut services: Vec<ServiceAccess> = Vec::new();
    for service in ServiceData::aws().services() {
        let mut levels: BTreeMap<String, Vec<ActionAccess>> = BTreeMap::new();
        for action in service.actions() {
            let name = format!("{}:{}", service.prefix(), action.name());
            let word: Vec<Sym> = name.chars().map(Sym::Char).collect();
            let mut access = ActionAccess {
                action: name.clone(),
                resources: Vec::new(),
                except: Vec::new(),
                conditions: Vec::new(),
                statements: Vec::new(),
            };
            for (p, policy) in all.iter().enumerate() {
                for (s, st) in policy.statements.iter().enumerate() {
                    if !matches(p, st, s, &word) {
                        continue;
                    }
                    // Only the granting policies' Allows grant.
                    if st.effect == Effect::Allow && p >= granting.len() {
                        continue;
                    }
                    match st.effect {
                        Effect::Allow => {
                            access.statements.push(st.index);
                            access.resources.extend(resources(st));
                            access.conditions.extend(conditions(st));
                        }
                        Effect::Deny => {
                            let mut text = resources(st).join(", ");
                            let conds = conditions(st);
                            if !conds.is_empty() {
                                text.push_str(&format!(" when {}", conds.join(" and ")));
                            }
                            access.except.push(text);
                        }
                    }
                }
            }
            // A Deny with neither resource nor condition limits removes it.
            let fully_denied = access.except.iter().any(|e| e == "*");
            if access.statements.is_empty() || fully_denied {
                continue;
            }
            // Only now the guardrails, for the few actions the policies grant.
            let mut withheld = false;
            let mut offset = granting.len();
            for (name, group) in guardrails {
                let start = offset;
                offset += group.len();
                if group.is_empty() {
                    continue;
                }
                // E4: the guardrail must allow the action too.
                let mut reach = Vec::new();
                for (i, policy) in group.iter().enumerate() {
                    for (s, st) in policy.statements.iter().enumerate() {
                        if st.effect == Effect::Allow && matches(start + i, st, s, &word) {
                            reach.extend(resources(st));
                        }
                    }
                }
                if reach.is_empty() {
                    withheld = true;
                } else if !reach.iter().any(|r| r == "*") {
                    dedup(&mut reach);
                    access
                        .conditions
                        .push(format!("within {name}: {}", reach.join(", ")));
                }
            }
            if withheld {
                continue;
            }

            dedup(&mut access.resources);
            dedup(&mut access.conditions);
            dedup(&mut access.except);
            levels
                .entry(action.access_level().as_str().to_owned())
                .or_default()
                .push(access);
        }
        if !levels.is_empty() {
            services.push(ServiceAccess {
                service: service.prefix().to_owned(),
                levels,
            });
        }
    }
    AccessReport { services }
}

fn dedup(v: &mut Vec<String>) {
    let mut seen = Vec::new();
    v.retain(|x| {
        let new = !seen.contains(x);
        if new {
            seen.push(x.clone());
        }
        new
    });
}

fn resources(st: &CompiledStatement) -> Vec<String> {
    let Some(r) = &st.resources else {
        return vec!["*".to_owned()];
    };
    r.entries
        .iter()
        .map(|e| {
            let text = explain_variables(&e.source);
            if r.negated {
                format!("NOT {text}")
            } else {
                text
            }
        })
        .collect()
}

fn conditions(st: &CompiledStatement) -> Vec<String> {
    st.conditions
        .iter()
        .map(|c| {
            let values: Vec<String> = c.sources.iter().map(|s| explain_variables(s)).collect();
            format!("{} {} [{}]", c.operator.name, c.key, values.join(", "))
        })
        .collect()
}

/// Names what a variable will hold: `${cognito-identity.amazonaws.com:sub}`
/// is the caller's own identity id, so a path with it is "own prefix only".
fn explain_variables(text: &str) -> String {
    const KNOWN: &[(&str, &str)] = &[
        ("cognito-identity.amazonaws.com:sub", "own identity id only"),
        ("aws:username", "own user name only"),
        ("aws:userid", "own user id only"),
        ("aws:PrincipalTag/", "the caller's tag value"),
        ("www.amazon.com:user_id", "own Amazon user id only"),
        ("graph.facebook.com:id", "own Facebook id only"),
        ("accounts.google.com:sub", "own Google id only"),
    ];
    if !text.contains("${") {
        return text.to_owned();
    }
    let notes: Vec<&str> = KNOWN
        .iter()
        .filter(|(k, _)| text.to_ascii_lowercase().contains(&k.to_ascii_lowercase()))
        .map(|(_, note)| *note)
        .collect();
    if notes.is_empty() {
        format!("{text} (per-caller value)")
    } else {
        format!("{text} ({})", notes.join(", "))
    }
}
