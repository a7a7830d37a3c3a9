//! `cargo xtask ci`: the checks every change must pass, in the order that fails
//! fastest.

use crate::util::{cargo, exec};
use anyhow::{Context, Result};
use std::process::Command;

/// The bare-metal target that proves `gaaf-core` and `gaaf-shapes` are `no_std`.
const NO_STD_TARGET: &str = "thumbv7em-none-eabihf";

/// Crates that must build without `std` (and without `alloc`).
const NO_STD_CRATES: &[&str] = &["gaaf-core", "gaaf-shapes"];

/// Crates published to crates.io; `cargo package` must succeed for them.
const PUBLISHED_CRATES: &[&str] = &["gaaf-core", "gaaf-shapes"];

/// Options of `cargo xtask ci`.
#[derive(clap::Args)]
pub(crate) struct CiArgs {
    /// Skip `cargo package` (it resolves dependencies against the registry).
    #[arg(long)]
    no_package: bool,
}

pub(crate) fn run(args: &CiArgs) -> Result<()> {
    exec(cargo().args(["fmt", "--all", "--", "--check"]))?;
    exec(cargo().args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    exec(cargo().args(["test", "--workspace"]))?;
    quick_repro()?;
    no_std_build()?;
    if !args.no_package {
        package()?;
    }
    Ok(())
}

/// The MNIST reproduction end to end in `--quick` mode (every table and
/// figure from one seed, a subset and a few epochs), on the real MNIST when
/// `GAAF_DATA_DIR` holds it; without it the step says so and is skipped.
fn quick_repro() -> Result<()> {
    let data = std::env::var_os(gaaf_data::DATA_DIR_ENV).map(std::path::PathBuf::from);
    let Some(data) = data.filter(|d| d.join("mnist").is_dir()) else {
        eprintln!(
            "SKIPPED: quick MNIST reproduction: set {} to a folder holding mnist/",
            gaaf_data::DATA_DIR_ENV
        );
        return Ok(());
    };
    let out = crate::util::workspace_root()
        .join("target")
        .join("ci-repro-quick");
    // A fresh folder: the run must train, not reuse an earlier result.
    if out.exists() {
        std::fs::remove_dir_all(&out).with_context(|| format!("removing {}", out.display()))?;
    }
    let mut args: Vec<std::ffi::OsString> = ["mnist", "--quick", "--data-dir"]
        .into_iter()
        .map(Into::into)
        .collect();
    args.push(data.into());
    args.push("--out".into());
    args.push(out.clone().into());
    crate::repro::run_binary(&args)?;
    for file in [
        "table1.md",
        "table2.md",
        "table3.md",
        "table4.md",
        "fig1.svg",
        "fig3.svg",
        "fig6.svg",
        "report.md",
    ] {
        anyhow::ensure!(
            out.join(file).is_file(),
            "the quick reproduction wrote no {file}"
        );
    }
    Ok(())
}

/// Builds the `no_std` crates for a bare-metal target. Installing the target
/// needs the network; without it the step says so and is skipped, not failed.
fn no_std_build() -> Result<()> {
    let installed = Command::new("rustup")
        .args(["target", "add", NO_STD_TARGET])
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !installed {
        eprintln!("SKIPPED: no_std build: `rustup target add {NO_STD_TARGET}` failed");
        return Ok(());
    }
    let mut cmd = cargo();
    // Their default `std` feature (runtime kernel dispatch) needs `std`.
    cmd.args(["build", "--no-default-features", "--target", NO_STD_TARGET]);
    for krate in NO_STD_CRATES {
        cmd.args(["-p", krate]);
    }
    exec(&mut cmd)
}

/// Packages the publishable crates together, so that each one's path
/// dependencies on the others resolve to the freshly packaged versions.
fn package() -> Result<()> {
    forget_packaged_sources()?;
    let mut cmd = cargo();
    cmd.args(["package", "--allow-dirty", "--target-dir"]);
    cmd.arg(packaging_target_dir());
    for krate in PUBLISHED_CRATES {
        cmd.args(["-p", krate]);
    }
    exec(&mut cmd)
}

/// Removes what cargo kept from an earlier `cargo package`: the sources it
/// unpacked from its temporary registry and the builds it verified them with.
/// Cargo keys both by name and version only, so after a code change without a
/// version bump it would verify `gaaf-shapes` against a stale `gaaf-core`.
fn forget_packaged_sources() -> Result<()> {
    let packaged = packaging_target_dir();
    if packaged.exists() {
        std::fs::remove_dir_all(&packaged)
            .with_context(|| format!("removing {}", packaged.display()))?;
    }
    let home = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::Path::new(&h).join(".cargo")));
    let Some(src) = home.map(|h| h.join("registry").join("src")) else {
        return Ok(());
    };
    let Ok(registries) = std::fs::read_dir(&src) else {
        return Ok(());
    };
    for registry in registries.flatten() {
        // crates.io's sources are real releases; only local registries go.
        if registry.file_name().to_string_lossy().starts_with("index.") {
            continue;
        }
        for krate in std::fs::read_dir(registry.path())?.flatten() {
            let name = krate.file_name();
            if PUBLISHED_CRATES
                .iter()
                .any(|c| name.to_string_lossy().starts_with(&format!("{c}-")))
            {
                std::fs::remove_dir_all(krate.path())
                    .with_context(|| format!("removing {}", krate.path().display()))?;
            }
        }
    }
    Ok(())
}

/// A build folder for packaging alone, emptied before each run, so that the
/// verification never reuses a build of an older `gaaf-core` 0.1.0.
fn packaging_target_dir() -> std::path::PathBuf {
    crate::util::workspace_root()
        .join("target")
        .join("packaging")
}
