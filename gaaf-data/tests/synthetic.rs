//! Synthetic datasets: written where `load` reads them, read back whole,
//! reproducible from their seed, and learnable.

use gaaf_data::synthetic::{self, SyntheticSpec};
use gaaf_data::{cifar, mat, Cifar100Labels, DataDir, Dataset, DatasetKind};
use std::collections::BTreeMap;
use std::path::Path;

/// Every file in `dir`'s folder for `kind`, by name.
fn files(dir: &Path, kind: DatasetKind) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir.join(kind.folder()))
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let name = e.file_name().into_string().unwrap();
            (name, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

fn written(kind: DatasetKind, spec: &SyntheticSpec) -> (tempfile::TempDir, DataDir) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = DataDir::new(tmp.path());
    synthetic::write(&dir, kind, spec).unwrap();
    (tmp, dir)
}

#[test]
fn every_kind_loads_back() {
    for kind in DatasetKind::ALL {
        let spec = SyntheticSpec::new(23, 9, 11);
        let (tmp, dir) = written(kind, &spec);
        let (channels, side, classes) = match kind {
            DatasetKind::Mnist => (1, 28, 10),
            DatasetKind::Cifar100 => (3, 32, 100),
            _ => (3, 32, 10),
        };
        let names: Vec<String> = files(tmp.path(), kind).into_keys().collect();
        let mut expected: Vec<String> = kind
            .files()
            .iter()
            .map(|f| match kind {
                DatasetKind::Mnist => format!("{f}.gz"),
                _ => f.to_string(),
            })
            .collect();
        expected.sort();
        assert_eq!(names, expected, "{kind}");

        let splits = gaaf_data::load(&dir, kind).unwrap();
        assert_eq!(splits.train.images().dim(), (23, channels, side, side));
        assert_eq!(splits.test.images().dim(), (9, channels, side, side));
        for data in [&splits.train, &splits.test] {
            assert_eq!(data.classes(), classes, "{kind}");
            assert!(data.labels().iter().all(|&l| usize::from(l) < classes));
        }
        assert_eq!(splits, synthetic::generate(kind, &spec).unwrap(), "{kind}");
    }
}

#[test]
fn same_seed_same_files() {
    for kind in DatasetKind::ALL {
        let spec = SyntheticSpec::new(12, 6, 5);
        let (a, _) = written(kind, &spec);
        let (b, _) = written(kind, &spec);
        assert_eq!(files(a.path(), kind), files(b.path(), kind), "{kind}");
        let (c, _) = written(kind, &SyntheticSpec { seed: 6, ..spec });
        assert_ne!(files(a.path(), kind), files(c.path(), kind), "{kind}");
    }
}

#[test]
fn cifar10_spreads_training_over_five_batches() {
    let (tmp, dir) = written(DatasetKind::Cifar10, &SyntheticSpec::new(12, 3, 1));
    let folder = tmp.path().join("cifar-10-batches-bin");
    let sizes: Vec<u64> = cifar::CIFAR10_FILES
        .iter()
        .map(|f| std::fs::metadata(folder.join(f)).unwrap().len() / 3073)
        .collect();
    assert_eq!(sizes, [2, 2, 3, 2, 3, 3]);
    // The loader concatenates the batches in order, giving back the split.
    let generated = synthetic::generate(DatasetKind::Cifar10, &SyntheticSpec::new(12, 3, 1));
    assert_eq!(cifar::load_cifar10(&dir).unwrap(), generated.unwrap());
}

#[test]
fn cifar100_has_coarse_labels() {
    let (_tmp, dir) = written(DatasetKind::Cifar100, &SyntheticSpec::new(40, 10, 2));
    let fine = cifar::load_cifar100(&dir, Cifar100Labels::Fine).unwrap();
    let coarse = cifar::load_cifar100(&dir, Cifar100Labels::Coarse).unwrap();
    assert_eq!(coarse.train.classes(), 20);
    let from_fine: Vec<u8> = fine.train.labels().iter().map(|l| l / 5).collect();
    assert_eq!(coarse.train.labels(), from_fine);
    assert_eq!(coarse.train.images(), fine.train.images());
}

#[test]
fn svhn_files_use_the_published_labels() {
    let (tmp, dir) = written(DatasetKind::Svhn, &SyntheticSpec::new(30, 10, 4));
    let path = tmp.path().join("svhn/train_32x32.mat");
    let vars = mat::read(&path, &["X", "y"]).unwrap();
    let x = vars.iter().find(|v| v.name == "X").unwrap();
    let y = vars.iter().find(|v| v.name == "y").unwrap();
    assert_eq!(
        (x.class, x.dims.as_slice()),
        (9, [32, 32, 3, 30].as_slice())
    );
    assert_eq!((y.class, y.dims.as_slice()), (6, [30, 1].as_slice()));
    let mat::MatData::F64(raw) = &y.data else {
        panic!("y is not double: {:?}", y.data)
    };
    assert!(raw
        .iter()
        .all(|v| (1.0..=10.0).contains(v) && v.fract() == 0.0));
    assert_eq!(
        raw.iter().filter(|&&v| v == 10.0).count(),
        3,
        "digit 0 is 10"
    );
    let loaded = gaaf_data::svhn::load(&dir).unwrap();
    let mapped: Vec<u8> = raw.iter().map(|&v| v as u8 % 10).collect();
    assert_eq!(loaded.train.labels(), mapped);
}

#[test]
fn mnist_replaces_a_stale_raw_file() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("mnist");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("train-labels-idx1-ubyte"), b"stale").unwrap();
    let dir = DataDir::new(tmp.path());
    synthetic::write(&dir, DatasetKind::Mnist, &SyntheticSpec::new(10, 10, 0)).unwrap();
    assert_eq!(gaaf_data::mnist::load(&dir).unwrap().train.len(), 10);
}

/// Test accuracy of the nearest class mean, fitted on `train`.
fn nearest_mean_accuracy(train: &Dataset, test: &Dataset) -> f64 {
    let x = train.to_f32();
    let per_image = x.len() / train.len();
    let mut means = vec![vec![0f32; per_image]; train.classes()];
    for (img, &l) in x.outer_iter().zip(train.labels()) {
        for (m, v) in means[usize::from(l)].iter_mut().zip(img.iter()) {
            *m += v;
        }
    }
    for (m, count) in means.iter_mut().zip(train.label_histogram()) {
        m.iter_mut().for_each(|v| *v /= count.max(1) as f32);
    }
    let xt = test.to_f32();
    let right = xt
        .outer_iter()
        .zip(test.labels())
        .filter(|(img, &l)| {
            let dist = |m: &Vec<f32>| -> f32 {
                m.iter()
                    .zip(img.iter())
                    .map(|(a, b)| (a - b) * (a - b))
                    .sum()
            };
            let best = (0..means.len())
                .min_by(|&a, &b| dist(&means[a]).total_cmp(&dist(&means[b])))
                .unwrap();
            best == usize::from(l)
        })
        .count();
    right as f64 / test.len() as f64
}

#[test]
fn labels_are_learnable() {
    for kind in DatasetKind::ALL {
        let classes = if kind == DatasetKind::Cifar100 {
            100
        } else {
            10
        };
        let spec = SyntheticSpec::new(5 * classes, 2 * classes, 8);
        let splits = synthetic::generate(kind, &spec).unwrap();
        let acc = nearest_mean_accuracy(&splits.train, &splits.test);
        assert!(
            acc > 0.9,
            "{kind}: accuracy {acc}, chance {}",
            1.0 / classes as f64
        );
    }
}
