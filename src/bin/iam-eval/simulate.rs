//! `iam-eval simulate`: the IAM policy simulator's input and output shapes.

use std::io::Write;

use iam_eval::simulator::{SimulateInput, Simulation};

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
    let simulation = Simulation::new(&input).map_err(|e| e.to_string())?;
    // Each result is written as it is evaluated: memory stays that of one
    // result, however many the input asks for.
    let mut out = std::io::BufWriter::new(crate::stdout());
    let written = simulation
        .write_json(&mut out, true)
        .map_err(|e| e.to_string())?;
    writeln!(out)
        .and_then(|()| out.flush())
        .map_err(|e| format!("cannot write the output: {e}"))?;
    Ok(if written.all_allowed {
        Exit::Yes
    } else {
        Exit::No
    })
}
