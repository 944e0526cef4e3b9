//! Which arguments of a command are keys, and what the command does with each: Redis 7.0's
//! `getKeysFromCommandWithSpecs` (db.c), walking the key specs of the data file and falling
//! back on Redis's hard-coded finders ([`GetKeys`]) where the specs cannot answer (an
//! incomplete spec, flags that depend on the arguments, a bad numkeys).
//!
//! COMMAND GETKEYS answers with it; WATCH invalidation, ACL key checks and cluster slot
//! routing can use it too. It never allocates: the keys come out as at most a few runs of
//! (first, last, step) positions, iterated in place.

use super::spec::{Begin, Find, GetKeys, KeySpec, Spec, key_flag::*};

/// One key argument: its index in argv (the command name is 0) and its key spec flags
/// ([`super::spec::key_flag`]; 0 when a hard-coded finder does not say).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyRef {
    pub pos: usize,
    pub flags: u32,
}

/// Redis commands have at most three key specs; a fourth run leaves room for SORT's pair.
const MAX_RUNS: usize = 4;

/// Positions first..=last every step, all with the same flags.
#[derive(Debug, Clone, Copy, Default)]
struct Run {
    first: usize,
    last: usize,
    step: usize,
    flags: u32,
}

/// The keys of one invocation, in Redis's order.
#[derive(Debug, Clone)]
pub struct Keys {
    runs: [Run; MAX_RUNS],
    len: usize,
    /// The run being walked and the next position in it.
    run: usize,
    next: usize,
}

impl Keys {
    fn none() -> Keys {
        Keys {
            runs: [Run::default(); MAX_RUNS],
            len: 0,
            run: 0,
            next: 0,
        }
    }

    /// Adds a run; false when there is no room (the caller treats it as an invalid spec).
    fn push(&mut self, first: usize, last: usize, step: usize, flags: u32) -> bool {
        if self.len == MAX_RUNS {
            return false;
        }
        if self.len == 0 {
            self.next = first;
        }
        self.runs[self.len] = Run {
            first,
            last,
            step: step.max(1),
            flags,
        };
        self.len += 1;
        true
    }

    fn one(pos: usize, flags: u32) -> Keys {
        let mut k = Keys::none();
        k.push(pos, pos, 1, flags);
        k
    }
}

impl Iterator for Keys {
    type Item = KeyRef;

    fn next(&mut self) -> Option<KeyRef> {
        while self.run < self.len {
            let r = self.runs[self.run];
            if self.next <= r.last {
                let pos = self.next;
                self.next += r.step;
                return Some(KeyRef {
                    pos,
                    flags: r.flags,
                });
            }
            self.run += 1;
            if self.run < self.len {
                self.next = self.runs[self.run].first;
            }
        }
        None
    }
}

impl Spec {
    /// The keys of `argv` (name first; for a subcommand, the container's name first), with
    /// their flags, as COMMAND GETKEYSANDFLAGS lists them. Empty when the arguments are
    /// malformed so that no key can be found (GETKEYS then answers with an error).
    pub fn keys<A: AsRef<[u8]>>(&self, argv: &[A]) -> Keys {
        let any_key = self.key_specs.iter().any(|s| s.flags & NOT_KEY == 0);
        let variable = self.key_specs.iter().any(|s| s.flags & VARIABLE_FLAGS != 0);
        if any_key
            && !variable
            && let Some(keys) = from_specs(&self.key_specs, argv)
        {
            return keys;
        }
        match self.getkeys {
            Some(g) => from_proc(g, argv),
            None => Keys::none(),
        }
    }

    /// The one key of a command whose only key spec is one fixed position (GET, SET,
    /// INCR...): what [`Spec::keys`] yields for it, without building the general walk.
    /// None for every other command (and a position past `argc`).
    pub fn single_key(&self, argc: usize) -> Option<KeyRef> {
        let [s] = &self.key_specs[..] else {
            return None;
        };
        match (s.begin, s.find) {
            (
                Begin::Index(i),
                Find::Range {
                    lastkey: 0,
                    keystep,
                    ..
                },
            ) if s.flags & (NOT_KEY | VARIABLE_FLAGS | INCOMPLETE) == 0
                && keystep > 0
                && i > 0
                && (i as usize) < argc =>
            {
                Some(KeyRef {
                    pos: i as usize,
                    flags: s.flags,
                })
            }
            _ => None,
        }
    }

    /// Whether the command can have keys at all (Redis's `doesCommandHaveKeys`).
    pub fn has_keys(&self) -> bool {
        self.getkeys.is_some() || self.key_specs.iter().any(|s| s.flags & NOT_KEY == 0)
    }
}

/// Redis's `getKeysUsingKeySpecs`: None when a spec is invalid for these arguments (or
/// incomplete), so the hard-coded finder must answer instead.
fn from_specs<A: AsRef<[u8]>>(specs: &[KeySpec], argv: &[A]) -> Option<Keys> {
    let argc = argv.len() as i64;
    let mut keys = Keys::none();
    for spec in specs {
        if spec.flags & NOT_KEY != 0 {
            continue;
        }
        let mut first = match spec.begin {
            Begin::Index(i) => i as i64,
            Begin::Keyword { keyword, startfrom } => match find_keyword(argv, keyword, startfrom) {
                Some(i) => i + 1,
                None => continue, // keyword absent: this spec names no key
            },
            Begin::Unknown => return None,
        };
        let (last, step) = match spec.find {
            Find::Range {
                lastkey,
                keystep,
                limit,
            } => {
                let (lastkey, limit) = (lastkey as i64, limit as i64);
                let last = if lastkey >= 0 {
                    first + lastkey
                } else if limit == 0 {
                    argc + lastkey
                } else {
                    first + ((argc - first) / limit + lastkey)
                };
                (last, keystep as i64)
            }
            Find::Keynum {
                keynumidx,
                firstkey,
                keystep,
            } => {
                let at = first + keynumidx as i64;
                let n = usize::try_from(at).ok().and_then(|i| argv.get(i))?;
                let numkeys = crate::util::number::parse_i64(n.as_ref()).filter(|&n| n >= 0)?;
                first += firstkey as i64;
                (first + numkeys - 1, keystep as i64)
            }
            Find::Unknown => return None,
        };
        if last >= argc || last < first || first >= argc || first < 0 || step <= 0 {
            return None;
        }
        if !keys.push(first as usize, last as usize, step as usize, spec.flags) {
            return None;
        }
        if spec.flags & INCOMPLETE != 0 {
            return None;
        }
    }
    Some(keys)
}

/// The index of `keyword` (case-insensitive), searched from `startfrom` towards the end,
/// or, when negative, from `argc + startfrom` backwards; as Redis, the last candidate
/// (the final argument, or argument 1) is never examined.
fn find_keyword<A: AsRef<[u8]>>(argv: &[A], keyword: &str, startfrom: i32) -> Option<i64> {
    let argc = argv.len() as i64;
    let (start, end) = if startfrom > 0 {
        (startfrom as i64, argc - 1)
    } else {
        (argc + startfrom as i64, 1)
    };
    let mut i = start;
    while i != end {
        if i >= argc || i < 1 {
            break;
        }
        if argv[i as usize]
            .as_ref()
            .eq_ignore_ascii_case(keyword.as_bytes())
        {
            return Some(i);
        }
        i += if start <= end { 1 } else { -1 };
    }
    None
}

/// C's `atoi`, which Redis's `genericGetKeys` uses: leading blanks, a sign, then digits
/// up to the first non-digit; 0 when there are none.
fn atoi(s: &[u8]) -> i64 {
    let mut i = s
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c))
        .unwrap_or(s.len());
    let neg = s.get(i) == Some(&b'-');
    if matches!(s.get(i), Some(b'-' | b'+')) {
        i += 1;
    }
    let mut n: i64 = 0;
    while let Some(d) = s.get(i).filter(|d| d.is_ascii_digit()) {
        n = n.wrapping_mul(10).wrapping_add((d - b'0') as i64);
        i += 1;
    }
    let n = n as i32 as i64; // C's int
    if neg { -n } else { n }
}

fn is<A: AsRef<[u8]>>(arg: &A, word: &str) -> bool {
    arg.as_ref().eq_ignore_ascii_case(word.as_bytes())
}

/// Redis's hard-coded key finders (db.c), for the commands whose specs cannot answer.
fn from_proc<A: AsRef<[u8]>>(g: GetKeys, argv: &[A]) -> Keys {
    let argc = argv.len();
    match g {
        GetKeys::Numkeys {
            store,
            count,
            first,
            step,
        } => {
            let Some(n) = argv.get(count).map(|a| atoi(a.as_ref())) else {
                return Keys::none();
            };
            if n < 1 || n > (argc.saturating_sub(first) / step) as i64 {
                return Keys::none();
            }
            let mut k = Keys::none();
            k.push(first, first + (n as usize - 1) * step, step, 0);
            if store > 0 {
                k.push(store, store, 1, 0);
            }
            k
        }
        GetKeys::Set => {
            let get = argv.iter().skip(3).any(|a| is(a, "get"));
            let flags = if get {
                RW | ACCESS | UPDATE
            } else {
                OW | UPDATE
            };
            Keys::one(1, flags)
        }
        GetKeys::Bitfield => {
            let mut readonly = true;
            let mut i = 2;
            while i < argc {
                let rest = argc - i - 1;
                let a = &argv[i];
                if is(a, "get") && rest >= 2 {
                    i += 3;
                } else if (is(a, "set") || is(a, "incrby")) && rest >= 3 {
                    readonly = false;
                    break;
                } else if is(a, "overflow") && rest >= 1 {
                    i += 2;
                } else {
                    readonly = false; // a syntax error: safer to assume a write
                    break;
                }
            }
            let flags = if readonly {
                RO | ACCESS
            } else {
                RW | ACCESS | UPDATE
            };
            Keys::one(1, flags)
        }
        GetKeys::SortRo => Keys::one(1, RO | ACCESS),
        GetKeys::Sort => {
            // Options take no argument unless listed; the last STORE wins.
            let mut store = None;
            let mut i = 2;
            while i < argc {
                let a = &argv[i];
                if is(a, "limit") {
                    i += 2;
                } else if is(a, "store") && i + 1 < argc {
                    store = Some(i + 1);
                } else if is(a, "get") || is(a, "by") {
                    i += 1;
                }
                i += 1;
            }
            let mut k = Keys::one(1, RO | ACCESS);
            if let Some(s) = store {
                k.push(s, s, 1, OW | UPDATE);
            }
            k
        }
        GetKeys::Migrate => {
            let (mut first, mut num) = (3, 1);
            if argc > 6 {
                let mut i = 6;
                while i < argc {
                    let a = &argv[i];
                    if is(a, "keys") {
                        if !argv[3].as_ref().is_empty() {
                            num = 0; // a syntax error MIGRATE itself reports
                        } else {
                            first = i + 1;
                            num = argc - first;
                        }
                        break;
                    }
                    if is(a, "auth") {
                        i += 1;
                    } else if is(a, "auth2") {
                        i += 2;
                    }
                    i += 1;
                }
            }
            let mut k = Keys::none();
            if num > 0 {
                k.push(first, first + num - 1, 1, RW | ACCESS | DELETE);
            }
            k
        }
        GetKeys::Georadius => {
            let mut stored = None;
            let mut i = 5;
            while i < argc {
                if (is(&argv[i], "store") || is(&argv[i], "storedist")) && i + 1 < argc {
                    stored = Some(i + 1);
                    i += 1;
                }
                i += 1;
            }
            let mut k = Keys::one(1, 0);
            if let Some(s) = stored {
                k.push(s, s, 1, 0);
            }
            k
        }
        GetKeys::Xread => {
            let mut streams = None;
            let mut i = 1;
            while i < argc {
                let a = &argv[i];
                if is(a, "block") || is(a, "count") {
                    i += 1;
                } else if is(a, "group") {
                    i += 2;
                } else if is(a, "noack") {
                } else if is(a, "streams") {
                    streams = Some(i);
                    break;
                } else {
                    break;
                }
                i += 1;
            }
            let Some(s) = streams else {
                return Keys::none();
            };
            let num = argc - s - 1;
            if num == 0 || !num.is_multiple_of(2) {
                return Keys::none();
            }
            let mut k = Keys::none();
            k.push(s + 1, s + num / 2, 1, 0);
            k
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::spec::SPECS;
    use super::*;

    fn keys(argv: &[&str]) -> Vec<(usize, u32)> {
        let mut spec = SPECS.get(&argv[0].to_ascii_lowercase()).expect("known");
        if let Some(sub) = argv.get(1).and_then(|s| spec.sub(s.as_bytes())) {
            spec = sub;
        }
        spec.keys(argv).map(|k| (k.pos, k.flags)).collect()
    }

    #[test]
    fn single_key_agrees_with_the_general_walk_for_every_command() {
        let mut checked = 0;
        for c in &SPECS.commands {
            for spec in std::iter::once(c).chain(c.subcommands.iter()) {
                for argc in 1..6 {
                    let argv: Vec<&str> = (0..argc).map(|i| ["x", "k", "a", "b", "c"][i]).collect();
                    if let Some(k) = spec.single_key(argc) {
                        let walked: Vec<KeyRef> = spec.keys(&argv).collect();
                        assert_eq!(walked, vec![k], "{} with {argc} args", spec.name);
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 100, "{checked}");
    }

    fn pos(argv: &[&str]) -> Vec<usize> {
        keys(argv).into_iter().map(|(p, _)| p).collect()
    }

    #[test]
    fn ranges_and_steps() {
        assert_eq!(pos(&["get", "k"]), [1]);
        assert_eq!(pos(&["mset", "a", "1", "b", "2"]), [1, 3]);
        assert_eq!(pos(&["del", "a", "b", "c"]), [1, 2, 3]);
        assert_eq!(pos(&["blpop", "a", "b", "0"]), [1, 2]);
        assert_eq!(
            keys(&["lmove", "a", "b", "left", "right"]),
            [(1, RW | ACCESS | DELETE), (2, RW | INSERT)]
        );
    }

    #[test]
    fn numkeys_commands_and_their_fallback() {
        assert_eq!(pos(&["lmpop", "2", "a", "b", "left"]), [2, 3]);
        assert_eq!(pos(&["blmpop", "0", "2", "a", "b", "left"]), [3, 4]);
        assert_eq!(pos(&["zunionstore", "d", "2", "a", "b"]), [1, 3, 4]);
        // Too many keys claimed, zero, or not a number: no keys.
        assert!(pos(&["lmpop", "5", "a", "b", "left"]).is_empty());
        assert!(pos(&["zunionstore", "d", "0", "a"]).is_empty());
        assert!(pos(&["lmpop", "x", "a", "left"]).is_empty());
        // The fallback reads numkeys as atoi does, and reports no flags.
        assert_eq!(keys(&["lmpop", "1abc", "a", "left"]), [(2, 0)]);
        assert_eq!(keys(&["zunionstore", "d", " 1", "a"]), [(3, 0), (1, 0)]);
    }

    #[test]
    fn keyword_specs() {
        assert_eq!(
            pos(&["xread", "count", "1", "streams", "a", "b", "0", "0"]),
            [4, 5]
        );
        assert_eq!(
            pos(&["xreadgroup", "group", "g", "c", "streams", "a", "0"]),
            [5]
        );
        assert!(pos(&["xread", "streams"]).is_empty());
        assert!(pos(&["xread", "count", "1"]).is_empty());
    }

    #[test]
    fn variable_and_incomplete_specs_use_the_hard_coded_finders() {
        assert_eq!(keys(&["set", "k", "v"]), [(1, OW | UPDATE)]);
        assert_eq!(keys(&["set", "k", "v", "GET"]), [(1, RW | ACCESS | UPDATE)]);
        assert_eq!(
            keys(&["sort", "k", "by", "store", "limit", "0", "1", "store", "d"]),
            [(1, RO | ACCESS), (8, OW | UPDATE)]
        );
        assert_eq!(keys(&["sort_ro", "k", "by", "x"]), [(1, RO | ACCESS)]);
        assert_eq!(
            pos(&[
                "migrate", "h", "1", "", "0", "5", "auth", "p", "keys", "a", "b"
            ]),
            [9, 10]
        );
        assert_eq!(pos(&["migrate", "h", "1", "k", "0", "5"]), [3]);
        assert_eq!(
            keys(&["bitfield", "k", "get", "u8", "0"]),
            [(1, RO | ACCESS)]
        );
        assert_eq!(
            keys(&["bitfield", "k", "set", "u8", "0", "1"]),
            [(1, RW | ACCESS | UPDATE)]
        );
        assert!(pos(&["eval", "return 1", "0"]).is_empty());
        assert_eq!(pos(&["eval", "return 1", "2", "a", "b", "c"]), [3, 4]);
    }

    #[test]
    fn subcommands_count_the_container_name() {
        assert_eq!(pos(&["object", "encoding", "k"]), [2]);
        assert_eq!(pos(&["xinfo", "stream", "k", "full"]), [2]);
        assert_eq!(pos(&["xgroup", "create", "k", "g", "$"]), [2]);
        let object = SPECS.get("object").expect("object");
        assert!(!object.has_keys());
        assert!(object.sub(b"freq").expect("freq").has_keys());
        assert!(!SPECS.get("ping").expect("ping").has_keys());
    }

    #[test]
    fn atoi_is_c_atoi() {
        for (s, n) in [("12", 12), (" -3x", -3), ("+4", 4), ("x", 0), ("", 0)] {
            assert_eq!(atoi(s.as_bytes()), n, "{s:?}");
        }
    }
}
