//! Seeded shuffling and batching.
//!
//! Shuffles use ChaCha8 (`rand_chacha`), whose output stream is specified and
//! stable across versions, and a Fisher-Yates shuffle written here with
//! Lemire's unbiased bounded integers, so that a seed gives the same order on
//! every platform and with every `rand` release.

use crate::dataset::Dataset;
use crate::normalize::Normalizer;
use ndarray::{Array4, Axis};
use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// `0..n` in an order determined by `seed` alone.
///
/// ```
/// let a = gaaf_data::shuffled_indices(5, 42);
/// assert_eq!(a, gaaf_data::shuffled_indices(5, 42));
/// let mut sorted = a.clone();
/// sorted.sort();
/// assert_eq!(sorted, [0, 1, 2, 3, 4]);
/// ```
pub fn shuffled_indices(n: usize, seed: u64) -> Vec<usize> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut v: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = below(&mut rng, i as u64 + 1) as usize;
        v.swap(i, j);
    }
    v
}

/// A uniform integer in `0..bound` (Lemire's multiply-and-reject).
fn below(rng: &mut ChaCha8Rng, bound: u64) -> u64 {
    let threshold = bound.wrapping_neg() % bound;
    loop {
        let m = u128::from(rng.next_u64()) * u128::from(bound);
        if (m as u64) >= threshold {
            return (m >> 64) as u64;
        }
    }
}

/// One batch: the images, their labels and their indices in the dataset.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    /// Images, (B, C, H, W).
    pub images: Array4<u8>,
    /// One label per image.
    pub labels: Vec<u8>,
    /// Where each image sits in the dataset.
    pub indices: Vec<usize>,
}

impl Batch {
    /// The batch's pixels normalised by `norm`.
    ///
    /// # Panics
    /// When `norm` has another number of channels than the images.
    pub fn to_f32_normalized(&self, norm: &Normalizer) -> Array4<f32> {
        norm.apply(self.images.view())
    }
}

/// Iterator over the batches of a dataset; see [`Dataset::batches`].
#[derive(Debug, Clone)]
pub struct Batches<'a> {
    data: &'a Dataset,
    order: Vec<usize>,
    batch_size: usize,
    pos: usize,
}

impl<'a> Batches<'a> {
    pub(crate) fn new(data: &'a Dataset, batch_size: usize, seed: Option<u64>) -> Self {
        // `Dataset::batches` refuses 0 before it gets here.
        debug_assert!(batch_size > 0);
        let order = match seed {
            Some(seed) => shuffled_indices(data.len(), seed),
            None => (0..data.len()).collect(),
        };
        Self {
            data,
            order,
            batch_size,
            pos: 0,
        }
    }

    /// The order in which the images are visited.
    pub fn order(&self) -> &[usize] {
        &self.order
    }
}

impl Iterator for Batches<'_> {
    type Item = Batch;

    fn next(&mut self) -> Option<Batch> {
        if self.pos >= self.order.len() {
            return None;
        }
        let end = (self.pos + self.batch_size).min(self.order.len());
        let indices = self.order[self.pos..end].to_vec();
        self.pos = end;
        let labels = self.data.labels();
        Some(Batch {
            images: self.data.images().select(Axis(0), &indices),
            labels: indices.iter().map(|&i| labels[i]).collect(),
            indices,
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = (self.order.len() - self.pos).div_ceil(self.batch_size);
        (left, Some(left))
    }
}

impl ExactSizeIterator for Batches<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shuffle_is_a_permutation_and_pinned() {
        let v = shuffled_indices(100, 1);
        let mut s = v.clone();
        s.sort_unstable();
        assert_eq!(s, (0..100).collect::<Vec<_>>());
        assert_ne!(v, shuffled_indices(100, 2));
        assert!(shuffled_indices(0, 3).is_empty());
    }
}
