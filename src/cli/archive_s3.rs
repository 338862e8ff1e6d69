//! `archive s3://source/prefix -o s3://backups/key [--part-size N]`: the source
//! objects streamed straight into the encrypted ZIP, so that no plaintext ever
//! touches the local disk. Source and destination may use different credentials
//! (`--source-profile`, `--source-endpoint-url`).
//!
//! Entry names are the keys below the prefix (what `aws s3 sync` made of them).
//! With `--part-size`, objects go into parts in key order, a new part starting
//! when the next object would take the current one over the size; every part is
//! uploaded, checked on its way up, and only then are all of them completed
//! together: a run that fails half-way leaves no part behind.

use backupcrypt::io::{EncryptTo, EncryptingWriter};
use backupcrypt::s3::{Listed, ObjectReader, S3Url, Sealed, Upload};
use backupcrypt::zip::{Compression, DosDateTime, ZipWriter};

use super::Global;
use super::archive_args::Args;
use super::checked::Teed;
use super::exit::{self, Exit, Failure};
use super::output::Destination;
use super::password::Prompt;
use super::progress;

const NOTHING: &str = "no object was made";

/// The part's name: `--part-N` before `.zip.encrypted` (or before the last suffix).
fn part_url(base: &S3Url, n: usize) -> S3Url {
    let key = &base.key;
    let cut =
        key.find(".zip.").or_else(|| key.rfind('.')).filter(|&i| i > key.rfind('/').map_or(0, |s| s + 1));
    let key = match cut {
        Some(i) => format!("{}--part-{n}{}", &key[..i], &key[i..]),
        None => format!("{key}--part-{n}"),
    };
    S3Url { bucket: base.bucket.clone(), key }
}

fn modified(l: &Listed) -> DosDateTime {
    let secs = l.last_modified.parse::<jiff::Timestamp>().map_or(0, |t| t.as_second());
    DosDateTime::from_unix(secs)
}

/// Objects grouped into parts by size, in key order.
fn split(objects: Vec<(String, Listed)>, limit: Option<u64>) -> Vec<Vec<(String, Listed)>> {
    let mut parts: Vec<Vec<(String, Listed)>> = vec![Vec::new()];
    let mut size = 0u64;
    for o in objects {
        if let Some(limit) = limit
            && size > 0
            && size + o.1.size > limit
        {
            parts.push(Vec::new());
            size = 0;
        }
        size += o.1.size;
        parts.last_mut().expect("one part at least").push(o);
    }
    parts
}

/// Runs `archive` with an s3:// source.
///
/// # Errors
/// Exit 2 for bad options, 1 for S3 and I/O errors, 4 when a part failed the
/// checks on its way up: in every case, no object was made.
pub fn run(args: &Args, to: EncryptTo, dest: &Destination, global: &Global) -> exit::Result {
    let Destination::S3(dest_url) = dest else {
        return Err(Failure::usage(
            "an s3:// source is archived to an s3:// destination (-o s3://bucket/key)",
        ));
    };
    let [source] = args.paths.as_slice() else {
        return Err(Failure::usage("archive takes one s3:// source prefix"));
    };
    let (source, _) = super::s3::url(source).ok_or_else(|| Failure::usage("not an s3:// source"))?;
    let source_client = super::s3::source_client()?;
    let client = super::s3::client()?;
    let mut prefix = source.key.clone();
    if !prefix.is_empty() && !prefix.ends_with('/') {
        prefix.push('/');
    }
    let listed =
        source_client.list(&source.bucket, &prefix, false).map_err(|e| super::s3::failure(&e, NOTHING))?;
    let objects: Vec<(String, Listed)> = listed
        .into_iter()
        .filter(|l| !l.key.ends_with('/'))
        .map(|l| (l.key[prefix.len()..].to_owned(), l))
        .collect();
    if objects.is_empty() {
        return Err(Failure::new(
            Exit::Failure,
            format!("nothing to back up: s3://{}/{prefix} is empty", source.bucket),
        ));
    }
    let password = args.password.read(Prompt::Confirm)?;
    let compression = if args.deflate { Compression::Deflate } else { Compression::Stored };
    let parts = split(objects, args.part_size);
    let many = args.part_size.is_some();
    let mut sealed: Vec<Sealed> = Vec::new();
    let (mut files, mut bytes) = (0u64, 0u64);
    for (i, part) in parts.iter().enumerate() {
        let url = if many { part_url(dest_url, i + 1) } else { dest_url.clone() };
        let upload = Upload::start(&client, &url).map_err(|e| super::s3::failure(&e, NOTHING))?;
        let teed = Teed::new(upload, &password, &to).map_err(|e| exit::from_io(&e, NOTHING))?;
        let writer = EncryptingWriter::new(teed, &password, to).map_err(|e| exit::from_error(&e, NOTHING))?;
        let mut zip = ZipWriter::new(writer);
        for (name, l) in part {
            let object = ObjectReader::open(
                &source_client,
                &S3Url { bucket: source.bucket.clone(), key: l.key.clone() },
                None,
            )
            .map_err(|e| super::s3::failure(&e, NOTHING))?;
            let n = zip.add_file(name, modified(l), compression, l.size, object).map_err(|e| {
                exit::from_io(&e, NOTHING).about_name(&format!("s3://{}/{}", source.bucket, l.key))
            })?;
            files += 1;
            bytes += n;
        }
        let writer = zip.finish().map_err(|e| exit::from_io(&e, NOTHING))?;
        let teed = writer.finish().map_err(|e| exit::from_io(&e, NOTHING))?;
        let (upload, verdict) = teed.finish();
        if let Err(detail) = verdict {
            return Err(Failure::new(
                Exit::Damaged,
                format!("{url} failed verify's checks ({detail}); {NOTHING}"),
            ));
        }
        sealed.push(upload.seal().map_err(|e| super::s3::failure(&e, NOTHING))?);
        if !global.quiet {
            eprintln!("backupcrypt: part {}/{} uploaded: {url} ({} objects)", i + 1, parts.len(), part.len());
        }
    }
    drop(password);
    // Every part was written and checked: now make them objects, together.
    let total = sealed.len();
    for (i, s) in sealed.into_iter().enumerate() {
        let url = s.url().to_string();
        s.complete().map_err(|e| {
            Failure::new(
                Exit::Failure,
                format!("{e}; {i} of {total} parts were made before this one: the run is incomplete, and verify says so"),
            )
        })?;
        println!("{url}");
    }
    if !global.quiet {
        eprintln!(
            "backupcrypt: archived {files} objects ({}) from s3://{}/{prefix} into {total} object(s)",
            progress::bytes(bytes),
            source.bucket
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_names_keep_the_suffixes() {
        let base = S3Url::parse("s3://b/prod/files/2024-01-31--13-00-02.zip.encrypted").unwrap();
        assert_eq!(part_url(&base, 2).key, "prod/files/2024-01-31--13-00-02--part-2.zip.encrypted");
        let base = S3Url::parse("s3://b/x/name").unwrap();
        assert_eq!(part_url(&base, 1).key, "x/name--part-1");
    }
}
