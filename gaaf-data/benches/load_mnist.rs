//! Loading full MNIST from its `.gz` files into normalised `f32` (the issue's
//! target: under 1 s in release). Needs `GAAF_DATA_DIR` pointing at a folder
//! with `mnist/`; without it the benchmark says so and measures nothing.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use gaaf_data::{mnist, DataDir, DATA_DIR_ENV};
use std::time::Duration;

fn load_mnist(c: &mut Criterion) {
    let Some(root) = std::env::var_os(DATA_DIR_ENV) else {
        eprintln!("SKIPPED: set {DATA_DIR_ENV} to a folder holding mnist/");
        return;
    };
    let dir = DataDir::new(root);
    let mut group = c.benchmark_group("mnist");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Elements(70_000));
    group.bench_function("load_gz_to_normalised_f32", |b| {
        b.iter(|| {
            let splits = mnist::load(&dir).unwrap();
            let norm = splits.normalizer();
            let train = splits.train.to_f32_normalized(&norm);
            let test = splits.test.to_f32_normalized(&norm);
            (train, test)
        })
    });
    group.finish();
}

criterion_group!(benches, load_mnist);
criterion_main!(benches);
