//! Check 8: parts of a statement that can never take effect as written
//! ([`crate::never_applies`]): a condition key no request carries, an ARN
//! value that is not an ARN, a `Principal` that names no one, an empty
//! condition key or value list. `WARNING` in an Allow; `SECURITY_WARNING` in
//! a Deny, where the guard is silently off (or on for every request).

use super::{At, Cx, FindingType};
use crate::error::WarningKind;
use crate::policy::{Document, Effect};

pub(super) fn check(cx: &mut Cx<'_>, document: &Document) {
    for finding in crate::never_applies::find(document) {
        let padded = |path: &str| {
            document
                .statements
                .iter()
                .flat_map(|s| &s.conditions)
                .find(|c| c.key.path == path)
                .is_none_or(|c| c.key.text.trim() != c.key.text)
        };
        let code = match finding.kind {
            // An unpadded `aws:` key is check 9's, against the service data
            // (`INVALID_GLOBAL_CONDITION_KEY`).
            WarningKind::UnknownConditionKey if !padded(&finding.path) => continue,
            WarningKind::UnknownConditionKey => "UNKNOWN_CONDITION_KEY",
            WarningKind::EmptyConditionKey => "EMPTY_CONDITION_KEY",
            WarningKind::ArnValueNotAnArn => "ARN_VALUE_NOT_AN_ARN",
            WarningKind::PrincipalNamesNoOne => "PRINCIPAL_NAMES_NO_ONE",
            _ => "EMPTY_CONDITION_VALUES",
        };
        let finding_type = match finding.effect {
            Effect::Deny => FindingType::SecurityWarning,
            Effect::Allow => FindingType::Warning,
        };
        let at = if finding.kind == WarningKind::PrincipalNamesNoOne {
            match document
                .statements
                .iter()
                .find(|s| finding.path.starts_with(&s.path))
            {
                Some(s) => cx.member(s, "Principal"),
                None => point(cx, &finding.path, finding.offset),
            }
        } else {
            point(cx, &finding.path, finding.offset)
        };
        cx.report_as(finding_type, code, finding.message, &[at]);
    }
}

fn point(cx: &Cx<'_>, path: &str, offset: usize) -> At {
    At {
        path: path.to_owned(),
        start: offset,
        end: super::value_end(cx.text, offset),
    }
}
