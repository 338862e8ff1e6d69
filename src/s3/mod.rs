//! S3 as a place to read and write backups (feature `s3`, which the CLI enables and
//! the wasm build does not).
//!
//! * [`Client`]: credentials, region and endpoint found the way the AWS CLI finds
//!   them ([`Config`]), and the handful of S3 requests backupcrypt makes.
//! * [`Upload`]: a `Write` that becomes **one** object through a multipart upload,
//!   every part sent with its CRC32 as the AWS CLI does (S3 demands an integrity
//!   checksum on writes to an Object Lock bucket), three 8 MiB parts sent at once,
//!   four part buffers in all, reused, and completed only by [`Upload::finish`]: a
//!   stream that fails or is dropped half-way never becomes an object (the parts stay invisible, and the bucket's
//!   `AbortIncompleteMultipartUpload` rule removes them; docs/BUCKET.md).
//! * [`RangeReader`]: `Read + Seek` over ranged GETs with a small read cache, for
//!   the random-access ZIP reader: `ls` of a backup fetches its head, its tail and
//!   its central directory, nothing else.
//! * [`ObjectReader`]: one object as a stream (a single GET).
//!
//! # Why `rusty-s3` + `ureq`
//!
//! backupcrypt is a blocking, thread-per-stream program, and wants an S3 client
//! that builds quickly and stays small. The candidates, weighed on this project's
//! needs (multipart upload with per-part checksums, ranged GET, ListObjectsV2,
//! ListObjectVersions and `versionId`, the AWS CLI's credential chain):
//!
//! * **`aws-sdk-s3`**: complete and the credential chain is the reference one
//!   (SSO, assume-role, instance metadata), but it is async (tokio + hyper),
//!   pulls ~200 crates and takes several minutes to build on 2 cores, and adds
//!   several MiB to the binary. Every call would sit behind a runtime that the
//!   rest of the program does not need.
//! * **`object_store`** (`aws` feature): a good async abstraction (tokio + reqwest)
//!   with multipart and ranged reads, but it hides what this project must control:
//!   it has no object versions (`--version-id`, `--all-versions`), no
//!   ListObjectVersions, and its credential chain does not read the shared
//!   `~/.aws/credentials` profiles. Same async/runtime cost.
//! * **`rusty-s3` + `ureq`** (chosen): rusty-s3 is Sans-IO: it signs requests
//!   (SigV4 presigned URLs, `rusty_s3::signing::sign` for any request it has no
//!   action for, such as ListObjectVersions) and parses the XML answers; it never
//!   does I/O. `ureq` is a small blocking HTTP client with rustls. Together:
//!   no async runtime, a few dozen small crates, sync `Read`/`Write` that plug
//!   into the existing streaming code. What we write ourselves is the credential
//!   chain (environment, `AWS_PROFILE` + the shared credentials and config files,
//!   `AWS_ENDPOINT_URL`; [`Config`]) and the retry-free request plumbing here;
//!   no signature code.
//!
//! Measured here (docs/BENCHMARKS.md, "S3"): 53 crates added, none async; a clean
//! release build of them costs about 2 min 12 s of CPU (as much again as the rest
//! of the binary: ring's C code, rustls, url's Unicode tables); the stripped binary
//! grows from 2.1 MB to 5.2 MB (TLS, root certificates, Unicode tables). An
//! `aws-sdk-s3` or `object_store` build adds tokio and hyper on top of a TLS stack
//! of the same kind, so it can only cost more.
//!
//! Not supported (documented in docs/RESTORE.md): SSO, assume-role profiles,
//! `credential_process` and instance-metadata credentials; export keys into the
//! environment (as `aws-actions/configure-aws-credentials` does) instead.

mod client;
mod config;
mod range;
mod upload;
mod url;

pub use client::{Client, Listed, PartSent, Stats, stats};
pub use config::Config;
pub use range::{ObjectReader, RangeReader};
pub use upload::{PART_SIZE, Sealed, Upload};
pub use url::S3Url;
