//! Build tasks that need more than `cargo build`.
//!
//! `cargo xtask page` builds the offline page: the wasm bindings (`--features wasm`,
//! release, wasm32-unknown-unknown), wasm-bindgen's `no-modules` glue, and `www/`,
//! inlined into one self-contained file, `dist/backupcrypt.html`, with a hash-based
//! Content-Security-Policy. It prints the file's SHA-256 and size. The page's scripts
//! are classic scripts in several files, concatenated in the order `www/scripts.txt`
//! states (one bundle for the page, one for its worker).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::{env, fs};

use sha2::{Digest, Sha256};

/// The wasm-bindgen CLI must match the `wasm-bindgen` crate exactly.
const WASM_BINDGEN_VERSION: &str = "0.2.130";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("page") => page(),
        _ => Err("usage: cargo xtask page   (builds dist/backupcrypt.html)".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

type Result<T, E = String> = std::result::Result<T, E>;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

fn run(cmd: &mut Command) -> Result<()> {
    let status = cmd.status().map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("{cmd:?} failed: {status}")) }
}

fn read(path: &Path) -> Result<String> {
    fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Installs what the page build needs when it is missing, so that `cargo xtask
/// page` works on a fresh machine: the wasm target and the matching wasm-bindgen CLI.
fn ensure_tools() -> Result<()> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).lines().any(|l| l.trim() == "wasm32-unknown-unknown"))
        .unwrap_or(false);
    if !installed {
        eprintln!("xtask: installing the rustup target wasm32-unknown-unknown");
        run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    let version = Command::new("wasm-bindgen").arg("--version").output().ok();
    let version = version.map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default();
    if version.trim() != format!("wasm-bindgen {WASM_BINDGEN_VERSION}") {
        eprintln!("xtask: installing wasm-bindgen-cli {WASM_BINDGEN_VERSION} (a few minutes, once)");
        let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        run(Command::new(cargo).args([
            "install",
            "--quiet",
            "wasm-bindgen-cli",
            "--version",
            WASM_BINDGEN_VERSION,
        ]))?;
    }
    Ok(())
}

fn page() -> Result<()> {
    ensure_tools()?;
    let root = root();
    let target = env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    // Small code everywhere except the primitives that move the bulk data (HMAC,
    // AES for the fallback) and the KDFs: the page should stay well under 300 KB.
    let mut build = Command::new(cargo);
    build.current_dir(&root).args([
        "rustc",
        "--quiet",
        "--lib",
        "--release",
        "--target",
        "wasm32-unknown-unknown",
        "--no-default-features",
        "--features",
        "wasm",
        "--crate-type",
        "cdylib",
        "--config",
        "profile.release.lto=\"fat\"",
        "--config",
        "profile.release.opt-level=\"s\"",
        // WebAssembly SIMD (every browser since 2023: Chrome 91, Firefox 89, Safari
        // 16.4) lets sha2 use its simd128 backend: the HMAC over an AES Crypt file,
        // which runs on one thread, is ~1.4x faster.
        "--config",
        "target.wasm32-unknown-unknown.rustflags=[\"-C\", \"target-feature=+simd128\"]",
    ]);
    for fast in ["aes", "sha2", "hmac", "cbc", "pbkdf2", "digest", "block-buffer"] {
        build.args(["--config", &format!("profile.release.package.{fast}.opt-level=3")]);
    }
    run(&mut build)?;
    let wasm = target.join("wasm32-unknown-unknown/release/backupcrypt.wasm");

    let version = Command::new("wasm-bindgen")
        .arg("--version")
        .output()
        .map_err(|e| format!("wasm-bindgen not found ({e})"))?;
    let version = String::from_utf8_lossy(&version.stdout);
    if !version.contains(WASM_BINDGEN_VERSION) {
        return Err(format!("wasm-bindgen {WASM_BINDGEN_VERSION} needed, found {}", version.trim()));
    }
    let out = target.join("page");
    run(Command::new("wasm-bindgen")
        .args([
            "--target",
            "no-modules",
            "--no-typescript",
            "--remove-name-section",
            "--remove-producers-section",
        ])
        .arg("--out-dir")
        .arg(&out)
        .arg(&wasm))?;

    let www = root.join("www");
    let glue = read(&out.join("backupcrypt.js"))?;
    let wasm_bytes = fs::read(out.join("backupcrypt_bg.wasm")).map_err(|e| e.to_string())?;
    // gzip before base64: the worker inflates it with DecompressionStream. This
    // more than halves the page.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&wasm_bytes).map_err(|e| e.to_string())?;
    let packed = gz.finish().map_err(|e| e.to_string())?;
    let bundles = bundles(&www)?;
    let worker = format!("{glue}\nconst WASM_GZIP_BASE64 = \"{}\";\n{}", base64(&packed), bundles.worker);
    let main_js = bundles.page;
    let style = read(&www.join("style.css"))?;
    for (name, text) in [("worker", &worker), ("the page script", &main_js), ("style.css", &style)] {
        if text.to_ascii_lowercase().contains("</script") || text.to_ascii_lowercase().contains("</style") {
            return Err(format!("{name} contains a closing tag; it cannot be inlined"));
        }
    }
    // The policy allows exactly these inline blocks, wasm compilation, and the worker
    // made from a Blob; nothing can be fetched or sent (no connect-src, no default).
    let csp = format!(
        "default-src 'none'; script-src '{}' 'wasm-unsafe-eval'; worker-src blob:; style-src '{}'; \
         base-uri 'none'; form-action 'none'",
        csp_hash(&main_js),
        csp_hash(&style)
    );
    let html = read(&www.join("index.html"))?;
    let html = replace_once(
        &html,
        "<!-- CSP -->",
        &format!("<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">"),
    )?;
    let html = replace_once(&html, "<!-- STYLE -->", &format!("<style>{style}</style>"))?;
    let html = replace_once(
        &html,
        "<!-- SCRIPTS -->",
        &format!(
            "<script type=\"text/plain\" id=\"worker-source\">{worker}</script>\n<script>{main_js}</script>"
        ),
    )?;
    let dist = root.join("dist");
    fs::create_dir_all(&dist).map_err(|e| e.to_string())?;
    let path = dist.join("backupcrypt.html");
    fs::write(&path, &html).map_err(|e| format!("{}: {e}", path.display()))?;
    let digest: String = Sha256::digest(html.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    println!("{}", path.display());
    println!(
        "  size    {} bytes ({} KiB; wasm {} bytes, {} gzipped)",
        html.len(),
        html.len() / 1024,
        wasm_bytes.len(),
        packed.len()
    );
    println!("  sha256  {digest}");
    Ok(())
}

/// The page's two scripts, each the concatenation of its files.
struct Bundles {
    page: String,
    worker: String,
}

/// Reads `www/scripts.txt` (`<bundle> <file>...` per line, `#` comments) and joins
/// each bundle's files in that order. Every file is named once, and every `.js` file
/// under `www/` is in a bundle, so that a new module cannot be forgotten.
fn bundles(www: &Path) -> Result<Bundles> {
    let manifest = read(&www.join("scripts.txt"))?;
    let (mut page, mut worker) = (None, None);
    let mut named = Vec::new();
    for line in manifest.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let mut words = line.split_whitespace();
        let slot = match words.next() {
            Some("page") => &mut page,
            Some("worker") => &mut worker,
            other => return Err(format!("www/scripts.txt: unknown bundle {other:?} (page or worker)")),
        };
        let mut text = String::new();
        for file in words {
            if named.iter().any(|n| n == file) {
                return Err(format!("www/scripts.txt: {file} is named twice"));
            }
            named.push(file.to_owned());
            let body = read(&www.join(file))?;
            if body.to_ascii_lowercase().contains("</script") {
                return Err(format!("www/{file} contains a closing script tag; it cannot be inlined"));
            }
            text.push_str(&format!("// www/{file}\n{body}\n"));
        }
        if slot.replace(text).is_some() {
            return Err("www/scripts.txt: a bundle is listed twice".into());
        }
    }
    for file in js_files(www, www)? {
        if !named.contains(&file) {
            return Err(format!("www/{file} is in no bundle of www/scripts.txt"));
        }
    }
    match (page, worker) {
        (Some(page), Some(worker)) => Ok(Bundles { page, worker }),
        _ => Err("www/scripts.txt must list a page and a worker bundle".into()),
    }
}

/// The `.js` files under `dir`, as paths relative to `www` with `/` separators.
fn js_files(www: &Path, dir: &Path) -> Result<Vec<String>> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            found.extend(js_files(www, &path)?);
        } else if path.extension().is_some_and(|e| e == "js") {
            let relative = path.strip_prefix(www).map_err(|e| e.to_string())?;
            found.push(
                relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"),
            );
        }
    }
    Ok(found)
}

fn replace_once(haystack: &str, marker: &str, with: &str) -> Result<String> {
    if haystack.matches(marker).count() != 1 {
        return Err(format!("www/index.html must contain {marker} exactly once"));
    }
    Ok(haystack.replacen(marker, with, 1))
}

fn csp_hash(text: &str) -> String {
    format!("sha256-{}", base64(&Sha256::digest(text.as_bytes())))
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (input, expected) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
        ] {
            assert_eq!(super::base64(input.as_bytes()), expected);
        }
    }
}
