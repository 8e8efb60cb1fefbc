//! Grammar that differs by policy type (G5, G10, and the E rules).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly; clippy.toml allows these only inside #[test] fns"
)]

use iam_eval::{validate, Options, PolicyErrorKind, PolicyType};

fn errors(policy_type: PolicyType, text: &str) -> Vec<(String, PolicyErrorKind)> {
    validate(text, policy_type, &Options::default())
        .errors
        .into_iter()
        .map(|e| (e.location().path().to_owned(), e.kind().clone()))
        .collect()
}

const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity"}]}"#;

/// G5: a trust policy has no Resource; G10: identity policies have no Principal.
#[test]
fn g5_g10_trust_and_identity_elements() {
    assert!(errors(PolicyType::Trust, TRUST).is_empty());
    let found = errors(PolicyType::Identity, TRUST);
    assert!(found.iter().any(|(_, k)| matches!(
        k,
        PolicyErrorKind::NotAllowed {
            element: "Principal",
            ..
        }
    )));
    assert!(
        found
            .iter()
            .any(|(_, k)| matches!(k, PolicyErrorKind::Missing(_))),
        "identity needs Resource"
    );
    let with_resource = TRUST.replace(r#""Action""#, r#""Resource":"*","Action""#);
    let found = errors(PolicyType::Trust, &with_resource);
    assert!(found.iter().any(|(_, k)| matches!(
        k,
        PolicyErrorKind::NotAllowed {
            element: "Resource",
            ..
        }
    )));
    assert!(
        errors(PolicyType::Resource, &with_resource).is_empty(),
        "a resource policy may name resources"
    );
}

/// L2: trust policies grant only STS actions; NotPrincipal is not allowed there.
#[test]
fn trust_policies_grant_sts_actions_only() {
    let s3 = TRUST.replace("sts:AssumeRoleWithWebIdentity", "s3:GetObject");
    let found = errors(PolicyType::Trust, &s3);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, "Statement[0].Action");
    let not = TRUST.replace(r#""Principal""#, r#""NotPrincipal""#);
    assert!(errors(PolicyType::Trust, &not)
        .iter()
        .any(|(_, k)| matches!(
            k,
            PolicyErrorKind::NotAllowed {
                element: "NotPrincipal",
                ..
            }
        )));
}

/// RCPs apply to every principal: `Principal` must be `*`.
#[test]
fn rcp_principal_must_be_wildcard() {
    let ok = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-abc"}}}]}"#;
    assert!(errors(PolicyType::Rcp, ok).is_empty());
    let named = ok.replace(
        r#""Principal":"*""#,
        r#""Principal":{"AWS":"111122223333"}"#,
    );
    assert!(errors(PolicyType::Rcp, &named)
        .iter()
        .any(|(_, k)| matches!(k, PolicyErrorKind::Principal { .. })));
    assert!(
        !errors(PolicyType::Scp, ok).is_empty(),
        "SCPs take no Principal"
    );
}
