//! Why the dropout-matched model trains like the base model: the noise
//! levels its shapes were matched to, and how much slope that adds.
//!
//! Each epoch the dropout-matched variant estimates, per hidden layer, the
//! standard deviation `sigma` of the net noise dropout would cause there
//! (Eq. 6; `Epoch::matched_sigmas`) and sets that layer's shape to the extra
//! slope Gaussian noise of that `sigma` gives tanh on average,
//! `E[tanh'(x + sigma eps)] - tanh'(x)` (`DropoutMatchedTanh`). Small sigmas
//! give a small shape: this table shows both.

use std::fmt::Write;

use super::runs_of;
use crate::mnist::{Run, Variant};
use crate::report_common::stats::{Summary, DASH};
use gaaf_core::Differentiable;
use gaaf_shapes::DropoutMatchedTanh;

/// The largest extra slope the matched shape of `sigma` adds, and where
/// (`|x|`), on a grid of step 0.01 over `[0, 8]`; `None` when the shape
/// cannot be built (sigma out of the fit's range).
fn peak(sigma: f64) -> Option<(f64, f64)> {
    let shape = DropoutMatchedTanh::<f64>::new(sigma).ok()?;
    (0..=800)
        .map(|i| {
            let x = f64::from(i) / 100.0;
            (shape.value(x), x)
        })
        .max_by(|a, b| a.0.total_cmp(&b.0))
}

/// The mean over seeds of layer `layer`'s sigma at epoch `epoch(run)`
/// (1-based).
fn mean_sigma(runs: &[&Run], layer: usize, epoch: impl Fn(&Run) -> usize) -> Option<f64> {
    Summary::of(runs.iter().filter_map(|r| {
        let e = r.epochs.get(epoch(r).checked_sub(1)?)?;
        e.matched_sigmas.as_ref()?.get(layer).copied()
    }))
    .map(|s| s.mean)
}

/// The table as Markdown; empty without dropout-matched runs that recorded
/// their sigmas.
pub fn render_matched(runs: &[Run]) -> String {
    let matched = runs_of(runs, Variant::DropoutMatched);
    if matched
        .iter()
        .all(|r| r.epochs.iter().all(|e| e.matched_sigmas.is_none()))
    {
        return String::new();
    }
    let mut s = String::new();
    s.push_str("## The dropout-matched shapes: sigma and the slope it adds\n\n");
    s.push_str(
        "| Layer | Sigma, epoch 1 | Peak extra slope (at \\|x\\|) | Sigma, selected epoch | \
         Peak extra slope (at \\|x\\|) |\n|---|--:|--:|--:|--:|\n",
    );
    let cell = |sigma: Option<f64>| match sigma {
        None => (DASH.to_string(), DASH.to_string()),
        Some(sg) => (
            format!("{sg:.3}"),
            match peak(sg) {
                None => DASH.to_string(),
                Some((v, _)) if v <= 0.0 => "0".to_string(),
                Some((v, x)) => format!("{v:.4} ({x:.2})"),
            },
        ),
    };
    for layer in 0..3 {
        let (s1, p1) = cell(mean_sigma(&matched, layer, |_| 1));
        let (sb, pb) = cell(mean_sigma(&matched, layer, |r| r.best_epoch));
        let _ = writeln!(s, "| {} | {s1} | {p1} | {sb} | {pb} |", layer + 1);
    }
    let _ = write!(
        s,
        "\nMean over {} seeds. Sigma: the standard deviation of the net noise dropout \
         (p = {}) would cause at that layer (Eq. 6), estimated from the weights each \
         epoch; layer 1 sees no dropped inputs, so its sigma is 0. Peak extra slope: the \
         largest value of the matched shape, `E[tanh'(x + sigma eps)] - tanh'(x)`, over \
         x (tanh' itself peaks at 1). Compare GAAF's paper shape, 1 at x = 0.\n",
        matched.len(),
        matched.first().map_or(0.5, |r| r.config.dropout_p),
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_sigmas_add_little_slope_large_ones_more() {
        let (small, _) = peak(0.3).unwrap();
        let (large, at) = peak(1.5).unwrap();
        assert!(small > 0.0 && small < large, "{small} {large}");
        assert!(at > 1.0, "the added slope sits on the shoulders: {at}");
        assert_eq!(peak(0.0).map(|p| p.0), Some(0.0));
    }
}
