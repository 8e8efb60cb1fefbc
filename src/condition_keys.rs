//! Which condition keys exist, in the namespaces the crate knows
//! completely: AWS's global `aws:` keys and the Cognito web-identity keys.
//! `validate` uses it to flag a Deny whose key no request carries, and the
//! lint to flag misspelled keys and variables.
//!
//! Source: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html>
//! and <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html>.

/// Global `aws:` keys that exist, for spotting misspelled variables.
const AWS_KEYS: &[&str] = &[
    "aws:calledvia",
    "aws:calledviafirst",
    "aws:calledvialast",
    "aws:currenttime",
    "aws:epochtime",
    "aws:federatedprovider",
    "aws:multifactorauthage",
    "aws:multifactorauthpresent",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:principalisawsservice",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalservicename",
    "aws:principalservicenameslist",
    "aws:principaltype",
    "aws:referer",
    "aws:requestedregion",
    "aws:resourceaccount",
    "aws:resourceorgid",
    "aws:resourceorgpaths",
    "aws:securetransport",
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceidentity",
    "aws:sourceip",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourcevpcarn",
    "aws:sourceowner",
    "aws:vpceaccount",
    "aws:vpceorgid",
    "aws:vpceorgpaths",
    "aws:tagkeys",
    "aws:tokenissuetime",
    "aws:useragent",
    "aws:userid",
    "aws:username",
    "aws:viaawsservice",
    "aws:vpcsourceip",
    "aws:ec2instancesourceprivateipv4",
    "aws:ec2instancesourcevpc",
    "aws:assumedroot",
    "aws:chatbotsourcearn",
];

/// `aws:` key families with a tag or attribute name after the slash.
const AWS_KEY_PREFIXES: &[&str] = &[
    "aws:principaltag/",
    "aws:requesttag/",
    "aws:resourcetag/",
    "aws:requestattribute/",
];

/// The keys of web identity federation through Cognito (V9).
const COGNITO_KEYS: &[&str] = &[
    "cognito-identity.amazonaws.com:aud",
    "cognito-identity.amazonaws.com:sub",
    "cognito-identity.amazonaws.com:amr",
];

/// `Some(false)` when `key` is in a namespace this table knows completely
/// (`aws:` and `cognito-identity.amazonaws.com:`) and is not a key there;
/// `None` for other namespaces.
pub(crate) fn is_known_key(key: &str) -> Option<bool> {
    let key = key.to_ascii_lowercase();
    if key.starts_with("aws:") {
        Some(
            AWS_KEYS.iter().any(|k| k.eq_ignore_ascii_case(&key))
                || AWS_KEY_PREFIXES
                    .iter()
                    .any(|p| key.starts_with(p) && key.len() > p.len()),
        )
    } else if key.starts_with("cognito-identity.amazonaws.com:") {
        Some(COGNITO_KEYS.contains(&key.as_str()))
    } else {
        None
    }
}

/// Whether `key` is an `aws:` key that is not one of AWS's global condition
/// keys, so no request carries it.
pub(crate) fn is_unknown_global_key(key: &str) -> bool {
    key.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("aws:")) && is_known_key(key) == Some(false)
}
