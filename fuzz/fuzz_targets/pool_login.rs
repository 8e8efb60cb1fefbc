//! A Cognito pool file and a login file, signed in and checked.
//!
//! Checks: no panic; reading is deterministic; a session without
//! credentials allows nothing; the session's explanation agrees with its
//! decision.
//!
//! Input: the pool file, U+001E, the login file, U+001E, an action, U+001E,
//! a resource (lossy UTF-8; missing parts are empty).

#![no_main]

use iam_eval::cognito::{IdentityPoolSetup, Login};
use iam_eval::Decision;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.split('\u{1e}');
    let (pool, login, action, resource) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or("s3:GetObject"),
        parts.next().unwrap_or("*"),
    );
    let login_read = Login::from_json(login);
    assert_eq!(
        login_read.is_ok(),
        Login::from_json(login).is_ok(),
        "reading a login is deterministic"
    );
    let Ok(setup) = IdentityPoolSetup::from_json(pool) else {
        return;
    };
    let Ok(login) = login_read else {
        return;
    };
    let Ok(session) = setup.sign_in(&login) else {
        return;
    };
    let explanation = session.check(action, resource, &[]);
    let again = session.check(action, resource, &[]);
    assert_eq!(explanation.decision, again.decision, "checking is deterministic");
    if !session.has_credentials() {
        assert_ne!(explanation.decision, Decision::Allow, "no credentials, yet Allow");
        assert!(session.refusal().is_some_and(|r| !r.is_empty()));
    }
    let decision = session.policies().evaluate(&session.request(action, resource, &[])).decision();
    assert_eq!(decision, explanation.decision, "the explanation agrees");
});
