//! Exit codes for bad usage, on every subcommand: a usage error (unknown
//! flag, missing argument, bad `--type`, `check` without a policy) exits 1
//! like every other error, never 2, which means "denied" or "invalid".

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly; clippy.toml allows these only inside #[test] fns"
)]

mod common;
use common::{iam_eval, stdout};

const POLICY: &str = "fixtures/policies/notes-app-auth-role.json";

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[track_caller]
fn assert_usage_error(args: &[&str], says: &str) {
    let out = iam_eval(args);
    assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
    assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    assert!(stdout(&out).is_empty(), "{args:?}: {}", stdout(&out));
}

#[test]
fn unknown_flags_exit_1_on_every_subcommand() {
    for command in ["check", "batch", "validate", "lint", "simulate", "cognito"] {
        assert_usage_error(&[command, "--no-such-flag"], "unexpected argument");
    }
}

#[test]
fn missing_arguments_exit_1() {
    assert_usage_error(&[], "Usage");
    assert_usage_error(&["check", "--policy", POLICY], "--action");
    assert_usage_error(
        &["cognito", "--pool", "fixtures/cognito/notes-app-pool.json"],
        "--login",
    );
}

#[test]
fn a_bad_policy_type_exits_1() {
    for command in ["validate", "lint"] {
        assert_usage_error(
            &[command, "--type", "bucket", POLICY],
            "unknown policy type",
        );
    }
}

/// Without any policy the answer would always be "denied": a usage error.
#[test]
fn check_without_a_policy_is_a_usage_error() {
    assert_usage_error(
        &["check", "--action", "s3:GetObject", "--resource", "*"],
        "--policy",
    );
    // Any kind of policy will do.
    let out = iam_eval(&[
        "check",
        "--scp",
        POLICY,
        "--action",
        "s3:GetObject",
        "--resource",
        "*",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

/// Help and version are answers, not errors.
#[test]
fn help_and_version_exit_0_on_stdout() {
    for args in [
        &["--help"][..],
        &["--version"],
        &["check", "--help"],
        &["lint", "--help"],
    ] {
        let out = iam_eval(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert!(!stdout(&out).is_empty(), "{args:?}");
    }
}

/// `iam-eval … | head`: a reader that goes away ends the run quietly with
/// status 0, never a panic, for the streaming and the printing commands.
#[test]
fn a_closed_pipe_is_not_a_panic() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let case = std::fs::read_to_string("fixtures/cases/story.jsonl").unwrap();
    let many = case.repeat(200);
    for args in [
        &["batch", "-"][..],
        &["lint", "fixtures/lint/several-mistakes.json"],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_iam-eval"))
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Close the reading end before anything is read.
        drop(child.stdout.take());
        if let Some(mut stdin) = child.stdin.take() {
            // The child may exit before it has read everything.
            let _ = stdin.write_all(many.as_bytes());
        }
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
    }
}
