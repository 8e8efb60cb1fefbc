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
use std::fmt;

use serde::de;
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
    /// A key written twice, in the same or another case, holds the values of
    /// both (C2), as [`Context::add`](crate::Context::add) does.
    #[serde(default, deserialize_with = "context_map")]
    pub context: BTreeMap<String, CaseValue>,
}

/// A context value in a case.
#[derive(Debug, Clone)]
pub enum CaseValue {
    /// A single value.
    One(String),
    /// A multi-valued key.
    Many(Vec<String>),
}

impl CaseValue {
    fn into_values(self) -> Vec<String> {
        match self {
            CaseValue::One(v) => vec![v],
            CaseValue::Many(vs) => vs,
        }
    }
}

impl<'de> Deserialize<'de> for CaseValue {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor { key: None })
    }
}

/// Reads one context value, naming its key in errors: `#[serde(untagged)]`
/// would say only "data did not match any variant".
struct ValueVisitor<'k> {
    key: Option<&'k str>,
}

impl<'de> de::Visitor<'de> for ValueVisitor<'_> {
    type Value = CaseValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or an array of strings (write numbers and booleans in quotes, as AWS passes every context value as text)")?;
        match self.key {
            Some(key) => write!(f, " for context key `{key}`"),
            None => Ok(()),
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<CaseValue, E> {
        Ok(CaseValue::One(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<CaseValue, E> {
        Ok(CaseValue::One(v))
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<CaseValue, A::Error> {
        let mut values = Vec::new();
        while let Some(value) = seq.next_element_seed(ElementSeed {
            key: self.key,
            index: values.len(),
        })? {
            values.push(value);
        }
        Ok(CaseValue::Many(values))
    }
}

/// One string of a multi-valued context key.
struct ElementSeed<'k> {
    key: Option<&'k str>,
    index: usize,
}

impl<'de> de::DeserializeSeed<'de> for ElementSeed<'_> {
    type Value = String;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl de::Visitor<'_> for ElementSeed<'_> {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a string at index {}", self.index)?;
        match self.key {
            Some(key) => write!(f, " of context key `{key}`"),
            None => Ok(()),
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }
}

/// The context of a case: keys written twice (in any case) are merged.
fn context_map<'de, D: de::Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, CaseValue>, D::Error> {
    struct MapVisitor;
    impl<'de> de::Visitor<'de> for MapVisitor {
        type Value = BTreeMap<String, CaseValue>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object of context keys, each a string or an array of strings")
        }

        fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out: BTreeMap<String, CaseValue> = BTreeMap::new();
            while let Some(key) = map.next_key::<String>()? {
                let value = map.next_value_seed(ValueSeed { key: &key })?;
                match out.remove(&key) {
                    None => {
                        out.insert(key, value);
                    }
                    Some(earlier) => {
                        // The same spelling twice: JSON would keep only the
                        // last; both values are kept instead (C2).
                        let mut values = earlier.into_values();
                        values.extend(value.into_values());
                        out.insert(key, CaseValue::Many(values));
                    }
                }
            }
            Ok(out)
        }
    }
    deserializer.deserialize_map(MapVisitor)
}

struct ValueSeed<'k> {
    key: &'k str,
}

impl<'de> de::DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = CaseValue;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<CaseValue, D::Error> {
        deserializer.deserialize_any(ValueVisitor {
            key: Some(self.key),
        })
    }
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
            // Keys that differ only in case are merged, not overwritten (C2).
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
