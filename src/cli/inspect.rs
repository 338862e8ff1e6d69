//! `backupcrypt inspect FILE... [--json]`: what a file is, without the password.

use std::io::Write;
use std::path::{Path, PathBuf};

use backupcrypt::inspect::{self, Info, Kdf, PlaintextSize};
use backupcrypt::sniff;
use backupcrypt::{Format, openssl};
use clap::Args;

use super::Global;
use super::exit::{self, Exit, Failure};
use super::input::Input;
use super::json::Json;
use super::output;

/// Arguments of `inspect`.
#[derive(Args, Debug, Clone)]
pub struct InspectArgs {
    /// Encrypted files (`-`: standard input).
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// One JSON array on stdout, one object per file, for scripts.
    #[arg(long)]
    pub json: bool,
}

/// Bytes read for the header: every real writer's header fits.
const HEAD: usize = 64 * 1024;

/// Reads what `inspect` needs from one file.
pub fn inspect_file(path: &Path) -> exit::Result<Info> {
    let mut input = Input::open(Some(path))?;
    let head = input.head(HEAD)?.to_vec();
    let len = if input.head_is_all() { Some(head.len() as u64) } else { input.len };
    let tail = if input.head_is_all() {
        head[head.len().saturating_sub(64)..].to_vec()
    } else {
        input.tail(64).unwrap_or_default()
    };
    inspect::inspect(&head, len, &tail).map_err(|e| match e {
        // Say what it is instead.
        backupcrypt::Error::NotEncrypted => {
            Failure::new(Exit::Unsupported, format!("{}: nothing to show", sniff::sniff(&head).describe()))
        }
        e => exit::from_error(&e, "nothing to show"),
    })
}

/// What the file is by its first bytes ([`sniff::Kind::id`]), for the JSON of a
/// file that could not be described; `None` if it cannot be read.
fn sniff_file(path: &Path) -> Option<&'static str> {
    let mut input = Input::open(Some(path)).ok()?;
    Some(sniff::sniff(input.head(HEAD).ok()?).id())
}

fn format_name(info: &Info) -> String {
    match (info.format, info.version) {
        (Format::AesCrypt, Some(v)) => format!("AES Crypt v{v}"),
        (Format::AesCrypt, None) => "AES Crypt".into(),
        (Format::OpenSsl, _) => {
            format!(
                "OpenSSL enc ({}{})",
                if info.salt.is_some() { "salted" } else { "no salt" },
                armour(info)
            )
        }
    }
}

fn armour(info: &Info) -> &'static str {
    if info.base64 { ", base64" } else { ", binary" }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn size_text(s: PlaintextSize) -> String {
    match s {
        PlaintextSize::Exact(n) => format!("{n} bytes"),
        PlaintextSize::Between(a, b) => format!("{a} to {b} bytes"),
        PlaintextSize::Unknown => "unknown".into(),
    }
}

fn kdf_text(info: &Info) -> String {
    match &info.kdf {
        Kdf::NotRecorded => format!(
            "not recorded in the file (OpenSSL); usually `{}`",
            openssl::Params::default().openssl_flags()
        ),
        other => other.to_string(),
    }
}

fn text(path: &Path, info: &Info) -> String {
    let mut s = format!("{}\n", path.display());
    let mut line = |k: &str, v: String| s += &format!("  {:<16}{v}\n", format!("{k}:"));
    line("format", format_name(info));
    if let Some(salt) = info.salt {
        line("salt", hex(&salt));
    }
    line("key derivation", kdf_text(info));
    if let Some(by) = &info.created_by {
        line("created by", format!("{by} (unauthenticated)"));
    }
    if !info.extensions.is_empty() {
        let list: Vec<String> = info
            .extensions
            .iter()
            .map(|e| {
                if e.is_container() {
                    format!("reserved space ({} bytes)", e.len_on_disk())
                } else {
                    format!("{}={}", e.name, String::from_utf8_lossy(&e.value))
                }
            })
            .collect();
        line("extensions", list.join(", "));
    }
    if let Some(len) = info.file_len {
        line("file size", format!("{len} bytes (header {} bytes)", info.header_len));
    }
    line("plaintext size", size_text(info.plaintext_size));
    line(
        "authenticated",
        if info.authenticated {
            "yes: HMAC-SHA256 over the encrypted data".into()
        } else {
            "no: the OpenSSL format has no integrity check".into()
        },
    );
    s
}

/// The JSON object for one file.
pub fn json(path: &Path, info: &Info) -> Json {
    let mut j = Json::object()
        .with("file", path.display().to_string())
        .with("format", if info.format == Format::AesCrypt { "aescrypt" } else { "openssl" })
        .with("version", info.version)
        .with("salt", info.salt.map(|s| hex(&s)))
        .with("base64", info.base64);
    let kdf = match &info.kdf {
        Kdf::AesCryptSha256x8192 => {
            Json::object().with("name", "aescrypt-sha256-8192").with("iterations", 8192u32)
        }
        Kdf::Pbkdf2Sha512 { iterations } => {
            Json::object().with("name", "pbkdf2-hmac-sha512").with("iterations", *iterations)
        }
        Kdf::NotRecorded => Json::Null,
    };
    j.set("kdf", kdf);
    j.set("created_by", info.created_by.clone());
    let ext: Vec<Json> = info
        .extensions
        .iter()
        .map(|e| {
            Json::object()
                .with("name", e.name.clone())
                .with("value", String::from_utf8_lossy(&e.value).into_owned())
                .with("length", e.len_on_disk())
        })
        .collect();
    j.set("extensions", Json::Array(ext));
    j.set("header_size", info.header_len);
    j.set("file_size", info.file_len);
    let (min, max) = match info.plaintext_size {
        PlaintextSize::Exact(n) => (Some(n), Some(n)),
        PlaintextSize::Between(a, b) => (Some(a), Some(b)),
        PlaintextSize::Unknown => (None, None),
    };
    j.set("plaintext_size_min", min);
    j.set("plaintext_size_max", max);
    j.set("authenticated", info.authenticated);
    let kind = match info.format {
        Format::AesCrypt => sniff::Kind::AesCrypt { version: info.version },
        Format::OpenSsl if info.base64 => sniff::Kind::OpenSslArmoured,
        Format::OpenSsl => sniff::Kind::OpenSslSalted,
    };
    j.set("kind", kind.id());
    j
}

/// Runs `inspect`: every file is described; the exit code is the first failure's.
///
/// # Errors
/// The first failing file's code (5 for a file that is not encrypted).
pub fn run(args: InspectArgs, _global: &Global) -> exit::Result {
    let mut results = Vec::new();
    let mut first_failure: Option<Exit> = None;
    let mut out = Vec::new();
    for path in &args.files {
        match inspect_file(path) {
            Ok(info) if args.json => results.push(json(path, &info)),
            Ok(info) => {
                let _ = write!(out, "{}", text(path, &info));
            }
            Err(f) => {
                first_failure.get_or_insert(f.exit);
                if args.json {
                    results.push(
                        Json::object()
                            .with("file", path.display().to_string())
                            .with("error", f.message.clone())
                            .with("exit_code", f.exit as u8)
                            .with("kind", sniff_file(path)),
                    );
                } else {
                    eprintln!("backupcrypt: {}", f.about(path).message);
                }
            }
        }
    }
    if args.json {
        let _ = writeln!(out, "{}", Json::Array(results));
    }
    output::print(&out, "the description was cut short")?;
    // Each failure was already reported beside its file.
    first_failure.map_or(Ok(()), |exit| Err(Failure::silent(exit)))
}
