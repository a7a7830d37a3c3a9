//! The real MNIST files from `$GAAF_DATA_DIR/mnist` (CI sets it to the shared
//! data folder): counts, label histograms and content hashes must match the
//! published values. Skipped, with a message, when the folder is absent.

use gaaf_data::{content_sha256, hex, mnist, DataDir, DATA_DIR_ENV};

#[test]
fn real_mnist_matches_published_values() {
    let Some(root) = std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()) else {
        eprintln!("SKIPPED: real MNIST test: set {DATA_DIR_ENV} to the folder holding mnist/");
        return;
    };
    let dir = DataDir::new(root);
    let folder = dir.dataset_dir(gaaf_data::DatasetKind::Mnist);
    if !folder.is_dir() {
        eprintln!(
            "SKIPPED: real MNIST test: {} does not exist",
            folder.display()
        );
        return;
    }
    let splits = mnist::load(&dir).unwrap();
    assert_eq!(splits.train.len(), 60_000);
    assert_eq!(splits.test.len(), 10_000);
    assert_eq!(
        splits.train.label_histogram(),
        [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    );
    assert_eq!(
        splits.test.label_histogram(),
        [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    );
    for (name, expected) in mnist::SHA256 {
        let path = mnist::file_path(&dir, name).unwrap();
        assert_eq!(hex(&content_sha256(&path).unwrap()), expected, "{name}");
    }
    let norm = splits.normalizer();
    // The well-known MNIST statistics.
    assert!((norm.mean()[0] - 0.1307).abs() < 1e-3, "{:?}", norm.mean());
    assert!((norm.std()[0] - 0.3081).abs() < 1e-3, "{:?}", norm.std());
}
