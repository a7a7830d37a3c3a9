//! CI's Slurm integration test: the `--quick` MNIST sweep submitted as a job
//! array to a real single-node Slurm cluster on this machine
//! (`scripts/slurm/local-cluster.sh`), one task requeued mid-run, then the
//! merge job; the merged tables must equal those of the same sweep run
//! locally, byte for byte.
//!
//! Skipped, with one line saying why, where the cluster cannot start (no
//! root, no packages) or there is no MNIST.

use crate::util::workspace_root;
use anyhow::{bail, ensure, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The tables every MNIST sweep writes, compared byte for byte.
const TABLES: [&str; 4] = ["table1.md", "table2.md", "table3.md", "table4.md"];

/// The longest the array and its merge may take on two cores.
const DEADLINE: Duration = Duration::from_secs(15 * 60);

/// Runs the test with `repro` (the `gaaf-repro` binary) on `data`, against
/// the tables of the local quick sweep in `local`.
pub(crate) fn integration_test(repro: &Path, data: &Path, local: &Path) -> Result<()> {
    let script = workspace_root().join("scripts/slurm/local-cluster.sh");
    let status = Command::new("bash").arg(&script).arg("start").status()?;
    match status.code() {
        Some(0) => {}
        // The script has said why, in one line.
        Some(3) => return Ok(()),
        _ => bail!("{} start failed ({status})", script.display()),
    }
    let result = submit_requeue_merge(repro, data, local);
    // The cluster goes whatever happened; a failure to stop is not the test's.
    let _ = Command::new("bash").arg(&script).arg("stop").status();
    result
}

fn submit_requeue_merge(repro: &Path, data: &Path, local: &Path) -> Result<()> {
    let out = workspace_root().join("target").join("ci-slurm");
    if out.exists() {
        std::fs::remove_dir_all(&out).with_context(|| format!("removing {}", out.display()))?;
    }
    let submitted = Command::new(repro)
        .args(["mnist", "--quick", "--data-dir"])
        .arg(data)
        .arg("--out")
        .arg(&out)
        .args(["--slurm", "--submit", "--slurm-mem", "2G"])
        .output()
        .context("running gaaf-repro --slurm --submit")?;
    let said = String::from_utf8_lossy(&submitted.stderr);
    eprint!("{said}");
    ensure!(
        submitted.status.success(),
        "gaaf-repro --slurm --submit failed"
    );
    let (array, merge) = job_ids(&said)?;

    // Two tasks run at once (two CPUs, one each). Once two runs have a
    // checkpoint, both running tasks are mid-run: requeue the first (Slurm
    // kills it and queues it again); it must resume from its checkpoint.
    let started = Instant::now();
    let checkpoints = out.join("checkpoints");
    while runs_with_checkpoints(&checkpoints) < 2 {
        ensure!(
            started.elapsed() < DEADLINE,
            "two runs never had checkpoints"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let task = first_running_task(&array)?;
    crate::util::exec(Command::new("scontrol").args(["requeue", &task]))?;
    // Slurm holds a requeued job back for two minutes (its EligibleTime);
    // waiting them out tests nothing, so once the task is pending again the
    // test makes it eligible now (`StartTime` is sbatch's `--begin`).
    while job_state(&task)? != "PENDING" {
        ensure!(
            started.elapsed() < DEADLINE,
            "{task} never went back to pending"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let job = format!("JobId={task}");
    crate::util::exec(Command::new("scontrol").args(["update", &job, "StartTime=now"]))?;
    eprintln!("requeued {task} mid-run");

    // The merge job runs once every task succeeded.
    loop {
        let state = job_state(&merge)?;
        match state.as_str() {
            "COMPLETED" => break,
            "PENDING" | "RUNNING" | "CONFIGURING" | "COMPLETING" | "REQUEUED" => {}
            other => bail!(
                "merge job {merge} ended {other}; logs in {}",
                out.join("slurm").display()
            ),
        }
        ensure!(
            started.elapsed() < DEADLINE,
            "the sweep took longer than {DEADLINE:?}"
        );
        std::thread::sleep(Duration::from_secs(2));
    }
    let log = std::fs::read_to_string(out.join("slurm").join(format!("{task}.out")))
        .with_context(|| format!("the log of {task}"))?;
    ensure!(
        log.contains("resuming after epoch"),
        "the requeued task {task} did not resume from its checkpoint:\n{log}"
    );
    for table in TABLES {
        let (a, b) = (read(&out.join(table))?, read(&local.join(table))?);
        ensure!(
            a == b,
            "{table} of the Slurm sweep differs from the local one:\n{a}\n---\n{b}"
        );
    }
    eprintln!(
        "Slurm: array {array} (task 0 requeued mid-run and resumed) and merge {merge}: \
         tables equal the local sweep's, in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The array and merge job ids from gaaf-repro's "submitted array job A and
/// merge job M" line.
fn job_ids(said: &str) -> Result<(String, String)> {
    let line = said
        .lines()
        .find(|l| l.starts_with("submitted array job"))
        .context("gaaf-repro did not say it submitted")?;
    let words: Vec<&str> = line.split_whitespace().collect();
    match words.as_slice() {
        ["submitted", "array", "job", a, "and", "merge", "job", m, ..] => {
            Ok((a.to_string(), m.trim_end_matches(';').to_string()))
        }
        _ => bail!("unexpected submission line {line:?}"),
    }
}

/// How many runs under `dir` have saved a checkpoint.
fn runs_with_checkpoints(dir: &Path) -> usize {
    let Ok(runs) = std::fs::read_dir(dir) else {
        return 0;
    };
    runs.flatten()
        .filter(|run| {
            std::fs::read_dir(run.path())
                .map(|mut files| files.next().is_some())
                .unwrap_or(false)
        })
        .count()
}

/// The first running task of `array`, as `<array>_<index>`.
fn first_running_task(array: &str) -> Result<String> {
    let out = Command::new("squeue")
        .args(["-h", "-r", "-t", "RUNNING", "-o", "%i", "-j", array])
        .output()
        .context("running squeue")?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut tasks: Vec<(usize, &str)> = text
        .split_whitespace()
        .filter_map(|t| Some((t.split_once('_')?.1.parse().ok()?, t)))
        .collect();
    tasks.sort_unstable();
    tasks
        .first()
        .map(|(_, t)| t.to_string())
        .with_context(|| format!("no running task of array {array}: {text:?}"))
}

/// `JobState` of `job` from `scontrol show job` (kept for an hour after it
/// ends: `MinJobAge` of the local cluster).
fn job_state(job: &str) -> Result<String> {
    let out = Command::new("scontrol")
        .args(["show", "job", job])
        .output()
        .context("running scontrol")?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.split_whitespace()
        .find_map(|w| w.strip_prefix("JobState="))
        .map(str::to_string)
        .with_context(|| format!("no JobState for job {job}: {text}"))
}

fn read(path: &PathBuf) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}
