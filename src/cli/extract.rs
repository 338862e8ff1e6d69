//! `backupcrypt extract FILE [-C DIR] [ENTRY...]`: extract an encrypted (or plain)
//! ZIP backup, reading only the parts of it the chosen entries need.
//!
//! Unsafe entries (path traversal, absolute names, links, duplicates, zip bombs)
//! are skipped and named; the safe ones are extracted; the exit code is then 6.
//! Files are created 0600, directories 0700, and a file appears only after its
//! CRC-32 checked.

use std::path::PathBuf;

use backupcrypt::zip::{self, ExtractOptions};
use clap::Args as ClapArgs;

use super::Global;
use super::exit::{self, Exit, Failure};
use super::open_zip::{check_entries, from_zip, open};
use super::openssl::OpenSslArgs;
use super::password::PasswordArgs;
use super::progress;

/// Arguments of `extract`.
#[derive(ClapArgs, Debug, Clone)]
pub struct Args {
    /// The encrypted ZIP backup; `-`: standard input.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Only these entries: exact names or patterns (`*`, `?`) (default: all).
    #[arg(value_name = "ENTRY")]
    pub entries: Vec<String>,
    /// Extract into this directory.
    #[arg(short = 'C', long = "directory", value_name = "DIR", default_value = ".")]
    pub directory: PathBuf,
    /// Check the whole archive (HMAC, CRCs) before writing anything.
    #[arg(long)]
    pub verify: bool,
    /// Replace existing files.
    #[arg(short = 'f', long)]
    pub force: bool,
    /// Refuse deflated entries over 1 MiB that expand more than N:1 (zip bombs).
    #[arg(long, value_name = "N", default_value_t = zip::Limits::default().max_ratio)]
    pub max_ratio: u64,
    /// Refuse to write more than this many bytes in all (suffixes K, M, G, T).
    #[arg(long, value_name = "SIZE", default_value = "64G", value_parser = super::size::parse_size)]
    pub max_total: u64,
    #[command(flatten)]
    pub password: PasswordArgs,
    #[command(flatten)]
    pub openssl: OpenSslArgs,
}

/// Runs `extract`.
///
/// # Errors
/// Exit 6 when unsafe entries were refused, 4 when an entry is damaged, 1 when a
/// named entry does not exist; see [`super::open_zip::open`] for the rest.
pub fn run(args: Args, global: &Global) -> exit::Result {
    let name = exit::display(&args.file);
    let mut opened = open(&args.file, &args.password, &args.openssl, args.verify, global)?;
    let options = ExtractOptions {
        select: args.entries.clone(),
        overwrite: args.force,
        max_total: args.max_total,
        limits: zip::Limits { max_ratio: args.max_ratio, ..zip::Limits::default() },
    };
    if args.verify {
        let chosen: Vec<usize> = opened
            .archive
            .entries()
            .iter()
            .enumerate()
            .filter(|(_, e)| {
                options.select.is_empty()
                    || options.select.iter().any(|p| *p == e.name || zip::glob_match(p, &e.name))
            })
            .map(|(i, _)| i)
            .collect();
        check_entries(&mut opened.archive, &chosen, &options.limits).map_err(|f| {
            Failure::new(f.exit, format!("{}; nothing was extracted", f.message)).about_name(&name)
        })?;
    }
    let report = zip::extract(&mut opened.archive, &args.directory, &options)
        .map_err(|e| from_zip(&e, "entries extracted so far were kept").about_name(&name))?;
    for (entry, why) in &report.refused {
        eprintln!("backupcrypt: refused {}: {why}", escape(entry));
    }
    for (entry, why) in &report.failed {
        eprintln!("backupcrypt: failed {}: {why}", escape(entry));
    }
    for (entry, why) in &report.io_failed {
        eprintln!("backupcrypt: could not write {}: {why}; nothing was left of it", escape(entry));
    }
    for pattern in &report.unmatched {
        eprintln!("backupcrypt: no entry matches {}", escape(pattern));
    }
    if !global.quiet {
        eprintln!(
            "backupcrypt: extracted {} of {} entries ({}) into {}{}",
            report.extracted.len(),
            opened.archive.entries().len(),
            progress::bytes(report.bytes),
            args.directory.display(),
            match opened.integrity {
                Some(_) if !args.verify =>
                    "; read by random access: the archive's HMAC was not checked (use --verify)",
                _ => "",
            }
        );
    }
    if !report.failed.is_empty() {
        return Err(Failure::silent(Exit::Damaged));
    }
    if !report.refused.is_empty() {
        return Err(Failure::silent(Exit::Unsafe));
    }
    if !report.unmatched.is_empty() || !report.io_failed.is_empty() {
        return Err(Failure::silent(Exit::Failure));
    }
    Ok(())
}

/// Entry names can hold control characters: never print them raw.
fn escape(s: &str) -> String {
    s.chars().flat_map(char::escape_debug).collect()
}
