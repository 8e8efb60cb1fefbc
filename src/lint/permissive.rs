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
use crate::service_data::{AccessLevel, ServiceData};
use crate::Wildcard;

pub(super) fn check(cx: &mut Cx<'_>, document: &Document) {
    for s in document
        .statements
        .iter()
        .filter(|s| s.effect == Effect::Allow)
    {
        negated_elements(cx, s);
        if matches!(cx.policy_type, PolicyType::Identity | PolicyType::Resource) {
            star_resource(cx, s);
            sensitive_action(cx, s, &PASS_ROLE);
            sensitive_action(cx, s, &CREATE_SLR);
        }
        if matches!(cx.policy_type, PolicyType::Resource | PolicyType::Trust) {
            wildcard_principal(cx, s);
        }
    }
    redundant(cx, document);
    for s in &document.statements {
        redundant_actions(cx, s);
        redundant_resources(cx, s);
    }
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

/// Whether `action` can change a resource that has an ARN: some action it
/// names is not a read or list, and takes a resource type (an action with
/// none only ever takes `"Resource": "*"`, A4). Actions the data does not
/// know are left to check 9.
fn writes_resources(action: &str) -> bool {
    if keys::needs_star_resource(action) {
        return false;
    }
    ServiceData::aws().expand_action(action).iter().any(|a| {
        !matches!(a.access_level(), AccessLevel::Read | AccessLevel::List)
            && !a.resource_types().is_empty()
    })
}

fn star_resource(cx: &mut Cx<'_>, s: &Statement) {
    let Some(star) = super::resources(s).iter().find(|r| r.text == "*") else {
        return;
    };
    let star_at = cx.item(star);
    let conditioned = !s.conditions.is_empty();
    let public = cx.config.public_role;
    let who = match public {
        super::PublicRole::Guests => " to guests of the identity pool",
        super::PublicRole::AnySignedInUser => " to every signed-in user of the identity pool",
        _ => "",
    };
    for action in super::actions(s) {
        let (_, name) = split_action(&action.text);
        if name == "*" {
            let what = if action.text == "*" {
                "every action of every service".to_owned()
            } else {
                format!("every action of `{}`", split_action(&action.text).0)
            };
            let finding_type = if public.is_public() && !conditioned {
                FindingType::SecurityWarning
            } else {
                FindingType::Warning
            };
            cx.report_as(
                finding_type,
                "SERVICE_WIDE_ACTION_ON_ALL_RESOURCES",
                format!(
                    "`{}` on `\"Resource\": \"*\"` grants {what} on every resource{who}, including deleting and reconfiguring them; list only the actions needed, on specific resource ARNs",
                    action.text
                ),
                &[cx.item(action), star_at.clone()],
            );
        } else if !conditioned && writes_resources(&action.text) {
            let finding_type = if public.is_public() {
                FindingType::SecurityWarning
            } else {
                FindingType::Warning
            };
            cx.report_as(
                finding_type,
                "WRITE_ACTION_ON_ALL_RESOURCES",
                format!(
                    "`{}` can change or delete every matching resource{who} because `\"Resource\"` is `\"*\"`; name the resources it should change",
                    action.text
                ),
                &[cx.item(action), star_at.clone()],
            );
        }
    }
}

/// An action Access Analyzer watches on broad resources, with its codes.
struct Sensitive {
    action: &'static str,
    /// The condition key that narrows it as AWS recommends.
    guard: &'static str,
    code_prefix: &'static str,
    what: &'static str,
}

const PASS_ROLE: Sensitive = Sensitive {
    action: "iam:PassRole",
    guard: "iam:PassedToService",
    code_prefix: "PASS_ROLE",
    what: "it can allow iam:PassRole permissions on multiple resources, so principals can hand any of those roles to any service",
};

const CREATE_SLR: Sensitive = Sensitive {
    action: "iam:CreateServiceLinkedRole",
    guard: "iam:AWSServiceName",
    code_prefix: "CREATE_SLR",
    what: "it can allow creation of unintended service-linked roles",
};

/// A resource that names every role: `*`, or an IAM ARN whose name part
/// is `*` (`role/*`, `role/service-role/*`). A name with a prefix
/// (`role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS*`) is
/// how AWS scopes these actions, so it does not count.
fn every_role(text: &str) -> bool {
    if text == "*" {
        return true;
    }
    let resource = text.splitn(6, ':').nth(5).unwrap_or_default();
    text.starts_with("arn:") && (resource == "*" || resource.rsplit('/').next() == Some("*"))
}

/// `PASS_ROLE_WITH_…` and `CREATE_SLR_WITH_…`: Access Analyzer's six shapes
/// of an Allow that grants the action on many resources.
fn sensitive_action(cx: &mut Cx<'_>, s: &Statement, watched: &Sensitive) {
    let guarded = s
        .conditions
        .iter()
        .any(|c| c.key.text.eq_ignore_ascii_case(watched.guard));
    let (Some(action), Some(resource)) = (&s.action, &s.resource) else {
        return;
    };
    if guarded {
        return;
    }
    let named = |i: &&Item| Wildcard::new(&i.text).is_match_ignore_ascii_case(watched.action);
    let action_shape = if action.negated {
        if action.items.iter().any(|i| named(&i)) {
            return;
        }
        "NOT_ACTION"
    } else {
        match action.items.iter().find(named) {
            Some(i) if i.text.eq_ignore_ascii_case(watched.action) => "ACTION",
            Some(_) => "STAR_IN_ACTION",
            None => return,
        }
    };
    let star_resource = resource.items.iter().find(|r| every_role(&r.text));
    let (suffix, at) = match (action_shape, resource.negated) {
        ("ACTION", false) => ("WITH_STAR_IN_RESOURCE", star_resource),
        ("STAR_IN_ACTION", false) => ("WITH_STAR_IN_ACTION_AND_RESOURCE", star_resource),
        ("NOT_ACTION", false) => ("WITH_STAR_IN_RESOURCE_AND_NOT_ACTION", star_resource),
        ("ACTION", true) => ("WITH_NOT_RESOURCE", resource.items.first()),
        ("STAR_IN_ACTION", true) => (
            "WITH_STAR_IN_ACTION_AND_NOT_RESOURCE",
            resource.items.first(),
        ),
        _ => ("WITH_NOT_ACTION_AND_NOT_RESOURCE", resource.items.first()),
    };
    let Some(at) = at else { return };
    let code = super::CHECKS.iter().map(|c| c.code).find(|c| {
        c.strip_prefix(watched.code_prefix)
            .and_then(|r| r.strip_prefix('_'))
            == Some(suffix)
    });
    let Some(code) = code else { return };
    let how = match suffix {
        "WITH_STAR_IN_RESOURCE" => format!(
            "Using the {} action with wildcards (*) in the resource",
            watched.action
        ),
        "WITH_STAR_IN_ACTION_AND_RESOURCE" => {
            "Using wildcards (*) in the action and the resource".to_owned()
        }
        "WITH_STAR_IN_RESOURCE_AND_NOT_ACTION" => {
            "Using a resource with wildcards (*) and NotAction".to_owned()
        }
        "WITH_NOT_RESOURCE" => format!("Using the {} action with NotResource", watched.action),
        "WITH_STAR_IN_ACTION_AND_NOT_RESOURCE" => {
            "Using an action with a wildcard (*) and NotResource".to_owned()
        }
        _ => "Using NotAction with NotResource".to_owned(),
    };
    let message = format!(
        "{how} can be overly permissive because {}. We recommend that you specify resource ARNs or add the {} condition key to your statement.",
        watched.what, watched.guard
    );
    cx.report(code, message, &[cx.item(at)]);
}

/// An `Action` entry prepared for comparison: its pattern, its service
/// prefix (lowercased, `None` when it has wildcards) and the actions it
/// names.
struct ActionEntry {
    pattern: Wildcard,
    prefix: Option<String>,
    literal: bool,
    named: Vec<String>,
}

impl ActionEntry {
    fn new(text: &str) -> Self {
        let prefix = text
            .split_once(':')
            .map(|(p, _)| p)
            .filter(|p| !p.contains(['*', '?']))
            .map(str::to_ascii_lowercase);
        ActionEntry {
            pattern: Wildcard::new(text),
            prefix,
            literal: !text.contains(['*', '?']),
            named: ServiceData::aws()
                .expand_action(text)
                .iter()
                .map(|a| a.to_string())
                .collect(),
        }
    }

    /// Whether this entry allows every action `b` allows: `b` is one
    /// action this pattern matches, or every action `b`'s pattern names.
    /// An action that does not exist is check 9's, not a redundancy.
    fn covers(&self, b: &ActionEntry) -> bool {
        if let (Some(pa), Some(pb)) = (&self.prefix, &b.prefix) {
            if pa != pb {
                return false;
            }
        }
        !b.named.is_empty()
            && b.named
                .iter()
                .all(|action| self.pattern.is_match_ignore_ascii_case(action))
            && (b.literal || !self.literal)
    }
}

/// Whether Resource entry `a` matches everything entry `b` does: `b` is
/// one ARN `a` matches, or `a` is `*` or a prefix and `*` that `b` starts
/// with. Entries with variables are left alone.
fn resource_covers(a: &str, b: &str) -> bool {
    if a.contains("${") || b.contains("${") {
        return false;
    }
    if !b.contains(['*', '?']) {
        return Wildcard::new(a).is_match(b);
    }
    match a.strip_suffix('*') {
        Some(prefix) => !prefix.contains(['*', '?']) && b.starts_with(prefix),
        None => false,
    }
}

/// The entries of `items` another entry covers; of two that cover each
/// other (duplicates), the later.
fn covered<'i, T>(
    items: &'i [Item],
    prepared: &[T],
    covers: impl Fn(&T, &T) -> bool,
) -> Vec<(&'i Item, &'i Item)> {
    let mut out = Vec::new();
    for (i, (b, pb)) in items.iter().zip(prepared).enumerate() {
        let by = items
            .iter()
            .zip(prepared)
            .enumerate()
            .find(|(j, (_, pa))| *j != i && covers(pa, pb) && (!covers(pb, pa) || *j < i));
        if let Some((_, (a, _))) = by {
            out.push((b, a));
        }
    }
    out
}

fn redundant_actions(cx: &mut Cx<'_>, s: &Statement) {
    let items = super::actions(s);
    let prepared: Vec<ActionEntry> = items.iter().map(|i| ActionEntry::new(&i.text)).collect();
    for (b, a) in covered(items, &prepared, ActionEntry::covers) {
        cx.report(
            "REDUNDANT_ACTION",
            format!(
                "The action {} is redundant because {} provides the same permissions. Update the policy to remove the redundant action.",
                b.text, a.text
            ),
            &[cx.item(b)],
        );
    }
}

fn redundant_resources(cx: &mut Cx<'_>, s: &Statement) {
    let items = super::resources(s);
    let texts: Vec<&str> = items.iter().map(|i| i.text.as_str()).collect();
    for (b, a) in covered(items, &texts, |a, b| resource_covers(a, b)) {
        cx.report(
            "REDUNDANT_RESOURCE",
            format!(
                "The resource ARN {} is redundant because {} references the same resource. Review the use of wildcards (*).",
                b.text, a.text
            ),
            &[cx.item(b)],
        );
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
        assert_eq!(found[0].locations[0].json_path(), "Statement[0].Principal");
        assert_eq!(found[0].locations[0].span.start.column, 67);
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
    fn pass_role_and_service_linked_roles_on_every_role() {
        let bad = policy(
            r#"{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"},{"Effect":"Allow","Action":"iam:*","Resource":"arn:aws:iam::123456789012:role/*"},{"Effect":"Allow","NotAction":"s3:*","NotResource":"arn:aws:s3:::b"}"#,
        );
        let found = codes(&bad, PolicyType::Identity);
        for code in [
            "PASS_ROLE_WITH_STAR_IN_RESOURCE",
            "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE",
            "CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE",
            "PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE",
            "CREATE_SLR_WITH_NOT_ACTION_AND_NOT_RESOURCE",
        ] {
            assert!(found.contains(&code), "{code}: {found:?}");
        }
        // Narrowed as AWS recommends: a named role, or iam:PassedToService.
        let good = policy(
            r#"{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::123456789012:role/app-lambda"},{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"lambda.amazonaws.com"}}},{"Effect":"Allow","Action":"iam:CreateServiceLinkedRole","Resource":"arn:aws:iam::*:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS*"}"#,
        );
        assert_eq!(codes(&good, PolicyType::Identity), Vec::<&str>::new());
    }

    #[test]
    fn redundant_actions_and_resources() {
        let bad = policy(
            r#"{"Effect":"Allow","Action":["iam:Get*","iam:List*","iam:GetCredentialReport","iam:getcredentialreport"],"Resource":["arn:aws:iam::111122223333:role/jane-admin","arn:aws:iam::111122223333:role/jane*"]}"#,
        );
        assert_eq!(
            codes(&bad, PolicyType::Identity),
            ["REDUNDANT_ACTION", "REDUNDANT_ACTION", "REDUNDANT_RESOURCE"]
        );
        // `iam:*CredentialReport` also names GenerateCredentialReport: not redundant.
        let good = policy(
            r#"{"Effect":"Allow","Action":["iam:Get*","iam:*CredentialReport"],"Resource":"*"}"#,
        );
        assert_eq!(codes(&good, PolicyType::Identity), Vec::<&str>::new());
    }

    #[test]
    fn broad_grants_are_security_warnings_only_for_public_roles() {
        let text = policy(
            r#"{"Effect":"Allow","Action":["s3:*","dynamodb:DeleteTable","cloudwatch:ListMetrics","sts:GetCallerIdentity"],"Resource":"*"}"#,
        );
        let types = |public_role| {
            let config = super::super::LintConfig {
                public_role,
                ..Default::default()
            };
            super::super::lint(&text, PolicyType::Identity, &config)
                .into_iter()
                .map(|f| (f.issue_code, f.finding_type))
                .collect::<Vec<_>>()
        };
        use super::super::{FindingType as T, PublicRole};
        assert_eq!(
            types(PublicRole::Unknown),
            [
                ("SERVICE_WIDE_ACTION_ON_ALL_RESOURCES", T::Warning),
                ("WRITE_ACTION_ON_ALL_RESOURCES", T::Warning)
            ]
        );
        assert_eq!(
            types(PublicRole::Guests),
            [
                ("SERVICE_WIDE_ACTION_ON_ALL_RESOURCES", T::SecurityWarning),
                ("WRITE_ACTION_ON_ALL_RESOURCES", T::SecurityWarning)
            ]
        );
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
