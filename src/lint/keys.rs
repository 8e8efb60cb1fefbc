//! Condition keys and actions the checks need (S6, V9, A4): the service
//! data's types, corrected by short tables where AWS's guides say otherwise.
//! A key the data does not know is neither single- nor multivalued, so a
//! check never fires on a guess.

use crate::service_data::ConditionKeyType;

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

/// The type of `key`'s values: this module's tables where AWS's guides
/// correct the service data (Cognito's `amr` is multivalued, though the
/// data types it `String`), else the service data's type.
pub(super) fn key_type(key: &str) -> Option<ConditionKeyType> {
    if MULTI_VALUED.contains(&lower(key).as_str()) {
        return Some(ConditionKeyType::ArrayOfString);
    }
    crate::service_data::ServiceData::aws()
        .condition_key(key)
        .map(|k| k.key_type())
}

/// `key` lowercased.
fn lower(key: &str) -> String {
    key.to_ascii_lowercase()
}

/// Whether AWS documents `key` as multivalued (an `ArrayOf…` type, S6).
pub(super) fn is_multi_valued(key: &str) -> bool {
    key_type(key).is_some_and(ConditionKeyType::is_multivalued)
}

/// Whether AWS documents `key` as single-valued: in the table, or typed
/// without `ArrayOf` by the service data.
pub(super) fn is_single_valued(key: &str) -> bool {
    let lowered = lower(key);
    SINGLE_VALUED.contains(&lowered.as_str())
        || SINGLE_VALUED_PREFIXES
            .iter()
            .any(|p| lowered.starts_with(p) && lowered.len() > p.len())
        || key_type(key).is_some_and(|t| !t.is_multivalued())
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
