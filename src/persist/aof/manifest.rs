//! The AOF manifest (Redis 7.0's `appendonly.aof.manifest`): which files make up the AOF,
//! in which order, and their names. One line per file, `file <name> seq <n> type <b|h|i>`,
//! the base first, then history files, then the incremental files in sequence order.
//!
//! Only file names and text here; reading and writing the files is the caller's.

use std::fmt::Write;

/// What a file is to the AOF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The dataset at the last rewrite.
    Base,
    /// Replaced by a rewrite, waiting to be deleted.
    History,
    /// Commands appended after the base.
    Incr,
}

impl Kind {
    fn letter(self) -> char {
        match self {
            Kind::Base => 'b',
            Kind::History => 'h',
            Kind::Incr => 'i',
        }
    }
}

/// One file of the AOF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Info {
    pub name: String,
    pub seq: u64,
    pub kind: Kind,
}

/// The files of an AOF, as the manifest lists them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    pub base: Option<Info>,
    pub incrs: Vec<Info>,
    pub history: Vec<Info>,
    /// The last base and incr sequence numbers used (Redis's `curr_base_file_seq`...).
    pub base_seq: u64,
    pub incr_seq: u64,
}

/// The longest manifest line Redis accepts (its `MANIFEST_MAX_LINE`).
const MAX_LINE: usize = 1024;

/// Names of the files of the AOF called `prefix` (`appendfilename`).
pub fn manifest_name(prefix: &str) -> String {
    format!("{prefix}.manifest")
}

pub fn temp_manifest_name(prefix: &str) -> String {
    format!("temp-{prefix}.manifest")
}

impl Manifest {
    /// Parses a manifest's text, with Redis's error messages.
    pub fn parse(text: &[u8]) -> Result<Manifest, String> {
        let mut m = Manifest::default();
        let mut rest = text;
        let mut lines = 0;
        while !rest.is_empty() {
            let Some(nl) = rest.iter().position(|&b| b == b'\n') else {
                if rest.len() >= MAX_LINE {
                    return Err("The AOF manifest file contains too long line".into());
                }
                return Err("The AOF manifest file is invalid format".into());
            };
            if nl + 1 > MAX_LINE {
                return Err("The AOF manifest file contains too long line".into());
            }
            let line = &rest[..nl];
            rest = &rest[nl + 1..];
            if line.first() == Some(&b'#') {
                continue;
            }
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let args = crate::resp::parser::split_args(line)
                .map_err(|_| "Invalid AOF manifest file format".to_string())?;
            if args.len() < 6 || args.len() % 2 != 0 {
                return Err("Invalid AOF manifest file format".into());
            }
            let (mut name, mut seq, mut kind) = (None, None, None);
            for pair in args.chunks_exact(2) {
                match &pair[0][..] {
                    b"file" => name = Some(String::from_utf8_lossy(&pair[1]).into_owned()),
                    b"seq" => {
                        seq = crate::util::number::parse_i64(&pair[1])
                            .and_then(|s| u64::try_from(s).ok())
                    }
                    b"type" => {
                        kind = match &pair[1][..] {
                            b"b" => Some(Kind::Base),
                            b"h" => Some(Kind::History),
                            b"i" => Some(Kind::Incr),
                            _ => None,
                        }
                    }
                    _ => {} // unknown keys are for later versions: Redis skips them
                }
            }
            let (Some(name), Some(seq), Some(kind)) = (name, seq, kind) else {
                return Err("Invalid AOF manifest file format".into());
            };
            if name.is_empty() || name.contains('/') {
                return Err("Invalid AOF manifest file format".into());
            }
            let info = Info { name, seq, kind };
            match kind {
                Kind::Base => {
                    if m.base.is_some() {
                        return Err("Found duplicate base file information".into());
                    }
                    m.base_seq = seq;
                    m.base = Some(info);
                }
                Kind::History => m.history.push(info),
                Kind::Incr => {
                    if seq <= m.incr_seq {
                        return Err("Found a non-monotonic sequence number".into());
                    }
                    m.incr_seq = seq;
                    m.incrs.push(info);
                }
            }
            lines += 1;
        }
        if lines == 0 {
            return Err("Found an empty AOF manifest".into());
        }
        Ok(m)
    }

    /// The manifest's text, as Redis writes it.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let all = self.base.iter().chain(&self.history).chain(&self.incrs);
        for f in all {
            let name = if needs_quotes(&f.name) {
                crate::config::values::repr(&f.name)
            } else {
                f.name.clone()
            };
            let _ = writeln!(out, "file {name} seq {} type {}", f.seq, f.kind.letter());
        }
        out
    }

    /// Starts a new base file (`<prefix>.<seq>.base.<ext>`); the old base becomes history.
    pub fn next_base(&mut self, prefix: &str, rdb: bool) -> String {
        if let Some(mut old) = self.base.take() {
            old.kind = Kind::History;
            self.history.push(old);
        }
        self.base_seq += 1;
        let ext = if rdb { "rdb" } else { "aof" };
        let name = format!("{prefix}.{}.base.{ext}", self.base_seq);
        self.base = Some(Info {
            name: name.clone(),
            seq: self.base_seq,
            kind: Kind::Base,
        });
        name
    }

    /// Starts a new incremental file (`<prefix>.<seq>.incr.aof`) after the others.
    pub fn next_incr(&mut self, prefix: &str) -> String {
        self.incr_seq += 1;
        let name = format!("{prefix}.{}.incr.aof", self.incr_seq);
        self.incrs.push(Info {
            name: name.clone(),
            seq: self.incr_seq,
            kind: Kind::Incr,
        });
        name
    }

    /// After a rewrite: every incremental file but the last (the one opened when the
    /// rewrite began) is in the new base, so it becomes history.
    pub fn incrs_rewritten(&mut self) {
        let keep = self.incrs.pop();
        for mut f in self.incrs.drain(..) {
            f.kind = Kind::History;
            self.history.push(f);
        }
        self.incrs.extend(keep);
    }

    /// The files to load, in order: the base, then each incremental file.
    pub fn load_order(&self) -> impl Iterator<Item = &Info> {
        self.base.iter().chain(&self.incrs)
    }
}

/// Whether Redis's `sdsneedsrepr` would quote the name.
fn needs_quotes(s: &str) -> bool {
    s.bytes().any(|b| {
        matches!(b, b'\\' | b'"' | b'\n' | b'\r' | b'\t' | 7 | 8)
            || !(32..127).contains(&b)
            || b == b' '
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redis_manifest_parses_and_renders_back() {
        let text = "file appendonly.aof.2.base.rdb seq 2 type b\n\
                    file appendonly.aof.1.incr.aof seq 1 type h\n\
                    file appendonly.aof.2.incr.aof seq 2 type i\n\
                    file appendonly.aof.3.incr.aof seq 3 type i\n";
        let m = Manifest::parse(text.as_bytes()).expect("parses");
        assert_eq!(m.base_seq, 2);
        assert_eq!(m.incr_seq, 3);
        assert_eq!(m.incrs.len(), 2);
        assert_eq!(m.render(), text);
        let names: Vec<&str> = m.load_order().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "appendonly.aof.2.base.rdb",
                "appendonly.aof.2.incr.aof",
                "appendonly.aof.3.incr.aof"
            ]
        );
    }

    #[test]
    fn a_rewrite_moves_old_files_to_history() {
        let mut m = Manifest::default();
        assert_eq!(
            m.next_base("appendonly.aof", false),
            "appendonly.aof.1.base.aof"
        );
        assert_eq!(m.next_incr("appendonly.aof"), "appendonly.aof.1.incr.aof");
        m.next_incr("appendonly.aof");
        m.next_base("appendonly.aof", true);
        m.incrs_rewritten();
        assert_eq!(
            m.render(),
            "file appendonly.aof.2.base.rdb seq 2 type b\n\
             file appendonly.aof.1.base.aof seq 1 type h\n\
             file appendonly.aof.1.incr.aof seq 1 type h\n\
             file appendonly.aof.2.incr.aof seq 2 type i\n"
        );
    }

    #[test]
    fn names_with_spaces_are_quoted_and_read_back() {
        let mut m = Manifest::default();
        m.next_base("my aof", false);
        let text = m.render();
        assert_eq!(text, "file \"my aof.1.base.aof\" seq 1 type b\n");
        assert_eq!(Manifest::parse(text.as_bytes()), Ok(m));
    }

    #[test]
    fn bad_manifests_are_refused() {
        for (text, err) in [
            ("", "Found an empty AOF manifest"),
            ("# only a comment\n", "Found an empty AOF manifest"),
            (
                "file a seq 1 type b",
                "The AOF manifest file is invalid format",
            ),
            ("file a seq 1\n", "Invalid AOF manifest file format"),
            ("file a seq 1 type x\n", "Invalid AOF manifest file format"),
            (
                "file a seq 1 type b\nfile b seq 2 type b\n",
                "Found duplicate base file information",
            ),
            (
                "file a seq 2 type i\nfile b seq 1 type i\n",
                "Found a non-monotonic sequence number",
            ),
            (
                "file ../x seq 1 type b\n",
                "Invalid AOF manifest file format",
            ),
        ] {
            assert_eq!(
                Manifest::parse(text.as_bytes()),
                Err(err.to_string()),
                "{text:?}"
            );
        }
        let long = format!("file {} seq 1 type b\n", "a".repeat(1100));
        assert_eq!(
            Manifest::parse(long.as_bytes()),
            Err("The AOF manifest file contains too long line".into())
        );
    }
}
