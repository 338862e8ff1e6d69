//! What `encrypt` and `archive` write: `--format`, `--base64` and the OpenSSL
//! options, turned into one [`EncryptTo`].

use backupcrypt::aescrypt;
use backupcrypt::io::EncryptTo;
use backupcrypt::openssl::Armour;
use clap::ValueEnum;

use super::exit::{self, Failure};
use super::openssl::OpenSslArgs;

/// The format to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// AES Crypt v2 (authenticated; what pyAesCrypt reads and writes).
    Aescrypt,
    /// AES Crypt v3 (authenticated; PBKDF2-SHA512, AES Crypt 4).
    Aescrypt3,
    /// OpenSSL `enc` (NOT authenticated; `openssl enc -d` reads it).
    Openssl,
}

/// The format to write, from `--format`, `--base64` and the OpenSSL options
/// (shared by `encrypt` and `archive`); options of another format are a usage error.
pub fn target(format: FormatArg, base64: bool, o: &OpenSslArgs) -> exit::Result<EncryptTo> {
    let openssl_only = o.cipher.is_some() || o.md.is_some() || o.legacy_kdf || o.nosalt || o.salt.is_some();
    match format {
        FormatArg::Openssl => {
            let mut params = o.params()?;
            params.armour = if base64 { Armour::Base64 { single_line: false } } else { Armour::Binary };
            Ok(EncryptTo::OpenSsl(params))
        }
        _ if openssl_only || base64 => Err(Failure::usage(
            "--cipher, --md, --legacy-kdf, --nosalt, --salt and --base64 are OpenSSL options: add --format openssl",
        )),
        FormatArg::Aescrypt if o.iter.is_some() => Err(Failure::usage(
            "AES Crypt v2 has a fixed key derivation: --iter needs --format aescrypt3 or openssl",
        )),
        FormatArg::Aescrypt => Ok(EncryptTo::AesCrypt(aescrypt::Version::V2)),
        FormatArg::Aescrypt3 => Ok(EncryptTo::AesCrypt(aescrypt::Version::V3 {
            iterations: o.iter.unwrap_or(aescrypt::V3_DEFAULT_ITERATIONS),
        })),
    }
}
