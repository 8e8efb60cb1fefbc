//! Check 3: set operators and multivalued keys (S1-S6, C7, D2).
//!
//! * `ALLOW_FORALLVALUES_WITHOUT_NULL_GUARD`: `ForAllValues` is true when the
//!   request has no value for the key (S3), so an Allow with
//!   `ForAllValues:StringEquals` on `dynamodb:LeadingKeys` also allows a
//!   Scan, which carries no leading keys and returns the whole table (D2).
//!   Guard it with `"Null": {"key": "false"}` in the same statement.
//! * `FORALLVALUES_WITH_SINGLE_VALUED_KEY` (Access Analyzer's code) and
//!   `FORANYVALUE_WITH_SINGLE_VALUED_KEY`: a set operator on a key AWS
//!   documents as single-valued (S5). Only keys in the known table are
//!   flagged.
//! * `MISSING_QUALIFIER` (Access Analyzer's code): a bare operator on a
//!   multivalued key cannot decide once the request has two values (C7):
//!   by default the statement then fails closed, so an Allow never applies
//!   and a Deny always does.
//!
//! Cognito's `amr` key is left to `COGNITO_AMR_WITHOUT_FORANYVALUE` (check 6).

use super::{keys, Cx};
use crate::condition::{Operator, SetQualifier, Test};
use crate::policy::{ConditionEntry, Document, Effect, Statement};

pub(super) fn check(cx: &mut Cx<'_>, document: &Document) {
    let ignore_case = cx.config.options.operator_names_ignore_case;
    for s in &document.statements {
        for c in &s.conditions {
            let Ok(op) = Operator::parse(&c.operator.text, ignore_case) else {
                continue;
            };
            let key = c.key.text.as_str();
            if keys::is_amr(key) {
                continue;
            }
            let at = [cx.item(&c.key)];
            match op.set {
                SetQualifier::ForAllValues if keys::is_single_valued(key) => cx.report(
                    "FORALLVALUES_WITH_SINGLE_VALUED_KEY",
                    format!(
                        "`{}` on the single-valued key `{key}` is true when the request has no `{key}` at all, which can be overly permissive; remove `ForAllValues:`",
                        c.operator.text
                    ),
                    &at,
                ),
                SetQualifier::ForAllValues
                    if s.effect == Effect::Allow && !has_null_guard(s, key, ignore_case) =>
                {
                    if let Some(why) = arrives_without(s, key) {
                        cx.report(
                            "ALLOW_FORALLVALUES_WITHOUT_NULL_GUARD",
                            format!(
                                "`{}` is true for requests that carry no `{key}`, and {why}; add \"Null\": {{\"{key}\": \"false\"}} to this statement",
                                c.operator.text
                            ),
                            &at,
                        );
                    }
                }
                SetQualifier::ForAnyValue if keys::is_single_valued(key) => cx.report(
                    "FORANYVALUE_WITH_SINGLE_VALUED_KEY",
                    format!(
                        "`{key}` is single-valued: `ForAnyValue:` adds nothing but turns a missing key into no match even for a negated operator; remove `ForAnyValue:`"
                    ),
                    &at,
                ),
                SetQualifier::Bare if op.test != Test::Null && keys::is_multi_valued(key) => {
                    cx.report(
                        "MISSING_QUALIFIER",
                        format!(
                            "the request context key `{key}` has multiple values; a bare `{}` cannot decide once the request has two of them (by default the statement then fails closed: an Allow does not apply, a Deny does): use `ForAnyValue:` or `ForAllValues:`",
                            c.operator.text
                        ),
                        &at,
                    );
                }
                _ => {}
            }
        }
    }
}

/// DynamoDB actions that always carry `dynamodb:LeadingKeys`: each names
/// the partition key of the items it reads or writes
/// (<https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html>).
const ALWAYS_LEADING_KEYS: &[&str] = &[
    "getitem",
    "batchgetitem",
    "query",
    "putitem",
    "updateitem",
    "deleteitem",
    "batchwriteitem",
    "conditioncheckitem",
];

/// Why an action of `s` can arrive without `key`, for the keys whose
/// absence AWS documents; `None` when every action carries it, or for any
/// other key (`aws:TagKeys` absent is a request without tags, which a
/// `ForAllValues` list of allowed tag keys is meant to allow).
fn arrives_without(s: &Statement, key: &str) -> Option<String> {
    let aws = crate::service_data::ServiceData::aws();
    let action = s.action.as_ref()?;
    if action.negated {
        return Some("`NotAction` allows actions that never carry it".to_owned());
    }
    if key.eq_ignore_ascii_case("dynamodb:LeadingKeys") {
        for item in &action.items {
            let expanded = aws.expand_action(&item.text);
            let without = expanded.iter().find(|a| {
                !(a.service() == "dynamodb"
                    && ALWAYS_LEADING_KEYS.contains(&a.name().to_ascii_lowercase().as_str()))
            });
            if let Some(a) = without {
                let scan = if a.name() == "Scan" {
                    " (a Scan has no leading keys and returns the whole table)"
                } else {
                    ""
                };
                return Some(format!("`{a}` carries none{scan}"));
            }
        }
        return None;
    }
    if key.eq_ignore_ascii_case("dynamodb:Attributes") {
        // AWS's examples pin `dynamodb:Select` to SPECIFIC_ATTRIBUTES, so a
        // request must name its attributes.
        let select = s
            .conditions
            .iter()
            .any(|c| c.key.text.eq_ignore_ascii_case("dynamodb:Select"));
        if select {
            return None;
        }
        return Some(
            "a read that names no attributes (no projection) carries none and returns every attribute"
                .to_owned(),
        );
    }
    None
}

/// `"Null": {key: "false"}` in the same statement: the key must be present.
fn has_null_guard(s: &Statement, key: &str, ignore_case: bool) -> bool {
    s.conditions.iter().any(|c: &ConditionEntry| {
        c.key.text.eq_ignore_ascii_case(key)
            && Operator::parse(&c.operator.text, ignore_case)
                .is_ok_and(|op| op.test == Test::Null && op.set == SetQualifier::Bare)
            && c.values
                .iter()
                .any(|v| v.text.eq_ignore_ascii_case("false"))
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::codes;
    use crate::policy::PolicyType;

    fn identity(condition: &str) -> String {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"dynamodb:Query","Resource":["arn:aws:dynamodb:us-east-1:123456789012:table/t","arn:aws:dynamodb:us-east-1:123456789012:table/t/index/*"],"Condition":{condition}}}]}}"#
        )
    }

    #[test]
    fn forallvalues_needs_a_null_guard_in_an_allow() {
        let bad = identity(
            r#"{"ForAllValues:StringEquals":{"dynamodb:LeadingKeys":["${cognito-identity.amazonaws.com:sub}"]}}"#,
        )
        .replace("dynamodb:Query", "dynamodb:Scan");
        assert_eq!(
            codes(&bad, PolicyType::Identity),
            ["ALLOW_FORALLVALUES_WITHOUT_NULL_GUARD"]
        );
        let good = identity(
            r#"{"ForAllValues:StringEquals":{"dynamodb:LeadingKeys":["${cognito-identity.amazonaws.com:sub}"]},"Null":{"dynamodb:leadingkeys":"false"}}"#,
        );
        assert!(codes(&good, PolicyType::Identity).is_empty());
        // Query always names its partition key: no hole without the guard.
        let query = identity(
            r#"{"ForAllValues:StringEquals":{"dynamodb:LeadingKeys":["${cognito-identity.amazonaws.com:sub}"]}}"#,
        );
        assert!(codes(&query, PolicyType::Identity).is_empty());
        // A request without tags is what a list of allowed tag keys allows.
        let tags = identity(r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["team"]}}"#);
        assert!(codes(&tags, PolicyType::Identity).is_empty());
        // Attributes: a read without a projection carries none.
        let attributes = identity(r#"{"ForAllValues:StringEquals":{"dynamodb:Attributes":["a"]}}"#);
        assert_eq!(
            codes(&attributes, PolicyType::Identity),
            ["ALLOW_FORALLVALUES_WITHOUT_NULL_GUARD"]
        );
        let selected = identity(
            r#"{"ForAllValues:StringEquals":{"dynamodb:Attributes":["a"]},"StringEqualsIfExists":{"dynamodb:Select":"SPECIFIC_ATTRIBUTES"}}"#,
        );
        assert!(codes(&selected, PolicyType::Identity).is_empty());
    }

    #[test]
    fn set_operators_on_single_valued_keys() {
        let all = identity(r#"{"ForAllValues:StringEquals":{"aws:PrincipalTag/team":"a"}}"#);
        assert_eq!(
            codes(&all, PolicyType::Identity),
            ["FORALLVALUES_WITH_SINGLE_VALUED_KEY"]
        );
        let any = identity(r#"{"ForAnyValue:IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#);
        assert_eq!(
            codes(&any, PolicyType::Identity),
            ["FORANYVALUE_WITH_SINGLE_VALUED_KEY"]
        );
        let good = identity(
            r#"{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"},"StringEquals":{"aws:PrincipalTag/team":"a"}}"#,
        );
        assert!(codes(&good, PolicyType::Identity).is_empty());
        // Keys the data does not type are left alone (and reported unknown).
        let unknown = identity(r#"{"ForAnyValue:StringEquals":{"ec2:Attributez":"a"}}"#);
        assert_eq!(
            codes(&unknown, PolicyType::Identity),
            ["INVALID_SERVICE_CONDITION_KEY"]
        );
    }

    #[test]
    fn bare_operator_on_a_multivalued_key() {
        let bad = identity(r#"{"StringEquals":{"aws:CalledVia":"athena.amazonaws.com"}}"#);
        assert_eq!(codes(&bad, PolicyType::Identity), ["MISSING_QUALIFIER"]);
        let good = identity(
            r#"{"ForAnyValue:StringEquals":{"aws:CalledVia":"athena.amazonaws.com"},"Null":{"aws:TagKeys":"true"}}"#,
        );
        assert!(codes(&good, PolicyType::Identity).is_empty());
    }
}
