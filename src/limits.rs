//! Bounds on the work any input can cause, and AWS's per-policy-type size
//! quotas (L1).
//!
//! Two kinds of limit live here, and they are treated differently.
//!
//! * **Our own bounds** keep hostile input cheap to reject: bytes of policy
//!   text, JSON nesting, statements, values per list, bytes per value and
//!   wildcards per pattern. They are set far above anything AWS stores
//!   (1 MiB of text against AWS's largest quota of 20,480 characters), and
//!   exceeding one is a [`crate::PolicyErrorKind::Limit`] error that names
//!   the setting to raise, never unbounded time or memory.
//! * **AWS's size quotas** decide whether AWS *stores* a policy, not how it
//!   is evaluated, and they depend on where the policy is attached: inline
//!   policies share a quota per user (2,048), group (5,120) or role
//!   (10,240), a managed policy has 6,144, trust policies and SCPs their own
//!   (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html>).
//!   A policy over its quota still compiles and evaluates here; `validate`
//!   and `lint` report it, as IAM Access Analyzer does
//!   (`POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA` and its siblings,
//!   <https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html>).
//!
//! Size is counted as IAM counts it: "IAM does not count white space when
//! calculating the size of a policy against these quotas". The page does not
//! limit that to white space between tokens, and Access Analyzer's finding
//! says the same ("The characters in the identity policy, excluding
//! whitespace"), so every space, tab, newline and carriage return is left
//! out, inside strings too; everything else counts as one character, however
//! many bytes it takes.

use std::fmt;
use std::str::FromStr;

use crate::policy::PolicyType;

/// Where an identity-based policy is attached, which decides its size quota
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html>).
///
/// ```
/// use iam_eval::IdentityAttachment;
/// assert_eq!(IdentityAttachment::InlineRole.quota(), 10_240);
/// assert_eq!("inline-role".parse::<IdentityAttachment>(), Ok(IdentityAttachment::InlineRole));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IdentityAttachment {
    /// A customer or AWS managed policy: 6,144 characters.
    Managed,
    /// Inline in a user: 2,048 characters for all of the user's inline policies together.
    InlineUser,
    /// Inline in a group: 5,120 characters for all of the group's inline policies together.
    InlineGroup,
    /// Inline in a role: 10,240 characters for all of the role's inline policies together.
    InlineRole,
}

impl IdentityAttachment {
    /// Every attachment.
    pub const ALL: [IdentityAttachment; 4] = [
        IdentityAttachment::Managed,
        IdentityAttachment::InlineUser,
        IdentityAttachment::InlineGroup,
        IdentityAttachment::InlineRole,
    ];

    /// AWS's quota in characters other than white space.
    pub const fn quota(self) -> usize {
        match self {
            IdentityAttachment::Managed => 6_144,
            IdentityAttachment::InlineUser => 2_048,
            IdentityAttachment::InlineGroup => 5_120,
            IdentityAttachment::InlineRole => 10_240,
        }
    }

    /// The name used on the command line: `managed`, `inline-user`,
    /// `inline-group` or `inline-role`.
    pub fn as_str(self) -> &'static str {
        match self {
            IdentityAttachment::Managed => "managed",
            IdentityAttachment::InlineUser => "inline-user",
            IdentityAttachment::InlineGroup => "inline-group",
            IdentityAttachment::InlineRole => "inline-role",
        }
    }

    /// What the quota applies to, for messages.
    fn describe(self) -> &'static str {
        match self {
            IdentityAttachment::Managed => "a managed policy",
            IdentityAttachment::InlineUser => "a user's inline policies (together)",
            IdentityAttachment::InlineGroup => "a group's inline policies (together)",
            IdentityAttachment::InlineRole => "a role's inline policies (together)",
        }
    }
}

impl fmt::Display for IdentityAttachment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An attachment name that is not one of [`IdentityAttachment::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown attachment `{0}`, expected managed, inline-user, inline-group or inline-role")]
pub struct UnknownAttachment(pub String);

impl FromStr for IdentityAttachment {
    type Err = UnknownAttachment;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        IdentityAttachment::ALL
            .into_iter()
            .find(|a| a.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownAttachment(s.to_owned()))
    }
}

/// Configurable limits, checked while parsing and compiling, and the size
/// quotas `validate` reports against.
///
/// ```
/// use iam_eval::{IdentityAttachment, Limits, PolicyType};
/// let mut limits = Limits::default();
/// limits.max_statements = 100;
/// // Unknown attachment: the managed-policy quota is reported.
/// assert_eq!(limits.policy_chars(PolicyType::Identity), Some(6_144));
/// limits.identity_attachment = Some(IdentityAttachment::InlineRole);
/// assert_eq!(limits.policy_chars(PolicyType::Identity), Some(10_240));
/// // A role whose trust-policy quota was raised.
/// limits.trust_policy_chars = Some(4_096);
/// assert_eq!(limits.policy_chars(PolicyType::Trust), Some(4_096));
/// assert_eq!(limits.policy_chars(PolicyType::Scp), Some(Limits::aws_quota(PolicyType::Scp)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Bytes of policy text (default 1 MiB), checked before anything else;
    /// `--max-policy-bytes` on the command line.
    pub max_policy_bytes: usize,
    /// JSON nesting depth (default 32; a policy needs at most 6).
    pub max_json_depth: usize,
    /// Statements in one policy (default 10,000).
    pub max_statements: usize,
    /// Values in one Action, Resource, Principal or condition list (default 10,000).
    pub max_values: usize,
    /// Bytes in one action, resource, principal or condition value (default 4,096).
    pub max_pattern_bytes: usize,
    /// Wildcards (`*`, `?`) in one pattern (default 256).
    pub max_wildcards: usize,
    /// Report a policy over AWS's size quota for its type as a warning
    /// (default true). With `false`, only the overrides below that are set
    /// are reported. Quotas never stop a policy from compiling.
    pub report_aws_quotas: bool,
    /// Where identity policies are attached (default `None`: unknown, and
    /// the managed-policy quota, 6,144, is reported, naming the inline role
    /// quota, 10,240, beside it).
    pub identity_attachment: Option<IdentityAttachment>,
    /// Characters other than white space in an identity policy (default
    /// `None`: the quota of [`Limits::identity_attachment`]).
    pub identity_policy_chars: Option<usize>,
    /// Characters other than white space in a resource-based policy (default
    /// `None`: 20,480, S3's 20 KB bucket-policy quota). Other services differ
    /// (an SQS queue policy is limited to 8,192 bytes, a KMS key policy to
    /// 32 KB); set this for them.
    pub resource_policy_chars: Option<usize>,
    /// Characters other than white space in a role trust policy (default
    /// `None`: 2,048; AWS raises it on request).
    pub trust_policy_chars: Option<usize>,
    /// Characters other than white space in a permissions boundary (default
    /// `None`: 6,144, a managed policy).
    pub boundary_policy_chars: Option<usize>,
    /// Characters other than white space in a service control policy
    /// (default `None`: 5,120).
    pub scp_chars: Option<usize>,
    /// Characters other than white space in a resource control policy
    /// (default `None`: 5,120).
    pub rcp_chars: Option<usize>,
    /// Characters other than white space in a session policy (default
    /// `None`: 2,048, the plaintext quota of STS `AssumeRole*`; the packed
    /// binary quota is not modelled).
    pub session_policy_chars: Option<usize>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_policy_bytes: 1 << 20,
            max_json_depth: 32,
            max_statements: 10_000,
            max_values: 10_000,
            max_pattern_bytes: 4_096,
            max_wildcards: 256,
            report_aws_quotas: true,
            identity_attachment: None,
            identity_policy_chars: None,
            resource_policy_chars: None,
            trust_policy_chars: None,
            boundary_policy_chars: None,
            scp_chars: None,
            rcp_chars: None,
            session_policy_chars: None,
        }
    }
}

/// A policy over its size quota: what `validate` reports (L1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct QuotaExceeded {
    /// Byte offset of the first character past the quota.
    pub offset: usize,
    pub message: String,
}

impl Limits {
    /// AWS's documented size quota for one policy of `policy_type`, in
    /// characters other than white space (L1). For identity policies, the
    /// quota of a managed policy; see [`IdentityAttachment`] for inline ones.
    ///
    /// | type | quota | source |
    /// |---|---|---|
    /// | identity (managed) | 6,144 | IAM quotas |
    /// | resource (S3 bucket policy) | 20,480 | S3: "20 KB" |
    /// | trust | 2,048 (raised on request) | IAM quotas |
    /// | boundary (managed) | 6,144 | IAM quotas |
    /// | SCP | 5,120 | Organizations quotas |
    /// | RCP | 5,120 | Organizations quotas |
    /// | session | 2,048 | STS `AssumeRole` `Policy` |
    ///
    /// ```
    /// use iam_eval::{Limits, PolicyType};
    /// assert_eq!(Limits::aws_quota(PolicyType::Trust), 2_048);
    /// ```
    pub const fn aws_quota(policy_type: PolicyType) -> usize {
        match policy_type {
            PolicyType::Identity | PolicyType::Boundary => 6_144,
            PolicyType::Resource => 20_480,
            PolicyType::Trust | PolicyType::Session => 2_048,
            PolicyType::Scp | PolicyType::Rcp => 5_120,
        }
    }

    /// The quota reported for `policy_type`: its override if set, else
    /// AWS's quota (for identity policies, that of
    /// [`Limits::identity_attachment`]) when `report_aws_quotas`, else none.
    pub fn policy_chars(&self, policy_type: PolicyType) -> Option<usize> {
        self.quota_override(policy_type).or_else(|| {
            self.report_aws_quotas.then(|| match policy_type {
                PolicyType::Identity => self
                    .identity_attachment
                    .map_or(Self::aws_quota(policy_type), IdentityAttachment::quota),
                _ => Self::aws_quota(policy_type),
            })
        })
    }

    /// The quota configured for `policy_type` in place of AWS's, if any.
    fn quota_override(&self, policy_type: PolicyType) -> Option<usize> {
        match policy_type {
            PolicyType::Identity => self.identity_policy_chars,
            PolicyType::Resource => self.resource_policy_chars,
            PolicyType::Trust => self.trust_policy_chars,
            PolicyType::Boundary => self.boundary_policy_chars,
            PolicyType::Scp => self.scp_chars,
            PolicyType::Rcp => self.rcp_chars,
            PolicyType::Session => self.session_policy_chars,
        }
    }

    /// The size of `text` as AWS counts it against the quotas: characters
    /// (not bytes) other than the JSON white space characters space, tab,
    /// newline and carriage return, wherever they stand.
    ///
    /// ```
    /// assert_eq!(iam_eval::Limits::policy_size("{ \"a\" :\n\t\"é\" }"), 9);
    /// ```
    pub fn policy_size(text: &str) -> usize {
        text.chars().filter(|c| !is_blank(*c)).count()
    }

    /// The byte offset of the first character that takes `text` past
    /// `limit` counted characters, or `None` when it fits.
    pub(crate) fn first_over_quota(text: &str, limit: usize) -> Option<usize> {
        // Every character is at least one byte, so a short text is within
        // the quota without counting.
        if text.len() <= limit {
            return None;
        }
        text.char_indices()
            .filter(|(_, c)| !is_blank(*c))
            .nth(limit)
            .map(|(offset, _)| offset)
    }

    /// The quota finding for `text` as a policy of `policy_type`, if it is
    /// over the quota in force (L1).
    pub(crate) fn quota_exceeded(
        &self,
        text: &str,
        policy_type: PolicyType,
    ) -> Option<QuotaExceeded> {
        let quota = self.policy_chars(policy_type)?;
        let offset = Self::first_over_quota(text, quota)?;
        let size = Self::policy_size(text);
        let overridden = self.quota_override(policy_type).is_some();
        let subject = if overridden {
            format!("the configured quota for a {policy_type} policy")
        } else {
            match policy_type {
                PolicyType::Identity => match self.identity_attachment {
                    Some(a) => format!("the quota of {}", a.describe()),
                    None => "the quota of a managed policy (attached inline, a role's policies may \
                             have 10,240 together, a group's 5,120, a user's 2,048)"
                        .to_owned(),
                },
                PolicyType::Boundary => "the quota of a managed policy used as a permissions boundary".to_owned(),
                PolicyType::Resource => "the quota of an S3 bucket policy (other services' resource policies have their own)".to_owned(),
                PolicyType::Trust => "the default quota of a role trust policy (AWS raises it on request)".to_owned(),
                PolicyType::Scp => "the quota of a service control policy".to_owned(),
                PolicyType::Rcp => "the quota of a resource control policy".to_owned(),
                PolicyType::Session => "the quota of a session policy passed to STS".to_owned(),
            }
        };
        Some(QuotaExceeded {
            offset,
            message: format!(
                "{size} characters (white space not counted) exceed the {quota}-character limit, {subject}; \
                 AWS does not store a larger policy there, but it is evaluated here as written"
            ),
        })
    }
}

fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn l1_quotas_and_overrides() {
        let mut limits = Limits::default();
        for t in PolicyType::ALL {
            assert_eq!(limits.policy_chars(t), Some(Limits::aws_quota(t)));
        }
        limits.report_aws_quotas = false;
        limits.scp_chars = Some(10);
        assert_eq!(limits.policy_chars(PolicyType::Identity), None);
        assert_eq!(limits.policy_chars(PolicyType::Scp), Some(10));
    }

    #[test]
    fn l1_white_space_is_not_counted() {
        assert_eq!(Limits::policy_size(" \t\r\n"), 0);
        assert_eq!(Limits::policy_size("a b"), 2);
        assert_eq!(Limits::first_over_quota("a b c", 3), None);
        assert_eq!(Limits::first_over_quota("a b c d", 3), Some(6));
        assert_eq!(Limits::first_over_quota("", 0), None);
        assert_eq!(Limits::first_over_quota(" x", 0), Some(1));
    }
}
