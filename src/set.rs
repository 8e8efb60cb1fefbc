//! [`PolicySet`]: policies compiled once, shared cheaply, evaluated many
//! times.

use std::sync::Arc;

use crate::compile::{compile_document, CompiledPolicy};
use crate::error::{Location, PolicyError, PolicyErrorKind, Warning};
use crate::eval::{decide, walk, Decision, Verdict};
use crate::explain::{explain, Explanation};
use crate::index::{self, Group};
use crate::json::LineIndex;
use crate::options::Options;
use crate::origin::{Source, TextOrigin};
use crate::parse::{parse_document, Diagnostics, Problem};
use crate::policy::PolicyType;
use crate::request::Request;

/// Compiled policies of any types, ready to evaluate requests.
///
/// Immutable, `Send + Sync`, and cheap to clone (a reference-count bump), so
/// one set can serve every thread of an authorizer.
///
/// ```
/// use iam_eval::{Decision, PolicySet, Request};
/// let set = PolicySet::from_json(r#"{
///   "Version": "2012-10-17",
///   "Statement": [{
///     "Effect": "Allow",
///     "Action": ["s3:GetObject", "s3:PutObject"],
///     "Resource": "arn:aws:s3:::notes/private/${cognito-identity.amazonaws.com:sub}/*"
///   }]
/// }"#)?;
/// let own = Request::builder("s3:GetObject", "arn:aws:s3:::notes/private/us-east-1:1111/a.txt")
///     .context("cognito-identity.amazonaws.com:sub", "us-east-1:1111")
///     .build();
/// assert_eq!(set.evaluate(&own).decision(), Decision::Allow);
///
/// let other = Request::builder("s3:GetObject", "arn:aws:s3:::notes/private/us-east-1:2222/a.txt")
///     .context("cognito-identity.amazonaws.com:sub", "us-east-1:1111")
///     .build();
/// let response = set.evaluate(&other);
/// assert_eq!(response.decision(), Decision::ImplicitDeny);
/// println!("{}", response.explanation()); // names the resource pattern, resolved
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct PolicySet {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    policies: Vec<CompiledPolicy>,
    /// `policies` by (type, level), the large groups indexed by action and
    /// resource prefix.
    groups: Box<[Group]>,
    options: Options,
    warnings: Vec<Warning>,
}

impl PolicySet {
    /// Compiles one identity-based policy with default options; its id is `policy`.
    pub fn from_json(text: &str) -> Result<Self, PolicyError> {
        let mut builder = PolicySet::builder();
        builder.add("policy", PolicyType::Identity, text)?;
        Ok(builder.build())
    }

    /// Starts a set with default [`Options`].
    pub fn builder() -> PolicySetBuilder {
        PolicySetBuilder::with_options(Options::default())
    }

    /// Decides `request`. Deciding allocates nothing; the explanation is
    /// computed only when [`Response::explanation`] is called.
    #[inline] // a thin wrapper: the caller keeps only the fields it reads
    pub fn evaluate<'a>(&'a self, request: &'a Request) -> Response<'a> {
        let verdict = decide(
            &self.inner.policies,
            &self.inner.groups,
            request,
            &self.inner.options,
        );
        Response {
            verdict,
            set: self,
            request,
        }
    }

    /// The decision reached by walking every statement, without the index
    /// [`PolicySet::evaluate`] uses. The reference that the indexed decision
    /// is tested against (tests/index_equivalence.rs); not part of the API.
    #[doc(hidden)]
    pub fn evaluate_unindexed(&self, request: &Request) -> Decision {
        walk(
            &self.inner.policies,
            request,
            &self.inner.options,
            |_, _, _| {},
        )
        .decision
    }

    /// The options the set was compiled with.
    pub fn options(&self) -> &Options {
        &self.inner.options
    }

    /// Warnings found while compiling (see [`validate`]).
    pub fn warnings(&self) -> &[Warning] {
        &self.inner.warnings
    }

    /// The number of policies in the set.
    pub fn len(&self) -> usize {
        self.inner.policies.len()
    }

    /// True when the set has no policy (every request is implicitly denied).
    pub fn is_empty(&self) -> bool {
        self.inner.policies.is_empty()
    }

    /// The number of statements across all policies.
    pub fn statement_count(&self) -> usize {
        self.inner.policies.iter().map(|p| p.statements.len()).sum()
    }

    pub(crate) fn policies(&self) -> &[CompiledPolicy] {
        &self.inner.policies
    }
}

/// Adds policies to a [`PolicySet`].
///
/// ```
/// use iam_eval::{PolicySet, PolicyType};
/// let mut builder = PolicySet::builder();
/// builder
///     .add("role-policy", PolicyType::Identity, r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#)?
///     .add_at_level("root-scp", PolicyType::Scp, 0, r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#)?;
/// let set = builder.build();
/// assert_eq!(set.len(), 2);
/// # Ok::<(), iam_eval::PolicyError>(())
/// ```
#[derive(Debug)]
pub struct PolicySetBuilder {
    policies: Vec<CompiledPolicy>,
    warnings: Vec<Warning>,
    options: Options,
}

impl PolicySetBuilder {
    /// Starts a set whose policies compile with `options`.
    pub fn with_options(options: Options) -> Self {
        PolicySetBuilder {
            policies: Vec::new(),
            warnings: Vec::new(),
            options,
        }
    }

    /// Parses and compiles one policy. On error nothing is added and the
    /// first error is returned; [`validate`] lists them all.
    pub fn add(
        &mut self,
        id: &str,
        policy_type: PolicyType,
        text: &str,
    ) -> Result<&mut Self, PolicyError> {
        self.add_at_level(id, policy_type, 0, text)
    }

    /// Like [`PolicySetBuilder::add`], for SCPs and RCPs at an organization
    /// level (0 = root, then each OU, then the account). Every level present
    /// must allow a request (E4).
    pub fn add_at_level(
        &mut self,
        id: &str,
        policy_type: PolicyType,
        level: u32,
        text: &str,
    ) -> Result<&mut Self, PolicyError> {
        self.add_from(id, policy_type, level, text, TextOrigin::Whole)
    }

    /// Like [`PolicySetBuilder::add_at_level`], for a policy text that is
    /// not a file of its own: `origin` says where it sits in the user's
    /// file, so errors, warnings and explanations point there (or give no
    /// line for a rebuilt text).
    pub fn add_from(
        &mut self,
        id: &str,
        policy_type: PolicyType,
        level: u32,
        text: &str,
        origin: TextOrigin,
    ) -> Result<&mut Self, PolicyError> {
        let source = Source { text, origin };
        let (policy, warnings) = compile_policy(id, policy_type, level, source, &self.options)
            .map_err(|mut errors| errors.remove(0))?;
        self.policies.push(policy);
        self.warnings.extend(warnings);
        Ok(self)
    }

    /// Finishes the set.
    pub fn build(mut self) -> PolicySet {
        // The walker tallies SCP and RCP levels in one pass over sorted policies.
        self.policies.sort_by_key(|p| (p.policy_type, p.level));
        let groups = index::build(&self.policies, &self.options);
        PolicySet {
            inner: Arc::new(Inner {
                policies: self.policies,
                groups,
                options: self.options,
                warnings: self.warnings,
            }),
        }
    }
}

/// Everything [`validate`] found in one policy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Problems that stop the policy from compiling.
    pub errors: Vec<PolicyError>,
    /// Problems worth fixing that do not stop it.
    pub warnings: Vec<Warning>,
}

impl Report {
    /// True when there are no errors.
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty()
    }
}

/// Checks a policy of type `policy_type` and reports every error and warning
/// found, each with its location.
///
/// ```
/// use iam_eval::{validate, Options, PolicyType};
/// let report = validate(
///     r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
///         "Condition":{"DateLessThan":{"aws:CurrentTime":"tomorrow"}}}]}"#,
///     PolicyType::Identity,
///     &Options::default(),
/// );
/// assert_eq!(report.errors[0].location().path(), "Statement[0].Condition.DateLessThan.aws:CurrentTime");
/// ```
pub fn validate(text: &str, policy_type: PolicyType, options: &Options) -> Report {
    let source = Source {
        text,
        origin: TextOrigin::Whole,
    };
    match compile_policy("", policy_type, 0, source, options) {
        Ok((_, warnings)) => Report {
            errors: Vec::new(),
            warnings,
        },
        Err(errors) => {
            // Recompute warnings alongside the errors.
            let mut diags = Diagnostics::default();
            if let Some(document) = parse_document(text, policy_type, &options.limits, &mut diags) {
                crate::never_applies::warn(&document, &mut diags);
            }
            let (_, warnings) = split(diags, source, None);
            Report { errors, warnings }
        }
    }
}

type Compiled = (CompiledPolicy, Vec<Warning>);

fn compile_policy(
    id: &str,
    policy_type: PolicyType,
    level: u32,
    source: Source<'_>,
    options: &Options,
) -> Result<Compiled, Vec<PolicyError>> {
    let mut diags = Diagnostics::default();
    let policy_id = (!id.is_empty()).then(|| id.to_owned());
    let text = source.text;
    let Some(document) = parse_document(text, policy_type, &options.limits, &mut diags) else {
        let mut errors = split(diags, source, policy_id.clone()).0;
        if errors.is_empty() {
            // The parser reports why it gave up; should it ever not, the
            // policy is still refused rather than silently dropped.
            let location = Location {
                policy_id,
                path: String::new(),
                position: source.origin.place(1, 1),
                sid: None,
            };
            let kind = PolicyErrorKind::Syntax("the policy could not be read".into());
            errors.push(PolicyError::new(location, kind));
        }
        return Err(errors);
    };
    crate::never_applies::warn(&document, &mut diags);
    let policy = compile_document(
        &document,
        source,
        Arc::from(id),
        policy_type,
        level,
        options,
        &mut diags,
    );
    let (errors, warnings) = split(diags, source, policy_id);
    if errors.is_empty() {
        Ok((policy, warnings))
    } else {
        Err(errors)
    }
}

fn split(
    diags: Diagnostics,
    source: Source<'_>,
    policy_id: Option<String>,
) -> (Vec<PolicyError>, Vec<Warning>) {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    if diags.items.is_empty() {
        return (errors, warnings);
    }
    let lines = LineIndex::new(source.text);
    for d in diags.items {
        let (line, column) = lines.position(source.text, d.offset);
        let location = Location {
            policy_id: policy_id.clone(),
            path: d.path,
            position: source.origin.place(line, column),
            sid: d.sid,
        };
        match d.problem {
            Problem::Error(kind) => errors.push(PolicyError::new(location, kind)),
            Problem::Warning(kind, message) => warnings.push(Warning {
                location,
                kind,
                message,
            }),
        }
    }
    (errors, warnings)
}

/// The result of evaluating a request: the decision now, the explanation on
/// demand.
#[derive(Debug, Clone, Copy)]
pub struct Response<'a> {
    verdict: Verdict,
    set: &'a PolicySet,
    request: &'a Request,
}

impl Response<'_> {
    /// `Allow`, `ExplicitDeny` or `ImplicitDeny`.
    pub fn decision(&self) -> Decision {
        self.verdict.decision
    }

    /// True only when the decision is `Allow`.
    pub fn is_allowed(&self) -> bool {
        self.verdict.decision.is_allowed()
    }

    /// Why: the deciding statements, why every other statement for this
    /// action did not apply, and the context keys the request lacked.
    /// Computed now, by evaluating again with tracing.
    pub fn explanation(&self) -> Explanation {
        explain(self.set, self.request, self.verdict)
    }
}
