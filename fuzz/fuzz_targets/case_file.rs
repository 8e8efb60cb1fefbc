//! One line of a case file (`iam-eval batch`), read and run.
//!
//! Checks: no panic; reading and running are deterministic; a case run
//! twice gives the same decision, and the explanation's decision is it.
//!
//! Input: the case (lossy UTF-8).

#![no_main]

use iam_eval::case::Case;
use iam_eval::Options;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(case) = Case::from_json(&text) else {
        return;
    };
    let options = Options::default();
    let first = case.run(&options);
    let second = case.run(&options);
    match (first, second) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a.decision, b.decision, "running is deterministic");
            assert_eq!(a.decision, a.explanation.decision, "the explanation agrees");
        }
        (Err(a), Err(b)) => assert_eq!(a, b, "errors are deterministic"),
        _ => panic!("a case ran once and failed the other time"),
    }
});
