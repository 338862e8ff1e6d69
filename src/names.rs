//! Backup object names (FORMATS.md §5): which backup a file is, and when it was made.
//!
//! ```text
//! database:  <space>/database/YYYY-MM-DD--HH-MM-SS.sql.encrypted           (OpenSSL, UTC)
//! files:     <space>/files/YYYY-MM-DD--HH-MM-<epoch>.zip.encrypted          2022-06-16 .. 06-28
//!            <space>/files/YYYY-MM-DD--HH-MM-SS.zip.encrypted               2022-06-28 .. 09-26
//!            <space>/files/YYYY-MM-DD--HH-MM-SS--part-N.zip.encrypted       2022-09-26 on (N from 1)
//! ```
//!
//! The first files version formatted its names with `strftime("%Y-%m-%d--%H-%M-%s")`:
//! lower-case `%s` is glibc's Unix time, so the last field is e.g. `1655375454`, not
//! seconds. [`parse`] reads all three shapes and gives one [`Timestamp`] to sort by.
//! No allocation: the web page and the fuzz target use it as is.

use core::fmt;

/// Suffixes that mark an encrypted file, compared without regard to case: the
/// plaintext's name is the file's name without one (`db.sql.encrypted` → `db.sql`).
pub const ENCRYPTED_SUFFIXES: [&str; 4] = [BACKUP_SUFFIX, ".crypt", AESCRYPT_SUFFIX, OPENSSL_SUFFIX];
/// The suffix of the backup job's files (`….sql.encrypted`, `….zip.encrypted`).
pub const BACKUP_SUFFIX: &str = ".encrypted";
/// The suffix `encrypt` adds for AES Crypt (as the AES Crypt tools do).
pub const AESCRYPT_SUFFIX: &str = ".aes";
/// The suffix `encrypt` adds for OpenSSL.
pub const OPENSSL_SUFFIX: &str = ".enc";

/// The name to save a file's plaintext under: `file_name` (one path component)
/// without its encryption suffix, in any case (`A.ZIP.AES` → `A.ZIP`). `None` when
/// it has no such suffix, or is nothing but one (`.aes`): then the caller must
/// choose a name.
pub fn plaintext_name(file_name: &str) -> Option<&str> {
    ENCRYPTED_SUFFIXES.iter().find_map(|suffix| {
        let cut = file_name.len().checked_sub(suffix.len())?;
        let tail = file_name.get(cut..)?;
        (cut > 0 && tail.eq_ignore_ascii_case(suffix)).then(|| &file_name[..cut])
    })
}

/// True for a file name that [`plaintext_name`] knows how to name, i.e. that looks
/// encrypted by its name (hidden files excluded: they are temporary files).
pub fn is_encrypted_name(file_name: &str) -> bool {
    !file_name.starts_with('.') && plaintext_name(file_name).is_some()
}

pub mod runs;

/// Which backup job made the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// The hourly `pg_dump`, encrypted with `openssl enc` (`.sql.encrypted`).
    Database,
    /// The daily ZIP of the S3 files, encrypted with pyAesCrypt (`.zip.encrypted`).
    Files,
}

impl Kind {
    /// `database` or `files`, as the folder is named.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Database => "database",
            Kind::Files => "files",
        }
    }
}

/// Which of the historic name shapes a name has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Shape {
    /// `YYYY-MM-DD--HH-MM-SS` (database, and files from 2022-06-28).
    Seconds,
    /// `YYYY-MM-DD--HH-MM-<unix time>`: the `%s` quirk of the first files backups.
    Epoch,
    /// `YYYY-MM-DD--HH-MM-SS--part-N` (files from 2022-09-26).
    Part,
}

/// A moment in UTC, to the second.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    /// Seconds since 1970-01-01 00:00:00 UTC.
    pub unix: i64,
}

impl Timestamp {
    /// From a UTC calendar date and time; `None` if a field is out of range.
    pub fn from_utc(year: i64, month: u32, day: u32, hour: u32, minute: u32, second: u32) -> Option<Self> {
        if !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(year, month)
            || hour > 23
            || minute > 59
            || second > 60
        {
            return None;
        }
        let days = days_from_civil(year, month, day);
        Some(Timestamp {
            unix: days * 86_400 + i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second),
        })
    }

    /// The UTC calendar fields: (year, month, day, hour, minute, second).
    pub fn to_utc(self) -> (i64, u32, u32, u32, u32, u32) {
        let days = self.unix.div_euclid(86_400);
        let secs = self.unix.rem_euclid(86_400) as u32;
        let (y, m, d) = civil_from_days(days);
        (y, m, d, secs / 3600, secs / 60 % 60, secs % 60)
    }
}

impl fmt::Display for Timestamp {
    /// ISO 8601 in UTC: `2022-06-16T10:30:54Z`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, mo, d, h, mi, s) = self.to_utc();
        write!(f, "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
    }
}

/// What a backup's name says about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BackupName<'a> {
    /// The Cloud Foundry space (`production`, `staging`, …), if the path has one.
    pub space: Option<&'a str>,
    /// Database dump or files archive.
    pub kind: Kind,
    /// When the backup was made (UTC).
    pub time: Timestamp,
    /// `--part-N`: the part number (from 1); `None` for single-file backups.
    pub part: Option<u32>,
    /// Which historic shape the name has.
    pub shape: Shape,
    /// The name ends in `.encrypted` (a decrypted copy is recognised too).
    pub encrypted: bool,
}

fn digits(s: &str, n: usize) -> Option<u32> {
    if s.len() == n && s.bytes().all(|b| b.is_ascii_digit()) { s.parse().ok() } else { None }
}

/// Reads a backup name: a bare file name, or a path whose last folders are
/// `<space>/database` or `<space>/files` (`/` or `\` separated). `None` if it is
/// not one of the shapes above.
pub fn parse(path: &str) -> Option<BackupName<'_>> {
    let mut components = path.rsplit(['/', '\\']);
    let file = components.next()?;
    let folder = components.next();
    let space = components.next().filter(|s| !s.is_empty());
    let (stem, encrypted) = match file.strip_suffix(BACKUP_SUFFIX) {
        Some(stem) => (stem, true),
        None => (file, false),
    };
    let (stem, kind) = if let Some(s) = stem.strip_suffix(".sql") {
        (s, Kind::Database)
    } else if let Some(s) = stem.strip_suffix(".zip") {
        (s, Kind::Files)
    } else {
        return None;
    };
    // The folder, when there is one, must agree with the extension.
    let space = match folder {
        Some(f) if f == kind.name() => space,
        _ => None,
    };
    let (stamp, part) = match stem.split_once("--part-") {
        Some((stamp, n)) => {
            let n = (!n.is_empty() && n.len() <= 9 && n.bytes().all(|b| b.is_ascii_digit()))
                .then(|| n.parse::<u32>().ok())
                .flatten()
                .filter(|&n| n >= 1)?;
            (stamp, Some(n))
        }
        None => (stem, None),
    };
    // YYYY-MM-DD--HH-MM-<SS or epoch>
    let (date, time) = stamp.split_once("--")?;
    let mut d = date.split('-');
    let (year, month, day) = (digits(d.next()?, 4)?, digits(d.next()?, 2)?, digits(d.next()?, 2)?);
    let mut t = time.splitn(3, '-');
    let (hour, minute, last) = (digits(t.next()?, 2)?, digits(t.next()?, 2)?, t.next()?);
    if d.next().is_some() {
        return None;
    }
    let named = |second| Timestamp::from_utc(year.into(), month, day, hour, minute, second);
    let (time, shape) = if let Some(second) = digits(last, 2) {
        (named(second)?, if part.is_some() { Shape::Part } else { Shape::Seconds })
    } else if kind == Kind::Files
        && part.is_none()
        && (9..=11).contains(&last.len())
        && last.bytes().all(|b| b.is_ascii_digit())
    {
        let epoch: i64 = last.parse().ok()?;
        // `%s` is the same moment as the rest of the name (which may be local time):
        // accept a day's difference either way, to reject unrelated digit runs.
        let minute_start = named(0)?;
        if (epoch - minute_start.unix).abs() > 86_400 + 60 {
            return None;
        }
        (Timestamp { unix: epoch }, Shape::Epoch)
    } else {
        return None;
    };
    Some(BackupName { space, kind, time, part, shape, encrypted })
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {

    #[test]
    fn plaintext_names_drop_one_suffix_in_any_case() {
        assert_eq!(plaintext_name("2022-06-01--00-00-01.sql.encrypted"), Some("2022-06-01--00-00-01.sql"));
        assert_eq!(plaintext_name("a.zip.aes"), Some("a.zip"));
        assert_eq!(plaintext_name("A.ZIP.AES"), Some("A.ZIP"));
        assert_eq!(plaintext_name("x.Enc"), Some("x"));
        assert_eq!(plaintext_name("notes.txt.crypt"), Some("notes.txt"));
        assert_eq!(plaintext_name("x.zip"), None);
        assert_eq!(plaintext_name(".aes"), None);
        assert_eq!(plaintext_name("é.aes"), Some("é"));
        assert_eq!(plaintext_name("aé"), None);
        assert!(is_encrypted_name("b.crypt") && !is_encrypted_name(".b.crypt"));
    }

    use super::*;
    use alloc::string::ToString;

    #[test]
    fn database_names_have_seconds() {
        let n = parse("production/database/2022-06-01--13-00-07.sql.encrypted").unwrap();
        assert_eq!(n.space, Some("production"));
        assert_eq!(n.kind, Kind::Database);
        assert_eq!(n.shape, Shape::Seconds);
        assert_eq!(n.part, None);
        assert!(n.encrypted);
        assert_eq!(n.time.to_string(), "2022-06-01T13:00:07Z");
        assert_eq!(n.time.unix, 1_654_088_407);
    }

    #[test]
    fn first_files_names_end_in_unix_time_because_of_lowercase_percent_s() {
        // strftime('%Y-%m-%d--%H-%M-%s') at 2022-06-16 10:30:54 UTC.
        let n = parse("staging/files/2022-06-16--10-30-1655375454.zip.encrypted").unwrap();
        assert_eq!(n.shape, Shape::Epoch);
        assert_eq!(n.kind, Kind::Files);
        assert_eq!(n.space, Some("staging"));
        assert_eq!(n.time.unix, 1_655_375_454);
        assert_eq!(n.time.to_string(), "2022-06-16T10:30:54Z");
    }

    #[test]
    fn epoch_field_must_match_the_rest_of_the_name() {
        assert!(parse("2022-06-16--10-30-1755375454.zip.encrypted").is_none());
        // The database job never had the quirk.
        assert!(parse("2022-06-16--10-30-1655375454.sql.encrypted").is_none());
    }

    #[test]
    fn later_files_names_have_seconds() {
        let n = parse("files/2022-07-01--00-00-03.zip.encrypted").unwrap();
        assert_eq!(n.shape, Shape::Seconds);
        assert_eq!(n.space, None);
        assert_eq!(n.time.to_string(), "2022-07-01T00:00:03Z");
    }

    #[test]
    fn part_names_share_the_run_timestamp() {
        let a = parse("production/files/2022-09-27--00-00-02--part-1.zip.encrypted").unwrap();
        let b = parse("production/files/2022-09-27--00-00-02--part-12.zip.encrypted").unwrap();
        assert_eq!((a.shape, a.part, b.part), (Shape::Part, Some(1), Some(12)));
        assert_eq!(a.time, b.time);
        assert!(parse("2022-09-27--00-00-02--part-0.zip.encrypted").is_none());
        assert!(parse("2022-09-27--00-00-02--part-.zip.encrypted").is_none());
    }

    #[test]
    fn bare_names_and_windows_paths_work_and_folders_must_agree() {
        assert_eq!(parse("2022-06-01--13-00-07.sql.encrypted").unwrap().space, None);
        assert_eq!(parse(r"C:\b\sandbox\database\2022-06-01--13-00-07.sql").unwrap().space, Some("sandbox"));
        assert!(!parse("2022-06-01--13-00-07.sql").unwrap().encrypted);
        assert_eq!(parse("x/files/2022-06-01--13-00-07.sql.encrypted").unwrap().space, None);
    }

    #[test]
    fn other_names_are_refused() {
        for bad in [
            "",
            "backup.sql.encrypted",
            "2022-13-01--00-00-00.sql.encrypted",
            "2022-02-30--00-00-00.sql.encrypted",
            "2022-06-01--24-00-00.sql.encrypted",
            "2022-06-01--00-00-00.txt.encrypted",
            "2022-06-01-00-00-00.sql.encrypted",
            "22-06-01--00-00-00.sql.encrypted",
            "2022-06-01--00-00-0x.sql.encrypted",
            "2022-06-01--00-00.sql.encrypted",
        ] {
            assert!(parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn calendar_round_trips() {
        for unix in [0i64, 951_782_400, 1_654_088_407, 4_102_444_799, -86_400] {
            let t = Timestamp { unix };
            let (y, mo, d, h, mi, s) = t.to_utc();
            assert_eq!(Timestamp::from_utc(y, mo, d, h, mi, s), Some(t));
        }
        assert_eq!(Timestamp::from_utc(2000, 2, 29, 0, 0, 0).unwrap().unix, 951_782_400);
    }

    proptest::proptest! {
        #[test]
        fn parse_never_panics(s in "\\PC{0,80}") {
            let _ = parse(&s);
        }

        #[test]
        fn near_valid_names_never_panic_and_round_trip(
            y in 0u32..10000, mo in 0u32..14, d in 0u32..33, h in 0u32..26, mi in 0u32..62, last in 0u64..100_000_000_000,
            part in proptest::option::of(0u32..1000), db in proptest::bool::ANY,
        ) {
            let ext = if db { "sql" } else { "zip" };
            let part = part.map(|p| alloc::format!("--part-{p}")).unwrap_or_default();
            let name = alloc::format!("x/{}/{y:04}-{mo:02}-{d:02}--{h:02}-{mi:02}-{last:02}{part}.{ext}.encrypted",
                if db { "database" } else { "files" });
            if let Some(n) = parse(&name) {
                let (yy, mm, dd, ..) = Timestamp::from_utc(y.into(), mo, d, h, mi, 0).unwrap().to_utc();
                proptest::prop_assert_eq!((yy, mm, dd), (i64::from(y), mo, d));
                proptest::prop_assert_eq!(n.space, Some("x"));
            }
        }
    }
}
