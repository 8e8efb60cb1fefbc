//! `iam-eval access`: what a policy allows, per service and access level,
//! with resources, Deny carve-outs and conditions.

use iam_eval::analysis::{access_report, session_access_report, AccessReport};
use iam_eval::cognito::{IdentityPoolSetup, Login};
use iam_eval::PolicyType;

use crate::cognito::TemplateArgs;
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
    #[arg(required_unless_present_any = ["pool", "template"], conflicts_with_all = ["pool", "template"])]
    files: Vec<String>,
    /// An identity pool file (the `cognito --pool` format): report what each
    /// `--login` may do with the credentials it gets, guest beside signed-in.
    #[arg(
        long,
        value_name = "FILE",
        requires = "logins",
        conflicts_with = "template"
    )]
    pool: Option<String>,
    /// The identity pool of a template instead (with `--login`).
    #[command(flatten)]
    template: TemplateArgs,
    /// A login file, with `--pool` or `--template` (repeatable).
    #[arg(long = "login", value_name = "FILE")]
    logins: Vec<String>,
}

pub(crate) fn run(args: Args) -> Result<Exit, String> {
    let options = args.limits.options();
    if let Some(pool) = identity_pool(&args)? {
        if args.logins.is_empty() {
            return Err("give --login FILE (repeatable) with --pool or --template".into());
        }
        for file in &args.logins {
            let text = read_input(file)?;
            let login = Login::from_json(&text).map_err(|e| format!("{file}: {e}"))?;
            let session = pool.sign_in(&login).map_err(|e| format!("{file}: {e}"))?;
            let who = match (login.unauthenticated, session.role()) {
                (_, None) => "no credentials".to_owned(),
                (true, Some(role)) => format!("guest, role {role}"),
                (false, Some(role)) => format!("signed in, role {role}"),
            };
            let report = match session.refusal() {
                Some(_) => AccessReport::default(),
                None => session_access_report(session.policies()),
            };
            if args.json {
                outln!(
                    "{}",
                    serde_json::json!({
                        "login": file, "role": session.role(), "refusal": session.refusal(),
                        "scopedDown": session.is_scoped_down(), "access": report,
                    })
                );
            } else {
                outln!("{file} ({who}):");
                if let Some(why) = session.refusal() {
                    outln!("  {why}");
                }
                print_report(&report);
            }
        }
        return Ok(Exit::Yes);
    }
    for file in &args.files {
        let report = access_report(&read_input(file)?, args.policy_type, &options)
            .map_err(|e| format!("{file}: {e}"))?;
        if args.json {
            outln!("{}", serde_json::json!({"file": file, "access": report}));
            continue;
        }
        outln!("{file}:");
        print_report(&report);
    }
    Ok(Exit::Yes)
}

/// The identity pool of `--pool` or `--template`, if one is given.
fn identity_pool(args: &Args) -> Result<Option<IdentityPoolSetup>, String> {
    if let Some((file, stack)) = args.template.load()? {
        return stack
            .identity_pool()
            .map(Some)
            .map_err(|e| format!("{file}: {e}"));
    }
    let Some(file) = &args.pool else {
        return Ok(None);
    };
    IdentityPoolSetup::from_json(&read_input(file)?)
        .map(Some)
        .map_err(|e| format!("{file}: {e}"))
}

fn print_report(report: &AccessReport) {
    {
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
}
