//! Where a convolutional run trains: the `--device` flag
//! ([`DeviceChoice`], shared with MNIST) opened as a candle device.

use crate::error::{Error, Result};
use crate::sweep::DeviceChoice;
use candle_core::Device;

impl DeviceChoice {
    /// The candle device.
    ///
    /// # Errors
    ///
    /// [`Error::NoCuda`] for CUDA in a build without the `cuda` feature,
    /// [`Error::Cuda`] when the device cannot be opened.
    pub fn open(self) -> Result<Device> {
        match self {
            Self::Cpu => Ok(Device::Cpu),
            #[cfg(feature = "cuda")]
            Self::Cuda(device) => {
                Device::new_cuda(device).map_err(|source| Error::Cuda { device, source })
            }
            #[cfg(not(feature = "cuda"))]
            Self::Cuda(_) => Err(Error::NoCuda),
        }
    }
}
