//! MNIST: round trips through files in the published layout, and bad input.

mod support;

use gaaf_data::{mnist, DataDir, Error};
use std::path::Path;
use support::{gzip, idx, mnist_split, pixel, write_mnist};

#[test]
fn round_trip_gz_and_raw() {
    for gz in [true, false] {
        let tmp = tempfile::tempdir().unwrap();
        write_mnist(tmp.path(), 12, 5, gz);
        let splits = mnist::load(&DataDir::new(tmp.path())).unwrap();
        assert_eq!(splits.train.len(), 12);
        assert_eq!(splits.test.len(), 5);
        assert_eq!(splits.train.images().dim(), (12, 1, 28, 28));
        assert_eq!(splits.train.images()[[7, 0, 3, 19]], pixel(7, 0, 3, 19));
        assert_eq!(splits.train.labels()[11], 1);
        assert_eq!(
            splits.test.label_histogram(),
            [1, 1, 1, 1, 1, 0, 0, 0, 0, 0]
        );
    }
}

fn load_err(files: &[(&str, Vec<u8>)]) -> Error {
    let tmp = tempfile::tempdir().unwrap();
    write_mnist(tmp.path(), 3, 3, true);
    for (name, bytes) in files {
        let folder = tmp.path().join("mnist");
        std::fs::remove_file(folder.join(format!("{name}.gz"))).ok();
        std::fs::write(folder.join(name), bytes).unwrap();
    }
    mnist::load(&DataDir::new(tmp.path())).unwrap_err()
}

#[test]
fn missing_file_says_how_to_get_it() {
    let tmp = tempfile::tempdir().unwrap();
    let err = mnist::load(&DataDir::new(tmp.path())).unwrap_err();
    assert!(matches!(err, Error::MissingFile { .. }));
    let msg = err.to_string();
    assert!(
        msg.contains("cargo xtask data fetch --dataset mnist"),
        "{msg}"
    );
    assert!(msg.contains("train-images-idx3-ubyte"), "{msg}");
}

#[test]
fn each_defect_has_its_error() {
    let (images, labels) = mnist_split(3, |i| i as u8);
    let mut bad_magic = images.clone();
    bad_magic[3] = 2;
    assert!(matches!(
        load_err(&[("train-images-idx3-ubyte", bad_magic)]),
        Error::BadMagic { .. }
    ));
    let mut long = images.clone();
    long.push(0);
    assert!(matches!(
        load_err(&[("train-images-idx3-ubyte", long)]),
        Error::SizeMismatch { .. }
    ));
    assert!(matches!(
        load_err(&[(
            "train-images-idx3-ubyte",
            images[..images.len() - 5].to_vec()
        )]),
        Error::Truncated { .. }
    ));
    let mut big_label = labels.clone();
    big_label[9] = 10;
    let err = load_err(&[("train-labels-idx1-ubyte", big_label)]);
    assert!(
        matches!(err, Error::LabelOutOfRange { index: 1, .. }),
        "{err}"
    );
    let wrong_dims = idx(&[3, 28, 27], &vec![0; 3 * 28 * 27]);
    assert!(matches!(
        load_err(&[("train-images-idx3-ubyte", wrong_dims)]),
        Error::WrongDimensions { .. }
    ));
    let (_, four_labels) = mnist_split(4, |_| 0);
    assert!(matches!(
        load_err(&[("train-labels-idx1-ubyte", four_labels)]),
        Error::CountMismatch { .. }
    ));
    let huge = idx(&[u32::MAX, 28, 28], &[0; 8]);
    assert!(matches!(
        load_err(&[("train-images-idx3-ubyte", huge)]),
        Error::TooLarge { .. }
    ));
}

#[test]
fn corrupt_and_truncated_gzip() {
    let (images, _) = mnist_split(3, |i| i as u8);
    let gz = gzip(&images);
    let mut flipped = gz.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0xff;
    flipped[mid + 1] ^= 0x55;
    let err = gaaf_data::idx::parse(&flipped, Path::new("f.gz"), 3).unwrap_err();
    assert!(
        matches!(
            err,
            Error::CorruptCompression { .. } | Error::Truncated { .. }
        ),
        "{err}"
    );
    let cut = &gz[..gz.len() - 20];
    let err = gaaf_data::idx::parse(cut, Path::new("f.gz"), 3).unwrap_err();
    assert!(
        matches!(
            err,
            Error::CorruptCompression { .. } | Error::Truncated { .. }
        ),
        "{err}"
    );
    // A valid gzip of a header that claims more than its content.
    let short = gzip(&images[..images.len() - 1]);
    assert!(matches!(
        gaaf_data::idx::parse(&short, Path::new("s.gz"), 3),
        Err(Error::Truncated { .. })
    ));
    // A small gzip whose header claims a gigabyte allocates nothing of it.
    let liar = gzip(&idx(&[1_000_000, 28, 28], &[1, 2, 3]));
    assert!(matches!(
        gaaf_data::idx::parse(&liar, Path::new("l.gz"), 3),
        Err(Error::Truncated { .. })
    ));
}
