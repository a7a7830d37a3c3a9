//! The convolutional experiment's `report.md`: how the runs were made, a
//! reading of the numbers generated from them, Table 5, and one line per run.

use std::fmt::Write;

use super::table5::label;
use super::{paper, render_table5, ReportMeta};
use crate::conv::{Architecture, Dataset, Diverged, Net, Run, Variant};
use crate::report_common::gain::{render_gradient_gains, GainRow, NET_SIGMA};
use crate::report_common::stats::{signed, Paired, Summary};
use crate::sweep::RunConfig;
use gaaf_shapes::{GradientGain, LeftOf, Relu, ShiftedSigmoid};

fn mean_acc(runs: &[Run], d: Dataset, v: Variant, train: bool) -> Option<f64> {
    Summary::of(
        runs.iter()
            .filter(|r| r.config.dataset == d && r.config.variant == v)
            .map(|r| 100.0 * if train { r.train_acc } else { r.test_acc }),
    )
    .map(|s| s.mean)
}

/// Test accuracy of `v` minus that of `base` (points), paired by seed over
/// the seeds both have.
fn paired(runs: &[Run], d: Dataset, v: Variant, base: Variant) -> Option<Paired> {
    let of = |variant: Variant, seed: u64| {
        runs.iter()
            .find(|r| r.config.dataset == d && r.config.variant == variant && r.config.seed == seed)
            .map(|r| 100.0 * r.test_acc)
    };
    Paired::of(
        runs.iter()
            .filter(|r| r.config.dataset == d && r.config.variant == v)
            .filter_map(|r| Some(of(v, r.config.seed)? - of(base, r.config.seed)?)),
    )
}

/// The gradient gain of the GAAF variants among `runs`, over the depth of
/// `model`.
fn gain_section(runs: &[Run], diverged: &[Diverged], model: Architecture) -> String {
    let rows: Vec<GainRow> = Variant::EVERY
        .into_iter()
        .filter(|v| {
            v.gaaf()
                && (runs.iter().any(|r| r.config.variant == *v)
                    || diverged.iter().any(|r| r.config.variant == *v))
        })
        .filter_map(|v| {
            let gain = if v.saturation_only() {
                GradientGain::new(&Relu, &LeftOf::relu_saturation(), NET_SIGMA)
            } else {
                GradientGain::new(&Relu, &ShiftedSigmoid::paper_relu(), NET_SIGMA)
            };
            Some(GainRow {
                label: label(v),
                gain: gain.ok()?,
            })
        })
        .collect();
    let depth = u32::try_from(Net::activation_layers(model)).unwrap_or(u32::MAX);
    let model = match model {
        Architecture::SvhnNet => "SVHN model",
        Architecture::VggLike => "VGG-like model",
    };
    render_gradient_gains(&rows, depth, model)
}

/// `report.md` of the convolutional runs, finished and diverged.
pub fn render_report(runs: &[Run], diverged: &[Diverged], meta: &ReportMeta) -> String {
    let mut s = String::new();
    s.push_str("# Table 5 reproduced: GAAF in convolutional networks\n\n");
    if meta.quick {
        s.push_str(
            "**Reduced run** (`--quick`, or a subset of the data): narrower layers, \
             fewer images or fewer epochs than the paper's, as the configuration below \
             says. The numbers are not comparable to the paper's.\n\n",
        );
    }
    meta.write_invocation(&mut s, 2);
    let total: f64 = runs.iter().map(|r| r.seconds).sum();
    let _ = writeln!(
        s,
        "- Runs: {}; training time summed over runs: {total:.1} s",
        runs.len()
    );
    if let Some(first) = runs.first() {
        let c = &first.config;
        let _ = writeln!(
            s,
            "- Configuration (of {}; every run's is in its JSON): SGD lr {}, momentum {}, \
             weight decay {}, batch {}, at most {} epochs, patience {}, {} validation \
             images, train subset {}, test subset {}, width divisor {}, augmentation {}, K {}",
            c.run_id(),
            c.lr,
            c.momentum,
            c.weight_decay,
            c.batch_size,
            c.stopping.max_epochs,
            c.stopping.patience,
            c.sizes.val_size,
            c.sizes
                .train_subset
                .map_or("none".to_string(), |n| n.to_string()),
            c.sizes
                .test_subset
                .map_or("none".to_string(), |n| n.to_string()),
            c.width_divisor,
            if c.augment { "on" } else { "off" },
            c.gaaf_k
        );
    }

    s.push_str("\n## Reading\n\n");
    for r in diverged {
        let _ = writeln!(
            s,
            "- {} diverged: its loss became {} in epoch {} (SGD lr {}); it has no \
             accuracy and is left out of every mean below.",
            r.run_id, r.loss, r.epoch, r.config.lr
        );
    }
    for d in Dataset::ALL {
        for v in Variant::EVERY.into_iter().filter(|v| v.gaaf()) {
            let base = v.without_gaaf();
            let (Some(with), Some(without)) =
                (mean_acc(runs, d, v, false), mean_acc(runs, d, base, false))
            else {
                continue;
            };
            let ours = with - without;
            let paper_gain = paper::table5(d, v)
                .zip(paper::table5(d, base))
                .map(|(t, b)| t - b);
            let verdict = match paper_gain {
                Some(theirs) if (ours > 0.0) == (theirs > 0.0) => {
                    format!("the same sign as the paper's {} points", signed(theirs, 2))
                }
                Some(theirs) => format!(
                    "the opposite sign to the paper's {} points",
                    signed(theirs, 2)
                ),
                None if v.saturation_only() => "a shape the paper does not have".to_string(),
                None => format!("the paper has no {} column", d.title()),
            };
            let _ = writeln!(
                s,
                "- {}, {} model: GAAF{} changes test accuracy by {} points ({:.2} -> {:.2} %), \
                 {verdict}.",
                d.title(),
                if base.batch_norm() { "+BN" } else { "base" },
                if v.saturation_only() {
                    " (saturation-only shape)"
                } else {
                    ""
                },
                signed(ours, 2),
                without,
                with,
            );
            if let Some(p) = paired(runs, d, v, base) {
                let _ = writeln!(
                    s,
                    "  Paired by seed: {} points (95 % t interval, n = {}).",
                    p.interval(),
                    p.n
                );
            }
            if let (Some(tw), Some(two)) =
                (mean_acc(runs, d, v, true), mean_acc(runs, d, base, true))
            {
                let _ = writeln!(
                    s,
                    "  Training accuracy of the selected checkpoints: {two:.2} % without, \
                     {tw:.2} % with GAAF."
                );
            }
        }
    }
    s.push('\n');
    s.push_str(&render_table5(runs, diverged));
    let configs = runs.iter().map(|r| &r.config);
    if let Some(first) = configs.chain(diverged.iter().map(|r| &r.config)).next() {
        s.push('\n');
        s.push_str(&gain_section(runs, diverged, first.architecture()));
    }

    s.push_str("\n## Runs\n\n");
    s.push_str(
        "| Run | Device | Epochs | Best epoch | Val (%) | Test (%) | Train (%) | s/epoch |\n",
    );
    s.push_str("|---|---|--:|--:|--:|--:|--:|--:|\n");
    for r in runs {
        let per_epoch =
            r.epochs.iter().map(|e| e.seconds).sum::<f64>() / r.epochs.len().max(1) as f64;
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {:.2} | {:.2} | {:.2} | {per_epoch:.1} |",
            r.config.run_id(),
            r.device,
            r.epochs.len(),
            r.best_epoch,
            100.0 * r.best_val_acc,
            100.0 * r.test_acc,
            100.0 * r.train_acc,
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conv::report::fixtures;

    #[test]
    fn report_reads_the_gains() {
        let runs: Vec<Run> = Variant::ALL
            .into_iter()
            .map(|v| fixtures::run(Dataset::Cifar10, v, 0))
            .collect();
        let meta = ReportMeta {
            invocations: Vec::new(),
            command: "gaaf-repro cifar10".to_string(),
            machine: "fixture".to_string(),
            commit: "fixture".to_string(),
            wall_seconds: Some(120.0),
            quick: false,
        };
        let diverged = [fixtures::diverged(Dataset::Cifar10, Variant::Gaaf, 1)];
        insta::assert_snapshot!(render_report(&runs, &diverged, &meta));
    }
}
