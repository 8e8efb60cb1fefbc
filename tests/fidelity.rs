//! The rules that other engines' suites caught us breaking (P1, P5, P6, T1,
//! K1, N1 in docs/rules.md): each is pinned by cases in
//! `fixtures/cases/fidelity.jsonl`, near misses included, whose `source`
//! names the AWS page.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly; clippy.toml allows these only inside #[test] fns"
)]

use iam_eval::case::Case;
use iam_eval::testing::assert_cases;
use iam_eval::{Blocker, Decision, Options};

const CASES: &str = include_str!("../fixtures/cases/fidelity.jsonl");

#[test]
fn every_fidelity_case_gets_the_documented_decision() {
    assert_eq!(assert_cases(CASES), 51);
}

/// Each decision path is exercised by the cases.
#[test]
fn the_cases_cover_every_decision() {
    for decision in ["\"Allow\"", "\"ExplicitDeny\"", "\"ImplicitDeny\""] {
        assert!(
            CASES.contains(&format!("\"expected\": {decision}")),
            "{decision}"
        );
    }
}

fn run(id: &str) -> iam_eval::case::CaseResult {
    let line = CASES
        .lines()
        .find(|l| l.contains(&format!("\"id\": \"{id}\"")))
        .unwrap_or_else(|| panic!("no case {id}"));
    Case::from_json(line)
        .unwrap()
        .run(&Options::default())
        .unwrap()
}

/// K1: the explanation says that a key policy is needed and was not given.
#[test]
fn k1_explanation_names_the_missing_key_policy() {
    let result = run("k1-identity-allow-without-key-policy");
    assert_eq!(result.decision, Decision::ImplicitDeny);
    assert_eq!(
        result.explanation.blocked_by,
        Some(Blocker::KeyPolicy { given: false })
    );
    assert!(
        result
            .explanation
            .summary
            .contains("no key policy was given"),
        "{}",
        result.explanation.summary
    );
    let other = run("k1-key-policy-names-other-user");
    assert_eq!(
        other.explanation.blocked_by,
        Some(Blocker::KeyPolicy { given: true })
    );
}

/// N1: the explanation says why a denied action is allowed.
#[test]
fn n1_explanation_says_no_permission_is_needed() {
    let result = run("n1-get-caller-identity-explicit-deny");
    assert_eq!(result.decision, Decision::Allow);
    assert!(
        result
            .explanation
            .summary
            .contains("requires no permission"),
        "{}",
        result.explanation.summary
    );
}

/// P1: the delegation's implicit deny is explained as a missing identity Allow.
#[test]
fn p1_explanation_points_at_the_identity_policies() {
    let result = run("p1-account-arn-delegates-no-identity-allow");
    assert_eq!(result.explanation.blocked_by, Some(Blocker::NoAllow));
}
