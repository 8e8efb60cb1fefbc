//! The readers of user files other than policies: Cognito pool and login
//! files, CloudFormation/SAM/Serverless templates, case files, the linter
//! and simulator input. Each must return an error for bad input, never
//! panic, and never run away on hostile input (SECURITY.md).
//!
//! Input: one selector byte, then the text (lossy UTF-8). A pool file that
//! reads is also signed into with a fixed login, so role mapping and trust
//! evaluation see fuzzed pools.

#![no_main]

use iam_eval::cognito::{IdentityPoolSetup, Login};
use iam_eval::lint::{lint, LintConfig};
use iam_eval::{case, simulator, template, Options, PolicyType};
use libfuzzer_sys::fuzz_target;

// A login in the login file's format (the earlier one was in another shape,
// did not read, and so no fuzzed pool was ever signed into).
const LOGIN: &str = r#"{"identityId":"us-east-1:1111aaaa-0000-4000-8000-000000000001","provider":"cognito-idp.us-east-1.amazonaws.com/us-east-1_NotesPool","clientId":"notesweb123","claims":{"sub":"alice","cognito:groups":["admins"]}}"#;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    match selector % 6 {
        0 => {
            if let Ok(pool) = IdentityPoolSetup::from_json(&text) {
                if let Ok(login) = Login::from_json(LOGIN) {
                    let _ = pool.sign_in(&login);
                }
            }
        }
        1 => {
            let _ = Login::from_json(&text);
        }
        2 => {
            if let Ok(stack) = template::load(&text, &template::TemplateOptions::default()) {
                let _ = stack.identity_pool();
                let _ = stack.policies().len();
            }
        }
        3 => {
            if let Ok(case) = case::Case::from_json(&text) {
                let _ = case.run(&Options::default());
            }
        }
        4 => {
            let _ = lint(&text, PolicyType::Identity, &LintConfig::default());
            let _ = lint(&text, PolicyType::Trust, &LintConfig::default());
        }
        _ => {
            if let Ok(input) = serde_json::from_str::<simulator::SimulateInput>(&text) {
                let _ = simulator::simulate(&input);
            }
        }
    }
});
