//! Byte counts on the command line (`--max-size`, `--part-size`).

/// `64G`, `500M`, `1024`: a byte count with an optional binary suffix.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let shift = match t.chars().last().map(|c| c.to_ascii_uppercase()) {
        Some('K') => 10,
        Some('M') => 20,
        Some('G') => 30,
        Some('T') => 40,
        _ => 0,
    };
    let digits = if shift == 0 { t } else { &t[..t.len() - 1] };
    let n: u64 = digits.parse().map_err(|e| format!("{s:?} is not a size: {e}"))?;
    n.checked_mul(1 << shift).ok_or_else(|| format!("{s:?} is too large"))
}
