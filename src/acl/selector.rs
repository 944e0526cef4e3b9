//! One ACL selector: the commands, keys and channels a user may use, as Redis 7.0's
//! `aclSelector`. A user has a root selector and any number of others in parentheses; a
//! command is allowed when any one of them allows it.
//!
//! Commands are a bit set over every command and subcommand Redis 7.0 knows (their
//! `acl_id`s), so the check on the hot path is one bit test; the last bit stands for
//! commands not known yet, which only `+@all` grants (Redis's "future commands" bit).

use crate::engine::table::SPECS;
use crate::engine::table::spec::{Spec, key_flag};
use crate::util::glob::glob_match;
use bytes::Bytes;

/// Words of the command bit set.
const WORDS: usize = 8;
/// The bit only `+@all` sets (Redis's `USER_COMMAND_BITS_COUNT - 1`).
const FUTURE: u16 = (WORDS * 64 - 1) as u16;

/// Why a rule was refused: Redis's `ACLSetUserStringError` texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleError {
    Unknown,
    Syntax,
    KeysAfterAll,
    ChannelsAfterAll,
    NoSuchPassword,
    BadHash,
    SubcommandFirstArg,
}

impl RuleError {
    pub fn text(self) -> &'static str {
        match self {
            RuleError::Unknown => "Unknown command or category name in ACL",
            RuleError::Syntax => "Syntax error",
            RuleError::KeysAfterAll => {
                "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and \
                 does not have any effect. Try 'resetkeys' to start with an empty list of patterns"
            }
            RuleError::ChannelsAfterAll => {
                "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid \
                 and does not have any effect. Try 'resetchannels' to start with an empty list of \
                 channels"
            }
            RuleError::NoSuchPassword => {
                "The password you are trying to remove from the user does not exist"
            }
            RuleError::BadHash => {
                "The password hash must be exactly 64 characters and contain only lowercase \
                 hexadecimal characters"
            }
            RuleError::SubcommandFirstArg => "Allowing first-arg of a subcommand is not supported",
        }
    }
}

/// What a denied command was missing, in Redis's order of precedence (a later kind wins
/// when several selectors deny for different reasons).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Denied {
    Command,
    /// The argv index of the key.
    Key(usize),
    /// The argv index of the channel.
    Channel(usize),
}

impl Denied {
    fn rank(self) -> (u8, usize) {
        match self {
            Denied::Command => (1, 0),
            Denied::Key(i) => (2, i),
            Denied::Channel(i) => (4, i),
        }
    }

    /// Whether `self` is the error to report over `other` (Redis's `relevant_error`).
    pub fn outranks(self, other: Denied) -> bool {
        self.rank() > other.rank()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct KeyPattern {
    pattern: Bytes,
    read: bool,
    write: bool,
    /// The pattern is literal text and one final `*` (`app:*`, the usual kind): a key
    /// matches when it starts with the text, no glob walk needed.
    prefix: bool,
}

impl KeyPattern {
    fn new(pattern: Bytes, read: bool, write: bool) -> KeyPattern {
        let prefix = pattern.split_last().is_some_and(|(last, text)| {
            *last == b'*' && !text.iter().any(|b| matches!(b, b'*' | b'?' | b'[' | b'\\'))
        });
        KeyPattern {
            pattern,
            read,
            write,
            prefix,
        }
    }

    fn matches(&self, key: &[u8]) -> bool {
        if self.prefix {
            // As Redis's stringmatchlen, `*` does not match the empty key.
            !key.is_empty() && key.starts_with(&self.pattern[..self.pattern.len() - 1])
        } else {
            glob_match(&self.pattern, key, false)
        }
    }

    fn describe(&self, out: &mut String) {
        match (self.read, self.write) {
            (true, true) => out.push('~'),
            (true, false) => out.push_str("%R~"),
            _ => out.push_str("%W~"),
        }
        out.push_str(&String::from_utf8_lossy(&self.pattern));
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector {
    allowed: [u64; WORDS],
    all_commands: bool,
    /// `+select|0`-style rules: first arguments allowed for a command otherwise denied.
    first_args: Vec<(u16, Vec<String>)>,
    /// The category rules applied since the last `+@all`/`-@all`, each once, latest
    /// last: how ACL LIST describes the commands (single commands are worked out).
    category_rules: Vec<(&'static str, bool)>,
    keys: Vec<KeyPattern>,
    all_keys: bool,
    channels: Vec<Bytes>,
    all_channels: bool,
}

/// Every command and subcommand Redis 7.0 knows.
fn every_spec() -> impl Iterator<Item = &'static Spec> {
    SPECS
        .commands
        .iter()
        .flat_map(|c| std::iter::once(c).chain(c.subcommands.iter()))
}

/// A command or `container|subcommand` by name, any case.
pub fn lookup(name: &str) -> Option<&'static Spec> {
    let lower = name.to_ascii_lowercase();
    match lower.split_once('|') {
        None => SPECS.get(&lower),
        Some((container, sub)) => SPECS
            .get(container)?
            .subcommands
            .iter()
            .find(|s| s.name.split_once('|').is_some_and(|(_, n)| n == sub)),
    }
}

/// The ACL categories, in Redis's order (ACL CAT).
pub const CATEGORIES: &[&str] = &[
    "keyspace",
    "read",
    "write",
    "set",
    "sortedset",
    "list",
    "hash",
    "string",
    "bitmap",
    "hyperloglog",
    "geo",
    "stream",
    "pubsub",
    "admin",
    "fast",
    "slow",
    "blocking",
    "dangerous",
    "connection",
    "transaction",
    "scripting",
];

/// The commands and subcommands in `category` (ACL CAT category).
pub fn in_category(category: &str) -> impl Iterator<Item = &'static Spec> {
    every_spec().filter(move |s| s.acl_categories.contains(&category))
}

impl Selector {
    /// An empty selector: no commands, no keys; channels as `acl-pubsub-default` says.
    pub fn new(all_channels: bool) -> Selector {
        Selector {
            allowed: [0; WORDS],
            all_commands: false,
            first_args: Vec::new(),
            category_rules: Vec::new(),
            keys: Vec::new(),
            all_keys: false,
            channels: Vec::new(),
            all_channels,
        }
    }

    /// Everything allowed (`~* &* +@all`).
    pub fn unrestricted(&self) -> bool {
        self.all_commands && self.all_keys && self.all_channels
    }

    fn bit(&self, id: u16) -> bool {
        self.allowed[id as usize / 64] & (1 << (id % 64)) != 0
    }

    fn set_bit(&mut self, id: u16, on: bool) {
        let (w, b) = (id as usize / 64, 1u64 << (id % 64));
        if on {
            self.allowed[w] |= b;
        } else {
            self.allowed[w] &= !b;
            self.all_commands = false;
        }
    }

    /// Redis's `ACLChangeSelectorPerm`: a command and all its subcommands.
    fn change(&mut self, spec: &Spec, allow: bool) {
        self.set_bit(spec.acl_id, allow);
        self.first_args.retain(|(id, _)| *id != spec.acl_id);
        for sub in &spec.subcommands {
            self.set_bit(sub.acl_id, allow);
        }
    }

    fn set_all(&mut self, allow: bool) {
        self.allowed = [if allow { u64::MAX } else { 0 }; WORDS];
        self.all_commands = allow;
        self.first_args.clear();
        self.category_rules.clear();
    }

    fn category(&mut self, name: &str, allow: bool) -> Result<(), RuleError> {
        let Some(&name) = CATEGORIES.iter().find(|c| **c == name) else {
            return Err(RuleError::Unknown);
        };
        for spec in in_category(name) {
            self.change(spec, allow);
        }
        self.category_rules.retain(|(c, _)| *c != name);
        self.category_rules.push((name, allow));
        Ok(())
    }

    /// Applies one selector rule (Redis's `ACLSetSelector`).
    pub fn apply(&mut self, op: &str) -> Result<(), RuleError> {
        let lower = op.to_ascii_lowercase();
        match lower.as_str() {
            "allkeys" | "~*" => {
                self.all_keys = true;
                self.keys.clear();
                return Ok(());
            }
            "resetkeys" => {
                self.all_keys = false;
                self.keys.clear();
                return Ok(());
            }
            "allchannels" | "&*" => {
                self.all_channels = true;
                self.channels.clear();
                return Ok(());
            }
            "resetchannels" => {
                self.all_channels = false;
                self.channels.clear();
                return Ok(());
            }
            "allcommands" | "+@all" => {
                self.set_all(true);
                return Ok(());
            }
            "nocommands" | "-@all" => {
                self.set_all(false);
                return Ok(());
            }
            _ => {}
        }
        let bytes = op.as_bytes();
        match bytes.first() {
            Some(b'~' | b'%') => self.key_pattern(op),
            Some(b'&') => {
                if self.all_channels {
                    return Err(RuleError::ChannelsAfterAll);
                }
                let pattern = Bytes::copy_from_slice(&bytes[1..]);
                if !self.channels.contains(&pattern) {
                    self.channels.push(pattern);
                }
                Ok(())
            }
            Some(b'+') if bytes.get(1) != Some(&b'@') => self.allow_command(&op[1..]),
            Some(b'-') if bytes.get(1) != Some(&b'@') => {
                let spec = lookup(&op[1..]).ok_or(RuleError::Unknown)?;
                self.change(spec, false);
                Ok(())
            }
            Some(b'+') => self.category(&lower[2..], true),
            Some(b'-') => self.category(&lower[2..], false),
            _ => Err(RuleError::Syntax),
        }
    }

    fn key_pattern(&mut self, op: &str) -> Result<(), RuleError> {
        if self.all_keys {
            return Err(RuleError::KeysAfterAll);
        }
        let bytes = op.as_bytes();
        let (mut read, mut write) = (true, true);
        let mut offset = 1;
        if bytes[0] == b'%' {
            (read, write) = (false, false);
            loop {
                match bytes.get(offset).map(u8::to_ascii_uppercase) {
                    Some(b'R') if !read => read = true,
                    Some(b'W') if !write => write = true,
                    Some(b'~') => {
                        offset += 1;
                        break;
                    }
                    // Redis takes `%R` alone as the empty pattern.
                    None => break,
                    _ => return Err(RuleError::Syntax),
                }
                offset += 1;
            }
            if !read && !write {
                return Err(RuleError::Syntax);
            }
        }
        let pattern = Bytes::copy_from_slice(&bytes[offset..]);
        if read && write && &pattern[..] == b"*" {
            self.all_keys = true;
            self.keys.clear();
            return Ok(());
        }
        match self.keys.iter_mut().find(|k| k.pattern == pattern) {
            Some(k) => {
                k.read |= read;
                k.write |= write;
            }
            None => self.keys.push(KeyPattern::new(pattern, read, write)),
        }
        Ok(())
    }

    /// `+command`, `+container|subcommand`, or the deprecated `+command|first-arg`.
    fn allow_command(&mut self, name: &str) -> Result<(), RuleError> {
        let Some((head, arg)) = name.rsplit_once('|') else {
            let spec = lookup(name).ok_or(RuleError::Unknown)?;
            self.change(spec, true);
            return Ok(());
        };
        let container = lookup(head).ok_or(RuleError::Unknown)?;
        if head.contains('|') {
            return Err(RuleError::SubcommandFirstArg);
        }
        if arg.is_empty() {
            return Err(RuleError::Syntax);
        }
        if !container.subcommands.is_empty() {
            let spec = lookup(name).ok_or(RuleError::Unknown)?;
            self.change(spec, true);
            return Ok(());
        }
        let id = container.acl_id;
        let arg = arg.to_string();
        match self.first_args.iter_mut().find(|(i, _)| *i == id) {
            Some((_, args)) if args.iter().any(|a| a.eq_ignore_ascii_case(&arg)) => {}
            Some((_, args)) => args.push(arg),
            None => self.first_args.push((id, vec![arg])),
        }
        Ok(())
    }

    /// Whether this selector lets `argv` run as `spec` (Redis's `ACLSelectorCheckCmd`).
    pub fn check(&self, spec: &Spec, argv: &[Bytes]) -> Result<(), Denied> {
        use crate::engine::table::flag;
        if !self.all_commands && spec.flags & flag::NO_AUTH == 0 && !self.bit(spec.acl_id) {
            let arg_at = if spec.name.contains('|') { 2 } else { 1 };
            let allowed = self
                .first_args
                .iter()
                .find(|(id, _)| *id == spec.acl_id)
                .zip(argv.get(arg_at))
                .is_some_and(|((_, args), a)| {
                    args.iter().any(|x| x.as_bytes().eq_ignore_ascii_case(a))
                });
            if !allowed {
                return Err(Denied::Command);
            }
        }
        if !self.all_keys && spec.has_keys() {
            // Most commands name one key at a fixed place: checked without the general walk.
            if let Some(k) = spec.single_key(argv.len()) {
                return match self.key_allowed(&argv[k.pos], k.flags) {
                    true => self.check_channels(spec, argv),
                    false => Err(Denied::Key(k.pos)),
                };
            }
            for k in spec.keys(argv) {
                if let Some(key) = argv.get(k.pos)
                    && !self.key_allowed(key, k.flags)
                {
                    return Err(Denied::Key(k.pos));
                }
            }
        }
        self.check_channels(spec, argv)
    }

    /// The channel part of [`Selector::check`]: only pub/sub commands name channels.
    fn check_channels(&self, spec: &Spec, argv: &[Bytes]) -> Result<(), Denied> {
        use crate::engine::table::flag;
        if self.all_channels || spec.flags & flag::PUBSUB == 0 {
            return Ok(());
        }
        for (pos, pattern) in channels(spec.name, argv.len()) {
            if !self.channel_allowed(&argv[pos], pattern) {
                return Err(Denied::Channel(pos));
            }
        }
        Ok(())
    }

    /// Whether this selector may read any key at all (`~*`, `%R~*`): Redis's
    /// `ACLSelectorHasUnrestrictedKeyAccess` for reads.
    pub fn reads_every_key(&self) -> bool {
        self.all_keys || self.keys.iter().any(|k| k.read && &k.pattern[..] == b"*")
    }

    /// Redis's `ACLSelectorCheckKey`.
    fn key_allowed(&self, key: &[u8], flags: u32) -> bool {
        if self.all_keys {
            return true;
        }
        let read = flags & key_flag::ACCESS != 0;
        let write = flags & (key_flag::INSERT | key_flag::DELETE | key_flag::UPDATE) != 0;
        self.keys
            .iter()
            .any(|p| (!read || p.read) && (!write || p.write) && p.matches(key))
    }

    /// Redis's `ACLCheckChannelAgainstList`: a pattern (PSUBSCRIBE) must be listed as is.
    fn channel_allowed(&self, channel: &[u8], pattern: bool) -> bool {
        self.all_channels
            || self.channels.iter().any(|p| {
                if pattern {
                    p[..] == *channel
                } else {
                    glob_match(p, channel, false)
                }
            })
    }

    /// The key patterns as ACL GETUSER shows them.
    pub fn keys_text(&self) -> String {
        if self.all_keys {
            return "~*".into();
        }
        let mut out = String::new();
        for (i, k) in self.keys.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            k.describe(&mut out);
        }
        out
    }

    /// The channel patterns as ACL GETUSER shows them.
    pub fn channels_text(&self) -> String {
        if self.all_channels {
            return "&*".into();
        }
        let parts: Vec<String> = self
            .channels
            .iter()
            .map(|c| format!("&{}", String::from_utf8_lossy(c)))
            .collect();
        parts.join(" ")
    }

    /// The command rules that rebuild this bit set, as redis-server 7.0.15 shows them:
    /// `+@all` or `-@all`, the category rules as applied, then the single commands that
    /// make it exact (Redis lists those in its hash table's order; here, the table's).
    pub fn commands_text(&self) -> String {
        let start_all = self.bit(FUTURE);
        let mut fake = Selector::new(false);
        fake.set_all(start_all);
        let mut rules = vec![if start_all { "+@all" } else { "-@all" }.to_string()];
        for &(cat, allow) in &self.category_rules {
            let _ = fake.category(cat, allow);
            rules.push(format!("{}@{cat}", if allow { '+' } else { '-' }));
        }
        for c in &SPECS.commands {
            for s in std::iter::once(c).chain(c.subcommands.iter()) {
                let want = self.bit(s.acl_id);
                if want != fake.bit(s.acl_id) {
                    rules.push(format!("{}{}", if want { '+' } else { '-' }, s.name));
                    fake.change(s, want);
                    // A container's change carries its subcommands: put back those that
                    // differ, which the loop reaches next.
                }
            }
            if !self.bit(c.acl_id)
                && let Some((_, args)) = self.first_args.iter().find(|(id, _)| *id == c.acl_id)
            {
                for a in args {
                    rules.push(format!("+{}|{a}", c.name));
                }
            }
        }
        rules.join(" ")
    }

    /// The selector as ACL LIST shows it: keys, channels, commands.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        if self.all_keys {
            out.push_str("~* ");
        } else {
            for k in &self.keys {
                k.describe(&mut out);
                out.push(' ');
            }
        }
        if self.all_channels {
            out.push_str("&* ");
        } else {
            out.push_str("resetchannels ");
            for c in &self.channels {
                out.push('&');
                out.push_str(&String::from_utf8_lossy(c));
                out.push(' ');
            }
        }
        out.push_str(&self.commands_text());
        out
    }
}

/// The channel arguments of a command that publishes or subscribes (Redis's
/// `getChannelsFromCommand`, the kinds ACL checks): (argv index, is a pattern).
fn channels(name: &str, argc: usize) -> impl Iterator<Item = (usize, bool)> {
    let (range, pattern) = match name {
        "publish" | "spublish" => (1..2.min(argc), false),
        "subscribe" | "ssubscribe" => (1..argc, false),
        "psubscribe" => (1..argc, true),
        _ => (0..0, false),
    };
    range.map(move |i| (i, pattern))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sel(rules: &[&str]) -> Selector {
        let mut s = Selector::new(false);
        for r in rules {
            s.apply(r).unwrap_or_else(|e| panic!("{r}: {e:?}"));
        }
        s
    }

    fn argv(words: &[&str]) -> Vec<Bytes> {
        words
            .iter()
            .map(|w| Bytes::copy_from_slice(w.as_bytes()))
            .collect()
    }

    fn check(s: &Selector, words: &[&str]) -> Result<(), Denied> {
        let a = argv(words);
        let mut spec = lookup(words[0]).expect("known");
        if !spec.subcommands.is_empty()
            && let Some(sub) = words.get(1)
        {
            spec = lookup(&format!("{}|{sub}", words[0])).expect("sub");
        }
        s.check(spec, &a)
    }

    #[test]
    fn every_id_fits_below_the_future_bit() {
        assert!(every_spec().all(|s| s.acl_id < FUTURE));
        assert_eq!(every_spec().count(), {
            let mut ids: Vec<u16> = every_spec().map(|s| s.acl_id).collect();
            ids.sort();
            ids.dedup();
            ids.len()
        });
    }

    #[test]
    fn prefix_patterns_match_as_globs_do() {
        for (pattern, prefix) in [
            ("key:*", true),
            ("*", true),
            ("a?*", false),
            ("a\\**", false),
            ("[a]*", false),
            ("key", false),
        ] {
            let p = KeyPattern::new(Bytes::from(pattern), true, true);
            assert_eq!(p.prefix, prefix, "{pattern}");
            for key in ["key:1", "key:", "kex:1", "", "a*b", "abc", "key", "a"] {
                let glob = glob_match(pattern.as_bytes(), key.as_bytes(), false);
                assert_eq!(p.matches(key.as_bytes()), glob, "{pattern} {key}");
            }
        }
        let s = sel(&["+@all", "~key:*", "&news.*"]);
        assert_eq!(check(&s, &["get", "key:7"]), Ok(()));
        assert_eq!(check(&s, &["get", "other"]), Err(Denied::Key(1)));
        assert_eq!(check(&s, &["set", "key:7", "v"]), Ok(()));
        assert_eq!(check(&s, &["publish", "news.x", "m"]), Ok(()));
        assert_eq!(
            check(&s, &["publish", "sports", "m"]),
            Err(Denied::Channel(1))
        );
        assert_eq!(
            check(&s, &["subscribe", "news.a", "x"]),
            Err(Denied::Channel(2))
        );
    }

    #[test]
    fn commands_categories_and_subcommands() {
        let s = sel(&["+get", "+@hash", "-hdel", "+config|get"]);
        assert_eq!(check(&s, &["get", "k"]), Err(Denied::Key(1)));
        let s = sel(&["+get", "+@hash", "-hdel", "+config|get", "allkeys"]);
        assert_eq!(check(&s, &["get", "k"]), Ok(()));
        assert_eq!(check(&s, &["hset", "h", "f", "v"]), Ok(()));
        assert_eq!(check(&s, &["hdel", "h", "f"]), Err(Denied::Command));
        assert_eq!(check(&s, &["config", "get", "x"]), Ok(()));
        assert_eq!(
            check(&s, &["config", "set", "x", "y"]),
            Err(Denied::Command)
        );
        assert_eq!(check(&s, &["set", "k", "v"]), Err(Denied::Command));
        // AUTH and the other no-auth commands need no permission.
        assert_eq!(check(&s, &["auth", "p"]), Ok(()));
    }

    #[test]
    fn key_patterns_with_read_and_write_permissions() {
        let s = sel(&["+@all", "%R~r*", "%W~w*", "~k*"]);
        assert_eq!(check(&s, &["get", "r1"]), Ok(()));
        assert_eq!(check(&s, &["set", "r1", "v"]), Err(Denied::Key(1)));
        assert_eq!(check(&s, &["set", "w1", "v"]), Ok(()));
        assert_eq!(check(&s, &["get", "w1"]), Err(Denied::Key(1)));
        assert_eq!(check(&s, &["copy", "r1", "w1"]), Ok(()));
        assert_eq!(
            check(&s, &["mset", "k1", "v", "x", "v"]),
            Err(Denied::Key(3))
        );
        assert_eq!(s.keys_text(), "%R~r* %W~w* ~k*");
    }

    #[test]
    fn channels_literal_for_patterns() {
        let s = sel(&["+@all", "~*", "&news.*"]);
        assert_eq!(check(&s, &["publish", "news.a", "m"]), Ok(()));
        assert_eq!(
            check(&s, &["publish", "other", "m"]),
            Err(Denied::Channel(1))
        );
        assert_eq!(check(&s, &["psubscribe", "news.*"]), Ok(()));
        assert_eq!(
            check(&s, &["psubscribe", "news.a*"]),
            Err(Denied::Channel(1))
        );
    }

    #[test]
    fn rule_errors_as_redis() {
        let mut s = sel(&["allkeys"]);
        assert_eq!(s.apply("~a"), Err(RuleError::KeysAfterAll));
        assert_eq!(
            Selector::new(false).apply("+nosuch"),
            Err(RuleError::Unknown)
        );
        assert_eq!(
            Selector::new(false).apply("+@nosuch"),
            Err(RuleError::Unknown)
        );
        assert_eq!(Selector::new(false).apply("bogus"), Err(RuleError::Syntax));
        assert_eq!(Selector::new(false).apply("%X~a"), Err(RuleError::Syntax));
        assert_eq!(Selector::new(false).apply("%~a"), Err(RuleError::Syntax));
        assert_eq!(Selector::new(false).apply("%RR~a"), Err(RuleError::Syntax));
        assert_eq!(sel(&["%R"]).keys_text(), "%R~");
        assert_eq!(
            Selector::new(false).apply("+config|get|x"),
            Err(RuleError::SubcommandFirstArg)
        );
        assert_eq!(
            Selector::new(false).apply("+select|"),
            Err(RuleError::Syntax)
        );
        let mut s = sel(&["allchannels"]);
        assert_eq!(s.apply("&a"), Err(RuleError::ChannelsAfterAll));
    }

    #[test]
    fn first_args_of_a_command_without_subcommands() {
        let s = sel(&["+select|0", "allkeys"]);
        assert_eq!(check(&s, &["select", "0"]), Ok(()));
        assert_eq!(check(&s, &["select", "1"]), Err(Denied::Command));
        assert_eq!(s.commands_text(), "-@all +select|0");
    }

    #[test]
    fn descriptions_rebuild_the_same_bits() {
        for rules in [
            &["+@all"][..],
            &["-@all"],
            &["+@all", "-get", "-@hash"],
            &["+get", "+@hash", "-hdel", "+config|get"],
            &["+@read", "-@string", "+config"],
            &["+@all", "-config", "+config|get"],
        ] {
            let s = sel(rules);
            let text = s.commands_text();
            let mut again = Selector::new(false);
            for r in text.split(' ') {
                again.apply(r).expect("described rules apply");
            }
            assert_eq!(again.allowed, s.allowed, "{rules:?} -> {text}");
        }
        assert_eq!(
            sel(&["+@all", "-@dangerous"]).commands_text(),
            "+@all -@dangerous"
        );
        assert_eq!(
            sel(&["+@read", "-get"]).commands_text(),
            "-@all +@read -get"
        );
        assert_eq!(
            sel(&["+get", "+@hash", "-@string", "+@hash"]).commands_text(),
            "-@all -@string +@hash"
        );
        assert_eq!(sel(&["+@all", "-get"]).commands_text(), "+@all -get");
        assert_eq!(sel(&["+get"]).commands_text(), "-@all +get");
    }
}
