//! Assertions for users' own `cargo test`: check that a policy allows or
//! denies a request, with the explanation in the failure message.
//!
//! ```
//! use iam_eval::{testing, PolicySet, Request};
//! let set = PolicySet::from_json(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::public/*"}}"#)?;
//! testing::assert_allowed(&set, &Request::new("s3:GetObject", "arn:aws:s3:::public/a.png"));
//! testing::assert_denied(&set, &Request::new("s3:PutObject", "arn:aws:s3:::public/a.png"));
//! # Ok::<(), iam_eval::PolicyError>(())
//! ```
//!
//! Cases kept as JSON Lines fixtures (the format of [`crate::case`]) run with
//! [`assert_cases`].

use crate::case::Case;
use crate::eval::Decision;
use crate::options::Options;
use crate::request::Request;
use crate::set::PolicySet;

/// Panics, with the explanation, unless `set` gives `expected` for `request`.
#[track_caller]
#[expect(
    clippy::panic,
    reason = "an assertion for tests: panicking is its purpose"
)]
pub fn assert_decision(set: &PolicySet, request: &Request, expected: Decision) {
    let response = set.evaluate(request);
    if response.decision() != expected {
        panic!(
            "expected {expected} for {request}, got {}\n{}",
            response.decision(),
            response.explanation()
        );
    }
}

/// Panics, with the explanation, unless `request` is allowed.
#[track_caller]
pub fn assert_allowed(set: &PolicySet, request: &Request) {
    assert_decision(set, request, Decision::Allow);
}

/// Panics, with the explanation, if `request` is allowed (explicitly or implicitly denied passes).
#[track_caller]
#[expect(
    clippy::panic,
    reason = "an assertion for tests: panicking is its purpose"
)]
pub fn assert_denied(set: &PolicySet, request: &Request) {
    let response = set.evaluate(request);
    if response.is_allowed() {
        panic!(
            "expected {request} to be denied, but it is allowed\n{}",
            response.explanation()
        );
    }
}

/// Runs every case of a JSON Lines text (see [`crate::case`]) and panics
/// listing each case whose decision differs from its `expected`, or that
/// cannot be evaluated, with explanations. Returns how many cases ran.
///
/// ```
/// let cases = r#"{"id":"get","policies":[{"kind":"identity","document":{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}}],"request":{"action":"s3:GetObject","resource":"arn:aws:s3:::b/k"},"expected":"Allow"}"#;
/// assert_eq!(iam_eval::testing::assert_cases(cases), 1);
/// ```
#[track_caller]
#[expect(
    clippy::panic,
    reason = "an assertion for tests: panicking is its purpose"
)]
pub fn assert_cases(jsonl: &str) -> usize {
    let options = Options::default();
    let mut failures = Vec::new();
    let mut count = 0;
    for (index, line) in jsonl.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        count += 1;
        match Case::from_json(line).and_then(|case| case.run(&options)) {
            Ok(result) if result.matches_expectation() => {}
            Ok(result) => failures.push(format!(
                "case `{}` (line {}): expected {}, got {}\n{}",
                result.id,
                index + 1,
                result.expected.map_or("-", Decision::as_str),
                result.decision,
                result.explanation
            )),
            Err(e) => failures.push(format!("line {}: {e}", index + 1)),
        }
    }
    if !failures.is_empty() {
        panic!(
            "{} of {count} cases failed:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
    count
}
