//! `iam-eval validate`: every error and warning, with its location.

use iam_eval::{validate, PolicyType};

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
    #[arg(required = true)]
    files: Vec<String>,
}

pub(crate) fn run(args: Args) -> Result<Exit, String> {
    let options = args.limits.options();
    let mut any_error = false;
    for file in &args.files {
        let report = validate(&read_input(file)?, args.policy_type, &options);
        any_error |= !report.is_valid();
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
            if args.json {
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
        if !args.json && report.is_valid() && report.warnings.is_empty() {
            outln!("{file}: valid {} policy", args.policy_type);
        }
    }
    Ok(if any_error { Exit::No } else { Exit::Yes })
}

fn display_path(path: &str) -> &str {
    if path.is_empty() {
        "document"
    } else {
        path
    }
}
