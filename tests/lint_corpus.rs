//! The lint over real policies: AWS's own managed policies
//! (`fixtures/aws-managed/`) and the example policies of AWS's guides
//! (`fixtures/lint/aws-examples/`). A lint is only worth its precision: no
//! ERROR on any of them unless Access Analyzer documents that error for it,
//! and the count of each finding code is printed so changes show.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly; clippy.toml allows these only inside #[test] fns"
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use iam_eval::lint::{lint, Finding, FindingType, LintConfig};
use iam_eval::PolicyType;

fn corpus(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

fn type_of(path: &Path) -> PolicyType {
    let name = path.file_name().unwrap().to_string_lossy();
    if name.ends_with(".trust.json") {
        PolicyType::Trust
    } else if name.ends_with(".resource.json") {
        PolicyType::Resource
    } else {
        PolicyType::Identity
    }
}

fn lint_all(dir: &str) -> Vec<(String, Finding)> {
    let mut out = Vec::new();
    for path in corpus(dir) {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        for f in lint(&text, type_of(&path), &LintConfig::default()) {
            out.push((name.clone(), f));
        }
    }
    out
}

fn counts(findings: &[(String, Finding)]) -> BTreeMap<(FindingType, &'static str), usize> {
    let mut counts = BTreeMap::new();
    for (_, f) in findings {
        *counts.entry((f.finding_type, f.issue_code)).or_insert(0) += 1;
    }
    counts
}

fn print_counts(title: &str, findings: &[(String, Finding)]) {
    println!("{title}:");
    for ((t, code), n) in counts(findings) {
        println!("  {n:5} {t} {code}");
    }
}

/// The ERRORs AWS's managed policies do have, each of a kind Access
/// Analyzer documents on managed policies (the "AWS managed policies with
/// this error" lists of
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html>):
/// actions of retired services and actions that no longer exist
/// (`INVALID_ACTION`, `INVALID_SERVICE_IN_ACTION`), a bare operator on a key
/// the service reference types `ArrayOfString` (`MISSING_QUALIFIER`), and
/// one condition key the service reference does not list.
const KNOWN_ERRORS: &[(&str, &str, usize)] = &[
    (
        "AWSAuditManagerServiceRolePolicy.json",
        "MISSING_QUALIFIER",
        1,
    ),
    (
        "AWSDeepLensServiceRolePolicy.json",
        "INVALID_SERVICE_IN_ACTION",
        1,
    ),
    (
        "AWSIoT1ClickReadOnlyAccess.json",
        "INVALID_SERVICE_IN_ACTION",
        3,
    ),
    (
        "AmazonDataZoneGlueManageAccessRolePolicy.json",
        "INVALID_SERVICE_CONDITION_KEY",
        1,
    ),
    ("AmazonLaunchWizardFullaccess.json", "INVALID_ACTION", 3),
    (
        "AmazonRoute53RecoveryControlConfigReadOnlyAccess.json",
        "INVALID_ACTION",
        1,
    ),
    (
        "AmazonZocaloReadOnlyAccess.json",
        "INVALID_SERVICE_IN_ACTION",
        1,
    ),
    ("MemoryDBServiceRolePolicy.json", "INVALID_ACTION", 1),
    ("ReadOnlyAccess.json", "INVALID_SERVICE_IN_ACTION", 17),
    (
        "SageMakerStudioProjectProvisioningRolePolicy.json",
        "MISSING_QUALIFIER",
        1,
    ),
    (
        "ServiceCatalogAdminReadOnlyAccess.json",
        "INVALID_ACTION",
        4,
    ),
    (
        "ServiceCatalogAdminReadOnlyAccess.json",
        "INVALID_SERVICE_IN_ACTION",
        17,
    ),
];

#[test]
fn aws_managed_policies_raise_only_the_errors_they_have() {
    let findings = lint_all("fixtures/aws-managed");
    print_counts("fixtures/aws-managed (304 policies)", &findings);
    let mut errors: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for (file, f) in &findings {
        if f.finding_type == FindingType::Error {
            *errors.entry((file.as_str(), f.issue_code)).or_insert(0) += 1;
        }
    }
    let expected: BTreeMap<(&str, &str), usize> = KNOWN_ERRORS
        .iter()
        .map(|(file, code, n)| ((*file, *code), *n))
        .collect();
    assert_eq!(errors, expected);
    // Broad grants in a bare file (no identity pool behind it) do not fail
    // CI: AWS's administrator policies are meant to be broad.
    let blocking_broad = findings.iter().filter(|(_, f)| {
        f.finding_type.is_blocking()
            && matches!(
                f.issue_code,
                "SERVICE_WIDE_ACTION_ON_ALL_RESOURCES" | "WRITE_ACTION_ON_ALL_RESOURCES"
            )
    });
    assert_eq!(blocking_broad.count(), 0);
    // Queries and Gets always carry their leading keys; only a statement
    // with an action that can omit the key is a hole.
    assert!(!findings
        .iter()
        .any(|(_, f)| f.issue_code == "ALLOW_FORALLVALUES_WITHOUT_NULL_GUARD"));
}

#[test]
fn aws_guide_examples_raise_no_error_or_security_warning() {
    let findings = lint_all("fixtures/lint/aws-examples");
    print_counts("fixtures/lint/aws-examples", &findings);
    let blocking: Vec<String> = findings
        .iter()
        .filter(|(_, f)| f.finding_type.is_blocking())
        .map(|(file, f)| format!("{file}: {f}"))
        .collect();
    assert!(blocking.is_empty(), "{blocking:#?}");
    assert!(corpus("fixtures/lint/aws-examples").len() >= 10);
}

#[test]
fn a_trust_policy_linted_as_identity_says_so() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/lint/aws-examples/cognito-authenticated.trust.json");
    let text = std::fs::read_to_string(path).unwrap();
    let found = lint(&text, PolicyType::Identity, &LintConfig::default());
    assert!(
        found.iter().any(|f| f.message.contains("--type trust")),
        "{found:#?}"
    );
    assert!(lint(&text, PolicyType::Trust, &LintConfig::default()).is_empty());
}

#[test]
fn typos_are_errors_in_an_allow_and_security_warnings_in_a_deny() {
    let text = r#"{"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","Action":["s3:GetObjekt","dynamo:*"],"Resource":"*",
       "Condition":{"StringEquals":{"aws:PrincipalTg/team":"a"}}},
      {"Effect":"Deny","Action":["s3:DeleteObjekt","dynamo:DeleteTable"],"Resource":"*",
       "Condition":{"StringEquals":{"dynamodb:LeadingKey":"a"}}}]}"#;
    let found: Vec<(&str, FindingType)> = lint(text, PolicyType::Identity, &LintConfig::default())
        .iter()
        .map(|f| (f.issue_code, f.finding_type))
        .collect();
    use FindingType::{Error, SecurityWarning};
    for expected in [
        ("INVALID_ACTION", Error),
        ("INVALID_SERVICE_IN_ACTION", Error),
        ("INVALID_GLOBAL_CONDITION_KEY", Error),
        ("DENY_WITH_INVALID_ACTION", SecurityWarning),
        ("INVALID_SERVICE_CONDITION_KEY", Error),
        ("DENY_WITH_INVALID_CONDITION_KEY", SecurityWarning),
    ] {
        assert!(found.contains(&expected), "{expected:?} in {found:?}");
    }
    assert_eq!(
        found
            .iter()
            .filter(|(c, _)| *c == "DENY_WITH_INVALID_ACTION")
            .count(),
        2
    );
}
