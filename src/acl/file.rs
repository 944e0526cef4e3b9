//! The ACL file (`aclfile`): one `user <name> <rules...>` line per user, read at start and
//! by ACL LOAD, written by ACL SAVE. A file is input like the network: every line is
//! checked, errors name the file and line, and nothing is applied unless all of it is
//! valid.

use super::user::{User, merge_selector_args};
use bytes::Bytes;
use std::io::Write;

/// Reads the users of `path`; the error lists every bad line as Redis does.
pub fn read(path: &str, pubsub_all: bool) -> Result<Vec<User>, String> {
    let text = std::fs::read(path)
        .map_err(|e| format!("Error loading ACLs, opening file '{path}': {e}"))?;
    let text = String::from_utf8_lossy(&text);
    let mut users: Vec<User> = Vec::new();
    let mut errors = String::new();
    for (i, line) in text.split('\n').enumerate() {
        let n = i + 1;
        let line = line.trim_matches(|c| " \t\r\n".contains(c));
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let words: Vec<String> = line
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        match parse_user(&words, pubsub_all, &users) {
            Ok(u) => users.push(u),
            Err(e) => errors.push_str(&format!("{path}:{n}: {e}. ")),
        }
    }
    if errors.is_empty() {
        Ok(users)
    } else {
        Err(errors.trim_end().to_string())
    }
}

/// The users a server starts with: its `aclfile`, or its `user` directives (not both).
pub fn initial_users(config: &crate::config::Config) -> Result<Vec<User>, String> {
    let file = config.get("aclfile").filter(|f| !f.is_empty());
    let pubsub_all = config.get("acl-pubsub-default").as_deref() == Some("allchannels");
    match file {
        Some(_) if !config.users.is_empty() => Err("Configuring Redis with users defined in \
            redis.conf and at the same setting an ACL file path is invalid. This setup is very \
            likely to lead to configuration errors and security holes, please define either an \
            ACL file or declare users directly in your redis.conf, but not both."
            .into()),
        Some(path) => read(&path, pubsub_all),
        None => {
            let mut users = Vec::new();
            for words in &config.users {
                let mut line = vec!["user".to_string()];
                line.extend(words.iter().cloned());
                let u = parse_user(&line, pubsub_all, &users)
                    .map_err(|e| format!("Error in user declaration '{}': {e}", words[0]))?;
                users.push(u);
            }
            Ok(users)
        }
    }
}

/// One `user name rules...` line (or config directive), against the users before it.
pub fn parse_user(words: &[String], pubsub_all: bool, before: &[User]) -> Result<User, String> {
    if words.len() < 2 || words[0] != "user" {
        return Err("should start with user keyword".into());
    }
    let name = &words[1];
    if name.contains(' ') || name.contains('\0') {
        return Err(format!("username '{name}' contains invalid characters"));
    }
    if before.iter().any(|u| u.name == name.as_bytes()) {
        return Err(format!("Duplicate user '{name}' found"));
    }
    let rules = merge_selector_args(&words[2..])
        .map_err(|_| "Unmatched parenthesis in selector definition".to_string())?;
    let mut u = User::new(Bytes::copy_from_slice(name.as_bytes()), pubsub_all);
    for r in &rules {
        u.apply(r, pubsub_all).map_err(|e| e.text().to_string())?;
    }
    Ok(u)
}

/// Writes `body` to `path` through a temporary file, so a crash leaves the old file.
pub fn write(path: &str, body: &str) -> std::io::Result<()> {
    let tmp = format!("{path}.tmp-{}", std::process::id());
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(body.as_bytes())?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_users_and_reports_bad_lines_with_their_place() {
        let dir = std::env::temp_dir().join(format!("muxis-acl-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("users.acl");
        let p = path.to_string_lossy().into_owned();
        std::fs::write(
            &path,
            "# users\nuser alice on >pw ~k* +get\n\nuser bob off\n",
        )
        .expect("write");
        let users = read(&p, false).expect("valid");
        assert_eq!(users.len(), 2);
        assert!(users[0].password_ok(b"pw"));
        std::fs::write(
            &path,
            "user alice on\nfoo bar\nuser alice off\nuser c +nosuch\n",
        )
        .expect("write");
        let e = read(&p, false).expect_err("invalid");
        assert!(
            e.contains(&format!("{p}:2: should start with user keyword")),
            "{e}"
        );
        assert!(
            e.contains(&format!("{p}:3: Duplicate user 'alice' found")),
            "{e}"
        );
        assert!(e.contains(&format!("{p}:4: Unknown command")), "{e}");
        let e = read(&format!("{p}.missing"), false).expect_err("missing");
        assert!(e.starts_with("Error loading ACLs, opening file"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
