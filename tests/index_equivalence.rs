//! The index (src/index.rs) only narrows which statements are evaluated: for
//! random policy sets and requests, the indexed decision must equal the
//! decision of walking every statement (`PolicySet::evaluate_unindexed`).
//! Asking for the explanation also re-checks the whole verdict, since the
//! explanation walks every statement and asserts it reached the same one.
//!
//! The vocabularies are small on purpose, so that generated statements share
//! services, action names and resource prefixes and fill the index's keyed
//! lists, and requests hit and miss them.

use iam_eval::{Options, PolicySetBuilder, PolicyType, Request};
use proptest::prelude::*;

const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "S3:getobject",
    "s3:Get*",
    "s3:PutObject",
    "s3:*",
    "*",
    "s3*:GetObject",
    "ec2:Describe*",
    "ec2:StartInstances",
    "iam:?assRole",
    "dynamodb:GetItem",
];

const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:s3:::b1/*",
    "arn:aws:s3:::b1/home/${aws:username}/*",
    "arn:aws:s3:::b1/home/alice/*",
    "arn:aws:s3:::b2/k",
    "arn:aws:s3:::b2",
    "arn:aws:s3:::b*",
    "arn:aws:s3:::b3:x/*",
    "arn:aws:s3:::*/home/*",
    "arn:aws:ec2:us-east-1:123456789012:instance/i-1",
    "arn:aws:ec2:*:*:instance/*",
    "arn:aws:ec2:us-east-1:*",
];

const REQUEST_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "S3:GETOBJECT",
    "s3:PutObject",
    "s3:ListBucket",
    "ec2:DescribeInstances",
    "ec2:StartInstances",
    "iam:PassRole",
    "dynamodb:GetItem",
    "noservice",
    "s3:",
];

const REQUEST_RESOURCES: &[&str] = &[
    "arn:aws:s3:::b1/home/alice/x",
    "arn:aws:s3:::b1/home/bob/x",
    "arn:aws:s3:::b1/x",
    "arn:aws:s3:::b2/k",
    "arn:aws:s3:::b2",
    "arn:aws:s3:::b3:x/y",
    "arn:aws:ec2:us-east-1:123456789012:instance/i-1",
    "*",
    "not-an-arn",
];

const PRINCIPALS: &[Option<&str>] = &[
    None,
    Some("arn:aws:iam::123456789012:user/alice"),
    Some("arn:aws:sts::123456789012:assumed-role/R/s"),
    Some("arn:aws:iam::999999999999:user/mallory"),
];

fn list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("{i:?}")).collect();
    format!("[{}]", quoted.join(","))
}

prop_compose! {
    fn statement(with_principal: bool)(
        deny in prop::bool::weighted(0.2),
        not_action in prop::bool::weighted(0.1),
        actions in prop::collection::vec(prop::sample::select(ACTIONS), 1..3),
        not_resource in prop::bool::weighted(0.1),
        resources in prop::collection::vec(prop::sample::select(RESOURCES), 1..3),
        condition in prop::bool::weighted(0.2),
    ) -> String {
        format!(
            r#"{{"Effect":"{}",{}"{}":{},"{}":{}{}}}"#,
            if deny { "Deny" } else { "Allow" },
            if with_principal { r#""Principal":{"AWS":"123456789012"},"# } else { "" },
            if not_action { "NotAction" } else { "Action" },
            list(&actions),
            if not_resource { "NotResource" } else { "Resource" },
            list(&resources),
            if condition {
                r#","Condition":{"StringEquals":{"aws:username":"alice"}}"#
            } else {
                ""
            },
        )
    }
}

/// (type, level, policy text).
fn policy() -> impl Strategy<Value = (PolicyType, u32, String)> {
    let kinds = prop::sample::select(vec![
        (PolicyType::Identity, 0),
        (PolicyType::Identity, 0),
        (PolicyType::Resource, 0),
        (PolicyType::Boundary, 0),
        (PolicyType::Scp, 0),
        (PolicyType::Scp, 1),
    ]);
    kinds.prop_flat_map(|(kind, level)| {
        let statements = prop::collection::vec(statement(kind == PolicyType::Resource), 1..30);
        statements.prop_map(move |s| {
            let text = format!(
                r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
                s.join(",")
            );
            (kind, level, text)
        })
    })
}

prop_compose! {
    fn request()(
        action in prop::sample::select(REQUEST_ACTIONS),
        resource in prop::sample::select(REQUEST_RESOURCES),
        principal in prop::sample::select(PRINCIPALS),
        username in prop::sample::select(&[None, Some("alice"), Some("bob")][..]),
        resource_account in prop::sample::select(&[None, Some("123456789012"), Some("999999999999")][..]),
    ) -> Request {
        let mut builder = Request::builder(action, resource);
        if let Some(p) = principal {
            builder = builder.principal(p);
        }
        if let Some(u) = username {
            builder = builder.context("aws:username", u);
        }
        if let Some(a) = resource_account {
            builder = builder.resource_account(a);
        }
        builder.build()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]
    #[test]
    fn indexed_decision_equals_full_walk(
        policies in prop::collection::vec(policy(), 1..5),
        requests in prop::collection::vec(request(), 1..8),
        crossing in prop::bool::weighted(0.2),
    ) {
        let mut options = Options::default();
        options.arn_star_crosses_colons = crossing;
        let mut builder = PolicySetBuilder::with_options(options);
        for (i, (kind, level, text)) in policies.iter().enumerate() {
            builder
                .add_at_level(&format!("p{i}"), *kind, *level, text)
                .map_err(|e| TestCaseError::fail(format!("{e}: {text}")))?;
        }
        let set = builder.build();
        for request in &requests {
            let response = set.evaluate(request);
            prop_assert_eq!(response.decision(), set.evaluate_unindexed(request), "{}", request);
            prop_assert_eq!(response.explanation().decision, response.decision());
        }
    }
}
