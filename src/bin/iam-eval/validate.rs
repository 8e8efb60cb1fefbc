//! `iam-eval validate`: every error and warning, with its location.

use iam_eval::{validate, PolicyType};

use crate::cognito::TemplateArgs;
use crate::{read_input, Exit, LimitArgs};

#[derive(clap::Args)]
pub(crate) struct Args {
    /// The policy type whose grammar applies.
    #[arg(long = "type", default_value = "identity")]
    policy_type: PolicyType,
    /// Print findings as JSON Lines.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    limits: LimitArgs,
    /// Policy files.
    #[arg(required_unless_present = "template", conflicts_with = "template")]
    files: Vec<String>,
    /// Validate every policy of a CloudFormation / SAM / Serverless template
    /// instead (trust policies as `trust`, role and IAM policies as `identity`).
    #[command(flatten)]
    template: TemplateArgs,
}

pub(crate) fn run(args: Args) -> Result<Exit, String> {
    let options = args.limits.options();
    let mut any_error = false;
    if let Some((file, stack)) = args.template.load()? {
        for policy in stack.policies() {
            let name = format!("{file}:{}", policy.path);
            let Some(text) = &policy.document else {
                // Fail closed: a policy that could not be resolved is not vouched for.
                any_error = true;
                outln!("{name}: error: not validated: the template leaves parts of it unresolved");
                continue;
            };
            any_error |= !print_report(&name, text, policy.policy_type, &options, args.json);
        }
        return Ok(if any_error { Exit::No } else { Exit::Yes });
    }
    for file in &args.files {
        any_error |= !print_report(
            file,
            &read_input(file)?,
            args.policy_type,
            &options,
            args.json,
        );
    }
    Ok(if any_error { Exit::No } else { Exit::Yes })
}

/// Prints one policy's errors and warnings; whether it is valid.
fn print_report(
    file: &str,
    text: &str,
    policy_type: PolicyType,
    options: &iam_eval::Options,
    json: bool,
) -> bool {
    {
        let report = validate(text, policy_type, options);
        let findings = report
            .errors
            .iter()
            .map(|e| ("error", e.location(), e.kind().to_string()))
            .chain(
                report
                    .warnings
                    .iter()
                    .map(|w| ("warning", w.location(), w.message().to_owned())),
            );
        for (severity, location, message) in findings {
            if json {
                let line = serde_json::json!({
                    "file": file, "severity": severity, "path": location.path(),
                    "line": location.line(), "column": location.column(), "sid": location.sid(),
                    "message": message,
                });
                outln!("{line}");
            } else {
                // `validate` reads each file whole: every location has a position.
                outln!(
                    "{file}:{}:{}: {severity}: {}: {message}",
                    location.line().unwrap_or(1),
                    location.column().unwrap_or(1),
                    display_path(location.path())
                );
            }
        }
        if !json && report.is_valid() && report.warnings.is_empty() {
            outln!("{file}: valid {policy_type} policy");
        }
        report.is_valid()
    }
}

fn display_path(path: &str) -> &str {
    if path.is_empty() {
        "document"
    } else {
        path
    }
}
