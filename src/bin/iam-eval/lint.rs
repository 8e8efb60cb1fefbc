//! `iam-eval lint`: the mistakes people make in identity-pool policies,
//! one line per finding, or JSON Lines in Access Analyzer's shape.

use iam_eval::lint::{check, lint, LintConfig, CHECKS};
use iam_eval::PolicyType;

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
    /// Policy files (`-` for standard input).
    #[arg(required_unless_present = "template", conflicts_with = "template")]
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
                println!("{value}");
            } else {
                println!(
                    "{file}:{}: not linted: it has unresolved pieces",
                    policy.path
                );
                for reason in reasons {
                    println!("  unresolved: {reason}");
                }
            }
            continue;
        };
        let findings = lint(text, policy.policy_type, config);
        blocking |= findings.iter().any(|f| f.finding_type.is_blocking());
        for finding in &findings {
            let inner = finding.locations.first().map_or("", |l| l.path.as_str());
            let at = if inner.is_empty() {
                policy.path.clone()
            } else {
                format!("{}.{inner}", policy.path)
            };
            if args.json {
                let mut value = serde_json::to_value(finding).map_err(|e| e.to_string())?;
                if let Some(object) = value.as_object_mut() {
                    object.insert("file".into(), file.as_str().into());
                    object.insert("templatePath".into(), at.into());
                }
                println!("{value}");
            } else {
                println!(
                    "{file}:{at}: {} {}: {} ({})",
                    finding.finding_type,
                    finding.issue_code,
                    finding.message,
                    finding.learn_more_link
                );
            }
        }
        if !args.json && findings.is_empty() {
            println!(
                "{file}:{}: no findings ({} policy)",
                policy.path, policy.policy_type
            );
        }
    }
    Ok(Some(if blocking { Exit::No } else { Exit::Yes }))
}

pub(crate) fn run(args: Args) -> Result<Exit, String> {
    let mut config = LintConfig::default();
    config.options = args.limits.options();
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
    if let Some(exit) = run_template(&args, &config)? {
        return Ok(exit);
    }
    let mut blocking = false;
    for file in &args.files {
        let text = read_input(file)?;
        let findings = lint(&text, args.policy_type, &config);
        blocking |= findings.iter().any(|f| f.finding_type.is_blocking());
        for finding in &findings {
            if args.json {
                let mut value = serde_json::to_value(finding).map_err(|e| e.to_string())?;
                if let Some(object) = value.as_object_mut() {
                    object.insert("file".into(), file.as_str().into());
                }
                println!("{value}");
            } else {
                println!("{file}:{finding}");
            }
        }
        if !args.json && findings.is_empty() {
            println!("{file}: no findings ({} policy)", args.policy_type);
        }
    }
    Ok(if blocking { Exit::No } else { Exit::Yes })
}
