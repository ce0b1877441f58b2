//! Bar charts as inline SVG, drawn on the server: no script, no external library, readable
//! without colour (each bar carries its number) and described for screen readers.

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

/// A grouped bar chart: for each label, one bar per series.
pub fn bars(title: &str, labels: &[String], series: &[Series<'_>]) -> String {
    const W: f32 = 640.0;
    const H: f32 = 260.0;
    const LEFT: f32 = 40.0;
    const BOTTOM: f32 = 40.0;
    const TOP: f32 = 30.0;
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1) as f32;
    let plot_w = W - LEFT - 10.0;
    let plot_h = H - BOTTOM - TOP;
    let group = plot_w / labels.len().max(1) as f32;
    let bar = (group * 0.8) / series.len().max(1) as f32;
    let mut desc = Vec::new();
    let mut out = format!(
        r#"<svg class="chart" role="img" viewBox="0 0 {W} {H}" width="100%" xmlns="http://www.w3.org/2000/svg"><title>{}</title>"#,
        esc(title)
    );
    out.push_str(&format!(
        r##"<line x1="{LEFT}" y1="{y}" x2="{x2}" y2="{y}" stroke="#555" stroke-width="1"/>"##,
        y = H - BOTTOM,
        x2 = W - 10.0
    ));
    for (i, label) in labels.iter().enumerate() {
        let gx = LEFT + group * i as f32 + group * 0.1;
        let mut parts = Vec::new();
        for (j, s) in series.iter().enumerate() {
            let v = s.values.get(i).copied().unwrap_or(0);
            let h = plot_h * v as f32 / max;
            let x = gx + bar * j as f32;
            let y = H - BOTTOM - h;
            out.push_str(&format!(
                r##"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" fill="{fill}"><title>{name} {label}: {v}</title></rect><text x="{tx:.1}" y="{ty:.1}" font-size="10" text-anchor="middle" fill="#222">{v}</text>"##,
                w = (bar - 2.0).max(1.0),
                fill = esc(s.fill),
                name = esc(s.name),
                label = esc(label),
                tx = x + bar / 2.0,
                ty = y - 3.0,
            ));
            parts.push(format!("{} {v}", s.name));
        }
        out.push_str(&format!(
            r##"<text x="{x:.1}" y="{y}" font-size="11" text-anchor="middle" fill="#222">{}</text>"##,
            esc(label),
            x = gx + group * 0.4,
            y = H - BOTTOM + 16.0
        ));
        desc.push(format!("{label}: {}", parts.join(", ")));
    }
    // The legend.
    for (j, s) in series.iter().enumerate() {
        let x = LEFT + 150.0 * j as f32;
        out.push_str(&format!(
            r##"<rect x="{x}" y="6" width="12" height="12" fill="{}"/><text x="{tx}" y="16" font-size="11" fill="#222">{}</text>"##,
            esc(s.fill),
            esc(s.name),
            tx = x + 16.0
        ));
    }
    out.push_str(&format!("<desc>{}</desc></svg>", esc(&desc.join("; "))));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(svg.contains(r#"height="190.0""#));
        assert!(svg.contains(r#"height="0.0""#));
    }
}
