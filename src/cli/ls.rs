//! `backupcrypt ls FILE [--json] [--verify]`: list the entries of an encrypted
//! (or plain) ZIP backup by reading only its central directory (opened by
//! [`super::open_zip::open`], as for `extract`).

use std::io::{self, Write};
use std::path::PathBuf;

use backupcrypt::zip::{self, Entry, EntryKind, EntryVerdict};
use clap::Args as ClapArgs;

use super::Global;
use super::exit;
use super::json::Json;
use super::open_zip::{check_entries, open};
use super::openssl::OpenSslArgs;
use super::output;
use super::password::PasswordArgs;
use super::progress;

/// Arguments of `ls`.
#[derive(ClapArgs, Debug, Clone)]
pub struct Args {
    /// The encrypted ZIP backup; `-`: standard input.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// One JSON document on stdout, for scripts.
    #[arg(long)]
    pub json: bool,
    /// Also decrypt every entry and check its CRC-32.
    #[arg(long)]
    pub verify: bool,
    #[command(flatten)]
    pub password: PasswordArgs,
    #[command(flatten)]
    pub openssl: OpenSslArgs,
}

fn kind_name(k: EntryKind) -> &'static str {
    match k {
        EntryKind::File => "file",
        EntryKind::Directory => "directory",
        EntryKind::Symlink => "symlink",
    }
}

fn entry_json(e: &Entry, verdict: &EntryVerdict) -> Json {
    Json::object()
        .with("name", e.name.as_str())
        .with("size", e.size)
        .with("compressed_size", e.compressed_size)
        .with("method", e.method.name())
        .with("modified", e.modified.to_string())
        .with("crc32", format!("{:08x}", e.crc32))
        .with("kind", kind_name(e.kind))
        .with("unsafe", verdict.refusal().map(ToString::to_string))
}

/// Runs `ls`.
///
/// # Errors
/// See [`open`]; with `--verify`, exit 4 for a damaged entry.
pub fn run(args: Args, global: &Global) -> exit::Result {
    let mut opened = open(&args.file, &args.password, &args.openssl, args.verify, global)?;
    let name = exit::display(&args.file);
    if args.verify {
        let all: Vec<usize> = (0..opened.archive.entries().len()).collect();
        check_entries(&mut opened.archive, &all, &zip::Limits::default()).map_err(|f| f.about_name(&name))?;
    }
    let entries = opened.archive.entries();
    let verdicts = opened.archive.verdicts(&zip::Limits::default());
    let mut out = Vec::new();
    // Writing into memory cannot fail; standard output can (see `output::print`).
    let _ = if args.json {
        let list: Vec<Json> = entries.iter().zip(&verdicts).map(|(e, v)| entry_json(e, v)).collect();
        writeln!(out, "{}", Json::Array(list))
    } else {
        print_table(&mut out, entries, &verdicts)
    };
    output::print(&out, "the listing was cut short")?;
    if !global.quiet {
        let total: u64 = entries.iter().map(|e| e.size).sum();
        let check = match (opened.integrity, args.verify) {
            (None, true) => "every CRC-32 checked (plain ZIP)".to_string(),
            (None, false) => "plain ZIP, not checked (use --verify)".to_string(),
            (Some(i), true) => format!("{}; every CRC-32 checked", i.describe()),
            (Some(_), false) => {
                "read by random access, not verified (use --verify for the full check)".to_string()
            }
        };
        eprintln!("backupcrypt: {name}: {} entries, {}; {check}", entries.len(), progress::bytes(total));
    }
    Ok(())
}

fn print_table(out: &mut impl Write, entries: &[Entry], verdicts: &[EntryVerdict]) -> io::Result<()> {
    writeln!(
        out,
        "{:>12}  {:>12}  {:<8}  {:<19}  {:<8}  name",
        "size", "compressed", "method", "modified", "crc32"
    )?;
    for (e, verdict) in entries.iter().zip(verdicts) {
        let mut name = e.name.clone();
        if let Some(why) = verdict.refusal() {
            name.push_str(&format!("  [unsafe: {why}; will not be extracted]"));
        }
        // Control characters in names would drive the terminal: show them escaped.
        let name: String = name
            .chars()
            .flat_map(|c| if c.is_control() { c.escape_default().collect::<Vec<_>>() } else { vec![c] })
            .collect();
        writeln!(
            out,
            "{:>12}  {:>12}  {:<8}  {:<19}  {:08x}  {name}",
            e.size,
            e.compressed_size,
            e.method.name(),
            e.modified.to_string(),
            e.crc32
        )?;
    }
    Ok(())
}
