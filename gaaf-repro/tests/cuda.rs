//! MNIST on dfdx's CUDA device against the CPU (feature `cuda`). Ignored:
//! it needs a GPU and the MNIST files (`$GAAF_DATA_DIR`, else `./data`). On a
//! GPU machine: `cargo test -p gaaf-repro --features cuda -- --ignored cuda`.
#![cfg(feature = "cuda")]

use gaaf_repro::mnist::{prepare, train_on, Config, DfdxDevice, Run, Variant};
use gaaf_repro::sweep::{load_dataset, DataSizes, DeviceChoice, Stopping};
use gaaf_repro::Error;

/// One epoch on 2,000 training images, 1,000 validation and 500 test images.
fn config(variant: Variant) -> Config {
    Config {
        stopping: Stopping {
            max_epochs: 1,
            patience: 1,
            plateau: None,
        },
        sizes: DataSizes {
            val_size: 1_000,
            train_subset: Some(2_000),
            test_subset: Some(500),
        },
        ..Config::new(variant, 0)
    }
}

fn run(variant: Variant, device: &DfdxDevice) -> Run {
    let splits = load_dataset(None, gaaf_data::DatasetKind::Mnist).unwrap();
    let config = config(variant);
    let data = prepare(&splits, &config).unwrap();
    let dir = tempfile::tempdir().unwrap();
    train_on(&config, &data, device, dir.path(), &()).unwrap()
}

#[test]
#[ignore = "needs a GPU and the MNIST files"]
fn cuda_one_epoch_matches_the_cpu() {
    let cuda = DfdxDevice::open(DeviceChoice::Cuda(0)).unwrap();
    // The dropout variant draws the same masks on both devices.
    for variant in [Variant::Base, Variant::Gaaf, Variant::Dropout] {
        let on_cpu = run(variant, &DfdxDevice::Cpu);
        let on_gpu = run(variant, &cuda);
        let (a, b) = (on_cpu.best_val_acc, on_gpu.best_val_acc);
        eprintln!(
            "{}: validation accuracy {a} on the CPU, {b} on CUDA",
            variant.name()
        );
        assert!(b > 0.5, "{}: {b}", variant.name());
        assert!((a - b).abs() <= 0.01, "{}: {a} vs {b}", variant.name());
        let (ga, gb) = (&on_cpu.grad_info, &on_gpu.grad_info);
        for (x, y) in ga.iter().zip(gb) {
            assert!(
                (x - y).abs() <= 0.02 * x.abs(),
                "{}: {ga:?} vs {gb:?}",
                variant.name()
            );
        }
        assert!(
            on_gpu.machine.ends_with("; dfdx Cuda device 0"),
            "{}",
            on_gpu.machine
        );
    }
}

#[test]
#[ignore = "needs a GPU"]
fn cuda_refuses_the_dropout_matched_variant() {
    let cuda = DfdxDevice::open(DeviceChoice::Cuda(0)).unwrap();
    let e = cuda.supports(Variant::DropoutMatched).unwrap_err();
    assert!(matches!(e, Error::Unsupported { .. }), "{e}");
    assert_eq!(
        e.to_string(),
        "the dropout-matched variant cannot run on cuda:0 (no implementation there); use --device cpu"
    );
}
