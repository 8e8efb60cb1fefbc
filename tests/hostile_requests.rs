//! Hostile requests, second round (issue 21): how requests are built, the
//! defaults that must fail closed, the diagnostics for Deny statements that
//! can never apply, and the messages that must say where and what.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly; clippy.toml allows these only inside #[test] fns"
)]

use iam_eval::{
    BareMultiValue, ContextValue, Decision, Options, PolicySet, PolicySetBuilder, PolicyType,
    Request,
};

/// `Allow *` beside a Deny of `s3:GetObject` that carries `condition`.
fn allow_all_but(condition: &str, options: Options) -> PolicySet {
    let text = format!(
        r#"{{"Version":"2012-10-17","Statement":[
            {{"Effect":"Allow","Action":"*","Resource":"*"}},
            {{"Sid":"Guard","Effect":"Deny","Action":"s3:GetObject","Resource":"*","Condition":{condition}}}]}}"#
    );
    let mut builder = PolicySetBuilder::with_options(options);
    builder
        .add("policy", PolicyType::Identity, &text)
        .expect("compiles");
    builder.build()
}

/// An Allow of `s3:GetObject` that carries `condition`.
fn allow_only_if(condition: &str, options: Options) -> PolicySet {
    let text = format!(
        r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{condition}}}}}"#
    );
    let mut builder = PolicySetBuilder::with_options(options);
    builder
        .add("policy", PolicyType::Identity, &text)
        .expect("compiles");
    builder.build()
}

fn get_object(context: &[(&str, ContextValue)]) -> Request {
    let mut builder = Request::builder("s3:GetObject", "arn:aws:s3:::b/k");
    for (key, value) in context {
        builder = builder.context(key, value.clone());
    }
    builder.build()
}

// ---------------------------------------------------------------------------
// Item 11. C7: a bare operator on a key with several values fails closed by
// default: the Deny applies, the Allow does not.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
// ("Multivalued context keys require a condition set operator"; what a bare
// operator does with several values is not documented, so fail closed.)
// ---------------------------------------------------------------------------

#[test]
fn c7_bare_operator_on_several_values_fails_closed_by_default() {
    assert_eq!(
        Options::default().bare_multi_value,
        BareMultiValue::FailClosed
    );
    let several = [(
        "aws:CalledVia",
        ContextValue::from(vec!["athena.amazonaws.com", "glue.amazonaws.com"]),
    )];
    for operator in [
        "StringEquals",
        "StringNotEquals",
        "StringLike",
        "StringNotLike",
    ] {
        let condition = format!(r#"{{"{operator}":{{"aws:CalledVia":"athena.amazonaws.com"}}}}"#);
        let deny = allow_all_but(&condition, Options::default());
        let request = get_object(&several);
        let response = deny.evaluate(&request);
        assert_eq!(
            response.decision(),
            Decision::ExplicitDeny,
            "{operator}: the Deny applies"
        );
        let explanation = response.explanation();
        assert_eq!(explanation.decided_by[0].sid.as_deref(), Some("Guard"));
        let text = explanation.to_string();
        assert!(text.contains("failed closed"), "{text}");
        assert!(text.contains("several request values"), "{text}");

        let allow = allow_only_if(&condition, Options::default());
        assert_eq!(
            allow.evaluate(&get_object(&several)).decision(),
            Decision::ImplicitDeny,
            "{operator}: the Allow does not"
        );
    }
    // One value (single, or a one-element list) is read as before.
    let deny = allow_all_but(
        r#"{"StringEquals":{"aws:CalledVia":"athena.amazonaws.com"}}"#,
        Options::default(),
    );
    let one = [(
        "aws:CalledVia",
        ContextValue::from(vec!["glue.amazonaws.com"]),
    )];
    assert_eq!(deny.evaluate(&get_object(&one)).decision(), Decision::Allow);
    // The qualified forms are unaffected.
    let any = allow_all_but(
        r#"{"ForAnyValue:StringEquals":{"aws:CalledVia":"lambda.amazonaws.com"}}"#,
        Options::default(),
    );
    assert_eq!(
        any.evaluate(&get_object(&several)).decision(),
        Decision::Allow
    );
}

#[test]
fn c7_the_other_modes_stay_available() {
    let several = [(
        "aws:CalledVia",
        ContextValue::from(vec!["athena.amazonaws.com", "glue.amazonaws.com"]),
    )];
    let condition = r#"{"StringEquals":{"aws:CalledVia":"athena.amazonaws.com"}}"#;
    let mut no_match = Options::default();
    no_match.bare_multi_value = BareMultiValue::NoMatch;
    assert_eq!(
        allow_all_but(condition, no_match)
            .evaluate(&get_object(&several))
            .decision(),
        Decision::Allow,
        "NoMatch switches the Deny off, as documented"
    );
    let mut any_value = Options::default();
    any_value.bare_multi_value = BareMultiValue::AnyValue;
    assert_eq!(
        allow_all_but(condition, any_value)
            .evaluate(&get_object(&several))
            .decision(),
        Decision::ExplicitDeny
    );
}

// ---------------------------------------------------------------------------
// Item 7. C2: condition key names are case-insensitive, so two spellings of
// one key are one key. Every path merges them into one multi-valued key
// (never the last one silently winning); only ASCII letters fold, so a
// non-ASCII look-alike never becomes an ASCII key.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
// ("Condition key names are not case-sensitive")
// ---------------------------------------------------------------------------

/// A Deny of anyone whose `team` tag is `red`, beside `Allow *`.
fn deny_team_red() -> PolicySet {
    allow_all_but(
        r#"{"StringEquals":{"aws:PrincipalTag/team":"red"}}"#,
        Options::default(),
    )
}

fn values_of(request: &Request, key: &str) -> Vec<String> {
    request
        .context()
        .get(key)
        .map(|v| v.values().to_vec())
        .unwrap_or_default()
}

#[test]
fn c2_builder_merges_keys_that_differ_only_in_case() {
    let request = Request::builder("s3:GetObject", "arn:aws:s3:::b/k")
        .context("aws:PrincipalTag/team", "red")
        .context("aws:principaltag/TEAM", "blue")
        .build();
    assert_eq!(request.context().len(), 1);
    assert_eq!(
        values_of(&request, "AWS:PRINCIPALTAG/team"),
        ["red", "blue"]
    );
    // The later spelling no longer hides the earlier value: the Deny's bare
    // operator meets two values and fails closed (C7).
    assert_eq!(
        deny_team_red().evaluate(&request).decision(),
        Decision::ExplicitDeny
    );
    // The same spelling twice merges too.
    let twice = Request::builder("s3:GetObject", "arn:aws:s3:::b/k")
        .context("aws:TagKeys", "a")
        .context("aws:TagKeys", vec!["b", "c"])
        .build();
    assert_eq!(values_of(&twice, "aws:tagkeys"), ["a", "b", "c"]);
}

#[test]
fn c2_case_files_merge_keys_that_differ_only_in_case() {
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},
        {"Effect":"Deny","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"red"}}}]}"#;
    for context in [
        r#"{"aws:PrincipalTag/team":"red","aws:principaltag/team":"blue"}"#,
        r#"{"aws:principaltag/team":"blue","aws:PrincipalTag/team":"red"}"#,
    ] {
        let line = format!(
            r#"{{"id":"c","policies":[{{"kind":"identity","document":{policy}}}],
                "request":{{"action":"s3:GetObject","resource":"arn:aws:s3:::b/k","context":{context}}}}}"#
        );
        let case = iam_eval::case::Case::from_json(&line).expect("parses");
        let request = case.build_request();
        let mut values = values_of(&request, "aws:principaltag/team");
        values.sort();
        assert_eq!(values, ["blue", "red"], "{context}");
        let result = case.run(&Options::default()).expect("runs");
        assert_eq!(result.decision, Decision::ExplicitDeny, "{context}");
    }
    // The same spelling twice is a duplicate JSON key, which case files
    // refuse as IAM refuses it in policies (G1), rather than keep the last.
    for context in [
        r#"{"aws:PrincipalTag/team":"red","aws:PrincipalTag/team":"blue"}"#,
        r#"{"aws:PrincipalTag/team":"blue","aws:PrincipalTag/team":["red"]}"#,
    ] {
        let line = format!(
            r#"{{"id":"c","policies":[{{"kind":"identity","document":{policy}}}],
                "request":{{"action":"s3:GetObject","resource":"arn:aws:s3:::b/k","context":{context}}}}}"#
        );
        let error = iam_eval::case::Case::from_json(&line).expect_err("refused");
        assert!(error.contains("duplicate key"), "{error}");
    }
}

#[test]
fn c2_simulator_context_entries_merge_keys_that_differ_only_in_case() {
    let input: iam_eval::simulator::SimulateInput = serde_json::from_str(
        r#"{
      "PolicyInputList": ["{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"},{\"Effect\":\"Deny\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"aws:PrincipalTag/team\":\"red\"}}}]}"],
      "ActionNames": ["s3:GetObject"],
      "ContextEntries": [
        {"ContextKeyName": "aws:PrincipalTag/team", "ContextKeyValues": ["red"], "ContextKeyType": "string"},
        {"ContextKeyName": "aws:principaltag/team", "ContextKeyValues": ["blue"], "ContextKeyType": "string"}
      ]
    }"#,
    )
    .unwrap();
    let output = iam_eval::simulator::simulate(&input).unwrap();
    assert_eq!(output.evaluation_results[0].eval_decision, "explicitDeny");
}

#[test]
fn c2_unicode_look_alikes_are_not_folded_into_ascii_keys() {
    // U+212A KELVIN SIGN lowercases to ASCII `k` under Unicode rules.
    let kelvin = "aws:PrincipalTag/\u{212A}ey";
    let allow = allow_only_if(
        r#"{"StringEquals":{"aws:PrincipalTag/key":"admin"}}"#,
        Options::default(),
    );
    let look_alike = Request::builder("s3:GetObject", "arn:aws:s3:::b/k")
        .context(kelvin, "admin")
        .build();
    assert_eq!(look_alike.context().get("aws:principaltag/key"), None);
    assert_eq!(
        allow.evaluate(&look_alike).decision(),
        Decision::ImplicitDeny,
        "a Kelvin-sign key is not the ASCII key the policy names"
    );
    // Beside the ASCII key, it stays a key of its own.
    let both = Request::builder("s3:GetObject", "arn:aws:s3:::b/k")
        .context("aws:PrincipalTag/key", "admin")
        .context(kelvin, "guest")
        .build();
    assert_eq!(both.context().len(), 2);
    assert_eq!(values_of(&both, "AWS:PRINCIPALTAG/KEY"), ["admin"]);
    assert_eq!(allow.evaluate(&both).decision(), Decision::Allow);
    // ASCII case still folds.
    let ascii = Request::builder("s3:GetObject", "arn:aws:s3:::b/k")
        .context("AWS:PRINCIPALTAG/KEY", "admin")
        .build();
    assert_eq!(allow.evaluate(&ascii).decision(), Decision::Allow);
    // Non-ASCII letters are compared as written: `É` is not `é`.
    let mut context = iam_eval::Context::new();
    context.add("tag:caf\u{e9}", "1");
    context.add("tag:CAF\u{c9}", "2");
    assert_eq!(context.len(), 2);
}

// ---------------------------------------------------------------------------
// Item 10. O6: an IPv4-mapped IPv6 address (what a dual-stack socket reports
// for an IPv4 peer) is that IPv4 address, so IPv4 ranges apply to it. NAT64,
// 6to4 and IPv4-compatible addresses name an IPv6 peer and stay IPv6.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress
// (RFC 4291 §2.5.5.2, RFC 6052, RFC 3056)
// ---------------------------------------------------------------------------

fn source_ip(ip: &str) -> Request {
    get_object(&[("aws:SourceIp", ContextValue::from(ip))])
}

#[test]
fn o6_ipv4_mapped_addresses_meet_ipv4_ranges() {
    let deny = allow_all_but(
        r#"{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#,
        Options::default(),
    );
    for inside in [
        "10.1.2.3",
        "::ffff:10.1.2.3",
        "::FFFF:10.1.2.3",
        "::ffff:a01:203",
        "0:0:0:0:0:ffff:10.1.2.3",
    ] {
        assert_eq!(
            deny.evaluate(&source_ip(inside)).decision(),
            Decision::ExplicitDeny,
            "{inside} is inside 10.0.0.0/8"
        );
    }
    for outside in [
        "11.1.2.3",
        "::ffff:11.1.2.3",
        // NAT64 and 6to4 embed an IPv4 address but are an IPv6 peer's.
        "64:ff9b::10.1.2.3",
        "2002:a01:203::1",
        // IPv4-compatible (deprecated): an IPv6 address.
        "::10.1.2.3",
    ] {
        assert_eq!(
            deny.evaluate(&source_ip(outside)).decision(),
            Decision::Allow,
            "{outside} is not inside 10.0.0.0/8"
        );
    }
    // NotIpAddress: an allow-list that a mapped address no longer escapes.
    let outside_office = allow_all_but(
        r#"{"NotIpAddress":{"aws:SourceIp":["203.0.113.0/24"]}}"#,
        Options::default(),
    );
    assert_eq!(
        outside_office
            .evaluate(&source_ip("::ffff:203.0.113.9"))
            .decision(),
        Decision::Allow
    );
    assert_eq!(
        outside_office
            .evaluate(&source_ip("::ffff:198.51.100.1"))
            .decision(),
        Decision::ExplicitDeny
    );
}

#[test]
fn o6_ipv4_mapped_policy_blocks_meet_ipv4_requests() {
    let allow = allow_only_if(
        r#"{"IpAddress":{"aws:SourceIp":"::ffff:10.0.0.0/104"}}"#,
        Options::default(),
    );
    assert_eq!(
        allow.evaluate(&source_ip("10.9.9.9")).decision(),
        Decision::Allow
    );
    assert_eq!(
        allow.evaluate(&source_ip("::ffff:10.9.9.9")).decision(),
        Decision::Allow
    );
    assert_eq!(
        allow.evaluate(&source_ip("11.0.0.1")).decision(),
        Decision::ImplicitDeny
    );
    // An IPv6 block keeps meaning IPv6.
    let v6 = allow_only_if(
        r#"{"IpAddress":{"aws:SourceIp":"2001:db8::/32"}}"#,
        Options::default(),
    );
    assert_eq!(
        v6.evaluate(&source_ip("2001:db8::1")).decision(),
        Decision::Allow
    );
    assert_eq!(
        v6.evaluate(&source_ip("10.0.0.1")).decision(),
        Decision::ImplicitDeny
    );
}

// ---------------------------------------------------------------------------
// Item 9. A request the crate cannot read is never the basis of an Allow:
// `try_build` refuses it, and evaluating it anyway turns an Allow into an
// implicit deny whose explanation says what is wrong (a Deny still denies).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html (A1, A2)
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns
// ---------------------------------------------------------------------------

const ALLOW_ALL: &str =
    r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#;

const MALFORMED_ACTIONS: &[&str] = &[
    "s3:GetObject\0",
    "s3:Get\0Object",
    "s3:Get Object",
    "s3:GetObject ",
    " s3:GetObject",
    "s3:Get\u{200B}Object",
    "s3:GetÖbject",
    "s3:",
    ":GetObject",
    "s3:Get:Object",
    "s3::GetObject",
    "GetObject",
    "",
    ":",
    "*",
    "s3:*",
    "s3:Get?bject",
    "s\u{0430}3:GetObject",
];

#[test]
fn malformed_actions_are_never_allowed() {
    let set = PolicySet::from_json(ALLOW_ALL).unwrap();
    for action in MALFORMED_ACTIONS {
        let build = || Request::builder(*action, "arn:aws:s3:::b/k");
        let error = build().try_build().expect_err(action);
        assert_eq!(error.part(), iam_eval::RequestPart::Action, "{action:?}");
        assert_eq!(error.value(), *action);
        let request = build().build();
        assert!(request.problem().is_some(), "{action:?}");
        let response = set.evaluate(&request);
        assert_eq!(response.decision(), Decision::ImplicitDeny, "{action:?}");
        assert_eq!(
            set.evaluate_unindexed(&request),
            Decision::ImplicitDeny,
            "{action:?}: the walk agrees"
        );
        let explanation = response.explanation();
        assert_eq!(
            explanation.blocked_by,
            Some(iam_eval::Blocker::UnreadableRequest),
            "{action:?}"
        );
        assert!(
            explanation.summary.contains("cannot be read"),
            "{}",
            explanation.summary
        );
    }
    // Well-formed actions, in any case, with digits, hyphens and dots.
    for action in [
        "s3:GetObject",
        "S3:getobject",
        "execute-api:Invoke",
        "ec2-instance-connect:SendSSHPublicKey",
        "aws-marketplace:ViewSubscriptions",
        "es:ESHttpGet",
    ] {
        let request = Request::builder(action, "*").try_build().expect(action);
        assert_eq!(
            set.evaluate(&request).decision(),
            Decision::Allow,
            "{action}"
        );
    }
}

#[test]
fn a_deny_still_denies_an_unreadable_request() {
    let set = PolicySet::from_json(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},
            {"Effect":"Deny","NotAction":"s3:GetObject","Resource":"*"}]}"#,
    )
    .unwrap();
    let request = Request::builder("s3:Get Object", "*").build();
    assert_eq!(set.evaluate(&request).decision(), Decision::ExplicitDeny);
}

const MALFORMED_ROOTS: &[&str] = &[
    "arn:aws:iam::*:root",
    "arn:aws:iam:::root",
    "arn:aws:iam:us-east-1:123456789012:root",
    "arn:aws:iam::12345678901:root",
    "arn:aws:iam::1234567890123:root",
    "arn:aws:iam::12345678901a:root",
    "arn:aws:iam::123456789012:root ",
    "arn:aws:iam::123456789012:root\0",
    "arn:aws:iam::123456789012:ro\u{200B}ot",
    "arn:evil:iam::123456789012:root",
    "arn::iam::123456789012:root",
    "arn:aws:iam::123456789012",
];

#[test]
fn malformed_root_principals_get_no_root_access() {
    // No policy at all: only the root user of the account is allowed (E2).
    let empty = PolicySet::builder().build();
    let root = Request::builder("s3:GetObject", "arn:aws:s3:::b/k")
        .principal("arn:aws:iam::123456789012:root")
        .resource_account("123456789012")
        .try_build()
        .unwrap();
    assert_eq!(empty.evaluate(&root).decision(), Decision::Allow);
    // An identity policy that allows: the request still may not be allowed.
    let allow_all = PolicySet::from_json(ALLOW_ALL).unwrap();
    for principal in MALFORMED_ROOTS {
        let build = || {
            Request::builder("s3:GetObject", "arn:aws:s3:::b/k")
                .principal(*principal)
                .resource_account("123456789012")
        };
        let error = build().try_build().expect_err(principal);
        assert_eq!(
            error.part(),
            iam_eval::RequestPart::Principal,
            "{principal:?}"
        );
        let request = build().build();
        for set in [&empty, &allow_all] {
            assert_eq!(
                set.evaluate(&request).decision(),
                Decision::ImplicitDeny,
                "{principal:?}"
            );
        }
    }
}

#[test]
fn malformed_principals_are_refused_and_well_formed_ones_read() {
    for bad in [
        "",
        " ",
        "arn:aws:iam::123456789012:user/ alice",
        "arn:aws:iam::123456789012:user/",
        "arn:aws:iam::123456789012:group/admins",
        "arn:aws:sts::123456789012:assumed-role/R",
        "arn:aws:sts:us-east-1:123456789012:assumed-role/R/s",
        "arn:aws:sts::123456789012:assumed-role/R/s:x",
        "arn:aws:iam::123456789012:user/al*ce",
        "arn:aws",
        "lambda.amazonaws.com\n",
        "123456789012\u{200B}",
    ] {
        let result = Request::builder("s3:GetObject", "*")
            .principal(bad)
            .try_build();
        assert!(result.is_err(), "{bad:?} is refused");
    }
    for good in [
        "arn:aws:iam::123456789012:root",
        "arn:aws-cn:iam::123456789012:root",
        "arn:aws-us-gov:iam::123456789012:user/path/alice+ops@example.com",
        "arn:aws:iam::123456789012:role/service-role/R_1",
        "arn:aws:sts::123456789012:assumed-role/Cognito_Auth/CognitoIdentityCredentials",
        "arn:aws:sts::123456789012:federated-user/bob",
        "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
        "123456789012",
        "anonymous",
        "lambda.amazonaws.com",
        "cognito-identity.amazonaws.com",
        "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be",
    ] {
        let result = Request::builder("s3:GetObject", "*")
            .principal(good)
            .try_build();
        assert!(result.is_ok(), "{good:?} is read: {result:?}");
    }
}

#[test]
fn unreadable_request_errors_say_what_and_where() {
    let error = Request::builder("s3:Get\0Object", "*")
        .try_build()
        .unwrap_err();
    let text = error.to_string();
    assert!(
        text.starts_with("request action `s3:Get\\0Object`"),
        "{text}"
    );
    let error = Request::builder("s3:GetObject", "*")
        .principal("arn:aws:iam::*:root")
        .try_build()
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "request principal `arn:aws:iam::*:root`: the account of a principal ARN is 12 digits"
    );
}

// ---------------------------------------------------------------------------
// Item 12. Deny statements that can never apply get a diagnostic: `validate`
// warns, `lint` reports SECURITY_WARNING for a Deny (WARNING for an Allow).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
// ---------------------------------------------------------------------------

fn statement(effect: &str, body: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"{effect}","Action":"s3:GetObject","Resource":"*",{body}}}]}}"#
    )
}

/// (body, kind, lint code, JSON path).
const NEVER_APPLIES: &[(&str, iam_eval::WarningKind, &str, &str)] = &[
    (
        r#""Condition":{"StringEquals":{"aws:SoruceVpc":"vpc-1"}}"#,
        iam_eval::WarningKind::UnknownConditionKey,
        // The lint checks keys against the service data, with Access
        // Analyzer's code (an ERROR, with a security warning of its own in
        // a Deny).
        "INVALID_GLOBAL_CONDITION_KEY",
        "Statement[0].Condition.StringEquals.aws:SoruceVpc",
    ),
    (
        r#""Condition":{"IpAddress":{"aws:SourceIp ":"10.0.0.0/8"}}"#,
        iam_eval::WarningKind::UnknownConditionKey,
        "UNKNOWN_CONDITION_KEY",
        r#"Statement[0].Condition.IpAddress["aws:SourceIp "]"#,
    ),
    (
        r#""Condition":{"StringEquals":{" s3:prefix":"home/"}}"#,
        iam_eval::WarningKind::UnknownConditionKey,
        "UNKNOWN_CONDITION_KEY",
        r#"Statement[0].Condition.StringEquals[" s3:prefix"]"#,
    ),
    (
        r#""Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:sns:topic"}}"#,
        iam_eval::WarningKind::ArnValueNotAnArn,
        "ARN_VALUE_NOT_AN_ARN",
        "Statement[0].Condition.ArnLike.aws:SourceArn",
    ),
    (
        r#""Condition":{"ArnEquals":{"aws:PrincipalArn":["arn:aws:iam::123456789012:role/R","role/R"]}}"#,
        iam_eval::WarningKind::ArnValueNotAnArn,
        "ARN_VALUE_NOT_AN_ARN",
        "Statement[0].Condition.ArnEquals.aws:PrincipalArn[1]",
    ),
    (
        r#""Principal":{}"#,
        iam_eval::WarningKind::PrincipalNamesNoOne,
        "PRINCIPAL_NAMES_NO_ONE",
        "Statement[0].Principal",
    ),
    (
        r#""Condition":{"StringEquals":{"":"x"}}"#,
        iam_eval::WarningKind::EmptyConditionKey,
        "EMPTY_CONDITION_KEY",
        r#"Statement[0].Condition.StringEquals[""]"#,
    ),
    (
        r#""Condition":{"StringEquals":{"aws:PrincipalTag/team":[]}}"#,
        iam_eval::WarningKind::EmptyConditionValues,
        "EMPTY_CONDITION_VALUES",
        "Statement[0].Condition.StringEquals.aws:PrincipalTag/team",
    ),
];

#[test]
fn deny_statements_that_never_apply_are_diagnosed() {
    use iam_eval::lint::{lint, FindingType, LintConfig};
    for &(body, kind, code, path) in NEVER_APPLIES {
        let policy_type = if body.starts_with(r#""Principal""#) {
            PolicyType::Resource
        } else {
            PolicyType::Identity
        };
        for (effect, finding_type) in [
            ("Deny", FindingType::SecurityWarning),
            ("Allow", FindingType::Warning),
        ] {
            let text = statement(effect, body);
            let report = iam_eval::validate(&text, policy_type, &Options::default());
            assert!(report.is_valid(), "{text}: {:?}", report.errors);
            let warning = report
                .warnings
                .iter()
                .find(|w| w.kind() == kind)
                .unwrap_or_else(|| panic!("{text}: no {kind:?} in {:?}", report.warnings));
            assert_eq!(warning.location().path(), path, "{text}");
            // The parser words the empty value list's warning itself.
            let worded_here = !matches!(
                kind,
                iam_eval::WarningKind::ArnValueNotAnArn
                    | iam_eval::WarningKind::EmptyConditionValues
            );
            if effect == "Deny" && worded_here {
                assert!(
                    warning.message().contains("this Deny never applies"),
                    "{text}: {}",
                    warning.message()
                );
            }
            let findings = lint(&text, policy_type, &LintConfig::default());
            let finding = findings
                .iter()
                .find(|f| f.issue_code == code)
                .unwrap_or_else(|| panic!("{text}: no {code} in {findings:?}"));
            if code == "INVALID_GLOBAL_CONDITION_KEY" {
                assert_eq!(finding.finding_type, FindingType::Error, "{text}");
                let hole = findings
                    .iter()
                    .any(|f| f.issue_code == "DENY_WITH_INVALID_CONDITION_KEY");
                assert_eq!(hole, effect == "Deny", "{text}");
            } else {
                assert_eq!(finding.finding_type, finding_type, "{text}");
            }
            assert_eq!(finding.locations[0].json_path(), path, "{text}");
            assert_eq!(
                findings.iter().filter(|f| f.issue_code == code).count(),
                1,
                "{text}: reported once"
            );
        }
    }
}

#[test]
fn conditions_that_can_apply_are_not_flagged() {
    use iam_eval::lint::{lint, LintConfig};
    for body in [
        r#""Condition":{"StringEquals":{"aws:SourceVpc":"vpc-1"}}"#,
        r#""Condition":{"StringEquals":{"AWS:PRINCIPALTAG/team":"x"}}"#,
        r#""Condition":{"StringEquals":{"s3:prefix":"home/"}}"#,
        r#""Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:*:topic"}}"#,
        r#""Condition":{"ArnLike":{"aws:SourceArn":"*"}}"#,
        r#""Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/${aws:PrincipalTag/role}"}}"#,
        r#""Condition":{"StringLike":{"aws:SourceArn":"topic"}}"#,
    ] {
        let text = statement("Deny", body);
        let report = iam_eval::validate(&text, PolicyType::Identity, &Options::default());
        assert!(report.warnings.is_empty(), "{text}: {:?}", report.warnings);
        let findings = lint(&text, PolicyType::Identity, &LintConfig::default());
        assert!(
            findings
                .iter()
                .all(|f| f.finding_type != iam_eval::lint::FindingType::SecurityWarning),
            "{text}: {findings:?}"
        );
    }
    // A negated operator on an unknown key is always true: still flagged,
    // and the message says it restricts nothing.
    let text = statement(
        "Deny",
        r#""Condition":{"StringNotEquals":{"aws:SoruceVpc":"vpc-1"}}"#,
    );
    let report = iam_eval::validate(&text, PolicyType::Identity, &Options::default());
    assert!(
        report.warnings[0].message().contains("always true"),
        "{:?}",
        report.warnings
    );
}

// ---------------------------------------------------------------------------
// Item 13. Messages that say where and what is expected.
// ---------------------------------------------------------------------------

fn iam_eval(args: &[&str], stdin: Option<&[u8]>) -> std::process::Output {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_iam-eval"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run iam-eval");
    let mut input = child.stdin.take().expect("stdin");
    input
        .write_all(stdin.unwrap_or_default())
        .expect("write stdin");
    drop(input);
    child.wait_with_output().expect("wait")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A scratch file under the target directory, unique to this test.
fn scratch(name: &str, contents: &[u8]) -> String {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("hostile_requests");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("write");
    path.to_string_lossy().into_owned()
}

// E2. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
#[test]
fn the_root_users_allow_says_why() {
    let set = PolicySet::builder().build();
    let request = Request::builder("s3:GetObject", "arn:aws:s3:::b/k")
        .principal("arn:aws:iam::123456789012:root")
        .build();
    let response = set.evaluate(&request);
    assert_eq!(response.decision(), Decision::Allow);
    let summary = response.explanation().summary;
    assert!(!summary.trim_end().ends_with("allowed by"), "{summary}");
    assert!(summary.contains("root user"), "{summary}");
    assert!(summary.contains("(E2)"), "{summary}");
}

const CASE_POLICY: &str = r#"[{"kind":"identity","document":{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}}]"#;

fn case_line(id: &str, context: &str) -> String {
    format!(
        r#"{{"id":"{id}","policies":{CASE_POLICY},"request":{{"action":"s3:GetObject","resource":"arn:aws:s3:::b/k","context":{context}}},"expected":"Allow"}}"#
    )
}

#[test]
fn batch_reports_a_line_that_is_not_utf8_and_runs_the_rest() {
    let mut input = Vec::new();
    // A byte-order mark before line 1 is not an error.
    input.extend_from_slice("\u{feff}".as_bytes());
    input.extend_from_slice(case_line("first", "{}").as_bytes());
    input.push(b'\n');
    input.extend_from_slice(b"{\"id\":\"bad\xff\"}\n");
    input.extend_from_slice(case_line("third", "{}").as_bytes());
    input.push(b'\n');
    let out = iam_eval(&["batch", "-"], Some(&input));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(lines[0].contains(r#""id":"first""#), "{stdout}");
    assert!(lines[1].contains(r#""line":2"#), "{stdout}");
    assert!(lines[1].contains("not UTF-8"), "{stdout}");
    assert!(lines[2].contains(r#""id":"third""#), "{stdout}");
    assert!(
        text(&out.stderr).contains("2 passed, 0 failed, 1 errors"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_numeric_context_value_names_its_key_and_what_is_expected() {
    let line = case_line("n", r#"{"s3:max-keys":10}"#);
    let error = iam_eval::case::Case::from_json(&line).unwrap_err();
    assert!(!error.contains("untagged"), "{error}");
    assert!(error.contains("`s3:max-keys`"), "{error}");
    assert!(error.contains("a string or an array of strings"), "{error}");
    assert!(error.contains("column"), "{error}");
    let line = case_line("n", r#"{"aws:TagKeys":["a",1]}"#);
    let error = iam_eval::case::Case::from_json(&line).unwrap_err();
    assert!(
        error.contains("index 1 of context key `aws:TagKeys`"),
        "{error}"
    );
    // Through the CLI, the line is named too.
    let input = format!("\n{}\n", case_line("n", r#"{"s3:max-keys":10}"#));
    let out = iam_eval(&["batch", "-"], Some(input.as_bytes()));
    let stdout = text(&out.stdout);
    assert!(stdout.contains(r#""line":2"#), "{stdout}");
    assert!(stdout.contains("line 2: "), "{stdout}");
}

#[test]
fn check_says_what_is_wrong_with_its_request() {
    let policy = scratch("allow-all.json", ALLOW_ALL.as_bytes());
    let run = |extra: &[&str]| {
        let mut args = vec!["check", "--policy", policy.as_str(), "--resource", "*"];
        args.extend_from_slice(extra);
        iam_eval(&args, None)
    };
    let out = run(&["--action", "s3:GetObject", "--context", "=x"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("--context `=x`"), "{stderr}");
    assert!(stderr.contains("KEY=VALUE"), "{stderr}");

    let out = run(&["--action", "s3:Get Object"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "an unreadable request is an error"
    );
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("--action: request action `s3:Get Object`"),
        "{stderr}"
    );

    let out = run(&[
        "--action",
        "s3:GetObject",
        "--principal",
        "arn:aws:iam::*:root",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("--principal: "),
        "{}",
        text(&out.stderr)
    );

    // Keys that differ only in case merge, as in the library (C2).
    let deny = scratch(
        "deny-red.json",
        br#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},
            {"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"red"}}}]}"#,
    );
    let out = iam_eval(
        &[
            "check",
            "--policy",
            &deny,
            "--action",
            "s3:GetObject",
            "--resource",
            "*",
            "--context",
            "aws:PrincipalTag/team=red",
            "--context",
            "AWS:principaltag/TEAM=blue",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    assert!(
        text(&out.stdout).starts_with("ExplicitDeny"),
        "{}",
        text(&out.stdout)
    );

    // A policy file with a byte-order mark reads as the policy.
    let mut with_bom = "\u{feff}".as_bytes().to_vec();
    with_bom.extend_from_slice(ALLOW_ALL.as_bytes());
    let bom = scratch("bom.json", &with_bom);
    let out = iam_eval(
        &[
            "check",
            "--policy",
            &bom,
            "--action",
            "s3:GetObject",
            "--resource",
            "*",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn a_login_file_that_is_an_array_says_what_a_login_file_is() {
    let logins = scratch(
        "logins.json",
        br#"[{"identityId":"us-east-1:1111"},{"identityId":"us-east-1:2222"}]"#,
    );
    let out = iam_eval(
        &[
            "cognito",
            "--pool",
            "fixtures/cognito/notes-app-pool.json",
            "--login",
            &logins,
            "--action",
            "s3:GetObject",
            "--resource",
            "arn:aws:s3:::b/k",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("holds an array"), "{stderr}");
    assert!(stderr.contains("one JSON object"), "{stderr}");
    assert!(stderr.contains("repeat --login"), "{stderr}");
}

#[test]
fn the_crates_own_byte_limit_is_not_called_an_aws_quota() {
    use iam_eval::lint::{lint, LintConfig};
    let mut config = LintConfig::default();
    config.options.limits.max_policy_bytes = 64;
    let findings = lint(ALLOW_ALL, PolicyType::Identity, &config);
    let finding = findings
        .iter()
        .find(|f| f.finding_type == iam_eval::lint::FindingType::Error)
        .expect("an error");
    assert_eq!(finding.issue_code, "SAFETY_LIMIT_EXCEEDED");
    assert!(
        !finding.learn_more_link.contains("quotas"),
        "{}",
        finding.learn_more_link
    );
    assert!(
        finding.message.contains("not an AWS quota"),
        "{}",
        finding.message
    );
    // AWS's own quota keeps the AWS link.
    let big = format!(
        r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::{}"}}}}"#,
        "b".repeat(3000)
    );
    let findings = lint(&big, PolicyType::Trust, &LintConfig::default());
    let quota = findings
        .iter()
        .find(|f| f.issue_code == "POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA")
        .unwrap_or_else(|| panic!("{findings:?}"));
    assert!(
        quota.learn_more_link.contains("policy-size-exceeds"),
        "{}",
        quota.learn_more_link
    );
}
