//! Backup runs: the files one run of a backup job made (one file, or the
//! `--part-N` files of one time), grouped by series (space and kind), and which
//! run of a series is the newest intact one. What `verify DIR` reports, asked
//! of the library so that every front-end answers it the same way.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use super::{BackupName, Kind, Timestamp};

/// Which backups compete for "newest": the same space and kind.
pub type Series<'a> = (Option<&'a str>, Kind);

/// One run: every file sharing a series and a time, parts in order.
#[derive(Debug)]
pub struct Run<'a, T> {
    /// The space, if named.
    pub space: Option<&'a str>,
    /// Database or files.
    pub kind: Kind,
    /// When it was made.
    pub time: Timestamp,
    /// Its files with their part numbers, in part order.
    pub files: Vec<(&'a T, Option<u32>)>,
}

impl<T> Run<'_, T> {
    /// Every file is `ok`, and for parts, none is missing from 1 to the last.
    pub fn is_intact(&self, ok: impl Fn(&T) -> bool) -> bool {
        let parts: Vec<u32> = self.files.iter().filter_map(|(_, p)| *p).collect();
        let parts_complete = parts.is_empty() || parts.iter().copied().eq(1..=parts.len() as u32);
        parts_complete && self.files.iter().all(|(f, _)| ok(f))
    }

    /// Part numbers missing between 1 and the highest present.
    pub fn missing_parts(&self) -> Vec<u32> {
        let parts: Vec<u32> = self.files.iter().filter_map(|(_, p)| *p).collect();
        let max = parts.iter().copied().max().unwrap_or(0);
        (1..=max).filter(|p| !parts.contains(p)).collect()
    }
}

/// Groups the named items into runs per series, oldest run first, by the
/// backup name `name` reads from each (its space, kind, time and part); items
/// without one are left out.
pub fn runs<'a, T>(
    items: &'a [T],
    name: impl Fn(&'a T) -> Option<BackupName<'a>>,
) -> BTreeMap<Series<'a>, Vec<Run<'a, T>>> {
    type Parts<'a, T> = Vec<(&'a T, Option<u32>)>;
    let mut map: BTreeMap<Series<'a>, BTreeMap<Timestamp, Parts<'a, T>>> = BTreeMap::new();
    for item in items {
        if let Some(k) = name(item) {
            map.entry((k.space, k.kind)).or_default().entry(k.time).or_default().push((item, k.part));
        }
    }
    map.into_iter()
        .map(|((space, kind), times)| {
            let runs = times
                .into_iter()
                .map(|(time, mut files)| {
                    files.sort_by_key(|(_, part)| *part);
                    Run { space, kind, time, files }
                })
                .collect();
            ((space, kind), runs)
        })
        .collect()
}

/// The newest run of a series that [`Run::is_intact`].
pub fn newest_intact<'r, 'a, T>(runs: &'r [Run<'a, T>], ok: impl Fn(&T) -> bool) -> Option<&'r Run<'a, T>> {
    runs.iter().rev().find(|r| r.is_intact(&ok))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::parse;

    #[test]
    fn parts_group_into_runs_and_a_gap_breaks_one() {
        let files = [
            ("p/files/2022-09-26--00-00-02--part-1.zip.encrypted", true),
            ("p/files/2022-09-26--00-00-02--part-3.zip.encrypted", true),
            ("p/files/2022-09-27--00-00-02--part-2.zip.encrypted", true),
            ("p/files/2022-09-27--00-00-02--part-1.zip.encrypted", true),
            ("p/files/2022-09-28--00-00-02--part-1.zip.encrypted", true),
            ("p/files/2022-09-28--00-00-02--part-2.zip.encrypted", false),
            ("p/database/2022-06-01--00-00-01.sql.encrypted", true),
            ("notes.txt", true),
        ];
        let groups = runs(&files, |(path, _)| parse(path));
        assert_eq!(groups.len(), 2);
        let files_runs = &groups[&(Some("p"), Kind::Files)];
        assert_eq!(files_runs.len(), 3);
        assert_eq!(files_runs[0].missing_parts(), [2]);
        // Parts sorted, whatever the input order.
        assert!(files_runs[1].files[0].0.0.contains("part-1"));
        let ok = |f: &(&str, bool)| f.1;
        assert!(!files_runs[2].is_intact(ok));
        let newest = newest_intact(files_runs, ok).unwrap();
        assert!(newest.files[0].0.0.starts_with("p/files/2022-09-27"));
        assert_eq!(groups[&(Some("p"), Kind::Database)].len(), 1);
    }
}
