//! The linter on any text, as a policy of every type: it must never panic,
//! must answer the same twice, must report every error `validate` reports
//! (as an `ERROR` finding), must name only codes it lists in `CHECKS`,
//! must locate every finding inside the text, and switching a code off
//! must remove exactly that code's findings.
//!
//! Input: any bytes (lossy UTF-8).

#![no_main]

use iam_eval::lint::{check, lint, FindingType, LintConfig};
use iam_eval::{validate, PolicyType};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let lines = text.split('\n').count();
    let config = LintConfig::default();
    for policy_type in PolicyType::ALL {
        let findings = lint(&text, policy_type, &config);
        assert_eq!(findings, lint(&text, policy_type, &config), "deterministic");

        let report = validate(&text, policy_type, &config.options);
        if !report.errors.is_empty() {
            assert!(
                findings
                    .iter()
                    .any(|f| f.finding_type == FindingType::Error),
                "{policy_type:?}: validate's errors {:?} are not all findings",
                report.errors
            );
        }

        for finding in &findings {
            assert!(
                check(finding.issue_code).is_some(),
                "{}",
                finding.issue_code
            );
            assert!(!finding.locations.is_empty(), "{finding}");
            for location in &finding.locations {
                let (start, end) = (location.span.start, location.span.end);
                assert!(
                    start.offset <= end.offset && end.offset <= text.len(),
                    "{finding}"
                );
                assert!(text.is_char_boundary(start.offset), "{finding}");
                assert!(text.is_char_boundary(end.offset), "{finding}");
                for at in [start, end] {
                    assert!(at.line >= 1 && at.line <= lines, "{finding}");
                    assert!(at.column >= 1, "{finding}");
                }
            }
            let _ = finding.to_string();
        }

        // Switching the first finding's code off removes exactly its findings.
        if let Some(first) = findings.first() {
            let mut without = LintConfig::default();
            without.disable(first.issue_code);
            let expected: Vec<_> = findings
                .iter()
                .filter(|f| f.issue_code != first.issue_code)
                .cloned()
                .collect();
            assert_eq!(
                lint(&text, policy_type, &without),
                expected,
                "{}",
                first.issue_code
            );
        }
    }
});
