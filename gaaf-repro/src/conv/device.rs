//! Where a convolutional run trains: the `--device` flag.

use crate::error::{Error, Result};
use candle_core::Device;

/// Where to train.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DeviceChoice {
    /// The CPU.
    #[default]
    Cpu,
    /// CUDA device `n` (needs the `cuda` feature).
    Cuda(usize),
}

/// Why a `--device` value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected cpu, cuda or cuda:N, found {given:?}")]
pub struct DeviceError {
    /// The value as given.
    pub given: String,
}

impl std::str::FromStr for DeviceChoice {
    type Err = DeviceError;

    /// `cpu`, `cuda` (device 0) or `cuda:N`.
    fn from_str(s: &str) -> Result<Self, DeviceError> {
        match s {
            "cpu" => Ok(Self::Cpu),
            "cuda" => Ok(Self::Cuda(0)),
            _ => s
                .strip_prefix("cuda:")
                .and_then(|n| n.parse().ok())
                .map(Self::Cuda)
                .ok_or_else(|| DeviceError {
                    given: s.to_string(),
                }),
        }
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_parse() {
        assert_eq!("cpu".parse(), Ok(DeviceChoice::Cpu));
        assert_eq!("cuda".parse(), Ok(DeviceChoice::Cuda(0)));
        assert_eq!("cuda:3".parse(), Ok(DeviceChoice::Cuda(3)));
        assert!("gpu".parse::<DeviceChoice>().is_err());
    }
}
