//! Following runs as they train: the [`Progress`] trait the epoch loop
//! reports to, and the progress bars the sweep draws with it.

use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

/// Follows a run's training; every method does nothing by default, except
/// [`Progress::note`], which prints its line to stderr.
pub trait Progress {
    /// Epoch `epoch` starts, with `batches` batches.
    fn epoch_started(&self, epoch: usize, batches: usize) {
        let _ = (epoch, batches);
    }
    /// One batch is done.
    fn batch_done(&self) {}
    /// Epoch `epoch` is done with validation accuracy `val_acc` (in [0, 1]);
    /// `best_epoch` is the best so far.
    fn epoch_done(&self, epoch: usize, val_acc: f64, best_epoch: usize) {
        let _ = (epoch, val_acc, best_epoch);
    }
    /// Something the user should read, such as a checkpoint that was skipped.
    fn note(&self, line: &str) {
        eprintln!("{line}");
    }
}

impl Progress for () {}

/// One run's bar among the sweep's.
pub(crate) struct Bar<'a> {
    multi: &'a MultiProgress,
    bar: ProgressBar,
    max_epochs: usize,
}

impl<'a> Bar<'a> {
    /// A bar labelled `id` at the bottom of `multi`.
    pub(crate) fn new(multi: &'a MultiProgress, id: &str, max_epochs: usize) -> Self {
        let bar = multi.add(ProgressBar::new(0));
        bar.set_style(
            ProgressStyle::with_template("{prefix:>22} [{bar:30}] {pos}/{len} {msg} ETA {eta}")
                .expect("valid template")
                .progress_chars("=> "),
        );
        bar.set_prefix(id.to_string());
        Self {
            multi,
            bar,
            max_epochs,
        }
    }

    /// Removes the bar.
    pub(crate) fn finish(self) {
        self.bar.finish_and_clear();
        self.multi.remove(&self.bar);
    }
}

impl Progress for Bar<'_> {
    fn epoch_started(&self, epoch: usize, batches: usize) {
        self.bar.reset();
        self.bar.set_length(batches as u64);
        self.bar
            .set_message(format!("epoch {epoch}/{}", self.max_epochs));
    }

    fn batch_done(&self) {
        self.bar.inc(1);
    }

    fn epoch_done(&self, epoch: usize, val_acc: f64, best_epoch: usize) {
        self.bar.set_message(format!(
            "epoch {epoch}/{} val {:.2} % (best epoch {best_epoch})",
            self.max_epochs,
            100.0 * val_acc
        ));
    }

    fn note(&self, line: &str) {
        log(self.multi, line);
    }
}

/// Prints `line` above the bars.
pub(crate) fn log(multi: &MultiProgress, line: &str) {
    multi.suspend(|| eprintln!("{line}"));
}
