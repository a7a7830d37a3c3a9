//! The `Im2Col` and `Col2Im` custom ops and their CPU kernels.
//!
//! `Im2Col` unrolls every receptive field of an `(N, C, H, W)` input into a
//! column of an `(N, C*KH*KW, OH*OW)` tensor, zeros where the field hangs
//! over the padding; convolution is then a matrix product per image with the
//! flattened weight, which candle's GEMM does well, and which lands in
//! `(N, OC, OH*OW)`, already the output's layout. `Col2Im` is its adjoint: it adds
//! every row back onto the pixels it came from. Each is the other's
//! backward, so candle's autograd differentiates through either, any number
//! of times.
//!
//! Rows are ordered `(c, ky, kx)`, the order of a `(OC, C, KH, KW)` weight
//! flattened to `(OC, C*KH*KW)`.

use crate::op::elements;
use candle_core::backend::BackendStorage;
use candle_core::{CpuStorage, CustomOp1, Layout, Result, Shape, Tensor};
use gaaf_core::Float;

/// The sizes of one convolution: input, kernel, padding, stride and output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Geometry {
    pub(crate) n: usize,
    pub(crate) c: usize,
    pub(crate) h: usize,
    pub(crate) w: usize,
    pub(crate) kh: usize,
    pub(crate) kw: usize,
    pub(crate) padding: usize,
    pub(crate) stride: usize,
    pub(crate) oh: usize,
    pub(crate) ow: usize,
}

impl Geometry {
    /// The geometry of an `(n, c, h, w)` input and a `kh x kw` kernel.
    pub(crate) fn new(
        (n, c, h, w): (usize, usize, usize, usize),
        (kh, kw): (usize, usize),
        padding: usize,
        stride: usize,
    ) -> Result<Self> {
        let out = |size: usize, k: usize, name: &str| -> Result<usize> {
            let padded = size + 2 * padding;
            if stride == 0 || k == 0 || padded < k {
                candle_core::bail!(
                    "im2col: {name} {size} with padding {padding} does not fit kernel {k} at stride {stride}"
                )
            }
            Ok((padded - k) / stride + 1)
        };
        let oh = out(h, kh, "height")?;
        let ow = out(w, kw, "width")?;
        let g = Self {
            n,
            c,
            h,
            w,
            kh,
            kw,
            padding,
            stride,
            oh,
            ow,
        };
        // The unrolled matrix must be addressable.
        if g.rows().checked_mul(g.row_len()).is_none() {
            candle_core::bail!("im2col: {n}x{oh}x{ow} rows of {c}x{kh}x{kw} overflow usize")
        }
        Ok(g)
    }

    /// Receptive fields, `N * OH * OW`.
    pub(crate) fn rows(&self) -> usize {
        self.n * self.oh * self.ow
    }

    /// Entries per field, `C * KH * KW`.
    pub(crate) fn row_len(&self) -> usize {
        self.c * self.kh * self.kw
    }

    fn image_len(&self) -> usize {
        self.c * self.h * self.w
    }

    /// The input row kernel row `ky` reads for output row `oy`, or `None`
    /// over the padding.
    #[inline(always)]
    fn source_row(&self, oy: usize, ky: usize) -> Option<usize> {
        let iy = (oy * self.stride + ky).checked_sub(self.padding)?;
        (iy < self.h).then_some(iy)
    }

    /// The output columns `lo..hi` for which kernel column `kx` reads inside
    /// the input (`0 <= ox*stride + kx - padding < w`); `lo >= hi` when none
    /// does.
    #[inline(always)]
    fn valid_ox(&self, kx: usize) -> (usize, usize) {
        let s = self.stride;
        let lo = self.padding.saturating_sub(kx).div_ceil(s);
        let hi = (self.w + self.padding)
            .saturating_sub(kx)
            .div_ceil(s)
            .min(self.ow);
        (lo, hi)
    }
}

/// Unrolls `(N, C, H, W)` into `(N, C*KH*KW, OH*OW)`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Im2Col {
    pub(crate) kh: usize,
    pub(crate) kw: usize,
    pub(crate) padding: usize,
    pub(crate) stride: usize,
}

/// Folds `(N, C*KH*KW, OH*OW)` back onto `(N, C, H, W)`, summing overlaps.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Col2Im {
    pub(crate) geometry: Geometry,
}

impl CustomOp1 for Im2Col {
    fn name(&self) -> &'static str {
        "im2col"
    }

    fn cpu_fwd(&self, s: &CpuStorage, l: &Layout) -> Result<(CpuStorage, Shape)> {
        let g = Geometry::new(
            l.shape().dims4()?,
            (self.kh, self.kw),
            self.padding,
            self.stride,
        )?;
        let out = match s {
            CpuStorage::F32(x) => CpuStorage::F32(im2col(&elements(x, l)?, &g)),
            CpuStorage::F64(x) => CpuStorage::F64(im2col(&elements(x, l)?, &g)),
            other => Err(candle_core::Error::UnsupportedDTypeForOp(other.dtype(), "im2col").bt())?,
        };
        Ok((out, Shape::from((g.n, g.row_len(), g.oh * g.ow))))
    }

    fn bwd(&self, arg: &Tensor, _res: &Tensor, grad_res: &Tensor) -> Result<Option<Tensor>> {
        let geometry = Geometry::new(arg.dims4()?, (self.kh, self.kw), self.padding, self.stride)?;
        Ok(Some(grad_res.apply_op1(Col2Im { geometry })?))
    }
}

impl CustomOp1 for Col2Im {
    fn name(&self) -> &'static str {
        "col2im"
    }

    fn cpu_fwd(&self, s: &CpuStorage, l: &Layout) -> Result<(CpuStorage, Shape)> {
        let g = &self.geometry;
        let want = Shape::from((g.n, g.row_len(), g.oh * g.ow));
        if l.shape() != &want {
            Err(candle_core::Error::ShapeMismatchBinaryOp {
                lhs: l.shape().clone(),
                rhs: want,
                op: "col2im",
            }
            .bt())?
        }
        let out = match s {
            CpuStorage::F32(cols) => CpuStorage::F32(col2im(&elements(cols, l)?, g)),
            CpuStorage::F64(cols) => CpuStorage::F64(col2im(&elements(cols, l)?, g)),
            other => Err(candle_core::Error::UnsupportedDTypeForOp(other.dtype(), "col2im").bt())?,
        };
        Ok((out, Shape::from((g.n, g.c, g.h, g.w))))
    }

    fn bwd(&self, _arg: &Tensor, _res: &Tensor, grad_res: &Tensor) -> Result<Option<Tensor>> {
        let g = &self.geometry;
        Ok(Some(grad_res.apply_op1(Im2Col {
            kh: g.kh,
            kw: g.kw,
            padding: g.padding,
            stride: g.stride,
        })?))
    }
}

/// `cols[b, (c, ky, kx), (oy, ox)] = x[b, c, oy*stride + ky - pad, ox*stride + kx - pad]`.
///
/// Laid out so that the innermost loop runs along an output row and an
/// input row at once: a plain copy at stride 1, which the compiler turns into
/// `memcpy`.
fn im2col<T: Float>(x: &[T], g: &Geometry) -> Vec<T> {
    let l = g.oh * g.ow;
    let mut cols = vec![T::zero(); g.rows() * g.row_len()];
    let images = x.chunks_exact(g.image_len().max(1));
    let mut rows = cols.chunks_exact_mut(l.max(1));
    for image in images.take(g.n) {
        for plane in image.chunks_exact((g.h * g.w).max(1)) {
            for ky in 0..g.kh {
                for kx in 0..g.kw {
                    let Some(row) = rows.next() else { return cols };
                    let (lo, hi) = g.valid_ox(kx);
                    if lo >= hi {
                        continue;
                    }
                    for (oy, out) in row.chunks_exact_mut(g.ow.max(1)).enumerate() {
                        let Some(iy) = g.source_row(oy, ky) else {
                            continue;
                        };
                        let src = &plane[iy * g.w..(iy + 1) * g.w];
                        let first = lo * g.stride + kx - g.padding;
                        if g.stride == 1 {
                            out[lo..hi].copy_from_slice(&src[first..first + (hi - lo)]);
                        } else {
                            let taps = src[first..].iter().step_by(g.stride);
                            for (o, &v) in out[lo..hi].iter_mut().zip(taps) {
                                *o = v;
                            }
                        }
                    }
                }
            }
        }
    }
    cols
}

/// The adjoint of [`im2col`]: `x[b, c, iy, ix] = sum of the cols entries read from it`.
fn col2im<T: Float>(cols: &[T], g: &Geometry) -> Vec<T> {
    let l = g.oh * g.ow;
    let mut x = vec![T::zero(); g.n * g.image_len()];
    let mut rows = cols.chunks_exact(l.max(1));
    for image in x.chunks_exact_mut(g.image_len().max(1)).take(g.n) {
        for plane in image.chunks_exact_mut((g.h * g.w).max(1)) {
            for ky in 0..g.kh {
                for kx in 0..g.kw {
                    let Some(row) = rows.next() else { return x };
                    let (lo, hi) = g.valid_ox(kx);
                    if lo >= hi {
                        continue;
                    }
                    for (oy, inp) in row.chunks_exact(g.ow.max(1)).enumerate() {
                        let Some(iy) = g.source_row(oy, ky) else {
                            continue;
                        };
                        let dst = &mut plane[iy * g.w..(iy + 1) * g.w];
                        let first = lo * g.stride + kx - g.padding;
                        let taps = dst[first..].iter_mut().step_by(g.stride);
                        for (d, &v) in taps.zip(&inp[lo..hi]) {
                            *d = *d + v;
                        }
                    }
                }
            }
        }
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    fn geometry(padding: usize, stride: usize) -> Geometry {
        Geometry::new((2, 3, 5, 4), (3, 2), padding, stride).unwrap()
    }

    /// `<im2col(x), c> == <x, col2im(c)>` for all x, c: the two are adjoint.
    #[test]
    fn col2im_is_the_adjoint_of_im2col() {
        for (padding, stride) in [(0, 1), (1, 1), (1, 2), (2, 3)] {
            let g = geometry(padding, stride);
            let x: Vec<f64> = (0..g.n * g.image_len())
                .map(|i| (i as f64 * 0.37).sin())
                .collect();
            let c: Vec<f64> = (0..g.rows() * g.row_len())
                .map(|i| (i as f64 * 0.11).cos())
                .collect();
            let lhs: f64 = im2col(&x, &g).iter().zip(&c).map(|(a, b)| a * b).sum();
            let rhs: f64 = x.iter().zip(col2im(&c, &g)).map(|(a, b)| a * b).sum();
            assert!(
                (lhs - rhs).abs() < 1e-12,
                "padding {padding} stride {stride}"
            );
        }
    }

    #[test]
    fn output_size_follows_the_convolution_formula() {
        let g = geometry(1, 2);
        assert_eq!((g.oh, g.ow), ((5 + 2 - 3) / 2 + 1, (4 + 2 - 2) / 2 + 1));
        assert!(Geometry::new((1, 1, 2, 2), (3, 3), 0, 1).is_err());
        assert!(Geometry::new((1, 1, 4, 4), (3, 3), 0, 0).is_err());
    }

    #[test]
    fn padding_reads_as_zero() {
        let g = Geometry::new((1, 1, 1, 1), (3, 3), 1, 1).unwrap();
        let cols = im2col(&[7.0_f32], &g);
        // One column per kernel tap, one output pixel: only the centre tap
        // lands on the input.
        assert_eq!(cols, vec![0.0, 0.0, 0.0, 0.0, 7.0, 0.0, 0.0, 0.0, 0.0]);
    }
}
