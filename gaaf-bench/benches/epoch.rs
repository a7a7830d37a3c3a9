//! One MNIST training epoch through gaaf-repro's own trainer
//! (`gaaf_repro::mnist::train_until`, stopped after one epoch) for the base,
//! dropout and GAAF variants, on a 10,000-image subset.
//!
//! Needs MNIST in the data folder (`GAAF_DATA` or `./data`, see gaaf-data);
//! without it the benchmark prints a line saying so and measures nothing.
//! Each iteration starts from a fresh checkpoint folder, so it times network
//! initialisation, one epoch of training, the validation pass and the
//! checkpoint write: what one epoch of `gaaf-repro` costs.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use gaaf_repro::mnist::{prepare, train_until, Config as TrainConfig, Variant};

/// Training images per epoch in this benchmark.
const TRAIN_SUBSET: usize = 10_000;

fn bench(c: &mut Criterion) {
    gaaf_bench::single_threaded();
    let dir = gaaf_data::DataDir::resolve(None);
    let splits = match gaaf_data::mnist::load(&dir) {
        Ok(s) => s,
        Err(e) => {
            println!("SKIPPED: epoch benchmark needs MNIST ({e})");
            return;
        }
    };
    let mut g = c.benchmark_group("epoch_mnist_10k");
    g.sample_size(10);
    g.throughput(Throughput::Elements(TRAIN_SUBSET as u64));
    for (name, variant) in [
        ("base", Variant::Base),
        ("dropout", Variant::Dropout),
        ("gaaf", Variant::Gaaf),
    ] {
        let mut config = TrainConfig::new(variant, 0);
        config.sizes.train_subset = Some(TRAIN_SUBSET);
        config.stopping.max_epochs = 1;
        let data = prepare(&splits, &config).expect("MNIST holds the subset");
        g.bench_function(BenchmarkId::new("train_epoch", name), |b| {
            b.iter(|| {
                let ck = tempfile::tempdir().expect("a temporary folder");
                train_until(&config, &data, ck.path(), &(), Some(1)).expect("one epoch trains")
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
