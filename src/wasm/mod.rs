//! The offline page's bindings: what the page's Web Worker calls (built by `cargo xtask page`).
//!
//! JavaScript never parses a format. It reads slices of the `File`, hands them to these
//! types, and does only one thing on its own: bulk AES-CBC through WebCrypto, with the
//! key and the byte ranges chosen here ([`FastDecryptor`]), because WebCrypto AES is
//! several times faster than AES in wasm. Key derivation, header and password checks,
//! the HMAC and the last block stay in Rust.

mod content;
mod plan;
mod split;
mod stream;
mod zip;

use alloc::string::String;
use alloc::vec::Vec;
use wasm_bindgen::prelude::*;

use crate::inspect::{Kdf, PlaintextSize};
use crate::openssl::{self, Params};
use crate::{Error, Format, Password};

pub use content::ContentCheck;
pub use plan::decryptable;
pub use split::FastDecryptor;
pub use stream::StreamDecryptor;
pub use zip::{ZipBrowser, ZipBundle};

/// A JS `Error` whose `name` is the [`Error`] variant, so the page can pick its message
/// and advice without parsing text.
pub(crate) fn js_error(e: &Error) -> JsValue {
    let kind = match e {
        Error::WrongPassword(_) => "WrongPassword",
        Error::Corrupt(_) => "Corrupt",
        Error::Truncated => "Truncated",
        Error::NotEncrypted => "NotEncrypted",
        Error::UnsupportedVersion(_) | Error::Unsupported(_) => "Unsupported",
        Error::ExcessiveWork { .. } => "ExcessiveWork",
        Error::InvalidInput(_) => "InvalidInput",
        Error::Io(_) => "Io",
    };
    let err = js_sys::Error::new(&alloc::format!("{e}"));
    err.set_name(kind);
    err.into()
}

/// Builds a plain JS object from name/value pairs.
pub(crate) fn object(fields: &[(&str, JsValue)]) -> JsValue {
    let o = js_sys::Object::new();
    for (k, v) in fields {
        // Setting a property on a fresh plain object cannot fail.
        let _ = js_sys::Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o.into()
}

fn opt_str(s: Option<String>) -> JsValue {
    s.map_or(JsValue::NULL, |s| JsValue::from_str(&s))
}

/// Describes a file before any password: `head` is its first 64 KiB (or all of it),
/// `tail` its last 64 bytes, `file_len` its size.
///
/// Returns `{format, version, kdf, createdBy, fileSize, plaintextSize, plaintextAtMost,
/// authenticated, armoured, openssl, integrity}` (`plaintextAtMost`: the most the output
/// can be, in bytes, for the page's memory estimate); throws an `Error` named like
/// [`Error`]'s variants (`NotEncrypted`, `Truncated`, …).
#[wasm_bindgen]
pub fn inspect(head: &[u8], file_len: f64, tail: &[u8]) -> Result<JsValue, JsValue> {
    let info = crate::inspect::inspect(head, Some(file_len as u64), tail).map_err(|e| js_error(&e))?;
    let format = match info.format {
        Format::OpenSsl if info.base64 => "OpenSSL enc (base64)",
        Format::OpenSsl => "OpenSSL enc",
        Format::AesCrypt => "AES Crypt",
    };
    let kdf = match info.kdf {
        Kdf::NotRecorded => String::from("not recorded in the file; tried: PBKDF2-SHA256 10000, then legacy"),
        other => alloc::format!("{other}"),
    };
    // Never more than the file itself: the bound where padding or armour hides the size.
    let at_most = match info.plaintext_size {
        PlaintextSize::Exact(n) | PlaintextSize::Between(_, n) => n as f64,
        PlaintextSize::Unknown => file_len,
    };
    let size = match info.plaintext_size {
        PlaintextSize::Exact(n) => alloc::format!("{n}"),
        PlaintextSize::Between(a, b) => alloc::format!("{a}–{b}"),
        PlaintextSize::Unknown => String::from("unknown"),
    };
    let integrity = if info.authenticated {
        "authenticated (HMAC-SHA256): damage and a wrong password are detected"
    } else {
        "no integrity check in this format: only the padding and the content can be checked"
    };
    Ok(object(&[
        ("format", JsValue::from_str(format)),
        ("version", info.version.map_or(JsValue::NULL, JsValue::from)),
        ("kdf", JsValue::from_str(&kdf)),
        ("createdBy", opt_str(info.created_by)),
        ("fileSize", JsValue::from(file_len)),
        ("plaintextSize", JsValue::from_str(&size)),
        ("plaintextAtMost", JsValue::from(at_most)),
        ("authenticated", JsValue::from(info.authenticated)),
        ("armoured", JsValue::from(info.base64)),
        // OpenSSL records none of its options: the page offers them for these files.
        ("openssl", JsValue::from(info.format == Format::OpenSsl)),
        ("integrity", JsValue::from_str(integrity)),
    ]))
}

/// What a file is by its first bytes (at least 16, or the whole file): the id of
/// [`crate::sniff::Kind`] (`aescrypt`, `openssl_salted`, `openssl_base64`, `zip`,
/// `pg_dump`, `text`, `unknown`, `empty`, …).
#[wasm_bindgen(js_name = sniffKind)]
pub fn sniff_kind(head: &[u8]) -> String {
    String::from(crate::sniff::sniff(head).id())
}

/// The OpenSSL guess without options ([`crate::openssl::guess`]), in the words of
/// the conformance table: `found <openssl flags>`, `weak`, `damaged`,
/// `truncated` or `none`; `null` for a file that is not salted OpenSSL.
#[wasm_bindgen(js_name = guessOptions)]
pub fn guess_options(password_utf8: Vec<u8>, head: &[u8], tail: &[u8], file_len: f64) -> Option<String> {
    use crate::openssl::{Guess, guess};
    let password = password(password_utf8);
    Some(match guess(&password, head, tail, Some(file_len as u64)) {
        Ok(Guess::Found(c)) => alloc::format!("found {}", c.params.openssl_flags()),
        Ok(Guess::Weak(_)) => String::from("weak"),
        Ok(Guess::Damaged(_)) => String::from("damaged"),
        Ok(Guess::Truncated) | Err(Error::Truncated) => String::from("truncated"),
        Ok(Guess::NoneFits) => String::from("none"),
        Err(_) => return None,
    })
}

/// Takes the password bytes (UTF-8) by value so that they are wiped when dropped.
pub(crate) fn password(bytes: Vec<u8>) -> Password {
    Password::new(bytes)
}

/// A key file's password (see [`Password::from_key_file`]: AES Crypt's UTF-16LE key
/// files, UTF-16BE, UTF-8), as the UTF-8 bytes every decryptor here takes. The key
/// file's bytes are wiped here; the caller wipes the result once it has passed it on.
#[wasm_bindgen(js_name = keyFilePassword)]
pub fn key_file_password(file: Vec<u8>) -> Result<Vec<u8>, JsValue> {
    let file = zeroize::Zeroizing::new(file);
    let password = Password::from_key_file(&file).map_err(|e| js_error(&e))?;
    Ok(password.as_bytes().to_vec())
}

/// The OpenSSL options chosen on the page as parameters. `options` is
/// `{cipher, md, iter, legacyKdf, nosalt, salt}` as the form holds them (names and
/// numbers as text, empty for OpenSSL's default; booleans); `undefined`, `null` or
/// nothing chosen: `None` (the presets are tried). The library's
/// [`openssl::Choices`] parse and combine them, as for the CLI's flags.
pub(crate) fn openssl_params(options: &JsValue) -> Result<Option<Params>, JsValue> {
    let choices = openssl_choices(options)?;
    if !choices.is_given() {
        return Ok(None);
    }
    choices.params().map(Some).map_err(|message| invalid(message))
}

/// A JS `Error` named `InvalidInput` with the library's sentence.
fn invalid(message: &str) -> JsValue {
    let err = js_sys::Error::new(message);
    err.set_name("InvalidInput");
    JsValue::from(err)
}

/// The OpenSSL options chosen on the page, each parsed by the library, not yet
/// combined (see [`openssl_params`]).
pub(crate) fn openssl_choices(options: &JsValue) -> Result<openssl::Choices, JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok(openssl::Choices::default());
    }
    let field =
        |name: &str| js_sys::Reflect::get(options, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED);
    let text = |name: &str| field(name).as_string().map(|s| String::from(s.trim())).filter(|s| !s.is_empty());
    Ok(openssl::Choices {
        cipher: text("cipher").map(|c| openssl::Choices::parse_cipher(&c)).transpose().map_err(invalid)?,
        md: text("md").map(|m| openssl::Choices::parse_md(&m)).transpose().map_err(invalid)?,
        iter: text("iter")
            .map(|n| {
                n.parse::<u32>()
                    .map_err(|_| "the iteration count must be a whole number from 1 to 4294967295")
            })
            .transpose()
            .map_err(invalid)?,
        legacy_kdf: field("legacyKdf").is_truthy(),
        nosalt: field("nosalt").is_truthy(),
        salt: text("salt").map(|s| openssl::Choices::parse_salt(&s)).transpose().map_err(invalid)?,
    })
}

/// Checks the OpenSSL options chosen on the page (see [`openssl_params`]) and returns
/// them as `openssl enc` flags, e.g. `-aes-128-cbc -pbkdf2 -iter 600000 -md sha512`;
/// `undefined` when nothing is chosen. Throws `InvalidInput` with a sentence.
#[wasm_bindgen(js_name = opensslFlags)]
pub fn openssl_flags(options: JsValue) -> Result<Option<String>, JsValue> {
    Ok(openssl_params(&options)?.map(|p| p.openssl_flags()))
}

/// The name to save the plaintext under: the input's name minus its encryption
/// suffix (`db.sql.encrypted` → `db.sql`), else with `.decrypted` added. Path
/// separators in the input are never kept.
#[wasm_bindgen(js_name = outputName)]
pub fn output_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    match crate::names::plaintext_name(base) {
        Some(stem) => String::from(stem),
        None => alloc::format!("{base}.decrypted"),
    }
}

/// What the backup's name says (FORMATS.md §5), e.g. `2022-09-27T13:00:01Z (database
/// backup)`; `undefined` for other names.
#[wasm_bindgen(js_name = backupDate)]
pub fn backup_date(name: &str) -> Option<String> {
    let b = crate::names::parse(name)?;
    let mut text = alloc::format!("{} ({} backup", b.time, b.kind.name());
    if let Some(part) = b.part {
        text += &alloc::format!(", part {part}");
    }
    if let Some(space) = b.space {
        text += &alloc::format!(", {space}");
    }
    Some(text + ")")
}

/// True when the decrypted file will be a ZIP (by its name), so the page offers the
/// ZIP browser.
#[wasm_bindgen(js_name = zipInside)]
pub fn zip_inside(name: &str) -> bool {
    output_name(name).to_ascii_lowercase().ends_with(".zip")
}
