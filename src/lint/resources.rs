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
//! Only actions written without wildcards are checked against the S3
//! tables, and a resource pattern that could match both types (`*`,
//! `arn:aws:s3:::b*`) counts as both, so the checks never guess.

use super::Cx;
use crate::pattern::{Case, Pattern};
use crate::policy::{Document, Effect, Item, Statement};

/// S3 actions on buckets (Service Authorization Reference, resource type `bucket`).
const BUCKET_ACTIONS: &[&str] = &[
    "listbucket",
    "listbucketversions",
    "listbucketmultipartuploads",
    "getbucketlocation",
    "getbucketpolicy",
    "putbucketpolicy",
    "deletebucketpolicy",
    "getbucketacl",
    "putbucketacl",
    "getbuckettagging",
    "putbuckettagging",
    "getbucketversioning",
    "putbucketversioning",
    "getbucketcors",
    "putbucketcors",
    "getbucketnotification",
    "putbucketnotification",
    "getbucketpublicaccessblock",
    "putbucketpublicaccessblock",
    "getlifecycleconfiguration",
    "putlifecycleconfiguration",
    "getencryptionconfiguration",
    "putencryptionconfiguration",
    "deletebucket",
];

/// S3 actions on objects (resource type `object`).
const OBJECT_ACTIONS: &[&str] = &[
    "getobject",
    "putobject",
    "deleteobject",
    "getobjectacl",
    "putobjectacl",
    "getobjecttagging",
    "putobjecttagging",
    "deleteobjecttagging",
    "getobjectversion",
    "deleteobjectversion",
    "getobjectversionacl",
    "putobjectversionacl",
    "getobjectversiontagging",
    "putobjectversiontagging",
    "deleteobjectversiontagging",
    "getobjectattributes",
    "getobjectretention",
    "putobjectretention",
    "getobjectlegalhold",
    "putobjectlegalhold",
    "restoreobject",
    "abortmultipartupload",
    "listmultipartuploadparts",
];

/// What an entry of `Resource` can match, as far as S3 is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct S3Reach {
    s3: bool,
    bucket: bool,
    object: bool,
}

fn s3_reach(text: &str) -> S3Reach {
    let any = S3Reach {
        s3: true,
        bucket: true,
        object: true,
    };
    if text == "*" || !text.starts_with("arn:") {
        return any;
    }
    let mut parts = text.splitn(6, ':');
    let service = parts.nth(2).unwrap_or_default();
    let resource = parts.nth(2).unwrap_or_default();
    if service.contains(['*', '?']) {
        return any;
    }
    if service != "s3" {
        return S3Reach {
            s3: false,
            bucket: false,
            object: false,
        };
    }
    S3Reach {
        s3: true,
        // A bucket ARN has no `/`; wildcards can match the empty string.
        bucket: !resource.contains('/'),
        // An object ARN has one; `*`, `?` or a variable may supply it.
        object: resource.contains(['/', '*', '?']) || resource.contains("${"),
    }
}

pub(super) fn check(cx: &mut Cx<'_>, document: &Document) {
    for s in &document.statements {
        s3_mismatch(cx, s);
    }
    query_without_index(cx, document);
}

fn s3_mismatch(cx: &mut Cx<'_>, s: &Statement) {
    let resources = super::resources(s);
    let reach: Vec<S3Reach> = resources.iter().map(|r| s3_reach(&r.text)).collect();
    if !reach.iter().any(|r| r.s3) {
        return;
    }
    let bucket = reach.iter().any(|r| r.bucket);
    let object = reach.iter().any(|r| r.object);
    let first = resources.first().map(|r| cx.item(r));
    for action in super::actions(s) {
        let Some(name) = s3_action_name(&action.text) else {
            continue;
        };
        let (code, message) = if !bucket && BUCKET_ACTIONS.contains(&name.as_str()) {
            (
                "S3_BUCKET_ACTION_ON_OBJECT_ARN",
                format!(
                    "`{}` applies to buckets (`arn:aws:s3:::BUCKET`), but every S3 resource of this statement names objects (`BUCKET/…`), so it grants nothing; list the bucket ARN and narrow with `s3:prefix`",
                    action.text
                ),
            )
        } else if !object && OBJECT_ACTIONS.contains(&name.as_str()) {
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

/// `s3:GetObject` → `getobject`, for actions written without wildcards.
fn s3_action_name(action: &str) -> Option<String> {
    let (service, name) = action.split_once(':')?;
    (service.eq_ignore_ascii_case("s3") && !name.contains(['*', '?']))
        .then(|| name.to_ascii_lowercase())
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
