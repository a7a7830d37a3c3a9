//! `cargo xtask data verify|fetch|synthetic`: check or download the
//! datasets, or write small synthetic ones in their published formats.

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use gaaf_data::{content_sha256, hex, mnist, DataDir, Dataset, DatasetKind, Error};
use std::path::PathBuf;

/// Arguments of `cargo xtask data`.
#[derive(Args)]
pub(crate) struct DataArgs {
    #[command(subcommand)]
    action: Action,
}

#[derive(Subcommand)]
enum Action {
    /// Parse every dataset present; print counts, label histograms and
    /// checksums. Missing datasets are reported, not failed, unless named.
    Verify(Common),
    /// Download datasets from their published locations, with checksums.
    Fetch(FetchArgs),
    /// Write a small synthetic dataset in the published format (learnable
    /// class patterns, see gaaf_data::synthetic), to try the pipeline where
    /// the real data is absent. It takes the real dataset's place in the
    /// folder, so use a folder of its own.
    Synthetic(SyntheticArgs),
}

#[derive(Args)]
struct SyntheticArgs {
    /// mnist, cifar10, cifar100 or svhn.
    #[arg(long)]
    dataset: String,
    /// The data folder to write into.
    #[arg(long)]
    data_dir: PathBuf,
    /// Training images.
    #[arg(long, default_value_t = 5_000)]
    train: usize,
    /// Test images.
    #[arg(long, default_value_t = 1_000)]
    test: usize,
    /// Seed of the generator.
    #[arg(long, default_value_t = 0)]
    seed: u64,
}

#[derive(Args)]
struct Common {
    /// One dataset: mnist, cifar10, cifar100 or svhn (default: all).
    #[arg(long)]
    dataset: Option<String>,
    /// The data folder (default: $GAAF_DATA_DIR, else ./data).
    #[arg(long)]
    data_dir: Option<PathBuf>,
}

#[derive(Args)]
struct FetchArgs {
    #[command(flatten)]
    common: Common,
    /// Also download SVHN's 1.3 GB extra split.
    #[arg(long)]
    svhn_extra: bool,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
}

pub(crate) fn run(args: &DataArgs) -> Result<()> {
    match &args.action {
        Action::Verify(common) => verify(common),
        Action::Fetch(fetch_args) => fetch(fetch_args),
        Action::Synthetic(a) => {
            let kind: DatasetKind = a.dataset.parse()?;
            let dir = DataDir::new(&a.data_dir);
            let spec = gaaf_data::synthetic::SyntheticSpec::new(a.train, a.test, a.seed);
            gaaf_data::synthetic::write(&dir, kind, &spec)?;
            println!(
                "wrote a synthetic {} ({} train, {} test images) to {}",
                kind.name(),
                a.train,
                a.test,
                dir.dataset_dir(kind).display()
            );
            Ok(())
        }
    }
}

/// The `--help` text that lists the datasets and where each lives.
pub(crate) fn help() -> String {
    let kinds: Vec<String> = DatasetKind::ALL
        .iter()
        .map(|k| format!("{} (<data>/{}/)", k.name(), k.folder()))
        .collect();
    format!(
        "Datasets (--dataset): {}. The data folder is --data-dir, else ${}, else ./data.",
        kinds.join(", "),
        gaaf_data::DATA_DIR_ENV
    )
}

fn selection(common: &Common) -> Result<(DataDir, Vec<DatasetKind>, bool)> {
    let dir = DataDir::resolve(common.data_dir.clone());
    match &common.dataset {
        Some(name) => Ok((dir, vec![name.parse()?], true)),
        None => Ok((dir, DatasetKind::ALL.to_vec(), false)),
    }
}

fn verify(common: &Common) -> Result<()> {
    let (dir, kinds, explicit) = selection(common)?;
    println!("data folder: {}", dir.path().display());
    for kind in kinds {
        let splits = match gaaf_data::load(&dir, kind) {
            Ok(splits) => splits,
            Err(err @ Error::MissingFile { .. }) if !explicit => {
                println!("{kind}: not present, skipped: {err}");
                continue;
            }
            Err(err) => return Err(err).with_context(|| format!("{kind}")),
        };
        println!("{kind}: ok");
        for split in [&splits.train, &splits.test] {
            report(split);
        }
        if kind == DatasetKind::Mnist {
            check_mnist_files(&dir)?;
        }
    }
    Ok(())
}

fn report(data: &Dataset) {
    let (_, c, h, w) = data.images().dim();
    let hist: Vec<String> = data
        .label_histogram()
        .iter()
        .map(|n| n.to_string())
        .collect();
    println!(
        "  {:<16} {:>6} images {c}x{h}x{w}  content sha256 {}",
        data.name(),
        data.len(),
        hex(&data.checksum())
    );
    println!(
        "  {:<16} labels 0..{}: {}",
        "",
        data.classes() - 1,
        hist.join(" ")
    );
}

/// Compares each MNIST file's decompressed SHA-256 with the published table.
fn check_mnist_files(dir: &DataDir) -> Result<()> {
    for (name, expected) in mnist::SHA256 {
        let path = mnist::file_path(dir, name)?;
        let actual = hex(&content_sha256(&path)?);
        if actual != expected {
            bail!(
                "{}: content SHA-256 {actual}, expected the published {expected}",
                path.display()
            );
        }
        println!("  file {name:<24} content sha256 {actual} (matches the published value)");
    }
    Ok(())
}

#[cfg(feature = "fetch")]
fn fetch(args: &FetchArgs) -> Result<()> {
    let (dir, kinds, _) = selection(&args.common)?;
    let opts = gaaf_data::fetch::FetchOptions {
        progress: !args.quiet,
        svhn_extra: args.svhn_extra,
        ..Default::default()
    };
    for kind in kinds {
        eprintln!("{kind}: fetching into {}", dir.dataset_dir(kind).display());
        gaaf_data::fetch::fetch(&dir, kind, &opts)?;
        gaaf_data::load(&dir, kind).with_context(|| format!("{kind} downloaded but"))?;
        eprintln!("{kind}: ok");
    }
    Ok(())
}

#[cfg(not(feature = "fetch"))]
fn fetch(_: &FetchArgs) -> Result<()> {
    bail!("xtask was built without its `fetch` feature: run `cargo run -p xtask --features fetch -- data fetch`")
}
