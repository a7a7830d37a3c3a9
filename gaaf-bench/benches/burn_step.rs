//! GAAF in burn 0.22 on its ndarray backend, under autodiff, one thread:
//!
//! - `burn_act_1m`: forward and backward of an activation on 1M `f32`
//!   values: burn's own `tanh`/`relu`, gaaf-burn's fused op, and GAAF
//!   composed from burn's ops (`forward_composed`).
//! - `burn_mlp_step_b128`: one Adam step of the paper's 784-512-256-256-10
//!   MLP on a batch of 128 with each of those activations: what GAAF costs
//!   in training.
//!
//! Single thread: `RAYON_NUM_THREADS` and `MATMUL_NUM_THREADS` (ndarray's
//! matrixmultiply has its own pool) are set to 1 unless already set.
// burn 0.22 deprecates its ndarray backend (for flex); gaaf-burn's fused op
// is on ndarray.
#![allow(deprecated)]

use burn::module::Module;
use burn::nn::{Linear, LinearConfig};
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::tensor::activation::relu;
use burn::tensor::{Device, Distribution, Tensor};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use gaaf_bench::MLP_BATCH;
use gaaf_burn::{GaafRelu, GaafTanh};
use std::hint::black_box;

/// An activation as the benches apply it.
type Act = Box<dyn Fn(Tensor<2>) -> Tensor<2>>;

/// The activations compared, by name.
fn activations() -> Vec<(&'static str, Act)> {
    let (tanh, relu_gaaf) = (GaafTanh::default(), GaafRelu::default());
    let (tanh2, relu2) = (tanh.clone(), relu_gaaf.clone());
    vec![
        ("burn_tanh", Box::new(|x: Tensor<2>| x.tanh())),
        ("gaaf_tanh_fused", Box::new(move |x| tanh.forward(x))),
        (
            "gaaf_tanh_composed",
            Box::new(move |x| tanh2.forward_composed(x)),
        ),
        ("burn_relu", Box::new(relu)),
        ("gaaf_relu_fused", Box::new(move |x| relu_gaaf.forward(x))),
        (
            "gaaf_relu_composed",
            Box::new(move |x| relu2.forward_composed(x)),
        ),
    ]
}

fn device() -> Device {
    let device = Device::ndarray().autodiff();
    device.seed(0);
    device
}

fn bench_activations(c: &mut Criterion) {
    let device = device();
    let n = 1 << 20;
    let x = Tensor::<2>::from_floats(
        burn::tensor::TensorData::new(gaaf_bench::inputs(n, 1), [1024, n / 1024]),
        &device,
    );
    let mut g = c.benchmark_group("burn_act_1m");
    g.throughput(Throughput::Elements(n as u64));
    for (name, act) in activations() {
        g.bench_function(BenchmarkId::new("fwd_bwd", name), |b| {
            b.iter(|| {
                let x = black_box(&x).clone().require_grad();
                let grads = act(x.clone()).sum().backward();
                black_box(x.grad(&grads))
            })
        });
    }
    g.finish();
}

#[derive(Module, Debug)]
struct Mlp {
    l1: Linear,
    l2: Linear,
    l3: Linear,
    l4: Linear,
}

impl Mlp {
    fn new(device: &Device) -> Self {
        Self {
            l1: LinearConfig::new(784, 512).init(device),
            l2: LinearConfig::new(512, 256).init(device),
            l3: LinearConfig::new(256, 256).init(device),
            l4: LinearConfig::new(256, 10).init(device),
        }
    }

    fn forward(&self, x: Tensor<2>, act: &Act) -> Tensor<2> {
        let h = act(self.l1.forward(x));
        let h = act(self.l2.forward(h));
        let h = act(self.l3.forward(h));
        self.l4.forward(h)
    }
}

fn bench_step(c: &mut Criterion) {
    let device = device();
    let x = Tensor::<2>::random([MLP_BATCH, 784], Distribution::Normal(0.0, 1.0), &device);
    let y = Tensor::<2>::random([MLP_BATCH, 10], Distribution::Normal(0.0, 1.0), &device);
    let mut g = c.benchmark_group("burn_mlp_step_b128");
    g.sample_size(20);
    g.throughput(Throughput::Elements(MLP_BATCH as u64));
    for (name, act) in activations() {
        let mut model = Some(Mlp::new(&device));
        let mut opt: ModuleOptimizer = AdamConfig::new().init();
        g.bench_function(BenchmarkId::new("adam", name), |b| {
            b.iter(|| {
                let m = model.take().expect("the model is put back after each step");
                let loss = (m.forward(black_box(&x).clone(), &act) - y.clone())
                    .square()
                    .mean();
                let grads = GradientsParams::from_grads(loss.backward(), &m);
                model = Some(opt.step(1e-3, m, grads));
            })
        });
    }
    g.finish();
}

fn bench(c: &mut Criterion) {
    gaaf_bench::single_threaded();
    if std::env::var_os("MATMUL_NUM_THREADS").is_none() {
        std::env::set_var("MATMUL_NUM_THREADS", "1");
    }
    bench_activations(c);
    bench_step(c);
}

criterion_group! {
    name = benches;
    // Short defaults; `cargo xtask bench` passes its own times, which win.
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
