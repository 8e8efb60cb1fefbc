//! Property: when `check_no_new_access` says PASS, no request is allowed by
//! the new policy and denied by the old one; when it gives a witness, the
//! engine confirms it. Random pairs from a small vocabulary with the traps
//! (wildcards, NotAction/NotResource, Denies, conditions, IfExists, set
//! operators, variables), random requests from values those policies name.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test helpers outside #[test] functions"
)]

use iam_eval::analysis::{check_no_new_access, CheckResult};
use iam_eval::{Options, PolicySet, PolicyType, Request};
use proptest::prelude::*;

const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:Get*",
    "s3:*",
    "*",
    "iam:PassRole",
];
const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::b/a*",
    "arn:aws:s3:::b/a/k",
    "arn:aws:s3:::b/${aws:username}/*",
    "arn:aws:s3:::c/?",
];
const CONDITIONS: &[&str] = &[
    r#"{"StringEquals":{"aws:username":"alice"}}"#,
    r#"{"StringLike":{"s3:prefix":"a*"}}"#,
    r#"{"NumericLessThan":{"s3:max-keys":"10"}}"#,
    r#"{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#,
    r#"{"StringEqualsIfExists":{"s3:prefix":"home"}}"#,
    r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":["a","b"]}}"#,
    r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["a"]}}"#,
    r#"{"StringNotEquals":{"aws:username":"bob"}}"#,
];

fn statement() -> impl Strategy<Value = String> {
    (
        any::<bool>(),
        any::<bool>(),
        0..ACTIONS.len(),
        any::<bool>(),
        0..RESOURCES.len(),
        0..CONDITIONS.len() + 3,
    )
        .prop_map(|(deny, not_action, a, not_resource, r, c)| {
            let effect = if deny { "Deny" } else { "Allow" };
            let action = if not_action && a < 2 {
                "NotAction"
            } else {
                "Action"
            };
            let resource = if not_resource && r == 1 {
                "NotResource"
            } else {
                "Resource"
            };
            let condition = CONDITIONS
                .get(c)
                .map_or_else(String::new, |c| format!(r#","Condition":{c}"#));
            format!(
                r#"{{"Effect":"{effect}","{action}":"{}","{resource}":"{}"{condition}}}"#,
                ACTIONS[a], RESOURCES[r]
            )
        })
}

fn policy() -> impl Strategy<Value = String> {
    prop::collection::vec(statement(), 1..4).prop_map(|s| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
            s.join(",")
        )
    })
}

fn requests() -> Vec<Request> {
    let actions = [
        "s3:GetObject",
        "s3:PutObject",
        "s3:GetObjectAcl",
        "iam:PassRole",
        "ec2:RunInstances",
    ];
    let resources = [
        "arn:aws:s3:::b/a/k",
        "arn:aws:s3:::b/alice/x",
        "arn:aws:s3:::b/bob/x",
        "arn:aws:s3:::b/zz",
        "arn:aws:s3:::c/x",
        "arn:aws:s3:::c/xy",
        "arn:aws:iam::1:role/r",
    ];
    let contexts: Vec<Vec<(&str, iam_eval::ContextValue)>> = vec![
        vec![],
        vec![("aws:username", "alice".into())],
        vec![("aws:username", "bob".into()), ("s3:prefix", "home".into())],
        vec![
            ("aws:username", "alice".into()),
            ("s3:max-keys", "5".into()),
            ("aws:SourceIp", "10.1.2.3".into()),
        ],
        vec![
            ("s3:prefix", "abc".into()),
            ("s3:max-keys", "50".into()),
            ("aws:SourceIp", "192.0.2.1".into()),
        ],
        vec![(
            "aws:TagKeys",
            iam_eval::ContextValue::Multi(vec!["a".into()]),
        )],
        vec![
            (
                "aws:TagKeys",
                iam_eval::ContextValue::Multi(vec!["a".into(), "c".into()]),
            ),
            ("aws:username", "a".into()),
        ],
    ];
    let mut out = Vec::new();
    for a in actions {
        for r in resources {
            for c in &contexts {
                let mut b = Request::builder(a, r);
                for (k, v) in c {
                    b = b.context(k, v.clone());
                }
                out.push(b.build());
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn a_pass_is_never_wrong(old in policy(), new in policy()) {
        let outcome = check_no_new_access(&old, &new, PolicyType::Identity, &Options::default()).unwrap();
        let old_set = PolicySet::from_json(&old).unwrap();
        let new_set = PolicySet::from_json(&new).unwrap();
        for reason in &outcome.reasons {
            if let Some(w) = &reason.witness {
                prop_assert!(new_set.evaluate(&w.request()).is_allowed());
                prop_assert!(!old_set.evaluate(&w.request()).is_allowed());
            }
        }
        if outcome.result == CheckResult::Pass {
            for request in requests() {
                let escaped = new_set.evaluate(&request).is_allowed()
                    && !old_set.evaluate(&request).is_allowed();
                prop_assert!(!escaped, "PASS but {request:?} is new access\nold {old}\nnew {new}");
            }
        }
    }
}
