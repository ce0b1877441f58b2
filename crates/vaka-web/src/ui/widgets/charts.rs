//! Bar charts as inline SVG, drawn on the server: no script, no external library, readable
//! without colour (each bar carries its number) and described for screen readers.

use jiff::civil::Date;

/// Escapes text for SVG/HTML.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One series of a grouped bar chart: its name, fill colour and one value per label.
pub struct Series<'a> {
    pub name: &'a str,
    pub fill: &'a str,
    pub values: Vec<u32>,
}

/// Text size in the chart's units. The page never draws a chart narrower than three quarters
/// of its width (`.chart` in vaka.css), so text is at least 12 px on screen.
const FONT: f32 = 16.0;
/// The least height of a bar for a value above zero, so that a small value is still seen.
const MIN_BAR: f32 = 3.0;
/// About how wide a character of the chart's text is, in its units.
const CHAR_W: f32 = FONT * 0.6;

/// A grouped bar chart: for each label, one bar per series. Every label is written (turned
/// when the labels would not fit side by side); a value above zero is never a flat bar.
pub fn bars(title: &str, labels: &[String], series: &[Series<'_>]) -> String {
    const W: f32 = 640.0;
    const LEFT: f32 = 20.0;
    const TOP: f32 = 52.0;
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1) as f32;
    let plot_w = W - LEFT - 10.0;
    let group = plot_w / labels.len().max(1) as f32;
    let widest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0) as f32 * CHAR_W;
    let turned = widest > group * 0.95;
    // Turned labels need room below the axis as deep as the longest one.
    let bottom = if turned {
        widest * 0.72 + FONT + 8.0
    } else {
        FONT + 14.0
    };
    let plot_h = 200.0;
    let h_total = TOP + plot_h + bottom;
    let bar = (group * 0.8) / series.len().max(1) as f32;
    let mut desc = Vec::new();
    let mut out = format!(
        r#"<svg class="chart" role="img" viewBox="0 0 {W} {h_total:.0}" xmlns="http://www.w3.org/2000/svg"><title>{}</title>"#,
        esc(title)
    );
    let axis = TOP + plot_h;
    out.push_str(&format!(
        r##"<line x1="{LEFT}" y1="{axis}" x2="{x2}" y2="{axis}" stroke="#555" stroke-width="1"/>"##,
        x2 = W - 10.0
    ));
    for (i, label) in labels.iter().enumerate() {
        let gx = LEFT + group * i as f32 + group * 0.1;
        let mut parts = Vec::new();
        for (j, s) in series.iter().enumerate() {
            let v = s.values.get(i).copied().unwrap_or(0);
            let h = if v == 0 {
                0.0
            } else {
                (plot_h * v as f32 / max).max(MIN_BAR)
            };
            let x = gx + bar * j as f32;
            let y = axis - h;
            out.push_str(&format!(
                r#"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" fill="{fill}"><title>{name} {label}: {v}</title></rect>"#,
                w = (bar - 2.0).max(1.0),
                fill = esc(s.fill),
                name = esc(s.name),
                label = esc(label),
            ));
            // The number on its bar where it fits; the bar's title and the description
            // carry it always.
            let text_w = v.to_string().len() as f32 * CHAR_W;
            if text_w <= bar + 2.0 {
                out.push_str(&format!(
                    r##"<text x="{tx:.1}" y="{ty:.1}" font-size="{FONT}" text-anchor="middle" fill="#222">{v}</text>"##,
                    tx = x + bar / 2.0,
                    ty = y - 4.0,
                ));
            }
            parts.push(format!("{} {v}", s.name));
        }
        let lx = gx + group * 0.4;
        let ly = axis + FONT + 4.0;
        if turned {
            out.push_str(&format!(
                r##"<text x="{lx:.1}" y="{ly:.1}" font-size="{FONT}" text-anchor="end" transform="rotate(-45 {lx:.1} {ly:.1})" fill="#222">{}</text>"##,
                esc(label),
            ));
        } else {
            out.push_str(&format!(
                r##"<text x="{lx:.1}" y="{ly:.1}" font-size="{FONT}" text-anchor="middle" fill="#222">{}</text>"##,
                esc(label),
            ));
        }
        desc.push(format!("{label}: {}", parts.join(", ")));
    }
    // The legend, on a line of its own above the plot.
    let mut x = LEFT;
    for s in series {
        out.push_str(&format!(
            r##"<rect x="{x:.1}" y="8" width="14" height="14" fill="{}"/><text x="{tx:.1}" y="21" font-size="{FONT}" fill="#222">{}</text>"##,
            esc(s.fill),
            esc(s.name),
            tx = x + 18.0
        ));
        x += 18.0 + s.name.chars().count() as f32 * CHAR_W + 20.0;
    }
    out.push_str(&format!("<desc>{}</desc></svg>", esc(&desc.join("; "))));
    out
}

/// The most months a chart by month draws.
const MAX_MONTHS: usize = 31;

/// The buckets of a chart by month: every month from `from` through `to` (at most
/// [`MAX_MONTHS`]), labelled `YYYY-MM`, with or without data, and `N` series added up from rows
/// of (year, month, one value per series). A row outside the months is left out.
pub fn monthly<const N: usize>(
    from: Date,
    to: Date,
    rows: impl IntoIterator<Item = (i16, i8, [u32; N])>,
) -> (Vec<String>, [Vec<u32>; N]) {
    let mut labels: Vec<String> = Vec::new();
    let mut d = from;
    while d <= to && labels.len() < MAX_MONTHS {
        labels.push(d.strftime("%Y-%m").to_string());
        match d.checked_add(jiff::Span::new().months(1)) {
            Ok(next) => d = next,
            Err(_) => break,
        }
    }
    let mut series = [(); N].map(|()| vec![0u32; labels.len()]);
    for (year, month, values) in rows {
        let key = format!("{year:04}-{month:02}");
        if let Some(i) = labels.iter().position(|l| *l == key) {
            for (s, v) in series.iter_mut().zip(values) {
                s[i] += v;
            }
        }
    }
    (labels, series)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monthly_buckets_cover_every_month_and_add_up_rows_within_them() {
        let (labels, [a, b]) = monthly(
            jiff::civil::date(2026, 11, 1),
            jiff::civil::date(2027, 2, 1),
            [
                (2026, 11, [1, 2]),
                (2026, 11, [3, 4]),
                (2027, 1, [5, 0]),
                (2027, 3, [100, 100]),
                (2026, 10, [100, 100]),
            ],
        );
        assert_eq!(labels, ["2026-11", "2026-12", "2027-01", "2027-02"]);
        assert_eq!(a, [4, 0, 5, 0]);
        assert_eq!(b, [6, 0, 0, 0]);

        let (labels, [c]) = monthly(
            jiff::civil::date(2020, 1, 1),
            jiff::civil::date(2026, 12, 1),
            [(2020, 1, [7])],
        );
        assert_eq!(labels.len(), MAX_MONTHS, "a long period is cut");
        assert_eq!(labels.last().map(String::as_str), Some("2022-07"));
        assert_eq!(c[0], 7);
    }

    #[test]
    fn a_chart_has_a_bar_per_value_and_escapes_text() {
        let svg = bars(
            "Planerat <och> utfört",
            &["2026-11".into(), "2026-12".into()],
            &[
                Series {
                    name: "Planerade",
                    fill: "#1f5fa8",
                    values: vec![10, 4],
                },
                Series {
                    name: "Utförda",
                    fill: "#2e7d32",
                    values: vec![8, 0],
                },
            ],
        );
        assert_eq!(
            svg.matches("<rect ").count(),
            4 + 2,
            "four bars and two legend keys"
        );
        assert!(svg.contains("Planerat &lt;och&gt; utfört"));
        assert!(svg.contains("<title>Utförda 2026-11: 8</title>"));
        assert!(svg.contains("2026-12: Planerade 4, Utförda 0"));
        // The tallest bar fills the plot; a zero is flat.
        assert!(svg.contains(r#"height="200.0""#));
        assert!(svg.contains(r#"height="0.0""#));
    }

    /// Text of at least 16 units (12 px at the least width the page draws), a small value
    /// still a bar, and every bucket labelled, turned when the labels are many.
    #[test]
    fn small_values_show_and_every_bucket_is_labelled_in_readable_text() {
        let labels: Vec<String> = (1..=12).map(|m| format!("2026-{m:02}")).collect();
        let svg = bars(
            "År",
            &labels,
            &[Series {
                name: "Larm",
                fill: "#1f5fa8",
                values: (1..=12).map(|m| if m == 3 { 1 } else { 1000 }).collect(),
            }],
        );
        for l in &labels {
            assert!(svg.contains(&format!(">{l}</text>")), "{l} is labelled");
        }
        assert!(
            svg.contains("rotate(-45"),
            "twelve months are turned to fit"
        );
        assert!(
            svg.contains(r#"height="3.0""#),
            "a 1 among 1000s is still seen"
        );
        let sizes: Vec<f32> = svg
            .split("font-size=\"")
            .skip(1)
            .map(|s| s.split('"').next().unwrap().parse().unwrap())
            .collect();
        assert!(
            !sizes.is_empty() && sizes.iter().all(|s| *s >= 16.0),
            "{sizes:?}"
        );
    }
}
