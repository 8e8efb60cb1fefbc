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

use iam_eval::{BareMultiValue, ContextValue, Decision, Options, PolicySet, PolicySetBuilder, PolicyType, Request};

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
    assert_eq!(Options::default().bare_multi_value, BareMultiValue::FailClosed);
    let several = [(
        "aws:CalledVia",
        ContextValue::from(vec!["athena.amazonaws.com", "glue.amazonaws.com"]),
    )];
    for operator in ["StringEquals", "StringNotEquals", "StringLike", "StringNotLike"] {
        let condition = format!(r#"{{"{operator}":{{"aws:CalledVia":"athena.amazonaws.com"}}}}"#);
        let deny = allow_all_but(&condition, Options::default());
        let request = get_object(&several);
        let response = deny.evaluate(&request);
        assert_eq!(response.decision(), Decision::ExplicitDeny, "{operator}: the Deny applies");
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
    let deny = allow_all_but(r#"{"StringEquals":{"aws:CalledVia":"athena.amazonaws.com"}}"#, Options::default());
    let one = [("aws:CalledVia", ContextValue::from(vec!["glue.amazonaws.com"]))];
    assert_eq!(deny.evaluate(&get_object(&one)).decision(), Decision::Allow);
    // The qualified forms are unaffected.
    let any = allow_all_but(r#"{"ForAnyValue:StringEquals":{"aws:CalledVia":"lambda.amazonaws.com"}}"#, Options::default());
    assert_eq!(any.evaluate(&get_object(&several)).decision(), Decision::Allow);
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
        allow_all_but(condition, no_match).evaluate(&get_object(&several)).decision(),
        Decision::Allow,
        "NoMatch switches the Deny off, as documented"
    );
    let mut any_value = Options::default();
    any_value.bare_multi_value = BareMultiValue::AnyValue;
    assert_eq!(
        allow_all_but(condition, any_value).evaluate(&get_object(&several)).decision(),
        Decision::ExplicitDeny
    );
}
