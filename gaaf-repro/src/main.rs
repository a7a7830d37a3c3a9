//! `gaaf-repro`: runs the paper's experiments. `gaaf-repro --help` lists
//! them; `gaaf-repro <experiment> --help` shows an experiment's flags.
//!
//! Every flag value is checked before any work; a bad one ends the program
//! with one line naming the flag and a non-zero exit status.

use anyhow::{Context, Result};
use clap::error::ErrorKind;
use clap::{Args, Parser, Subcommand};
use gaaf_repro::conv;
use gaaf_repro::mnist;
use gaaf_repro::sweep::{slurm, CommonOverrides, DeviceChoice, Shard, SweepOptions, Swept};
use std::path::PathBuf;

/// Reproduces Hahn & Choi, "Understanding Dropout as an Optimization Trick".
/// `gaaf-repro <experiment> --help` shows an experiment's flags.
#[derive(Parser)]
#[command(name = "gaaf-repro", version, about, arg_required_else_help = true)]
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
    /// Table 5's protocol on MNIST padded to 32 x 32 (not in the paper):
    /// the SVHN model, or the VGG-like one with --model vgg-like.
    Mnist32(ConvArgs),
}

/// The flags every experiment's sweep takes.
#[derive(Args)]
struct SweepArgs {
    /// Output folder (runs/, checkpoints/, the report) [default:
    /// output/<experiment>, or output/<experiment>-quick with --quick; the
    /// committed reference results are in results/<experiment>/].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Where the data is [default: $GAAF_DATA_DIR, else ./data].
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Seeds 0..N [default: 5 for mnist (1 with --quick), 1 for the others].
    #[arg(long)]
    seeds: Option<u64>,
    /// Run every N-th run starting at I (0-based), e.g. 2/4, for job arrays
    /// [default: inside a Slurm array task, the task's place in the array
    /// (SLURM_ARRAY_TASK_ID of SLURM_ARRAY_TASK_COUNT); else 0/1].
    #[arg(long)]
    shard: Option<Shard>,
    /// Runs side by side, one matmul thread each (unless RAYON_NUM_THREADS
    /// is set).
    #[arg(long, default_value_t = 1)]
    jobs: usize,
    /// Only build the report from OUT/runs/*.json.
    #[arg(long)]
    merge_only: bool,
    /// A small sweep to check the pipeline, not comparable to the paper
    /// (mnist: 1 seed, 10,000 training and 2,000 test images, at most 4
    /// epochs; the others: widths / 8, 2,000 training images, at most 3
    /// epochs).
    #[arg(long)]
    quick: bool,
    #[command(flatten)]
    slurm: SlurmArgs,
}

/// Submitting the sweep as a Slurm job array instead of running it here.
#[derive(Args, Clone)]
struct SlurmArgs {
    /// Write OUT/slurm/array.sbatch (a job array, one task per run) and
    /// OUT/slurm/merge.sbatch (the tables, after the array succeeds) and
    /// print them, instead of training. OUT must be on a file system every
    /// node reads and writes.
    #[arg(long)]
    slurm: bool,
    /// With --slurm: also submit both with sbatch (the merge job with
    /// --dependency=afterok on the array).
    #[arg(long, requires = "slurm")]
    submit: bool,
    /// Runs per array task.
    #[arg(long, value_name = "N", default_value_t = 1)]
    slurm_runs_per_task: usize,
    /// CPUs per array task (runs side by side within a task, one each).
    #[arg(long, value_name = "N", default_value_t = 1)]
    slurm_cpus_per_task: usize,
    /// Memory per array task, in Slurm's syntax.
    #[arg(long, value_name = "MEM", default_value = "4G")]
    slurm_mem: String,
    /// Time limit per array task, in Slurm's syntax.
    #[arg(long, value_name = "TIME", default_value = "24:00:00")]
    slurm_time: String,
    /// Partition [default: the cluster's].
    #[arg(long, value_name = "NAME")]
    slurm_partition: Option<String>,
    /// At most N array tasks at once.
    #[arg(long, value_name = "N")]
    slurm_max_parallel: Option<usize>,
}

/// The `--slurm-*` flags that take a value, and `--jobs` (each array task
/// sets its own from its CPUs): what the array's command line leaves out.
const SUBMIT_FLAGS_WITH_VALUES: &[&str] = &[
    "--slurm-runs-per-task",
    "--slurm-cpus-per-task",
    "--slurm-mem",
    "--slurm-time",
    "--slurm-partition",
    "--slurm-max-parallel",
    "--jobs",
];

impl SweepArgs {
    /// The sweep's options; `name` names the default output folder. The
    /// shard comes from `--shard`, else from a Slurm array task's
    /// environment (not for a merge, which reads every shard's runs).
    fn options(self, name: &str, command: String) -> gaaf_repro::Result<SweepOptions> {
        let quick = if self.quick { "-quick" } else { "" };
        let shard = if self.merge_only || self.slurm.slurm {
            self.shard.unwrap_or_default()
        } else {
            Shard::resolve(self.shard, |k| std::env::var(k).ok())?
        };
        Ok(SweepOptions {
            out: self
                .out
                .unwrap_or_else(|| PathBuf::from(format!("output/{name}{quick}"))),
            data_dir: self.data_dir,
            seeds: self.seeds,
            shard,
            jobs: self.jobs,
            merge_only: self.merge_only,
            command,
        })
    }
}

/// Writes the Slurm scripts of a sweep of `runs` runs into `out/slurm/`,
/// prints them, and with `--submit` submits them.
fn schedule(name: &str, slurm: &SlurmArgs, sweep: &SweepOptions, runs: usize) -> Result<()> {
    anyhow::ensure!(
        !sweep.merge_only,
        "--slurm writes the array and its merge job; leave out --merge-only"
    );
    let args: Vec<String> = std::env::args().skip(1).collect();
    anyhow::ensure!(
        !args
            .iter()
            .any(|a| a == "--shard" || a.starts_with("--shard=")),
        "--slurm gives each array task its shard; leave out --shard"
    );
    let mut args = slurm::strip_submit_flags(&args, SUBMIT_FLAGS_WITH_VALUES);
    let workdir = std::env::current_dir().context("the current directory")?;
    let out = workdir.join(&sweep.out);
    // The jobs may start elsewhere: give them absolute paths.
    if !args.iter().any(|a| a == "--out" || a.starts_with("--out=")) {
        args.extend(["--out".to_string(), out.display().to_string()]);
    }
    let binary = std::env::current_exe().context("the path of gaaf-repro")?;
    let cmd = slurm::SlurmCommand {
        binary: &binary,
        args: &args,
        workdir: &workdir,
        out: &out,
        name,
    };
    let opts = slurm::SlurmOptions {
        runs_per_task: slurm.slurm_runs_per_task,
        cpus_per_task: slurm.slurm_cpus_per_task,
        mem: slurm.slurm_mem.clone(),
        time: slurm.slurm_time.clone(),
        partition: slurm.slurm_partition.clone(),
        max_parallel: slurm.slurm_max_parallel,
    };
    let scripts = slurm::scripts(&cmd, runs, &opts);
    let (array, merge) = scripts.write()?;
    println!(
        "{}
{}",
        scripts.array, scripts.merge
    );
    eprintln!(
        "{runs} runs in {} array tasks: wrote {} and {}",
        scripts.tasks,
        array.display(),
        merge.display()
    );
    if slurm.submit {
        let (array_id, merge_id) = slurm::submit(&array, &merge)?;
        eprintln!(
            "submitted array job {array_id} and merge job {merge_id}; watch with \
             `squeue -u $USER`; the report will be in {}",
            out.display()
        );
    } else {
        eprintln!(
            "submit with: sbatch {} (then sbatch --dependency=afterok:<its id> {}), or rerun with --submit",
            array.display(),
            merge.display()
        );
    }
    Ok(())
}

/// The training flags every experiment takes.
#[derive(Args)]
struct TrainingArgs {
    /// Learning rate of SGD.
    #[arg(long)]
    lr: Option<f64>,
    /// Images per batch.
    #[arg(long)]
    batch_size: Option<usize>,
    /// Most epochs per run.
    #[arg(long)]
    max_epochs: Option<usize>,
    /// Epochs without a better validation accuracy before stopping; turns
    /// the plateau test off.
    #[arg(long)]
    patience: Option<usize>,
    /// Plateau test: stop when the mean validation accuracy of the last N
    /// epochs beats that of the N before by at most --plateau-rise.
    #[arg(long, value_name = "N")]
    plateau_window: Option<usize>,
    /// Plateau test: the largest rise that counts as flat, a fraction of the
    /// validation set (0.0002 = 0.02 points).
    #[arg(long)]
    plateau_rise: Option<f64>,
    /// Training images held out for validation.
    #[arg(long)]
    val_size: Option<usize>,
    /// Train on this many images only.
    #[arg(long)]
    train_subset: Option<usize>,
    /// Test on this many images only.
    #[arg(long)]
    test_subset: Option<usize>,
    /// GAAF's frequency constant K.
    #[arg(long)]
    gaaf_k: Option<f64>,
}

impl TrainingArgs {
    fn overrides(self) -> CommonOverrides {
        CommonOverrides {
            lr: self.lr,
            batch_size: self.batch_size,
            max_epochs: self.max_epochs,
            patience: self.patience,
            plateau_window: self.plateau_window,
            plateau_rise: self.plateau_rise,
            val_size: self.val_size,
            train_subset: self.train_subset,
            test_subset: self.test_subset,
            gaaf_k: self.gaaf_k,
        }
    }
}

#[derive(Args)]
struct MnistArgs {
    #[command(flatten)]
    sweep: SweepArgs,
    /// Comma-separated variants: base, dropout, gaaf, dropout-matched,
    /// base-lr-scaled, gaaf-shoulder [default: the first four].
    #[arg(long, value_delimiter = ',', value_parser = parse_mnist_variant)]
    variants: Vec<mnist::Variant>,
    /// Add the learning-rate controls to the sweep (per seed: base and GAAF
    /// at 0.5x, 2x and 4x the rate, base-lr-scaled, gaaf-shoulder, base and
    /// GAAF under Adam); they are reported in controls.md.
    #[arg(long)]
    controls: bool,
    /// Table 2 (Eq. 5) averages each run's first N epochs, the same N for
    /// every model.
    #[arg(long, value_name = "N", default_value_t = mnist::report::G_WINDOW)]
    g_window: usize,
    #[command(flatten)]
    training: TrainingArgs,
    /// Dropout rate (probability of dropping a unit), in [0, 1).
    #[arg(long)]
    dropout_p: Option<f64>,
    /// Width w of the GAAF shape exp(-x^2 / w).
    #[arg(long)]
    shape_width: Option<f64>,
    /// cpu, cuda or cuda:N (CUDA needs a build with --features cuda; the
    /// dropout-matched variant runs on the CPU only).
    #[arg(long, default_value = "cpu")]
    device: DeviceChoice,
}

#[derive(Args)]
struct ConvArgs {
    #[command(flatten)]
    sweep: SweepArgs,
    /// Comma-separated variants: base, bn, gaaf, bn-gaaf [default: all].
    #[arg(long, value_delimiter = ',', value_parser = parse_conv_variant)]
    variants: Vec<conv::Variant>,
    #[command(flatten)]
    training: TrainingArgs,
    /// cpu, cuda or cuda:N (CUDA needs a build with --features cuda).
    #[arg(long, default_value = "cpu")]
    device: DeviceChoice,
    /// Momentum of SGD, in [0, 1).
    #[arg(long)]
    momentum: Option<f64>,
    /// Weight decay on convolution and dense weights.
    #[arg(long)]
    weight_decay: Option<f64>,
    /// Divide every channel count and hidden width by this.
    #[arg(long)]
    width_divisor: Option<usize>,
    /// The architecture, when not the dataset's own: vgg-like or svhn-net.
    #[arg(long, value_parser = parse_architecture)]
    model: Option<conv::Architecture>,
    /// Random shifts (and, for CIFAR, flips) of training images: true or false.
    #[arg(long)]
    augment: Option<bool>,
}

fn parse_mnist_variant(s: &str) -> Result<mnist::Variant, String> {
    mnist::Variant::ALL
        .into_iter()
        .chain(mnist::Variant::CONTROLS)
        .find(|v| v.name() == s)
        .ok_or_else(|| {
            format!(
                "unknown variant {s:?} (base, dropout, gaaf, dropout-matched, \
                 base-lr-scaled, gaaf-shoulder)"
            )
        })
}

fn parse_architecture(s: &str) -> Result<conv::Architecture, String> {
    conv::Architecture::ALL
        .into_iter()
        .find(|m| m.name() == s)
        .ok_or_else(|| format!("unknown model {s:?} (vgg-like, svhn-net)"))
}

fn parse_conv_variant(s: &str) -> Result<conv::Variant, String> {
    conv::Variant::EVERY
        .into_iter()
        .find(|v| v.name() == s)
        .ok_or_else(|| {
            format!("unknown variant {s:?} (base, bn, gaaf, bn-gaaf, gaaf-sat, bn-gaaf-sat)")
        })
}

fn main() {
    // Parallelism comes from independent runs (--jobs), each with one matmul
    // thread, which also keeps results independent of the machine's core count.
    if std::env::var_os("RAYON_NUM_THREADS").is_none() {
        std::env::set_var("RAYON_NUM_THREADS", "1");
    }
    let cli = Cli::try_parse().unwrap_or_else(|e| match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => e.exit(),
        // One line, as for every other error: clap's first names the flag.
        _ => {
            let message = e.to_string();
            eprintln!(
                "{}",
                message.lines().next().unwrap_or("error: bad arguments")
            );
            std::process::exit(2)
        }
    });
    if let Err(err) = run(cli) {
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
    let (name, swept) = match cli.experiment {
        Experiment::Mnist(a) => ("mnist", run_mnist(a, command)),
        Experiment::Cifar10(a) => ("cifar10", run_conv(conv::Dataset::Cifar10, a, command)),
        Experiment::Cifar100(a) => ("cifar100", run_conv(conv::Dataset::Cifar100, a, command)),
        Experiment::Svhn(a) => ("svhn", run_conv(conv::Dataset::Svhn, a, command)),
        Experiment::Mnist32(a) => ("mnist32", run_conv(conv::Dataset::Mnist32, a, command)),
    };
    // `None`: the sweep went to Slurm.
    if let Some((runs, reused, report_dir)) = swept.context(name)? {
        eprintln!(
            "{runs} run(s) ({reused} reused); report in {}",
            report_dir.display()
        );
    }
    Ok(())
}

/// How many runs were reported on, how many reused, and where the report is.
type Done = (usize, usize, PathBuf);

fn done<O>(swept: Swept<O>) -> Done {
    (swept.runs.len(), swept.reused, swept.report_dir)
}

fn run_mnist(a: MnistArgs, command: String) -> Result<Option<Done>> {
    let slurm = a.sweep.slurm.slurm.then(|| a.sweep.slurm.clone());
    let opts = mnist::Options {
        quick: a.sweep.quick,
        controls: a.controls,
        g_window: a.g_window,
        sweep: a.sweep.options("mnist", command)?,
        variants: a.variants,
        overrides: mnist::Overrides {
            common: a.training.overrides(),
            dropout_p: a.dropout_p,
            shape_width: a.shape_width,
        },
    };
    if let Some(slurm) = slurm {
        schedule("mnist", &slurm, &opts.sweep, opts.configs()?.len())?;
        return Ok(None);
    }
    Ok(Some(mnist::run_on(&opts, a.device).map(done)?))
}

fn run_conv(dataset: conv::Dataset, a: ConvArgs, command: String) -> Result<Option<Done>> {
    let slurm = a.sweep.slurm.slurm.then(|| a.sweep.slurm.clone());
    let opts = conv::Options {
        dataset,
        quick: a.sweep.quick,
        sweep: a.sweep.options(dataset.name(), command)?,
        variants: a.variants,
        device: a.device,
        overrides: conv::Overrides {
            common: a.training.overrides(),
            momentum: a.momentum,
            weight_decay: a.weight_decay,
            width_divisor: a.width_divisor,
            augment: a.augment,
            model: a.model,
        },
    };
    if let Some(slurm) = slurm {
        schedule(dataset.name(), &slurm, &opts.sweep, opts.configs()?.len())?;
        return Ok(None);
    }
    Ok(Some(conv::run(&opts).map(done)?))
}
