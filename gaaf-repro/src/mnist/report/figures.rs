//! Figures 1, 3 and 6 as SVG, drawn with plotters' SVG backend: one panel per
//! hidden layer, one density curve per model, from histograms merged over
//! seeds. Text is written as SVG `<text>` elements, so no font file is needed
//! to draw or to view them.

use plotters::drawing::DrawingAreaErrorKind;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::runs_of;
use super::ReportError;
use crate::mnist::{Histogram, Run, Variant};

/// Draws `series` on `chart`, each solid or dashed as it says, and their
/// legend in the upper right corner.
///
/// # Errors
///
/// plotters'.
pub(super) fn draw_curves<'a, X, Y>(
    chart: &mut ChartContext<'a, SVGBackend<'a>, Cartesian2d<X, Y>>,
    series: &[Series],
) -> Result<(), DrawingAreaErrorKind<std::io::Error>>
where
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    for s in series {
        let line = ShapeStyle::from(&s.color).stroke_width(2);
        let points = s.points.iter().copied();
        let anno = if s.dashed {
            chart.draw_series(DashedLineSeries::new(points, 7, 4, line))?
        } else {
            chart.draw_series(LineSeries::new(points, line))?
        };
        let dashed = s.dashed;
        anno.label(s.label.as_str()).legend(move |(x, y)| {
            let seg = vec![(x, y), (x + 24, y)];
            if dashed {
                DashedPathElement::new(seg, 7, 4, line).into_dyn()
            } else {
                PathElement::new(seg, line).into_dyn()
            }
        });
    }
    if !series.is_empty() {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .border_style(BLACK)
            .background_style(WHITE.mix(0.85))
            .label_font(("sans-serif", 14))
            .draw()?;
    }
    Ok(())
}

/// One curve of a panel.
pub(super) struct Series {
    pub(super) label: String,
    pub(super) color: RGBColor,
    pub(super) dashed: bool,
    pub(super) points: Vec<(f64, f64)>,
}

/// One panel: a hidden layer.
struct Panel {
    name: &'static str,
    series: Vec<Series>,
}

const WIDTH: u32 = 1320;
const HEIGHT: u32 = 440;

/// Each model's colour, and whether its curve is dashed (the GAAF models).
pub(super) fn style(variant: Variant) -> (RGBColor, bool) {
    match variant {
        Variant::Base => (RGBColor(31, 119, 180), false),
        Variant::Dropout => (RGBColor(214, 39, 40), false),
        Variant::Gaaf => (RGBColor(44, 160, 44), true),
        Variant::DropoutMatched => (RGBColor(148, 103, 189), true),
        Variant::BaseLrScaled => (RGBColor(255, 127, 14), false),
        Variant::GaafShoulder => (RGBColor(23, 190, 207), true),
    }
}

/// The histograms `pick` selects from `variant`'s runs, merged; runs whose
/// histogram is missing or of another range are skipped. Returns the merged
/// histogram and how many runs went into it.
pub(crate) fn merged(
    runs: &[Run],
    variant: Variant,
    pick: impl Fn(&Run) -> Option<&Histogram>,
) -> Option<(Histogram, usize)> {
    let mut hists = runs_of(runs, variant).into_iter().filter_map(pick);
    let mut acc = hists.next()?.clone();
    let mut n = 1;
    for h in hists {
        if h.lo == acc.lo && h.hi == acc.hi && h.counts.len() == acc.counts.len() {
            acc.merge(h);
            n += 1;
        }
    }
    Some((acc, n))
}

/// The panels of a figure: hidden layers 1-3, a curve per variant that has
/// runs, from the histogram `pick` selects for a layer.
fn panels(
    runs: &[Run],
    variants: &[Variant],
    pick: impl Fn(&Run, usize) -> Option<&Histogram>,
) -> Vec<Panel> {
    ["Layer1", "Layer2", "Layer3"]
        .into_iter()
        .enumerate()
        .map(|(layer, name)| Panel {
            name,
            series: variants
                .iter()
                .filter_map(|&v| {
                    let (h, n) = merged(runs, v, |r| pick(r, layer))?;
                    let (color, dashed) = style(v);
                    Some(Series {
                        label: format!("{} ({n} run{})", v.name(), if n == 1 { "" } else { "s" }),
                        color,
                        dashed,
                        points: h.density(),
                    })
                })
                .collect(),
        })
        .collect()
}

/// Draws `panels` side by side under `title`; `x` is the x range of every
/// panel.
fn draw(
    figure: &'static str,
    title: &str,
    x_desc: &str,
    x: (f64, f64),
    panels: &[Panel],
) -> Result<String, ReportError> {
    let err = |e: DrawingAreaErrorKind<std::io::Error>| ReportError::Plot {
        figure,
        source: Box::new(e),
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let root = root.titled(title, ("sans-serif", 22)).map_err(err)?;
        for (area, panel) in root
            .split_evenly((1, panels.len().max(1)))
            .iter()
            .zip(panels)
        {
            let y_max = panel
                .series
                .iter()
                .flat_map(|s| s.points.iter().map(|p| p.1))
                .filter(|y| y.is_finite())
                .fold(0.0_f64, f64::max);
            // Headroom above the curves keeps the legend off their peaks.
            let y_max = if y_max > 0.0 { y_max * 1.4 } else { 1.0 };
            let mut chart = ChartBuilder::on(area)
                .caption(panel.name, ("sans-serif", 18))
                .margin(12)
                .x_label_area_size(42)
                .y_label_area_size(56)
                .build_cartesian_2d(x.0..x.1, 0.0..y_max)
                .map_err(err)?;
            chart
                .configure_mesh()
                .light_line_style(WHITE)
                .x_desc(x_desc)
                .y_desc("density")
                .x_labels(9)
                .y_labels(6)
                .draw()
                .map_err(err)?;
            draw_curves(&mut chart, &panel.series).map_err(err)?;
        }
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// The x range of the histograms in `panels`' source, or `fallback`.
fn range_of(
    runs: &[Run],
    pick: impl Fn(&Run) -> Option<&Histogram>,
    fallback: (f64, f64),
) -> (f64, f64) {
    runs.iter()
        .find_map(|r| pick(r).map(|h| (h.lo, h.hi)))
        .unwrap_or(fallback)
}

/// Figure 1 as SVG: the distribution of the Pearson correlations between the
/// units of each hidden layer, base against dropout (and the GAAF models,
/// dashed, where there are runs of them).
///
/// # Errors
///
/// [`ReportError::Plot`] if plotters fails to draw.
pub fn render_fig1(runs: &[Run]) -> Result<String, ReportError> {
    let panels = panels(runs, &Variant::ALL, |r, l| {
        r.correlations.get(l).map(|c| &c.density)
    });
    draw(
        "fig1.svg",
        "Figure 1: distributions of unit correlations on the MNIST test set",
        "Pearson correlation r",
        range_of(
            runs,
            |r| r.correlations.first().map(|c| &c.density),
            (-1.0, 1.0),
        ),
        &panels,
    )
}

fn nets_figure(
    runs: &[Run],
    figure: &'static str,
    title: &str,
    variants: &[Variant],
) -> Result<String, ReportError> {
    let panels = panels(runs, variants, |r, l| r.nets.get(l));
    draw(
        figure,
        title,
        "net (input to tanh)",
        range_of(runs, |r| r.nets.first(), crate::mnist::NET_RANGE),
        &panels,
    )
}

/// Figure 3 as SVG: the distribution of the nets of each hidden layer on the
/// test set, base against dropout.
///
/// # Errors
///
/// [`ReportError::Plot`] if plotters fails to draw.
pub fn render_fig3(runs: &[Run]) -> Result<String, ReportError> {
    nets_figure(
        runs,
        "fig3.svg",
        "Figure 3: distributions of nets to tanh on the MNIST test set, base vs dropout",
        &[Variant::Base, Variant::Dropout],
    )
}

/// Figure 6 as SVG: the distribution of the nets of each hidden layer on the
/// test set, base against GAAF (and the dropout-matched GAAF, dashed, where
/// there are runs of it).
///
/// # Errors
///
/// [`ReportError::Plot`] if plotters fails to draw.
pub fn render_fig6(runs: &[Run]) -> Result<String, ReportError> {
    nets_figure(
        runs,
        "fig6.svg",
        "Figure 6: distributions of nets to tanh on the MNIST test set, base vs GAAF",
        &[Variant::Base, Variant::Gaaf, Variant::DropoutMatched],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mnist::report::fixtures;

    /// A light well-formedness check: one root, tags balanced, the series
    /// named in the legend.
    pub(crate) fn check_svg(svg: &str, names: &[&str]) {
        assert!(svg.starts_with("<svg"), "{}", &svg[..svg.len().min(80)]);
        assert!(svg.trim_end().ends_with("</svg>"));
        let mut stack = Vec::new();
        let mut rest = svg;
        while let Some(i) = rest.find('<') {
            rest = &rest[i + 1..];
            let end = rest.find('>').expect("unclosed tag");
            let tag = &rest[..end];
            rest = &rest[end + 1..];
            if tag.starts_with('?') || tag.starts_with('!') || tag.ends_with('/') {
                continue;
            }
            let name = tag.split_whitespace().next().unwrap_or("");
            if let Some(closing) = name.strip_prefix('/') {
                assert_eq!(
                    stack.pop(),
                    Some(closing.to_string()),
                    "mismatched </{closing}>"
                );
            } else {
                stack.push(name.to_string());
            }
        }
        assert!(stack.is_empty(), "unclosed: {stack:?}");
        for name in names {
            assert!(svg.contains(name), "missing series {name}");
        }
    }

    #[test]
    fn figures_are_well_formed_and_name_their_series() {
        let runs = fixtures::runs(2);
        let fig1 = render_fig1(&runs).unwrap();
        check_svg(
            &fig1,
            &[
                "base (2 runs)",
                "dropout (2 runs)",
                "gaaf (2 runs)",
                "Layer3",
                "Pearson",
            ],
        );
        let fig3 = render_fig3(&runs).unwrap();
        check_svg(&fig3, &["base (2 runs)", "dropout (2 runs)", "Figure 3"]);
        assert!(!fig3.contains("gaaf ("));
        let fig6 = render_fig6(&runs).unwrap();
        check_svg(
            &fig6,
            &["base (2 runs)", "gaaf (2 runs)", "dropout-matched (2 runs)"],
        );
        assert!(!fig6.contains(">dropout ("));
    }

    #[test]
    fn figures_without_runs_still_draw() {
        check_svg(&render_fig1(&[]).unwrap(), &["Layer1"]);
        check_svg(
            &render_fig3(&[fixtures::run(Variant::Base, 0)]).unwrap(),
            &["base (1 run)"],
        );
    }

    #[test]
    fn merge_counts_every_seed() {
        let runs = fixtures::runs(3);
        let (h, n) = merged(&runs, Variant::Base, |r| r.nets.first()).unwrap();
        assert_eq!(n, 3);
        assert_eq!(h.total(), 3 * 2000);
    }
}
