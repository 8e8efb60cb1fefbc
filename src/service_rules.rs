//! Requests that AWS authorizes outside the general flow of identity and
//! resource policies: a role's trust policy and a KMS key's key policy must
//! allow explicitly (E3, K1, T1), and a few actions need no permission at
//! all (N1).
//!
//! These depend only on the request's action and resource, so the decision
//! asks for them only where they can change its answer: the Allow path
//! checks for a key (a few byte comparisons) and the exemptions are looked
//! at only when the answer would be a deny.

use crate::arn::ArnText;
use crate::principal::CallerShape;

/// Which resource-based policy, if any, must allow a request explicitly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RequiredPolicy {
    /// The usual rules: in one account, an identity-based Allow is enough.
    None,
    /// An `sts:AssumeRole*` (or session tag/source identity/context) request
    /// on a role: the resource-based policy given is the role's trust
    /// policy, whatever kind it was passed as, and it must allow (T1).
    TrustPolicy,
    /// A `kms:` action on a KMS key: the key policy must allow the caller or
    /// delegate to its account; identity-based policies alone never do (K1).
    KeyPolicy,
}

/// The trust-policy actions: those a role trust policy grants. Source:
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_manage-assume.html>
/// and the session-tag page
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html>
/// ("the role's trust policy must allow sts:TagSession").
const TRUST_ACTIONS: [&str; 6] = [
    "sts:AssumeRole",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
    "sts:TagSession",
    "sts:SetSourceIdentity",
    "sts:SetContext",
];

/// Which resource-based policy `action` on `resource` needs (T1, K1).
pub(crate) fn required_policy(action: &str, resource: &ArnText<'_>) -> RequiredPolicy {
    let Some(arn) = resource.arn() else {
        return RequiredPolicy::None;
    };
    // Any case of the service: with `Options::arn_head_ignore_case` a
    // policy for `kms` matches `KMS`, and the rule must not be slipped by it.
    let [_, service, _, _] = arn.head;
    if service.eq_ignore_ascii_case("kms")
        && arn.resource.starts_with("key/")
        && has_service(action, "kms")
    {
        return RequiredPolicy::KeyPolicy;
    }
    if service.eq_ignore_ascii_case("iam")
        && arn.resource.starts_with("role/")
        && TRUST_ACTIONS.iter().any(|a| a.eq_ignore_ascii_case(action))
    {
        return RequiredPolicy::TrustPolicy;
    }
    RequiredPolicy::None
}

/// Whether `action` is a `kms:` action on a KMS key, the only case in which
/// an identity-based Allow on its own is not enough (K1). Cheap enough for
/// the Allow path: a prefix comparison, and the resource only when it holds.
#[inline]
pub(crate) fn needs_key_policy(action: &str, resource: &ArnText<'_>) -> bool {
    has_service(action, "kms") && required_policy(action, resource) == RequiredPolicy::KeyPolicy
}

/// Whether `action` names `service` (ASCII case-insensitive, A1): the text
/// before its first colon is `service`. `service` has no colon, so that is
/// `service` then a colon at the start, found without searching for the
/// colon (on the Allow path of every decision).
fn has_service(action: &str, service: &str) -> bool {
    let action = action.as_bytes();
    action
        .get(..service.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(service.as_bytes()))
        && action.get(service.len()) == Some(&b':')
}

/// Whether AWS performs `action` for this caller without asking any policy,
/// so that not even an explicit deny blocks it (N1):
/// - `sts:GetCallerIdentity`, for every signed-in caller: "No permissions
///   are required to perform this operation. If an administrator attaches a
///   policy to your identity that explicitly denies access … you can still
///   perform this operation"
///   (<https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html>);
/// - `sts:GetSessionToken`, for IAM users and the root user (only long-term
///   credentials may call it): "No permissions are required for a user to
///   get a session token … You cannot use policies to control
///   authentication operations"
///   (<https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_getsessiontoken.html>).
///
/// A request without a principal is taken to come from a signed-in caller,
/// as in the simulator. Anonymous callers, services and web identities are
/// not exempt: they do not sign as an IAM identity.
pub(crate) fn needs_no_permission(action: &str, caller: Option<CallerShape>) -> bool {
    if action.eq_ignore_ascii_case("sts:GetCallerIdentity") {
        return !matches!(
            caller,
            Some(CallerShape::Anonymous | CallerShape::Service | CallerShape::WebIdentity)
        );
    }
    if action.eq_ignore_ascii_case("sts:GetSessionToken") {
        return matches!(
            caller,
            None | Some(CallerShape::User { .. } | CallerShape::Root { .. })
        );
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A1: the service is the text before the first colon, in any case.
    #[test]
    fn has_service_reads_the_text_before_the_first_colon() {
        for (action, expected) in [
            ("kms:Decrypt", true),
            ("KMS:Decrypt", true),
            ("kMs:", true),
            ("kms", false),
            ("kmsx:Decrypt", false),
            ("km:Decrypt", false),
            ("s3:kms:Decrypt", false),
            ("", false),
        ] {
            assert_eq!(has_service(action, "kms"), expected, "{action:?}");
        }
    }

    fn required(action: &str, resource: &str) -> RequiredPolicy {
        required_policy(action, &ArnText::parse(resource))
    }

    /// K1: a `kms:` action on a key needs the key policy; an alias, another
    /// service's action, or `*` does not.
    #[test]
    fn k1_kms_actions_on_keys_need_the_key_policy() {
        let key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        assert_eq!(required("kms:Decrypt", key), RequiredPolicy::KeyPolicy);
        assert_eq!(required("KMS:decrypt", key), RequiredPolicy::KeyPolicy);
        assert!(needs_key_policy("kms:Encrypt", &ArnText::parse(key)));
        let alias = "arn:aws:kms:us-east-1:111122223333:alias/app";
        assert_eq!(required("kms:Decrypt", alias), RequiredPolicy::None);
        assert_eq!(required("kms:ListKeys", "*"), RequiredPolicy::None);
        assert_eq!(required("s3:GetObject", key), RequiredPolicy::None);
        assert!(!needs_key_policy("kmsx:Decrypt", &ArnText::parse(key)));
        // A head in capitals is still a key (the head may match ignoring case).
        assert!(needs_key_policy(
            "kms:Decrypt",
            &ArnText::parse("arn:aws:KMS:us-east-1:111122223333:key/k")
        ));
    }

    /// T1: the trust actions on a role; not on a user, and not other actions.
    #[test]
    fn t1_assume_role_on_a_role_needs_its_trust_policy() {
        let role = "arn:aws:iam::111122223333:role/Cognito_Auth_Role";
        for action in TRUST_ACTIONS {
            assert_eq!(
                required(action, role),
                RequiredPolicy::TrustPolicy,
                "{action}"
            );
        }
        assert_eq!(
            required("sts:assumerolewithwebidentity", role),
            RequiredPolicy::TrustPolicy
        );
        assert_eq!(required("iam:GetRole", role), RequiredPolicy::None);
        assert_eq!(
            required("sts:AssumeRole", "arn:aws:iam::111122223333:user/alice"),
            RequiredPolicy::None
        );
        assert_eq!(required("sts:AssumeRoles", role), RequiredPolicy::None);
    }

    /// N1: the exemptions, and the callers they do not cover.
    #[test]
    fn n1_actions_that_need_no_permission() {
        let user = Some(CallerShape::of("arn:aws:iam::111122223333:user/alice"));
        let session = Some(CallerShape::of(
            "arn:aws:sts::111122223333:assumed-role/R/s",
        ));
        assert!(needs_no_permission("sts:GetCallerIdentity", user));
        assert!(needs_no_permission("STS:getcalleridentity", session));
        assert!(needs_no_permission("sts:GetCallerIdentity", None));
        assert!(!needs_no_permission(
            "sts:GetCallerIdentity",
            Some(CallerShape::Anonymous)
        ));
        assert!(needs_no_permission("sts:GetSessionToken", user));
        assert!(!needs_no_permission("sts:GetSessionToken", session));
        assert!(!needs_no_permission("sts:GetAccessKeyInfo", user));
        assert!(!needs_no_permission("sts:GetCallerIdentityX", user));
    }
}
