//! `iam-eval diff`: does a policy change grant new access (`--old`/`--new`),
//! or does a policy grant any of some access (`--not-granted`)? Answers in
//! Access Analyzer's CheckNoNewAccess shape, with a witness request (a
//! case-file line) for each new access. Exit 0 PASS, 2 FAIL, 1 error.

use iam_eval::analysis::{
    check_access_not_granted, check_no_new_access, CheckOutcome, CheckResult,
};
use iam_eval::PolicyType;

use crate::{read_input, Exit, LimitArgs};

#[derive(clap::Args)]
pub(crate) struct Args {
    /// The policy before the change.
    #[arg(
        long,
        value_name = "FILE",
        requires = "new",
        conflicts_with = "not_granted"
    )]
    old: Option<String>,
    /// The policy after the change.
    #[arg(long, value_name = "FILE", requires = "old")]
    new: Option<String>,
    /// Actions (patterns allowed) and resource ARNs the policy must not
    /// grant, then the policy file.
    #[arg(long = "not-granted", value_name = "ACTION|RESOURCE", num_args = 1..)]
    not_granted: Vec<String>,
    /// The policy type of both files.
    #[arg(long = "type", default_value = "identity")]
    policy_type: PolicyType,
    /// Print the answer as JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    limits: LimitArgs,
    /// The policy file, with `--not-granted`.
    file: Option<String>,
}

pub(crate) fn run(args: Args) -> Result<Exit, String> {
    let options = args.limits.options();
    let (outcome, checked) = match (&args.old, &args.new) {
        (Some(old), Some(new)) => {
            let new_text = read_input(new)?;
            let outcome =
                check_no_new_access(&read_input(old)?, &new_text, args.policy_type, &options)
                    .map_err(|e| format!("{e}"))?;
            (outcome, new_text)
        }
        _ => {
            let mut items = args.not_granted.clone();
            let file = match args.file.clone() {
                Some(f) => f,
                None => items.pop().ok_or(
                    "give `--old FILE --new FILE`, or `--not-granted ACTION|RESOURCE… FILE`",
                )?,
            };
            if items.is_empty() {
                return Err("`--not-granted` needs at least one action or resource".into());
            }
            let (resources, actions): (Vec<String>, Vec<String>) =
                items.into_iter().partition(|i| i.starts_with("arn:"));
            let text = read_input(&file)?;
            let outcome =
                check_access_not_granted(&text, &actions, &resources, args.policy_type, &options)
                    .map_err(|e| format!("{e}"))?;
            (outcome, text)
        }
    };
    if args.json {
        outln!("{}", to_json(&outcome, args.policy_type, &checked));
    } else {
        print_text(&outcome, args.policy_type, &checked);
    }
    Ok(match outcome.result {
        CheckResult::Pass => Exit::Yes,
        CheckResult::Fail => Exit::No,
    })
}

fn to_json(outcome: &CheckOutcome, kind: PolicyType, policy: &str) -> serde_json::Value {
    let reasons: Vec<serde_json::Value> = outcome
        .reasons
        .iter()
        .enumerate()
        .map(|(i, r)| {
            serde_json::json!({
                "description": r.description,
                "statementIndex": r.statement_index,
                "statementId": r.statement_id,
                "kind": r.kind,
                "actions": r.actions,
                "witness": r.witness.as_ref().map(|w| w.to_case(&format!("witness-{i}"), kind, policy)),
            })
        })
        .collect();
    serde_json::json!({
        "result": outcome.result,
        "message": outcome.message,
        "reasons": reasons,
    })
}

fn print_text(outcome: &CheckOutcome, kind: PolicyType, policy: &str) {
    let result = match outcome.result {
        CheckResult::Pass => "PASS",
        CheckResult::Fail => "FAIL",
    };
    outln!("{result}: {}", outcome.message);
    for (i, r) in outcome.reasons.iter().enumerate() {
        let sid = r
            .statement_id
            .as_deref()
            .map_or_else(String::new, |s| format!(" ({s})"));
        outln!("- {}{sid}", r.description);
        if !r.actions.is_empty() {
            let shown: Vec<&str> = r.actions.iter().take(8).map(String::as_str).collect();
            let more = r.actions.len().saturating_sub(shown.len());
            let tail = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            outln!("  actions: {}{tail}", shown.join(", "));
        }
        if let Some(w) = &r.witness {
            outln!(
                "  witness: {}",
                w.to_case(&format!("witness-{i}"), kind, policy)
            );
        }
    }
}
