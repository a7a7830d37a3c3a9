//! `gaaf-repro`: runs the paper's experiments. `gaaf-repro mnist --help`.

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use gaaf_repro::runner::{self, MnistOptions, Overrides, Shard};
use gaaf_repro::Variant;
use std::path::PathBuf;

/// Reproduces Hahn & Choi, "Understanding Dropout as an Optimization Trick".
#[derive(Parser)]
#[command(name = "gaaf-repro", version, about)]
struct Cli {
    #[command(subcommand)]
    experiment: Experiment,
}

#[derive(Subcommand)]
enum Experiment {
    /// The MNIST experiment of section 5.1 and Tables 1-4: trains every
    /// (seed, variant) run, reusing finished ones and resuming unfinished
    /// ones, then writes the tables, figures and report.md.
    Mnist(MnistArgs),
}

#[derive(Args)]
struct MnistArgs {
    /// Output folder (runs/, checkpoints/, the report) [default: results/mnist,
    /// or results/mnist-quick with --quick].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Where MNIST is [default: $GAAF_DATA_DIR, else ./data].
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Seeds 0..N [default: 5, or 1 with --quick].
    #[arg(long)]
    seeds: Option<u64>,
    /// Comma-separated variants: base, dropout, gaaf, dropout-matched [default: all].
    #[arg(long, value_delimiter = ',', value_parser = parse_variant)]
    variants: Vec<Variant>,
    /// A small sweep to check the pipeline (1 seed, 10,000 training images,
    /// 2,000 test images, at most 4 epochs); not comparable to the paper.
    #[arg(long)]
    quick: bool,
    /// Run every N-th run starting at I (0-based), e.g. 2/4, for job arrays.
    #[arg(long, default_value = "0/1")]
    shard: Shard,
    /// Runs side by side, one matmul thread each.
    #[arg(long, default_value_t = 1)]
    jobs: usize,
    /// Only build the report from OUT/runs/*.json.
    #[arg(long)]
    merge_only: bool,
    /// Learning rate of plain SGD.
    #[arg(long)]
    lr: Option<f64>,
    /// Images per batch.
    #[arg(long)]
    batch_size: Option<usize>,
    /// Most epochs per run.
    #[arg(long)]
    max_epochs: Option<usize>,
    /// Epochs without a better validation accuracy before stopping.
    #[arg(long)]
    patience: Option<usize>,
    /// Dropout rate (probability of dropping a unit).
    #[arg(long)]
    dropout_p: Option<f64>,
    /// GAAF's frequency constant K.
    #[arg(long)]
    gaaf_k: Option<f64>,
    /// Width w of the GAAF shape exp(-x^2 / w).
    #[arg(long)]
    shape_width: Option<f64>,
    /// Training images held out for validation.
    #[arg(long)]
    val_size: Option<usize>,
    /// Train on this many images only.
    #[arg(long)]
    train_subset: Option<usize>,
    /// Test on this many images only.
    #[arg(long)]
    test_subset: Option<usize>,
}

fn parse_variant(s: &str) -> Result<Variant, String> {
    Variant::ALL
        .into_iter()
        .find(|v| v.name() == s)
        .ok_or_else(|| format!("unknown variant {s:?} (base, dropout, gaaf, dropout-matched)"))
}

fn main() {
    // Parallelism comes from independent runs (--jobs), each with one matmul
    // thread, which also keeps results independent of the machine's core count.
    if std::env::var_os("RAYON_NUM_THREADS").is_none() {
        std::env::set_var("RAYON_NUM_THREADS", "1");
    }
    if let Err(err) = run(Cli::parse()) {
        eprintln!("error: {err:#}");
        std::process::exit(1);
    }
}

fn run(cli: Cli) -> Result<()> {
    let Experiment::Mnist(a) = cli.experiment;
    let command = std::env::args().collect::<Vec<_>>().join(" ");
    let out = a.out.unwrap_or_else(|| {
        PathBuf::from(if a.quick {
            "results/mnist-quick"
        } else {
            "results/mnist"
        })
    });
    let opts = MnistOptions {
        out,
        data_dir: a.data_dir,
        seeds: a.seeds,
        variants: a.variants,
        quick: a.quick,
        shard: a.shard,
        jobs: a.jobs,
        merge_only: a.merge_only,
        overrides: Overrides {
            lr: a.lr,
            batch_size: a.batch_size,
            max_epochs: a.max_epochs,
            patience: a.patience,
            dropout_p: a.dropout_p,
            gaaf_k: a.gaaf_k,
            shape_width: a.shape_width,
            val_size: a.val_size,
            train_subset: a.train_subset,
            test_subset: a.test_subset,
        },
        command,
    };
    let summary = runner::run_mnist(&opts).context("mnist")?;
    eprintln!(
        "{} run(s) ({} reused); report in {}",
        summary.runs.len(),
        summary.reused,
        summary.report_dir.display()
    );
    Ok(())
}
