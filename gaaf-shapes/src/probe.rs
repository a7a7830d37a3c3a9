//! Inputs at which a GAAF activation's gradient can be checked numerically.

use gaaf_core::GradAccel;

/// `n` points with `lo <= |x| <= hi` (to within a period of `g`), of
/// alternating sign, each a quarter period `1/(4K)` past a jump of `g`.
///
/// **Why**: `g` (Eq. 7) jumps at every `x = m/K`; a central finite difference
/// with a step far below `1/(4K)` taken at these points never straddles a
/// jump, so it agrees with GAAF's exact derivative `phi' + s + g*s'`. Spread
/// over a saturation area of `phi` (`|x|` from 2 to 6 for tanh) they test the
/// slope GAAF adds where `phi` alone has almost none. The backends' gradient
/// tests use them.
///
/// The `i`-th point is `±(floor(x_i K) + 1/4) / K` with `x_i` running from
/// `lo` to `hi` in equal steps (`lo` alone for `n = 1`), `+` for even `i`.
///
/// # Example
///
/// ```
/// use gaaf_shapes::{probe_points, Differentiable, GradAccel};
///
/// let g = GradAccel::<f64>::paper();
/// let xs: Vec<f64> = probe_points(&g, 2.0, 6.0, 5).collect();
/// assert_eq!(xs.len(), 5);
/// assert!(xs[0] > 0.0 && xs[1] < 0.0);
/// for x in xs {
///     // A quarter period from a jump: g is half-way to its bound 0.5/K.
///     assert!((g.value(x).abs() - 0.25 / 1e4).abs() < 1e-9);
/// }
/// ```
pub fn probe_points(
    accel: &GradAccel<f64>,
    lo: f64,
    hi: f64,
    n: usize,
) -> impl Iterator<Item = f64> {
    let k = accel.k();
    let last = n.saturating_sub(1).max(1) as f64;
    (0..n).map(move |i| {
        let t = i as f64 / last;
        let sign = if i % 2 == 0 { 1.0 } else { -1.0 };
        let x = lo + (hi - lo) * t;
        sign * (libm::floor(x * k) + 0.25) / k
    })
}
