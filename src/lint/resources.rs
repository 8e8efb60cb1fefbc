//! Check 5: actions paired with resources of the wrong type.
//!
//! * `S3_BUCKET_ACTION_ON_OBJECT_ARN`: `s3:ListBucket` and the other bucket
//!   actions are authorized against `arn:aws:s3:::bucket`; a statement whose
//!   S3 resources all name objects (`bucket/…`) grants them nothing.
//! * `S3_OBJECT_ACTION_ON_BUCKET_ARN`: `s3:GetObject` and the other object
//!   actions are authorized against `arn:aws:s3:::bucket/key`; a statement
//!   whose S3 resources are all bucket ARNs grants them nothing.
//! * `DYNAMODB_QUERY_WITHOUT_INDEX`: `dynamodb:Query` on a secondary index is
//!   authorized against `table/NAME/index/INDEX`; granting it on the table
//!   only denies every query of an index.
//!
//! Whether an ARN is a bucket or an object is decided by the resource types
//! of the service data ([`ServiceData::resource_types_for`]). Only actions
//! written without wildcards are checked; a resource pattern that could
//! match both types (`*`, `arn:aws:s3:::b*`) counts as both, and a policy
//! variable may hold anything, `/` included, so
//! `arn:aws:s3:::${aws:PrincipalTag/bucket}` may be a bucket: the checks
//! never guess.

use super::Cx;
use crate::pattern::{Case, Pattern};
use crate::policy::{Document, Effect, Item, Statement};
use crate::service_data::ServiceData;

/// A `Resource` entry with each policy variable widened to `*`: a
/// variable may hold a `/` (`${aws:PrincipalTag/bucket}` may be a bucket
/// or a key prefix), so it is matched as anything.
fn widened(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(rest.get(..start).unwrap_or_default());
        match rest.get(start..).and_then(|r| r.find('}')) {
            Some(close) => {
                out.push('*');
                rest = rest.get(start + close + 1..).unwrap_or_default();
            }
            None => {
                rest = rest.get(start..).unwrap_or_default();
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whether a resource entry can name something of S3.
fn may_be_s3(text: &str) -> bool {
    text == "*"
        || (text.starts_with("arn:")
            && text
                .split(':')
                .nth(2)
                .is_some_and(|service| service == "s3" || service.contains(['*', '?', '$'])))
}

pub(super) fn check(cx: &mut Cx<'_>, document: &Document) {
    for s in &document.statements {
        s3_mismatch(cx, s);
    }
    query_without_index(cx, document);
}

/// S3 actions against the S3 resources of the statement, by the resource
/// types the service data gives each action: an action none of the
/// resources can be is authorized against none of them.
fn s3_mismatch(cx: &mut Cx<'_>, s: &Statement) {
    let aws = ServiceData::aws();
    let resources = super::resources(s);
    let s3: Vec<String> = resources
        .iter()
        .filter(|r| may_be_s3(&r.text))
        .map(|r| widened(&r.text))
        .collect();
    if s3.is_empty() {
        return;
    }
    let all_are = |probe: &str| {
        s3.iter()
            .all(|r| !aws.resource_types_for(probe, r).is_empty())
    };
    let first = resources.first().map(|r| cx.item(r));
    for action in super::actions(s) {
        let Some((service, name)) = action.text.split_once(':') else {
            continue;
        };
        if !service.eq_ignore_ascii_case("s3") || name.contains(['*', '?']) {
            continue;
        }
        let Some(known) = aws.action(&action.text) else {
            continue;
        };
        if known.resource_types().is_empty()
            || s3
                .iter()
                .any(|r| !aws.resource_types_for(&action.text, r).is_empty())
        {
            continue;
        }
        let takes = |t: &str| known.resource_types().iter().any(|rt| rt.name() == t);
        let (code, message) = if takes("bucket") && all_are("s3:GetObject") {
            (
                "S3_BUCKET_ACTION_ON_OBJECT_ARN",
                format!(
                    "`{}` applies to buckets (`arn:aws:s3:::BUCKET`), but every S3 resource of this statement names objects (`BUCKET/…`), so it grants nothing; list the bucket ARN and narrow with `s3:prefix`",
                    action.text
                ),
            )
        } else if takes("object") && all_are("s3:ListBucket") {
            (
                "S3_OBJECT_ACTION_ON_BUCKET_ARN",
                format!(
                    "`{}` applies to objects (`arn:aws:s3:::BUCKET/KEY`), but every S3 resource of this statement is a bucket ARN, so it grants nothing; add `/*` or a key prefix",
                    action.text
                ),
            )
        } else {
            continue;
        };
        let mut at = vec![cx.item(action)];
        at.extend(first.clone());
        cx.report(code, message, &at);
    }
}

fn grants_query(s: &Statement) -> bool {
    s.effect == Effect::Allow
        && super::actions(s).iter().any(|a| {
            Pattern::wildcard(&a.text).is_match("dynamodb:Query", &[], Case::AsciiInsensitive)
        })
}

/// `arn:…:dynamodb:…:table/NAME` with no index part.
fn is_table_arn(text: &str) -> bool {
    let mut parts = text.splitn(6, ':');
    let service = parts.nth(2);
    let resource = parts.nth(2).unwrap_or_default();
    text.starts_with("arn:")
        && service == Some("dynamodb")
        && resource
            .strip_prefix("table/")
            .is_some_and(|name| !name.is_empty() && !name.contains(['/', '*', '?']))
}

fn query_without_index(cx: &mut Cx<'_>, document: &Document) {
    let granted: Vec<&Item> = document
        .statements
        .iter()
        .filter(|s| grants_query(s))
        .flat_map(super::resources)
        .collect();
    for table in granted.iter().filter(|r| is_table_arn(&r.text)) {
        let sample = format!("{}/index/lint-sample-index", table.text);
        let covered = granted
            .iter()
            .any(|r| Pattern::wildcard(&r.text).is_match(&sample, &[], Case::Sensitive));
        if !covered {
            cx.report(
                "DYNAMODB_QUERY_WITHOUT_INDEX",
                format!(
                    "`dynamodb:Query` is granted on `{}` but not on its indexes: a query of a secondary index is authorized against `{}/index/INDEX` and is denied; add `{}/index/*`",
                    table.text, table.text, table.text
                ),
                &[cx.item(table)],
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{codes, policy};
    use crate::policy::PolicyType;

    #[test]
    fn list_bucket_on_object_arns() {
        let bad = policy(
            r#"{"Effect":"Allow","Action":["s3:ListBucket","s3:GetObject"],"Resource":"arn:aws:s3:::b/home/*"}"#,
        );
        assert_eq!(
            codes(&bad, PolicyType::Identity),
            ["S3_BUCKET_ACTION_ON_OBJECT_ARN"]
        );
        let good = policy(
            r#"{"Effect":"Allow","Action":["s3:ListBucket","s3:GetObject"],"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/home/*"]}"#,
        );
        assert!(codes(&good, PolicyType::Identity).is_empty());
    }

    #[test]
    fn a_slash_inside_a_variable_is_not_an_object_key() {
        let bucket = policy(
            r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::${aws:PrincipalTag/bucket}"}"#,
        );
        assert!(codes(&bucket, PolicyType::Identity).is_empty());
        // The variable does not hide a real object path after it.
        let object = policy(
            r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b/${aws:PrincipalTag/team}/*"}"#,
        );
        assert_eq!(
            codes(&object, PolicyType::Identity),
            ["S3_BUCKET_ACTION_ON_OBJECT_ARN"]
        );
    }

    #[test]
    fn object_actions_on_bucket_arns() {
        let bad = policy(
            r#"{"Effect":"Allow","Action":["s3:GetObject","s3:GetObjectTagging"],"Resource":"arn:aws:s3:::b"}"#,
        );
        assert_eq!(
            codes(&bad, PolicyType::Identity),
            [
                "S3_OBJECT_ACTION_ON_BUCKET_ARN",
                "S3_OBJECT_ACTION_ON_BUCKET_ARN"
            ]
        );
        // A wildcard that can reach objects counts.
        let good =
            policy(r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b*"}"#);
        assert!(codes(&good, PolicyType::Identity).is_empty());
    }

    #[test]
    fn dynamodb_query_without_the_index_form() {
        let bad = policy(
            r#"{"Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:Query"],"Resource":"arn:aws:dynamodb:us-east-1:123456789012:table/notes"}"#,
        );
        assert_eq!(
            codes(&bad, PolicyType::Identity),
            ["DYNAMODB_QUERY_WITHOUT_INDEX"]
        );
        let good = policy(
            r#"{"Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:Query"],"Resource":"arn:aws:dynamodb:us-east-1:123456789012:table/notes"},{"Effect":"Allow","Action":"dynamodb:Query","Resource":"arn:aws:dynamodb:us-east-1:123456789012:table/notes/index/*"}"#,
        );
        assert!(codes(&good, PolicyType::Identity).is_empty());
        // No Query, no finding.
        let get = policy(
            r#"{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"arn:aws:dynamodb:us-east-1:123456789012:table/notes"}"#,
        );
        assert!(codes(&get, PolicyType::Identity).is_empty());
    }
}
