//! One full MNIST training epoch through gaaf-repro's own trainer, for the
//! base (tanh), dropout (tanh + dropout 0.5 on the three hidden outputs) and
//! GAAF (GAAF-tanh) variants of the paper's 784-512-256-256-10 MLP, with
//! gaaf-repro's default MNIST configuration: plain SGD at its default
//! learning rate, batch 128, the 50,000 training images that are left once
//! the 10,000-image validation split is taken out (391 steps), then the
//! validation pass (accuracy on the 10,000 images).
//!
//! Each iteration builds a freshly initialised [`Trainer`] outside the timed
//! region (criterion's `iter_batched`, one setup per iteration) and times
//! `Trainer::train_epoch` alone: the shuffle, the 391 steps (forward,
//! cross-entropy, backward, the per-step gradient statistic — the mean of
//! `|dE/dW|` of every weight matrix — and the SGD update), and the validation
//! pass. Network initialisation and checkpoint writes (which `train_until`
//! adds) are not timed. `gaaf-bench/python/vs_torch.py` times the same epoch
//! in PyTorch under the same ids.
//!
//! Needs MNIST in the data folder (`$GAAF_DATA_DIR`, else `./data`, see
//! gaaf-data); without it the benchmark prints a line saying so and measures
//! nothing.

use criterion::{
    criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, SamplingMode, Throughput,
};
use gaaf_repro::mnist::{prepare, Config as TrainConfig, Trainer, Variant};
use gaaf_repro::sweep::Trainer as _;

/// The benchmark group: one full epoch of the 50,000 training images.
const GROUP: &str = "epoch_mnist_50k";

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
    let mut g = c.benchmark_group(GROUP);
    // Criterion's minimum, one epoch a sample (flat sampling: linear sampling
    // would run 1 + 2 + ... + 10 epochs): an epoch takes seconds.
    g.sample_size(10).sampling_mode(SamplingMode::Flat);
    for (name, variant) in [
        ("base", Variant::Base),
        ("dropout", Variant::Dropout),
        ("gaaf", Variant::Gaaf),
    ] {
        let config = TrainConfig::new(variant, 0);
        let data = prepare(&splits, &config).expect("MNIST holds the validation split");
        g.throughput(Throughput::Elements(data.train.len() as u64));
        g.bench_function(BenchmarkId::new("train_epoch", name), |b| {
            b.iter_batched(
                || Trainer::new(&config, &data).expect("the default configuration is valid"),
                |mut trainer| {
                    let record = trainer
                        .train_epoch(1, &mut Vec::new(), &())
                        .expect("one epoch trains");
                    // Returned, so that dropping the trainer is not timed.
                    (trainer, record)
                },
                BatchSize::PerIteration,
            );
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
