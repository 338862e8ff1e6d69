//! Turning an archive entry's name into a path that stays inside the target
//! directory, or refusing it (FORMATS.md §4.3). A pure function over the name, so
//! that it can be tested and fuzzed on its own.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// Why an entry name is unsafe to extract.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unsafe {
    /// Empty, or nothing left after removing `.` and empty components.
    Empty,
    /// A `..` component (also after `\` → `/`): would climb out of the target.
    Traversal,
    /// Starts with `/` or `\` (absolute, or a UNC name `\\server\share`).
    Absolute,
    /// Starts with a drive letter such as `C:`.
    DriveLetter,
    /// Holds NUL or another control character.
    ControlCharacter,
}

impl fmt::Display for Unsafe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Unsafe::Empty => "empty name",
            Unsafe::Traversal => "'..' component (path traversal)",
            Unsafe::Absolute => "absolute path",
            Unsafe::DriveLetter => "drive letter",
            Unsafe::ControlCharacter => "control character in name",
        })
    }
}

/// A checked relative path: components joined by `/`, none empty, `.` or `..`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SafePath {
    path: String,
    is_dir: bool,
}

impl SafePath {
    /// The normalised path, `/`-separated, without a trailing `/`.
    pub fn as_str(&self) -> &str {
        &self.path
    }

    /// True if the name ended in `/` (or `\`): a directory entry.
    pub fn is_dir(&self) -> bool {
        self.is_dir
    }

    /// The components, outermost first.
    pub fn components(&self) -> impl Iterator<Item = &str> {
        self.path.split('/')
    }
}

/// Checks an entry name and normalises it: `\` becomes `/`, empty and `.`
/// components are dropped. Refuses `..`, absolute and drive-letter paths and
/// control characters anywhere in the name.
///
/// # Errors
/// The first [`Unsafe`] reason found.
pub fn sanitize(name: &str) -> Result<SafePath, Unsafe> {
    if name.chars().any(|c| c.is_control()) {
        return Err(Unsafe::ControlCharacter);
    }
    let unified: String = name.chars().map(|c| if c == '\\' { '/' } else { c }).collect();
    if unified.starts_with('/') {
        return Err(Unsafe::Absolute);
    }
    let b = unified.as_bytes();
    if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' {
        return Err(Unsafe::DriveLetter);
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in unified.split('/') {
        match part {
            "" | "." => {}
            ".." => return Err(Unsafe::Traversal),
            p => parts.push(p),
        }
    }
    if parts.is_empty() {
        return Err(Unsafe::Empty);
    }
    // Again after normalising: `./C:/x` and `/./C:x` would otherwise come out as `C:/x`.
    let first = parts[0].as_bytes();
    if first.len() >= 2 && first[0].is_ascii_alphabetic() && first[1] == b':' {
        return Err(Unsafe::DriveLetter);
    }
    Ok(SafePath { path: parts.join("/"), is_dir: unified.ends_with('/') })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_every_escape() {
        for (name, why) in [
            ("../x", Unsafe::Traversal),
            ("a/../../x", Unsafe::Traversal),
            ("a/..", Unsafe::Traversal),
            ("..\\..\\x", Unsafe::Traversal),
            ("a\\..\\b", Unsafe::Traversal),
            ("/etc/passwd", Unsafe::Absolute),
            ("\\windows\\x", Unsafe::Absolute),
            ("\\\\server\\share\\x", Unsafe::Absolute),
            ("//server/share", Unsafe::Absolute),
            ("C:\\x", Unsafe::DriveLetter),
            ("c:x", Unsafe::DriveLetter),
            // Found by fuzzing (fuzz/corpus/safe_path/regression-*): a drive letter after `./`.
            ("./c:/x", Unsafe::DriveLetter),
            (".//C:x", Unsafe::DriveLetter),
            ("a\0b", Unsafe::ControlCharacter),
            ("a\nb", Unsafe::ControlCharacter),
            ("a\u{7f}", Unsafe::ControlCharacter),
            ("", Unsafe::Empty),
            ("./", Unsafe::Empty),
            ("//", Unsafe::Absolute),
        ] {
            assert_eq!(sanitize(name), Err(why), "{name:?}");
        }
    }

    #[test]
    fn keeps_and_normalises_ordinary_names() {
        let p = sanitize("7KQ2ZP4M__medicalReports__scan.pdf").unwrap();
        assert_eq!(p.as_str(), "7KQ2ZP4M__medicalReports__scan.pdf");
        assert!(!p.is_dir());
        let p = sanitize("a\\b/./c//d").unwrap();
        assert_eq!(p.as_str(), "a/b/c/d");
        assert_eq!(p.components().count(), 4);
        let p = sanitize("dir/").unwrap();
        assert!(p.is_dir());
        assert_eq!(p.as_str(), "dir");
        // Dots inside names and a colon after the first component are fine on Unix.
        assert_eq!(sanitize("a..b/...").unwrap().as_str(), "a..b/...");
        assert_eq!(sanitize("a/b:c").unwrap().as_str(), "a/b:c");
        assert_eq!(sanitize("pässwörd-日本.txt").unwrap().as_str(), "pässwörd-日本.txt");
    }
}
