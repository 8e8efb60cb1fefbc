//! The IAM policy simulator's interface: the input of
//! `aws iam simulate-custom-policy --cli-input-json` in, its
//! `EvaluationResults` out (M1-M5), so scripts written against the simulator
//! can run offline.
//!
//! Sources: <https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulateCustomPolicy.html>,
//! <https://docs.aws.amazon.com/IAM/latest/APIReference/API_EvaluationResult.html>.
//!
//! ```
//! use iam_eval::simulator::{simulate, SimulateInput};
//! let input: SimulateInput = serde_json::from_str(r#"{
//!   "PolicyInputList": ["{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"dynamodb:*\",\"Resource\":\"*\",\"Condition\":{\"DateGreaterThan\":{\"aws:CurrentTime\":\"2018-08-16T12:00:00Z\"}}}}"],
//!   "ActionNames": ["dynamodb:CreateBackup"],
//!   "ContextEntries": [{"ContextKeyName": "aws:CurrentTime", "ContextKeyValues": ["2019-04-25T11:00:00Z"], "ContextKeyType": "date"}]
//! }"#)?;
//! let output = simulate(&input)?;
//! assert_eq!(output.evaluation_results[0].eval_decision, "allowed");
//! assert_eq!(output.evaluation_results[0].matched_statements[0].source_policy_id, "PolicyInputList.1");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use serde::{Deserialize, Serialize};

use crate::compile::Position;
use crate::condition::{decode_base64, parse_date, parse_network, Decimal};
use crate::eval::Decision;
use crate::explain::Explanation;
use crate::policy::PolicyType;
use crate::request::{Context, ContextValue, Request};
use crate::set::PolicySet;

/// The request of `SimulateCustomPolicy`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct SimulateInput {
    /// Identity-based policies, each a JSON document in a string.
    pub policy_input_list: Vec<String>,
    /// Permissions boundaries, each a JSON document in a string.
    #[serde(default)]
    pub permissions_boundary_policy_input_list: Vec<String>,
    /// The actions to simulate.
    pub action_names: Vec<String>,
    /// The resources (default `*`).
    #[serde(default)]
    pub resource_arns: Vec<String>,
    /// A resource-based policy, as a JSON document in a string.
    #[serde(default)]
    pub resource_policy: Option<String>,
    /// The resource's owner: an account id or an ARN with the account.
    #[serde(default)]
    pub resource_owner: Option<String>,
    /// The caller's ARN.
    #[serde(default)]
    pub caller_arn: Option<String>,
    /// Context keys with their types.
    #[serde(default)]
    pub context_entries: Vec<ContextEntry>,
    /// EC2 scenarios; accepted and not modelled.
    #[serde(default)]
    pub resource_handling_option: Option<String>,
    /// Paging: at most this many `EvaluationResults` (1 to 1,000). Without
    /// it every result is returned, as the AWS CLI prints after following
    /// every page (the API itself pages at 100).
    #[serde(default)]
    pub max_items: Option<u32>,
    /// Paging: the `Marker` of the previous page's output, to go on from.
    #[serde(default)]
    pub marker: Option<String>,
}

/// One `ContextEntries` item (M1).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct ContextEntry {
    /// The key.
    pub context_key_name: String,
    /// Its values.
    pub context_key_values: Vec<String>,
    /// `string`, `stringList`, `numeric`, `numericList`, `boolean`,
    /// `booleanList`, `ip`, `ipList`, `binary`, `binaryList`, `date`, `dateList`.
    pub context_key_type: String,
}

/// `{Line, Column}`.
pub type SimulatorPosition = Position;

/// One `MatchedStatements` entry (M3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct MatchedStatement {
    /// `PolicyInputList.N`, `PermissionsBoundaryPolicyInputList.N` or `ResourcePolicy`.
    pub source_policy_id: String,
    /// `user-managed`, `resource` or `permissions-boundary`.
    pub source_policy_type: String,
    /// Where the statement starts.
    pub start_position: SimulatorPosition,
    /// Where it ends.
    pub end_position: SimulatorPosition,
}

/// `PermissionsBoundaryDecisionDetail`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct BoundaryDetail {
    /// Whether the boundary allowed the request.
    pub allowed_by_permissions_boundary: bool,
}

/// One `ResourceSpecificResults` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct ResourceSpecificResult {
    /// The resource.
    pub eval_resource_name: String,
    /// `allowed`, `explicitDeny` or `implicitDeny`.
    pub eval_resource_decision: &'static str,
    /// The statements that decided.
    pub matched_statements: Vec<MatchedStatement>,
    /// Context keys the policies consult that the input lacks.
    pub missing_context_values: Vec<String>,
    /// Present when boundaries were simulated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permissions_boundary_decision_detail: Option<BoundaryDetail>,
}

/// One `EvaluationResults` entry: one per action (M5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct EvaluationResult {
    /// The action.
    pub eval_action_name: String,
    /// The resource when one was simulated, else `*`.
    pub eval_resource_name: String,
    /// The most restrictive decision across the resources (M5).
    pub eval_decision: &'static str,
    /// The statements that decided (for one resource).
    pub matched_statements: Vec<MatchedStatement>,
    /// Context keys the policies consult that the input lacks.
    pub missing_context_values: Vec<String>,
    /// Present when boundaries were simulated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permissions_boundary_decision_detail: Option<BoundaryDetail>,
    /// One entry per resource when specific resources were simulated.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub resource_specific_results: Vec<ResourceSpecificResult>,
}

/// The response of `SimulateCustomPolicy`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct SimulateOutput {
    /// One result per action.
    pub evaluation_results: Vec<EvaluationResult>,
    /// Whether more results follow `MaxItems` (M7).
    pub is_truncated: bool,
    /// When truncated: the input's `Marker` for the next page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub marker: Option<String>,
}

/// Why a simulation input was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SimulateError(String);

fn decision_name(decision: Decision) -> &'static str {
    match decision {
        Decision::Allow => "allowed",
        Decision::ExplicitDeny => "explicitDeny",
        Decision::ImplicitDeny => "implicitDeny",
    }
}

/// Runs a simulation: the page `MaxItems` and `Marker` ask for, or every
/// result without them, collected. [`Simulation`] yields the same results
/// one at a time instead.
pub fn simulate(input: &SimulateInput) -> Result<SimulateOutput, SimulateError> {
    let mut simulation = Simulation::new(input)?;
    let is_truncated = simulation.is_truncated();
    let marker = simulation.marker();
    Ok(SimulateOutput {
        evaluation_results: simulation.by_ref().collect(),
        is_truncated,
        marker,
    })
}

/// AWS's bounds on `MaxItems` and on a `Marker`'s length (M7).
const MAX_ITEMS: std::ops::RangeInclusive<u32> = 1..=1000;
const MARKER_CHARS: usize = 320;

/// A simulation's page of results, each evaluated when it is taken, so
/// memory does not grow with the number of results (one action's
/// resource results at a time). Paged as the API pages (M7):
/// <https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulateCustomPolicy.html>.
///
/// ```
/// use iam_eval::simulator::{Simulation, SimulateInput};
/// let input: SimulateInput = serde_json::from_str(r#"{
///   "PolicyInputList": ["{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:Get*\",\"Resource\":\"*\"}}"],
///   "ActionNames": ["s3:GetObject", "s3:PutObject", "s3:GetBucketPolicy"],
///   "MaxItems": 2
/// }"#)?;
/// let mut page = Simulation::new(&input)?;
/// assert!(page.is_truncated());
/// assert_eq!(page.marker().as_deref(), Some("2"));
/// let decisions: Vec<_> = page.by_ref().map(|r| r.eval_decision).collect();
/// assert_eq!(decisions, ["allowed", "implicitDeny"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Simulation<'a> {
    input: &'a SimulateInput,
    set: PolicySet,
    context: Context,
    resources: Vec<&'a str>,
    /// The next action to simulate, and the end of the page.
    next: usize,
    end: usize,
}

impl<'a> Simulation<'a> {
    /// Compiles the input's policies and context and finds its page.
    pub fn new(input: &'a SimulateInput) -> Result<Self, SimulateError> {
        let actions = input.action_names.len();
        let start = match &input.marker {
            None => 0,
            Some(marker) => parse_marker(marker, actions)?,
        };
        let end = match input.max_items {
            None => actions,
            Some(n) if MAX_ITEMS.contains(&n) => start
                .saturating_add(usize::try_from(n).unwrap_or(usize::MAX))
                .min(actions),
            Some(n) => {
                return Err(SimulateError(format!(
                    "MaxItems `{n}` is out of range: 1 to 1000"
                )))
            }
        };
        let resources = if input.resource_arns.is_empty() {
            vec!["*"]
        } else {
            input.resource_arns.iter().map(String::as_str).collect()
        };
        // The simulator refuses input it cannot read (InvalidInput); so does
        // this, before any result: a malformed action or caller is an error.
        for action in input.action_names.get(start..end).unwrap_or_default() {
            let mut builder = Request::builder(action.as_str(), "*");
            if let Some(caller) = &input.caller_arn {
                builder = builder.principal(caller.as_str());
            }
            builder
                .try_build()
                .map_err(|e| SimulateError(e.to_string()))?;
        }
        Ok(Simulation {
            set: build_set(input)?,
            context: build_context(&input.context_entries)?,
            input,
            resources,
            next: start,
            end,
        })
    }

    /// Whether results follow this page.
    pub fn is_truncated(&self) -> bool {
        self.end < self.input.action_names.len()
    }

    /// The `Marker` that asks for the next page, when there is one.
    pub fn marker(&self) -> Option<String> {
        self.is_truncated().then(|| self.end.to_string())
    }

    /// Writes the page as the simulator's output JSON, each result
    /// serialized as soon as it is evaluated; returns how many were written
    /// and whether every one was `allowed`.
    pub fn write_json(
        mut self,
        writer: impl std::io::Write,
        pretty: bool,
    ) -> Result<Written, SimulateError> {
        let written = std::cell::Cell::new(Written {
            results: 0,
            all_allowed: true,
        });
        let page = StreamedPage {
            is_truncated: self.is_truncated(),
            marker: self.marker(),
            results: std::cell::RefCell::new(&mut self),
            written: &written,
        };
        let result = match pretty {
            true => serde_json::to_writer_pretty(writer, &page),
            false => serde_json::to_writer(writer, &page),
        };
        result.map_err(|e| SimulateError(format!("cannot write the output: {e}")))?;
        Ok(written.get())
    }

    /// Evaluates one action against every resource.
    fn evaluate(&self, action: &str) -> EvaluationResult {
        let resource_account = self.input.resource_owner.as_deref().map(owner_account);
        let mut per_resource = Vec::with_capacity(self.resources.len());
        for resource in &self.resources {
            let mut builder =
                Request::builder(action, *resource).with_context(self.context.clone());
            if let Some(caller) = &self.input.caller_arn {
                builder = builder.principal(caller.as_str());
            }
            if let Some(account) = resource_account {
                builder = builder.resource_account(account);
            }
            let request = builder.build();
            let explanation = self.set.evaluate(&request).explanation();
            per_resource.push(resource_result(resource, &explanation));
        }
        action_result(action, per_resource, &self.resources)
    }
}

impl Iterator for Simulation<'_> {
    type Item = EvaluationResult;

    fn next(&mut self) -> Option<EvaluationResult> {
        if self.next >= self.end {
            return None;
        }
        let action = self.input.action_names.get(self.next)?;
        self.next += 1;
        Some(self.evaluate(action))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.end.saturating_sub(self.next);
        (left, Some(left))
    }
}

/// What [`Simulation::write_json`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Written {
    /// How many `EvaluationResults`.
    pub results: usize,
    /// Whether each was `allowed`.
    pub all_allowed: bool,
}

/// [`SimulateOutput`]'s shape, with the results drawn from the simulation
/// while they are serialized.
struct StreamedPage<'s, 'a> {
    results: std::cell::RefCell<&'s mut Simulation<'a>>,
    is_truncated: bool,
    marker: Option<String>,
    written: &'s std::cell::Cell<Written>,
}

impl Serialize for StreamedPage<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let fields = if self.marker.is_some() { 3 } else { 2 };
        let mut page = serializer.serialize_struct("SimulateOutput", fields)?;
        page.serialize_field("EvaluationResults", &StreamedResults(self))?;
        page.serialize_field("IsTruncated", &self.is_truncated)?;
        if let Some(marker) = &self.marker {
            page.serialize_field("Marker", marker)?;
        }
        page.end()
    }
}

struct StreamedResults<'p, 's, 'a>(&'p StreamedPage<'s, 'a>);

impl Serialize for StreamedResults<'_, '_, '_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut simulation = self.0.results.borrow_mut();
        let written = self.0.written;
        serializer.collect_seq(simulation.by_ref().inspect(|result| {
            let mut w = written.get();
            w.results += 1;
            w.all_allowed &= result.eval_decision == "allowed";
            written.set(w);
        }))
    }
}

/// A `Marker` this simulator wrote: the index of the next action. AWS's
/// own constraints (1 to 320 characters from U+0020 to U+00FF) come first.
fn parse_marker(marker: &str, actions: usize) -> Result<usize, SimulateError> {
    let chars = marker.chars().count();
    let shape_ok = (1..=MARKER_CHARS).contains(&chars)
        && marker.chars().all(|c| ('\u{20}'..='\u{ff}').contains(&c));
    match marker.parse::<usize>() {
        Ok(next) if shape_ok && next <= actions => Ok(next),
        _ => Err(SimulateError(format!(
            "Marker `{marker}` is not one this simulation returned (the index of the next action, at most {actions})"
        ))),
    }
}

fn build_set(input: &SimulateInput) -> Result<PolicySet, SimulateError> {
    let mut builder = PolicySet::builder();
    let mut add = |id: String, policy_type: PolicyType, text: &str| {
        builder
            .add(&id, policy_type, text)
            .map(|_| ())
            .map_err(|e| SimulateError(e.to_string()))
    };
    for (i, text) in input.policy_input_list.iter().enumerate() {
        add(
            format!("PolicyInputList.{}", i + 1),
            PolicyType::Identity,
            text,
        )?;
    }
    for (i, text) in input
        .permissions_boundary_policy_input_list
        .iter()
        .enumerate()
    {
        add(
            format!("PermissionsBoundaryPolicyInputList.{}", i + 1),
            PolicyType::Boundary,
            text,
        )?;
    }
    if let Some(text) = &input.resource_policy {
        add("ResourcePolicy".to_owned(), PolicyType::Resource, text)?;
    }
    Ok(builder.build())
}

/// `123456789012` or any ARN whose account segment is set.
fn owner_account(owner: &str) -> &str {
    crate::arn::Arn::parse(owner).map_or(owner, |arn| arn.account())
}

/// Checks each value against its declared type, as the simulator does, and
/// makes `…List` types multi-valued (M1).
fn build_context(entries: &[ContextEntry]) -> Result<Context, SimulateError> {
    let mut context = Context::new();
    for entry in entries {
        let (base, list) = match entry.context_key_type.strip_suffix("List") {
            Some(base) => (base, true),
            None => (entry.context_key_type.as_str(), false),
        };
        let valid: fn(&str) -> bool = match base {
            "string" => |_| true,
            "numeric" => |v| Decimal::parse(v).is_some(),
            "boolean" => |v| v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("false"),
            "ip" => |v| parse_network(v).is_some(),
            "binary" => |v| decode_base64(v).is_some(),
            "date" => |v| parse_date(v).is_some(),
            other => return Err(SimulateError(format!("unknown ContextKeyType `{other}`"))),
        };
        if let Some(bad) = entry.context_key_values.iter().find(|v| !valid(v)) {
            return Err(SimulateError(format!(
                "context key `{}`: `{bad}` is not a valid {base} value",
                entry.context_key_name
            )));
        }
        let value = match (list, entry.context_key_values.as_slice()) {
            (true, values) => ContextValue::Multi(values.to_vec()),
            // The simulator ignores a key left empty (M6).
            (false, []) => continue,
            (false, [one]) => ContextValue::Single(one.clone()),
            (false, _) => {
                return Err(SimulateError(format!(
                    "context key `{}` has type {base} but several values; use {base}List",
                    entry.context_key_name
                )))
            }
        };
        // A key given twice, in any case, holds the values of both (C2).
        context.add(&entry.context_key_name, value);
    }
    Ok(context)
}

fn matched(explanation: &Explanation) -> Vec<MatchedStatement> {
    // The simulator's policies are texts of their own (`TextOrigin::Whole`),
    // so every statement has its position.
    explanation
        .decided_by
        .iter()
        .map(|s| MatchedStatement {
            source_policy_id: s.policy_id.clone(),
            source_policy_type: match s.policy_type {
                PolicyType::Resource => "resource",
                PolicyType::Boundary => "permissions-boundary",
                _ => "user-managed",
            }
            .to_owned(),
            start_position: s.start.unwrap_or_default(),
            end_position: s.end.unwrap_or_default(),
        })
        .collect()
}

fn resource_result(resource: &str, explanation: &Explanation) -> ResourceSpecificResult {
    ResourceSpecificResult {
        eval_resource_name: resource.to_owned(),
        eval_resource_decision: decision_name(explanation.decision),
        matched_statements: matched(explanation),
        missing_context_values: explanation.missing_context_keys.clone(),
        permissions_boundary_decision_detail: explanation.allowed_by_permissions_boundary.map(
            |allowed| BoundaryDetail {
                allowed_by_permissions_boundary: allowed,
            },
        ),
    }
}

fn severity(decision: &str) -> u8 {
    match decision {
        "explicitDeny" => 2,
        "implicitDeny" => 1,
        _ => 0,
    }
}

fn action_result(
    action: &str,
    mut per_resource: Vec<ResourceSpecificResult>,
    resources: &[&str],
) -> EvaluationResult {
    // M5: the top-level decision is the most restrictive across resources.
    let worst = per_resource
        .iter()
        .max_by_key(|r| severity(r.eval_resource_decision))
        .cloned();
    let single = resources.len() == 1;
    let mut result = EvaluationResult {
        eval_action_name: action.to_owned(),
        eval_resource_name: if single {
            resources.first().copied().unwrap_or("*")
        } else {
            "*"
        }
        .to_owned(),
        eval_decision: worst
            .as_ref()
            .map_or("implicitDeny", |w| w.eval_resource_decision),
        matched_statements: Vec::new(),
        missing_context_values: Vec::new(),
        permissions_boundary_decision_detail: None,
        resource_specific_results: Vec::new(),
    };
    if let Some(worst) = worst.filter(|_| single) {
        result.matched_statements = worst.matched_statements;
        result.missing_context_values = worst.missing_context_values;
        result.permissions_boundary_decision_detail = worst.permissions_boundary_decision_detail;
    }
    // M4: per-resource results when specific resources were simulated.
    if resources != ["*"] {
        result.resource_specific_results = std::mem::take(&mut per_resource);
    }
    result
}
