//! Pool files as people make them: the AWS CLI's output pasted as printed
//! (`get-role`, `list-role-policies` + `get-role-policy`,
//! `list-attached-role-policies`, `get-policy-version`), strict about keys,
//! and failing closed on every policy it names but does not hold.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly; clippy.toml allows these only inside #[test] fns"
)]

use std::collections::BTreeMap;

use iam_eval::cognito::{IdentityPoolSetup, Login};
use iam_eval::{Blocker, Decision};
use serde_json::Value;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/cognito");
const AUTH: &str = "arn:aws:iam::123456789012:role/Cognito_NotesAuth_Role";
const NO_DELETES: &str = "arn:aws:iam::123456789012:policy/NotesNoDeletes";
const BOUNDARY: &str = "arn:aws:iam::123456789012:policy/NotesBoundary";

fn pool_json() -> Value {
    serde_json::from_str(&std::fs::read_to_string(format!("{DIR}/cli-output/pool.json")).unwrap())
        .unwrap()
}

fn alice() -> Login {
    Login::from_json(&std::fs::read_to_string(format!("{DIR}/login-alice.json")).unwrap()).unwrap()
}

fn own(key: &str) -> String {
    format!(
        "arn:aws:s3:::notes-app-uploads/private/{}/{key}",
        alice().identity_id()
    )
}

/// Every output evaluates: the inline policy grants, the attached managed
/// policy denies, the boundary from `get-role` limits (E4).
#[test]
fn aws_cli_outputs_pasted_as_printed() {
    let pool = IdentityPoolSetup::from_json(&pool_json().to_string()).unwrap();
    let session = pool.sign_in(&alice()).unwrap();
    assert!(session.refusal().is_none(), "{:?}", session.refusal());
    assert_eq!(
        session.check("s3:PutObject", &own("a.txt"), &[]).decision,
        Decision::Allow
    );
    let delete = session.check("s3:DeleteObject", &own("a.txt"), &[]);
    assert_eq!(
        delete.decision,
        Decision::ExplicitDeny,
        "{}",
        delete.summary
    );
    assert_eq!(delete.decided_by[0].policy_id, NO_DELETES);
    let sns = session.check("sns:Publish", "arn:aws:sns:us-east-1:123456789012:t", &[]);
    assert_eq!(sns.decision, Decision::ImplicitDeny);
    assert_eq!(sns.blocked_by, Some(Blocker::Boundary));
    assert_eq!(
        session
            .check(
                "execute-api:Invoke",
                "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/notes",
                &[]
            )
            .decision,
        Decision::Allow
    );
}

/// A key the file does not define is an error with its path, not a role
/// silently without its policies.
#[test]
fn unknown_keys_are_errors_with_their_path() {
    let mut pool = pool_json();
    let role = pool["Roles"][AUTH].as_object_mut().unwrap();
    let policies = role.remove("Policies").unwrap();
    role.insert("RolePolicies".into(), policies);
    let error = IdentityPoolSetup::from_json(&pool.to_string())
        .unwrap_err()
        .to_string();
    assert!(
        error.contains(&format!("Roles[\"{AUTH}\"]: unknown key `RolePolicies`")),
        "{error}"
    );
    assert!(error.contains("expected one of"), "{error}");

    let mut pool = pool_json();
    pool["IdentityPool"]["AllowUnauthenticatedIdentity"] = Value::Bool(true);
    let error = IdentityPoolSetup::from_json(&pool.to_string())
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("IdentityPool: unknown key `AllowUnauthenticatedIdentity`"),
        "{error}"
    );

    let mut pool = pool_json();
    pool["Roles"][AUTH]["Role"]["PermissionBoundary"] = Value::Null;
    let error = IdentityPoolSetup::from_json(&pool.to_string())
        .unwrap_err()
        .to_string();
    assert!(
        error.contains(".Role: unknown key `PermissionBoundary`"),
        "{error}"
    );
}

/// What the file names but does not hold leaves the role out, named.
#[test]
fn missing_pieces_leave_the_role_out_and_are_named() {
    let refusal = |pool: Value| {
        let pool = IdentityPoolSetup::from_json(&pool.to_string()).unwrap();
        let session = pool.sign_in(&alice()).unwrap();
        assert_eq!(
            session.check("s3:PutObject", &own("a.txt"), &[]).decision,
            Decision::ImplicitDeny
        );
        session.refusal().map(str::to_owned).expect("refused")
    };
    let mut pool = pool_json();
    pool["Roles"][AUTH]["Policies"] = Value::Array(vec![]);
    assert!(refusal(pool).contains("inline policy `notes-app-auth`"));

    let mut pool = pool_json();
    pool["ManagedPolicies"]
        .as_object_mut()
        .unwrap()
        .remove(NO_DELETES);
    let why = refusal(pool);
    assert!(
        why.contains(NO_DELETES) && why.contains("--managed-policy"),
        "{why}"
    );

    let mut pool = pool_json();
    pool["ManagedPolicies"]
        .as_object_mut()
        .unwrap()
        .remove(BOUNDARY);
    assert!(refusal(pool).contains("permissions boundary"));

    let mut pool = pool_json();
    pool["Roles"][AUTH]["IsTruncated"] = Value::Bool(true);
    assert!(refusal(pool).contains("IsTruncated"));
}

/// A managed policy given beside the file (`--managed-policy ARN=FILE`).
#[test]
fn managed_policies_given_beside_the_file() {
    let mut pool = pool_json();
    pool["ManagedPolicies"]
        .as_object_mut()
        .unwrap()
        .remove(NO_DELETES);
    let text = pool.to_string();
    let mut given = BTreeMap::new();
    given.insert(
        NO_DELETES.to_owned(),
        std::fs::read_to_string(format!(
            "{DIR}/cli-output/get-policy-version-NotesNoDeletes.json"
        ))
        .unwrap(),
    );
    let setup = IdentityPoolSetup::from_json_with_managed_policies(&text, &given).unwrap();
    let session = setup.sign_in(&alice()).unwrap();
    assert!(session.refusal().is_none(), "{:?}", session.refusal());
    assert_eq!(
        session
            .check("s3:DeleteObject", &own("a.txt"), &[])
            .decision,
        Decision::ExplicitDeny
    );
    // A duplicate key in a given document is refused (G1).
    given.insert(
        NO_DELETES.to_owned(),
        r#"{"Version":"2012-10-17","Version":"2012-10-17","Statement":[]}"#.into(),
    );
    assert!(IdentityPoolSetup::from_json_with_managed_policies(&text, &given).is_err());
}

/// The trust policy once, directly or in `get-role` output.
#[test]
fn the_trust_policy_is_given_once() {
    let mut pool = pool_json();
    let trust = pool["Roles"][AUTH]["Role"]["AssumeRolePolicyDocument"].clone();
    pool["Roles"][AUTH]["AssumeRolePolicyDocument"] = trust;
    let error = IdentityPoolSetup::from_json(&pool.to_string())
        .unwrap_err()
        .to_string();
    assert!(error.contains("twice"), "{error}");
    let mut pool = pool_json();
    pool["Roles"][AUTH]["Role"]
        .as_object_mut()
        .unwrap()
        .remove("AssumeRolePolicyDocument");
    let error = IdentityPoolSetup::from_json(&pool.to_string())
        .unwrap_err()
        .to_string();
    assert!(error.contains("no trust policy"), "{error}");
}

/// The notes pool with a SAML provider and a developer provider as well.
fn federated_pool() -> IdentityPoolSetup {
    let mut pool = pool_json();
    pool["IdentityPool"]["SamlProviderARNs"] =
        serde_json::json!(["arn:aws:iam::123456789012:saml-provider/CorpIdP"]);
    pool["IdentityPool"]["DeveloperProviderName"] = serde_json::json!("login.notes.example.com");
    IdentityPoolSetup::from_json(&pool.to_string()).unwrap()
}

fn login(name: &str) -> Login {
    Login::from_json(&std::fs::read_to_string(format!("{DIR}/{name}")).unwrap()).unwrap()
}

/// SAML and developer-authenticated logins get the default authenticated
/// role, with `amr` naming their provider (CG2).
#[test]
fn saml_and_developer_logins_sign_in() {
    let pool = federated_pool();
    for (file, provider) in [
        (
            "login-saml.json",
            "arn:aws:iam::123456789012:saml-provider/CorpIdP",
        ),
        ("login-developer.json", "login.notes.example.com"),
    ] {
        let session = pool.sign_in(&login(file)).unwrap();
        assert!(
            session.refusal().is_none(),
            "{file}: {:?}",
            session.refusal()
        );
        assert_eq!(session.role(), Some(AUTH), "{file}");
        let amr = session
            .context()
            .get("cognito-identity.amazonaws.com:amr")
            .unwrap()
            .values()
            .to_vec();
        assert_eq!(amr[0], "authenticated", "{file}");
        assert_eq!(amr[1], provider, "{file}");
    }
}

/// A login naming a provider the pool does not have is refused, and the
/// refusal lists the providers it has.
#[test]
fn an_unknown_provider_lists_the_pools_providers() {
    let pool = federated_pool();
    let mut text: Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{DIR}/login-developer.json")).unwrap(),
    )
    .unwrap();
    text["provider"] = serde_json::json!("login.other.example.com");
    let session = pool
        .sign_in(&Login::from_json(&text.to_string()).unwrap())
        .unwrap();
    let why = session.refusal().unwrap();
    assert!(
        why.contains("`login.other.example.com` is not a provider"),
        "{why}"
    );
    for provider in [
        "`cognito-idp.us-east-1.amazonaws.com/us-east-1_NotesPool` with client `notesweb123`",
        "`arn:aws:iam::123456789012:saml-provider/CorpIdP`",
        "`login.notes.example.com`",
    ] {
        assert!(why.contains(provider), "{why}");
    }
}
