//! Cognito identity pools end to end (the CG, D and S rules), with the
//! gotchas users hit.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly; clippy.toml allows these only inside #[test] fns"
)]

use iam_eval::cognito::{IdentityPoolSetup, Login};
use iam_eval::{ContextValue, Decision, PolicySet, Request};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/fixtures/cognito/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn pool() -> IdentityPoolSetup {
    IdentityPoolSetup::from_json(&fixture("notes-app-pool.json")).unwrap()
}

fn login(name: &str) -> Login {
    Login::from_json(&fixture(name)).unwrap()
}

const ALICE: &str = "us-east-1:1111aaaa-0000-4000-8000-000000000001";
const OTHER: &str = "us-east-1:2222bbbb-0000-4000-8000-000000000002";
const TABLE: &str = "arn:aws:dynamodb:us-east-1:123456789012:table/notes";

fn object(identity: &str) -> String {
    format!("arn:aws:s3:::notes-app-uploads/private/{identity}/todo.txt")
}

/// The story: own prefix allowed, another's denied, API allowed, own partition allowed.
#[test]
fn signed_in_user_story() {
    let session = pool().sign_in(&login("login-alice.json")).unwrap();
    assert_eq!(
        session.role(),
        Some("arn:aws:iam::123456789012:role/Cognito_NotesAuth_Role")
    );
    assert_eq!(
        session.principal(),
        Some("arn:aws:sts::123456789012:assumed-role/Cognito_NotesAuth_Role/CognitoIdentityCredentials")
    );
    assert_eq!(session.trust().unwrap().decision, Decision::Allow);
    let amr = session
        .context()
        .get("cognito-identity.amazonaws.com:amr")
        .unwrap()
        .values()
        .to_vec();
    assert_eq!(amr[0], "authenticated");
    assert!(
        amr[2].ends_with(":CognitoSignIn:5f1c7a1e-1111-4a4a-9b9b-000000000001"),
        "CG2: {amr:?}"
    );
    assert_eq!(
        session.check("s3:PutObject", &object(ALICE), &[]).decision,
        Decision::Allow
    );
    assert_eq!(
        session.check("s3:GetObject", &object(OTHER), &[]).decision,
        Decision::ImplicitDeny
    );
    let api = "arn:aws:execute-api:us-east-1:123456789012:ly55wbovq4/prod/GET/notes";
    assert_eq!(
        session.check("execute-api:Invoke", api, &[]).decision,
        Decision::Allow
    );
    let own = [(
        "dynamodb:LeadingKeys",
        ContextValue::Multi(vec![ALICE.into()]),
    )];
    assert_eq!(
        session.check("dynamodb:Query", TABLE, &own).decision,
        Decision::Allow
    );
    let other = [(
        "dynamodb:LeadingKeys",
        ContextValue::Multi(vec![OTHER.into()]),
    )];
    assert_eq!(
        session.check("dynamodb:Query", TABLE, &other).decision,
        Decision::ImplicitDeny
    );
}

/// CG3: guests get the unauthenticated role, scoped down; they cannot reach private data.
#[test]
fn guest_story() {
    let session = pool().sign_in(&login("login-guest.json")).unwrap();
    assert_eq!(
        session.role(),
        Some("arn:aws:iam::123456789012:role/Cognito_NotesUnauth_Role")
    );
    assert!(session.is_scoped_down());
    assert_eq!(
        session
            .context()
            .get("cognito-identity.amazonaws.com:amr")
            .unwrap()
            .values(),
        ["unauthenticated"]
    );
    assert_eq!(
        session.check("s3:PutObject", &object(ALICE), &[]).decision,
        Decision::ImplicitDeny
    );
    let public = "arn:aws:s3:::notes-app-uploads/public/banner.png";
    assert_eq!(
        session.check("s3:GetObject", public, &[]).decision,
        Decision::Allow
    );
    // The role allows cognito-sync:* but the scope-down does too; mobileanalytics likewise.
    assert_eq!(
        session
            .check("mobileanalytics:PutEvents", "*", &[])
            .decision,
        Decision::Allow
    );
}

/// CG3: the scope-down session policy withholds what the role grants beyond it.
#[test]
fn cg3_scope_down_limits_guest_role() {
    let text =
        fixture("notes-app-pool.json").replace(r#""notes-app-guest""#, r#""notes-app-guest-wide""#);
    let mut pool: serde_json::Value = serde_json::from_str(&text).unwrap();
    pool["Roles"]["arn:aws:iam::123456789012:role/Cognito_NotesUnauth_Role"]["Policies"] = serde_json::json!([
        {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}
    ]);
    let setup = IdentityPoolSetup::from_json(&pool.to_string()).unwrap();
    let session = setup.sign_in(&login("login-guest.json")).unwrap();
    let iam = session.check("iam:CreateUser", "arn:aws:iam::123456789012:user/x", &[]);
    assert_eq!(iam.decision, Decision::ImplicitDeny);
    assert_eq!(iam.blocked_by, Some(iam_eval::Blocker::Session));
    // Basic flow: no scope-down.
    pool["EnhancedFlow"] = serde_json::json!(false);
    let basic = IdentityPoolSetup::from_json(&pool.to_string()).unwrap();
    let session = basic.sign_in(&login("login-guest.json")).unwrap();
    assert_eq!(
        session
            .check("iam:CreateUser", "arn:aws:iam::123456789012:user/x", &[])
            .decision,
        Decision::Allow
    );
}

/// A pool without guest access issues no credentials and says why.
#[test]
fn guests_not_allowed() {
    let text = fixture("notes-app-pool.json").replace(
        r#""AllowUnauthenticatedIdentities": true"#,
        r#""AllowUnauthenticatedIdentities": false"#,
    );
    let session = IdentityPoolSetup::from_json(&text)
        .unwrap()
        .sign_in(&login("login-guest.json"))
        .unwrap();
    assert_eq!(session.role(), None);
    assert!(session
        .refusal()
        .unwrap()
        .contains("does not allow unauthenticated"));
    assert_eq!(
        session
            .check(
                "s3:GetObject",
                "arn:aws:s3:::notes-app-uploads/public/a",
                &[]
            )
            .decision,
        Decision::ImplicitDeny
    );
}

/// CG4: a Rules mapping picks the admin role for group members; others hit Deny.
#[test]
fn cg4_rules_mapping_for_admin_client() {
    let admin = pool().sign_in(&login("login-admin.json")).unwrap();
    assert_eq!(
        admin.role(),
        Some("arn:aws:iam::123456789012:role/Notes_Admin_Role")
    );
    assert_eq!(
        admin.check("s3:GetObject", &object(OTHER), &[]).decision,
        Decision::Allow
    );
    let user = pool().sign_in(&login("login-not-admin.json")).unwrap();
    assert_eq!(user.role(), None);
    assert!(
        user.refusal()
            .unwrap()
            .contains("AmbiguousRoleResolution is Deny"),
        "{:?}",
        user.steps()
    );
}

/// CG1: the trust policy checks `aud`: a pool id it does not name gets no credentials.
#[test]
fn cg1_trust_policy_refuses_other_pool() {
    let text = fixture("notes-app-pool.json").replace(
        r#""IdentityPoolId": "us-east-1:4b1c2d3e-aaaa-bbbb-cccc-0123456789ab","#,
        r#""IdentityPoolId": "us-east-1:99999999-0000-0000-0000-000000000000","#,
    );
    let session = IdentityPoolSetup::from_json(&text)
        .unwrap()
        .sign_in(&login("login-alice.json"))
        .unwrap();
    assert_eq!(session.role(), None);
    assert_eq!(
        session.chosen_role(),
        Some("arn:aws:iam::123456789012:role/Cognito_NotesAuth_Role")
    );
    assert_eq!(session.trust().unwrap().decision, Decision::ImplicitDeny);
    assert!(session.refusal().unwrap().contains("trust policy refuses"));
}

/// An app client the pool does not list cannot sign in.
#[test]
fn unknown_client_is_refused() {
    let mut l = login("login-alice.json");
    l.client_id = Some("someoneelse".into());
    let session = pool().sign_in(&l).unwrap();
    assert!(session
        .refusal()
        .unwrap()
        .contains("not a provider of this pool"));
}

/// Gotcha: the user-pool `sub` claim is not the identity id. A path built from
/// the token's `sub` does not match `${cognito-identity.amazonaws.com:sub}`.
#[test]
fn gotcha_user_pool_sub_is_not_the_identity_id() {
    let session = pool().sign_in(&login("login-alice.json")).unwrap();
    let by_user_pool_sub = object("5f1c7a1e-1111-4a4a-9b9b-000000000001");
    assert_eq!(
        session
            .check("s3:PutObject", &by_user_pool_sub, &[])
            .decision,
        Decision::ImplicitDeny
    );
}

/// Gotcha: a prefix without its trailing slash lets user `a` read `ab…`'s data (R3, V5).
#[test]
fn gotcha_prefix_without_trailing_slash() {
    let policy = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject",
        "Resource":"arn:aws:s3:::b/private/${cognito-identity.amazonaws.com:sub}*"}}"#;
    let set = PolicySet::from_json(policy).unwrap();
    let request = Request::builder(
        "s3:GetObject",
        "arn:aws:s3:::b/private/us-east-1:ab12/secret.txt",
    )
    .context("cognito-identity.amazonaws.com:sub", "us-east-1:a")
    .build();
    assert_eq!(
        set.evaluate(&request).decision(),
        Decision::Allow,
        "the loose policy leaks"
    );
    let fixed = PolicySet::from_json(&policy.replace("sub}*", "sub}/*")).unwrap();
    assert_eq!(fixed.evaluate(&request).decision(), Decision::ImplicitDeny);
}

/// Gotcha: ListBucket is on the bucket ARN and needs `s3:prefix` for per-user listing (CG5).
#[test]
fn gotcha_list_bucket_needs_prefix_condition() {
    let policy = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b",
        "Condition":{"StringLike":{"s3:prefix":["private/${cognito-identity.amazonaws.com:sub}/*"]}}}}"#;
    let set = PolicySet::from_json(policy).unwrap();
    let list = |prefix: Option<&str>| {
        let mut b = Request::builder("s3:ListBucket", "arn:aws:s3:::b")
            .context("cognito-identity.amazonaws.com:sub", "us-east-1:1");
        if let Some(p) = prefix {
            b = b.context("s3:prefix", p);
        }
        set.evaluate(&b.build()).decision()
    };
    assert_eq!(list(Some("private/us-east-1:1/")), Decision::Allow);
    assert_eq!(list(Some("private/us-east-1:2/")), Decision::ImplicitDeny);
    assert_eq!(
        list(None),
        Decision::ImplicitDeny,
        "no prefix: listing the whole bucket is not allowed"
    );
}

/// Gotcha: LeadingKeys with a composite key: only the partition key counts (D1).
#[test]
fn gotcha_leading_keys_composite_key() {
    let session = pool().sign_in(&login("login-alice.json")).unwrap();
    let own = [(
        "dynamodb:LeadingKeys",
        ContextValue::Multi(vec![ALICE.into()]),
    )];
    assert_eq!(
        session.check("dynamodb:GetItem", TABLE, &own).decision,
        Decision::Allow
    );
    let sort_key_as_leading = [(
        "dynamodb:LeadingKeys",
        ContextValue::Multi(vec![ALICE.into(), "2024-01-01".into()]),
    )];
    assert_eq!(
        session
            .check("dynamodb:GetItem", TABLE, &sort_key_as_leading)
            .decision,
        Decision::ImplicitDeny,
        "ForAllValues: every leading key must be the user's"
    );
}

/// Gotcha: Scan under a LeadingKeys policy: without a Null guard ForAllValues is vacuous (D2).
#[test]
fn gotcha_scan_under_leading_keys_policy() {
    let unguarded = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["dynamodb:Query","dynamodb:Scan"],"Resource":"arn:aws:dynamodb:us-east-1:1:table/t",
        "Condition":{"ForAllValues:StringEquals":{"dynamodb:LeadingKeys":["${cognito-identity.amazonaws.com:sub}"]}}}}"#;
    let set = PolicySet::from_json(unguarded).unwrap();
    let scan = Request::builder("dynamodb:Scan", "arn:aws:dynamodb:us-east-1:1:table/t")
        .context("cognito-identity.amazonaws.com:sub", "us-east-1:1")
        .build();
    assert_eq!(
        set.evaluate(&scan).decision(),
        Decision::Allow,
        "the whole table leaks"
    );
    // The fixture's policy has the Null guard and does not list Scan.
    let session = pool().sign_in(&login("login-alice.json")).unwrap();
    assert_eq!(
        session.check("dynamodb:Scan", TABLE, &[]).decision,
        Decision::ImplicitDeny
    );
    assert_eq!(
        session.check("dynamodb:Query", TABLE, &[]).decision,
        Decision::ImplicitDeny
    );
}

/// Gotcha: identity ids contain `:`; substitution happens after the ARN is split (V6).
#[test]
fn gotcha_identity_id_with_colon() {
    let session = pool().sign_in(&login("login-alice.json")).unwrap();
    assert!(ALICE.contains(':'));
    assert_eq!(
        session.check("s3:GetObject", &object(ALICE), &[]).decision,
        Decision::Allow
    );
}

/// Attributes for access control: claims become principal tags.
#[test]
fn principal_tags_from_claims() {
    let mut pool: serde_json::Value =
        serde_json::from_str(&fixture("notes-app-pool.json")).unwrap();
    pool["PrincipalTagAttributeMaps"] = serde_json::json!([{
        "IdentityPoolId": "us-east-1:4b1c2d3e-aaaa-bbbb-cccc-0123456789ab",
        "IdentityProviderName": "cognito-idp.us-east-1.amazonaws.com/us-east-1_NotesPool",
        "UseDefaults": false,
        "PrincipalTags": {"department": "email"}
    }]);
    let setup = IdentityPoolSetup::from_json(&pool.to_string()).unwrap();
    let session = setup.sign_in(&login("login-alice.json")).unwrap();
    assert_eq!(
        session.context().get("aws:PrincipalTag/department"),
        Some(&ContextValue::from("alice@example.com"))
    );
}

/// The builders produce what the session's policies evaluate: S3 with a key
/// holding `:` and spaces, a DynamoDB query from its request body.
#[test]
fn builders_with_a_session() {
    use iam_eval::services::dynamodb::{DynamoDb, TableSchema};
    use iam_eval::services::s3::S3Operation;
    let session = pool().sign_in(&login("login-alice.json")).unwrap();
    let decide = |auth: &iam_eval::services::Authorization| {
        session
            .policies()
            .evaluate(&auth.to_request(session.principal(), session.context()))
            .decision()
    };
    let key = format!("private/{ALICE}/notes: draft 1.txt");
    let put = S3Operation::PutObject {
        bucket: "notes-app-uploads",
        key: &key,
    }
    .authorizations();
    assert_eq!(decide(&put[0]), Decision::Allow);
    let copy = S3Operation::CopyObject {
        source_bucket: "notes-app-uploads",
        source_key: &format!("private/{OTHER}/x"),
        source_version_id: None,
        bucket: "notes-app-uploads",
        key: &key,
    }
    .authorizations();
    assert_eq!(
        decide(&copy[0]),
        Decision::ImplicitDeny,
        "reading another user's source"
    );
    assert_eq!(decide(&copy[1]), Decision::Allow);

    let mut tables = std::collections::BTreeMap::new();
    tables.insert("notes".to_owned(), TableSchema::new("userId"));
    let ddb = DynamoDb {
        region: "us-east-1",
        account: "123456789012",
        tables: &tables,
    };
    let query = |user: &str| {
        let body = serde_json::json!({"TableName": "notes", "KeyConditionExpression": "userId = :u",
            "ExpressionAttributeValues": {":u": {"S": user}}});
        decide(&ddb.authorizations("Query", &body).unwrap()[0])
    };
    assert_eq!(query(ALICE), Decision::Allow);
    assert_eq!(query(OTHER), Decision::ImplicitDeny);
    let scan = ddb
        .authorizations("Scan", &serde_json::json!({"TableName": "notes"}))
        .unwrap();
    assert_eq!(decide(&scan[0]), Decision::ImplicitDeny);
}

/// The 1-based line and character column of `needle` in `text`.
fn line_and_column(text: &str, needle: &str) -> (usize, usize) {
    let offset = text.find(needle).unwrap();
    let before = text.get(..offset).unwrap();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before.get(line_start..).unwrap().chars().count() + 1,
    )
}

/// A policy pasted into the pool file as an object is reported at the
/// pool file's line and column, not at "line 1" of the policy alone.
#[test]
fn an_error_in_a_pasted_policy_points_into_the_pool_file() {
    let text = fixture("notes-app-pool.json").replacen(r#""s3:*""#, r#""s3::bad""#, 1);
    let (line, column) = line_and_column(&text, r#""s3::bad""#);
    assert!(line > 1);
    let err = IdentityPoolSetup::from_json(&text).unwrap_err().to_string();
    assert!(
        err.contains(&format!("at line {line} column {column}")),
        "{err}"
    );
}

/// The statements an explanation names start where the pool file has them.
#[test]
fn an_explanation_gives_the_pool_files_line() {
    let text = fixture("notes-app-pool.json");
    let session = pool().sign_in(&login("login-alice.json")).unwrap();
    let explanation = session.check("s3:PutObject", &object(ALICE), &[]);
    assert_eq!(explanation.decision, Decision::Allow);
    let statement = &explanation.decided_by[0];
    let (start, end) = (statement.start.unwrap(), statement.end.unwrap());
    let lines: Vec<&str> = text.lines().collect();
    let first = lines[start.line - 1];
    assert!(
        first
            .chars()
            .skip(start.column - 1)
            .collect::<String>()
            .starts_with('{'),
        "line {}: {first}",
        start.line
    );
    let body = lines[start.line - 1..end.line].join("\n");
    assert!(body.contains(r#""s3:*""#), "{body}");
    assert!(
        explanation
            .to_string()
            .contains(&format!("[Allow, line {}]", start.line)),
        "{explanation}"
    );
}

/// A policy given as a string (URL-encoded, as IAM's API returns it) is
/// decoded text no one can look up: neither its errors nor its
/// explanations give a line.
#[test]
fn a_policy_given_as_a_string_has_no_line() {
    let mut file: serde_json::Value =
        serde_json::from_str(&fixture("notes-app-pool.json")).unwrap();
    let role = "arn:aws:iam::123456789012:role/Cognito_NotesAuth_Role";
    let policies = file["Roles"][role]["Policies"].as_array_mut().unwrap();
    let encode = |document: &serde_json::Value| -> String {
        document
            .to_string()
            .bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => (b as char).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    let document = policies[0]["PolicyDocument"].clone();
    policies[0] = serde_json::Value::String(encode(&document));

    let setup = IdentityPoolSetup::from_json(&file.to_string()).unwrap();
    let session = setup.sign_in(&login("login-alice.json")).unwrap();
    let explanation = session.check("s3:PutObject", &object(ALICE), &[]);
    assert_eq!(explanation.decision, Decision::Allow);
    assert_eq!(explanation.decided_by[0].start, None);
    assert!(explanation.to_string().contains("[Allow]"), "{explanation}");

    // `s3:*` becomes `s3::bad`.
    let bad = encode(&document).replace("s3%3A%2A", "s3%3A%3Abad");
    let policies = file["Roles"][role]["Policies"].as_array_mut().unwrap();
    policies[0] = serde_json::Value::String(bad);
    let err = IdentityPoolSetup::from_json(&file.to_string())
        .unwrap_err()
        .to_string();
    assert!(err.contains("invalid action `s3::bad`"), "{err}");
    assert!(!err.contains("at line"), "{err}");
}
