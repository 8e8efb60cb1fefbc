//! `iam-eval lint`: the mistakes people make in identity-pool policies,
//! one line per finding, or with `--json` one line per policy,
//! `{"file": …, "findings": [...]}`, each finding exactly in Access
//! Analyzer's `ValidatePolicyFinding` shape (as in `ValidatePolicy`'s
//! response).

use iam_eval::lint::{
    check, lint, public_role, Finding, LintConfig, PublicRole, CHECKS, RESOURCE_TYPES,
};
use iam_eval::PolicyType;
use serde_json::Value;

use crate::cognito::TemplateArgs;
use crate::{read_input, Exit, LimitArgs};

#[derive(clap::Args)]
pub(crate) struct Args {
    /// The policy type whose grammar and checks apply.
    #[arg(long = "type", default_value = "identity")]
    policy_type: PolicyType,
    /// Print findings as JSON Lines (Access Analyzer's field names plus `file`).
    #[arg(long)]
    json: bool,
    /// Do not report this issue code (repeat, or separate codes with commas).
    #[arg(long, value_name = "CODE", value_delimiter = ',')]
    disable: Vec<String>,
    #[command(flatten)]
    limits: LimitArgs,
    /// Who can assume the role these policy files are attached to: `guests`
    /// or `signed-in` make broad grants security warnings (as `--pool` and
    /// `--template` find out for themselves).
    #[arg(long, value_name = "WHO", value_parser = ["guests", "signed-in", "unknown"])]
    public_role: Option<String>,
    /// The resource type the policy is attached to, as Access Analyzer's
    /// `ValidatePolicy` names it (`AWS::S3::Bucket`, `AWS::DynamoDB::Table`,
    /// `AWS::IAM::AssumeRolePolicyDocument`…); with `--type resource` or
    /// `trust` it turns on `UNSUPPORTED_ACTION_IN_POLICY` and
    /// `UNSUPPORTED_RESOURCE_ARN_IN_POLICY`.
    #[arg(
        long,
        value_name = "TYPE",
        value_parser = clap::builder::PossibleValuesParser::new(RESOURCE_TYPES),
        conflicts_with_all = ["pool", "template"]
    )]
    resource_type: Option<String>,
    /// Lint every policy of an identity pool file (the `cognito --pool`
    /// format): each role's trust policy, and its policies with the role's
    /// reach (guests, any signed-in user) setting how loud broad grants are.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["files", "template"])]
    pool: Option<String>,
    /// Policy files (`-` for standard input).
    #[arg(required_unless_present_any = ["template", "pool"], conflicts_with = "template")]
    files: Vec<String>,
    /// Lint every policy of a CloudFormation / SAM / Serverless template instead
    /// (trust policies as `trust`, role and IAM policies as `identity`).
    #[command(flatten)]
    template: TemplateArgs,
}

/// `lint --template`: each finding with the template path of its policy.
fn run_template(args: &Args, config: &LintConfig) -> Result<Option<Exit>, String> {
    let Some((file, stack)) = args.template.load()? else {
        return Ok(None);
    };
    // Each role's reach, from its own trust policy in the template.
    let reach_of = |path: &str| -> PublicRole {
        let Some(resource) = path.split(".Properties").next() else {
            return PublicRole::Unknown;
        };
        stack
            .policies()
            .iter()
            .filter(|p| p.policy_type == PolicyType::Trust && p.path.starts_with(resource))
            .filter_map(|p| p.document.as_deref())
            .map(public_role)
            .max()
            .unwrap_or_default()
    };
    let mut blocking = false;
    for policy in stack.policies() {
        let Some(text) = &policy.document else {
            // Fail closed: a policy that could not be resolved is not vouched for.
            blocking = true;
            let reasons: Vec<String> = stack
                .unresolved()
                .iter()
                .filter(|u| u.path.starts_with(&policy.path))
                .map(ToString::to_string)
                .collect();
            if args.json {
                let value = serde_json::json!({
                    "file": file, "templatePath": policy.path, "notLinted": "unresolved", "unresolved": reasons,
                });
                outln!("{value}");
            } else {
                outln!(
                    "{file}:{}: not linted: it has unresolved pieces",
                    policy.path
                );
                for reason in reasons {
                    outln!("  unresolved: {reason}");
                }
            }
            continue;
        };
        let mut config = config.clone();
        if policy.policy_type == PolicyType::Identity {
            config.public_role = config.public_role.max(reach_of(&policy.path));
        }
        let findings = lint(text, policy.policy_type, &config);
        blocking |= findings.iter().any(|f| f.finding_type.is_blocking());
        if args.json {
            print_json(
                &file,
                Some(("templatePath", &policy.path)),
                policy.policy_type,
                &findings,
            )?;
            continue;
        }
        for finding in &findings {
            let inner = finding
                .locations
                .first()
                .map_or_else(String::new, |l| l.json_path());
            let at = if inner.is_empty() {
                policy.path.clone()
            } else {
                format!("{}.{inner}", policy.path)
            };
            {
                outln!(
                    "{file}:{at}: {} {}: {} ({})",
                    finding.finding_type,
                    finding.issue_code,
                    finding.message,
                    finding.learn_more_link
                );
            }
        }
        if !args.json && findings.is_empty() {
            outln!(
                "{file}:{}: no findings ({} policy)",
                policy.path,
                policy.policy_type
            );
        }
    }
    Ok(Some(if blocking { Exit::No } else { Exit::Yes }))
}

/// One `--json` line: the file (and the policy's place in it) and its
/// findings, each exactly Access Analyzer's `ValidatePolicyFinding`.
fn print_json(
    file: &str,
    policy_path: Option<(&str, &str)>,
    policy_type: PolicyType,
    findings: &[Finding],
) -> Result<(), String> {
    let mut line = serde_json::Map::new();
    line.insert("file".into(), file.into());
    if let Some((key, path)) = policy_path {
        line.insert(key.into(), path.into());
    }
    line.insert("policyType".into(), policy_type.to_string().into());
    line.insert(
        "findings".into(),
        serde_json::to_value(findings).map_err(|e| e.to_string())?,
    );
    outln!("{}", Value::Object(line));
    Ok(())
}

/// `lint --pool`: every policy of an identity pool file, each role's with
/// the reach the pool gives it.
fn run_pool(args: &Args, file: &str, config: &LintConfig) -> Result<Exit, String> {
    let text = crate::read_input(file)?;
    let pool: Value =
        serde_json::from_str(&text).map_err(|e| format!("`{file}` is not JSON: {e}"))?;
    let at = |value: &Value, pointer: &str| value.pointer(pointer).cloned().unwrap_or_default();
    let defaults = at(&pool, "/IdentityPoolRoles/Roles");
    let guests_allowed = at(&pool, "/IdentityPool/AllowUnauthenticatedIdentities") == true;
    let Some(roles) = pool.get("Roles").and_then(Value::as_object) else {
        return Err(format!(
            "`{file}` has no `Roles` object of role ARN to policies"
        ));
    };
    let mut blocking = false;
    for (arn, role) in roles {
        let trust = at(role, "/AssumeRolePolicyDocument");
        let trust_text = serde_json::to_string_pretty(&trust).map_err(|e| e.to_string())?;
        // The pool's own mapping, or what the trust policy admits, whichever
        // reaches further.
        let mapped = if guests_allowed && at(&defaults, "/unauthenticated") == arn.as_str() {
            PublicRole::Guests
        } else if at(&defaults, "/authenticated") == arn.as_str() {
            PublicRole::AnySignedInUser
        } else {
            PublicRole::Unknown
        };
        let reach = mapped.max(public_role(&trust_text));
        let mut policies = vec![(
            format!("Roles.{arn}.AssumeRolePolicyDocument"),
            PolicyType::Trust,
            trust_text,
        )];
        for (i, p) in role["Policies"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            let text = serde_json::to_string_pretty(&at(p, "/PolicyDocument"))
                .map_err(|e| e.to_string())?;
            policies.push((
                format!("Roles.{arn}.Policies[{i}].PolicyDocument"),
                PolicyType::Identity,
                text,
            ));
        }
        for (path, policy_type, text) in policies {
            let mut config = config.clone();
            config.public_role = config.public_role.max(reach);
            let findings = lint(&text, policy_type, &config);
            blocking |= findings.iter().any(|f| f.finding_type.is_blocking());
            if args.json {
                print_json(file, Some(("poolPath", &path)), policy_type, &findings)?;
                continue;
            }
            for finding in &findings {
                outln!("{file}:{path}: {finding}");
            }
            if findings.is_empty() {
                outln!("{file}:{path}: no findings ({policy_type} policy)");
            }
        }
    }
    Ok(if blocking { Exit::No } else { Exit::Yes })
}

pub(crate) fn run(args: Args) -> Result<Exit, String> {
    let mut config = LintConfig::default();
    config.options = args.limits.options();
    config.public_role = match args.public_role.as_deref() {
        Some("guests") => PublicRole::Guests,
        Some("signed-in") => PublicRole::AnySignedInUser,
        _ => PublicRole::Unknown,
    };
    if let Some(resource_type) = &args.resource_type {
        if !matches!(args.policy_type, PolicyType::Resource | PolicyType::Trust) {
            return Err(format!(
                "--resource-type {resource_type} needs --type resource or --type trust, not {}",
                args.policy_type
            ));
        }
        config.resource_type = Some(resource_type.clone());
    }
    for code in &args.disable {
        if check(code).is_none() {
            let known: Vec<&str> = CHECKS.iter().map(|c| c.code).collect();
            return Err(format!(
                "unknown issue code `{code}` for --disable; known codes: {}",
                known.join(", ")
            ));
        }
        config.disable(code);
    }
    if let Some(pool) = &args.pool {
        return run_pool(&args, pool, &config);
    }
    if let Some(exit) = run_template(&args, &config)? {
        return Ok(exit);
    }
    let mut blocking = false;
    for file in &args.files {
        let text = read_input(file)?;
        let findings = lint(&text, args.policy_type, &config);
        blocking |= findings.iter().any(|f| f.finding_type.is_blocking());
        if args.json {
            print_json(file, None, args.policy_type, &findings)?;
            continue;
        }
        for finding in &findings {
            outln!("{file}:{finding}");
        }
        if findings.is_empty() {
            outln!("{file}: no findings ({} policy)", args.policy_type);
        }
    }
    Ok(if blocking { Exit::No } else { Exit::Yes })
}
