//! Property tests for hostile input (issue 6), through the public API only:
//!
//! - (a) nothing panics: arbitrary text and policy-shaped JSON through
//!   `validate` and `PolicySet`, and arbitrary requests through `evaluate`
//!   and the explanation, against every policy set of the conformance suite;
//! - (b) no injection: for any identity id `v`, the notes-app policy allows
//!   `s3:GetObject` on `private/<k>` exactly when `k` starts with `v/` (V5);
//! - (c) fail closed: a Deny whose condition cannot read a non-numeric
//!   request value applies, so the request is never allowed.
//!
//! Case counts keep the whole file to a few seconds in a debug build; raise
//! them with `PROPTEST_CASES=100000 cargo test --release --test properties`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly; clippy.toml allows these only inside #[test] fns"
)]

use std::sync::OnceLock;

use iam_eval::case::Case;
use iam_eval::{
    validate, ContextValue, Decision, Options, PolicySet, PolicyType, Request, Response,
};
use proptest::prelude::*;
use serde_json::{Map, Value};

/// Cases per property: the `PROPTEST_CASES` environment variable, or `default`.
fn config(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------- generators

/// Short runs of the characters that break naive implementations.
fn soup() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("*"),
        Just("?"),
        Just("${"),
        Just("}"),
        Just("${*}"),
        Just("${?}"),
        Just("${$}"),
        Just("${aws:username}"),
        Just("${cognito-identity.amazonaws.com:sub}"),
        Just("/"),
        Just(":"),
        Just("::"),
        Just("arn:aws:s3:::"),
        Just("\0"),
        Just("\u{1}"),
        Just("\n"),
        Just("\t"),
        Just("\u{7f}"),
        Just("é"),
        Just("e\u{301}"),
        Just("É"),
        Just("İ"),
        Just("ß"),
        Just("K"),
        Just("日本"),
        Just("😀"),
        Just("\u{202e}"),
        Just("us-east-1"),
        Just("a"),
        Just("A"),
        Just("1"),
        Just("-"),
        Just("."),
        Just("'"),
        Just(","),
        Just(" "),
        Just("\\"),
        Just("\""),
        Just("%2F"),
        Just(".."),
    ];
    prop::collection::vec(token, 0..10).prop_map(|tokens| tokens.concat())
}

/// Any text a caller might pass: soup, arbitrary Unicode, realistic Cognito
/// ids, and long strings.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => soup(),
        3 => any::<String>(),
        2 => "us-east-1:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        1 => (soup(), 50..500usize).prop_map(|(s, n)| s.repeat(n)),
        1 => (1..5_000usize).prop_map(|n| "a".repeat(n)),
    ]
}

/// A JSON scalar drawn from the policy vocabulary, or anything.
fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        prop::sample::select(WORDS).prop_map(Value::from),
        soup().prop_map(Value::from),
        any::<String>().prop_map(Value::from),
    ]
}

const WORDS: &[&str] = &[
    "Version",
    "2012-10-17",
    "2008-10-17",
    "Id",
    "Statement",
    "Sid",
    "Effect",
    "Allow",
    "Deny",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Principal",
    "NotPrincipal",
    "AWS",
    "Service",
    "Federated",
    "CanonicalUser",
    "Condition",
    "*",
    "s3:*",
    "s3:GetObject",
    "sts:AssumeRoleWithWebIdentity",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::b/${aws:username}/*",
    "arn:aws:iam::123456789012:root",
    "cognito-identity.amazonaws.com",
    "StringEquals",
    "StringLike",
    "StringNotLike",
    "StringEqualsIgnoreCase",
    "ForAllValues:StringEquals",
    "ForAnyValue:StringLike",
    "StringEqualsIfExists",
    "NumericLessThan",
    "NumericGreaterThanEqualsIfExists",
    "DateLessThan",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnLike",
    "ArnNotEquals",
    "Null",
    "NullIfExists",
    "aws:username",
    "aws:SourceIp",
    "aws:CurrentTime",
    "aws:TagKeys",
    "s3:max-keys",
    "cognito-identity.amazonaws.com:sub",
    "203.0.113.0/24",
    "2020-04-01T00:00:00Z",
    "true",
    "10",
];

/// Policy-shaped JSON: objects keyed mostly by grammar words, nested a few
/// levels, with scalars from the vocabulary.
fn json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        4 => prop::sample::select(WORDS).prop_map(str::to_owned),
        1 => soup(),
    ]
    .boxed();
    scalar().prop_recursive(5, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..6)
                .prop_map(|members| Value::Object(members.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// A well-formed policy whose pieces are arbitrary: reaches the compiler.
fn policy() -> impl Strategy<Value = Value> {
    let strings = || {
        prop_oneof![
            prop::sample::select(WORDS).prop_map(str::to_owned),
            soup(),
            any::<String>(),
        ]
    };
    let condition = (
        prop::sample::select(WORDS),
        prop::sample::select(WORDS),
        prop::collection::vec(strings(), 0..3),
    )
        .prop_map(|(op, key, values)| serde_json::json!({ op: { key: values } }));
    (
        prop::sample::select(&["2012-10-17", "2008-10-17"][..]),
        prop::sample::select(&["Allow", "Deny"][..]),
        prop::collection::vec(strings(), 1..3),
        prop::collection::vec(strings(), 1..3),
        prop::option::of(condition),
    )
        .prop_map(|(version, effect, actions, resources, condition)| {
            let mut statement = serde_json::json!({
                "Effect": effect,
                "Action": actions,
                "Resource": resources,
            });
            if let Some(condition) = condition {
                statement["Condition"] = condition;
            }
            serde_json::json!({ "Version": version, "Statement": [statement] })
        })
}

fn context_value() -> impl Strategy<Value = ContextValue> {
    prop_oneof![
        3 => text().prop_map(ContextValue::Single),
        1 => prop::collection::vec(text(), 0..4).prop_map(ContextValue::Multi),
    ]
}

/// Any request: action, resource, principal and context drawn from `text()`,
/// with context keys that policies actually name.
fn request() -> impl Strategy<Value = Request> {
    let key = prop_oneof![
        3 => prop::sample::select(CONTEXT_KEYS).prop_map(str::to_owned),
        1 => soup(),
    ];
    (
        prop_oneof![
            prop::sample::select(ACTIONS).prop_map(str::to_owned),
            text()
        ],
        prop_oneof![
            prop::sample::select(RESOURCES).prop_map(str::to_owned),
            text(),
            text().prop_map(|t| format!("arn:aws:s3:::notes-app-uploads/private/{t}")),
        ],
        prop::option::of(prop_oneof![
            prop::sample::select(PRINCIPALS).prop_map(str::to_owned),
            text()
        ]),
        prop::collection::vec((key, context_value()), 0..6),
    )
        .prop_map(|(action, resource, principal, context)| {
            let mut builder = Request::builder(action, resource);
            if let Some(principal) = principal {
                builder = builder.principal(principal);
            }
            for (key, value) in context {
                builder = builder.context(&key, value);
            }
            builder.build()
        })
}

const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:ListBucket",
    "sts:AssumeRoleWithWebIdentity",
    "dynamodb:GetItem",
    "execute-api:Invoke",
    "iam:CreateUser",
];
const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:s3:::notes-app-uploads/private/us-east-1:1111/a.txt",
    "arn:aws:dynamodb:us-east-1:123456789012:table/Notes",
    "arn:aws:iam::123456789012:role/Cognito_Auth_Role",
    "arn:aws:execute-api:us-east-1:123456789012:ly55wbovq4/prod/GET/notes",
];
const PRINCIPALS: &[&str] = &[
    "arn:aws:iam::123456789012:root",
    "arn:aws:iam::123456789012:user/alice",
    "arn:aws:sts::123456789012:assumed-role/Cognito_Auth_Role/CognitoIdentityCredentials",
    "cognito-identity.amazonaws.com",
    "lambda.amazonaws.com",
    "123456789012",
    "anonymous",
];
const CONTEXT_KEYS: &[&str] = &[
    "cognito-identity.amazonaws.com:sub",
    "cognito-identity.amazonaws.com:aud",
    "cognito-identity.amazonaws.com:amr",
    "aws:username",
    "aws:userid",
    "aws:SourceIp",
    "aws:CurrentTime",
    "aws:SecureTransport",
    "aws:MultiFactorAuthPresent",
    "aws:PrincipalTag/team",
    "aws:TagKeys",
    "aws:PrincipalArn",
    "aws:SourceArn",
    "dynamodb:LeadingKeys",
    "s3:prefix",
    "s3:max-keys",
];

// ---------------------------------------------------------------- helpers

/// Every policy set of the conformance suite and the bundled cases, compiled once.
fn conformance_sets() -> &'static [PolicySet] {
    static SETS: OnceLock<Vec<PolicySet>> = OnceLock::new();
    SETS.get_or_init(|| {
        [
            include_str!("../fixtures/conformance/cases.jsonl"),
            include_str!("../fixtures/cases/story.jsonl"),
            include_str!("../fixtures/cases/policy-kinds.jsonl"),
        ]
        .iter()
        .flat_map(|file| file.lines())
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            Case::from_json(line)
                .unwrap()
                .build_policy_set(&Options::default())
                .unwrap()
        })
        .collect()
    })
}

fn notes_app() -> &'static PolicySet {
    static SET: OnceLock<PolicySet> = OnceLock::new();
    SET.get_or_init(|| {
        PolicySet::from_json(include_str!(
            "../fixtures/policies/notes-app-auth-role.json"
        ))
        .unwrap()
    })
}

/// Decides and explains, checking that the two agree.
fn decide(response: &Response<'_>) -> Decision {
    let decision = response.decision();
    let explanation = response.explanation();
    assert_eq!(explanation.decision, decision, "explanation disagrees");
    let _ = explanation.to_string();
    decision
}

const SUB: &str = "cognito-identity.amazonaws.com:sub";
const ROLE: &str =
    "arn:aws:sts::123456789012:assumed-role/Cognito_Auth_Role/CognitoIdentityCredentials";

/// Keys to try for identity `v`: its own prefix, near misses, and anything.
fn keys_for(v: String) -> impl Strategy<Value = String> {
    let variants = {
        let v = v.clone();
        let mut near = vec![
            v.to_uppercase(),
            v.to_lowercase(),
            format!("{v}x"),
            format!("x{v}"),
            format!(" {v}"),
            format!("{v}\0"),
            v.replace('é', "e\u{301}"),
            v.replace("e\u{301}", "é"),
            v.replace('*', "x"),
            v.replace('?', "x"),
            v.replace("${*}", "*"),
            v.replace(':', "/"),
            v.replace('/', ":"),
            "*".to_owned(),
            "?".to_owned(),
            String::new(),
        ];
        let mut chars = v.chars();
        chars.next_back();
        near.push(chars.as_str().to_owned());
        prop::sample::select(near)
    };
    let own = {
        let v = v.clone();
        text().prop_map(move |suffix| format!("{v}/{suffix}"))
    };
    let near = (variants, text()).prop_map(|(id, suffix)| format!("{id}/{suffix}"));
    let other = (text(), text()).prop_map(|(id, suffix)| format!("{id}/{suffix}"));
    prop_oneof![3 => own, 3 => near, 1 => other, 1 => text()]
}

/// True when `text` is `[+-]digits[.digits]`, the decimal form IAM numeric
/// operators read.
fn looks_numeric(text: &str) -> bool {
    let body = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    !(int.is_empty() && frac.is_empty())
        && digits(int)
        && digits(frac)
        && !(body.contains('.') && frac.is_empty())
}

/// Strings a numeric operator cannot read, never empty.
fn non_numeric() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(
            &[
                "1e3", "5.", "-", "+", ".", " 5", "5 ", "1.2.3", "--1", "+-1", "0x1F", "NaN",
                "Infinity", "-inf", "1_000", "1,000", "١٢", "５", "ten", "\0", "null", "true",
            ][..]
        )
        .prop_map(str::to_owned),
        text(),
        "[0-9]{1,5}[^0-9.]{1,3}",
    ]
    .prop_filter("not numeric, not empty", |s| {
        !s.is_empty() && !looks_numeric(s)
    })
}

// ---------------------------------------------------------------- (a) no panics

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn arbitrary_text_never_panics(text in text()) {
        for policy_type in PolicyType::ALL {
            let report = validate(&text, policy_type, &Options::default());
            for error in &report.errors {
                prop_assert!(error.location().line().is_some_and(|line| line >= 1));
                let _ = error.to_string();
            }
        }
        if let Ok(set) = PolicySet::from_json(&text) {
            decide(&set.evaluate(&Request::new("s3:GetObject", "arn:aws:s3:::b/k")));
        }
    }

    #[test]
    fn arbitrary_json_never_panics(value in json()) {
        for text in [value.to_string(), serde_json::to_string_pretty(&value).unwrap()] {
            for policy_type in PolicyType::ALL {
                let report = validate(&text, policy_type, &Options::default());
                let compiled = {
                    let mut builder = PolicySet::builder();
                    builder.add("p", policy_type, &text).is_ok()
                };
                prop_assert_eq!(report.is_valid(), compiled);
            }
        }
    }

    #[test]
    fn arbitrary_policies_compile_or_fail_and_then_decide(
        value in policy(),
        request in request(),
    ) {
        let text = value.to_string();
        // Size quotas are warnings: every size compiles (L1).
        let options = Options::default();
        for policy_type in [PolicyType::Identity, PolicyType::Scp, PolicyType::Boundary] {
            let mut builder = iam_eval::PolicySetBuilder::with_options(options.clone());
            if builder.add("p", policy_type, &text).is_ok() {
                let set = builder.build();
                decide(&set.evaluate(&request));
            }
        }
    }

    #[test]
    fn arbitrary_requests_never_panic(
        index in any::<prop::sample::Index>(),
        request in request(),
    ) {
        let sets = conformance_sets();
        let set = &sets[index.index(sets.len())];
        let first = decide(&set.evaluate(&request));
        // Deterministic, and the same for a clone sharing the compiled set.
        prop_assert_eq!(set.clone().evaluate(&request).decision(), first);
        let _ = request.to_string();
    }
}

// ---------------------------------------------------------------- (b) no injection

proptest! {
    #![proptest_config(config(512))]

    /// V5: the value of `${cognito-identity.amazonaws.com:sub}` is matched as
    /// literal text, whatever it contains.
    #[test]
    fn notes_app_allows_exactly_the_callers_own_prefix(
        (v, k) in text().prop_flat_map(|v| (Just(v.clone()), keys_for(v)))
    ) {
        let request = Request::builder(
            "s3:GetObject",
            format!("arn:aws:s3:::notes-app-uploads/private/{k}"),
        )
        .principal(ROLE)
        .context(SUB, v.as_str())
        .build();
        let decision = decide(&notes_app().evaluate(&request));
        let own = k.starts_with(&format!("{v}/"));
        prop_assert_eq!(
            decision == Decision::Allow,
            own,
            "sub {:?}, key {:?}: {:?}", v, k, decision
        );
    }

    /// The same guarantee for a variable in a `StringLike` condition value.
    #[test]
    fn condition_variables_are_literal_too(
        (v, k) in text().prop_flat_map(|v| (Just(v.clone()), keys_for(v)))
    ) {
        static SET: OnceLock<PolicySet> = OnceLock::new();
        let set = SET.get_or_init(|| {
            PolicySet::from_json(r#"{"Version":"2012-10-17","Statement":[{
                "Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::notes-app-uploads",
                "Condition":{"StringLike":{"s3:prefix":"private/${cognito-identity.amazonaws.com:sub}/*"}}}]}"#)
            .unwrap()
        });
        let request = Request::builder("s3:ListBucket", "arn:aws:s3:::notes-app-uploads")
            .context(SUB, v.as_str())
            .context("s3:prefix", format!("private/{k}"))
            .build();
        let decision = decide(&set.evaluate(&request));
        prop_assert_eq!(decision == Decision::Allow, k.starts_with(&format!("{v}/")));
    }
}

// ---------------------------------------------------------------- (c) fail closed

const NUMERIC_OPERATORS: &[&str] = &[
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
];

proptest! {
    #![proptest_config(config(512))]

    /// A Deny whose numeric condition cannot read the request's value applies
    /// (it fails closed), so the Allow beside it never wins.
    #[test]
    fn unreadable_numbers_never_open_a_deny(
        operator in prop::sample::select(NUMERIC_OPERATORS),
        qualifier in prop::sample::select(&["", "ForAnyValue:", "ForAllValues:"][..]),
        if_exists in any::<bool>(),
        limit in "-?[0-9]{1,20}(\\.[0-9]{1,5})?",
        values in prop::collection::vec(non_numeric(), 1..4),
        multi in any::<bool>(),
    ) {
        let operator = format!(
            "{qualifier}{operator}{}",
            if if_exists { "IfExists" } else { "" }
        );
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[
                {{"Effect":"Allow","Action":"s3:*","Resource":"*"}},
                {{"Sid":"OnlyDeny","Effect":"Deny","Action":"s3:*","Resource":"*",
                  "Condition":{{"{operator}":{{"s3:max-keys":"{limit}"}}}}}}]}}"#
        );
        let set = PolicySet::from_json(&text).unwrap();
        // A bare operator reads one value (several do not match, C7); a
        // qualified one reads a set.
        let value = if multi && !qualifier.is_empty() {
            ContextValue::Multi(values)
        } else {
            ContextValue::Single(values[0].clone())
        };
        let request = Request::builder("s3:ListBucket", "arn:aws:s3:::b")
            .context("s3:max-keys", value.clone())
            .build();
        let response = set.evaluate(&request);
        let decision = decide(&response);
        prop_assert_eq!(decision, Decision::ExplicitDeny, "{} with {:?}", operator, value);
        prop_assert!(response
            .explanation()
            .decided_by
            .iter()
            .any(|s| s.sid.as_deref() == Some("OnlyDeny")));
    }
}

#[test]
fn looks_numeric_matches_what_numeric_operators_read() {
    // The generator's idea of "numeric" must agree with the crate's, or the
    // fail-closed property would test the wrong thing.
    let set = PolicySet::from_json(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NumericGreaterThanEquals":{"s3:max-keys":"-1000000"}}}}"#,
    )
    .unwrap();
    for (value, numeric) in [
        ("5", true),
        ("+5", true),
        ("-0.50", true),
        (".5", true),
        ("007", true),
        ("5.", false),
        ("1e3", false),
        (" 5", false),
        ("", false),
        ("-", false),
        ("١", false),
    ] {
        assert_eq!(looks_numeric(value), numeric, "{value:?}");
        let request = Request::builder("s3:ListBucket", "arn:aws:s3:::b")
            .context("s3:max-keys", value)
            .build();
        assert_eq!(
            set.evaluate(&request).decision() == Decision::Allow,
            numeric,
            "{value:?}"
        );
    }
}
