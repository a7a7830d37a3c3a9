//! One training step (forward, backward, SGD update) of gaaf-repro's
//! convolutional models of Table 5, batch 64, on the CPU, one thread: the
//! VGG-like CIFAR model and the SVHN model, each in every variant
//! (`Variant::ALL`: base, +GAAF with the paper's shape, +BN, +BN +GAAF, and
//! the saturation-only GAAF-ReLU with and without BN). Throughput is in
//! images. GAAF's cost is the ratio of a GAAF
//! variant to the same model without it, in the same run.

use candle_core::{DType, Device, Tensor};
use candle_nn::{VarBuilder, VarMap};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use gaaf_repro::conv::{
    Config as ConvConfig, Dataset as ConvDataset, Net as ConvNet, Variant as ConvVariant, SIDE,
};

/// Images per step (the batch the known candle timing used).
const BATCH: usize = 64;

fn bench(c: &mut Criterion) {
    gaaf_bench::single_threaded();
    let dev = Device::Cpu;
    for (group, dataset) in [
        ("conv_step_svhn", ConvDataset::Svhn),
        ("conv_step_vgg_like", ConvDataset::Cifar10),
    ] {
        let mut g = c.benchmark_group(group);
        g.sample_size(10);
        g.throughput(Throughput::Elements(BATCH as u64));
        for variant in ConvVariant::ALL {
            let config = ConvConfig::new(dataset, variant, 0);
            let vars = VarMap::new();
            let vb = VarBuilder::from_varmap(&vars, DType::F32, &dev);
            let net = ConvNet::new(&config, &vb).expect("the model builds");
            let mut opt = ConvNet::optimizer(&config, &vars).expect("the optimiser builds");
            let x = Tensor::randn(0f32, 1.0, (BATCH, dataset.channels(), SIDE, SIDE), &dev)
                .expect("input");
            let labels: Vec<u32> = (0..BATCH as u32).map(|i| i % 10).collect();
            let y = Tensor::new(labels.as_slice(), &dev).expect("labels");
            g.bench_function(BenchmarkId::new("train_step", variant.name()), |b| {
                b.iter(|| {
                    let logits = net.forward_t(&x, true).expect("forward");
                    let loss = candle_nn::loss::cross_entropy(&logits, &y).expect("loss");
                    opt.backward_step(&loss).expect("backward and update");
                })
            });
        }
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
