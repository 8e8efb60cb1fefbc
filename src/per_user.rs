//! The per-user `Resource`, matched in place.
//!
//! `arn:aws:s3:::notes-app-uploads/private/${cognito-identity.amazonaws.com:sub}/*`
//! is the shape this crate exists for (README): one entry, a literal
//! lowercase head, then literal text, one variable and literal text,
//! perhaps ending in `*`. Such an entry is kept as its prefix, variable and
//! suffix, so the decision resolves the variable and compares the parts
//! without going through the general entry loop, the ARN pattern and the
//! wildcard matcher (benches/RESULTS.md). It gives the answer that loop
//! gives, or defers to it (tests below and in `eval.rs`).

use std::sync::Arc;

use crate::arn::{ArnMatchCase, ArnPattern, ArnText};
use crate::compile::ResourceEntry;
use crate::pattern::{slot_match, Case};
use crate::request::Context;
use crate::variable::Variable;

/// One `Resource` entry of the per-user shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PerUserResource {
    /// The text before the variable, from `arn:` on.
    prefix: Arc<str>,
    /// The variable.
    variable: Variable,
    /// The text after the variable.
    suffix: Arc<str>,
    /// The pattern ends with `*` after `suffix`.
    open: bool,
}

impl PerUserResource {
    /// The shape of a `Resource` (not `NotResource`) element, if it has it:
    /// exactly one entry, whose head is literal and lowercase (so it has a
    /// whole-text pattern), holding one variable between literal text,
    /// optionally followed by `*`.
    pub fn of(negated: bool, entries: &[ResourceEntry]) -> Option<PerUserResource> {
        let ([entry], false) = (entries, negated) else {
            return None;
        };
        let [variable] = &*entry.vars else {
            return None;
        };
        let ArnPattern::Full {
            whole: Some(whole), ..
        } = &entry.pattern
        else {
            return None;
        };
        let (prefix, suffix, open) = whole.single_slot()?;
        Some(PerUserResource {
            prefix,
            variable: variable.clone(),
            suffix,
            open,
        })
    }

    /// Whether the entry matches `subject`, as [`ArnPattern::is_match`] with
    /// the variable resolved would answer; `None` when the request's ARN
    /// head must be compared apart (the same condition under which
    /// `is_match` leaves its whole-text pattern), or it is no ARN.
    #[inline(always)] // into the statement check
    pub fn matches(
        &self,
        subject: &ArnText<'_>,
        context: &Context,
        case: ArnMatchCase,
    ) -> Option<bool> {
        if !subject.matches_as_is(case) {
            return None;
        }
        // V7: a variable that does not resolve leaves the entry matching
        // nothing, and it is the only entry.
        let Ok(value) = self.variable.resolve(context) else {
            return Some(false);
        };
        Some(slot_match(
            subject.text(),
            &self.prefix,
            value,
            &self.suffix,
            self.open,
            Case::Sensitive,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::set::PolicySet;

    fn resource_shape(resources: &str) -> Option<PerUserResource> {
        let policy = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:*",{resources}}}]}}"#
        );
        let set = PolicySet::from_json(&policy).ok()?;
        let policies = set.policies();
        let matcher = policies.first()?.statements.first()?.resources.as_ref()?;
        matcher.per_user.clone()
    }

    #[test]
    fn the_cognito_s3_prefix_has_the_shape() {
        let shape = resource_shape(
            r#""Resource":"arn:aws:s3:::notes/private/${cognito-identity.amazonaws.com:sub}/*""#,
        )
        .unwrap();
        assert_eq!(&*shape.prefix, "arn:aws:s3:::notes/private/");
        assert_eq!(&*shape.variable.key, "cognito-identity.amazonaws.com:sub");
        assert_eq!(&*shape.suffix, "/");
        assert!(shape.open);

        // A default (V3) is the variable's own business.
        let shape =
            resource_shape(r#""Resource":"arn:aws:s3:::notes/${aws:username, 'guest'}""#).unwrap();
        assert_eq!(
            (&*shape.prefix, &*shape.suffix, shape.open),
            ("arn:aws:s3:::notes/", "", false)
        );
        assert_eq!(shape.variable.default.as_deref(), Some("guest"));
    }

    /// Decisions through the shortcut: the caller's own prefix, another's,
    /// and a variable that does not resolve (V7); a request head with
    /// capitals is compared apart, ignoring case by default (R6).
    #[test]
    fn decides_as_the_semantics_say() {
        use crate::eval::Decision;
        use crate::options::Options;
        use crate::policy::PolicyType;
        use crate::request::Request;
        use crate::set::PolicySetBuilder;

        let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*",
            "Resource":"arn:aws:s3:::notes/private/${cognito-identity.amazonaws.com:sub}/*"}]}"#;
        let sub = "cognito-identity.amazonaws.com:sub";
        let decide = |head_ignore_case: bool, resource: &str, context: Option<Vec<&str>>| {
            let options = Options {
                arn_head_ignore_case: head_ignore_case,
                ..Options::default()
            };
            let mut builder = PolicySetBuilder::with_options(options);
            builder.add("p", PolicyType::Identity, policy).unwrap();
            let set = builder.build();
            let mut request = Request::builder("s3:GetObject", resource);
            request = match context.as_deref() {
                None => request,
                Some([one]) => request.context(sub, *one),
                Some(several) => request.context(sub, several.to_vec()),
            };
            set.evaluate(&request.build()).decision()
        };
        let own = "arn:aws:s3:::notes/private/us-east-1:1111/a.txt";
        let id = Some(vec!["us-east-1:1111"]);
        assert_eq!(decide(true, own, id.clone()), Decision::Allow);
        assert_eq!(
            decide(
                true,
                "arn:aws:s3:::notes/private/us-east-1:2222/a.txt",
                id.clone()
            ),
            Decision::ImplicitDeny
        );
        // Prefix of the id, the id without the `/` after it.
        assert_eq!(
            decide(
                true,
                "arn:aws:s3:::notes/private/us-east-1:11/a.txt",
                id.clone()
            ),
            Decision::ImplicitDeny
        );
        assert_eq!(
            decide(
                true,
                "arn:aws:s3:::notes/private/us-east-1:1111",
                id.clone()
            ),
            Decision::ImplicitDeny
        );
        assert_eq!(decide(true, own, None), Decision::ImplicitDeny);
        assert_eq!(
            decide(true, own, Some(vec!["us-east-1:1111", "us-east-1:2222"])),
            Decision::ImplicitDeny
        );
        let capital_head = "arn:AWS:s3:::notes/private/us-east-1:1111/a.txt";
        assert_eq!(decide(true, capital_head, id.clone()), Decision::Allow);
        assert_eq!(decide(false, capital_head, id), Decision::ImplicitDeny);
    }

    #[test]
    fn other_entries_keep_the_general_path() {
        for resources in [
            // NotResource: an unresolved variable is governed by rule R7.
            r#""NotResource":"arn:aws:s3:::notes/${aws:username}/*""#,
            // Two entries, no variable, two variables.
            r#""Resource":["arn:aws:s3:::a/${aws:username}/*","arn:aws:s3:::b/${aws:username}/*"]"#,
            r#""Resource":"arn:aws:s3:::notes/private/*""#,
            r#""Resource":"arn:aws:s3:::notes/${aws:username}/${aws:userid}""#,
            // A wildcard beside the variable, a head that is not literal or
            // not lowercase.
            r#""Resource":"arn:aws:s3:::notes/*/${aws:username}""#,
            r#""Resource":"arn:aws:s3:*:*:notes/${aws:username}""#,
            r#""Resource":"arn:AWS:s3:::notes/${aws:username}""#,
        ] {
            assert_eq!(resource_shape(resources), None, "{resources}");
        }
    }
}
