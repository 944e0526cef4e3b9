//! AUTH and ACL beyond the differential test (`differential/acl.rs`): the ACL file at
//! start, ACL SAVE and LOAD, `user` lines in the config file, real clients logging in,
//! and GENPASS.

use crate::common::*;
use crate::hostile::proc::Proc;
use std::process::Command;

fn temp_path(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("muxis-acl-{}-{name}", std::process::id()))
}

fn query(c: &mut redis::Connection, args: &[&str]) -> redis::RedisResult<redis::Value> {
    run(c, args)
}

#[test]
fn acl_file_is_loaded_at_start_saved_and_reloaded() {
    let file = temp_path("users.acl");
    std::fs::write(
        &file,
        "# app users\nuser app on >secret ~app:* +@read +@write\n\nuser ops on >o +@all ~*\n",
    )
    .expect("write");
    let p = Proc::start(&["--aclfile", file.to_str().unwrap_or_default()]);
    let url = format!("redis://app:secret@{}/", p.addr);
    let mut app = redis::Client::open(url)
        .expect("url")
        .get_connection()
        .expect("the redis crate logs in with user and password");
    let _: () = redis::cmd("SET")
        .arg("app:1")
        .arg("v")
        .query(&mut app)
        .expect("allowed");
    let denied = redis::cmd("SET")
        .arg("other")
        .arg("v")
        .query::<()>(&mut app);
    assert!(
        denied.is_err_and(|e| e
            .to_string()
            .contains("no permissions to access one of the keys")),
        "key outside the pattern"
    );

    let mut admin = redis::Client::open(format!("redis://ops:o@{}/", p.addr))
        .expect("url")
        .get_connection()
        .expect("ops logs in");
    let _: () = redis::cmd("ACL")
        .arg("SETUSER")
        .arg("late")
        .arg("on")
        .arg(">l")
        .query(&mut admin)
        .expect("setuser");
    let _: () = redis::cmd("ACL")
        .arg("SAVE")
        .query(&mut admin)
        .expect("save");
    let saved = std::fs::read_to_string(&file).expect("read");
    assert!(saved.contains("user late on #"), "{saved}");
    assert!(saved.contains("user app on #"), "{saved}");

    // An edited file is read back by ACL LOAD; a bad one is refused whole, naming the line.
    std::fs::write(
        &file,
        "user ops on >o +@all ~*\nuser fresh on nopass +ping\n",
    )
    .expect("write");
    let _: () = redis::cmd("ACL")
        .arg("LOAD")
        .query(&mut admin)
        .expect("load");
    // As in Redis 7.0, every connection of a user other than `default` is closed by the
    // reload (the users are new ones), the caller's after its reply.
    assert!(query(&mut admin, &["PING"]).is_err());
    let mut admin = redis::Client::open(format!("redis://ops:o@{}/", p.addr))
        .expect("url")
        .get_connection()
        .expect("ops logs in again");
    let users: Vec<String> = redis::cmd("ACL")
        .arg("USERS")
        .query(&mut admin)
        .expect("users");
    assert_eq!(users, ["default", "fresh", "ops"]);
    std::fs::write(&file, "user ops on >o +@all ~*\nuser bad +nosuch\n").expect("write");
    let e = redis::cmd("ACL")
        .arg("LOAD")
        .query::<()>(&mut admin)
        .expect_err("bad file");
    let text = e.to_string();
    assert!(
        text.contains(":2: Unknown command or category name in ACL"),
        "{text}"
    );
    let users: Vec<String> = redis::cmd("ACL")
        .arg("USERS")
        .query(&mut admin)
        .expect("users");
    assert_eq!(users, ["default", "fresh", "ops"], "nothing applied");
    let _ = std::fs::remove_file(&file);
}

#[test]
fn a_bad_acl_file_stops_the_start_with_the_place() {
    let file = temp_path("bad.acl");
    std::fs::write(&file, "user a on\nnonsense here\n").expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_muxis"))
        .args([
            "--port",
            "0",
            "--aclfile",
            file.to_str().unwrap_or_default(),
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("ACL errors") && err.contains("bad.acl:2: should start with user keyword"),
        "{err}"
    );
    let _ = std::fs::remove_file(&file);
}

#[test]
fn user_directives_in_the_config_file_and_requirepass() {
    let conf = temp_path("users.conf");
    std::fs::write(
        &conf,
        "user alice on >a ~* &* +@all\nuser bob on >b +ping\nrequirepass topsecret\n",
    )
    .expect("write");
    let p = Proc::start(&["--config", conf.to_str().unwrap_or_default()]);
    let connect = |url: String| {
        redis::Client::open(url)
            .expect("url")
            .get_connection()
            .expect("connects")
    };
    let mut anon = connect(format!("redis://{}/", p.addr));
    let e = query(&mut anon, &["PING"]).expect_err("must log in");
    assert!(e.to_string().contains("NOAUTH"), "{e}");
    let mut def = connect(format!("redis://:topsecret@{}/", p.addr));
    assert!(query(&mut def, &["PING"]).is_ok());
    let mut bob = connect(format!("redis://bob:b@{}/", p.addr));
    assert!(query(&mut bob, &["PING"]).is_ok());
    let e = query(&mut bob, &["GET", "x"]).expect_err("denied");
    assert!(
        e.to_string()
            .contains("no permissions to run the 'get' command"),
        "{e}"
    );
    let mut alice = connect(format!("redis://alice:a@{}/", p.addr));
    assert!(query(&mut alice, &["GET", "x"]).is_ok());
    let _ = std::fs::remove_file(&conf);
}

#[test]
fn genpass_gives_fresh_hex_of_the_asked_size() {
    let s = TestServer::start();
    let mut c = s.client();
    let a: String = redis::cmd("ACL")
        .arg("GENPASS")
        .query(&mut c)
        .expect("genpass");
    let b: String = redis::cmd("ACL")
        .arg("GENPASS")
        .query(&mut c)
        .expect("genpass");
    assert_eq!(a.len(), 64);
    assert!(
        a.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    );
    assert_ne!(a, b);
    let short: String = redis::cmd("ACL")
        .arg("GENPASS")
        .arg("5")
        .query(&mut c)
        .expect("5");
    assert_eq!(short.len(), 2);
    let _ = query(&mut c, &["CONFIG", "SET", "requirepass", "pw"]);
    // This connection stays logged in; a new one must log in.
    assert!(query(&mut c, &["PING"]).is_ok());
    let mut fresh = s.client();
    assert!(query(&mut fresh, &["PING"]).is_err_and(|e| e.to_string().contains("NOAUTH")));
}

#[test]
fn config_rewrite_keeps_the_users_for_the_next_start() {
    let conf = temp_path("rewrite.conf");
    std::fs::write(&conf, "# mine\nhz 11\n").expect("write");
    let path = conf.to_str().unwrap_or_default().to_string();
    let p = Proc::start(&["--config", &path]);
    let mut c = redis::Client::open(format!("redis://{}/", p.addr))
        .expect("url")
        .get_connection()
        .expect("connects");
    for args in [
        &["ACL", "SETUSER", "bob", "on", ">b", "~*", "+get"][..],
        &["CONFIG", "REWRITE"],
    ] {
        query(&mut c, args).expect("ok");
    }
    drop(p);
    let text = std::fs::read_to_string(&conf).expect("read");
    assert!(text.starts_with("# mine\nhz 11\n"), "{text}");
    assert!(text.contains("\nuser bob on #"), "{text}");
    assert!(
        text.contains("\nuser default on nopass ~* &* +@all\n"),
        "{text}"
    );
    let p = Proc::start(&["--config", &path]);
    let mut bob = redis::Client::open(format!("redis://bob:b@{}/", p.addr))
        .expect("url")
        .get_connection()
        .expect("bob is back after the restart");
    assert!(query(&mut bob, &["GET", "x"]).is_ok());
    let _ = std::fs::remove_file(&conf);
}
