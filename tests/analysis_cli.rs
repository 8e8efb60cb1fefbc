//! `iam-eval diff` and `iam-eval access` from the command line: exit 0 on
//! PASS, 2 on FAIL, 1 on error; the JSON answer has Access Analyzer's
//! CheckNoNewAccess shape and its witnesses are case-file lines.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "test helpers outside #[test] functions"
)]

use std::process::Command;

fn run(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_iam-eval"))
        .args(args)
        .output()
        .expect("the binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn write(name: &str, text: &str) -> String {
    let path =
        std::env::temp_dir().join(format!("iam-eval-analysis-{}-{name}", std::process::id()));
    std::fs::write(&path, text).expect("temp file");
    path.to_string_lossy().into_owned()
}

const OWN: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::notes-app-uploads/private/${cognito-identity.amazonaws.com:sub}/*"}]}"#;
const WIDE: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Uploads","Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::notes-app-uploads/private/*"}]}"#;

#[test]
fn diff_exits_0_on_pass_and_2_on_fail_with_a_witness_case() {
    let (own, wide) = (write("own.json", OWN), write("wide.json", WIDE));
    let (code, out) = run(&["diff", "--old", &own, "--new", &own]);
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("PASS"), "{out}");
    let (code, out) = run(&["diff", "--old", &own, "--new", &wide, "--json"]);
    assert_eq!(code, 2, "{out}");
    let answer: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(answer["result"], "FAIL");
    assert_eq!(answer["reasons"][0]["statementIndex"], 0);
    assert_eq!(answer["reasons"][0]["statementId"], "Uploads");
    // The witness is a case `batch` runs and finds as expected.
    let case = answer["reasons"][0]["witness"].to_string();
    let cases = write("witness.jsonl", &format!("{case}\n"));
    let (code, out) = run(&["batch", &cases]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn not_granted_and_errors() {
    let own = write("own2.json", OWN);
    let (code, out) = run(&[
        "diff",
        "--not-granted",
        "iam:PassRole",
        "arn:aws:s3:::audit/*",
        &own,
    ]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = run(&["diff", "--not-granted", "s3:DeleteObject", &own]);
    assert_eq!(code, 2, "{out}");
    let broken = write("broken.json", "{");
    let (code, _) = run(&["diff", "--old", &broken, "--new", &own]);
    assert_eq!(code, 1);
    let (code, _) = run(&["diff", "--old", &own]);
    assert_eq!(code, 1);
}

#[test]
fn access_lists_actions_by_level_with_variables_explained() {
    let own = write("own3.json", OWN);
    let (code, out) = run(&["access", &own]);
    assert_eq!(code, 0);
    assert!(out.contains("    Write ("), "{out}");
    assert!(out.contains("s3:PutObject on arn:aws:s3:::notes-app-uploads/private/${cognito-identity.amazonaws.com:sub}/* (own identity id only)"), "{out}");
    assert!(!out.contains("dynamodb"), "{out}");
}
