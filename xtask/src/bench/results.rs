//! Criterion's results read back (`new/benchmark.json` and `estimates.json`
//! under its home), and what the report derives from them: rates, each
//! kernel's share of the copy bandwidth and the ratio to its baseline.

use super::ids;
use anyhow::{bail, Context, Result};
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// One benchmark's result as criterion left it, with what the report derives.
pub(super) struct Row {
    pub(super) id: String,
    pub(super) group: String,
    pub(super) function: String,
    pub(super) value: Option<String>,
    pub(super) median_ns: f64,
    pub(super) mean_ns: f64,
    pub(super) throughput: Throughput,
    /// The baseline's id and this row's time over the baseline's.
    pub(super) baseline: Option<(String, f64)>,
    pub(super) copy_share: Option<f64>,
    pub(super) torch_ns: Option<f64>,
}

/// What a benchmark declared it processes per iteration.
#[derive(Clone, Copy)]
pub(super) enum Throughput {
    Bytes(f64),
    Elements(f64),
    None,
}

impl Row {
    /// Elements per second: the element count is the benchmark's parameter
    /// for byte-throughput kernels, the declared count otherwise.
    pub(super) fn elements_per_s(&self) -> Option<f64> {
        let n = match self.throughput {
            Throughput::Elements(n) => n,
            Throughput::Bytes(_) => self.value.as_deref()?.parse().ok()?,
            Throughput::None => return None,
        };
        Some(n / (self.median_ns * 1e-9))
    }

    pub(super) fn bytes_per_s(&self) -> Option<f64> {
        match self.throughput {
            Throughput::Bytes(b) => Some(b / (self.median_ns * 1e-9)),
            _ => None,
        }
    }
}

/// Every `new/benchmark.json` under `home` with its `estimates.json`; with
/// `since`, only those written after it (this run's). Rows come in report order.
pub(super) fn read(home: &Path, since: Option<SystemTime>) -> Result<Vec<Row>> {
    let mut files = Vec::new();
    find_named(home, "benchmark.json", &mut files)?;
    let mut rows = Vec::new();
    for meta_path in files {
        let Some(dir) = meta_path.parent() else {
            continue;
        };
        if dir.file_name().map_or(true, |n| n != "new") {
            continue;
        }
        let est_path = dir.join("estimates.json");
        let modified = fs::metadata(&est_path).and_then(|m| m.modified());
        match (since, modified) {
            (_, Err(_)) => continue,
            (Some(since), Ok(m)) if m < since => continue,
            _ => {}
        }
        let meta = read_json(&meta_path)?;
        let est = read_json(&est_path)?;
        let text = |v: &Value| v.as_str().map(str::to_owned);
        let point = |k: &str| est[k]["point_estimate"].as_f64();
        let throughput = match &meta["throughput"] {
            Value::Object(t) if t.contains_key("Bytes") => {
                Throughput::Bytes(t["Bytes"].as_f64().unwrap_or(0.0))
            }
            Value::Object(t) if t.contains_key("Elements") => {
                Throughput::Elements(t["Elements"].as_f64().unwrap_or(0.0))
            }
            _ => Throughput::None,
        };
        let (Some(id), Some(median_ns), Some(mean_ns)) =
            (text(&meta["full_id"]), point("median"), point("mean"))
        else {
            bail!("unexpected criterion output in {}", dir.display());
        };
        rows.push(Row {
            id,
            group: text(&meta["group_id"]).unwrap_or_default(),
            function: text(&meta["function_id"]).unwrap_or_default(),
            value: text(&meta["value_str"]),
            median_ns,
            mean_ns,
            throughput,
            baseline: None,
            copy_share: None,
            torch_ns: None,
        });
    }
    rows.sort_by_key(|r| ids::sort_key(&r.group, &r.function, r.value.as_deref(), &r.id));
    Ok(rows)
}

fn find_named(dir: &Path, name: &str, out: &mut Vec<PathBuf>) -> Result<()> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e).with_context(|| format!("could not read {}", dir.display())),
    };
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() {
            find_named(&path, name, out)?;
        } else if path.file_name().is_some_and(|n| n == name) {
            out.push(path);
        }
    }
    Ok(())
}

fn read_json(path: &Path) -> Result<Value> {
    let text =
        fs::read_to_string(path).with_context(|| format!("could not read {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("could not parse {}", path.display()))
}

/// Fills in each row's baseline ratio and, for kernels, its share of the copy
/// bandwidth.
pub(super) fn derive(rows: &mut [Row]) {
    let time_of = |rows: &[Row], id: &str| rows.iter().find(|r| r.id == id).map(|r| r.median_ns);
    // Each kernel group times the copy again just before its kernels (memory
    // bandwidth on a shared VM drifts within minutes); a share is taken
    // against that copy, or against `kernel/copy` where a group has none.
    let copy_rate = |rows: &[Row], group: &str, value: &Option<String>| {
        let copy_in = |g: &str| {
            rows.iter()
                .find(|r| r.group == g && r.function == "copy" && &r.value == value)
                .and_then(Row::bytes_per_s)
        };
        copy_in(group).or_else(|| copy_in("kernel/copy"))
    };
    for i in 0..rows.len() {
        let base = ids::baseline_of(&rows[i].id)
            .filter(|_| rows[i].function != "copy")
            .and_then(|b| time_of(rows, &b).map(|t| (b, rows[i].median_ns / t)));
        let share = if rows[i].group.starts_with("kernel/") && rows[i].function != "copy" {
            match (
                rows[i].bytes_per_s(),
                copy_rate(rows, &rows[i].group, &rows[i].value),
            ) {
                (Some(r), Some(c)) => Some(r / c),
                _ => None,
            }
        } else {
            None
        };
        rows[i].baseline = base;
        rows[i].copy_share = share;
    }
}

#[cfg(test)]
pub(super) fn row(group: &str, function: &str, size: &str, median_ns: f64) -> Row {
    Row {
        id: format!("{group}/{function}/{size}"),
        group: group.into(),
        function: function.into(),
        value: Some(size.into()),
        median_ns,
        mean_ns: median_ns,
        throughput: Throughput::Bytes(160.0),
        baseline: None,
        copy_share: None,
        torch_ns: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_use_the_copy_of_the_same_group() {
        let mut rows = vec![
            row("kernel/copy", "copy", "16", 10.0),
            row("kernel/tanh", "copy", "16", 20.0),
            row("kernel/tanh", "forward", "16", 40.0),
            row("kernel/relu", "forward", "16", 40.0),
        ];
        derive(&mut rows);
        // Same bytes: the share is the copy's time over the kernel's.
        assert_eq!(rows[2].copy_share, Some(0.5), "against its group's copy");
        assert_eq!(rows[3].copy_share, Some(0.25), "against kernel/copy");
        assert_eq!(rows[0].copy_share, None);
        assert_eq!(rows[1].copy_share, None, "a copy is not a kernel");
        assert!(rows[1].baseline.is_none());
    }
}
