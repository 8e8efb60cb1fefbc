//! The keys a pool file may hold, checked before it is read: a key the file
//! does not define (`RolePolicies` for `Policies`, a misspelled
//! `AllowUnauthenticatedIdentity`) is an error with its path, never silently
//! ignored, since an ignored policy would change what a login may do.
//!
//! The shapes are those the AWS CLI prints, so its output can be pasted as
//! it is: `describe-identity-pool`, `get-identity-pool-roles`,
//! `get-principal-tag-attribute-map`, and per role `get-role`,
//! `list-role-policies`, `get-role-policy`, `list-attached-role-policies`
//! and `get-policy-version`
//! (<https://docs.aws.amazon.com/cli/latest/reference/cognito-identity/>,
//! <https://docs.aws.amazon.com/cli/latest/reference/iam/>).

use serde_json::{Map, Value};

/// The keys of one kind of object, and what its members hold.
struct Shape {
    what: &'static str,
    keys: &'static [(&'static str, Member)],
}

/// What a member holds, as far as the shape check looks.
#[derive(Clone, Copy)]
enum Member {
    /// Anything: a scalar, a policy document (the policy reader checks it),
    /// or output this check leaves to serde.
    Any,
    /// An object of this shape.
    Object(&'static Shape),
    /// An array whose every item is this.
    List(&'static Member),
    /// An object whose every value is this (keys are ARNs or names).
    MapOf(&'static Member),
    /// A policy, or a `get-role-policy` wrapper around one.
    PolicyOrWrapper,
    /// A policy, or `get-policy-version` output around one.
    PolicyOrVersion,
}

const POOL_FILE: Shape = Shape {
    what: "a pool file",
    keys: &[
        ("IdentityPool", Member::Object(&IDENTITY_POOL)),
        ("IdentityPoolRoles", Member::Object(&IDENTITY_POOL_ROLES)),
        ("Roles", Member::MapOf(&Member::Object(&ROLE))),
        ("ManagedPolicies", Member::MapOf(&Member::PolicyOrVersion)),
        (
            "PrincipalTagAttributeMaps",
            Member::List(&Member::Object(&TAG_MAP)),
        ),
        ("GuestSessionPolicy", Member::Any),
        ("EnhancedFlow", Member::Any),
    ],
};

/// `describe-identity-pool` output.
const IDENTITY_POOL: Shape = Shape {
    what: "`IdentityPool` (describe-identity-pool output)",
    keys: &[
        ("IdentityPoolId", Member::Any),
        ("IdentityPoolName", Member::Any),
        ("AllowUnauthenticatedIdentities", Member::Any),
        ("AllowClassicFlow", Member::Any),
        ("SupportedLoginProviders", Member::Any),
        ("DeveloperProviderName", Member::Any),
        ("OpenIdConnectProviderARNs", Member::Any),
        (
            "CognitoIdentityProviders",
            Member::List(&Member::Object(&PROVIDER)),
        ),
        ("SamlProviderARNs", Member::Any),
        ("IdentityPoolTags", Member::Any),
    ],
};

const PROVIDER: Shape = Shape {
    what: "a `CognitoIdentityProviders` entry",
    keys: &[
        ("ProviderName", Member::Any),
        ("ClientId", Member::Any),
        ("ServerSideTokenCheck", Member::Any),
    ],
};

/// `get-identity-pool-roles` output.
const IDENTITY_POOL_ROLES: Shape = Shape {
    what: "`IdentityPoolRoles` (get-identity-pool-roles output)",
    keys: &[
        ("IdentityPoolId", Member::Any),
        ("Roles", Member::Any),
        (
            "RoleMappings",
            Member::MapOf(&Member::Object(&ROLE_MAPPING)),
        ),
    ],
};

const ROLE_MAPPING: Shape = Shape {
    what: "a role mapping",
    keys: &[
        ("Type", Member::Any),
        ("AmbiguousRoleResolution", Member::Any),
        ("RulesConfiguration", Member::Object(&RULES_CONFIGURATION)),
    ],
};

const RULES_CONFIGURATION: Shape = Shape {
    what: "`RulesConfiguration`",
    keys: &[("Rules", Member::List(&Member::Object(&MAPPING_RULE)))],
};

const MAPPING_RULE: Shape = Shape {
    what: "a mapping rule",
    keys: &[
        ("Claim", Member::Any),
        ("MatchType", Member::Any),
        ("Value", Member::Any),
        ("RoleARN", Member::Any),
    ],
};

/// `get-principal-tag-attribute-map` output.
const TAG_MAP: Shape = Shape {
    what: "a principal tag map (get-principal-tag-attribute-map output)",
    keys: &[
        ("IdentityPoolId", Member::Any),
        ("IdentityProviderName", Member::Any),
        ("UseDefaults", Member::Any),
        ("PrincipalTags", Member::Any),
    ],
};

/// One role: its trust policy (directly or in `get-role` output), its
/// inline policies (`get-role-policy` outputs, named by
/// `list-role-policies`) and the managed policies attached to it
/// (`list-attached-role-policies`).
const ROLE: Shape = Shape {
    what: "a role",
    keys: &[
        ("AssumeRolePolicyDocument", Member::Any),
        ("Role", Member::Object(&GET_ROLE)),
        ("Policies", Member::List(&Member::PolicyOrWrapper)),
        ("PolicyNames", Member::Any),
        (
            "AttachedPolicies",
            Member::List(&Member::Object(&ATTACHED_POLICY)),
        ),
        ("IsTruncated", Member::Any),
        ("Marker", Member::Any),
    ],
};

/// `get-role` output's `Role`.
const GET_ROLE: Shape = Shape {
    what: "`Role` (get-role output)",
    keys: &[
        ("Path", Member::Any),
        ("RoleName", Member::Any),
        ("RoleId", Member::Any),
        ("Arn", Member::Any),
        ("CreateDate", Member::Any),
        ("AssumeRolePolicyDocument", Member::Any),
        ("Description", Member::Any),
        ("MaxSessionDuration", Member::Any),
        ("PermissionsBoundary", Member::Object(&BOUNDARY)),
        ("Tags", Member::Any),
        ("RoleLastUsed", Member::Any),
    ],
};

const BOUNDARY: Shape = Shape {
    what: "`PermissionsBoundary`",
    keys: &[
        ("PermissionsBoundaryType", Member::Any),
        ("PermissionsBoundaryArn", Member::Any),
    ],
};

const ATTACHED_POLICY: Shape = Shape {
    what: "an `AttachedPolicies` entry (list-attached-role-policies output)",
    keys: &[("PolicyName", Member::Any), ("PolicyArn", Member::Any)],
};

/// The keys of `get-role-policy` output.
const ROLE_POLICY_WRAPPER: Shape = Shape {
    what: "a `get-role-policy` output",
    keys: &[
        ("RoleName", Member::Any),
        ("PolicyName", Member::Any),
        ("PolicyDocument", Member::Any),
    ],
};

/// The keys of `get-policy-version` output's `PolicyVersion`.
const POLICY_VERSION: Shape = Shape {
    what: "`PolicyVersion` (get-policy-version output)",
    keys: &[
        ("Document", Member::Any),
        ("VersionId", Member::Any),
        ("IsDefaultVersion", Member::Any),
        ("CreateDate", Member::Any),
    ],
};

/// Checks every object of a pool file against its shape; the first key the
/// file does not define is an error naming its path and the keys expected.
pub(super) fn check(file: &Value) -> Result<(), String> {
    let mut path = String::new();
    object(file, &POOL_FILE, &mut path)
}

fn object(value: &Value, shape: &Shape, path: &mut String) -> Result<(), String> {
    let Value::Object(map) = value else {
        return Err(format!(
            "{}: expected {} (an object)",
            shown(path),
            shape.what
        ));
    };
    for (key, member) in map {
        let Some((_, kind)) = shape.keys.iter().find(|(k, _)| *k == key) else {
            let expected: Vec<&str> = shape.keys.iter().map(|(k, _)| *k).collect();
            return Err(format!(
                "{}: unknown key `{key}` in {}; expected one of {}",
                shown(path),
                shape.what,
                expected.join(", ")
            ));
        };
        let len = path.len();
        push_key(path, key);
        member_value(member, *kind, path)?;
        path.truncate(len);
    }
    Ok(())
}

fn member_value(value: &Value, kind: Member, path: &mut String) -> Result<(), String> {
    match kind {
        Member::Any => Ok(()),
        Member::Object(shape) => object(value, shape, path),
        Member::PolicyOrWrapper => policy_or_wrapper(value, path),
        Member::PolicyOrVersion => policy_or_version(value, path),
        Member::List(item_kind) => {
            let Value::Array(items) = value else {
                return Err(format!("{}: expected a list", shown(path)));
            };
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                member_value(item, *item_kind, path)?;
                path.truncate(len);
            }
            Ok(())
        }
        Member::MapOf(item_kind) => {
            let Value::Object(map) = value else {
                return Err(format!("{}: expected an object", shown(path)));
            };
            for (key, item) in map {
                let len = path.len();
                path.push_str(&format!("[\"{key}\"]"));
                member_value(item, *item_kind, path)?;
                path.truncate(len);
            }
            Ok(())
        }
    }
}

/// A policy document (the policy reader checks its keys) or a
/// `get-role-policy` wrapper, told apart by `PolicyDocument`.
fn policy_or_wrapper(value: &Value, path: &mut String) -> Result<(), String> {
    match value {
        Value::Object(map) if is_wrapper(map) => object(value, &ROLE_POLICY_WRAPPER, path),
        _ => Ok(()),
    }
}

fn is_wrapper(map: &Map<String, Value>) -> bool {
    map.contains_key("PolicyDocument") || map.contains_key("PolicyName")
}

/// A policy document or `get-policy-version` output.
fn policy_or_version(value: &Value, path: &mut String) -> Result<(), String> {
    match value {
        Value::Object(map) if map.contains_key("PolicyVersion") => {
            let len = path.len();
            if map.len() > 1 {
                let extra = map.keys().find(|k| *k != "PolicyVersion");
                return Err(format!(
                    "{}: unknown key `{}` beside `PolicyVersion`; get-policy-version output has only `PolicyVersion`",
                    shown(path),
                    extra.map_or("", String::as_str)
                ));
            }
            push_key(path, "PolicyVersion");
            let result = map
                .get("PolicyVersion")
                .map_or(Ok(()), |v| object(v, &POLICY_VERSION, path));
            path.truncate(len);
            result
        }
        _ => Ok(()),
    }
}

fn push_key(path: &mut String, key: &str) {
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(key);
}

fn shown(path: &str) -> &str {
    if path.is_empty() {
        "the pool file"
    } else {
        path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_text(text: &str) -> Result<(), String> {
        check(&serde_json::from_str(text).unwrap())
    }

    #[test]
    fn unknown_keys_name_their_path_and_the_keys_expected() {
        let error = check_text(
            r#"{"Roles":{"arn:aws:iam::1:role/R":{"AssumeRolePolicyDocument":{},"RolePolicies":[]}}}"#,
        )
        .unwrap_err();
        assert!(
            error.starts_with(r#"Roles["arn:aws:iam::1:role/R"]: unknown key `RolePolicies`"#),
            "{error}"
        );
        assert!(error.contains("Policies, PolicyNames"), "{error}");
        let error =
            check_text(r#"{"IdentityPool":{"AllowUnauthenticatedIdentity":true}}"#).unwrap_err();
        assert!(error.starts_with("IdentityPool: unknown key"), "{error}");
        let error = check_text(r#"{"Role":{}}"#).unwrap_err();
        assert!(
            error.starts_with("the pool file: unknown key `Role`"),
            "{error}"
        );
    }

    #[test]
    fn wrappers_and_versions_are_checked_documents_are_not() {
        assert!(check_text(
            r#"{"Roles":{"r":{"Policies":[{"Version":"2012-10-17","Statement":[]},{"RoleName":"R","PolicyName":"p","PolicyDocument":{}}]}}}"#
        )
        .is_ok());
        let error =
            check_text(r#"{"Roles":{"r":{"Policies":[{"PolicyName":"p","PolicyDocumnet":{}}]}}}"#)
                .unwrap_err();
        assert!(
            error.contains("Policies[0]: unknown key `PolicyDocumnet`"),
            "{error}"
        );
        assert!(check_text(
            r#"{"ManagedPolicies":{"arn:aws:iam::aws:policy/X":{"PolicyVersion":{"Document":{},"VersionId":"v1","IsDefaultVersion":true,"CreateDate":"2020"}}}}"#
        )
        .is_ok());
        let error = check_text(r#"{"ManagedPolicies":{"a":{"PolicyVersion":{"Documnet":{}}}}}"#)
            .unwrap_err();
        assert!(
            error.contains(r#"ManagedPolicies["a"].PolicyVersion"#),
            "{error}"
        );
    }
}
