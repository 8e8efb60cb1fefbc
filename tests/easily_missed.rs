//! Rules that are easy to miss: the S3 empty-string data set, the root
//! user's default access (E2), and explanations of a Deny that failed closed.

#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly; clippy.toml allows these only inside #[test] fns"
)]

use iam_eval::{Decision, PolicySet, Request};

fn condition_holds(condition: &str, key: &str, value: iam_eval::ContextValue) -> bool {
    let json = format!(
        r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{condition}}}}}"#
    );
    let set = PolicySet::from_json(&json).expect("compiles");
    let request = Request::builder("s3:GetObject", "arn:aws:s3:::b/k")
        .context(key, value)
        .build();
    set.evaluate(&request).decision() == Decision::Allow
}

// S3. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
// Rule S3: ForAllValues is true when the key is absent, or when "the key
// values resolve to a null data set, such as an empty string".
// ForAllValues:StringEquals {"aws:TagKeys":["a"]} with aws:TagKeys = "" → true.
#[test]
fn s3_for_all_values_with_empty_string_value_is_true() {
    let cond = r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["a"]}}"#;
    assert!(condition_holds(cond, "aws:TagKeys", "".into()));
}

// E2. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
// Rule E2: the documented exception, the account root user has full access
// by default.
// Expected: the root user (arn:aws:iam::123456789012:root) acting on a
// resource in its own account with no policies at all → Allow.
#[test]
fn e2_root_user_has_full_access_by_default() {
    let set = PolicySet::builder().build();
    let request = Request::builder("s3:GetObject", "arn:aws:s3:::b/k")
        .principal("arn:aws:iam::123456789012:root")
        .resource_account("123456789012")
        .build();
    assert_eq!(set.evaluate(&request).decision(), Decision::Allow);
}

// Explanations (failed_closed). https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Numeric
// A Deny whose condition cannot read the request value ("abc" for
// NumericLessThan) fails closed, so the decision is ExplicitDeny (correct).
// The explanation says so, as it does for an Allow that fails closed.
#[test]
fn explanation_marks_a_deny_that_failed_closed() {
    let set = PolicySet::from_json(
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"All","Effect":"Allow","Action":"*","Resource":"*"},
            {"Sid":"Guard","Effect":"Deny","Action":"s3:ListBucket","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"10"}}}]}"#,
    )
    .expect("compiles");
    let request = Request::builder("s3:ListBucket", "arn:aws:s3:::b")
        .context("s3:max-keys", "abc")
        .build();
    let response = set.evaluate(&request);
    assert_eq!(response.decision(), Decision::ExplicitDeny);
    let e = response.explanation();
    let flagged = e.not_applied.iter().any(|n| n.failed_closed);
    let text = e.to_string();
    assert!(
        flagged || text.contains("failed closed") || text.contains("`abc`"),
        "the explanation should say the Deny failed closed on `abc`:\n{text}"
    );
}

// G11. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
// The character rule covers names written with JSON escapes too.
#[test]
fn g11_escaped_characters_in_names_are_rejected() {
    use iam_eval::{validate, Options, PolicyErrorKind, PolicyType};
    let sid = r#"{"Version":"2012-10-17","Statement":{"Sid":"\ud83d\ude00","Effect":"Allow","Action":"*","Resource":"*"}}"#;
    let report = validate(sid, PolicyType::Scp, &Options::default());
    assert!(matches!(
        report.errors[0].kind(),
        PolicyErrorKind::Character('\u{1F600}')
    ));
    let key = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"a\u0000b":"x"}}}}"#;
    let report = validate(key, PolicyType::Identity, &Options::default());
    assert!(matches!(
        report.errors[0].kind(),
        PolicyErrorKind::Character('\0')
    ));
}

// C6. An empty value list is legal but draws a warning.
#[test]
fn c6_empty_value_list_warns() {
    use iam_eval::{validate, Options, PolicyType};
    let text = r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalTag/team":[]}}}}"#;
    let report = validate(text, PolicyType::Identity, &Options::default());
    assert!(report.is_valid());
    assert_eq!(
        report.warnings[0].location().path(),
        "Statement.Condition.StringNotEquals.aws:PrincipalTag/team"
    );
}

// C7: with unreadable values, a Deny under a bare operator fails closed.
#[test]
fn c7_bare_operator_with_unreadable_values_fails_closed() {
    let set = PolicySet::from_json(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},
            {"Effect":"Deny","Action":"s3:ListBucket","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"10"}}}]}"#,
    )
    .expect("compiles");
    let request = Request::builder("s3:ListBucket", "arn:aws:s3:::b")
        .context("s3:max-keys", vec!["abc", "def"])
        .build();
    assert_eq!(set.evaluate(&request).decision(), Decision::ExplicitDeny);
    let readable = Request::builder("s3:ListBucket", "arn:aws:s3:::b")
        .context("s3:max-keys", vec!["1", "2"])
        .build();
    assert_eq!(
        set.evaluate(&readable).decision(),
        Decision::ExplicitDeny,
        "C7: several readable values fail closed by default too"
    );
}

// R5. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
// "You can't use a variable to replace parts of the ARN before the fifth colon":
// a misplaced variable, reported as such by validate and lint alike.
#[cfg(feature = "lint")]
#[test]
fn r5_variable_before_fifth_colon_is_a_misplaced_variable() {
    use iam_eval::lint::{lint, LintConfig};
    use iam_eval::{validate, Options, PolicyErrorKind, PolicyType};
    let text = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:${aws:username}::b/*"}}"#;
    let report = validate(text, PolicyType::Identity, &Options::default());
    assert!(matches!(
        report.errors[0].kind(),
        PolicyErrorKind::VariableNotAllowed { .. }
    ));
    let findings = lint(text, PolicyType::Identity, &LintConfig::default());
    assert!(
        findings
            .iter()
            .any(|f| f.issue_code == "VARIABLE_UNSUPPORTED_IN_ELEMENT"),
        "{findings:?}"
    );
}
