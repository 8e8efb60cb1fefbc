//! The simulator interface (M1-M5): `simulate-custom-policy` input in,
//! `EvaluationResults` out.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly; clippy.toml allows these only inside #[test] fns"
)]

use iam_eval::simulator::{simulate, SimulateInput};

fn input(json: &str) -> SimulateInput {
    serde_json::from_str(json).unwrap()
}

const ALLOW_S3: &str = r#"{\"Version\":\"2012-10-17\",\"Statement\":{\"Sid\":\"S3\",\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}"#;

/// M5: one result per action; the top-level decision is the most restrictive
/// across resources, and each resource has its own entry.
#[test]
fn m5_one_result_per_action_with_resource_specific_results() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/simulator/notes-app.json"
    ))
    .unwrap();
    let input = input(&text);
    let output = simulate(&input).unwrap();
    assert_eq!(output.evaluation_results.len(), 2);
    let get = &output.evaluation_results[0];
    assert_eq!(get.eval_action_name, "s3:GetObject");
    assert_eq!(
        get.eval_decision, "implicitDeny",
        "the other user's object is denied"
    );
    assert_eq!(
        get.resource_specific_results[0].eval_resource_decision,
        "allowed"
    );
    assert_eq!(
        get.resource_specific_results[1].eval_resource_decision,
        "implicitDeny"
    );
    let matched = &get.resource_specific_results[0].matched_statements[0];
    assert_eq!(matched.source_policy_id, "PolicyInputList.1");
    let policy = &input.policy_input_list[0];
    let start = policy
        .find(r#"{"Effect":"Allow","Action":["s3:*"]"#)
        .unwrap();
    assert_eq!(
        (matched.start_position.line, matched.start_position.column),
        (1, start + 1)
    );
    let detail = get.resource_specific_results[0]
        .permissions_boundary_decision_detail
        .as_ref()
        .unwrap();
    assert!(detail.allowed_by_permissions_boundary);
    // The boundary allows only s3:*, so execute-api is withheld by it.
    let invoke = &output.evaluation_results[1];
    assert_eq!(invoke.eval_decision, "implicitDeny");
    assert!(
        !invoke.resource_specific_results[0]
            .permissions_boundary_decision_detail
            .as_ref()
            .unwrap()
            .allowed_by_permissions_boundary
    );
}

/// M3: with a deny, the deny statement is the only entry.
#[test]
fn m3_explicit_deny_lists_only_the_deny_statement() {
    let json = format!(
        r#"{{"PolicyInputList": ["{ALLOW_S3}", "{{\"Version\":\"2012-10-17\",\"Statement\":{{\"Effect\":\"Deny\",\"Action\":\"s3:DeleteObject\",\"Resource\":\"*\"}}}}"],
            "ActionNames": ["s3:DeleteObject", "s3:GetObject"]}}"#
    );
    let output = simulate(&input(&json)).unwrap();
    let delete = &output.evaluation_results[0];
    assert_eq!(delete.eval_decision, "explicitDeny");
    assert_eq!(delete.matched_statements.len(), 1);
    assert_eq!(
        delete.matched_statements[0].source_policy_id,
        "PolicyInputList.2"
    );
    assert!(
        delete.resource_specific_results.is_empty(),
        "no specific resources were simulated"
    );
    assert_eq!(output.evaluation_results[1].eval_decision, "allowed");
    let out = serde_json::to_value(&output).unwrap();
    assert_eq!(out["EvaluationResults"][0]["EvalResourceName"], "*");
    assert_eq!(out["IsTruncated"], false);
}

/// Via the simulator (E3): a resource policy naming the caller allows in the same account.
#[test]
fn resource_policy_and_owner_are_honoured() {
    let bucket = r#"{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:user/alice\"},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"}}"#;
    let same = format!(
        r#"{{"PolicyInputList": [], "ResourcePolicy": "{bucket}", "ActionNames": ["s3:GetObject"], "ResourceArns": ["arn:aws:s3:::b/k"],
            "CallerArn": "arn:aws:iam::111122223333:user/alice", "ResourceOwner": "arn:aws:iam::111122223333:root"}}"#
    );
    let output = simulate(&input(&same)).unwrap();
    assert_eq!(output.evaluation_results[0].eval_decision, "allowed");
    assert_eq!(
        output.evaluation_results[0].matched_statements[0].source_policy_type,
        "resource"
    );
    // E6: from another account the identity side must allow too.
    let cross = same.replace(
        "\"ResourceOwner\": \"arn:aws:iam::111122223333:root\"",
        "\"ResourceOwner\": \"444455556666\"",
    );
    assert_eq!(
        simulate(&input(&cross)).unwrap().evaluation_results[0].eval_decision,
        "implicitDeny"
    );
}

/// M1: typed context entries are checked, and list types are multi-valued.
#[test]
fn m1_context_types_are_checked() {
    let bad = format!(
        r#"{{"PolicyInputList": ["{ALLOW_S3}"], "ActionNames": ["s3:GetObject"],
            "ContextEntries": [{{"ContextKeyName": "aws:SourceIp", "ContextKeyValues": ["not-an-ip"], "ContextKeyType": "ip"}}]}}"#
    );
    let err = simulate(&input(&bad)).unwrap_err();
    assert!(err.to_string().contains("not a valid ip value"), "{err}");
    let several = bad.replace("[\"not-an-ip\"]", "[\"1.2.3.4\", \"5.6.7.8\"]");
    assert!(simulate(&input(&several))
        .unwrap_err()
        .to_string()
        .contains("use ipList"));
    let list = several.replace("\"ip\"", "\"ipList\"");
    assert!(simulate(&input(&list)).is_ok());
}

/// M4: keys the policies consult that the input lacks.
#[test]
fn m4_missing_context_values() {
    let policy = r#"{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\",\"Condition\":{\"Bool\":{\"aws:MultiFactorAuthPresent\":\"true\"}}}}"#;
    let json = format!(r#"{{"PolicyInputList": ["{policy}"], "ActionNames": ["s3:GetObject"]}}"#);
    let output = simulate(&input(&json)).unwrap();
    assert_eq!(output.evaluation_results[0].eval_decision, "implicitDeny");
    assert_eq!(
        output.evaluation_results[0].missing_context_values,
        ["aws:MultiFactorAuthPresent"]
    );
}
