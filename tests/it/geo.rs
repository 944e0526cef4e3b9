//! Geo commands over TCP: scores, distances, hashes and coordinates exactly as
//! redis-server 7.0.15 gives them (each expectation was read off one), the searches'
//! options and errors, and GEOADD propagated as the ZADD it becomes.

use crate::common::*;

fn rt(r: &mut Raw, args: &[&str], reply: &str) {
    let args: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
    r.roundtrip(&resp(&args), reply.as_bytes());
}

fn bulks(items: &[&str]) -> String {
    let mut s = format!("*{}\r\n", items.len());
    for i in items {
        s.push_str(&format!("${}\r\n{i}\r\n", i.len()));
    }
    s
}

fn sicily(r: &mut Raw) {
    rt(
        r,
        &[
            "GEOADD",
            "Sicily",
            "13.361389",
            "38.115556",
            "Palermo",
            "15.087269",
            "37.502669",
            "Catania",
        ],
        ":2\r\n",
    );
}

#[test]
fn positions_scores_distances_and_hashes_match_redis() {
    let s = TestServer::start();
    let mut r = s.raw();
    sicily(&mut r);
    rt(
        &mut r,
        &["ZSCORE", "Sicily", "Palermo"],
        "$16\r\n3479099956230698\r\n",
    );
    rt(
        &mut r,
        &["GEODIST", "Sicily", "Palermo", "Catania"],
        "$11\r\n166274.1516\r\n",
    );
    rt(
        &mut r,
        &["GEODIST", "Sicily", "Palermo", "Catania", "km"],
        "$8\r\n166.2742\r\n",
    );
    rt(
        &mut r,
        &["GEODIST", "Sicily", "Palermo", "Catania", "mi"],
        "$8\r\n103.3182\r\n",
    );
    rt(&mut r, &["GEODIST", "Sicily", "Palermo", "nope"], "$-1\r\n");
    rt(
        &mut r,
        &["GEOHASH", "Sicily", "Palermo", "nope"],
        "*2\r\n$11\r\nsqc8b49rny0\r\n$-1\r\n",
    );
    rt(
        &mut r,
        &["GEOPOS", "Sicily", "Palermo", "nope"],
        "*2\r\n*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n*-1\r\n",
    );
    // RESP3: coordinates are doubles, distances stay bulk strings.
    r.send(&resp(&[b"HELLO", b"3"]));
    let mut got = Vec::new();
    while !got.ends_with(b"modules\r\n*0\r\n") {
        got.extend(r.read_n(1));
    }
    rt(
        &mut r,
        &["GEOPOS", "Sicily", "Catania"],
        "*1\r\n*2\r\n,15.08726745843887329\r\n,37.50266842333162032\r\n",
    );
    rt(
        &mut r,
        &["GEODIST", "Sicily", "Palermo", "Catania", "km"],
        "$8\r\n166.2742\r\n",
    );
}

#[test]
fn geoadd_options_and_errors() {
    let s = TestServer::start();
    let mut r = s.raw();
    sicily(&mut r);
    rt(
        &mut r,
        &[
            "GEOADD",
            "Sicily",
            "CH",
            "13.361389",
            "38.115556",
            "Palermo",
            "1",
            "1",
            "new",
        ],
        ":1\r\n",
    );
    rt(
        &mut r,
        &[
            "GEOADD", "Sicily", "XX", "CH", "2", "2", "new", "3", "3", "nothere",
        ],
        ":1\r\n",
    );
    rt(
        &mut r,
        &["GEOADD", "Sicily", "NX", "5", "5", "new"],
        ":0\r\n",
    );
    rt(
        &mut r,
        &["GEOADD", "Sicily", "NX", "XX", "1", "1", "x"],
        "-ERR syntax error\r\n",
    );
    rt(
        &mut r,
        &["GEOADD", "Sicily", "GT", "1", "1", "x"],
        "-ERR syntax error\r\n",
    );
    rt(
        &mut r,
        &["GEOADD", "Sicily", "200", "10", "x"],
        "-ERR invalid longitude,latitude pair 200.000000,10.000000\r\n",
    );
    rt(
        &mut r,
        &["GEOADD", "Sicily", "10", "86", "x"],
        "-ERR invalid longitude,latitude pair 10.000000,86.000000\r\n",
    );
    rt(
        &mut r,
        &["GEOADD", "Sicily", "abc", "10", "x"],
        "-ERR value is not a valid float\r\n",
    );
    rt(
        &mut r,
        &["GEODIST", "Sicily", "Palermo", "Catania", "foo"],
        "-ERR unsupported unit provided. please use M, KM, FT, MI\r\n",
    );
    rt(&mut r, &["SET", "str", "x"], "+OK\r\n");
    rt(
        &mut r,
        &["GEOADD", "str", "1", "1", "a"],
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    rt(
        &mut r,
        &["GEOPOS", "str", "a"],
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
}

#[test]
fn searches_sort_count_and_store() {
    let s = TestServer::start();
    let mut r = s.raw();
    sicily(&mut r);
    rt(
        &mut r,
        &[
            "GEORADIUS",
            "Sicily",
            "15",
            "37",
            "200",
            "km",
            "WITHDIST",
            "ASC",
        ],
        "*2\r\n*2\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n*2\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n",
    );
    rt(
        &mut r,
        &[
            "GEORADIUS",
            "Sicily",
            "15",
            "37",
            "200",
            "km",
            "COUNT",
            "1",
            "DESC",
        ],
        &bulks(&["Palermo"]),
    );
    rt(
        &mut r,
        &["GEORADIUSBYMEMBER", "Sicily", "Palermo", "100", "km"],
        &bulks(&["Palermo"]),
    );
    rt(
        &mut r,
        &[
            "GEOSEARCH",
            "Sicily",
            "FROMLONLAT",
            "15",
            "37",
            "BYBOX",
            "400",
            "400",
            "km",
            "ASC",
            "WITHHASH",
        ],
        "*2\r\n*2\r\n$7\r\nCatania\r\n:3479447370796909\r\n*2\r\n$7\r\nPalermo\r\n:3479099956230698\r\n",
    );
    rt(
        &mut r,
        &[
            "GEOSEARCHSTORE",
            "dst",
            "Sicily",
            "FROMMEMBER",
            "Palermo",
            "BYRADIUS",
            "200",
            "km",
            "STOREDIST",
            "COUNT",
            "1",
        ],
        ":1\r\n",
    );
    rt(
        &mut r,
        &["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
        &bulks(&["Palermo", "0"]),
    );
    rt(
        &mut r,
        &["GEORADIUS", "Sicily", "15", "37", "1", "km", "STORE", "dst"],
        ":0\r\n",
    );
    rt(&mut r, &["EXISTS", "dst"], ":0\r\n");
    rt(
        &mut r,
        &[
            "GEORADIUS",
            "Sicily",
            "15",
            "37",
            "200",
            "km",
            "STORE",
            "dst",
            "WITHDIST",
        ],
        "-ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options\r\n",
    );
    rt(
        &mut r,
        &[
            "GEORADIUS_RO",
            "Sicily",
            "15",
            "37",
            "200",
            "km",
            "STORE",
            "dst",
        ],
        "-ERR syntax error\r\n",
    );
    rt(
        &mut r,
        &["GEORADIUS", "Sicily", "15", "37", "200", "km", "ANY"],
        "-ERR the ANY argument requires COUNT argument\r\n",
    );
    rt(
        &mut r,
        &["GEORADIUS", "Sicily", "15", "37", "200", "km", "COUNT", "0"],
        "-ERR COUNT must be > 0\r\n",
    );
    rt(
        &mut r,
        &["GEORADIUS", "Sicily", "15", "37", "-1", "km"],
        "-ERR radius cannot be negative\r\n",
    );
    rt(
        &mut r,
        &["GEORADIUS", "Sicily", "15", "37", "x", "km"],
        "-ERR need numeric radius\r\n",
    );
    rt(
        &mut r,
        &["GEORADIUSBYMEMBER", "Sicily", "nope", "1", "km"],
        "-ERR could not decode requested zset member\r\n",
    );
    rt(
        &mut r,
        &[
            "GEOSEARCH",
            "Sicily",
            "BYRADIUS",
            "1",
            "km",
            "ASC",
            "WITHDIST",
        ],
        "-ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for GEOSEARCH\r\n",
    );
    rt(
        &mut r,
        &[
            "geosearch",
            "Sicily",
            "FROMLONLAT",
            "1",
            "1",
            "ASC",
            "WITHDIST",
        ],
        "-ERR exactly one of BYRADIUS and BYBOX can be specified for geosearch\r\n",
    );
    rt(
        &mut r,
        &[
            "GEOSEARCH",
            "Sicily",
            "FROMLONLAT",
            "1",
            "1",
            "BYBOX",
            "-1",
            "1",
            "km",
        ],
        "-ERR height or width cannot be negative\r\n",
    );
    rt(
        &mut r,
        &[
            "GEOSEARCHSTORE",
            "d",
            "Sicily",
            "FROMLONLAT",
            "1",
            "1",
            "BYRADIUS",
            "1",
            "km",
            "WITHDIST",
        ],
        "-ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options\r\n",
    );
    rt(
        &mut r,
        &[
            "GEOSEARCH",
            "nokey",
            "FROMMEMBER",
            "x",
            "BYRADIUS",
            "1",
            "km",
        ],
        "*0\r\n",
    );
}

#[test]
fn geoadd_propagates_as_zadd() {
    let (s, seen) = TestServer::recording();
    let mut r = s.raw();
    rt(
        &mut r,
        &["GEOADD", "g", "CH", "13.361389", "38.115556", "Palermo"],
        ":1\r\n",
    );
    rt(
        &mut r,
        &["GEOADD", "g", "NX", "13.361389", "38.115556", "Palermo"],
        ":0\r\n",
    );
    rt(&mut r, &["PING"], "+PONG\r\n");
    let text = String::from_utf8_lossy(&seen.lock().expect("lock")).replace("\r\n", " ");
    assert_eq!(
        text,
        "*2 $6 SELECT $1 0 *5 $4 zadd $1 g $2 CH $16 3479099956230698 $7 Palermo "
    );
}
