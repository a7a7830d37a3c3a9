//! The gradient gain of each GAAF variant, known before training
//! (`gaaf_shapes::GradientGain`), as a report section.

use gaaf_shapes::GradientGain;
use std::fmt::Write;

/// The standard deviation of the nets the gains are computed for: what
/// He (ReLU) and Xavier-like (tanh) initialisations aim at.
pub(crate) const NET_SIGMA: f64 = 1.0;

/// One model's row: its label and its activation's gain.
pub(crate) struct GainRow {
    /// The model, as the report's tables name it.
    pub(crate) label: &'static str,
    /// Its GAAF activation's gain over the plain activation.
    pub(crate) gain: GradientGain<f64>,
}

/// A Markdown section: per GAAF model, `E[phi_new'^2] / E[phi'^2]` for nets
/// `N(0, 1)`, the factor on the backward signal per layer, and over the
/// model's `depth` GAAF layers.
pub(crate) fn render_gradient_gains(rows: &[GainRow], depth: u32, model: &str) -> String {
    let mut s = String::new();
    s.push_str("## Gradient gain before training\n\n");
    let _ = writeln!(
        s,
        "| Model | E[phi_new'^2] / E[phi'^2] | per layer | over {depth} layers |\n|---|--:|--:|--:|"
    );
    for row in rows {
        let _ = writeln!(
            s,
            "| {} | {:.2} | {:.2} | {} |",
            row.label,
            row.gain.power(),
            row.gain.amplitude(),
            compact(row.gain.amplitude_over_depth(depth))
        );
    }
    let _ = writeln!(
        s,
        "\nWhat each GAAF activation does to the backward pass alone, computed from \
         its formulas (`gaaf_shapes::GradientGain`, nets N(0, {NET_SIGMA})), not \
         measured: the mean squared slope over the plain activation's, its square \
         root (the factor on the backward signal's size per layer) and that factor \
         compounded over the {model}'s {depth} GAAF layers. The forward pass is \
         within 0.5/K of the plain activation's, so under plain SGD a gain above 1 \
         works like a larger learning rate for the layers below, and a large \
         compounded gain can make a network without normalisation diverge."
    );
    s
}

/// Two decimals for small factors, none from 100 on.
fn compact(v: f64) -> String {
    if v.abs() >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gaaf_shapes::{LeftOf, Relu, ShiftedSigmoid};

    #[test]
    fn rows_show_the_gain_per_layer_and_compounded() {
        let rows = [
            GainRow {
                label: "+GAAF",
                gain: GradientGain::new(&Relu, &ShiftedSigmoid::paper_relu(), NET_SIGMA).unwrap(),
            },
            GainRow {
                label: "+GAAF, saturation-only shape",
                gain: GradientGain::new(&Relu, &LeftOf::relu_saturation(), NET_SIGMA).unwrap(),
            },
        ];
        let s = render_gradient_gains(&rows, 12, "VGG-like model");
        assert!(s.contains("| +GAAF | 4.20 | 2.05 | 55"), "{s}");
        assert!(
            s.contains("| +GAAF, saturation-only shape | 1.25 | 1.12 |"),
            "{s}"
        );
        assert!(s.contains("VGG-like model's 12 GAAF layers"), "{s}");
    }
}
