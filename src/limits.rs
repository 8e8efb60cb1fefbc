//! Bounds on the work any input can cause, and AWS's per-policy-type size
//! quotas (L1).
//!
//! Two kinds of limit live here. AWS's quotas count the characters of a
//! policy that are not white space ("IAM does not count white space when
//! calculating the size of a policy against these limits"); they are on by
//! default so a policy that AWS would refuse to store is refused here too.
//! The other limits are our own and exist so hostile input stays cheap to
//! reject: bytes, JSON nesting, statements, values per list, bytes per value
//! and wildcards per pattern. Exceeding any of them is a
//! [`crate::PolicyErrorKind::Limit`] error, never unbounded time or memory.

use crate::policy::PolicyType;

/// Configurable limits, checked while parsing and compiling.
///
/// ```
/// use iam_eval::{Limits, PolicyType};
/// let mut limits = Limits::default();
/// limits.max_statements = 100;
/// // A role whose trust-policy quota was raised to its maximum.
/// limits.trust_policy_chars = Some(4_096);
/// assert_eq!(limits.policy_chars(PolicyType::Trust), Some(4_096));
/// assert_eq!(limits.policy_chars(PolicyType::Scp), Some(Limits::aws_quota(PolicyType::Scp)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Bytes of policy text (default 1 MiB), checked before anything else.
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
    /// Enforce [`Limits::aws_quota`] for every policy type that has no
    /// override below (default true). With `false`, only the overrides that
    /// are set apply.
    pub enforce_aws_quotas: bool,
    /// Non-whitespace characters in an identity policy (default `None`: the
    /// AWS quota, 6,144, that of a managed policy). Inline policies share an
    /// aggregate quota per entity instead (user 2,048, group 5,120, role
    /// 10,240); set this to match when checking an inline policy.
    pub identity_policy_chars: Option<usize>,
    /// Non-whitespace characters in a resource-based policy (default `None`:
    /// 20,480, S3's 20 KB bucket-policy quota). Other services differ (an
    /// SQS queue policy is limited to 8,192 bytes, a KMS key policy to
    /// 32 KB); set this for them.
    pub resource_policy_chars: Option<usize>,
    /// Non-whitespace characters in a role trust policy (default `None`:
    /// 2,048; AWS can raise it to 4,096 on request).
    pub trust_policy_chars: Option<usize>,
    /// Non-whitespace characters in a permissions boundary (default `None`:
    /// 6,144, a managed policy).
    pub boundary_policy_chars: Option<usize>,
    /// Non-whitespace characters in a service control policy (default
    /// `None`: 5,120).
    pub scp_chars: Option<usize>,
    /// Non-whitespace characters in a resource control policy (default
    /// `None`: 5,120).
    pub rcp_chars: Option<usize>,
    /// Non-whitespace characters in a session policy (default `None`:
    /// 2,048, the plaintext quota of STS `AssumeRole*`; the packed binary
    /// quota is not modelled).
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
            enforce_aws_quotas: true,
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

impl Limits {
    /// AWS's documented size quota for one policy of `policy_type`, in
    /// characters other than white space (L1).
    ///
    /// | type | quota | source |
    /// |---|---|---|
    /// | identity (managed) | 6,144 | IAM quotas |
    /// | resource (S3 bucket policy) | 20,480 | S3: "20 KB" |
    /// | trust | 2,048 (up to 4,096 on request) | IAM quotas |
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

    /// The character limit in force for `policy_type`: its override if set,
    /// else [`Limits::aws_quota`] when `enforce_aws_quotas`, else none.
    pub fn policy_chars(&self, policy_type: PolicyType) -> Option<usize> {
        let override_ = match policy_type {
            PolicyType::Identity => self.identity_policy_chars,
            PolicyType::Resource => self.resource_policy_chars,
            PolicyType::Trust => self.trust_policy_chars,
            PolicyType::Boundary => self.boundary_policy_chars,
            PolicyType::Scp => self.scp_chars,
            PolicyType::Rcp => self.rcp_chars,
            PolicyType::Session => self.session_policy_chars,
        };
        override_.or_else(|| {
            self.enforce_aws_quotas
                .then(|| Self::aws_quota(policy_type))
        })
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

    /// What [`crate::PolicyErrorKind::Limit`] names when the quota for
    /// `policy_type` is exceeded.
    pub(crate) fn quota_what(policy_type: PolicyType) -> &'static str {
        match policy_type {
            PolicyType::Identity => "non-whitespace characters in an identity policy",
            PolicyType::Resource => "non-whitespace characters in a resource-based policy",
            PolicyType::Trust => "non-whitespace characters in a trust policy",
            PolicyType::Boundary => "non-whitespace characters in a permissions boundary",
            PolicyType::Scp => "non-whitespace characters in a service control policy",
            PolicyType::Rcp => "non-whitespace characters in a resource control policy",
            PolicyType::Session => "non-whitespace characters in a session policy",
        }
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
        limits.enforce_aws_quotas = false;
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
