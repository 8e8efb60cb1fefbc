//! Statements that can never take effect as written (issue 21, item 12):
//! a condition on a key no request carries (an `aws:` key that is not a
//! global condition key, a key padded with white space, an empty key), an
//! ARN operator value that is not an ARN, a `Principal` that names no one,
//! an empty condition value list. Each is legal, so it is a warning, not an
//! error; in a Deny it silently switches the guard off (or on for every
//! request), so the lint reports it as a security warning there.
//!
//! Sources: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html>
//! (the global keys), <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN>
//! (ARN values are compared part by part), and
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>.

use crate::condition::{Operator, SetQualifier, Test};
use crate::error::WarningKind;
use crate::parse::{child_path, Diagnostics};
use crate::policy::{ConditionEntry, Document, Effect, Statement};

/// One statement part that can never take effect as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Finding {
    /// The JSON path and byte offset of the part.
    pub path: String,
    pub offset: usize,
    pub kind: WarningKind,
    pub message: String,
    /// The statement's effect.
    pub effect: Effect,
}

/// Every part of `document` that can never take effect as written.
pub(crate) fn find(document: &Document) -> Vec<Finding> {
    let mut found = Vec::new();
    for statement in &document.statements {
        principal(statement, &mut found);
        for entry in &statement.conditions {
            condition(statement, entry, &mut found);
        }
    }
    found
}

/// Adds [`find`]'s findings to `diags` as warnings, except the empty value
/// list, which the parser already warns about.
pub(crate) fn warn(document: &Document, diags: &mut Diagnostics) {
    let (statement, sid) = (diags.statement, diags.sid.take());
    for finding in find(document) {
        if finding.kind == WarningKind::EmptyConditionValues {
            continue;
        }
        let owner = document
            .statements
            .iter()
            .find(|s| finding.path.starts_with(&s.path));
        diags.statement = owner.map(|s| s.index);
        diags.sid = owner.and_then(|s| s.sid.clone());
        diags.warn(&finding.path, finding.offset, finding.kind, finding.message);
    }
    diags.statement = statement;
    diags.sid = sid;
}

fn consequence(effect: Effect) -> &'static str {
    match effect {
        Effect::Deny => "this Deny never applies",
        Effect::Allow => "this Allow never applies",
    }
}

fn principal(statement: &Statement, found: &mut Vec<Finding>) {
    let Some(p) = &statement.principal else {
        return;
    };
    if p.negated || p.wildcard || !p.entries.is_empty() {
        return;
    }
    found.push(Finding {
        path: child_path(&statement.path, "Principal"),
        offset: statement.span.start,
        kind: WarningKind::PrincipalNamesNoOne,
        message: format!(
            "`Principal` names no one, so {}; name the principals, or `\"*\"` for everyone",
            consequence(statement.effect)
        ),
        effect: statement.effect,
    });
}

/// What the condition is when its key is absent from every request (C3, C4,
/// C5, S3): `Some(true)` always true, `Some(false)` never true.
fn when_absent(operator: &Operator, values: &[crate::policy::Item]) -> Option<bool> {
    if operator.test == Test::Null {
        // `Null: true` holds for an absent key, `Null: false` never does.
        return values.first().map(|v| v.text.eq_ignore_ascii_case("true"));
    }
    Some(
        operator.if_exists
            || match operator.set {
                SetQualifier::ForAllValues => true,
                SetQualifier::ForAnyValue => false,
                SetQualifier::Bare => operator.negated,
            },
    )
}

fn absent_key_effect(
    operator: Option<&Operator>,
    entry: &ConditionEntry,
    effect: Effect,
) -> String {
    match operator.and_then(|op| when_absent(op, &entry.values)) {
        Some(false) => format!("the condition is never true, so {}", consequence(effect)),
        Some(true) => "the condition is always true, so it restricts nothing".to_owned(),
        None => "the condition is evaluated as if the key were missing (C3)".to_owned(),
    }
}

fn condition(statement: &Statement, entry: &ConditionEntry, found: &mut Vec<Finding>) {
    let effect = statement.effect;
    let operator = Operator::parse(&entry.operator.text, true).ok();
    let key = entry.key.text.as_str();
    let mut push = |path: &str, offset: usize, kind: WarningKind, message: String| {
        found.push(Finding {
            path: path.to_owned(),
            offset,
            kind,
            message,
            effect,
        });
    };
    let at = (&entry.key.path, entry.key.offset);
    if key.trim().is_empty() {
        let then = absent_key_effect(operator.as_ref(), entry, effect);
        push(
            at.0,
            at.1,
            WarningKind::EmptyConditionKey,
            format!("empty condition key: no request carries it; {then}"),
        );
    } else if key.trim() != key {
        let then = absent_key_effect(operator.as_ref(), entry, effect);
        push(
            at.0,
            at.1,
            WarningKind::UnknownConditionKey,
            format!(
                "condition key `{key}` has white space around it, so no request carries it (keys are not trimmed); {then}"
            ),
        );
    } else if crate::condition_keys::is_unknown_global_key(key) {
        let then = absent_key_effect(operator.as_ref(), entry, effect);
        push(
            at.0,
            at.1,
            WarningKind::UnknownConditionKey,
            format!("`{key}` is not an AWS global condition key, so no request carries it; {then}"),
        );
    }
    if entry.values.is_empty() {
        let then = match operator.as_ref().map(|op| op.negated) {
            Some(true) => "the negated operator is always true, so it restricts nothing".to_owned(),
            _ => format!(
                "a plain operator never matches it, so {}",
                consequence(effect)
            ),
        };
        push(
            &entry.key.path,
            entry.key.offset,
            WarningKind::EmptyConditionValues,
            format!("empty value list: {then}"),
        );
    }
    if operator.as_ref().is_some_and(|op| op.test == Test::Arn) {
        for value in &entry.values {
            if value.text != "*" && colons_outside_variables(&value.text) < 5 {
                push(
                    &value.path,
                    value.offset,
                    WarningKind::ArnValueNotAnArn,
                    format!(
                        "`{}` has fewer than six colon-separated parts (arn:partition:service:region:account:resource), so it never matches an ARN; use `*` for any part",
                        value.text
                    ),
                );
            }
        }
    }
}

/// The colons of `text` that split an ARN: those outside `${…}`, whose
/// substituted values never shift the parts.
fn colons_outside_variables(text: &str) -> usize {
    let mut count = 0;
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        count += rest
            .get(..start)
            .map_or(0, |head| head.matches(':').count());
        let after = rest.get(start + 2..).unwrap_or_default();
        match after.find('}') {
            Some(end) => rest = after.get(end + 1..).unwrap_or_default(),
            // An unclosed `${` is literal text (the policy would not compile).
            None => return count + after.matches(':').count(),
        }
    }
    count + rest.matches(':').count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colons_inside_variables_do_not_count() {
        assert_eq!(colons_outside_variables("arn:aws:s3:::b"), 5);
        assert_eq!(colons_outside_variables("${aws:SourceArn}"), 0);
        assert_eq!(
            colons_outside_variables("arn:aws:s3:::${aws:username}/x"),
            5
        );
        assert_eq!(colons_outside_variables("a$b:c"), 1);
        assert_eq!(colons_outside_variables("${a:b"), 1);
    }
}
