//! `iam-eval simulate`: the IAM policy simulator's input and output shapes.

use iam_eval::simulator::{simulate, SimulateInput};

use crate::{read_input, Exit};

#[derive(clap::Args)]
pub(crate) struct Args {
    /// A `simulate-custom-policy --cli-input-json` file, or `-` for standard input.
    #[arg(default_value = "-")]
    file: String,
}

pub(crate) fn run(args: Args) -> Result<Exit, String> {
    let input: SimulateInput = serde_json::from_str(&read_input(&args.file)?)
        .map_err(|e| format!("invalid simulator input: {e}"))?;
    let output = simulate(&input).map_err(|e| e.to_string())?;
    println!(
        "{}",
        serde_json::to_string_pretty(&output).map_err(|e| e.to_string())?
    );
    let all_allowed = output
        .evaluation_results
        .iter()
        .all(|r| r.eval_decision == "allowed");
    Ok(if all_allowed { Exit::Yes } else { Exit::No })
}
