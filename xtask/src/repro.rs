//! `cargo xtask repro <experiment> [args...]`: the paper's experiments, through
//! the `gaaf-repro` binary built in release (training in debug would be far too
//! slow). Every argument after the experiment goes to the binary unchanged.

use crate::util::{cargo, exec};
use anyhow::Result;
use clap::Args;

/// Arguments of `cargo xtask repro`.
#[derive(Args)]
pub(crate) struct ReproArgs {
    /// The experiment and its arguments, e.g. `mnist --quick`; see
    /// `cargo xtask repro mnist --help`.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, required = true)]
    args: Vec<String>,
}

/// Runs `cargo run --release -p gaaf-repro --bin gaaf-repro -- <args>`.
pub(crate) fn run(args: &ReproArgs) -> Result<()> {
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
