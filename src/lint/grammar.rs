//! Check 1: everything [`crate::validate`] reports for the policy type,
//! errors as `ERROR` and warnings as `WARNING`, each under an issue code.
//!
//! Errors are coded by their [`PolicyErrorKind`]. Warnings are plain
//! messages, so they are coded by how the message starts; a warning this
//! module does not know keeps the generic code `POLICY_WARNING`. The
//! "`Allow` with `NotAction`" warning is left to `ALLOW_WITH_NOT_ACTION`
//! (check 7), which reports it as a security warning.

use super::{At, Cx, FindingType};
use crate::error::{Location as ErrorLocation, PolicyErrorKind, WarningKind};
use crate::policy::PolicyType;
use crate::set::validate;

pub(super) fn check(cx: &mut Cx<'_>) {
    let report = validate(cx.text, cx.policy_type, &cx.config.options);
    // A role trust policy linted as an identity policy: every statement's
    // Principal is an error there, so say which type was meant.
    let looks_like_trust = cx.policy_type == PolicyType::Identity
        && cx.text.contains("\"Principal\"")
        && cx.text.contains("sts:AssumeRole");
    for error in &report.errors {
        let code = error_code(error.kind());
        let at = at(cx, error.location());
        // A `Limit` error says itself that it is the crate's own bound (L1).
        let mut message = error.kind().to_string();
        if looks_like_trust && matches!(error.kind(), PolicyErrorKind::NotAllowed { .. }) {
            message.push_str(
                "; this looks like a role trust policy: lint it as one (`--type trust`, `PolicyType::Trust`)",
            );
        }
        cx.report_as(FindingType::Error, code, message, &[at]);
    }
    for warning in &report.warnings {
        let code = match warning.kind() {
            WarningKind::PolicySizeExceedsQuota => quota_code(cx.policy_type),
            kind => match warning_code(kind) {
                Some(code) => code,
                None => continue,
            },
        };
        // Access Analyzer's type for the code: the SCP and RCP quotas are
        // errors there, the others general warnings.
        let finding_type = super::check(code).map_or(FindingType::Warning, |c| c.finding_type);
        let at = at(cx, warning.location());
        cx.report_as(finding_type, code, warning.message().to_owned(), &[at]);
    }
}

fn error_code(kind: &PolicyErrorKind) -> &'static str {
    match kind {
        PolicyErrorKind::Syntax(_) => "JSON_SYNTAX_ERROR",
        PolicyErrorKind::WrongType { .. } => "DATA_TYPE_MISMATCH",
        PolicyErrorKind::UnknownElement(_) => "UNKNOWN_ELEMENT",
        PolicyErrorKind::Missing(_) => "MISSING_ELEMENT",
        PolicyErrorKind::Conflict(..) => "CONFLICTING_ELEMENTS",
        PolicyErrorKind::NotAllowed { .. } => "ELEMENT_NOT_ALLOWED",
        PolicyErrorKind::Version(_) => "INVALID_VERSION",
        PolicyErrorKind::Effect(_) => "INVALID_EFFECT",
        PolicyErrorKind::Sid(_) => "INVALID_SID",
        PolicyErrorKind::Action { .. } => "INVALID_ACTION",
        PolicyErrorKind::Resource { reason, .. }
            if reason.starts_with("ARN Region not allowed") =>
        {
            "ARN_REGION_NOT_ALLOWED"
        }
        PolicyErrorKind::Resource { .. } => "INVALID_RESOURCE",
        PolicyErrorKind::Principal { .. } => "INVALID_PRINCIPAL",
        PolicyErrorKind::UnknownOperator(_) => "INVALID_OPERATOR",
        PolicyErrorKind::ConditionValue { reason, .. } if reason.contains("different case") => {
            "DUPLICATE_KEYS_WITH_DIFFERENT_CASE"
        }
        PolicyErrorKind::ConditionValue { .. } => "INVALID_CONDITION_VALUE",
        PolicyErrorKind::Variable(_) => "INVALID_VARIABLE",
        PolicyErrorKind::VariableNotAllowed { .. } => "VARIABLE_UNSUPPORTED_IN_ELEMENT",
        PolicyErrorKind::Character(_) => "INVALID_CHARACTER",
        // AWS's size quotas are warnings (L1): a `Limit` error is always one
        // of this crate's own bounds on its work.
        PolicyErrorKind::Limit { .. } => "SAFETY_LIMIT_EXCEEDED",
        #[allow(
            unreachable_patterns,
            reason = "kinds added to PolicyErrorKind later get the generic code"
        )]
        _ => "POLICY_ERROR",
    }
}

/// The code for a `validate` warning, or `None` for one another check
/// reports better.
fn warning_code(kind: WarningKind) -> Option<&'static str> {
    match kind {
        WarningKind::MissingVersion => Some("MISSING_VERSION"),
        WarningKind::LegacyVersion => Some("LEGACY_VERSION"),
        WarningKind::UnusedId => Some("UNUSED_ID"),
        // The console writes `"Sid": ""` into every policy it generates;
        // an empty Sid changes nothing, so the lint stays quiet on it.
        WarningKind::EmptySid => None,
        WarningKind::NullEntry => Some("NULL_ENTRY"),
        WarningKind::EmptyPrincipalList => Some("EMPTY_PRINCIPAL_LIST"),
        WarningKind::DateNotUnderstood => Some("TYPE_MISMATCH_DATE"),
        // ALLOW_WITH_NOT_ACTION reports it with a better message.
        WarningKind::AllowWithNotAction => None,
        // Check 8 reports these, as security warnings in a Deny.
        WarningKind::EmptyConditionValues
        | WarningKind::UnknownConditionKey
        | WarningKind::EmptyConditionKey
        | WarningKind::ArnValueNotAnArn
        | WarningKind::PrincipalNamesNoOne => None,
        #[allow(
            unreachable_patterns,
            reason = "kinds added to WarningKind later get the generic code"
        )]
        _ => Some("POLICY_WARNING"),
    }
}

/// Access Analyzer's issue code for a policy of `policy_type` over its size
/// quota (L1). Boundaries and session policies are identity policies there.
fn quota_code(policy_type: PolicyType) -> &'static str {
    match policy_type {
        PolicyType::Resource => "POLICY_SIZE_EXCEEDS_RESOURCE_POLICY_QUOTA",
        PolicyType::Trust => "POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA",
        PolicyType::Scp => "POLICY_SIZE_EXCEEDS_SCP_QUOTA",
        PolicyType::Rcp => "POLICY_SIZE_EXCEEDS_RCP_QUOTA",
        _ => "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA",
    }
}

/// A `validate` location (line and character column) as byte offsets.
fn at(cx: &Cx<'_>, location: &ErrorLocation) -> At {
    // `validate` reads the text as a whole, so every location has a position.
    let start = offset_of(
        cx.text,
        location.line().unwrap_or(1),
        location.column().unwrap_or(1),
    );
    At {
        path: location.path().to_owned(),
        start,
        end: super::value_end(cx.text, start),
    }
}

/// The byte offset of a 1-based line and 1-based character column.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        text.match_indices('\n')
            .nth(line - 2)
            .map_or(text.len(), |(i, _)| i + 1)
    };
    let rest = text.get(line_start..).unwrap_or_default();
    line_start
        + rest
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(rest.len(), |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::super::tests::codes;
    use super::*;

    #[test]
    fn offsets_round_trip_through_line_and_column() {
        let text = "{\n  \"é\": \"x\",\n  \"b\": 1\n}";
        let lines = crate::json::LineIndex::new(text);
        for (offset, _) in text.char_indices() {
            let (line, column) = lines.position(text, offset);
            assert_eq!(offset_of(text, line, column), offset);
        }
    }

    #[test]
    fn validate_errors_become_errors_with_codes() {
        let bad = r#"{"Version":"2012-10-17","Statement":[{"Effect":"allow","Action":"s3GetObject","Resource":"*"}]}"#;
        let found = codes(bad, PolicyType::Identity);
        assert!(found.contains(&"INVALID_EFFECT"), "{found:?}");
        let good = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#;
        assert!(codes(good, PolicyType::Identity).is_empty());
    }

    #[test]
    fn grammar_is_checked_per_policy_type() {
        // A Principal is required in a trust policy and forbidden in an identity policy.
        let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
        assert!(codes(text, PolicyType::Trust).is_empty());
        let found = codes(text, PolicyType::Identity);
        assert!(found.contains(&"ELEMENT_NOT_ALLOWED"), "{found:?}");
        assert!(found.contains(&"MISSING_ELEMENT"), "{found:?}");
        let found = super::super::lint(text, PolicyType::Identity, &Default::default());
        assert!(found.iter().any(|f| f.message.contains("--type trust")));
    }

    #[test]
    fn variables_in_action_are_unsupported_in_element() {
        let bad = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:${aws:username}","Resource":"*"}]}"#;
        let found = codes(bad, PolicyType::Identity);
        assert!(
            found.contains(&"VARIABLE_UNSUPPORTED_IN_ELEMENT"),
            "{found:?}"
        );
    }

    #[test]
    fn malformed_variables_are_invalid() {
        let bad = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username/*"}]}"#;
        let found = codes(bad, PolicyType::Identity);
        assert!(found.contains(&"INVALID_VARIABLE"), "{found:?}");
    }

    #[test]
    fn missing_version_is_a_warning() {
        let text = r#"{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#;
        let found = super::super::lint(text, PolicyType::Identity, &Default::default());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].issue_code, "MISSING_VERSION");
        assert_eq!(found[0].finding_type, FindingType::Warning);
    }
}
