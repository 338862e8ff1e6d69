//! Where the command line meets S3: `s3://bucket/key` inputs and outputs, the
//! `--profile` / `--endpoint-url` / `--version-id` options, and request counts.
//! The S3 code itself is in the library (`backupcrypt::s3`).

use std::ffi::OsStr;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use backupcrypt::s3::{Client, Listed, RangeReader, S3Url};

use super::exit::{self, Exit, Failure};

/// S3 options every subcommand takes.
#[derive(clap::Args, Debug, Clone, Default)]
#[command(next_help_heading = "S3 (for s3://bucket/key names; credentials as the AWS CLI finds them)")]
pub struct S3Args {
    /// The AWS CLI profile (shared credentials/config files) for s3:// names.
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// An S3-compatible endpoint (default: AWS_ENDPOINT_URL, the profile's endpoint_url, else AWS).
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Read this version of an s3:// object (default: the latest).
    #[arg(long, global = true, value_name = "ID")]
    pub version_id: Option<String>,
    /// `archive`: the profile for the source s3:// prefix (default: --profile).
    #[arg(long, global = true, value_name = "NAME")]
    pub source_profile: Option<String>,
    /// `archive`: the endpoint for the source s3:// prefix (default: --endpoint-url).
    #[arg(long, global = true, value_name = "URL")]
    pub source_endpoint_url: Option<String>,
}

static ARGS: OnceLock<S3Args> = OnceLock::new();

/// Keeps the options for [`client`] (called once, before the subcommand runs).
pub fn configure(args: S3Args) {
    let _ = ARGS.set(args);
}

fn args() -> &'static S3Args {
    ARGS.get_or_init(S3Args::default)
}

/// The version asked for with `--version-id`.
pub fn version_id() -> Option<&'static str> {
    args().version_id.as_deref()
}

/// An `s3://` name in a path argument. A version id may follow as `?versionId=ID`
/// (how `verify --all-versions` names each version).
pub fn url(path: &Path) -> Option<(S3Url, Option<String>)> {
    let s = path.to_str()?;
    let (s, version) = match s.split_once("?versionId=") {
        Some((s, v)) => (s, Some(v.to_owned())),
        None => (s, version_id().map(str::to_owned)),
    };
    Some((S3Url::parse(s)?, version))
}

/// True for an `s3://` name.
pub fn is_s3(path: &OsStr) -> bool {
    S3Url::is_s3(path)
}

fn make(profile: Option<&str>, endpoint: Option<&str>) -> exit::Result<Client> {
    Client::from_env(profile, endpoint).map_err(|e| Failure::new(Exit::Failure, format!("S3: {e}")))
}

/// The client for backups (destination, or what is read).
///
/// # Errors
/// Exit 1 without credentials or with a bad endpoint.
pub fn client() -> exit::Result<Client> {
    let a = args();
    make(a.profile.as_deref(), a.endpoint_url.as_deref())
}

/// The client for `archive`'s source prefix.
///
/// # Errors
/// As [`client`].
pub fn source_client() -> exit::Result<Client> {
    let a = args();
    make(
        a.source_profile.as_deref().or(a.profile.as_deref()),
        a.source_endpoint_url.as_deref().or(a.endpoint_url.as_deref()),
    )
}

/// An S3 error as a failure (exit 1), naming what was not done.
pub fn failure(e: &io::Error, nothing: &str) -> Failure {
    Failure::new(Exit::Failure, format!("{e}; {nothing}"))
}

/// Random access to an object (`ls`, `extract`).
///
/// # Errors
/// Exit 1 for S3 errors.
pub fn open_random(path: &Path) -> exit::Result<RangeReader> {
    let (url, version) = url(path).ok_or_else(|| Failure::usage("not an s3:// name"))?;
    RangeReader::open(&client()?, &url, version.as_deref()).map_err(|e| failure(&e, "nothing was read"))
}

/// The objects under an `s3://bucket/prefix` (every version with `all_versions`),
/// as path arguments (`s3://bucket/key`, or `…?versionId=ID`).
///
/// # Errors
/// Exit 1 for S3 errors.
pub fn list(prefix: &Path, all_versions: bool) -> exit::Result<Vec<(PathBuf, Listed)>> {
    let (url, _) = url(prefix).ok_or_else(|| Failure::usage("not an s3:// name"))?;
    let listed = client()?
        .list(&url.bucket, &url.key, all_versions)
        .map_err(|e| failure(&e, "nothing was checked"))?;
    Ok(listed
        .into_iter()
        .map(|l| {
            let name = match (&l.version_id, all_versions) {
                (Some(v), true) => format!("s3://{}/{}?versionId={v}", url.bucket, l.key),
                _ => format!("s3://{}/{}", url.bucket, l.key),
            };
            (PathBuf::from(name), l)
        })
        .collect())
}

/// With `BACKUPCRYPT_S3_STATS` set, the requests and bytes of this run on stderr
/// (the tests hold `ls` and `extract` to a few small ranged GETs with it).
pub fn report_stats() {
    if std::env::var_os("BACKUPCRYPT_S3_STATS").is_none() {
        return;
    }
    let s = backupcrypt::s3::stats();
    eprintln!(
        "backupcrypt: s3 stats: {} GET, {} other requests, {} bytes received, {} bytes sent",
        s.gets, s.others, s.received, s.sent
    );
}
