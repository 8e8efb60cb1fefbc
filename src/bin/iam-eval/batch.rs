//! `iam-eval batch`: JSON Lines cases in, one JSON line per case out.

use iam_eval::case::Case;
use iam_eval::Options;
use serde_json::json;

use crate::{read_input, Exit};

#[derive(clap::Args)]
pub(crate) struct Args {
    /// The cases file, or `-` for standard input.
    #[arg(default_value = "-")]
    file: String,
    /// Add each decision's explanation to its output line.
    #[arg(long)]
    explain: bool,
}

pub(crate) fn run(args: Args) -> Result<Exit, String> {
    let text = read_input(&args.file)?;
    let options = Options::default();
    let (mut passed, mut failed, mut errors) = (0usize, 0usize, 0usize);
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let output = match Case::from_json(line) {
            Err(e) => {
                errors += 1;
                json!({"line": index + 1, "error": e})
            }
            Ok(case) => match case.run(&options) {
                // Never a guessed decision: a case that cannot be evaluated says why.
                Err(e) => {
                    errors += 1;
                    json!({"id": case.id, "error": e})
                }
                Ok(result) => {
                    let mut out = serde_json::Map::new();
                    out.insert("id".into(), json!(result.id));
                    out.insert("decision".into(), json!(result.decision));
                    if let Some(expected) = result.expected {
                        out.insert("expected".into(), json!(expected));
                        out.insert("match".into(), json!(expected == result.decision));
                        if expected == result.decision {
                            passed += 1;
                        } else {
                            failed += 1;
                        }
                    }
                    if args.explain || !result.matches_expectation() {
                        let explanation =
                            serde_json::to_value(&result.explanation).map_err(|e| e.to_string())?;
                        out.insert("explanation".into(), explanation);
                    }
                    serde_json::Value::Object(out)
                }
            },
        };
        println!("{output}");
    }
    eprintln!("batch: {passed} passed, {failed} failed, {errors} errors");
    Ok(if failed == 0 && errors == 0 {
        Exit::Yes
    } else {
        Exit::No
    })
}
