//! Bounds on the work any input can cause. AWS's own quotas are larger in
//! places (a bucket policy may be 20 KB), so the defaults leave room for every
//! real policy while keeping hostile input cheap to reject.

/// Configurable limits, checked while parsing and compiling.
///
/// ```
/// let mut limits = iam_eval::Limits::default();
/// limits.max_statements = 100;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Bytes of policy text (default 1 MiB; IAM's largest quota is 20 KB for S3 bucket policies).
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
        }
    }
}
