//! Hostile and careless input (issue 6): every malformed policy is an error of
//! an exact kind at an exact place, and malformed requests fail closed.
//!
//! Each `bad!` row names the policy type, the text, the expected
//! `PolicyErrorKind` (a pattern) and where the error points: the JSON path and
//! either the text the error points at (its line and column are computed from
//! the text, so the row says *which token* is blamed) or an explicit line and
//! column. Only the public API is used.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "test helpers fail loudly; clippy.toml allows these only inside #[test] fns"
)]

use iam_eval::{
    validate, Decision, Options, PolicyError, PolicyErrorKind, PolicySet, PolicySetBuilder,
    PolicyType, Request,
};

/// The first error `validate` reports, checked against what compiling returns.
fn first_error(policy_type: PolicyType, text: &str, options: &Options) -> PolicyError {
    let report = validate(text, policy_type, options);
    let first = report
        .errors
        .first()
        .unwrap_or_else(|| panic!("no error for {policy_type} policy {text:.200}"))
        .clone();
    let mut builder = PolicySetBuilder::with_options(options.clone());
    let compiled = builder
        .add("p", policy_type, text)
        .map(|_| ())
        .expect_err("validate found an error but compiling succeeded");
    assert_eq!(
        compiled.kind(),
        first.kind(),
        "compile and validate disagree"
    );
    assert_eq!(compiled.location().path(), first.location().path());
    first
}

/// 1-based line and column (in characters) of the first occurrence of `needle`.
fn at(text: &str, needle: &str) -> (usize, usize) {
    let offset = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in the policy"));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, text[line_start..offset].chars().count() + 1)
}

/// A 2012-10-17 policy with one statement whose members are `body`.
fn one(body: &str) -> String {
    format!(r#"{{"Version":"2012-10-17","Statement":[{{{body}}}]}}"#)
}

/// `one` with an Allow of `s3:GetObject` on everything plus `condition`.
fn cond(condition: &str) -> String {
    one(&format!(
        r#""Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{condition}"#
    ))
}

fn trust(body: &str) -> String {
    one(&format!(
        r#""Effect":"Allow","Principal":{{"Federated":"cognito-identity.amazonaws.com"}},"Action":"sts:AssumeRoleWithWebIdentity"{body}"#
    ))
}

/// Options with AWS's character quotas not reported, for the limits of our own.
fn no_quotas() -> Options {
    let mut options = Options::default();
    options.limits.report_aws_quotas = false;
    options
}

macro_rules! bad {
    // Location given as the text the error points at.
    ($name:ident, $ty:expr, $text:expr, $kind:pat $(if $guard:expr)?, $path:expr, at $needle:expr $(, $options:expr)?) => {
        #[test]
        fn $name() {
            let text: String = $text;
            let (line, column) = at(&text, $needle);
            bad!(@check text, $ty, $kind $(if $guard)?, $path, line, column $(, $options)?);
        }
    };
    // Location given as an explicit line and column.
    ($name:ident, $ty:expr, $text:expr, $kind:pat $(if $guard:expr)?, $path:expr, $line:literal : $column:literal $(, $options:expr)?) => {
        #[test]
        fn $name() {
            let text: String = $text;
            bad!(@check text, $ty, $kind $(if $guard)?, $path, $line, $column $(, $options)?);
        }
    };
    (@check $text:ident, $ty:expr, $kind:pat $(if $guard:expr)?, $path:expr, $line:expr, $column:expr $(, $options:expr)?) => {
        #[allow(unused_variables, reason = "an optional macro argument")]
        let options = Options::default();
        $(let options = $options;)?
        let err = first_error($ty, &$text, &options);
        assert!(
            matches!(err.kind(), $kind $(if $guard)?),
            "wrong kind: {:?} ({err})",
            err.kind()
        );
        let location = err.location();
        assert_eq!(
            (location.path(), location.line(), location.column()),
            ($path, Some($line), Some($column)),
            "wrong location: {err}"
        );
    };
}

use PolicyErrorKind as K;
use PolicyType::{Boundary, Identity, Resource, Scp, Session, Trust};

// --- Truncated and malformed JSON: `Syntax`, at the byte where it broke, path empty.

bad!(empty_text, Identity, String::new(),
    K::Syntax(m) if m == "unexpected end of input, expected a JSON value", "", 1:1);
bad!(whitespace_only, Identity, " \n\t ".into(),
    K::Syntax(m) if m.contains("end of input"), "", 2:3);
bad!(truncated_inside_a_statement, Identity,
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow""#.into(),
    K::Syntax(m) if m == "unexpected end of input inside an object", "", 1:55);
bad!(truncated_inside_a_string, Identity,
    r#"{"Version":"2012-10-17","Statement":"#.into(),
    K::Syntax(m) if m == "unexpected end of input, expected a JSON value", "", 1:37);
bad!(truncated_mid_string, Identity,
    r#"{"Version":"2012-"#.into(),
    K::Syntax(m) if m == "unexpected end of input inside a string", "", 1:18);
bad!(trailing_characters, Identity,
    format!("{} x", one(r#""Effect":"Allow","Action":"*","Resource":"*""#)),
    K::Syntax(m) if m == "trailing characters after the JSON value", "", at "x");
bad!(trailing_comma, Identity,
    r#"{"Version":"2012-10-17","Statement":[],}"#.into(),
    K::Syntax(m) if m == "expected a string key", "", at "}");
bad!(single_quotes, Identity,
    "{'Version':'2012-10-17'}".into(),
    K::Syntax(m) if m == "expected a string key", "", 1:2);
bad!(bad_escape, Identity,
    one(r#""Effect":"Allow","Action":"s3:\x","Resource":"*""#),
    K::Syntax(m) if m == "invalid escape in string", "", at "x\"");
bad!(unpaired_surrogate, Identity,
    one(r#""Effect":"Allow","Action":"s3:\ud800","Resource":"*""#),
    K::Syntax(m) if m.contains("unpaired surrogate"), "", at "\",\"Resource");
bad!(raw_control_character_in_string, Resource,
    one("\"Sid\":\"a\u{1}b\""),
    K::Syntax(m) if m == "control character inside a string", "", at "\u{1}");
bad!(leading_zero_number, Identity,
    cond(r#"{"NumericLessThan":{"s3:max-keys":012}}"#),
    K::Syntax(m) if m == "expected `,` or `}`", "", at "12}");

// --- Wrong JSON types: `WrongType`, at the offending value.

bad!(root_is_an_array, Identity, "[]".into(),
    K::WrongType { expected: "an object with a `Statement`", found: "an array" }, "", 1:1);
bad!(version_is_a_number, Identity,
    r#"{"Version":2012,"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#.into(),
    K::WrongType { expected: "a string", found: "a number" }, "Version", at "2012");
bad!(statement_is_a_number, Identity,
    r#"{"Version":"2012-10-17","Statement":5}"#.into(),
    K::WrongType { expected: "an object or an array of objects", found: "a number" }, "Statement", at "5}");
bad!(statement_entry_is_a_string, Identity,
    r#"{"Version":"2012-10-17","Statement":["Allow"]}"#.into(),
    K::WrongType { expected: "a statement object", found: "a string" }, "Statement[0]", at "\"Allow\"");
bad!(effect_is_a_boolean, Identity,
    one(r#""Effect":true,"Action":"*","Resource":"*""#),
    K::WrongType { expected: "`Allow` or `Deny`", found: "a boolean" }, "Statement[0].Effect", at "true");
bad!(action_is_a_number, Identity,
    one(r#""Effect":"Allow","Action":3,"Resource":"*""#),
    K::WrongType { expected: "a string or an array of strings", found: "a number" }, "Statement[0].Action", at "3,");
bad!(resource_entry_is_a_number, Identity,
    one(r#""Effect":"Allow","Action":"*","Resource":["*",1]"#),
    K::WrongType { expected: "a string", found: "a number" }, "Statement[0].Resource[1]", at "1]");
bad!(action_entry_is_null, Identity,
    one(r#""Effect":"Allow","Action":[null],"Resource":"*""#),
    K::WrongType { expected: "a string", found: "null" }, "Statement[0].Action[0]", at "null");
bad!(condition_is_an_array, Identity,
    cond("[]"),
    K::WrongType { expected: "an object of condition operators", found: "an array" }, "Statement[0].Condition", at "[]");
bad!(condition_operator_is_a_string, Identity,
    cond(r#"{"StringEquals":"x"}"#),
    K::WrongType { expected: "an object of condition keys", found: "a string" }, "Statement[0].Condition.StringEquals", at "\"x\"");
bad!(condition_value_is_null, Identity,
    cond(r#"{"StringEquals":{"aws:username":null}}"#),
    K::WrongType { expected: "a string, number or boolean, or an array of them", found: "null" },
    "Statement[0].Condition.StringEquals.aws:username", at "null");
bad!(condition_value_entry_is_an_object, Identity,
    cond(r#"{"StringEquals":{"aws:username":["a",{}]}}"#),
    K::WrongType { expected: "a string, number or boolean", found: "an object" },
    "Statement[0].Condition.StringEquals.aws:username[1]", at "{}");
bad!(principal_is_a_number, Resource,
    one(r#""Effect":"Allow","Principal":7,"Action":"s3:*","Resource":"*""#),
    K::WrongType { found: "a number", .. }, "Statement[0].Principal", at "7,");

// --- Duplicate keys (G1), Sids (G6) and condition keys in different case (C2).

bad!(duplicate_effect_key, Identity,
    one(r#""Effect":"Allow","Effect":"Deny","Action":"*","Resource":"*""#),
    K::Syntax(m) if m == "duplicate key `Effect`", "", at "\"Effect\":\"Deny\"");
bad!(duplicate_statement_key, Identity,
    r#"{"Version":"2012-10-17","Statement":[],"Statement":[]}"#.into(),
    K::Syntax(m) if m == "duplicate key `Statement`", "", 1:40);
bad!(duplicate_condition_key_in_other_case, Identity,
    cond(r#"{"StringEquals":{"aws:username":"a","AWS:UserName":"b"}}"#),
    K::ConditionValue { operator, value, .. } if operator == "StringEquals" && value == "AWS:UserName",
    "Statement[0].Condition.StringEquals.AWS:UserName", at "\"AWS:UserName\"");
bad!(duplicate_sid, Identity,
    r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"A","Effect":"Deny","Action":"*","Resource":"*"}]}"#.into(),
    K::Sid(m) if m.contains("duplicate Sid `A`"), "Statement[1].Sid", at "{\"Sid\":\"A\",\"Effect\":\"Deny\"");

// --- Missing and empty elements (G4, G5, G7).

bad!(no_statement, Identity, r#"{"Version":"2012-10-17"}"#.into(),
    K::Missing("`Statement`"), "", 1:1);
bad!(empty_statement_array, Identity, r#"{"Version":"2012-10-17","Statement":[]}"#.into(),
    K::Missing(m) if m.contains("empty array"), "Statement", at "[]");
bad!(empty_action_array, Identity,
    one(r#""Effect":"Allow","Action":[],"Resource":"*""#),
    K::Missing(m) if m.contains("action list is empty"), "Statement[0]", at "{\"Effect\"");
bad!(empty_resource_array, Identity,
    one(r#""Effect":"Allow","Action":"*","Resource":[]"#),
    K::Missing(m) if m.contains("resource list is empty"), "Statement[0]", at "{\"Effect\"");
bad!(no_action, Identity,
    one(r#""Effect":"Allow","Resource":"*""#),
    K::Missing(m) if m.contains("must contain actions"), "Statement[0]", at "{\"Effect\"");
bad!(no_effect, Identity,
    one(r#""Action":"*","Resource":"*""#),
    K::Missing("`Effect`"), "Statement[0]", at "{\"Action\"");
bad!(lowercase_effect, Identity,
    "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Sid\": \"Bad\",\n      \"Effect\": \"allow\",\n      \"Action\": \"*\",\n      \"Resource\": \"*\"\n    }\n  ]\n}".into(),
    K::Effect(e) if e == "allow", "Statement[0].Effect", 6:17);
bad!(unknown_version, Identity,
    r#"{"Version":"2012-10-18","Statement":[]}"#.into(),
    K::Version(v) if v == "2012-10-18", "Version", at "\"2012-10-18\"");
bad!(unknown_top_level_element, Identity,
    r#"{"Version":"2012-10-17","Statment":[]}"#.into(),
    K::UnknownElement(e) if e == "Statment", "Statment", at "\"Statment\"");
bad!(unknown_statement_element, Identity,
    one(r#""Effect":"Allow","Actions":"*","Resource":"*""#),
    K::UnknownElement(e) if e == "Actions", "Statement[0].Actions", at "\"Actions\"");
bad!(action_and_not_action, Identity,
    one(r#""Effect":"Allow","Action":"*","NotAction":"iam:*","Resource":"*""#),
    K::Conflict("Action", "NotAction"), "Statement[0].NotAction", at "\"iam:*\"");
bad!(principal_in_identity_policy, Identity,
    one(r#""Effect":"Allow","Principal":"*","Action":"*","Resource":"*""#),
    K::NotAllowed { element: "Principal", policy_type: "identity" }, "Statement[0]", at "{\"Effect\"");
bad!(resource_in_trust_policy, Trust,
    trust(r#","Resource":"*""#),
    K::NotAllowed { element: "Resource", policy_type: "trust" }, "Statement[0].Resource", at "{\"Effect\"");

// --- Values the compiler cannot use: CIDRs, dates, numbers, base64, actions, ARNs.

bad!(bad_cidr, Identity,
    cond(r#"{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","300.0.0.0/8"]}}"#),
    K::ConditionValue { operator, value, .. } if operator == "IpAddress" && value == "300.0.0.0/8",
    "Statement[0].Condition.IpAddress.aws:SourceIp[1]", at "\"300");
bad!(cidr_prefix_too_long, Identity,
    cond(r#"{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/33"}}"#),
    K::ConditionValue { value, .. } if value == "10.0.0.0/33",
    "Statement[0].Condition.NotIpAddress.aws:SourceIp", at "\"10.0.0.0/33\"");
bad!(bad_date, Identity,
    cond(r#"{"DateLessThan":{"aws:CurrentTime":"tomorrow"}}"#),
    K::ConditionValue { operator, value, reason } if operator == "DateLessThan" && value == "tomorrow" && reason.contains("ISO 8601"),
    "Statement[0].Condition.DateLessThan.aws:CurrentTime", 1:142);
bad!(bad_date_month_13, Identity,
    cond(r#"{"DateGreaterThan":{"aws:CurrentTime":"2020-13-01T00:00:00Z"}}"#),
    K::ConditionValue { value, .. } if value == "2020-13-01T00:00:00Z",
    "Statement[0].Condition.DateGreaterThan.aws:CurrentTime", at "\"2020-13");
// A date without a zone (`2020-01-01T00:00:00`) is stored by IAM: a warning
// that fails closed, not an error (L4, tests/validation_fidelity.rs).
bad!(bad_number, Identity,
    cond(r#"{"NumericLessThan":{"s3:max-keys":"ten"}}"#),
    K::ConditionValue { operator, value, .. } if operator == "NumericLessThan" && value == "ten",
    "Statement[0].Condition.NumericLessThan.s3:max-keys", at "\"ten\"");
bad!(number_with_exponent, Identity,
    cond(r#"{"NumericEquals":{"s3:max-keys":1e3}}"#),
    K::ConditionValue { value, .. } if value == "1e3",
    "Statement[0].Condition.NumericEquals.s3:max-keys", at "1e3");
bad!(bad_base64, Identity,
    cond(r#"{"BinaryEquals":{"aws:userid":"not base64!"}}"#),
    K::ConditionValue { operator, value, .. } if operator == "BinaryEquals" && value == "not base64!",
    "Statement[0].Condition.BinaryEquals.aws:userid", at "\"not base64!\"");
bad!(bool_value_not_true_or_false, Identity,
    cond(r#"{"Bool":{"aws:SecureTransport":"yes"}}"#),
    K::ConditionValue { value, .. } if value == "yes",
    "Statement[0].Condition.Bool.aws:SecureTransport", at "\"yes\"");
bad!(null_with_two_values, Identity,
    cond(r#"{"Null":{"aws:TokenIssueTime":["true","false"]}}"#),
    K::ConditionValue { operator, .. } if operator == "Null",
    "Statement[0].Condition.Null.aws:TokenIssueTime", at "\"aws:TokenIssueTime\"");
bad!(action_without_vendor, Identity,
    one(r#""Effect":"Allow","Action":"GetObject","Resource":"*""#),
    K::Action { value, .. } if value == "GetObject", "Statement[0].Action", at "\"GetObject\"");
bad!(action_with_two_colons, Identity,
    one(r#""Effect":"Allow","Action":["s3:Get:Object"],"Resource":"*""#),
    K::Action { value, reason } if value == "s3:Get:Object" && reason.contains("one colon"),
    "Statement[0].Action[0]", at "\"s3:Get");
bad!(resource_not_an_arn, Identity,
    one(r#""Effect":"Allow","Action":"*","Resource":"my-bucket""#),
    K::Resource { value, .. } if value == "my-bucket", "Statement[0].Resource", at "\"my-bucket\"");
bad!(resource_arn_with_four_colons, Identity,
    one(r#""Effect":"Allow","Action":"*","Resource":"arn:aws:s3::bucket""#),
    K::Resource { value, .. } if value == "arn:aws:s3::bucket", "Statement[0].Resource", at "\"arn:");
bad!(principal_string_not_star, Resource,
    one(r#""Effect":"Allow","Principal":"123456789012","Action":"s3:*","Resource":"*""#),
    K::Principal { value, .. } if value == "123456789012", "Statement[0].Principal", at "\"123456789012\"");
bad!(unknown_principal_kind, Resource,
    one(r#""Effect":"Allow","Principal":{"Aws":"*"},"Action":"s3:*","Resource":"*""#),
    K::UnknownElement(e) if e.starts_with("Aws"), "Statement[0].Principal.Aws", at "\"Aws\"");
bad!(trust_policy_granting_s3, Trust,
    one(r#""Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"s3:GetObject""#),
    K::Action { value, .. } if value == "s3:GetObject", "Statement[0].Action", at "\"s3:GetObject\"");

// --- Operators (G9).

bad!(unknown_operator, Identity,
    cond(r#"{"StringEqualz":{"aws:username":"a"}}"#),
    K::UnknownOperator(op) if op == "StringEqualz", "Statement[0].Condition.StringEqualz", at "\"StringEqualz\"");
bad!(operator_in_wrong_case, Identity,
    cond(r#"{"stringequals":{"aws:username":"a"}}"#),
    K::UnknownOperator(op) if op == "stringequals", "Statement[0].Condition.stringequals", at "\"stringequals\"");
bad!(unknown_set_qualifier, Identity,
    cond(r#"{"ForSomeValues:StringEquals":{"aws:TagKeys":"a"}}"#),
    K::UnknownOperator(op) if op == "ForSomeValues:StringEquals",
    "Statement[0].Condition.ForSomeValues:StringEquals", at "\"ForSome");
bad!(null_if_exists, Identity,
    cond(r#"{"NullIfExists":{"aws:TokenIssueTime":"true"}}"#),
    K::ConditionValue { operator, reason, .. } if operator == "NullIfExists" && reason.contains("IfExists"),
    "Statement[0].Condition.NullIfExists", at "\"NullIfExists\"");

// --- Variables where they are not allowed (V2) or malformed (V1).

bad!(variable_in_action, Identity,
    one(r#""Effect":"Allow","Action":"s3:${aws:username}","Resource":"*""#),
    K::VariableNotAllowed { element } if element == "Action", "Statement[0].Action", at "\"s3:${");
bad!(variable_in_not_action, Identity,
    one(r#""Effect":"Deny","NotAction":["s3:Get*","${aws:username}:*"],"Resource":"*""#),
    K::VariableNotAllowed { element } if element == "Action", "Statement[0].NotAction[1]", at "\"${aws:username}:*\"");
bad!(variable_in_principal, Resource,
    one(r#""Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/${aws:username}"},"Action":"s3:*","Resource":"*""#),
    K::VariableNotAllowed { element } if element == "Principal", "Statement[0].Principal.AWS", at "\"arn:aws:iam");
bad!(variable_in_numeric_condition, Identity,
    cond(r#"{"NumericLessThan":{"s3:max-keys":"${aws:username}"}}"#),
    K::VariableNotAllowed { element } if element == "`NumericLessThan` values",
    "Statement[0].Condition.NumericLessThan.s3:max-keys", at "\"${");
bad!(variable_in_date_condition, Identity,
    cond(r#"{"DateLessThan":{"aws:CurrentTime":"${aws:EpochTime}"}}"#),
    K::VariableNotAllowed { element } if element == "`DateLessThan` values",
    "Statement[0].Condition.DateLessThan.aws:CurrentTime", at "\"${");
bad!(variable_in_ip_condition, Identity,
    cond(r#"{"IpAddress":{"aws:SourceIp":"${aws:username}"}}"#),
    K::VariableNotAllowed { .. }, "Statement[0].Condition.IpAddress.aws:SourceIp", at "\"${");
bad!(variable_in_condition_key, Identity,
    cond(r#"{"StringEquals":{"aws:PrincipalTag/${aws:username}":"x"}}"#),
    K::VariableNotAllowed { element } if element == "condition keys",
    "Statement[0].Condition.StringEquals[\"aws:PrincipalTag/${aws:username}\"]", at "\"aws:PrincipalTag");
bad!(variable_before_fifth_colon, Identity,
    one(r#""Effect":"Allow","Action":"*","Resource":"arn:aws:s3:${aws:username}::b""#),
    K::VariableNotAllowed { element } if element.contains("fifth colon"), "Statement[0].Resource", at "\"arn:");
bad!(variable_without_closing_brace, Identity,
    one(r#""Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b/${aws:username""#),
    K::Variable(m) if m.contains("closing"), "Statement[0].Resource", at "\"arn:");
bad!(empty_variable_in_condition, Identity,
    cond(r#"{"StringLike":{"s3:prefix":"home/${}/*"}}"#),
    K::Variable(m) if m.contains("names no key"), "Statement[0].Condition.StringLike.s3:prefix", at "\"home/");

// --- Characters IAM does not store (G11): outside U+0000-U+00FF, or control characters.

bad!(non_latin1_character_raw, Identity,
    one(r#""Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/日本""#),
    K::Character('日'), "", at "日");
bad!(non_latin1_character_escaped, Session,
    one(r#""Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/\u65e5""#),
    K::Character('日'), "Statement[0].Resource", at "\"arn:");
bad!(escaped_emoji_in_scp_condition, Scp,
    cond(r#"{"StringLike":{"aws:userid":["a","\ud83d\ude00*"]}}"#),
    K::Character('😀'), "Statement[0].Condition.StringLike.aws:userid[1]", at "\"\\ud83d");
bad!(nul_escape_in_condition_value, Boundary,
    cond(r#"{"StringEquals":{"aws:username":"a\u0000"}}"#),
    K::Character('\0'), "Statement[0].Condition.StringEquals.aws:username", at "\"a\\u0000\"");
bad!(form_feed_raw, Trust,
    format!("{{\u{c}\"Version\":\"2012-10-17\"}}"),
    K::Character('\u{c}'), "", 1:2);

// --- Sizes: our own limits. AWS's per-type quotas (L1) are warnings, not
// errors: tests/validation_fidelity.rs.

bad!(enormous_document, Identity,
    format!("{}{}", " ".repeat(1 << 20), one(r#""Effect":"Allow","Action":"*","Resource":"*""#)),
    K::Limit { what: "policy size in bytes", limit: 1_048_576, .. }, "", 1:1);
bad!(too_many_statements, Identity,
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        vec![r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#; 10_001].join(",")
    ),
    K::Limit { what: "number of statements", limit: 10_000, .. }, "Statement", at "[{", no_quotas());
bad!(too_many_values, Identity,
    one(&format!(
        r#""Effect":"Allow","Action":[{}],"Resource":"*""#,
        vec![r#""s3:GetObject""#; 10_001].join(",")
    )),
    K::Limit { what: "number of values in one element", limit: 10_000, .. }, "Statement[0].Action", at "[\"s3", no_quotas());
bad!(too_many_condition_values, Identity,
    cond(&format!(r#"{{"StringEquals":{{"aws:username":[{}]}}}}"#, vec!["1"; 10_001].join(","))),
    K::Limit { what: "number of values in one element", limit: 10_000, .. },
    "Statement[0].Condition.StringEquals.aws:username", at "[1", no_quotas());
bad!(value_too_long, Identity,
    one(&format!(r#""Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b/{}""#, "k".repeat(4_096))),
    K::Limit { what: "length of one value in bytes", limit: 4_096, .. }, "Statement[0].Resource", at "\"arn:");
bad!(too_many_wildcards, Identity,
    one(&format!(r#""Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b/{}""#, "*a".repeat(257))),
    K::Limit { what: "number of wildcards in one pattern", limit: 256, .. }, "Statement[0].Resource", at "\"arn:");
bad!(deep_nesting, Identity,
    format!(r#"{{"Version":"2012-10-17","Statement":{}"#, "[".repeat(100_000)),
    K::Syntax(m) if m == "JSON nested more than 32 levels deep", "", 1:68, no_quotas());
bad!(deep_nesting_in_a_condition, Resource,
    cond(&format!("{}1{}", "[".repeat(40), "]".repeat(40))),
    K::Syntax(m) if m.contains("nested"), "", at &format!("{}1", "[".repeat(40 - 29)));

// --- 2008-10-17 and Version-less policies: `${…}` is literal text, not an error.

#[test]
fn version_2008_variables_are_literal_text() {
    for version in [r#""Version":"2008-10-17","#, ""] {
        let text = format!(
            r#"{{{version}"Statement":[{{"Effect":"Allow","Action":["s3:${{x}}","s3:GetObject"],"Resource":"arn:aws:s3:::b/${{aws:username}}/*","Condition":{{"NumericLessThan":{{"s3:max-keys":"10"}},"StringEquals":{{"aws:PrincipalTag/${{x}}":"${{aws:username}}"}}}}}}]}}"#
        );
        let report = validate(&text, Identity, &Options::default());
        assert!(report.is_valid(), "{version}: {:?}", report.errors);
        assert!(
            !report.warnings.is_empty(),
            "a warning says variables are not substituted"
        );

        let set = PolicySet::from_json(&text).unwrap();
        let decide = |resource: &str, username: &str, tag: &str| {
            let request = Request::builder("s3:GetObject", resource)
                .context("aws:username", username)
                .context("s3:max-keys", "5")
                .context("aws:PrincipalTag/${x}", tag)
                .build();
            set.evaluate(&request).decision()
        };
        // The variable is not substituted…
        assert_eq!(
            decide("arn:aws:s3:::b/alice/k", "alice", "alice"),
            Decision::ImplicitDeny
        );
        // …it is matched as the literal text it is.
        assert_eq!(
            decide(
                "arn:aws:s3:::b/${aws:username}/k",
                "alice",
                "${aws:username}"
            ),
            Decision::Allow
        );
    }
}

#[test]
fn invalid_variables_in_a_2008_policy_are_text_too() {
    let text = r#"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${","Condition":{"StringLike":{"s3:prefix":"${}"}}}]}"#;
    assert!(validate(text, Identity, &Options::default()).is_valid());
}

#[test]
fn non_latin1_characters_are_accepted_in_resource_policies() {
    // Rule G11 binds IAM and STS; other services store their own policies.
    let text = one(
        r#""Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/日本/*""#,
    );
    assert!(validate(&text, Resource, &Options::default()).is_valid());
}

#[test]
fn validate_reports_every_error_with_its_own_location() {
    // 0 stands for a missing position, which no expected value below has.
    let locations = |text: &str| -> Vec<(String, usize, usize)> {
        validate(text, Identity, &Options::default())
            .errors
            .iter()
            .map(|e| {
                let l = e.location();
                (
                    l.path().to_owned(),
                    l.line().unwrap_or(0),
                    l.column().unwrap_or(0),
                )
            })
            .collect()
    };
    // Grammar errors in two statements: both reported (compiling waits for a clean grammar).
    let text = "{\n\"Version\": \"2012-10-17\",\n\"Statement\": [\n{\"Effect\": \"allow\", \"Action\": \"*\", \"Resource\": \"*\"},\n{\"Effect\": \"Allow\", \"Action\": [], \"Resource\": \"*\"}\n]}";
    assert_eq!(
        locations(text),
        [
            ("Statement[0].Effect".to_owned(), 4, 12),
            ("Statement[1]".to_owned(), 5, 1),
        ]
    );
    // Compile errors in two statements: both reported.
    let text = "{\n\"Version\": \"2012-10-17\",\n\"Statement\": [\n{\"Effect\": \"Allow\", \"Action\": \"s3:${x}\", \"Resource\": \"*\"},\n{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\", \"Condition\": {\"DateLessThan\": {\"aws:CurrentTime\": \"soon\"}}}\n]}";
    assert_eq!(
        locations(text),
        [
            ("Statement[0].Action".to_owned(), 4, 31),
            (
                "Statement[1].Condition.DateLessThan.aws:CurrentTime".to_owned(),
                5,
                103
            ),
        ]
    );
}

// --- Malformed requests: no error to report, so each must fail closed.

#[test]
fn malformed_requests_fail_closed() {
    let set = PolicySet::from_json(
        r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},
            {"Effect":"Deny","Action":"s3:GetObject","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}},
            {"Effect":"Deny","Action":"s3:GetObject","Resource":"*","Condition":{"NumericGreaterThan":{"s3:max-keys":"100"}}},
            {"Effect":"Deny","Action":"s3:GetObject","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}},
            {"Effect":"Deny","Action":"s3:GetObject","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}
        ]}"#,
    )
    .unwrap();
    let ok = [
        ("aws:SourceIp", "203.0.113.7"),
        ("s3:max-keys", "10"),
        ("aws:CurrentTime", "2024-01-01T00:00:00Z"),
        ("aws:MultiFactorAuthPresent", "true"),
    ];
    let decide = |action: &str, resource: &str, replace: Option<(&str, &str)>| {
        let mut request = Request::builder(action, resource);
        for (key, value) in ok {
            let value = match replace {
                Some((k, v)) if k == key => v,
                _ => value,
            };
            request = request.context(key, value);
        }
        let request = request.build();
        let response = set.evaluate(&request);
        let decision = response.decision();
        assert_eq!(response.explanation().decision, decision);
        decision
    };
    assert_eq!(
        decide("s3:GetObject", "arn:aws:s3:::b/k", None),
        Decision::Allow
    );
    assert_eq!(
        decide("S3:GETOBJECT", "arn:aws:s3:::b/k", None),
        Decision::Allow
    );

    // Not the action or not the resource: nothing grants.
    for (action, resource) in [
        ("", "arn:aws:s3:::b/k"),
        ("s3", "arn:aws:s3:::b/k"),
        ("s3:GetObject\0", "arn:aws:s3:::b/k"),
        ("s3:Get*", "arn:aws:s3:::c/k"),
        ("s3:GetObject", ""),
        ("s3:GetObject", "arn:aws:s3::b/k"),
        ("s3:GetObject", "arn:aws:s3:::B/k"),
        ("s3:GetObject", "b/k"),
        ("s3:GetObject", "arn:aws:s3:::b"),
    ] {
        assert_eq!(
            decide(action, resource, None),
            Decision::ImplicitDeny,
            "{action:?} on {resource:?}"
        );
    }
    // A request value the Deny's operator cannot read makes the Deny apply.
    for bad in [
        ("aws:SourceIp", "not-an-ip"),
        ("aws:SourceIp", ""),
        ("aws:SourceIp", "203.0.113.7/24"),
        ("s3:max-keys", "ten"),
        ("s3:max-keys", "1e3"),
        ("s3:max-keys", ""),
        ("aws:CurrentTime", "tomorrow"),
        ("aws:CurrentTime", ""),
        ("aws:MultiFactorAuthPresent", "maybe"),
        ("aws:MultiFactorAuthPresent", "\0"),
    ] {
        assert_eq!(
            decide("s3:GetObject", "arn:aws:s3:::b/k", Some(bad)),
            Decision::ExplicitDeny,
            "{bad:?}"
        );
    }
}

#[test]
fn huge_requests_are_bounded_by_the_caller_and_still_decided() {
    // Requests are not limited by the crate (SECURITY.md); a 1 MiB resource
    // and a 1 MiB context value are decided in linear time.
    let set = PolicySet::from_json(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*a*a*a*a*a*a*a*b","Condition":{"StringLike":{"aws:userid":"*a*a*a*a*a*a*a*b"}}}}"#,
    )
    .unwrap();
    let long = "a".repeat(1 << 20);
    let request = Request::builder("s3:GetObject", format!("arn:aws:s3:::b/{long}"))
        .context("aws:userid", long.as_str())
        .build();
    let started = std::time::Instant::now();
    assert_eq!(set.evaluate(&request).decision(), Decision::ImplicitDeny);
    let _ = set.evaluate(&request).explanation().to_string();
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
}

/// A YAML file given where a JSON policy is read says so, and points to
/// the template reader; JSON that is merely broken does not.
#[test]
fn yaml_given_to_the_json_reader_says_so() {
    let yaml = "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n";
    let report = iam_eval::validate(
        yaml,
        iam_eval::PolicyType::Identity,
        &iam_eval::Options::default(),
    );
    let error = report.errors[0].to_string();
    assert!(error.contains("looks like YAML"), "{error}");
    assert!(error.contains("--template"), "{error}");
    for yaml in [
        "---\nVersion: 2012-10-17\n",
        "# a policy\nVersion: '2012-10-17'\n",
    ] {
        let report = iam_eval::validate(
            yaml,
            iam_eval::PolicyType::Identity,
            &iam_eval::Options::default(),
        );
        assert!(
            report.errors[0].to_string().contains("looks like YAML"),
            "{yaml}"
        );
    }
    let broken = r#"{"Version": "2012-10-17", "Statement": [}"#;
    let report = iam_eval::validate(
        broken,
        iam_eval::PolicyType::Identity,
        &iam_eval::Options::default(),
    );
    assert!(!report.errors[0].to_string().contains("YAML"));
}
