//! `iam-eval access`: what a policy allows, per service and access level,
//! with resources, Deny carve-outs and conditions.

use iam_eval::analysis::access_report;
use iam_eval::PolicyType;

use crate::{read_input, Exit, LimitArgs};

#[derive(clap::Args)]
pub(crate) struct Args {
    /// The policy type.
    #[arg(long = "type", default_value = "identity")]
    policy_type: PolicyType,
    /// Print the report as JSON.
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
    for file in &args.files {
        let report = access_report(&read_input(file)?, args.policy_type, &options)
            .map_err(|e| format!("{file}: {e}"))?;
        if args.json {
            outln!("{}", serde_json::json!({"file": file, "access": report}));
            continue;
        }
        outln!("{file}:");
        if report.services.is_empty() {
            outln!("  allows nothing");
        }
        for service in &report.services {
            outln!("  {}", service.service);
            for (level, actions) in &service.levels {
                outln!("    {level} ({})", actions.len());
                for a in actions {
                    outln!("      {} on {}", a.action, a.resources.join(", "));
                    for c in &a.conditions {
                        outln!("        if {c}");
                    }
                    for e in &a.except {
                        outln!("        except {e}");
                    }
                }
            }
        }
    }
    Ok(Exit::Yes)
}
