//! `cargo xtask bench`: runs gaaf-bench's criterion benchmarks in release,
//! reads criterion's estimates back, and prints one Markdown table with rates,
//! each kernel's share of the streaming-copy bandwidth, ratios to baselines,
//! the targets and, with `--vs-torch`, the same work timed in PyTorch.
//! The same figures go to a JSON report, written atomically.

use crate::util::{exec, workspace_root};
use anyhow::{bail, Context, Result};
use clap::Args;
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

/// Options of `cargo xtask bench`.
#[derive(Args)]
pub(crate) struct BenchArgs {
    /// Shorter warm-up and measurement: about a third of the full run's time.
    #[arg(long)]
    quick: bool,
    /// Also time the same work in PyTorch (`gaaf-bench/python/vs_torch.py`,
    /// one thread) and print Rust/PyTorch ratios; skipped when `python3 -c
    /// "import torch"` fails.
    #[arg(long)]
    vs_torch: bool,
    /// Only benchmarks whose id matches this regular expression (criterion's
    /// filter, e.g. `kernel/gaaf-tanh` or `mlp_step`).
    #[arg(long)]
    filter: Option<String>,
    /// Where to write the JSON report [default: TARGET_DIR/gaaf-bench/report.json].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Report the results criterion already holds, without running anything.
    #[arg(long)]
    no_run: bool,
}

/// The criterion bench targets of gaaf-bench, in report order.
const BENCHES: [&str; 5] = ["kernels", "dfdx_ops", "mlp_step", "epoch", "conv_step"];
/// The kernel size the bandwidth target is stated for: 16M `f32`.
const TARGET_SIZE: &str = "16777216";
/// GAAF-tanh forward + backward must reach this share of the copy bandwidth.
const TARGET_COPY_SHARE: f64 = 0.60;
/// The GAAF-tanh training step may take at most this times the tanh step.
const TARGET_STEP_RATIO: f64 = 1.10;
/// The limit on a GAAF convolutional training step over the same model without GAAF.
const TARGET_CONV_STEP_RATIO: f64 = 1.05;

/// One benchmark's result as criterion left it, with what the report derives.
struct Row {
    id: String,
    group: String,
    function: String,
    value: Option<String>,
    median_ns: f64,
    mean_ns: f64,
    throughput: Throughput,
    baseline: Option<(String, f64)>,
    copy_share: Option<f64>,
    torch_ns: Option<f64>,
}

#[derive(Clone, Copy)]
enum Throughput {
    Bytes(f64),
    Elements(f64),
    None,
}

impl Row {
    /// Elements per second: the element count is the benchmark's parameter
    /// for byte-throughput kernels, the declared count otherwise.
    fn elements_per_s(&self) -> Option<f64> {
        let n = match self.throughput {
            Throughput::Elements(n) => n,
            Throughput::Bytes(_) => self.value.as_deref()?.parse().ok()?,
            Throughput::None => return None,
        };
        Some(n / (self.median_ns * 1e-9))
    }

    fn bytes_per_s(&self) -> Option<f64> {
        match self.throughput {
            Throughput::Bytes(b) => Some(b / (self.median_ns * 1e-9)),
            _ => None,
        }
    }
}

pub(crate) fn run(args: &BenchArgs) -> Result<()> {
    let root = workspace_root();
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root.join(dir),
        None => root.join("target"),
    };
    let criterion_home = target.join("criterion");
    let started = SystemTime::now();
    if !args.no_run {
        run_benches(args, &criterion_home)?;
    }
    let since = (!args.no_run).then_some(started);
    let mut rows = read_results(&criterion_home, since)?;
    if rows.is_empty() {
        bail!("no criterion results under {}", criterion_home.display());
    }
    derive(&mut rows);
    let torch = if args.vs_torch {
        run_torch(&root, args.quick)?
    } else {
        None
    };
    if let Some(t) = &torch {
        for row in &mut rows {
            row.torch_ns = t["median_ns"][&row.id].as_f64();
        }
    }
    let machine = machine();
    let command = command_line();
    let date = utc_now();
    let targets = targets(&rows);
    print!(
        "{}",
        markdown(&rows, &targets, &machine, &command, &date, torch.as_ref())
    );
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| target.join("gaaf-bench").join("report.json"));
    let report = json!({
        "command": command,
        "date": date,
        "machine": machine,
        "results": rows.iter().map(row_json).collect::<Vec<_>>(),
        "targets": targets.iter().map(|t| json!({
            "target": t.name, "value": t.value, "limit": t.limit, "met": t.met,
            "non_temporal_share": t.non_temporal_share,
        })).collect::<Vec<_>>(),
        "torch": torch,
    });
    write_atomically(&out, &serde_json::to_string_pretty(&report)?)?;
    eprintln!("wrote {}", out.display());
    Ok(())
}

fn run_benches(args: &BenchArgs, criterion_home: &Path) -> Result<()> {
    let (warm_up, measure) = if args.quick { ("0.3", "1") } else { ("1", "3") };
    let mut cmd = crate::util::cargo();
    cmd.args(["bench", "-p", "gaaf-bench"]);
    for b in BENCHES {
        cmd.args(["--bench", b]);
    }
    cmd.args([
        "--",
        "--noplot",
        "--warm-up-time",
        warm_up,
        "--measurement-time",
    ])
    .arg(measure);
    if let Some(f) = &args.filter {
        cmd.arg(f);
    }
    // One thread everywhere: dfdx 0.13's CPU matmuls (the `gemm` crate) run on
    // rayon's global pool, `rayon::current_num_threads()` wide.
    cmd.env("RAYON_NUM_THREADS", "1")
        .env("CRITERION_HOME", criterion_home);
    // Criterion's progress goes to stderr, so that stdout is the report alone.
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        let stderr = std::io::stderr().as_fd().try_clone_to_owned()?;
        cmd.stdout(stderr);
    }
    exec(&mut cmd)
}

/// Every `new/benchmark.json` under `home` with its `estimates.json`; with
/// `since`, only those written after it (this run's).
fn read_results(home: &Path, since: Option<SystemTime>) -> Result<Vec<Row>> {
    let mut files = Vec::new();
    find_named(home, "benchmark.json", &mut files)?;
    let mut rows = Vec::new();
    for meta_path in files {
        let dir = meta_path.parent().expect("a file has a parent");
        if dir.file_name().map_or(true, |n| n != "new") {
            continue;
        }
        let est_path = dir.join("estimates.json");
        let modified = fs::metadata(&est_path).and_then(|m| m.modified());
        match (since, modified) {
            (_, Err(_)) => continue,
            (Some(since), Ok(m)) if m < since => continue,
            _ => {}
        }
        let meta = read_json(&meta_path)?;
        let est = read_json(&est_path)?;
        let text = |v: &Value| v.as_str().map(str::to_owned);
        let point = |k: &str| est[k]["point_estimate"].as_f64();
        let throughput = match &meta["throughput"] {
            Value::Object(t) if t.contains_key("Bytes") => {
                Throughput::Bytes(t["Bytes"].as_f64().unwrap_or(0.0))
            }
            Value::Object(t) if t.contains_key("Elements") => {
                Throughput::Elements(t["Elements"].as_f64().unwrap_or(0.0))
            }
            _ => Throughput::None,
        };
        let (Some(id), Some(median_ns), Some(mean_ns)) =
            (text(&meta["full_id"]), point("median"), point("mean"))
        else {
            bail!("unexpected criterion output in {}", dir.display());
        };
        rows.push(Row {
            id,
            group: text(&meta["group_id"]).unwrap_or_default(),
            function: text(&meta["function_id"]).unwrap_or_default(),
            value: text(&meta["value_str"]),
            median_ns,
            mean_ns,
            throughput,
            baseline: None,
            copy_share: None,
            torch_ns: None,
        });
    }
    rows.sort_by_key(sort_key);
    Ok(rows)
}

fn find_named(dir: &Path, name: &str, out: &mut Vec<PathBuf>) -> Result<()> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e).with_context(|| format!("could not read {}", dir.display())),
    };
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() {
            find_named(&path, name, out)?;
        } else if path.file_name().is_some_and(|n| n == name) {
            out.push(path);
        }
    }
    Ok(())
}

fn read_json(path: &Path) -> Result<Value> {
    let text =
        fs::read_to_string(path).with_context(|| format!("could not read {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("could not parse {}", path.display()))
}

/// Report order: subject, then activation, size, and pass.
fn sort_key(r: &Row) -> (usize, u64, usize, String) {
    const GROUPS: [&str; 15] = [
        "kernel/copy",
        "kernel/tanh-std",
        "kernel/tanh",
        "kernel/tanh-avx2",
        "kernel/relu",
        "kernel/gaaf-tanh",
        "kernel/gaaf-tanh-avx2",
        "kernel/gaaf-relu",
        "kernel/gaaf-dropout-matched",
        "kernel/gaaf-dropout-matched-tabulated",
        "dfdx_op_128x512",
        "mlp_step_b128",
        "epoch_mnist_10k",
        "conv_step_svhn",
        "conv_step_vgg_like",
    ];
    const FUNCTIONS: [&str; 17] = [
        "copy",
        "forward",
        "backward",
        "forward+backward",
        "forward+backward-saved",
        "fwd",
        "fwd_bwd",
        "part",
        "adam",
        "tanh",
        "gaaf_tanh",
        "train_epoch",
        "base",
        "gaaf",
        "bn",
        "bn-gaaf",
        "train_step",
    ];
    let rank = |list: &[&str], s: &str| list.iter().position(|x| *x == s).unwrap_or(list.len());
    let group = rank(&GROUPS, &r.group);
    let size = r.value.as_deref().and_then(|v| v.parse().ok()).unwrap_or(0);
    (group, size, rank(&FUNCTIONS, &r.function), r.id.clone())
}

/// The baseline each benchmark is compared with, by id.
fn baseline_of(id: &str) -> Option<String> {
    const PREFIXES: [(&str, &str); 6] = [
        ("kernel/gaaf-tanh-avx2/", "kernel/gaaf-tanh/"),
        (
            "kernel/gaaf-dropout-matched-tabulated/",
            "kernel/gaaf-tanh/",
        ),
        ("kernel/tanh-avx2/", "kernel/tanh/"),
        ("kernel/gaaf-tanh/", "kernel/tanh/"),
        ("kernel/gaaf-relu/", "kernel/relu/"),
        ("kernel/tanh/", "kernel/tanh-std/"),
    ];
    const SUFFIXES: [(&str, &str); 8] = [
        ("/fwd_bwd/gaaf_tanh", "/fwd_bwd/tanh"),
        ("/fwd/gaaf_tanh", "/fwd/tanh"),
        ("/adam/gaaf_tanh", "/adam/tanh"),
        ("/adam/tanh_dropout", "/adam/tanh"),
        ("/train_epoch/gaaf", "/train_epoch/base"),
        ("/train_epoch/dropout", "/train_epoch/base"),
        ("/train_step/bn-gaaf", "/train_step/bn"),
        ("/train_step/gaaf", "/train_step/base"),
    ];
    for (from, to) in PREFIXES {
        if let Some(rest) = id.strip_prefix(from) {
            return Some(format!("{to}{rest}"));
        }
    }
    for (from, to) in SUFFIXES {
        if let Some(head) = id.strip_suffix(from) {
            return Some(format!("{head}{to}"));
        }
    }
    None
}

fn derive(rows: &mut [Row]) {
    let time_of = |rows: &[Row], id: &str| rows.iter().find(|r| r.id == id).map(|r| r.median_ns);
    // Each kernel group times the copy again just before its kernels (memory
    // bandwidth on a shared VM drifts within minutes); a share is taken
    // against that copy, or against `kernel/copy` where a group has none.
    let copy_rate = |rows: &[Row], group: &str, value: &Option<String>| {
        let copy_in = |g: &str| {
            rows.iter()
                .find(|r| r.group == g && r.function == "copy" && &r.value == value)
                .and_then(Row::bytes_per_s)
        };
        copy_in(group).or_else(|| copy_in("kernel/copy"))
    };
    for i in 0..rows.len() {
        let base = baseline_of(&rows[i].id)
            .filter(|_| rows[i].function != "copy")
            .and_then(|b| time_of(rows, &b).map(|t| (b, rows[i].median_ns / t)));
        let share = if rows[i].group.starts_with("kernel/") && rows[i].function != "copy" {
            match (
                rows[i].bytes_per_s(),
                copy_rate(rows, &rows[i].group, &rows[i].value),
            ) {
                (Some(r), Some(c)) => Some(r / c),
                _ => None,
            }
        } else {
            None
        };
        rows[i].baseline = base;
        rows[i].copy_share = share;
    }
}

/// A target of the issue, measured.
struct Target {
    name: String,
    value: f64,
    limit: f64,
    met: bool,
    /// For the kernel targets: the same rate against the non-temporal copy
    /// (`kernel/copy/copy-non-temporal`), the stricter ceiling.
    non_temporal_share: Option<f64>,
}

fn targets(rows: &[Row]) -> Vec<Target> {
    let find = |id: &str| rows.iter().find(|r| r.id == id);
    let mut out = Vec::new();
    // The recomputing backward (from the saved input) and the training path
    // that saves the slope in the forward; the pinned AVX2 build for
    // comparison.
    let non_temporal =
        find(&format!("kernel/copy/copy-non-temporal/{TARGET_SIZE}")).and_then(Row::bytes_per_s);
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
            name: "GAAF-tanh training step / tanh step (dfdx)".into(),
            value: ratio,
            limit: TARGET_STEP_RATIO,
            met: ratio <= TARGET_STEP_RATIO,
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

/// Runs the PyTorch script when torch imports; `None` (with a line saying so)
/// when it does not.
fn run_torch(root: &Path, quick: bool) -> Result<Option<Value>> {
    let importable = Command::new("python3")
        .args(["-c", "import torch"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !importable {
        println!("SKIPPED: torch not importable (`python3 -c \"import torch\"` failed)");
        return Ok(None);
    }
    let script = root.join("gaaf-bench/python/vs_torch.py");
    let mut cmd = Command::new("python3");
    cmd.arg(&script).args(["--threads", "1"]);
    if quick {
        cmd.arg("--quick");
    }
    eprintln!(
        "$ python3 {} --threads 1{}",
        script.display(),
        if quick { " --quick" } else { "" }
    );
    let out = cmd
        .env("OMP_NUM_THREADS", "1")
        .output()
        .with_context(|| format!("could not run {}", script.display()))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        bail!(
            "{} failed ({}): {}",
            script.display(),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    if stdout.starts_with("SKIPPED") {
        println!("{}", stdout.trim());
        return Ok(None);
    }
    let value =
        serde_json::from_str(&stdout).context("could not parse the PyTorch script's JSON")?;
    Ok(Some(value))
}

fn machine() -> Value {
    let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let field = |name: &str| {
        cpuinfo
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim().to_owned())
    };
    let logical = cpuinfo
        .lines()
        .filter(|l| l.starts_with("processor"))
        .count();
    let load = fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default();
    json!({
        "cpu": field("model name").unwrap_or_else(|| "unknown".into()),
        "logical_cpus": logical,
        "cores_per_socket": field("cpu cores"),
        "threads_used": 1,
        "load_average_1_5_15": load,
    })
}

fn command_line() -> String {
    let args: Vec<String> = std::env::args().skip(1).collect();
    format!("cargo xtask {}", args.join(" "))
}

/// The current UTC time as `YYYY-MM-DD HH:MM UTC`, from the days-to-civil
/// algorithm (Howard Hinnant's), to avoid a date crate for one line.
fn utc_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs()) as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60
    )
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

fn markdown(
    rows: &[Row],
    targets: &[Target],
    machine: &Value,
    command: &str,
    date: &str,
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
        "- machine: {} ({} logical CPUs), threads used: 1, load average {}",
        machine["cpu"].as_str().unwrap_or("?"),
        machine["logical_cpus"],
        machine["load_average_1_5_15"].as_str().unwrap_or("?"),
    );
    let _ = writeln!(s, "- command: `{command}`, {date}");
    s
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

/// Writes `text` to a temporary file beside `path`, then renames it over
/// `path`, so that a reader never sees half a report.
fn write_atomically(path: &Path, text: &str) -> Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).with_context(|| format!("could not create {}", dir.display()))?;
    }
    let tmp = path.with_extension("json.tmp");
    fs::write(&tmp, text).with_context(|| format!("could not write {}", tmp.display()))?;
    fs::rename(&tmp, path)
        .with_context(|| format!("could not move the report to {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn baselines_pair_gaaf_with_its_activation() {
        assert_eq!(
            baseline_of("conv_step_vgg_like/train_step/bn-gaaf").as_deref(),
            Some("conv_step_vgg_like/train_step/bn")
        );
        assert_eq!(
            baseline_of("conv_step_svhn/train_step/gaaf").as_deref(),
            Some("conv_step_svhn/train_step/base")
        );
        assert_eq!(
            baseline_of("kernel/gaaf-tanh/forward+backward/16777216").as_deref(),
            Some("kernel/tanh/forward+backward/16777216")
        );
        assert_eq!(
            baseline_of("kernel/gaaf-tanh-avx2/forward/1048576").as_deref(),
            Some("kernel/gaaf-tanh/forward/1048576")
        );
        assert_eq!(
            baseline_of("mlp_step_b128/adam/tanh_dropout").as_deref(),
            Some("mlp_step_b128/adam/tanh")
        );
        assert_eq!(baseline_of("mlp_step_b128/adam/tanh"), None);
        assert_eq!(
            short_baseline("kernel/gaaf-tanh/forward/1", "kernel/tanh/forward/1"),
            "tanh"
        );
        assert_eq!(short_baseline("a/adam/gaaf_tanh", "a/adam/tanh"), "tanh");
    }

    fn row(group: &str, function: &str, size: &str, median_ns: f64) -> Row {
        Row {
            id: format!("{group}/{function}/{size}"),
            group: group.into(),
            function: function.into(),
            value: Some(size.into()),
            median_ns,
            mean_ns: median_ns,
            throughput: Throughput::Bytes(160.0),
            baseline: None,
            copy_share: None,
            torch_ns: None,
        }
    }

    #[test]
    fn shares_use_the_copy_of_the_same_group() {
        let mut rows = vec![
            row("kernel/copy", "copy", "16", 10.0),
            row("kernel/tanh", "copy", "16", 20.0),
            row("kernel/tanh", "forward", "16", 40.0),
            row("kernel/relu", "forward", "16", 40.0),
        ];
        derive(&mut rows);
        // Same bytes: the share is the copy's time over the kernel's.
        assert_eq!(rows[2].copy_share, Some(0.5), "against its group's copy");
        assert_eq!(rows[3].copy_share, Some(0.25), "against kernel/copy");
        assert_eq!(rows[0].copy_share, None);
        assert_eq!(rows[1].copy_share, None, "a copy is not a kernel");
        assert!(rows[1].baseline.is_none());
    }

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
        let t = targets(&rows);
        assert_eq!(t.len(), 1, "only the measured pass is a target");
        assert_eq!(t[0].value, 0.75);
        assert!(t[0].met);
        assert_eq!(t[0].non_temporal_share, Some(0.5));
    }

    #[test]
    fn dates_are_civil() {
        let d = utc_now();
        assert!(d.starts_with("20") && d.ends_with(" UTC"), "{d}");
    }
}
