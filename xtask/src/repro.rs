//! `cargo xtask repro <experiment> [args...]`: the paper's experiments, through
//! the `gaaf-repro` binary built in release (training in debug would be far too
//! slow). Every argument after the experiment goes to the binary unchanged, so
//! `cargo xtask repro mnist --help` is the binary's own help for `mnist`.

use crate::util::{cargo, exec};
use anyhow::Result;
use clap::Args;
use std::io::Write;

/// What `cargo xtask repro --help` (and `cargo xtask repro` alone) says: the
/// experiments the `gaaf-repro` binary runs, as its subcommands.
const EXPERIMENTS: &str = "\
Experiments:
  mnist     Section 5.1, Tables 1-4, Figures 1, 3 and 6: the MNIST MLP as base,
            dropout, GAAF and dropout-matched GAAF
  cifar10   Table 5 on CIFAR-10: the VGG-like model, base, +BN, +GAAF, +BN +GAAF
  cifar100  Table 5 on CIFAR-100 (fine labels): the VGG-like model, four variants
  svhn      Table 5 on SVHN: the four-convolution model, four variants
  mnist32   Table 5's protocol on MNIST padded to 32x32 (not in the paper): the
            SVHN model, or the VGG-like one with --model vgg-like

`cargo xtask repro <experiment> --help` shows an experiment's flags (--quick,
--seeds, --jobs, --shard, --slurm, --out, the training settings). A run
writes into output/<experiment> (output/<experiment>-quick with --quick)
unless --out says otherwise; the committed reference results are in
results/<experiment>/. docs/cluster.md: the sweeps on Slurm and other
schedulers.";

/// Arguments of `cargo xtask repro`.
#[derive(Args)]
#[command(
    override_usage = "cargo xtask repro <EXPERIMENT> [ARGS]...",
    after_help = EXPERIMENTS
)]
pub(crate) struct ReproArgs {
    /// The experiment and its arguments, e.g. `mnist --quick`.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
}

/// Runs `cargo run --release -p gaaf-repro --bin gaaf-repro -- <args>`, or
/// with no arguments lists the experiments.
pub(crate) fn run(args: &ReproArgs) -> Result<()> {
    if args.args.is_empty() {
        // Ignored: a closed stdout (`| head`) leaves nothing to tell.
        let _ = writeln!(
            std::io::stdout(),
            "Usage: cargo xtask repro <EXPERIMENT> [ARGS]...\n\n{EXPERIMENTS}"
        );
        return Ok(());
    }
    run_binary(&args.args)
}

/// Runs the `gaaf-repro` binary, built in release, with `args`.
pub(crate) fn run_binary<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Result<()> {
    let mut cmd = cargo();
    cmd.args([
        "run",
        "--release",
        "-p",
        "gaaf-repro",
        "--bin",
        "gaaf-repro",
        "--",
    ]);
    cmd.args(args);
    exec(&mut cmd)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{Command, FromArgMatches};

    fn parse(args: &[&str]) -> Result<ReproArgs, clap::Error> {
        let cmd = ReproArgs::augment_args(Command::new("repro"));
        let matches = cmd.try_get_matches_from(args)?;
        ReproArgs::from_arg_matches(&matches)
    }

    #[test]
    fn an_experiments_flags_and_help_go_to_the_binary() {
        let args = parse(&["repro", "mnist", "--help"]).unwrap();
        assert_eq!(args.args, ["mnist", "--help"]);
        let args = parse(&["repro", "svhn", "--quick", "--jobs", "2"]).unwrap();
        assert_eq!(args.args, ["svhn", "--quick", "--jobs", "2"]);
    }

    #[test]
    fn the_help_lists_every_experiment() {
        let Err(help) = parse(&["repro", "--help"]) else {
            panic!("--help is not forwarded without an experiment");
        };
        let help = help.to_string();
        for experiment in ["mnist", "cifar10", "cifar100", "svhn", "mnist32"] {
            assert!(help.contains(experiment), "{help}");
        }
        assert!(
            help.contains("cargo xtask repro <experiment> --help"),
            "{help}"
        );
    }
}
