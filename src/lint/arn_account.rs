//! Check 14: an account ID in a resource ARN whose service never puts one
//! there, with Access Analyzer's code `ARN_ACCOUNT_NOT_ALLOWED`
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-arn-account-not-allowed>).
//!
//! Driven by the ARN formats of the Service Authorization Reference
//! ([`crate::service_data`]): an ARN is reported only when some resource
//! type of its service could be the one it names and every such type's ARN
//! format has an empty account part (`arn:aws:s3:111122223333::notes`: a
//! bucket or object, never an access point). A wildcard or a policy
//! variable in the service or account part, or a resource part that fits
//! no format, is not judged.

use super::{resources, Cx};
use crate::policy::Document;
use crate::service_data::ServiceData;

/// `(account, resource)` of an ARN or ARN format, after its service.
fn split(arn: &str) -> Option<(&str, &str, &str)> {
    let mut parts = arn.splitn(6, ':');
    if parts.next() != Some("arn") {
        return None;
    }
    let _partition = parts.next()?;
    let service = parts.next()?;
    let _region = parts.next()?;
    let account = parts.next()?;
    let resource = parts.next()?;
    Some((service, account, resource))
}

/// Whether `text` (literal) fits `format`, whose `${…}` placeholders stand
/// for any text: the literal pieces between them appear in order, the first
/// at the start and the last at the end. Linear in the text's length (a
/// placeholder may also take the empty text, a harmless over-match).
fn fits(format: &str, text: &str) -> bool {
    let mut pieces = Vec::new();
    let mut rest = format;
    while let Some(open) = rest.find("${") {
        pieces.push(rest.get(..open).unwrap_or_default());
        let tail = rest.get(open..).unwrap_or_default();
        rest = match tail.find('}') {
            Some(close) => tail.get(close + 1..).unwrap_or_default(),
            None => return false,
        };
    }
    let (Some((first, middle_and_last)), last) = (pieces.split_first(), rest) else {
        return format == text;
    };
    let Some(mut text) = text.strip_prefix(first) else {
        return false;
    };
    for piece in middle_and_last {
        match text.find(piece) {
            Some(at) => text = text.get(at + piece.len()..).unwrap_or_default(),
            None => return false,
        }
    }
    text.ends_with(last)
}

/// Whether `pattern`, a resource part holding `*` or `?`, could name a
/// resource of `format`: their literal beginnings agree as far as both go.
fn may_fit(format: &str, pattern: &str) -> bool {
    let fixed = format.split("${").next().unwrap_or_default();
    let literal = pattern.split(['*', '?']).next().unwrap_or_default();
    fixed.starts_with(literal) || literal.starts_with(fixed)
}

pub(super) fn check(cx: &mut Cx<'_>, document: &Document) {
    if !cx.enabled("ARN_ACCOUNT_NOT_ALLOWED") {
        return;
    }
    let aws = ServiceData::aws();
    for s in &document.statements {
        for item in resources(s) {
            let Some((service, account, resource)) = split(&item.text) else {
                continue;
            };
            let judged = |part: &str| !part.is_empty() && !part.contains(['*', '?', '$']);
            if !judged(service) || !judged(account) {
                continue;
            }
            let Some(data) = aws.service(service) else {
                continue;
            };
            let wildcard = resource.contains(['*', '?', '$']);
            let mut any = false;
            let mut all_without_account = true;
            for format in data.resource_types().iter().flat_map(|t| t.arn_formats()) {
                let Some((_, format_account, format_resource)) = split(format) else {
                    continue;
                };
                let fit = if wildcard {
                    may_fit(format_resource, resource)
                } else {
                    fits(format_resource, resource)
                };
                if fit {
                    any = true;
                    all_without_account &= format_account.is_empty();
                }
            }
            if any && all_without_account {
                let at = cx.item(item);
                cx.report(
                    "ARN_ACCOUNT_NOT_ALLOWED",
                    format!(
                        "The service {service} does not support specifying an account ID in the resource ARN."
                    ),
                    &[at],
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{codes, policy};
    use super::{fits, may_fit};
    use crate::policy::PolicyType;

    #[test]
    fn formats_fit_by_their_placeholders() {
        assert!(fits("${BucketName}", "notes"));
        assert!(fits("${BucketName}/${ObjectName}", "notes/a/b.txt"));
        assert!(!fits("accesspoint/${AccessPointName}", "notes"));
        assert!(fits("accesspoint/${AccessPointName}", "accesspoint/ap"));
        assert!(may_fit("accesspoint/${AccessPointName}", "access*"));
        assert!(may_fit("${BucketName}", "notes/*"));
        assert!(!may_fit("job/${JobId}", "notes/*"));
    }

    fn with(resource: &str) -> Vec<&'static str> {
        let text = policy(&format!(
            r#"{{"Effect":"Allow","Action":"s3:GetObject","Resource":"{resource}"}}"#
        ));
        codes(&text, PolicyType::Identity)
            .into_iter()
            .filter(|c| *c == "ARN_ACCOUNT_NOT_ALLOWED")
            .collect()
    }

    #[test]
    fn an_account_where_the_service_has_none_is_an_error() {
        assert_eq!(
            with("arn:aws:s3::111122223333:notes/*"),
            ["ARN_ACCOUNT_NOT_ALLOWED"]
        );
        assert_eq!(
            with("arn:aws:s3::111122223333:notes"),
            ["ARN_ACCOUNT_NOT_ALLOWED"]
        );
    }

    #[test]
    fn near_misses_are_not_reported() {
        for resource in [
            // No account, as the format has it.
            "arn:aws:s3:::notes/*",
            // Access points do carry an account.
            "arn:aws:s3:us-east-1:111122223333:accesspoint/ap",
            "arn:aws:s3:us-east-1:111122223333:*",
            // A wildcard or variable account is not judged.
            "arn:aws:s3::*:notes",
            "arn:aws:s3::${aws:PrincipalAccount}:notes",
            // Services whose ARNs carry an account.
            "arn:aws:dynamodb:us-east-1:111122223333:table/Notes",
        ] {
            assert!(with(resource).is_empty(), "{resource}");
        }
    }
}
