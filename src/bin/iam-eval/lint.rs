//! `iam-eval lint`: the mistakes people make in identity-pool policies,
//! one line per finding, or JSON Lines in Access Analyzer's shape.

use iam_eval::lint::{check, lint, LintConfig, CHECKS};
use iam_eval::PolicyType;

use crate::{read_input, Exit};

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
    /// Policy files (`-` for standard input).
    #[arg(required = true)]
    files: Vec<String>,
}

pub(crate) fn run(args: Args) -> Result<Exit, String> {
    let mut config = LintConfig::default();
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
