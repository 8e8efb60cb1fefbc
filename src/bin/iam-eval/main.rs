//! `iam-eval`: would AWS allow this request under these policies, and why?
//!
//! Exit codes: 0 yes (allowed, valid, every case as expected), 2 no (denied,
//! invalid, a case mismatched or could not be evaluated), 1 error (bad usage,
//! unreadable input, a policy that does not compile).

/// `println!` for results: a reader that has gone away (`iam-eval … | head`)
/// ends the process quietly with status 0, as ripgrep does, instead of a
/// panic; any other write error is reported with status 1.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(error) = writeln!($crate::stdout(), $($arg)*) {
            $crate::write_failed(&error);
        }
    }};
}

mod access;
mod batch;
mod check;
mod cognito;
mod diff;
mod lint;
mod simulate;
mod validate;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "iam-eval",
    version,
    about = "Evaluate AWS IAM policies offline, with AWS's documented semantics"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Decide one request and explain the decision.
    Check(Box<check::Args>),
    /// Evaluate JSON Lines cases (`-` for standard input) and report each decision.
    Batch(batch::Args),
    /// Sign a user in to a Cognito identity pool and check requests made with the credentials.
    Cognito(cognito::Args),
    /// Run `aws iam simulate-custom-policy` input offline and print its EvaluationResults.
    Simulate(simulate::Args),
    /// Check policies against the grammar of their type and list every finding.
    Validate(validate::Args),
    /// Find the mistakes people make in identity-pool policies (Access Analyzer-style findings).
    Lint(lint::Args),
    /// Does a policy change grant new access, or a policy any of some access? PASS (0) or FAIL (2), with witnesses.
    Diff(diff::Args),
    /// List what a policy allows, per service and access level.
    Access(access::Args),
}

/// The three answers a command can give.
pub(crate) enum Exit {
    Yes,
    No,
    Error,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(match exit {
            Exit::Yes => 0,
            Exit::Error => 1,
            Exit::No => 2,
        })
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return usage(&error),
    };
    let result = match cli.command {
        Command::Check(args) => check::run(*args),
        Command::Batch(args) => batch::run(args),
        Command::Validate(args) => validate::run(args),
        Command::Lint(args) => lint::run(args),
        Command::Simulate(args) => simulate::run(args),
        Command::Cognito(args) => cognito::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Access(args) => access::run(args),
    };
    match result {
        Ok(exit) => exit.into(),
        Err(message) => {
            eprintln!("iam-eval: {message}");
            Exit::Error.into()
        }
    }
}

/// Standard output for results, ending the process quietly when the reader
/// has gone away (see `outln!`).
pub(crate) struct Output<W>(pub(crate) W);

impl<W: std::io::Write> std::io::Write for Output<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf).inspect_err(reader_gone)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush().inspect_err(reader_gone)
    }
}

/// Ends the process with status 0 when standard output's reader is gone:
/// nobody is left to read an answer or an error.
fn reader_gone(error: &std::io::Error) {
    if error.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
}

/// Standard output, locked, as an [`Output`].
pub(crate) fn stdout() -> Output<std::io::StdoutLock<'static>> {
    Output(std::io::stdout().lock())
}

/// Reports a write error other than a closed pipe and ends with status 1.
pub(crate) fn write_failed(error: &std::io::Error) -> ! {
    reader_gone(error);
    eprintln!("iam-eval: cannot write to standard output: {error}");
    std::process::exit(1)
}

/// The request an answer is about, for `--json` output: action, resource,
/// principal and context, so an answer read on its own says what it answers.
pub(crate) fn request_json(request: &iam_eval::Request) -> serde_json::Value {
    let context: serde_json::Map<String, serde_json::Value> = request
        .context()
        .iter()
        .map(|(key, value)| (key.to_owned(), serde_json::json!(value.values())))
        .collect();
    serde_json::json!({
        "action": request.action(),
        "resource": request.resource(),
        "principal": request.principal(),
        "context": context,
    })
}

/// Help and version go to standard output with status 0; a usage error
/// (unknown flag, missing argument, bad value) to standard error with the
/// status of every error, 1, so it is never read as "denied" (2).
fn usage(error: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    // Printing can only fail on a closed stream, and then there is no one to tell.
    let _ = error.print();
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => ExitCode::SUCCESS,
        _ => Exit::Error.into(),
    }
}

/// The size settings every command that compiles policies takes.
#[derive(clap::Args, Clone, Copy)]
pub(crate) struct LimitArgs {
    /// Refuse a policy text longer than this many bytes: iam-eval's own bound
    /// against hostile input, far above any AWS quota (AWS's quotas are
    /// reported by `validate` and `lint`, never enforced).
    #[arg(long = "max-policy-bytes", value_name = "BYTES", default_value_t = iam_eval::Limits::default().max_policy_bytes)]
    max_policy_bytes: usize,
    /// Where identity policies are attached, which decides the size quota
    /// reported: managed (6,144), inline-user (2,048), inline-group (5,120)
    /// or inline-role (10,240). Default: unknown, reported against managed.
    #[arg(long, value_name = "ATTACHMENT")]
    attachment: Option<iam_eval::IdentityAttachment>,
}

impl LimitArgs {
    /// Default options with these settings.
    pub(crate) fn options(self) -> iam_eval::Options {
        let mut options = iam_eval::Options::default();
        options.limits.max_policy_bytes = self.max_policy_bytes;
        options.limits.identity_attachment = self.attachment;
        options
    }
}

/// Reads a file, or standard input for `-`, as bytes (for inputs read line
/// by line, where one bad line must not stop the rest).
pub(crate) fn read_input_bytes(path: &str) -> Result<Vec<u8>, String> {
    if path == "-" {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        Ok(bytes)
    } else {
        std::fs::read(path).map_err(|e| format!("cannot read `{path}`: {e}"))
    }
}

/// Reads a file, or standard input for `-`, as UTF-8 text without a
/// leading byte-order mark (which editors hide and JSON does not allow).
pub(crate) fn read_input(path: &str) -> Result<String, String> {
    let bytes = read_input_bytes(path)?;
    let name = if path == "-" {
        "standard input".to_owned()
    } else {
        format!("`{path}`")
    };
    let mut text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e
            .as_bytes()
            .get(..at)
            .map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count())
            + 1;
        format!(
            "{name} is not UTF-8: invalid byte at line {line} (byte offset {at}); save it as UTF-8"
        )
    })?;
    if text.starts_with('\u{feff}') {
        text.remove(0);
    }
    Ok(text)
}
