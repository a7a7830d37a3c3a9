//! The same work timed in PyTorch (`gaaf-bench/python/vs_torch.py`), for the
//! report's Rust/PyTorch column.

use anyhow::{bail, Context, Result};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// Runs the PyTorch script when torch imports; `None` (with a line saying so)
/// when it does not.
pub(super) fn run(root: &Path, quick: bool) -> Result<Option<Value>> {
    let importable = Command::new("python3")
        .args(["-c", "import torch"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !importable {
        println!("SKIPPED: torch not importable (`python3 -c \"import torch\"` failed)");
        return Ok(None);
    }
    let script = root.join("gaaf-bench/python/vs_torch.py");
    let mut cmd = Command::new("python3");
    cmd.arg(&script).args(["--threads", "1"]);
    if quick {
        cmd.arg("--quick");
    }
    eprintln!(
        "$ python3 {} --threads 1{}",
        script.display(),
        if quick { " --quick" } else { "" }
    );
    let out = cmd
        .env("OMP_NUM_THREADS", "1")
        .output()
        .with_context(|| format!("could not run {}", script.display()))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        bail!(
            "{} failed ({}): {}",
            script.display(),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    if stdout.starts_with("SKIPPED") {
        println!("{}", stdout.trim());
        return Ok(None);
    }
    let value =
        serde_json::from_str(&stdout).context("could not parse the PyTorch script's JSON")?;
    Ok(Some(value))
}
