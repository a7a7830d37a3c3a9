//! Training on a tiny synthetic MNIST-shaped dataset: determinism, exact
//! resume (also past a truncated or garbage checkpoint), and the refusal of
//! a checkpoint made with another configuration.

use gaaf_data::{Dataset, Splits};
use gaaf_repro::mnist::{prepare, train, train_until, Config, Optimiser, Run, Variant};
use gaaf_repro::sweep::RunConfig;
use gaaf_repro::sweep::{DataSizes, Outcome, Progress, RunData, Stopping};
use gaaf_repro::Error;
use ndarray::Array4;
use std::path::PathBuf;

/// `n` 28x28 images of 10 classes: class `c` lights rows `2c..2c+3`, plus
/// noise from a fixed LCG, so the model has something to learn.
fn synthetic(n: usize, salt: u64, name: &str) -> Dataset {
    let mut state = 0x2545_F491_4F6C_DD1D_u64 ^ salt;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as u32
    };
    let labels: Vec<u8> = (0..n).map(|_| (next() % 10) as u8).collect();
    let mut images = Array4::<u8>::zeros((n, 1, 28, 28));
    for (i, &c) in labels.iter().enumerate() {
        for h in 0..28 {
            for w in 0..28 {
                let band = h / 2 >= usize::from(c) && h / 2 < usize::from(c) + 2;
                let noise = (next() % 90) as u8;
                images[[i, 0, h, w]] = if band { 160 + noise } else { noise };
            }
        }
    }
    Dataset::new(name, images, labels, 10).unwrap()
}

fn splits() -> Splits {
    Splits {
        train: synthetic(400, 1, "toy/train"),
        test: synthetic(150, 2, "toy/test"),
    }
}

fn config(variant: Variant) -> Config {
    Config {
        lr: 0.05,
        batch_size: 50,
        stopping: Stopping {
            max_epochs: 3,
            patience: 3,
            plateau: None,
        },
        sizes: DataSizes::all_but(100),
        ..Config::new(variant, 7)
    }
}

/// The result without its wall-clock fields.
fn untimed(mut r: Run) -> Run {
    r.seconds = 0.0;
    for e in &mut r.epochs {
        e.seconds = 0.0;
    }
    r
}

fn run(config: &Config, data: &RunData) -> Run {
    let dir = tempfile::tempdir().unwrap();
    untimed(train(config, data, dir.path(), &()).unwrap())
}

#[test]
fn same_seed_same_result_and_the_model_learns() {
    let splits = splits();
    for variant in [Variant::Dropout, Variant::Gaaf] {
        let c = config(variant);
        let data = prepare(&splits, &c).unwrap();
        let a = run(&c, &data);
        let b = run(&c, &data);
        assert_eq!(a, b, "{variant:?}");
        assert_eq!(a.epochs.len(), 3);
        assert!(
            a.test_acc > 0.5,
            "{variant:?}: test accuracy {}",
            a.test_acc
        );
        assert_eq!(a.grad_info.len(), 4);
        assert_eq!((a.correlations.len(), a.nets.len()), (3, 3));
        assert_eq!(a.nets[0].total(), 150 * 512);
        match variant {
            Variant::Dropout => {
                let v = a.net_variance.as_ref().unwrap();
                assert_eq!(v.len(), 4);
                assert_eq!(v[0], 0.0, "no dropout before the first layer");
                assert!(v[1..].iter().all(|&x| x > 0.0), "{v:?}");
            }
            _ => assert!(a.net_variance.is_none()),
        }
        // A result survives its JSON file bit-exactly.
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(serde_json::from_str::<Run>(&json).unwrap(), a);
    }
}

/// A run stopped after some epochs, as an interrupted one would be, with
/// the result of the same run uninterrupted.
struct Interrupted {
    config: Config,
    data: RunData,
    whole: Run,
    dir: tempfile::TempDir,
}

impl Interrupted {
    fn after(epochs: usize, variant: Variant) -> Self {
        Self::with(config(variant), epochs)
    }

    fn with(config: Config, epochs: usize) -> Self {
        let data = prepare(&splits(), &config).unwrap();
        let whole = run(&config, &data);
        let dir = tempfile::tempdir().unwrap();
        let stopped = train_until(&config, &data, dir.path(), &(), Some(epochs)).unwrap();
        assert_eq!(stopped, Outcome::Stopped(epochs));
        Self {
            config,
            data,
            whole,
            dir,
        }
    }

    /// The file of `epoch`'s checkpoint.
    fn checkpoint(&self, epoch: usize) -> PathBuf {
        self.dir
            .path()
            .join(format!("epoch-{epoch:04}.safetensors"))
    }

    /// The run trained to the end, and the notes it printed.
    fn resume(&self) -> (Run, Vec<String>) {
        let notes = Notes::default();
        let resumed = train(&self.config, &self.data, self.dir.path(), &notes).unwrap();
        (untimed(resumed), notes.0.into_inner())
    }
}

#[test]
fn a_resumed_run_equals_an_uninterrupted_one() {
    for variant in [Variant::Dropout, Variant::DropoutMatched] {
        let run = Interrupted::after(1, variant);
        let (resumed, notes) = run.resume();
        assert_eq!(resumed, run.whole, "{variant:?}");
        // The one note says where the run went on from (a requeued Slurm
        // task's log shows it).
        assert_eq!(
            notes,
            [format!("{}: resuming after epoch 1", run.config.run_id())]
        );
    }
}

#[test]
fn the_controls_learn_and_resume_exactly() {
    // Adam resumes with its moments and step count; the scaled base model
    // with the same per-layer rates; the shoulder shape like any GAAF.
    let adam = Config {
        optimiser: Optimiser::Adam,
        lr: 0.001,
        ..config(Variant::Gaaf)
    };
    for c in [
        adam,
        config(Variant::BaseLrScaled),
        config(Variant::GaafShoulder),
    ] {
        let run = Interrupted::with(c.clone(), 1);
        let (resumed, notes) = run.resume();
        assert_eq!(resumed, run.whole, "{}", c.run_id());
        assert_eq!(notes, [format!("{}: resuming after epoch 1", c.run_id())]);
        assert!(
            resumed.test_acc > 0.5,
            "{}: test accuracy {}",
            c.run_id(),
            resumed.test_acc
        );
        let scales = resumed.lr_scales.as_ref();
        assert_eq!(scales.is_some(), c.variant == Variant::BaseLrScaled);
        if let Some(s) = scales {
            // GAAF's paper shape adds slope at the centre: every layer's
            // gradient grows, the first most (8.95, 4.13, 2.02, 1.00 on MNIST).
            assert!(s.iter().all(|&g| g > 0.99) && s[0] > s[3], "{s:?}");
        }
    }
}

#[test]
fn a_checkpoint_of_another_configuration_is_refused() {
    let run = Interrupted::after(1, Variant::Base);
    let other = Config {
        lr: 0.01,
        ..run.config.clone()
    };
    let err = train(&other, &run.data, run.dir.path(), &()).unwrap_err();
    assert!(matches!(err, Error::ConfigMismatch { .. }), "{err}");
}

/// Notes the epoch loop prints, kept for the test to read.
#[derive(Default)]
struct Notes(std::cell::RefCell<Vec<String>>);

impl Progress for Notes {
    fn note(&self, line: &str) {
        self.0.borrow_mut().push(line.to_string());
    }
}

#[test]
fn a_truncated_newest_checkpoint_resumes_from_the_one_before() {
    let run = Interrupted::after(2, Variant::DropoutMatched);
    // Both epochs are kept, so there is something to fall back to.
    let newest = run.checkpoint(2);
    assert!(run.checkpoint(1).exists());
    let len = std::fs::metadata(&newest).unwrap().len();
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(&newest)
        .unwrap();
    file.set_len(len / 2).unwrap();

    let (resumed, notes) = run.resume();
    assert_eq!(
        resumed, run.whole,
        "resumed from epoch 1, it trains as before"
    );
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(notes[0].starts_with("skipping bad checkpoint"), "{notes:?}");
    assert!(notes[0].contains("epoch-0002.safetensors"), "{notes:?}");
    assert!(notes[1].ends_with("resuming after epoch 1"), "{notes:?}");
}

#[test]
fn when_no_checkpoint_verifies_the_run_starts_over() {
    let run = Interrupted::after(2, Variant::Base);
    for epoch in [1, 2] {
        std::fs::write(run.checkpoint(epoch), b"garbage").unwrap();
    }
    let (again, notes) = run.resume();
    assert_eq!(again, run.whole);
    assert_eq!(notes.len(), 3, "{notes:?}");
    assert!(notes[2].contains("starting the run over"), "{notes:?}");
}

#[test]
fn a_broken_best_checkpoint_is_not_resumed_from() {
    // So small a rate leaves the validation accuracy as it was, so the best
    // epoch stays the first while later ones are checkpointed.
    let tiny_steps = Config {
        lr: 1e-9,
        ..config(Variant::Base)
    };
    let run = Interrupted::with(tiny_steps, 2);
    assert_eq!(run.whole.best_epoch, 1, "the premise of this test");
    std::fs::write(run.checkpoint(1), b"garbage").unwrap();
    let (again, notes) = run.resume();
    assert_eq!(again, run.whole);
    assert_eq!(notes.len(), 3, "{notes:?}");
    assert!(notes[0].contains("epoch-0002.safetensors"), "{notes:?}");
    assert!(
        notes[0].contains("best epoch, 1, does not verify"),
        "{notes:?}"
    );
    assert!(notes[2].contains("starting the run over"), "{notes:?}");
}
