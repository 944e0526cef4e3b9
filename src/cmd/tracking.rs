//! CLIENT TRACKING, CLIENT CACHING, CLIENT GETREDIR, CLIENT TRACKINGINFO: client-side
//! caching's commands, with Redis 7.0's option checks and error texts. The tracking
//! itself (the key table, prefixes, invalidation messages) is `engine/tracking.rs`; these
//! handlers are listed in CLIENT's subcommand table (`cmd/client.rs`).

use crate::engine::ctx::Ctx;
use crate::engine::tracking::ClientTracking;
use crate::error;
use crate::util::number::parse_i64;
use bytes::Bytes;

/// ```text
/// CLIENT TRACKING <ON | OFF> [REDIRECT client-id] [PREFIX prefix [PREFIX prefix ...]]
///     [BCAST] [OPTIN] [OPTOUT] [NOLOOP]
/// ```
pub fn tracking(ctx: &mut Ctx) {
    let argv = ctx.argv;
    let mut t = ClientTracking::default();
    let mut prefixes: Vec<Bytes> = Vec::new();
    let mut j = 3;
    while j < argv.len() {
        let opt = &argv[j];
        let more = j + 1 < argv.len();
        if opt.eq_ignore_ascii_case(b"redirect") && more {
            j += 1;
            if t.redirect != 0 {
                return ctx.error("ERR A client can only redirect to a single other client");
            }
            let Some(id) = parse_i64(&argv[j]) else {
                return ctx.error(error::NOT_INTEGER);
            };
            // Checked now, though the client may go away later (then the redirect is
            // reported broken).
            if id <= 0 || !ctx.srv.clients.contains_key(&(id as u64)) {
                return ctx.error("ERR The client ID you want redirect to does not exist");
            }
            t.redirect = id as u64;
        } else if opt.eq_ignore_ascii_case(b"bcast") {
            t.bcast = true;
        } else if opt.eq_ignore_ascii_case(b"optin") {
            t.optin = true;
        } else if opt.eq_ignore_ascii_case(b"optout") {
            t.optout = true;
        } else if opt.eq_ignore_ascii_case(b"noloop") {
            t.noloop = true;
        } else if opt.eq_ignore_ascii_case(b"prefix") && more {
            j += 1;
            prefixes.push(Bytes::copy_from_slice(&argv[j]));
        } else {
            return ctx.error(error::SYNTAX);
        }
        j += 1;
    }
    let id = ctx.id;
    if ctx.arg(2).eq_ignore_ascii_case(b"on") {
        let current = ctx.srv.clients.get(&id).and_then(|c| c.tracking.as_deref());
        if let Err(msg) = check_on(&t, &prefixes, current) {
            return ctx.error(&msg);
        }
        ctx.srv.tracking_enable(id, t, &prefixes);
    } else if ctx.arg(2).eq_ignore_ascii_case(b"off") {
        ctx.srv.tracking_disable(id);
    } else {
        return ctx.error(error::SYNTAX);
    }
    ctx.out.ok();
}

/// The checks of CLIENT TRACKING ON's options against each other and against the
/// client's current tracking, in Redis's order.
fn check_on(
    t: &ClientTracking,
    prefixes: &[Bytes],
    current: Option<&ClientTracking>,
) -> Result<(), String> {
    if !t.bcast && !prefixes.is_empty() {
        return Err("ERR PREFIX option requires BCAST mode to be enabled".into());
    }
    if current.is_some_and(|c| c.bcast != t.bcast) {
        return Err(
            "ERR You can't switch BCAST mode on/off before disabling tracking for \
                    this client, and then re-enabling it with a different mode."
                .into(),
        );
    }
    if t.bcast && (t.optin || t.optout) {
        return Err("ERR OPTIN and OPTOUT are not compatible with BCAST".into());
    }
    if t.optin && t.optout {
        return Err("ERR You can't specify both OPTIN mode and OPTOUT mode".into());
    }
    if current.is_some_and(|c| (t.optin && c.optout) || (t.optout && c.optin)) {
        return Err(
            "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for \
                    this client, and then re-enabling it with a different mode."
                .into(),
        );
    }
    if t.bcast {
        check_prefixes(prefixes, current)?;
    }
    Ok(())
}

/// One prefix of a client may not be a prefix of another (Redis's
/// `checkPrefixCollisionsOrReply`).
fn check_prefixes(prefixes: &[Bytes], current: Option<&ClientTracking>) -> Result<(), String> {
    let overlap = |a: &[u8], b: &[u8]| a.starts_with(b) || b.starts_with(a);
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    for (i, p) in prefixes.iter().enumerate() {
        if let Some(old) = current
            .into_iter()
            .flat_map(|c| c.prefixes.iter())
            .find(|o| overlap(o, p))
        {
            return Err(format!(
                "ERR Prefix '{}' overlaps with an existing prefix '{}'. Prefixes for a single \
                 client must not overlap.",
                text(p),
                text(old)
            ));
        }
        if let Some(other) = prefixes[i + 1..].iter().find(|o| overlap(o, p)) {
            return Err(format!(
                "ERR Prefix '{}' overlaps with another provided prefix '{}'. Prefixes for a \
                 single client must not overlap.",
                text(p),
                text(other)
            ));
        }
    }
    Ok(())
}

/// ```text
/// CLIENT CACHING <YES | NO>
/// ```
/// Whether the next command's keys are remembered, against the OPTIN/OPTOUT default.
pub fn caching(ctx: &mut Ctx) {
    let yes = ctx.arg(2).eq_ignore_ascii_case(b"yes");
    let no = ctx.arg(2).eq_ignore_ascii_case(b"no");
    let id = ctx.id;
    let Some(t) = ctx
        .srv
        .clients
        .get_mut(&id)
        .and_then(|c| c.tracking.as_deref_mut())
    else {
        return ctx.error(
            "ERR CLIENT CACHING can be called only when the client is in tracking mode with \
             OPTIN or OPTOUT mode enabled",
        );
    };
    if yes {
        if !t.optin {
            return ctx.error(
                "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.",
            );
        }
    } else if no {
        if !t.optout {
            return ctx.error(
                "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.",
            );
        }
    } else {
        return ctx.error(error::SYNTAX);
    }
    t.caching = true;
    ctx.out.ok();
}

/// ```text
/// CLIENT GETREDIR
/// ```
/// The redirect client's id, 0 when tracking without one, -1 when not tracking.
pub fn getredir(ctx: &mut Ctx) {
    let id = ctx.id;
    let redir = ctx
        .srv
        .clients
        .get(&id)
        .and_then(|c| c.tracking.as_deref())
        .map_or(-1, |t| t.redirect as i64);
    ctx.out.int(redir);
}

/// ```text
/// CLIENT TRACKINGINFO
/// ```
/// A map of `flags` (a set), `redirect` and `prefixes`, as Redis 7.0.
pub fn trackinginfo(ctx: &mut Ctx) {
    let id = ctx.id;
    let t = ctx
        .srv
        .clients
        .get(&id)
        .and_then(|c| c.tracking.as_deref())
        .cloned();
    let mut flags: Vec<&[u8]> = Vec::new();
    match &t {
        None => flags.push(b"off"),
        Some(t) => {
            flags.push(b"on");
            if t.bcast {
                flags.push(b"bcast");
            }
            if t.optin {
                flags.push(b"optin");
                if t.caching {
                    flags.push(b"caching-yes");
                }
            }
            if t.optout {
                flags.push(b"optout");
                if t.caching {
                    flags.push(b"caching-no");
                }
            }
            if t.noloop {
                flags.push(b"noloop");
            }
            if t.broken_redir {
                flags.push(b"broken_redirect");
            }
        }
    }
    ctx.out.map(3);
    ctx.out.bulk(b"flags");
    ctx.out.set(flags.len());
    for f in flags {
        ctx.out.bulk(f);
    }
    ctx.out.bulk(b"redirect");
    ctx.out.int(t.as_ref().map_or(-1, |t| t.redirect as i64));
    ctx.out.bulk(b"prefixes");
    let prefixes: Vec<Bytes> = t
        .map(|t| t.prefixes.into_iter().collect())
        .unwrap_or_default();
    ctx.out.array(prefixes.len());
    for p in &prefixes {
        ctx.out.bulk(p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(s: &str) -> Bytes {
        Bytes::copy_from_slice(s.as_bytes())
    }

    #[test]
    fn prefixes_must_not_overlap() {
        assert!(check_prefixes(&[b("a"), b("b")], None).is_ok());
        assert_eq!(
            check_prefixes(&[b("ab"), b("a")], None)
                .err()
                .unwrap_or_default(),
            "ERR Prefix 'ab' overlaps with another provided prefix 'a'. Prefixes for a single \
             client must not overlap."
        );
        let mut cur = ClientTracking {
            bcast: true,
            ..Default::default()
        };
        cur.prefixes.insert(b("a"));
        assert_eq!(
            check_prefixes(&[b("ab")], Some(&cur))
                .err()
                .unwrap_or_default(),
            "ERR Prefix 'ab' overlaps with an existing prefix 'a'. Prefixes for a single \
             client must not overlap."
        );
        // The empty prefix (BCAST without PREFIX) overlaps everything.
        let mut all = ClientTracking::default();
        all.prefixes.insert(Bytes::new());
        assert!(check_prefixes(&[b("x")], Some(&all)).is_err());
    }
}
