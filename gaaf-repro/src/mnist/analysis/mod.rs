//! The paper's analyses, computed from what a trained model produces on the
//! test set: unit correlations (Table 1, Fig. 1) and net distributions
//! (Figs. 3 and 6).

mod correlation;
mod histogram;

pub use correlation::layer_correlation;
