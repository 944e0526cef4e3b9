//! The ordered index of a sorted set: a skiplist with spans, as Redis's `zskiplist`, kept in
//! an arena (`Vec` of nodes linked by index) so that it needs no unsafe code.
//!
//! Elements are ordered by (score, member bytes). Each forward link records how many
//! elements it skips (its span), so the rank of an element, the element at a rank and the
//! number of elements before a score or lex bound are all found in O(log n) by summing
//! spans on the way down. Level 0 is a doubly linked list for walking ranges either way.
//!
//! This file knows nothing of members' uniqueness: [`super::ZSet`] keeps the member → score
//! map beside it and never inserts a member twice.

use bytes::Bytes;

/// Enough levels for 2^64 elements at p = 1/4.
const MAX_LEVEL: usize = 32;
/// "No node": the end of a level, or no previous node.
pub const NIL: usize = usize::MAX;
/// The header node's slot. It holds no element.
const HEAD: usize = 0;

#[derive(Debug, Clone, Copy)]
struct Link {
    next: usize,
    /// Elements from this node to `next`, counting `next`; past the last node of a level,
    /// the elements left after this node.
    span: usize,
}

#[derive(Debug, Clone)]
struct Node {
    member: Bytes,
    score: f64,
    prev: usize,
    links: Vec<Link>,
}

/// The skiplist. Node slots freed by removals are reused by later inserts.
#[derive(Debug, Clone)]
pub struct SkipList {
    nodes: Vec<Node>,
    free: Vec<usize>,
    /// Levels in use (at least 1).
    level: usize,
    len: usize,
    tail: usize,
    /// xorshift state for node levels.
    seed: u64,
}

impl Default for SkipList {
    fn default() -> Self {
        SkipList::new()
    }
}

/// Whether (`score`, `member`) sorts before (`s`, `m`).
fn before(score: f64, member: &[u8], s: f64, m: &[u8]) -> bool {
    score < s || (score == s && member < m)
}

impl SkipList {
    pub fn new() -> SkipList {
        let head = Node {
            member: Bytes::new(),
            score: 0.0,
            prev: NIL,
            links: vec![Link { next: NIL, span: 0 }; MAX_LEVEL],
        };
        SkipList {
            nodes: vec![head],
            free: Vec::new(),
            level: 1,
            len: 0,
            tail: NIL,
            seed: 0x9E37_79B9_7F4A_7C15,
        }
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Arena slots, used or free; for tests.
    #[cfg(test)]
    pub fn slots(&self) -> usize {
        self.nodes.len()
    }

    /// A level between 1 and MAX_LEVEL, each further level with probability 1/4.
    fn random_level(&mut self) -> usize {
        let mut level = 1;
        loop {
            self.seed ^= self.seed << 13;
            self.seed ^= self.seed >> 7;
            self.seed ^= self.seed << 17;
            if self.seed & 0xFFFF >= 0x4000 || level == MAX_LEVEL {
                return level;
            }
            level += 1;
        }
    }

    /// The member and score of node `x` (a value from [`Self::first`], [`Self::next`]...).
    pub fn get(&self, x: usize) -> (&Bytes, f64) {
        let n = &self.nodes[x];
        (&n.member, n.score)
    }

    /// The lowest element's node, or NIL.
    pub fn first(&self) -> usize {
        self.nodes[HEAD].links[0].next
    }

    /// The highest element's node, or NIL.
    pub fn last(&self) -> usize {
        self.tail
    }

    pub fn next(&self, x: usize) -> usize {
        self.nodes[x].links[0].next
    }

    pub fn prev(&self, x: usize) -> usize {
        self.nodes[x].prev
    }

    /// For each level, the last node before (`score`, `member`).
    fn path_to(&self, score: f64, member: &[u8]) -> [usize; MAX_LEVEL] {
        let mut update = [HEAD; MAX_LEVEL];
        let mut x = HEAD;
        for i in (0..self.level).rev() {
            loop {
                let next = self.nodes[x].links[i].next;
                if next == NIL {
                    break;
                }
                let n = &self.nodes[next];
                if !before(n.score, &n.member, score, member) {
                    break;
                }
                x = next;
            }
            update[i] = x;
        }
        update
    }

    /// Inserts an element. The caller guarantees that `member` is not in the list.
    pub fn insert(&mut self, score: f64, member: Bytes) {
        let mut update = [HEAD; MAX_LEVEL];
        // rank[i]: elements crossed to reach update[i].
        let mut rank = [0usize; MAX_LEVEL];
        let mut x = HEAD;
        for i in (0..self.level).rev() {
            rank[i] = if i + 1 == self.level { 0 } else { rank[i + 1] };
            loop {
                let link = self.nodes[x].links[i];
                if link.next == NIL {
                    break;
                }
                let n = &self.nodes[link.next];
                if !before(n.score, &n.member, score, &member) {
                    break;
                }
                rank[i] += link.span;
                x = link.next;
            }
            update[i] = x;
        }
        let level = self.random_level();
        if level > self.level {
            for i in self.level..level {
                rank[i] = 0;
                update[i] = HEAD;
                self.nodes[HEAD].links[i].span = self.len;
            }
            self.level = level;
        }
        let node = Node {
            member,
            score,
            prev: if update[0] == HEAD { NIL } else { update[0] },
            links: vec![Link { next: NIL, span: 0 }; level],
        };
        let x = match self.free.pop() {
            Some(slot) => {
                self.nodes[slot] = node;
                slot
            }
            None => {
                self.nodes.push(node);
                self.nodes.len() - 1
            }
        };
        for i in 0..level {
            let up = self.nodes[update[i]].links[i];
            let crossed = rank[0] - rank[i];
            self.nodes[x].links[i] = Link {
                next: up.next,
                span: up.span - crossed,
            };
            self.nodes[update[i]].links[i] = Link {
                next: x,
                span: crossed + 1,
            };
        }
        // Links above the new node's height now pass over one more element.
        for (i, &u) in update.iter().enumerate().take(self.level).skip(level) {
            self.nodes[u].links[i].span += 1;
        }
        let next = self.nodes[x].links[0].next;
        if next == NIL {
            self.tail = x;
        } else {
            self.nodes[next].prev = x;
        }
        self.len += 1;
    }

    /// Unlinks node `x`, given the last node before it on every level, and frees its slot.
    /// Returns its member.
    fn unlink(&mut self, x: usize, update: &[usize; MAX_LEVEL]) -> Bytes {
        for (i, &u) in update.iter().enumerate().take(self.level) {
            if self.nodes[u].links[i].next == x {
                let xl = self.nodes[x].links[i];
                let ul = &mut self.nodes[u].links[i];
                ul.span = ul.span + xl.span - 1;
                ul.next = xl.next;
            } else {
                self.nodes[u].links[i].span -= 1;
            }
        }
        let (next, prev) = (self.nodes[x].links[0].next, self.nodes[x].prev);
        if next == NIL {
            self.tail = prev;
        } else {
            self.nodes[next].prev = prev;
        }
        while self.level > 1 && self.nodes[HEAD].links[self.level - 1].next == NIL {
            self.level -= 1;
        }
        self.len -= 1;
        let node = &mut self.nodes[x];
        node.links = Vec::new();
        self.free.push(x);
        std::mem::take(&mut node.member)
    }

    /// Removes the element (`score`, `member`). Returns whether it was there.
    pub fn remove(&mut self, score: f64, member: &[u8]) -> bool {
        let update = self.path_to(score, member);
        let x = self.nodes[update[0]].links[0].next;
        if x != NIL && self.nodes[x].score == score && self.nodes[x].member[..] == *member {
            self.unlink(x, &update);
            true
        } else {
            false
        }
    }

    /// Removes the elements of ranks `start..end` (0-based), calling `gone` with each member,
    /// in one pass as Redis's `zslDeleteRangeByRank`.
    pub fn remove_ranks(&mut self, start: usize, end: usize, mut gone: impl FnMut(Bytes)) {
        let mut update = [HEAD; MAX_LEVEL];
        let mut traversed = 0;
        let mut x = HEAD;
        for i in (0..self.level).rev() {
            loop {
                let link = self.nodes[x].links[i];
                if link.next == NIL || traversed + link.span > start {
                    break;
                }
                traversed += link.span;
                x = link.next;
            }
            update[i] = x;
        }
        // update[] stays the path to the next element as each one is unlinked.
        let mut rank = start;
        let mut x = self.nodes[x].links[0].next;
        while x != NIL && rank < end {
            let next = self.nodes[x].links[0].next;
            gone(self.unlink(x, &update));
            rank += 1;
            x = next;
        }
    }

    /// The 0-based rank of (`score`, `member`), if present.
    pub fn rank(&self, score: f64, member: &[u8]) -> Option<usize> {
        let mut rank = 0;
        let mut x = HEAD;
        for i in (0..self.level).rev() {
            loop {
                let link = self.nodes[x].links[i];
                if link.next == NIL {
                    break;
                }
                let n = &self.nodes[link.next];
                if !(n.score < score || (n.score == score && n.member[..] <= *member)) {
                    break;
                }
                rank += link.span;
                x = link.next;
            }
            if x != HEAD && self.nodes[x].member[..] == *member {
                return Some(rank - 1);
            }
        }
        None
    }

    /// The node at 0-based `rank`, or NIL past the end.
    pub fn at_rank(&self, rank: usize) -> usize {
        let Some(target) = rank.checked_add(1) else {
            return NIL;
        };
        let mut traversed = 0;
        let mut x = HEAD;
        for i in (0..self.level).rev() {
            loop {
                let link = self.nodes[x].links[i];
                if link.next == NIL || traversed + link.span > target {
                    break;
                }
                traversed += link.span;
                x = link.next;
            }
            if traversed == target {
                return x;
            }
        }
        NIL
    }

    /// How many leading elements satisfy `pred`, which must hold for a prefix of the order
    /// (e.g. "score below the range's minimum"). O(log n).
    pub fn count_while(&self, pred: impl Fn(f64, &[u8]) -> bool) -> usize {
        let mut rank = 0;
        let mut x = HEAD;
        for i in (0..self.level).rev() {
            loop {
                let link = self.nodes[x].links[i];
                if link.next == NIL {
                    break;
                }
                let n = &self.nodes[link.next];
                if !pred(n.score, &n.member) {
                    break;
                }
                rank += link.span;
                x = link.next;
            }
        }
        rank
    }

    /// Rebuilds the arena when most of its slots are free (after many removals), so a set
    /// that shrank gives its memory back. The rebuild is O(n log n) and follows at least 2n
    /// removals, so it costs O(log n) per removal.
    pub fn compact(&mut self) {
        if self.free.len() < 64 || self.free.len() < 2 * self.len {
            return;
        }
        let mut fresh = SkipList::new();
        fresh.seed = self.seed;
        let mut x = self.first();
        while x != NIL {
            let n = &mut self.nodes[x];
            fresh.insert(n.score, std::mem::take(&mut n.member));
            x = n.links[0].next;
        }
        *self = fresh;
    }

    /// Checks every invariant (links, spans, order, back links, length); for tests.
    #[cfg(test)]
    pub fn check(&self) {
        let mut n = 0;
        let mut x = self.first();
        let mut prev = NIL;
        while x != NIL {
            assert_eq!(self.nodes[x].prev, prev, "back link");
            if prev != NIL {
                let (a, b) = (&self.nodes[prev], &self.nodes[x]);
                assert!(before(a.score, &a.member, b.score, &b.member), "order");
            }
            prev = x;
            x = self.next(x);
            n += 1;
        }
        assert_eq!(n, self.len);
        assert_eq!(self.tail, prev);
        // Spans: the rank reached by following any level must match level 0's count.
        let mut rank_of = std::collections::HashMap::new();
        let mut x = self.first();
        let mut r = 1;
        while x != NIL {
            rank_of.insert(x, r);
            r += 1;
            x = self.next(x);
        }
        rank_of.insert(HEAD, 0);
        for i in 0..self.level {
            let mut x = HEAD;
            loop {
                let link = self.nodes[x].links[i];
                if link.next == NIL {
                    assert_eq!(rank_of[&x] + link.span, self.len, "tail span");
                    break;
                }
                assert_eq!(rank_of[&x] + link.span, rank_of[&link.next], "span");
                x = link.next;
            }
        }
    }
}
