//! A hand-written SVG of a sweep: throughput (top panel) and p99 latency (bottom panel)
//! against io-threads, one line per series, each other server as a dashed reference line.

use std::fmt::Write;

/// (io-threads, ops/s, p99 µs).
pub type Point = (f64, f64, f64);
/// Which value of a point a panel plots.
type Pick = fn(&Point) -> f64;

/// One line of points.
pub struct Series {
    pub name: String,
    pub points: Vec<Point>,
}

const WIDTH: f64 = 760.0;
const PANEL_H: f64 = 220.0;
const LEFT: f64 = 80.0;
const RIGHT: f64 = 170.0; // room for the legend
const TOP: f64 = 40.0;
const GAP: f64 = 70.0;
const COLORS: [&str; 4] = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"];
const OTHER_COLORS: [&str; 4] = ["#555555", "#ff7f0e", "#8c564b", "#17becf"];

/// A reference server: (name, ops/s, p99 µs).
pub type Reference<'a> = (&'a str, f64, f64);

/// The SVG document against io-threads 1, 2, 3... `others` are the reference servers.
pub fn render(series: &[Series], others: &[Reference]) -> String {
    let xs = series.iter().flat_map(|se| se.points.iter().map(|p| p.0));
    let x_max = xs.fold(1.0f64, f64::max) as usize;
    let ticks: Vec<(f64, String)> = (1..=x_max).map(|t| (t as f64, t.to_string())).collect();
    render_axis(series, others, "io-threads", &ticks)
}

/// The SVG document with the x axis labelled `label` and ticked at `ticks` (position,
/// text); positions run from 1 (a log scale passes each value's rank).
pub fn render_axis(
    series: &[Series],
    others: &[Reference],
    label: &str,
    ticks: &[(f64, String)],
) -> String {
    let height = TOP + 2.0 * PANEL_H + GAP + 50.0;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" \
         viewBox=\"0 0 {WIDTH} {height}\" font-family=\"sans-serif\" font-size=\"12\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    );
    let xs = series.iter().flat_map(|se| se.points.iter().map(|p| p.0));
    let x_max = xs.chain(ticks.iter().map(|t| t.0)).fold(1.0f64, f64::max);
    let panels: [(&str, Pick); 2] = [
        ("throughput (ops/s)", |p| p.1),
        ("p99 latency (µs)", |p| p.2),
    ];
    // A reference server's value, picked like a point's.
    let at = |o: &Reference, pick: Pick| pick(&(0.0, o.1, o.2));
    for (k, (title, pick)) in panels.into_iter().enumerate() {
        let top = TOP + k as f64 * (PANEL_H + GAP);
        let values = series.iter().flat_map(|se| se.points.iter().map(pick));
        let references = others.iter().map(|o| at(o, pick));
        let y_max = nice_ceiling(values.chain(references).fold(0.0, f64::max) * 1.1);
        let frame = Frame { top, x_max, y_max };
        frame.axes(&mut s, title, label, ticks);
        for (i, se) in series.iter().enumerate() {
            frame.line(&mut s, se, pick, COLORS[i % COLORS.len()]);
        }
        for (i, o) in others.iter().enumerate() {
            let py = frame.y(at(o, pick));
            let color = OTHER_COLORS[i % OTHER_COLORS.len()];
            let _ = writeln!(
                s,
                "<line x1=\"{LEFT}\" y1=\"{py:.1}\" x2=\"{:.1}\" y2=\"{py:.1}\" stroke=\"{color}\" \
                 stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>",
                WIDTH - RIGHT
            );
        }
    }
    legend(&mut s, series, others);
    s.push_str("</svg>\n");
    s
}

/// One panel's coordinate mapping.
struct Frame {
    top: f64,
    x_max: f64,
    y_max: f64,
}

impl Frame {
    fn x(&self, v: f64) -> f64 {
        // Positions start at 1; half a step of margin on each side.
        let span = self.x_max; // from 0.5 to x_max + 0.5
        LEFT + (v - 0.5) / span * (WIDTH - LEFT - RIGHT)
    }

    fn y(&self, v: f64) -> f64 {
        self.top + PANEL_H - (v / self.y_max).clamp(0.0, 1.0) * PANEL_H
    }

    fn axes(&self, s: &mut String, title: &str, label: &str, ticks: &[(f64, String)]) {
        let (x0, x1) = (LEFT, WIDTH - RIGHT);
        let (y0, y1) = (self.top + PANEL_H, self.top);
        let _ = writeln!(
            s,
            "<text x=\"{x0}\" y=\"{:.1}\" font-weight=\"bold\">{}</text>\n\
             <path d=\"M{x0},{y1} V{y0} H{x1}\" fill=\"none\" stroke=\"black\"/>",
            y1 - 10.0,
            escape(title)
        );
        for i in 0..=4 {
            let v = self.y_max * f64::from(i) / 4.0;
            let py = self.y(v);
            let _ = writeln!(
                s,
                "<line x1=\"{x0}\" y1=\"{py:.1}\" x2=\"{x1}\" y2=\"{py:.1}\" stroke=\"#e0e0e0\"/>\n\
                 <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
                x0 - 6.0,
                py + 4.0,
                si(v)
            );
        }
        for (t, text) in ticks {
            let px = self.x(*t);
            let _ = writeln!(
                s,
                "<text x=\"{px:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                y0 + 16.0,
                escape(text)
            );
        }
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            (x0 + x1) / 2.0,
            y0 + 32.0,
            escape(label)
        );
    }

    fn line(&self, s: &mut String, se: &Series, pick: Pick, color: &str) {
        let pts: Vec<String> = se
            .points
            .iter()
            .map(|p| format!("{:.1},{:.1}", self.x(p.0), self.y(pick(p))))
            .collect();
        let _ = writeln!(
            s,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\"/>",
            pts.join(" ")
        );
        for p in &se.points {
            let _ = writeln!(
                s,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"{color}\"/>",
                self.x(p.0),
                self.y(pick(p))
            );
        }
    }
}

fn legend(s: &mut String, series: &[Series], others: &[Reference]) {
    let x = WIDTH - RIGHT + 20.0;
    let mut entries: Vec<(String, &str, &str)> = series
        .iter()
        .enumerate()
        .map(|(i, se)| (se.name.clone(), COLORS[i % COLORS.len()], ""))
        .collect();
    for (i, o) in others.iter().enumerate() {
        entries.push((o.0.to_string(), OTHER_COLORS[i % OTHER_COLORS.len()], "6 4"));
    }
    for (i, (name, color, dash)) in entries.iter().enumerate() {
        let y = TOP + 10.0 + i as f64 * 20.0;
        let _ = writeln!(
            s,
            "<line x1=\"{x}\" y1=\"{y}\" x2=\"{:.1}\" y2=\"{y}\" stroke=\"{color}\" stroke-width=\"2\" \
             stroke-dasharray=\"{dash}\"/>\n<text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            x + 24.0,
            x + 30.0,
            y + 4.0,
            escape(name)
        );
    }
}

/// The smallest 1, 2, 2.5 or 5 times a power of ten that is at least `v` (1 for v <= 0).
fn nice_ceiling(v: f64) -> f64 {
    if !(v.is_finite() && v > 0.0) {
        return 1.0;
    }
    let p = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * p)
        .find(|c| *c >= v)
        .unwrap_or(10.0 * p)
}

/// 1500 -> "1.5k", 2000000 -> "2M".
fn si(v: f64) -> String {
    let (x, unit) = if v >= 1e6 {
        (v / 1e6, "M")
    } else if v >= 1e3 {
        (v / 1e3, "k")
    } else {
        (v, "")
    };
    let text = format!("{x:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}{unit}")
}

fn escape(t: &str) -> String {
    t.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_and_labels() {
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(130.0), 200.0);
        assert_eq!(nice_ceiling(240_000.0), 250_000.0);
        assert_eq!(nice_ceiling(f64::NAN), 1.0);
        assert_eq!(si(1500.0), "1.5k");
        assert_eq!(si(2_000_000.0), "2M");
        assert_eq!(si(0.0), "0");
    }

    #[test]
    fn renders_series_and_reference() {
        let se = Series {
            name: "muxis".into(),
            points: vec![(1.0, 100_000.0, 50.0), (2.0, 150_000.0, 40.0)],
        };
        let svg = render(&[se], &[("redis-server", 120_000.0, 45.0)]);
        assert!(svg.starts_with("<svg"));
        assert!(svg.trim_end().ends_with("</svg>"));
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert!(svg.contains("stroke-dasharray=\"6 4\""));
        assert!(svg.contains(">redis-server</text>"));
        // Nothing to plot still makes a valid document.
        assert!(render(&[], &[]).contains("</svg>"));
    }
}
