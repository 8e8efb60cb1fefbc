//! Every case of the conformance suite (`fixtures/conformance/cases.jsonl`,
//! copied from `shared/conformance`) must get the decision AWS gives.

use iam_eval::case::Case;
use iam_eval::Options;

const CASES: &str = include_str!("../fixtures/conformance/cases.jsonl");

#[test]
fn every_conformance_case_gets_the_documented_decision() {
    let options = Options::default();
    let mut failures = Vec::new();
    let mut count = 0;
    for (line_number, line) in CASES
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let case =
            Case::from_json(line).unwrap_or_else(|e| panic!("line {}: {e}", line_number + 1));
        count += 1;
        match case.run(&options) {
            Ok(result) if result.matches_expectation() => {}
            Ok(result) => failures.push(format!(
                "{}: expected {:?}, got {}\n{}",
                case.id, result.expected, result.decision, result.explanation
            )),
            Err(e) => failures.push(format!("{}: error: {e}", case.id)),
        }
    }
    assert_eq!(count, 278, "the suite has 278 cases");
    assert!(
        failures.is_empty(),
        "{} of {count} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
