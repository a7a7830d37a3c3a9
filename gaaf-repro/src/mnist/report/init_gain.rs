//! The gradient gain each model starts with: per weight matrix, its Eq. 5
//! gradient information at the initial weights over the base model's, paired
//! by seed (every variant of a seed starts from the same weights and sees the
//! same images).
//!
//! **Why**: GAAF-tanh's paper shape is 1 at `x = 0`, so it nearly doubles
//! tanh's slope where tanh is not saturated, and the gain compounds layer by
//! layer going down: under plain SGD that is a per-layer learning-rate
//! multiplier. Any accuracy or speed gain has to be read against it; the
//! learning-rate controls use these figures.

use std::fmt::Write;

use super::{model_label, runs_of};
use crate::mnist::{Run, Variant};
use crate::report_common::gain::{render_gradient_gains, GainRow, NET_SIGMA};
use crate::report_common::stats::{Paired, DASH};
use gaaf_shapes::{GaussianBump, GradientGain, ShoulderBump, Tanh};

/// GAAF layers of the MNIST model (one after each hidden dense layer).
const GAAF_LAYERS: u32 = 3;

/// Per seed that both have, `variant`'s initial gradient information of
/// weight matrix `w` over the base model's.
pub(crate) fn gains(runs: &[Run], variant: Variant, w: usize) -> Vec<f64> {
    let base = runs_of(runs, Variant::Base);
    runs_of(runs, variant)
        .into_iter()
        .filter_map(|r| {
            let b = base.iter().find(|b| b.config.seed == r.config.seed)?;
            let (g, gb) = (r.init_grad_info.get(w)?, b.init_grad_info.get(w)?);
            (*gb > 0.0 && *g > 0.0).then(|| g / gb)
        })
        .collect()
}

/// The geometric mean of `gains` with its 95 % interval (a t interval on
/// the logarithms), as `mean [lo, hi]`; the one value for a single seed.
fn cell(gains: &[f64]) -> String {
    match gains {
        [] => DASH.to_string(),
        [g] => format!("{g:.2}"),
        _ => Paired::of(gains.iter().map(|g| g.ln())).map_or_else(
            || DASH.to_string(),
            |p| format!("{:.2} [{:.2}, {:.2}]", p.mean.exp(), p.lo.exp(), p.hi.exp()),
        ),
    }
}

/// The gain each GAAF variant among `runs` has by its formulas, with the
/// shape width of its first run.
fn predicted_gains(runs: &[Run]) -> Vec<GainRow> {
    [Variant::Gaaf, Variant::GaafShoulder]
        .into_iter()
        .filter_map(|v| {
            let width = runs_of(runs, v).first()?.config.shape_width;
            let gain = match v {
                Variant::GaafShoulder => {
                    GradientGain::new(&Tanh, &ShoulderBump::new(1.0, width).ok()?, NET_SIGMA)
                }
                _ => GradientGain::new(&Tanh, &GaussianBump::new(1.0, 0.0, width).ok()?, NET_SIGMA),
            };
            Some(GainRow {
                label: model_label(v),
                gain: gain.ok()?,
            })
        })
        .collect()
}

/// The table as Markdown, then the gains the GAAF shapes predict.
pub fn render_init_gain(runs: &[Run]) -> String {
    let mut s = String::new();
    s.push_str("## Gradient gain at initialisation\n\n");
    s.push_str("| Model | Seeds | W1 | W2 | W3 | W4 |\n|---|--:|--:|--:|--:|--:|\n");
    for variant in [Variant::Dropout, Variant::Gaaf, Variant::DropoutMatched] {
        let per_layer: Vec<Vec<f64>> = (0..4).map(|w| gains(runs, variant, w)).collect();
        let seeds = per_layer.iter().map(Vec::len).max().unwrap_or(0);
        if seeds == 0 {
            continue;
        }
        let _ = write!(s, "| {} | {seeds} |", model_label(variant));
        for g in &per_layer {
            let _ = write!(s, " {} |", cell(g));
        }
        s.push('\n');
    }
    s.push_str(
        "\nPer weight matrix (W1 next to the pixels), the model's gradient information \
         (Eq. 5, per sample) at its initial weights over the base model's, on a fixed \
         batch of 1,024 training images, paired by seed: the geometric mean over seeds \
         with its 95 % interval (a t interval on the logarithms). 1 means the same \
         gradient as the base model; 2 means it starts with twice the gradient, which \
         under plain SGD acts as twice the learning rate for that matrix.\n",
    );
    let predicted = predicted_gains(runs);
    if !predicted.is_empty() {
        s.push('\n');
        s.push_str(&render_gradient_gains(
            &predicted,
            GAAF_LAYERS,
            "MNIST model",
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mnist::report::fixtures;

    #[test]
    fn gains_pair_by_seed() {
        let runs = fixtures::runs(3);
        let g = gains(&runs, Variant::Gaaf, 0);
        assert_eq!(g.len(), 3);
        // The fixture's GAAF starts at (1 + 2) / 1 times base in W1, drifting
        // a little with the seed.
        assert!(g.iter().all(|&r| (r - 3.0).abs() < 0.2), "{g:?}");
        // A base run without a partner seed is left out.
        let lone: Vec<Run> = runs
            .into_iter()
            .filter(|r| r.config.variant != Variant::Base || r.config.seed != 1)
            .collect();
        assert_eq!(gains(&lone, Variant::Gaaf, 0).len(), 2);
        insta::assert_snapshot!(render_init_gain(&fixtures::runs(3)));
    }
}
