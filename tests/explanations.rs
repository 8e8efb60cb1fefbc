//! The explanation of a decision, through the public API: which statement
//! decided, why the others did not apply (with variables resolved and the
//! request's values), and which context keys the request lacked.

#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly; clippy.toml allows these only inside #[test] fns"
)]

use iam_eval::{
    Blocker, ContextValue, Decision, Effect, Explanation, NotApplied, PolicyError, PolicySet,
    PolicyType, Position, Reason, Request, Response, TextOrigin,
};

const COGNITO_POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "OwnPrefix",
      "Effect": "Allow",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::notes/private/${cognito-identity.amazonaws.com:sub}/*"
    },
    {
      "Sid": "NoDelete",
      "Effect": "Deny",
      "Action": "s3:DeleteObject",
      "Resource": "*"
    }
  ]
}"#;

fn cognito_set() -> PolicySet {
    let mut b = PolicySet::builder();
    b.add("auth-role", PolicyType::Identity, COGNITO_POLICY)
        .expect("compiles");
    b.build()
}

fn sub_request(action: &str, resource: &str) -> Request {
    Request::builder(action, resource)
        .context("cognito-identity.amazonaws.com:sub", "us-east-1:1111")
        .build()
}

fn single_policy(id: &str, json: &str) -> PolicySet {
    let mut b = PolicySet::builder();
    b.add(id, PolicyType::Identity, json)
        .unwrap_or_else(|e| panic!("{e}"));
    b.build()
}

fn only_not_applied(e: &Explanation) -> &NotApplied {
    assert_eq!(e.not_applied.len(), 1, "{e}");
    &e.not_applied[0]
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_EvaluationResult.html
#[test]
fn allow_names_the_deciding_statement() {
    let set = cognito_set();
    let request = sub_request(
        "s3:GetObject",
        "arn:aws:s3:::notes/private/us-east-1:1111/todo.txt",
    );
    let response = set.evaluate(&request);
    assert_eq!(response.decision(), Decision::Allow);
    let e = response.explanation();
    assert_eq!(e.decision, Decision::Allow);
    assert_eq!(e.decided_by.len(), 1);
    let s = &e.decided_by[0];
    assert_eq!(s.policy_id, "auth-role");
    assert_eq!(s.policy_type, PolicyType::Identity);
    assert_eq!(s.index, 0);
    assert_eq!(s.sid.as_deref(), Some("OwnPrefix"));
    assert_eq!(s.effect, Effect::Allow);
    // The statement starts on line 4 of the policy text.
    let (start, end) = (s.start.expect("a position"), s.end.expect("a position"));
    assert_eq!(start.line, 4);
    assert!(end.line > start.line);
    assert!(e.summary.contains("auth-role"), "{}", e.summary);
    assert!(e.summary.contains("OwnPrefix"), "{}", e.summary);
    assert!(e.blocked_by.is_none());
    assert!(e.not_applied.is_empty());
    assert!(e.missing_context_keys.is_empty());
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_EvaluationResult.html
#[test]
fn explicit_deny_names_only_the_deny_statement() {
    let mut b = PolicySet::builder();
    b.add(
        "allow-all",
        PolicyType::Identity,
        r#"{"Version":"2012-10-17","Statement":{"Sid":"All","Effect":"Allow","Action":"*","Resource":"*"}}"#,
    )
    .expect("compiles");
    b.add("auth-role", PolicyType::Identity, COGNITO_POLICY)
        .expect("compiles");
    let set = b.build();
    let request = sub_request("s3:DeleteObject", "arn:aws:s3:::notes/x");
    let response = set.evaluate(&request);
    assert_eq!(response.decision(), Decision::ExplicitDeny);
    let e = response.explanation();
    // M3: "the deny statement is the only entry included".
    assert_eq!(e.decided_by.len(), 1, "{e}");
    let s = &e.decided_by[0];
    assert_eq!(
        (s.policy_id.as_str(), s.index, s.sid.as_deref(), s.effect),
        ("auth-role", 1, Some("NoDelete"), Effect::Deny)
    );
    assert!(e.summary.contains("explicitly denied"), "{}", e.summary);
    assert!(e.to_string().contains("NoDelete"));
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
#[test]
fn resource_mismatch_shows_the_resolved_pattern() {
    let set = cognito_set();
    let request = sub_request(
        "s3:GetObject",
        "arn:aws:s3:::notes/private/us-east-1:2222/todo.txt",
    );
    let response = set.evaluate(&request);
    assert_eq!(response.decision(), Decision::ImplicitDeny);
    let e = response.explanation();
    assert!(e.decided_by.is_empty());
    assert_eq!(e.blocked_by, Some(Blocker::NoAllow));
    let n = only_not_applied(&e);
    assert_eq!(n.statement.sid.as_deref(), Some("OwnPrefix"));
    assert!(!n.failed_closed);
    match &n.reason {
        Reason::Resource {
            resource,
            negated,
            patterns,
            unresolved,
        } => {
            assert_eq!(
                resource,
                "arn:aws:s3:::notes/private/us-east-1:2222/todo.txt"
            );
            assert!(!negated);
            assert_eq!(patterns.len(), 1);
            assert!(
                patterns[0].contains("private/us-east-1:1111/*"),
                "{patterns:?}"
            );
            assert!(!patterns[0].contains("${"), "{patterns:?}");
            assert!(unresolved.is_empty());
        }
        other => panic!("expected a resource reason, got {other:?}"),
    }
    assert!(e.to_string().contains("private/us-east-1:1111/*"), "{e}");
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
#[test]
fn unresolved_variables_are_reported() {
    let set = cognito_set();
    let request = Request::new(
        "s3:GetObject",
        "arn:aws:s3:::notes/private/us-east-1:1111/todo.txt",
    );
    let e = set.evaluate(&request).explanation();
    assert_eq!(e.decision, Decision::ImplicitDeny);
    let n = only_not_applied(&e);
    match &n.reason {
        Reason::Resource { unresolved, .. } => {
            assert_eq!(unresolved.len(), 1, "{unresolved:?}");
            assert_eq!(
                unresolved[0].variable,
                "${cognito-identity.amazonaws.com:sub}"
            );
            assert_eq!(unresolved[0].reason, "missing");
        }
        other => panic!("expected a resource reason, got {other:?}"),
    }
    assert_eq!(
        e.missing_context_keys,
        vec!["cognito-identity.amazonaws.com:sub".to_owned()]
    );

    // A multi-valued key used as a variable.
    let request = Request::builder(
        "s3:GetObject",
        "arn:aws:s3:::notes/private/us-east-1:1111/todo.txt",
    )
    .context(
        "cognito-identity.amazonaws.com:sub",
        vec!["us-east-1:1111", "us-east-1:2222"],
    )
    .build();
    let e = set.evaluate(&request).explanation();
    match &only_not_applied(&e).reason {
        Reason::Resource { unresolved, .. } => {
            assert_eq!(unresolved[0].reason, "multiValued");
        }
        other => panic!("expected a resource reason, got {other:?}"),
    }
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
#[test]
fn failed_condition_shows_request_and_resolved_policy_values() {
    let set = single_policy(
        "list",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"ListOwn","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::notes",
            "Condition":{"StringLike":{"s3:prefix":["private/${cognito-identity.amazonaws.com:sub}/*"]}}}]}"#,
    );
    let request = Request::builder("s3:ListBucket", "arn:aws:s3:::notes")
        .context("cognito-identity.amazonaws.com:sub", "us-east-1:1111")
        .context("s3:prefix", "private/us-east-1:2222/")
        .build();
    let e = set.evaluate(&request).explanation();
    assert_eq!(e.decision, Decision::ImplicitDeny);
    let n = only_not_applied(&e);
    assert_eq!(n.statement.sid.as_deref(), Some("ListOwn"));
    assert!(!n.failed_closed);
    match &n.reason {
        Reason::Condition(t) => {
            assert_eq!(t.operator, "StringLike");
            assert_eq!(t.key, "s3:prefix");
            assert_eq!(
                t.request_values,
                Some(vec!["private/us-east-1:2222/".to_owned()])
            );
            assert_eq!(t.policy_values, vec!["private/us-east-1:1111/*".to_owned()]);
            assert!(t.unresolved.is_empty());
        }
        other => panic!("expected a condition reason, got {other:?}"),
    }
    let text = e.to_string();
    assert!(text.contains("private/us-east-1:2222/"), "{text}");
    assert!(text.contains("private/us-east-1:1111/*"), "{text}");
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
#[test]
fn failed_condition_on_absent_key_and_unresolved_condition_variable() {
    let set = single_policy(
        "tags",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
            "Condition":{"StringEquals":{"s3:ExistingObjectTag/Team":"${aws:PrincipalTag/Team}"}}}]}"#,
    );
    // The key is present, the variable is not.
    let request = Request::builder("s3:GetObject", "arn:aws:s3:::b/k")
        .context("s3:ExistingObjectTag/Team", "red")
        .build();
    let e = set.evaluate(&request).explanation();
    match &only_not_applied(&e).reason {
        Reason::Condition(t) => {
            assert_eq!(t.request_values, Some(vec!["red".to_owned()]));
            assert_eq!(t.unresolved.len(), 1);
            assert_eq!(t.unresolved[0].variable, "${aws:PrincipalTag/Team}");
            assert_eq!(t.unresolved[0].reason, "missing");
        }
        other => panic!("expected a condition reason, got {other:?}"),
    }
    assert_eq!(
        e.missing_context_keys,
        vec!["aws:PrincipalTag/Team".to_owned()]
    );

    // The key is absent.
    let request = Request::builder("s3:GetObject", "arn:aws:s3:::b/k")
        .context("aws:PrincipalTag/Team", "red")
        .build();
    let e = set.evaluate(&request).explanation();
    match &only_not_applied(&e).reason {
        Reason::Condition(t) => {
            assert_eq!(t.request_values, None);
            assert_eq!(t.policy_values, vec!["red".to_owned()]);
        }
        other => panic!("expected a condition reason, got {other:?}"),
    }
    assert_eq!(
        e.missing_context_keys,
        vec!["s3:ExistingObjectTag/Team".to_owned()]
    );
}

const NUMERIC: &str = r#"{"NumericLessThan":{"s3:max-keys":"10"}}"#;

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Numeric
#[test]
fn unreadable_request_value_in_allow_fails_closed_to_implicit_deny() {
    let set = single_policy(
        "p",
        &format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"Small","Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{NUMERIC}}}]}}"#
        ),
    );
    let request = Request::builder("s3:ListBucket", "arn:aws:s3:::b")
        .context("s3:max-keys", "abc")
        .build();
    let response = set.evaluate(&request);
    assert_eq!(response.decision(), Decision::ImplicitDeny);
    let e = response.explanation();
    let n = only_not_applied(&e);
    assert!(n.failed_closed, "{e}");
    assert_eq!(n.statement.sid.as_deref(), Some("Small"));
    match &n.reason {
        Reason::UnreadableRequestValue(t) => {
            assert_eq!(t.operator, "NumericLessThan");
            assert_eq!(t.request_values, Some(vec!["abc".to_owned()]));
            assert_eq!(t.policy_values, vec!["10".to_owned()]);
        }
        other => panic!("expected an unreadable-value reason, got {other:?}"),
    }
    assert!(e.to_string().contains("failed closed"), "{e}");
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Numeric
#[test]
fn unreadable_request_value_in_deny_fails_closed_to_explicit_deny() {
    let set = single_policy(
        "p",
        &format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"All","Effect":"Allow","Action":"*","Resource":"*"}},
                {{"Sid":"Guard","Effect":"Deny","Action":"s3:ListBucket","Resource":"*","Condition":{NUMERIC}}}]}}"#
        ),
    );
    let bad = Request::builder("s3:ListBucket", "arn:aws:s3:::b")
        .context("s3:max-keys", "abc")
        .build();
    let response = set.evaluate(&bad);
    assert_eq!(response.decision(), Decision::ExplicitDeny);
    let e = response.explanation();
    assert_eq!(e.decided_by.len(), 1, "{e}");
    assert_eq!(e.decided_by[0].sid.as_deref(), Some("Guard"));
    // A readable value that fails the condition: the Deny does not apply.
    let good = Request::builder("s3:ListBucket", "arn:aws:s3:::b")
        .context("s3:max-keys", "50")
        .build();
    let response = set.evaluate(&good);
    assert_eq!(response.decision(), Decision::Allow);
    let e = response.explanation();
    let n = only_not_applied(&e);
    assert_eq!(n.statement.sid.as_deref(), Some("Guard"));
    assert!(!n.failed_closed);
    assert!(matches!(n.reason, Reason::Condition(_)));
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_EvaluationResult.html
#[test]
fn missing_context_keys_only_from_statements_whose_action_matched() {
    let set = single_policy(
        "p",
        r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*",
             "Condition":{"Bool":{"aws:SecureTransport":"true"}}},
            {"Effect":"Allow","Action":"ec2:*","Resource":"arn:aws:ec2:*:*:instance/${aws:userid}",
             "Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}},
            {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::t/${aws:PrincipalTag/team, 'shared'}/*"}
        ]}"#,
    );
    let request = Request::new("s3:GetObject", "arn:aws:s3:::b/bob/k");
    let e = set.evaluate(&request).explanation();
    let mut keys = e.missing_context_keys.clone();
    keys.sort();
    assert_eq!(keys, vec!["aws:SecureTransport", "aws:username"], "{e}");
    // Statements whose action did not match are not listed as not applied either.
    assert_eq!(e.not_applied.len(), 2, "{e}");
    assert!(e.not_applied.iter().all(|n| n.statement.index != 1));

    // Supplying the keys empties the list.
    let request = Request::builder("s3:GetObject", "arn:aws:s3:::b/bob/k")
        .context("aws:username", "bob")
        .context("aws:SecureTransport", "true")
        .build();
    let response = set.evaluate(&request);
    assert_eq!(response.decision(), Decision::Allow);
    assert!(response.explanation().missing_context_keys.is_empty());
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
#[test]
fn implicit_deny_names_the_blocking_guardrail() {
    let mut b = PolicySet::builder();
    b.add(
        "id",
        PolicyType::Identity,
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#,
    )
    .expect("compiles")
    .add(
        "pb",
        PolicyType::Boundary,
        r#"{"Version":"2012-10-17","Statement":{"Sid":"OnlyS3","Effect":"Allow","Action":"s3:*","Resource":"*"}}"#,
    )
    .expect("compiles");
    let set = b.build();
    let request = Request::builder("ec2:RunInstances", "*")
        .principal("arn:aws:iam::123456789012:user/alice")
        .build();
    let e = set.evaluate(&request).explanation();
    assert_eq!(e.decision, Decision::ImplicitDeny);
    assert_eq!(e.blocked_by, Some(Blocker::Boundary));
    assert!(e.decided_by.is_empty());
    assert!(e.summary.contains("boundary"), "{}", e.summary);
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
#[test]
fn principal_mismatch_is_explained() {
    let mut b = PolicySet::builder();
    b.add(
        "bucket",
        PolicyType::Resource,
        r#"{"Version":"2012-10-17","Statement":{"Sid":"Alice","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/alice"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}"#,
    )
    .expect("compiles");
    let set = b.build();
    let request = Request::builder("s3:GetObject", "arn:aws:s3:::b/k")
        .principal("arn:aws:iam::123456789012:user/bob")
        .build();
    let e = set.evaluate(&request).explanation();
    assert_eq!(e.decision, Decision::ImplicitDeny);
    match &only_not_applied(&e).reason {
        Reason::Principal {
            principal,
            negated,
            entries,
        } => {
            assert_eq!(
                principal.as_deref(),
                Some("arn:aws:iam::123456789012:user/bob")
            );
            assert!(!negated);
            assert_eq!(entries, &["arn:aws:iam::123456789012:user/alice"]);
        }
        other => panic!("expected a principal reason, got {other:?}"),
    }
}

#[test]
fn explanation_serializes_to_json() {
    let set = cognito_set();
    let request = sub_request(
        "s3:GetObject",
        "arn:aws:s3:::notes/private/us-east-1:2222/todo.txt",
    );
    let e = set.evaluate(&request).explanation();
    let json = serde_json::to_value(&e).expect("serializes");
    assert_eq!(json["decision"], "ImplicitDeny");
    assert_eq!(json["notApplied"][0]["statement"]["sid"], "OwnPrefix");
    assert_eq!(json["notApplied"][0]["reason"]["kind"], "resource");
}

#[test]
fn policy_error_display_has_location() {
    let mut b = PolicySet::builder();
    let err: PolicyError = match b.add(
        "my-policy",
        PolicyType::Identity,
        "{\"Version\":\"2012-10-17\",\n\"Statement\":[{\"Sid\":\"S1\",\"Effect\":\"allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}",
    ) {
        Ok(_) => panic!("must fail"),
        Err(e) => e,
    };
    assert_eq!(err.location().sid(), Some("S1"));
    assert_eq!(err.location().line(), Some(2));
    let text = err.to_string();
    assert!(text.contains("my-policy"), "{text}");
    assert!(text.contains("Statement[0].Effect"), "{text}");
    assert!(text.contains("line 2"), "{text}");
}

// Embedders share these across threads.
#[test]
fn public_types_are_send_sync_unwind_safe() {
    fn send_sync<T: Send + Sync>() {}
    fn unwind_safe<T: std::panic::UnwindSafe + std::panic::RefUnwindSafe>() {}
    send_sync::<PolicySet>();
    send_sync::<Response<'static>>();
    send_sync::<PolicyError>();
    send_sync::<Explanation>();
    send_sync::<Request>();
    send_sync::<ContextValue>();
    unwind_safe::<PolicySet>();
    unwind_safe::<Response<'static>>();
    unwind_safe::<PolicyError>();
    unwind_safe::<Explanation>();
    unwind_safe::<Request>();

    // And really usable from another thread.
    let set = cognito_set();
    let clone = set.clone();
    let decision = std::thread::spawn(move || {
        let request = sub_request(
            "s3:GetObject",
            "arn:aws:s3:::notes/private/us-east-1:1111/a",
        );
        clone.evaluate(&request).decision()
    })
    .join()
    .expect("thread");
    assert_eq!(decision, Decision::Allow);
}

/// `add_from` with `TextOrigin::Within`: a policy pasted into a larger file
/// reports the file's positions, its first line shifted by the column it
/// starts at.
#[test]
fn a_policy_within_a_file_reports_the_files_positions() {
    let text = "{\"Version\":\"2012-10-17\",\"Statement\":[\n  {\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}";
    let origin = TextOrigin::Within(Position {
        line: 10,
        column: 7,
    });
    let mut builder = PolicySet::builder();
    builder
        .add_from("pasted", PolicyType::Identity, 0, text, origin)
        .unwrap();
    let set = builder.build();
    let explanation = set
        .evaluate(&Request::new("s3:GetObject", "arn:aws:s3:::b/k"))
        .explanation();
    let start = explanation.decided_by[0].start.unwrap();
    assert_eq!((start.line, start.column), (11, 3));

    let bad = text.replace("s3:GetObject", "s3::GetObject");
    let err = PolicySet::builder()
        .add_from("pasted", PolicyType::Identity, 0, &bad, origin)
        .map(|_| ())
        .unwrap_err();
    assert_eq!(err.location().line(), Some(11));
    let first_line = "{\"Version\":\"2012-10-17\",\"Statement\":[";
    let err = PolicySet::builder()
        .add_from(
            "pasted",
            PolicyType::Identity,
            0,
            &format!("{first_line}{{\"Effect\":\"Alow\",\"Action\":\"*\",\"Resource\":\"*\"}}]}}"),
            origin,
        )
        .map(|_| ())
        .unwrap_err();
    // On the first line, columns count on from column 7 of line 10.
    assert_eq!(err.location().line(), Some(10));
    assert!(err.location().column().unwrap() > 7 + first_line.len());
}
