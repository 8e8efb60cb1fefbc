//! The `iam-eval` binary, run as users run it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly; clippy.toml allows these only inside #[test] fns"
)]

mod common;

use common::{iam_eval, stdout};

const AUTH_ROLE: &str = "fixtures/policies/notes-app-auth-role.json";
const SUB: &str = "cognito-identity.amazonaws.com:sub=us-east-1:1111";

#[test]
fn check_allows_own_prefix_with_exit_0() {
    let out = iam_eval(&[
        "check",
        "--policy",
        AUTH_ROLE,
        "--action",
        "s3:PutObject",
        "--resource",
        "arn:aws:s3:::notes-app-uploads/private/us-east-1:1111/a.txt",
        "--context",
        SUB,
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).starts_with("Allow: "), "{}", stdout(&out));
}

#[test]
fn check_denies_other_prefix_with_exit_2_and_names_the_resolved_pattern() {
    let out = iam_eval(&[
        "check",
        "--policy",
        AUTH_ROLE,
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::notes-app-uploads/private/us-east-1:2222/a.txt",
        "--context",
        SUB,
    ]);
    assert_eq!(out.status.code(), Some(2));
    let text = stdout(&out);
    assert!(text.starts_with("ImplicitDeny: "), "{text}");
    assert!(
        text.contains("arn:aws:s3:::notes-app-uploads/private/us-east-1:1111/*"),
        "{text}"
    );
}

#[test]
fn check_json_output_is_the_explanation() {
    let out = iam_eval(&[
        "check",
        "--policy",
        AUTH_ROLE,
        "--action",
        "execute-api:Invoke",
        "--resource",
        "arn:aws:execute-api:us-east-1:123456789012:ly55wbovq4/prod/GET/notes",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["decision"], "Allow");
    assert_eq!(json["decidedBy"][0]["index"], 2);
}

#[test]
fn check_with_a_broken_policy_is_an_error_with_exit_1() {
    let dir = std::env::temp_dir().join(format!("iam-eval-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.json");
    std::fs::write(&bad, r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEqualz":{"k":"v"}}}}"#).unwrap();
    let out = iam_eval(&[
        "check",
        "--policy",
        bad.to_str().unwrap(),
        "--action",
        "s3:GetObject",
        "--resource",
        "*",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Statement.Condition.StringEqualz"), "{err}");
    assert!(err.contains("unknown condition operator"), "{err}");
}

#[test]
fn batch_reports_each_case_and_fails_on_a_mismatch() {
    let out = iam_eval(&["batch", "fixtures/cases/story.jsonl"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out).lines().count(), 24);

    let dir = std::env::temp_dir().join(format!("iam-eval-batch-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("cases.jsonl");
    std::fs::write(
        &file,
        concat!(
            r#"{"id":"wrong","policies":[],"request":{"action":"s3:GetObject","resource":"*"},"expected":"Allow"}"#, "\n",
            r#"{"id":"later-kind","policies":[{"kind":"nonsense","document":{}}],"request":{"action":"s3:GetObject","resource":"*"}}"#, "\n",
        ),
    )
    .unwrap();
    let out = iam_eval(&["batch", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["decision"], "ImplicitDeny");
    assert_eq!(lines[0]["match"], false);
    assert!(lines[1]["error"]
        .as_str()
        .unwrap()
        .contains("unknown policy type"));
    assert!(
        lines[1].get("decision").is_none(),
        "never a guessed decision"
    );
}

#[test]
fn validate_lists_findings_with_locations() {
    let dir = std::env::temp_dir().join(format!("iam-eval-validate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("p.json");
    std::fs::write(&file, "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"allow\", \"Action\": \"s3:*\", \"Resource\": \"*\"}]\n}").unwrap();
    let out = iam_eval(&["validate", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let text = stdout(&out);
    assert!(
        text.contains(":3:28: error: Statement[0].Effect: invalid Effect `allow`"),
        "{text}"
    );
    let out = iam_eval(&[
        "validate",
        "--type",
        "trust",
        "fixtures/policies/cognito-trust-authenticated.json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn cognito_single_request_json_has_role_trust_and_decision() {
    let out = iam_eval(&[
        "cognito", "--pool", "fixtures/cognito/notes-app-pool.json", "--login", "fixtures/cognito/login-alice.json",
        "--action", "s3:PutObject",
        "--resource", "arn:aws:s3:::notes-app-uploads/private/us-east-1:1111aaaa-0000-4000-8000-000000000001/a.txt",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json["role"],
        "arn:aws:iam::123456789012:role/Cognito_NotesAuth_Role"
    );
    assert_eq!(json["trust"], "Allow");
    assert_eq!(json["decision"], "Allow");
}

#[test]
fn cognito_requests_file_gives_decisions_in_order() {
    let out = iam_eval(&[
        "cognito",
        "--pool",
        "fixtures/cognito/notes-app-pool.json",
        "--login",
        "fixtures/cognito/login-alice.json",
        "--login",
        "fixtures/cognito/login-guest.json",
        "--requests",
        "fixtures/cognito/story-requests.json",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "a list of requests is a report");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let decisions = |i: usize| -> Vec<String> {
        json[i]["decisions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["decision"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        decisions(0),
        ["Allow", "ImplicitDeny", "Allow", "Allow", "ImplicitDeny"]
    );
    assert_eq!(decisions(1), ["ImplicitDeny"; 5]);
    assert_eq!(json[1]["scopedDown"], true);
}

#[test]
fn cognito_login_without_credentials_has_null_role() {
    let out = iam_eval(&[
        "cognito",
        "--pool",
        "fixtures/cognito/notes-app-pool.json",
        "--login",
        "fixtures/cognito/login-not-admin.json",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::notes-app-uploads/public/a",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(json["role"].is_null());
    assert_eq!(json["decision"], "ImplicitDeny");
}

/// Pool mode takes managed policy documents beside the file, as template
/// mode does; without them the role is left out, named.
#[test]
fn cognito_pool_takes_managed_policies_beside_the_file() {
    let dir = std::env::temp_dir().join(format!("iam-eval-pool-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut pool: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string("fixtures/cognito/cli-output/pool.json").unwrap(),
    )
    .unwrap();
    let arn = "arn:aws:iam::123456789012:policy/NotesNoDeletes";
    pool["ManagedPolicies"].as_object_mut().unwrap().remove(arn);
    let file = dir.join("pool.json");
    std::fs::write(&file, pool.to_string()).unwrap();
    let object = "arn:aws:s3:::notes-app-uploads/private/us-east-1:1111aaaa-0000-4000-8000-000000000001/a.txt";
    let args = |extra: &[&str]| {
        let mut args = vec![
            "cognito",
            "--pool",
            file.to_str().unwrap(),
            "--login",
            "fixtures/cognito/login-alice.json",
            "--action",
            "s3:DeleteObject",
            "--resource",
            object,
        ];
        args.extend_from_slice(extra);
        args.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    let run = |extra: &[&str]| {
        let args = args(extra);
        iam_eval(&args.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let without = run(&[]);
    assert_eq!(without.status.code(), Some(2));
    assert!(stdout(&without).contains(arn), "{}", stdout(&without));
    let with = run(&[
        "--managed-policy",
        &format!("{arn}=fixtures/cognito/cli-output/get-policy-version-NotesNoDeletes.json"),
    ]);
    assert_eq!(with.status.code(), Some(2));
    assert!(stdout(&with).contains("ExplicitDeny"), "{}", stdout(&with));
}

/// `--json` answers say which request they answer (issue 17), and a `*`
/// substituted from the request is shown as the literal it is (V4, V5).
#[test]
fn answers_carry_their_request_and_substituted_stars_read_as_literals() {
    let args = [
        "check",
        "--policy",
        AUTH_ROLE,
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::notes-app-uploads/private/us-east-1:2222/a.txt",
        "--context",
        "cognito-identity.amazonaws.com:sub=us-east-1:*",
    ];
    let text = stdout(&iam_eval(&args));
    assert!(
        text.contains("`arn:aws:s3:::notes-app-uploads/private/us-east-1:${*}/*`"),
        "{text}"
    );
    let mut with_json = args.to_vec();
    with_json.push("--json");
    let json: serde_json::Value = serde_json::from_str(&stdout(&iam_eval(&with_json))).unwrap();
    assert_eq!(json["request"]["action"], "s3:GetObject");
    assert_eq!(
        json["request"]["context"]["cognito-identity.amazonaws.com:sub"][0],
        "us-east-1:*"
    );
}

/// Two requests that differ only in their context read apart in text.
#[test]
fn cognito_text_tells_apart_requests_that_differ_only_in_context() {
    let dir = std::env::temp_dir().join(format!("iam-eval-ctx-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let requests = dir.join("requests.json");
    std::fs::write(
        &requests,
        r#"[{"action":"dynamodb:Query","resource":"arn:aws:dynamodb:us-east-1:123456789012:table/notes","context":{"dynamodb:LeadingKeys":["us-east-1:1111aaaa-0000-4000-8000-000000000001"]}},
            {"action":"dynamodb:Query","resource":"arn:aws:dynamodb:us-east-1:123456789012:table/notes","context":{"dynamodb:LeadingKeys":["us-east-1:2222bbbb-0000-4000-8000-000000000002"]}}]"#,
    )
    .unwrap();
    let out = iam_eval(&[
        "cognito",
        "--pool",
        "fixtures/cognito/notes-app-pool.json",
        "--login",
        "fixtures/cognito/login-alice.json",
        "--requests",
        requests.to_str().unwrap(),
    ]);
    let text = stdout(&out);
    assert!(
        text.contains(
            "with context dynamodb:LeadingKeys=us-east-1:1111aaaa-0000-4000-8000-000000000001"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "with context dynamodb:LeadingKeys=us-east-1:2222bbbb-0000-4000-8000-000000000002"
        ),
        "{text}"
    );
    let json = iam_eval(&[
        "cognito",
        "--pool",
        "fixtures/cognito/notes-app-pool.json",
        "--login",
        "fixtures/cognito/login-alice.json",
        "--requests",
        requests.to_str().unwrap(),
        "--json",
    ]);
    let value: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(
        value["decisions"][1]["request"]["context"]["dynamodb:LeadingKeys"][0],
        "us-east-1:2222bbbb-0000-4000-8000-000000000002"
    );
}

/// `validate --template` validates every policy a template holds, each
/// named by its template path; a YAML file read as a JSON policy says so.
#[test]
fn validate_reads_templates_and_names_yaml_given_as_json() {
    let out = iam_eval(&[
        "validate",
        "--template",
        "fixtures/templates/notes-app.yaml",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains(
            "fixtures/templates/notes-app.yaml:Resources.AuthRole.Properties.AssumeRolePolicyDocument: valid trust policy"
        ),
        "{}",
        stdout(&out)
    );
    let out = iam_eval(&["validate", "fixtures/templates/notes-app.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).contains("looks like YAML"), "{}", stdout(&out));
}
