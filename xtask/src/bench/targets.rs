//! The performance targets the workspace holds itself to, measured against
//! the rows of a run.

use super::ids;
use super::results::Row;

/// The kernel size the bandwidth target is stated for: 16M `f32`.
pub(super) const TARGET_SIZE: &str = "16777216";
/// GAAF-tanh forward + backward must reach this share of the copy bandwidth.
const TARGET_COPY_SHARE: f64 = 0.60;
/// The GAAF-tanh training step may take at most this times the step with
/// the same `tanh` (gaaf-dfdx's `FastTanh`).
const TARGET_STEP_RATIO: f64 = 1.05;
/// A gaaf-repro MNIST epoch may take at most this times the same epoch in
/// PyTorch (same loop, one thread), for every variant.
const TARGET_EPOCH_VS_TORCH: f64 = 1.0;
/// The GAAF MNIST epoch may take at most this times the base epoch, now that
/// both run the same `tanh`.
const TARGET_GAAF_EPOCH_RATIO: f64 = 1.05;
/// A GAAF convolutional training step may take at most this times the same
/// model's step without GAAF.
const TARGET_CONV_STEP_RATIO: f64 = 1.05;

/// A target, measured.
pub(super) struct Target {
    pub(super) name: String,
    pub(super) value: f64,
    pub(super) limit: f64,
    pub(super) met: bool,
    /// For the kernel targets: the same rate against the non-temporal copy
    /// (`kernel/copy/copy-non-temporal`), the stricter ceiling.
    pub(super) non_temporal_share: Option<f64>,
}

/// Every target that `rows` measure.
pub(super) fn measure(rows: &[Row]) -> Vec<Target> {
    let find = |id: &str| rows.iter().find(|r| r.id == id);
    let mut out = Vec::new();
    // The recomputing backward (from the saved input) and the training path
    // that saves the slope in the forward; the pinned AVX2 build for
    // comparison.
    let non_temporal = find(&ids::non_temporal_copy(TARGET_SIZE)).and_then(Row::bytes_per_s);
    for (kernel, pass) in [
        ("gaaf-tanh", "forward+backward"),
        ("gaaf-tanh", "forward+backward-saved"),
        ("gaaf-tanh-avx2", "forward+backward"),
    ] {
        let id = format!("kernel/{kernel}/{pass}/{TARGET_SIZE}");
        if let Some(row) = find(&id) {
            if let Some(share) = row.copy_share {
                out.push(Target {
                    name: format!("{kernel} {pass}, 16M, share of copy bandwidth"),
                    value: share,
                    limit: TARGET_COPY_SHARE,
                    met: share >= TARGET_COPY_SHARE,
                    non_temporal_share: row.bytes_per_s().zip(non_temporal).map(|(r, c)| r / c),
                });
            }
        }
    }
    if let Some((_, ratio)) = find("mlp_step_b128/adam/gaaf_tanh").and_then(|r| r.baseline.clone())
    {
        out.push(Target {
            name: "GAAF-tanh training step / FastTanh step (dfdx)".into(),
            value: ratio,
            limit: TARGET_STEP_RATIO,
            met: ratio <= TARGET_STEP_RATIO,
            non_temporal_share: None,
        });
    }
    for variant in ["base", "dropout", "gaaf"] {
        let id = format!("{}/train_epoch/{variant}", ids::EPOCH_GROUP);
        if let Some(ratio) = find(&id).and_then(|r| Some(r.median_ns / r.torch_ns?)) {
            out.push(Target {
                name: format!("MNIST {variant} epoch, gaaf-repro / PyTorch"),
                value: ratio,
                limit: TARGET_EPOCH_VS_TORCH,
                met: ratio <= TARGET_EPOCH_VS_TORCH,
                non_temporal_share: None,
            });
        }
    }
    let gaaf_epoch = format!("{}/train_epoch/gaaf", ids::EPOCH_GROUP);
    if let Some((_, ratio)) = find(&gaaf_epoch).and_then(|r| r.baseline.clone()) {
        out.push(Target {
            name: "MNIST GAAF epoch / base epoch (gaaf-repro)".into(),
            value: ratio,
            limit: TARGET_GAAF_EPOCH_RATIO,
            met: ratio <= TARGET_GAAF_EPOCH_RATIO,
            non_temporal_share: None,
        });
    }
    for model in ["svhn", "vgg_like"] {
        for (variant, without) in [("gaaf", "base"), ("bn-gaaf", "bn")] {
            let id = format!("conv_step_{model}/train_step/{variant}");
            if let Some((_, ratio)) = find(&id).and_then(|r| r.baseline.clone()) {
                out.push(Target {
                    name: format!("{model} {variant} training step / {without} step (candle)"),
                    value: ratio,
                    limit: TARGET_CONV_STEP_RATIO,
                    met: ratio <= TARGET_CONV_STEP_RATIO,
                    non_temporal_share: None,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::results::{derive, row};
    use super::*;

    #[test]
    fn kernel_targets_also_say_the_non_temporal_share() {
        let n = TARGET_SIZE;
        let mut rows = vec![
            row("kernel/copy", "copy", n, 30.0),
            row("kernel/copy", "copy-non-temporal", n, 20.0),
            row("kernel/gaaf-tanh", "copy", n, 30.0),
            row("kernel/gaaf-tanh", "forward+backward-saved", n, 40.0),
        ];
        derive(&mut rows);
        let t = measure(&rows);
        assert_eq!(t.len(), 1, "only the measured pass is a target");
        assert_eq!(t[0].value, 0.75);
        assert!(t[0].met);
        assert_eq!(t[0].non_temporal_share, Some(0.5));
    }

    #[test]
    fn epoch_targets_compare_with_pytorch_and_base() {
        let g = ids::EPOCH_GROUP;
        let mut rows = vec![
            row(g, "train_epoch", "base", 4.0e9),
            row(g, "train_epoch", "gaaf", 4.4e9),
        ];
        rows[0].torch_ns = Some(5.0e9);
        rows[1].torch_ns = Some(4.0e9);
        derive(&mut rows);
        let t = measure(&rows);
        let by = |name: &str| t.iter().find(|t| t.name == name).expect(name);
        assert!(by("MNIST base epoch, gaaf-repro / PyTorch").met);
        assert!(!by("MNIST gaaf epoch, gaaf-repro / PyTorch").met);
        let ratio = by("MNIST GAAF epoch / base epoch (gaaf-repro)");
        assert!((ratio.value - 1.1).abs() < 1e-12 && !ratio.met);
    }
}
