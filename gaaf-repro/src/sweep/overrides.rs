//! The command-line values every experiment's configuration takes, each
//! replacing its default when given.

use super::{DataSizes, Plateau, Stopping};

/// Values that replace what every experiment's configuration has in common
/// (its defaults, and `--quick`'s); `None` keeps the value.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CommonOverrides {
    /// The learning rate.
    pub lr: Option<f64>,
    /// Images per batch.
    pub batch_size: Option<usize>,
    /// [`Stopping::max_epochs`].
    pub max_epochs: Option<usize>,
    /// [`Stopping::patience`]; given, it also turns the plateau test off
    /// (an explicit patience asks for the patience rule).
    pub patience: Option<usize>,
    /// [`Plateau::window`]; given, it turns the plateau test on.
    pub plateau_window: Option<usize>,
    /// [`Plateau::min_rise`]; given, it turns the plateau test on.
    pub plateau_rise: Option<f64>,
    /// [`DataSizes::val_size`].
    pub val_size: Option<usize>,
    /// [`DataSizes::train_subset`].
    pub train_subset: Option<usize>,
    /// [`DataSizes::test_subset`].
    pub test_subset: Option<usize>,
    /// GAAF's frequency constant `K`.
    pub gaaf_k: Option<f64>,
}

impl CommonOverrides {
    /// Nothing replaced (usable in constants, unlike `Default`).
    pub const NONE: Self = Self {
        lr: None,
        batch_size: None,
        max_epochs: None,
        patience: None,
        plateau_window: None,
        plateau_rise: None,
        val_size: None,
        train_subset: None,
        test_subset: None,
        gaaf_k: None,
    };

    /// Replaces, in a configuration's own fields, every value given here.
    pub fn apply(
        &self,
        lr: &mut f64,
        batch_size: &mut usize,
        stopping: &mut Stopping,
        sizes: &mut DataSizes,
        gaaf_k: &mut f64,
    ) {
        *lr = self.lr.unwrap_or(*lr);
        *batch_size = self.batch_size.unwrap_or(*batch_size);
        *stopping = self.stopping(*stopping);
        *sizes = self.sizes(*sizes);
        *gaaf_k = self.gaaf_k.unwrap_or(*gaaf_k);
    }

    /// `stopping` with the values given here replaced. A plateau value
    /// turns the plateau test on (the other value from `stopping`'s test,
    /// else from [`Plateau::DEFAULT`]); a patience alone turns it off.
    pub fn stopping(&self, stopping: Stopping) -> Stopping {
        let plateau = if self.plateau_window.is_some() || self.plateau_rise.is_some() {
            let base = stopping.plateau.unwrap_or(Plateau::DEFAULT);
            Some(Plateau {
                window: self.plateau_window.unwrap_or(base.window),
                min_rise: self.plateau_rise.unwrap_or(base.min_rise),
            })
        } else if self.patience.is_some() {
            None
        } else {
            stopping.plateau
        };
        Stopping {
            max_epochs: self.max_epochs.unwrap_or(stopping.max_epochs),
            patience: self.patience.unwrap_or(stopping.patience),
            plateau,
        }
    }

    /// `sizes` with the values given here replaced.
    pub fn sizes(&self, sizes: DataSizes) -> DataSizes {
        DataSizes {
            val_size: self.val_size.unwrap_or(sizes.val_size),
            train_subset: self.train_subset.or(sizes.train_subset),
            test_subset: self.test_subset.or(sizes.test_subset),
        }
    }
}
