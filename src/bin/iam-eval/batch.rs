//! `iam-eval batch`: JSON Lines cases in, one JSON line per case out.

use iam_eval::case::Case;
use iam_eval::Options;
use serde_json::json;

use crate::{read_input_bytes, Exit};

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
    let bytes = read_input_bytes(&args.file)?;
    // A byte-order mark before the first case is not part of it.
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&bytes);
    let options = Options::default();
    let (mut passed, mut failed, mut errors) = (0usize, 0usize, 0usize);
    for (index, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        // One line that is not UTF-8 is that line's error; the rest still run.
        let line = match std::str::from_utf8(raw) {
            Ok(line) => line,
            Err(e) => {
                errors += 1;
                let column = e.valid_up_to() + 1;
                let error = format!(
                    "line {} is not UTF-8: invalid byte at byte column {column}; expected one JSON case per line, encoded as UTF-8",
                    index + 1
                );
                println!("{}", json!({"line": index + 1, "error": error}));
                continue;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        let output = match Case::from_json(line) {
            Err(e) => {
                errors += 1;
                json!({"line": index + 1, "error": format!("line {}: {e}", index + 1)})
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
