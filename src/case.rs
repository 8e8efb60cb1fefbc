//! Request cases as data: the JSON Lines format of the conformance suite,
//! used by `iam-eval batch`, by the crate's own conformance test and by
//! users who test their policies in CI.
//!
//! ```json
//! {"id": "own-put",
//!  "policies": [{"kind": "identity", "document": {"Version": "2012-10-17", "Statement": []}}],
//!  "request": {"principal": "arn:aws:sts::123456789012:assumed-role/R/S", "action": "s3:PutObject",
//!              "resource": "arn:aws:s3:::b/k", "context": {"aws:SourceIp": "203.0.113.9"}},
//!  "expected": "Allow"}
//! ```

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::eval::Decision;
use crate::explain::Explanation;
use crate::options::Options;
use crate::policy::PolicyType;
use crate::request::{ContextValue, Request};
use crate::set::{PolicySet, PolicySetBuilder};

/// One case: policies, a request and, optionally, the expected decision.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[non_exhaustive]
pub struct Case {
    /// A name for the case, echoed in results.
    pub id: String,
    /// The policies, each with its kind.
    pub policies: Vec<CasePolicy>,
    /// The request.
    pub request: CaseRequest,
    /// The decision the case expects, if it states one.
    #[serde(default)]
    pub expected: Option<Decision>,
    /// Free text for people.
    #[serde(default)]
    pub note: Option<String>,
    /// Where the case comes from, for people.
    #[serde(default)]
    pub source: Option<String>,
    /// Free text for people.
    #[serde(default)]
    pub description: Option<String>,
}

/// One policy of a case.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[non_exhaustive]
pub struct CasePolicy {
    /// `identity`, `resource`, `trust`, `boundary`, `scp`, `rcp` or `session`.
    pub kind: String,
    /// The policy document, kept as written so errors point into it.
    pub document: Box<RawValue>,
    /// A name for explanations; defaults to `policies[N]`.
    #[serde(default)]
    pub id: Option<String>,
    /// Organization level for SCPs and RCPs (0 = root).
    #[serde(default)]
    pub level: Option<u32>,
}

/// The request of a case.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[non_exhaustive]
pub struct CaseRequest {
    /// The principal ARN, account, service or web-identity provider.
    #[serde(default)]
    pub principal: Option<String>,
    /// The action.
    pub action: String,
    /// The resource ARN, or `*`.
    pub resource: String,
    /// The account that owns the resource, when the ARN does not say.
    #[serde(default)]
    pub resource_account: Option<String>,
    /// Context keys: a string, or an array of strings for a multi-valued key.
    #[serde(default)]
    pub context: BTreeMap<String, CaseValue>,
}

/// A context value in a case.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum CaseValue {
    /// A single value.
    One(String),
    /// A multi-valued key.
    Many(Vec<String>),
}

/// What evaluating a case gave.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CaseResult {
    /// The case id.
    pub id: String,
    /// The decision.
    pub decision: Decision,
    /// The expected decision, if the case gave one.
    pub expected: Option<Decision>,
    /// The explanation of the decision.
    pub explanation: Explanation,
}

impl CaseResult {
    /// False only when an expected decision was given and differs.
    pub fn matches_expectation(&self) -> bool {
        self.expected.is_none_or(|e| e == self.decision)
    }
}

impl Case {
    /// Parses one case from JSON.
    pub fn from_json(text: &str) -> Result<Case, String> {
        // serde keeps the last of two equal context keys (and the policy
        // reader never sees the case's own keys): refuse them (G1).
        crate::json::check_unique(text).map_err(|e| format!("invalid case: {e}"))?;
        serde_json::from_str(text).map_err(|e| format!("invalid case: {e}"))
    }

    /// Builds the request.
    pub fn build_request(&self) -> Request {
        let r = &self.request;
        let mut builder = Request::builder(r.action.as_str(), r.resource.as_str());
        if let Some(p) = &r.principal {
            builder = builder.principal(p.as_str());
        }
        if let Some(a) = &r.resource_account {
            builder = builder.resource_account(a.as_str());
        }
        for (key, value) in &r.context {
            let value = match value {
                CaseValue::One(v) => ContextValue::Single(v.clone()),
                CaseValue::Many(vs) => ContextValue::Multi(vs.clone()),
            };
            builder = builder.context(key, value);
        }
        builder.build()
    }

    /// Compiles the case's policies. The error names the policy and says
    /// what is wrong with it.
    pub fn build_policy_set(&self, options: &Options) -> Result<PolicySet, String> {
        let mut builder = PolicySetBuilder::with_options(options.clone());
        for (index, policy) in self.policies.iter().enumerate() {
            let kind: PolicyType = policy
                .kind
                .parse()
                .map_err(|e| format!("policies[{index}]: {e}"))?;
            let id = policy
                .id
                .clone()
                .unwrap_or_else(|| format!("policies[{index}]"));
            builder
                .add_at_level(&id, kind, policy.level.unwrap_or(0), policy.document.get())
                .map_err(|e| e.to_string())?;
        }
        Ok(builder.build())
    }

    /// Compiles, evaluates and explains the case.
    pub fn run(&self, options: &Options) -> Result<CaseResult, String> {
        let set = self.build_policy_set(options)?;
        let request = self.build_request();
        let response = set.evaluate(&request);
        Ok(CaseResult {
            id: self.id.clone(),
            decision: response.decision(),
            expected: self.expected,
            explanation: response.explanation(),
        })
    }
}
