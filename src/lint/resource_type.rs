//! Check 12: a resource-based policy against the resource type it is
//! attached to (`ValidatePolicy`'s `validatePolicyResourceType`), with
//! Access Analyzer's codes
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-unsupported-action-in-policy>).
//!
//! * `UNSUPPORTED_ACTION_IN_POLICY`: an action of another service (`kms:Decrypt`
//!   in an S3 bucket policy). Only the service prefix is compared: an action
//!   of the right service that does not exist is `INVALID_ACTION`'s.
//! * `UNSUPPORTED_RESOURCE_ARN_IN_POLICY`: a `Resource` ARN that is not one
//!   of the resource type's own (a KMS key ARN in a bucket policy, a stream
//!   ARN in a table policy).
//!
//! A wildcard that could stand for the expected text is given the benefit
//! of the doubt (`arn:aws:*:…`, `table/*`): only an entry that can never
//! name the resource type is reported. Without a resource type
//! ([`super::LintConfig::resource_type`]) neither check runs.

use super::{actions, resources, Cx};
use crate::policy::{Document, PolicyType};

/// A resource type Access Analyzer validates resource-based policies for.
struct Kind {
    /// `validatePolicyResourceType`'s name.
    name: &'static str,
    /// How Access Analyzer names it in messages.
    display: &'static str,
    /// The service prefixes of the actions its policy may hold.
    services: &'static [&'static str],
    /// Whether a `Resource` ARN (`arn:partition:service:region:account:resource`)
    /// can name this kind of resource; `None` for a policy without
    /// `Resource` (a role trust policy).
    arn: Option<fn(&ArnParts<'_>) -> bool>,
}

/// The resource types [`super::LintConfig::resource_type`] accepts, as
/// `ValidatePolicy` names them.
pub const RESOURCE_TYPES: &[&str] = &[
    "AWS::S3::Bucket",
    "AWS::S3::AccessPoint",
    "AWS::S3::MultiRegionAccessPoint",
    "AWS::S3ObjectLambda::AccessPoint",
    "AWS::S3Express::DirectoryBucket",
    "AWS::DynamoDB::Table",
    "AWS::DynamoDB::Stream",
    "AWS::IAM::AssumeRolePolicyDocument",
];

// Resource types and ARN formats: the Service Authorization Reference,
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
// and .../list_amazondynamodb.html.
const KINDS: &[Kind] = &[
    Kind {
        name: "AWS::S3::Bucket",
        display: "S3 Bucket",
        services: &["s3"],
        // Bucket and object ARNs: no region, no account.
        arn: Some(|a| service_is(a, "s3") && may_be_empty(a.account)),
    },
    Kind {
        name: "AWS::S3::AccessPoint",
        display: "S3 Access Point",
        services: &["s3"],
        arn: Some(|a| service_is(a, "s3") && may_start_with(a.resource, "accesspoint/")),
    },
    Kind {
        name: "AWS::S3::MultiRegionAccessPoint",
        display: "S3 Multi-Region Access Point",
        services: &["s3"],
        arn: Some(|a| service_is(a, "s3") && may_start_with(a.resource, "accesspoint/")),
    },
    Kind {
        name: "AWS::S3ObjectLambda::AccessPoint",
        display: "S3 Object Lambda Access Point",
        services: &["s3-object-lambda"],
        arn: Some(|a| {
            service_is(a, "s3-object-lambda") && may_start_with(a.resource, "accesspoint/")
        }),
    },
    Kind {
        name: "AWS::S3Express::DirectoryBucket",
        display: "S3 Express Directory Bucket",
        services: &["s3express"],
        arn: Some(|a| service_is(a, "s3express") && may_start_with(a.resource, "bucket/")),
    },
    Kind {
        name: "AWS::DynamoDB::Table",
        display: "DynamoDB Table",
        services: &["dynamodb"],
        arn: Some(|a| service_is(a, "dynamodb") && table_or_index(a.resource)),
    },
    Kind {
        name: "AWS::DynamoDB::Stream",
        display: "DynamoDB Stream",
        services: &["dynamodb"],
        arn: Some(|a| service_is(a, "dynamodb") && stream(a.resource)),
    },
    Kind {
        name: "AWS::IAM::AssumeRolePolicyDocument",
        display: "Role Trust Policy",
        services: &["sts"],
        arn: None,
    },
];

/// The six parts of an ARN as written in a policy.
struct ArnParts<'a> {
    service: &'a str,
    account: &'a str,
    resource: &'a str,
}

fn arn_parts(text: &str) -> Option<ArnParts<'_>> {
    let mut parts = text.splitn(6, ':');
    if parts.next() != Some("arn") {
        return None;
    }
    let _partition = parts.next()?;
    let service = parts.next()?;
    let _region = parts.next()?;
    let account = parts.next()?;
    let resource = parts.next()?;
    Some(ArnParts {
        service,
        account,
        resource,
    })
}

fn wild(c: char) -> bool {
    c == '*' || c == '?'
}

/// Whether the ARN's service part can be `service` (a wildcard can).
fn service_is(a: &ArnParts<'_>, service: &str) -> bool {
    if a.service.contains(wild) {
        return true;
    }
    a.service == service
}

/// Whether the part is empty or only `*`s (which match the empty string).
fn may_be_empty(part: &str) -> bool {
    part.chars().all(|c| c == '*')
}

/// Whether `text`, a policy pattern, can match a string starting with
/// `prefix`: it does, or it reaches a `*` first.
fn may_start_with(text: &str, prefix: &str) -> bool {
    let mut text = text.chars();
    for want in prefix.chars() {
        match text.next() {
            Some('*') => return true,
            Some('?') => {}
            Some(c) if c == want => {}
            _ => return false,
        }
    }
    true
}

/// `table/NAME` or `table/NAME/index/INDEX`; any wildcard after `table/`
/// could be either.
fn table_or_index(resource: &str) -> bool {
    if resource.contains(wild) {
        return may_start_with(resource, "table/");
    }
    let parts: Vec<&str> = resource.split('/').collect();
    matches!(
        parts.as_slice(),
        ["table", _] | ["table", _, "index", _, ..]
    )
}

/// `table/NAME/stream/LABEL`, or a wildcard that could be one.
fn stream(resource: &str) -> bool {
    if resource.contains(wild) {
        return may_start_with(resource, "table/");
    }
    let parts: Vec<&str> = resource.split('/').collect();
    matches!(parts.as_slice(), ["table", _, "stream", _, ..])
}

pub(super) fn check(cx: &mut Cx<'_>, document: &Document) {
    if !matches!(cx.policy_type, PolicyType::Resource | PolicyType::Trust) {
        return;
    }
    let Some(name) = cx.config.resource_type.as_deref() else {
        return;
    };
    let Some(kind) = KINDS.iter().find(|k| k.name.eq_ignore_ascii_case(name)) else {
        return;
    };
    for s in &document.statements {
        for item in actions(s) {
            let Some((prefix, _)) = item.text.split_once(':') else {
                continue;
            };
            if prefix.contains(wild) || kind.services.iter().any(|k| k.eq_ignore_ascii_case(prefix))
            {
                continue;
            }
            let at = cx.item(item);
            cx.report(
                "UNSUPPORTED_ACTION_IN_POLICY",
                format!(
                    "The action {} is not supported for the resource-based policy attached to resource type {}.",
                    item.text, kind.display
                ),
                &[at],
            );
        }
        let Some(supports) = kind.arn else {
            continue;
        };
        for item in resources(s) {
            let Some(arn) = arn_parts(&item.text) else {
                continue;
            };
            if supports(&arn) {
                continue;
            }
            let at = cx.item(item);
            cx.report(
                "UNSUPPORTED_RESOURCE_ARN_IN_POLICY",
                format!(
                    "The resource ARN {} is not supported for the resource-based policy attached to resource type {}.",
                    item.text, kind.display
                ),
                &[at],
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_listed_and_every_listed_type_has_a_kind() {
        assert_eq!(KINDS.len(), RESOURCE_TYPES.len());
        for (kind, name) in KINDS.iter().zip(RESOURCE_TYPES) {
            assert_eq!(kind.name, *name);
        }
    }

    #[test]
    fn prefixes_allow_for_wildcards_only_where_they_stand() {
        assert!(may_start_with("accesspoint/ap", "accesspoint/"));
        assert!(may_start_with("access*", "accesspoint/"));
        assert!(may_start_with("a?cesspoint/x", "accesspoint/"));
        assert!(!may_start_with("bucket/accesspoint/", "accesspoint/"));
        assert!(!may_start_with("access", "accesspoint/"));
    }

    #[test]
    fn dynamodb_table_index_and_stream_arns_are_told_apart() {
        assert!(table_or_index("table/Notes"));
        assert!(table_or_index("table/Notes/index/ByDate"));
        assert!(table_or_index("table/Notes/*"));
        assert!(!table_or_index(
            "table/Notes/stream/2024-01-01T00:00:00.000"
        ));
        assert!(!table_or_index("table/Notes/backup/01"));
        assert!(stream("table/Notes/stream/2024-01-01T00:00:00.000"));
        assert!(stream("table/Notes/stream/*"));
        assert!(!stream("table/Notes"));
        assert!(!stream("table/Notes/index/ByDate"));
    }
}
