//! Principals: who makes a request, and how `Principal`/`NotPrincipal`
//! entries match them (G10, P1-P4).
//!
//! Source: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>.

use crate::policy::{Effect, PrincipalKind};

/// The request principal, classified from the string the caller gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Caller<'a> {
    /// An unauthenticated caller (E8).
    Anonymous,
    /// `123456789012`: the account as a whole.
    Account { account: &'a str },
    /// `arn:aws:iam::123456789012:root`: the account's root user.
    Root { account: &'a str },
    /// `arn:aws:iam::123456789012:user/path/name`.
    User { account: &'a str, arn: &'a str },
    /// `arn:aws:iam::123456789012:role/path/name` (the role itself).
    Role {
        account: &'a str,
        name: &'a str,
        arn: &'a str,
    },
    /// `arn:aws:sts::123456789012:assumed-role/name/session`.
    RoleSession {
        account: &'a str,
        role: &'a str,
        arn: &'a str,
    },
    /// `arn:aws:sts::123456789012:federated-user/name`.
    FederatedUser { account: &'a str, arn: &'a str },
    /// A service principal such as `lambda.amazonaws.com`.
    Service(&'a str),
    /// A web-identity or SAML provider such as `cognito-identity.amazonaws.com`
    /// or an `oidc-provider`/`saml-provider` ARN.
    WebIdentity(&'a str),
    /// Anything else; it only matches `*` and identical entries.
    Other(&'a str),
}

impl<'a> Caller<'a> {
    /// Classifies a principal string.
    pub fn classify(text: &'a str) -> Self {
        if text == "anonymous" || text == "*" {
            return Caller::Anonymous;
        }
        if is_account_id(text) {
            return Caller::Account { account: text };
        }
        if let Some(arn) = crate::arn::Arn::parse(text) {
            let account = arn.account();
            let [_, service, _, _] = arn.head;
            let resource = arn.resource;
            if matches!(service, "iam" | "sts") && iam_arn_problem(&arn).is_some() {
                // Not a principal AWS could have authenticated: it names no
                // one, least of all an account's root user.
                return Caller::Other(text);
            }
            match service {
                "iam" if resource == "root" => return Caller::Root { account },
                "iam" if resource.starts_with("user/") => {
                    return Caller::User { account, arn: text }
                }
                "iam" if resource.starts_with("role/") => {
                    let name = resource.rsplit('/').next().unwrap_or(resource);
                    return Caller::Role {
                        account,
                        name,
                        arn: text,
                    };
                }
                "iam"
                    if resource.starts_with("oidc-provider/")
                        || resource.starts_with("saml-provider/") =>
                {
                    return Caller::WebIdentity(text)
                }
                "sts" => {
                    if let Some(rest) = resource.strip_prefix("assumed-role/") {
                        if let Some((role, _session)) = rest.split_once('/') {
                            return Caller::RoleSession {
                                account,
                                role,
                                arn: text,
                            };
                        }
                    }
                    if resource.starts_with("federated-user/") {
                        return Caller::FederatedUser { account, arn: text };
                    }
                }
                _ => {}
            }
            return Caller::Other(text);
        }
        if text.ends_with(".amazonaws.com") && !text.starts_with("cognito-identity.") {
            return Caller::Service(text);
        }
        if text.contains('.') {
            return Caller::WebIdentity(text);
        }
        Caller::Other(text)
    }

    /// Whether this is an IAM user or role (or one of its sessions): the
    /// principals a permissions boundary can be attached to.
    pub fn is_iam_principal(&self) -> bool {
        matches!(
            self,
            Caller::User { .. } | Caller::Role { .. } | Caller::RoleSession { .. }
        )
    }

    /// The account the principal belongs to, if it has one.
    pub fn account(&self) -> Option<&'a str> {
        match *self {
            Caller::Account { account }
            | Caller::Root { account }
            | Caller::User { account, .. }
            | Caller::Role { account, .. }
            | Caller::RoleSession { account, .. }
            | Caller::FederatedUser { account, .. } => Some(account),
            _ => None,
        }
    }
}

/// Byte range of a part of the principal text.
type Span = (usize, usize);

/// A [`Caller`] stored as byte ranges into the principal text, so a request
/// classifies its principal once, when it is built, and every evaluation
/// rebuilds the borrowed view without re-parsing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CallerShape {
    Anonymous,
    Account,
    Root { account: Span },
    User { account: Span },
    Role { account: Span, name: Span },
    RoleSession { account: Span, role: Span },
    FederatedUser { account: Span },
    Service,
    WebIdentity,
    Other,
}

impl CallerShape {
    /// Classifies `text` (as [`Caller::classify`]) and remembers where its parts are.
    pub fn of(text: &str) -> Self {
        // Every part a `Caller` holds is a subslice of `text`.
        let span = |part: &str| {
            let start = (part.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
            (start, start.wrapping_add(part.len()))
        };
        match Caller::classify(text) {
            Caller::Anonymous => CallerShape::Anonymous,
            Caller::Account { .. } => CallerShape::Account,
            Caller::Root { account } => CallerShape::Root {
                account: span(account),
            },
            Caller::User { account, .. } => CallerShape::User {
                account: span(account),
            },
            Caller::Role { account, name, .. } => CallerShape::Role {
                account: span(account),
                name: span(name),
            },
            Caller::RoleSession { account, role, .. } => CallerShape::RoleSession {
                account: span(account),
                role: span(role),
            },
            Caller::FederatedUser { account, .. } => CallerShape::FederatedUser {
                account: span(account),
            },
            Caller::Service(_) => CallerShape::Service,
            Caller::WebIdentity(_) => CallerShape::WebIdentity,
            Caller::Other(_) => CallerShape::Other,
        }
    }

    /// The classified view of `text`, which must be the text this shape came from.
    pub fn caller<'a>(&self, text: &'a str) -> Caller<'a> {
        let part = |(start, end): Span| text.get(start..end).unwrap_or_default();
        match *self {
            CallerShape::Anonymous => Caller::Anonymous,
            CallerShape::Account => Caller::Account { account: text },
            CallerShape::Root { account } => Caller::Root {
                account: part(account),
            },
            CallerShape::User { account } => Caller::User {
                account: part(account),
                arn: text,
            },
            CallerShape::Role { account, name } => Caller::Role {
                account: part(account),
                name: part(name),
                arn: text,
            },
            CallerShape::RoleSession { account, role } => Caller::RoleSession {
                account: part(account),
                role: part(role),
                arn: text,
            },
            CallerShape::FederatedUser { account } => Caller::FederatedUser {
                account: part(account),
                arn: text,
            },
            CallerShape::Service => Caller::Service(text),
            CallerShape::WebIdentity => Caller::WebIdentity(text),
            CallerShape::Other => Caller::Other(text),
        }
    }
}

fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

/// Why a request principal cannot be read, if it cannot (issue 21, item 9):
/// empty; a character no principal has (control characters, white space,
/// anything outside ASCII); `arn:` that is not an ARN; or an IAM or STS ARN
/// that is not the shape of one ([`iam_arn_problem`]). Other text (a service
/// principal, a provider, a canonical user id) is not judged: it matches
/// only `*` and identical entries.
///
/// Source: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns>.
pub(crate) fn principal_problem(text: &str) -> Option<&'static str> {
    if text.is_empty() {
        return Some("the principal is empty");
    }
    if text
        .bytes()
        .any(|b| !b.is_ascii() || b.is_ascii_control() || b.is_ascii_whitespace())
    {
        return Some("a principal holds no white space, control or non-ASCII characters");
    }
    if !text.starts_with("arn:") {
        return None;
    }
    let Some(arn) = crate::arn::Arn::parse(text) else {
        return Some(
            "an ARN has six colon-separated parts: arn:partition:service:region:account:resource",
        );
    };
    match arn.head {
        [_, "iam" | "sts", _, _] => iam_arn_problem(&arn),
        _ => None,
    }
}

/// Why an IAM or STS ARN cannot name a principal: its partition is not an
/// AWS partition (`aws`, `aws-cn`, `aws-us-gov`, …), it has a region (IAM
/// and STS ARNs have none), its account is not 12 digits
/// (`arn:aws:iam::*:root`, `arn:aws:iam:::root`), or its resource is not
/// `root`, `user/…`, `role/…`, `assumed-role/ROLE/SESSION`,
/// `federated-user/…` or a provider, each named with the characters IAM
/// allows in names and paths.
fn iam_arn_problem(arn: &crate::arn::Arn<'_>) -> Option<&'static str> {
    let [partition, service, region, account] = arn.head;
    let is_partition = partition.starts_with("aws")
        && partition
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !is_partition {
        return Some("the partition is not an AWS partition such as `aws`");
    }
    if !region.is_empty() {
        return Some("IAM and STS principal ARNs have no region");
    }
    if !is_account_id(account) {
        return Some("the account of a principal ARN is 12 digits");
    }
    let name_char = |b: u8| b.is_ascii_alphanumeric() || b"+=,.@_-/".contains(&b);
    let resource = arn.resource;
    let named =
        |rest: &str| !rest.is_empty() && !rest.ends_with('/') && rest.bytes().all(name_char);
    let shape = match service {
        "iam" => {
            resource == "root"
                || ["user/", "role/", "oidc-provider/", "saml-provider/"]
                    .iter()
                    .any(|p| resource.strip_prefix(p).is_some_and(named))
        }
        _ => match resource.strip_prefix("assumed-role/") {
            Some(rest) => rest
                .split_once('/')
                .is_some_and(|(role, session)| named(role) && named(session)),
            None => resource.strip_prefix("federated-user/").is_some_and(named),
        },
    };
    if !shape {
        return Some("expected `root`, `user/NAME`, `role/NAME`, `assumed-role/ROLE/SESSION` or `federated-user/NAME` after the account");
    }
    None
}

/// What kind of `Principal` entry matched, which decides how a same-account
/// resource-policy Allow combines with implicit denies elsewhere (E5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PrincipalMatch {
    /// `"*"` or `{"AWS": "*"}`.
    Wildcard,
    /// An account id or account root ARN.
    Account,
    /// A role ARN matched the role or one of its sessions.
    Role,
    /// An exact IAM user ARN.
    User,
    /// An exact role-session or federated-user ARN.
    Session,
    /// A service principal.
    Service,
    /// A web-identity or SAML provider.
    Federated,
    /// A canonical user id (Amazon S3 only).
    CanonicalUser,
}

/// A compiled principal entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PrincipalEntry {
    Any,
    Account(Box<str>),
    /// A role ARN: account and role name (its sessions carry no path).
    Role {
        arn: Box<str>,
        account: Box<str>,
        name: Box<str>,
    },
    /// Any other exact ARN under `AWS` (user, session, federated user).
    AwsArn(Box<str>),
    Service(Box<str>),
    Federated(Box<str>),
    CanonicalUser(Box<str>),
}

/// Why a principal value was rejected.
pub(crate) fn compile_entry(kind: PrincipalKind, text: &str) -> Result<PrincipalEntry, String> {
    if text == "*" {
        return match kind {
            PrincipalKind::Aws => Ok(PrincipalEntry::Any),
            _ => Err("`*` is allowed only as \"Principal\": \"*\" or {\"AWS\": \"*\"}".into()),
        };
    }
    if text.contains(['*', '?']) {
        // AA "Error – Unsupported wildcard in principal".
        return Err("wildcards are not allowed inside principal values; use a condition on aws:PrincipalArn".into());
    }
    if text.is_empty() {
        return Err("empty principal".into());
    }
    Ok(match kind {
        PrincipalKind::Service => PrincipalEntry::Service(text.into()),
        PrincipalKind::Federated => PrincipalEntry::Federated(text.into()),
        PrincipalKind::CanonicalUser => PrincipalEntry::CanonicalUser(text.into()),
        PrincipalKind::Aws => match Caller::classify(text) {
            // P1: both forms name the whole account, not only the root user.
            Caller::Account { account } | Caller::Root { account } => {
                PrincipalEntry::Account(account.into())
            }
            Caller::Role { account, name, arn } => PrincipalEntry::Role {
                arn: arn.into(),
                account: account.into(),
                name: name.into(),
            },
            Caller::User { arn, .. }
            | Caller::RoleSession { arn, .. }
            | Caller::FederatedUser { arn, .. } => PrincipalEntry::AwsArn(arn.into()),
            _ => return Err("expected an account id or an IAM/STS principal ARN".into()),
        },
    })
}

impl PrincipalEntry {
    /// How this entry matches `caller`, if it does.
    pub fn matches(&self, caller: &Caller<'_>) -> Option<PrincipalMatch> {
        match (self, caller) {
            (PrincipalEntry::Any, _) => Some(PrincipalMatch::Wildcard),
            (PrincipalEntry::Account(a), c) => {
                (c.account() == Some(&**a)).then_some(PrincipalMatch::Account)
            }
            (PrincipalEntry::Role { arn, .. }, Caller::Role { arn: c, .. }) => {
                (**arn == **c).then_some(PrincipalMatch::Role)
            }
            (
                PrincipalEntry::Role { account, name, .. },
                Caller::RoleSession {
                    account: a, role, ..
                },
            ) => (**account == **a && **name == **role).then_some(PrincipalMatch::Role),
            (PrincipalEntry::AwsArn(arn), Caller::User { arn: c, .. }) => {
                (**arn == **c).then_some(PrincipalMatch::User)
            }
            (
                PrincipalEntry::AwsArn(arn),
                Caller::RoleSession { arn: c, .. } | Caller::FederatedUser { arn: c, .. },
            ) => (**arn == **c).then_some(PrincipalMatch::Session),
            (PrincipalEntry::Service(s), Caller::Service(c)) => {
                (**s == **c).then_some(PrincipalMatch::Service)
            }
            (PrincipalEntry::Federated(f), Caller::WebIdentity(c)) => {
                (**f == **c).then_some(PrincipalMatch::Federated)
            }
            (PrincipalEntry::CanonicalUser(u), Caller::Other(c)) => {
                (**u == **c).then_some(PrincipalMatch::CanonicalUser)
            }
            _ => None,
        }
    }
}

/// A compiled `Principal`/`NotPrincipal` element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PrincipalMatcher {
    pub negated: bool,
    pub entries: Box<[PrincipalEntry]>,
    /// The entries as written, for explanations.
    pub sources: Box<[Box<str>]>,
}

impl PrincipalMatcher {
    /// Whether the element admits `caller` into a statement with `effect`,
    /// and through which kind of entry. A request without a principal
    /// matches only `*`. `boundary_attached` says whether the caller has a
    /// permissions boundary (the set holds one).
    pub fn admits(
        &self,
        caller: Option<&Caller<'_>>,
        effect: Effect,
        boundary_attached: bool,
    ) -> Option<PrincipalMatch> {
        if self.negated {
            let excluded = caller.is_some_and(|c| match effect {
                // P3: a Deny spares only a caller whose whole chain is listed,
                // and never an IAM principal with a permissions boundary (P5).
                Effect::Deny => !(boundary_attached && c.is_iam_principal()) && self.exempts(c),
                // P6: an Allow grants everyone but the listed principals; a
                // caller any entry names (its account, its role) is left out.
                Effect::Allow => self.entries.iter().any(|e| e.matches(c).is_some()),
            });
            return (!excluded).then_some(PrincipalMatch::Wildcard);
        }
        let matched = match caller {
            Some(c) => self.entries.iter().filter_map(|e| e.matches(c)).max(),
            None => self
                .entries
                .contains(&PrincipalEntry::Any)
                .then_some(PrincipalMatch::Wildcard),
        };
        matched
    }

    /// Whether a Deny's `NotPrincipal` exempts `caller`. AWS checks every identity in
    /// the caller's chain (session, role, account), so a user is exempt only
    /// when both the user and the account are listed, and a role session
    /// only when the session, the role and the account are (P3, the
    /// NotPrincipal page's "you must also specify the account ARN").
    fn exempts(&self, caller: &Caller<'_>) -> bool {
        let listed = |wanted: &dyn Fn(&PrincipalEntry) -> bool| self.entries.iter().any(wanted);
        if listed(&|e| *e == PrincipalEntry::Any) {
            return true;
        }
        let account_listed =
            |account: &str| listed(&|e| matches!(e, PrincipalEntry::Account(a) if **a == *account));
        let arn_listed =
            |arn: &str| listed(&|e| matches!(e, PrincipalEntry::AwsArn(a) if **a == *arn));
        match *caller {
            Caller::Account { account } | Caller::Root { account } => account_listed(account),
            Caller::User { account, arn } | Caller::FederatedUser { account, arn } => {
                arn_listed(arn) && account_listed(account)
            }
            Caller::Role { account, arn, .. } => {
                listed(&|e| matches!(e, PrincipalEntry::Role { arn: a, .. } if **a == *arn))
                    && account_listed(account)
            }
            Caller::RoleSession { account, role, arn } => {
                let role_listed = listed(
                    &|e| matches!(e, PrincipalEntry::Role { account: a, name, .. } if **a == *account && **name == *role),
                );
                arn_listed(arn) && role_listed && account_listed(account)
            }
            Caller::Service(_) | Caller::WebIdentity(_) | Caller::Other(_) | Caller::Anonymous => {
                self.entries.iter().any(|e| e.matches(caller).is_some())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(kind: PrincipalKind, text: &str) -> PrincipalEntry {
        compile_entry(kind, text).unwrap()
    }

    /// P1: an account entry matches every principal of that account.
    #[test]
    fn p1_account_entry_matches_everyone_in_the_account() {
        for form in ["123456789012", "arn:aws:iam::123456789012:root"] {
            let e = entry(PrincipalKind::Aws, form);
            for caller in [
                "arn:aws:iam::123456789012:user/alice",
                "arn:aws:sts::123456789012:assumed-role/R/s",
                "arn:aws:iam::123456789012:role/R",
            ] {
                assert_eq!(
                    e.matches(&Caller::classify(caller)),
                    Some(PrincipalMatch::Account),
                    "{form} {caller}"
                );
            }
            assert_eq!(
                e.matches(&Caller::classify("arn:aws:iam::999999999999:user/alice")),
                None
            );
        }
    }

    /// P1: a role ARN matches the role's sessions; a session ARN only itself.
    #[test]
    fn p1_role_entry_matches_its_sessions() {
        let role = entry(
            PrincipalKind::Aws,
            "arn:aws:iam::123456789012:role/path/Cognito_Auth",
        );
        let session = Caller::classify(
            "arn:aws:sts::123456789012:assumed-role/Cognito_Auth/CognitoIdentityCredentials",
        );
        assert_eq!(role.matches(&session), Some(PrincipalMatch::Role));
        let other = Caller::classify(
            "arn:aws:sts::123456789012:assumed-role/Other/CognitoIdentityCredentials",
        );
        assert_eq!(role.matches(&other), None);
        let exact = entry(
            PrincipalKind::Aws,
            "arn:aws:sts::123456789012:assumed-role/Cognito_Auth/x",
        );
        assert_eq!(exact.matches(&session), None);
    }

    /// G10: no wildcards inside principal values.
    #[test]
    fn g10_rejects_wildcards_inside_values() {
        assert!(compile_entry(PrincipalKind::Aws, "arn:aws:iam::*:role/x").is_err());
        assert!(compile_entry(PrincipalKind::Service, "*").is_err());
        assert!(compile_entry(PrincipalKind::Aws, "not-an-arn").is_err());
    }

    #[test]
    fn shape_rebuilds_the_same_caller() {
        for text in [
            "anonymous",
            "123456789012",
            "arn:aws:iam::123456789012:root",
            "arn:aws:iam::123456789012:user/path/alice",
            "arn:aws:iam::123456789012:role/path/R",
            "arn:aws:sts::123456789012:assumed-role/R/s",
            "arn:aws:sts::123456789012:federated-user/bob",
            "lambda.amazonaws.com",
            "cognito-identity.amazonaws.com",
            "arn:aws:iam::123456789012:oidc-provider/x",
            "arn:aws:ec2:::x",
            "nobody",
        ] {
            assert_eq!(
                CallerShape::of(text).caller(text),
                Caller::classify(text),
                "{text}"
            );
        }
    }

    /// P4: Federated matches the web-identity provider.
    #[test]
    fn p4_federated_matches_provider() {
        let e = entry(PrincipalKind::Federated, "cognito-identity.amazonaws.com");
        assert_eq!(
            e.matches(&Caller::classify("cognito-identity.amazonaws.com")),
            Some(PrincipalMatch::Federated)
        );
        assert_eq!(e.matches(&Caller::classify("lambda.amazonaws.com")), None);
    }

    /// P3: NotPrincipal exempts a caller only when its whole chain is listed.
    #[test]
    fn p3_not_principal_needs_the_account_listed_too() {
        let not = |values: &[&str]| PrincipalMatcher {
            negated: true,
            entries: values
                .iter()
                .map(|v| entry(PrincipalKind::Aws, v))
                .collect(),
            sources: Box::default(),
        };
        let admin = Caller::classify("arn:aws:iam::123456789012:user/admin");
        let bob = Caller::classify("arn:aws:iam::123456789012:user/bob");
        let only_user = not(&["arn:aws:iam::123456789012:user/admin"]);
        assert!(only_user.admits(Some(&bob), Effect::Deny, false).is_some());
        assert!(
            only_user
                .admits(Some(&admin), Effect::Deny, false)
                .is_some(),
            "the account is not listed, so admin is not exempt"
        );
        let with_account = not(&["arn:aws:iam::123456789012:user/admin", "123456789012"]);
        assert!(with_account
            .admits(Some(&admin), Effect::Deny, false)
            .is_none());
        assert!(with_account
            .admits(Some(&bob), Effect::Deny, false)
            .is_some());
        let session = Caller::classify("arn:aws:sts::123456789012:assumed-role/R/s");
        let session_only = not(&["arn:aws:sts::123456789012:assumed-role/R/s", "123456789012"]);
        assert!(
            session_only
                .admits(Some(&session), Effect::Deny, false)
                .is_some(),
            "the role is not listed"
        );
        let full = not(&[
            "arn:aws:sts::123456789012:assumed-role/R/s",
            "arn:aws:iam::123456789012:role/R",
            "123456789012",
        ]);
        assert!(full.admits(Some(&session), Effect::Deny, false).is_none());
    }
}
