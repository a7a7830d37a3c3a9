//! The report: one Markdown table (printed) and the same figures as JSON.

use super::results::Row;
use super::targets::Target;
use gaaf_core::dispatch::Machine;
use serde_json::{json, Value};
use std::fmt::Write as _;

/// Where and how a run was made, stated under the table.
pub(super) struct Context {
    pub(super) machine: Machine,
    /// `/proc/loadavg`'s 1, 5 and 15 minute averages: other work on the
    /// machine distorts timings.
    pub(super) load_average: String,
    pub(super) command: String,
    pub(super) date: String,
}

impl Context {
    /// This machine, now, for the command line xtask was started with.
    pub(super) fn now() -> Self {
        let args: Vec<String> = std::env::args().skip(1).collect();
        Self {
            machine: gaaf_core::dispatch::machine(),
            load_average: std::fs::read_to_string("/proc/loadavg")
                .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
                .unwrap_or_default(),
            command: format!("cargo xtask {}", args.join(" ")),
            date: super::date::utc_now(),
        }
    }
}

/// The Markdown report: the table, the targets, then the run's context.
pub(super) fn markdown(
    rows: &[Row],
    targets: &[Target],
    ctx: &Context,
    torch: Option<&Value>,
) -> String {
    let mut s = String::new();
    let torch_col = torch.is_some();
    s.push_str(
        "| benchmark | time (median) | elements/s | GB/s | share of copy | ratio to baseline |",
    );
    s.push_str(if torch_col {
        " PyTorch (Rust/PyTorch) |\n"
    } else {
        "\n"
    });
    s.push_str("|---|---:|---:|---:|---:|---|");
    s.push_str(if torch_col { "---|\n" } else { "\n" });
    let dash = || "–".to_owned();
    for r in rows {
        let base = r.baseline.as_ref().map_or_else(dash, |(b, x)| {
            format!("{x:.2}× `{}`", short_baseline(&r.id, b))
        });
        let _ = write!(
            s,
            "| `{}` | {} | {} | {} | {} | {} |",
            r.id,
            fmt_time(r.median_ns),
            r.elements_per_s().map_or_else(dash, fmt_rate),
            r.bytes_per_s()
                .map_or_else(dash, |b| format!("{:.2}", b / 1e9)),
            r.copy_share
                .map_or_else(dash, |c| format!("{:.1}%", 100.0 * c)),
            base,
        );
        if torch_col {
            let t = r.torch_ns.map_or_else(dash, |t| {
                format!("{} ({:.2}×)", fmt_time(t), r.median_ns / t)
            });
            let _ = write!(s, " {t} |");
        }
        s.push('\n');
    }
    s.push('\n');
    for t in targets {
        let _ = writeln!(
            s,
            "- target: {}: {:.3} (limit {:.2}) — {}{}",
            t.name,
            t.value,
            t.limit,
            if t.met { "met" } else { "missed" },
            t.non_temporal_share.map_or_else(String::new, |n| format!(
                " (against the non-temporal copy: {n:.3})"
            )),
        );
    }
    if !rows.iter().any(|r| r.group.starts_with("epoch")) {
        s.push_str(
            "- epoch time: not measured (the `epoch` bench needs MNIST in the data folder: \
             `cargo xtask data fetch --dataset mnist`)\n",
        );
    }
    if let Some(t) = torch {
        let _ = writeln!(
            s,
            "- PyTorch {} on {} thread(s); the GAAF-tanh there is a `torch.autograd.Function` (gaaf-bench/python/vs_torch.py)",
            t["torch_version"].as_str().unwrap_or("?"),
            t["threads"]
        );
    }
    let _ = writeln!(
        s,
        "- machine: {} ({} logical CPUs, kernels: {}), threads used: 1, load average {}",
        ctx.machine.cpu, ctx.machine.logical_cpus, ctx.machine.kernels, ctx.load_average,
    );
    let _ = writeln!(s, "- command: `{}`, {}", ctx.command, ctx.date);
    s
}

/// The JSON report: the same figures as the Markdown one.
pub(super) fn json(
    rows: &[Row],
    targets: &[Target],
    ctx: &Context,
    torch: Option<&Value>,
) -> Value {
    let m = &ctx.machine;
    json!({
        "command": ctx.command,
        "date": ctx.date,
        "machine": {
            "cpu": m.cpu,
            "logical_cpus": m.logical_cpus,
            "cores_per_socket": m.cores_per_socket,
            "avx512f": m.avx512f,
            "avx2_fma": m.avx2_fma,
            "kernels": m.kernels.name(),
            "threads_used": 1,
            "load_average_1_5_15": ctx.load_average,
        },
        "results": rows.iter().map(row_json).collect::<Vec<_>>(),
        "targets": targets.iter().map(|t| json!({
            "target": t.name, "value": t.value, "limit": t.limit, "met": t.met,
            "non_temporal_share": t.non_temporal_share,
        })).collect::<Vec<_>>(),
        "torch": torch,
    })
}

fn row_json(r: &Row) -> Value {
    json!({
        "id": r.id,
        "median_ns": r.median_ns,
        "mean_ns": r.mean_ns,
        "elements_per_s": r.elements_per_s(),
        "gb_per_s": r.bytes_per_s().map(|b| b / 1e9),
        "copy_share": r.copy_share,
        "baseline": r.baseline.as_ref().map(|(b, _)| b),
        "ratio_to_baseline": r.baseline.as_ref().map(|(_, x)| x),
        "torch_median_ns": r.torch_ns,
        "rust_over_torch": r.torch_ns.map(|t| r.median_ns / t),
    })
}

fn fmt_time(ns: f64) -> String {
    match ns {
        t if t < 1e3 => format!("{t:.1} ns"),
        t if t < 1e6 => format!("{:.2} µs", t / 1e3),
        t if t < 1e9 => format!("{:.3} ms", t / 1e6),
        t => format!("{:.3} s", t / 1e9),
    }
}

fn fmt_rate(r: f64) -> String {
    match r {
        r if r >= 1e9 => format!("{:.2} G/s", r / 1e9),
        r if r >= 1e6 => format!("{:.2} M/s", r / 1e6),
        r if r >= 1e3 => format!("{:.2} k/s", r / 1e3),
        r => format!("{r:.1} /s"),
    }
}

/// The part of a baseline id that differs from the row's, for a narrow column.
fn short_baseline<'a>(id: &str, base: &'a str) -> &'a str {
    let common = id
        .split('/')
        .zip(base.split('/'))
        .take_while(|(a, b)| a == b)
        .count();
    let start: usize = base.split('/').take(common).map(|p| p.len() + 1).sum();
    let rest = &base[start.min(base.len())..];
    rest.split('/').next().unwrap_or(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn baselines_are_shortened_to_what_differs() {
        assert_eq!(
            short_baseline("kernel/gaaf-tanh/forward/1", "kernel/tanh/forward/1"),
            "tanh"
        );
        assert_eq!(short_baseline("a/adam/gaaf_tanh", "a/adam/tanh"), "tanh");
    }
}
