//! CloudFormation/SAM/Serverless templates: any text, loaded with and
//! without the managed policies supplied, then signed into.
//!
//! Checks: no panic and no runaway work (the depth, frame, expansion and
//! YAML-nesting limits of SECURITY.md; `-timeout` finds what they miss);
//! loading is deterministic; a role the stack refuses gives no credentials
//! and never an Allow.
//!
//! Input: one byte of switches (bit 0: supply a deny-all document for every
//! managed policy attached by ARN), then the template (lossy UTF-8).

#![no_main]

use iam_eval::cognito::Login;
use iam_eval::template::{load, TemplateOptions};
use iam_eval::Decision;
use libfuzzer_sys::fuzz_target;

const LOGINS: [&str; 2] = [
    r#"{"identityId":"us-east-1:1111aaaa-0000-4000-8000-000000000001","provider":"cognito-idp.us-east-1.amazonaws.com/us-east-1_NotesPool","clientId":"notesweb123","claims":{"sub":"s","cognito:groups":["admins"]}}"#,
    r#"{"unauthenticated":true,"identityId":"us-east-1:2222bbbb-0000-4000-8000-000000000002"}"#,
];

const DENY_ALL: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#;

fuzz_target!(|data: &[u8]| {
    let Some((&switches, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let mut options = TemplateOptions::default();
    let Ok(stack) = load(&text, &options) else {
        return;
    };
    if switches & 1 == 1 {
        // Every managed policy the first load named, supplied as deny-all.
        for note in stack.notes() {
            if note.subject.starts_with("arn:") {
                options
                    .managed_policies
                    .insert(note.subject.clone(), DENY_ALL.to_owned());
            }
        }
    }
    // Supplied documents count against the expansion budget, so this load
    // may fail where the first did not.
    let Ok(stack) = load(&text, &options) else {
        return;
    };
    let again = load(&text, &options).expect("loading is deterministic");
    assert_eq!(stack.notes(), again.notes());
    assert_eq!(stack.unresolved(), again.unresolved());
    assert_eq!(stack.refused_roles(), again.refused_roles());
    let Ok(pool) = stack.identity_pool() else {
        return;
    };
    for login in LOGINS {
        let Ok(login) = Login::from_json(login) else {
            panic!("the fixed login reads");
        };
        let Ok(session) = pool.sign_in(&login) else {
            continue;
        };
        let refused = session
            .chosen_role()
            .is_some_and(|role| stack.refused_roles().contains_key(role));
        if refused {
            assert!(!session.has_credentials(), "a refused role gave credentials");
        }
        if !session.has_credentials() {
            for (action, resource) in [("s3:GetObject", "arn:aws:s3:::b/k"), ("*", "*")] {
                assert_ne!(
                    session.check(action, resource, &[]).decision,
                    Decision::Allow,
                    "a session without credentials allowed"
                );
            }
        }
    }
});
