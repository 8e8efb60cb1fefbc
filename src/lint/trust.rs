//! Check 6: trust policies for Cognito identity pools (CG1, CG2, E7).
//!
//! These checks look at every Allow statement whose `Principal` has
//! `"Federated": "cognito-identity.amazonaws.com"`, in a trust policy or a
//! resource policy.
//!
//! * `COGNITO_TRUST_MISSING_AUD`: without a condition pinning
//!   `cognito-identity.amazonaws.com:aud` to your identity pool id, a token
//!   from any identity pool in any account can assume the role.
//! * `COGNITO_TRUST_WRONG_ACTION`: Cognito calls
//!   `sts:AssumeRoleWithWebIdentity`; a statement granting only
//!   `sts:AssumeRole` admits no Cognito identity.
//! * `COGNITO_TRUST_ADMITS_UNAUTHENTICATED`: no `amr` condition, or one that
//!   matches both `authenticated` and `unauthenticated` (such as
//!   `*authenticated`), lets guests assume the role too.
//! * `COGNITO_AMR_WITHOUT_FORANYVALUE` (in any policy): `amr` is multivalued
//!   (an authenticated identity has `authenticated` plus its providers), so
//!   a bare operator or `ForAllValues` turns signed-in users away.

use super::{keys, Cx};
use crate::condition::{Operator, SetQualifier, Test};
use crate::pattern::{Case, Pattern};
use crate::policy::{ConditionEntry, Document, Effect, PrincipalKind, Statement};

const COGNITO: &str = "cognito-identity.amazonaws.com";

fn trusts_cognito(s: &Statement) -> bool {
    s.effect == Effect::Allow
        && s.principal.as_ref().is_some_and(|p| {
            !p.negated
                && p.entries.iter().any(|(kind, item)| {
                    *kind == PrincipalKind::Federated && item.text.eq_ignore_ascii_case(COGNITO)
                })
        })
}

pub(super) fn check(cx: &mut Cx<'_>, document: &Document) {
    let ignore_case = cx.config.options.operator_names_ignore_case;
    let parse = |c: &ConditionEntry| Operator::parse(&c.operator.text, ignore_case).ok();
    for s in &document.statements {
        for c in s.conditions.iter().filter(|c| keys::is_amr(&c.key.text)) {
            let Some(op) = parse(c) else { continue };
            if op.test != Test::Null && op.set != SetQualifier::ForAnyValue {
                cx.report(
                    "COGNITO_AMR_WITHOUT_FORANYVALUE",
                    format!(
                        "`{}` on `{}`: `amr` is multivalued (an authenticated identity has `authenticated` plus each login provider), so this turns signed-in users away; use `ForAnyValue:StringLike`",
                        c.operator.text, c.key.text
                    ),
                    &[cx.item(&c.key)],
                );
            }
        }
    }
    let deny_on_amr = document.statements.iter().any(|s| {
        s.effect == Effect::Deny && s.conditions.iter().any(|c| keys::is_amr(&c.key.text))
    });
    for s in document.statements.iter().filter(|s| trusts_cognito(s)) {
        wrong_action(cx, s);
        let aud_pinned = s.conditions.iter().any(|c| {
            keys::is_aud(&c.key.text)
                && parse(c).is_some_and(|op| {
                    !op.negated
                        && !op.if_exists
                        && matches!(
                            op.test,
                            Test::StringEquals | Test::StringEqualsIgnoreCase | Test::StringLike
                        )
                })
                && !c.values.is_empty()
                && c.values.iter().all(|v| !v.text.chars().all(|ch| ch == '*'))
        });
        if !aud_pinned {
            cx.report(
                "COGNITO_TRUST_MISSING_AUD",
                format!(
                    "this statement trusts `{COGNITO}` without a `StringEquals` condition on `{COGNITO}:aud`: an identity from any identity pool, in any account, can assume the role; add \"StringEquals\": {{\"{COGNITO}:aud\": \"REGION:POOL-ID\"}}"
                ),
                &[cx.statement(s)],
            );
        }
        if !deny_on_amr {
            admits_guests(cx, s, ignore_case);
        }
    }
}

fn wrong_action(cx: &mut Cx<'_>, s: &Statement) {
    let actions = super::actions(s);
    let web_identity = actions.iter().any(|a| {
        Pattern::wildcard(&a.text).is_match(
            "sts:AssumeRoleWithWebIdentity",
            &[],
            Case::AsciiInsensitive,
        )
    });
    if web_identity {
        return;
    }
    for a in actions
        .iter()
        .filter(|a| a.text.eq_ignore_ascii_case("sts:AssumeRole"))
    {
        cx.report(
            "COGNITO_TRUST_WRONG_ACTION",
            format!(
                "Cognito identities assume roles with `sts:AssumeRoleWithWebIdentity`, so `{}` for the `{COGNITO}` principal admits nobody; write \"Action\": \"sts:AssumeRoleWithWebIdentity\"",
                a.text
            ),
            &[cx.item(a)],
        );
    }
}

/// Whether one `amr` condition admits an identity whose only `amr` value
/// that matters is `value`; `None` when it cannot be told offline.
fn admits(c: &ConditionEntry, op: &Operator, value: &str) -> Option<bool> {
    if c.values.iter().any(|v| v.text.contains("${")) {
        return None;
    }
    let matched = c.values.iter().any(|p| match op.test {
        Test::StringEquals => p.text == value,
        Test::StringEqualsIgnoreCase => p.text.eq_ignore_ascii_case(value),
        Test::StringLike => Pattern::wildcard(&p.text).is_match(value, &[], Case::Sensitive),
        _ => false,
    });
    match op.test {
        Test::StringEquals | Test::StringEqualsIgnoreCase | Test::StringLike => {
            Some(matched != op.negated)
        }
        _ => None,
    }
}

/// Who the Cognito statements of a trust policy admit (see
/// [`super::public_role`]).
pub(super) fn reach(document: &Document) -> super::PublicRole {
    let mut reach = super::PublicRole::Unknown;
    for s in document.statements.iter().filter(|s| trusts_cognito(s)) {
        let web_identity = super::actions(s).iter().any(|a| {
            Pattern::wildcard(&a.text).is_match(
                "sts:AssumeRoleWithWebIdentity",
                &[],
                Case::AsciiInsensitive,
            )
        });
        if !web_identity {
            continue;
        }
        let amr: Vec<(&ConditionEntry, Operator)> = s
            .conditions
            .iter()
            .filter(|c| keys::is_amr(&c.key.text))
            .filter_map(|c| Some((c, Operator::parse(&c.operator.text, false).ok()?)))
            .filter(|(_, op)| op.test != Test::Null)
            .collect();
        // Unknowable tests count as admitting: the role may be public.
        let admits_value = |value: &str| {
            amr.iter()
                .all(|(c, op)| admits(c, op, value).unwrap_or(true))
        };
        if admits_value("unauthenticated") {
            return super::PublicRole::Guests;
        }
        if admits_value("authenticated") {
            reach = super::PublicRole::AnySignedInUser;
        }
    }
    reach
}

fn admits_guests(cx: &mut Cx<'_>, s: &Statement, ignore_case: bool) {
    let amr: Vec<(&ConditionEntry, Operator)> = s
        .conditions
        .iter()
        .filter(|c| keys::is_amr(&c.key.text))
        .filter_map(|c| Some((c, Operator::parse(&c.operator.text, ignore_case).ok()?)))
        .filter(|(_, op)| op.test != Test::Null)
        .collect();
    let statement_admits = |value: &str| -> Option<bool> {
        amr.iter()
            .map(|(c, op)| admits(c, op, value))
            .try_fold(true, |all, one| Some(all && one?))
    };
    let (Some(true), Some(true)) = (
        statement_admits("authenticated"),
        statement_admits("unauthenticated"),
    ) else {
        return;
    };
    let (message, at) = match amr.first() {
        None => (
            format!(
                "no `{COGNITO}:amr` condition: guests (unauthenticated identities) can assume this role as well as signed-in users; add \"ForAnyValue:StringLike\": {{\"{COGNITO}:amr\": \"authenticated\"}}"
            ),
            cx.statement(s),
        ),
        Some((c, _)) => (
            "the `amr` condition matches both `authenticated` and `unauthenticated`: guests can assume this role as well as signed-in users; test for exactly \"authenticated\" or \"unauthenticated\"".to_owned(),
            cx.item(&c.key),
        ),
    };
    cx.report("COGNITO_TRUST_ADMITS_UNAUTHENTICATED", message, &[at]);
}

#[cfg(test)]
mod tests {
    use super::super::tests::codes;
    use crate::policy::PolicyType;

    fn trust(action: &str, condition: &str) -> String {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"cognito-identity.amazonaws.com"}},"Action":"{action}","Condition":{condition}}}]}}"#
        )
    }

    const AUD: &str = r#""StringEquals":{"cognito-identity.amazonaws.com:aud":"us-east-1:4b1c2d3e-aaaa-bbbb-cccc-0123456789ab"}"#;
    const AUTH: &str =
        r#""ForAnyValue:StringLike":{"cognito-identity.amazonaws.com:amr":"authenticated"}"#;

    #[test]
    fn missing_aud() {
        let bad = trust("sts:AssumeRoleWithWebIdentity", &format!("{{{AUTH}}}"));
        assert_eq!(
            codes(&bad, PolicyType::Trust),
            ["COGNITO_TRUST_MISSING_AUD"]
        );
        let good = trust(
            "sts:AssumeRoleWithWebIdentity",
            &format!("{{{AUD},{AUTH}}}"),
        );
        assert!(codes(&good, PolicyType::Trust).is_empty());
        // The same statement in a resource policy is checked too.
        assert_eq!(
            codes(&bad, PolicyType::Resource),
            ["COGNITO_TRUST_MISSING_AUD"]
        );
    }

    #[test]
    fn amr_without_for_any_value() {
        let bad = trust(
            "sts:AssumeRoleWithWebIdentity",
            &format!(
                r#"{{{AUD},"StringLike":{{"cognito-identity.amazonaws.com:amr":"authenticated"}}}}"#
            ),
        );
        assert_eq!(
            codes(&bad, PolicyType::Trust),
            ["COGNITO_AMR_WITHOUT_FORANYVALUE"]
        );
        let all = trust(
            "sts:AssumeRoleWithWebIdentity",
            &format!(
                r#"{{{AUD},"ForAllValues:StringLike":{{"cognito-identity.amazonaws.com:amr":"authenticated"}}}}"#
            ),
        );
        assert_eq!(
            codes(&all, PolicyType::Trust),
            ["COGNITO_AMR_WITHOUT_FORANYVALUE"]
        );
    }

    #[test]
    fn assume_role_instead_of_web_identity() {
        let bad = trust("sts:AssumeRole", &format!("{{{AUD},{AUTH}}}"));
        assert_eq!(
            codes(&bad, PolicyType::Trust),
            ["COGNITO_TRUST_WRONG_ACTION"]
        );
        let good = trust("sts:AssumeRoleWith*", &format!("{{{AUD},{AUTH}}}"));
        assert!(codes(&good, PolicyType::Trust).is_empty());
    }

    #[test]
    fn admits_guests() {
        let none = trust("sts:AssumeRoleWithWebIdentity", &format!("{{{AUD}}}"));
        assert_eq!(
            codes(&none, PolicyType::Trust),
            ["COGNITO_TRUST_ADMITS_UNAUTHENTICATED"]
        );
        let both = trust(
            "sts:AssumeRoleWithWebIdentity",
            &format!(
                r#"{{{AUD},"ForAnyValue:StringLike":{{"cognito-identity.amazonaws.com:amr":"*authenticated"}}}}"#
            ),
        );
        assert_eq!(
            codes(&both, PolicyType::Trust),
            ["COGNITO_TRUST_ADMITS_UNAUTHENTICATED"]
        );
        let guests_only = trust(
            "sts:AssumeRoleWithWebIdentity",
            &format!(
                r#"{{{AUD},"ForAnyValue:StringLike":{{"cognito-identity.amazonaws.com:amr":"unauthenticated"}}}}"#
            ),
        );
        assert!(codes(&guests_only, PolicyType::Trust).is_empty());
        let not_guests = trust(
            "sts:AssumeRoleWithWebIdentity",
            &format!(
                r#"{{{AUD},"ForAnyValue:StringNotLike":{{"cognito-identity.amazonaws.com:amr":"unauthenticated"}}}}"#
            ),
        );
        // Guests have only `unauthenticated`, which the negated test excludes.
        assert!(codes(&not_guests, PolicyType::Trust).is_empty());
    }
}
