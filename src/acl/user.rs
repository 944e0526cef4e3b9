//! One ACL user: on/off, passwords (kept only as SHA-256 hashes, as Redis), flags, and its
//! selectors, with the rule grammar of Redis 7.0's `ACLSetUser` and the text ACL LIST
//! shows.

use super::selector::{RuleError, Selector};
use bytes::Bytes;
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub name: Bytes,
    pub enabled: bool,
    pub nopass: bool,
    /// `sanitize-payload` (true) or `skip-sanitize-payload` (false), when either was set.
    pub sanitize: Option<bool>,
    /// SHA-256 hashes as 64 lowercase hex digits, in the order added.
    pub passwords: Vec<String>,
    /// The root selector first, then those given in parentheses.
    pub selectors: Vec<Selector>,
    /// The root selector allows everything: the permission check can be skipped.
    pub unrestricted: bool,
}

/// A password's hash as Redis stores it.
pub fn hash_password(password: &[u8]) -> String {
    let digest = Sha256::digest(password);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn valid_hash(h: &str) -> bool {
    h.len() == 64
        && h.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The hash a password rule names: of the clear text after `>`/`<`, or as given after
/// `#`/`!` (which must be a valid hash).
fn rule_hash(op: &str) -> Result<String, RuleError> {
    let (kind, rest) = op.split_at(1);
    match kind {
        ">" | "<" => Ok(hash_password(rest.as_bytes())),
        _ if valid_hash(rest) => Ok(rest.to_string()),
        _ => Err(RuleError::BadHash),
    }
}

impl User {
    /// A new user as ACL SETUSER creates it: off, no passwords, nothing allowed.
    pub fn new(name: Bytes, all_channels: bool) -> User {
        User {
            name,
            enabled: false,
            nopass: false,
            sanitize: None,
            passwords: Vec::new(),
            selectors: vec![Selector::new(all_channels)],
            unrestricted: false,
        }
    }

    /// The `default` user of a fresh server: `on nopass ~* &* +@all`.
    pub fn default_user() -> User {
        let mut u = User::new(Bytes::from_static(b"default"), false);
        for op in ["on", "nopass", "~*", "&*", "+@all"] {
            let _ = u.apply(op, false);
        }
        u
    }

    /// Whether `password` opens this user (it must also be on).
    pub fn password_ok(&self, password: &[u8]) -> bool {
        self.nopass || {
            let h = hash_password(password);
            self.passwords.contains(&h)
        }
    }

    /// Applies one rule (Redis's `ACLSetUser`); `all_channels` is `acl-pubsub-default`.
    pub fn apply(&mut self, op: &str, all_channels: bool) -> Result<(), RuleError> {
        let result = self.apply_inner(op, all_channels);
        self.unrestricted = self.selectors[0].unrestricted();
        result
    }

    fn apply_inner(&mut self, op: &str, all_channels: bool) -> Result<(), RuleError> {
        let lower = op.to_ascii_lowercase();
        match lower.as_str() {
            "on" => self.enabled = true,
            "off" => self.enabled = false,
            "skip-sanitize-payload" => self.sanitize = Some(false),
            "sanitize-payload" => self.sanitize = Some(true),
            "nopass" => {
                self.nopass = true;
                self.passwords.clear();
            }
            "resetpass" => {
                self.nopass = false;
                self.passwords.clear();
            }
            "clearselectors" => self.selectors.truncate(1),
            "reset" => {
                for op in ["resetpass", "resetkeys", "resetchannels"] {
                    self.apply_inner(op, all_channels)?;
                }
                if all_channels {
                    self.apply_inner("allchannels", all_channels)?;
                }
                for op in ["off", "sanitize-payload", "clearselectors", "-@all"] {
                    self.apply_inner(op, all_channels)?;
                }
            }
            _ => return self.apply_other(op, all_channels),
        }
        Ok(())
    }

    fn apply_other(&mut self, op: &str, all_channels: bool) -> Result<(), RuleError> {
        let bytes = op.as_bytes();
        match bytes.first() {
            Some(b'>' | b'#') => {
                let hash = rule_hash(op)?;
                if !self.passwords.contains(&hash) {
                    self.passwords.push(hash);
                }
                self.nopass = false;
                Ok(())
            }
            Some(b'<' | b'!') => {
                let hash = rule_hash(op)?;
                let at = self.passwords.iter().position(|p| *p == hash);
                let at = at.ok_or(RuleError::NoSuchPassword)?;
                self.passwords.remove(at);
                Ok(())
            }
            Some(b'(') if bytes.len() >= 2 && bytes.ends_with(b")") => {
                let mut selector = Selector::new(all_channels);
                let inner = &op[1..op.len() - 1];
                let words = crate::config::file::split_args(inner).ok_or(RuleError::Syntax)?;
                for w in words {
                    selector.apply(&w)?;
                }
                self.selectors.push(selector);
                Ok(())
            }
            _ => self.selectors[0].apply(op),
        }
    }

    /// The flags, in Redis's order (ACL LIST and GETUSER).
    pub fn flags(&self) -> Vec<&'static str> {
        let mut f = vec![if self.enabled { "on" } else { "off" }];
        if self.nopass {
            f.push("nopass");
        }
        match self.sanitize {
            Some(false) => f.push("skip-sanitize-payload"),
            Some(true) => f.push("sanitize-payload"),
            None => {}
        }
        f
    }

    /// The whole user as ACL LIST shows it (without the leading `user name`).
    pub fn describe(&self) -> String {
        let mut out = String::new();
        for f in self.flags() {
            out.push_str(f);
            out.push(' ');
        }
        for p in &self.passwords {
            out.push('#');
            out.push_str(p);
            out.push(' ');
        }
        for (i, s) in self.selectors.iter().enumerate() {
            if i == 0 {
                out.push_str(&s.describe());
            } else {
                out.push_str(&format!(" ({})", s.describe()));
            }
        }
        out
    }
}

/// Joins arguments that spell one selector across several words (`(~a` `+get)`), as
/// Redis's `ACLMergeSelectorArguments`; the error names where the open one starts.
pub fn merge_selector_args(args: &[String]) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut open: Option<String> = None;
    let mut opened_at = "";
    for a in args {
        if open.is_none() {
            opened_at = a;
        }
        match open.as_mut() {
            Some(acc) => {
                acc.push(' ');
                acc.push_str(a);
                if a.ends_with(')') {
                    out.extend(open.take());
                }
            }
            None if a.starts_with('(') && !a.ends_with(')') => open = Some(a.clone()),
            None => out.push(a.clone()),
        }
    }
    match open {
        Some(_) => Err(format!(
            "ERR Unmatched parenthesis in acl selector starting at '{opened_at}'."
        )),
        None => Ok(out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(rules: &[&str]) -> User {
        let mut u = User::new(Bytes::from_static(b"u"), false);
        for r in rules {
            u.apply(r, false).unwrap_or_else(|e| panic!("{r}: {e:?}"));
        }
        u
    }

    #[test]
    fn describes_as_redis_7_0() {
        assert_eq!(User::default_user().describe(), "on nopass ~* &* +@all");
        assert_eq!(user(&[]).describe(), "off resetchannels -@all");
        assert_eq!(
            user(&["reset"]).describe(),
            "off sanitize-payload resetchannels -@all"
        );
        let u = user(&["on", ">p1", "~k*", "%R~r*", "&ch*", "+get", "(+set ~s*)"]);
        assert_eq!(
            u.describe(),
            "on #f64551fcd6f07823cb87971cfb91446425da18286b3ab1ef935e0cbd7a69f68a ~k* %R~r* \
             resetchannels &ch* -@all +get (~s* resetchannels -@all +set)"
        );
    }

    #[test]
    fn passwords() {
        let mut u = user(&["on", ">a", ">b", ">a"]);
        assert_eq!(u.passwords.len(), 2);
        assert!(u.password_ok(b"a") && u.password_ok(b"b") && !u.password_ok(b"c"));
        assert_eq!(u.apply("<c", false), Err(RuleError::NoSuchPassword));
        assert_eq!(u.apply("#abc", false), Err(RuleError::BadHash));
        u.apply("<a", false).expect("removes");
        assert!(!u.password_ok(b"a"));
        u.apply("nopass", false).expect("nopass");
        assert!(u.password_ok(b"anything") && u.passwords.is_empty());
    }

    #[test]
    fn selector_arguments_merge() {
        let args: Vec<String> = ["on", "(~a", "+get)", "(+set)"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            merge_selector_args(&args),
            Ok(vec!["on".into(), "(~a +get)".into(), "(+set)".into()])
        );
        let bad: Vec<String> = vec!["(~a".into(), "+get".into()];
        assert_eq!(
            merge_selector_args(&bad),
            Err("ERR Unmatched parenthesis in acl selector starting at '(~a'.".into())
        );
    }
}
