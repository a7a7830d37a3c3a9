//! Summary statistics over seeds, and the number formats every experiment's
//! tables share.

/// Mean and sample standard deviation (n - 1) of some values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Summary {
    /// Values summarised.
    pub(crate) n: usize,
    /// Their mean.
    pub(crate) mean: f64,
    /// Their sample standard deviation; `None` for fewer than two values.
    pub(crate) std: Option<f64>,
}

impl Summary {
    /// Summarises `values`; `None` when there are none.
    pub(crate) fn of(values: impl IntoIterator<Item = f64>) -> Option<Self> {
        let values: Vec<f64> = values.into_iter().collect();
        let n = values.len();
        if n == 0 {
            return None;
        }
        let mean = values.iter().sum::<f64>() / n as f64;
        let std = (n > 1).then(|| {
            let ss: f64 = values.iter().map(|v| (v - mean) * (v - mean)).sum();
            (ss / (n - 1) as f64).sqrt()
        });
        Some(Self { n, mean, std })
    }

    /// `mean (std)` with the given decimals, `—` for a missing std.
    pub(crate) fn fmt(&self, mean_decimals: usize, std_decimals: usize) -> String {
        format!(
            "{:.*} ({})",
            mean_decimals,
            self.mean,
            self.std
                .map_or_else(|| DASH.to_string(), |s| format!("{s:.std_decimals$}"))
        )
    }
}

/// `t_{0.975}`, the two-sided 95 % quantile of Student's t with `df`
/// degrees of freedom; `None` for `df = 0`.
///
/// A table (three decimals, as printed in any statistics text) for `df <=
/// 30`, and beyond it the Cornish-Fisher expansion about the normal quantile,
/// within 2e-4 there and closer as `df` grows. Written out rather than taken
/// from `statrs`, whose `nalgebra` dependency would add minutes to every
/// clean build for one function.
pub(crate) fn t975(df: usize) -> Option<f64> {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    match df {
        0 => None,
        1..=30 => Some(TABLE[df - 1]),
        _ => {
            let z: f64 = 1.959_963_985;
            let n = df as f64;
            let z3 = z * z * z;
            let z5 = z3 * z * z;
            Some(z + (z3 + z) / (4.0 * n) + (5.0 * z5 + 16.0 * z3 + 3.0 * z) / (96.0 * n * n))
        }
    }
}

/// The mean of paired differences with its 95 % t interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Paired {
    /// Pairs.
    pub(crate) n: usize,
    /// Mean difference.
    pub(crate) mean: f64,
    /// Lower end of the 95 % interval.
    pub(crate) lo: f64,
    /// Upper end of the 95 % interval.
    pub(crate) hi: f64,
}

impl Paired {
    /// The mean of `diffs` and `mean ± t975(n - 1) s / sqrt(n)`; `None` for
    /// fewer than two.
    pub(crate) fn of(diffs: impl IntoIterator<Item = f64>) -> Option<Self> {
        let s = Summary::of(diffs)?;
        let half = t975(s.n - 1)? * s.std? / (s.n as f64).sqrt();
        Some(Self {
            n: s.n,
            mean: s.mean,
            lo: s.mean - half,
            hi: s.mean + half,
        })
    }

    /// The mean and its interval in points, as the reports print them:
    /// `+0.13 [+0.03, +0.23]`.
    pub(crate) fn interval(&self) -> String {
        format!(
            "{} [{}, {}]",
            signed(self.mean, 2),
            signed(self.lo, 2),
            signed(self.hi, 2)
        )
    }
}

/// The mark for "no value".
pub(crate) const DASH: &str = "—";

/// Scientific notation as the paper writes it: two decimals and a signed,
/// two-digit exponent (`9.35E-05`).
pub(crate) fn sci(x: f64) -> String {
    if !x.is_finite() {
        return format!("{x}");
    }
    let s = format!("{x:.2E}");
    match s.split_once('E') {
        Some((mantissa, exp)) => {
            let e: i32 = exp.parse().unwrap_or(0);
            let sign = if e < 0 { '-' } else { '+' };
            format!("{mantissa}E{sign}{:02}", e.abs())
        }
        None => s,
    }
}

/// A plain number for variances and similar: two decimals, or scientific
/// notation when that would hide a small non-zero value.
pub(crate) fn plain(x: f64) -> String {
    if x == 0.0 || x.abs() >= 0.01 {
        format!("{x:.2}")
    } else {
        sci(x)
    }
}

/// Signed difference with the given decimals (`+0.17`, `-3.0`).
pub(crate) fn signed(x: f64, decimals: usize) -> String {
    format!("{x:+.decimals$}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn t_quantiles_match_the_table_and_the_normal_limit() {
        use super::t975;
        assert_eq!(t975(0), None);
        assert_eq!(t975(4), Some(2.776));
        // Just past the table: 2.040 (df 31), 2.021 (40), 1.984 (100).
        for (df, want) in [(31, 2.0395), (40, 2.0211), (100, 1.9840), (100_000, 1.9600)] {
            let got = t975(df).unwrap();
            assert!((got - want).abs() < 2e-4, "df {df}: {got}");
        }
    }

    #[test]
    fn paired_interval_of_five_differences() {
        // Mean 0.16, sample std 0.0570: half-width 2.776 * 0.0570 / sqrt(5).
        let p = super::Paired::of([0.21, 0.20, 0.16, 0.15, 0.06]).unwrap();
        assert!((p.mean - 0.156).abs() < 1e-12);
        let half = 2.776 * 0.059_413_803 / 5f64.sqrt();
        assert!((p.hi - p.mean - half).abs() < 1e-6, "{p:?}");
        assert!(super::Paired::of([1.0]).is_none());
    }

    use super::*;

    #[test]
    fn sample_std_and_single_value() {
        let s = Summary::of([1.0, 2.0, 3.0, 4.0]).unwrap();
        assert_eq!(s.mean, 2.5);
        assert!((s.std.unwrap() - (5.0f64 / 3.0).sqrt()).abs() < 1e-12);
        let one = Summary::of([98.2]).unwrap();
        assert_eq!(one.std, None);
        assert_eq!(one.fmt(2, 3), "98.20 (—)");
        assert_eq!(Summary::of([]), None);
    }

    #[test]
    fn paper_style_scientific() {
        assert_eq!(sci(9.35e-5), "9.35E-05");
        assert_eq!(sci(1.15e-3), "1.15E-03");
        assert_eq!(sci(9.999e-5), "1.00E-04");
        assert_eq!(sci(12.0), "1.20E+01");
        assert_eq!(sci(0.0), "0.00E+00");
        assert_eq!(plain(1.97), "1.97");
        assert_eq!(plain(0.0), "0.00");
        assert_eq!(plain(0.004), "4.00E-03");
    }
}
