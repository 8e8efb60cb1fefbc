//! Wildcard matching: iam-eval's matcher ([`iam_eval::Wildcard`], the one
//! policies use) vs `globset::GlobMatcher` vs `regex::Regex`, each matching
//! the same full-ARN pattern against the same ARN text. The `decision` row
//! of each shape is a whole one-statement decision with that pattern as its
//! `Resource`, for scale. The `question-pieces` shapes (a piece of `a?`
//! between stars against a run of `a`, issue 21) are benched for iam-eval
//! alone: a backtracking or per-start search takes seconds on them, and
//! the 2 KB pattern holds more wildcards than a policy may (256).

#![allow(
    missing_docs,
    reason = "`criterion_group!` generates an undocumented `pub fn`"
)]
#![allow(
    clippy::expect_used,
    reason = "bench setup: the patterns are fixed and known to compile"
)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use iam_eval::{PolicySet, Request, Wildcard};

mod common;
use common::to_glob;

const HEAD: &str = "arn:aws:s3:::";

/// (name, IAM pattern for the resource part, text for the resource part).
fn cases() -> Vec<(&'static str, String, String)> {
    let key = "notes-app-uploads/private/us-east-1:1111/photos/2024/cat.jpg";
    let case = |name, pattern: &str, text: &str| (name, pattern.to_owned(), text.to_owned());
    vec![
        case("literal", key, key),
        case("prefix", "notes-app-uploads/private/*", key),
        case("suffix", "*.jpg", key),
        case("prefix-suffix", "notes-app-uploads/*.jpg", key),
        case("middle", "notes-app-*/private/*/photos/*", key),
        case(
            "question",
            "notes-app-uploads/private/us-east-1:????/photos/*",
            key,
        ),
        case("middle-miss", "notes-app-*/private/*/videos/*", key),
        (
            "pathological",
            format!("{}b", "*a".repeat(64)),
            "a".repeat(10 * 1024),
        ),
        // With a trailing star the final literal cannot be checked at the
        // end of the text first: every middle piece is searched for.
        (
            "pathological-trailing-star",
            format!("{}b*", "*a".repeat(64)),
            "a".repeat(10 * 1024),
        ),
    ]
}

/// (name, IAM pattern for the resource part, text, whether a policy may
/// hold the pattern): the hostile shapes, for iam-eval only.
fn hostile_cases() -> Vec<(&'static str, String, String, bool)> {
    vec![
        // A bucket policy's worth: 250 `?` (a pattern may hold 256
        // wildcards) against a 4 KB key.
        (
            "question-pieces-4k",
            format!("*{}b*", "a?".repeat(250)),
            "a".repeat(4 * 1024),
            true,
        ),
        (
            "question-pieces-2k-1m",
            format!("*{}b*", "a?".repeat(1024)),
            "a".repeat(1024 * 1024),
            false,
        ),
    ]
}

/// The IAM pattern as an anchored regex: `*` is `.*`, `?` is `.`.
fn to_regex(pattern: &str) -> regex::Regex {
    let mut re = String::from("(?s)^");
    for c in pattern.chars() {
        match c {
            '*' => re.push_str(".*"),
            '?' => re.push('.'),
            _ => re.push_str(&regex::escape(c.encode_utf8(&mut [0; 4]))),
        }
    }
    re.push('$');
    regex::Regex::new(&re).expect("regex compiles")
}

fn one_statement(resource: &str) -> PolicySet {
    let policy = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": resource}]
    });
    PolicySet::from_json(&policy.to_string()).expect("policy compiles")
}

fn matchers(c: &mut Criterion) {
    for (name, pattern, text) in cases() {
        let (pattern, text) = (format!("{HEAD}{pattern}"), format!("{HEAD}{text}"));
        let set = one_statement(&pattern);
        let request = Request::new("s3:GetObject", text.as_str());
        let ours = Wildcard::new(&pattern);
        let glob = to_glob(&pattern).expect("glob compiles").compile_matcher();
        let re = to_regex(&pattern);
        let expected = ours.is_match(&text);
        assert_eq!(expected, glob.is_match(&text), "{name}: globset disagrees");
        assert_eq!(expected, re.is_match(&text), "{name}: regex disagrees");
        assert_eq!(
            expected,
            set.evaluate(&request).is_allowed(),
            "{name}: decision"
        );

        let mut group = c.benchmark_group(format!("matcher/{name}"));
        group.bench_function("iam-eval", |b| {
            b.iter(|| black_box(&ours).is_match(black_box(text.as_str())))
        });
        group.bench_function("globset", |b| {
            b.iter(|| black_box(&glob).is_match(black_box(text.as_str())))
        });
        group.bench_function("regex", |b| {
            b.iter(|| black_box(&re).is_match(black_box(text.as_str())))
        });
        group.bench_function("decision", |b| {
            b.iter(|| black_box(&set).evaluate(black_box(&request)).is_allowed())
        });
        group.finish();
    }
}

fn hostile(c: &mut Criterion) {
    for (name, pattern, text, in_policy) in hostile_cases() {
        let (pattern, text) = (format!("{HEAD}{pattern}"), format!("{HEAD}{text}"));
        let ours = Wildcard::new(&pattern);
        assert!(!ours.is_match(&text), "{name}: no `b`, no match");
        let mut group = c.benchmark_group(format!("matcher/{name}"));
        group.sample_size(10);
        group.bench_function("iam-eval", |b| {
            b.iter(|| black_box(&ours).is_match(black_box(text.as_str())))
        });
        if in_policy {
            let set = one_statement(&pattern);
            let request = Request::new("s3:GetObject", text.as_str());
            assert!(!set.evaluate(&request).is_allowed(), "{name}: decision");
            group.bench_function("decision", |b| {
                b.iter(|| black_box(&set).evaluate(black_box(&request)).is_allowed())
            });
        }
        group.finish();
    }
}

criterion_group!(benches, matchers, hostile);
criterion_main!(benches);
