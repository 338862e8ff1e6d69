//! A progress line on stderr: bytes, rate, time left, and the key-derivation phase.
//!
//! Shown only when stderr is a terminal and `--quiet` was not given, so scripts
//! and logs never see it. Redrawn at most ten times a second.

use core::time::Duration;
use std::io::{self, IsTerminal, Read, Write};
use std::time::Instant;

/// A progress line (a no-op when disabled).
pub struct Progress {
    enabled: bool,
    verb: &'static str,
    total: Option<u64>,
    done: u64,
    start: Instant,
    last_draw: Option<Instant>,
}

impl Progress {
    /// A progress line for `verb` ("decrypting") over `total` bytes if known.
    pub fn new(verb: &'static str, total: Option<u64>, quiet: bool) -> Self {
        let enabled = !quiet && io::stderr().is_terminal();
        Progress { enabled, verb, total, done: 0, start: Instant::now(), last_draw: None }
    }

    /// Shows a phase without byte counts, e.g. "deriving the key".
    pub fn phase(&mut self, text: &str) {
        if self.enabled {
            let mut err = io::stderr().lock();
            let _ = write!(err, "\r\x1b[K{}…", text);
            let _ = err.flush();
        }
    }

    /// Adds `n` processed bytes and redraws if due.
    pub fn advance(&mut self, n: u64) {
        self.done += n;
        if !self.enabled {
            return;
        }
        let now = Instant::now();
        if self.last_draw.is_some_and(|t| now.duration_since(t) < Duration::from_millis(100)) {
            return;
        }
        self.last_draw = Some(now);
        let secs = now.duration_since(self.start).as_secs_f64().max(1e-3);
        let rate = self.done as f64 / secs;
        let mut line = format!("\r\x1b[K{} {}", self.verb, bytes(self.done));
        if let Some(total) = self.total.filter(|&t| t > 0) {
            let pct = (self.done as f64 / total as f64 * 100.0).min(100.0);
            let width = 24;
            let filled = ((pct / 100.0) * width as f64) as usize;
            line = format!(
                "\r\x1b[K{} [{}{}] {:3.0}% {} / {}",
                self.verb,
                "#".repeat(filled),
                " ".repeat(width - filled),
                pct,
                bytes(self.done),
                bytes(total)
            );
            if rate > 0.0 && total > self.done {
                let left = (total - self.done) as f64 / rate;
                line += &format!(", {}/s, {} left", bytes(rate as u64), duration(left));
            }
        } else {
            line += &format!(", {}/s", bytes(rate as u64));
        }
        let mut err = io::stderr().lock();
        let _ = err.write_all(line.as_bytes());
        let _ = err.flush();
    }

    /// Clears the line.
    pub fn finish(&mut self) {
        if self.enabled && (self.last_draw.is_some() || self.done == 0) {
            let mut err = io::stderr().lock();
            let _ = err.write_all(b"\r\x1b[K");
            let _ = err.flush();
        }
        self.enabled = false;
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

/// A reader that reports what passes through it.
pub struct Counting<'a, R> {
    inner: R,
    progress: &'a mut Progress,
}

impl<'a, R: Read> Counting<'a, R> {
    /// Counts the bytes read from `inner` into `progress`.
    pub fn new(inner: R, progress: &'a mut Progress) -> Self {
        Counting { inner, progress }
    }
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.advance(n as u64);
        Ok(n)
    }
}

/// A byte count for people: `1.5 MiB`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 { format!("{n} B") } else { format!("{v:.1} {}", UNITS[unit]) }
}

fn duration(secs: f64) -> String {
    let s = secs.round() as u64;
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_durations_read_well() {
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(bytes(3 << 30), "3.0 GiB");
        assert_eq!(duration(75.0), "1:15");
        assert_eq!(duration(3725.0), "1:02:05");
    }
}
