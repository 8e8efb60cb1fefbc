//! `iam-eval cognito`: a sign-in to an identity pool, the role and trust
//! check, and the decision for each request made with its credentials.

use iam_eval::cognito::{IdentityPoolSetup, Login, Session};
use iam_eval::template::{Stack, TemplateOptions};
use iam_eval::{ContextValue, Explanation};
use serde::Deserialize;
use serde_json::json;

use crate::{read_input, Exit};

#[derive(clap::Args)]
pub(crate) struct Args {
    /// The pool file: describe-identity-pool, get-identity-pool-roles and the roles' policies.
    #[arg(
        long,
        required_unless_present = "template",
        conflicts_with = "template"
    )]
    pool: Option<String>,
    #[command(flatten)]
    template: TemplateArgs,
    /// A login file (repeatable: each login is signed in and checked in turn):
    /// `{"unauthenticated": true, "identityId": …}` for a guest, or `identityId`,
    /// `provider` (user pool `cognito-idp.REGION.amazonaws.com/POOL_ID`, SAML/OIDC
    /// provider ARN, social domain or the developer provider name), `clientId`
    /// (user pools), `claims` (the ID token's) and optionally `customRoleArn`.
    #[arg(long = "login", required = true)]
    logins: Vec<String>,
    /// The action of a single request.
    #[arg(long, requires = "resource", conflicts_with = "requests")]
    action: Option<String>,
    /// The resource of a single request.
    #[arg(long, requires = "action")]
    resource: Option<String>,
    /// Extra context for a single request, `KEY=VALUE` (repeat a key for several values).
    #[arg(long = "context", value_name = "KEY=VALUE")]
    context: Vec<String>,
    /// A JSON array of requests: `[{"action", "resource", "context": {…}}]`.
    #[arg(long)]
    requests: Option<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RequestSpec {
    action: String,
    resource: String,
    #[serde(default, deserialize_with = "unique_keys")]
    context: serde_json::Map<String, serde_json::Value>,
}

/// A context object whose keys are all different: serde_json would keep the
/// last of two equal keys, and a dropped value can switch a condition.
fn unique_keys<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<serde_json::Map<String, serde_json::Value>, D::Error> {
    struct Unique;
    impl<'de> serde::de::Visitor<'de> for Unique {
        type Value = serde_json::Map<String, serde_json::Value>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an object of context keys")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = serde_json::Map::new();
            while let Some((key, value)) = map.next_entry::<String, serde_json::Value>()? {
                if out.contains_key(&key) {
                    return Err(serde::de::Error::custom(format!(
                        "duplicate context key `{key}`"
                    )));
                }
                out.insert(key, value);
            }
            Ok(out)
        }
    }
    deserializer.deserialize_map(Unique)
}

fn context_value(value: &serde_json::Value) -> Result<ContextValue, String> {
    match value {
        serde_json::Value::String(s) => Ok(ContextValue::Single(s.clone())),
        serde_json::Value::Array(items) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| "context arrays hold strings".to_owned())
            })
            .collect::<Result<Vec<_>, _>>()
            .map(ContextValue::Multi),
        other => Ok(ContextValue::Single(other.to_string())),
    }
}

/// One request: action, resource and extra context.
type Spec = (String, String, Vec<(String, ContextValue)>);

fn requests(args: &Args) -> Result<Vec<Spec>, String> {
    if let Some(file) = &args.requests {
        let specs: Vec<RequestSpec> = serde_json::from_str(&read_input(file)?)
            .map_err(|e| format!("invalid requests file `{file}`: {e}"))?;
        return specs
            .into_iter()
            .map(|s| {
                let context = s
                    .context
                    .iter()
                    .map(|(k, v)| Ok((k.clone(), context_value(v)?)))
                    .collect::<Result<Vec<_>, String>>()?;
                Ok((s.action, s.resource, context))
            })
            .collect();
    }
    let (Some(action), Some(resource)) = (&args.action, &args.resource) else {
        return Err("give --action and --resource, or --requests FILE".into());
    };
    let mut context: Vec<(String, ContextValue)> = Vec::new();
    for entry in &args.context {
        let (key, value) = entry
            .split_once('=')
            .filter(|(key, _)| !key.trim().is_empty())
            .ok_or_else(|| {
                format!("--context `{entry}` is not KEY=VALUE with a key before `=` (e.g. `s3:prefix=home/`)")
            })?;
        // Keys are case-insensitive (C2): a key repeated in any case gains a value.
        match context
            .iter_mut()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
        {
            Some((_, existing)) => {
                let mut values = existing.values().to_vec();
                values.push(value.to_owned());
                *existing = ContextValue::Multi(values);
            }
            None => context.push((key.to_owned(), ContextValue::Single(value.to_owned()))),
        }
    }
    Ok(vec![(action.clone(), resource.clone(), context)])
}

/// `--template FILE` and the values a template cannot know before deploy
/// (shared with `iam-eval lint`).
#[derive(clap::Args)]
pub(crate) struct TemplateArgs {
    /// A CloudFormation, SAM or Serverless Framework template (JSON or YAML) instead of a pool file.
    #[arg(long, value_name = "FILE")]
    pub(crate) template: Option<String>,
    /// A template parameter (repeatable; over its Default). For Serverless files, also a variable such as `sls:stage=dev`.
    #[arg(long = "param", value_name = "KEY=VALUE", requires = "template")]
    params: Vec<String>,
    /// AWS::AccountId (default 123456789012, reported as defaulted).
    #[arg(long, value_name = "ID", requires = "template")]
    account: Option<String>,
    /// AWS::Region (default us-east-1, reported as defaulted).
    #[arg(long, value_name = "REGION", requires = "template")]
    region: Option<String>,
    /// AWS::Partition (default: from the region).
    #[arg(long, value_name = "PARTITION", requires = "template")]
    partition: Option<String>,
    /// AWS::StackName (default iam-eval-stack, reported as defaulted).
    #[arg(long, value_name = "NAME", requires = "template")]
    stack_name: Option<String>,
    /// What `Ref` returns for a resource, e.g. the deployed user pool's id: `LOGICAL_ID=ID` (repeatable).
    #[arg(
        long = "physical-id",
        value_name = "LOGICAL_ID=ID",
        requires = "template"
    )]
    physical_ids: Vec<String>,
    /// The document of a managed policy the template or pool file attaches by ARN:
    /// `ARN=FILE`, the document or `aws iam get-policy-version` output (repeatable).
    #[arg(long = "managed-policy", value_name = "ARN=FILE")]
    managed_policies: Vec<String>,
    /// The identity pool to simulate (its logical id) when the template has several.
    #[arg(long, value_name = "LOGICAL_ID", requires = "template")]
    identity_pool: Option<String>,
    /// The directory `${file(…)}` includes may be read from (default: the template's own directory).
    #[arg(long, value_name = "DIR", requires = "template")]
    include_root: Option<String>,
}

fn pairs(entries: &[String], flag: &str) -> Result<Vec<(String, String)>, String> {
    entries
        .iter()
        .map(|entry| match entry.split_once('=') {
            Some((k, v)) if !k.is_empty() => Ok((k.to_owned(), v.to_owned())),
            _ => Err(format!("{flag} `{entry}` is not KEY=VALUE")),
        })
        .collect()
}

impl TemplateArgs {
    /// Reads and resolves the template; `None` without `--template`.
    pub(crate) fn load(&self) -> Result<Option<(String, Stack)>, String> {
        let Some(file) = &self.template else {
            return Ok(None);
        };
        let mut options = TemplateOptions::default();
        options.parameters = pairs(&self.params, "--param")?.into_iter().collect();
        options.physical_ids = pairs(&self.physical_ids, "--physical-id")?
            .into_iter()
            .collect();
        for (arn, path) in pairs(&self.managed_policies, "--managed-policy")? {
            let document = read_input(&path)?;
            options.managed_policies.insert(arn, document);
        }
        options.account_id.clone_from(&self.account);
        options.region.clone_from(&self.region);
        options.partition.clone_from(&self.partition);
        options.stack_name.clone_from(&self.stack_name);
        options.identity_pool.clone_from(&self.identity_pool);
        options.include_root = self.include_root.as_ref().map(Into::into);
        // From a file, its `${file(…)}` includes are read next to it.
        let stack = if file == "-" {
            iam_eval::template::load(&read_input(file)?, &options)
        } else {
            iam_eval::template::load_file(std::path::Path::new(file), &options)
        }
        .map_err(|e| format!("{file}: {e}"))?;
        Ok(Some((file.clone(), stack)))
    }
}

fn template_json(file: &str, stack: &Stack) -> serde_json::Value {
    json!({
        "file": file,
        "notes": stack.notes(),
        "unresolved": stack.unresolved(),
        "refusedRoles": stack.refused_roles(),
    })
}

fn print_template(file: &str, stack: &Stack) {
    outln!("== template {file}");
    for note in stack.notes() {
        outln!("  note: {note}");
    }
    for unresolved in stack.unresolved() {
        outln!("  unresolved: {unresolved}");
    }
    for (role, why) in stack.refused_roles() {
        outln!("  role left out (no credentials for it): {role}: {why}");
    }
    if stack.notes().is_empty() && stack.unresolved().is_empty() {
        outln!("  everything resolved");
    }
    outln!();
}

pub(crate) fn run(args: Args) -> Result<Exit, String> {
    let template = args.template.load()?;
    let pool = match (&template, &args.pool) {
        (Some((file, stack)), _) => stack.identity_pool().map_err(|e| format!("{file}: {e}"))?,
        (None, Some(file)) => {
            let mut managed = std::collections::BTreeMap::new();
            for (arn, path) in pairs(&args.template.managed_policies, "--managed-policy")? {
                managed.insert(arn, read_input(&path)?);
            }
            IdentityPoolSetup::from_json_with_managed_policies(&read_input(file)?, &managed)
                .map_err(|e| format!("{file}: {e}"))?
        }
        (None, None) => return Err("give --pool FILE or --template FILE".into()),
    };
    if let (Some((file, stack)), false) = (&template, args.json) {
        print_template(file, stack);
    }
    let requests = requests(&args)?;
    let single = args.requests.is_none();
    let mut all_allowed = true;
    let mut outputs = Vec::new();
    for file in &args.logins {
        let text = read_input(file)?;
        let login = Login::from_json(&text).map_err(|e| login_error(file, &text, &e))?;
        let session = pool.sign_in(&login).map_err(|e| e.to_string())?;
        let decisions: Vec<Decided> = requests
            .iter()
            .map(|(action, resource, extra)| {
                let extra: Vec<(&str, ContextValue)> =
                    extra.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
                Decided {
                    request: crate::request_json(&session.request(action, resource, &extra)),
                    extra: spec_context(&extra),
                    explanation: session.check(action, resource, &extra),
                }
            })
            .collect();
        all_allowed &= decisions
            .iter()
            .all(|d| d.explanation.decision.is_allowed());
        if args.json {
            let mut output = json_output(file, &session, &decisions, single)?;
            if let (Some((template_file, stack)), Some(object)) =
                (&template, output.as_object_mut())
            {
                object.insert("template".into(), template_json(template_file, stack));
            }
            outputs.push(output);
        } else {
            print_session(file, &session, &decisions);
        }
    }
    if args.json {
        let value = match <[serde_json::Value; 1]>::try_from(outputs) {
            Ok([one]) => one,
            Err(many) => serde_json::Value::Array(many),
        };
        outln!(
            "{}",
            serde_json::to_string_pretty(&value).map_err(|e| e.to_string())?
        );
    }
    // One request answers yes or no; a list of requests is a report.
    Ok(if !single || all_allowed {
        Exit::Yes
    } else {
        Exit::No
    })
}

/// One request's answer, with the request it answers.
struct Decided {
    /// The whole request (session context included), for `--json`.
    request: serde_json::Value,
    /// The request's own context, `KEY=VALUE, …`, to tell apart in text
    /// requests that differ only there.
    extra: String,
    explanation: Explanation,
}

fn spec_context(extra: &[(&str, ContextValue)]) -> String {
    extra
        .iter()
        .map(|(key, value)| format!("{key}={}", value.values().join("|")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// An explanation as JSON with the request it answers.
fn decided_json(decided: &Decided) -> Result<serde_json::Value, String> {
    let mut json = serde_json::to_value(&decided.explanation).map_err(|e| e.to_string())?;
    if let Some(object) = json.as_object_mut() {
        object.insert("request".into(), decided.request.clone());
    }
    Ok(json)
}

fn json_output(
    file: &str,
    session: &Session,
    decisions: &[Decided],
    single: bool,
) -> Result<serde_json::Value, String> {
    let context: serde_json::Map<String, serde_json::Value> = session
        .context()
        .iter()
        .map(|(k, v)| {
            (
                k.to_owned(),
                match v {
                    ContextValue::Single(s) => json!(s),
                    ContextValue::Multi(vs) => json!(vs),
                },
            )
        })
        .collect();
    let summary = json!({
        "login": file,
        "role": session.role(),
        "chosenRole": session.chosen_role(),
        "principal": session.principal(),
        "roleSelection": session.steps(),
        "refusal": session.refusal(),
        "trust": session.trust().map(|t| t.decision),
        "trustExplanation": session.trust(),
        "scopedDown": session.is_scoped_down(),
        "sessionContext": context,
    });
    let serde_json::Value::Object(mut out) = summary else {
        return Err("internal: summary is not an object".into());
    };
    match (single, decisions.first()) {
        (true, Some(first)) => {
            out.insert("decision".into(), json!(first.explanation.decision));
            out.insert("explanation".into(), decided_json(first)?);
        }
        _ => {
            let all = decisions
                .iter()
                .map(decided_json)
                .collect::<Result<Vec<_>, String>>()?;
            out.insert("decisions".into(), serde_json::Value::Array(all));
        }
    }
    Ok(serde_json::Value::Object(out))
}

fn print_session(file: &str, session: &Session, decisions: &[Decided]) {
    outln!("== {file}");
    for step in session.steps() {
        outln!("  {step}");
    }
    if let Some(trust) = session.trust() {
        outln!("  trust policy: {}", trust.decision);
    }
    match session.principal() {
        Some(principal) => {
            outln!("  session principal: {principal}");
            for (key, value) in session.context().iter() {
                outln!("  context {key} = {}", value.values().join(", "));
            }
        }
        None => outln!("  no credentials: every request is implicitly denied"),
    }
    for d in decisions {
        for (i, line) in d.explanation.to_string().lines().enumerate() {
            outln!("{}{line}", if i == 0 { "  " } else { "    " });
            // Requests that differ only in their context must read apart.
            if i == 0 && !d.extra.is_empty() {
                outln!("    with context {}", d.extra);
            }
        }
    }
    outln!();
}

/// Why a login file cannot be read, saying what a login file holds when the
/// file is of another shape altogether (an array of logins, say).
fn login_error(file: &str, text: &str, error: &dyn std::fmt::Display) -> String {
    let expected = "a login file is one JSON object such as {\"identityId\": \"us-east-1:…\", \"provider\": \"…\", \"claims\": {…}}";
    match text.trim_start().chars().next() {
        Some('[') => format!(
            "{file}: the file holds an array, but {expected}; give each login its own file and repeat --login"
        ),
        Some('{') => format!("{file}: {error}"),
        _ => format!("{file}: {error}; {expected}"),
    }
}
