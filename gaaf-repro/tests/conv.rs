//! The convolutional experiment end to end on small synthetic datasets written
//! in the exact published formats (the real CIFAR and SVHN are not on the
//! machines that run these tests): the path, not the accuracy.

use candle_core::Device;
use gaaf_data::synthetic::{self, SyntheticSpec};
use gaaf_data::{DataDir, DatasetKind};
use gaaf_repro::conv::{
    self, train_until, Config, Dataset, DeviceChoice, Options, Overrides, Run, Variant,
};
use gaaf_repro::sweep::{
    CommonOverrides, DataSizes, Outcome, RunConfig, RunData, Stopping, SweepOptions,
};
use std::path::{Path, PathBuf};
use std::process::Command;

fn data(kind: DatasetKind, train: usize, test: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    synthetic::write(
        &DataDir::new(dir.path()),
        kind,
        &SyntheticSpec::new(train, test, 5),
    )
    .unwrap();
    dir
}

/// Tiny runs: widths / 16, 64 training and 32 validation images, 2 epochs.
fn options(dataset: Dataset, data: &Path, out: &Path) -> Options {
    Options {
        dataset,
        sweep: SweepOptions {
            data_dir: Some(data.to_path_buf()),
            jobs: 2,
            command: "test".to_string(),
            ..SweepOptions::new(out)
        },
        variants: Vec::new(),
        quick: true,
        device: DeviceChoice::Cpu,
        overrides: Overrides {
            common: CommonOverrides {
                train_subset: Some(64),
                val_size: Some(32),
                test_subset: Some(32),
                batch_size: Some(16),
                max_epochs: Some(2),
                ..CommonOverrides::NONE
            },
            width_divisor: Some(16),
            ..Overrides::default()
        },
    }
}

fn untimed(mut r: Run) -> Run {
    r.seconds = 0.0;
    for e in &mut r.epochs {
        e.seconds = 0.0;
    }
    r
}

#[test]
fn every_dataset_trains_all_four_variants_and_reports_table5() {
    for (dataset, kind) in [
        (Dataset::Cifar10, DatasetKind::Cifar10),
        (Dataset::Cifar100, DatasetKind::Cifar100),
        (Dataset::Svhn, DatasetKind::Svhn),
    ] {
        let data = data(kind, 120, 40);
        let out = tempfile::tempdir().unwrap();
        let opts = options(dataset, data.path(), out.path());
        let first = conv::run(&opts).unwrap();
        assert_eq!(first.runs.len(), 4, "{dataset:?}");
        assert_eq!(first.reused, 0);
        for r in &first.runs {
            assert_eq!(r.epochs.len(), 2);
            assert!(r.epochs.iter().all(|e| e.train_loss.is_finite()));
            assert!((0.0..=1.0).contains(&r.test_acc));
            let json = out
                .path()
                .join("runs")
                .join(format!("{}.json", r.config.run_id()));
            assert!(json.exists(), "{}", json.display());
        }
        let table = std::fs::read_to_string(out.path().join("table5.md")).unwrap();
        assert!(table.contains(dataset.title()), "{table}");
        for label in ["Base Model", "+Batch Norm (BN)", "+GAAF", "+BN +GAAF"] {
            assert!(table.contains(label), "{table}");
        }
        let report = std::fs::read_to_string(out.path().join("report.md")).unwrap();
        assert!(report.contains("Reduced run"), "{report}");

        // A second invocation reuses every finished run and trains nothing.
        let again = conv::run(&opts).unwrap();
        assert_eq!(again.reused, 4);
        assert_eq!(again.runs, first.runs);
    }
}

#[test]
fn same_seed_same_result_and_a_resumed_run_continues_exactly() {
    let data = data(DatasetKind::Svhn, 120, 40);
    let splits = gaaf_data::load(&DataDir::new(data.path()), DatasetKind::Svhn).unwrap();
    let config = Config {
        batch_size: 16,
        stopping: Stopping {
            max_epochs: 3,
            patience: 3,
            plateau: None,
        },
        width_divisor: 16,
        ..Config::new(Dataset::Svhn, Variant::BnGaaf, 3)
    };
    let sizes = DataSizes {
        val_size: 32,
        train_subset: Some(64),
        test_subset: Some(32),
    };
    let run_data = RunData::split(&splits, &sizes, config.seed).unwrap();
    let train = |dir: &Path, stop: Option<usize>| match train_until(
        &config,
        &run_data,
        &Device::Cpu,
        dir,
        &(),
        stop,
    )
    .unwrap()
    {
        Outcome::Finished(r) => Some(*r),
        Outcome::Stopped(_) => None,
    };
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let full = train(a.path(), None).unwrap();
    assert_eq!(full.epochs.len(), 3);
    assert_eq!(
        untimed(train(b.path(), None).unwrap()),
        untimed(full.clone())
    );

    assert!(
        train(c.path(), Some(1)).is_none(),
        "stopped after one epoch"
    );
    let resumed = train(c.path(), None).unwrap();
    assert_eq!(untimed(resumed), untimed(full));

    // Another configuration is refused rather than mixed in.
    let other = Config {
        lr: 0.02,
        ..config.clone()
    };
    let err = conv::train(&other, &run_data, &Device::Cpu, c.path(), &()).unwrap_err();
    assert!(err.to_string().contains("another configuration"), "{err}");
}

fn binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_gaaf-repro"))
}

#[test]
fn the_command_runs_quick_end_to_end() {
    let data = data(DatasetKind::Svhn, 2_600, 1_000);
    let out = tempfile::tempdir().unwrap();
    let status = binary()
        .args([
            "svhn",
            "--quick",
            "--jobs",
            "2",
            "--max-epochs",
            "1",
            "--data-dir",
        ])
        .arg(data.path())
        .arg("--out")
        .arg(out.path())
        .status()
        .unwrap();
    assert!(status.success());
    let runs: Vec<PathBuf> = std::fs::read_dir(out.path().join("runs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(runs.len(), 4, "{runs:?}");
    assert!(out.path().join("table5.md").exists());
}

#[test]
fn missing_data_fails_at_once_naming_the_folder() {
    let empty = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let output = binary()
        .args(["cifar10", "--quick", "--data-dir"])
        .arg(empty.path())
        .arg("--out")
        .arg(out.path())
        .env("GAAF_NO_FETCH", "1")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    let last = stderr.lines().last().unwrap_or_default();
    assert!(last.starts_with("error: cifar10"), "{stderr}");
    assert!(last.contains("data_batch_1.bin"), "{stderr}");
}

/// The VGG-like model is a 12-layer ReLU network (10 convolutions, 2 hidden
/// dense layers). Without batch normalisation, at the paper's learning rate
/// (0.01, momentum 0.9), the paper's GAAF-ReLU shape multiplies the backward
/// signal by about 2 per layer (`gaaf_shapes::GradientGain`: about 5,500
/// over 12 layers) and training diverges; the saturation-only shape (about
/// 3.8 over 12 layers) trains, as plain ReLU does.
#[test]
fn twelve_relu_layers_without_bn_diverge_with_the_papers_shape_and_train_with_saturation_only() {
    let data = data(DatasetKind::Cifar10, 512, 40);
    let splits = gaaf_data::load(&DataDir::new(data.path()), DatasetKind::Cifar10).unwrap();
    let sizes = DataSizes {
        val_size: 64,
        train_subset: Some(256),
        test_subset: Some(32),
    };
    let run = |variant| {
        let config = Config {
            batch_size: 32,
            stopping: Stopping {
                max_epochs: 4,
                patience: 4,
                plateau: None,
            },
            width_divisor: 8,
            augment: false,
            ..Config::new(Dataset::Cifar10, variant, 0)
        };
        let run_data = RunData::split(&splits, &sizes, config.seed).unwrap();
        let dir = tempfile::tempdir().unwrap();
        conv::train(&config, &run_data, &Device::Cpu, dir.path(), &())
    };
    let paper = run(Variant::Gaaf);
    assert!(
        matches!(paper, Err(gaaf_repro::Error::Diverged { .. })),
        "the paper's shape did not diverge: {:?}",
        paper.map(|r| r.epochs)
    );
    for variant in [Variant::Base, Variant::GaafSaturation] {
        let r = run(variant).unwrap_or_else(|e| panic!("{variant:?}: {e}"));
        let losses: Vec<f64> = r.epochs.iter().map(|e| e.train_loss).collect();
        assert!(
            losses.iter().all(|l| l.is_finite()),
            "{variant:?}: {losses:?}"
        );
        assert!(
            losses[losses.len() - 1] < losses[0],
            "{variant:?} did not learn: {losses:?}"
        );
    }
}
