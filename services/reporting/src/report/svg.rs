//! A small SVG writer: escaping and a grouped bar chart, enough for the
//! committee report's charts and nothing more.

use std::fmt::Write;

/// Escapes text for HTML and SVG content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// One series of a bar chart: a name for the legend and a fill colour.
#[derive(Debug, Clone, Copy)]
pub struct Series {
    pub name: &'static str,
    pub colour: &'static str,
}

/// A category on the x axis with one value per series.
#[derive(Debug, Clone)]
pub struct Category {
    pub label: String,
    pub values: Vec<f64>,
}

/// A vertical grouped bar chart.
#[derive(Debug, Clone)]
pub struct BarChart<'a> {
    /// Read out by screen readers (`<title>`).
    pub title: &'a str,
    pub series: &'a [Series],
    pub categories: Vec<Category>,
    /// A fixed top of the scale (100 for percentages); otherwise the
    /// largest value, rounded up.
    pub max: Option<f64>,
    /// How a value is printed above its bar.
    pub format: fn(f64) -> String,
}

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 260.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 28.0;
const BOTTOM: f64 = 48.0;

/// Whole numbers as they are.
pub fn count(v: f64) -> String {
    format!("{v:.0}")
}

/// Percentages to the nearest whole one.
pub fn percent(v: f64) -> String {
    format!("{v:.0}%")
}

impl BarChart<'_> {
    /// The chart as an `<svg>` element.
    pub fn render(&self) -> String {
        let top = self
            .max
            .unwrap_or_else(|| {
                let largest = self
                    .categories
                    .iter()
                    .flat_map(|c| c.values.iter().copied())
                    .fold(0.0, f64::max);
                nice_ceiling(largest)
            })
            .max(1.0);
        let plot_w = WIDTH - LEFT - RIGHT;
        let plot_h = HEIGHT - TOP - BOTTOM;
        let mut out = String::new();
        let _ = write!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" \
             role=\"img\" class=\"chart\"><title>{}</title>",
            escape(self.title)
        );
        // Legend.
        let mut x = LEFT;
        for s in self.series {
            let _ = write!(
                out,
                "<rect x=\"{x}\" y=\"6\" width=\"12\" height=\"12\" fill=\"{}\"/>\
                 <text x=\"{}\" y=\"16\" class=\"legend\">{}</text>",
                s.colour,
                x + 16.0,
                escape(s.name)
            );
            x += 24.0 + 7.0 * s.name.len() as f64;
        }
        // Axes and gridlines at 0, 50 and 100 % of the scale.
        for step in 0..=2 {
            let value = top * f64::from(step) / 2.0;
            let y = TOP + plot_h - plot_h * f64::from(step) / 2.0;
            let _ = write!(
                out,
                "<line x1=\"{LEFT}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" class=\"grid\"/>\
                 <text x=\"{}\" y=\"{}\" class=\"axis\" text-anchor=\"end\">{}</text>",
                WIDTH - RIGHT,
                LEFT - 4.0,
                y + 4.0,
                escape(&(self.format)(value))
            );
        }
        if self.categories.is_empty() {
            let _ = write!(
                out,
                "<text x=\"{}\" y=\"{}\" class=\"axis\" text-anchor=\"middle\">No data</text>",
                LEFT + plot_w / 2.0,
                TOP + plot_h / 2.0
            );
        }
        let slot = plot_w / self.categories.len().max(1) as f64;
        let bars = self.series.len().max(1) as f64;
        let bar_w = (slot * 0.8 / bars).min(48.0);
        for (i, category) in self.categories.iter().enumerate() {
            let centre = LEFT + slot * (i as f64 + 0.5);
            let start = centre - bar_w * bars / 2.0;
            for (j, (value, s)) in category.values.iter().zip(self.series).enumerate() {
                let h = (value / top).clamp(0.0, 1.0) * plot_h;
                let x = start + bar_w * j as f64;
                let y = TOP + plot_h - h;
                let _ = write!(
                    out,
                    "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{h:.1}\" fill=\"{}\">\
                     <title>{}: {}</title></rect>\
                     <text x=\"{:.1}\" y=\"{:.1}\" class=\"value\" text-anchor=\"middle\">{}</text>",
                    (bar_w - 2.0).max(1.0),
                    s.colour,
                    escape(&category.label),
                    escape(&format!("{} {}", s.name, (self.format)(*value))),
                    x + bar_w / 2.0 - 1.0,
                    y - 3.0,
                    escape(&(self.format)(*value)),
                );
            }
            let _ = write!(
                out,
                "<text x=\"{centre:.1}\" y=\"{}\" class=\"axis\" text-anchor=\"middle\">",
                HEIGHT - BOTTOM + 16.0,
            );
            for (n, line) in two_lines(&category.label).into_iter().enumerate() {
                let _ = write!(
                    out,
                    "<tspan x=\"{centre:.1}\" dy=\"{}\">{}</tspan>",
                    if n == 0 { 0 } else { 13 },
                    escape(line)
                );
            }
            out.push_str("</text>");
        }
        out.push_str("</svg>");
        out
    }
}

/// A long axis label split at the space nearest its middle.
fn two_lines(label: &str) -> Vec<&str> {
    if label.chars().count() <= 14 {
        return vec![label];
    }
    let middle = label.len() / 2;
    label
        .match_indices(' ')
        .map(|(i, _)| i)
        .min_by_key(|i| i.abs_diff(middle))
        .map_or_else(|| vec![label], |i| vec![&label[..i], &label[i + 1..]])
}

/// The smallest of 1, 2 or 5 times a power of ten at or above `v`.
fn nice_ceiling(v: f64) -> f64 {
    if v <= 1.0 {
        return 1.0;
    }
    let power = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|c| *c >= v)
        .unwrap_or(10.0 * power)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_labels_are_split_in_two() {
        assert_eq!(two_lines("Stage 1"), ["Stage 1"]);
        assert_eq!(
            two_lines("Stage3 acknowledgement due"),
            ["Stage3", "acknowledgement due"]
        );
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            escape("<b a=\"x\">&'</b>"),
            "&lt;b a=&quot;x&quot;&gt;&amp;&#39;&lt;/b&gt;"
        );
    }

    #[test]
    fn the_scale_rounds_up_to_a_nice_number() {
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(3.0), 5.0);
        assert_eq!(nice_ceiling(12.0), 20.0);
        assert_eq!(nice_ceiling(100.0), 100.0);
    }

    #[test]
    fn a_chart_is_one_closed_svg_element_with_escaped_labels() {
        let chart = BarChart {
            title: "T",
            series: &[Series {
                name: "n",
                colour: "#000",
            }],
            categories: vec![Category {
                label: "<x>".into(),
                values: vec![2.0],
            }],
            max: None,
            format: count,
        }
        .render();
        assert!(chart.starts_with("<svg") && chart.ends_with("</svg>"));
        assert!(!chart.contains("<x>"));
        assert!(chart.contains("&lt;x&gt;"));
    }
}
