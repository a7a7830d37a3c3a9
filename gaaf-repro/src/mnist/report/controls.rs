//! The learning-rate controls (`--controls`): is GAAF's edge over base more
//! than a larger learning rate?
//!
//! GAAF-tanh's paper shape is largest at `x = 0`, where tanh is not
//! saturated, so at initialisation it multiplies each layer's gradient
//! (about 7, 3.8, 2.1, 1.1 for W1..W4 on the 2026-11-27 runs): under plain
//! SGD that is a per-layer learning-rate multiplier. The controls: base and
//! GAAF over a learning-rate grid, each at its own best rate (chosen on
//! validation); the base model with per-layer rates scaled by GAAF's gain;
//! GAAF with a shape that is zero at the centre (the shoulder shape); and
//! both models under Adam, which divides out a gradient scale. Every
//! comparison pairs runs by seed (same initial weights and data order) and
//! gives the mean difference with a 95 % t interval.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::model_label;
use crate::mnist::{Optimiser, Run, Variant};
use crate::report_common::stats::{Paired, Summary, DASH};

/// One trained model setting: variant, optimiser, learning rate.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Setting {
    variant: Variant,
    optimiser: Optimiser,
    lr: f64,
}

impl Setting {
    fn of(run: &Run) -> Self {
        Self {
            variant: run.config.variant,
            optimiser: run.config.optimiser,
            lr: run.config.lr,
        }
    }

    fn label(&self) -> String {
        format!(
            "{}, {} {}",
            model_label(self.variant),
            self.optimiser.name(),
            self.lr
        )
    }
}

/// The runs of `setting`, by seed.
fn by_seed(runs: &[Run], setting: Setting) -> BTreeMap<u64, &Run> {
    runs.iter()
        .filter(|r| Setting::of(r) == setting)
        .map(|r| (r.config.seed, r))
        .collect()
}

/// `a - b` in test accuracy points over the seeds both have.
fn paired(runs: &[Run], a: Setting, b: Setting) -> Option<Paired> {
    let (ra, rb) = (by_seed(runs, a), by_seed(runs, b));
    Paired::of(
        ra.iter()
            .filter_map(|(seed, x)| rb.get(seed).map(|y| 100.0 * (x.test_acc - y.test_acc))),
    )
}

/// The learning rates `variant` was trained at under SGD, ascending.
fn sgd_rates(runs: &[Run], variant: Variant) -> Vec<f64> {
    let mut lrs: Vec<f64> = runs
        .iter()
        .filter(|r| r.config.variant == variant && r.config.optimiser == Optimiser::Sgd)
        .map(|r| r.config.lr)
        .collect();
    lrs.sort_by(f64::total_cmp);
    lrs.dedup();
    lrs
}

/// The SGD rate with the best mean validation accuracy for `variant`.
fn best_rate(runs: &[Run], variant: Variant) -> Option<f64> {
    sgd_rates(runs, variant)
        .into_iter()
        .filter_map(|lr| {
            let s = Setting {
                variant,
                optimiser: Optimiser::Sgd,
                lr,
            };
            Summary::of(by_seed(runs, s).values().map(|r| r.best_val_acc)).map(|m| (lr, m.mean))
        })
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(lr, _)| lr)
}

/// How `a - b` reads: higher, lower, or not shown either way.
fn verdict(p: &Paired) -> &'static str {
    if p.lo > 0.0 {
        "higher: the interval lies above 0"
    } else if p.hi < 0.0 {
        "lower: the interval lies below 0"
    } else {
        "not distinguishable from it: the interval contains 0"
    }
}

fn interval(p: Option<Paired>) -> String {
    p.map_or_else(
        || DASH.to_string(),
        |p| format!("{} (n = {})", p.interval(), p.n),
    )
}

/// The controls as Markdown; `main_lr` is the sweep's SGD rate (Table 4's).
pub fn render_controls(runs: &[Run], main_lr: f64) -> String {
    let mut s = String::new();
    s.push_str("## Controls: GAAF against a learning-rate gain\n\n");
    s.push_str("### Learning-rate grid (SGD)\n\n");
    s.push_str(
        "| Model | Rate | Seeds | Validation % (mean, std) | Test % (mean, std) | Epochs (mean) |\n\
         |---|--:|--:|--:|--:|--:|\n",
    );
    for variant in [Variant::Base, Variant::Gaaf] {
        for lr in sgd_rates(runs, variant) {
            let rs = by_seed(
                runs,
                Setting {
                    variant,
                    optimiser: Optimiser::Sgd,
                    lr,
                },
            );
            let val = Summary::of(rs.values().map(|r| 100.0 * r.best_val_acc));
            let test = Summary::of(rs.values().map(|r| 100.0 * r.test_acc));
            let epochs = Summary::of(rs.values().map(|r| r.epochs.len() as f64));
            let fmt = |x: Option<Summary>| x.map_or_else(|| DASH.to_string(), |x| x.fmt(2, 3));
            let _ = writeln!(
                s,
                "| {} | {lr} | {} | {} | {} | {} |",
                model_label(variant),
                rs.len(),
                fmt(val),
                fmt(test),
                epochs.map_or_else(|| DASH.to_string(), |e| format!("{:.0}", e.mean)),
            );
        }
    }
    let sgd = |variant, lr| Setting {
        variant,
        optimiser: Optimiser::Sgd,
        lr,
    };
    let adam = |variant| Setting {
        variant,
        optimiser: Optimiser::Adam,
        lr: Optimiser::Adam.default_lr(),
    };
    s.push_str("\n### Paired differences in test accuracy (points, 95 % t interval)\n\n");
    s.push_str("| Comparison | Difference |\n|---|--:|\n");
    let mut reading = Vec::new();
    let mut row = |name: String, p: Option<Paired>| {
        let _ = writeln!(s, "| {name} | {} |", interval(p));
        if let Some(p) = p {
            reading.push(format!(
                "- {name}: {:+.2} points [{:+.2}, {:+.2}], n = {}: {}.",
                p.mean,
                p.lo,
                p.hi,
                p.n,
                verdict(&p)
            ));
        }
    };
    let (base, gaaf) = (sgd(Variant::Base, main_lr), sgd(Variant::Gaaf, main_lr));
    row(
        format!("{} minus {}", gaaf.label(), base.label()),
        paired(runs, gaaf, base),
    );
    if let (Some(bb), Some(bg)) = (
        best_rate(runs, Variant::Base),
        best_rate(runs, Variant::Gaaf),
    ) {
        let (b, g) = (sgd(Variant::Base, bb), sgd(Variant::Gaaf, bg));
        row(
            format!(
                "each at its best rate on validation: {} minus {}",
                g.label(),
                b.label()
            ),
            paired(runs, g, b),
        );
    }
    let scaled = sgd(Variant::BaseLrScaled, main_lr);
    row(
        format!("{} minus {}", gaaf.label(), scaled.label()),
        paired(runs, gaaf, scaled),
    );
    row(
        format!("{} minus {}", scaled.label(), base.label()),
        paired(runs, scaled, base),
    );
    let shoulder = sgd(Variant::GaafShoulder, main_lr);
    row(
        format!("{} minus {}", shoulder.label(), base.label()),
        paired(runs, shoulder, base),
    );
    row(
        format!(
            "{} minus {}",
            adam(Variant::Gaaf).label(),
            adam(Variant::Base).label()
        ),
        paired(runs, adam(Variant::Gaaf), adam(Variant::Base)),
    );
    if !reading.is_empty() {
        s.push_str("\n### Reading (generated from the intervals above)\n\n");
        for line in &reading {
            s.push_str(line);
            s.push('\n');
        }
    }
    let scales: Vec<&Vec<f64>> = by_seed(runs, scaled)
        .values()
        .filter_map(|r| r.lr_scales.as_ref())
        .collect();
    if !scales.is_empty() {
        let mean: Vec<String> = (0..4)
            .map(|k| {
                let m = scales.iter().map(|v| v[k]).sum::<f64>() / scales.len() as f64;
                format!("W{} {m:.2}", k + 1)
            })
            .collect();
        let _ = writeln!(
            s,
            "\nThe scaled base model's per-layer learning-rate multipliers (GAAF's \
             gradient gain at initialisation over base, Eq. 5 per sample, each seed's \
             own; mean over {} seeds): {}.",
            scales.len(),
            mean.join(", ")
        );
    }
    s.push_str(
        "\nEach difference pairs the two settings' runs of the same seed (same initial \
         weights, same data order) and gives the mean over seeds with a 95 % t interval; \
         an interval that contains 0 means no difference was shown. Runs stop by the \
         plateau test (see the convergence check); a best rate is the grid's rate with \
         the highest mean validation accuracy.\n",
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mnist::report::fixtures;

    fn run(variant: Variant, optimiser: Optimiser, lr: f64, seed: u64, test: f64) -> Run {
        let mut r = fixtures::run(variant, seed);
        r.config.optimiser = optimiser;
        r.config.lr = lr;
        r.test_acc = test;
        r.best_val_acc = test;
        r
    }

    #[test]
    fn pairs_by_seed_and_picks_each_models_best_rate() {
        let mut runs = Vec::new();
        for seed in 0..3 {
            let e = seed as f64 * 1e-4;
            runs.push(run(Variant::Base, Optimiser::Sgd, 0.05, seed, 0.980 + e));
            runs.push(run(Variant::Base, Optimiser::Sgd, 0.1, seed, 0.982 + e));
            runs.push(run(Variant::Gaaf, Optimiser::Sgd, 0.05, seed, 0.9825 + e));
            runs.push(run(Variant::Gaaf, Optimiser::Sgd, 0.1, seed, 0.981 + e));
            runs.push(run(
                Variant::BaseLrScaled,
                Optimiser::Sgd,
                0.05,
                seed,
                0.9824 + 2.0 * e,
            ));
        }
        assert_eq!(best_rate(&runs, Variant::Base), Some(0.1));
        assert_eq!(best_rate(&runs, Variant::Gaaf), Some(0.05));
        let g = Setting::of(&runs[2]);
        let b = Setting::of(&runs[1]);
        let p = paired(&runs, g, b).unwrap();
        assert!((p.mean - 0.05).abs() < 1e-9 && p.n == 3, "{p:?}");
        // No Adam runs: a dash, not a panic.
        insta::assert_snapshot!(render_controls(&runs, 0.05));
    }
}
