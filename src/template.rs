//! Simulate an identity pool straight from a CloudFormation, SAM or
//! Serverless Framework template, before anything is deployed.
//!
//! [`load`] reads the template (JSON, or YAML with short-form tags such as
//! `!Ref`, `!Sub` and `!GetAtt`), resolves the intrinsic functions the
//! policies need, and builds the same pool file that
//! [`IdentityPoolSetup::from_json`] reads: the identity pool, its role
//! attachment (`Roles`, `RoleMappings`) and every role with its trust policy,
//! inline `Policies`, and the `AWS::IAM::Policy`/`ManagedPolicy` resources
//! attached to it.
//!
//! A SAM template (`Transform: AWS::Serverless-2016-10-31`) is expanded as
//! SAM expands it where permissions are concerned: `Globals.Function`, each
//! function's generated role (its `Policies`, with the policy templates of
//! [`POLICY_TEMPLATES`]) and the implicit APIs. A Serverless Framework file
//! is read as the framework reads it: `resources:` as a list of fragments
//! and `${file(…)}` includes ([`load_file`]; see [`MAX_INCLUDES`] for where
//! an include may be read), its variables, `provider.region`, and the
//! resources the framework generates (`ApiGatewayRestApi`,
//! `IamRoleLambdaExecution`). Options that name what the template does not
//! have (a physical id, a parameter, a managed policy) are an error listing
//! what it has.
//!
//! Nothing is guessed. A piece that cannot be resolved offline (an unknown
//! `Ref`, `Fn::ImportValue`, a parameter with neither a value nor a
//! `Default`, …) is an [`Unresolved`] with its template path, and fails
//! closed: a role whose trust policy, or whose policy that may deny, depends
//! on it is left out (so a login given that role gets no credentials); an
//! allow-only policy that depends on it is left out of its role. A managed
//! policy attached by ARN whose document is not given
//! ([`TemplateOptions::managed_policies`]) may deny anything, so its role is
//! left out too, and the sign-in's refusal names it. Defaulted pseudo
//! parameters and generated names are [`Note`]s. Resolving is bounded:
//! [`MAX_INTRINSIC_DEPTH`], [`MAX_RESOLVE_FRAMES`], [`MAX_EXPANDED_BYTES`],
//! [`MAX_YAML_FLOW_DEPTH`] and [`MAX_TEMPLATE_BYTES`].
//!
//! ```
//! use iam_eval::cognito::Login;
//! use iam_eval::template::{load, TemplateOptions};
//! use iam_eval::Decision;
//!
//! let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/");
//! let text = std::fs::read_to_string(format!("{dir}templates/notes-app.yaml"))?;
//! let stack = load(&text, &TemplateOptions::default())?;
//! let pool = stack.identity_pool()?;
//! let alice = Login::from_json(&std::fs::read_to_string(format!("{dir}cognito/login-alice.json"))?)?;
//! let session = pool.sign_in(&alice)?;
//! assert_eq!(session.role(), Some("arn:aws:iam::123456789012:role/Cognito_NotesAuth_Role"));
//! let own = format!("arn:aws:s3:::notes-app-uploads/private/{}/todo.txt", alice.identity_id());
//! assert_eq!(session.check("s3:PutObject", &own, &[]).decision, Decision::Allow);
//! // The account was not given: it was defaulted, and the stack says so.
//! assert!(stack.notes().iter().any(|n| n.subject == "AWS::AccountId"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod include;
mod load;
mod nesting;
mod resolve;
mod sam;
mod serverless;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{json, Map, Value};

pub use include::MAX_INCLUDES;
pub use load::{Format, MAX_TEMPLATE_BYTES};
pub use nesting::MAX_YAML_FLOW_DEPTH;
pub use resolve::{MAX_EXPANDED_BYTES, MAX_INTRINSIC_DEPTH, MAX_RESOLVE_FRAMES};
pub use sam::POLICY_TEMPLATES;

use crate::cognito::IdentityPoolSetup;
use crate::policy::PolicyType;
use resolve::{text, Resolver};

/// The `Metadata: iam-eval:` key of a resource a framework generates (SAM,
/// the Serverless Framework): who generates it, for the notes.
const GENERATED_BY: &str = "GeneratedBy";

/// AWS managed policies whose documents iam-eval knows, for the roles the
/// frameworks generate: SAM attaches `AWSLambdaBasicExecutionRole` to every
/// function role. Allow-only; a document given with
/// [`TemplateOptions::managed_policies`] replaces it. Source:
/// <https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaBasicExecutionRole.html>.
const BUILT_IN_MANAGED: &[(&str, &str)] = &[(
    "iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}"#,
)];

/// The built-in document of a managed policy ARN, in any partition.
fn built_in_managed(arn: &str) -> Option<&'static str> {
    let rest = arn.strip_prefix("arn:")?;
    let (_, rest) = rest.split_once(':')?;
    BUILT_IN_MANAGED
        .iter()
        .find(|(tail, _)| *tail == rest)
        .map(|(_, document)| *document)
}

/// Values the template cannot know before it is deployed.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct TemplateOptions {
    /// Parameter values (`--param K=V`), over the template's `Default`s. For
    /// a Serverless file, also the values of its variables by their text
    /// (`sls:stage`, `opt:region`, …).
    pub parameters: BTreeMap<String, String>,
    /// `AWS::AccountId`; defaulted to `123456789012`, with a [`Note`].
    pub account_id: Option<String>,
    /// `AWS::Region`; defaulted to `us-east-1`, with a [`Note`].
    pub region: Option<String>,
    /// `AWS::Partition`; derived from the region when absent.
    pub partition: Option<String>,
    /// `AWS::StackName`; defaulted to `iam-eval-stack`, with a [`Note`].
    pub stack_name: Option<String>,
    /// What `Ref` returns for a resource, by logical id: the id of the
    /// deployed user pool, app client or identity pool, a role's name.
    pub physical_ids: BTreeMap<String, String>,
    /// Documents of managed policies the template attaches by ARN but does
    /// not define (`--managed-policy ARN=FILE`). A role that attaches one
    /// not given here is left out of the pool: the policy may deny.
    pub managed_policies: BTreeMap<String, String>,
    /// The logical id of the identity pool to simulate, when the template
    /// has several.
    pub identity_pool: Option<String>,
    /// The directory `${file(…)}` includes may be read from (with
    /// [`load_file`]); the template's own directory when `None`. An include
    /// outside it is an error, never read.
    pub include_root: Option<PathBuf>,
}

/// Why a template could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TemplateError(String);

impl TemplateError {
    fn new(message: String) -> Self {
        TemplateError(message)
    }
}

/// Something the simulation assumed or left out, that the user should know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Note {
    /// What it is about: a pseudo parameter, a logical id, an ARN.
    pub subject: String,
    /// What was assumed or left out.
    pub message: String,
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.subject, self.message)
    }
}

/// A piece of the template that could not be resolved offline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Unresolved {
    /// The template path, e.g. `Resources.AuthRole.Properties.Policies[0].PolicyDocument.Statement[0].Resource.Fn::Sub`.
    pub path: String,
    /// Why.
    pub reason: String,
}

impl fmt::Display for Unresolved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.reason)
    }
}

/// One policy document of the template, for linting.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TemplatePolicy {
    /// The template path of the document, e.g. `Resources.AuthRole.Properties.Policies[0].PolicyDocument`.
    pub path: String,
    /// [`PolicyType::Trust`] for a role's `AssumeRolePolicyDocument`,
    /// [`PolicyType::Identity`] for role and IAM policies.
    pub policy_type: PolicyType,
    /// The resolved JSON text; `None` when a piece of it is unresolved.
    pub document: Option<String>,
}

/// A resolved template: the pool file, and what was assumed or left out.
#[derive(Debug, Clone)]
pub struct Stack {
    format: Format,
    serverless: bool,
    pool_file: Result<Value, String>,
    notes: Vec<Note>,
    unresolved: Vec<Unresolved>,
    policies: Vec<TemplatePolicy>,
    refused_roles: BTreeMap<String, String>,
}

impl Stack {
    /// The pool file built from the template, in the shape
    /// [`IdentityPoolSetup::from_json`] reads; `None` when the template has
    /// no identity pool (or several and none was chosen).
    pub fn pool_file(&self) -> Option<&Value> {
        self.pool_file.as_ref().ok()
    }

    /// Compiles the pool file.
    pub fn identity_pool(&self) -> Result<IdentityPoolSetup, TemplateError> {
        let file = self
            .pool_file
            .as_ref()
            .map_err(|e| TemplateError(e.clone()))?;
        let mut setup = IdentityPoolSetup::from_rebuilt_json(&file.to_string())
            .map_err(|e| TemplateError(e.to_string()))?;
        setup.refuse_roles(&self.refused_roles);
        Ok(setup)
    }

    /// Defaulted pseudo parameters, generated names, and what was left out.
    pub fn notes(&self) -> &[Note] {
        &self.notes
    }

    /// Every piece that could not be resolved, with its template path.
    pub fn unresolved(&self) -> &[Unresolved] {
        &self.unresolved
    }

    /// Every policy document of the template (trust policies, inline role
    /// policies, `AWS::IAM::Policy`, `ManagedPolicy` and `RolePolicy`).
    pub fn policies(&self) -> &[TemplatePolicy] {
        &self.policies
    }

    /// Roles (by ARN, or `unresolved:PATH` where the ARN itself is not
    /// known) that are left out of the pool, and why: a login given one of
    /// them gets no credentials.
    pub fn refused_roles(&self) -> &BTreeMap<String, String> {
        &self.refused_roles
    }

    /// Whether the template was JSON or YAML.
    pub fn format(&self) -> Format {
        self.format
    }

    /// True when the template was the `resources:` section of a Serverless
    /// Framework file.
    pub fn is_serverless(&self) -> bool {
        self.serverless
    }
}

/// Reads and resolves a template. Fails only when the text is not a
/// template, or the options name what the template does not have;
/// everything else is reported in the [`Stack`]. A `${file(…)}` include
/// is an error here (the template's location is not known): use
/// [`load_file`].
pub fn load(text: &str, options: &TemplateOptions) -> Result<Stack, TemplateError> {
    load_from(text, options, None)
}

/// Reads the template at `path` and resolves it, with its `${file(…)}`
/// includes read relative to the file that names them, inside the
/// template's directory (or [`TemplateOptions::include_root`]).
pub fn load_file(path: &Path, options: &TemplateOptions) -> Result<Stack, TemplateError> {
    let size = std::fs::metadata(path)
        .map_err(|e| TemplateError::new(format!("cannot read `{}`: {e}", path.display())))?
        .len();
    if size > MAX_TEMPLATE_BYTES as u64 {
        return Err(TemplateError::new(format!(
            "the template is {size} bytes; the limit is {MAX_TEMPLATE_BYTES}"
        )));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| TemplateError::new(format!("cannot read `{}`: {e}", path.display())))?;
    let includes = include::Includes::new(path, options.include_root.as_deref())
        .map_err(TemplateError::new)?;
    // An editor's byte-order mark is not part of the template.
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    load_from(text, options, Some(includes))
}

fn load_from(
    text: &str,
    options: &TemplateOptions,
    includes: Option<include::Includes>,
) -> Result<Stack, TemplateError> {
    let (root, format) = load::parse(text)?;
    let Some(top) = root.as_object() else {
        return Err(TemplateError::new("a template is a mapping".into()));
    };
    let serverless = !top.contains_key("Resources") && top.contains_key("resources");
    let empty = Map::new();
    let mut pre = Resolver::new(&empty, "resources.", options);
    pre.includes = includes;
    let (section, prefix) = if serverless {
        (serverless_section(&root, &mut pre)?, "resources.")
    } else if top.contains_key("Resources") {
        let mut section = top.clone();
        if sam::is_sam(top) {
            sam::expand(&mut section, &mut pre.notes)?;
        }
        (section, "")
    } else {
        return Err(TemplateError::new(
            "no `Resources` section (nor a Serverless Framework `resources:` section)".into(),
        ));
    };
    if !section.get("Resources").is_some_and(Value::is_object) {
        return Err(TemplateError::new(format!(
            "`{prefix}Resources` is not a mapping"
        )));
    }
    check_names(&section, options)?;
    let mut resolver = Resolver::new(&section, prefix, options);
    resolver.notes = std::mem::take(&mut pre.notes);
    resolver.expanded = pre.expanded;
    resolver.template_region = pre.template_region.take();
    resolver.origins = std::mem::take(&mut pre.origins);
    resolver.consulted = std::mem::take(&mut pre.consulted);
    let mut build = Build {
        r: resolver,
        options,
        roles: BTreeMap::new(),
        policies: Vec::new(),
        refused: BTreeMap::new(),
        attached: BTreeSet::new(),
    };
    build.roles();
    build.standalone_policies();
    build.managed_arns();
    let pool_file = build.pool();
    if let Some(why) = build.r.exhausted.take() {
        return Err(TemplateError::new(why));
    }
    check_params(&section, options, serverless, &build.r.consulted)?;
    check_managed(options, &build.attached)?;
    let Build {
        r,
        policies,
        refused,
        ..
    } = build;
    Ok(Stack {
        format,
        serverless,
        pool_file,
        notes: r.notes,
        unresolved: r.unresolved,
        policies,
        refused_roles: refused,
    })
}

/// A Serverless file's `resources:` as one template: its `${file(…)}`
/// includes read, its variables replaced, its list merged, and the
/// resources the framework generates added.
fn serverless_section(
    root: &Value,
    pre: &mut Resolver<'_>,
) -> Result<Map<String, Value>, TemplateError> {
    let fail = |pre: &Resolver<'_>| {
        pre.fatal
            .clone()
            .or_else(|| pre.exhausted.clone())
            .map(TemplateError::new)
    };
    // The region the file deploys to, over the default (item: the
    // template's region wins and is reported).
    if let Some(region) = root
        .get("provider")
        .and_then(|p| p.get("region"))
        .and_then(Value::as_str)
    {
        match pre.serverless_text(region, root) {
            Some(region) => pre.template_region = Some(region),
            None => pre.note(
                "provider.region",
                format!("`{region}` has no value offline: the region is not the template's"),
            ),
        }
    }
    let resources = root.get("resources").cloned().unwrap_or(Value::Null);
    let mut section = match resources {
        Value::Array(items) => {
            let mut fragments = Vec::with_capacity(items.len());
            for (i, mut item) in items.into_iter().enumerate() {
                let source = match &item {
                    Value::String(s) => match resolve::file_include(s) {
                        Some(written) => written.to_owned(),
                        None => format!("resources[{i}]"),
                    },
                    _ => format!("resources[{i}]"),
                };
                pre.serverless_pass(&mut item, root, &format!("resources[{i}]"));
                if let Some(error) = fail(pre) {
                    return Err(error);
                }
                fragments.push((source, item));
            }
            serverless::merge(fragments, &mut pre.origins)?
        }
        mut other => {
            pre.serverless_pass(&mut other, root, "resources");
            if let Some(error) = fail(pre) {
                return Err(error);
            }
            match other {
                Value::Object(map) => map,
                _ => {
                    return Err(TemplateError::new(
                        "`resources:` is a mapping of template sections, or a list of them".into(),
                    ))
                }
            }
        }
    };
    let generated = serverless::generated(root);
    if !generated.is_empty() {
        let resources = section
            .entry("Resources")
            .or_insert_with(|| Value::Object(Map::new()));
        for (logical, mut resource, note) in generated {
            pre.serverless_pass(&mut resource, root, &format!("(generated) {logical}"));
            let Value::Object(resources) = &mut *resources else {
                break;
            };
            match resources.remove(&logical) {
                Some(user) => {
                    serverless::overlay(&mut resource, user);
                    pre.note(&logical, format!("{note}; the file's `resources:` entry of this logical id is merged over it, as the framework does"));
                }
                None => pre.note(&logical, note),
            }
            resources.insert(logical, resource);
        }
        if let Some(error) = fail(pre) {
            return Err(error);
        }
    }
    Ok(section)
}

/// The names a list of options names, for an error.
fn names<'a>(keys: impl Iterator<Item = &'a String>) -> String {
    let names: Vec<&str> = keys.map(String::as_str).collect();
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}

/// `physical_ids` and `identity_pool` name resources the template has: a
/// name it does not have is an error listing those it has, never ignored.
fn check_names(
    section: &Map<String, Value>,
    options: &TemplateOptions,
) -> Result<(), TemplateError> {
    let resources = section.get("Resources").and_then(Value::as_object);
    let has = |name: &str| resources.is_some_and(|r| r.contains_key(name));
    for logical in options.physical_ids.keys() {
        if !has(logical) {
            return Err(TemplateError::new(format!(
                "--physical-id `{logical}`: the template has no resource `{logical}` (its resources: {})",
                names(resources.into_iter().flat_map(Map::keys))
            )));
        }
    }
    Ok(())
}

/// `parameters` name parameters of the template, or (in a Serverless file)
/// variables it looked up: anything else is an error listing them.
fn check_params(
    section: &Map<String, Value>,
    options: &TemplateOptions,
    serverless: bool,
    consulted: &BTreeSet<String>,
) -> Result<(), TemplateError> {
    let parameters = section.get("Parameters").and_then(Value::as_object);
    for key in options.parameters.keys() {
        let declared = parameters.is_some_and(|p| p.contains_key(key));
        if declared || (serverless && consulted.contains(key)) {
            continue;
        }
        let mut message = format!(
            "--param `{key}`: the template has no parameter `{key}` (its parameters: {}",
            names(parameters.into_iter().flat_map(Map::keys))
        );
        if serverless {
            message.push_str(&format!(
                "; Serverless variables it uses: {}",
                names(consulted.iter())
            ));
        }
        message.push(')');
        return Err(TemplateError::new(message));
    }
    Ok(())
}

/// `managed_policies` name managed policies a role of the template attaches.
fn check_managed(
    options: &TemplateOptions,
    attached: &BTreeSet<String>,
) -> Result<(), TemplateError> {
    for arn in options.managed_policies.keys() {
        if !attached.contains(arn) {
            return Err(TemplateError::new(format!(
                "--managed-policy `{arn}`: no role of the template attaches it (attached by ARN: {})",
                names(attached.iter())
            )));
        }
    }
    Ok(())
}

/// One element of a list property: its path, the element as written (when
/// the list was written out), and the element resolved.
type Element<'t> = (String, Option<&'t Value>, Result<Option<Value>, ()>);

/// A role of the template, as it goes into the pool file.
struct Role {
    arn: String,
    trust: Option<Value>,
    policies: Vec<(String, Value)>,
    managed_arns: Vec<String>,
    refusal: Option<String>,
}

struct Build<'t> {
    r: Resolver<'t>,
    options: &'t TemplateOptions,
    /// By logical id.
    roles: BTreeMap<String, Role>,
    policies: Vec<TemplatePolicy>,
    refused: BTreeMap<String, String>,
    /// Managed policy ARNs attached to roles and not defined by the template.
    attached: BTreeSet<String>,
}

/// Whether a policy document (as written, unresolved) may contain a Deny:
/// anything but statements whose `Effect` is literally `Allow`. A document
/// written as a JSON string is read with the crate's own reader, so a
/// duplicate key (a Deny's `Effect` repeated as `Allow`) counts as may deny.
fn may_deny(document: Option<&Value>) -> bool {
    let parsed;
    let document = match document {
        Some(Value::String(s)) => match crate::json::read_unique(s) {
            Ok(v) => {
                parsed = v;
                &parsed
            }
            Err(_) => return true,
        },
        Some(v) => v,
        None => return true,
    };
    let statements: Vec<&Value> = match document.get("Statement") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one @ Value::Object(_)) => vec![one],
        _ => return true,
    };
    statements
        .iter()
        .any(|s| s.get("Effect").and_then(Value::as_str) != Some("Allow"))
}

fn document_text(document: &Value) -> String {
    match document {
        Value::String(s) => s.clone(),
        other => serde_json::to_string_pretty(other).unwrap_or_default(),
    }
}

/// A `{"Fn::…": …}` or `{"Ref": …}` that stands for a whole list.
fn is_intrinsic_value(value: &Value) -> bool {
    value
        .as_object()
        .is_some_and(|m| m.len() == 1 && m.keys().any(|k| k == "Ref" || k.starts_with("Fn::")))
}

impl<'t> Build<'t> {
    fn raw_property(&self, logical: &str, name: &str) -> Option<&Value> {
        self.r
            .resources()
            .and_then(|r| r.get(logical))
            .and_then(|r| r.get("Properties"))
            .and_then(|p| p.get(name))
    }

    /// The logical ids of created resources of a type.
    fn created_of_type(&mut self, kind: &str) -> Vec<String> {
        let logicals: Vec<String> = self
            .r
            .resources()
            .map(|r| {
                r.iter()
                    .filter(|(_, v)| v.get("Type").and_then(Value::as_str) == Some(kind))
                    .map(|(k, _)| k.clone())
                    .collect()
            })
            .unwrap_or_default();
        let mut out = Vec::new();
        for logical in logicals {
            match self.r.created(&logical) {
                Ok(true) => out.push(logical),
                Ok(false) => self
                    .r
                    .note(&logical, "not created: its Condition is false".into()),
                Err(()) => self.r.note(
                    &logical,
                    "left out: whether it is created depends on an unresolved condition".into(),
                ),
            }
        }
        out
    }

    /// The elements of a list property, each resolved on its own so one
    /// unresolved element does not hide the others. `Ok(None)` elements are
    /// `AWS::NoValue`.
    fn list_property(&mut self, logical: &str, name: &str) -> Vec<Element<'t>> {
        let base = format!("{}.Properties.{name}", self.r.resource_path(logical));
        let raw = self
            .r
            .resources()
            .and_then(|r| r.get(logical))
            .and_then(|r| r.get("Properties"))
            .and_then(|p| p.get(name));
        match raw {
            None => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let path = format!("{base}[{i}]");
                    let value = self.r.resolve(item, &path);
                    (path, Some(item), value)
                })
                .collect(),
            Some(other) => match self.r.resolve(other, &base) {
                Ok(Some(Value::Array(items))) => items
                    .into_iter()
                    .enumerate()
                    .map(|(i, item)| (format!("{base}[{i}]"), None, Ok(Some(item))))
                    .collect(),
                Ok(None) => Vec::new(),
                Ok(Some(_)) => {
                    let _ = self.r.fail::<()>(&base, "expected a list".into());
                    vec![(base, Some(other), Err(()))]
                }
                Err(()) => vec![(base, Some(other), Err(()))],
            },
        }
    }

    fn refuse(&mut self, logical: &str, why: String) {
        if let Some(role) = self.roles.get_mut(logical) {
            if role.refusal.is_none() {
                role.refusal = Some(why);
            }
        }
    }

    fn roles(&mut self) {
        for logical in self.created_of_type("AWS::IAM::Role") {
            let base = self.r.resource_path(&logical);
            let Ok(arn) = self.r.role_arn(&logical, &base) else {
                self.r.note(
                    &logical,
                    "left out: its name is unresolved, so no login can be given it".into(),
                );
                continue;
            };
            let mut role = Role {
                arn,
                trust: None,
                policies: Vec::new(),
                managed_arns: Vec::new(),
                refusal: None,
            };
            let trust_path = format!("{base}.Properties.AssumeRolePolicyDocument");
            match self.r.property(&logical, "AssumeRolePolicyDocument") {
                Ok(Some(document)) => {
                    self.policies.push(TemplatePolicy {
                        path: trust_path,
                        policy_type: PolicyType::Trust,
                        document: Some(document_text(&document)),
                    });
                    role.trust = Some(document);
                }
                Ok(None) => role.refusal = Some("it has no AssumeRolePolicyDocument".into()),
                Err(()) => {
                    role.refusal = Some(format!("its trust policy is unresolved ({trust_path})"));
                    self.policies.push(TemplatePolicy {
                        path: trust_path,
                        policy_type: PolicyType::Trust,
                        document: None,
                    });
                }
            }
            if self.raw_property(&logical, "PermissionsBoundary").is_some()
                && role.refusal.is_none()
            {
                role.refusal = Some(
                    "it has a PermissionsBoundary, which the identity-pool model does not apply"
                        .into(),
                );
            }
            for (path, raw, value) in self.list_property(&logical, "Policies") {
                let document_path = format!("{path}.PolicyDocument");
                match value {
                    Ok(Some(policy)) => {
                        let name = policy
                            .get("PolicyName")
                            .and_then(text)
                            .unwrap_or_else(|| path.clone());
                        match policy.get("PolicyDocument") {
                            Some(document) => {
                                self.policies.push(TemplatePolicy {
                                    path: document_path,
                                    policy_type: PolicyType::Identity,
                                    document: Some(document_text(document)),
                                });
                                role.policies.push((name, document.clone()));
                            }
                            None => {
                                let _ = self.r.fail::<()>(
                                    &path,
                                    "an inline policy needs a PolicyDocument".into(),
                                );
                            }
                        }
                    }
                    Ok(None) => {}
                    Err(()) => {
                        self.policies.push(TemplatePolicy {
                            path: document_path.clone(),
                            policy_type: PolicyType::Identity,
                            document: None,
                        });
                        let raw_document = raw.and_then(|r| r.get("PolicyDocument"));
                        if may_deny(raw_document) || raw.is_none_or(is_intrinsic_value) {
                            if role.refusal.is_none() {
                                role.refusal =
                                    Some(format!("its policy {path} is unresolved and may deny"));
                            }
                        } else {
                            self.r.note(
                                &logical,
                                format!("policy {path} is left out: it is unresolved (it only allows, so leaving it out can only deny more)"),
                            );
                        }
                    }
                }
            }
            for (path, _, value) in self.list_property(&logical, "ManagedPolicyArns") {
                match value {
                    Ok(Some(v)) => match text(&v) {
                        Some(arn) => role.managed_arns.push(arn),
                        None => {
                            let _ = self
                                .r
                                .fail::<()>(&path, "a managed policy ARN is a string".into());
                        }
                    },
                    Ok(None) => {}
                    Err(()) => {
                        self.r.note(
                            &logical,
                            format!(
                                "the managed policy at {path} is unresolved: the role is left out"
                            ),
                        );
                        if role.refusal.is_none() {
                            role.refusal = Some(format!(
                                "the managed policy at {path} is unresolved, and it may deny"
                            ));
                        }
                    }
                }
            }
            self.roles.insert(logical, role);
        }
    }

    /// The template's roles by name, ASCII-lowercased: IAM role names are
    /// unique without regard to case, so `Roles: [MYROLE]` names `MyRole`
    /// (<https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html>:
    /// "Names are not distinguished by case").
    fn roles_by_name(&self) -> BTreeMap<String, Vec<String>> {
        let mut index: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (logical, role) in &self.roles {
            let name = role.arn.rsplit('/').next().unwrap_or_default();
            index
                .entry(name.to_ascii_lowercase())
                .or_default()
                .push(logical.clone());
        }
        index
    }

    fn standalone_policies(&mut self) {
        let roles_by_name = self.roles_by_name();
        for kind in [
            "AWS::IAM::Policy",
            "AWS::IAM::ManagedPolicy",
            "AWS::IAM::RolePolicy",
        ] {
            for logical in self.created_of_type(kind) {
                let base = self.r.resource_path(&logical);
                let document_path = format!("{base}.Properties.PolicyDocument");
                let name_property = match kind {
                    "AWS::IAM::ManagedPolicy" => "ManagedPolicyName",
                    _ => "PolicyName",
                };
                let name = match self.r.property(&logical, name_property) {
                    Ok(Some(v)) => text(&v).unwrap_or_else(|| logical.clone()),
                    _ => logical.clone(),
                };
                let document = self.r.property(&logical, "PolicyDocument");
                let document = match document {
                    Ok(Some(d)) => {
                        self.policies.push(TemplatePolicy {
                            path: document_path.clone(),
                            policy_type: PolicyType::Identity,
                            document: Some(document_text(&d)),
                        });
                        Ok(d)
                    }
                    Ok(None) => {
                        let _ = self.r.fail::<()>(&base, "it has no PolicyDocument".into());
                        Err(())
                    }
                    Err(()) => {
                        self.policies.push(TemplatePolicy {
                            path: document_path.clone(),
                            policy_type: PolicyType::Identity,
                            document: None,
                        });
                        Err(())
                    }
                };
                let denies = may_deny(self.raw_property(&logical, "PolicyDocument"));
                // The roles it is attached to: by name, and (managed
                // policies) through each role's ManagedPolicyArns.
                let mut targets: BTreeSet<String> = BTreeSet::new();
                let mut unknown_target = false;
                let role_entries = if kind == "AWS::IAM::RolePolicy" {
                    match self.r.property(&logical, "RoleName") {
                        Ok(Some(v)) => {
                            vec![(format!("{base}.Properties.RoleName"), None, Ok(Some(v)))]
                        }
                        Ok(None) => Vec::new(),
                        Err(()) => vec![(format!("{base}.Properties.RoleName"), None, Err(()))],
                    }
                } else {
                    self.list_property(&logical, "Roles")
                };
                for (path, _, value) in role_entries {
                    match value.map(|v| v.as_ref().and_then(text)) {
                        Ok(Some(role_name)) => {
                            let found = roles_by_name
                                .get(&role_name.to_ascii_lowercase())
                                .cloned()
                                .unwrap_or_default();
                            if found.is_empty() {
                                self.r.note(
                                    &logical,
                                    format!("attached to role `{role_name}`, which the template does not define"),
                                );
                            }
                            targets.extend(found);
                        }
                        Ok(None) => {}
                        Err(()) => {
                            unknown_target = true;
                            let _ = path;
                        }
                    }
                }
                if kind == "AWS::IAM::ManagedPolicy" {
                    if let Ok(arn) = self.r.physical_id(&logical, &base) {
                        for (role_logical, role) in &mut self.roles {
                            if role.managed_arns.contains(&arn) {
                                role.managed_arns.retain(|a| *a != arn);
                                targets.insert(role_logical.clone());
                            }
                        }
                    }
                }
                match document {
                    Ok(document) => {
                        if unknown_target && denies {
                            let all: Vec<String> = self.roles.keys().cloned().collect();
                            for role in all {
                                self.refuse(&role, format!("{logical} may deny and is attached to a role that is unresolved"));
                            }
                        }
                        let mut collisions = Vec::new();
                        for role in &targets {
                            if let Some(r) = self.roles.get_mut(role) {
                                // An inline policy of the same name on the
                                // same role replaces the other one, and
                                // which wins is not modelled: fail closed.
                                // Managed policies have names of their own.
                                // (Compared without case: refusing a near
                                // miss fails closed.)
                                if kind != "AWS::IAM::ManagedPolicy"
                                    && r.policies
                                        .iter()
                                        .any(|(n, _)| n.eq_ignore_ascii_case(&name))
                                {
                                    collisions.push(role.clone());
                                    continue;
                                }
                                r.policies.push((name.clone(), document.clone()));
                            }
                        }
                        let _ = self
                            .r
                            .charge(&logical, resolve::value_bytes(&document) * targets.len());
                        for role in collisions {
                            self.refuse(
                                &role,
                                format!("`{logical}` and another policy of the role are both named `{name}`; which one CloudFormation keeps is not modelled"),
                            );
                        }
                    }
                    Err(()) => {
                        let affected: Vec<String> = if unknown_target {
                            self.roles.keys().cloned().collect()
                        } else {
                            targets.into_iter().collect()
                        };
                        if denies {
                            for role in affected {
                                self.refuse(
                                    &role,
                                    format!(
                                        "its policy {document_path} is unresolved and may deny"
                                    ),
                                );
                            }
                        } else {
                            self.r.note(
                                &logical,
                                format!("left out: {document_path} is unresolved (it only allows, so leaving it out can only deny more)"),
                            );
                        }
                    }
                }
            }
        }
    }

    /// Managed policies attached by ARN that the template does not define.
    fn managed_arns(&mut self) {
        let logicals: Vec<String> = self.roles.keys().cloned().collect();
        for logical in logicals {
            let arns = self
                .roles
                .get(&logical)
                .map(|r| r.managed_arns.clone())
                .unwrap_or_default();
            for arn in arns {
                self.attached.insert(arn.clone());
                let given = self.options.managed_policies.get(&arn);
                let built_in = built_in_managed(&arn).filter(|_| given.is_none());
                if built_in.is_some() {
                    self.r.note(
                        &arn,
                        "iam-eval's copy of this AWS managed policy is used (give --managed-policy ARN=FILE to use another)".into(),
                    );
                }
                match given.map(String::as_str).or(built_in) {
                    Some(document) => {
                        // Kept as the text supplied, so the policy reader
                        // checks it (duplicate keys, G1) and places errors.
                        let _ = self.r.charge(&arn, document.len());
                        if let Some(role) = self.roles.get_mut(&logical) {
                            role.policies
                                .push((arn.clone(), Value::String(document.to_owned())));
                        }
                    }
                    None => {
                        // Any managed policy may deny (AWSDenyAll does):
                        // without its document, no Allow of the role can
                        // be trusted, so the role is left out (fail closed).
                        self.r.note(
                            &arn,
                            format!("managed policy attached to `{logical}` is not supplied (--managed-policy ARN=FILE): the role is left out"),
                        );
                        self.refuse(
                            &logical,
                            format!("managed policy `{arn}` is attached but its document is not supplied (--managed-policy ARN=FILE), and it may deny"),
                        );
                    }
                }
            }
        }
    }

    /// Resolves a value to text, or `unresolved:PATH` (a role no login can
    /// be given: fail closed).
    fn role_or_sentinel(&mut self, value: &Value, path: &str) -> String {
        match self.r.resolve_text(value, path) {
            Ok(arn) => arn,
            Err(()) => {
                let sentinel = format!("unresolved:{path}");
                self.refused.insert(
                    sentinel.clone(),
                    format!("the role at {path} is unresolved"),
                );
                sentinel
            }
        }
    }

    fn pool(&mut self) -> Result<Value, String> {
        let pools = self.created_of_type("AWS::Cognito::IdentityPool");
        let logical = match (&self.options.identity_pool, pools.as_slice()) {
            (Some(chosen), _) if pools.contains(chosen) => chosen.clone(),
            (Some(chosen), _) => {
                return Err(format!(
                    "the template creates no identity pool `{chosen}` (it creates: {})",
                    pools.join(", ")
                ))
            }
            (None, [one]) => one.clone(),
            (None, []) => return Err("the template creates no AWS::Cognito::IdentityPool".into()),
            (None, _) => {
                return Err(format!(
                    "the template creates several identity pools ({}): choose one",
                    pools.join(", ")
                ))
            }
        };
        let base = self.r.resource_path(&logical);
        let pool_id = self
            .r
            .physical_id(&logical, &base)
            .map_err(|()| format!("the id of identity pool `{logical}` is unresolved"))?;
        let allow_guests = match self.r.property(&logical, "AllowUnauthenticatedIdentities") {
            Ok(Some(Value::Bool(b))) => b,
            Ok(Some(Value::String(s))) => s.eq_ignore_ascii_case("true"),
            Ok(_) => false,
            Err(()) => {
                self.r.note(
                    &logical,
                    "guests are refused: AllowUnauthenticatedIdentities is unresolved".into(),
                );
                false
            }
        };
        let mut providers = Vec::new();
        for (path, _, value) in self.list_property(&logical, "CognitoIdentityProviders") {
            match value {
                Ok(Some(p)) => {
                    let name = p.get("ProviderName").and_then(text);
                    let client = p.get("ClientId").and_then(text);
                    match (name, client) {
                        (Some(name), Some(client)) => {
                            providers.push(json!({"ProviderName": name, "ClientId": client}));
                        }
                        _ => {
                            let _ = self.r.fail::<()>(
                                &path,
                                "a provider needs ProviderName and ClientId".into(),
                            );
                        }
                    }
                }
                Ok(None) => {}
                Err(()) => self.r.note(
                    &logical,
                    format!("the provider at {path} is unresolved: its logins are refused"),
                ),
            }
        }
        let resolved_or_empty =
            |this: &mut Self, name: &str, empty: Value| match this.r.property(&logical, name) {
                Ok(Some(v)) => v,
                Ok(None) => empty,
                Err(()) => {
                    this.r.note(
                        &logical,
                        format!("{name} is unresolved: its logins are refused"),
                    );
                    empty
                }
            };
        let social = resolved_or_empty(self, "SupportedLoginProviders", json!({}));
        let oidc = resolved_or_empty(self, "OpenIdConnectProviderARNs", json!([]));
        let saml = resolved_or_empty(self, "SamlProviderARNs", json!([]));
        let identity_pool = json!({
            "IdentityPoolId": pool_id,
            "AllowUnauthenticatedIdentities": allow_guests,
            "CognitoIdentityProviders": providers,
            "SupportedLoginProviders": social,
            "OpenIdConnectProviderARNs": oidc,
            "SamlProviderARNs": saml,
        });

        let (roles, mappings) = self.attachment(&pool_id);
        let tag_maps = self.principal_tags(&pool_id);
        let mut role_files = Map::new();
        let logicals: Vec<String> = self.roles.keys().cloned().collect();
        for role_logical in logicals {
            let Some(role) = self.roles.get(&role_logical) else {
                continue;
            };
            if let Some(why) = &role.refusal {
                self.refused.insert(
                    role.arn.clone(),
                    format!("`{role_logical}` is left out: {why}"),
                );
                continue;
            }
            let Some(trust) = &role.trust else {
                continue;
            };
            let policies: Vec<Value> = role
                .policies
                .iter()
                .map(|(name, document)| json!({"PolicyName": name, "PolicyDocument": document}))
                .collect();
            role_files.insert(
                role.arn.clone(),
                json!({"AssumeRolePolicyDocument": trust, "Policies": policies}),
            );
        }
        let used: Vec<String> = roles
            .values()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect();
        for arn in used {
            if !role_files.contains_key(&arn) && !self.refused.contains_key(&arn) {
                self.r.note(&arn, "the pool's role is not defined in the template: its policies are not known, and a login given it gets no credentials".into());
            }
        }
        Ok(json!({
            "IdentityPool": identity_pool,
            "IdentityPoolRoles": {"IdentityPoolId": pool_id, "Roles": roles, "RoleMappings": mappings},
            "Roles": role_files,
            "PrincipalTagAttributeMaps": tag_maps,
        }))
    }

    /// `AWS::Cognito::IdentityPoolRoleAttachment` for `pool_id`: `Roles` and
    /// `RoleMappings` keyed by their `IdentityProvider`.
    fn attachment(&mut self, pool_id: &str) -> (Map<String, Value>, Map<String, Value>) {
        let mut roles = Map::new();
        let mut mappings = Map::new();
        for logical in self.created_of_type("AWS::Cognito::IdentityPoolRoleAttachment") {
            match self.r.property(&logical, "IdentityPoolId") {
                Ok(Some(v)) if text(&v).as_deref() == Some(pool_id) => {}
                Ok(_) => continue,
                Err(()) => {
                    self.r.note(
                        &logical,
                        "left out: its IdentityPoolId is unresolved".into(),
                    );
                    continue;
                }
            }
            let base = format!("{}.Properties", self.r.resource_path(&logical));
            let raw_roles = self.raw_property(&logical, "Roles").cloned();
            match raw_roles {
                Some(Value::Object(map)) => {
                    for (kind, value) in &map {
                        let arn = self.role_or_sentinel(value, &format!("{base}.Roles.{kind}"));
                        roles.insert(kind.clone(), Value::String(arn));
                    }
                }
                Some(other) => {
                    let path = format!("{base}.Roles");
                    match self.r.resolve(&other, &path) {
                        Ok(Some(Value::Object(map))) => roles.extend(map),
                        _ => {
                            for kind in ["authenticated", "unauthenticated"] {
                                let sentinel = format!("unresolved:{path}");
                                self.refused.insert(
                                    sentinel.clone(),
                                    format!("the roles at {path} are unresolved"),
                                );
                                roles.insert(kind.into(), Value::String(sentinel));
                            }
                        }
                    }
                }
                None => {}
            }
            let raw_mappings = self.raw_property(&logical, "RoleMappings").cloned();
            let Some(Value::Object(raw_mappings)) = raw_mappings else {
                if raw_mappings.is_some() {
                    let path = format!("{base}.RoleMappings");
                    let _ = self
                        .r
                        .fail::<()>(&path, "RoleMappings must be written as a mapping".into());
                    self.default_refused(&mut roles, &path);
                }
                continue;
            };
            for (key, raw) in &raw_mappings {
                let path = format!("{base}.RoleMappings.{key}");
                let provider = match raw.get("IdentityProvider") {
                    Some(p) => match self.r.resolve_text(p, &format!("{path}.IdentityProvider")) {
                        Ok(p) => p,
                        Err(()) => {
                            // Which provider it maps is unknown: fail closed
                            // for every login that would get the default role.
                            self.default_refused(&mut roles, &path);
                            continue;
                        }
                    },
                    None => key.clone(),
                };
                let mapping = self.mapping(raw, &path);
                mappings.insert(provider, mapping);
            }
        }
        (roles, mappings)
    }

    fn default_refused(&mut self, roles: &mut Map<String, Value>, path: &str) {
        let sentinel = format!("unresolved:{path}");
        self.refused.insert(
            sentinel.clone(),
            format!("the role mapping at {path} is unresolved, so the default authenticated role is not given"),
        );
        roles.insert("authenticated".into(), Value::String(sentinel));
    }

    /// One role mapping; an unresolved rule makes the mapping refuse every
    /// login of its provider (a rule could be skipped that should match).
    fn mapping(&mut self, raw: &Value, path: &str) -> Value {
        let refusing =
            |path: &str| json!({"Type": format!("unresolved in the template (see {path})")});
        let mut out = Map::new();
        for field in ["Type", "AmbiguousRoleResolution"] {
            if let Some(v) = raw.get(field) {
                match self.r.resolve_text(v, &format!("{path}.{field}")) {
                    Ok(t) => {
                        out.insert(field.into(), Value::String(t));
                    }
                    Err(()) => return refusing(path),
                }
            }
        }
        if let Some(config) = raw.get("RulesConfiguration") {
            let rules_path = format!("{path}.RulesConfiguration.Rules");
            let rules = match config.get("Rules") {
                Some(Value::Array(rules)) => rules.clone(),
                Some(other) => match self.r.resolve(other, &rules_path) {
                    Ok(Some(Value::Array(rules))) => rules,
                    _ => return refusing(&rules_path),
                },
                None => Vec::new(),
            };
            let mut resolved = Vec::new();
            for (i, rule) in rules.iter().enumerate() {
                let rule_path = format!("{rules_path}[{i}]");
                let mut out_rule = Map::new();
                for field in ["Claim", "MatchType", "Value"] {
                    let Some(v) = rule.get(field) else { continue };
                    match self.r.resolve_text(v, &format!("{rule_path}.{field}")) {
                        Ok(t) => {
                            out_rule.insert(field.into(), Value::String(t));
                        }
                        Err(()) => return refusing(&rule_path),
                    }
                }
                if let Some(v) = rule.get("RoleARN") {
                    let arn = self.role_or_sentinel(v, &format!("{rule_path}.RoleARN"));
                    out_rule.insert("RoleARN".into(), Value::String(arn));
                }
                resolved.push(Value::Object(out_rule));
            }
            out.insert("RulesConfiguration".into(), json!({"Rules": resolved}));
        }
        Value::Object(out)
    }

    /// `AWS::Cognito::IdentityPoolPrincipalTag` resources of the pool.
    fn principal_tags(&mut self, pool_id: &str) -> Vec<Value> {
        let mut out = Vec::new();
        for logical in self.created_of_type("AWS::Cognito::IdentityPoolPrincipalTag") {
            let path = self.r.resource_path(&logical);
            let Some(properties) = self
                .r
                .resources()
                .and_then(|r| r.get(&logical))
                .and_then(|r| r.get("Properties"))
            else {
                continue;
            };
            match self.r.resolve(properties, &format!("{path}.Properties")) {
                Ok(Some(p))
                    if p.get("IdentityPoolId").and_then(text).as_deref() == Some(pool_id) =>
                {
                    out.push(json!({
                        "IdentityProviderName": p.get("IdentityProviderName").cloned().unwrap_or(Value::Null),
                        "UseDefaults": p.get("UseDefaults").cloned().unwrap_or(Value::Bool(false)),
                        "PrincipalTags": p.get("PrincipalTags").cloned().unwrap_or_else(|| json!({})),
                    }));
                }
                Ok(_) => {}
                Err(()) => self.r.note(
                    &logical,
                    "left out: its principal tags are unresolved".into(),
                ),
            }
        }
        out
    }
}
