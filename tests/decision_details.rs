//! The explanation names the policy type that decided or blocked, the way the
//! simulator reports `OrganizationsDecisionDetail` and
//! `PermissionsBoundaryDecisionDetail` (E4, M2).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly; clippy.toml allows these only inside #[test] fns"
)]

use iam_eval::{Blocker, Decision, PolicySet, PolicyType, Request};

const ALLOW_ALL: &str =
    r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#;
const ALLOW_S3: &str =
    r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#;
const DENY_DELETE: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"NoDelete","Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]}"#;

fn request(action: &str) -> Request {
    Request::builder(action, "arn:aws:s3:::b/k")
        .principal("arn:aws:iam::111122223333:user/alice")
        .build()
}

fn set(policies: &[(PolicyType, u32, &str)]) -> PolicySet {
    let mut builder = PolicySet::builder();
    for (i, (policy_type, level, text)) in policies.iter().enumerate() {
        builder
            .add_at_level(&format!("p{i}"), *policy_type, *level, text)
            .unwrap();
    }
    builder.build()
}

#[test]
fn e4_scp_levels_report_organizations_detail() {
    let set = set(&[
        (PolicyType::Identity, 0, ALLOW_ALL),
        (PolicyType::Scp, 0, ALLOW_ALL),
        (PolicyType::Scp, 1, DENY_DELETE),
    ]);
    let allowed = set.evaluate(&request("s3:GetObject")).explanation();
    assert_eq!(allowed.decision, Decision::Allow);
    assert_eq!(allowed.allowed_by_organizations, Some(true));
    assert_eq!(
        allowed.allowed_by_permissions_boundary, None,
        "no boundary given"
    );

    let denied = set.evaluate(&request("s3:DeleteObject")).explanation();
    assert_eq!(denied.decision, Decision::ExplicitDeny);
    assert_eq!(denied.allowed_by_organizations, Some(false));
    assert_eq!(denied.decided_by[0].policy_type, PolicyType::Scp);
    assert_eq!(denied.decided_by[0].sid.as_deref(), Some("NoDelete"));

    let narrow = set_with_ou_allowing_s3_only();
    let blocked = narrow.evaluate(&request("ec2:RunInstances")).explanation();
    assert_eq!(blocked.decision, Decision::ImplicitDeny);
    assert_eq!(blocked.blocked_by, Some(Blocker::Scp { level: 1 }));
    assert!(
        blocked.summary.contains("no SCP at organization level 1"),
        "{}",
        blocked.summary
    );
}

fn set_with_ou_allowing_s3_only() -> PolicySet {
    set(&[
        (PolicyType::Identity, 0, ALLOW_ALL),
        (PolicyType::Scp, 0, ALLOW_ALL),
        (PolicyType::Scp, 1, ALLOW_S3),
    ])
}

#[test]
fn e4_boundary_reports_its_own_decision() {
    let set = set(&[
        (PolicyType::Identity, 0, ALLOW_ALL),
        (PolicyType::Boundary, 0, ALLOW_S3),
    ]);
    let inside = set.evaluate(&request("s3:GetObject")).explanation();
    assert_eq!(inside.allowed_by_permissions_boundary, Some(true));
    let outside = set.evaluate(&request("ec2:RunInstances")).explanation();
    assert_eq!(outside.decision, Decision::ImplicitDeny);
    assert_eq!(outside.blocked_by, Some(Blocker::Boundary));
    assert_eq!(outside.allowed_by_permissions_boundary, Some(false));
}
