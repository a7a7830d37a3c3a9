//! The same work timed in PyTorch (`gaaf-bench/python/vs_torch.py`), for the
//! report's Rust/PyTorch column.

use anyhow::{bail, Context, Result};
use serde_json::Value;
use std::ffi::OsString;
use std::path::Path;
use std::process::Command;

/// The environment variable naming the Python interpreter that runs the
/// script (one with torch and numpy installed); `python3` when unset.
pub(super) const PYTHON_ENV: &str = "GAAF_PYTHON";

/// How to get a Python with torch, printed when torch does not import.
const INSTALL_HINT: &str = "to install it: `python3 -m venv ~/torch-venv && \
     ~/torch-venv/bin/pip install torch numpy`, then \
     `GAAF_PYTHON=~/torch-venv/bin/python cargo xtask bench --vs-torch`";

/// The Python interpreter: `$GAAF_PYTHON`, else `python3`.
fn python() -> OsString {
    python_from(std::env::var_os(PYTHON_ENV))
}

fn python_from(var: Option<OsString>) -> OsString {
    var.filter(|p| !p.is_empty())
        .unwrap_or_else(|| "python3".into())
}

/// Runs the PyTorch script when torch imports; `None` (with a line saying so,
/// and how to install torch) when it does not. `filter` is the benchmarks'
/// regular expression: the script times only the rows it matches; it reads
/// MNIST from `data_dir`.
pub(super) fn run(
    root: &Path,
    quick: bool,
    filter: Option<&str>,
    data_dir: &Path,
) -> Result<Option<Value>> {
    let python = python();
    let shown = python.to_string_lossy().into_owned();
    let importable = Command::new(&python)
        .args(["-c", "import torch, numpy"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !importable {
        println!(
            "SKIPPED: torch not importable (`{shown} -c \"import torch, numpy\"` failed; \
             ${PYTHON_ENV} names the Python to use); {INSTALL_HINT}"
        );
        return Ok(None);
    }
    let script = root.join("gaaf-bench/python/vs_torch.py");
    let mut cmd = Command::new(&python);
    cmd.arg(&script).args(["--threads", "1"]);
    if quick {
        cmd.arg("--quick");
    }
    if let Some(f) = filter {
        cmd.args(["--filter", f]);
    }
    eprintln!(
        "$ {shown} {} --threads 1{}{}",
        script.display(),
        if quick { " --quick" } else { "" },
        filter.map_or_else(String::new, |f| format!(" --filter '{f}'")),
    );
    let out = cmd
        .env("OMP_NUM_THREADS", "1")
        .env(gaaf_data::DATA_DIR_ENV, data_dir)
        .output()
        .with_context(|| format!("could not run {shown} {}", script.display()))?;
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
        println!("{}; {INSTALL_HINT}", stdout.trim());
        return Ok(None);
    }
    let value: Value =
        serde_json::from_str(&stdout).context("could not parse the PyTorch script's JSON")?;
    for line in value["skipped"].as_array().into_iter().flatten() {
        println!("SKIPPED (PyTorch): {}", line.as_str().unwrap_or_default());
    }
    Ok(Some(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_python_is_gaaf_python_else_python3() {
        assert_eq!(python_from(None), "python3");
        assert_eq!(python_from(Some("".into())), "python3");
        assert_eq!(
            python_from(Some("/opt/venv/bin/python".into())),
            "/opt/venv/bin/python"
        );
    }

    #[test]
    fn the_install_hint_names_the_variable() {
        assert!(INSTALL_HINT.contains(PYTHON_ENV));
        assert!(INSTALL_HINT.contains("pip install torch numpy"));
    }
}
