//! What a decrypted backup holds, and whether it is all there: the one content
//! check, for `verify`, the page and anyone else (FORMATS.md §1, §4.2).
//!
//! An OpenSSL file has no MAC, so its content is the only witness of a good
//! decryption and of a complete backup: a plain-SQL `pg_dump` starts with its
//! `-- PostgreSQL database dump` header and ends with the
//! `-- PostgreSQL database dump complete` footer (missing when pg_dump was cut
//! off); a ZIP ends with an end-of-central-directory record, found by the same
//! rule the ZIP reader uses ([`crate::zip::end_record::EndRecord::find`]: up to
//! 15 junk bytes after it are tolerated).
//!
//! [`ContentCheck`] watches the plaintext stream go by in constant memory (its
//! first 64 bytes and last ~64 KiB, wiped on drop). Core only (`no_std`).

use alloc::vec::Vec;

use crate::Integrity;
use crate::openssl::{Content, looks_like_plaintext};
use crate::zip::end_record::{EndRecord, TAIL_LEN};

/// The footer line `pg_dump` writes when it finished.
pub const PG_DUMP_FOOTER: &[u8] = b"-- PostgreSQL database dump complete";
/// How far from the end the footer may be (pg_dump 17.6+ writes an
/// `\unrestrict` line after it).
const FOOTER_WITHIN: usize = 4096;
/// Plaintext bytes kept from the start to tell the kind of content.
const HEAD_KEEP: usize = 64;

/// What the content check found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Found {
    /// The kind of data at the start.
    pub kind: Content,
    /// pg_dump: the footer is there; ZIP: a consistent end record ends it.
    /// `None` for content with no such check.
    pub complete: Option<bool>,
    /// ZIP: the number of entries its end record announces.
    pub entries: Option<u64>,
}

impl Found {
    /// The content in a few words, for people.
    pub fn describe(&self) -> alloc::string::String {
        use alloc::format;
        match (self.kind, self.complete, self.entries) {
            (Content::Zip, Some(true), Some(n)) => format!("ZIP archive ({n} entries)"),
            (Content::Zip, _, _) => "ZIP archive without a valid end record (incomplete or damaged)".into(),
            (Content::PgDump, Some(true), _) => "PostgreSQL dump, complete".into(),
            (Content::PgDump, _, _) => "PostgreSQL dump without its `-- PostgreSQL database dump complete` \
                                        footer (pg_dump did not finish, or the end is damaged)"
                .into(),
            (Content::PgDumpCustom, _, _) => "pg_dump custom-format archive".into(),
            (Content::Gzip, _, _) => "gzip data".into(),
            (Content::Text, _, _) => "text".into(),
            (Content::Unknown, _, _) => "unrecognised (random-looking) bytes".into(),
        }
    }
}

/// Watches a plaintext stream and judges it at the end.
#[derive(Default)]
pub struct ContentCheck {
    head: Vec<u8>,
    tail: Vec<u8>,
    total: u64,
}

impl ContentCheck {
    /// An empty check.
    pub fn new() -> Self {
        ContentCheck::default()
    }

    /// Judges a whole plaintext at once.
    pub fn of(plaintext: &[u8]) -> Found {
        let mut c = ContentCheck::new();
        c.feed(plaintext);
        c.finish()
    }

    /// The next plaintext bytes.
    pub fn feed(&mut self, data: &[u8]) {
        let (head, tail) = self.kept(data.len());
        self.feed_kept(&data[..head], data.len(), &data[data.len() - tail..]);
    }

    /// Which parts of the next `len` plaintext bytes the check looks at: their
    /// first `.0` bytes and their last `.1` bytes (the rest only counts). For a
    /// caller that would have to copy a whole piece to [`feed`](Self::feed) it
    /// (the page's wasm binding): it copies these and calls
    /// [`feed_kept`](Self::feed_kept).
    pub fn kept(&self, len: usize) -> (usize, usize) {
        (HEAD_KEEP.saturating_sub(self.head.len()).min(len), len.min(TAIL_LEN))
    }

    /// The same as [`feed`](Self::feed) of a `len`-byte piece, given only the
    /// parts [`kept`](Self::kept) named: `head` its first bytes, `tail` its last.
    pub fn feed_kept(&mut self, head: &[u8], len: usize, tail: &[u8]) {
        self.head.extend_from_slice(&head[..head.len().min(HEAD_KEEP.saturating_sub(self.head.len()))]);
        self.total += len as u64;
        if tail.len() >= TAIL_LEN {
            zeroize::Zeroize::zeroize(&mut self.tail);
            self.tail.clear();
            self.tail.extend_from_slice(&tail[tail.len() - TAIL_LEN..]);
        } else {
            self.tail.extend_from_slice(tail);
            // Trim in batches, not on every small chunk.
            if self.tail.len() > 2 * TAIL_LEN {
                let cut = self.tail.len() - TAIL_LEN;
                self.tail[..cut].iter_mut().for_each(|b| *b = 0);
                self.tail.drain(..cut);
            }
        }
    }

    /// The verdict on everything fed so far.
    pub fn finish(&self) -> Found {
        let kind = looks_like_plaintext(&self.head[..self.head.len().min(32)]);
        match kind {
            Content::PgDump => {
                let end = &self.tail[self.tail.len().saturating_sub(FOOTER_WITHIN)..];
                let complete = end.windows(PG_DUMP_FOOTER.len()).any(|w| w == PG_DUMP_FOOTER);
                Found { kind, complete: Some(complete), entries: None }
            }
            Content::Zip => {
                let entries = zip_entries(&self.tail[self.tail.len().saturating_sub(TAIL_LEN)..], self.total);
                Found { kind, complete: Some(entries.is_some()), entries }
            }
            _ => Found { kind, complete: None, entries: None },
        }
    }
}

/// What a finished decryption is worth, given what the format checked and
/// what the content is: the verdict `verify` prints and the page shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Every available check passed.
    Ok,
    /// The content is cut short or damaged (a pg_dump without its footer, a
    /// ZIP without its end record).
    Damaged,
    /// The padding matched but the content is random: wrong password or options.
    WrongPassword,
    /// Nothing can tell whether the result is right (OpenSSL, content with no
    /// end to check).
    Unverifiable,
}

impl Verdict {
    /// The word in `verify`'s report and on the page.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::Damaged => "damaged",
            Verdict::WrongPassword => "wrong password",
            Verdict::Unverifiable => "unverifiable",
        }
    }
}

/// Judges a decryption that got to its end: the verdict and the sentence after
/// it (e.g. "padding valid; PostgreSQL dump, complete").
pub fn judge(integrity: Integrity, content: Found) -> (Verdict, alloc::string::String) {
    use alloc::format;
    let what = match content.kind {
        Content::Zip | Content::PgDump => content.describe(),
        kind => format!("content: {}", kind.name()),
    };
    let checked = match integrity {
        Integrity::Authenticated => "HMAC verified",
        Integrity::PaddingChecked => "padding valid",
        Integrity::Unchecked => "no check in the format (CTR)",
    };
    let verdict = match (integrity, content.kind, content.complete) {
        (_, _, Some(false)) => Verdict::Damaged,
        (Integrity::Authenticated, _, _) => Verdict::Ok,
        (_, _, Some(true)) => Verdict::Ok,
        (_, Content::Unknown, _) => {
            return (
                Verdict::WrongPassword,
                format!("{checked} but the content is random: wrong password or wrong OpenSSL options"),
            );
        }
        _ => Verdict::Unverifiable,
    };
    let detail = if verdict == Verdict::Unverifiable {
        format!(
            "{checked}; content is {what}, which cannot be checked: the OpenSSL format has no integrity check"
        )
    } else {
        format!("{checked}; {what}")
    };
    (verdict, detail)
}

impl Drop for ContentCheck {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.head);
        zeroize::Zeroize::zeroize(&mut self.tail);
    }
}

/// The entry count of a ZIP whose last bytes are `tail`, if its end records
/// are consistent by the reader's rules and, when in view, its central
/// directory is a whole chain of records.
fn zip_entries(tail: &[u8], len: u64) -> Option<u64> {
    let mut end = EndRecord::find(tail, len)?;
    if end.zip64_record_at().ok()?.is_some() {
        let record = end.zip64_record_in(tail, len)?;
        end.apply_zip64(record).ok()?;
    }
    end.check().ok()?;
    end.central_directory_in_view_is_whole(tail, len).then_some(end.entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zip::signature::{CENTRAL, END, LOCAL};
    use alloc::vec;

    fn zip_with(entries: u16, comment: &[u8]) -> Vec<u8> {
        zip_with_data(entries, 0, comment)
    }

    /// `data` bytes of entry data after the one local header.
    fn zip_with_data(entries: u16, data: usize, comment: &[u8]) -> Vec<u8> {
        let mut z = LOCAL.to_vec();
        z.extend_from_slice(&[0; 26]);
        z.resize(z.len() + data, 0x55);
        let cd_offset = z.len() as u32;
        let mut cd = Vec::new();
        for _ in 0..entries {
            cd.extend_from_slice(CENTRAL);
            cd.extend_from_slice(&[0; 42]);
        }
        z.extend_from_slice(&cd);
        z.extend_from_slice(END);
        z.extend_from_slice(&[0; 4]);
        z.extend_from_slice(&entries.to_le_bytes());
        z.extend_from_slice(&entries.to_le_bytes());
        z.extend_from_slice(&(cd.len() as u32).to_le_bytes());
        z.extend_from_slice(&cd_offset.to_le_bytes());
        z.extend_from_slice(&(comment.len() as u16).to_le_bytes());
        z.extend_from_slice(comment);
        z
    }

    #[test]
    fn zip_end_record_by_the_readers_rule() {
        let complete = |z: &[u8]| ContentCheck::of(z).entries;
        assert_eq!(complete(&zip_with(2, b"")), Some(2));
        assert_eq!(complete(&zip_with(1, &[&b"hello "[..], END].concat())), Some(1));
        // Up to 15 junk bytes after the end record (FORMATS.md §4.2), not 16.
        let mut junk = zip_with(2, b"");
        junk.extend_from_slice(&[0x0f; 15]);
        assert_eq!(complete(&junk), Some(2));
        junk.push(0);
        assert_eq!(complete(&junk), None);
        let mut cut = zip_with(2, b"");
        cut.truncate(cut.len() - 1);
        assert_eq!(complete(&cut), None);
        // The central directory must start where the end record says.
        let mut moved = zip_with(2, b"");
        moved.insert(40, 0);
        assert_eq!(complete(&moved), None);
    }

    #[test]
    fn openssl_content_decides_what_padding_cannot() {
        let complete = Found { kind: Content::PgDump, complete: Some(true), entries: None };
        let cut = Found { kind: Content::PgDump, complete: Some(false), entries: None };
        let random = Found { kind: Content::Unknown, complete: None, entries: None };
        let text = Found { kind: Content::Text, complete: None, entries: None };
        assert_eq!(judge(Integrity::PaddingChecked, complete).0, Verdict::Ok);
        assert_eq!(judge(Integrity::PaddingChecked, cut).0, Verdict::Damaged);
        assert_eq!(judge(Integrity::PaddingChecked, random).0, Verdict::WrongPassword);
        assert_eq!(judge(Integrity::PaddingChecked, text).0, Verdict::Unverifiable);
        assert_eq!(judge(Integrity::Authenticated, random).0, Verdict::Ok);
        assert_eq!(judge(Integrity::Unchecked, complete).0, Verdict::Ok);
        assert_eq!(judge(Integrity::PaddingChecked, complete).1, "padding valid; PostgreSQL dump, complete");
    }

    #[test]
    fn fed_by_its_kept_parts_the_same_answer() {
        let zip = zip_with_data(3, 3 * TAIL_LEN, b"");
        assert_eq!(ContentCheck::of(&zip).entries, Some(3));
        for piece in [100, TAIL_LEN - 1, TAIL_LEN, 2 * TAIL_LEN + 3] {
            let (mut whole, mut parts) = (ContentCheck::new(), ContentCheck::new());
            for chunk in zip.chunks(piece) {
                whole.feed(chunk);
                let (h, t) = parts.kept(chunk.len());
                parts.feed_kept(&chunk[..h], chunk.len(), &chunk[chunk.len() - t..]);
            }
            assert_eq!(whole.finish(), parts.finish(), "pieces of {piece}");
        }
    }

    #[test]
    fn pg_dump_footer_near_the_end() {
        let dump = b"--\n-- PostgreSQL database dump\n--\n\nSELECT 1;\n\n--\n-- PostgreSQL database dump complete\n--\n\n";
        let found = ContentCheck::of(dump);
        assert_eq!((found.kind, found.complete), (Content::PgDump, Some(true)));
        let cut = &dump[..dump.len() - 30];
        assert_eq!(ContentCheck::of(cut).complete, Some(false));
        // Fed in pieces of any size, with a long body: the same answer.
        let mut long = dump[..34].to_vec();
        long.extend(vec![b'x'; 300_000]);
        long.extend_from_slice(&dump[34..]);
        let mut c = ContentCheck::new();
        for piece in long.chunks(7777) {
            c.feed(piece);
        }
        assert_eq!(c.finish().complete, Some(true));
    }
}
