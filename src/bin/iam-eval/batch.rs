//! `iam-eval batch`: JSON Lines cases in, one JSON line per case out.
//!
//! Streamed: a line is read, run and answered before the next is read, so
//! memory is that of one case however long the file, and a reader on the
//! other end of a pipe sees each answer as soon as it is ready.

use std::io::{BufRead, Write};

use iam_eval::case::Case;
use iam_eval::Options;
use serde_json::json;

use crate::Exit;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// The cases file, or `-` for standard input.
    #[arg(default_value = "-")]
    file: String,
    /// Add each decision's explanation to its output line.
    #[arg(long)]
    explain: bool,
}

/// Counts of the cases answered.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Tally {
    passed: usize,
    failed: usize,
    errors: usize,
}

pub(crate) fn run(args: Args) -> Result<Exit, String> {
    let reader = open(&args.file)?;
    // Standard output is line-buffered: each answer leaves when written.
    let tally = answer_all(reader, crate::stdout(), &Options::default(), args.explain)?;
    let Tally {
        passed,
        failed,
        errors,
    } = tally;
    eprintln!("batch: {passed} passed, {failed} failed, {errors} errors");
    Ok(if failed == 0 && errors == 0 {
        Exit::Yes
    } else {
        Exit::No
    })
}

/// The cases file, or standard input for `-`, read a line at a time.
fn open(path: &str) -> Result<Box<dyn BufRead>, String> {
    if path == "-" {
        return Ok(Box::new(std::io::stdin().lock()));
    }
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read `{path}`: {e}"))?;
    Ok(Box::new(std::io::BufReader::new(file)))
}

/// Reads `reader` line by line, writing each case's answer line to `out`
/// before reading the next.
fn answer_all(
    mut reader: impl BufRead,
    mut out: impl Write,
    options: &Options,
    explain: bool,
) -> Result<Tally, String> {
    let mut tally = Tally::default();
    let mut bytes = Vec::new();
    let mut number = 0;
    loop {
        bytes.clear();
        let read = reader
            .read_until(b'\n', &mut bytes)
            .map_err(|e| format!("cannot read line {}: {e}", number + 1))?;
        if read == 0 {
            return Ok(tally);
        }
        number += 1;
        // A byte-order mark before the first case is not part of it.
        let raw = match number {
            1 => bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&bytes),
            _ => &bytes,
        };
        let line = match line_text(raw, number) {
            Ok(line) => line,
            // One line that is not UTF-8 is that line's error; the rest still run.
            Err(error) => {
                tally.errors += 1;
                writeln!(out, "{}", json!({"line": number, "error": error}))
                    .map_err(|e| format!("cannot write an answer: {e}"))?;
                continue;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        let answer = answer(line, number, options, explain, &mut tally)?;
        writeln!(out, "{answer}").map_err(|e| format!("cannot write an answer: {e}"))?;
    }
}

/// One line's text without its line ending (`\n` or `\r\n`).
fn line_text(bytes: &[u8], number: usize) -> Result<&str, String> {
    let bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let column = e.valid_up_to() + 1;
        format!("line {number} is not UTF-8: invalid byte at byte column {column}; expected one JSON case per line, encoded as UTF-8")
    })
}

/// The answer line for one case, counted in `tally`.
fn answer(
    line: &str,
    number: usize,
    options: &Options,
    explain: bool,
    tally: &mut Tally,
) -> Result<serde_json::Value, String> {
    let case = match Case::from_json(line) {
        Err(e) => {
            tally.errors += 1;
            return Ok(json!({"line": number, "error": format!("line {number}: {e}")}));
        }
        Ok(case) => case,
    };
    let result = match case.run(options) {
        // Never a guessed decision: a case that cannot be evaluated says why.
        Err(e) => {
            tally.errors += 1;
            return Ok(json!({"id": case.id, "error": e}));
        }
        Ok(result) => result,
    };
    let mut out = serde_json::Map::new();
    out.insert("id".into(), json!(result.id));
    out.insert("decision".into(), json!(result.decision));
    if let Some(expected) = result.expected {
        out.insert("expected".into(), json!(expected));
        out.insert("match".into(), json!(expected == result.decision));
        if expected == result.decision {
            tally.passed += 1;
        } else {
            tally.failed += 1;
        }
    }
    if explain || !result.matches_expectation() {
        let explanation = serde_json::to_value(&result.explanation).map_err(|e| e.to_string())?;
        out.insert("explanation".into(), explanation);
    }
    Ok(serde_json::Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::rc::Rc;

    /// A writer whose bytes the test can read while the batch runs.
    #[derive(Clone, Default)]
    struct Shared(Rc<RefCell<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// Hands out one generated line per read and, before each, checks that
    /// every earlier case has been answered: the batch cannot have read
    /// ahead or held answers back.
    struct Lines {
        total: usize,
        given: usize,
        current: Vec<u8>,
        at: usize,
        answers: Shared,
    }

    fn case_line(i: usize) -> String {
        let (action, expected) = match i % 3 {
            0 => ("s3:GetObject", "Allow"),
            1 => ("s3:PutObject", "ImplicitDeny"),
            _ => ("s3:GetObject", "ExplicitDeny"),
        };
        let extra = if i % 3 == 2 {
            r#",{"Effect":"Deny","Action":"s3:*","Resource":"*"}"#
        } else {
            ""
        };
        format!(
            r#"{{"id":"case-{i}","policies":[{{"kind":"identity","document":{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}}{extra}]}}}}],"request":{{"action":"{action}","resource":"arn:aws:s3:::b/{i}"}},"expected":"{expected}"}}"#
        ) + if i % 2 == 0 { "\n" } else { "\r\n" }
    }

    impl std::io::Read for Lines {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let available = self.fill_buf()?;
            let n = available.len().min(buf.len());
            buf[..n].copy_from_slice(&available[..n]);
            self.consume(n);
            Ok(n)
        }
    }

    impl BufRead for Lines {
        fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
            if self.at == self.current.len() && self.given < self.total {
                let answered = self
                    .answers
                    .0
                    .borrow()
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count();
                assert_eq!(
                    answered,
                    self.given,
                    "answers so far before line {}",
                    self.given + 1
                );
                self.current = case_line(self.given).into_bytes();
                self.at = 0;
                self.given += 1;
            }
            Ok(&self.current[self.at..])
        }
        fn consume(&mut self, n: usize) {
            self.at += n;
        }
    }

    #[test]
    fn answers_each_line_before_reading_the_next_in_order() {
        let answers = Shared::default();
        let total = 3_000;
        let lines = Lines {
            total,
            given: 0,
            current: Vec::new(),
            at: 0,
            answers: answers.clone(),
        };
        let tally = answer_all(lines, answers.clone(), &Options::default(), false).unwrap();
        assert_eq!(
            tally,
            Tally {
                passed: total,
                failed: 0,
                errors: 0
            }
        );
        let text = String::from_utf8(answers.0.take()).unwrap();
        let ids: Vec<String> = text
            .lines()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        let expected: Vec<String> = (0..total).map(|i| format!("case-{i}")).collect();
        assert_eq!(ids, expected);
    }

    #[test]
    fn blank_lines_are_skipped_and_bad_ones_answered_by_line_number() {
        let input = "\n  \n{not json\r\n";
        let answers = Shared::default();
        let tally = answer_all(
            input.as_bytes(),
            answers.clone(),
            &Options::default(),
            false,
        )
        .unwrap();
        assert_eq!(tally.errors, 1);
        let text = String::from_utf8(answers.0.take()).unwrap();
        let answer: serde_json::Value = serde_json::from_str(text.trim_end()).unwrap();
        assert_eq!(answer["line"], 3);
    }
}
