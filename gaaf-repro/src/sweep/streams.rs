//! Seeds of a run's random streams, derived from `(seed, purpose, epoch)`, so
//! that a resumed run draws exactly what an uninterrupted one would.

/// The purposes random streams are derived for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// The model's initial weights.
    Init = 1,
    /// An epoch's order of the training images.
    Shuffle = 2,
    /// An epoch's dropout masks.
    Dropout = 3,
    /// MNIST's fixed batch for the dropout-matched sigmas.
    SigmaBatch = 4,
    /// MNIST's Table 3 batch and masks.
    NetVariance = 5,
    /// An epoch's image augmentation.
    Augment = 6,
    /// MNIST's fixed batch and masks of the gradient at initialisation.
    InitGradient = 7,
}

/// A seed for `purpose` in `epoch` of the run seeded `seed` (SplitMix64 over
/// the three, so that nearby inputs give unrelated seeds).
pub fn stream_seed(seed: u64, purpose: Stream, epoch: usize) -> u64 {
    let mut z = seed
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add((purpose as u64) << 32)
        .wrapping_add(epoch as u64);
    for _ in 0..2 {
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
    }
    z
}
