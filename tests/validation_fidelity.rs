//! Validation as IAM validates (issue 15, items 6-8): what AWS stores is
//! compiled and evaluated here, what it refuses is refused, and AWS's size
//! quotas are findings, not errors. Only the public API and the binary are
//! used.
//!
//! Sources:
//! - IAM quotas: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html>
//! - Access Analyzer checks: <https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html>
//! - IAM identifiers: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html>
//! - IAM JSON grammar: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html>

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "test helpers fail loudly; clippy.toml allows these only inside #[test] fns"
)]

mod common;

use std::path::PathBuf;

use common::{iam_eval, stdout};
use iam_eval::lint::{lint, FindingType, LintConfig};
use iam_eval::{
    validate, Decision, IdentityAttachment, Limits, Options, PolicyErrorKind, PolicySet,
    PolicySetBuilder, PolicyType, Request, WarningKind,
};
use PolicyType::{Boundary, Identity, Rcp, Resource, Scp, Session, Trust};

/// A 2012-10-17 policy with one statement whose members are `body`.
fn one(body: &str) -> String {
    format!(r#"{{"Version":"2012-10-17","Statement":[{{{body}}}]}}"#)
}

/// A policy of `policy_type` padded with resource entries (or, for a trust
/// policy, condition values) until it holds exactly `chars` characters other
/// than white space. Every entry is short, so no bound of our own applies.
fn sized(policy_type: PolicyType, chars: usize) -> String {
    let build = |entries: usize, tail: usize| {
        let mut values: Vec<String> = (0..entries).map(|i| format!("v{i:05}")).collect();
        values.push("x".repeat(tail));
        let list = values
            .iter()
            .map(|v| format!(r#""arn:aws:s3:::pad/{v}""#))
            .collect::<Vec<_>>()
            .join(",");
        let keys = values
            .iter()
            .map(|v| format!(r#""{v}""#))
            .collect::<Vec<_>>()
            .join(",");
        match policy_type {
            Trust => one(&format!(
                r#""Effect":"Allow","Principal":{{"Service":"lambda.amazonaws.com"}},"Action":"sts:AssumeRole","Condition":{{"StringEquals":{{"aws:SourceAccount":[{keys}]}}}}"#
            )),
            Resource => one(&format!(
                r#""Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":[{list}]"#
            )),
            Rcp => one(&format!(
                r#""Effect":"Deny","Principal":"*","Action":"s3:*","Resource":[{list}]"#
            )),
            _ => one(&format!(
                r#""Effect":"Allow","Action":"s3:GetObject","Resource":[{list}]"#
            )),
        }
    };
    let base = Limits::policy_size(&build(0, 0));
    let per_entry = Limits::policy_size(&build(1, 0)) - base;
    let entries = (chars - base) / per_entry;
    let tail = chars - Limits::policy_size(&build(entries, 0));
    let text = build(entries, tail);
    assert_eq!(Limits::policy_size(&text), chars);
    text
}

fn quota_warnings(text: &str, policy_type: PolicyType, options: &Options) -> Vec<String> {
    let report = validate(text, policy_type, options);
    assert!(report.is_valid(), "{policy_type}: {:?}", report.errors);
    report
        .warnings
        .iter()
        .filter(|w| w.kind() == WarningKind::PolicySizeExceedsQuota)
        .map(|w| w.message().to_owned())
        .collect()
}

// --- Item 7: size quotas are findings, not evaluation errors (L1).

/// The issue's case: a 7,000-character identity policy (over the managed
/// quota, within a role's inline quota) compiles and decides both ways.
#[test]
fn l1_identity_policy_of_7000_characters_evaluates() {
    let allow = sized(Identity, 6_900);
    // A Deny on one key of the bucket, beside the padded Allow.
    let text = allow.replace(
        r#"]}]}"#,
        r#"]},{"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::pad/v00001"}]}"#,
    );
    assert!(Limits::policy_size(&text) > 6_144 && Limits::policy_size(&text) <= 7_000);
    let set = PolicySet::from_json(&text).expect("a policy over the quota compiles");
    let granted = Request::new("s3:GetObject", "arn:aws:s3:::pad/v00000");
    assert_eq!(set.evaluate(&granted).decision(), Decision::Allow);
    let denied = Request::new("s3:GetObject", "arn:aws:s3:::pad/v00001");
    assert_eq!(set.evaluate(&denied).decision(), Decision::ExplicitDeny);
    let other = Request::new("s3:PutObject", "arn:aws:s3:::pad/v00000");
    assert_eq!(set.evaluate(&other).decision(), Decision::ImplicitDeny);
    // The set carries the finding too.
    let kinds: Vec<WarningKind> = set.warnings().iter().map(|w| w.kind()).collect();
    assert_eq!(kinds, [WarningKind::PolicySizeExceedsQuota]);
}

/// With no attachment known, the managed quota is reported and the inline
/// role quota named beside it; a known attachment is reported as itself.
#[test]
fn l1_identity_quota_depends_on_the_attachment() {
    let text = sized(Identity, 7_000);
    let options = Options::default();
    let found = quota_warnings(&text, Identity, &options);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("7000 characters"), "{}", found[0]);
    assert!(found[0].contains("6144-character"), "{}", found[0]);
    assert!(found[0].contains("a managed policy"), "{}", found[0]);
    assert!(found[0].contains("10,240"), "{}", found[0]);

    let with = |attachment| {
        let mut options = Options::default();
        options.limits.identity_attachment = Some(attachment);
        quota_warnings(&text, Identity, &options)
    };
    // A role's inline policies may have 10,240 characters: nothing to report.
    assert!(with(IdentityAttachment::InlineRole).is_empty());
    let group = with(IdentityAttachment::InlineGroup);
    assert!(group[0].contains("5120-character"), "{group:?}");
    assert!(group[0].contains("a group's inline policies"), "{group:?}");
    let user = with(IdentityAttachment::InlineUser);
    assert!(user[0].contains("2048-character"), "{user:?}");
    let managed = with(IdentityAttachment::Managed);
    assert!(managed[0].contains("6144-character"), "{managed:?}");
    assert!(!managed[0].contains("10,240"), "{managed:?}");

    // Near misses: at the quota nothing is reported, one past it is.
    assert!(quota_warnings(&sized(Identity, 6_144), Identity, &options).is_empty());
    assert_eq!(
        quota_warnings(&sized(Identity, 6_145), Identity, &options).len(),
        1
    );
    assert!(quota_warnings(&sized(Identity, 10_240), Identity, &{
        let mut o = Options::default();
        o.limits.identity_attachment = Some(IdentityAttachment::InlineRole);
        o
    })
    .is_empty());
}

/// "IAM does not count white space": spaces, tabs and newlines, inside
/// strings too, are free; every other character counts once.
#[test]
fn l1_white_space_is_not_counted_anywhere() {
    let text = sized(Identity, 6_144);
    let pretty = format!(
        "{}{}",
        " \n\t\r".repeat(6_144),
        text.replace("\",\"", "\",\n    \"")
            .replace("s3:GetObject", "s3: Get Object")
    );
    assert!(pretty.len() > 2 * 6_144);
    assert!(quota_warnings(&pretty, Identity, &Options::default()).is_empty());
    // One more character, and the warning points at it.
    let over = format!("{}{}", " ".repeat(10), sized(Identity, 6_145));
    let report = validate(&over, Identity, &Options::default());
    let warning = report
        .warnings
        .iter()
        .find(|w| w.kind() == WarningKind::PolicySizeExceedsQuota)
        .unwrap();
    assert_eq!(warning.location().path(), "");
    assert_eq!(warning.location().line(), Some(1));
    assert_eq!(warning.location().column(), Some(10 + 6_145));
}

/// Every policy type has its quota, reported under Access Analyzer's code
/// and finding type: the SCP and RCP quotas are errors there, the others
/// general warnings. None of them stops the policy from compiling.
#[test]
fn l1_each_type_reports_its_quota_under_access_analyzer_codes() {
    let cases = [
        (
            Identity,
            6_144,
            "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA",
            FindingType::Warning,
        ),
        (
            Boundary,
            6_144,
            "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA",
            FindingType::Warning,
        ),
        (
            Session,
            2_048,
            "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA",
            FindingType::Warning,
        ),
        (
            Trust,
            2_048,
            "POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA",
            FindingType::Warning,
        ),
        (
            Resource,
            20_480,
            "POLICY_SIZE_EXCEEDS_RESOURCE_POLICY_QUOTA",
            FindingType::Warning,
        ),
        (
            Scp,
            5_120,
            "POLICY_SIZE_EXCEEDS_SCP_QUOTA",
            FindingType::Error,
        ),
        (
            Rcp,
            5_120,
            "POLICY_SIZE_EXCEEDS_RCP_QUOTA",
            FindingType::Error,
        ),
    ];
    for (policy_type, quota, code, finding_type) in cases {
        assert_eq!(Limits::aws_quota(policy_type), quota);
        let at = sized(policy_type, quota);
        let over = sized(policy_type, quota + 1);
        let mut builder = PolicySet::builder();
        builder
            .add("over", policy_type, &over)
            .unwrap_or_else(|e| panic!("{policy_type}: {e}"));
        let codes = |text: &str| -> Vec<(&'static str, FindingType)> {
            lint(text, policy_type, &LintConfig::default())
                .into_iter()
                .filter(|f| f.issue_code.starts_with("POLICY_SIZE"))
                .map(|f| (f.issue_code, f.finding_type))
                .collect()
        };
        assert_eq!(codes(&at), [], "{policy_type} at the quota");
        assert_eq!(
            codes(&over),
            [(code, finding_type)],
            "{policy_type} over it"
        );
        let finding = lint(&over, policy_type, &LintConfig::default())
            .into_iter()
            .find(|f| f.issue_code == code)
            .unwrap();
        assert!(
            finding.learn_more_link.contains("policy-size-exceeds"),
            "{finding}"
        );
    }
    // A raised trust quota admits what the default reports; with the
    // quotas off nothing is reported.
    let text = sized(Trust, 4_096);
    let mut options = Options::default();
    assert_eq!(quota_warnings(&text, Trust, &options).len(), 1);
    options.limits.trust_policy_chars = Some(4_096);
    assert!(quota_warnings(&text, Trust, &options).is_empty());
    options.limits.report_aws_quotas = false;
    options.limits.trust_policy_chars = None;
    assert!(quota_warnings(&sized(Trust, 30_000), Trust, &options).is_empty());
}

/// The hard limit against hostile input still holds, names the crate's
/// setting and the CLI flag (not AWS's quota page), and can be raised.
#[test]
fn hard_byte_limit_names_the_setting_and_can_be_raised() {
    let small = one(r#""Effect":"Allow","Action":"*","Resource":"*""#);
    let huge = format!("{}{small}", " ".repeat(1 << 20));
    let err = PolicySet::from_json(&huge).unwrap_err();
    assert!(matches!(
        err.kind(),
        PolicyErrorKind::Limit {
            limit: 1_048_576,
            setting: "max_policy_bytes",
            ..
        }
    ));
    let message = err.to_string();
    assert!(message.contains("`Limits::max_policy_bytes`"), "{message}");
    assert!(message.contains("--max-policy-bytes"), "{message}");
    assert!(message.contains("not an AWS quota"), "{message}");
    assert!(!message.contains("reference_iam-quotas"), "{message}");
    let mut options = Options::default();
    options.limits.max_policy_bytes = 2 << 20;
    let mut builder = PolicySetBuilder::with_options(options.clone());
    builder.add("huge", Identity, &huge).unwrap();
    options.limits.max_policy_bytes = small.len() - 1;
    assert!(!validate(&small, Identity, &options).is_valid());
    options.limits.max_policy_bytes = small.len();
    assert!(validate(&small, Identity, &options).is_valid());
}

/// AWS's own managed policies (a sample of 304, 15 of them larger than the
/// managed quota) all compile and validate without an error; the large
/// ones carry exactly one quota warning, as Access Analyzer reports for
/// `ReadOnlyAccess`.
#[test]
fn aws_managed_policies_compile_and_validate() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/aws-managed");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 304);
    let mut over = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let report = validate(&text, Identity, &Options::default());
        assert!(report.is_valid(), "{name}: {:?}", report.errors);
        let quota = report
            .warnings
            .iter()
            .filter(|w| w.kind() == WarningKind::PolicySizeExceedsQuota)
            .count();
        assert_eq!(
            quota,
            usize::from(Limits::policy_size(&text) > 6_144),
            "{name}"
        );
        if quota == 1 {
            over.push(name.clone());
        }
        PolicySet::from_json(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    assert_eq!(over.len(), 15, "{over:?}");
    assert!(over.contains(&"ReadOnlyAccess.json".to_owned()));
}

/// The CLI: `--max-policy-bytes` sets the hard limit, `--attachment` the
/// quota reported, and a policy over its quota is valid with a warning.
#[test]
fn cli_sets_the_byte_limit_and_the_attachment() {
    let dir = std::env::temp_dir().join(format!("iam-eval-fidelity-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("big.json");
    std::fs::write(&file, sized(Identity, 7_000)).unwrap();
    let path = file.to_str().unwrap();

    let out = iam_eval(&["validate", path]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("warning"), "{}", stdout(&out));
    assert!(stdout(&out).contains("6144-character"), "{}", stdout(&out));

    let out = iam_eval(&["validate", "--attachment", "inline-role", path]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout(&out).contains("valid identity policy"),
        "{}",
        stdout(&out)
    );

    let out = iam_eval(&["lint", "--json", path]);
    assert!(
        stdout(&out).contains("POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA"),
        "{}",
        stdout(&out)
    );
    assert_eq!(out.status.code(), Some(0), "a warning does not block");

    let out = iam_eval(&["validate", "--max-policy-bytes", "1000", path]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stdout(&out).contains("--max-policy-bytes"),
        "{}",
        stdout(&out)
    );

    let out = iam_eval(&[
        "check",
        "--policy",
        path,
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::pad/v00000",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let out = iam_eval(&[
        "check",
        "--max-policy-bytes",
        "1000",
        "--policy",
        path,
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::pad/v00000",
    ]);
    assert_eq!(out.status.code(), Some(1));
    std::fs::remove_dir_all(&dir).unwrap();
}

// --- Item 6: incomplete ARNs in identity policies are completed with `*` (R9).

fn allow_on(resource: &str) -> String {
    one(&format!(
        r#""Effect":"Allow","Action":"sqs:SendMessage","Resource":"{resource}""#
    ))
}

/// IAM identifiers page: `arn:aws:sqs` is `arn:aws:sqs:*:*:*`. IAM accepts
/// `arn:aws:fdsasf` (moto's corpus of IAM's validator).
#[test]
fn r9_incomplete_arns_are_completed_with_stars_in_identity_policies() {
    let queue = "arn:aws:sqs:us-east-1:123456789012:orders";
    let cases = [
        ("arn:aws:sqs", queue, Decision::Allow),
        (
            "arn:aws:sqs",
            "arn:aws:sns:us-east-1:123456789012:orders",
            Decision::ImplicitDeny,
        ),
        ("arn:aws:sqs:us-east-1", queue, Decision::Allow),
        (
            "arn:aws:sqs:us-east-1",
            "arn:aws:sqs:eu-west-1:123456789012:orders",
            Decision::ImplicitDeny,
        ),
        ("arn:aws:sqs:us-east-1:123456789012", queue, Decision::Allow),
        (
            "arn:aws:sqs:us-east-1:123456789012",
            "arn:aws:sqs:us-east-1:210987654321:orders",
            Decision::ImplicitDeny,
        ),
        ("arn:aws:sqs:*:*:*", queue, Decision::Allow),
        ("arn:aws:fdsasf", queue, Decision::ImplicitDeny),
        // The partition is matched too.
        (
            "arn:aws:sqs",
            "arn:aws-cn:sqs:cn-north-1:123456789012:orders",
            Decision::ImplicitDeny,
        ),
    ];
    for policy_type in [Identity, Boundary, Session] {
        for (resource, request, expected) in cases {
            let mut builder = PolicySet::builder();
            builder
                .add("p", policy_type, &allow_on(resource))
                .unwrap_or_else(|e| panic!("{policy_type} {resource}: {e}"));
            if policy_type != Identity {
                // Boundaries and session policies only limit: add a grant.
                builder.add("grant", Identity, &allow_on("*")).unwrap();
            }
            let set = builder.build();
            let decision = set
                .evaluate(&Request::new("sqs:SendMessage", request))
                .decision();
            assert_eq!(decision, expected, "{policy_type}: {resource} on {request}");
        }
    }
    // Other types keep the stricter rule: a short ARN must end in `*`.
    let resource_policy = one(
        r#""Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"arn:aws:sqs""#,
    );
    assert!(!validate(&resource_policy, Resource, &Options::default()).is_valid());
    assert!(
        validate(&allow_on("arn:aws:sqs"), Scp, &Options::default())
            .errors
            .len()
            == 1
    );
    assert!(validate(&allow_on("arn:aws:sqs*"), Scp, &Options::default()).is_valid());
}

// --- Item 8: refuse what IAM refuses, accept what it accepts (R10, L4, G4).

/// One row: a policy type, a policy, and whether IAM accepts it.
struct Row {
    rule: &'static str,
    policy_type: PolicyType,
    text: String,
    accepted: bool,
}

fn row(rule: &'static str, policy_type: PolicyType, text: String, accepted: bool) -> Row {
    Row {
        rule,
        policy_type,
        text,
        accepted,
    }
}

fn resource_row(rule: &'static str, resource: &str, accepted: bool) -> Row {
    let text = one(&format!(
        r#""Effect":"Allow","Action":"s3:GetObject","Resource":"{resource}""#
    ));
    row(rule, Identity, text, accepted)
}

fn date_row(value: &str, accepted: bool) -> Row {
    let text = one(&format!(
        r#""Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{{"DateLessThan":{{"aws:CurrentTime":"{value}"}}}}"#
    ));
    row("L4 date", Identity, text, accepted)
}

/// Accept/refuse pairs, near misses side by side. Sources: Access Analyzer
/// `ARN_REGION_NOT_ALLOWED`, `MISSING_STATEMENT`; moto's corpus of IAM's
/// validator (`tests/test_iam/test_iam_policies.py`: "IAM resource …
/// cannot contain region information", "Resource vendor must be fully
/// qualified", "The policy failed legacy parsing", `"Statement": []` a
/// syntax error, and the dates it accepts and refuses).
#[test]
fn r10_l4_g4_iam_accepts_and_refuses_the_same_policies() {
    let statement = r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}"#;
    let rows = [
        // A region in an S3 bucket or object ARN, or in an IAM ARN.
        resource_row("R10 s3 region", "arn:aws:s3:us-east-1::b", false),
        resource_row("R10 s3 region", "arn:aws:s3:::b", true),
        resource_row("R10 s3 region", "arn:aws:s3:*::b/*", false),
        resource_row("R10 s3 region", "arn:aws:s3:us-east-1", false),
        // S3 access points, jobs and Storage Lens name a region and an account.
        resource_row(
            "R10 s3 region",
            "arn:aws:s3:us-west-2:123456789012:accesspoint/ap/object/*",
            true,
        ),
        resource_row("R10 iam region", "arn:aws:iam:us-east-1::user/bob", false),
        resource_row("R10 iam region", "arn:aws:iam::123456789012:user/bob", true),
        resource_row(
            "R10 iam region",
            "arn:aws:iam:us-east-1:123456789012:user/bob",
            false,
        ),
        // A region where the service has one is fine, known service or not.
        resource_row("R10 other region", "arn:aws:ec2:us-east-1::image/*", true),
        resource_row(
            "R10 other region",
            "arn:aws:invalid-service:us-east-1::x",
            true,
        ),
        // The service.
        resource_row("R10 service", "arn:aws", false),
        resource_row("R10 service", "arn:aws:", false),
        resource_row("R10 service", "arn:aws::::example_bucket", false),
        resource_row("R10 service", "arn:aws::us-east-1:123456789012:x", false),
        resource_row("R10 service", "arn:aws:s33:::example_bucket", true),
        resource_row("R10 service", "arn:*", true),
        // A short ARN with an empty segment fails IAM's legacy parsing.
        resource_row("R10 short", "arn:aws:s3::example_bucket", false),
        resource_row("R10 short", "arn:aws::fdsasf", false),
        resource_row("R10 short", "arn:aws:fdsasf", true),
        // `"Statement": []` is a syntax error; one statement is fine.
        row(
            "G4 empty",
            Identity,
            r#"{"Version":"2012-10-17","Statement":[]}"#.to_owned(),
            false,
        ),
        row(
            "G4 empty",
            Identity,
            format!(r#"{{"Version":"2012-10-17","Statement":[{statement}]}}"#),
            true,
        ),
        row(
            "G4 empty",
            Resource,
            r#"{"Version":"2008-10-17","Statement":[]}"#.to_owned(),
            false,
        ),
        // Dates IAM stores (warnings) and dates it refuses (errors).
        date_row("2019-07-01T13:20:15Z", true),
        date_row("01T", true),
        date_row("2020-01-01T00:00:00", true),
        date_row("2020-01-01T00:00:00+5", false),
        date_row("2016-12-13t2:00:00.593194+23", true),
        date_row("-292275054", true),
        date_row("sdfdsf", false),
        date_row("234-13", false),
        date_row("2016-12-13t2:00:00.593194+1", false),
        date_row("2016-12-13t2:00:00.1999999999+10:59", false),
        date_row("9223372036854775808", false),
        date_row("9223372036854775807", true),
    ];
    for Row {
        rule,
        policy_type,
        text,
        accepted,
    } in rows
    {
        let report = validate(&text, policy_type, &Options::default());
        assert_eq!(
            report.is_valid(),
            accepted,
            "{rule}: {text}\n{:?}",
            report.errors
        );
        let compiled = PolicySetBuilder::with_options(Options::default())
            .add("p", policy_type, &text)
            .is_ok();
        assert_eq!(
            compiled, accepted,
            "{rule}: compile and validate agree on {text}"
        );
    }
}

/// Other services' policies keep their own version: a bucket or queue
/// policy with `"Version": "2008-10-17"` is valid.
#[test]
fn g2_resource_policies_may_use_version_2008() {
    let bucket = r#"{"Version":"2008-10-17","Statement":[{"Sid":"Public read","Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#;
    let report = validate(bucket, Resource, &Options::default());
    assert!(report.is_valid(), "{:?}", report.errors);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
}

/// The messages and lint codes: the region error under Access Analyzer's
/// code, the date under `TYPE_MISMATCH_DATE` as a warning.
#[test]
fn r10_l4_findings_carry_access_analyzer_codes() {
    let region =
        one(r#""Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:us-east-1::b""#);
    let err = PolicySet::from_json(&region).unwrap_err();
    assert_eq!(err.location().path(), "Statement[0].Resource");
    assert!(err.to_string().contains("ARN Region not allowed"), "{err}");
    let found = lint(&region, Identity, &LintConfig::default());
    assert!(
        found
            .iter()
            .any(|f| f.issue_code == "ARN_REGION_NOT_ALLOWED"
                && f.finding_type == FindingType::Error),
        "{found:?}"
    );

    let date = one(
        r#""Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"01T"}}"#,
    );
    let report = validate(&date, Identity, &Options::default());
    let warning = report
        .warnings
        .iter()
        .find(|w| w.kind() == WarningKind::DateNotUnderstood)
        .expect("a date warning");
    assert_eq!(
        warning.location().path(),
        "Statement[0].Condition.DateLessThan.aws:CurrentTime"
    );
    let found = lint(&date, Identity, &LintConfig::default());
    assert!(
        found.iter().any(|f| f.issue_code == "TYPE_MISMATCH_DATE" && f.finding_type == FindingType::Warning),
        "{found:?}"
    );
}

/// A date IAM stores but this crate cannot read fails closed: an Allow it
/// conditions does not apply and a Deny does, whenever the request has the
/// key; without the key the usual missing-key rules decide.
#[test]
fn l4_unreadable_dates_fail_closed() {
    let grant = r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}"#;
    let conditioned = |effect: &str, operator: &str| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{grant},{{"Effect":"{effect}","Action":"s3:GetObject","Resource":"*","Condition":{{"{operator}":{{"aws:CurrentTime":["2030-01-01T00:00:00Z","01T"]}}}}}}]}}"#
        )
    };
    let with_time = Request::builder("s3:GetObject", "arn:aws:s3:::b/k")
        .context("aws:CurrentTime", "2020-01-01T00:00:00Z")
        .build();
    let without_time = Request::new("s3:GetObject", "arn:aws:s3:::b/k");
    for operator in ["DateLessThan", "DateNotEquals", "DateGreaterThanIfExists"] {
        let deny = PolicySet::from_json(&conditioned("Deny", operator)).unwrap();
        let response = deny.evaluate(&with_time);
        assert_eq!(response.decision(), Decision::ExplicitDeny, "{operator}");
        let why = response.explanation().to_string();
        assert!(why.contains("cannot read"), "{why}");
        let expected = if operator.ends_with("IfExists") || operator == "DateNotEquals" {
            Decision::ExplicitDeny
        } else {
            Decision::Allow
        };
        assert_eq!(
            deny.evaluate(&without_time).decision(),
            expected,
            "{operator}"
        );

        // The Allow alone: withheld whenever the key is present.
        let allow = conditioned("Allow", operator).replace(&format!("{grant},"), "");
        let allow = PolicySet::from_json(&allow).unwrap();
        assert_eq!(
            allow.evaluate(&with_time).decision(),
            Decision::ImplicitDeny,
            "{operator}"
        );
    }
}
