//! LATENCY GRAPH's ASCII art: Redis's `sparkline.c` and `latencyCommandGenSparkeline`,
//! ported so the picture is the same character for character.

use crate::engine::latency::Series;
use std::fmt::Write;

/// Columns of the graph (Redis's `LATENCY_GRAPH_COLS`).
const COLS: usize = 80;
/// Rows of the graph proper; labels hang below.
const ROWS: usize = 4;
/// The filled charset, lowest first; `|` fills below the top character.
const FILL: &[u8] = b"_o#";

struct Sample {
    value: f64,
    label: Vec<u8>,
}

/// The graph of `event`'s samples at unix time `now`.
pub fn event_graph(event: &str, s: &Series, now: u64) -> String {
    let mut seq = Vec::new();
    let (mut min, mut max) = (0u64, 0u64);
    for (i, &(time, ms)) in s.samples.iter().enumerate() {
        if i == 0 {
            (min, max) = (ms, ms);
        } else {
            max = max.max(ms);
            min = min.min(ms);
        }
        let ago = now.saturating_sub(time);
        let label = if ago < 60 {
            format!("{ago}s")
        } else if ago < 3600 {
            format!("{}m", ago / 60)
        } else if ago < 86_400 {
            format!("{}h", ago / 3600)
        } else {
            format!("{}d", ago / 86_400)
        };
        seq.push(Sample {
            value: ms as f64,
            label: label.into_bytes(),
        });
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{event} - high {max} ms, low {min} ms (all time high {} ms)",
        s.max
    );
    out.push_str(&"-".repeat(COLS));
    out.push('\n');
    let mut bytes = out.into_bytes();
    render(&mut bytes, &seq);
    String::from_utf8_lossy(&bytes).into_owned()
}

/// `sparklineRender`: the sequence in chunks of [`COLS`].
fn render(out: &mut Vec<u8>, seq: &[Sample]) {
    let lo = seq.iter().map(|s| s.value).fold(f64::INFINITY, f64::min);
    let hi = seq
        .iter()
        .map(|s| s.value)
        .fold(f64::NEG_INFINITY, f64::max);
    for (k, chunk) in seq.chunks(COLS).enumerate() {
        if k != 0 {
            out.push(b'\n');
        }
        render_range(out, chunk, lo, hi);
    }
}

/// `sparklineRenderRange` with the fill option, linear scale.
fn render_range(out: &mut Vec<u8>, seq: &[Sample], min: f64, max: f64) {
    let mut relmax = max - min;
    if relmax == 0.0 {
        relmax = 1.0;
    }
    let steps = (FILL.len() * ROWS) as f64;
    let labels = seq.iter().any(|s| !s.label.is_empty());
    let mut row = 0;
    loop {
        let mut more = false;
        let mut chars = vec![b' '; seq.len()];
        for (j, s) in seq.iter().enumerate() {
            let relval = s.value - min;
            // C: `(int) (relval*steps)/relmax`, truncated again into an int.
            let step = (((relval * steps).trunc()) / relmax) as i64;
            let step = step.clamp(0, steps as i64 - 1);
            if row < ROWS {
                more = true;
                let idx = step - ((ROWS - row - 1) * FILL.len()) as i64;
                if (0..FILL.len() as i64).contains(&idx) {
                    chars[j] = FILL[idx as usize];
                } else if idx >= FILL.len() as i64 {
                    chars[j] = b'|';
                }
            } else {
                // One blank line between the graph and its labels.
                if labels && row - ROWS < 1 {
                    more = true;
                    break;
                }
                let at = row - ROWS - 1;
                if let Some(&c) = s.label.get(at) {
                    more = true;
                    chars[j] = c;
                }
            }
        }
        if !more {
            return;
        }
        row += 1;
        out.extend_from_slice(&chars);
        out.push(b'\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_of_two_samples() {
        let s = Series {
            samples: [(100, 10), (101, 20)].into_iter().collect(),
            max: 20,
        };
        let g = event_graph("command", &s, 101);
        let want = "command - high 20 ms, low 10 ms (all time high 20 ms)\n".to_string()
            + &"-".repeat(80)
            + "\n #\n |\n |\n_|\n  \n10\nss\n";
        assert_eq!(g, want);
    }
}
