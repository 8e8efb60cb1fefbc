//! Helpers shared by the integration tests that run the `iam-eval` binary.

#![allow(
    clippy::expect_used,
    reason = "test helpers fail loudly; clippy.toml allows these only inside #[test] fns"
)]

use std::process::{Command, Output};

/// Runs `iam-eval` with `args` from the repository root.
pub fn iam_eval(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iam-eval"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run iam-eval")
}

/// What the run printed on standard output.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}
