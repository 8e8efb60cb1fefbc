//! `iam_eval::lint` and `iam-eval lint` on the fixtures in `fixtures/lint/`:
//! every bad policy produces its findings, every good one lints clean.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly; clippy.toml allows these only inside #[test] fns"
)]

use std::path::Path;
mod common;

use common::{iam_eval, stdout};

use iam_eval::lint::{lint, FindingType, LintConfig, PathElement, CHECKS};
use iam_eval::PolicyType;

const SEVERAL: &str = "fixtures/lint/several-mistakes.json";

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

/// `name.trust.json` is a trust policy, `name.resource.json` a resource
/// policy, anything else an identity policy.
fn type_of(path: &str) -> PolicyType {
    if path.ends_with(".trust.json") {
        PolicyType::Trust
    } else if path.ends_with(".resource.json") {
        PolicyType::Resource
    } else {
        PolicyType::Identity
    }
}

fn codes_of(path: &str) -> Vec<&'static str> {
    lint(&read(path), type_of(path), &LintConfig::default())
        .into_iter()
        .map(|f| f.issue_code)
        .collect()
}

#[test]
fn bad_fixtures_produce_their_findings() {
    let cases: &[(&str, &[&str])] = &[
        (
            SEVERAL,
            &[
                "SERVICE_WIDE_ACTION_ON_ALL_RESOURCES",
                "SERVICE_WIDE_ACTION_ON_ALL_RESOURCES",
                "IDENTITY_VARIABLE_WITHOUT_DELIMITER",
                "S3_BUCKET_ACTION_ON_OBJECT_ARN",
                "DYNAMODB_QUERY_WITHOUT_INDEX",
                "ALLOW_FORALLVALUES_WITHOUT_NULL_GUARD",
                "USERNAME_VARIABLE_IN_ROLE_POLICY",
            ],
        ),
        (
            "fixtures/lint/bad/cognito-trust.trust.json",
            &[
                "COGNITO_TRUST_MISSING_AUD",
                "COGNITO_TRUST_WRONG_ACTION",
                "COGNITO_AMR_WITHOUT_FORANYVALUE",
            ],
        ),
        (
            "fixtures/lint/bad/cognito-trust-guests.trust.json",
            &["COGNITO_TRUST_ADMITS_UNAUTHENTICATED"],
        ),
        (
            "fixtures/lint/bad/conditions.json",
            &[
                "REDUNDANT_STATEMENT",
                "FORALLVALUES_WITH_SINGLE_VALUED_KEY",
                "MISSING_QUALIFIER",
                "FORANYVALUE_WITH_SINGLE_VALUED_KEY",
                "SERVICE_WIDE_ACTION_ON_ALL_RESOURCES",
                "REDUNDANT_STATEMENT",
            ],
        ),
        (
            "fixtures/lint/bad/old-version-variables.json",
            &["LEGACY_VERSION", "VARIABLE_UNSUPPORTED_IN_VERSION"],
        ),
        (
            "fixtures/lint/bad/public-bucket.resource.json",
            &[
                "WILDCARD_PRINCIPAL_WITHOUT_CONDITION",
                "S3_OBJECT_ACTION_ON_BUCKET_ARN",
                "ALLOW_WITH_NOT_ACTION",
                "ALLOW_WITH_NOT_RESOURCE",
                "PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE",
                "CREATE_SLR_WITH_NOT_ACTION_AND_NOT_RESOURCE",
            ],
        ),
    ];
    for (path, expected) in cases {
        assert_eq!(codes_of(path), *expected, "{path}");
    }
}

#[test]
fn every_bad_fixture_is_covered_and_every_good_fixture_lints_clean() {
    let dir = |sub: &str| {
        let mut paths: Vec<String> = std::fs::read_dir(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("fixtures/lint")
                .join(sub),
        )
        .unwrap()
        .map(|e| {
            format!(
                "fixtures/lint/{sub}/{}",
                e.unwrap().file_name().to_string_lossy()
            )
        })
        .collect();
        paths.sort();
        paths
    };
    let good = dir("good");
    assert!(good.len() >= 5);
    for path in good {
        let findings = lint(&read(&path), type_of(&path), &LintConfig::default());
        assert!(findings.is_empty(), "{path}: {findings:#?}");
    }
    for path in dir("bad") {
        assert!(!codes_of(&path).is_empty(), "{path} lints clean");
    }
}

#[test]
fn the_story_policies_are_flagged_for_cognito_wildcards_on_star() {
    let auth = codes_of("fixtures/policies/notes-app-auth-role.json");
    assert_eq!(
        auth,
        [
            "SERVICE_WIDE_ACTION_ON_ALL_RESOURCES",
            "SERVICE_WIDE_ACTION_ON_ALL_RESOURCES"
        ]
    );
    let guest = codes_of("fixtures/policies/notes-app-unauth-role.json");
    assert_eq!(guest, ["SERVICE_WIDE_ACTION_ON_ALL_RESOURCES"]);
    for trust in [
        "fixtures/policies/cognito-trust-authenticated.json",
        "fixtures/policies/cognito-trust-unauthenticated.json",
    ] {
        assert!(lint(&read(trust), PolicyType::Trust, &LintConfig::default()).is_empty());
    }
}

#[test]
fn findings_point_at_the_offending_text() {
    let text = read(SEVERAL);
    let findings = lint(&text, PolicyType::Identity, &LintConfig::default());
    let delimiter = findings
        .iter()
        .find(|f| f.issue_code == "IDENTITY_VARIABLE_WITHOUT_DELIMITER")
        .unwrap();
    let location = &delimiter.locations[0];
    assert_eq!(location.json_path(), "Statement[1].Resource");
    assert_eq!(
        location.path,
        [
            PathElement::Value("Statement".into()),
            PathElement::Index(1),
            PathElement::Value("Resource".into())
        ]
    );
    // Access Analyzer's positions: 1-based line, 0-based column.
    assert_eq!(
        (location.span.start.line, location.span.start.column),
        (14, 18)
    );
    let quoted = text
        .get(location.span.start.offset..location.span.end.offset)
        .unwrap();
    assert_eq!(
        quoted,
        r#""arn:aws:s3:::notes-app-uploads/private/${cognito-identity.amazonaws.com:sub}*""#
    );
    assert_eq!(delimiter.finding_type, FindingType::SecurityWarning);
    assert!(delimiter
        .learn_more_link
        .starts_with("https://docs.aws.amazon.com/"));
    // Findings come in text order.
    let offsets: Vec<usize> = findings
        .iter()
        .map(|f| f.locations[0].span.start.offset)
        .collect();
    assert!(offsets.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn every_check_can_be_switched_off() {
    let mut config = LintConfig::default();
    for check in CHECKS {
        config.disable(check.code);
    }
    for path in [
        SEVERAL,
        "fixtures/lint/bad/cognito-trust.trust.json",
        "fixtures/lint/bad/conditions.json",
        "fixtures/lint/bad/public-bucket.resource.json",
    ] {
        assert!(
            lint(&read(path), type_of(path), &config).is_empty(),
            "{path}"
        );
    }
}

#[test]
fn invalid_json_is_one_error() {
    let findings = lint(
        r#"{"Version": "2012-10-17", "Statement": ["#,
        PolicyType::Identity,
        &LintConfig::default(),
    );
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].issue_code, "JSON_SYNTAX_ERROR");
    assert_eq!(findings[0].finding_type, FindingType::Error);
}

#[test]
fn cli_prints_one_line_per_finding_and_exits_2() {
    let out = iam_eval(&["lint", SEVERAL]);
    assert_eq!(out.status.code(), Some(2));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 7, "{text}");
    assert!(lines[0].starts_with(
        "fixtures/lint/several-mistakes.json:7:47: WARNING SERVICE_WIDE_ACTION_ON_ALL_RESOURCES: `cognito-sync:*`"
    ));
    assert!(lines[0].ends_with(
        "(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html)"
    ));
    assert!(text.contains(
        "fixtures/lint/several-mistakes.json:19:17: ERROR S3_BUCKET_ACTION_ON_OBJECT_ARN: "
    ));
}

#[test]
fn cli_json_lines_use_access_analyzer_field_names() {
    let out = iam_eval(&["lint", "--json", SEVERAL]);
    assert_eq!(out.status.code(), Some(2));
    let text = stdout(&out);
    // One line per policy: `findings` as in ValidatePolicy's response.
    let line: serde_json::Value = serde_json::from_str(text.trim()).unwrap();
    assert_eq!(line["file"], SEVERAL);
    assert_eq!(line["policyType"], "identity");
    let findings = line["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 7);
    let first = &findings[0];
    // Exactly ValidatePolicyFinding's members, no more.
    let mut keys: Vec<&str> = first
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "findingDetails",
            "findingType",
            "issueCode",
            "learnMoreLink",
            "locations"
        ]
    );
    assert_eq!(first["findingType"], "WARNING");
    assert_eq!(first["issueCode"], "SERVICE_WIDE_ACTION_ON_ALL_RESOURCES");
    assert!(first["findingDetails"]
        .as_str()
        .unwrap()
        .contains("cognito-sync:*"));
    assert_eq!(
        first["locations"][0]["path"],
        serde_json::json!([{"value": "Statement"}, {"index": 0}, {"value": "Action"}, {"index": 1}])
    );
    let start = &first["locations"][0]["span"]["start"];
    assert_eq!(
        (start["line"].as_u64(), start["column"].as_u64()),
        (Some(7), Some(46))
    );
    let offset = start["offset"].as_u64().unwrap() as usize;
    assert!(read(SEVERAL)
        .get(offset..)
        .unwrap()
        .starts_with("\"cognito-sync:*\""));
    // A condition key is a `key` step.
    let guard = findings
        .iter()
        .find(|f| f["issueCode"] == "ALLOW_FORALLVALUES_WITHOUT_NULL_GUARD")
        .unwrap();
    assert_eq!(
        guard["locations"][0]["path"],
        serde_json::json!([{"value": "Statement"}, {"index": 3}, {"value": "Condition"}, {"value": "ForAllValues:StringEquals"}, {"key": "dynamodb:LeadingKeys"}])
    );
}

#[test]
fn cli_pool_sets_the_severity_of_broad_grants() {
    let out = iam_eval(&[
        "lint",
        "--pool",
        "fixtures/cognito/notes-app-pool.json",
        "--json",
    ]);
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let auth = lines
        .iter()
        .find(|l| {
            l["poolPath"]
                == "Roles.arn:aws:iam::123456789012:role/Cognito_NotesAuth_Role.Policies[0].PolicyDocument"
        })
        .unwrap();
    let wide: Vec<&serde_json::Value> = auth["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["issueCode"] == "SERVICE_WIDE_ACTION_ON_ALL_RESOURCES")
        .collect();
    assert_eq!(wide.len(), 2, "{auth}");
    // The authenticated role goes to every signed-in user.
    assert!(wide.iter().all(|f| f["findingType"] == "SECURITY_WARNING"));
    assert_eq!(out.status.code(), Some(2));
    // The same policy as a bare file: warnings.
    let bare = iam_eval(&["lint", "fixtures/policies/notes-app-auth-role.json"]);
    assert!(stdout(&bare).contains("WARNING SERVICE_WIDE_ACTION_ON_ALL_RESOURCES"));
    assert!(!stdout(&bare).contains("SECURITY_WARNING SERVICE_WIDE"));
    let told = iam_eval(&[
        "lint",
        "--public-role",
        "guests",
        "fixtures/policies/notes-app-auth-role.json",
    ]);
    assert!(stdout(&told).contains("SECURITY_WARNING SERVICE_WIDE_ACTION_ON_ALL_RESOURCES"));
}

#[test]
fn cli_exits_0_without_errors_or_security_warnings() {
    let out = iam_eval(&["lint", "fixtures/lint/good/notes-app-auth-role.json"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out).trim(),
        "fixtures/lint/good/notes-app-auth-role.json: no findings (identity policy)"
    );
    // Only warnings and suggestions left: still 0.
    let out = iam_eval(&[
        "lint",
        "--disable",
        "SERVICE_WIDE_ACTION_ON_ALL_RESOURCES,IDENTITY_VARIABLE_WITHOUT_DELIMITER",
        "--disable",
        "S3_BUCKET_ACTION_ON_OBJECT_ARN",
        "--disable",
        "ALLOW_FORALLVALUES_WITHOUT_NULL_GUARD",
        SEVERAL,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(stdout(&out).lines().count(), 2);
}

#[test]
fn cli_type_selects_the_grammar_and_checks() {
    let out = iam_eval(&[
        "lint",
        "--type",
        "trust",
        "fixtures/lint/bad/cognito-trust.trust.json",
        "fixtures/lint/good/cognito-trust-authenticated.trust.json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let text = stdout(&out);
    assert!(text.contains("COGNITO_TRUST_MISSING_AUD"));
    assert!(text.contains("cognito-trust-authenticated.trust.json: no findings (trust policy)"));
}

#[test]
fn cli_errors_exit_1() {
    let missing = iam_eval(&["lint", "fixtures/lint/no-such-file.json"]);
    assert_eq!(missing.status.code(), Some(1));
    let unknown = iam_eval(&["lint", "--disable", "NO_SUCH_CODE", SEVERAL]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("NO_SUCH_CODE"));
}

/// The resource-type codes of `policy` linted as `policy_type` attached to
/// `resource_type` (the other checks are pinned elsewhere).
fn codes_for(
    policy: &str,
    policy_type: PolicyType,
    resource_type: Option<&str>,
) -> Vec<&'static str> {
    let mut config = LintConfig::default();
    config.resource_type = resource_type.map(str::to_owned);
    lint(policy, policy_type, &config)
        .into_iter()
        .map(|f| f.issue_code)
        .filter(|c| c.starts_with("UNSUPPORTED_"))
        .collect()
}

fn resource_policy(action: &str, resource: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::111122223333:root"}},"Action":{action},"Resource":{resource}}}]}}"#
    )
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-unsupported-action-in-policy
#[test]
fn unsupported_action_in_policy_names_actions_of_another_service() {
    let bucket = Some("AWS::S3::Bucket");
    let kms = resource_policy(
        r#"["s3:GetObject","kms:Decrypt"]"#,
        r#""arn:aws:s3:::notes/*""#,
    );
    let mut config = LintConfig::default();
    config.resource_type = bucket.map(str::to_owned);
    let findings = lint(&kms, PolicyType::Resource, &config);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let f = &findings[0];
    assert_eq!(f.issue_code, "UNSUPPORTED_ACTION_IN_POLICY");
    assert_eq!(f.finding_type, FindingType::Error);
    assert_eq!(
        f.message,
        "The action kms:Decrypt is not supported for the resource-based policy attached to resource type S3 Bucket."
    );
    assert_eq!(f.locations[0].json_path(), "Statement[0].Action[1]");
    // Without a resource type the check does not run; nor for an identity policy.
    assert!(codes_for(&kms, PolicyType::Resource, None).is_empty());
    assert!(codes_for(&kms, PolicyType::Identity, bucket).is_empty());
    // Near misses: `*`, a wildcard service, other case of the right prefix.
    for action in [
        r#""*""#,
        r#""s*:GetObject""#,
        r#""S3:GetObject""#,
        r#""s3:*""#,
    ] {
        let text = resource_policy(action, r#""arn:aws:s3:::notes/*""#);
        assert!(
            codes_for(&text, PolicyType::Resource, bucket).is_empty(),
            "{action}"
        );
    }
    // A DynamoDB table policy holds `dynamodb:` actions only.
    let table = Some("AWS::DynamoDB::Table");
    let arn = r#""arn:aws:dynamodb:us-east-1:111122223333:table/Notes""#;
    assert!(codes_for(
        &resource_policy(r#""dynamodb:GetItem""#, arn),
        PolicyType::Resource,
        table
    )
    .is_empty());
    assert_eq!(
        codes_for(
            &resource_policy(r#""s3:GetObject""#, arn),
            PolicyType::Resource,
            table
        ),
        ["UNSUPPORTED_ACTION_IN_POLICY"]
    );
    // A role trust policy holds `sts:` actions only; the grammar already
    // rejects any other (`INVALID_ACTION`), so this check adds nothing there.
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    assert!(codes_for(
        trust,
        PolicyType::Trust,
        Some("AWS::IAM::AssumeRolePolicyDocument")
    )
    .is_empty());
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-unsupported-resource-arn-in-policy
#[test]
fn unsupported_resource_arn_in_policy_names_arns_of_another_type() {
    let cases: &[(&str, &str, bool)] = &[
        // Bucket policies: bucket and object ARNs, or a wildcard that can be one.
        ("AWS::S3::Bucket", "arn:aws:s3:::notes", true),
        (
            "AWS::S3::Bucket",
            "arn:aws:s3:::notes/${aws:userid}/*",
            true,
        ),
        ("AWS::S3::Bucket", "arn:aws:*:::notes", true),
        ("AWS::S3::Bucket", "*", true),
        (
            "AWS::S3::Bucket",
            "arn:aws:kms:us-east-1:111122223333:key/1",
            false,
        ),
        (
            "AWS::S3::Bucket",
            "arn:aws:s3:us-east-1:111122223333:accesspoint/ap",
            false,
        ),
        // Access point policies: access point ARNs (and their objects).
        (
            "AWS::S3::AccessPoint",
            "arn:aws:s3:us-east-1:111122223333:accesspoint/ap/object/*",
            true,
        ),
        (
            "AWS::S3::AccessPoint",
            "arn:aws:s3:us-east-1:111122223333:access*",
            true,
        ),
        ("AWS::S3::AccessPoint", "arn:aws:s3:::notes/*", false),
        // Table policies: table and index ARNs; stream policies: stream ARNs.
        (
            "AWS::DynamoDB::Table",
            "arn:aws:dynamodb:us-east-1:111122223333:table/Notes",
            true,
        ),
        (
            "AWS::DynamoDB::Table",
            "arn:aws:dynamodb:us-east-1:111122223333:table/Notes/index/ByDate",
            true,
        ),
        (
            "AWS::DynamoDB::Table",
            "arn:aws:dynamodb:us-east-1:111122223333:table/Notes/*",
            true,
        ),
        (
            "AWS::DynamoDB::Table",
            "arn:aws:dynamodb:us-east-1:111122223333:table/Notes/stream/2024-01-01T00:00:00.000",
            false,
        ),
        ("AWS::DynamoDB::Table", "arn:aws:s3:::notes", false),
        (
            "AWS::DynamoDB::Stream",
            "arn:aws:dynamodb:us-east-1:111122223333:table/Notes/stream/2024-01-01T00:00:00.000",
            true,
        ),
        (
            "AWS::DynamoDB::Stream",
            "arn:aws:dynamodb:us-east-1:111122223333:table/Notes",
            false,
        ),
    ];
    for (resource_type, arn, supported) in cases {
        let service = if resource_type.contains("DynamoDB") {
            "dynamodb"
        } else {
            "s3"
        };
        let text = resource_policy(&format!(r#""{service}:*""#), &format!(r#""{arn}""#));
        let codes = codes_for(&text, PolicyType::Resource, Some(resource_type));
        let want: &[&str] = if *supported {
            &[]
        } else {
            &["UNSUPPORTED_RESOURCE_ARN_IN_POLICY"]
        };
        assert_eq!(codes, want, "{resource_type} {arn}");
    }
    let text = resource_policy(
        r#""s3:GetObject""#,
        r#""arn:aws:kms:us-east-1:111122223333:key/1""#,
    );
    let mut config = LintConfig::default();
    config.resource_type = Some("AWS::S3::Bucket".to_owned());
    let findings = lint(&text, PolicyType::Resource, &config);
    assert_eq!(findings[0].finding_type, FindingType::Error);
    assert!(findings[0]
        .message
        .ends_with("attached to resource type S3 Bucket."));
    assert_eq!(
        findings[0].locations[0].json_path(),
        "Statement[0].Resource"
    );
}

#[test]
fn cli_resource_type_turns_on_the_resource_type_checks() {
    let text = resource_policy(r#""kms:Decrypt""#, r#""arn:aws:s3:::notes/*""#);
    let dir = std::env::temp_dir().join(format!("iam-eval-lint-rt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bucket.json");
    std::fs::write(&file, text).unwrap();
    let file = file.to_str().unwrap();
    let out = iam_eval(&[
        "lint",
        "--type",
        "resource",
        "--resource-type",
        "AWS::S3::Bucket",
        file,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).contains("ERROR UNSUPPORTED_ACTION_IN_POLICY"));
    let without = iam_eval(&["lint", "--type", "resource", file]);
    assert_eq!(without.status.code(), Some(0), "{}", stdout(&without));
    // Only for resource and trust policies, and only the types Access Analyzer names.
    let identity = iam_eval(&["lint", "--resource-type", "AWS::S3::Bucket", file]);
    assert_eq!(identity.status.code(), Some(1));
    let unknown = iam_eval(&[
        "lint",
        "--type",
        "resource",
        "--resource-type",
        "AWS::S3::Bukket",
        file,
    ]);
    assert_ne!(unknown.status.code(), Some(0));
    std::fs::remove_dir_all(&dir).unwrap();
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-private-ip-address
#[test]
fn private_source_ip_ranges_are_errors_at_the_key() {
    let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":["10.0.0.0/16","192.168.1.0/24"]}}}]}"#;
    let findings = lint(text, PolicyType::Identity, &LintConfig::default());
    let f = findings
        .iter()
        .find(|f| f.issue_code == "PRIVATE_NOT_IP_ADDRESS")
        .unwrap();
    assert_eq!(f.finding_type, FindingType::Error);
    assert!(f
        .message
        .contains("include only private IP addresses and has no effect"));
    assert_eq!(
        f.locations[0].path.last(),
        Some(&PathElement::Key("aws:SourceIp".to_owned()))
    );
    // One public range and the Deny works for it: nothing to report.
    let mixed = text.replace("192.168.1.0/24", "203.0.113.0/24");
    assert!(lint(&mixed, PolicyType::Identity, &LintConfig::default())
        .iter()
        .all(|f| !f.issue_code.starts_with("PRIVATE_")));
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-arn-account-not-allowed
#[test]
fn an_account_in_a_bucket_arn_is_an_error_at_the_resource() {
    let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::notes/*","arn:aws:s3::111122223333:notes/*"]}]}"#;
    let findings = lint(text, PolicyType::Identity, &LintConfig::default());
    let f: Vec<_> = findings
        .iter()
        .filter(|f| f.issue_code == "ARN_ACCOUNT_NOT_ALLOWED")
        .collect();
    assert_eq!(f.len(), 1, "{findings:#?}");
    assert_eq!(f[0].finding_type, FindingType::Error);
    assert_eq!(
        f[0].message,
        "The service s3 does not support specifying an account ID in the resource ARN."
    );
    assert_eq!(f[0].locations[0].json_path(), "Statement[0].Resource[1]");
}
