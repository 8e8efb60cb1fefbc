//! `iam-eval check`: one request against policy files.

use iam_eval::{Context, PolicySetBuilder, PolicyType, Request};

use crate::{read_input, Exit, LimitArgs};

#[derive(clap::Args)]
// With no policy at all the answer is always "denied": ask for one instead.
#[command(group = clap::ArgGroup::new("policy-files")
    .args(["policies", "resource_policies", "trust_policies", "boundaries", "session_policies", "scps", "rcps"])
    .multiple(true)
    .required(true))]
pub(crate) struct Args {
    /// Identity-based policy file (repeatable).
    #[arg(long = "policy", value_name = "FILE")]
    policies: Vec<String>,
    /// Resource-based policy file (bucket, queue, key policy…; repeatable).
    #[arg(long = "resource-policy", value_name = "FILE")]
    resource_policies: Vec<String>,
    /// Role trust policy file (repeatable).
    #[arg(long = "trust-policy", value_name = "FILE")]
    trust_policies: Vec<String>,
    /// Permissions boundary file.
    #[arg(long = "boundary", value_name = "FILE")]
    boundaries: Vec<String>,
    /// Session policy file.
    #[arg(long = "session-policy", value_name = "FILE")]
    session_policies: Vec<String>,
    /// SCP file; each one is its own organization level, root first.
    #[arg(long = "scp", value_name = "FILE")]
    scps: Vec<String>,
    /// RCP file; each one is its own organization level, root first.
    #[arg(long = "rcp", value_name = "FILE")]
    rcps: Vec<String>,
    /// The action, e.g. `s3:GetObject`.
    #[arg(long)]
    action: String,
    /// The resource ARN, or `*` for actions without resource-level permissions.
    #[arg(long)]
    resource: String,
    /// The principal: an ARN, account id, service, web-identity provider, or `anonymous`.
    #[arg(long)]
    principal: Option<String>,
    /// The account that owns the resource (default: the principal's).
    #[arg(long = "resource-account")]
    resource_account: Option<String>,
    /// A context key, `KEY=VALUE`; repeat a key to make it multi-valued.
    #[arg(long = "context", value_name = "KEY=VALUE")]
    context: Vec<String>,
    /// Print the explanation as JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    limits: LimitArgs,
}

pub(crate) fn run(args: Args) -> Result<Exit, String> {
    let mut builder = PolicySetBuilder::with_options(args.limits.options());
    let groups: [(&[String], PolicyType); 5] = [
        (&args.policies, PolicyType::Identity),
        (&args.resource_policies, PolicyType::Resource),
        (&args.trust_policies, PolicyType::Trust),
        (&args.boundaries, PolicyType::Boundary),
        (&args.session_policies, PolicyType::Session),
    ];
    for (files, policy_type) in groups {
        for file in files {
            builder
                .add(file, policy_type, &read_input(file)?)
                .map_err(|e| e.to_string())?;
        }
    }
    for (files, policy_type) in [(&args.scps, PolicyType::Scp), (&args.rcps, PolicyType::Rcp)] {
        for (level, file) in files.iter().enumerate() {
            let level = u32::try_from(level).map_err(|_| "too many levels".to_owned())?;
            builder
                .add_at_level(file, policy_type, level, &read_input(file)?)
                .map_err(|e| e.to_string())?;
        }
    }
    let set = builder.build();
    let request = build_request(&args)?;
    let response = set.evaluate(&request);
    let explanation = response.explanation();
    if args.json {
        let mut json = serde_json::to_value(&explanation).map_err(|e| e.to_string())?;
        if let Some(object) = json.as_object_mut() {
            object.insert("request".into(), crate::request_json(&request));
        }
        let json = serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?;
        outln!("{json}");
    } else {
        use std::io::Write as _;
        if let Err(error) = write!(crate::stdout(), "{explanation}") {
            crate::write_failed(&error);
        }
    }
    Ok(if response.is_allowed() {
        Exit::Yes
    } else {
        Exit::No
    })
}

fn build_request(args: &Args) -> Result<Request, String> {
    let mut context = Context::new();
    for entry in &args.context {
        let (key, value) = entry.split_once('=').ok_or_else(|| {
            format!("--context `{entry}` is not KEY=VALUE (e.g. `aws:SourceIp=203.0.113.9`)")
        })?;
        if key.trim().is_empty() {
            return Err(format!(
                "--context `{entry}` has no key before `=`; expected KEY=VALUE (e.g. `aws:SourceIp=203.0.113.9`)"
            ));
        }
        // A key repeated, in any case, becomes multi-valued (C2), as in
        // case files and the builder.
        context.add(key, value);
    }
    let mut builder =
        Request::builder(args.action.as_str(), args.resource.as_str()).with_context(context);
    if let Some(p) = &args.principal {
        builder = builder.principal(p.as_str());
    }
    if let Some(a) = &args.resource_account {
        builder = builder.resource_account(a.as_str());
    }
    // A request that cannot be read is an error, not a decision.
    builder.try_build().map_err(|e| {
        let flag = match e.part() {
            iam_eval::RequestPart::Action => "--action",
            _ => "--principal",
        };
        format!("{flag}: {e}")
    })
}
