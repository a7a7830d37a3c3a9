//! `cargo xtask bench`: runs gaaf-bench's criterion benchmarks in release,
//! reads criterion's estimates back, and prints one Markdown table with rates,
//! each kernel's share of the streaming-copy bandwidth, ratios to baselines,
//! the workspace's performance targets and, with `--vs-torch`, the same work
//! timed in PyTorch. The same figures go to a JSON report, written atomically.
//!
//! One file per concern: [`ids`] (gaaf-bench's benchmark ids), [`results`]
//! (criterion's output and the derived figures), [`targets`], [`torch`],
//! [`report`] (Markdown and JSON) and [`date`].

mod date;
mod ids;
mod report;
mod results;
mod targets;
mod torch;

pub(crate) use ids::help;

use crate::util::{exec, workspace_root};
use anyhow::{bail, Context, Result};
use clap::Args;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Options of `cargo xtask bench`.
#[derive(Args)]
pub(crate) struct BenchArgs {
    /// Shorter warm-up and measurement: about a third of the full run's time.
    #[arg(long)]
    quick: bool,
    /// Also time the same work in PyTorch (`gaaf-bench/python/vs_torch.py`,
    /// one thread, only the rows `--filter` selects) and print Rust/PyTorch
    /// ratios. The script runs under `$GAAF_PYTHON` (default `python3`),
    /// which needs torch and numpy; without them the PyTorch column is
    /// skipped with a line saying how to install them, e.g. `python3 -m venv
    /// ~/torch-venv && ~/torch-venv/bin/pip install torch numpy`, then
    /// `GAAF_PYTHON=~/torch-venv/bin/python cargo xtask bench --vs-torch`.
    /// The MNIST epoch rows (`epoch_mnist_50k`) read MNIST from
    /// `$GAAF_DATA_DIR/mnist/` (else `./data/mnist/`) on both sides.
    #[arg(long)]
    vs_torch: bool,
    /// Only benchmarks whose id matches this regular expression (criterion's
    /// filter, e.g. `kernel/gaaf-tanh` or `mlp_step`; the groups are listed
    /// below).
    #[arg(long)]
    filter: Option<String>,
    /// Where to write the JSON report [default: TARGET_DIR/gaaf-bench/report.json].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Report the results criterion already holds, without running anything.
    #[arg(long)]
    no_run: bool,
}

pub(crate) fn run(args: &BenchArgs) -> Result<()> {
    let root = workspace_root();
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root.join(dir),
        None => root.join("target"),
    };
    let criterion_home = target.join("criterion");
    let data_dir = data_dir();
    let started = SystemTime::now();
    if !args.no_run {
        run_benches(args, &criterion_home, &data_dir)?;
    }
    let since = (!args.no_run).then_some(started);
    let mut rows = results::read(&criterion_home, since)?;
    if rows.is_empty() {
        bail!("no criterion results under {}", criterion_home.display());
    }
    results::derive(&mut rows);
    let torch = if args.vs_torch {
        torch::run(&root, args.quick, args.filter.as_deref(), &data_dir)?
    } else {
        None
    };
    if let Some(t) = &torch {
        for row in &mut rows {
            row.torch_ns = t["median_ns"][&row.id].as_f64();
        }
    }
    let ctx = report::Context::now();
    let targets = targets::measure(&rows);
    print!(
        "{}",
        report::markdown(&rows, &targets, &ctx, torch.as_ref())
    );
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| target.join("gaaf-bench").join("report.json"));
    let json = report::json(&rows, &targets, &ctx, torch.as_ref());
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("could not create {}", dir.display()))?;
    }
    gaaf_data::write_atomic(&out, serde_json::to_string_pretty(&json)?.as_bytes())
        .with_context(|| format!("could not write the report to {}", out.display()))?;
    eprintln!("wrote {}", out.display());
    Ok(())
}

/// The data folder both sides read MNIST from (`$GAAF_DATA_DIR`, else
/// `./data`), made absolute against the directory xtask was started from: the
/// benches run in gaaf-bench's folder, the PyTorch script in this one.
fn data_dir() -> PathBuf {
    let dir = gaaf_data::DataDir::resolve(None).path().to_path_buf();
    match std::env::current_dir() {
        Ok(cwd) if dir.is_relative() => cwd.join(dir),
        _ => dir,
    }
}

/// `cargo bench -p gaaf-bench` over [`ids::BENCHES`], one thread, criterion's
/// output under `criterion_home`, the data under `data_dir`.
fn run_benches(args: &BenchArgs, criterion_home: &Path, data_dir: &Path) -> Result<()> {
    let (warm_up, measure) = if args.quick { ("0.3", "1") } else { ("1", "3") };
    let mut cmd = crate::util::cargo();
    cmd.args(["bench", "-p", "gaaf-bench"]);
    for b in ids::BENCHES {
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
        .env("CRITERION_HOME", criterion_home)
        .env(gaaf_data::DATA_DIR_ENV, data_dir);
    // Criterion's progress goes to stderr, so that stdout is the report alone.
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        let stderr = std::io::stderr().as_fd().try_clone_to_owned()?;
        cmd.stdout(stderr);
    }
    exec(&mut cmd)
}
