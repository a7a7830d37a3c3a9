//! `cargo xtask <task>`: the workspace's automation, written in Rust so that it
//! runs wherever cargo does (the cargo-xtask convention).
//!
//! Each task lives in its own module; `main` only parses the command line.

mod bench;
mod ci;
mod data;
mod repro;
mod slurm;
mod util;

use clap::{Parser, Subcommand};

/// The gaaf workspace's tasks.
#[derive(Parser)]
#[command(name = "cargo xtask", version, about)]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Benchmarks: gaaf-bench's criterion benches in release, reported as one
    /// Markdown table (and JSON) with rates, copy-bandwidth shares and ratios.
    #[command(after_help = bench::help())]
    Bench(bench::BenchArgs),
    /// Everything CI checks: formatting, clippy, tests, doc tests, the quick
    /// MNIST reproduction, the no_std build and packaging of the library crates.
    #[command(after_help = ci::help())]
    Ci(ci::CiArgs),
    /// Datasets: `verify` parses what is present, `fetch` downloads,
    /// `synthetic` writes a small stand-in in the published format.
    #[command(after_help = data::help())]
    Data(data::DataArgs),
    /// The paper's experiments, in release: `cargo xtask repro mnist [--quick] ...`.
    Repro(repro::ReproArgs),
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.task {
        Task::Bench(args) => bench::run(&args),
        Task::Ci(args) => ci::run(&args),
        Task::Data(args) => data::run(&args),
        Task::Repro(args) => repro::run(&args),
    };
    if let Err(err) = result {
        // One line, non-zero exit: the chain of contexts reads as a sentence.
        eprintln!("error: {err:#}");
        std::process::exit(1);
    }
}
