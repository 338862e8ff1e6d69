//! `s3://bucket/key` names.

// The library is `no_std` + `alloc`; this module is `std` only.
use std::prelude::rust_2024::*;
#[allow(unused_imports)]
use std::{format, vec};

use std::fmt;

/// A bucket and a key (or a key prefix).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct S3Url {
    /// The bucket name.
    pub bucket: String,
    /// The key, or a prefix (possibly empty, or ending in `/`).
    pub key: String,
}

impl S3Url {
    /// Parses `s3://bucket/key`; `None` if `s` does not start with `s3://` or has no bucket.
    pub fn parse(s: &str) -> Option<S3Url> {
        let rest = s.strip_prefix("s3://")?;
        let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return None;
        }
        Some(S3Url { bucket: bucket.to_owned(), key: key.to_owned() })
    }

    /// True if `s` names S3.
    pub fn is_s3(s: &std::ffi::OsStr) -> bool {
        s.to_str().is_some_and(|s| s.starts_with("s3://"))
    }

    /// The last part of the key (after the last `/`).
    pub fn file_name(&self) -> &str {
        self.key.rsplit('/').next().unwrap_or(&self.key)
    }
}

impl fmt::Display for S3Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s3://{}/{}", self.bucket, self.key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_bucket_and_key() {
        let u = S3Url::parse("s3://b/production/database/x.sql.encrypted").unwrap();
        assert_eq!((u.bucket.as_str(), u.key.as_str()), ("b", "production/database/x.sql.encrypted"));
        assert_eq!(u.file_name(), "x.sql.encrypted");
        assert_eq!(S3Url::parse("s3://b").unwrap().key, "");
        assert_eq!(S3Url::parse("s3://b/p/").unwrap().key, "p/");
        assert!(S3Url::parse("s3:///k").is_none());
        assert!(S3Url::parse("/tmp/x").is_none());
    }
}
