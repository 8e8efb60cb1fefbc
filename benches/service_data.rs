//! The service reference (`iam_eval::service_data`): parsing the compiled-in
//! snapshot, which `ServiceData::aws()` pays once per process, and the
//! lookups a linter makes per statement.

#![allow(
    missing_docs,
    reason = "`criterion_group!` generates an undocumented `pub fn`"
)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use iam_eval::service_data::ServiceData;

fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("service_data");
    group.sample_size(20);
    group.bench_function("parse", |b| b.iter(|| black_box(ServiceData::load())));
    group.finish();
}

fn lookups(c: &mut Criterion) {
    let aws = ServiceData::aws();
    c.bench_function("service_data/action", |b| {
        b.iter(|| aws.action(black_box("s3:GetObject")))
    });
    c.bench_function("service_data/expand s3:Get*", |b| {
        b.iter(|| aws.expand_action(black_box("s3:Get*")))
    });
    c.bench_function("service_data/expand *Object", |b| {
        b.iter(|| aws.expand_action(black_box("*Object")))
    });
    c.bench_function("service_data/resource_types_for", |b| {
        b.iter(|| {
            aws.resource_types_for(
                black_box("s3:GetObject"),
                black_box("arn:aws:s3:::notes/private/us-east-1:1111/a.txt"),
            )
        })
    });
    c.bench_function("service_data/condition_key tag", |b| {
        b.iter(|| aws.condition_key(black_box("aws:RequestTag/team")))
    });
}

criterion_group!(benches, parse, lookups);
criterion_main!(benches);
