//! A sweep as a Slurm job array: the sbatch scripts for the array (one task
//! per run, or per group of runs) and for the merge job that runs after it.
//!
//! Slurm is the engine: it places, retries and requeues the tasks; each task
//! runs the same `gaaf-repro` command, which finds its shard in the
//! environment Slurm sets ([`super::Shard::resolve`]), resumes its runs from
//! their checkpoints when a requeued task starts again, and writes only its
//! own runs' files. The merge job builds the tables with `--merge-only`,
//! which refuses to while any run is missing.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The resources and places of a sweep's Slurm jobs (`--slurm-*` flags).
#[derive(Debug, Clone, PartialEq)]
pub struct SlurmOptions {
    /// Runs per array task (the array has `ceil(runs / runs_per_task)`
    /// tasks).
    pub runs_per_task: usize,
    /// `--cpus-per-task` of each array task.
    pub cpus_per_task: usize,
    /// `--mem` of each array task, in Slurm's syntax (`4G`).
    pub mem: String,
    /// `--time` of each array task, in Slurm's syntax (`24:00:00`).
    pub time: String,
    /// `--partition`, when not the cluster's default.
    pub partition: Option<String>,
    /// At most this many tasks at once (`--array=...%N`).
    pub max_parallel: Option<usize>,
}

impl Default for SlurmOptions {
    /// One run per task on one CPU (training is single-threaded; the
    /// paper's MNIST run needs about 1 GB), a day each.
    fn default() -> Self {
        Self {
            runs_per_task: 1,
            cpus_per_task: 1,
            mem: "4G".into(),
            time: "24:00:00".into(),
            partition: None,
            max_parallel: None,
        }
    }
}

/// The two scripts of a sweep, and where they go.
#[derive(Debug, Clone, PartialEq)]
pub struct SlurmScripts {
    /// The array job.
    pub array: String,
    /// The merge job, to submit with `--dependency=afterok:<array job>`.
    pub merge: String,
    /// Tasks in the array.
    pub tasks: usize,
    /// The folder the scripts and the jobs' logs go to: `<out>/slurm`.
    pub dir: PathBuf,
}

/// What the scripts run: the `gaaf-repro` binary and the experiment's
/// arguments, already without the `--slurm*` flags and `--shard`.
#[derive(Debug, Clone, PartialEq)]
pub struct SlurmCommand<'a> {
    /// The `gaaf-repro` binary, absolute (every node runs it).
    pub binary: &'a Path,
    /// The experiment and its flags.
    pub args: &'a [String],
    /// The working directory of the jobs, absolute (relative paths in `args`
    /// are taken from here).
    pub workdir: &'a Path,
    /// The output folder (`--out`), absolute; on a file system every node
    /// reads and writes.
    pub out: &'a Path,
    /// The experiment's name, for the job names.
    pub name: &'a str,
}

/// The scripts for a sweep of `runs` runs.
pub fn scripts(cmd: &SlurmCommand<'_>, runs: usize, opts: &SlurmOptions) -> SlurmScripts {
    let tasks = runs.div_ceil(opts.runs_per_task.max(1)).max(1);
    let dir = cmd.out.join("slurm");
    let throttle = opts
        .max_parallel
        .map(|n| format!("%{n}"))
        .unwrap_or_default();
    let mut array = String::from("#!/bin/bash\n");
    let _ = writeln!(array, "#SBATCH --job-name=gaaf-{}", cmd.name);
    let _ = writeln!(array, "#SBATCH --array=0-{}{throttle}", tasks - 1);
    let _ = writeln!(array, "#SBATCH --cpus-per-task={}", opts.cpus_per_task);
    let _ = writeln!(array, "#SBATCH --mem={}", opts.mem);
    let _ = writeln!(array, "#SBATCH --time={}", opts.time);
    let _ = writeln!(array, "#SBATCH --chdir={}", cmd.workdir.display());
    let _ = writeln!(array, "#SBATCH --output={}/%A_%a.out", dir.display());
    // A task killed by preemption, node failure or `scontrol requeue` runs
    // again, appending to its log; it resumes its runs from their last
    // checkpoints.
    array.push_str("#SBATCH --requeue\n#SBATCH --open-mode=append\n");
    if let Some(p) = &opts.partition {
        let _ = writeln!(array, "#SBATCH --partition={p}");
    }
    let _ = writeln!(
        array,
        "# {runs} runs in {tasks} tasks; each task finds its shard in \
         SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT."
    );
    array.push_str("set -euo pipefail\n");
    // One matmul thread per run, as many runs side by side as CPUs.
    array.push_str("export RAYON_NUM_THREADS=1\n");
    let _ = writeln!(
        array,
        "exec {} --jobs \"${{SLURM_CPUS_PER_TASK:-1}}\"",
        command_line(cmd.binary, cmd.args)
    );

    let mut merge = String::from("#!/bin/bash\n");
    let _ = writeln!(merge, "#SBATCH --job-name=gaaf-{}-merge", cmd.name);
    merge.push_str("#SBATCH --cpus-per-task=1\n");
    let _ = writeln!(merge, "#SBATCH --mem={}", opts.mem);
    merge.push_str("#SBATCH --time=01:00:00\n");
    let _ = writeln!(merge, "#SBATCH --chdir={}", cmd.workdir.display());
    let _ = writeln!(merge, "#SBATCH --output={}/merge_%j.out", dir.display());
    if let Some(p) = &opts.partition {
        let _ = writeln!(merge, "#SBATCH --partition={p}");
    }
    merge.push_str(
        "# Submit with --dependency=afterok:<array job id>; --merge-only refuses\n\
         # to build tables while a run of the sweep has no result.\n",
    );
    merge.push_str("set -euo pipefail\n");
    let _ = writeln!(
        merge,
        "exec {} --merge-only",
        command_line(cmd.binary, cmd.args)
    );
    SlurmScripts {
        array,
        merge,
        tasks,
        dir,
    }
}

impl SlurmScripts {
    /// Writes `array.sbatch` and `merge.sbatch` into [`SlurmScripts::dir`]
    /// (atomically), and returns their paths.
    ///
    /// # Errors
    ///
    /// I/O errors, naming the file.
    pub fn write(&self) -> crate::Result<(PathBuf, PathBuf)> {
        std::fs::create_dir_all(&self.dir).map_err(crate::Error::io(&self.dir))?;
        let array = self.dir.join("array.sbatch");
        let merge = self.dir.join("merge.sbatch");
        for (path, text) in [(&array, &self.array), (&merge, &self.merge)] {
            super::write_atomic(path, text.as_bytes()).map_err(crate::Error::io(path))?;
        }
        Ok((array, merge))
    }
}

/// Submits `array` with sbatch, then `merge` to run after every task of it
/// succeeded (`--dependency=afterok`), and returns the two job ids.
///
/// # Errors
///
/// [`crate::Error::Sbatch`] when sbatch cannot be started, fails, or prints
/// no job id.
pub fn submit(array: &Path, merge: &Path) -> crate::Result<(String, String)> {
    let array_id = sbatch(&[], array)?;
    let merge_id = sbatch(&[format!("--dependency=afterok:{array_id}")], merge)?;
    Ok((array_id, merge_id))
}

/// `sbatch --parsable [extra] script`, and the job id it prints
/// (`id` or `id;cluster`).
fn sbatch(extra: &[String], script: &Path) -> crate::Result<String> {
    let fail = |message: String| crate::Error::Sbatch {
        script: script.to_path_buf(),
        message,
    };
    let out = std::process::Command::new("sbatch")
        .arg("--parsable")
        .args(extra)
        .arg(script)
        .output()
        .map_err(|e| fail(format!("could not run sbatch: {e}")))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(fail(format!("{}: {}", out.status, stderr.trim())));
    }
    let id = stdout.trim().split(';').next().unwrap_or_default();
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_digit()) {
        return Err(fail(format!("no job id in its output {stdout:?}")));
    }
    Ok(id.to_string())
}

/// `binary args...`, each word quoted for the shell where it needs it.
fn command_line(binary: &Path, args: &[String]) -> String {
    std::iter::once(binary.display().to_string())
        .chain(args.iter().cloned())
        .map(|w| shell_quote(&w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `word` as one shell word: as is when it holds only safe characters, else
/// in single quotes.
fn shell_quote(word: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "-_./=:,+%@".contains(c);
    if !word.is_empty() && word.chars().all(safe) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// The command line `args` (the binary's arguments after its name) without
/// the flags that only concern submitting: `--slurm`, `--submit`, every
/// `--slurm-*` flag with its value, and `--shard` (the array gives each
/// task its own).
pub fn strip_submit_flags(args: &[String], valued: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let mut skip_value = false;
    for a in args {
        if skip_value {
            skip_value = false;
            continue;
        }
        let name = a.split('=').next().unwrap_or(a);
        if name == "--slurm" || name == "--submit" {
            continue;
        }
        if valued.contains(&name) || name == "--shard" {
            // `--flag value` also drops the value; `--flag=value` is one word.
            skip_value = !a.contains('=');
            continue;
        }
        out.push(a.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split(' ').map(String::from).collect()
    }

    #[test]
    fn submit_flags_are_stripped() {
        let args = words(
            "mnist --quick --slurm --slurm-mem 8G --slurm-time=01:00:00 --shard 1/2 --out o --submit",
        );
        assert_eq!(
            strip_submit_flags(&args, &["--slurm-mem", "--slurm-time"]),
            words("mnist --quick --out o")
        );
    }

    #[test]
    fn scripts_hold_the_array_and_the_merge() {
        let args = words("mnist --quick --out /shared/o");
        let cmd = SlurmCommand {
            binary: Path::new("/opt/gaaf/gaaf-repro"),
            args: &args,
            workdir: Path::new("/home/me"),
            out: Path::new("/shared/o"),
            name: "mnist",
        };
        let opts = SlurmOptions {
            runs_per_task: 3,
            max_parallel: Some(2),
            partition: Some("cpu".into()),
            ..SlurmOptions::default()
        };
        let s = scripts(&cmd, 10, &opts);
        assert_eq!(s.tasks, 4);
        for line in [
            "#SBATCH --array=0-3%2",
            "#SBATCH --requeue",
            "#SBATCH --partition=cpu",
            "#SBATCH --output=/shared/o/slurm/%A_%a.out",
            "exec /opt/gaaf/gaaf-repro mnist --quick --out /shared/o --jobs \"${SLURM_CPUS_PER_TASK:-1}\"",
        ] {
            assert!(s.array.lines().any(|l| l == line), "{line}\n{}", s.array);
        }
        assert!(s
            .merge
            .lines()
            .any(|l| l == "exec /opt/gaaf/gaaf-repro mnist --quick --out /shared/o --merge-only"));
        assert_eq!(shell_quote("a b'c"), r"'a b'\''c'");
    }
}
