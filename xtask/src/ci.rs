//! `cargo xtask ci`: the checks every change must pass, in the order that fails
//! fastest.

use crate::util::{cargo, exec};
use anyhow::Result;
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
    no_std_build()?;
    if !args.no_package {
        package()?;
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
    cmd.args(["build", "--target", NO_STD_TARGET]);
    for krate in NO_STD_CRATES {
        cmd.args(["-p", krate]);
    }
    exec(&mut cmd)
}

/// Packages the publishable crates together, so that each one's path
/// dependencies on the others resolve to the freshly packaged versions.
fn package() -> Result<()> {
    let mut cmd = cargo();
    cmd.args(["package", "--allow-dirty"]);
    for krate in PUBLISHED_CRATES {
        cmd.args(["-p", krate]);
    }
    exec(&mut cmd)
}
