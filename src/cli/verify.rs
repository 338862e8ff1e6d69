//! `backupcrypt verify FILE|DIR... [--json]`: check backups without writing plaintext.
//!
//! Every file is decrypted to nowhere. AES Crypt files are checked by their HMAC.
//! OpenSSL files have no MAC, so besides the final padding the content is checked
//! ([`backupcrypt::content`]: a complete `pg_dump`, a ZIP with its end record).
//! Backup names (FORMATS.md §5) give each file its kind and time: the report is
//! sorted by time, `--part-N` files are grouped into runs
//! ([`backupcrypt::names::runs`]), and the newest intact backup of each kind is
//! named. The checks and the verdict are [`super::check`]; this module finds the
//! files, runs them and writes the report.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use backupcrypt::content::Found;
use backupcrypt::names::runs::{Run, newest_intact, runs};
use backupcrypt::names::{self, BackupName};
use backupcrypt::{Format, Integrity, Limits, Password, aescrypt};
use clap::Args;

use super::Global;
use super::check::{Status, check_reader};
use super::exit::{self, Exit, Failure};
use super::input::Input;
use super::json::Json;
use super::open::prepare;
use super::openssl::OpenSslArgs;
use super::output;
use super::password::{PasswordArgs, Prompt};
use super::progress::{Counting, Progress};

/// Arguments of `verify`.
#[derive(Args, Debug, Clone)]
pub struct VerifyArgs {
    /// Encrypted files, or folders searched (recursively) for *.encrypted, *.crypt, *.aes and *.enc files.
    #[arg(value_name = "FILE|DIR", required = true)]
    pub paths: Vec<PathBuf>,
    /// One JSON document on stdout, for scripts.
    #[arg(long)]
    pub json: bool,
    /// Refuse AES Crypt v3 files asking for more PBKDF2 iterations than this.
    #[arg(long, value_name = "N", default_value_t = aescrypt::V3_MAX_ITERATIONS)]
    pub max_iterations: u32,
    /// Per kind of backup, check runs newest first and stop at the first intact one
    /// (older ones are not checked).
    #[arg(long)]
    pub newest: bool,
    /// s3://bucket/prefix/: check every version of every object, not only the latest.
    #[arg(long)]
    pub all_versions: bool,
    /// How many objects are checked at once (S3 prefixes; local files go one by one).
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub jobs: usize,
    #[command(flatten)]
    pub password: PasswordArgs,
    #[command(flatten)]
    pub openssl: OpenSslArgs,
}

/// What was learned about one file.
#[derive(Clone, Debug)]
pub struct Report {
    /// The file.
    pub path: PathBuf,
    /// The verdict.
    pub status: Status,
    /// One phrase on what was checked or what failed.
    pub detail: String,
    /// The format, if recognised.
    pub format: Option<Format>,
    /// What the final check established.
    pub integrity: Option<Integrity>,
    /// What the plaintext turned out to be.
    pub content: Option<Found>,
}

impl Report {
    /// The file's backup name, parsed.
    pub fn name(&self) -> Option<BackupName<'_>> {
        backup_name(&self.path)
    }
}

/// The backup name of a path; an object version is named
/// `s3://bucket/key?versionId=ID`, and the name is the key's.
fn backup_name(path: &Path) -> Option<BackupName<'_>> {
    let shown = path.to_str()?;
    names::parse(shown.split_once("?versionId=").map_or(shown, |(k, _)| k))
}

/// Verifies one file.
pub fn check_file(
    path: &Path,
    password: &Password,
    openssl_args: &OpenSslArgs,
    limits: Limits,
    quiet: bool,
) -> Report {
    let mut report = Report {
        path: path.to_path_buf(),
        status: Status::Error,
        detail: String::new(),
        format: None,
        integrity: None,
        content: None,
    };
    let fail = |mut r: Report, f: Failure| {
        r.status = Status::from_exit(f.exit);
        r.detail = f.message;
        r
    };
    let mut input = match Input::open(Some(path)) {
        Ok(i) => i,
        Err(f) => return fail(report, f),
    };
    let prepared = match prepare(&mut input, password, openssl_args, limits) {
        Ok(p) => p,
        Err(f) => return fail(report, f),
    };
    report.format = prepared.format;
    let mut progress = Progress::new("verifying", input.len, quiet);
    progress.phase("deriving the key");
    let checked = {
        let counted = Counting::new(input.into_reader(), &mut progress);
        check_reader(counted, password, prepared.options, prepared.openssl.map(|d| d.params))
    };
    progress.finish();
    report.status = checked.status;
    report.detail = checked.detail;
    report.integrity = checked.integrity;
    report.content = checked.content;
    report
}

/// The page's rule too ([`backupcrypt::names::plaintext_name`]).
fn is_encrypted_name(name: &str) -> bool {
    backupcrypt::names::is_encrypted_name(name)
}

/// Expands folders (and `s3://bucket/prefix/` names: listed, one GET per 1,000
/// objects) into the encrypted files they hold (sorted, recursively).
fn collect(paths: &[PathBuf], all_versions: bool) -> exit::Result<Vec<PathBuf>> {
    let (remote, local): (Vec<PathBuf>, Vec<PathBuf>) =
        paths.iter().cloned().partition(|p| super::s3::is_s3(p.as_os_str()));
    let mut out = collect_local(&local)?;
    for p in &remote {
        let s = p.to_string_lossy();
        let is_prefix = s.ends_with('/') || super::s3::url(p).is_some_and(|(u, _)| u.key.is_empty());
        if !is_prefix {
            out.push(p.clone());
            continue;
        }
        let mut listed = super::s3::list(p, all_versions)?;
        listed.retain(|(_, l)| is_encrypted_name(l.key.rsplit('/').next().unwrap_or("")));
        listed.sort_by(|a, b| a.1.key.cmp(&b.1.key).then(b.1.last_modified.cmp(&a.1.last_modified)));
        out.extend(listed.into_iter().map(|(path, _)| path));
    }
    Ok(out)
}

/// Checks `files`, `jobs` at a time, keeping their order.
fn check_all(files: &[PathBuf], jobs: usize, check: &(dyn Fn(&Path) -> Report + Sync)) -> Vec<Report> {
    if jobs <= 1 || files.len() <= 1 {
        return files.iter().map(|p| check(p)).collect();
    }
    let next = core::sync::atomic::AtomicUsize::new(0);
    let results: std::sync::Mutex<Vec<Option<Report>>> =
        std::sync::Mutex::new(files.iter().map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..jobs.min(files.len()) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, core::sync::atomic::Ordering::Relaxed);
                    let Some(p) = files.get(i) else { break };
                    let r = check(p);
                    results.lock().unwrap_or_else(std::sync::PoisonError::into_inner)[i] = Some(r);
                }
            });
        }
    });
    results.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner).into_iter().flatten().collect()
}

/// `--newest`: per (space, kind), runs newest first until one is intact. Files
/// without a backup name are all checked.
fn check_newest(files: &[PathBuf], jobs: usize, check: &(dyn Fn(&Path) -> Report + Sync)) -> Vec<Report> {
    let series = runs(files, |p| backup_name(p));
    let unnamed: Vec<PathBuf> = files.iter().filter(|p| backup_name(p).is_none()).cloned().collect();
    let mut reports = check_all(&unnamed, jobs, check);
    for times in series.values() {
        for run in times.iter().rev() {
            let paths: Vec<PathBuf> = run.files.iter().map(|(p, _)| (*p).clone()).collect();
            let checked = check_all(&paths, jobs, check);
            let intact = runs(&checked, Report::name).values().flatten().all(|r| r.is_intact(is_ok));
            reports.extend(checked);
            if intact {
                break;
            }
        }
    }
    reports
}

/// Expands folders into the encrypted files they hold (sorted, recursively).
fn collect_local(paths: &[PathBuf]) -> exit::Result<Vec<PathBuf>> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
        let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
        entries.sort_by_key(std::fs::DirEntry::file_name);
        for e in entries {
            let ty = e.file_type()?;
            let path = e.path();
            if ty.is_dir() {
                walk(&path, out)?;
            } else if ty.is_file() {
                let name = e.file_name();
                let name = name.to_string_lossy();
                if is_encrypted_name(&name) {
                    out.push(path);
                }
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut out).map_err(|e| {
                Failure::new(Exit::Failure, format!("cannot read the folder {}: {e}", p.display()))
            })?;
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

fn is_ok(r: &Report) -> bool {
    r.status == Status::Ok
}

fn label(run: &Run<'_, Report>) -> String {
    match run.space {
        Some(s) => format!("{s} {}", run.kind.name()),
        None => run.kind.name().to_string(),
    }
}

fn report_json(r: &Report) -> Json {
    let mut j = Json::object()
        .with("file", r.path.display().to_string())
        .with("status", r.status.json_name())
        .with("detail", r.detail.clone())
        .with(
            "format",
            r.format.map(|f| match f {
                Format::AesCrypt => "aescrypt",
                Format::OpenSsl => "openssl",
            }),
        )
        .with(
            "integrity",
            r.integrity.map(|i| match i {
                Integrity::Authenticated => "hmac",
                Integrity::PaddingChecked => "padding",
                Integrity::Unchecked => "none",
            }),
        )
        .with("content", r.content.map(|c| c.kind.id()))
        .with("complete", r.content.and_then(|c| c.complete));
    match r.name() {
        Some(n) => {
            j.set("space", n.space.map(str::to_owned));
            j.set("kind", n.kind.name());
            j.set("time", n.time.to_string());
            j.set("part", n.part);
        }
        None => {
            j.set("space", Json::Null);
            j.set("kind", Json::Null);
            j.set("time", Json::Null);
            j.set("part", Json::Null);
        }
    }
    j
}

/// Runs `verify`.
///
/// # Errors
/// Exit 0 only if every file passed; otherwise the code of the most serious
/// kind found: damaged (4), then wrong password (3), then unsupported or
/// unverifiable (5), then I/O (1).
pub fn run(args: VerifyArgs, global: &Global) -> exit::Result {
    let files = collect(&args.paths, args.all_versions)?;
    if files.is_empty() {
        return Err(Failure::usage(format!(
            "no encrypted files (ending in {}) found in the folders given",
            output::suffix_list()
        )));
    }
    let password = args.password.read(Prompt::Once)?;
    let limits = Limits { max_iterations: args.max_iterations };
    let remote = files.iter().any(|p| super::s3::is_s3(p.as_os_str()));
    // S3 objects stream in parallel (each a single GET, nothing on disk); local files one by one.
    let jobs = if remote { args.jobs.max(1) } else { 1 };
    let quiet = global.quiet || args.json || jobs > 1;
    let check = |p: &Path| check_file(p, &password, &args.openssl, limits, quiet);
    let mut reports: Vec<Report> =
        if args.newest { check_newest(&files, jobs, &check) } else { check_all(&files, jobs, &check) };
    drop(password);
    // By time (named files first), then part, then path.
    reports.sort_by(|a, b| {
        let key = |r: &Report| {
            let n = r.name();
            (n.is_none(), n.map(|n| (n.time, n.part)), r.path.clone())
        };
        key(a).cmp(&key(b))
    });
    let groups = runs(&reports, Report::name);
    // The whole report first: a full disk must fail the command, not cut the JSON.
    let mut out = Vec::new();
    let passed = reports.iter().filter(|r| r.status == Status::Ok).count();
    if args.json {
        let newest: Vec<Json> = groups
            .values()
            .map(|runs| {
                let first = &runs[0];
                let newest = newest_intact(runs, is_ok);
                Json::object()
                    .with("space", first.space)
                    .with("kind", first.kind.name())
                    .with("time", newest.map(|r| r.time.to_string()))
                    .with(
                        "files",
                        newest.map(|r| {
                            Json::Array(
                                r.files.iter().map(|(f, _)| f.path.display().to_string().into()).collect(),
                            )
                        }),
                    )
            })
            .collect();
        let doc = Json::object()
            .with("passed", passed == reports.len())
            .with("files", Json::Array(reports.iter().map(report_json).collect()))
            .with("newest_intact", Json::Array(newest));
        let _ = writeln!(out, "{doc}");
    } else {
        for r in &reports {
            let _ = writeln!(out, "{:<15}{}: {}", r.status.name(), r.path.display(), r.detail);
        }
        if !groups.is_empty() {
            let _ = writeln!(out, "\nnewest intact backup of each kind:");
            for runs in groups.values() {
                let label = label(&runs[0]);
                match newest_intact(runs, is_ok) {
                    Some(run) => {
                        let files: Vec<String> =
                            run.files.iter().map(|(f, _)| f.path.display().to_string()).collect();
                        let _ = writeln!(out, "  {label}: {} {}", run.time, files.join(" "));
                    }
                    None => {
                        let _ = writeln!(out, "  {label}: NONE of {} runs is intact", runs.len());
                    }
                }
                for run in runs {
                    let missing = run.missing_parts();
                    if !missing.is_empty() {
                        let list: Vec<String> = missing.iter().map(u32::to_string).collect();
                        let _ = writeln!(out, "  {label} {}: part {} missing", run.time, list.join(", "));
                    }
                }
            }
        }
        let mut counts: BTreeMap<Status, usize> = BTreeMap::new();
        for r in &reports {
            *counts.entry(r.status).or_default() += 1;
        }
        let parts: Vec<String> = counts.iter().map(|(s, n)| format!("{n} {}", s.name())).collect();
        let _ = writeln!(out, "\n{} checked: {}", reports.len(), parts.join(", "));
    }
    output::print(&out, "the report was cut short")?;
    let worst =
        [Status::Damaged, Status::WrongPassword, Status::Unsupported, Status::Unverifiable, Status::Error]
            .into_iter()
            .find(|s| reports.iter().any(|r| r.status == *s));
    match worst {
        None => Ok(()),
        Some(s) => Err(Failure::silent(s.exit())),
    }
}
