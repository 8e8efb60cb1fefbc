//! Errors for policies that cannot be parsed or compiled.
//!
//! Every error says where (policy id, JSON path, line and column, the
//! statement's Sid when it has one) and what was expected.

use std::fmt;

use crate::compile::Position;

/// Where in a policy document something was found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location {
    pub(crate) policy_id: Option<String>,
    pub(crate) path: String,
    /// In the user's file; `None` for a rebuilt text ([`crate::TextOrigin`]).
    pub(crate) position: Option<Position>,
    pub(crate) sid: Option<String>,
}

impl Location {
    /// The id of the policy, when the caller gave one.
    pub fn policy_id(&self) -> Option<&str> {
        self.policy_id.as_deref()
    }

    /// The JSON path, e.g. `Statement[1].Condition.StringLike`; empty for the document root.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// 1-based line in the policy text, or in the file it was pasted into
    /// ([`crate::TextOrigin::Within`]); `None` when the text was rebuilt
    /// ([`crate::TextOrigin::Rebuilt`]) and has no line to look up.
    pub fn line(&self) -> Option<usize> {
        self.position.map(|p| p.line)
    }

    /// 1-based column (in characters), as for [`Location::line`].
    pub fn column(&self) -> Option<usize> {
        self.position.map(|p| p.column)
    }

    /// The Sid of the statement the location is in, if it has one.
    pub fn sid(&self) -> Option<&str> {
        self.sid.as_deref()
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(id) = &self.policy_id {
            write!(f, "policy `{id}` ")?;
        }
        if self.path.is_empty() {
            f.write_str("document root")?;
        } else {
            f.write_str(&self.path)?;
        }
        if let Some(sid) = self.sid.as_deref().filter(|s| !s.is_empty()) {
            write!(f, " (Sid `{sid}`)")?;
        }
        match self.position {
            Some(p) => write!(f, " at line {} column {}", p.line, p.column),
            None => Ok(()),
        }
    }
}

/// What is wrong with a policy.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyErrorKind {
    /// The text is not valid JSON.
    #[error("invalid JSON: {0}")]
    Syntax(String),
    /// A value has the wrong JSON type.
    #[error("expected {expected}, found {found}")]
    WrongType {
        /// What the grammar allows here.
        expected: &'static str,
        /// The JSON type that was there.
        found: &'static str,
    },
    /// A key that the policy grammar does not have (G1, G5).
    #[error("unknown element `{0}`")]
    UnknownElement(String),
    /// A required element is absent or empty (G4, G5, G7).
    #[error("missing {0}")]
    Missing(&'static str),
    /// Two elements that exclude each other (G5).
    #[error("`{0}` and `{1}` cannot both appear in a statement")]
    Conflict(&'static str, &'static str),
    /// An element the policy type forbids (G5, G10).
    #[error("`{element}` is not allowed in a {policy_type} policy")]
    NotAllowed {
        /// The element.
        element: &'static str,
        /// The policy type.
        policy_type: &'static str,
    },
    /// `Version` is not `2012-10-17` or `2008-10-17` (G2).
    #[error("unsupported Version `{0}`, expected `2012-10-17` or `2008-10-17`")]
    Version(String),
    /// `Effect` is not exactly `Allow` or `Deny` (G7).
    #[error("invalid Effect `{0}`, expected `Allow` or `Deny` (case-sensitive)")]
    Effect(String),
    /// A Sid that is invalid or repeated (G6).
    #[error("{0}")]
    Sid(String),
    /// An action that is not `*` or `service:name` (A2).
    #[error("invalid action `{value}`: {reason}")]
    Action {
        /// The action as written.
        value: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// A resource that is not `*` or an ARN pattern (R1, R5).
    #[error("invalid resource `{value}`: {reason}")]
    Resource {
        /// The resource as written.
        value: String,
        /// What is wrong.
        reason: String,
    },
    /// An invalid principal value (G10).
    #[error("invalid principal `{value}`: {reason}")]
    Principal {
        /// The principal as written.
        value: String,
        /// What is wrong.
        reason: String,
    },
    /// An operator that IAM does not define (G9).
    #[error("unknown condition operator `{0}`")]
    UnknownOperator(String),
    /// A condition value that the operator cannot use (O2-O7, C5).
    #[error("invalid value `{value}` for `{operator}`: {reason}")]
    ConditionValue {
        /// The operator.
        operator: String,
        /// The value as written.
        value: String,
        /// What is wrong.
        reason: String,
    },
    /// A malformed policy variable (V1, V3).
    #[error("{0}")]
    Variable(String),
    /// A policy variable where IAM does not substitute them (V2, R5).
    #[error("policy variables are not allowed in {element}; they are supported in the resource part of Resource and in String, ARN and Bool condition values")]
    VariableNotAllowed {
        /// Where the variable stood.
        element: String,
    },
    /// A character IAM does not accept in policies (G11).
    #[error("character {0:?} is not allowed in a policy (only tab, newline, carriage return and U+0020 to U+00FF)")]
    Character(char),
    /// One of iam-eval's own bounds against hostile input was exceeded
    /// (never an AWS quota: those are warnings, see [`crate::Limits`]).
    #[error(
        "{what} exceeds the limit of {limit}, a bound iam-eval sets against hostile input (not an AWS quota); raise `Limits::{setting}`{}",
        cli_flag(setting)
    )]
    Limit {
        /// What was counted.
        what: &'static str,
        /// The limit in force.
        limit: usize,
        /// The [`crate::Limits`] field that sets it, e.g. `max_policy_bytes`.
        setting: &'static str,
    },
}

/// How to raise the limit `setting` from the command line, if it can be.
fn cli_flag(setting: &str) -> &'static str {
    match setting {
        "max_policy_bytes" => " (`--max-policy-bytes` on the command line)",
        _ => "",
    }
}

/// A policy that cannot be parsed or compiled, with where and why.
///
/// ```
/// use iam_eval::{PolicySet, PolicyErrorKind};
/// let err = PolicySet::from_json(r#"{"Version":"2012-10-17","Statement":[{"Effect":"allow","Action":"s3:*","Resource":"*"}]}"#)
///     .unwrap_err();
/// assert_eq!(err.location().path(), "Statement[0].Effect");
/// assert!(matches!(err.kind(), PolicyErrorKind::Effect(_)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    // Boxed so `Result<_, PolicyError>` stays one pointer wide (as serde_json does).
    inner: Box<(Location, PolicyErrorKind)>,
}

impl PolicyError {
    pub(crate) fn new(location: Location, kind: PolicyErrorKind) -> Self {
        PolicyError {
            inner: Box::new((location, kind)),
        }
    }

    /// Where the error is.
    pub fn location(&self) -> &Location {
        &self.inner.0
    }

    /// What the error is.
    pub fn kind(&self) -> &PolicyErrorKind {
        &self.inner.1
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location(), self.kind())
    }
}

impl std::error::Error for PolicyError {}

/// What a [`Warning`] is about, so tools can act on it without reading its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WarningKind {
    /// No `Version`: variables are literal (G2).
    MissingVersion,
    /// `Version` 2008-10-17 in a managed policy (G2).
    LegacyVersion,
    /// `Id` in an identity-based policy (G3).
    UnusedId,
    /// `Sid: ""` (G6).
    EmptySid,
    /// A `null` entry in a list, ignored (G8).
    NullEntry,
    /// A principal list that names no one (G10).
    EmptyPrincipalList,
    /// `Allow` with `NotAction` (A3).
    AllowWithNotAction,
    /// An empty condition value list (C6).
    EmptyConditionValues,
    /// The policy is larger than AWS's size quota for its type and
    /// attachment (L1); it still compiles and evaluates.
    PolicySizeExceedsQuota,
    /// A date IAM accepts but this crate cannot read (L4); the condition
    /// fails closed.
    DateNotUnderstood,
    /// A condition key no request carries: an `aws:` key that is not a
    /// global condition key, or a key with white space around it.
    UnknownConditionKey,
    /// An empty condition key.
    EmptyConditionKey,
    /// An ARN operator value with fewer than six parts, which never
    /// matches an ARN (O7).
    ArnValueNotAnArn,
    /// `"Principal": {}`: the statement names no one (G10).
    PrincipalNamesNoOne,
}

/// A problem that does not stop the policy from compiling but that a careful
/// author wants to know about (the `validate` command lists these).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub(crate) location: Location,
    pub(crate) kind: WarningKind,
    pub(crate) message: String,
}

impl Warning {
    /// What the warning is about.
    pub fn kind(&self) -> WarningKind {
        self.kind
    }

    /// Where the warning is.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// What the warning says.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}
