//! What every experiment shares, one concern per file: the sweep's options
//! and jobs ([`SweepOptions`], [`Job`], [`run_jobs`]), shards ([`Shard`],
//! from `--shard` or a Slurm array task), Slurm job arrays ([`slurm`]),
//! progress bars ([`Progress`]), run files ([`read_runs`], [`write_json`]),
//! the data of a run ([`RunData`]), THE epoch loop with checkpoint and resume
//! ([`Trainer`], [`train_until`]) and its checkpoint files and state
//! ([`CheckpointDir`], [`State`], [`weights`]), random streams
//! ([`stream_seed`]), the `--device` flag ([`DeviceChoice`]) and machine info
//! ([`machine`]). Files are written with
//! the workspace's one atomic write, [`gaaf_data::write_atomic`].
//!
//! An experiment is a folder beside this one (`mnist/`, `conv/`) that
//! implements [`Job`] and [`Trainer`] for its configuration; it never imports
//! another experiment.

mod checkpoint;
mod data;
mod device;
mod epochs;
mod invocations;
mod jobs;
mod options;
mod overrides;
mod progress;
mod runs;
mod shard;
pub mod slurm;
mod state;
mod streams;
pub mod weights;

pub use checkpoint::CheckpointDir;
pub use data::{load_dataset, DataSizes, RunData, Split};
pub use device::{DeviceChoice, DeviceError};
pub use epochs::{train, train_until, Outcome, RunState, Trainer};
pub use gaaf_data::write_atomic;
pub use invocations::{read_invocations, utc, Invocation};
pub use jobs::{read_diverged, run_jobs, DivergedRun, Job};
pub use options::{SweepOptions, Swept, MAX_SEEDS};
pub use overrides::CommonOverrides;
pub use progress::Progress;
pub use runs::{read_json, read_runs, write_json};
pub use shard::{ArrayShardError, Shard, ShardError};
pub(crate) use state::impl_record;
pub use state::{tail_rise, Plateau, Record, RunConfig, State, Stopping};
pub use streams::{stream_seed, Stream};
pub use weights::{NamedTensor, WeightsError};

/// The commit this binary was built from (short hash, `-dirty` when tracked
/// files differed from it, `unknown` outside a git checkout).
pub const COMMIT: &str = env!("GAAF_REPRO_COMMIT");

/// The machine line each run records: CPU model, logical cores and the matmul
/// threads this process uses (gaaf-core's [`Machine::run_summary`]).
///
/// [`Machine::run_summary`]: gaaf_core::dispatch::Machine::run_summary
pub fn machine() -> String {
    gaaf_core::dispatch::machine().run_summary()
}
