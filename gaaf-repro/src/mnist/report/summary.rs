//! `report.md`: how the runs were made, a reading of the numbers against the
//! paper (generated from the data), the tables and the figures.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::figures::merged;
use super::{convergence, init_gain, matched, paper, table1, table2, table3, table4, ReportMeta};
use super::{runs_of, HIDDEN_TOP_DOWN};
use crate::mnist::{Histogram, Run, Variant};
use crate::report_common::stats::{plain, signed, Paired};
use crate::sweep::RunConfig;

/// `|net|` at and beyond which tanh counts as saturated here: `tanh'(2) < 0.071`.
pub(crate) const SATURATION: f64 = 2.0;

/// The share of a net histogram's values with `|net| >= SATURATION`, judged by
/// bin centre; values outside the histogram's range count as saturated.
pub(crate) fn saturated_share(h: &Histogram) -> f64 {
    let width = (h.hi - h.lo) / h.counts.len() as f64;
    let inside: u64 = h
        .counts
        .iter()
        .enumerate()
        .filter(|(i, _)| (h.lo + (*i as f64 + 0.5) * width).abs() >= SATURATION)
        .map(|(_, &c)| c)
        .sum();
    (inside + h.below + h.above) as f64 / h.total().max(1) as f64
}

fn how_made(s: &mut String, runs: &[Run], meta: &ReportMeta) {
    meta.write_invocation(s, 1);
    let _ = write!(s, "- Runs: {}", runs.len());
    let mut sep = " (";
    for v in Variant::ALL {
        let seeds: Vec<String> = runs_of(runs, v)
            .iter()
            .map(|r| r.config.seed.to_string())
            .collect();
        if !seeds.is_empty() {
            let _ = write!(s, "{sep}{}: seeds {}", v.name(), seeds.join(", "));
            sep = "; ";
        }
    }
    s.push_str(if sep == "; " { ")\n" } else { "\n" });
    let total: f64 = runs.iter().map(|r| r.seconds).sum();
    let _ = writeln!(
        s,
        "- Training time summed over runs: {total:.1} s ({:.1} h)",
        total / 3600.0
    );
    let mut machines: BTreeMap<&str, usize> = BTreeMap::new();
    for r in runs {
        *machines.entry(r.machine.as_str()).or_default() += 1;
    }
    s.push_str("- Machines the runs report:");
    for (m, n) in &machines {
        let _ = write!(s, " {m} ({n} run{});", if *n == 1 { "" } else { "s" });
    }
    s.pop();
    s.push('\n');
    let mut commits: BTreeMap<&str, usize> = BTreeMap::new();
    for r in runs {
        let c = if r.commit.is_empty() {
            "not recorded"
        } else {
            r.commit.as_str()
        };
        *commits.entry(c).or_default() += 1;
    }
    s.push_str("- Commits the runs were trained at:");
    for (c, n) in &commits {
        let _ = write!(s, " {c} ({n} run{});", if *n == 1 { "" } else { "s" });
    }
    s.pop();
    s.push('\n');
    let mut ids: BTreeMap<String, usize> = BTreeMap::new();
    for r in runs {
        *ids.entry(r.config.run_id()).or_default() += 1;
    }
    let dups: Vec<String> = ids
        .into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(id, n)| format!("{id} ({n}x)"))
        .collect();
    if !dups.is_empty() {
        let _ = writeln!(
            s,
            "- **Warning**: the same variant and seed ran more than once, and every copy is counted: {}",
            dups.join(", ")
        );
    }
    s.push('\n');
}

fn configuration(s: &mut String, runs: &[Run]) {
    s.push_str("## Configuration\n\n");
    s.push_str(
        "Every field of the runs' `config` except `variant` and `seed`; a field \
         that differs across runs lists each value with its number of runs.\n\n\
         | Field | Value |\n|---|---|\n",
    );
    let mut fields: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for r in runs {
        if let Ok(serde_json::Value::Object(map)) = serde_json::to_value(&r.config) {
            for (k, v) in map {
                if k != "variant" && k != "seed" {
                    *fields
                        .entry(k)
                        .or_default()
                        .entry(v.to_string())
                        .or_default() += 1;
                }
            }
        }
    }
    for (field, values) in &fields {
        let cell = if values.len() == 1 {
            values.keys().next().cloned().unwrap_or_default()
        } else {
            let list: Vec<String> = values
                .iter()
                .map(|(v, n)| format!("{v} ({n} runs)"))
                .collect();
            format!("**differs**: {}", list.join(", "))
        };
        let _ = writeln!(s, "| `{field}` | {cell} |");
    }
    s.push('\n');
}

fn direction(ours: f64, paper: f64) -> &'static str {
    if ours == 0.0 || paper == 0.0 {
        "no change on one side"
    } else if (ours > 0.0) == (paper > 0.0) {
        "same direction"
    } else {
        "opposite direction"
    }
}

fn reading(s: &mut String, runs: &[Run], window: usize) {
    s.push_str("## Reading against the paper\n\n");
    s.push_str("Generated from the runs; paper values from its Tables 1-4 and section 5.1.\n\n");
    let t4 = |v| table4::row(runs, v);
    let base = t4(Variant::Base);

    // Accuracy and epochs against base, then GAAF against dropout.
    let pairs = [
        (Variant::Dropout, Variant::Base),
        (Variant::Gaaf, Variant::Base),
        (Variant::DropoutMatched, Variant::Base),
        (Variant::Gaaf, Variant::Dropout),
    ];
    for (a, b) in pairs {
        let (ra, rb) = (t4(a), t4(b));
        let (Some(acc_a), Some(acc_b)) = (ra.acc, rb.acc) else {
            continue;
        };
        let diff = acc_a.mean - acc_b.mean;
        let _ = write!(
            s,
            "- Test accuracy, {} vs {}: {} points ({:.2} % vs {:.2} %",
            a.name(),
            b.name(),
            signed(diff, 2),
            acc_a.mean,
            acc_b.mean
        );
        // Paired by seed (same initial weights and data order), with a 95 %
        // t interval: what the seeds show, not "above one std".
        let by_seed = |v| runs_of(runs, v);
        let paired = Paired::of(by_seed(a).iter().filter_map(|x| {
            let y = by_seed(b)
                .into_iter()
                .find(|y| y.config.seed == x.config.seed)?;
            Some(100.0 * (x.test_acc - y.test_acc))
        }));
        if let Some(p) = paired {
            let shown = if p.lo > 0.0 {
                "higher"
            } else if p.hi < 0.0 {
                "lower"
            } else {
                "no difference shown"
            };
            let _ = write!(s, "; paired by seed {}, n = {}: {shown}", p.interval(), p.n);
        }
        s.push(')');
        if let (Some(pa), Some(pb)) = (paper::table4(a), paper::table4(b)) {
            let pd = pa.acc - pb.acc;
            let _ = write!(s, "; paper: {}, {}", signed(pd, 2), direction(diff, pd));
        }
        s.push_str(".\n");
        if let (Some(ea), Some(eb)) = (ra.epochs, rb.epochs) {
            let ediff = ea.mean - eb.mean;
            let _ = write!(
                s,
                "- Train epochs, {} vs {}: {:.1} vs {:.1} ({})",
                a.name(),
                b.name(),
                ea.mean,
                eb.mean,
                signed(ediff, 1)
            );
            if let (Some(pa), Some(pb)) = (paper::table4(a), paper::table4(b)) {
                let pd = pa.epochs - pb.epochs;
                let _ = write!(
                    s,
                    "; paper: {:.0} vs {:.0} ({}), {}",
                    pa.epochs,
                    pb.epochs,
                    signed(pd, 0),
                    direction(ediff, pd)
                );
            }
            s.push_str(".\n");
        }
    }
    if base.acc.is_none() {
        s.push_str("- No base runs: nothing to compare the other models with.\n");
    }

    // Table 1: more high correlations with dropout?
    let last = crate::mnist::CORRELATION_THRESHOLDS.len() - 1;
    for (t, label) in [(0, "0.9"), (last, "0.5")] {
        let mut more = 0;
        let mut layers = 0;
        let mut cells = Vec::new();
        for (name, l) in HIDDEN_TOP_DOWN {
            let b = table1::layer_counts(runs, Variant::Base, l).above[t];
            let d = table1::layer_counts(runs, Variant::Dropout, l).above[t];
            if let (Some(b), Some(d)) = (b, d) {
                layers += 1;
                more += usize::from(d > b);
                cells.push(format!(
                    "{name} {b:.1} vs {d:.1} (paper {} vs {})",
                    paper::TABLE1_BASE[l][t],
                    paper::TABLE1_DROPOUT[l][t]
                ));
            }
        }
        if layers > 0 {
            let _ = writeln!(
                s,
                "- Pairs with |r| > {label}, base vs dropout: {}. Dropout had more in {more} of {layers} layers (paper: 3 of 3).",
                cells.join("; ")
            );
        }
    }

    // Table 2: gradient information ratios.
    for v in [Variant::Dropout, Variant::Gaaf, Variant::DropoutMatched] {
        let mut cells = Vec::new();
        for (name, w) in table2::ROWS.into_iter().take(3) {
            let g = |v| table2::mean_g(runs, v, w, table2::Gradient::PerSample, window);
            let ours = g(v).zip(g(Variant::Base));
            if let Some((g, gb)) = ours.filter(|(_, gb)| gb.mean > 0.0) {
                let mut cell = format!("{name} {:.1}x", g.mean / gb.mean);
                if let (Some(p), Some(pb)) = (paper::table2(v, w), paper::table2(Variant::Base, w))
                {
                    let _ = write!(cell, " (paper {:.1}x)", p / pb);
                }
                cells.push(cell);
            }
        }
        if !cells.is_empty() {
            let _ = writeln!(
                s,
                "- Gradient information (Eq. 5, first {} epochs), {} / base: {}{}.",
                window,
                v.name(),
                cells.join(", "),
                if v == Variant::Gaaf {
                    " (the paper's GAAF values in Table 2's row order, which its text leaves open)"
                } else {
                    ""
                }
            );
        }
    }

    // Table 3.
    let cells: Vec<String> = table3::ROWS
        .iter()
        .filter_map(|&(name, i)| {
            table3::variance(runs, i).map(|v| {
                let p = if i == 0 {
                    "0, from its text".to_string()
                } else {
                    plain(paper::TABLE3[i])
                };
                format!("{name} {} (paper {p})", plain(v.mean))
            })
        })
        .collect();
    if !cells.is_empty() {
        let _ = writeln!(s, "- Dropout's net variance: {}.", cells.join(", "));
    }

    // Figures 3 and 6, in numbers.
    let shares: Vec<(Variant, Vec<Option<f64>>)> = Variant::ALL
        .into_iter()
        .map(|v| {
            let per_layer = (0..3)
                .map(|l| merged(runs, v, |r| r.nets.get(l)).map(|(h, _)| saturated_share(&h)))
                .collect();
            (v, per_layer)
        })
        .filter(|(_, p): &(Variant, Vec<Option<f64>>)| p.iter().any(Option::is_some))
        .collect();
    if !shares.is_empty() {
        let _ = write!(
            s,
            "- Share of test-set nets with |net| >= {SATURATION} (tanh saturated):"
        );
        for (v, per_layer) in &shares {
            let cells: Vec<String> = per_layer
                .iter()
                .enumerate()
                .map(|(l, x)| match x {
                    Some(x) => format!("Layer{} {:.1} %", l + 1, 100.0 * x),
                    None => format!("Layer{} —", l + 1),
                })
                .collect();
            let _ = write!(s, " {}: {};", v.name(), cells.join(", "));
        }
        s.pop();
        s.push_str(". The paper (Figures 3 and 6, no numbers) shows more saturated nets with dropout and with GAAF than without, and fewer with GAAF than with dropout.\n");
        let share_of = |v: Variant| shares.iter().find(|(x, _)| *x == v).map(|(_, p)| p);
        for v in [Variant::Dropout, Variant::Gaaf, Variant::DropoutMatched] {
            if let (Some(b), Some(o)) = (share_of(Variant::Base), share_of(v)) {
                let compared: Vec<bool> = b
                    .iter()
                    .zip(o)
                    .filter_map(|(b, o)| Some(o.as_ref()? > b.as_ref()?))
                    .collect();
                let _ = writeln!(
                    s,
                    "- {} had more saturated nets than base in {} of {} layers.",
                    v.name(),
                    compared.iter().filter(|&&x| x).count(),
                    compared.len()
                );
            }
        }
        if let (Some(d), Some(g)) = (share_of(Variant::Dropout), share_of(Variant::Gaaf)) {
            let compared: Vec<bool> = d
                .iter()
                .zip(g)
                .filter_map(|(d, g)| Some(g.as_ref()? < d.as_ref()?))
                .collect();
            let _ = writeln!(
                s,
                "- gaaf had fewer saturated nets than dropout in {} of {} layers (paper: fewer).",
                compared.iter().filter(|&&x| x).count(),
                compared.len()
            );
        }
    }
    s.push('\n');
}

/// `report.md`: how the runs were made, the configuration, a reading of the
/// results against the paper, Tables 4, 1, 2 and 3 inline, and links to the
/// figures. Everything in it is computed from `runs` and `meta`.
pub fn render_report(runs: &[Run], meta: &ReportMeta, window: usize) -> String {
    let mut s = String::new();
    s.push_str(
        "# Hahn & Choi, \"Understanding Dropout as an Optimization Trick\": the MNIST experiment reproduced\n\n",
    );
    if meta.quick {
        s.push_str(
            "> **Quick run.** These numbers come from a shortened run (fewer epochs, \
             a subset of the data or fewer seeds; see the configuration) and are \
             **not comparable to the paper's**. They show that the pipeline works, \
             nothing more.\n\n",
        );
    }
    how_made(&mut s, runs, meta);
    reading(&mut s, runs, window);
    for (table, file) in [
        (table4::render_table4(runs), "table4.md"),
        (convergence::render_convergence(runs), "convergence.md"),
        (table1::render_table1(runs), "table1.md"),
        (table2::render_table2(runs, window), "table2.md"),
        (init_gain::render_init_gain(runs), "init_gain.md"),
        (matched::render_matched(runs), "matched.md"),
        (table3::render_table3(runs), "table3.md"),
    ] {
        if table.is_empty() {
            continue;
        }
        s.push_str(&table);
        let _ = writeln!(s, "\n(Also in [{file}]({file}).)\n");
    }
    s.push_str("## Figures\n\n");
    for (file, caption) in [
        (
            "fig1.svg",
            "Figure 1: distributions of unit correlations, per hidden layer",
        ),
        (
            "fig3.svg",
            "Figure 3: distributions of nets, base vs dropout",
        ),
        ("fig6.svg", "Figure 6: distributions of nets, base vs GAAF"),
        (
            "fig_gradient.svg",
            "Gradient information (Eq. 5) per epoch, per weight matrix (ours)",
        ),
    ] {
        let _ = writeln!(s, "![{caption}]({file})\n");
    }
    s.push_str(
        "In Figures 1, 3 and 6 each curve is the density of a histogram merged \
         over the model's seeds; the legend gives the number of runs. Densities \
         are normalised by every value counted, including those outside the \
         plotted range. The gradient figure shows, per epoch, the mean over the \
         seeds that trained that epoch.\n\n",
    );
    configuration(&mut s, runs);
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mnist::report::fixtures;

    fn meta(quick: bool) -> ReportMeta {
        ReportMeta {
            invocations: Vec::new(),
            command: "gaaf-repro mnist --seeds 3 --out out".to_string(),
            machine: "synthetic (16 cores)".to_string(),
            commit: "0123456789ab".to_string(),
            wall_seconds: Some(3723.5),
            quick,
        }
    }

    #[test]
    fn full_report() {
        insta::assert_snapshot!(render_report(
            &fixtures::runs(3),
            &meta(false),
            table2::G_WINDOW
        ));
    }

    #[test]
    fn quick_report_with_differing_config_and_duplicates() {
        let mut runs = vec![
            fixtures::run(Variant::Base, 0),
            fixtures::run(Variant::Dropout, 0),
            fixtures::run(Variant::Dropout, 0),
        ];
        runs[0].config.stopping.max_epochs = 2;
        runs[0].config.sizes.train_subset = Some(1000);
        let mut m = meta(true);
        m.wall_seconds = None;
        insta::assert_snapshot!(render_report(&runs, &m, table2::G_WINDOW));
    }

    #[test]
    fn saturation_counts_tails_and_outliers() {
        let h = Histogram::of([-3.0, -1.0, 0.0, 1.0, 2.5, 9.0, -9.0, 1.99], -8.0, 8.0, 160);
        assert!((saturated_share(&h) - 4.0 / 8.0).abs() < 1e-12);
    }
}
