//! The committee report's charts: a grouped bar chart drawn to SVG by
//! plotters, and the escaping the page shares.

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

const WIDTH: u32 = 640;
const HEIGHT: u32 = 260;

/// Whole numbers as they are.
pub fn count(v: f64) -> String {
    format!("{v:.0}")
}

/// Percentages to the nearest whole one.
pub fn percent(v: f64) -> String {
    format!("{v:.0}%")
}

impl BarChart<'_> {
    /// The chart as an `<svg>` element, drawn by plotters' SVG backend,
    /// with a `<title>` for screen readers and the `chart` class the
    /// page's stylesheet sizes for screen and print.
    pub fn render(&self) -> String {
        let mut svg = String::new();
        if let Err(e) = self.draw(&mut svg) {
            // Drawing into a string cannot fail for I/O reasons; a failure
            // here is a layout bug, so the report says so instead of
            // carrying a half-drawn chart.
            tracing::error!(error = %e, chart = self.title, "a chart could not be drawn");
            svg = format!(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {HEIGHT}\">\
                 <text x=\"20\" y=\"40\">Chart unavailable</text></svg>"
            );
        }
        let title = format!("<title>{}</title>", escape(self.title));
        let svg = svg
            .trim()
            .replacen("<svg ", "<svg role=\"img\" class=\"chart\" ", 1);
        match svg.find('>') {
            Some(i) => format!("{}{title}{}", &svg[..=i], &svg[i + 1..]),
            None => svg,
        }
    }

    /// The largest value, rounded up, unless the scale is fixed.
    fn top(&self) -> f64 {
        self.max
            .unwrap_or_else(|| {
                let largest = self
                    .categories
                    .iter()
                    .flat_map(|c| c.values.iter().copied())
                    .fold(0.0, f64::max);
                nice_ceiling(largest)
            })
            .max(1.0)
    }

    fn draw(&self, out: &mut String) -> Result<(), Box<dyn std::error::Error + '_>> {
        use plotters::prelude::*;
        use plotters::style::text_anchor::{HPos, Pos, VPos};

        let top = self.top();
        let root = SVGBackend::with_string(out, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE)?;
        // Categories are indices into a slice: a discrete axis, so plotters
        // places one tick per category and never computes numeric ticks.
        let slots: Vec<usize> = (0..self.categories.len().max(1)).collect();
        let mut chart = ChartBuilder::on(&root)
            .margin_top(28)
            .margin_right(12)
            .x_label_area_size(40)
            .y_label_area_size(44)
            .build_cartesian_2d(slots[..].into_segmented(), 0.0..top)?;
        let labels: Vec<String> = self.categories.iter().map(|c| c.label.clone()).collect();
        let axis_label = |v: &SegmentValue<&usize>| match v {
            SegmentValue::CenterOf(i) => labels.get(**i).cloned().unwrap_or_default(),
            _ => String::new(),
        };
        let value_label = |v: &f64| (self.format)(*v);
        chart
            .configure_mesh()
            .disable_x_mesh()
            .max_light_lines(1)
            .light_line_style(TRANSPARENT)
            .bold_line_style(RGBColor(0xcc, 0xcc, 0xcc))
            .y_labels(3)
            .x_labels(self.categories.len().max(1))
            .x_label_formatter(&axis_label)
            .y_label_formatter(&value_label)
            .label_style(("sans-serif", 11))
            .draw()?;
        if self.categories.is_empty() {
            let (x, y) = chart.backend_coord(&(SegmentValue::CenterOf(&slots[0]), top / 2.0));
            root.draw(&Text::new(
                "No data",
                (x, y),
                ("sans-serif", 12)
                    .into_text_style(&root)
                    .pos(Pos::new(HPos::Center, VPos::Center)),
            ))?;
        }
        // Grouped bars are placed in pixels inside each category's segment.
        let bars = i32::try_from(self.series.len().max(1)).unwrap_or(1);
        for (i, category) in slots.iter().zip(&self.categories) {
            let (left, base) = chart.backend_coord(&(SegmentValue::Exact(i), 0.0));
            let right_edge = slots
                .get(i + 1)
                .map_or(SegmentValue::Last, SegmentValue::Exact);
            let (right, _) = chart.backend_coord(&(right_edge, 0.0));
            let slot = right - left;
            let bar_w = (slot * 8 / 10 / bars).clamp(1, 48);
            let start = left + (slot - bar_w * bars) / 2;
            for ((j, value), s) in (0i32..).zip(&category.values).zip(self.series) {
                let (_, y) = chart.backend_coord(&(SegmentValue::Exact(i), value.clamp(0.0, top)));
                let x = start + bar_w * j;
                root.draw(&Rectangle::new(
                    [(x, y), (x + bar_w - 2, base)],
                    colour(s.colour).filled(),
                ))?;
                root.draw(&Text::new(
                    (self.format)(*value),
                    ((x + x + bar_w - 2) / 2, y - 2),
                    ("sans-serif", 10)
                        .into_text_style(&root)
                        .pos(Pos::new(HPos::Center, VPos::Bottom)),
                ))?;
            }
        }
        // The legend, across the top.
        let mut x = 44;
        for s in self.series {
            root.draw(&Rectangle::new(
                [(x, 6), (x + 12, 18)],
                colour(s.colour).filled(),
            ))?;
            root.draw(&Text::new(s.name, (x + 16, 7), ("sans-serif", 11)))?;
            x += 24 + 7 * i32::try_from(s.name.len()).unwrap_or(20);
        }
        root.present()?;
        Ok(())
    }
}

/// A `#rrggbb` colour; anything else is drawn in dark grey.
fn colour(hex: &str) -> plotters::style::RGBColor {
    let channel = |i: usize| {
        hex.get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
    };
    match (hex.len(), channel(1), channel(3), channel(5)) {
        (7, Some(r), Some(g), Some(b)) => plotters::style::RGBColor(r, g, b),
        _ => plotters::style::RGBColor(0x33, 0x33, 0x33),
    }
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
    fn colours_are_read_from_hex() {
        assert_eq!(
            colour("#1d5f8a"),
            plotters::style::RGBColor(0x1d, 0x5f, 0x8a)
        );
        assert_eq!(colour("teal"), plotters::style::RGBColor(0x33, 0x33, 0x33));
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
