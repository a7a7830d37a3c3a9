//! Per-channel normalisation: statistics fitted on the training split.

use crate::dataset::Dataset;
use crate::error::{Error, Result};
use ndarray::{Array4, ArrayView4};

/// Per-channel mean and standard deviation of pixel values scaled to `[0, 1]`,
/// computed on a training split and applied to every split.
#[derive(Debug, Clone, PartialEq)]
pub struct Normalizer {
    mean: Vec<f32>,
    std: Vec<f32>,
}

impl Normalizer {
    /// A normaliser from known statistics, one entry per channel.
    ///
    /// Fails when the lengths differ, a list is empty, or a standard deviation
    /// is not finite and positive.
    pub fn new(mean: Vec<f32>, std: Vec<f32>) -> Result<Self> {
        if mean.is_empty() || mean.len() != std.len() {
            return Err(Error::InvalidRequest(format!(
                "normaliser needs one mean and one std per channel, got {} and {}",
                mean.len(),
                std.len()
            )));
        }
        if std.iter().any(|s| !(s.is_finite() && *s > 0.0)) || mean.iter().any(|m| !m.is_finite()) {
            return Err(Error::InvalidRequest(
                "normaliser statistics must be finite and std positive".into(),
            ));
        }
        Ok(Self { mean, std })
    }

    /// Fits mean and (population) standard deviation per channel on `data`,
    /// exactly, from a 256-bin histogram per channel. A constant channel gets
    /// std 1 so that normalising never divides by zero.
    ///
    /// ```
    /// use gaaf_data::{Dataset, Normalizer};
    /// let images = ndarray::Array4::from_shape_vec((2, 1, 1, 2), vec![0, 255, 0, 255]).unwrap();
    /// let data = Dataset::new("toy", images, vec![0, 1], 2)?;
    /// let norm = Normalizer::fit(&data);
    /// assert!((norm.mean()[0] - 0.5).abs() < 1e-6);
    /// assert!((norm.std()[0] - 0.5).abs() < 1e-6);
    /// # Ok::<(), gaaf_data::Error>(())
    /// ```
    pub fn fit(data: &Dataset) -> Self {
        let images = data.images();
        let (_, c, h, w) = images.dim();
        let plane = h * w;
        let mut hist = vec![[0u64; 256]; c];
        if plane > 0 {
            let flat = images.as_slice().expect("datasets keep standard layout");
            for (k, chunk) in flat.chunks_exact(plane).enumerate() {
                let bins = &mut hist[k % c];
                for &b in chunk {
                    bins[usize::from(b)] += 1;
                }
            }
        }
        let mut mean = Vec::with_capacity(c);
        let mut std = Vec::with_capacity(c);
        for bins in &hist {
            let n: u64 = bins.iter().sum();
            let (mut s1, mut s2) = (0f64, 0f64);
            for (v, &count) in bins.iter().enumerate() {
                let x = v as f64 / 255.0;
                s1 += x * count as f64;
                s2 += x * x * count as f64;
            }
            let nf = n.max(1) as f64;
            let m = s1 / nf;
            let var = (s2 / nf - m * m).max(0.0);
            let sd = var.sqrt();
            mean.push(m as f32);
            std.push(if sd > 1e-12 { sd as f32 } else { 1.0 });
        }
        Self { mean, std }
    }

    /// The per-channel means, in `[0, 1]` pixel units.
    pub fn mean(&self) -> &[f32] {
        &self.mean
    }

    /// The per-channel standard deviations, in `[0, 1]` pixel units.
    pub fn std(&self) -> &[f32] {
        &self.std
    }

    /// `(x / 255 - mean[c]) / std[c]` for every pixel of NCHW `images`.
    ///
    /// # Panics
    /// When `images` has another number of channels than the normaliser.
    pub fn apply(&self, images: ArrayView4<'_, u8>) -> Array4<f32> {
        let tables: Vec<[f32; 256]> = self
            .mean
            .iter()
            .zip(&self.std)
            .map(|(&m, &s)| {
                let mut t = [0f32; 256];
                for (v, slot) in t.iter_mut().enumerate() {
                    *slot = (v as f32 / 255.0 - m) / s;
                }
                t
            })
            .collect();
        map_planes(images, &tables)
    }
}

/// Pixels scaled to `[0, 1]`, without normalisation.
pub(crate) fn to_unit_f32(images: ArrayView4<'_, u8>) -> Array4<f32> {
    let mut t = [0f32; 256];
    for (v, slot) in t.iter_mut().enumerate() {
        *slot = v as f32 / 255.0;
    }
    let c = images.dim().1;
    map_planes(images, &vec![t; c])
}

fn map_planes(images: ArrayView4<'_, u8>, tables: &[[f32; 256]]) -> Array4<f32> {
    let (n, c, h, w) = images.dim();
    assert_eq!(
        c,
        tables.len(),
        "normaliser has {} channels, images have {c}",
        tables.len()
    );
    let standard = images.as_standard_layout();
    let flat = standard.as_slice().expect("standard layout is contiguous");
    let plane = h * w;
    let mut out = Vec::with_capacity(flat.len());
    if plane > 0 {
        for (k, chunk) in flat.chunks_exact(plane).enumerate() {
            let table = &tables[k % c];
            out.extend(chunk.iter().map(|&b| table[usize::from(b)]));
        }
    }
    Array4::from_shape_vec((n, c, h, w), out).expect("one output per input pixel")
}
