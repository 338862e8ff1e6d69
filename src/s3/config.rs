//! Credentials, region and endpoint, found the way the AWS CLI finds them.
//!
//! Credentials: an explicit profile (`--profile`) first; else `AWS_ACCESS_KEY_ID` +
//! `AWS_SECRET_ACCESS_KEY` (+ `AWS_SESSION_TOKEN`); else the profile named by
//! `AWS_PROFILE` (or `default`) in the shared credentials file
//! (`AWS_SHARED_CREDENTIALS_FILE`, `~/.aws/credentials`) and then the config file
//! (`AWS_CONFIG_FILE`, `~/.aws/config`, sections `[profile NAME]` / `[default]`).
//! Region: `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's `region`, `us-east-1`.
//! Endpoint: `--endpoint-url`, `AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL`, the
//! profile's `endpoint_url`, else AWS itself.

// The library is `no_std` + `alloc`; this module is `std` only.
use std::prelude::rust_2024::*;
#[allow(unused_imports)]
use std::{format, vec};

use std::collections::HashMap;
use std::io;
use std::path::PathBuf;

/// Where and as whom to talk to S3.
#[derive(Clone)]
pub struct Config {
    /// Access key id.
    pub key: String,
    /// Secret access key (never printed: `Debug` hides it).
    pub secret: String,
    /// Session token, for temporary credentials.
    pub token: Option<String>,
    /// The region requests are signed for.
    pub region: String,
    /// An S3-compatible endpoint (path-style requests); `None`: AWS (virtual-host style).
    pub endpoint: Option<String>,
}

impl core::fmt::Debug for Config {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Config")
            .field("key", &self.key)
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn home_file(var: &str, rel: &str) -> Option<PathBuf> {
    env(var).map(PathBuf::from).or_else(|| env("HOME").map(|h| PathBuf::from(h).join(rel)))
}

/// The sections of an INI file (`[name]` → key → value), as the AWS CLI reads them.
fn ini(text: &str) -> HashMap<String, HashMap<String, String>> {
    let mut out: HashMap<String, HashMap<String, String>> = HashMap::new();
    let mut section = None;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = Some(name.trim().to_owned());
            out.entry(name.trim().to_owned()).or_default();
        } else if let (Some(s), Some((k, v))) = (&section, line.split_once('=')) {
            out.entry(s.clone()).or_default().insert(k.trim().to_owned(), v.trim().to_owned());
        }
    }
    out
}

fn read_ini(path: Option<PathBuf>) -> HashMap<String, HashMap<String, String>> {
    path.and_then(|p| std::fs::read_to_string(p).ok()).map(|t| ini(&t)).unwrap_or_default()
}

impl Config {
    /// Finds the configuration; `profile` and `endpoint` are the command line's
    /// `--profile` / `--endpoint-url`.
    ///
    /// # Errors
    /// [`io::ErrorKind::NotFound`] when no credentials are found anywhere.
    pub fn find(profile: Option<&str>, endpoint: Option<&str>) -> io::Result<Config> {
        let name =
            profile.map(str::to_owned).or_else(|| env("AWS_PROFILE")).unwrap_or_else(|| "default".into());
        let creds = read_ini(home_file("AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials"));
        let config = read_ini(home_file("AWS_CONFIG_FILE", ".aws/config"));
        let config_section = if name == "default" { "default".to_owned() } else { format!("profile {name}") };
        let empty = HashMap::new();
        let from_creds = creds.get(&name).unwrap_or(&empty);
        let from_config = config.get(&config_section).unwrap_or(&empty);
        let setting =
            |k: &str| from_creds.get(k).or_else(|| from_config.get(k)).filter(|v| !v.is_empty()).cloned();

        let from_env = match (env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY")) {
            (Some(k), Some(s)) if profile.is_none() => Some((k, s, env("AWS_SESSION_TOKEN"))),
            _ => None,
        };
        let (key, secret, token) = match from_env {
            Some(c) => c,
            None => match (setting("aws_access_key_id"), setting("aws_secret_access_key")) {
                (Some(k), Some(s)) => (k, s, setting("aws_session_token")),
                _ => {
                    return Err(io::Error::new(
                        io::ErrorKind::NotFound,
                        format!(
                            "no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or name a profile \
                             (AWS_PROFILE / --profile; this one is '{name}') with aws_access_key_id and \
                             aws_secret_access_key in ~/.aws/credentials or ~/.aws/config"
                        ),
                    ));
                }
            },
        };
        let region = env("AWS_REGION")
            .or_else(|| env("AWS_DEFAULT_REGION"))
            .or_else(|| setting("region"))
            .unwrap_or_else(|| "us-east-1".into());
        let endpoint = endpoint
            .filter(|e| !e.is_empty())
            .map(str::to_owned)
            .or_else(|| env("AWS_ENDPOINT_URL_S3"))
            .or_else(|| env("AWS_ENDPOINT_URL"))
            .or_else(|| setting("endpoint_url"));
        Ok(Config { key, secret, token, region, endpoint })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ini_sections_and_values() {
        let t = "# c\n[default]\naws_access_key_id = A\n[profile up]\nregion=eu-west-1\n endpoint_url = http://x:1 \n";
        let i = ini(t);
        assert_eq!(i["default"]["aws_access_key_id"], "A");
        assert_eq!(i["profile up"]["region"], "eu-west-1");
        assert_eq!(i["profile up"]["endpoint_url"], "http://x:1");
    }
}
