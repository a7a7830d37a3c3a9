//! The gradient information per epoch (Eq. 5, per-sample gradients): one
//! panel per weight matrix, one curve per model, the mean over its seeds,
//! on a log scale. Table 2 averages a window of this curve; the figure shows
//! all of it, so a reader sees whether a ratio between models holds through
//! training or only at its start.

use plotters::drawing::DrawingAreaErrorKind;
use plotters::prelude::*;

use super::figures::{draw_curves, style, Series};
use super::{runs_of, ReportError};
use crate::mnist::{Run, Variant};

const WIDTH: u32 = 1600;
const HEIGHT: u32 = 440;

/// The curve of `variant` for weight matrix `w`: per epoch, the mean over the
/// seeds that trained that epoch; epochs without per-sample figures are left
/// out.
fn curve(runs: &[Run], variant: Variant, w: usize) -> Vec<(f64, f64)> {
    let runs = runs_of(runs, variant);
    let longest = runs.iter().map(|r| r.epochs.len()).max().unwrap_or(0);
    (0..longest)
        .filter_map(|e| {
            let values: Vec<f64> = runs
                .iter()
                .filter_map(|r| r.epochs.get(e)?.grad_info_per_sample.get(w).copied())
                .filter(|g| g.is_finite() && *g > 0.0)
                .collect();
            (!values.is_empty()).then(|| {
                (
                    (e + 1) as f64,
                    values.iter().sum::<f64>() / values.len() as f64,
                )
            })
        })
        .collect()
}

/// The figure as SVG (`fig_gradient.svg`).
///
/// # Errors
///
/// [`ReportError::Plot`] if plotters fails to draw.
pub fn render_fig_gradient(runs: &[Run]) -> Result<String, ReportError> {
    let err = |e: DrawingAreaErrorKind<std::io::Error>| ReportError::Plot {
        figure: "fig_gradient.svg",
        source: Box::new(e),
    };
    let panels: Vec<(String, Vec<Series>)> = (0..4)
        .map(|w| {
            let series = Variant::ALL
                .iter()
                .filter_map(|&v| {
                    let points = curve(runs, v, w);
                    let (color, dashed) = style(v);
                    (!points.is_empty()).then(|| Series {
                        label: v.name().to_string(),
                        color,
                        dashed,
                        points,
                    })
                })
                .collect();
            (format!("W{}", w + 1), series)
        })
        .collect();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let root = root
            .titled(
                "Gradient information (Eq. 5, per sample) per epoch, mean over seeds",
                ("sans-serif", 22),
            )
            .map_err(err)?;
        for (area, (name, series)) in root.split_evenly((1, 4)).iter().zip(&panels) {
            let ys = series.iter().flat_map(|s| s.points.iter().map(|p| p.1));
            let (lo, hi) = ys.fold((f64::INFINITY, 0.0_f64), |(lo, hi), y| {
                (lo.min(y), hi.max(y))
            });
            // A decade of room below and above; a fixed range when empty.
            let (lo, hi) = if hi > 0.0 {
                (lo / 2.0, hi * 4.0)
            } else {
                (1e-6, 1e-2)
            };
            let x_max = series
                .iter()
                .filter_map(|s| s.points.last().map(|p| p.0))
                .fold(2.0, f64::max);
            let mut chart = ChartBuilder::on(area)
                .caption(name.as_str(), ("sans-serif", 18))
                .margin(12)
                .x_label_area_size(42)
                .y_label_area_size(64)
                .build_cartesian_2d(1.0..x_max, (lo..hi).log_scale())
                .map_err(err)?;
            chart
                .configure_mesh()
                .light_line_style(WHITE)
                .x_desc("epoch")
                .y_desc("G")
                .y_label_formatter(&|y| format!("{y:.0e}"))
                .draw()
                .map_err(err)?;
            draw_curves(&mut chart, series).map_err(err)?;
        }
        root.present().map_err(err)?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mnist::report::fixtures;

    #[test]
    fn one_curve_per_model_with_per_sample_figures() {
        let runs = fixtures::runs(2);
        for v in Variant::ALL {
            let c = curve(&runs, v, 0);
            assert_eq!(c.len(), 3, "{v:?}");
            assert!(c.iter().all(|p| p.1 > 0.0));
        }
        let svg = render_fig_gradient(&runs).unwrap();
        assert!(svg.contains("<svg") && svg.contains("dropout-matched"));
        // Old run files (no per-sample figures) give no curve, and no error.
        let mut old = fixtures::run(Variant::Base, 0);
        for e in &mut old.epochs {
            e.grad_info_per_sample.clear();
        }
        assert!(curve(&[old.clone()], Variant::Base, 0).is_empty());
        assert!(render_fig_gradient(&[old]).is_ok());
    }
}
