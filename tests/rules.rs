//! One test (or small table test) per rule of `docs/rules.md`, through the
//! public API only. Each test cites the AWS page behind its rule.

#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly; clippy.toml allows these only inside #[test] fns"
)]

use iam_eval::{
    validate, BareMultiValue, Blocker, ContextValue, Decision, Options, PolicyError,
    PolicyErrorKind, PolicySet, PolicyType, Request, UnresolvedNotResource,
};

const ACCT: &str = "123456789012";
const OTHER: &str = "999999999999";
const USER: &str = "arn:aws:iam::123456789012:user/alice";

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// A 2012-10-17 document around `statements` (an object or an array).
fn doc(statements: &str) -> String {
    format!(r#"{{"Version":"2012-10-17","Statement":{statements}}}"#)
}

/// An identity policy set from a whole document.
fn set(json: &str) -> PolicySet {
    PolicySet::from_json(json).unwrap_or_else(|e| panic!("policy should compile: {e}\n{json}"))
}

/// An identity policy set from statements.
fn identity(statements: &str) -> PolicySet {
    set(&doc(statements))
}

fn set_with(options: Options, policy_type: PolicyType, json: &str) -> PolicySet {
    let mut b = iam_eval::PolicySetBuilder::with_options(options);
    b.add("p", policy_type, json)
        .unwrap_or_else(|e| panic!("policy should compile: {e}\n{json}"));
    b.build()
}

/// The first error of a policy of `policy_type`.
fn error_of(policy_type: PolicyType, json: &str) -> PolicyError {
    let mut b = PolicySet::builder();
    match b.add("p", policy_type, json) {
        Ok(_) => panic!("policy should be rejected:\n{json}"),
        Err(e) => e,
    }
}

fn identity_error(json: &str) -> PolicyError {
    error_of(PolicyType::Identity, json)
}

/// Where compiling reports the error in `condition` (a JSON object) on an
/// otherwise valid statement.
fn condition_error_path(condition: &str) -> String {
    let statement = format!(
        r#"[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{condition}}}]"#
    );
    identity_error(&doc(&statement))
        .location()
        .path()
        .to_owned()
}

fn decide(set: &PolicySet, request: &Request) -> Decision {
    set.evaluate(request).decision()
}

fn decide_simple(set: &PolicySet, action: &str, resource: &str) -> Decision {
    decide(set, &Request::new(action, resource))
}

fn one(v: &str) -> ContextValue {
    ContextValue::from(v)
}

fn many(vs: &[&str]) -> ContextValue {
    ContextValue::Multi(vs.iter().map(|s| s.to_string()).collect())
}

fn request_with(ctx: &[(&str, ContextValue)]) -> Request {
    let mut b = Request::builder("s3:GetObject", "arn:aws:s3:::bucket/key");
    for (k, v) in ctx {
        b = b.context(k, v.clone());
    }
    b.build()
}

/// Whether `condition` (a JSON Condition block) holds for `ctx`: an Allow
/// statement carries it, so Allow means true and ImplicitDeny means false.
fn holds_with(options: Options, condition: &str, ctx: &[(&str, ContextValue)]) -> bool {
    let json = doc(&format!(
        r#"{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{condition}}}"#
    ));
    let set = set_with(options, PolicyType::Identity, &json);
    match decide(&set, &request_with(ctx)) {
        Decision::Allow => true,
        Decision::ImplicitDeny => false,
        Decision::ExplicitDeny => panic!("an Allow-only policy cannot deny"),
    }
}

fn holds(condition: &str, ctx: &[(&str, ContextValue)]) -> bool {
    holds_with(Options::default(), condition, ctx)
}

/// The decision when a Deny statement carries `condition` next to an
/// unconditional Allow.
fn deny_with(condition: &str, ctx: &[(&str, ContextValue)]) -> Decision {
    let set = identity(&format!(
        r#"[{{"Effect":"Allow","Action":"*","Resource":"*"}},
            {{"Effect":"Deny","Action":"s3:GetObject","Resource":"*","Condition":{condition}}}]"#
    ));
    decide(&set, &request_with(ctx))
}

/// An identity set allowing `action` on `resource` pattern(s) (JSON value).
fn allow(action: &str, resource_json: &str) -> PolicySet {
    identity(&format!(
        r#"{{"Effect":"Allow","Action":"{action}","Resource":{resource_json}}}"#
    ))
}

fn column_of(text: &str, needle: &str) -> usize {
    let line = text
        .lines()
        .find(|l| l.contains(needle))
        .expect("needle in text");
    line.find(needle).expect("needle") + 1
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .expect("needle in text")
        + 1
}

// ---------------------------------------------------------------------------
// G: grammar
// ---------------------------------------------------------------------------

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
#[test]
fn g1_unknown_top_level_element_rejected_with_path_and_position() {
    let text = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": {\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"},\n  \"Extra field\": \"x\"\n}";
    let err = identity_error(text);
    assert_eq!(
        err.kind(),
        &PolicyErrorKind::UnknownElement("Extra field".into())
    );
    assert_eq!(err.location().path(), "Extra field");
    assert_eq!(err.location().line(), Some(4));
    assert_eq!(
        err.location().column(),
        Some(column_of(text, "\"Extra field\""))
    );
    assert_eq!(err.location().policy_id(), Some("p"));
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
#[test]
fn g1_duplicate_keys_rejected_with_position() {
    let text = "{\n  \"Version\": \"2012-10-17\",\n  \"Version\": \"2012-10-17\",\n  \"Statement\": {\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}\n}";
    let err = identity_error(text);
    assert!(
        err.to_string().contains("duplicate key"),
        "message names the duplicate: {err}"
    );
    assert_eq!(
        err.location().line(),
        Some(3),
        "points at the second key: {err}"
    );
    assert_eq!(err.location().column(), Some(3));

    // Duplicates inside a statement are rejected too.
    let inner = doc(r#"{"Effect":"Allow","Effect":"Deny","Action":"s3:GetObject","Resource":"*"}"#);
    let err = identity_error(&inner);
    assert!(err.to_string().contains("duplicate key"), "{err}");
    assert_eq!(err.location().line(), Some(1));
    assert_eq!(
        err.location().column(),
        Some(inner.rfind("\"Effect\"").expect("second Effect") + 1)
    );
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
#[test]
fn g1_keys_in_any_order_and_statement_required() {
    // Statement first, Version last: the Version is still honoured (variables substitute).
    let set = set(
        r#"{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"},"Id":"x","Version":"2012-10-17"}"#,
    );
    let req = Request::builder("s3:GetObject", "arn:aws:s3:::b/bob/k")
        .context("aws:username", "bob")
        .build();
    assert_eq!(decide(&set, &req), Decision::Allow);

    let err = identity_error(r#"{"Version":"2012-10-17"}"#);
    assert!(matches!(err.kind(), PolicyErrorKind::Missing(_)), "{err}");
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
#[test]
fn g2_2008_and_missing_version_keep_variables_literal() {
    let statement = r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}"#;
    let substituted = Request::builder("s3:GetObject", "arn:aws:s3:::b/bob/k")
        .context("aws:username", "bob")
        .build();
    let literal = Request::builder("s3:GetObject", "arn:aws:s3:::b/${aws:username}/k")
        .context("aws:username", "bob")
        .build();

    let v2012 = set(&doc(statement));
    assert_eq!(decide(&v2012, &substituted), Decision::Allow);
    assert_eq!(decide(&v2012, &literal), Decision::ImplicitDeny);

    for json in [
        format!(r#"{{"Version":"2008-10-17","Statement":{statement}}}"#),
        format!(r#"{{"Statement":{statement}}}"#),
    ] {
        let s = set(&json);
        assert_eq!(decide(&s, &substituted), Decision::ImplicitDeny, "{json}");
        assert_eq!(decide(&s, &literal), Decision::Allow, "{json}");
    }

    // A missing Version draws a warning.
    let report = validate(
        &format!(r#"{{"Statement":{statement}}}"#),
        PolicyType::Identity,
        &Options::default(),
    );
    assert!(report.is_valid());
    assert!(!report.warnings.is_empty());
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
#[test]
fn g2_other_versions_rejected() {
    let err = identity_error(
        r#"{"Version":"2013-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#,
    );
    assert_eq!(err.kind(), &PolicyErrorKind::Version("2013-10-17".into()));
    assert_eq!(err.location().path(), "Version");
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_id.html
#[test]
fn g3_id_string_accepted_array_rejected() {
    let ok = validate(
        r#"{"Version":"2012-10-17","Id":"my-id","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#,
        PolicyType::Identity,
        &Options::default(),
    );
    assert!(ok.is_valid(), "{:?}", ok.errors);
    let err = identity_error(
        r#"{"Version":"2012-10-17","Id":["a"],"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#,
    );
    assert_eq!(err.location().path(), "Id");
    assert!(matches!(err.kind(), PolicyErrorKind::WrongType { .. }));
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_statement.html
#[test]
fn g4_statement_object_or_array() {
    let body = r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}"#;
    let object = identity(body);
    let array = identity(&format!("[{body}]"));
    for s in [&object, &array] {
        assert_eq!(s.statement_count(), 1);
        assert_eq!(decide_simple(s, "s3:GetObject", "*"), Decision::Allow);
        assert_eq!(
            decide_simple(s, "s3:PutObject", "*"),
            Decision::ImplicitDeny
        );
    }
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_statement.html
#[test]
fn g4_empty_or_non_object_statement_rejected() {
    let err = identity_error(&doc("[]"));
    assert_eq!(err.location().path(), "Statement");
    assert!(matches!(err.kind(), PolicyErrorKind::Missing(_)), "{err}");

    let err = identity_error(&doc(r#"["afd"]"#));
    assert_eq!(err.location().path(), "Statement[0]");
    assert!(
        matches!(err.kind(), PolicyErrorKind::WrongType { .. }),
        "{err}"
    );

    let err = identity_error(&doc(r#""x""#));
    assert_eq!(err.location().path(), "Statement");
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
#[test]
fn g5_action_and_not_action_conflict() {
    let err = identity_error(&doc(
        r#"[{"Effect":"Allow","Action":"s3:GetObject","NotAction":"s3:PutObject","Resource":"*"}]"#,
    ));
    assert_eq!(
        err.kind(),
        &PolicyErrorKind::Conflict("Action", "NotAction")
    );
    assert!(err.location().path().starts_with("Statement[0]"), "{err}");

    let err = identity_error(&doc(
        r#"[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","NotResource":"*"}]"#,
    ));
    assert_eq!(
        err.kind(),
        &PolicyErrorKind::Conflict("Resource", "NotResource")
    );
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
#[test]
fn g5_missing_action_or_resource_in_identity_policy() {
    let err = identity_error(&doc(r#"[{"Effect":"Allow","Resource":"*"}]"#));
    assert!(matches!(err.kind(), PolicyErrorKind::Missing(_)), "{err}");
    assert!(err.location().path().starts_with("Statement[0]"));

    let err = identity_error(&doc(r#"[{"Effect":"Allow","Action":"s3:GetObject"}]"#));
    assert!(matches!(err.kind(), PolicyErrorKind::Missing(_)), "{err}");
    assert!(err.to_string().contains("Resource"), "{err}");
    assert!(err.location().path().starts_with("Statement[0]"));

    // Unknown statement keys are rejected.
    let err = identity_error(&doc(
        r#"[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Extra":1}]"#,
    ));
    assert_eq!(err.kind(), &PolicyErrorKind::UnknownElement("Extra".into()));
    assert_eq!(err.location().path(), "Statement[0].Extra");
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
#[test]
fn g5_resource_forbidden_in_trust_policy() {
    let trust = doc(
        r#"{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}"#,
    );
    let err = error_of(PolicyType::Trust, &trust);
    assert!(
        matches!(err.kind(), PolicyErrorKind::NotAllowed { element, .. } if element.contains("Resource")),
        "{err}"
    );
    // Without Resource the same trust policy compiles.
    let ok = doc(
        r#"{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}"#,
    );
    assert!(validate(&ok, PolicyType::Trust, &Options::default()).is_valid());
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html
#[test]
fn g6_duplicate_sid_rejected() {
    let text = doc(
        r#"[{"Sid":"One","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},
            {"Sid":"One","Effect":"Deny","Action":"s3:PutObject","Resource":"*"}]"#,
    );
    let err = identity_error(&text);
    assert!(matches!(err.kind(), PolicyErrorKind::Sid(_)), "{err}");
    assert_eq!(err.location().path(), "Statement[1].Sid");
    assert_eq!(err.location().sid(), Some("One"));
    assert_eq!(
        err.location().line(),
        Some(line_of(&text, r#"{"Sid":"One","Effect":"Deny""#))
    );
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html
#[test]
fn g6_sid_characters_and_empty_sid() {
    // IAM Sids are alphanumeric only.
    let err = identity_error(&doc(
        r#"{"Sid":"has space","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}"#,
    ));
    assert!(matches!(err.kind(), PolicyErrorKind::Sid(_)), "{err}");
    // Resource policies (S3, SQS, SNS) allow spaces.
    let ok = doc(
        r#"{"Sid":"has space","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}"#,
    );
    assert!(validate(&ok, PolicyType::Resource, &Options::default()).is_valid());
    // An empty Sid is accepted (with a suggestion), even twice.
    let empty = doc(
        r#"[{"Sid":"","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Sid":"","Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]"#,
    );
    let report = validate(&empty, PolicyType::Identity, &Options::default());
    assert!(report.is_valid(), "{:?}", report.errors);
    assert!(!report.warnings.is_empty());
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_effect.html
#[test]
fn g7_effect_is_case_sensitive() {
    for bad in ["allow", "aLLow", "denY", "DENY", "Maybe"] {
        let err = identity_error(&doc(&format!(
            r#"[{{"Effect":"{bad}","Action":"s3:GetObject","Resource":"*"}}]"#
        )));
        assert_eq!(err.kind(), &PolicyErrorKind::Effect(bad.into()));
        assert_eq!(err.location().path(), "Statement[0].Effect");
    }
    let err = identity_error(&doc(r#"[{"Action":"s3:GetObject","Resource":"*"}]"#));
    assert!(matches!(err.kind(), PolicyErrorKind::Missing(_)), "{err}");

    let deny = identity(
        r#"[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"s3:GetObject","Resource":"*"}]"#,
    );
    assert_eq!(
        decide_simple(&deny, "s3:GetObject", "*"),
        Decision::ExplicitDeny
    );
    assert_eq!(decide_simple(&deny, "s3:PutObject", "*"), Decision::Allow);
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
#[test]
fn g8_string_or_array_everywhere() {
    let scalar = identity(
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:username":"bob"}}}"#,
    );
    let arrays = identity(
        r#"{"Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::b/*"],"Condition":{"StringEquals":{"aws:username":["bob"]}}}"#,
    );
    for s in [&scalar, &arrays] {
        let yes = Request::builder("s3:GetObject", "arn:aws:s3:::b/k")
            .context("aws:username", "bob")
            .build();
        let no = Request::builder("s3:GetObject", "arn:aws:s3:::b/k")
            .context("aws:username", "eve")
            .build();
        assert_eq!(decide(s, &yes), Decision::Allow);
        assert_eq!(decide(s, &no), Decision::ImplicitDeny);
    }
    // `"Action": []` counts as missing.
    let err = identity_error(&doc(r#"{"Effect":"Allow","Action":[],"Resource":"*"}"#));
    assert!(matches!(err.kind(), PolicyErrorKind::Missing(_)), "{err}");
    // `"Resource": []` counts as missing.
    let err = identity_error(&doc(r#"{"Effect":"Allow","Action":"s3:*","Resource":[]}"#));
    assert!(matches!(err.kind(), PolicyErrorKind::Missing(_)), "{err}");
    // `null` inside a Resource array is accepted and ignored.
    let with_null = identity(
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":[null,"arn:aws:s3:::b/*"]}"#,
    );
    assert_eq!(
        decide_simple(&with_null, "s3:GetObject", "arn:aws:s3:::b/k"),
        Decision::Allow
    );
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
#[test]
fn g8_numbers_and_bools_in_condition_values() {
    assert!(holds(
        r#"{"Bool":{"aws:SecureTransport":true}}"#,
        &[("aws:SecureTransport", one("true"))]
    ));
    assert!(!holds(
        r#"{"Bool":{"aws:SecureTransport":true}}"#,
        &[("aws:SecureTransport", one("false"))]
    ));
    assert!(holds(
        r#"{"NumericLessThan":{"s3:max-keys":10}}"#,
        &[("s3:max-keys", one("9"))]
    ));
    assert!(!holds(
        r#"{"NumericLessThan":{"s3:max-keys":10}}"#,
        &[("s3:max-keys", one("10"))]
    ));
    // A number is turned into its string form for string operators too.
    assert!(holds(
        r#"{"StringEquals":{"aws:PrincipalTag/level":[5, true]}}"#,
        &[("aws:PrincipalTag/level", one("5"))]
    ));
    assert!(holds(
        r#"{"StringEquals":{"aws:PrincipalTag/level":[5, true]}}"#,
        &[("aws:PrincipalTag/level", one("true"))]
    ));
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
#[test]
fn g9_unknown_operator_rejected_with_path() {
    let text = doc(
        r#"[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEqualz":{"aws:username":"bob"}}}]"#,
    );
    let err = identity_error(&text);
    assert_eq!(
        err.kind(),
        &PolicyErrorKind::UnknownOperator("StringEqualz".into())
    );
    assert_eq!(err.location().path(), "Statement[0].Condition.StringEqualz");
    assert_eq!(
        err.location().column(),
        Some(column_of(&text, "\"StringEqualz\""))
    );
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
#[test]
fn g9_malformed_operator_names_rejected() {
    for op in [
        "ForAnyValue::StringEquals",
        "ForSomeValues:StringEquals",
        "StringEqualsIfExistsIfExists",
        "stringequals",
    ] {
        let err = identity_error(&doc(&format!(
            r#"[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{{"{op}":{{"aws:username":"bob"}}}}}}]"#
        )));
        assert_eq!(
            err.kind(),
            &PolicyErrorKind::UnknownOperator(op.into()),
            "{op}"
        );
        assert_eq!(
            err.location().path(),
            format!("Statement[0].Condition.{op}")
        );
    }
    // Null cannot take IfExists.
    let err = identity_error(&doc(
        r#"[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"NullIfExists":{"aws:username":"true"}}}]"#,
    ));
    assert_eq!(err.location().path(), "Statement[0].Condition.NullIfExists");
    assert!(err.to_string().contains("IfExists"), "{err}");
    // The full grammar is accepted.
    assert!(holds(
        r#"{"ForAllValues:StringLikeIfExists":{"aws:TagKeys":"a*"}}"#,
        &[("aws:TagKeys", many(&["ab", "ac"]))]
    ));
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
#[test]
fn g9_condition_block_shape() {
    let cases = [
        r#"[{"StringEquals":{"aws:username":"bob"}}]"#,
        r#"{"StringEquals":"bob"}"#,
        r#"{"StringEquals":{"aws:username":{"x":"y"}}}"#,
    ];
    for condition in cases {
        let err = identity_error(&doc(&format!(
            r#"[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{condition}}}]"#
        )));
        assert!(
            err.location().path().starts_with("Statement[0].Condition"),
            "{condition}: {err}"
        );
    }
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
#[test]
fn g10_principal_rules() {
    // Not allowed in identity policies.
    let err = identity_error(&doc(
        r#"{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}"#,
    ));
    assert!(
        matches!(err.kind(), PolicyErrorKind::NotAllowed { .. }),
        "{err}"
    );
    // No wildcards inside principal values.
    let err = error_of(
        PolicyType::Resource,
        &doc(
            r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::*:role/x"},"Action":"s3:GetObject","Resource":"*"}"#,
        ),
    );
    assert!(
        matches!(err.kind(), PolicyErrorKind::Principal { .. }),
        "{err}"
    );
    // "*" and {"AWS":"*"} are the same and include anonymous callers.
    for principal in [r#""*""#, r#"{"AWS":"*"}"#] {
        let s = set_with(
            Options::default(),
            PolicyType::Resource,
            &doc(&format!(
                r#"{{"Effect":"Allow","Principal":{principal},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}"#
            )),
        );
        let anon = Request::builder("s3:GetObject", "arn:aws:s3:::b/k")
            .principal("anonymous")
            .build();
        assert_eq!(decide(&s, &anon), Decision::Allow, "{principal}");
    }
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
#[test]
fn g11_characters_outside_latin1_rejected() {
    let err = identity_error(&doc(
        "{\"Sid\":\"A\",\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/\u{20ac}\"}",
    ));
    assert_eq!(err.kind(), &PolicyErrorKind::Character('\u{20ac}'));
    // Latin-1 is fine.
    let s = identity(
        "{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/caf\u{e9}\"}",
    );
    assert_eq!(
        decide_simple(&s, "s3:GetObject", "arn:aws:s3:::b/caf\u{e9}"),
        Decision::Allow
    );
}

// ---------------------------------------------------------------------------
// A: actions
// ---------------------------------------------------------------------------

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
#[test]
fn a1_actions_are_case_insensitive() {
    let s = allow("IAM:listaccesskeys", r#""*""#);
    assert_eq!(
        decide_simple(&s, "iam:ListAccessKeys", "*"),
        Decision::Allow
    );
    assert_eq!(
        decide_simple(&s, "IAM:LISTACCESSKEYS", "*"),
        Decision::Allow
    );
    assert_eq!(
        decide_simple(&s, "iam:ListAccessKey", "*"),
        Decision::ImplicitDeny
    );
    let s = allow("iam:ListAccessKeys", r#""*""#);
    assert_eq!(
        decide_simple(&s, "iam:listaccesskeys", "*"),
        Decision::Allow
    );
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
#[test]
fn a2_action_wildcards() {
    let cases: &[(&str, &str, bool)] = &[
        ("iam:*AccessKey*", "iam:CreateAccessKey", true),
        ("iam:*AccessKey*", "iam:ListAccessKeys", true),
        ("iam:*AccessKey*", "iam:CreateUser", false),
        ("s3:Get*", "s3:GetObject", true),
        ("s3:Get*", "s3:GetObjectTagging", true),
        ("s3:Get*", "s3:PutObject", false),
        ("s3:?etObject", "s3:GetObject", true),
        ("s3:?etObject", "s3:etObject", false),
        ("s3:?etObject", "s3:GGetObject", false),
        ("*", "ec2:RunInstances", true),
        ("s*:GetObject", "s3:GetObject", true),
        ("s3:*", "s3x:GetObject", false),
        ("s3:GetObject*", "s3:GetObject", true),
        // `service:*` is settled by the service alone: it must still be
        // exact, ignore case, and hold for services too long to pack.
        ("S3:*", "s3:GetObject", true),
        ("s3:*", "S3:x", true),
        // An empty action name cannot be read, so it is never allowed.
        ("s3:*", "S3:", false),
        ("s3:*", "s:GetObject", false),
        ("s3:*", "s3", false),
        ("cognito-identity:*", "Cognito-Identity:GetId", true),
        ("cognito-identity:*", "cognito-identityx:GetId", false),
        (
            "elasticloadbalancing:*",
            "ElasticLoadBalancing:DescribeTags",
            true,
        ),
        (
            "elasticloadbalancing:*",
            "elasticloadbalancin:DescribeTags",
            false,
        ),
    ];
    for &(pattern, action, expected) in cases {
        let s = allow(pattern, r#""*""#);
        let want = if expected {
            Decision::Allow
        } else {
            Decision::ImplicitDeny
        };
        assert_eq!(
            decide_simple(&s, action, "*"),
            want,
            "{pattern} vs {action}"
        );
    }
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
#[test]
fn a2_invalid_action_strings_rejected() {
    for bad in ["GetObject", "s3:Get:Object", "a a:GetObject"] {
        let err = identity_error(&doc(&format!(
            r#"[{{"Effect":"Allow","Action":"{bad}","Resource":"*"}}]"#
        )));
        assert!(
            matches!(err.kind(), PolicyErrorKind::Action { value, .. } if value == bad),
            "{bad}: {err}"
        );
        assert_eq!(err.location().path(), "Statement[0].Action");
    }
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
#[test]
fn a2_whitespace_in_actions_is_not_trimmed() {
    let s = allow("s3:GetObject   ", r#""*""#);
    assert_eq!(
        decide_simple(&s, "s3:GetObject", "*"),
        Decision::ImplicitDeny
    );
    let s = allow("s3:   GetObject", r#""*""#);
    assert_eq!(
        decide_simple(&s, "s3:GetObject", "*"),
        Decision::ImplicitDeny
    );
    // As NotAction, an untrimmed entry excludes nothing.
    let s = identity(r#"{"Effect":"Allow","NotAction":"s3:GetObject   ","Resource":"*"}"#);
    assert_eq!(decide_simple(&s, "s3:GetObject", "*"), Decision::Allow);
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
#[test]
fn a3_not_action_allow_grants_everything_else() {
    let s = identity(r#"{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}"#);
    assert_eq!(decide_simple(&s, "s3:GetObject", "*"), Decision::Allow);
    assert_eq!(decide_simple(&s, "ec2:RunInstances", "*"), Decision::Allow);
    assert_eq!(
        decide_simple(&s, "iam:CreateUser", "*"),
        Decision::ImplicitDeny
    );
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
#[test]
fn a3_not_action_deny_denies_everything_except() {
    let s = identity(
        r#"[{"Effect":"Allow","Action":"*","Resource":"*"},
            {"Effect":"Deny","NotAction":["iam:Get*","sts:GetCallerIdentity"],"Resource":"*"}]"#,
    );
    assert_eq!(decide_simple(&s, "iam:GetUser", "*"), Decision::Allow);
    assert_eq!(
        decide_simple(&s, "sts:GetCallerIdentity", "*"),
        Decision::Allow
    );
    assert_eq!(
        decide_simple(&s, "s3:GetObject", "*"),
        Decision::ExplicitDeny
    );
    // NotAction "*" matches nothing.
    let s = identity(r#"{"Effect":"Allow","NotAction":"*","Resource":"*"}"#);
    assert_eq!(
        decide_simple(&s, "s3:GetObject", "*"),
        Decision::ImplicitDeny
    );
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
#[test]
fn a4_wildcard_only_actions_need_star_resource() {
    let specific = allow("s3:ListAllMyBuckets", r#""arn:aws:s3:::*""#);
    assert_eq!(
        decide_simple(&specific, "s3:ListAllMyBuckets", "*"),
        Decision::ImplicitDeny
    );
    let star = allow("s3:ListAllMyBuckets", r#""*""#);
    assert_eq!(
        decide_simple(&star, "s3:ListAllMyBuckets", "*"),
        Decision::Allow
    );
    let sts = allow("sts:GetAccessKeyInfo", r#""arn:aws:sts::123456789012:*""#);
    assert_eq!(
        decide_simple(&sts, "sts:GetAccessKeyInfo", "*"),
        Decision::ImplicitDeny
    );
}

// ---------------------------------------------------------------------------
// R: resources
// ---------------------------------------------------------------------------

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
#[test]
fn r1_resource_part_keeps_its_colons() {
    let s = allow(
        "logs:PutLogEvents",
        r#""arn:aws:logs:us-east-1:123456789012:log-group:app:log-stream:*""#,
    );
    assert_eq!(
        decide_simple(
            &s,
            "logs:PutLogEvents",
            "arn:aws:logs:us-east-1:123456789012:log-group:app:log-stream:s1"
        ),
        Decision::Allow
    );
    assert_eq!(
        decide_simple(
            &s,
            "logs:PutLogEvents",
            "arn:aws:logs:us-east-1:123456789012:log-group:other:log-stream:s1"
        ),
        Decision::ImplicitDeny
    );
    let s = allow(
        "lambda:InvokeFunction",
        r#""arn:aws:lambda:us-east-1:123456789012:function:f:prod""#,
    );
    assert_eq!(
        decide_simple(
            &s,
            "lambda:InvokeFunction",
            "arn:aws:lambda:us-east-1:123456789012:function:f:prod"
        ),
        Decision::Allow
    );
    assert_eq!(
        decide_simple(
            &s,
            "lambda:InvokeFunction",
            "arn:aws:lambda:us-east-1:123456789012:function:f:dev"
        ),
        Decision::ImplicitDeny
    );
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
#[test]
fn r2_star_matches_every_resource() {
    let s = allow("s3:GetObject", r#""*""#);
    for resource in ["arn:aws:s3:::b/k", "*", "not-an-arn"] {
        assert_eq!(
            decide_simple(&s, "s3:GetObject", resource),
            Decision::Allow,
            "{resource}"
        );
    }
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
#[test]
fn r3_doc_example_wildcards_cross_slashes() {
    let s = allow(
        "s3:GetObject",
        r#""arn:aws:s3:::DOC-EXAMPLE-BUCKET/*/test/*""#,
    );
    let cases = [
        (
            "arn:aws:s3:::DOC-EXAMPLE-BUCKET/1/2/test/3/object.jpg",
            true,
        ),
        ("arn:aws:s3:::DOC-EXAMPLE-BUCKET//test/object.jpg", true),
        ("arn:aws:s3:::DOC-EXAMPLE-BUCKET/1/test/", true),
        ("arn:aws:s3:::DOC-EXAMPLE-BUCKET/test/object.jpg", false),
        ("arn:aws:s3:::DOC-EXAMPLE-BUCKET/1-test/object.jpg", false),
    ];
    for (resource, expected) in cases {
        let want = if expected {
            Decision::Allow
        } else {
            Decision::ImplicitDeny
        };
        assert_eq!(
            decide_simple(&s, "s3:GetObject", resource),
            want,
            "{resource}"
        );
    }
    // `?` is exactly one character.
    let s = allow("s3:GetObject", r#""arn:aws:s3:::b/file?.txt""#);
    assert_eq!(
        decide_simple(&s, "s3:GetObject", "arn:aws:s3:::b/file1.txt"),
        Decision::Allow
    );
    assert_eq!(
        decide_simple(&s, "s3:GetObject", "arn:aws:s3:::b/file.txt"),
        Decision::ImplicitDeny
    );
    assert_eq!(
        decide_simple(&s, "s3:GetObject", "arn:aws:s3:::b/file12.txt"),
        Decision::ImplicitDeny
    );
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
#[test]
fn r4_short_arn_trailing_star_absorbs_remaining_segments() {
    let s = allow("sqs:SendMessage", r#""arn:aws:sqs:us-*""#);
    assert_eq!(
        decide_simple(
            &s,
            "sqs:SendMessage",
            "arn:aws:sqs:us-east-1:123456789012:queue1"
        ),
        Decision::Allow
    );
    assert_eq!(
        decide_simple(
            &s,
            "sqs:SendMessage",
            "arn:aws:sqs:eu-west-1:123456789012:queue1"
        ),
        Decision::ImplicitDeny
    );
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
#[test]
fn r4_segment_wildcards_stay_in_their_segment() {
    let pattern = r#""arn:aws:ec2:us-*:123456789012:instance/*""#;
    let s = allow("ec2:StartInstances", pattern);
    assert_eq!(
        decide_simple(
            &s,
            "ec2:StartInstances",
            "arn:aws:ec2:us-west-2:123456789012:instance/i-1"
        ),
        Decision::Allow
    );
    assert_eq!(
        decide_simple(
            &s,
            "ec2:StartInstances",
            "arn:aws:ec2:us-west-2:999999999999:instance/i-1"
        ),
        Decision::ImplicitDeny
    );
    // If `us-*` could run across ':' this would match; by default it must not.
    let crossing = "arn:aws:ec2:us-east-1:999999999999:123456789012:instance/i-1";
    assert_eq!(
        decide_simple(&s, "ec2:StartInstances", crossing),
        Decision::ImplicitDeny
    );
    let mut options = Options::default();
    options.arn_star_crosses_colons = true;
    let doc_literal = set_with(
        options,
        PolicyType::Identity,
        &doc(&format!(
            r#"{{"Effect":"Allow","Action":"ec2:StartInstances","Resource":{pattern}}}"#
        )),
    );
    assert_eq!(
        decide_simple(&doc_literal, "ec2:StartInstances", crossing),
        Decision::Allow
    );
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
#[test]
fn r5_no_variables_before_the_fifth_colon() {
    let err = identity_error(&doc(
        r#"[{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"arn:aws:dynamodb:${aws:RequestedRegion}:123456789012:table/t"}]"#,
    ));
    assert!(
        err.location().path().starts_with("Statement[0].Resource"),
        "{err}"
    );
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
#[test]
fn r6_resource_part_is_case_sensitive() {
    let s = allow("s3:GetObject", r#""arn:aws:s3:::bucket/Key""#);
    assert_eq!(
        decide_simple(&s, "s3:GetObject", "arn:aws:s3:::bucket/Key"),
        Decision::Allow
    );
    assert_eq!(
        decide_simple(&s, "s3:GetObject", "arn:aws:s3:::bucket/key"),
        Decision::ImplicitDeny
    );
    assert_eq!(
        decide_simple(&s, "s3:GetObject", "arn:aws:s3:::BUCKET/Key"),
        Decision::ImplicitDeny
    );
    let s = allow("iam:GetUser", r#""arn:aws:iam::123456789012:user/Bob""#);
    assert_eq!(
        decide_simple(&s, "iam:GetUser", "arn:aws:iam::123456789012:user/bob"),
        Decision::ImplicitDeny
    );
    // Default: the service segment compares without regard to case.
    assert_eq!(
        decide_simple(&s, "iam:GetUser", "arn:aws:IAM::123456789012:user/Bob"),
        Decision::Allow
    );
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html
#[test]
fn r7_not_resource() {
    let s = identity(
        r#"{"Effect":"Allow","Action":"s3:*","NotResource":["arn:aws:s3:::secret","arn:aws:s3:::secret/*"]}"#,
    );
    assert_eq!(
        decide_simple(&s, "s3:GetObject", "arn:aws:s3:::public/k"),
        Decision::Allow
    );
    assert_eq!(
        decide_simple(&s, "s3:GetObject", "arn:aws:s3:::secret/k"),
        Decision::ImplicitDeny
    );
    // A wildcard-only request ("*") matches NotResource with specific ARNs.
    assert_eq!(
        decide_simple(&s, "s3:ListAllMyBuckets", "*"),
        Decision::Allow
    );

    let d = identity(
        r#"[{"Effect":"Allow","Action":"s3:*","Resource":"*"},
            {"Effect":"Deny","Action":"s3:*","NotResource":"arn:aws:s3:::allowed/*"}]"#,
    );
    assert_eq!(
        decide_simple(&d, "s3:GetObject", "arn:aws:s3:::allowed/k"),
        Decision::Allow
    );
    assert_eq!(
        decide_simple(&d, "s3:GetObject", "arn:aws:s3:::other/k"),
        Decision::ExplicitDeny
    );
    assert_eq!(
        decide_simple(&d, "s3:ListAllMyBuckets", "*"),
        Decision::ExplicitDeny
    );
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
#[test]
fn r7_unresolved_variable_in_not_resource_is_configurable() {
    let deny = doc(r#"[{"Effect":"Allow","Action":"s3:*","Resource":"*"},
            {"Effect":"Deny","Action":"s3:*","NotResource":"arn:aws:s3:::home/${aws:username}/*"}]"#);
    let allow_only = doc(
        r#"{"Effect":"Allow","Action":"s3:*","NotResource":"arn:aws:s3:::home/${aws:username}/*"}"#,
    );
    let req = Request::new("s3:GetObject", "arn:aws:s3:::other/k");
    // Default: fail closed.
    assert_eq!(decide(&set(&deny), &req), Decision::ExplicitDeny);
    assert_eq!(decide(&set(&allow_only), &req), Decision::ImplicitDeny);
    // Literal reading: the entry matches nothing, the statement applies.
    let mut options = Options::default();
    options.unresolved_not_resource = UnresolvedNotResource::EntryMatchesNothing;
    let s = set_with(options, PolicyType::Identity, &allow_only);
    assert_eq!(decide(&s, &req), Decision::Allow);
}

// ---------------------------------------------------------------------------
// P: principals
// ---------------------------------------------------------------------------

fn resource_policy(principal: &str) -> PolicySet {
    set_with(
        Options::default(),
        PolicyType::Resource,
        &doc(&format!(
            r#"{{"Effect":"Allow","Principal":{principal},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}"#
        )),
    )
}

fn as_principal(set: &PolicySet, principal: &str) -> Decision {
    decide(
        set,
        &Request::builder("s3:GetObject", "arn:aws:s3:::b/k")
            .principal(principal)
            .resource_account(ACCT)
            .build(),
    )
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
#[test]
fn p1_principal_entries() {
    for account in [
        r#"{"AWS":"123456789012"}"#,
        r#"{"AWS":"arn:aws:iam::123456789012:root"}"#,
    ] {
        // P1: naming the account delegates to it: its principals still need
        // an identity-based Allow (fixtures/cases/fidelity.jsonl has more).
        let s = resource_policy(account);
        assert_eq!(as_principal(&s, USER), Decision::ImplicitDeny, "{account}");
        assert_eq!(
            as_principal(&s, "arn:aws:sts::123456789012:assumed-role/R/session"),
            Decision::ImplicitDeny,
            "{account}"
        );
        let mut builder = iam_eval::PolicySetBuilder::with_options(Options::default());
        builder
            .add(
                "identity",
                PolicyType::Identity,
                &doc(r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}"#),
            )
            .unwrap();
        builder
            .add(
                "bucket",
                PolicyType::Resource,
                &doc(&format!(
                    r#"{{"Effect":"Allow","Principal":{account},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}"#
                )),
            )
            .unwrap();
        let delegated = builder.build();
        assert_eq!(as_principal(&delegated, USER), Decision::Allow, "{account}");
        assert_eq!(
            as_principal(&s, "arn:aws:iam::999999999999:user/alice"),
            Decision::ImplicitDeny,
            "{account}"
        );
    }
    let role = resource_policy(r#"{"AWS":"arn:aws:iam::123456789012:role/R"}"#);
    assert_eq!(
        as_principal(&role, "arn:aws:sts::123456789012:assumed-role/R/s1"),
        Decision::Allow
    );
    assert_eq!(
        as_principal(&role, "arn:aws:sts::123456789012:assumed-role/Other/s1"),
        Decision::ImplicitDeny
    );
    let session = resource_policy(r#"{"AWS":"arn:aws:sts::123456789012:assumed-role/R/s1"}"#);
    assert_eq!(
        as_principal(&session, "arn:aws:sts::123456789012:assumed-role/R/s1"),
        Decision::Allow
    );
    assert_eq!(
        as_principal(&session, "arn:aws:sts::123456789012:assumed-role/R/s2"),
        Decision::ImplicitDeny
    );
    // User names are case-sensitive.
    let user = resource_policy(r#"{"AWS":"arn:aws:iam::123456789012:user/Alice"}"#);
    assert_eq!(
        as_principal(&user, "arn:aws:iam::123456789012:user/Alice"),
        Decision::Allow
    );
    assert_eq!(as_principal(&user, USER), Decision::ImplicitDeny);
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
#[test]
fn p3_not_principal_with_deny_needs_the_account_arn() {
    let bucket = |not_principal: &str| {
        set_with(
            Options::default(),
            PolicyType::Resource,
            &doc(&format!(
                r#"[{{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}},
                    {{"Effect":"Deny","NotPrincipal":{{"AWS":{not_principal}}},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}]"#
            )),
        )
    };
    // The documented form: the user and the account ARN → everyone except alice is denied.
    let s = bucket(r#"["arn:aws:iam::123456789012:user/alice","arn:aws:iam::123456789012:root"]"#);
    assert_eq!(as_principal(&s, USER), Decision::Allow);
    assert_eq!(
        as_principal(&s, "arn:aws:iam::123456789012:user/bob"),
        Decision::ExplicitDeny
    );
    assert_eq!(
        as_principal(&s, "arn:aws:iam::999999999999:user/alice"),
        Decision::ExplicitDeny
    );
    assert_eq!(as_principal(&s, "anonymous"), Decision::ExplicitDeny);
    // Without the account ARN, the account check denies alice too.
    let s = bucket(r#""arn:aws:iam::123456789012:user/alice""#);
    assert_eq!(as_principal(&s, USER), Decision::ExplicitDeny);
    // A role session is exempt only with its session, role and account ARNs.
    let session = "arn:aws:sts::123456789012:assumed-role/R/Bob";
    let s = bucket(
        r#"["arn:aws:sts::123456789012:assumed-role/R/Bob","arn:aws:iam::123456789012:role/R","arn:aws:iam::123456789012:root"]"#,
    );
    assert_eq!(as_principal(&s, session), Decision::Allow);
    assert_eq!(
        as_principal(&s, "arn:aws:sts::123456789012:assumed-role/R/Eve"),
        Decision::ExplicitDeny
    );
    let s = bucket(
        r#"["arn:aws:sts::123456789012:assumed-role/R/Bob","arn:aws:iam::123456789012:root"]"#,
    );
    assert_eq!(as_principal(&s, session), Decision::ExplicitDeny);
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
#[test]
fn p4_service_and_federated_principals() {
    let s = set_with(
        Options::default(),
        PolicyType::Trust,
        &doc(
            r#"[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"},
                {"Effect":"Allow","Principal":{"Federated":"accounts.google.com"},"Action":"sts:AssumeRoleWithWebIdentity"}]"#,
        ),
    );
    let role = "arn:aws:iam::123456789012:role/R";
    let by = |p: &str, a: &str| decide(&s, &Request::builder(a, role).principal(p).build());
    assert_eq!(
        by("lambda.amazonaws.com", "sts:AssumeRole"),
        Decision::Allow
    );
    assert_eq!(
        by("ec2.amazonaws.com", "sts:AssumeRole"),
        Decision::ImplicitDeny
    );
    assert_eq!(
        by("accounts.google.com", "sts:AssumeRoleWithWebIdentity"),
        Decision::Allow
    );
    assert_eq!(
        by("graph.facebook.com", "sts:AssumeRoleWithWebIdentity"),
        Decision::ImplicitDeny
    );
}

// ---------------------------------------------------------------------------
// V: variables
// ---------------------------------------------------------------------------

fn home_policy(resource: &str) -> PolicySet {
    allow("s3:GetObject", &format!("\"{resource}\""))
}

fn with_ctx(resource: &str, ctx: &[(&str, ContextValue)]) -> Request {
    let mut b = Request::builder("s3:GetObject", resource);
    for (k, v) in ctx {
        b = b.context(k, v.clone());
    }
    b.build()
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
#[test]
fn v1_variable_key_names_are_case_insensitive() {
    let s = home_policy("arn:aws:s3:::home/${AWS:UserName}/*");
    let req = with_ctx("arn:aws:s3:::home/bob/k", &[("aws:username", one("bob"))]);
    assert_eq!(decide(&s, &req), Decision::Allow);
    // A multi-valued key cannot be a variable.
    let s = home_policy("arn:aws:s3:::tags/${aws:TagKeys}/*");
    for resource in ["arn:aws:s3:::tags/a/k", "arn:aws:s3:::tags/a,b/k"] {
        let req = with_ctx(resource, &[("aws:TagKeys", many(&["a", "b"]))]);
        assert_eq!(decide(&s, &req), Decision::ImplicitDeny, "{resource}");
    }
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
#[test]
fn v2_variables_only_in_resource_and_string_arn_conditions() {
    let rejected = [
        r#"{"Effect":"Allow","Action":"s3:${aws:username}","Resource":"*"}"#,
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"NumericEquals":{"s3:max-keys":"${aws:username}"}}}"#,
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"${aws:username}"}}}"#,
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"${aws:username}":"x"}}}"#,
    ];
    for statement in rejected {
        let err = identity_error(&doc(statement));
        assert!(err.location().path().starts_with("Statement"), "{err}");
    }
    // String and ARN values substitute.
    assert!(holds(
        r#"{"StringEquals":{"aws:PrincipalTag/owner":"${aws:username}"}}"#,
        &[
            ("aws:PrincipalTag/owner", one("bob")),
            ("aws:username", one("bob"))
        ]
    ));
    assert!(holds(
        r#"{"ArnEquals":{"aws:SourceArn":"arn:aws:s3:::${aws:username}"}}"#,
        &[
            ("aws:SourceArn", one("arn:aws:s3:::bob")),
            ("aws:username", one("bob"))
        ]
    ));
    // Bool substitutes by default (the condition-operators page allows it).
    assert!(holds(
        r#"{"Bool":{"aws:SecureTransport":"${aws:PrincipalTag/tls}"}}"#,
        &[
            ("aws:SecureTransport", one("true")),
            ("aws:PrincipalTag/tls", one("true"))
        ]
    ));
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
#[test]
fn v3_default_values() {
    let s = home_policy("arn:aws:s3:::teams/${aws:PrincipalTag/team, 'company-wide'}/*");
    let absent = with_ctx("arn:aws:s3:::teams/company-wide/k", &[]);
    assert_eq!(decide(&s, &absent), Decision::Allow);
    let present = with_ctx(
        "arn:aws:s3:::teams/company-wide/k",
        &[("aws:PrincipalTag/team", one("red"))],
    );
    assert_eq!(decide(&s, &present), Decision::ImplicitDeny);
    let own = with_ctx(
        "arn:aws:s3:::teams/red/k",
        &[("aws:PrincipalTag/team", one("red"))],
    );
    assert_eq!(decide(&s, &own), Decision::Allow);
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
#[test]
fn v4_special_escapes_are_literal() {
    let s = home_policy("arn:aws:s3:::bucket/${*}literal-star");
    assert_eq!(
        decide_simple(&s, "s3:GetObject", "arn:aws:s3:::bucket/*literal-star"),
        Decision::Allow
    );
    assert_eq!(
        decide_simple(&s, "s3:GetObject", "arn:aws:s3:::bucket/xliteral-star"),
        Decision::ImplicitDeny
    );
    let s = home_policy("arn:aws:s3:::bucket/a${?}b${$}");
    assert_eq!(
        decide_simple(&s, "s3:GetObject", "arn:aws:s3:::bucket/a?b$"),
        Decision::Allow
    );
    assert_eq!(
        decide_simple(&s, "s3:GetObject", "arn:aws:s3:::bucket/axb$"),
        Decision::ImplicitDeny
    );
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
#[test]
fn v5_substituted_star_is_literal() {
    let s = home_policy("arn:aws:s3:::home/${aws:username}/*");
    let ctx = [("aws:username", one("bob*"))];
    assert_eq!(
        decide(&s, &with_ctx("arn:aws:s3:::home/bob*/k", &ctx)),
        Decision::Allow
    );
    assert_eq!(
        decide(&s, &with_ctx("arn:aws:s3:::home/bobby/k", &ctx)),
        Decision::ImplicitDeny
    );
    // Same in StringLike condition values.
    let cond = r#"{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}"#;
    assert!(holds(
        cond,
        &[
            ("aws:username", one("b?b")),
            ("s3:prefix", one("home/b?b/x"))
        ]
    ));
    assert!(!holds(
        cond,
        &[
            ("aws:username", one("b?b")),
            ("s3:prefix", one("home/bob/x"))
        ]
    ));
}

// https://docs.aws.amazon.com/cognito/latest/developerguide/iam-roles.html
#[test]
fn v6_identity_id_with_colon_substitutes_into_resource_part() {
    let s = home_policy("arn:aws:s3:::bucket/private/${cognito-identity.amazonaws.com:sub}/*");
    let ctx = [(
        "cognito-identity.amazonaws.com:sub",
        one("us-east-1:1111-2222"),
    )];
    assert_eq!(
        decide(
            &s,
            &with_ctx(
                "arn:aws:s3:::bucket/private/us-east-1:1111-2222/photos/a.jpg",
                &ctx
            )
        ),
        Decision::Allow
    );
    assert_eq!(
        decide(
            &s,
            &with_ctx("arn:aws:s3:::bucket/private/us-east-1:1111-2222", &ctx)
        ),
        Decision::ImplicitDeny
    );
    assert_eq!(
        decide(
            &s,
            &with_ctx("arn:aws:s3:::bucket/private/us-east-1:3333/a.jpg", &ctx)
        ),
        Decision::ImplicitDeny
    );
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
#[test]
fn v7_unresolved_variable_in_resource_matches_nothing() {
    let s = home_policy("arn:aws:s3:::bucket/${aws:username}/*");
    for resource in [
        "arn:aws:s3:::bucket//x",
        "arn:aws:s3:::bucket/${aws:username}/x",
        "arn:aws:s3:::bucket/bob/x",
    ] {
        assert_eq!(
            decide_simple(&s, "s3:GetObject", resource),
            Decision::ImplicitDeny,
            "{resource}"
        );
    }
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
#[test]
fn v7_unresolved_variable_in_conditions() {
    // AWS's own example: deny when the principal has no Team tag.
    let cond = r#"{"StringNotEquals":{"s3:ExistingObjectTag/Team":"${aws:PrincipalTag/Team}"}}"#;
    assert_eq!(
        deny_with(cond, &[("s3:ExistingObjectTag/Team", one("red"))]),
        Decision::ExplicitDeny
    );
    assert_eq!(
        deny_with(
            cond,
            &[
                ("s3:ExistingObjectTag/Team", one("red")),
                ("aws:PrincipalTag/Team", one("red"))
            ]
        ),
        Decision::Allow
    );
    // Positive operators do not match.
    for op in ["StringEquals", "StringLike", "StringEqualsIgnoreCase"] {
        assert!(
            !holds(
                &format!(
                    r#"{{"{op}":{{"s3:ExistingObjectTag/Team":"${{aws:PrincipalTag/Team}}"}}}}"#
                ),
                &[("s3:ExistingObjectTag/Team", one(""))]
            ),
            "{op}"
        );
    }
    assert!(!holds(
        r#"{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::${aws:username}"}}"#,
        &[("aws:SourceArn", one("arn:aws:s3:::"))]
    ));
    assert!(holds(
        r#"{"ArnNotLike":{"aws:SourceArn":"arn:aws:s3:::${aws:username}"}}"#,
        &[("aws:SourceArn", one("arn:aws:s3:::"))]
    ));
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
// Rule V7 covers bare operators only; under a set qualifier, a policy list whose
// every value is unresolvable matches nothing, negated or not, over a
// single or multi-valued key (conformance case `ddb-deny-nosub-own`). An
// empty list counts as an absent key (C3, S3).
#[test]
fn v7_set_qualified_condition_without_a_resolvable_value_is_false() {
    let ops = [
        "StringEquals",
        "StringNotEquals",
        "StringLike",
        "StringNotLike",
        "StringEqualsIgnoreCase",
        "StringNotEqualsIgnoreCase",
        "ArnLike",
        "ArnNotLike",
        "Bool",
    ];
    let sets: [&[&str]; 3] = [
        &["arn:aws:s3:::x"],
        &["arn:aws:s3:::x", "y"],
        &["true", "y"],
    ];
    for set in ["ForAnyValue", "ForAllValues"] {
        for op in ops {
            let cond = format!(r#"{{"{set}:{op}":{{"k":"arn:aws:s3:::${{aws:username}}"}}}}"#);
            for values in sets {
                assert!(!holds(&cond, &[("k", many(values))]), "{cond} {values:?}");
                assert_eq!(
                    deny_with(&cond, &[("k", many(values))]),
                    Decision::Allow,
                    "{cond} {values:?}"
                );
            }
        }
    }
    // With the variable resolved, the same conditions do match.
    let resolved = [("k", many(&["arn:aws:s3:::x"])), ("aws:username", one("x"))];
    assert!(holds(
        r#"{"ForAllValues:StringEquals":{"k":"arn:aws:s3:::${aws:username}"}}"#,
        &resolved
    ));
    assert!(holds(
        r#"{"ForAnyValue:ArnNotLike":{"k":"arn:aws:s3:::y${aws:username}"}}"#,
        &resolved
    ));
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
#[test]
fn v8_substituted_values_are_not_rescanned() {
    let s = home_policy("arn:aws:s3:::home/${aws:username}/*");
    let ctx = [
        ("aws:username", one("${aws:userid}")),
        ("aws:userid", one("AIDAEXAMPLE")),
    ];
    assert_eq!(
        decide(&s, &with_ctx("arn:aws:s3:::home/${aws:userid}/k", &ctx)),
        Decision::Allow
    );
    assert_eq!(
        decide(&s, &with_ctx("arn:aws:s3:::home/AIDAEXAMPLE/k", &ctx)),
        Decision::ImplicitDeny
    );
}

// ---------------------------------------------------------------------------
// C: condition structure
// ---------------------------------------------------------------------------

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html
#[test]
fn c1_negated_operator_with_several_values_is_nor() {
    let cond = r#"{"StringNotEquals":{"aws:PrincipalTag/role":["audit","security"]}}"#;
    assert!(!holds(cond, &[("aws:PrincipalTag/role", one("audit"))]));
    assert!(!holds(cond, &[("aws:PrincipalTag/role", one("security"))]));
    assert!(holds(cond, &[("aws:PrincipalTag/role", one("dev"))]));
    // In a Deny, `audit` is therefore not denied.
    assert_eq!(
        deny_with(cond, &[("aws:PrincipalTag/role", one("audit"))]),
        Decision::Allow
    );
    assert_eq!(
        deny_with(cond, &[("aws:PrincipalTag/role", one("dev"))]),
        Decision::ExplicitDeny
    );
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html
#[test]
fn c1_and_across_operators_and_keys_or_across_values() {
    let cond = r#"{"StringEquals":{"aws:username":["bob","eve"],"aws:PrincipalTag/team":"red"},
                   "Bool":{"aws:SecureTransport":"true"}}"#;
    let full = [
        ("aws:username", one("eve")),
        ("aws:PrincipalTag/team", one("red")),
        ("aws:SecureTransport", one("true")),
    ];
    assert!(holds(cond, &full));
    let mut wrong_key = full.clone();
    wrong_key[1].1 = one("blue");
    assert!(!holds(cond, &wrong_key));
    let mut wrong_op = full.clone();
    wrong_op[2].1 = one("false");
    assert!(!holds(cond, &wrong_op));
    // No Condition at all: vacuously true.
    let s = allow("s3:GetObject", r#""*""#);
    assert_eq!(decide_simple(&s, "s3:GetObject", "*"), Decision::Allow);
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
#[test]
fn c2_condition_key_names_are_case_insensitive() {
    assert!(holds(
        r#"{"IpAddress":{"AWS:SourceIP":"203.0.113.0/24"}}"#,
        &[("aws:sourceip", one("203.0.113.7"))]
    ));
    assert!(holds(
        r#"{"StringEquals":{"aws:ResourceTag/TagKey1":"v"}}"#,
        &[("aws:resourcetag/tagkey1", one("v"))]
    ));
    // Values are case-sensitive for StringEquals.
    assert!(!holds(
        r#"{"StringEquals":{"aws:ResourceTag/TagKey1":"v"}}"#,
        &[("aws:resourcetag/tagkey1", one("V"))]
    ));
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
#[test]
fn c3_missing_key_negated_operator_matches() {
    let negated = [
        r#"{"StringNotEquals":{"k:x":"a"}}"#,
        r#"{"StringNotEqualsIgnoreCase":{"k:x":"a"}}"#,
        r#"{"StringNotLike":{"k:x":"a*"}}"#,
        r#"{"NumericNotEquals":{"k:x":"1"}}"#,
        r#"{"DateNotEquals":{"k:x":"2020-01-01T00:00:00Z"}}"#,
        r#"{"NotIpAddress":{"k:x":"10.0.0.0/8"}}"#,
        r#"{"ArnNotEquals":{"k:x":"arn:aws:s3:::b"}}"#,
        r#"{"ArnNotLike":{"k:x":"arn:aws:s3:::*"}}"#,
    ];
    for cond in negated {
        assert!(holds(cond, &[]), "{cond} with a missing key");
        assert_eq!(deny_with(cond, &[]), Decision::ExplicitDeny, "{cond}");
    }
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
#[test]
fn c3_missing_key_positive_operator_does_not_match() {
    let positive = [
        r#"{"StringEquals":{"k:x":"a"}}"#,
        r#"{"StringEqualsIgnoreCase":{"k:x":"a"}}"#,
        r#"{"StringLike":{"k:x":"*"}}"#,
        r#"{"NumericLessThan":{"k:x":"1"}}"#,
        r#"{"NumericGreaterThanEquals":{"k:x":"1"}}"#,
        r#"{"DateLessThan":{"k:x":"2020-01-01T00:00:00Z"}}"#,
        r#"{"Bool":{"k:x":"false"}}"#,
        r#"{"BinaryEquals":{"k:x":"QmluYXJ5"}}"#,
        r#"{"IpAddress":{"k:x":"0.0.0.0/0"}}"#,
        r#"{"ArnLike":{"k:x":"*"}}"#,
        r#"{"ArnEquals":{"k:x":"arn:aws:s3:::b"}}"#,
    ];
    for cond in positive {
        assert!(!holds(cond, &[]), "{cond} with a missing key");
        assert_eq!(deny_with(cond, &[]), Decision::Allow, "{cond}");
    }
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
#[test]
fn c4_if_exists() {
    let cond = r#"{"StringEqualsIfExists":{"ec2:InstanceType":["t3.micro","t3.small"]}}"#;
    assert!(holds(cond, &[]));
    assert!(holds(cond, &[("ec2:InstanceType", one("t3.micro"))]));
    assert!(!holds(cond, &[("ec2:InstanceType", one("m5.large"))]));
    // Deny + StringNotEqualsIfExists still denies when the key is missing.
    let deny = r#"{"StringNotEqualsIfExists":{"ec2:InstanceType":"t3.micro"}}"#;
    assert_eq!(deny_with(deny, &[]), Decision::ExplicitDeny);
    assert_eq!(
        deny_with(deny, &[("ec2:InstanceType", one("t3.micro"))]),
        Decision::Allow
    );
    assert_eq!(
        deny_with(deny, &[("ec2:InstanceType", one("m5.large"))]),
        Decision::ExplicitDeny
    );
    // Other families.
    assert!(holds(
        r#"{"NumericLessThanIfExists":{"s3:max-keys":"10"}}"#,
        &[]
    ));
    assert!(!holds(
        r#"{"NumericLessThanIfExists":{"s3:max-keys":"10"}}"#,
        &[("s3:max-keys", one("11"))]
    ));
    assert!(holds(
        r#"{"ForAnyValue:StringLikeIfExists":{"cognito-identity.amazonaws.com:amr":"authenticated"}}"#,
        &[]
    ));
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
#[test]
fn c5_null() {
    let absent = r#"{"Null":{"aws:TokenIssueTime":"true"}}"#;
    let present = r#"{"Null":{"aws:TokenIssueTime":"false"}}"#;
    let ctx = [("aws:TokenIssueTime", one("2024-01-01T00:00:00Z"))];
    assert!(holds(absent, &[]));
    assert!(!holds(absent, &ctx));
    assert!(!holds(present, &[]));
    assert!(holds(present, &ctx));
    // JSON booleans work.
    assert!(holds(r#"{"Null":{"aws:TokenIssueTime":true}}"#, &[]));
    assert!(holds(r#"{"Null":{"aws:TokenIssueTime":false}}"#, &ctx));
    // Default: a key present with "" is present.
    assert!(holds(present, &[("aws:TokenIssueTime", one(""))]));
    // Deny when MFA info is missing.
    assert_eq!(
        deny_with(r#"{"Null":{"aws:MultiFactorAuthAge":"true"}}"#, &[]),
        Decision::ExplicitDeny
    );
    assert_eq!(
        deny_with(
            r#"{"Null":{"aws:MultiFactorAuthAge":"true"}}"#,
            &[("aws:MultiFactorAuthAge", one("30"))]
        ),
        Decision::Allow
    );
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
#[test]
fn c6_empty_value_list() {
    let present = [("k:x", one("a"))];
    let multi = [("k:x", many(&["a"]))];
    // Plain operator with [] never matches.
    assert!(!holds(r#"{"StringEquals":{"k:x":[]}}"#, &present));
    assert!(!holds(r#"{"StringEquals":{"k:x":[]}}"#, &[]));
    // ForAnyValue with [] never matches.
    assert!(!holds(r#"{"ForAnyValue:StringEquals":{"k:x":[]}}"#, &multi));
    assert!(!holds(r#"{"ForAnyValue:StringEquals":{"k:x":[]}}"#, &[]));
    // ForAllValues with [] matches only if the key is missing.
    assert!(holds(r#"{"ForAllValues:StringEquals":{"k:x":[]}}"#, &[]));
    assert!(!holds(
        r#"{"ForAllValues:StringEquals":{"k:x":[]}}"#,
        &multi
    ));
    // IfExists with [] matches only if the key is missing.
    assert!(holds(r#"{"StringEqualsIfExists":{"k:x":[]}}"#, &[]));
    assert!(!holds(r#"{"StringEqualsIfExists":{"k:x":[]}}"#, &present));
    // Negated with []: NOR over nothing is true.
    assert!(holds(r#"{"StringNotEquals":{"k:x":[]}}"#, &present));
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
#[test]
fn c7_bare_operator_on_multi_valued_key() {
    let cond = r#"{"StringEquals":{"aws:CalledVia":"athena.amazonaws.com"}}"#;
    let two = [(
        "aws:CalledVia",
        many(&["athena.amazonaws.com", "glue.amazonaws.com"]),
    )];
    let single_list = [("aws:CalledVia", many(&["athena.amazonaws.com"]))];
    assert!(!holds(cond, &two), "several values: no match by default");
    assert!(holds(cond, &single_list), "a one-element list is a scalar");
    assert!(!holds(
        cond,
        &[("aws:CalledVia", many(&["glue.amazonaws.com"]))]
    ));
    let mut options = Options::default();
    options.bare_multi_value = BareMultiValue::AnyValue;
    assert!(holds_with(options, cond, &two));
    // The qualified form matches.
    assert!(holds(
        r#"{"ForAnyValue:StringEquals":{"aws:CalledVia":"athena.amazonaws.com"}}"#,
        &two
    ));
}

// ---------------------------------------------------------------------------
// O: operator families
// ---------------------------------------------------------------------------

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String
#[test]
fn o1_string_operators() {
    let key = "aws:PrincipalTag/dept";
    let cases: &[(&str, &str, &str, bool)] = &[
        ("StringEquals", "Sales", "Sales", true),
        ("StringEquals", "Sales", "sales", false),
        ("StringEquals", "Sa*", "Sales", false),
        ("StringEquals", "Sa*", "Sa*", true),
        ("StringNotEquals", "Sales", "sales", true),
        ("StringEqualsIgnoreCase", "Sales", "SALES", true),
        ("StringEqualsIgnoreCase", "\u{c9}cole", "\u{e9}cole", true),
        ("StringEqualsIgnoreCase", "stra\u{df}e", "strasse", false),
        ("StringNotEqualsIgnoreCase", "Sales", "SALES", false),
        ("StringLike", "home/*/docs", "home/a/b:c/docs", true),
        ("StringLike", "Sa?es", "Sales", true),
        ("StringLike", "Sa?es", "Saes", false),
        ("StringLike", "sa*", "Sales", false),
        ("StringNotLike", "Sa*", "Sales", false),
        ("StringNotLike", "Sa*", "Marketing", true),
    ];
    for &(op, policy, request, expected) in cases {
        let cond = format!(r#"{{"{op}":{{"{key}":"{policy}"}}}}"#);
        assert_eq!(
            holds(&cond, &[(key, one(request))]),
            expected,
            "{op} {policy:?} vs {request:?}"
        );
    }
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Numeric
#[test]
fn o2_numeric_operators_compare_exactly() {
    let key = "s3:max-keys";
    let cases: &[(&str, &str, &str, bool)] = &[
        (
            "NumericEquals",
            "9007199254740993",
            "9007199254740992",
            false,
        ),
        (
            "NumericEquals",
            "9007199254740993",
            "9007199254740993",
            true,
        ),
        (
            "NumericNotEquals",
            "9007199254740993",
            "9007199254740992",
            true,
        ),
        (
            "NumericLessThan",
            "9007199254740993",
            "9007199254740992",
            true,
        ),
        (
            "NumericGreaterThan",
            "9007199254740993",
            "9007199254740992",
            false,
        ),
        ("NumericLessThan", "2", "1.5", true),
        ("NumericLessThanEquals", "1.5", "1.50", true),
        ("NumericGreaterThan", "-1", "0", true),
        ("NumericGreaterThanEquals", "10", "9.999", false),
        ("NumericEquals", "10", "10.0", true),
    ];
    for &(op, policy, request, expected) in cases {
        let cond = format!(r#"{{"{op}":{{"{key}":"{policy}"}}}}"#);
        assert_eq!(
            holds(&cond, &[(key, one(request))]),
            expected,
            "{op} {policy} vs {request}"
        );
    }
    // A non-numeric request value does not match a positive operator.
    assert!(!holds(
        r#"{"NumericLessThan":{"s3:max-keys":"10"}}"#,
        &[(key, one("abc"))]
    ));
    // A non-numeric policy value is rejected with its path.
    assert_eq!(
        condition_error_path(r#"{"NumericLessThan":{"s3:max-keys":"ten"}}"#),
        "Statement[0].Condition.NumericLessThan.s3:max-keys"
    );
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Date
#[test]
fn o3_date_operators_mix_epoch_and_iso() {
    let key = "aws:CurrentTime";
    let cases: &[(&str, &str, &str, bool)] = &[
        ("DateLessThan", "2020-01-01T00:00:00Z", "1577836799", true),
        ("DateLessThan", "2020-01-01T00:00:00Z", "1577836800", false),
        (
            "DateGreaterThan",
            "1577836800",
            "2020-01-01T00:00:01Z",
            true,
        ),
        (
            "DateGreaterThan",
            "1577836800",
            "2019-12-31T23:59:59Z",
            false,
        ),
        ("DateEquals", "1577836800", "2020-01-01T00:00:00Z", true),
        (
            "DateEquals",
            "2020-01-01T01:00:00+01:00",
            "2020-01-01T00:00:00Z",
            true,
        ),
        ("DateNotEquals", "1577836800", "2020-01-01T00:00:00Z", false),
        (
            "DateLessThanEquals",
            "2020-01-01T00:00:00Z",
            "1577836800",
            true,
        ),
        (
            "DateGreaterThanEquals",
            "2020-01-01",
            "2020-01-01T00:00:00Z",
            true,
        ),
        ("DateLessThan", "2020-01-01", "2019-12-31T23:59:59Z", true),
    ];
    for &(op, policy, request, expected) in cases {
        let cond = format!(r#"{{"{op}":{{"{key}":"{policy}"}}}}"#);
        assert_eq!(
            holds(&cond, &[(key, one(request))]),
            expected,
            "{op} {policy} vs {request}"
        );
    }
    assert_eq!(
        condition_error_path(r#"{"DateLessThan":{"aws:CurrentTime":"tomorrow"}}"#),
        "Statement[0].Condition.DateLessThan.aws:CurrentTime"
    );
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Boolean
#[test]
fn o4_bool() {
    let key = "aws:SecureTransport";
    assert!(holds(
        r#"{"Bool":{"aws:SecureTransport":"true"}}"#,
        &[(key, one("true"))]
    ));
    assert!(!holds(
        r#"{"Bool":{"aws:SecureTransport":"true"}}"#,
        &[(key, one("false"))]
    ));
    assert!(holds(
        r#"{"Bool":{"aws:SecureTransport":"false"}}"#,
        &[(key, one("false"))]
    ));
    assert!(holds(
        r#"{"Bool":{"aws:SecureTransport":false}}"#,
        &[(key, one("false"))]
    ));
    // The usual Deny-on-HTTP guard.
    assert_eq!(
        deny_with(
            r#"{"Bool":{"aws:SecureTransport":"false"}}"#,
            &[(key, one("false"))]
        ),
        Decision::ExplicitDeny
    );
    assert_eq!(
        deny_with(
            r#"{"Bool":{"aws:SecureTransport":"false"}}"#,
            &[(key, one("true"))]
        ),
        Decision::Allow
    );
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_BinaryEquals
#[test]
fn o5_binary_equals_compares_bytes() {
    let key = "aws:PrincipalTag/bin";
    let cond = r#"{"BinaryEquals":{"aws:PrincipalTag/bin":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}"#;
    assert!(holds(cond, &[(key, one("QmluYXJ5VmFsdWVJbkJhc2U2NA=="))]));
    assert!(!holds(cond, &[(key, one("QmluYXJ5"))]));
    assert_eq!(
        condition_error_path(r#"{"BinaryEquals":{"k:x":"not base64!"}}"#),
        "Statement[0].Condition.BinaryEquals.k:x"
    );
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress
#[test]
fn o6_ip_address_v4_and_v6() {
    let key = "aws:SourceIp";
    let cases: &[(&str, &str, &str, bool)] = &[
        ("IpAddress", "203.0.113.0/24", "203.0.113.9", true),
        ("IpAddress", "203.0.113.0/24", "203.0.114.9", false),
        ("IpAddress", "203.0.113.7", "203.0.113.7", true),
        ("IpAddress", "203.0.113.7", "203.0.113.8", false),
        (
            "IpAddress",
            "2001:DB8:1234:5678::/64",
            "2001:db8:1234:5678::1",
            true,
        ),
        (
            "IpAddress",
            "2001:DB8:1234:5678::/64",
            "2001:db8:1234:5679::1",
            false,
        ),
        ("IpAddress", "203.0.113.0/24", "2001:db8::1", false),
        ("NotIpAddress", "203.0.113.0/24", "2001:db8::1", true),
        ("NotIpAddress", "203.0.113.0/24", "203.0.113.9", false),
        // An IPv4-mapped address is the IPv4 address it maps (O6).
        ("IpAddress", "0.0.0.0/0", "::ffff:1.2.3.4", true),
        ("IpAddress", "0.0.0.0/0", "64:ff9b::1.2.3.4", false),
    ];
    for &(op, policy, request, expected) in cases {
        let cond = format!(r#"{{"{op}":{{"{key}":"{policy}"}}}}"#);
        assert_eq!(
            holds(&cond, &[(key, one(request))]),
            expected,
            "{op} {policy} vs {request}"
        );
    }
    assert_eq!(
        condition_error_path(r#"{"IpAddress":{"aws:SourceIp":"300.1.1.1/8"}}"#),
        "Statement[0].Condition.IpAddress.aws:SourceIp"
    );
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
#[test]
fn o7_arn_like_is_segment_wise_string_like_is_not() {
    let key = "aws:SourceArn";
    let pattern = "arn:aws:someservice:*:111122223333:finance/*";
    let value =
        "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt";
    assert!(holds(
        &format!(r#"{{"StringLike":{{"{key}":"{pattern}"}}}}"#),
        &[(key, one(value))]
    ));
    assert!(!holds(
        &format!(r#"{{"ArnLike":{{"{key}":"{pattern}"}}}}"#),
        &[(key, one(value))]
    ));
    // ArnEquals behaves like ArnLike, and ArnNotEquals like ArnNotLike.
    let good = "arn:aws:someservice:us-east-2:111122223333:finance/q1.xlsx";
    for op in ["ArnLike", "ArnEquals"] {
        let cond = format!(r#"{{"{op}":{{"{key}":"{pattern}"}}}}"#);
        assert!(holds(&cond, &[(key, one(good))]), "{op}");
        assert!(!holds(&cond, &[(key, one(value))]), "{op}");
    }
    for op in ["ArnNotLike", "ArnNotEquals"] {
        let cond = format!(r#"{{"{op}":{{"{key}":"{pattern}"}}}}"#);
        assert!(!holds(&cond, &[(key, one(good))]), "{op}");
        assert!(holds(&cond, &[(key, one(value))]), "{op}");
    }
    // Case-sensitive.
    assert!(!holds(
        &format!(r#"{{"ArnLike":{{"{key}":"{pattern}"}}}}"#),
        &[(
            key,
            one("arn:aws:someservice:us-east-2:111122223333:Finance/q1")
        )]
    ));
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
#[test]
fn o9_variables_and_wildcards_per_family() {
    // Wildcards are literal outside *Like and Arn operators.
    assert!(!holds(
        r#"{"StringEquals":{"s3:prefix":"home/*"}}"#,
        &[("s3:prefix", one("home/x"))]
    ));
    assert!(holds(
        r#"{"StringLike":{"s3:prefix":"home/*"}}"#,
        &[("s3:prefix", one("home/x"))]
    ));
    // Variables are rejected in Date, Binary and Null values.
    for cond in [
        r#"{"DateLessThan":{"aws:CurrentTime":"${aws:username}"}}"#,
        r#"{"BinaryEquals":{"k:x":"${aws:username}"}}"#,
        r#"{"Null":{"k:x":"${aws:username}"}}"#,
    ] {
        let err = identity_error(&doc(&format!(
            r#"[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{cond}}}]"#
        )));
        assert!(
            err.location().path().starts_with("Statement[0].Condition"),
            "{cond}: {err}"
        );
    }
}

// ---------------------------------------------------------------------------
// S: set operators
// ---------------------------------------------------------------------------

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
#[test]
fn s1_for_all_values() {
    let cond = r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b","c"]}}"#;
    assert!(holds(cond, &[("aws:TagKeys", many(&["a", "b"]))]));
    assert!(!holds(cond, &[("aws:TagKeys", many(&["a", "d"]))]));
    // Negated inner op: every request value must match none.
    let neg = r#"{"ForAllValues:StringNotEquals":{"aws:TagKeys":["a","b"]}}"#;
    assert!(holds(neg, &[("aws:TagKeys", many(&["x", "y"]))]));
    assert!(!holds(neg, &[("aws:TagKeys", many(&["x", "a"]))]));
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
#[test]
fn s2_for_any_value() {
    let cond = r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":["a","b"]}}"#;
    assert!(holds(cond, &[("aws:TagKeys", many(&["x", "a"]))]));
    assert!(!holds(cond, &[("aws:TagKeys", many(&["x", "y"]))]));
    // Cognito amr form.
    assert!(holds(
        r#"{"ForAnyValue:StringLike":{"cognito-identity.amazonaws.com:amr":"authenticated"}}"#,
        &[(
            "cognito-identity.amazonaws.com:amr",
            many(&["authenticated", "graph.facebook.com"])
        )]
    ));
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
#[test]
fn s3_missing_or_empty_key() {
    let all = r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["a"]}}"#;
    let any = r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":["a"]}}"#;
    assert!(holds(all, &[]));
    assert!(!holds(any, &[]));
    assert!(holds(all, &[("aws:TagKeys", many(&[]))]));
    assert!(!holds(any, &[("aws:TagKeys", many(&[]))]));
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition_examples-multi-valued-context-keys.html
#[test]
fn s4_negation_is_per_value_doc_example() {
    let cond = r#"{"ForAllValues:StringNotLike":{"aws:TagKeys":"key1*"}}"#;
    let table: &[(Option<&[&str]>, bool)] = &[
        (Some(&["key1:legal"]), false),
        (Some(&["key1:hr", "key1:personnel"]), false),
        (Some(&["key2:audit"]), true),
        (None, true),
    ];
    for &(values, expected) in table {
        let ctx: Vec<(&str, ContextValue)> = values
            .map(|v| vec![("aws:TagKeys", many(v))])
            .unwrap_or_default();
        assert_eq!(holds(cond, &ctx), expected, "{values:?}");
        // As a Deny, the missing key case denies.
        let want = if expected {
            Decision::ExplicitDeny
        } else {
            Decision::Allow
        };
        assert_eq!(deny_with(cond, &ctx), want, "deny {values:?}");
    }
    // Not the negation of the whole set result.
    assert!(!holds(
        r#"{"ForAllValues:StringNotEquals":{"k:x":["admin","root"]}}"#,
        &[("k:x", many(&["admin"]))]
    ));
    assert!(!holds(
        r#"{"ForAllValues:StringNotEquals":{"k:x":["admin","root"]}}"#,
        &[("k:x", many(&["admin", "x"]))]
    ));
    assert!(holds(
        r#"{"ForAnyValue:StringNotEquals":{"k:x":["a"]}}"#,
        &[("k:x", many(&["a", "b"]))]
    ));
    assert!(!holds(
        r#"{"ForAnyValue:StringNotEquals":{"k:x":["a"]}}"#,
        &[("k:x", many(&["a"]))]
    ));
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
#[test]
fn s5_set_operator_on_single_valued_key() {
    let all = r#"{"ForAllValues:StringEquals":{"aws:username":["bob","eve"]}}"#;
    assert!(holds(all, &[("aws:username", one("bob"))]));
    assert!(!holds(all, &[("aws:username", one("mallory"))]));
    // Overly permissive: a missing key makes ForAllValues true.
    assert!(holds(all, &[]));
    let any = r#"{"ForAnyValue:StringEquals":{"aws:username":["bob"]}}"#;
    assert!(holds(any, &[("aws:username", one("bob"))]));
    assert!(!holds(any, &[]));
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
#[test]
fn s6_multi_valued_keys_from_the_request() {
    // DynamoDB LeadingKeys with the Cognito sub.
    let cond = r#"{"ForAllValues:StringEquals":{"dynamodb:LeadingKeys":["${cognito-identity.amazonaws.com:sub}"]}}"#;
    let sub = ("cognito-identity.amazonaws.com:sub", one("us-east-1:1111"));
    assert!(holds(
        cond,
        &[
            sub.clone(),
            ("dynamodb:LeadingKeys", many(&["us-east-1:1111"]))
        ]
    ));
    assert!(!holds(
        cond,
        &[
            sub.clone(),
            (
                "dynamodb:LeadingKeys",
                many(&["us-east-1:1111", "us-east-1:2222"])
            )
        ]
    ));
    // The trap of rule D2: no leading keys at all (Scan) is vacuously true.
    assert!(holds(cond, &[sub]));
}

// ---------------------------------------------------------------------------
// E: evaluation across statements and policy types
// ---------------------------------------------------------------------------

fn builder_set(policies: &[(&str, PolicyType, u32, &str)]) -> PolicySet {
    let mut b = PolicySet::builder();
    for &(id, ty, level, json) in policies {
        b.add_at_level(id, ty, level, json)
            .unwrap_or_else(|e| panic!("{id}: {e}"));
    }
    b.build()
}

fn user_request(action: &str, resource: &str, resource_account: &str) -> Request {
    Request::builder(action, resource)
        .principal(USER)
        .resource_account(resource_account)
        .build()
}

const ALLOW_S3: &str =
    r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#;
const ALLOW_ALL: &str =
    r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#;

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
#[test]
fn e1_non_matching_statements_have_no_effect() {
    let s = identity(
        r#"[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"},
            {"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"},
            {"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::other/*"},
            {"Effect":"Deny","Action":"s3:GetObject","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]"#,
    );
    let req = Request::builder("s3:GetObject", "arn:aws:s3:::b/k")
        .context("aws:SecureTransport", "true")
        .build();
    assert_eq!(decide(&s, &req), Decision::Allow);
    // A non-matching Allow is not a deny.
    let s = identity(
        r#"[{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"},
            {"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]"#,
    );
    assert_eq!(decide_simple(&s, "s3:GetObject", "*"), Decision::Allow);
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
#[test]
fn e2_deny_beats_allow_default_is_implicit_deny() {
    let s = builder_set(&[
        ("a", PolicyType::Identity, 0, ALLOW_S3),
        (
            "b",
            PolicyType::Identity,
            0,
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}}"#,
        ),
    ]);
    let r = |a: &str| decide(&s, &user_request(a, "arn:aws:s3:::b/k", ACCT));
    assert_eq!(r("s3:GetObject"), Decision::Allow);
    assert_eq!(r("s3:DeleteObject"), Decision::ExplicitDeny);
    assert_eq!(r("ec2:RunInstances"), Decision::ImplicitDeny);
    let empty = PolicySet::builder().build();
    assert!(empty.is_empty());
    assert_eq!(
        decide_simple(&empty, "s3:GetObject", "*"),
        Decision::ImplicitDeny
    );
}

const BUCKET_POLICY_ALICE: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/alice"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}"#;

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
#[test]
fn e3_same_account_union_of_identity_and_resource_policy() {
    // Only the resource policy allows.
    let s = builder_set(&[("bucket", PolicyType::Resource, 0, BUCKET_POLICY_ALICE)]);
    assert_eq!(
        decide(&s, &user_request("s3:GetObject", "arn:aws:s3:::b/k", ACCT)),
        Decision::Allow
    );
    // Only the identity policy allows; the resource policy says nothing about it.
    let s = builder_set(&[
        ("id", PolicyType::Identity, 0, ALLOW_S3),
        ("bucket", PolicyType::Resource, 0, BUCKET_POLICY_ALICE),
    ]);
    assert_eq!(
        decide(&s, &user_request("s3:PutObject", "arn:aws:s3:::b/k", ACCT)),
        Decision::Allow
    );
    // Neither allows.
    assert_eq!(
        decide(&s, &user_request("ec2:RunInstances", "*", ACCT)),
        Decision::ImplicitDeny
    );
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
#[test]
fn e3_trust_policy_must_allow_explicitly() {
    let trust = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/bob"},"Action":"sts:AssumeRole"}}"#;
    let s = builder_set(&[
        ("id", PolicyType::Identity, 0, ALLOW_ALL),
        ("trust", PolicyType::Trust, 0, trust),
    ]);
    let role = "arn:aws:iam::123456789012:role/R";
    let alice = decide(&s, &user_request("sts:AssumeRole", role, ACCT));
    assert_eq!(alice, Decision::ImplicitDeny);
    let bob = Request::builder("sts:AssumeRole", role)
        .principal("arn:aws:iam::123456789012:user/bob")
        .resource_account(ACCT)
        .build();
    assert_eq!(decide(&s, &bob), Decision::Allow);
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
#[test]
fn e4_every_scp_level_must_allow() {
    let ou_s3 =
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#;
    let s = builder_set(&[
        ("id", PolicyType::Identity, 0, ALLOW_ALL),
        ("root", PolicyType::Scp, 0, ALLOW_ALL),
        ("ou", PolicyType::Scp, 1, ou_s3),
        ("acct", PolicyType::Scp, 2, ALLOW_ALL),
    ]);
    assert_eq!(
        decide(&s, &user_request("s3:GetObject", "arn:aws:s3:::b/k", ACCT)),
        Decision::Allow
    );
    let blocked = user_request("ec2:RunInstances", "*", ACCT);
    let response = s.evaluate(&blocked);
    assert_eq!(response.decision(), Decision::ImplicitDeny);
    assert_eq!(
        response.explanation().blocked_by,
        Some(Blocker::Scp { level: 1 })
    );
    // SCPs never grant.
    let scp_only = builder_set(&[("root", PolicyType::Scp, 0, ALLOW_ALL)]);
    assert_eq!(
        decide(
            &scp_only,
            &user_request("s3:GetObject", "arn:aws:s3:::b/k", ACCT)
        ),
        Decision::ImplicitDeny
    );
    // An SCP Deny is an explicit deny.
    let deny_scp = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}]}"#;
    let s = builder_set(&[
        ("id", PolicyType::Identity, 0, ALLOW_ALL),
        ("root", PolicyType::Scp, 0, deny_scp),
    ]);
    assert_eq!(
        decide(&s, &user_request("s3:DeleteBucket", "arn:aws:s3:::b", ACCT)),
        Decision::ExplicitDeny
    );
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
#[test]
fn e4_boundary_and_session_policy_must_allow() {
    let s = builder_set(&[
        ("id", PolicyType::Identity, 0, ALLOW_ALL),
        ("pb", PolicyType::Boundary, 0, ALLOW_S3),
    ]);
    assert_eq!(
        decide(&s, &user_request("s3:GetObject", "arn:aws:s3:::b/k", ACCT)),
        Decision::Allow
    );
    let ec2 = user_request("ec2:RunInstances", "*", ACCT);
    let r = s.evaluate(&ec2);
    assert_eq!(r.decision(), Decision::ImplicitDeny);
    assert_eq!(r.explanation().blocked_by, Some(Blocker::Boundary));
    // The boundary alone grants nothing.
    let s = builder_set(&[("pb", PolicyType::Boundary, 0, ALLOW_ALL)]);
    assert_eq!(
        decide(&s, &user_request("s3:GetObject", "arn:aws:s3:::b/k", ACCT)),
        Decision::ImplicitDeny
    );

    let session = "arn:aws:sts::123456789012:assumed-role/R/s";
    let s = builder_set(&[
        ("id", PolicyType::Identity, 0, ALLOW_ALL),
        ("sess", PolicyType::Session, 0, ALLOW_S3),
    ]);
    let req = |a: &str, res: &str| {
        Request::builder(a, res)
            .principal(session)
            .resource_account(ACCT)
            .build()
    };
    assert_eq!(
        decide(&s, &req("s3:GetObject", "arn:aws:s3:::b/k")),
        Decision::Allow
    );
    let r2 = req("ec2:RunInstances", "*");
    let r = s.evaluate(&r2);
    assert_eq!(r.decision(), Decision::ImplicitDeny);
    assert_eq!(r.explanation().blocked_by, Some(Blocker::Session));
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
#[test]
fn e5_resource_policy_principal_decides_whether_boundary_limits() {
    let deny_boundary = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ec2:*","Resource":"*"}}"#;
    let session = "arn:aws:sts::123456789012:assumed-role/R/s";
    let bucket = |principal: &str| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Principal":{{"AWS":"{principal}"}},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}}}"#
        )
    };
    let run = |policy: &str, principal: &str| {
        let s = builder_set(&[
            ("pb", PolicyType::Boundary, 0, deny_boundary),
            ("bucket", PolicyType::Resource, 0, policy),
        ]);
        decide(
            &s,
            &Request::builder("s3:GetObject", "arn:aws:s3:::b/k")
                .principal(principal)
                .resource_account(ACCT)
                .build(),
        )
    };
    // Names the user ARN: not limited by the boundary.
    assert_eq!(run(&bucket(USER), USER), Decision::Allow);
    // Names the role ARN: limited by the boundary.
    assert_eq!(
        run(&bucket("arn:aws:iam::123456789012:role/R"), session),
        Decision::ImplicitDeny
    );
    // Names the session ARN: not limited.
    assert_eq!(run(&bucket(session), session), Decision::Allow);
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
#[test]
fn e6_cross_account_needs_both_sides() {
    let bucket_other = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}"#;
    let req = user_request("s3:GetObject", "arn:aws:s3:::b/k", OTHER);
    // Identity only.
    let s = builder_set(&[("id", PolicyType::Identity, 0, ALLOW_S3)]);
    let r = s.evaluate(&req);
    assert_eq!(r.decision(), Decision::ImplicitDeny);
    assert_eq!(r.explanation().blocked_by, Some(Blocker::Resource));
    // Resource only.
    let s = builder_set(&[("bucket", PolicyType::Resource, 0, bucket_other)]);
    let r = s.evaluate(&req);
    assert_eq!(r.decision(), Decision::ImplicitDeny);
    assert_eq!(r.explanation().blocked_by, Some(Blocker::Identity));
    // Both.
    let s = builder_set(&[
        ("id", PolicyType::Identity, 0, ALLOW_S3),
        ("bucket", PolicyType::Resource, 0, bucket_other),
    ]);
    assert_eq!(decide(&s, &req), Decision::Allow);
    // Same policies, same account: union already allows with either.
    let same = user_request("s3:GetObject", "arn:aws:s3:::b/k", ACCT);
    let s = builder_set(&[("id", PolicyType::Identity, 0, ALLOW_S3)]);
    assert_eq!(decide(&s, &same), Decision::Allow);
}

const COGNITO_TRUST: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"cognito-identity.amazonaws.com:aud":"us-east-1:12345678-corner-cafe-123456790ab"},"ForAnyValue:StringLike":{"cognito-identity.amazonaws.com:amr":"authenticated"}}}}"#;

// https://docs.aws.amazon.com/cognito/latest/developerguide/role-trust-and-permissions.html
#[test]
fn e7_web_identity_needs_the_trust_policy() {
    let s = builder_set(&[("trust", PolicyType::Trust, 0, COGNITO_TRUST)]);
    let role = "arn:aws:iam::123456789012:role/Cognito_Auth_Role";
    let req = |aud: &str, amr: &[&str]| {
        Request::builder("sts:AssumeRoleWithWebIdentity", role)
            .principal("cognito-identity.amazonaws.com")
            .context("cognito-identity.amazonaws.com:aud", aud)
            .context("cognito-identity.amazonaws.com:amr", many(amr))
            .build()
    };
    let pool = "us-east-1:12345678-corner-cafe-123456790ab";
    assert_eq!(
        decide(&s, &req(pool, &["authenticated", "graph.facebook.com"])),
        Decision::Allow
    );
    assert_eq!(
        decide(&s, &req("us-east-1:other-pool", &["authenticated"])),
        Decision::ImplicitDeny
    );
    assert_eq!(
        decide(&s, &req(pool, &["unauthenticated"])),
        Decision::ImplicitDeny
    );
    // A web identity has no identity policy: an identity Allow cannot stand in.
    let s = builder_set(&[("id", PolicyType::Identity, 0, ALLOW_ALL)]);
    assert_eq!(
        decide(&s, &req(pool, &["authenticated"])),
        Decision::ImplicitDeny
    );
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
#[test]
fn e8_anonymous_requests_match_only_principal_star() {
    let public = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}"#;
    let account_only = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}"#;
    let anon = Request::builder("s3:GetObject", "arn:aws:s3:::b/k")
        .principal("anonymous")
        .resource_account(ACCT)
        .build();
    let deny_scp =
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*"}}"#;
    let s = builder_set(&[
        ("bucket", PolicyType::Resource, 0, public),
        // Identity, boundary and SCP policies do not take part.
        (
            "pb",
            PolicyType::Boundary,
            0,
            ALLOW_S3.replace("s3:*", "ec2:*").as_str(),
        ),
        ("scp", PolicyType::Scp, 0, deny_scp),
    ]);
    assert_eq!(decide(&s, &anon), Decision::Allow);
    let s = builder_set(&[("bucket", PolicyType::Resource, 0, account_only)]);
    assert_eq!(decide(&s, &anon), Decision::ImplicitDeny);
    let s = builder_set(&[("id", PolicyType::Identity, 0, ALLOW_ALL)]);
    assert_eq!(decide(&s, &anon), Decision::ImplicitDeny);
}

// ---------------------------------------------------------------------------
// Additional probes
// ---------------------------------------------------------------------------

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
#[test]
fn g1_element_names_are_case_sensitive_and_unique_in_conditions() {
    let err = identity_error(
        r#"{"Version":"2012-10-17","statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#,
    );
    assert_eq!(
        err.kind(),
        &PolicyErrorKind::UnknownElement("statement".into())
    );
    let text = doc(
        r#"{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:username":"a"},"StringEquals":{"aws:username":"b"}}}"#,
    );
    let err = identity_error(&text);
    assert!(err.to_string().contains("duplicate key"), "{err}");
    assert_eq!(
        err.location().column(),
        Some(text.rfind("\"StringEquals\"").expect("second") + 1)
    );
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
#[test]
fn v4_escapes_in_condition_values() {
    let cond = r#"{"StringLike":{"s3:prefix":"a${*}b*"}}"#;
    assert!(holds(cond, &[("s3:prefix", one("a*bzz"))]));
    assert!(!holds(cond, &[("s3:prefix", one("axbzz"))]));
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String
#[test]
fn o1_string_like_empty_entry_matches_empty_prefix() {
    let cond = r#"{"StringLike":{"s3:prefix":["","home/","home/${aws:username}/*"]}}"#;
    let user = ("aws:username", one("bob"));
    for (prefix, expected) in [
        ("", true),
        ("home/", true),
        ("home/bob/docs", true),
        ("home/eve/docs", false),
        ("home", false),
    ] {
        assert_eq!(
            holds(cond, &[user.clone(), ("s3:prefix", one(prefix))]),
            expected,
            "{prefix:?}"
        );
    }
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Date
#[test]
fn o3_date_formats_accepted_by_iam() {
    let key = "aws:CurrentTime";
    for policy in [
        "2020",
        "2020-01",
        "2020-01-01",
        "2020-01-01T00:00Z",
        "2020-01-01T00:00:00.5Z",
        "2020-01-01t00:00:00Z",
    ] {
        let cond = format!(r#"{{"DateGreaterThan":{{"{key}":"{policy}"}}}}"#);
        assert!(
            holds(&cond, &[(key, one("2021-06-01T00:00:00Z"))]),
            "{policy}"
        );
        assert!(
            !holds(&cond, &[(key, one("2019-06-01T00:00:00Z"))]),
            "{policy}"
        );
    }
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress
#[test]
fn o6_bare_ipv6_address_is_a_single_host() {
    let cond = r#"{"IpAddress":{"aws:SourceIp":"2001:db8::1"}}"#;
    assert!(holds(cond, &[("aws:SourceIp", one("2001:db8::1"))]));
    assert!(!holds(cond, &[("aws:SourceIp", one("2001:db8::2"))]));
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
#[test]
fn c7_bare_negated_operator_on_multi_valued_key() {
    let cond = r#"{"StringNotEquals":{"aws:CalledVia":"athena.amazonaws.com"}}"#;
    let two = [(
        "aws:CalledVia",
        many(&["glue.amazonaws.com", "lambda.amazonaws.com"]),
    )];
    assert!(!holds(cond, &two));
    assert!(holds(
        cond,
        &[("aws:CalledVia", many(&["glue.amazonaws.com"]))]
    ));
}

// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html
#[test]
fn e4_rcp_levels_filter_and_deny() {
    let rcp_deny = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"*"}]}"#;
    let rcp_s3_only = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"sqs:*","Resource":"*"}}"#;
    let s = builder_set(&[
        ("id", PolicyType::Identity, 0, ALLOW_ALL),
        ("rcp-root", PolicyType::Rcp, 0, rcp_deny),
    ]);
    assert_eq!(
        decide(&s, &user_request("s3:GetObject", "arn:aws:s3:::b/k", ACCT)),
        Decision::Allow
    );
    assert_eq!(
        decide(
            &s,
            &user_request("s3:DeleteObject", "arn:aws:s3:::b/k", ACCT)
        ),
        Decision::ExplicitDeny
    );
    let s = builder_set(&[
        ("id", PolicyType::Identity, 0, ALLOW_ALL),
        ("rcp-root", PolicyType::Rcp, 0, rcp_deny),
        ("rcp-ou", PolicyType::Rcp, 1, rcp_s3_only),
    ]);
    let req = user_request("s3:GetObject", "arn:aws:s3:::b/k", ACCT);
    let r = s.evaluate(&req);
    assert_eq!(r.decision(), Decision::ImplicitDeny);
    assert_eq!(r.explanation().blocked_by, Some(Blocker::Rcp { level: 1 }));
}
