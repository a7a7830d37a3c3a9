//! Every parser on random and mutated bytes: errors, never a panic. The fuzz
//! targets in `fuzz/` do the same at depth; these run in CI.

mod support;

use gaaf_data::cifar::{self, Layout};
use gaaf_data::{idx, mat, svhn, Cifar100Labels};
use proptest::prelude::*;
use std::path::Path;
use support::{gzip, mat5, mnist_split, svhn_vars};

fn seeds() -> Vec<Vec<u8>> {
    let (images, labels) = mnist_split(2, |i| i as u8);
    vec![
        images.clone(),
        labels.clone(),
        gzip(&images),
        gzip(&labels),
        mat5(&svhn_vars(&[1.0, 10.0]), false),
        mat5(&svhn_vars(&[3.0]), true),
        support::cifar_record(&[1, 2], 0),
    ]
}

fn all_parsers(bytes: &[u8]) {
    let p = Path::new("fuzz");
    let _ = idx::parse(bytes, p, 1);
    let _ = idx::parse(bytes, p, 3);
    let _ = cifar::parse(bytes, p, Layout::Cifar10);
    let _ = cifar::parse(bytes, p, Layout::Cifar100(Cifar100Labels::Coarse));
    let _ = mat::parse(bytes, p, &["X", "y"]);
    let _ = svhn::parse(bytes, p, "fuzz");
}

/// A valid file with a few bytes overwritten, cut or extended.
fn mutated() -> impl Strategy<Value = Vec<u8>> {
    (
        0..seeds().len(),
        prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8),
        any::<prop::sample::Index>(),
        any::<bool>(),
    )
        .prop_map(|(which, edits, cut, do_cut)| {
            let mut bytes = seeds()[which].clone();
            for (at, value) in edits {
                let i = at.index(bytes.len());
                bytes[i] = value;
            }
            if do_cut {
                bytes.truncate(cut.index(bytes.len() + 1));
            }
            bytes
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        all_parsers(&bytes);
    }

    #[test]
    fn mutated_files_never_panic(bytes in mutated()) {
        all_parsers(&bytes);
    }

    #[test]
    fn random_mat_headers_never_panic(tail in prop::collection::vec(any::<u8>(), 0..512)) {
        let mut bytes = mat5(&[], false);
        bytes.extend(tail);
        all_parsers(&bytes);
    }
}
