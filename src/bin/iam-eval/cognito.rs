//! `iam-eval cognito`: a sign-in to an identity pool, the role and trust
//! check, and the decision for each request made with its credentials.

use iam_eval::cognito::{IdentityPoolSetup, Login, Session};
use iam_eval::{ContextValue, Explanation};
use serde::Deserialize;
use serde_json::json;

use crate::{read_input, Exit};

#[derive(clap::Args)]
pub(crate) struct Args {
    /// The pool file: describe-identity-pool, get-identity-pool-roles and the roles' policies.
    #[arg(long)]
    pool: String,
    /// A login file (repeatable: each login is signed in and checked in turn).
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
    #[serde(default)]
    context: serde_json::Map<String, serde_json::Value>,
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
            .ok_or_else(|| format!("--context `{entry}` is not KEY=VALUE"))?;
        match context.iter_mut().find(|(k, _)| k == key) {
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

pub(crate) fn run(args: Args) -> Result<Exit, String> {
    let pool = IdentityPoolSetup::from_json(&read_input(&args.pool)?)
        .map_err(|e| format!("{}: {e}", args.pool))?;
    let requests = requests(&args)?;
    let single = args.requests.is_none();
    let mut all_allowed = true;
    let mut outputs = Vec::new();
    for file in &args.logins {
        let login = Login::from_json(&read_input(file)?).map_err(|e| format!("{file}: {e}"))?;
        let session = pool.sign_in(&login).map_err(|e| e.to_string())?;
        let decisions: Vec<Explanation> = requests
            .iter()
            .map(|(action, resource, extra)| {
                let extra: Vec<(&str, ContextValue)> =
                    extra.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
                session.check(action, resource, &extra)
            })
            .collect();
        all_allowed &= decisions.iter().all(|d| d.decision.is_allowed());
        if args.json {
            outputs.push(json_output(file, &session, &decisions, single)?);
        } else {
            print_session(file, &session, &decisions);
        }
    }
    if args.json {
        let value = match <[serde_json::Value; 1]>::try_from(outputs) {
            Ok([one]) => one,
            Err(many) => serde_json::Value::Array(many),
        };
        println!(
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

fn json_output(
    file: &str,
    session: &Session,
    decisions: &[Explanation],
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
            out.insert("decision".into(), json!(first.decision));
            out.insert(
                "explanation".into(),
                serde_json::to_value(first).map_err(|e| e.to_string())?,
            );
        }
        _ => {
            out.insert(
                "decisions".into(),
                serde_json::to_value(decisions).map_err(|e| e.to_string())?,
            );
        }
    }
    Ok(serde_json::Value::Object(out))
}

fn print_session(file: &str, session: &Session, decisions: &[Explanation]) {
    println!("== {file}");
    for step in session.steps() {
        println!("  {step}");
    }
    if let Some(trust) = session.trust() {
        println!("  trust policy: {}", trust.decision);
    }
    match session.principal() {
        Some(principal) => {
            println!("  session principal: {principal}");
            for (key, value) in session.context().iter() {
                println!("  context {key} = {}", value.values().join(", "));
            }
        }
        None => println!("  no credentials: every request is implicitly denied"),
    }
    for d in decisions {
        for (i, line) in d.to_string().lines().enumerate() {
            println!("{}{line}", if i == 0 { "  " } else { "    " });
        }
    }
    println!();
}
