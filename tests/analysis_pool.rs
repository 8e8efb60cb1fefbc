//! The access report of an identity pool's logins: what each login's
//! credentials allow, the role's policies less every Deny, within the guests'
//! scope-down (CG3) and any permissions boundary (E4).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly; clippy.toml allows these only inside #[test] fns"
)]

mod common;
use common::{iam_eval, stdout};

use iam_eval::analysis::{session_access_report, AccessReport};
use iam_eval::cognito::{IdentityPoolSetup, Login};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/cognito");

fn read(name: &str) -> String {
    std::fs::read_to_string(format!("{DIR}/{name}")).unwrap()
}

fn actions(report: &AccessReport) -> Vec<String> {
    report
        .services
        .iter()
        .flat_map(|s| s.levels.values().flatten().map(|a| a.action.clone()))
        .collect()
}

/// Both roles allow everything: the guest's report is bounded by Cognito's
/// scope-down, the signed-in user's is not.
#[test]
fn guests_see_only_the_scope_down_services() {
    let mut pool: serde_json::Value = serde_json::from_str(&read("notes-app-pool.json")).unwrap();
    for role in [
        "arn:aws:iam::123456789012:role/Cognito_NotesUnauth_Role",
        "arn:aws:iam::123456789012:role/Cognito_NotesAuth_Role",
    ] {
        pool["Roles"][role]["Policies"] = serde_json::json!([
            {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}
        ]);
    }
    let pool = IdentityPoolSetup::from_json(&pool.to_string()).unwrap();
    let guest = pool
        .sign_in(&Login::from_json(&read("login-guest.json")).unwrap())
        .unwrap();
    let guest = actions(&session_access_report(guest.policies()));
    for granted in [
        "execute-api:Invoke",
        "s3:GetObject",
        "kms:Decrypt",
        "geo:GetPlace",
    ] {
        assert!(guest.iter().any(|a| a == granted), "{granted}");
    }
    for withheld in [
        "iam:CreateUser",
        "ec2:RunInstances",
        "kms:CreateKey",
        "sagemaker:CreateModel",
    ] {
        assert!(!guest.iter().any(|a| a == withheld), "{withheld}");
    }
    let user = pool
        .sign_in(&Login::from_json(&read("login-alice.json")).unwrap())
        .unwrap();
    let user = actions(&session_access_report(user.policies()));
    assert!(user.iter().any(|a| a == "iam:CreateUser"));
    assert!(user.len() > guest.len());
}

/// An attached managed Deny removes what it denies; the boundary from
/// `get-role` withholds what it does not allow.
#[test]
fn denies_and_boundaries_shape_the_report() {
    let pool = IdentityPoolSetup::from_json(&read("cli-output/pool.json")).unwrap();
    let session = pool
        .sign_in(&Login::from_json(&read("login-alice.json")).unwrap())
        .unwrap();
    let report = session_access_report(session.policies());
    let granted = actions(&report);
    assert!(granted.iter().any(|a| a == "s3:PutObject"));
    assert!(granted.iter().any(|a| a == "execute-api:Invoke"));
    assert!(
        !granted.iter().any(|a| a == "s3:DeleteObject"),
        "denied by NotesNoDeletes"
    );
    assert!(
        !granted.iter().any(|a| a == "sns:Publish"),
        "outside the boundary"
    );
    let put = report
        .services
        .iter()
        .flat_map(|s| s.levels.values().flatten())
        .find(|a| a.action == "s3:PutObject")
        .unwrap();
    assert!(
        put.resources
            .iter()
            .any(|r| r.contains("own identity id only")),
        "{:?}",
        put.resources
    );
}

/// The command: a guest beside a signed-in user, in JSON.
#[test]
fn the_command_reports_each_login() {
    let out = iam_eval(&[
        "access",
        "--pool",
        "fixtures/cognito/notes-app-pool.json",
        "--login",
        "fixtures/cognito/login-guest.json",
        "--login",
        "fixtures/cognito/login-alice.json",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["scopedDown"], true);
    assert_eq!(lines[1]["scopedDown"], false);
    assert_eq!(
        lines[1]["role"],
        "arn:aws:iam::123456789012:role/Cognito_NotesAuth_Role"
    );
}

/// The same from a template's identity pool.
#[test]
fn the_command_reads_a_templates_pool() {
    let out = iam_eval(&[
        "access",
        "--template",
        "fixtures/templates/notes-app.yaml",
        "--managed-policy",
        "arn:aws:iam::aws:policy/AmazonCognitoReadOnly=fixtures/templates/AmazonCognitoReadOnly.json",
        "--login",
        "fixtures/cognito/login-alice.json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(
        text.contains("(signed in, role arn:aws:iam::123456789012:role/Cognito_NotesAuth_Role)"),
        "{text}"
    );
    assert!(text.contains("s3:PutObject on arn:aws:s3:::"), "{text}");
}
