//! Helpers shared by the tasks: the workspace root and running cargo.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace root, found from this crate's manifest so that tasks work from
/// any current directory.
pub(crate) fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one folder below the workspace root")
        .to_path_buf()
}

/// A `cargo` command rooted at the workspace, using the cargo that runs xtask.
pub(crate) fn cargo() -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(workspace_root());
    // Tests and benches run with their own package as the working directory,
    // so a relative data folder (`GAAF_DATA_DIR=../shared/data`, say) is
    // made absolute against the directory xtask was started from.
    if let Some(dir) = std::env::var_os(gaaf_data::DATA_DIR_ENV) {
        let dir = PathBuf::from(dir);
        if dir.is_relative() {
            if let Ok(cwd) = std::env::current_dir() {
                cmd.env(gaaf_data::DATA_DIR_ENV, cwd.join(dir));
            }
        }
    }
    cmd
}

/// Runs `cmd`, echoing it first and its wall time after (CI's time is these
/// steps; the log says which one to work on), and fails with its exit status.
pub(crate) fn exec(cmd: &mut Command) -> Result<()> {
    eprintln!("$ {}", show(cmd));
    let started = std::time::Instant::now();
    let status = cmd
        .status()
        .with_context(|| format!("could not start `{}`", show(cmd)))?;
    if !status.success() {
        bail!("`{}` failed ({status})", show(cmd));
    }
    eprintln!("  ({:.1} s)", started.elapsed().as_secs_f64());
    Ok(())
}

fn show(cmd: &Command) -> String {
    let mut parts = vec![cmd.get_program().to_string_lossy().into_owned()];
    parts.extend(cmd.get_args().map(|a| a.to_string_lossy().into_owned()));
    parts.join(" ")
}
