//! Instruction counts per operation (issue 19), which, unlike times, do not
//! move with the state of a shared machine.
//!
//! `cargo bench --bench instructions [-- FILTER]` runs every scenario whose
//! name contains FILTER under `valgrind --tool=callgrind`, collecting only
//! inside [`measured_loop`] (`--toggle-collect`), three times in fresh
//! processes: the loop run N times, again N times, and 0 times. It prints
//! (count(N) − count(0)) ÷ N, so set-up (parsing, compiling, building the
//! request) is never counted, and whether the two N-runs counted exactly the
//! same: a decision must cost the same in every process, whatever std's
//! per-process hash seeds are. The loop itself adds about 3 instructions per
//! operation. It then times compiling the 10,000-statement set natively
//! (the median of 9 runs).
//!
//! `instructions SCENARIO N` (the child mode) runs one scenario's loop N
//! times without valgrind.

#![allow(
    clippy::expect_used,
    reason = "bench setup: the inputs are fixed and known to compile"
)]

use std::hint::black_box;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use iam_eval::{Decision, Options, PolicySet, PolicySetBuilder, PolicyType, Request};

#[path = "common/generated.rs"]
mod generated;

use generated::{generated_policies, guardrail_policy, last_s3_allow, GUARDRAILS, ORG_ID};

const NOTES_APP: &str = include_str!("../fixtures/policies/notes-app-auth-role.json");
const DYNAMODB_PER_USER: &str = include_str!("../fixtures/policies/dynamodb-per-user-table.json");
const SUB: &str = "cognito-identity.amazonaws.com:sub";
const OWN_ID: &str = "us-east-1:11111111-2222-3333-4444-555555555555";
const OTHER_ID: &str = "us-east-1:99999999-8888-7777-6666-555555555555";
const ROLE: &str =
    "arn:aws:sts::123456789012:assumed-role/Cognito_notesAuth_Role/CognitoIdentityCredentials";

/// Every scenario: (name, loop count N, target from issue 19 if any).
const SCENARIOS: &[(&str, u64, &str)] = &[
    ("notes-app/s3-put-own-prefix", 2_000, "≤ 250"),
    ("notes-app/s3-get-other-prefix", 2_000, "≤ 250"),
    ("notes-app/execute-api-invoke", 2_000, "≤ 350"),
    ("dynamodb/own-key", 2_000, "≤ 450"),
    ("dynamodb/foreign-key", 2_000, "≤ 450"),
    ("compile/notes-app", 200, "≤ 40,000"),
    ("guardrail/none", 2_000, ""),
    ("guardrail/secure-transport", 2_000, "tens above none"),
    ("guardrail/principal-org-id", 2_000, "tens above none"),
    ("guardrail/null-username", 2_000, "tens above none"),
    ("guardrail/all-three", 2_000, ""),
    ("scale/hit/10", 2_000, ""),
    ("scale/miss/10", 2_000, ""),
    ("scale/hit/100", 2_000, ""),
    ("scale/miss/100", 2_000, ""),
    ("scale/hit/1000", 2_000, ""),
    ("scale/miss/1000", 2_000, ""),
    ("scale/hit/10000", 2_000, ""),
    ("scale/miss/10000", 2_000, ""),
    ("scale-guarded/hit/10", 2_000, ""),
    ("scale-guarded/miss/10", 2_000, ""),
    ("scale-guarded/hit/100", 2_000, ""),
    ("scale-guarded/miss/100", 2_000, ""),
    ("scale-guarded/hit/1000", 2_000, ""),
    ("scale-guarded/miss/1000", 2_000, ""),
    ("scale-guarded/hit/10000", 2_000, "≤ 1,500"),
    ("scale-guarded/miss/10000", 2_000, "≤ 1,500"),
];

/// The only code callgrind counts: `op` run `n` times.
#[inline(never)]
fn measured_loop<F: FnMut()>(n: u64, mut op: F) {
    for _ in 0..black_box(n) {
        op();
    }
}

/// Runs `n` decisions of `request` against `set`, after checking the
/// decision is the one the scenario is named for.
fn decisions(set: &PolicySet, request: &Request, expected: Decision, n: u64) {
    assert_eq!(set.evaluate(request).decision(), expected);
    measured_loop(n, || {
        black_box(black_box(set).evaluate(black_box(request)).decision());
    });
}

fn notes_request(action: &str, resource: &str) -> Request {
    Request::builder(action, resource)
        .principal(ROLE)
        .context(SUB, OWN_ID)
        .build()
}

fn dynamodb_request(keys: Vec<&str>) -> Request {
    Request::builder(
        "dynamodb:Query",
        "arn:aws:dynamodb:us-east-1:123456789012:table/notes",
    )
    .context(SUB, OWN_ID)
    .context("dynamodb:LeadingKeys", keys)
    .build()
}

/// Every guardrail statement of [`GUARDRAILS`] whose name is `which`, or
/// all of them for `all-three`.
fn guardrails(which: &str) -> Vec<&'static str> {
    GUARDRAILS
        .iter()
        .filter(|(name, _)| which == "all-three" || *name == which)
        .map(|(_, text)| *text)
        .collect()
}

/// The notes-app S3 Allow, with the context every guardrail reads (each
/// guardrail's condition is false, so the decision stays Allow).
fn guarded_notes(which: &str) -> (PolicySet, Request) {
    let mut builder = PolicySet::builder();
    builder
        .add("notes-app", PolicyType::Identity, NOTES_APP)
        .expect("notes-app policy compiles");
    let statements = guardrails(which);
    if !statements.is_empty() {
        builder
            .add(
                "guardrails",
                PolicyType::Identity,
                &guardrail_policy(&statements),
            )
            .expect("guardrails compile");
    }
    let request = Request::builder(
        "s3:PutObject",
        format!("arn:aws:s3:::notes-app-uploads/private/{OWN_ID}/note.txt"),
    )
    .principal(ROLE)
    .context(SUB, OWN_ID)
    .context("aws:SecureTransport", "true")
    .context("aws:PrincipalOrgID", ORG_ID)
    .context("aws:username", "alice")
    .build();
    (builder.build(), request)
}

/// The generated set of `n` statements, with the three guardrails as one
/// more identity policy when `guarded`.
fn generated_set(texts: &[String], guarded: bool) -> PolicySet {
    // 100 statements exceed AWS's 6,144-character managed-policy quota; that
    // is a warning, so it is not reported here and the policy compiles.
    let mut options = Options::default();
    options.limits.report_aws_quotas = false;
    let mut builder = PolicySetBuilder::with_options(options);
    for (i, text) in texts.iter().enumerate() {
        builder
            .add(&format!("p{i}"), PolicyType::Identity, text)
            .expect("generated policy compiles");
    }
    if guarded {
        builder
            .add(
                "guardrails",
                PolicyType::Identity,
                &guardrail_policy(&guardrails("all-three")),
            )
            .expect("guardrails compile");
    }
    builder.build()
}

/// The hit (allowed by the last S3 statement) or the miss (a bucket no
/// statement names) of a generated set of `n` statements.
fn scale_request(hit: bool, n: usize, guarded: bool) -> Request {
    let resource = if hit {
        format!(
            "arn:aws:s3:::bucket-{}/home/alice/notes.txt",
            last_s3_allow(n)
        )
    } else {
        "arn:aws:s3:::no-such-bucket/home/alice/x".to_owned()
    };
    let mut builder = Request::builder("s3:GetObject", resource).context("aws:username", "alice");
    if hit {
        builder = builder
            .context("aws:SourceIp", "192.0.2.10")
            .context("aws:RequestedRegion", "us-east-1");
    }
    if guarded {
        builder = builder
            .context("aws:SecureTransport", "true")
            .context("aws:PrincipalOrgID", ORG_ID);
    }
    builder.build()
}

/// The child mode: runs scenario `name`'s loop `n` times.
fn run(name: &str, n: u64) {
    let parts: Vec<&str> = name.split('/').collect();
    match parts.as_slice() {
        ["notes-app", which] => {
            let set = PolicySet::from_json(NOTES_APP).expect("notes-app policy compiles");
            let (request, expected) = match *which {
                "s3-put-own-prefix" => (
                    notes_request(
                        "s3:PutObject",
                        &format!("arn:aws:s3:::notes-app-uploads/private/{OWN_ID}/note.txt"),
                    ),
                    Decision::Allow,
                ),
                "s3-get-other-prefix" => (
                    notes_request(
                        "s3:GetObject",
                        &format!("arn:aws:s3:::notes-app-uploads/private/{OTHER_ID}/note.txt"),
                    ),
                    Decision::ImplicitDeny,
                ),
                _ => (
                    notes_request(
                        "execute-api:Invoke",
                        "arn:aws:execute-api:us-east-1:123456789012:ly55wbovq4/prod/GET/notes",
                    ),
                    Decision::Allow,
                ),
            };
            decisions(&set, &request, expected, n);
        }
        ["dynamodb", which] => {
            let set = PolicySet::from_json(DYNAMODB_PER_USER).expect("dynamodb policy compiles");
            let (request, expected) = match *which {
                "own-key" => (dynamodb_request(vec![OWN_ID]), Decision::Allow),
                _ => (
                    dynamodb_request(vec![OWN_ID, OTHER_ID]),
                    Decision::ImplicitDeny,
                ),
            };
            decisions(&set, &request, expected, n);
        }
        ["compile", "notes-app"] => measured_loop(n, || {
            black_box(PolicySet::from_json(black_box(NOTES_APP)).expect("compiles"));
        }),
        ["guardrail", which] => {
            let (set, request) = guarded_notes(which);
            decisions(&set, &request, Decision::Allow, n);
        }
        [kind @ ("scale" | "scale-guarded"), hit, size] => {
            let size: usize = size.parse().expect("a size");
            let guarded = *kind == "scale-guarded";
            let set = generated_set(&generated_policies(size), guarded);
            let hit = *hit == "hit";
            let expected = if hit {
                Decision::Allow
            } else {
                Decision::ImplicitDeny
            };
            decisions(&set, &scale_request(hit, size, guarded), expected, n);
        }
        _ => {
            eprintln!("unknown scenario `{name}`");
            std::process::exit(2);
        }
    }
}

/// The instructions callgrind collected in one child run.
fn count(exe: &Path, out: &Path, name: &str, n: u64) -> u64 {
    let status = Command::new("valgrind")
        .arg("--tool=callgrind")
        .arg("--toggle-collect=*measured_loop*")
        .arg(format!("--callgrind-out-file={}", out.display()))
        .arg(exe)
        .arg(name)
        .arg(n.to_string())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("valgrind runs (is it installed?)");
    assert!(status.success(), "{name} {n} failed under valgrind");
    let text = std::fs::read_to_string(out).expect("callgrind wrote its output");
    text.lines()
        .find_map(|line| {
            line.strip_prefix("totals:")
                .or(line.strip_prefix("summary:"))
        })
        .and_then(|total| total.split_whitespace().next()?.parse().ok())
        .expect("callgrind output has a total")
}

/// Compiling the 10,000-statement set, timed natively: the median of 9.
fn time_compile_10000() -> f64 {
    let texts = generated_policies(10_000);
    let mut times: Vec<f64> = (0..9)
        .map(|_| {
            let start = Instant::now();
            black_box(generated_set(black_box(&texts), false));
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times.get(times.len() / 2).copied().unwrap_or(f64::NAN)
}

fn main() {
    // `cargo bench` passes `--bench`; anything else not a flag is ours.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    if let [name, n] = args.as_slice() {
        run(name, n.parse().expect("a loop count"));
        return;
    }
    let filter = args.first().map(String::as_str).unwrap_or("");
    let exe = std::env::current_exe().expect("own path");
    let out = std::env::temp_dir().join(format!("iam-eval-callgrind-{}.out", std::process::id()));
    println!("| scenario | instructions per operation | same in two processes | issue 19 target |");
    println!("|---|---|---|---|");
    for (name, n, target) in SCENARIOS
        .iter()
        .filter(|(name, _, _)| name.contains(filter))
    {
        let first = count(&exe, &out, name, *n);
        let second = count(&exe, &out, name, *n);
        let zero = count(&exe, &out, name, 0);
        let per_op = first.saturating_sub(zero) as f64 / *n as f64;
        let same = if first == second {
            "yes".to_owned()
        } else {
            format!("no ({first} vs {second} in all)")
        };
        println!("| {name} | {per_op:.0} | {same} | {target} |");
    }
    let _ = std::fs::remove_file(&out);
    if "time/compile-10000".contains(filter) {
        println!(
            "| time/compile-10000 | {:.1} ms (median of 9, wall time) | | ≤ 30 ms |",
            time_compile_10000()
        );
    }
}
