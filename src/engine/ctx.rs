//! What a command handler gets: its arguments, a reply writer, and the server state.

use super::client::Client;
use super::out::Out;
use super::state::Server;
use crate::db::Db;
use bytes::Bytes;

pub struct Ctx<'a> {
    /// The command's arguments, name first.
    pub argv: &'a [Bytes],
    pub out: Out<'a>,
    pub srv: &'a mut Server,
    /// The calling client's id.
    pub id: u64,
    /// The calling client's selected database.
    pub db: usize,
}

impl Ctx<'_> {
    /// Argument `i` (0 is the command name).
    pub fn arg(&self, i: usize) -> &[u8] {
        &self.argv[i]
    }

    /// The calling client's database.
    pub fn db(&mut self) -> &mut Db {
        &mut self.srv.dbs[self.db]
    }

    /// The cached clock, Unix milliseconds.
    pub fn now(&self) -> u64 {
        self.srv.now_ms
    }

    /// The calling client's state.
    pub fn client(&mut self) -> Option<&mut Client> {
        self.srv.clients.get_mut(&self.id)
    }

    /// Replies with an error line (without the leading '-').
    pub fn error(&mut self, msg: &str) {
        self.out.error(msg);
    }
}
