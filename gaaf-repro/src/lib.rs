//! The experiments and analyses of Hahn & Choi, "Understanding Dropout as an
//! Optimization Trick", reproduced on `gaaf`, one folder per experiment:
//!
//! - [`mnist`]: the MNIST models of section 5.1 trained with dfdx, and
//!   Tables 1-4 and Figures 1, 3 and 6 rebuilt from the runs;
//! - [`conv`]: the convolutional models of section 5.2 trained with candle
//!   through `gaaf-candle`, and Table 5.
//!
//! Both run on the same machinery ([`sweep`]: jobs, shards, progress, run
//! files, THE epoch loop with its checkpoints, seeds, machine info), and
//! their reports share [`report_common`]. No experiment imports another;
//! adding one means adding a folder and a subcommand.

pub mod conv;
mod error;
pub mod mnist;
pub mod report_common;
pub mod sweep;

pub use error::{display_chain, ConfigError, Error, Result, Rule};

// The workspace README's examples use gaaf-shapes, gaaf-dfdx and gaaf-candle,
// all dependencies of this crate: run them as doc tests here so the README
// cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct WorkspaceReadme;
