//! The PRNG and the mutator.
//!
//! Input `i` of a run is a pure function of the run's seed, the target and
//! `i` (and the corpus): so a crash that kills the process (an abort, a
//! stack overflow, a hang) is found again by replaying from the last
//! progress report, and any input can be made again from its number.

/// SplitMix64: tiny, fast, and good enough to drive mutations.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The generator of input `i` of target `target` in a run seeded `seed`.
    pub fn for_input(seed: u64, target: &str, i: u64) -> Rng {
        let mut r = Rng(seed ^ fnv1a(target.as_bytes()) ^ i.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        r.next();
        r
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next() >> 32) * n as u64) >> 32) as usize
    }

    /// True with probability 1/n.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    pub fn byte(&mut self) -> u8 {
        self.next() as u8
    }

    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.byte()).collect()
    }

    /// Small numbers most of the time, any u64 sometimes.
    pub fn size(&mut self) -> u64 {
        match self.below(4) {
            0 => self.below(4) as u64,
            1 => self.below(300) as u64,
            2 => self.below(1 << 20) as u64,
            _ => self.next() >> self.below(64),
        }
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// FNV-1a, 64 bits: names artifacts by content and mixes target names.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// Bytes that mean something to CBOR, protobuf and varints.
const INTERESTING: &[u8] = &[
    0x00, 0x01, 0x02, 0x07, 0x08, 0x0a, 0x12, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1f, 0x20, 0x2a, 0x3f, 0x40, 0x41, 0x58, 0x5f, 0x60,
    0x78, 0x7f, 0x80, 0x81, 0x84, 0x98, 0x9f, 0xa0, 0xa5, 0xbf, 0xd8, 0xf4, 0xf5, 0xf6, 0xf7, 0xf9, 0xfa, 0xfb, 0xff,
];

/// Applies 1 to 8 stacked mutations to `data`; `other` is another corpus
/// entry to splice from, `dict` the target's tokens. The result is at most
/// `max_len` bytes.
pub fn mutate(rng: &mut Rng, data: &mut Vec<u8>, other: &[u8], dict: &[&[u8]], max_len: usize) {
    let rounds = if rng.one_in(2) { 1 } else { 1 + rng.below(8) };
    for _ in 0..rounds {
        mutate_once(rng, data, other, dict);
    }
    data.truncate(max_len);
}

fn mutate_once(rng: &mut Rng, data: &mut Vec<u8>, other: &[u8], dict: &[&[u8]]) {
    let len = data.len();
    // Positions cluster at the start (headers) half of the time.
    let at = |rng: &mut Rng, n: usize| {
        if n == 0 {
            0
        } else if rng.one_in(2) {
            rng.below(n.min(24))
        } else {
            rng.below(n)
        }
    };
    match rng.below(14) {
        0 if len > 0 => {
            let i = at(rng, len);
            data[i] ^= 1 << rng.below(8);
        }
        1 if len > 0 => {
            let i = at(rng, len);
            data[i] = *rng.pick(INTERESTING);
        }
        2 if len > 0 => {
            let i = at(rng, len);
            data[i] = rng.byte();
        }
        3 if len > 0 => {
            // Truncate, mostly near the end.
            let cut = if rng.one_in(2) { len - 1 - rng.below(len.min(16)) } else { rng.below(len) };
            data.truncate(cut);
        }
        4 if len > 0 => {
            let i = rng.below(len);
            let n = 1 + rng.below((len - i).min(64));
            data.drain(i..i + n);
        }
        5 => {
            let i = at(rng, len + 1);
            let n = 1 + rng.below(16);
            let ins = rng.bytes(n);
            data.splice(i..i, ins);
        }
        6 if len > 0 => {
            // Repeat a range in place: lengths and counts that now lie.
            let i = rng.below(len);
            let n = 1 + rng.below((len - i).min(256));
            let chunk = data[i..i + n].to_vec();
            let times = 1 + rng.below(4);
            for _ in 0..times {
                data.splice(i..i, chunk.iter().copied());
            }
        }
        7 if !other.is_empty() => {
            // Splice: our head, the other entry's tail.
            let i = rng.below(len + 1);
            let j = rng.below(other.len());
            data.truncate(i);
            data.extend_from_slice(&other[j..]);
        }
        8 if !dict.is_empty() => {
            let tok = *rng.pick(dict);
            let i = at(rng, len + 1);
            if rng.one_in(2) || i + tok.len() > len {
                data.splice(i..i, tok.iter().copied());
            } else {
                data[i..i + tok.len()].copy_from_slice(tok);
            }
        }
        9 if len > 0 => {
            let i = at(rng, len);
            let d = 1 + rng.below(16) as u8;
            data[i] = if rng.one_in(2) { data[i].wrapping_add(d) } else { data[i].wrapping_sub(d) };
        }
        10 => {
            // Varints: a continuation byte, or a high bit set.
            let i = at(rng, len + 1);
            if rng.one_in(2) || i == len {
                data.insert(i, 0x80 | rng.byte());
            } else {
                data[i] |= 0x80;
            }
        }
        11 if len > 0 => {
            // CBOR: re-encode a head's short argument in a longer form (a
            // non-canonical encoding of the same value), or change it by one.
            let i = at(rng, len);
            let (major, arg) = (data[i] & 0xe0, data[i] & 0x1f);
            if major <= 0xa0 && arg < 24 {
                if rng.one_in(2) {
                    let width = 1 << rng.below(4); // 1, 2, 4 or 8 bytes
                    let mut bytes = vec![0u8; width];
                    bytes[width - 1] = arg;
                    data[i] = major | (24 + width.trailing_zeros() as u8);
                    data.splice(i + 1..i + 1, bytes);
                } else {
                    data[i] = major | (if rng.one_in(2) { arg.wrapping_add(1) } else { arg.wrapping_sub(1) } & 0x1f);
                }
            } else {
                data[i] = major | rng.below(32) as u8;
            }
        }
        12 if len > 1 => {
            // Copy one range over another.
            let (a, b) = (rng.below(len), rng.below(len));
            let n = 1 + rng.below((len - a.max(b)).min(64));
            let chunk = data[a..a + n].to_vec();
            data[b..b + n].copy_from_slice(&chunk);
        }
        13 if len > 0 && !other.is_empty() => {
            // Overwrite with a piece of the other entry.
            let j = rng.below(other.len());
            let n = 1 + rng.below((other.len() - j).min(64));
            let i = rng.below(len);
            let end = (i + n).min(len);
            data[i..end].copy_from_slice(&other[j..j + (end - i)]);
        }
        _ => {
            let i = at(rng, len + 1);
            data.insert(i, rng.byte());
        }
    }
}
