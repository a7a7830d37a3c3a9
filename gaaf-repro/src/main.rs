//! `gaaf-repro`: runs the paper's experiments. `gaaf-repro mnist --help`.

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use gaaf_repro::conv::{self, ConvDataset, ConvOptions, ConvOverrides, ConvVariant, DeviceChoice};
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
    /// Table 5 on CIFAR-10: the VGG-like model, base, +BN, +GAAF, +BN +GAAF.
    Cifar10(ConvArgs),
    /// Table 5 on CIFAR-100 (fine labels): the VGG-like model, four variants.
    Cifar100(ConvArgs),
    /// Table 5 on SVHN: the four-convolution model, four variants.
    Svhn(ConvArgs),
}

/// The flags every experiment's sweep takes.
#[derive(Args)]
struct SweepArgs {
    /// Where the data is [default: $GAAF_DATA_DIR, else ./data].
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Run every N-th run starting at I (0-based), e.g. 2/4, for job arrays.
    #[arg(long, default_value = "0/1")]
    shard: Shard,
    /// Runs side by side, one matmul thread each (unless RAYON_NUM_THREADS
    /// is set).
    #[arg(long, default_value_t = 1)]
    jobs: usize,
    /// Only build the report from OUT/runs/*.json.
    #[arg(long)]
    merge_only: bool,
}

#[derive(Args)]
struct ConvArgs {
    /// Output folder (runs/, checkpoints/, table5.md, report.md) [default:
    /// results/<dataset>, or results/<dataset>-quick with --quick].
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    sweep: SweepArgs,
    /// Seeds 0..N [default: 1].
    #[arg(long)]
    seeds: Option<u64>,
    /// Comma-separated variants: base, bn, gaaf, bn-gaaf [default: all].
    #[arg(long, value_delimiter = ',', value_parser = parse_conv_variant)]
    variants: Vec<ConvVariant>,
    /// A small sweep to check the pipeline (widths / 8, 2,000 training
    /// images, at most 3 epochs); not comparable to the paper.
    #[arg(long)]
    quick: bool,
    /// cpu, cuda or cuda:N (CUDA needs a build with --features cuda).
    #[arg(long, default_value = "cpu")]
    device: DeviceChoice,
    /// Learning rate of SGD.
    #[arg(long)]
    lr: Option<f64>,
    /// Momentum of SGD.
    #[arg(long)]
    momentum: Option<f64>,
    /// Weight decay on convolution and dense weights.
    #[arg(long)]
    weight_decay: Option<f64>,
    /// Images per batch.
    #[arg(long)]
    batch_size: Option<usize>,
    /// Most epochs per run.
    #[arg(long)]
    max_epochs: Option<usize>,
    /// Epochs without a better validation accuracy before stopping.
    #[arg(long)]
    patience: Option<usize>,
    /// Training images held out for validation.
    #[arg(long)]
    val_size: Option<usize>,
    /// Train on this many images only.
    #[arg(long)]
    train_subset: Option<usize>,
    /// Test on this many images only.
    #[arg(long)]
    test_subset: Option<usize>,
    /// Divide every channel count and hidden width by this.
    #[arg(long)]
    width_divisor: Option<usize>,
    /// Random shifts (and, for CIFAR, flips) of training images: true or false.
    #[arg(long)]
    augment: Option<bool>,
    /// GAAF's frequency constant K.
    #[arg(long)]
    gaaf_k: Option<f64>,
}

fn parse_conv_variant(s: &str) -> Result<ConvVariant, String> {
    ConvVariant::ALL
        .into_iter()
        .find(|v| v.name() == s)
        .ok_or_else(|| format!("unknown variant {s:?} (base, bn, gaaf, bn-gaaf)"))
}

#[derive(Args)]
struct MnistArgs {
    /// Output folder (runs/, checkpoints/, the report) [default: results/mnist,
    /// or results/mnist-quick with --quick].
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    sweep: SweepArgs,
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
        // A diverged run is a configuration to change, not a fault: say how.
        let hint = match err.downcast_ref::<gaaf_repro::Error>() {
            Some(gaaf_repro::Error::Diverged { .. }) => {
                " (the other runs were saved; a smaller --lr for that variant may help, \
                 see gaaf-repro/docs/conv-defaults.md)"
            }
            _ => "",
        };
        eprintln!("error: {err:#}{hint}");
        std::process::exit(1);
    }
}

fn run(cli: Cli) -> Result<()> {
    let command = std::env::args().collect::<Vec<_>>().join(" ");
    let a = match cli.experiment {
        Experiment::Mnist(a) => a,
        Experiment::Cifar10(a) => return run_conv(ConvDataset::Cifar10, a, command),
        Experiment::Cifar100(a) => return run_conv(ConvDataset::Cifar100, a, command),
        Experiment::Svhn(a) => return run_conv(ConvDataset::Svhn, a, command),
    };
    let out = a.out.unwrap_or_else(|| {
        PathBuf::from(if a.quick {
            "results/mnist-quick"
        } else {
            "results/mnist"
        })
    });
    let opts = MnistOptions {
        out,
        data_dir: a.sweep.data_dir,
        seeds: a.seeds,
        variants: a.variants,
        quick: a.quick,
        shard: a.sweep.shard,
        jobs: a.sweep.jobs,
        merge_only: a.sweep.merge_only,
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

fn run_conv(dataset: ConvDataset, a: ConvArgs, command: String) -> Result<()> {
    let name = dataset.name();
    let out = a.out.unwrap_or_else(|| {
        PathBuf::from(if a.quick {
            format!("results/{name}-quick")
        } else {
            format!("results/{name}")
        })
    });
    let opts = ConvOptions {
        dataset,
        out,
        data_dir: a.sweep.data_dir,
        seeds: a.seeds,
        variants: a.variants,
        quick: a.quick,
        shard: a.sweep.shard,
        jobs: a.sweep.jobs,
        merge_only: a.sweep.merge_only,
        device: a.device,
        overrides: ConvOverrides {
            lr: a.lr,
            momentum: a.momentum,
            weight_decay: a.weight_decay,
            batch_size: a.batch_size,
            max_epochs: a.max_epochs,
            patience: a.patience,
            val_size: a.val_size,
            train_subset: a.train_subset,
            test_subset: a.test_subset,
            width_divisor: a.width_divisor,
            augment: a.augment,
            gaaf_k: a.gaaf_k,
        },
        command,
    };
    let summary = conv::run_conv(&opts).context(name)?;
    eprintln!(
        "{} run(s) ({} reused); report in {}",
        summary.runs.len(),
        summary.reused,
        summary.report_dir.display()
    );
    Ok(())
}
