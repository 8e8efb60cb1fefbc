//! Checks 2 and 4: policy variables.
//!
//! * `VARIABLE_UNSUPPORTED_IN_VERSION`: `${…}` in a 2008-10-17 or
//!   Version-less policy is literal text (G2), so a per-user resource names
//!   the literal string `${aws:username}`.
//! * `VARIABLE_UNSUPPORTED_IN_ELEMENT` in such a policy, for Action and
//!   Principal (in a 2012-10-17 policy `validate` reports it, V2).
//! * `MULTIVALUED_VARIABLE`: a multivalued key never resolves as a variable (V1).
//! * `UNKNOWN_VARIABLE`: a variable naming an `aws:` or
//!   `cognito-identity.amazonaws.com:` key that does not exist; it never
//!   resolves, so its entry matches nothing (V7).
//! * `MALFORMED_VARIABLE`: `$(key)` or `{key}` where `${key}` was meant.
//! * `IDENTITY_VARIABLE_WITHOUT_DELIMITER`: an identity variable followed by
//!   a wildcard in an S3 resource, or by anything but `/` in an `s3:prefix`
//!   value: user `a` then reaches user `ab…`'s objects.
//! * `USERNAME_VARIABLE_IN_ROLE_POLICY`: `aws:username` exists only for IAM
//!   users (V9). It is reported, as a WARNING, when the policy is evidently
//!   for role sessions: a session policy, or a policy that also uses a
//!   `cognito-identity.amazonaws.com:` key or names a `Federated` principal.
//!   An identity policy that uses only `${aws:username}` is AWS's own
//!   per-user example for IAM users and lints clean.

use super::{keys, At, Cx};
use crate::condition::{Operator, Test};
use crate::policy::{Document, Item, PolicyType, PrincipalKind, Statement};

/// One `${…}` in a string: its key, and the byte index just past `}`.
struct Var<'t> {
    key: &'t str,
    end: usize,
}

/// The variables in `text` (escapes `${*}`, `${?}`, `${$}` excluded).
fn variables(text: &str) -> Vec<Var<'_>> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(start) = text
        .get(from..)
        .and_then(|t| t.find("${"))
        .map(|i| i + from)
    {
        let Some(close) = text
            .get(start..)
            .and_then(|t| t.find('}'))
            .map(|i| i + start)
        else {
            break;
        };
        let body = text.get(start + 2..close).unwrap_or_default();
        let key = body.split(',').next().unwrap_or_default().trim();
        if !matches!(body, "*" | "?" | "$") && !key.is_empty() {
            out.push(Var {
                key,
                end: close + 1,
            });
        }
        from = close + 1;
    }
    out
}

/// Where a string stands in a statement.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Element<'a> {
    Action,
    Resource,
    Principal,
    ConditionKey,
    ConditionValue(&'a Item),
}

fn items(s: &Statement) -> Vec<(&Item, Element<'_>)> {
    let mut out = Vec::new();
    if let Some(a) = &s.action {
        out.extend(a.items.iter().map(|i| (i, Element::Action)));
    }
    if let Some(r) = &s.resource {
        out.extend(r.items.iter().map(|i| (i, Element::Resource)));
    }
    if let Some(p) = &s.principal {
        out.extend(p.entries.iter().map(|(_, i)| (i, Element::Principal)));
    }
    for c in &s.conditions {
        out.push((&c.key, Element::ConditionKey));
        out.extend(
            c.values
                .iter()
                .map(|i| (i, Element::ConditionValue(&c.operator))),
        );
    }
    out
}

pub(super) fn check(cx: &mut Cx<'_>, document: &Document) {
    let substitutes = document.substitutes_variables();
    for s in &document.statements {
        for (item, element) in items(s) {
            malformed(cx, item, element);
            if !item.text.contains("${") {
                continue;
            }
            if !substitutes {
                literal_in_old_version(cx, item, element);
                continue;
            }
            if element == Element::ConditionKey
                || matches!(element, Element::Action | Element::Principal)
            {
                continue; // `validate` reports these (V2).
            }
            for var in variables(&item.text) {
                if keys::is_multi_valued(var.key) {
                    cx.report(
                        "MULTIVALUED_VARIABLE",
                        format!(
                            "`${{{}}}` names a multivalued key, which cannot be used as a variable: it never resolves, so this entry matches nothing",
                            var.key
                        ),
                        &[cx.item(item)],
                    );
                } else if keys::is_known_key(var.key) == Some(false) {
                    cx.report(
                        "UNKNOWN_VARIABLE",
                        format!(
                            "`${{{}}}` is not a known condition key: it never resolves, so this entry matches nothing; check the spelling",
                            var.key
                        ),
                        &[cx.item(item)],
                    );
                }
            }
        }
        if substitutes {
            undelimited(cx, s);
        }
    }
    if substitutes {
        username_for_roles(cx, document);
    }
}

fn literal_in_old_version(cx: &mut Cx<'_>, item: &Item, element: Element<'_>) {
    match element {
        Element::Action | Element::Principal => {
            let name = if element == Element::Action {
                "Action"
            } else {
                "Principal"
            };
            cx.report(
                "VARIABLE_UNSUPPORTED_IN_ELEMENT",
                format!("policy variables are not supported in {name}: `{}` is matched as literal text", item.text),
                &[cx.item(item)],
            );
        }
        _ => cx.report(
            "VARIABLE_UNSUPPORTED_IN_VERSION",
            format!(
                "`{}` is literal text: policy variables are substituted only with \"Version\": \"2012-10-17\"",
                item.text
            ),
            &[cx.item(item)],
        ),
    }
}

/// `$(key)`, `$ {key}` or `{key}` (a `:` inside, no `$` before) where `${key}`
/// was meant.
fn malformed(cx: &mut Cx<'_>, item: &Item, element: Element<'_>) {
    if !matches!(element, Element::Resource | Element::ConditionValue(_)) {
        return;
    }
    let text = item.text.as_str();
    let looks_like_key = |body: &str| {
        body.contains(':')
            && !body.is_empty()
            && body
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '.' | '-' | '_' | '/'))
    };
    let mut bad = None;
    for (i, c) in text.char_indices() {
        let rest = text.get(i + c.len_utf8()..).unwrap_or_default();
        let after_dollar = text.get(..i).is_some_and(|h| h.ends_with('$'));
        let close = match c {
            '(' if after_dollar => ')',
            '{' if !after_dollar => '}',
            _ => continue,
        };
        if let Some(body) = rest.find(close).and_then(|end| rest.get(..end)) {
            if looks_like_key(body.trim_start()) {
                bad = Some(body.trim_start().to_owned());
                break;
            }
        }
    }
    if let Some(body) = bad {
        cx.report(
            "MALFORMED_VARIABLE",
            format!("`{text}` looks like a policy variable but is not one: write `${{{body}}}`"),
            &[cx.item(item)],
        );
    }
}

fn is_s3_arn(text: &str) -> bool {
    text.split(':').nth(2) == Some("s3") && text.starts_with("arn:")
}

fn undelimited(cx: &mut Cx<'_>, s: &Statement) {
    for item in super::resources(s).iter().filter(|i| is_s3_arn(&i.text)) {
        for var in variables(&item.text) {
            let next = item.text.get(var.end..).and_then(|t| t.chars().next());
            if keys::is_identity_variable(var.key) && matches!(next, Some('*' | '?')) {
                cx.report(
                    "IDENTITY_VARIABLE_WITHOUT_DELIMITER",
                    format!(
                        "`${{{}}}` is followed by `{}` instead of `/` in `{}`: user `a` also gets the objects of every user whose id starts with `a` (`ab…`); write `${{{}}}/*`",
                        var.key,
                        next.unwrap_or('*'),
                        item.text,
                        var.key
                    ),
                    &[cx.item(item)],
                );
            }
        }
    }
    for c in &s.conditions {
        if !c.key.text.eq_ignore_ascii_case("s3:prefix") {
            continue;
        }
        let positive_string = Operator::parse(
            &c.operator.text,
            cx.config.options.operator_names_ignore_case,
        )
        .is_ok_and(|op| {
            !op.negated
                && matches!(
                    op.test,
                    Test::StringEquals | Test::StringEqualsIgnoreCase | Test::StringLike
                )
        });
        if !positive_string {
            continue;
        }
        for value in &c.values {
            for var in variables(&value.text) {
                let next = value.text.get(var.end..).and_then(|t| t.chars().next());
                if keys::is_identity_variable(var.key) && next != Some('/') {
                    cx.report(
                        "IDENTITY_VARIABLE_WITHOUT_DELIMITER",
                        format!(
                            "`s3:prefix` value `{}` does not end the identity with `/`: listing with prefix `a` also lists the keys of user `ab…`; write `{}/`",
                            value.text,
                            value.text.get(..var.end).unwrap_or_default()
                        ),
                        &[cx.item(value)],
                    );
                }
            }
        }
    }
}

fn username_for_roles(cx: &mut Cx<'_>, document: &Document) {
    let all: Vec<(&Item, Element<'_>)> = document.statements.iter().flat_map(items).collect();
    let cognito = all.iter().any(|(i, _)| {
        i.text
            .to_ascii_lowercase()
            .contains("cognito-identity.amazonaws.com:")
    });
    let federated = document.statements.iter().any(|s| {
        s.principal.as_ref().is_some_and(|p| {
            p.entries
                .iter()
                .any(|(k, _)| *k == PrincipalKind::Federated)
        })
    });
    let context = if cx.policy_type == PolicyType::Session {
        "a session policy applies to role and federated sessions"
    } else if cognito {
        "this policy also uses Cognito identity keys, so its callers are role sessions"
    } else if federated {
        "this policy trusts a federated principal, whose sessions are role sessions"
    } else {
        return;
    };
    let uses_username = |text: &str| {
        variables(text)
            .iter()
            .any(|v| v.key.eq_ignore_ascii_case("aws:username"))
    };
    for (item, element) in all {
        let hit = match element {
            Element::ConditionKey => item.text.eq_ignore_ascii_case("aws:username"),
            Element::Resource | Element::ConditionValue(_) => uses_username(&item.text),
            _ => false,
        };
        if hit {
            let at: At = cx.item(item);
            cx.report(
                "USERNAME_VARIABLE_IN_ROLE_POLICY",
                format!(
                    "`aws:username` exists only for IAM users and never resolves for a role session ({context}); use `${{cognito-identity.amazonaws.com:sub}}` or `${{aws:userid}}`"
                ),
                &[at],
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{codes, policy};
    use crate::policy::PolicyType;

    #[test]
    fn variables_in_old_versions_are_literal() {
        let bad = r#"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:userid}/*"}]}"#;
        let found = codes(bad, PolicyType::Identity);
        assert!(
            found.contains(&"VARIABLE_UNSUPPORTED_IN_VERSION"),
            "{found:?}"
        );
        let missing = r#"{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:userid}/*"}]}"#;
        let found = codes(missing, PolicyType::Identity);
        assert!(
            found.contains(&"VARIABLE_UNSUPPORTED_IN_VERSION"),
            "{found:?}"
        );
        assert!(found.contains(&"MISSING_VERSION"), "{found:?}");
        let good = policy(
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:userid}/*"}"#,
        );
        assert!(codes(&good, PolicyType::Identity).is_empty());
    }

    #[test]
    fn variables_in_action_of_an_old_version() {
        let bad = r#"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:${aws:username}","Resource":"*"}]}"#;
        let found = codes(bad, PolicyType::Identity);
        assert!(
            found.contains(&"VARIABLE_UNSUPPORTED_IN_ELEMENT"),
            "{found:?}"
        );
    }

    #[test]
    fn unknown_and_multivalued_variables() {
        let bad = policy(
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::b/${aws:usename}/*","arn:aws:s3:::b/${aws:TagKeys}/*"]}"#,
        );
        let found = codes(&bad, PolicyType::Identity);
        assert!(found.contains(&"UNKNOWN_VARIABLE"), "{found:?}");
        assert!(found.contains(&"MULTIVALUED_VARIABLE"), "{found:?}");
        let good = policy(
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::b/${aws:username}/*","arn:aws:s3:::b/${aws:PrincipalTag/team}/*","arn:aws:s3:::b/${saml:sub}/*"]}"#,
        );
        assert!(codes(&good, PolicyType::Identity).is_empty());
    }

    #[test]
    fn malformed_variables() {
        let bad = policy(
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/$(aws:username)/*"}"#,
        );
        assert_eq!(codes(&bad, PolicyType::Identity), ["MALFORMED_VARIABLE"]);
        let braces = policy(
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/{cognito-identity.amazonaws.com:sub}/*"}"#,
        );
        assert_eq!(codes(&braces, PolicyType::Identity), ["MALFORMED_VARIABLE"]);
    }

    #[test]
    fn identity_variable_needs_a_slash_in_s3_resources() {
        let bad = policy(
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/private/${cognito-identity.amazonaws.com:sub}*"}"#,
        );
        assert_eq!(
            codes(&bad, PolicyType::Identity),
            ["IDENTITY_VARIABLE_WITHOUT_DELIMITER"]
        );
        let good = policy(
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/private/${cognito-identity.amazonaws.com:sub}/*"}"#,
        );
        assert!(codes(&good, PolicyType::Identity).is_empty());
    }

    #[test]
    fn identity_variable_needs_a_slash_in_s3_prefix() {
        let bad = policy(
            r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"StringLike":{"s3:prefix":["private/${cognito-identity.amazonaws.com:sub}*"]}}}"#,
        );
        assert_eq!(
            codes(&bad, PolicyType::Identity),
            ["IDENTITY_VARIABLE_WITHOUT_DELIMITER"]
        );
        let exact = policy(
            r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"StringEquals":{"s3:prefix":"home/${aws:username}"}}}"#,
        );
        assert_eq!(
            codes(&exact, PolicyType::Identity),
            ["IDENTITY_VARIABLE_WITHOUT_DELIMITER"]
        );
        let good = policy(
            r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"StringLike":{"s3:prefix":["","private/${cognito-identity.amazonaws.com:sub}/*"]}}}"#,
        );
        assert!(codes(&good, PolicyType::Identity).is_empty());
    }

    #[test]
    fn username_in_a_cognito_role_policy() {
        let bad = policy(
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::b/${aws:username}/*","arn:aws:s3:::b/${cognito-identity.amazonaws.com:sub}/*"]}"#,
        );
        assert_eq!(
            codes(&bad, PolicyType::Identity),
            ["USERNAME_VARIABLE_IN_ROLE_POLICY"]
        );
        let session = policy(
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}"#,
        );
        assert_eq!(
            codes(&session, PolicyType::Session),
            ["USERNAME_VARIABLE_IN_ROLE_POLICY"]
        );
        // For IAM users it is AWS's own example, and lints clean.
        assert!(codes(&session, PolicyType::Identity).is_empty());
    }
}
