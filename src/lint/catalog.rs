//! Check 9: actions, services and condition keys against AWS's Service
//! Authorization Reference ([`crate::service_data`]), with Access Analyzer's
//! codes (<https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html>).
//!
//! * `INVALID_SERVICE_IN_ACTION`, `INVALID_ACTION`: an action whose service
//!   prefix, or whose name, no service has (`dynamo:*`, `s3:GetObjekt`). A
//!   wildcard action is invalid when it names no action at all.
//! * `INVALID_GLOBAL_CONDITION_KEY`, `INVALID_SERVICE`,
//!   `INVALID_SERVICE_CONDITION_KEY`: an `aws:` key that is not global, a
//!   key whose prefix is no service, a key the service does not have. Keys
//!   of web identity and SAML providers (`accounts.google.com:sub`,
//!   `token.actions.githubusercontent.com:sub`) are open-ended: only
//!   Cognito's (`amr`, `aud`, `sub`) are checked.
//! * `DENY_WITH_INVALID_ACTION`, `DENY_WITH_INVALID_CONDITION_KEY` (this
//!   crate's): in a Deny the same typo is a hole, not a broken app. The
//!   action is never denied; a condition on a key no request carries is
//!   false, so the Deny never applies. Reported beside Access Analyzer's
//!   error, as a security warning.
//! * `TYPE_MISMATCH`: an operator whose type is not the key's (a `Numeric`
//!   operator on a `String` key); `STRING_LIKE_OPERATOR_WITH_ARN_CONDITION_KEYS`:
//!   `StringLike` on an ARN key, where `ArnLike` compares part by part.
//! * `EQUIVALENT_TO_NULL_FALSE`, `EQUIVALENT_TO_NULL_TRUE`: `StringLike` or
//!   `ArnLike` with only `*` matches any value, so it only tests that the
//!   key is present (its `Not…` form that it is absent).
//! * `ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE`,
//!   `DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE`: a tag key
//!   (`aws:ResourceTag/…`, `aws:RequestTag/…`, `aws:TagKeys`) with actions
//!   of a service that never sets it, so for those actions the Allow never
//!   applies, or the Deny never denies.

use super::{keys, Cx};
use crate::condition::{Operator, SetQualifier, Test};
use crate::policy::{ConditionEntry, Document, Effect, Statement};
use crate::service_data::{ConditionKeyType, ServiceData};

pub(super) fn check(cx: &mut Cx<'_>, document: &Document) {
    let aws = ServiceData::aws();
    if aws.services().is_empty() {
        // No data (it failed to load): nothing can be told.
        return;
    }
    let ignore_case = cx.config.options.operator_names_ignore_case;
    for s in &document.statements {
        actions(cx, aws, s);
        for c in &s.conditions {
            let Ok(op) = Operator::parse(&c.operator.text, ignore_case) else {
                continue;
            };
            if condition_key(cx, aws, s, c, &op) {
                key_type(cx, c, &op);
                equivalent_to_null(cx, c, &op);
            }
        }
        tag_keys(cx, aws, s, ignore_case);
    }
}

/// What is wrong with one action, if anything.
enum BadAction {
    Service(Option<&'static str>),
    Action(Option<String>),
}

fn judge_action(aws: &'static ServiceData, text: &str) -> Option<BadAction> {
    if text == "*" {
        return None;
    }
    // Text without `:` is a grammar error `validate` reports.
    let (prefix, name) = text.split_once(':')?;
    if prefix.contains(['*', '?']) {
        return aws
            .expand_action(text)
            .is_empty()
            .then_some(BadAction::Action(None));
    }
    let Some(service) = aws.service(prefix) else {
        let closest = closest(prefix, aws.services().iter().map(|s| s.prefix()));
        return Some(BadAction::Service(closest));
    };
    if !aws.expand_action(text).is_empty() {
        return None;
    }
    let suggestion = if name.contains(['*', '?']) {
        None
    } else {
        closest(name, service.actions().iter().map(|a| a.name()))
            .map(|n| format!("{}:{n}", service.prefix()))
    };
    Some(BadAction::Action(suggestion))
}

fn actions(cx: &mut Cx<'_>, aws: &'static ServiceData, s: &Statement) {
    let Some(list) = &s.action else { return };
    for item in &list.items {
        let Some(bad) = judge_action(aws, &item.text) else {
            continue;
        };
        let at = [cx.item(item)];
        let (code, message) = match bad {
            BadAction::Service(closest) => (
                "INVALID_SERVICE_IN_ACTION",
                format!(
                    "The service {} specified in the action {} does not exist.{}",
                    item.text.split(':').next().unwrap_or_default(),
                    item.text,
                    closest.map_or(String::new(), |c| format!(" Did you mean {c}?"))
                ),
            ),
            BadAction::Action(closest) => (
                "INVALID_ACTION",
                format!(
                    "The action {} does not exist.{}",
                    item.text,
                    closest.map_or(String::new(), |c| format!(" Did you mean {c}?"))
                ),
            ),
        };
        cx.report(code, message, &at);
        if s.effect == Effect::Deny && !list.negated {
            cx.report(
                "DENY_WITH_INVALID_ACTION",
                format!(
                    "`{}` names no action, so this Deny blocks nothing in its place: whatever it was meant to deny stays allowed; correct the action",
                    item.text
                ),
                &at,
            );
        }
    }
}

/// Checks that the key exists; `true` when it does (so its type can be
/// checked), `false` when it does not or cannot be told.
fn condition_key(
    cx: &mut Cx<'_>,
    aws: &'static ServiceData,
    s: &Statement,
    c: &ConditionEntry,
    op: &Operator,
) -> bool {
    let key = c.key.text.as_str();
    // Empty or padded keys are check 8's (never applies).
    if key.is_empty() || key.trim() != key {
        return false;
    }
    let Some((prefix, _)) = key.split_once(':') else {
        return false;
    };
    if aws.condition_key(key).is_some() || keys::is_amr(key) {
        return true;
    }
    if prefix.eq_ignore_ascii_case("aws") && keys::is_known_key(key) == Some(true) {
        // Known to the evaluator but not to the data: trust the evaluator,
        // but the data cannot type it.
        return false;
    }
    let cognito = prefix.eq_ignore_ascii_case("cognito-identity.amazonaws.com");
    if prefix.contains(['.', '/', '$']) && !cognito {
        // A web identity or SAML provider's claim: open-ended.
        return false;
    }
    let (code, message) = if prefix.eq_ignore_ascii_case("aws") {
        (
            "INVALID_GLOBAL_CONDITION_KEY",
            format!("The condition key {key} does not exist. Use a valid condition key."),
        )
    } else if aws.service(prefix).is_none() && !cognito {
        (
            "INVALID_SERVICE",
            format!("The service {prefix} does not exist. Use a valid service name."),
        )
    } else {
        (
            "INVALID_SERVICE_CONDITION_KEY",
            format!(
                "The condition key {key} does not exist in the service {prefix}. Use a valid condition key."
            ),
        )
    };
    let at = [cx.item(&c.key)];
    cx.report(code, message, &at);
    if s.effect == Effect::Deny && !holds_without_key(c, op) {
        cx.report(
            "DENY_WITH_INVALID_CONDITION_KEY",
            format!(
                "no request carries `{key}`, so `{}` is false and this Deny never applies: everything it was meant to deny stays allowed; correct the key",
                c.operator.text
            ),
            &at,
        );
    }
    false
}

/// Whether the condition is true for a request without the key
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>):
/// `…IfExists` and `ForAllValues` are, a negated operator is, `Null` is when
/// it asks for `true`.
fn holds_without_key(c: &ConditionEntry, op: &Operator) -> bool {
    match (op.test, op.set) {
        (Test::Null, SetQualifier::Bare) => c.values.iter().any(|v| v.text == "true"),
        (_, SetQualifier::ForAllValues) => true,
        (_, SetQualifier::ForAnyValue) => false,
        _ => op.if_exists || op.negated,
    }
}

/// The types an operator compares, by family.
fn accepts(test: Test, key_type: ConditionKeyType) -> bool {
    use ConditionKeyType as T;
    let element = key_type.element();
    match test {
        Test::Null => true,
        Test::StringEquals | Test::StringEqualsIgnoreCase | Test::StringLike => {
            matches!(element, T::String | T::Arn)
        }
        Test::Arn => element == T::Arn,
        Test::Numeric(_) => element == T::Numeric,
        Test::Date(_) => element == T::Date,
        Test::Bool => element == T::Bool,
        Test::Binary => element == T::Binary,
        Test::IpAddress => element == T::IpAddress,
    }
}

fn operator_type(key_type: ConditionKeyType) -> &'static str {
    use ConditionKeyType as T;
    match key_type.element() {
        T::Arn => "ARN",
        T::Numeric => "Numeric",
        T::Date => "Date",
        T::Bool => "Bool",
        T::Binary => "Binary",
        T::IpAddress => "IpAddress",
        _ => "String",
    }
}

fn key_type(cx: &mut Cx<'_>, c: &ConditionEntry, op: &Operator) {
    let key = c.key.text.as_str();
    let Some(key_type) = keys::key_type(key) else {
        return;
    };
    let at = [cx.item(&c.key)];
    if !accepts(op.test, key_type) {
        cx.report(
            "TYPE_MISMATCH",
            format!(
                "Use the operator type {} instead of operator {} for the condition key {key}.",
                operator_type(key_type),
                c.operator.text
            ),
            &at,
        );
    } else if op.test == Test::StringLike && key_type.element() == ConditionKeyType::Arn {
        cx.report(
            "STRING_LIKE_OPERATOR_WITH_ARN_CONDITION_KEYS",
            format!(
                "`{}` on the ARN condition key {key}: use `ArnLike` (or `ArnNotLike`), which compares an ARN part by part so a `*` cannot run across its `:`",
                c.operator.text
            ),
            &at,
        );
    }
}

fn equivalent_to_null(cx: &mut Cx<'_>, c: &ConditionEntry, op: &Operator) {
    let like = matches!(op.test, Test::StringLike | Test::Arn);
    let only_star = !c.values.is_empty()
        && c.values.iter().any(|v| v.text == "*")
        && op.set == SetQualifier::Bare
        && !op.if_exists;
    if !like || !only_star {
        return;
    }
    let key = &c.key.text;
    let (code, null) = if op.negated {
        ("EQUIVALENT_TO_NULL_TRUE", "true")
    } else {
        ("EQUIVALENT_TO_NULL_FALSE", "false")
    };
    cx.report(
        code,
        format!(
            "`{}` with `*` matches every value, so it only tests whether {key} is present; write \"Null\": {{\"{key}\": \"{null}\"}} to say so",
            c.operator.text
        ),
        &[cx.item(&c.key)],
    );
}

/// The tag keys of AWS's attribute-based access control.
fn is_tag_key(key: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    lower == "aws:tagkeys"
        || ["aws:resourcetag/", "aws:requesttag/"]
            .iter()
            .any(|p| lower.len() > p.len() && lower.starts_with(p))
}

fn tag_keys(cx: &mut Cx<'_>, aws: &'static ServiceData, s: &Statement, ignore_case: bool) {
    let Some(list) = s.action.as_ref().filter(|a| !a.negated) else {
        return;
    };
    for c in &s.conditions {
        let key = c.key.text.as_str();
        let tested =
            Operator::parse(&c.operator.text, ignore_case).is_ok_and(|op| op.test != Test::Null);
        if !is_tag_key(key) || !tested {
            continue;
        }
        let mut unsupported: Vec<&'static str> = Vec::new();
        for item in &list.items {
            for action in aws.expand_action(&item.text) {
                let Some(service) = aws.service(action.service()) else {
                    continue;
                };
                // A service supports the key when one of its actions or
                // resource types lists it.
                let service_has = service.condition_key(key).is_some();
                if !service_has && !unsupported.contains(&service.prefix()) {
                    unsupported.push(service.prefix());
                }
            }
        }
        if unsupported.is_empty() {
            continue;
        }
        let at = [cx.item(&c.key)];
        let services = unsupported.join(", ");
        match s.effect {
            Effect::Allow => cx.report(
                "ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE",
                format!(
                    "Using the effect Allow with the tag condition key {key} and actions for services with the following prefixes does not affect the policy: {services}. Actions for the listed services are not allowed by this statement. We recommend that you move these actions to a different statement without this condition key."
                ),
                &at,
            ),
            Effect::Deny => cx.report(
                "DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE",
                format!(
                    "Using the effect Deny with the tag condition key {key} and actions for services with the following prefixes can be overly permissive: {services}. Actions for the listed services are not denied by this statement. We recommend that you move these actions to a different statement without this condition key."
                ),
                &at,
            ),
        }
    }
}

/// The candidate nearest to `wrong` (ASCII case ignored) when it is close
/// enough to be a typo: at most a third of its length away.
fn closest<'a>(wrong: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let wrong = wrong.to_ascii_lowercase();
    let limit = (wrong.len() / 3).max(1);
    candidates
        .map(|c| (distance(&wrong, &c.to_ascii_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Levenshtein distance over bytes, capped in work by the callers' short
/// names (service prefixes and action names are at most a few dozen bytes).
fn distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() > 128 || b.len() > 128 {
        return usize::MAX;
    }
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = i;
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let above = row.get(j + 1).copied().unwrap_or(usize::MAX);
            let left = row.get(j).copied().unwrap_or(usize::MAX);
            let cost = diagonal + usize::from(ca != cb);
            let best = cost.min(above + 1).min(left + 1);
            diagonal = above;
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = best;
            }
        }
    }
    row.last().copied().unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{codes, policy};
    use super::distance;
    use crate::policy::PolicyType;

    #[test]
    fn edit_distance() {
        assert_eq!(distance("getobjekt", "getobject"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("dynamo", "dynamodb"), 2);
    }

    #[test]
    fn misspelt_actions_and_services_are_errors_in_an_allow() {
        let bad = policy(
            r#"{"Effect":"Allow","Action":["s3:GetObjekt","dynamo:*","s3:Get*","s3:Nothing*"],"Resource":"arn:aws:s3:::b/*"}"#,
        );
        assert_eq!(
            codes(&bad, PolicyType::Identity),
            [
                "INVALID_ACTION",
                "INVALID_SERVICE_IN_ACTION",
                "INVALID_ACTION"
            ]
        );
        let found = super::super::lint(&bad, PolicyType::Identity, &Default::default());
        assert!(found[0].message.contains("Did you mean s3:GetObject?"));
        assert!(found[1].message.contains("Did you mean dynamodb?"));
    }

    #[test]
    fn in_a_deny_a_typo_is_also_a_security_warning() {
        let bad = policy(
            r#"{"Effect":"Deny","Action":"s3:DeleteObjekt","Resource":"*"},{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*","Condition":{"Bool":{"aws:SecureTransprt":"false"}}}"#,
        );
        assert_eq!(
            codes(&bad, PolicyType::Identity),
            [
                "INVALID_ACTION",
                "DENY_WITH_INVALID_ACTION",
                "INVALID_GLOBAL_CONDITION_KEY",
                "DENY_WITH_INVALID_CONDITION_KEY"
            ]
        );
        // A negated operator on a missing key is true: the Deny over-denies,
        // it does not fail open.
        let negated = policy(
            r#"{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalOrgIdd":"o-1"}}}"#,
        );
        assert_eq!(
            codes(&negated, PolicyType::Identity),
            ["INVALID_GLOBAL_CONDITION_KEY"]
        );
    }

    #[test]
    fn condition_keys_of_unknown_services_and_services() {
        let bad = policy(
            r#"{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*","Condition":{"ForAllValues:StringEquals":{"dynamo:LeadingKeys":"a","dynamodb:LeadingKey":"a"}}}"#,
        );
        assert_eq!(
            codes(&bad, PolicyType::Identity),
            ["INVALID_SERVICE", "INVALID_SERVICE_CONDITION_KEY"]
        );
        // Web identity claims are open-ended; Cognito's are not.
        let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},"StringLike":{"token.actions.githubusercontent.com:sub":"repo:o/r:*"}}}]}"#;
        assert_eq!(codes(trust, PolicyType::Trust), Vec::<&str>::new());
    }

    #[test]
    fn operator_and_key_types() {
        let bad = policy(
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"NumericLessThan":{"aws:SourceIp":"3"},"StringLike":{"aws:SourceArn":"arn:aws:sns:*"}}}"#,
        );
        assert_eq!(
            codes(&bad, PolicyType::Identity),
            [
                "TYPE_MISMATCH",
                "STRING_LIKE_OPERATOR_WITH_ARN_CONDITION_KEYS"
            ]
        );
        let good = policy(
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"},"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:*:*"},"StringEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:123456789012:t"}}}"#,
        );
        assert_eq!(codes(&good, PolicyType::Identity), Vec::<&str>::new());
    }

    #[test]
    fn like_star_is_a_null_test() {
        let text = policy(
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringLike":{"aws:PrincipalTag/team":"*"},"StringNotLike":{"aws:ResourceTag/team":"*"}}}"#,
        );
        assert_eq!(
            codes(&text, PolicyType::Identity),
            ["EQUIVALENT_TO_NULL_FALSE", "EQUIVALENT_TO_NULL_TRUE"]
        );
    }

    #[test]
    fn tag_keys_a_service_never_sets() {
        // Amazon Cognito Sync sets no resource tags.
        let allow = policy(
            r#"{"Effect":"Allow","Action":["ec2:StartInstances","cognito-sync:ListRecords"],"Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"a"}}}"#,
        );
        let found = super::super::lint(&allow, PolicyType::Identity, &Default::default());
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(
            found[0].issue_code,
            "ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE"
        );
        assert!(found[0].message.contains("cognito-sync"));
        assert!(!found[0].message.contains("ec2"));
        let deny = allow.replace("Allow", "Deny");
        assert_eq!(
            codes(&deny, PolicyType::Identity),
            ["DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE"]
        );
    }
}
