//! Bad input to the binary: every bad flag value ends it before any work,
//! with one line naming the flag and a non-zero exit status, and no panic.

use std::path::Path;
use std::process::{Command, Output};

/// Runs `gaaf-repro args...` with an empty data folder and output in `out`.
fn gaaf_repro(args: &[&str], out: &Path) -> Output {
    let data = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_gaaf-repro"))
        .args(args)
        .arg("--data-dir")
        .arg(data.path())
        .arg("--out")
        .arg(out)
        .env("GAAF_NO_FETCH", "1")
        .output()
        .unwrap()
}

/// Asserts that `args` fail with exactly `message` as the one line on
/// stderr, leaving `out` untouched.
fn refused(args: &[&str], message: &str) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let output = gaaf_repro(args, &out);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{args:?}: {stderr}");
    assert_eq!(stderr.lines().collect::<Vec<_>>(), [message], "{args:?}");
    assert!(!out.exists(), "{args:?} did work before refusing");
}

/// Each bad value, and the one line that refuses it.
const BAD_VALUES: [(&str, &str); 32] = [
    (
        "mnist --batch-size 0",
        "mnist: invalid --batch-size 0: must be at least 1",
    ),
    (
        "mnist --lr=-1",
        "mnist: invalid --lr -1: must be a finite number above 0",
    ),
    (
        "mnist --lr NaN",
        "mnist: invalid --lr NaN: must be a finite number above 0",
    ),
    (
        "mnist --lr inf",
        "mnist: invalid --lr inf: must be a finite number above 0",
    ),
    (
        "mnist --max-epochs 0",
        "mnist: invalid --max-epochs 0: must be at least 1",
    ),
    (
        "mnist --patience 0",
        "mnist: invalid --patience 0: must be at least 1",
    ),
    (
        "mnist --plateau-window 0",
        "mnist: invalid --plateau-window 0: must be at least 1",
    ),
    (
        "mnist --plateau-rise=-0.1",
        "mnist: invalid --plateau-rise -0.1: must be a finite number, 0 or above",
    ),
    (
        "mnist --g-window 0",
        "mnist: invalid --g-window 0: must be at least 1",
    ),
    (
        "mnist --jobs 0",
        "mnist: invalid --jobs 0: must be at least 1",
    ),
    (
        "mnist --seeds 0",
        "mnist: invalid --seeds 0: must be at least 1",
    ),
    (
        "mnist --seeds 18446744073709551615",
        "mnist: invalid --seeds 18446744073709551615: must be at most 10000",
    ),
    (
        "mnist --gaaf-k 1e300",
        "mnist: invalid --gaaf-k 1e300: must be a number above 0 that f32 and its reciprocal can hold",
    ),
    ("svhn --seeds 0", "svhn: invalid --seeds 0: must be at least 1"),
    (
        "mnist --dropout-p 1",
        "mnist: invalid --dropout-p 1: must be in [0, 1)",
    ),
    (
        "mnist --dropout-p=-0.1",
        "mnist: invalid --dropout-p -0.1: must be in [0, 1)",
    ),
    (
        "mnist --gaaf-k 0",
        "mnist: invalid --gaaf-k 0: must be a number above 0 that f32 and its reciprocal can hold",
    ),
    (
        "mnist --shape-width NaN",
        "mnist: invalid --shape-width NaN: must be a number above 0 that f32 and its reciprocal can hold",
    ),
    (
        "mnist --val-size 0",
        "mnist: invalid --val-size 0: must be at least 1",
    ),
    (
        "mnist --test-subset 0",
        "mnist: invalid --test-subset 0: must be at least 1",
    ),
    // --quick sets its own subsets and epochs; a bad override still loses.
    (
        "mnist --quick --train-subset 0",
        "mnist: invalid --train-subset 0: must be at least 1",
    ),
    (
        "mnist --quick --max-epochs 0",
        "mnist: invalid --max-epochs 0: must be at least 1",
    ),
    // Merging trains nothing, but its flags are checked all the same.
    (
        "mnist --merge-only --val-size 0",
        "mnist: invalid --val-size 0: must be at least 1",
    ),
    (
        "svhn --momentum 1",
        "svhn: invalid --momentum 1: must be in [0, 1)",
    ),
    (
        "svhn --momentum=-0.5",
        "svhn: invalid --momentum -0.5: must be in [0, 1)",
    ),
    (
        "svhn --weight-decay=-0.1",
        "svhn: invalid --weight-decay -0.1: must be a finite number, 0 or above",
    ),
    (
        "svhn --lr NaN",
        "svhn: invalid --lr NaN: must be a finite number above 0",
    ),
    (
        "svhn --jobs 0",
        "svhn: invalid --jobs 0: must be at least 1",
    ),
    (
        "cifar10 --width-divisor 0",
        "cifar10: invalid --width-divisor 0: must be at least 1",
    ),
    (
        "cifar10 --gaaf-k inf",
        "cifar10: invalid --gaaf-k inf: must be a number above 0 that f32 and its reciprocal can hold",
    ),
    (
        "cifar100 --batch-size 0",
        "cifar100: invalid --batch-size 0: must be at least 1",
    ),
    (
        "cifar100 --patience 0",
        "cifar100: invalid --patience 0: must be at least 1",
    ),
];

#[test]
fn every_bad_value_is_refused_in_one_line_naming_its_flag() {
    for (args, message) in BAD_VALUES {
        let args: Vec<&str> = args.split(' ').collect();
        refused(&args, &format!("error: {message}"));
    }
}

#[test]
fn values_clap_cannot_parse_are_refused_in_one_line() {
    refused(
        &["mnist", "--shard", "3/3"],
        "error: invalid value '3/3' for '--shard <SHARD>': expected I/N with 0 <= I < N, found \"3/3\"",
    );
    refused(
        &["svhn", "--device", "gpu"],
        "error: invalid value 'gpu' for '--device <DEVICE>': expected cpu, cuda or cuda:N, found \"gpu\"",
    );
    let dir = tempfile::tempdir().unwrap();
    let output = gaaf_repro(&["mnist", "--batch-size=-1"], &dir.path().join("out"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("--batch-size"), "{stderr}");
}

#[test]
fn a_garbage_run_file_is_named_once() {
    let dir = tempfile::tempdir().unwrap();
    let runs = dir.path().join("runs");
    std::fs::create_dir_all(&runs).unwrap();
    std::fs::write(runs.join("base-seed0.json"), b"{ garbage").unwrap();
    let output = gaaf_repro(&["mnist", "--merge-only"], dir.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let parse_error = serde_json::from_slice::<serde_json::Value>(b"{ garbage").unwrap_err();
    assert_eq!(
        stderr.matches(&parse_error.to_string()).count(),
        1,
        "{stderr}"
    );
    assert_eq!(stderr.matches("base-seed0.json").count(), 1, "{stderr}");
}

#[test]
fn help_names_every_experiment() {
    let output = Command::new(env!("CARGO_BIN_EXE_gaaf-repro"))
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    for experiment in ["mnist", "cifar10", "cifar100", "svhn"] {
        assert!(help.contains(experiment), "{help}");
    }
}

#[test]
#[cfg(not(feature = "cuda"))]
fn cuda_without_the_feature_is_refused_in_one_line() {
    let message = "error: mnist: this build has no CUDA support; rebuild with `--features cuda`";
    refused(&["mnist", "--device", "cuda"], message);
    refused(&["mnist", "--device", "cuda:1", "--quick"], message);
    refused(
        &["mnist", "--device", "gpu"],
        "error: invalid value 'gpu' for '--device <DEVICE>': expected cpu, cuda or cuda:N, found \"gpu\"",
    );
}
