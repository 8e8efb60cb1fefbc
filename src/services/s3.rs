//! Amazon S3 operations as IAM sees them.
//!
//! Source: <https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html>
//! and <https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html>.
//!
//! Who decodes what: S3 request paths are URL-encoded on the wire; the
//! caller decodes them and passes the object key as S3 stores it. The key
//! goes into the ARN as is (`arn:aws:s3:::bucket/key`): colons, spaces and
//! `*` in keys are ordinary characters, because ARN matching splits only at
//! the first five colons (R1) and a request resource is never a pattern.
//!
//! ```
//! use iam_eval::services::s3::S3Operation;
//! let checks = S3Operation::CopyObject {
//!     source_bucket: "in", source_key: "a:b.txt", source_version_id: Some("v1"),
//!     bucket: "out", key: "copy.txt",
//! }.authorizations();
//! assert_eq!(checks[0].action, "s3:GetObjectVersion");
//! assert_eq!(checks[0].resource, "arn:aws:s3:::in/a:b.txt");
//! assert_eq!(checks[1].action, "s3:PutObject");
//! ```

use super::Authorization;

/// An S3 operation, with the parts of the request that IAM looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum S3Operation<'a> {
    /// GetObject; with a version id, `s3:GetObjectVersion`.
    GetObject {
        /// The bucket.
        bucket: &'a str,
        /// The object key, decoded.
        key: &'a str,
        /// The `versionId` query parameter, if any.
        version_id: Option<&'a str>,
    },
    /// HeadObject: authorized as GetObject.
    HeadObject {
        /// The bucket.
        bucket: &'a str,
        /// The object key, decoded.
        key: &'a str,
        /// The `versionId` query parameter, if any.
        version_id: Option<&'a str>,
    },
    /// PutObject.
    PutObject {
        /// The bucket.
        bucket: &'a str,
        /// The object key, decoded.
        key: &'a str,
    },
    /// DeleteObject; with a version id, `s3:DeleteObjectVersion`.
    DeleteObject {
        /// The bucket.
        bucket: &'a str,
        /// The object key, decoded.
        key: &'a str,
        /// The `versionId` query parameter, if any.
        version_id: Option<&'a str>,
    },
    /// ListObjects (version 1): `s3:ListBucket` on the bucket.
    ListObjects {
        /// The bucket.
        bucket: &'a str,
        /// The `prefix` parameter, if any.
        prefix: Option<&'a str>,
        /// The `delimiter` parameter, if any.
        delimiter: Option<&'a str>,
        /// The `max-keys` parameter, if any.
        max_keys: Option<u32>,
    },
    /// ListObjectsV2: also `s3:ListBucket` on the bucket.
    ListObjectsV2 {
        /// The bucket.
        bucket: &'a str,
        /// The `prefix` parameter, if any.
        prefix: Option<&'a str>,
        /// The `delimiter` parameter, if any.
        delimiter: Option<&'a str>,
        /// The `max-keys` parameter, if any.
        max_keys: Option<u32>,
    },
    /// ListObjectVersions: `s3:ListBucketVersions`.
    ListObjectVersions {
        /// The bucket.
        bucket: &'a str,
        /// The `prefix` parameter, if any.
        prefix: Option<&'a str>,
        /// The `delimiter` parameter, if any.
        delimiter: Option<&'a str>,
        /// The `max-keys` parameter, if any.
        max_keys: Option<u32>,
    },
    /// HeadBucket: authorized as `s3:ListBucket`.
    HeadBucket {
        /// The bucket.
        bucket: &'a str,
    },
    /// CreateMultipartUpload, UploadPart and CompleteMultipartUpload: all `s3:PutObject`.
    MultipartUpload {
        /// The bucket.
        bucket: &'a str,
        /// The object key, decoded.
        key: &'a str,
    },
    /// AbortMultipartUpload.
    AbortMultipartUpload {
        /// The bucket.
        bucket: &'a str,
        /// The object key, decoded.
        key: &'a str,
    },
    /// ListParts: `s3:ListMultipartUploadParts`.
    ListParts {
        /// The bucket.
        bucket: &'a str,
        /// The object key, decoded.
        key: &'a str,
    },
    /// ListMultipartUploads: `s3:ListBucketMultipartUploads`.
    ListMultipartUploads {
        /// The bucket.
        bucket: &'a str,
    },
    /// GetObjectTagging; with a version id, `s3:GetObjectVersionTagging`.
    GetObjectTagging {
        /// The bucket.
        bucket: &'a str,
        /// The object key, decoded.
        key: &'a str,
        /// The `versionId` query parameter, if any.
        version_id: Option<&'a str>,
    },
    /// PutObjectTagging; with a version id, `s3:PutObjectVersionTagging`.
    PutObjectTagging {
        /// The bucket.
        bucket: &'a str,
        /// The object key, decoded.
        key: &'a str,
        /// The `versionId` query parameter, if any.
        version_id: Option<&'a str>,
    },
    /// DeleteObjectTagging; with a version id, `s3:DeleteObjectVersionTagging`.
    DeleteObjectTagging {
        /// The bucket.
        bucket: &'a str,
        /// The object key, decoded.
        key: &'a str,
        /// The `versionId` query parameter, if any.
        version_id: Option<&'a str>,
    },
    /// CopyObject: read the source, write the destination.
    CopyObject {
        /// The source bucket.
        source_bucket: &'a str,
        /// The source key, decoded.
        source_key: &'a str,
        /// The source version, if any.
        source_version_id: Option<&'a str>,
        /// The destination bucket.
        bucket: &'a str,
        /// The destination key, decoded.
        key: &'a str,
    },
}

/// `arn:aws:s3:::bucket`.
pub fn bucket_arn(bucket: &str) -> String {
    format!("arn:aws:s3:::{bucket}")
}

/// `arn:aws:s3:::bucket/key`, the key as S3 stores it (decoded).
pub fn object_arn(bucket: &str, key: &str) -> String {
    format!("arn:aws:s3:::{bucket}/{key}")
}

fn versioned(
    plain: &str,
    versioned: &str,
    bucket: &str,
    key: &str,
    version: Option<&str>,
) -> Authorization {
    match version {
        None => Authorization::new(plain, object_arn(bucket, key)),
        Some(v) => Authorization::new(versioned, object_arn(bucket, key)).with("s3:VersionId", v),
    }
}

/// `s3:prefix`, `s3:delimiter` and `s3:max-keys` for listings. A listing
/// without a prefix sends `s3:prefix` as the empty string, which is why the
/// IAM examples allow `""` to list the bucket's root.
fn listing(
    action: &str,
    bucket: &str,
    prefix: Option<&str>,
    delimiter: Option<&str>,
    max_keys: Option<u32>,
) -> Authorization {
    let mut check =
        Authorization::new(action, bucket_arn(bucket)).with("s3:prefix", prefix.unwrap_or(""));
    if let Some(d) = delimiter {
        check = check.with("s3:delimiter", d);
    }
    if let Some(m) = max_keys {
        check = check.with("s3:max-keys", m.to_string());
    }
    check
}

impl S3Operation<'_> {
    /// The authorizations AWS performs for this operation, in order.
    pub fn authorizations(&self) -> Vec<Authorization> {
        use S3Operation as Op;
        match *self {
            Op::GetObject {
                bucket,
                key,
                version_id,
            }
            | Op::HeadObject {
                bucket,
                key,
                version_id,
            } => {
                vec![versioned(
                    "s3:GetObject",
                    "s3:GetObjectVersion",
                    bucket,
                    key,
                    version_id,
                )]
            }
            Op::PutObject { bucket, key } | Op::MultipartUpload { bucket, key } => {
                vec![Authorization::new("s3:PutObject", object_arn(bucket, key))]
            }
            Op::DeleteObject {
                bucket,
                key,
                version_id,
            } => {
                vec![versioned(
                    "s3:DeleteObject",
                    "s3:DeleteObjectVersion",
                    bucket,
                    key,
                    version_id,
                )]
            }
            Op::ListObjects {
                bucket,
                prefix,
                delimiter,
                max_keys,
            }
            | Op::ListObjectsV2 {
                bucket,
                prefix,
                delimiter,
                max_keys,
            } => {
                vec![listing(
                    "s3:ListBucket",
                    bucket,
                    prefix,
                    delimiter,
                    max_keys,
                )]
            }
            Op::ListObjectVersions {
                bucket,
                prefix,
                delimiter,
                max_keys,
            } => {
                vec![listing(
                    "s3:ListBucketVersions",
                    bucket,
                    prefix,
                    delimiter,
                    max_keys,
                )]
            }
            Op::HeadBucket { bucket } => {
                vec![Authorization::new("s3:ListBucket", bucket_arn(bucket))]
            }
            Op::AbortMultipartUpload { bucket, key } => {
                vec![Authorization::new(
                    "s3:AbortMultipartUpload",
                    object_arn(bucket, key),
                )]
            }
            Op::ListParts { bucket, key } => vec![Authorization::new(
                "s3:ListMultipartUploadParts",
                object_arn(bucket, key),
            )],
            Op::ListMultipartUploads { bucket } => {
                vec![Authorization::new(
                    "s3:ListBucketMultipartUploads",
                    bucket_arn(bucket),
                )]
            }
            Op::GetObjectTagging {
                bucket,
                key,
                version_id,
            } => {
                vec![versioned(
                    "s3:GetObjectTagging",
                    "s3:GetObjectVersionTagging",
                    bucket,
                    key,
                    version_id,
                )]
            }
            Op::PutObjectTagging {
                bucket,
                key,
                version_id,
            } => {
                vec![versioned(
                    "s3:PutObjectTagging",
                    "s3:PutObjectVersionTagging",
                    bucket,
                    key,
                    version_id,
                )]
            }
            Op::DeleteObjectTagging {
                bucket,
                key,
                version_id,
            } => {
                vec![versioned(
                    "s3:DeleteObjectTagging",
                    "s3:DeleteObjectVersionTagging",
                    bucket,
                    key,
                    version_id,
                )]
            }
            Op::CopyObject {
                source_bucket,
                source_key,
                source_version_id,
                bucket,
                key,
            } => vec![
                versioned(
                    "s3:GetObject",
                    "s3:GetObjectVersion",
                    source_bucket,
                    source_key,
                    source_version_id,
                ),
                Authorization::new("s3:PutObject", object_arn(bucket, key)).with(
                    "s3:x-amz-copy-source",
                    format!("{source_bucket}/{source_key}"),
                ),
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::ContextValue;

    #[test]
    fn versioned_reads_use_the_version_actions() {
        let get = S3Operation::GetObject {
            bucket: "b",
            key: "k",
            version_id: Some("3"),
        }
        .authorizations();
        assert_eq!(get[0].action, "s3:GetObjectVersion");
        assert_eq!(
            get[0].context,
            vec![("s3:VersionId".to_owned(), ContextValue::from("3"))]
        );
        let head = S3Operation::HeadObject {
            bucket: "b",
            key: "k",
            version_id: None,
        }
        .authorizations();
        assert_eq!(
            (head[0].action.as_str(), head[0].resource.as_str()),
            ("s3:GetObject", "arn:aws:s3:::b/k")
        );
    }

    #[test]
    fn listings_are_on_the_bucket_with_prefix_keys() {
        let list = S3Operation::ListObjectsV2 {
            bucket: "b",
            prefix: Some("private/u/"),
            delimiter: Some("/"),
            max_keys: Some(10),
        }
        .authorizations();
        assert_eq!(list[0].action, "s3:ListBucket");
        assert_eq!(list[0].resource, "arn:aws:s3:::b");
        let keys: Vec<&str> = list[0].context.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["s3:prefix", "s3:delimiter", "s3:max-keys"]);
        let root = S3Operation::ListObjects {
            bucket: "b",
            prefix: None,
            delimiter: None,
            max_keys: None,
        }
        .authorizations();
        assert_eq!(
            root[0].context,
            vec![("s3:prefix".to_owned(), ContextValue::from(""))]
        );
        assert_eq!(
            S3Operation::HeadBucket { bucket: "b" }.authorizations()[0].action,
            "s3:ListBucket"
        );
    }

    #[test]
    fn multipart_and_tagging() {
        assert_eq!(
            S3Operation::MultipartUpload {
                bucket: "b",
                key: "k"
            }
            .authorizations()[0]
                .action,
            "s3:PutObject"
        );
        assert_eq!(
            S3Operation::ListParts {
                bucket: "b",
                key: "k"
            }
            .authorizations()[0]
                .action,
            "s3:ListMultipartUploadParts"
        );
        assert_eq!(
            S3Operation::DeleteObjectTagging {
                bucket: "b",
                key: "k",
                version_id: Some("1")
            }
            .authorizations()[0]
                .action,
            "s3:DeleteObjectVersionTagging"
        );
    }
}
