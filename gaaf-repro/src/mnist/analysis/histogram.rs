//! Building [`Histogram`]s.

use crate::mnist::Histogram;

impl Histogram {
    /// An empty histogram of `bins` equal bins over `[lo, hi)`.
    ///
    /// # Panics
    ///
    /// If `bins` is 0 or `lo >= hi` (a caller bug: the ranges used here are
    /// constants).
    pub fn new(lo: f64, hi: f64, bins: usize) -> Self {
        assert!(bins > 0 && lo < hi, "a histogram needs bins and a range");
        Self {
            lo,
            hi,
            counts: vec![0; bins],
            below: 0,
            above: 0,
        }
    }

    /// A histogram of `values`.
    pub fn of(values: impl IntoIterator<Item = f64>, lo: f64, hi: f64, bins: usize) -> Self {
        let mut h = Self::new(lo, hi, bins);
        for v in values {
            h.add(v);
        }
        h
    }

    /// Counts `v`; NaN counts as above the range, so totals stay honest.
    pub fn add(&mut self, v: f64) {
        if v < self.lo {
            self.below += 1;
        } else if v >= self.hi || v.is_nan() {
            self.above += 1;
        } else {
            let bins = self.counts.len();
            let i = ((v - self.lo) / (self.hi - self.lo) * bins as f64) as usize;
            self.counts[i.min(bins - 1)] += 1;
        }
    }

    /// Every value counted, in range or not.
    pub fn total(&self) -> u64 {
        self.counts.iter().sum::<u64>() + self.below + self.above
    }

    /// Adds another histogram's counts (same range and bins) to this one.
    ///
    /// # Panics
    ///
    /// If the two differ in range or bins.
    pub fn merge(&mut self, other: &Histogram) {
        assert!(
            self.lo == other.lo && self.hi == other.hi && self.counts.len() == other.counts.len(),
            "histograms of different ranges cannot merge"
        );
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        self.below += other.below;
        self.above += other.above;
    }

    /// Bin centres and densities (count / (total * bin width)), the curve a
    /// density plot draws; values outside the range count in the total.
    pub fn density(&self) -> Vec<(f64, f64)> {
        let width = (self.hi - self.lo) / self.counts.len() as f64;
        let total = self.total().max(1) as f64;
        self.counts
            .iter()
            .enumerate()
            .map(|(i, &c)| {
                (
                    self.lo + (i as f64 + 0.5) * width,
                    c as f64 / (total * width),
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::mnist::Histogram;

    #[test]
    fn counts_edges_and_outliers() {
        let h = Histogram::of([-1.0, -0.5, 0.0, 0.999, 1.0, -2.0, f64::NAN], -1.0, 1.0, 4);
        assert_eq!(h.counts, vec![1, 1, 1, 1]);
        assert_eq!((h.below, h.above), (1, 2));
        assert_eq!(h.total(), 7);
        let area: f64 = h.density().iter().map(|(_, d)| d * 0.5).sum();
        assert!((area - 4.0 / 7.0).abs() < 1e-12);
    }

    #[test]
    fn merge_adds() {
        let mut a = Histogram::of([0.1, 0.2], 0.0, 1.0, 2);
        a.merge(&Histogram::of([0.7, 5.0], 0.0, 1.0, 2));
        assert_eq!(a.counts, vec![2, 1]);
        assert_eq!(a.above, 1);
    }
}
