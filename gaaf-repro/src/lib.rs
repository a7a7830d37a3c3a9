//! The experiments and analyses of Hahn & Choi, "Understanding Dropout as an
//! Optimization Trick", reproduced on `gaaf`: the MNIST models of section 5.1
//! trained with dfdx, and Tables 1-4 and Figures 1, 3 and 6 rebuilt from the
//! runs ([`runner`], [`train`], [`report`]); the convolutional models of
//! section 5.2 trained with candle through `gaaf-candle`, and Table 5
//! ([`conv`]). Both run on the same sweep machinery ([`sweep`]), with
//! nothing typed by hand.

pub mod analysis;
mod checkpoint;
mod config;
pub mod conv;
mod error;
pub mod report;
mod results;
pub mod runner;
pub mod sweep;
pub mod train;

pub use config::TrainConfig;
pub use error::{Error, Result};
pub use results::{
    EpochRecord, Histogram, LayerCorrelation, RunResult, Variant, CORRELATION_BINS,
    CORRELATION_THRESHOLDS, NET_BINS, NET_RANGE,
};
