//! Switches for the points AWS does not document (the ⚠ items of
//! `docs/rules.md`, listed in its "Where AWS is silent" table). Every
//! default is the reading the rule book argues for, and where the evidence
//! is thin, the one that fails closed.

use crate::limits::Limits;

/// How a bare (unqualified) operator treats a multi-valued request key with
/// more than one value (C7).
///
/// AWS documents only that multivalued keys "require a condition set
/// operator"; what a bare operator does with several values is not
/// written down, so the default fails closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum BareMultiValue {
    /// The statement cannot be evaluated: a Deny applies and an Allow does
    /// not, and the explanation says so. Default: a Deny whose bare
    /// condition meets several values is never switched off, whichever
    /// way AWS reads them.
    #[default]
    FailClosed,
    /// The condition does not match, as AWS was observed to behave
    /// (boogy/iam-policy-validator#161) and Access Analyzer's "Missing
    /// qualifier" error implies. This switches a Deny off.
    NoMatch,
    /// Treat the operator as `ForAnyValue:` (what several peers do).
    AnyValue,
}

/// What an unresolvable variable inside a `NotResource` entry does (R7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum UnresolvedNotResource {
    /// The statement cannot be evaluated: a Deny applies and an Allow does
    /// not, and the explanation says so. Default.
    #[default]
    FailClosed,
    /// The entry matches nothing, as the variables page says literally, so
    /// the `NotResource` statement applies whatever its effect.
    EntryMatchesNothing,
}

/// Evaluation options, fixed when a [`crate::PolicySet`] is compiled.
///
/// ```
/// let mut options = iam_eval::Options::default();
/// options.bare_multi_value = iam_eval::BareMultiValue::AnyValue;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// C7: bare operator on a key with several values. Default: fail
    /// closed (a Deny applies, an Allow does not).
    pub bare_multi_value: BareMultiValue,
    /// V2: substitute variables in `Bool` values, as the condition-operators
    /// page allows (the variables page does not). Default: true.
    pub variables_in_bool: bool,
    /// G9: accept operator names in any case (`stringequals`). Default: false,
    /// only the documented spelling.
    pub operator_names_ignore_case: bool,
    /// C5: a key present with an empty string counts as absent for `Null`,
    /// `IfExists` and the missing-key rules. Default: false (present).
    pub empty_string_is_absent: bool,
    /// V3: a variable whose key is present with an empty value takes its
    /// default. Default: false (the default is for absent keys only).
    pub empty_value_uses_default: bool,
    /// R7: an unresolvable variable in `NotResource`. Default: fail closed.
    pub unresolved_not_resource: UnresolvedNotResource,
    /// R6: compare the partition, service, region and account of resource
    /// ARNs without regard to ASCII case. Default: true. The resource part is
    /// always case-sensitive.
    pub arn_head_ignore_case: bool,
    /// R4: let a `*` that ends a middle ARN segment match across colons, as
    /// the live Resource page can be read. Default: false (segment-wise, as
    /// every peer and the ArnLike docs do).
    pub arn_star_crosses_colons: bool,
    /// G2: treat a policy without `Version` as 2012-10-17 and substitute its
    /// variables. Default: false (2008 semantics, variables are literal).
    pub missing_version_substitutes: bool,
    /// Bounds on policy size and shape.
    pub limits: Limits,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            bare_multi_value: BareMultiValue::default(),
            variables_in_bool: true,
            operator_names_ignore_case: false,
            empty_string_is_absent: false,
            empty_value_uses_default: false,
            unresolved_not_resource: UnresolvedNotResource::default(),
            arn_head_ignore_case: true,
            arn_star_crosses_colons: false,
            missing_version_substitutes: false,
            limits: Limits::default(),
        }
    }
}
