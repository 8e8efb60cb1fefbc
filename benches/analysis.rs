//! `diff` (no new access) on the notes-app policy and on a 100-statement
//! pair. Inputs are built outside the timed loop.

#![allow(
    missing_docs,
    reason = "`criterion_group!` generates an undocumented `pub fn`"
)]

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use iam_eval::analysis::check_no_new_access;
use iam_eval::{Options, PolicyType};

const NOTES: &str = include_str!("../fixtures/policies/notes-app-auth-role.json");

/// 100 statements over 25 buckets, with prefixes, variables, conditions
/// and Denies; `widen` turns one prefix into a whole-bucket grant.
fn hundred(widen: bool) -> String {
    let mut statements = Vec::new();
    for i in 0..100 {
        let bucket = i % 25;
        let s = match i % 4 {
            0 => format!(
                r#"{{"Sid":"Read{i}","Effect":"Allow","Action":["s3:GetObject","s3:List*"],"Resource":"arn:aws:s3:::bucket-{bucket}/team-{i}/*"}}"#
            ),
            1 => format!(
                r#"{{"Sid":"Own{i}","Effect":"Allow","Action":"s3:*Object","Resource":"arn:aws:s3:::bucket-{bucket}/home/${{aws:username}}/*"}}"#
            ),
            2 => format!(
                r#"{{"Sid":"Net{i}","Effect":"Allow","Action":"dynamodb:Query","Resource":"arn:aws:dynamodb:us-east-1:111122223333:table/t{i}","Condition":{{"IpAddress":{{"aws:SourceIp":"10.{i}.0.0/16"}}}}}}"#
            ),
            _ => format!(
                r#"{{"Sid":"Deny{i}","Effect":"Deny","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::bucket-{bucket}/locked/*"}}"#
            ),
        };
        statements.push(s);
    }
    if widen {
        if let Some(first) = statements.first_mut() {
            *first = first.replace("/team-0/*", "/*");
        }
    }
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        statements.join(",")
    )
}

fn bench(c: &mut Criterion) {
    let options = Options::default();
    let widened = NOTES.replace(
        "/private/${cognito-identity.amazonaws.com:sub}/*",
        "/private/*",
    );
    c.bench_function("diff/notes-app/unchanged", |b| {
        b.iter(|| {
            check_no_new_access(
                black_box(NOTES),
                black_box(NOTES),
                PolicyType::Identity,
                &options,
            )
        })
    });
    c.bench_function("diff/notes-app/widened", |b| {
        b.iter(|| {
            check_no_new_access(
                black_box(NOTES),
                black_box(&widened),
                PolicyType::Identity,
                &options,
            )
        })
    });
    let (old, same, wide) = (hundred(false), hundred(false), hundred(true));
    c.bench_function("diff/100-statements/unchanged", |b| {
        b.iter(|| {
            check_no_new_access(
                black_box(&old),
                black_box(&same),
                PolicyType::Identity,
                &options,
            )
        })
    });
    c.bench_function("diff/100-statements/widened", |b| {
        b.iter(|| {
            check_no_new_access(
                black_box(&old),
                black_box(&wide),
                PolicyType::Identity,
                &options,
            )
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
