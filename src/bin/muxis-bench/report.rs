//! A run's summary and its three renderings: text for people, one JSON object and a CSV
//! header + row for scripts. Field names are fixed; [`FIELDS`] documents them in --help.

use crate::hist::Latency;

/// Everything a run measured.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    pub host: String,
    pub port: u16,
    pub threads: usize,
    pub connections: usize,
    pub pipeline: usize,
    pub keyspace: u64,
    /// SET:GET key patterns (`keys.rs`).
    pub key_pattern: String,
    pub value_size: usize,
    pub mix: String,
    /// Open loop's total requests/s; `None` for a closed loop.
    pub target_rate: Option<f64>,
    pub ops: u64,
    pub elapsed_s: f64,
    pub latency: Latency,
    pub errors: u64,
    pub nils: u64,
    pub conn_errors: u64,
    pub unanswered: u64,
    pub client_cpu_s: f64,
    pub lag_mean_us: f64,
    pub lag_max_us: f64,
    pub unsent: u64,
}

/// Every summary field, in output order, with what it means.
pub const FIELDS: &[(&str, &str)] = &[
    ("host", "server address"),
    ("port", "server port"),
    (
        "mode",
        "\"closed\" (next request on each reply) or \"open\" (--rate schedule)",
    ),
    ("threads", "client threads"),
    ("connections", "connections in total"),
    (
        "pipeline",
        "requests in flight per connection (open loop: at most)",
    ),
    ("keyspace", "keys in the range (key:0..K-1 by default)"),
    (
        "key_pattern",
        "SET:GET key patterns: R random, G Gaussian, S sequential, P parallel",
    ),
    ("value_size", "SET value bytes"),
    ("mix", "command weights"),
    (
        "target_rate",
        "open loop requests/s asked for (0: closed loop)",
    ),
    ("ops", "replies received before the end (errors included)"),
    ("elapsed_s", "measured seconds"),
    ("ops_per_sec", "ops / elapsed_s"),
    (
        "p50_us",
        "latency percentiles in microseconds; open loop measures",
    ),
    (
        "p90_us",
        "  from each request's intended send time, so a stalled",
    ),
    ("p99_us", "  server's delay is never omitted"),
    ("p999_us", "99.9th percentile"),
    ("max_us", "slowest reply"),
    ("mean_us", "mean latency"),
    ("errors", "error replies (-ERR ...)"),
    ("nils", "null replies (GET of a missing key)"),
    ("conn_errors", "connections lost or sent a malformed reply"),
    (
        "unanswered",
        "requests still awaiting a reply when the run ended",
    ),
    (
        "client_cpu_s",
        "this process's user+system CPU seconds (getrusage)",
    ),
    (
        "client_cpu_s_per_mreq",
        "client CPU seconds per million replies",
    ),
    (
        "client_cpu_pct",
        "client CPU as % of one core over elapsed_s",
    ),
    (
        "lag_mean_us",
        "open loop: mean delay of sends behind their schedule",
    ),
    ("lag_max_us", "open loop: largest delay behind schedule"),
    (
        "unsent",
        "open loop: requests due before the end but never sent",
    ),
];

/// One field value.
pub enum Value {
    Int(u64),
    Num(f64),
    Str(String),
}

impl Summary {
    pub fn ops_per_sec(&self) -> f64 {
        per(self.ops as f64, self.elapsed_s)
    }

    pub fn client_cpu_s_per_mreq(&self) -> f64 {
        per(self.client_cpu_s * 1e6, self.ops as f64)
    }

    pub fn client_cpu_pct(&self) -> f64 {
        per(self.client_cpu_s * 100.0, self.elapsed_s)
    }

    /// The fields in [`FIELDS`] order.
    pub fn values(&self) -> Vec<Value> {
        use Value::*;
        let l = &self.latency;
        let mode = if self.target_rate.is_some() {
            "open"
        } else {
            "closed"
        };
        vec![
            Str(self.host.clone()),
            Int(self.port.into()),
            Str(mode.into()),
            Int(self.threads as u64),
            Int(self.connections as u64),
            Int(self.pipeline as u64),
            Int(self.keyspace),
            Str(self.key_pattern.clone()),
            Int(self.value_size as u64),
            Str(self.mix.clone()),
            Num(self.target_rate.unwrap_or(0.0)),
            Int(self.ops),
            Num(self.elapsed_s),
            Num(self.ops_per_sec()),
            Num(l.p50),
            Num(l.p90),
            Num(l.p99),
            Num(l.p999),
            Num(l.max),
            Num(l.mean),
            Int(self.errors),
            Int(self.nils),
            Int(self.conn_errors),
            Int(self.unanswered),
            Num(self.client_cpu_s),
            Num(self.client_cpu_s_per_mreq()),
            Num(self.client_cpu_pct()),
            Num(self.lag_mean_us),
            Num(self.lag_max_us),
            Int(self.unsent),
        ]
    }

    pub fn json(&self) -> String {
        let parts: Vec<String> = FIELDS
            .iter()
            .zip(self.values())
            .map(|((name, _), v)| format!("\"{name}\":{}", json_value(&v)))
            .collect();
        format!("{{{}}}", parts.join(","))
    }

    pub fn csv_header() -> String {
        let names: Vec<&str> = FIELDS.iter().map(|(n, _)| *n).collect();
        names.join(",")
    }

    pub fn csv_row(&self) -> String {
        let cells: Vec<String> = self.values().iter().map(csv_value).collect();
        cells.join(",")
    }

    pub fn text(&self) -> String {
        let l = &self.latency;
        let mode = match self.target_rate {
            Some(r) => format!("open loop at {r:.0} req/s"),
            None => "closed loop".into(),
        };
        let mut out = format!(
            "{}:{}  {mode}  threads {}  connections {}  pipeline {}  mix {}  keyspace {} ({})  value {} B\n",
            self.host,
            self.port,
            self.threads,
            self.connections,
            self.pipeline,
            self.mix,
            self.keyspace,
            self.key_pattern,
            self.value_size,
        );
        out += &format!(
            "  throughput   {} replies in {:.2} s = {:.0} ops/s\n",
            self.ops,
            self.elapsed_s,
            self.ops_per_sec()
        );
        out += &format!(
            "  latency µs   p50 {:.1}  p90 {:.1}  p99 {:.1}  p99.9 {:.1}  max {:.1}  mean {:.1}\n",
            l.p50, l.p90, l.p99, l.p999, l.max, l.mean
        );
        out += &format!(
            "  errors       {} error replies, {} connections lost, {} unanswered at the end ({} nil replies)\n",
            self.errors, self.conn_errors, self.unanswered, self.nils
        );
        out += &format!(
            "  client CPU   {:.2} s = {:.1}% of one core, {:.2} s per million requests\n",
            self.client_cpu_s,
            self.client_cpu_pct(),
            self.client_cpu_s_per_mreq()
        );
        if self.target_rate.is_some() {
            out += &format!(
                "  schedule     sends behind schedule by {:.1} µs mean, {:.1} µs max; {} due but never sent\n",
                self.lag_mean_us, self.lag_max_us, self.unsent
            );
        }
        out
    }
}

/// `a / b`, 0 when `b` is 0 (an empty run reports zeros, not NaN).
pub fn per(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { 0.0 }
}

fn number(x: f64) -> String {
    // JSON has no NaN or infinity.
    if x.is_finite() {
        format!("{x:.3}")
    } else {
        "0".into()
    }
}

pub fn json_value(v: &Value) -> String {
    match v {
        Value::Int(n) => n.to_string(),
        Value::Num(x) => number(*x),
        Value::Str(s) => {
            let mut out = String::from("\"");
            for c in s.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                    c => out.push(c),
                }
            }
            out.push('"');
            out
        }
    }
}

pub fn csv_value(v: &Value) -> String {
    match v {
        Value::Int(n) => n.to_string(),
        Value::Num(x) => number(*x),
        // Always quoted: the mix holds commas.
        Value::Str(s) => format!("\"{}\"", s.replace('"', "\"\"")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Summary {
        Summary {
            host: "127.0.0.1".into(),
            port: 6379,
            mix: "get=1,set=1".into(),
            ops: 1000,
            elapsed_s: 2.0,
            client_cpu_s: 0.5,
            ..Summary::default()
        }
    }

    #[test]
    fn every_field_has_a_value_and_a_doc() {
        assert_eq!(sample().values().len(), FIELDS.len());
        let header = Summary::csv_header();
        assert_eq!(header.split(',').count(), FIELDS.len());
        assert!(header.starts_with("host,port,mode,"));
    }

    #[test]
    fn renders_json_and_csv() {
        let s = sample();
        let json = s.json();
        assert!(json.starts_with("{\"host\":\"127.0.0.1\",\"port\":6379,\"mode\":\"closed\""));
        assert!(json.contains("\"ops_per_sec\":500.000"));
        assert!(json.contains("\"client_cpu_s_per_mreq\":500.000"));
        assert!(s.csv_row().contains(",\"get=1,set=1\","));
        assert_eq!(
            json_value(&Value::Str("a\"b\\\n".into())),
            "\"a\\\"b\\\\\\u000a\""
        );
        assert_eq!(number(f64::NAN), "0");
        assert!(Summary::default().text().contains("0 ops/s"));
    }
}
