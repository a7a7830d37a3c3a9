//! GAAF in burn models: a small model learns with burn's SGD and Adam on
//! the fused and the composed path; `K` and the shape survive a record round
//! trip (bytes and file) and a config round trip.
// burn 0.22 deprecates its ndarray backend (for flex); it is the backend
// with the fused op.
#![allow(deprecated)]

use burn::config::Config;
use burn::module::Module;
use burn::nn::{Linear, LinearConfig};
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer, SgdConfig};
use burn::store::ModuleRecord;
use burn::tensor::{Device, Distribution, Tensor};
use gaaf_burn::{GaafRelu, GaafTanh, GaafTanhConfig};
use gaaf_shapes::GaussianBump;

#[derive(Module, Debug)]
struct Net {
    l1: Linear,
    act: GaafTanh,
    l2: Linear,
}

impl Net {
    fn new(act: GaafTanh, device: &Device) -> Self {
        Self {
            l1: LinearConfig::new(4, 32).init(device),
            act,
            l2: LinearConfig::new(32, 1).init(device),
        }
    }

    fn forward(&self, x: Tensor<2>, composed: bool) -> Tensor<2> {
        let h = self.l1.forward(x);
        let h = if composed {
            self.act.forward_composed(h)
        } else {
            self.act.forward(h)
        };
        self.l2.forward(h)
    }
}

/// A target a tanh network must bend to: `sin(x0) + x1 * x2`.
fn data(device: &Device) -> (Tensor<2>, Tensor<2>) {
    let x = Tensor::<2>::random([128, 4], Distribution::Normal(0.0, 1.0), device);
    let cols = |i: usize| x.clone().narrow(1, i, 1);
    let y = cols(0).sin() + cols(1) * cols(2);
    (x, y)
}

/// Mean squared error before and after 200 steps of `opt`.
fn train(net: Net, opt: ModuleOptimizer, lr: f64, composed: bool) -> (f64, f64) {
    let (first, last, _) = train_net(net, opt, lr, composed);
    (first, last)
}

/// [`train`], also returning the trained model.
fn train_net(mut net: Net, mut opt: ModuleOptimizer, lr: f64, composed: bool) -> (f64, f64, Net) {
    let device = Device::ndarray().autodiff();
    device.seed(7);
    let (x, y) = data(&device);
    let mse = |net: &Net| {
        (net.forward(x.clone(), composed) - y.clone())
            .square()
            .mean()
    };
    let first = f64::from(mse(&net).into_scalar::<f32>());
    for _ in 0..200 {
        let grads = GradientsParams::from_grads(mse(&net).backward(), &net);
        net = opt.step(lr, net, grads);
    }
    let last = f64::from(mse(&net).into_scalar::<f32>());
    (first, last, net)
}

fn net() -> Net {
    let device = Device::ndarray().autodiff();
    device.seed(3);
    Net::new(GaafTanh::default(), &device)
}

#[test]
fn learns_with_sgd_and_adam_fused_and_composed() {
    for composed in [false, true] {
        let (first, last) = train(net(), SgdConfig::new().init(), 0.05, composed);
        assert!(
            last < 0.5 * first,
            "SGD, composed {composed}: {first} -> {last}"
        );
        let (first, last) = train(net(), AdamConfig::new().init(), 0.01, composed);
        assert!(
            last < 0.5 * first,
            "Adam, composed {composed}: {first} -> {last}"
        );
    }
}

/// The two paths train the same model to the same place (same function,
/// within rounding; 200 steps do not amplify the differences much).
#[test]
fn fused_and_composed_train_alike() {
    let (_, fused) = train(net(), SgdConfig::new().init(), 0.05, false);
    let (_, composed) = train(net(), SgdConfig::new().init(), 0.05, true);
    assert!(
        (fused - composed).abs() < 1e-3 * fused,
        "{fused} vs {composed}"
    );
}

/// `K` and the shape are in the record: a model saved with non-default ones
/// and loaded into a default one gets them back, and computes the same.
#[test]
fn record_round_trip_keeps_k_and_shape() -> Result<(), Box<dyn std::error::Error>> {
    let device = Device::ndarray().autodiff();
    let act = GaafTanh::default()
        .with_k(250.0)?
        .with_shape(GaussianBump::new(0.75, 0.1, 2.5)?)?;
    let saved = Net::new(act.clone(), &device);
    let x = Tensor::<2>::random([8, 4], Distribution::Normal(0.0, 2.0), &device);
    let want = saved.forward(x.clone(), false).into_data();

    let bytes = saved.clone().into_record().into_bytes()?;
    let loaded =
        Net::new(GaafTanh::default(), &device).try_load_record(ModuleRecord::from_bytes(bytes)?)?;
    assert_eq!(loaded.act, act);
    assert_eq!(loaded.act.hyperparameters(), [250.0, 0.75, 0.1, 2.5]);
    assert_eq!(loaded.forward(x.clone(), false).into_data(), want);

    let dir = tempfile::tempdir()?;
    let path = dir.path().join("net.bpk");
    saved.save_file(&path)?;
    let from_file = Net::new(GaafTanh::default(), &device).try_load_file(&path)?;
    assert_eq!(from_file.act, act);
    assert_eq!(from_file.forward(x, false).into_data(), want);
    Ok(())
}

/// A record of another GAAF type (other parameter count) is refused with
/// burn's own error, not loaded half-way.
#[test]
fn record_of_another_shape_is_refused() -> Result<(), Box<dyn std::error::Error>> {
    #[derive(Module, Debug)]
    struct ReluNet {
        l1: Linear,
        act: GaafRelu,
        l2: Linear,
    }
    let device = Device::ndarray();
    let tanh_net = Net::new(GaafTanh::default(), &device);
    let relu_net = ReluNet {
        l1: LinearConfig::new(4, 32).init(&device),
        act: GaafRelu::default(),
        l2: LinearConfig::new(32, 1).init(&device),
    };
    let record = ModuleRecord::from_bytes(tanh_net.into_record().into_bytes()?)?;
    assert!(relu_net.try_load_record(record).is_err());
    Ok(())
}

/// The hyperparameters are in the record but not trained: they have no
/// gradient, and an optimiser step leaves them as they were.
#[test]
fn hyperparameters_are_not_trained() {
    let act = GaafTanh::default().with_k(100.0).expect("a valid K");
    let net = Net::new(act.clone(), &Device::ndarray().autodiff());
    assert_eq!(net.num_params(), (4 * 32 + 32) + (32 + 1) + 4);
    let (_, _, trained) = train_net(net.clone(), AdamConfig::new().init(), 0.01, false);
    assert_eq!(trained.act, act);
    assert_ne!(
        trained.l1.weight.val().into_data(),
        net.l1.weight.val().into_data()
    );
}

#[test]
fn config_round_trip() -> Result<(), Box<dyn std::error::Error>> {
    let config = GaafTanhConfig::new().with_k(500.0).with_width(2.0);
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("gaaf.json");
    config.save(&path)?;
    let loaded = GaafTanhConfig::load(&path)?;
    assert_eq!(loaded, config);
    let act = loaded.init()?;
    assert_eq!((act.k(), act.shape().width()), (500.0, 2.0));
    assert!(GaafTanhConfig::new().with_width(-1.0).init().is_err());
    Ok(())
}
