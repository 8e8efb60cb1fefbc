//! Check 7: grants broader than they look.
//!
//! * `ALLOW_WITH_NOT_ACTION`, `ALLOW_WITH_NOT_RESOURCE`: an Allow grants
//!   every other action of every service (A3), or every other resource in
//!   every account (R7), including ones added later.
//! * `ALLOW_WITH_NOT_PRINCIPAL` (Access Analyzer's code).
//! * `SERVICE_WIDE_ACTION_ON_ALL_RESOURCES`: `*` or `service:*` on
//!   `"Resource": "*"` in an identity or resource policy, e.g. the story's
//!   `cognito-identity:*`, which lets every signed-in user delete and
//!   reconfigure identity pools. A SECURITY_WARNING, lowered to a WARNING
//!   when a condition narrows the statement.
//! * `WRITE_ACTION_ON_ALL_RESOURCES`: an unconditioned action whose name
//!   starts with Put, Delete, Create, Update, Set or Attach (or with a
//!   wildcard) on `"Resource": "*"`. Actions with no resource-level
//!   permissions (`mobileanalytics:PutEvents`…) are exempt: `*` is the only
//!   resource they take (A4).
//!   SCPs, RCPs, boundaries and session policies are ceilings, where
//!   `"Action": "*"` on `"Resource": "*"` is the norm; they are not checked.
//! * `WILDCARD_PRINCIPAL_WITHOUT_CONDITION`: `"Principal": "*"` (or
//!   `{"AWS": "*"}`) in an Allow of a resource or trust policy with no
//!   condition grants everyone, anonymous callers included (E8).
//! * `REDUNDANT_STATEMENT`: an Allow whose every action is already allowed on
//!   every resource, unconditionally, by another Allow with `*` or
//!   `service:*` on `"Resource": "*"` and the same principal.

use super::{keys, Cx, FindingType};
use crate::policy::{Document, Effect, Item, PolicyType, PrincipalKind, Statement};

pub(super) fn check(cx: &mut Cx<'_>, document: &Document) {
    for s in document
        .statements
        .iter()
        .filter(|s| s.effect == Effect::Allow)
    {
        negated_elements(cx, s);
        if matches!(cx.policy_type, PolicyType::Identity | PolicyType::Resource) {
            star_resource(cx, s);
        }
        if matches!(cx.policy_type, PolicyType::Resource | PolicyType::Trust) {
            wildcard_principal(cx, s);
        }
    }
    redundant(cx, document);
}

fn negated_elements(cx: &mut Cx<'_>, s: &Statement) {
    if let Some(a) = s.action.as_ref().filter(|a| a.negated) {
        let at = cx.element(s, "NotAction", &a.items);
        cx.report(
            "ALLOW_WITH_NOT_ACTION",
            "`Allow` with `NotAction` grants every other action of every service, including actions AWS adds later; list the allowed actions in `Action` instead".to_owned(),
            &[at],
        );
    }
    if let Some(r) = s.resource.as_ref().filter(|r| r.negated) {
        let at = cx.element(s, "NotResource", &r.items);
        cx.report(
            "ALLOW_WITH_NOT_RESOURCE",
            "`Allow` with `NotResource` grants every other resource in every account, including resources created later; list the allowed resources in `Resource` instead".to_owned(),
            &[at],
        );
    }
    if let Some(p) = s.principal.as_ref().filter(|p| p.negated) {
        let items: Vec<Item> = p.entries.iter().map(|(_, i)| i.clone()).collect();
        let at = cx.element(s, "NotPrincipal", &items);
        cx.report(
            "ALLOW_WITH_NOT_PRINCIPAL",
            "Using Allow with NotPrincipal can be overly permissive (it can grant anonymous principals); name the principals in `Principal` instead".to_owned(),
            &[at],
        );
    }
}

/// `svc:*` → `("svc", "*")`; `*` → `("*", "*")`.
fn split_action(text: &str) -> (&str, &str) {
    text.split_once(':').unwrap_or((text, text))
}

fn is_write(name: &str) -> bool {
    const VERBS: &[&str] = &["put", "delete", "create", "update", "set", "attach"];
    let lower = name.to_ascii_lowercase();
    lower.starts_with(['*', '?']) || VERBS.iter().any(|v| lower.starts_with(v))
}

fn star_resource(cx: &mut Cx<'_>, s: &Statement) {
    let Some(star) = super::resources(s).iter().find(|r| r.text == "*") else {
        return;
    };
    let star_at = cx.item(star);
    let conditioned = !s.conditions.is_empty();
    for action in super::actions(s) {
        let (_, name) = split_action(&action.text);
        if name == "*" {
            let what = if action.text == "*" {
                "every action of every service".to_owned()
            } else {
                format!("every action of `{}`", split_action(&action.text).0)
            };
            let finding_type = if conditioned {
                FindingType::Warning
            } else {
                FindingType::SecurityWarning
            };
            cx.report_as(
                finding_type,
                "SERVICE_WIDE_ACTION_ON_ALL_RESOURCES",
                format!(
                    "`{}` on `\"Resource\": \"*\"` grants {what} on every resource, including deleting and reconfiguring them; list only the actions needed, on specific resource ARNs",
                    action.text
                ),
                &[cx.item(action), star_at.clone()],
            );
        } else if !conditioned && is_write(name) && !keys::needs_star_resource(&action.text) {
            cx.report(
                "WRITE_ACTION_ON_ALL_RESOURCES",
                format!(
                    "`{}` can change or delete every matching resource because `\"Resource\"` is `\"*\"`; name the resources it should change",
                    action.text
                ),
                &[cx.item(action), star_at.clone()],
            );
        }
    }
}

fn wildcard_principal(cx: &mut Cx<'_>, s: &Statement) {
    let Some(p) = s.principal.as_ref().filter(|p| !p.negated) else {
        return;
    };
    let star = p
        .entries
        .iter()
        .find(|(kind, item)| *kind == PrincipalKind::Aws && item.text == "*");
    if !(p.wildcard || star.is_some()) || !s.conditions.is_empty() {
        return;
    }
    let at = match star {
        Some((_, item)) => cx.item(item),
        None => cx.member(s, "Principal"),
    };
    cx.report(
        "WILDCARD_PRINCIPAL_WITHOUT_CONDITION",
        "`\"Principal\": \"*\"` with no condition allows everyone, including anonymous callers and every AWS account; name the principals or add a condition such as `aws:PrincipalOrgID` or `aws:SourceArn`".to_owned(),
        &[at],
    );
}

/// Whether `a`, unconditioned, allows everything `b` allows.
fn covers(a: &Statement, b: &Statement) -> Option<String> {
    if a.effect != Effect::Allow || b.effect != Effect::Allow || !a.conditions.is_empty() {
        return None;
    }
    let same_principal = match (&a.principal, &b.principal) {
        (None, None) => true,
        (Some(pa), Some(pb)) => {
            let everyone = !pa.negated
                && (pa.wildcard
                    || pa
                        .entries
                        .iter()
                        .any(|(k, i)| *k == PrincipalKind::Aws && i.text == "*"));
            let set = |p: &crate::policy::PrincipalElement| {
                let mut v: Vec<(String, String)> = p
                    .entries
                    .iter()
                    .map(|(k, i)| (format!("{k:?}"), i.text.clone()))
                    .collect();
                v.sort();
                v
            };
            everyone
                || (pa.negated == pb.negated && pa.wildcard == pb.wildcard && set(pa) == set(pb))
        }
        _ => false,
    };
    let all_resources = match (&a.resource, &b.resource) {
        (None, None) => true,
        (Some(_), _) => super::resources(a).iter().any(|r| r.text == "*"),
        (None, Some(_)) => false,
    };
    if !same_principal || !all_resources {
        return None;
    }
    let a_actions = super::actions(a);
    let broad: Vec<&str> = a_actions
        .iter()
        .map(|i| i.text.as_str())
        .filter(|t| *t == "*" || split_action(t).1 == "*")
        .collect();
    let covered = |action: &str| {
        broad.iter().find(|w| {
            **w == "*"
                || (action != "*"
                    && split_action(w)
                        .0
                        .eq_ignore_ascii_case(split_action(action).0))
        })
    };
    match &b.action {
        Some(ba) if ba.negated => broad.iter().find(|w| **w == "*").map(|w| (*w).to_owned()),
        Some(ba) if !ba.items.is_empty() => {
            let mut by = Vec::new();
            for item in &ba.items {
                by.push(*covered(&item.text)?);
            }
            by.sort_unstable();
            by.dedup();
            Some(by.join("`, `"))
        }
        _ => None,
    }
}

fn redundant(cx: &mut Cx<'_>, document: &Document) {
    for b in &document.statements {
        let by = document.statements.iter().find_map(|a| {
            if a.index == b.index {
                return None;
            }
            let actions = covers(a, b)?;
            // Of two statements that cover each other, keep the first.
            (covers(b, a).is_none() || a.index < b.index).then_some((a, actions))
        });
        if let Some((a, actions)) = by {
            let at = [cx.statement(b), cx.statement(a)];
            cx.report(
                "REDUNDANT_STATEMENT",
                format!(
                    "everything this statement allows is already allowed by {} (`{actions}` on `*`, without conditions); remove one of them",
                    a.path
                ),
                &at,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{codes, policy};
    use crate::policy::PolicyType;

    #[test]
    fn allow_with_not_action_and_not_resource() {
        let bad = policy(
            r#"{"Effect":"Allow","NotAction":"iam:*","NotResource":"arn:aws:s3:::secret/*"}"#,
        );
        assert_eq!(
            codes(&bad, PolicyType::Identity),
            ["ALLOW_WITH_NOT_ACTION", "ALLOW_WITH_NOT_RESOURCE"]
        );
        // Deny with NotAction is the recommended way to fence.
        let good = policy(
            r#"{"Effect":"Deny","NotAction":"iam:*","NotResource":"arn:aws:s3:::secret/*"}"#,
        );
        assert!(codes(&good, PolicyType::Identity).is_empty());
    }

    #[test]
    fn allow_with_not_principal() {
        let bad = policy(
            r#"{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#,
        );
        assert_eq!(
            codes(&bad, PolicyType::Resource),
            ["ALLOW_WITH_NOT_PRINCIPAL"]
        );
    }

    #[test]
    fn service_wide_and_write_actions_on_star() {
        let bad = policy(
            r#"{"Effect":"Allow","Action":["cognito-identity:*","s3:DeleteBucket","mobileanalytics:PutEvents","s3:GetObject"],"Resource":"*"}"#,
        );
        assert_eq!(
            codes(&bad, PolicyType::Identity),
            [
                "SERVICE_WIDE_ACTION_ON_ALL_RESOURCES",
                "WRITE_ACTION_ON_ALL_RESOURCES"
            ]
        );
        let good = policy(
            r#"{"Effect":"Allow","Action":["mobileanalytics:PutEvents","s3:ListAllMyBuckets"],"Resource":"*"},{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:userid}/*"}"#,
        );
        assert!(codes(&good, PolicyType::Identity).is_empty());
        // A full-access SCP is how SCPs start.
        let scp = policy(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#);
        assert!(codes(&scp, PolicyType::Scp).is_empty());
    }

    #[test]
    fn wildcard_principal_without_condition() {
        let bad = policy(
            r#"{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#,
        );
        assert_eq!(
            codes(&bad, PolicyType::Resource),
            ["WILDCARD_PRINCIPAL_WITHOUT_CONDITION"]
        );
        let found = super::super::lint(&bad, PolicyType::Resource, &Default::default());
        assert_eq!(found[0].locations[0].path, "Statement[0].Principal");
        assert_eq!(found[0].locations[0].span.start.column, 68);
        let aws_star = policy(
            r#"{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#,
        );
        assert_eq!(
            codes(&aws_star, PolicyType::Resource),
            ["WILDCARD_PRINCIPAL_WITHOUT_CONDITION"]
        );
        let good = policy(
            r#"{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}}"#,
        );
        assert!(codes(&good, PolicyType::Resource).is_empty());
    }

    #[test]
    fn redundant_statements() {
        let bad = policy(
            r#"{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}},{"Effect":"Allow","Action":"dynamodb:*","Resource":"*"},{"Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:Query"],"Resource":"arn:aws:dynamodb:us-east-1:123456789012:table/t"}"#,
        );
        let found = codes(&bad, PolicyType::Identity);
        assert!(found.contains(&"REDUNDANT_STATEMENT"), "{found:?}");
        assert_eq!(
            found
                .iter()
                .filter(|c| **c == "REDUNDANT_STATEMENT")
                .count(),
            1
        );
        // A conditioned broad statement makes nothing redundant.
        let good = policy(
            r#"{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}},{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#,
        );
        let found = codes(&good, PolicyType::Identity);
        assert!(!found.contains(&"REDUNDANT_STATEMENT"), "{found:?}");
    }
}
