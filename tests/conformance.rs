//! Every case of the conformance suite (`fixtures/conformance/cases.jsonl`,
//! copied from `shared/conformance`) must get the decision AWS gives, and so
//! must the story's own cases (`fixtures/cases/story.jsonl`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly; clippy.toml allows these only inside #[test] fns"
)]

use iam_eval::testing::assert_cases;

#[test]
fn every_conformance_case_gets_the_documented_decision() {
    let ran = assert_cases(include_str!("../fixtures/conformance/cases.jsonl"));
    assert_eq!(ran, 278, "the suite has 278 cases");
}

#[test]
fn every_story_case_gets_the_expected_decision() {
    let ran = assert_cases(include_str!("../fixtures/cases/story.jsonl"));
    assert_eq!(ran, 24);
}

#[test]
fn every_policy_kind_case_gets_the_documented_decision() {
    let ran = assert_cases(include_str!("../fixtures/cases/policy-kinds.jsonl"));
    assert_eq!(ran, 35);
}
