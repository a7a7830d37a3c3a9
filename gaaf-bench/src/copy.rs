//! A second ceiling beside `copy_from_slice`: a copy whose stores bypass the
//! cache.
//!
//! `copy_from_slice` (the C library's `memcpy`) stores through the cache, so
//! each destination line is read before it is written: on this project's
//! machine a 16M copy moved about 1.4 times the bytes it was credited with,
//! and a loop computing tanh as it copied ran faster than it. Non-temporal
//! stores (`movntps`) write whole lines without reading them first: what a
//! streaming copy can reach here, shown next to the `memcpy` ceiling that the
//! shares are taken against.

/// `dst = src` with non-temporal stores (SSE, in every `x86_64` build); a
/// plain copy elsewhere.
///
/// # Panics
///
/// When the lengths differ, like `copy_from_slice`.
///
/// ```
/// let src: Vec<f32> = (0..1000).map(|i| i as f32).collect();
/// let mut dst = vec![0.0; 1000];
/// gaaf_bench::copy::copy_non_temporal(&src, &mut dst);
/// assert_eq!(dst, src);
/// ```
pub fn copy_non_temporal(src: &[f32], dst: &mut [f32]) {
    assert_eq!(src.len(), dst.len(), "copy_non_temporal: lengths differ");
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_loadu_ps, _mm_sfence, _mm_stream_ps};
        let n = dst.len();
        // Streaming stores need 16-byte aligned addresses: copy up to the first.
        let head = dst.as_ptr().align_offset(16).min(n);
        dst[..head].copy_from_slice(&src[..head]);
        let body = head + (n - head) / 4 * 4;
        for i in (head..body).step_by(4) {
            // SAFETY: `i + 4 <= body <= n` for both slices (equal lengths), and
            // `dst + i` is 16-byte aligned (`head` aligned it and `i - head` is
            // a multiple of four `f32`); SSE is part of every x86_64 target.
            unsafe {
                _mm_stream_ps(dst.as_mut_ptr().add(i), _mm_loadu_ps(src.as_ptr().add(i)));
            }
        }
        // SAFETY: a store fence has no preconditions; it orders the
        // non-temporal stores before whatever reads `dst` next.
        unsafe { _mm_sfence() };
        dst[body..].copy_from_slice(&src[body..]);
    }
    #[cfg(not(target_arch = "x86_64"))]
    dst.copy_from_slice(src);
}

#[cfg(test)]
mod tests {
    use super::copy_non_temporal;

    #[test]
    fn copies_every_length_and_alignment() {
        let src: Vec<f32> = (0..67).map(|i| i as f32 * 0.5 - 3.0).collect();
        for start in 0..4 {
            for len in 0..(src.len() - start) {
                let mut dst = vec![f32::NAN; len + start];
                copy_non_temporal(&src[..len], &mut dst[start..]);
                assert_eq!(&dst[start..], &src[..len], "start {start}, len {len}");
            }
        }
    }
}
