//! Lint: the mistakes people make in identity-pool policies, found offline
//! and reported in IAM Access Analyzer's `ValidatePolicy` shape (L3).
//!
//! [`lint`] runs every check on one policy and returns [`Finding`]s, each
//! with a [`FindingType`] (`ERROR`, `SECURITY_WARNING`, `WARNING`,
//! `SUGGESTION`), a stable issue code, a message, the JSON path and span it
//! points at, and a link to the AWS page behind the check. Where Access
//! Analyzer has a check for the same mistake its issue code is reused
//! (`MISSING_VERSION`, `MISSING_QUALIFIER`, `FORALLVALUES_WITH_SINGLE_VALUED_KEY`,
//! …); the rest are this crate's own. [`CHECKS`] lists every code with its
//! default finding type, and [`LintConfig`] switches any of them off.
//!
//! ```
//! use iam_eval::lint::{lint, FindingType, LintConfig};
//! use iam_eval::PolicyType;
//!
//! let trust = r#"{
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Effect": "Allow",
//!     "Principal": {"Federated": "cognito-identity.amazonaws.com"},
//!     "Action": "sts:AssumeRoleWithWebIdentity",
//!     "Condition": {"ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}}
//!   }]
//! }"#;
//! let findings = lint(trust, PolicyType::Trust, &LintConfig::default());
//! assert_eq!(findings.len(), 1);
//! assert_eq!(findings[0].issue_code, "COGNITO_TRUST_MISSING_AUD");
//! assert_eq!(findings[0].finding_type, FindingType::SecurityWarning);
//! assert_eq!(findings[0].locations[0].json_path(), "Statement[0]");
//!
//! // Every check can be switched off by its code.
//! let mut config = LintConfig::default();
//! config.disable("COGNITO_TRUST_MISSING_AUD");
//! assert!(lint(trust, PolicyType::Trust, &config).is_empty());
//! ```
//!
//! Locations are Access Analyzer's: a list of [`PathElement`]s and a span
//! whose lines count from 1 and whose columns and offsets count characters
//! from 0 (see [`Position`]). `iam-eval lint --json` prints each finding in
//! exactly that shape.

mod arn_account;
mod catalog;
mod conditions;
mod grammar;
mod keys;
mod never_applies;
mod permissive;
mod private_ip;
mod resource_type;
mod resources;
mod trust;
mod variables;

use std::collections::BTreeSet;
use std::fmt;

use serde::Serialize;

use crate::json::LineIndex;
use crate::options::Options;
use crate::parse::{parse_document, Diagnostics};
use crate::policy::{Item, PolicyType, Statement};

pub use resource_type::RESOURCE_TYPES;

/// How serious a finding is, with Access Analyzer's meanings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FindingType {
    /// Part of the policy does not work (it is rejected, or grants or
    /// matches nothing).
    Error,
    /// The policy allows access that is overly permissive.
    SecurityWarning,
    /// The policy works but does not follow best practice.
    Warning,
    /// A stylistic improvement that does not change access.
    Suggestion,
}

impl FindingType {
    /// The name as Access Analyzer writes it: `ERROR`, `SECURITY_WARNING`,
    /// `WARNING` or `SUGGESTION`.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingType::Error => "ERROR",
            FindingType::SecurityWarning => "SECURITY_WARNING",
            FindingType::Warning => "WARNING",
            FindingType::Suggestion => "SUGGESTION",
        }
    }

    /// True for `ERROR` and `SECURITY_WARNING`, the findings that make the
    /// `lint` command exit with status 2.
    pub fn is_blocking(self) -> bool {
        matches!(self, FindingType::Error | FindingType::SecurityWarning)
    }
}

impl fmt::Display for FindingType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A point in the policy text, counted as Access Analyzer counts it.
///
/// Checked against a `ValidatePolicy` response: a value at the ninth line,
/// after 18 characters of indentation and key, is reported as line 9,
/// column 18, so lines count from 1 and columns and offsets from 0, in
/// characters (the same as bytes for ASCII policies).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 0-based column, in characters.
    pub column: usize,
    /// 0-based offset from the start of the text, in characters.
    pub offset: usize,
}

/// The stretch of text a finding points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Span {
    /// Where it starts.
    pub start: Position,
    /// Where it ends (exclusive).
    pub end: Position,
}

/// One step of a path into the policy's JSON, as Access Analyzer's
/// `PathElement` writes it.
///
/// ```
/// use iam_eval::lint::PathElement;
/// let path = [PathElement::Value("Statement".into()), PathElement::Index(0)];
/// assert_eq!(serde_json::to_string(&path)?, r#"[{"value":"Statement"},{"index":0}]"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum PathElement {
    /// The value of the object member with this key: `{"value": "Statement"}`.
    Value(String),
    /// The key itself of an object member (a condition key):
    /// `{"key": "aws:SourceIp"}`.
    Key(String),
    /// An array entry: `{"index": 0}`.
    Index(usize),
    /// Part of a string, in characters: `{"substring": {"start": 5, "length": 3}}`.
    Substring {
        /// Where the part starts.
        start: usize,
        /// How long it is.
        length: usize,
    },
}

/// Where a finding is, as Access Analyzer's `Location`: the path to the
/// JSON value (empty for the document) and the span of its text.
///
/// Changed in 0.2: `path` was the dotted text `Statement[0].Action[1]`,
/// which [`Location::json_path`] still gives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    /// The path, outermost step first.
    pub path: Vec<PathElement>,
    /// The text it covers.
    pub span: Span,
}

impl Location {
    /// The path written as this crate's errors write it:
    /// `Statement[0].Condition.StringEquals.aws:SourceIp`.
    pub fn json_path(&self) -> String {
        let mut out = String::new();
        for step in &self.path {
            match step {
                PathElement::Value(key) | PathElement::Key(key) => {
                    out = crate::parse::child_path(&out, key);
                }
                PathElement::Index(i) => out.push_str(&format!("[{i}]")),
                PathElement::Substring { .. } => {}
            }
        }
        out
    }
}

/// One finding, in the shape of Access Analyzer's `ValidatePolicyFinding`.
///
/// Serialized with Access Analyzer's field names: `findingType`,
/// `issueCode`, `findingDetails`, `learnMoreLink`, `locations`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Finding {
    /// How serious it is.
    pub finding_type: FindingType,
    /// A stable code naming the check (see [`CHECKS`]).
    pub issue_code: &'static str,
    /// What is wrong and how to fix it.
    #[serde(rename = "findingDetails")]
    pub message: String,
    /// The AWS documentation page behind the check.
    pub learn_more_link: &'static str,
    /// Where; the first location is the main one.
    pub locations: Vec<Location>,
}

impl fmt::Display for Finding {
    /// `line:column: FINDING_TYPE ISSUE_CODE: message (link)`, with a
    /// 1-based column as editors and compilers write it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (line, column) = self
            .locations
            .first()
            .map_or((1, 1), |l| (l.span.start.line, l.span.start.column + 1));
        write!(
            f,
            "{line}:{column}: {} {}: {} ({})",
            self.finding_type, self.issue_code, self.message, self.learn_more_link
        )
    }
}

/// Who can get the credentials of the role whose policy is linted; it sets
/// how loud the broad-grant checks are (`SERVICE_WIDE_ACTION_ON_ALL_RESOURCES`,
/// `WRITE_ACTION_ON_ALL_RESOURCES`).
///
/// Broad grants matter most where an identity pool hands the credentials
/// to the public. Without that context (a bare file) they are warnings, so
/// AWS's own managed policies, meant for trusted administrators, do not
/// fail a build; for a role guests or every signed-in user can assume they
/// are security warnings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
#[non_exhaustive]
pub enum PublicRole {
    /// Not known, or not a public role.
    #[default]
    Unknown,
    /// Any signed-in user of an identity pool can assume it (its
    /// authenticated role, or a trust policy that admits every
    /// authenticated identity).
    AnySignedInUser,
    /// Guests can assume it: an identity pool's unauthenticated role.
    Guests,
}

impl PublicRole {
    /// Whether anyone outside the account's administrators gets the role.
    pub fn is_public(self) -> bool {
        self != PublicRole::Unknown
    }
}

/// Who a role trust policy admits through Cognito identity pools: guests
/// when a statement trusting `cognito-identity.amazonaws.com` admits
/// unauthenticated identities, any signed-in user when it admits
/// authenticated ones, else [`PublicRole::Unknown`].
///
/// ```
/// use iam_eval::lint::{public_role, PublicRole};
/// let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
///   "Principal":{"Federated":"cognito-identity.amazonaws.com"},
///   "Action":"sts:AssumeRoleWithWebIdentity",
///   "Condition":{"StringEquals":{"cognito-identity.amazonaws.com:aud":"us-east-1:1"},
///     "ForAnyValue:StringLike":{"cognito-identity.amazonaws.com:amr":"unauthenticated"}}}]}"#;
/// assert_eq!(public_role(trust), PublicRole::Guests);
/// ```
pub fn public_role(trust: &str) -> PublicRole {
    let mut diags = Diagnostics::default();
    let limits = crate::Limits::default();
    match parse_document(trust, PolicyType::Trust, &limits, &mut diags) {
        Some(document) => trust::reach(&document),
        None => PublicRole::Unknown,
    }
}

/// Which checks run, and the options the grammar checks use.
///
/// ```
/// use iam_eval::lint::LintConfig;
/// let mut config = LintConfig::default();
/// config.disable("REDUNDANT_STATEMENT").disable("MISSING_VERSION");
/// assert!(!config.is_enabled("REDUNDANT_STATEMENT"));
/// assert!(config.is_enabled("MISSING_QUALIFIER"));
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct LintConfig {
    /// Issue codes that are not reported.
    pub disabled: BTreeSet<String>,
    /// Options for the grammar checks (operator-name case, limits…).
    pub options: Options,
    /// Who can assume the role the policy is attached to.
    pub public_role: PublicRole,
    /// The resource type a resource-based or trust policy is attached to,
    /// as `ValidatePolicy`'s `validatePolicyResourceType` names it (one of
    /// [`RESOURCE_TYPES`], e.g. `AWS::S3::Bucket`). Only with it do
    /// `UNSUPPORTED_ACTION_IN_POLICY` and `UNSUPPORTED_RESOURCE_ARN_IN_POLICY`
    /// run; an unknown name runs neither.
    pub resource_type: Option<String>,
}

impl LintConfig {
    /// Stops reporting `code` (any code, known or not; see [`CHECKS`]).
    pub fn disable(&mut self, code: &str) -> &mut Self {
        self.disabled.insert(code.to_owned());
        self
    }

    /// Whether findings with `code` are reported.
    pub fn is_enabled(&self, code: &str) -> bool {
        !self.disabled.contains(code)
    }
}

/// One check: its issue code, default finding type, what it looks for, and
/// the AWS page behind it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Check {
    /// The issue code.
    pub code: &'static str,
    /// The finding type it usually reports (a few checks lower it when a
    /// condition narrows the statement).
    pub finding_type: FindingType,
    /// One line on what it finds.
    pub summary: &'static str,
    /// The AWS documentation page.
    pub link: &'static str,
}

const AA: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html";
const GRAMMAR: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html";
const VARIABLES: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html";
const MULTI_VALUED: &str = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html";
const DDB_CONDITIONS: &str =
    "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html";
const COG_IAM_ROLES: &str =
    "https://docs.aws.amazon.com/cognito/latest/developerguide/iam-roles.html";
const COG_TRUST: &str =
    "https://docs.aws.amazon.com/cognito/latest/developerguide/role-trust-and-permissions.html";
const S3_RESOURCES: &str =
    "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html";
const NOT_ACTION: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html";
const NOT_RESOURCE: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html";
const PRINCIPAL: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html";
const RESOURCE: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html";
const OPERATORS: &str = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html";

macro_rules! check {
    ($code:literal, $type:ident, $summary:literal, $link:expr) => {
        Check {
            code: $code,
            finding_type: FindingType::$type,
            summary: $summary,
            link: $link,
        }
    };
}

/// Every check, by issue code. The grammar codes (the first group) carry
/// what [`crate::validate`] reports: its errors as `ERROR`, its warnings as
/// `WARNING`.
pub const CHECKS: &[Check] = &[
    // 1. Grammar, from `validate` (per policy type).
    check!("JSON_SYNTAX_ERROR", Error, "the text is not valid JSON", GRAMMAR),
    check!("DATA_TYPE_MISMATCH", Error, "a value has the wrong JSON type", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-data-type-mismatch"),
    check!("UNKNOWN_ELEMENT", Error, "a key the policy grammar does not have", GRAMMAR),
    check!("MISSING_ELEMENT", Error, "a required element is absent or empty", GRAMMAR),
    check!("CONFLICTING_ELEMENTS", Error, "two elements that exclude each other", GRAMMAR),
    check!("ELEMENT_NOT_ALLOWED", Error, "an element this policy type forbids", GRAMMAR),
    check!("INVALID_VERSION", Error, "`Version` is not 2012-10-17 or 2008-10-17", "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html"),
    check!("INVALID_EFFECT", Error, "`Effect` is not exactly Allow or Deny", GRAMMAR),
    check!("INVALID_SID", Error, "a Sid that is invalid or repeated", GRAMMAR),
    check!("INVALID_ACTION", Error, "an action that is not `*` or `service:name`", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-invalid-action"),
    check!("INVALID_RESOURCE", Error, "a resource that is not `*` or an ARN", RESOURCE),
    check!("ARN_REGION_NOT_ALLOWED", Error, "a region in an IAM ARN, or in an S3 bucket or object ARN", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-arn-region-not-allowed"),
    check!("INVALID_PRINCIPAL", Error, "an invalid principal", PRINCIPAL),
    check!("INVALID_OPERATOR", Error, "a condition operator IAM does not define", OPERATORS),
    check!("INVALID_CONDITION_VALUE", Error, "a condition value the operator cannot use", OPERATORS),
    check!("DUPLICATE_KEYS_WITH_DIFFERENT_CASE", Error, "a condition key twice in one block, in different case", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-duplicate-keys-with-different-case"),
    check!("VARIABLE_UNSUPPORTED_IN_ELEMENT", Error, "a policy variable in Action, Principal, a condition key or a non-string operator", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-variable-unsupported-in-element"),
    check!("INVALID_VARIABLE", Error, "a malformed `${…}` policy variable", VARIABLES),
    check!("INVALID_CHARACTER", Error, "a character IAM does not accept in policies", "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"),
    check!("SAFETY_LIMIT_EXCEEDED", Error, "a bound this crate sets on its own work (bytes, nesting, statements, values, wildcards) was exceeded; not an AWS quota", "https://docs.rs/iam-eval/latest/iam_eval/struct.Limits.html"),
    check!("POLICY_ERROR", Error, "any other error `validate` reports", GRAMMAR),
    check!("MISSING_VERSION", Warning, "no `Version`: variables are literal and newer features are off", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-general-warning-missing-version"),
    check!("LEGACY_VERSION", Warning, "`Version` 2008-10-17: variables are literal", "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html"),
    check!("UNUSED_ID", Warning, "`Id` in a policy type that ignores it", "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_id.html"),
    check!("NULL_ENTRY", Warning, "a `null` entry in a list, ignored", GRAMMAR),
    check!("EMPTY_PRINCIPAL_LIST", Warning, "a principal list that names no one", PRINCIPAL),
    check!("POLICY_WARNING", Warning, "any other warning `validate` reports", GRAMMAR),
    check!("POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA", Warning, "an identity policy, boundary or session policy larger than AWS stores for its attachment", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-general-warning-policy-size-exceeds-identity-policy-quota"),
    check!("POLICY_SIZE_EXCEEDS_RESOURCE_POLICY_QUOTA", Warning, "a resource-based policy larger than its service stores", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-general-warning-policy-size-exceeds-resource-policy-quota"),
    check!("POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA", Warning, "a role trust policy larger than the default quota", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-general-warning-policy-size-exceeds-role-trust-policy-quota"),
    check!("POLICY_SIZE_EXCEEDS_SCP_QUOTA", Error, "a service control policy larger than Organizations stores", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-policy-size-exceeds-scp-quota"),
    check!("POLICY_SIZE_EXCEEDS_RCP_QUOTA", Error, "a resource control policy larger than Organizations stores", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-policy-size-exceeds-rcp-quota"),
    check!("TYPE_MISMATCH_DATE", Warning, "a date IAM stores that is not an ISO 8601 date or epoch seconds this crate reads; the condition fails closed", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-general-warning-type-mismatch-date"),
    // 2. Variables.
    check!("VARIABLE_UNSUPPORTED_IN_VERSION", Error, "`${…}` in a 2008-10-17 or Version-less policy, where it is literal text", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-variable-unsupported-in-version"),
    check!("MULTIVALUED_VARIABLE", Error, "a multivalued key used as a variable never resolves", VARIABLES),
    check!("UNKNOWN_VARIABLE", Warning, "a variable naming an `aws:` or Cognito key that does not exist", VARIABLES),
    check!("MALFORMED_VARIABLE", Warning, "text that looks like a variable but is not `${key}`", VARIABLES),
    // 3. Set operators.
    check!("ALLOW_FORALLVALUES_WITHOUT_NULL_GUARD", SecurityWarning, "`ForAllValues` in an Allow matches requests without the key; add `Null: false`", DDB_CONDITIONS),
    check!("FORALLVALUES_WITH_SINGLE_VALUED_KEY", SecurityWarning, "`ForAllValues` on a single-valued key", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-security-warning-forallvalues-with-single-valued-key"),
    check!("FORANYVALUE_WITH_SINGLE_VALUED_KEY", Warning, "`ForAnyValue` on a single-valued key", MULTI_VALUED),
    check!("MISSING_QUALIFIER", Error, "a bare operator on a multivalued key", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-missing-qualifier"),
    // 4. Identity variables.
    check!("IDENTITY_VARIABLE_WITHOUT_DELIMITER", SecurityWarning, "an identity variable not followed by `/` in an S3 resource or `s3:prefix`", COG_IAM_ROLES),
    check!("USERNAME_VARIABLE_IN_ROLE_POLICY", Warning, "`${aws:username}` where the caller is a role session and it never resolves", VARIABLES),
    // 5. Resource types.
    check!("S3_BUCKET_ACTION_ON_OBJECT_ARN", Error, "a bucket action (ListBucket…) whose only S3 resources are object ARNs", S3_RESOURCES),
    check!("S3_OBJECT_ACTION_ON_BUCKET_ARN", Error, "an object action (GetObject…) whose only S3 resources are bucket ARNs", S3_RESOURCES),
    check!("DYNAMODB_QUERY_WITHOUT_INDEX", Warning, "`dynamodb:Query` on a table but not on `table/NAME/index/*`", DDB_CONDITIONS),
    // 6. Cognito trust.
    check!("COGNITO_TRUST_MISSING_AUD", SecurityWarning, "trusts cognito-identity.amazonaws.com without an `aud` condition", COG_TRUST),
    check!("COGNITO_AMR_WITHOUT_FORANYVALUE", Error, "`amr` tested without `ForAnyValue`", COG_TRUST),
    check!("COGNITO_TRUST_WRONG_ACTION", Error, "`sts:AssumeRole` for the Cognito federated principal", COG_TRUST),
    check!("COGNITO_TRUST_ADMITS_UNAUTHENTICATED", SecurityWarning, "admits both authenticated and unauthenticated identities", COG_TRUST),
    // 7. Overly broad grants.
    check!("ALLOW_WITH_NOT_ACTION", SecurityWarning, "`Allow` with `NotAction`", NOT_ACTION),
    check!("ALLOW_WITH_NOT_RESOURCE", SecurityWarning, "`Allow` with `NotResource`", NOT_RESOURCE),
    check!("ALLOW_WITH_NOT_PRINCIPAL", SecurityWarning, "`Allow` with `NotPrincipal`", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-security-warning-allow-with-not-principal"),
    check!("SERVICE_WIDE_ACTION_ON_ALL_RESOURCES", SecurityWarning, "`*` or `service:*` on `\"Resource\": \"*\"`", RESOURCE),
    check!("WRITE_ACTION_ON_ALL_RESOURCES", Warning, "a Put/Delete/Create/Update/Set/Attach action on `\"Resource\": \"*\"`", RESOURCE),
    check!("WILDCARD_PRINCIPAL_WITHOUT_CONDITION", SecurityWarning, "`Principal: *` in an Allow with no condition", PRINCIPAL),
    check!("REDUNDANT_STATEMENT", Suggestion, "an Allow already granted by an unconditioned `*`/`service:*` on `*`", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-suggestion-redundant-statement"),
    // 8. Statements that can never take effect as written (SECURITY_WARNING in a Deny).
    check!("EMPTY_CONDITION_VALUES", Warning, "an empty condition value list: a plain operator never matches, a negated one always does", OPERATORS),
    check!("UNKNOWN_CONDITION_KEY", Warning, "an `aws:` key that is not a global condition key, or a key padded with white space: no request carries it", "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html"),
    check!("EMPTY_CONDITION_KEY", Warning, "an empty condition key: no request carries it", "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html"),
    check!("ARN_VALUE_NOT_AN_ARN", Warning, "an ARN operator value with fewer than six parts never matches an ARN", "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN"),
    check!("PRINCIPAL_NAMES_NO_ONE", Warning, "`\"Principal\": {}` names no one, so the statement never applies", PRINCIPAL),
    // 9. Actions, services and condition keys against the service data.
    check!("INVALID_SERVICE_IN_ACTION", Error, "an action whose service prefix no service has", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-invalid-service-in-action"),
    check!("INVALID_SERVICE", Error, "a condition key whose prefix no service has", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-invalid-service"),
    check!("INVALID_SERVICE_CONDITION_KEY", Error, "a condition key its service does not have", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-invalid-service-condition-key"),
    check!("INVALID_GLOBAL_CONDITION_KEY", Error, "an `aws:` condition key that is not a global condition key", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-invalid-global-condition-key"),
    check!("DENY_WITH_INVALID_ACTION", SecurityWarning, "a Deny of an action that does not exist: whatever it meant to deny stays allowed", "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html"),
    check!("DENY_WITH_INVALID_CONDITION_KEY", SecurityWarning, "a Deny conditioned on a key no request carries: it never applies", "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"),
    check!("TYPE_MISMATCH", Warning, "an operator whose type is not the condition key's", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-general-warning-type-mismatch"),
    check!("STRING_LIKE_OPERATOR_WITH_ARN_CONDITION_KEYS", Warning, "`StringLike` on an ARN condition key; `ArnLike` compares part by part", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-general-warning-string-like-operator-with-arn-condition-keys"),
    check!("EQUIVALENT_TO_NULL_FALSE", Suggestion, "`StringLike`/`ArnLike` with `*`: only tests that the key is present", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-suggestion-equivalent-to-null-false"),
    check!("EQUIVALENT_TO_NULL_TRUE", Suggestion, "`StringNotLike`/`ArnNotLike` with `*`: only tests that the key is absent", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-suggestion-equivalent-to-null-true"),
    check!("ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE", Suggestion, "an Allow on a tag key for actions of a service that never sets it", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-suggestion-allow-with-unsupported-tag-condition-key-for-service"),
    check!("DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE", SecurityWarning, "a Deny on a tag key for actions of a service that never sets it: they are not denied", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-security-warning-deny-with-unsupported-tag-condition-key-for-service"),
    // 10. Passing roles and creating service-linked roles on many resources.
    check!("PASS_ROLE_WITH_STAR_IN_RESOURCE", SecurityWarning, "`iam:PassRole` allowed on `*` or every role", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-security-warning-pass-role-with-star-in-resource"),
    check!("PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE", SecurityWarning, "`iam:PassRole` allowed by a wildcard action on `*`", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-security-warning-pass-role-with-star-in-action-and-resource"),
    check!("PASS_ROLE_WITH_NOT_RESOURCE", SecurityWarning, "`iam:PassRole` allowed with `NotResource`", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-security-warning-pass-role-with-not-resource"),
    check!("PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE", SecurityWarning, "`iam:PassRole` allowed by a wildcard action with `NotResource`", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-security-warning-pass-role-with-star-in-action-and-not-resource"),
    check!("PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE", SecurityWarning, "`iam:PassRole` allowed by `NotAction` with `NotResource`", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-security-warning-pass-role-with-not-action-and-not-resource"),
    check!("PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION", SecurityWarning, "`iam:PassRole` allowed by `NotAction` on `*`", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-security-warning-pass-role-with-star-in-resource-and-not-action"),
    check!("CREATE_SLR_WITH_STAR_IN_RESOURCE", Warning, "`iam:CreateServiceLinkedRole` allowed on `*`", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-general-warning-create-slr-with-star-in-resource"),
    check!("CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE", Warning, "`iam:CreateServiceLinkedRole` allowed by a wildcard action on `*`", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-general-warning-create-slr-with-star-in-action-and-resource"),
    check!("CREATE_SLR_WITH_NOT_RESOURCE", Warning, "`iam:CreateServiceLinkedRole` allowed with `NotResource`", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-general-warning-create-slr-with-not-resource"),
    check!("CREATE_SLR_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE", Warning, "`iam:CreateServiceLinkedRole` allowed by a wildcard action with `NotResource`", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-general-warning-create-slr-with-star-in-action-and-not-resource"),
    check!("CREATE_SLR_WITH_NOT_ACTION_AND_NOT_RESOURCE", Warning, "`iam:CreateServiceLinkedRole` allowed by `NotAction` with `NotResource`", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-general-warning-create-slr-with-not-action-and-not-resource"),
    check!("CREATE_SLR_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION", Warning, "`iam:CreateServiceLinkedRole` allowed by `NotAction` on `*`", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-general-warning-create-slr-with-star-in-resource-and-not-action"),
    // 11. Redundant entries.
    check!("REDUNDANT_ACTION", Suggestion, "an action another entry of the same `Action` already covers", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-suggestion-redundant-action"),
    check!("REDUNDANT_RESOURCE", Suggestion, "a resource another entry of the same `Resource` already covers", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-suggestion-redundant-resource"),
    // 12. A resource-based policy against its resource type (only with `LintConfig::resource_type`).
    check!("UNSUPPORTED_ACTION_IN_POLICY", Error, "an action of a service the policy's resource type does not hold (`kms:` in a bucket policy); runs only with a resource type", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-unsupported-action-in-policy"),
    check!("UNSUPPORTED_RESOURCE_ARN_IN_POLICY", Error, "a resource ARN that is not of the policy's resource type (a KMS key in a bucket policy); runs only with a resource type", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-unsupported-resource-arn-in-policy"),
    // 13. `aws:SourceIp` against private ranges.
    check!("PRIVATE_IP_ADDRESS", Error, "`IpAddress` on `aws:SourceIp` with only private ranges (RFC 1918, fc00::/7): it never matches", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-private-ip-address"),
    check!("PRIVATE_NOT_IP_ADDRESS", Error, "`NotIpAddress` on `aws:SourceIp` with only private ranges: it always matches", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-private-not-ip-address"),
    // 14. Resource ARNs against the service data's ARN formats.
    check!("ARN_ACCOUNT_NOT_ALLOWED", Error, "an account ID in a resource ARN whose every fitting ARN format has none (an S3 bucket or object)", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-arn-account-not-allowed"),
];

/// The check with `code`, if there is one.
pub fn check(code: &str) -> Option<&'static Check> {
    CHECKS.iter().find(|c| c.code == code)
}

/// Lints one policy of type `policy_type`: every grammar error and warning
/// [`crate::validate`] reports, then the checks in [`CHECKS`], sorted by
/// position. A correct policy gives an empty list.
pub fn lint(text: &str, policy_type: PolicyType, config: &LintConfig) -> Vec<Finding> {
    let lines = LineIndex::new(text);
    let tree = crate::json::parse(text, config.options.limits.max_json_depth).ok();
    let mut cx = Cx {
        text,
        tree,
        lines,
        policy_type,
        config,
        findings: Vec::new(),
    };
    grammar::check(&mut cx);
    let mut diags = Diagnostics::default();
    if let Some(document) = parse_document(text, policy_type, &config.options.limits, &mut diags) {
        variables::check(&mut cx, &document);
        conditions::check(&mut cx, &document);
        resources::check(&mut cx, &document);
        trust::check(&mut cx, &document);
        permissive::check(&mut cx, &document);
        never_applies::check(&mut cx, &document);
        catalog::check(&mut cx, &document);
        resource_type::check(&mut cx, &document);
        private_ip::check(&mut cx, &document);
        arn_account::check(&mut cx, &document);
    }
    let mut findings = cx.findings;
    findings.sort_by(|a, b| {
        let at = |f: &Finding| f.locations.first().map_or(0, |l| l.span.start.offset);
        at(a)
            .cmp(&at(b))
            .then(a.finding_type.cmp(&b.finding_type))
            .then(a.issue_code.cmp(b.issue_code))
    });
    findings.dedup();
    findings
}

/// What a check needs, and where findings go.
pub(crate) struct Cx<'a> {
    text: &'a str,
    /// The JSON tree, for paths; `None` when the text is not JSON.
    tree: Option<crate::json::Node<'a>>,
    lines: LineIndex,
    policy_type: PolicyType,
    config: &'a LintConfig,
    findings: Vec<Finding>,
}

/// A place to report: a JSON path and byte offsets.
#[derive(Debug, Clone)]
pub(crate) struct At {
    path: String,
    start: usize,
    end: usize,
}

impl<'a> Cx<'a> {
    fn enabled(&self, code: &str) -> bool {
        self.config.is_enabled(code)
    }

    /// Access Analyzer's position of a byte offset: 1-based line, 0-based
    /// column and offset in characters.
    fn position(&self, offset: usize) -> Position {
        let (line, column) = self.lines.position(self.text, offset);
        let chars = if self.text.is_ascii() {
            offset.min(self.text.len())
        } else {
            self.text
                .char_indices()
                .take_while(|(at, _)| *at < offset)
                .count()
        };
        Position {
            line,
            column: column.saturating_sub(1),
            offset: chars,
        }
    }

    /// The path to the JSON value (or object key) that starts at or
    /// contains `offset`, and where that value ends; from the text's own
    /// tree, so keys holding dots or brackets stay whole.
    fn path_at(&self, offset: usize, fallback: &str) -> (Vec<PathElement>, Option<usize>) {
        use crate::json::Value;
        let Some(mut node) = self.tree.as_ref() else {
            return (fallback_path(fallback), None);
        };
        let inside = |span: &crate::json::Span| span.start <= offset && offset < span.end;
        let mut path = Vec::new();
        loop {
            if node.span.start == offset {
                return (path, Some(node.span.end));
            }
            match &node.value {
                Value::Object(members) => {
                    if let Some(m) = members.iter().find(|m| inside(&m.key_span)) {
                        path.push(PathElement::Key(m.key.to_string()));
                        return (path, Some(m.key_span.end));
                    }
                    match members.iter().find(|m| inside(&m.value.span)) {
                        Some(m) => {
                            path.push(PathElement::Value(m.key.to_string()));
                            node = &m.value;
                        }
                        None => return (path, None),
                    }
                }
                Value::Array(items) => match items.iter().position(|i| inside(&i.span)) {
                    Some(i) => {
                        path.push(PathElement::Index(i));
                        match items.get(i) {
                            Some(item) => node = item,
                            None => return (path, None),
                        }
                    }
                    None => return (path, None),
                },
                _ => return (path, None),
            }
        }
    }

    /// Reports `code` with its default finding type.
    fn report(&mut self, code: &'static str, message: String, at: &[At]) {
        if let Some(c) = check(code) {
            self.report_as(c.finding_type, code, message, at);
        }
    }

    /// Reports `code` with an explicit finding type.
    fn report_as(
        &mut self,
        finding_type: FindingType,
        code: &'static str,
        message: String,
        at: &[At],
    ) {
        if !self.enabled(code) {
            return;
        }
        let learn_more_link = check(code).map_or(AA, |c| c.link);
        let locations = at
            .iter()
            .map(|a| {
                let (path, node_end) = self.path_at(a.start, &a.path);
                let end = if a.end > a.start {
                    a.end
                } else {
                    node_end.unwrap_or(a.start)
                };
                Location {
                    path,
                    span: Span {
                        start: self.position(a.start),
                        end: self.position(end),
                    },
                }
            })
            .collect();
        self.findings.push(Finding {
            finding_type,
            issue_code: code,
            message,
            learn_more_link,
            locations,
        });
    }

    /// The location of a string as written (its quotes included).
    fn item(&self, item: &Item) -> At {
        At {
            path: item.path.clone(),
            start: item.offset,
            end: value_end(self.text, item.offset),
        }
    }

    /// The location of a whole statement.
    fn statement(&self, s: &Statement) -> At {
        At {
            path: s.path.clone(),
            start: s.span.start,
            end: s.span.end,
        }
    }

    /// The value of a statement's `name` member (`"Principal": "*"` has no
    /// item of its own), or the statement when it cannot be found.
    fn member(&self, s: &Statement, name: &str) -> At {
        let quoted = format!("\"{name}\"");
        let body = self.text.get(s.span.start..s.span.end).unwrap_or_default();
        let value = body.find(&quoted).and_then(|at| {
            let after = at + quoted.len();
            let rest = body.get(after..)?;
            let colon = rest.find(|c: char| !c.is_whitespace())?;
            (rest.get(colon..)?.starts_with(':')).then_some(())?;
            let tail = rest.get(colon + 1..)?;
            let skip = tail.find(|c: char| !c.is_whitespace())?;
            Some(s.span.start + after + colon + 1 + skip)
        });
        match value {
            Some(start) => At {
                path: format!("{}.{name}", s.path),
                start,
                end: value_end(self.text, start),
            },
            None => self.statement(s),
        }
    }

    /// An element of a statement (`Statement[0].NotAction`), located at its
    /// first item, or at the statement when it has none.
    fn element(&self, s: &Statement, name: &str, items: &[Item]) -> At {
        match items.first() {
            Some(first) => At {
                path: format!("{}.{name}", s.path),
                start: first.offset,
                end: items
                    .last()
                    .map_or(first.offset, |l| value_end(self.text, l.offset)),
            },
            None => self.statement(s),
        }
    }
}

/// A path from this crate's dotted text, for text that is not JSON (the
/// tree is missing, so keys are split at dots as well as they can be).
fn fallback_path(path: &str) -> Vec<PathElement> {
    let mut out = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let mut rest = part;
        if let Some(open) = rest.find('[') {
            let (key, tail) = rest.split_at(open);
            if !key.is_empty() {
                out.push(PathElement::Value(key.to_owned()));
            }
            rest = tail;
            for index in rest.split(['[', ']']).filter(|i| !i.is_empty()) {
                match index.parse() {
                    Ok(i) => out.push(PathElement::Index(i)),
                    Err(_) => out.push(PathElement::Value(index.trim_matches('"').to_owned())),
                }
            }
        } else {
            out.push(PathElement::Value(rest.to_owned()));
        }
    }
    out
}

/// The end of the JSON scalar starting at `offset`: past the closing quote
/// of a string, or at the first delimiter after a number or literal.
fn value_end(text: &str, offset: usize) -> usize {
    let bytes = text.as_bytes();
    let first = bytes.get(offset).copied();
    if first == Some(b'"') {
        let mut i = offset + 1;
        while let Some(&b) = bytes.get(i) {
            match b {
                b'\\' => i += 2,
                b'"' => return i + 1,
                _ => i += 1,
            }
        }
        return text.len();
    }
    if !first.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return offset;
    }
    let mut i = offset;
    while let Some(&b) = bytes.get(i) {
        if matches!(b, b',' | b']' | b'}' | b' ' | b'\t' | b'\r' | b'\n' | b':') {
            break;
        }
        i += 1;
    }
    i.max(offset)
}

/// The positive `Action` items, or none for `NotAction`.
pub(crate) fn actions(s: &Statement) -> &[Item] {
    match &s.action {
        Some(a) if !a.negated => &a.items,
        _ => &[],
    }
}

/// The positive `Resource` items, or none for `NotResource` or no resource.
pub(crate) fn resources(s: &Statement) -> &[Item] {
    match &s.resource {
        Some(r) if !r.negated => &r.items,
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 2012-10-17 policy of `statements` (JSON objects, comma-separated).
    pub(super) fn policy(statements: &str) -> String {
        format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#)
    }

    pub(super) fn codes(text: &str, policy_type: PolicyType) -> Vec<&'static str> {
        lint(text, policy_type, &LintConfig::default())
            .into_iter()
            .map(|f| f.issue_code)
            .collect()
    }

    #[test]
    fn every_code_is_unique_and_screaming_snake() {
        let mut seen = BTreeSet::new();
        for c in CHECKS {
            assert!(seen.insert(c.code), "duplicate {}", c.code);
            assert!(c
                .code
                .chars()
                .all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit() || ch == '_'));
            // Every check links to AWS's page for it, except a limit of this
            // crate's own, which AWS does not have and must not be linked to
            // AWS's quotas.
            let own = c.code == "SAFETY_LIMIT_EXCEEDED";
            assert!(
                c.link.starts_with("https://docs.aws.amazon.com/") != own,
                "{}",
                c.code
            );
        }
    }

    #[test]
    fn value_end_covers_strings_with_escapes_and_numbers() {
        let text = r#"{"a": "x\"y", "b": 12}"#;
        assert_eq!(value_end(text, 6), 12);
        assert_eq!(value_end(text, 19), 21);
    }

    #[test]
    fn findings_serialize_like_access_analyzer() {
        let text = r#"{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
        let findings = lint(text, PolicyType::Identity, &LintConfig::default());
        let json = serde_json::to_value(&findings).unwrap();
        let first = &json[0];
        assert_eq!(first["findingType"], "WARNING");
        assert_eq!(first["issueCode"], "MISSING_VERSION");
        assert!(first["findingDetails"].is_string());
        assert!(first["learnMoreLink"]
            .as_str()
            .unwrap()
            .contains("missing-version"));
        assert_eq!(first["locations"][0]["span"]["start"]["line"], 1);
    }

    #[test]
    fn clean_policies_have_no_findings() {
        for (text, policy_type) in [
            (
                include_str!("../fixtures/policies/cognito-trust-authenticated.json"),
                PolicyType::Trust,
            ),
            (
                include_str!("../fixtures/policies/cognito-trust-unauthenticated.json"),
                PolicyType::Trust,
            ),
            (
                include_str!("../fixtures/policies/dynamodb-per-user-table.json"),
                PolicyType::Identity,
            ),
        ] {
            assert_eq!(codes(text, policy_type), Vec::<&str>::new());
        }
    }

    #[test]
    fn the_story_policy_is_flagged_for_cognito_wildcards() {
        let found = lint(
            include_str!("../fixtures/policies/notes-app-auth-role.json"),
            PolicyType::Identity,
            &LintConfig::default(),
        );
        let wide: Vec<&Finding> = found
            .iter()
            .filter(|f| f.issue_code == "SERVICE_WIDE_ACTION_ON_ALL_RESOURCES")
            .collect();
        assert_eq!(wide.len(), 2, "{found:#?}");
        assert!(wide
            .iter()
            .any(|f| f.message.contains("cognito-identity:*")));
        assert!(wide.iter().any(|f| f.message.contains("cognito-sync:*")));
    }

    #[test]
    fn disabled_codes_are_not_reported() {
        let text = r#"{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
        let mut config = LintConfig::default();
        config.disable("MISSING_VERSION");
        assert!(lint(text, PolicyType::Identity, &config).is_empty());
    }
}
