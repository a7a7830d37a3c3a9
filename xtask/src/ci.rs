//! `cargo xtask ci`: the checks every change must pass, in the order that fails
//! fastest.
//!
//! The steps share builds where they can, because on a small machine the
//! builds are most of CI's time: `cargo test` builds the workspace once (test
//! profile, optimised), and the quick reproduction runs the `gaaf-repro`
//! binary from that same build instead of a third, release build; packaging
//! verifies by building only the crates whose dependencies are small (see
//! [`package`]).

use crate::util::{cargo, exec};
use anyhow::{Context, Result};
use std::process::Command;

/// The bare-metal target that proves `gaaf-core` and `gaaf-shapes` are `no_std`.
const NO_STD_TARGET: &str = "thumbv7em-none-eabihf";

/// Crates that must build without `std` (and without `alloc`).
const NO_STD_CRATES: &[&str] = &["gaaf-core", "gaaf-shapes"];

/// Crates published to crates.io; `cargo package` must succeed for them.
const PUBLISHED_CRATES: &[&str] = &[
    "gaaf-core",
    "gaaf-shapes",
    "gaaf-data",
    "gaaf-dfdx",
    "gaaf-candle",
    "gaaf-burn",
];

/// The published crates whose packages are verified by building them: those
/// whose dependencies build in seconds. gaaf-dfdx, gaaf-candle and gaaf-burn
/// are packaged without that build (it would compile dfdx, candle and burn
/// once more, several minutes on two cores): the test step has just compiled the
/// same sources, and packaging still checks their manifests and resolves
/// their dependencies against the freshly packaged gaaf crates.
const VERIFIED_CRATES: &[&str] = &["gaaf-core", "gaaf-shapes", "gaaf-data"];

/// The `--help` text that lists the steps, in order.
pub(crate) fn help() -> String {
    let steps = [
        ("fmt", "cargo fmt --all --check".to_owned()),
        (
            "clippy",
            "cargo clippy --workspace --all-targets -- -D warnings".to_owned(),
        ),
        (
            "test",
            "cargo test --workspace (unit, integration and doc tests)".to_owned(),
        ),
        (
            "repro",
            format!(
                "gaaf-repro mnist --quick, from the test build (skipped without ${}/mnist)",
                gaaf_data::DATA_DIR_ENV
            ),
        ),
        (
            "slurm",
            "the quick MNIST sweep as a job array on a local single-node Slurm \
             (scripts/slurm/local-cluster.sh), one task requeued mid-run, then the merge job; \
             its tables must equal the local ones (skipped without root or MNIST)"
                .to_owned(),
        ),
        (
            "no-std",
            format!(
                "cargo build --no-default-features --target {NO_STD_TARGET} for {}",
                NO_STD_CRATES.join(", ")
            ),
        ),
        (
            "package",
            format!(
                "cargo package for {} (verified by a build: {}; skipped with --no-package)",
                PUBLISHED_CRATES.join(", "),
                VERIFIED_CRATES.join(", ")
            ),
        ),
    ];
    let mut s = String::from("Steps, in order:\n");
    for (i, (name, what)) in steps.iter().enumerate() {
        s.push_str(&format!("  {}. {name}: {what}\n", i + 1));
    }
    s
}

/// Options of `cargo xtask ci`.
#[derive(clap::Args)]
pub(crate) struct CiArgs {
    /// Skip `cargo package` (it resolves dependencies against the registry).
    #[arg(long)]
    no_package: bool,
}

pub(crate) fn run(args: &CiArgs) -> Result<()> {
    exec(cargo().args(["fmt", "--all", "--", "--check"]))?;
    exec(ci_cargo().args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    exec(ci_cargo().args(["test", "--workspace"]))?;
    if let Some((repro, data, local)) = quick_repro()? {
        crate::slurm::integration_test(&repro, &data, &local)?;
    }
    no_std_build()?;
    if !args.no_package {
        package()?;
    }
    Ok(())
}

/// A cargo command for CI's builds: without incremental compilation, which
/// only pays off on the next build of the same crates (CI starts clean; the
/// variable is left alone where the caller set it).
fn ci_cargo() -> Command {
    let mut cmd = cargo();
    if std::env::var_os("CARGO_INCREMENTAL").is_none() {
        cmd.env("CARGO_INCREMENTAL", "0");
    }
    cmd
}

/// The MNIST reproduction end to end in `--quick` mode (every table and
/// figure from one seed, a subset and a few epochs), on the real MNIST when
/// `GAAF_DATA_DIR` holds it; without it the step says so and is skipped.
/// Returns the binary, the data folder and the output folder, for the Slurm
/// test to compare against.
fn quick_repro() -> Result<Option<(std::path::PathBuf, std::path::PathBuf, std::path::PathBuf)>> {
    let data = std::env::var_os(gaaf_data::DATA_DIR_ENV).map(std::path::PathBuf::from);
    let Some(data) = data.filter(|d| d.join("mnist").is_dir()) else {
        eprintln!(
            "SKIPPED: quick MNIST reproduction: set {} to a folder holding mnist/",
            gaaf_data::DATA_DIR_ENV
        );
        return Ok(None);
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
    args.push(data.clone().into());
    args.push("--out".into());
    args.push(out.clone().into());
    // Optimised, with debug assertions on: stricter than release, and the
    // quick run's results are the same.
    let repro = test_built_repro()?;
    exec(Command::new(&repro).args(&args))?;
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
    Ok(Some((repro, data, out)))
}

/// The `gaaf-repro` binary of the test step's build. `cargo test --workspace
/// --no-run` repeats that build, which is up to date, and names the
/// executables it holds. (Not `cargo run --profile test -p gaaf-repro`: with
/// one package selected cargo resolves features without the other members'
/// dev-dependencies, and that rebuilt getrandom, gemm, candle and tokenizers.)
fn test_built_repro() -> Result<std::path::PathBuf> {
    let mut cmd = ci_cargo();
    cmd.args(["test", "--workspace", "--no-run", "--message-format=json"]);
    eprintln!("$ cargo test --workspace --no-run --message-format=json (the gaaf-repro binary)");
    let out = cmd
        .stderr(std::process::Stdio::inherit())
        .output()
        .context("could not start cargo")?;
    anyhow::ensure!(
        out.status.success(),
        "`cargo test --workspace --no-run` failed ({})",
        out.status
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .find(|m| {
            m["reason"] == "compiler-artifact"
                && m["target"]["name"] == "gaaf-repro"
                && m["target"]["kind"]
                    .as_array()
                    .is_some_and(|k| k.iter().any(|k| k == "bin"))
                && m["profile"]["test"] == false
        })
        .and_then(|m| m["executable"].as_str().map(std::path::PathBuf::from))
        .context("the test build has no gaaf-repro binary")
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
///
/// Two runs: the crates in [`VERIFIED_CRATES`] with cargo's verification
/// build, then all of them without it (each run needs the crates the others
/// depend on in its own local registry, so the small ones are packaged twice,
/// in well under a second).
fn package() -> Result<()> {
    forget_packaged_sources()?;
    for (crates, verify) in [(VERIFIED_CRATES, true), (PUBLISHED_CRATES, false)] {
        let mut cmd = ci_cargo();
        cmd.args(["package", "--allow-dirty", "--target-dir"]);
        cmd.arg(packaging_target_dir());
        if !verify {
            cmd.arg("--no-verify");
        }
        for krate in crates {
            cmd.args(["-p", krate]);
        }
        exec(&mut cmd)?;
    }
    Ok(())
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
