//! The policy as written: a faithful model of the JSON grammar (G1-G11), and
//! the policy types whose rules differ.
//!
//! Source: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html>.
//! Nothing here is evaluated; [`crate::compile`] turns this model into
//! matchers.

use std::fmt;
use std::str::FromStr;

use crate::json::Span;

/// The kind of policy a document is, which decides both its grammar and its
/// role in evaluation (the E rules of `docs/rules.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum PolicyType {
    /// An identity-based policy attached to a user, group or role.
    Identity,
    /// A resource-based policy (bucket policy, queue policy, key policy…); it has a `Principal`.
    Resource,
    /// A role trust policy: a resource policy on a role, with no `Resource` element.
    Trust,
    /// A permissions boundary.
    Boundary,
    /// A service control policy (one list per organization level).
    Scp,
    /// A resource control policy (one list per organization level).
    Rcp,
    /// A session policy passed when a role session was created.
    Session,
}

impl PolicyType {
    /// Every policy type.
    pub const ALL: [PolicyType; 7] = [
        PolicyType::Identity,
        PolicyType::Resource,
        PolicyType::Trust,
        PolicyType::Boundary,
        PolicyType::Scp,
        PolicyType::Rcp,
        PolicyType::Session,
    ];

    /// The lowercase name used in case files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyType::Identity => "identity",
            PolicyType::Resource => "resource",
            PolicyType::Trust => "trust",
            PolicyType::Boundary => "boundary",
            PolicyType::Scp => "scp",
            PolicyType::Rcp => "rcp",
            PolicyType::Session => "session",
        }
    }

    /// Whether statements must name a `Principal`/`NotPrincipal` (G10).
    pub(crate) fn principal_rule(self) -> ElementRule {
        match self {
            PolicyType::Resource | PolicyType::Trust | PolicyType::Rcp => ElementRule::Required,
            _ => ElementRule::Forbidden,
        }
    }

    /// Whether statements must name a `Resource`/`NotResource` (G5).
    pub(crate) fn resource_rule(self) -> ElementRule {
        match self {
            PolicyType::Trust => ElementRule::Forbidden,
            PolicyType::Resource => ElementRule::Optional,
            _ => ElementRule::Required,
        }
    }

    /// Policies stored by IAM or STS, which accept only tab, newline, carriage
    /// return and U+0020-U+00FF (G11). Resource policies belong to other
    /// services with their own rules.
    pub(crate) fn restricts_characters(self) -> bool {
        !matches!(self, PolicyType::Resource)
    }
}

impl fmt::Display for PolicyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A policy type name that is not one of [`PolicyType::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown policy type `{0}`, expected identity, resource, trust, boundary, scp, rcp or session"
)]
pub struct UnknownPolicyType(pub String);

impl FromStr for PolicyType {
    type Err = UnknownPolicyType;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PolicyType::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownPolicyType(s.to_owned()))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ElementRule {
    Required,
    Optional,
    Forbidden,
}

/// `Version` (G2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Version {
    V2012_10_17,
    V2008_10_17,
    Missing,
}

/// `Effect` (G7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effect {
    /// The statement grants.
    Allow,
    /// The statement denies.
    Deny,
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        })
    }
}

/// A string as written, with where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Item {
    pub text: String,
    pub path: String,
    pub offset: usize,
}

/// `Action`/`NotAction` or `Resource`/`NotResource`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ListElement {
    pub negated: bool,
    pub items: Vec<Item>,
}

/// The keys inside a `Principal` map (G10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum PrincipalKind {
    Aws,
    Federated,
    Service,
    CanonicalUser,
}

impl PrincipalKind {
    pub fn from_key(key: &str) -> Option<Self> {
        match key {
            "AWS" => Some(PrincipalKind::Aws),
            "Federated" => Some(PrincipalKind::Federated),
            "Service" => Some(PrincipalKind::Service),
            "CanonicalUser" => Some(PrincipalKind::CanonicalUser),
            _ => None,
        }
    }
}

/// `Principal`/`NotPrincipal`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PrincipalElement {
    pub negated: bool,
    /// `"Principal": "*"`.
    pub wildcard: bool,
    pub entries: Vec<(PrincipalKind, Item)>,
}

/// One `Operator: { Key: Values }` entry of a `Condition` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ConditionEntry {
    pub operator: Item,
    pub key: Item,
    pub values: Vec<Item>,
}

/// One statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Statement {
    pub index: usize,
    pub path: String,
    pub span: Span,
    pub sid: Option<String>,
    pub effect: Effect,
    pub principal: Option<PrincipalElement>,
    pub action: Option<ListElement>,
    pub resource: Option<ListElement>,
    pub conditions: Vec<ConditionEntry>,
}

/// A whole policy document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Document {
    pub version: Version,
    pub id: Option<String>,
    pub statements: Vec<Statement>,
}

impl Document {
    /// Policy variables are substituted only in 2012-10-17 policies (G2).
    pub fn substitutes_variables(&self) -> bool {
        self.version == Version::V2012_10_17
    }
}
