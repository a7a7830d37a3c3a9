//! CIFAR-10 and CIFAR-100: round trips through files in the published layout,
//! and bad input.

mod support;

use gaaf_data::cifar::{self, Layout};
use gaaf_data::{Cifar100Labels, DataDir, DatasetKind, Error};
use std::path::Path;
use support::{cifar_record, pixel};

fn write(dir: &Path, folder: &str, name: &str, records: &[Vec<u8>]) {
    let folder = dir.join(folder);
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join(name), records.concat()).unwrap();
}

#[test]
fn cifar10_round_trip() {
    let tmp = tempfile::tempdir().unwrap();
    let mut n = 0;
    for name in cifar::CIFAR10_FILES {
        let records: Vec<Vec<u8>> = (0..3)
            .map(|_| {
                n += 1;
                cifar_record(&[(n % 10) as u8], n)
            })
            .collect();
        write(tmp.path(), "cifar-10-batches-bin", name, &records);
    }
    let splits = gaaf_data::load(&DataDir::new(tmp.path()), DatasetKind::Cifar10).unwrap();
    assert_eq!(splits.train.len(), 15);
    assert_eq!(splits.test.len(), 3);
    assert_eq!(splits.train.images().dim(), (15, 3, 32, 32));
    // Training batches are concatenated in order 1..5; record k holds image k+1.
    assert_eq!(splits.train.images()[[4, 2, 31, 7]], pixel(5, 2, 31, 7));
    assert_eq!(splits.train.labels()[4], 5);
    assert_eq!(splits.test.images()[[0, 1, 9, 30]], pixel(16, 1, 9, 30));
    assert_eq!(splits.test.classes(), 10);
}

#[test]
fn cifar100_fine_and_coarse() {
    let tmp = tempfile::tempdir().unwrap();
    let train: Vec<Vec<u8>> = (0..4)
        .map(|i| cifar_record(&[19 - i as u8, 99 - i as u8], i))
        .collect();
    write(tmp.path(), "cifar-100-binary", "train.bin", &train);
    write(tmp.path(), "cifar-100-binary", "test.bin", &train[..1]);
    let dir = DataDir::new(tmp.path());
    let fine = cifar::load_cifar100(&dir, Cifar100Labels::Fine).unwrap();
    assert_eq!(fine.train.labels(), [99, 98, 97, 96]);
    assert_eq!(fine.train.classes(), 100);
    assert_eq!(fine.train.images()[[3, 0, 1, 2]], pixel(3, 0, 1, 2));
    let coarse = cifar::load_cifar100(&dir, Cifar100Labels::Coarse).unwrap();
    assert_eq!(coarse.train.labels(), [19, 18, 17, 16]);
    assert_eq!(coarse.test.classes(), 20);
}

#[test]
fn bad_input() {
    let p = Path::new("b.bin");
    let rec = cifar_record(&[3], 0);
    assert!(matches!(
        cifar::parse(&rec[..3000], p, Layout::Cifar10),
        Err(Error::Truncated { .. })
    ));
    assert!(matches!(
        cifar::parse(&[], p, Layout::Cifar10),
        Err(Error::Truncated { .. })
    ));
    let bad = cifar_record(&[10], 0);
    assert!(matches!(
        cifar::parse(&[rec.clone(), bad].concat(), p, Layout::Cifar10),
        Err(Error::LabelOutOfRange { index: 1, .. })
    ));
    let bad_coarse = cifar_record(&[20, 5], 0);
    assert!(matches!(
        cifar::parse(&bad_coarse, p, Layout::Cifar100(Cifar100Labels::Fine)),
        Err(Error::LabelOutOfRange { .. })
    ));
    let tmp = tempfile::tempdir().unwrap();
    let err = cifar::load_cifar10(&DataDir::new(tmp.path())).unwrap_err();
    assert!(err.to_string().contains("test_batch.bin"), "{err}");
}
