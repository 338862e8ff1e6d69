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
//!
//! Not followed: SSO, `credential_process`, assumed roles, web identity and
//! instance metadata. A profile that uses one of them is named in the error,
//! with the way out: keys in the environment (`aws configure export-credentials`).

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

/// The process environment, as [`Config::find`] reads it.
fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// `~/` at the start of a path named in a variable means the home directory, as
/// for the AWS CLI.
fn expand_home(path: &str, home: Option<&str>) -> PathBuf {
    match (path.strip_prefix("~/"), home) {
        (Some(rest), Some(h)) => PathBuf::from(h).join(rest),
        _ => PathBuf::from(path),
    }
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

/// Profile settings naming a way to get credentials that backupcrypt does not
/// follow (it runs no other program and calls no other AWS service), and what
/// they mean.
const UNSUPPORTED: [(&str, &str); 6] = [
    ("credential_process", "credential_process"),
    ("sso_session", "SSO (IAM Identity Center)"),
    ("sso_start_url", "SSO (IAM Identity Center)"),
    ("role_arn", "an assumed role (role_arn)"),
    ("web_identity_token_file", "web identity (web_identity_token_file)"),
    ("credential_source", "credential_source"),
];

impl Config {
    /// Finds the configuration; `profile` and `endpoint` are the command line's
    /// `--profile` / `--endpoint-url`.
    ///
    /// # Errors
    /// [`io::ErrorKind::NotFound`] when no credentials are found anywhere, or the
    /// profile gets them in a way backupcrypt does not follow (SSO,
    /// `credential_process`, an assumed role): the message says what to do instead.
    pub fn find(profile: Option<&str>, endpoint: Option<&str>) -> io::Result<Config> {
        Config::find_in(profile, endpoint, &process_env)
    }

    /// [`Config::find`] with the environment given as a function (for tests).
    ///
    /// # Errors
    /// As [`Config::find`].
    pub fn find_in(
        profile: Option<&str>,
        endpoint: Option<&str>,
        environment: &dyn Fn(&str) -> Option<String>,
    ) -> io::Result<Config> {
        let env = |name: &str| environment(name).filter(|v| !v.is_empty());
        let home = env("HOME").or_else(|| env("USERPROFILE"));
        let file = |var: &str, rel: &str| {
            env(var)
                .map(|p| expand_home(&p, home.as_deref()))
                .or_else(|| home.as_ref().map(|h| PathBuf::from(h).join(rel)))
        };
        let profile = profile.filter(|p| !p.is_empty());
        let name =
            profile.map(str::to_owned).or_else(|| env("AWS_PROFILE")).unwrap_or_else(|| "default".into());
        let creds = read_ini(file("AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials"));
        let config = read_ini(file("AWS_CONFIG_FILE", ".aws/config"));
        let config_section = if name == "default" { "default".to_owned() } else { format!("profile {name}") };
        let empty = HashMap::new();
        let from_creds = creds.get(&name).unwrap_or(&empty);
        let from_config = config.get(&config_section).unwrap_or(&empty);
        let setting =
            |k: &str| from_creds.get(k).or_else(|| from_config.get(k)).filter(|v| !v.is_empty()).cloned();

        // As the AWS CLI: keys in the environment come first, unless a profile is
        // named on the command line.
        let from_env = match (env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY")) {
            (Some(k), Some(s)) if profile.is_none() => Some((k, s, env("AWS_SESSION_TOKEN"))),
            _ => None,
        };
        let (key, secret, token) = match from_env {
            Some(c) => c,
            None => match (setting("aws_access_key_id"), setting("aws_secret_access_key")) {
                (Some(k), Some(s)) => (k, s, setting("aws_session_token")),
                _ => return Err(no_credentials(&name, &setting)),
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

/// Why no credentials were found, and what to do.
fn no_credentials(name: &str, setting: &dyn Fn(&str) -> Option<String>) -> io::Error {
    let message = match UNSUPPORTED.iter().find(|(k, _)| setting(k).is_some()) {
        Some((_, what)) => format!(
            "profile '{name}' gets its credentials through {what}, which backupcrypt does not support: \
             put the keys in the environment instead (AWS CLI v2: \
             eval \"$(aws configure export-credentials --profile {name} --format env)\"), \
             or give the profile aws_access_key_id and aws_secret_access_key"
        ),
        None => format!(
            "no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or name a profile \
             (AWS_PROFILE / --profile; this one is '{name}') with aws_access_key_id and \
             aws_secret_access_key in ~/.aws/credentials or ~/.aws/config"
        ),
    };
    io::Error::new(io::ErrorKind::NotFound, message)
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

    fn find(profile: Option<&str>, endpoint: Option<&str>, vars: &[(&str, &str)]) -> io::Result<Config> {
        let vars: HashMap<String, String> =
            vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        Config::find_in(profile, endpoint, &|k| vars.get(k).cloned())
    }

    /// A home directory with the two shared files.
    fn home(credentials: &str, config: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".aws")).unwrap();
        std::fs::write(dir.path().join(".aws/credentials"), credentials).unwrap();
        std::fs::write(dir.path().join(".aws/config"), config).unwrap();
        dir
    }

    const CREDS: &str = "[default]\naws_access_key_id = DK\naws_secret_access_key = DS\n\
                         [up]\naws_access_key_id = UK\naws_secret_access_key = US\naws_session_token = UT\n";
    const CONFIG: &str = "[default]\nregion = eu-west-1\n[profile up]\nregion = eu-north-1\n\
                          endpoint_url = http://127.0.0.1:9\n[profile cfgonly]\naws_access_key_id = CK\n\
                          aws_secret_access_key = CS\n[profile proc]\ncredential_process = /bin/get-keys\n\
                          [profile sso]\nsso_session = corp\nsso_account_id = 1\n";

    #[test]
    fn environment_keys_come_first_unless_a_profile_is_named() {
        let h = home(CREDS, CONFIG);
        let h = h.path().to_str().unwrap();
        let env = [
            ("HOME", h),
            ("AWS_ACCESS_KEY_ID", "EK"),
            ("AWS_SECRET_ACCESS_KEY", "ES"),
            ("AWS_PROFILE", "up"),
        ];
        let c = find(None, None, &env).unwrap();
        assert_eq!((c.key.as_str(), c.secret.as_str(), c.token.as_deref()), ("EK", "ES", None));
        // AWS_PROFILE still gives the region and endpoint.
        assert_eq!((c.region.as_str(), c.endpoint.as_deref()), ("eu-north-1", Some("http://127.0.0.1:9")));
        let c = find(Some("default"), None, &env).unwrap();
        assert_eq!((c.key.as_str(), c.region.as_str(), c.endpoint), ("DK", "eu-west-1", None));
        let c = find(
            None,
            None,
            &[
                ("HOME", h),
                ("AWS_ACCESS_KEY_ID", "EK"),
                ("AWS_SECRET_ACCESS_KEY", "ES"),
                ("AWS_SESSION_TOKEN", "ET"),
            ],
        )
        .unwrap();
        assert_eq!(c.token.as_deref(), Some("ET"));
    }

    #[test]
    fn profiles_from_the_shared_files() {
        let h = home(CREDS, CONFIG);
        let h = h.path().to_str().unwrap();
        let c = find(None, None, &[("HOME", h)]).unwrap();
        assert_eq!((c.key.as_str(), c.secret.as_str(), c.region.as_str()), ("DK", "DS", "eu-west-1"));
        let c = find(None, None, &[("HOME", h), ("AWS_PROFILE", "up")]).unwrap();
        assert_eq!((c.key.as_str(), c.token.as_deref()), ("UK", Some("UT")));
        // Keys may sit in the config file too.
        let c = find(Some("cfgonly"), None, &[("HOME", h)]).unwrap();
        assert_eq!((c.key.as_str(), c.region.as_str()), ("CK", "us-east-1"));
        // The files can be named: AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE (with ~/).
        let other = home(
            "[x]\naws_access_key_id = XK\naws_secret_access_key = XS\n",
            "[profile x]\nregion = ap-south-1\n",
        );
        let o = other.path();
        std::fs::rename(o.join(".aws/credentials"), o.join("creds")).unwrap();
        std::fs::rename(o.join(".aws/config"), o.join("conf")).unwrap();
        let o = o.to_str().unwrap();
        let c = find(
            None,
            None,
            &[
                ("HOME", o),
                ("AWS_PROFILE", "x"),
                ("AWS_SHARED_CREDENTIALS_FILE", "~/creds"),
                ("AWS_CONFIG_FILE", &format!("{o}/conf")),
            ],
        )
        .unwrap();
        assert_eq!((c.key.as_str(), c.region.as_str()), ("XK", "ap-south-1"));
        // AWS_REGION, then AWS_DEFAULT_REGION, beat the profile's region.
        let c = find(None, None, &[("HOME", h), ("AWS_DEFAULT_REGION", "r2")]).unwrap();
        assert_eq!(c.region, "r2");
        let c = find(None, None, &[("HOME", h), ("AWS_DEFAULT_REGION", "r2"), ("AWS_REGION", "r1")]).unwrap();
        assert_eq!(c.region, "r1");
    }

    #[test]
    fn endpoint_from_the_command_line_then_the_environment_then_the_profile() {
        let h = home(CREDS, CONFIG);
        let h = h.path().to_str().unwrap();
        let up = [("HOME", h), ("AWS_PROFILE", "up")];
        assert_eq!(find(None, None, &up).unwrap().endpoint.as_deref(), Some("http://127.0.0.1:9"));
        let env = [("HOME", h), ("AWS_PROFILE", "up"), ("AWS_ENDPOINT_URL", "http://e:1")];
        assert_eq!(find(None, None, &env).unwrap().endpoint.as_deref(), Some("http://e:1"));
        let env = [("HOME", h), ("AWS_ENDPOINT_URL", "http://e:1"), ("AWS_ENDPOINT_URL_S3", "http://s3:2")];
        assert_eq!(find(None, None, &env).unwrap().endpoint.as_deref(), Some("http://s3:2"));
        assert_eq!(find(None, Some("http://cli:3"), &env).unwrap().endpoint.as_deref(), Some("http://cli:3"));
        assert_eq!(find(None, None, &[("HOME", h)]).unwrap().endpoint, None);
    }

    #[test]
    fn unsupported_ways_to_credentials_are_named() {
        let h = home(CREDS, CONFIG);
        let h = h.path().to_str().unwrap();
        let e = find(Some("proc"), None, &[("HOME", h)]).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
        let m = e.to_string();
        assert!(
            m.contains("profile 'proc'")
                && m.contains("credential_process")
                && m.contains("does not support"),
            "{m}"
        );
        assert!(m.contains("aws configure export-credentials --profile proc"), "{m}");
        let m = find(None, None, &[("HOME", h), ("AWS_PROFILE", "sso")]).unwrap_err().to_string();
        assert!(m.contains("SSO"), "{m}");
        let m = find(None, None, &[("HOME", "/nonexistent")]).unwrap_err().to_string();
        assert!(m.contains("no S3 credentials") && m.contains("'default'"), "{m}");
        // A profile named on the command line that does not exist is not rescued by the environment.
        let m = find(
            Some("nope"),
            None,
            &[("HOME", h), ("AWS_ACCESS_KEY_ID", "EK"), ("AWS_SECRET_ACCESS_KEY", "ES")],
        )
        .unwrap_err()
        .to_string();
        assert!(m.contains("'nope'"), "{m}");
    }
}
