//! Small tables of condition keys and actions the checks need (S6, V9, A4).
//!
//! The tables are deliberately short: a key is called single- or
//! multi-valued only when AWS documents it so, and every other key is left
//! alone, so a check never fires on a guess.

/// Multivalued keys (`ArrayOf…` in the Service Authorization Reference, S6).
const MULTI_VALUED: &[&str] = &[
    "aws:tagkeys",
    "aws:calledvia",
    "aws:principalservicenameslist",
    "aws:principalorgpaths",
    "dynamodb:leadingkeys",
    "dynamodb:attributes",
    "cognito-identity.amazonaws.com:amr",
];

/// Single-valued keys (S5, S6); tag keys are matched by prefix below.
const SINGLE_VALUED: &[&str] = &[
    "aws:sourceip",
    "aws:username",
    "aws:userid",
    "aws:principalarn",
    "aws:principalaccount",
    "aws:principalorgid",
    "aws:principaltype",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:securetransport",
    "aws:multifactorauthpresent",
    "aws:requestedregion",
    "aws:currenttime",
    "aws:epochtime",
    "aws:useragent",
    "aws:referer",
    "cognito-identity.amazonaws.com:aud",
    "cognito-identity.amazonaws.com:sub",
    "s3:prefix",
    "dynamodb:select",
    "dynamodb:returnvalues",
];

/// Single-valued key families: one tag value per tag key.
const SINGLE_VALUED_PREFIXES: &[&str] =
    &["aws:principaltag/", "aws:requesttag/", "aws:resourcetag/"];

/// `key` lowercased.
fn lower(key: &str) -> String {
    key.to_ascii_lowercase()
}

/// Whether AWS documents `key` as multivalued.
pub(super) fn is_multi_valued(key: &str) -> bool {
    MULTI_VALUED.contains(&lower(key).as_str())
}

/// Whether AWS documents `key` as single-valued.
pub(super) fn is_single_valued(key: &str) -> bool {
    let key = lower(key);
    SINGLE_VALUED.contains(&key.as_str())
        || SINGLE_VALUED_PREFIXES
            .iter()
            .any(|p| key.starts_with(p) && key.len() > p.len())
}

/// The `amr` key of Cognito identity pools (CG2).
pub(super) fn is_amr(key: &str) -> bool {
    key.eq_ignore_ascii_case("cognito-identity.amazonaws.com:amr")
}

/// The `aud` key of Cognito identity pools (CG1).
pub(super) fn is_aud(key: &str) -> bool {
    key.eq_ignore_ascii_case("cognito-identity.amazonaws.com:aud")
}

pub(super) use crate::condition_keys::is_known_key;

/// Whether a variable names the caller: its value differs per user, so a
/// policy uses it to give each user their own data (CG5).
pub(super) fn is_identity_variable(key: &str) -> bool {
    let key = lower(key);
    matches!(
        key.as_str(),
        "cognito-identity.amazonaws.com:sub"
            | "aws:username"
            | "aws:userid"
            | "aws:sourceidentity"
            | "aws:principalarn"
            | "www.amazon.com:user_id"
            | "graph.facebook.com:id"
            | "accounts.google.com:sub"
    ) || key.starts_with("aws:principaltag/")
}

/// Actions that support no resource-level permissions, so `"Resource": "*"`
/// is the only way to grant them (A4); not flagged as writes on `*`.
pub(super) fn needs_star_resource(action: &str) -> bool {
    const ACTIONS: &[&str] = &[
        "mobileanalytics:putevents",
        "cloudwatch:putmetricdata",
        "xray:puttracesegments",
        "xray:puttelemetryrecords",
    ];
    ACTIONS.contains(&lower(action).as_str())
}
