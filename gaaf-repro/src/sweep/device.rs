//! Where an experiment trains: the `--device` flag's value, shared by every
//! experiment. Each experiment opens it on its own framework (the
//! convolutional ones on candle, `conv::DeviceChoice::open`; MNIST on dfdx,
//! `mnist::DfdxDevice::open`).

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

impl std::fmt::Display for DeviceChoice {
    /// `cpu` or `cuda:N`, as `--device` takes it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Cpu => f.write_str("cpu"),
            Self::Cuda(n) => write!(f, "cuda:{n}"),
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

    #[test]
    fn devices_display_as_parsed() {
        for d in [DeviceChoice::Cpu, DeviceChoice::Cuda(2)] {
            assert_eq!(d.to_string().parse(), Ok(d));
        }
    }
}
