//! Progress in git's own style on stderr:
//! `Writing objects:  45% (4500/10000), 12.10 MiB | 30.00 MiB/s`.
//!
//! Shown only when git asked for progress (`option progress true`) and at
//! most ten times a second; the last line ends with `, done.`

use std::io::Write;
use std::time::{Duration, Instant};

pub struct Progress {
    title: &'static str,
    total: u64,
    done: u64,
    bytes: u64,
    enabled: bool,
    start: Instant,
    last: Option<Instant>,
}

impl Progress {
    pub fn new(title: &'static str, total: u64, enabled: bool) -> Progress {
        Progress { title, total, done: 0, bytes: 0, enabled, start: Instant::now(), last: None }
    }

    /// Sets the total once it is known (0: not known yet; the line then
    /// shows the count without a percentage, as git does).
    pub fn set_total(&mut self, total: u64) {
        self.total = total;
    }

    /// Counts one more item of `bytes` bytes.
    pub fn inc(&mut self, bytes: u64) {
        self.done += 1;
        self.bytes += bytes;
        if self.enabled && self.last.is_none_or(|t| t.elapsed() >= Duration::from_millis(100)) {
            self.last = Some(Instant::now());
            self.draw("\r");
        }
    }

    fn draw(&self, end: &str) {
        let secs = self.start.elapsed().as_secs_f64().max(0.001);
        let count = match self.total {
            0 => format!("{}", self.done),
            total => format!("{:3}% ({}/{})", self.done * 100 / total, self.done, total),
        };
        let mut e = std::io::stderr().lock();
        let _ = write!(e, "{}: {count}, {} | {}/s{}", self.title, human(self.bytes as f64), human(self.bytes as f64 / secs), end);
        let _ = e.flush();
    }

    pub fn finish(&mut self) {
        if self.enabled && self.total > 0 {
            self.draw(", done.\n");
        }
    }
}

fn human(b: f64) -> String {
    const UNITS: [&str; 4] = ["bytes", "KiB", "MiB", "GiB"];
    let mut v = b;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{} {}", v as u64, UNITS[0])
    } else {
        format!("{v:.2} {}", UNITS[u])
    }
}
