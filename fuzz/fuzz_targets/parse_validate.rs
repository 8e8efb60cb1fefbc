//! Any bytes, as a policy of every type: parsing, validation and compilation
//! must never panic, must agree with each other, and must locate every
//! error inside the text.

#![no_main]

use iam_eval::{validate, Options, PolicySetBuilder, PolicyType};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let lines = text.split('\n').count();

    // Defaults, then tiny limits so every limit's error path (and the quota
    // warning's) is reached, then no AWS quotas reported.
    let mut tiny = Options::default();
    tiny.limits.max_json_depth = 4;
    tiny.limits.max_statements = 2;
    tiny.limits.max_values = 2;
    tiny.limits.max_pattern_bytes = 16;
    tiny.limits.max_wildcards = 2;
    tiny.limits.trust_policy_chars = Some(64);
    let mut unbounded = Options::default();
    unbounded.limits.report_aws_quotas = false;
    unbounded.missing_version_substitutes = true;

    for options in [Options::default(), tiny, unbounded] {
        for policy_type in PolicyType::ALL {
            let report = validate(&text, policy_type, &options);
            for error in &report.errors {
                let location = error.location();
                // `validate` reads the text whole: every location has a position.
                assert!(
                    location.line().is_some_and(|line| line >= 1 && line <= lines),
                    "{error}"
                );
                assert!(location.column().is_some_and(|c| c >= 1), "{error}");
                let _ = error.to_string();
            }
            for warning in &report.warnings {
                assert!(warning.location().line().is_some_and(|l| l >= 1), "{warning}");
                let _ = warning.to_string();
            }
            let mut builder = PolicySetBuilder::with_options(options.clone());
            let added = builder.add("p", policy_type, &text).map(|_| ());
            assert_eq!(
                added.is_ok(),
                report.is_valid(),
                "validate and compile disagree for {policy_type}"
            );
            if let Err(first) = added {
                assert_eq!(Some(first.kind()), report.errors.first().map(|e| e.kind()));
            }
        }
    }
});
