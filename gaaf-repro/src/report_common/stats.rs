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
