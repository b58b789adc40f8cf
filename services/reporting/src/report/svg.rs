//! The committee report's charts: bar charts written as SVG by hand, and
//! the escaping the page shares.
//!
//! Written by hand rather than through a plotting library so that what a
//! reader of the board pack needs is guaranteed, not configured: the chart
//! has a `viewBox` and no fixed size, so it scales to its container and to
//! A4; every text is at least [`FONT`] units (14 px at the chart's natural
//! width of 640 px); both axes carry a title; the value axis steps by whole
//! numbers (a count axis never reads "0, 0, 1"); and the chart carries a
//! `<title>` and a `<desc>` that reads out its data. A chart with nothing
//! to show is not drawn at all ([`BarChart::render`] answers `None`), so
//! the page says so in a sentence instead.

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

/// A category with one value per series.
#[derive(Debug, Clone)]
pub struct Category {
    pub label: String,
    pub values: Vec<f64>,
}

/// What the values are, which fixes the value axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// Whole numbers from 0 up, in whole-number steps.
    Count,
    /// Percentages from 0 to 100, in steps of 25.
    Percent,
}

impl Scale {
    /// How a value is written on the axis and above its bar.
    pub fn format(self, v: f64) -> String {
        match self {
            Scale::Count => count(v),
            Scale::Percent => percent(v),
        }
    }
}

/// Which way the bars run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Columns over categories read left to right (periods, stages).
    Vertical,
    /// Bars across, one row per category, for long category names.
    Horizontal,
}

/// A grouped bar chart.
#[derive(Debug, Clone)]
pub struct BarChart<'a> {
    /// Unique in the document; the title and description ids derive from it.
    pub id: &'a str,
    /// Read out by screen readers (`<title>`).
    pub title: &'a str,
    /// The title of the category axis ("Month", "Stage", "Category").
    pub category_axis: &'a str,
    /// The title of the value axis ("Complaints", "Per cent met on time").
    pub value_axis: &'a str,
    pub series: &'a [Series],
    pub categories: Vec<Category>,
    pub scale: Scale,
    pub direction: Direction,
}

/// The chart's natural width in user units (pixels at full size).
pub const WIDTH: u32 = 640;
/// The size of every text in the chart, in user units: 14 px at the
/// natural width, and never under 12 px down to a 549 px wide container.
pub const FONT: u32 = 14;
/// The smallest text a chart may hold (the tests hold every chart to it).
pub const MIN_FONT: u32 = 12;

/// Whole numbers as they are.
pub fn count(v: f64) -> String {
    format!("{v:.0}")
}

/// Percentages to the nearest whole one.
pub fn percent(v: f64) -> String {
    format!("{v:.0}%")
}

/// The ticks of the value axis: whole numbers from 0, evenly spaced, the
/// last at or above `largest`. Counts step by 1, 2, 5, 10, 20, 50... so
/// that there are at most five steps; percentages by 25 up to 100.
pub fn ticks(scale: Scale, largest: f64) -> Vec<u64> {
    match scale {
        Scale::Percent => vec![0, 25, 50, 75, 100],
        Scale::Count => {
            let largest = if largest.is_finite() && largest > 0.0 {
                largest.ceil() as u64
            } else {
                0
            };
            let mut step = 1u64;
            let mut multipliers = [2u64, 5, 10].into_iter().cycle();
            let mut base = 1u64;
            while largest.div_ceil(step) > 5 {
                let m = multipliers.next().unwrap_or(10);
                step = base.saturating_mul(m);
                if m == 10 {
                    base = step;
                }
            }
            let steps = largest.div_ceil(step).max(1);
            (0..=steps).map(|i| i * step).collect()
        }
    }
}

impl BarChart<'_> {
    /// Whether any bar has a height: a chart of nothing but zeros (or of
    /// no categories at all) is not drawn.
    pub fn has_data(&self) -> bool {
        self.categories
            .iter()
            .flat_map(|c| c.values.iter())
            .any(|v| *v > 0.0)
    }

    /// The chart as an `<svg>` element, or `None` when there is nothing to
    /// draw.
    pub fn render(&self) -> Option<String> {
        if !self.has_data() {
            return None;
        }
        let largest = self
            .categories
            .iter()
            .flat_map(|c| c.values.iter().copied())
            .fold(0.0, f64::max);
        let ticks = ticks(self.scale, largest);
        let top = ticks.last().copied().unwrap_or(1).max(1) as f64;
        let mut body = String::new();
        let height = match self.direction {
            Direction::Vertical => self.vertical(&mut body, &ticks, top),
            Direction::Horizontal => self.horizontal(&mut body, &ticks, top),
        };
        let mut out = String::new();
        let id = escape(self.id);
        let _ = write!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {WIDTH} {height}\" \
             preserveAspectRatio=\"xMidYMid meet\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" \
             font-family=\"Arial, Helvetica, sans-serif\" font-size=\"{FONT}\">\
             <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>\
             <rect x=\"0\" y=\"0\" width=\"{WIDTH}\" height=\"{height}\" fill=\"#ffffff\"/>",
            escape(self.title),
            escape(&self.description()),
        );
        out.push_str(&self.legend());
        out.push_str(&body);
        out.push_str("</svg>");
        Some(out)
    }

    /// The data in words, for the `<desc>`: "Received: 2026-01 4, ...".
    fn description(&self) -> String {
        let mut parts = Vec::new();
        for (j, s) in self.series.iter().enumerate() {
            let values: Vec<String> = self
                .categories
                .iter()
                .map(|c| {
                    let v = c.values.get(j).copied().unwrap_or(0.0);
                    format!("{} {}", c.label, self.scale.format(v))
                })
                .collect();
            parts.push(format!("{}: {}", s.name, values.join(", ")));
        }
        format!(
            "Bar chart of {} by {}. {}.",
            self.value_axis.to_lowercase(),
            self.category_axis.to_lowercase(),
            parts.join("; ")
        )
    }

    /// The legend across the top, only when there is more than one series.
    fn legend(&self) -> String {
        let mut out = String::new();
        if self.series.len() < 2 {
            return out;
        }
        let mut x = 12u32;
        for s in self.series {
            let _ = write!(
                out,
                "<rect x=\"{x}\" y=\"8\" width=\"14\" height=\"14\" fill=\"{}\"/>\
                 <text class=\"legend\" x=\"{}\" y=\"20\">{}</text>",
                escape(s.colour),
                x + 20,
                escape(s.name)
            );
            x += 40 + 8 * text_units(s.name);
        }
        out
    }

    fn top_margin(&self) -> u32 {
        if self.series.len() < 2 { 16 } else { 40 }
    }

    /// Columns: categories along the bottom, values up the left.
    fn vertical(&self, out: &mut String, ticks: &[u64], top: f64) -> u32 {
        let (left, right, bottom) = (72u32, 16u32, 64u32);
        let plot_top = self.top_margin() + 8;
        let plot_h = 200u32;
        let height = plot_top + plot_h + bottom;
        let base = plot_top + plot_h;
        let plot_w = WIDTH - left - right;
        let y_of = |v: f64| base as f64 - (v.clamp(0.0, top) / top) * plot_h as f64;
        for t in ticks {
            let y = y_of(*t as f64);
            let _ = write!(
                out,
                "<line x1=\"{left}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#cccccc\"/>\
                 <text class=\"tick value\" x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
                WIDTH - right,
                left - 8,
                y + 5.0,
                self.scale.format(*t as f64)
            );
        }
        let n = self.categories.len().max(1) as f64;
        let slot = plot_w as f64 / n;
        let bars = self.series.len().max(1) as f64;
        let bar_w = (slot * 0.8 / bars).min(56.0);
        for (i, c) in self.categories.iter().enumerate() {
            let slot_x = left as f64 + slot * i as f64;
            let start = slot_x + (slot - bar_w * bars) / 2.0;
            for (j, s) in self.series.iter().enumerate() {
                let v = c.values.get(j).copied().unwrap_or(0.0);
                let x = start + bar_w * j as f64;
                let y = y_of(v);
                bar(
                    out,
                    x,
                    y,
                    bar_w - 2.0,
                    base as f64 - y,
                    s,
                    &c.label,
                    self.scale,
                    v,
                );
                let _ = write!(
                    out,
                    "<text class=\"bar-value\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                    x + (bar_w - 2.0) / 2.0,
                    y - 4.0,
                    self.scale.format(v)
                );
            }
            let _ = write!(
                out,
                "<text class=\"tick category\" x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                slot_x + slot / 2.0,
                base + 20,
                escape(&shorten(&c.label, (slot / 8.0) as usize))
            );
        }
        let _ = write!(
            out,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{base}\" y2=\"{base}\" stroke=\"#333333\"/>\
             <text class=\"axis-title category\" x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\" font-weight=\"bold\">{}</text>\
             <text class=\"axis-title value\" transform=\"translate(18 {:.1}) rotate(-90)\" text-anchor=\"middle\" font-weight=\"bold\">{}</text>",
            WIDTH - right,
            left as f64 + plot_w as f64 / 2.0,
            base + 48,
            escape(self.category_axis),
            plot_top as f64 + plot_h as f64 / 2.0,
            escape(self.value_axis),
        );
        height
    }

    /// Bars across: one row per category, names on the left, values along
    /// the bottom.
    fn horizontal(&self, out: &mut String, ticks: &[u64], top: f64) -> u32 {
        let longest = self
            .categories
            .iter()
            .map(|c| text_units(&shorten(&c.label, LABEL_CHARS)))
            .max()
            .unwrap_or(4);
        let left = (longest * 8 + 48).clamp(120, 300);
        let right = 48u32;
        let plot_top = self.top_margin() + 8;
        let bar_h = 22u32;
        let row_h = bar_h * u32::try_from(self.series.len().max(1)).unwrap_or(1) + 12;
        let rows = u32::try_from(self.categories.len()).unwrap_or(u32::MAX / 64);
        let plot_h = row_h.saturating_mul(rows).max(row_h);
        let base = plot_top + plot_h;
        let height = base + 64;
        let plot_w = WIDTH - left - right;
        let x_of = |v: f64| left as f64 + (v.clamp(0.0, top) / top) * plot_w as f64;
        for t in ticks {
            let x = x_of(*t as f64);
            let _ = write!(
                out,
                "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{plot_top}\" y2=\"{base}\" stroke=\"#cccccc\"/>\
                 <text class=\"tick value\" x=\"{x:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                base + 20,
                self.scale.format(*t as f64)
            );
        }
        for (i, c) in self.categories.iter().enumerate() {
            let row_y = plot_top + row_h * u32::try_from(i).unwrap_or(0);
            for (j, s) in self.series.iter().enumerate() {
                let v = c.values.get(j).copied().unwrap_or(0.0);
                let y = (row_y + 6 + bar_h * u32::try_from(j).unwrap_or(0)) as f64;
                let w = x_of(v) - left as f64;
                bar(
                    out,
                    left as f64,
                    y,
                    w,
                    bar_h as f64 - 2.0,
                    s,
                    &c.label,
                    self.scale,
                    v,
                );
                let _ = write!(
                    out,
                    "<text class=\"bar-value\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                    left as f64 + w + 4.0,
                    y + 15.0,
                    self.scale.format(v)
                );
            }
            let _ = write!(
                out,
                "<text class=\"tick category\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                left - 8,
                row_y + row_h / 2 + 5,
                escape(&shorten(&c.label, LABEL_CHARS))
            );
        }
        let _ = write!(
            out,
            "<line x1=\"{left}\" x2=\"{left}\" y1=\"{plot_top}\" y2=\"{base}\" stroke=\"#333333\"/>\
             <text class=\"axis-title value\" x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\" font-weight=\"bold\">{}</text>\
             <text class=\"axis-title category\" transform=\"translate(18 {:.1}) rotate(-90)\" text-anchor=\"middle\" font-weight=\"bold\">{}</text>",
            left as f64 + plot_w as f64 / 2.0,
            base + 48,
            escape(self.value_axis),
            plot_top as f64 + plot_h as f64 / 2.0,
            escape(self.category_axis),
        );
        height
    }
}

/// Category names longer than this are shortened in the chart (the table
/// beside it and the description give them in full).
const LABEL_CHARS: usize = 30;

/// One bar, with a tooltip naming its category, series and value.
#[allow(clippy::too_many_arguments)]
fn bar(
    out: &mut String,
    x: f64,
    y: f64,
    w: f64,
    h: f64,
    s: &Series,
    label: &str,
    scale: Scale,
    v: f64,
) {
    let _ = write!(
        out,
        "<rect class=\"bar\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{}\">\
         <title>{}, {}: {}</title></rect>",
        w.max(0.0),
        h.max(0.0),
        escape(s.colour),
        escape(label),
        escape(s.name),
        scale.format(v)
    );
}

/// Roughly how many average characters wide a text is.
fn text_units(text: &str) -> u32 {
    u32::try_from(text.chars().count()).unwrap_or(u32::MAX / 16)
}

/// `text` cut to `max` characters with an ellipsis (at least 4 kept).
fn shorten(text: &str, max: usize) -> String {
    let max = max.max(4);
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(values: &[f64], scale: Scale) -> BarChart<'static> {
        BarChart {
            id: "t",
            title: "T",
            category_axis: "Stage",
            value_axis: "Complaints",
            series: &[Series {
                name: "n",
                colour: "#000000",
            }],
            categories: values
                .iter()
                .enumerate()
                .map(|(i, v)| Category {
                    label: format!("<x{i}>"),
                    values: vec![*v],
                })
                .collect(),
            scale,
            direction: Direction::Vertical,
        }
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            escape("<b a=\"x\">&'</b>"),
            "&lt;b a=&quot;x&quot;&gt;&amp;&#39;&lt;/b&gt;"
        );
    }

    /// R-MON-3: a count axis steps by whole numbers (it read "0, 0, 1"
    /// when one complaint was the largest value).
    #[test]
    fn r_mon_3_count_ticks_are_whole_numbers_in_at_most_five_steps() {
        assert_eq!(ticks(Scale::Count, 0.0), vec![0, 1]);
        assert_eq!(ticks(Scale::Count, 1.0), vec![0, 1]);
        assert_eq!(ticks(Scale::Count, 3.0), vec![0, 1, 2, 3]);
        assert_eq!(ticks(Scale::Count, 7.0), vec![0, 2, 4, 6, 8]);
        assert_eq!(ticks(Scale::Count, 12.0), vec![0, 5, 10, 15]);
        assert_eq!(ticks(Scale::Count, 240.0), vec![0, 50, 100, 150, 200, 250]);
        assert_eq!(ticks(Scale::Percent, 3.0), vec![0, 25, 50, 75, 100]);
        for largest in 0..2000u32 {
            let t = ticks(Scale::Count, f64::from(largest));
            assert!(t.len() <= 6 && t.len() >= 2, "{largest}: {t:?}");
            assert!(t.last().copied().unwrap_or(0) >= u64::from(largest));
        }
    }

    #[test]
    fn a_chart_is_one_closed_svg_element_with_escaped_labels_and_no_fixed_size() {
        let svg = chart(&[2.0], Scale::Count).render().unwrap();
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(!svg.contains("<x0>"));
        assert!(svg.contains("&lt;x0&gt;"));
        let open = &svg[..svg.find('>').unwrap()];
        assert!(open.contains("viewBox=\"0 0 640 "), "{open}");
        assert!(!open.contains(" width="), "{open}");
        assert!(!open.contains(" height="), "{open}");
        assert!(svg.contains("<title id=\"t-title\">T</title>"));
        assert!(svg.contains("<desc id=\"t-desc\">"));
    }

    #[test]
    fn a_chart_of_nothing_or_only_zeros_is_not_drawn() {
        assert_eq!(chart(&[], Scale::Count).render(), None);
        assert_eq!(chart(&[0.0, 0.0], Scale::Percent).render(), None);
    }

    #[test]
    fn long_names_are_shortened_in_the_chart_only() {
        assert_eq!(
            shorten("Exams and assessments", 30),
            "Exams and assessments"
        );
        assert_eq!(shorten("abcdefgh", 5), "abcd…");
    }
}
