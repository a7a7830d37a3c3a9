//! The values Hahn & Choi publish in Table 5, so that our table can print
//! them beside ours.

use crate::conv::{Dataset, Variant};

/// Table 5: top-1 test accuracy (%) per model (the paper does not say over
/// how many runs, and gives no spread); `None` for the models it does not
/// have (the saturation-only shape, padded MNIST).
pub(crate) fn table5(dataset: Dataset, variant: Variant) -> Option<f64> {
    // Rows base, +BN, +GAAF, +BN +GAAF; columns CIFAR100, CIFAR10, SVHN.
    const TABLE5: [[f64; 3]; 4] = [
        [59.63, 89.55, 92.03],
        [67.48, 91.1, 93.80],
        [61.29, 90.16, 92.19],
        [69.36, 91.92, 94.16],
    ];
    let row = match variant {
        Variant::Base => 0,
        Variant::Bn => 1,
        Variant::Gaaf => 2,
        Variant::BnGaaf => 3,
        Variant::GaafSaturation | Variant::BnGaafSaturation => return None,
    };
    let col = match dataset {
        Dataset::Cifar100 => 0,
        Dataset::Cifar10 => 1,
        Dataset::Svhn => 2,
        Dataset::Mnist32 => return None,
    };
    Some(TABLE5[row][col])
}
