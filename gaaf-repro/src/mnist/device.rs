//! The dfdx devices an MNIST run trains on: [`MnistDevice`], the few
//! operations that differ between them, so that the model and the epoch loop
//! are one piece of code; and [`DfdxDevice`], the `--device` flag opened.
//!
//! # Random streams on every device
//!
//! Every random number comes from a dfdx `Cpu` seeded from
//! `(seed, purpose, epoch)` (see the training module's docs), on every
//! device, so that a run draws the same numbers wherever it trains:
//!
//! - **Initialisation**: the layers are built on `Cpu::seed_from_u64` of the
//!   initialisation stream and, on CUDA, copied to the device.
//! - **Dropout masks**: an epoch's masks come from a `Cpu` seeded for that
//!   epoch: each mask is a ChaCha8 stream seeded by one draw from it
//!   ([`dropout_mask`], since 2026-12-03; before, dfdx's dropout op), built on
//!   the host and multiplied in on the run's device, so a CPU run and a CUDA
//!   run of a seed drop the same units. A dfdx `Cuda` cannot be
//!   re-seeded, and a second `Cuda` handle per epoch would mix tensors of two
//!   handles (each with its own kernels, cuBLAS handle, side stream and buffer
//!   cache) in one computation, which dfdx does not check or promise to
//!   support: every tensor of a run therefore lives on one `Cuda` handle,
//!   the run's own (dfdx's `Cuda` is neither `Send` nor `Sync`, so runs side
//!   by side cannot share one; each run opens its own in its thread).

use super::model::{Arch, CpuOnlyAct, Layers, Rows};
use super::Variant;
use crate::error::{Error, Result};
use crate::sweep::DeviceChoice;
use dfdx::prelude::*;
use gaaf_dfdx::GaafDevice;
use gaaf_shapes::{GaafTwins, GaussianBump, Twin};

#[cfg(feature = "cuda")]
mod cuda;
#[cfg(feature = "cuda")]
pub(crate) use cuda::open as open_cuda;

mod sealed {
    /// Only this crate's devices are [`super::MnistDevice`]s.
    pub trait Sealed {}
}

/// A dfdx device the MNIST model trains on: `Cpu`, and `Cuda` with the `cuda`
/// feature. Sealed.
///
/// Plain tanh and GAAF-tanh are gaaf-dfdx's `FastTanh` and `GaafTanh` on every
/// device (its [`GaafDevice`] impls), so they are supertraits, not methods.
pub trait MnistDevice:
    sealed::Sealed
    + Device<f32>
    + TensorToArray<Rank0, f32, Array = f32>
    + GaafDevice<f32, gaaf_shapes::Tanh>
    + GaafDevice<f32, <GaafTwins<gaaf_shapes::Tanh, GaussianBump<f64>> as Twin<f32>>::Fn>
{
    /// The CPU-only GAAF activations ([`CpuOnlyAct`]: the dropout-matched
    /// and the shoulder shapes) on this device; uninhabited on a device that
    /// has none (CUDA).
    type CpuOnly: Clone + std::fmt::Debug;

    /// A freshly initialised model's layers, drawn from
    /// `Cpu::seed_from_u64(seed)`, and the device the run computes on (the CPU
    /// one so seeded; on CUDA `self`).
    fn init(&self, seed: u64) -> (Self, Layers<Self>);

    /// A CPU-only activation on this device.
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] where it has none.
    fn cpu_only_act(m: CpuOnlyAct) -> Result<Self::CpuOnly>;

    /// A CPU-only activation applied to `z`.
    fn cpu_only<const N: usize, T: Tape<f32, Self>>(
        m: &Self::CpuOnly,
        z: Rows<N, Self, T>,
    ) -> Rows<N, Self, T>;

    /// The mean of `|dE/dw|` over `w`'s gradient in `grads` (allocated as
    /// zeros if missing).
    ///
    /// # Errors
    ///
    /// The device's (an allocation failure).
    fn grad_mean_abs<const O: usize, const I: usize>(
        grads: &mut Gradients<f32, Self>,
        w: &Tensor<Rank2<O, I>, f32, Self>,
    ) -> Result<f64>;

    /// The crate's error for a failure of this device (an allocation).
    fn device_error(e: Self::Err) -> Error;
}

impl sealed::Sealed for Cpu {}

impl MnistDevice for Cpu {
    type CpuOnly = CpuOnlyAct;

    fn init(&self, seed: u64) -> (Self, Layers<Self>) {
        let dev = Cpu::seed_from_u64(seed);
        let layers = dev.build_module::<Arch, f32>();
        (dev, layers)
    }

    fn cpu_only_act(m: CpuOnlyAct) -> Result<CpuOnlyAct> {
        Ok(m)
    }

    fn cpu_only<const N: usize, T: Tape<f32, Self>>(
        m: &CpuOnlyAct,
        z: Rows<N, Self, T>,
    ) -> Rows<N, Self, T> {
        match m {
            CpuOnlyAct::Matched(a) => a.forward(z),
            CpuOnlyAct::Shoulder(a) => a.forward(z),
        }
    }

    fn grad_mean_abs<const O: usize, const I: usize>(
        grads: &mut Gradients<f32, Self>,
        w: &Tensor<Rank2<O, I>, f32, Self>,
    ) -> Result<f64> {
        // Read in place: `Gradients::get` would copy the buffer twice (into a
        // tensor, then `as_vec`), 2 MB a step.
        Ok(mean_abs(grads.get_or_alloc_mut(w)?))
    }

    fn device_error(e: CpuError) -> Error {
        e.into()
    }
}

/// Inverted dropout's mask for `len` units at rate `p`: `1 / (1 - p)` where
/// a unit is kept, 0 where it is dropped (its 32-bit draw below `p 2^32`, so
/// with probability `p` to within `2^-32`), from a ChaCha8 stream seeded by one
/// draw from `masks`. The same mask on every device.
///
/// Why not dfdx's dropout op: it draws every unit from a ChaCha12 `StdRng`
/// through `rand_distr::Bernoulli`, twice (the backward rebuilds the mask from
/// the seed), with a division per unit, which made a dropout epoch 1.0 s
/// (26 %) slower than a base epoch on this project's 2-core AMD EPYC (AVX2 +
/// FMA); this costs one 32-bit draw per unit, and the multiply forward and
/// backward.
pub(crate) fn dropout_mask(masks: &Cpu, p: f64, len: usize) -> Vec<f32> {
    use rand_chacha::rand_core::{RngCore, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(masks.random_u64());
    // `p < 1`, so the product is below 2^32 and the cast exact enough.
    let threshold = (p * 4_294_967_296.0) as u64;
    let keep = (1.0 / (1.0 - p)) as f32;
    (0..len)
        .map(|_| {
            if u64::from(rng.next_u32()) < threshold {
                0.0
            } else {
                keep
            }
        })
        .collect()
}

/// The mean of `|g|`, summed in `f64`. Eight running sums, one per lane,
/// so that the loop vectorises (one sum would fix the order of the additions,
/// which the compiler must keep).
fn mean_abs(g: &[f32]) -> f64 {
    const LANES: usize = 8;
    let mut sums = [0.0f64; LANES];
    let chunks = g.chunks_exact(LANES);
    let tail: f64 = chunks.remainder().iter().map(|v| f64::from(v.abs())).sum();
    for chunk in chunks {
        for (sum, v) in sums.iter_mut().zip(chunk) {
            *sum += f64::from(v.abs());
        }
    }
    (sums.iter().sum::<f64>() + tail) / g.len().max(1) as f64
}

/// The `--device` flag, checked, for a sweep of MNIST runs: each run opens
/// its own dfdx device on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DfdxDevice {
    /// The CPU (each run seeds its own `Cpu`).
    Cpu,
    /// A CUDA device that opened (each run opens its own handle on it).
    #[cfg(feature = "cuda")]
    Cuda {
        /// The device number.
        ordinal: usize,
    },
}

impl DfdxDevice {
    /// Checks that `choice` opens (on CUDA: opens a handle and drops it).
    ///
    /// # Errors
    ///
    /// [`Error::NoCuda`] for CUDA in a build without the `cuda` feature,
    /// [`Error::DfdxCuda`] when the CUDA device cannot be opened.
    pub fn open(choice: DeviceChoice) -> Result<Self> {
        match choice {
            DeviceChoice::Cpu => Ok(Self::Cpu),
            #[cfg(feature = "cuda")]
            DeviceChoice::Cuda(ordinal) => {
                cuda::open(ordinal)?;
                Ok(Self::Cuda { ordinal })
            }
            #[cfg(not(feature = "cuda"))]
            DeviceChoice::Cuda(_) => Err(Error::NoCuda),
        }
    }

    /// The device as `--device` names it.
    pub fn choice(&self) -> DeviceChoice {
        match self {
            Self::Cpu => DeviceChoice::Cpu,
            #[cfg(feature = "cuda")]
            Self::Cuda { ordinal } => DeviceChoice::Cuda(*ordinal),
        }
    }

    /// What a run on this device appends to its machine line (`None` on the
    /// CPU, whose machine line already says it all).
    pub fn machine_note(&self) -> Option<String> {
        match self {
            Self::Cpu => None,
            #[cfg(feature = "cuda")]
            Self::Cuda { ordinal } => Some(format!("dfdx Cuda device {ordinal}")),
        }
    }

    /// Whether `variant` can train here.
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] for the dropout-matched and shoulder variants
    /// on CUDA (their shapes have no CUDA path).
    pub fn supports(&self, variant: Variant) -> Result<()> {
        match (self.choice(), variant) {
            (DeviceChoice::Cuda(_), Variant::DropoutMatched | Variant::GaafShoulder) => {
                Err(Error::Unsupported {
                    variant: variant.name(),
                    device: self.choice().to_string(),
                })
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_abs_is_the_mean_of_absolute_values() {
        let g: Vec<f32> = (0..19).map(|i| i as f32 - 9.0).collect();
        let want = g.iter().map(|v| f64::from(v.abs())).sum::<f64>() / 19.0;
        assert!((mean_abs(&g) - want).abs() < 1e-12);
        assert_eq!(mean_abs(&[]), 0.0);
    }

    #[test]
    fn dropout_masks_drop_at_the_rate_and_scale_the_rest() {
        let n = 200_000;
        for p in [0.0, 0.2, 0.5] {
            let a = dropout_mask(&Cpu::seed_from_u64(3), p, n);
            assert_eq!(a, dropout_mask(&Cpu::seed_from_u64(3), p, n));
            let keep = (1.0 / (1.0 - p)) as f32;
            assert!(a.iter().all(|&v| v == 0.0 || v == keep));
            let dropped = a.iter().filter(|&&v| v == 0.0).count() as f64 / n as f64;
            // Binomial standard error at n = 200,000 is at most 0.0012.
            assert!((dropped - p).abs() < 0.005, "p {p}: dropped {dropped}");
        }
        // Successive masks from one source differ; another seed, another mask.
        let masks = Cpu::seed_from_u64(3);
        let first = dropout_mask(&masks, 0.5, 64);
        assert_ne!(first, dropout_mask(&masks, 0.5, 64));
        assert_ne!(first, dropout_mask(&Cpu::seed_from_u64(4), 0.5, 64));
    }

    #[test]
    fn the_cpu_runs_every_variant() {
        for v in Variant::ALL.into_iter().chain(Variant::CONTROLS) {
            assert!(DfdxDevice::Cpu.supports(v).is_ok());
        }
        assert_eq!(DfdxDevice::Cpu.machine_note(), None);
    }
}
