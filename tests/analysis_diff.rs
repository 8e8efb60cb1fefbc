//! `check_no_new_access` and `check_access_not_granted` on pairs with known
//! answers, the traps included. Every FAIL's witness is evaluated again by
//! the engine here: allowed by the new policy, not by the old one.
//! Shape: <https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_CheckNoNewAccess.html>.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test helpers outside #[test] functions"
)]

use iam_eval::analysis::{
    check_access_not_granted, check_no_new_access, CheckOutcome, CheckResult, ReasonKind,
};
use iam_eval::{Options, PolicySet, PolicySetBuilder, PolicyType};

const ALLOW_ALL: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

fn doc(statements: &str) -> String {
    format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#)
}

fn set(kind: PolicyType, text: &str) -> PolicySet {
    let mut b = PolicySetBuilder::with_options(Options::default());
    if matches!(
        kind,
        PolicyType::Boundary | PolicyType::Scp | PolicyType::Session
    ) {
        b.add("allow-all", PolicyType::Identity, ALLOW_ALL).unwrap();
    }
    b.add("policy", kind, text).unwrap();
    b.build()
}

/// Checks the outcome and re-evaluates every witness with the engine.
fn diff_kind(kind: PolicyType, old: &str, new: &str) -> CheckOutcome {
    let outcome = check_no_new_access(old, new, kind, &Options::default()).unwrap();
    let (old_set, new_set) = (set(kind, old), set(kind, new));
    for reason in &outcome.reasons {
        if let Some(w) = &reason.witness {
            let request = w.request();
            assert!(new_set.evaluate(&request).is_allowed(), "{w:?}");
            assert!(!old_set.evaluate(&request).is_allowed(), "{w:?}");
            assert_eq!(reason.kind, ReasonKind::NewAccess);
        }
    }
    assert_eq!(
        outcome.result == CheckResult::Pass,
        outcome.reasons.is_empty()
    );
    outcome
}

fn diff(old: &str, new: &str) -> CheckOutcome {
    diff_kind(PolicyType::Identity, old, new)
}

fn assert_pass(old: &str, new: &str) {
    let o = diff(&doc(old), &doc(new));
    assert_eq!(o.result, CheckResult::Pass, "{o:#?}");
}

/// A FAIL with a confirmed witness for statement `index` of the new policy.
fn assert_new_access(old: &str, new: &str, index: usize) -> CheckOutcome {
    let o = diff(&doc(old), &doc(new));
    assert_eq!(o.result, CheckResult::Fail, "{o:#?}");
    assert!(
        o.reasons
            .iter()
            .any(|r| r.kind == ReasonKind::NewAccess && r.statement_index == Some(index)),
        "{o:#?}"
    );
    o
}

#[test]
fn identical_policies_pass() {
    let s = r#"{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::b/*"}"#;
    assert_pass(s, s);
}

#[test]
fn a_wildcard_action_covers_what_it_names() {
    // A1: `s3:Get*` covers `s3:GetObject`.
    assert_pass(
        r#"{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}"#,
        r#"{"Effect":"Allow","Action":["s3:GetObject","s3:getobjectacl"],"Resource":"*"}"#,
    );
    let o = assert_new_access(
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}"#,
        r#"{"Sid":"Wide","Effect":"Allow","Action":"s3:Get*","Resource":"*"}"#,
        0,
    );
    let reason = &o.reasons[0];
    assert_eq!(reason.statement_id.as_deref(), Some("Wide"));
    assert!(
        reason.actions.iter().any(|a| a == "s3:GetObjectAcl"),
        "{reason:#?}"
    );
    assert!(!reason.actions.iter().any(|a| a == "s3:GetObject"));
}

#[test]
fn a_wildcard_resource_covers_its_paths() {
    assert_pass(
        r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/*"}"#,
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::b/private/*","arn:aws:s3:::b/k?y"]}"#,
    );
    let o = assert_new_access(
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/public/*"}"#,
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#,
        0,
    );
    let w = o.reasons[0].witness.as_ref().unwrap();
    assert!(w.resource.starts_with("arn:aws:s3:::b/"));
    assert!(!w.resource.starts_with("arn:aws:s3:::b/public/"));
}

#[test]
fn a_head_star_does_not_cross_a_colon() {
    // R1/R3: the region segment `*` matches one segment only, so the old
    // pattern covers every region of account 111122223333.
    assert_pass(
        r#"{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:*:111122223333:*"}"#,
        r#"{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:111122223333:q"}"#,
    );
    assert_new_access(
        r#"{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:*:111122223333:*"}"#,
        r#"{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:*:*:*"}"#,
        0,
    );
}

#[test]
fn not_action_and_not_resource() {
    // NotAction `iam:*` grants everything else, including `s3:*`.
    assert_pass(
        r#"{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}"#,
        r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"}"#,
    );
    let o = assert_new_access(
        r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"}"#,
        r#"{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}"#,
        0,
    );
    assert!(o.reasons.iter().all(|r| {
        let a = r
            .witness
            .as_ref()
            .map_or(String::new(), |w| w.action.to_ascii_lowercase());
        !a.starts_with("iam:") && !a.starts_with("s3:")
    }));
    assert_pass(
        r#"{"Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3:::secret/*"}"#,
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::public/*"}"#,
    );
    assert_new_access(
        r#"{"Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3:::secret/*"}"#,
        r#"{"Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3:::secret/top/*"}"#,
        0,
    );
}

#[test]
fn a_deny_removed_or_narrowed_is_new_access() {
    let allow = r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"}"#;
    let deny = r#"{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}"#;
    let narrow =
        r#"{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::b/logs/*"}"#;
    assert_pass(&format!("{allow},{deny}"), &format!("{allow},{deny}"));
    let o = assert_new_access(&format!("{allow},{deny}"), allow, 0);
    assert_eq!(
        o.reasons[0].witness.as_ref().unwrap().action,
        "s3:DeleteObject"
    );
    assert_new_access(&format!("{allow},{deny}"), &format!("{allow},{narrow}"), 0);
    // A Deny added only takes away.
    assert_pass(allow, &format!("{allow},{narrow}"));
}

#[test]
fn a_deny_carve_out_narrows_a_wider_allow() {
    // The new Allow is wider, but the new Deny takes back exactly the extra.
    assert_pass(
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/public/*"}"#,
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},
           {"Effect":"Deny","Action":"s3:GetObject","NotResource":"arn:aws:s3:::b/public/*"}"#,
    );
}

#[test]
fn a_condition_added_widened_or_dropped() {
    let ip = |cidr: &str| {
        format!(
            r#"{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{{"IpAddress":{{"aws:SourceIp":"{cidr}"}}}}}}"#
        )
    };
    let none = r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}"#;
    // Added: narrower.
    assert_pass(none, &ip("203.0.113.0/24"));
    // Dropped: wider; the witness has no source address or one outside.
    assert_new_access(&ip("203.0.113.0/24"), none, 0);
    // Narrowed and widened ranges (O6).
    assert_pass(&ip("203.0.113.0/24"), &ip("203.0.113.128/25"));
    let o = assert_new_access(&ip("203.0.113.0/25"), &ip("203.0.113.0/24"), 0);
    let w = o.reasons[0].witness.as_ref().unwrap();
    assert!(w.context.contains_key("aws:SourceIp"), "{w:?}");
    // Numbers and dates compare as ranges (O2, O3).
    let num = |op: &str, n: &str| {
        format!(
            r#"{{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{{"{op}":{{"s3:max-keys":"{n}"}}}}}}"#
        )
    };
    assert_pass(
        &num("NumericLessThanEquals", "10"),
        &num("NumericLessThan", "10"),
    );
    assert_new_access(
        &num("NumericLessThan", "10"),
        &num("NumericLessThanEquals", "10"),
        0,
    );
    let date = |d: &str| {
        format!(
            r#"{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{{"DateLessThan":{{"aws:CurrentTime":"{d}"}}}}}}"#
        )
    };
    assert_pass(&date("2030-01-01T00:00:00Z"), &date("2029-06-01T00:00:00Z"));
    assert_new_access(
        &date("2029-06-01T00:00:00Z"),
        &date("2030-01-01T00:00:00Z"),
        0,
    );
    // Strings: a pattern widened.
    let like = |p: &str| {
        format!(
            r#"{{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{{"StringLike":{{"s3:prefix":"{p}"}}}}}}"#
        )
    };
    assert_pass(&like("home/*"), &like("home/alice/*"));
    assert_new_access(&like("home/alice/*"), &like("home/*"), 0);
}

#[test]
fn if_exists_and_missing_keys() {
    let cond = |op: &str| {
        format!(
            r#"{{"Effect":"Allow","Action":"ec2:RunInstances","Resource":"*","Condition":{{"{op}":{{"aws:RequestedRegion":"us-east-1"}}}}}}"#
        )
    };
    // C3/C4: StringEqualsIfExists also allows a request without the key.
    let o = assert_new_access(&cond("StringEquals"), &cond("StringEqualsIfExists"), 0);
    assert!(o.reasons[0].witness.as_ref().unwrap().context.is_empty());
    assert_pass(&cond("StringEqualsIfExists"), &cond("StringEquals"));
    // A Null check: requiring the key is narrower than not caring.
    let null = r#"{"Effect":"Allow","Action":"ec2:RunInstances","Resource":"*","Condition":{"Null":{"aws:RequestedRegion":"false"}}}"#;
    assert_pass(&cond("StringEqualsIfExists"), &null.replace("\"Null\":{\"aws:RequestedRegion\":\"false\"}", "\"StringEquals\":{\"aws:RequestedRegion\":\"us-east-1\"},\"Null\":{\"aws:RequestedRegion\":\"false\"}"));
    // A Deny on a missing key (C3: a negated operator is true when the key is missing).
    let allow = r#"{"Effect":"Allow","Action":"ec2:RunInstances","Resource":"*"}"#;
    let deny = |op: &str| {
        format!(
            r#"{{"Effect":"Deny","Action":"*","Resource":"*","Condition":{{"{op}":{{"aws:RequestedRegion":"us-east-1"}}}}}}"#
        )
    };
    // A negated operator and its IfExists form both deny a request that
    // lacks the key: nothing changes.
    assert_pass(
        &format!("{allow},{}", deny("StringNotEquals")),
        &format!("{allow},{}", deny("StringNotEqualsIfExists")),
    );
    // A positive Deny with IfExists catches a request lacking the key; without
    // IfExists it does not, so dropping IfExists lets that request through.
    assert_new_access(
        &format!("{allow},{}", deny("StringEqualsIfExists")),
        &format!("{allow},{}", deny("StringEquals")),
        0,
    );
    assert_pass(
        &format!("{allow},{}", deny("StringEquals")),
        &format!("{allow},{}", deny("StringEqualsIfExists")),
    );
}

#[test]
fn set_operators() {
    let tags = |op: &str, values: &str| {
        format!(
            r#"{{"Effect":"Allow","Action":"ec2:CreateTags","Resource":"*","Condition":{{"{op}":{{"aws:TagKeys":{values}}}}}}}"#
        )
    };
    // S1: ForAllValues passes with no keys at all; a ForAnyValue does not.
    let o = assert_new_access(
        &tags("ForAnyValue:StringEquals", r#"["env","team"]"#),
        &tags("ForAllValues:StringEquals", r#"["env","team"]"#),
        0,
    );
    let _ = o;
    // Fewer allowed keys is narrower.
    assert_pass(
        &tags("ForAllValues:StringEquals", r#"["env","team"]"#),
        &tags("ForAllValues:StringEquals", r#"["env"]"#),
    );
    assert_new_access(
        &tags("ForAllValues:StringEquals", r#"["env"]"#),
        &tags("ForAllValues:StringEquals", r#"["env","team"]"#),
        0,
    );
}

const NOTES_OWN: &str = r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::notes-app-uploads/private/${cognito-identity.amazonaws.com:sub}/*"}"#;

#[test]
fn a_variable_widened_to_a_star_is_new_access() {
    // V5-V7: the same variable on both sides is the same value.
    assert_pass(NOTES_OWN, NOTES_OWN);
    let o = assert_new_access(
        NOTES_OWN,
        r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::notes-app-uploads/private/*"}"#,
        0,
    );
    let w = o.reasons[0].witness.as_ref().unwrap();
    assert!(w
        .resource
        .starts_with("arn:aws:s3:::notes-app-uploads/private/"));
    // Narrowing a `*` to the variable is fine.
    assert_pass(
        r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::notes-app-uploads/private/*"}"#,
        NOTES_OWN,
    );
    // A different variable is not the same value.
    let username = NOTES_OWN.replace("cognito-identity.amazonaws.com:sub", "aws:username");
    assert_new_access(NOTES_OWN, &username, 0);
}

#[test]
fn a_deny_literal_cannot_hide_behind_a_variable() {
    // The old Deny names one user's prefix; a new Allow for `${aws:username}`
    // reaches it when that user signs in.
    let old = r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},
                 {"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/admin/*"}"#;
    let new = r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}"#;
    let o = diff(&doc(old), &doc(new));
    assert_eq!(o.result, CheckResult::Fail, "{o:#?}");
}

#[test]
fn a_principal_widened_in_a_resource_policy() {
    let policy = |principal: &str| {
        doc(&format!(
            r#"{{"Effect":"Allow","Principal":{principal},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}"#
        ))
    };
    let o = diff_kind(
        PolicyType::Resource,
        &policy(r#"{"AWS":"arn:aws:iam::111122223333:root"}"#),
        &policy(r#""*""#),
    );
    assert_eq!(o.result, CheckResult::Fail);
    assert!(
        o.reasons.iter().any(|r| r.kind == ReasonKind::NewAccess),
        "{o:#?}"
    );
    // Narrowing to `*` from `*` is provable.
    let o = diff_kind(PolicyType::Resource, &policy(r#""*""#), &policy(r#""*""#));
    assert_eq!(o.result, CheckResult::Pass, "{o:#?}");
}

#[test]
fn a_principal_widened_in_a_trust_policy() {
    let trust = |principal: &str| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{principal},"Action":"sts:AssumeRole"}}]}}"#
        )
    };
    let o = diff_kind(
        PolicyType::Trust,
        &trust(r#"{"AWS":"arn:aws:iam::111122223333:role/ci"}"#),
        &trust(r#"{"AWS":"*"}"#),
    );
    assert_eq!(o.result, CheckResult::Fail);
}

#[test]
fn what_the_analysis_cannot_decide_is_never_a_pass() {
    // An Arn condition in the old Allow is not decided: the old statement
    // is taken to allow nothing, so the answer is FAIL even if unchanged.
    let s = r#"{"Effect":"Allow","Action":"sns:Publish","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::b"}}}"#;
    let o = diff(&doc(s), &doc(s));
    assert_eq!(o.result, CheckResult::Fail);
    assert!(
        o.reasons.iter().all(|r| r.kind == ReasonKind::CannotProve),
        "{o:#?}"
    );
    assert!(
        o.reasons[0].description.contains("old policy statement 0"),
        "{o:#?}"
    );
}

#[test]
fn a_boundary_pair() {
    let o = diff_kind(
        PolicyType::Boundary,
        &doc(r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"}"#),
        &doc(r#"{"Effect":"Allow","Action":["s3:*","iam:PassRole"],"Resource":"*"}"#),
    );
    assert_eq!(o.result, CheckResult::Fail);
    assert_eq!(
        o.reasons[0].witness.as_ref().unwrap().action,
        "iam:PassRole"
    );
}

#[test]
fn access_not_granted() {
    let policy = doc(
        r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/*"},
           {"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}"#,
    );
    let check = |actions: &[&str], resources: &[&str]| {
        let a: Vec<String> = actions.iter().map(|s| s.to_string()).collect();
        let r: Vec<String> = resources.iter().map(|s| s.to_string()).collect();
        check_access_not_granted(&policy, &a, &r, PolicyType::Identity, &Options::default())
            .unwrap()
    };
    assert_eq!(
        check(&["s3:DeleteObject", "iam:PassRole"], &[]).result,
        CheckResult::Pass
    );
    let o = check(&["s3:PutObject"], &[]);
    assert_eq!(o.result, CheckResult::Fail);
    let w = o.reasons[0].witness.as_ref().unwrap();
    assert_eq!(w.action, "s3:PutObject");
    let s = set(PolicyType::Identity, &policy);
    assert!(s.evaluate(&w.request()).is_allowed());
    assert_eq!(
        check(&[], &["arn:aws:s3:::other/*"]).result,
        CheckResult::Pass
    );
    assert_eq!(
        check(&[], &["arn:aws:s3:::b/secret"]).result,
        CheckResult::Fail
    );
    assert_eq!(check(&["s3:Delete*"], &[]).result, CheckResult::Fail);
}

#[test]
fn the_witness_is_a_case_the_engine_allows() {
    let new = doc(r#"{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}"#);
    let o = diff(
        &doc(r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}"#),
        &new,
    );
    let w = o.reasons[0].witness.as_ref().unwrap();
    let line = w
        .to_case("witness-0", PolicyType::Identity, &new)
        .to_string();
    let case = iam_eval::case::Case::from_json(&line).unwrap();
    let result = case.run(&Options::default()).unwrap();
    assert!(result.matches_expectation(), "{line}");
}
