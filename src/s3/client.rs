//! The S3 requests backupcrypt makes: signed by `rusty-s3`, sent by `ureq`.

// The library is `no_std` + `alloc`; this module is `std` only.
use std::prelude::rust_2024::*;
#[allow(unused_imports)]
use std::{format, vec};

use core::sync::atomic::{AtomicU64, Ordering};
use core::time::Duration;
use std::io::{self, Read};

use rusty_s3::actions::{CreateMultipartUpload, ListObjectsV2};
use rusty_s3::{Bucket, Credentials, Method, UrlStyle};
use ureq::Agent;

use super::config::Config;

/// How long a presigned request stays valid: it is sent at once.
const EXPIRES: u64 = 3600;

static GETS: AtomicU64 = AtomicU64::new(0);
static OTHERS: AtomicU64 = AtomicU64::new(0);
static RECEIVED: AtomicU64 = AtomicU64::new(0);
static SENT: AtomicU64 = AtomicU64::new(0);

/// Requests and bytes of this process so far (the tests count them to hold `ls`
/// and `extract` to their few ranged GETs; the CLI prints them when
/// `BACKUPCRYPT_S3_STATS` is set).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// GET requests (object reads and listings).
    pub gets: u64,
    /// Every other request (HEAD, PUT, POST).
    pub others: u64,
    /// Response body bytes received.
    pub received: u64,
    /// Request body bytes sent.
    pub sent: u64,
}

/// The counters of this process.
pub fn stats() -> Stats {
    Stats {
        gets: GETS.load(Ordering::Relaxed),
        others: OTHERS.load(Ordering::Relaxed),
        received: RECEIVED.load(Ordering::Relaxed),
        sent: SENT.load(Ordering::Relaxed),
    }
}

/// One listed object (or object version).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listed {
    /// The key.
    pub key: String,
    /// The size in bytes.
    pub size: u64,
    /// The version id (listings of versions only).
    pub version_id: Option<String>,
    /// The latest version of its key (always true for plain listings).
    pub is_latest: bool,
    /// When it was written (ISO 8601, as S3 says it).
    pub last_modified: String,
}

/// An S3 endpoint with credentials. Cheap to clone (the connection pool is shared).
#[derive(Clone)]
pub struct Client {
    config: Config,
    credentials: Credentials,
    agent: Agent,
}

/// A body reader that counts what it receives.
struct Counted<R>(R);

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.0.read(buf)?;
        RECEIVED.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

fn http_error(e: ureq::Error, what: &str) -> io::Error {
    match e {
        ureq::Error::Io(io) => io::Error::new(io.kind(), format!("{what}: {io}")),
        e => io::Error::other(format!("{what}: {e}")),
    }
}

/// The text of an XML element (first occurrence) in `s`.
fn xml_text<'a>(s: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}>");
    let start = s.find(&open)? + open.len();
    let end = s[start..].find(&format!("</{tag}>"))? + start;
    Some(&s[start..end])
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else if b[i] == b'+' {
            out.push(b' ');
            i += 1;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn xml_unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// Standard base64 (for checksum headers).
fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            out.push(if i <= c.len() { A[(n >> shift) as usize & 63] as char } else { '=' });
        }
    }
    out
}

impl Client {
    /// A client for `config`.
    ///
    /// # Errors
    /// [`io::ErrorKind::InvalidInput`] for an endpoint that is not an `http(s)://` URL.
    pub fn new(config: Config) -> io::Result<Client> {
        let credentials = match &config.token {
            Some(t) => Credentials::new_with_token(config.key.clone(), config.secret.clone(), t.clone()),
            None => Credentials::new(config.key.clone(), config.secret.clone()),
        };
        let agent: Agent = Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(30)))
            .timeout_recv_response(Some(Duration::from_secs(300)))
            .max_idle_connections_per_host(16)
            .build()
            .into();
        let client = Client { config, credentials, agent };
        client.bucket("probe")?;
        Ok(client)
    }

    /// Finds the configuration ([`Config::find`]) and makes a client.
    ///
    /// # Errors
    /// No credentials, or a bad endpoint.
    pub fn from_env(profile: Option<&str>, endpoint: Option<&str>) -> io::Result<Client> {
        Client::new(Config::find(profile, endpoint)?)
    }

    fn bucket(&self, name: &str) -> io::Result<Bucket> {
        let (url, style) = match &self.config.endpoint {
            Some(e) => (e.clone(), UrlStyle::Path),
            None => (format!("https://s3.{}.amazonaws.com", self.config.region), UrlStyle::VirtualHost),
        };
        let url = url::Url::parse(&url).ok().filter(|u| matches!(u.scheme(), "http" | "https")).ok_or_else(
            || io::Error::new(io::ErrorKind::InvalidInput, format!("not an http(s) endpoint: {url}")),
        )?;
        Bucket::new(url, style, name.to_owned(), self.config.region.clone())
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, format!("bucket {name}: {e}")))
    }

    /// A presigned URL for any request: `query` and `headers` are signed (headers lower-case).
    fn presign(
        &self,
        method: Method,
        bucket: &Bucket,
        key: Option<&str>,
        query: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> url::Url {
        let url = match key {
            Some(k) => bucket.object_url(k),
            None => bucket.base_url().clone(),
        };
        let mut q = query.to_vec();
        q.sort_unstable();
        let mut h = headers.to_vec();
        h.sort_unstable();
        rusty_s3::signing::sign(
            &jiff::Timestamp::now(),
            method,
            url,
            self.credentials.key(),
            self.credentials.secret(),
            self.credentials.token(),
            bucket.region(),
            EXPIRES,
            q.into_iter(),
            h.into_iter(),
        )
    }

    /// Turns a non-2xx answer into an error naming S3's code and message.
    fn check(
        resp: ureq::http::Response<ureq::Body>,
        what: &str,
    ) -> io::Result<ureq::http::Response<ureq::Body>> {
        let status = resp.status().as_u16();
        if (200..300).contains(&status) {
            return Ok(resp);
        }
        let mut resp = resp;
        let body = resp.body_mut().with_config().limit(1 << 16).read_to_string().unwrap_or_default();
        let code = xml_text(&body, "Code").unwrap_or("");
        let message = xml_text(&body, "Message").unwrap_or("");
        let kind = match status {
            403 => io::ErrorKind::PermissionDenied,
            404 => io::ErrorKind::NotFound,
            _ => io::ErrorKind::Other,
        };
        let detail = match (code, message) {
            ("", "") => String::new(),
            (c, "") => format!(" {c}"),
            (c, m) => format!(" {c}: {m}"),
        };
        Err(io::Error::new(kind, format!("{what}: HTTP {status}{detail}")))
    }

    /// GETs `bytes` of an object (`Range: bytes=…`, or `bytes=-n` for the last n);
    /// returns the bytes and the object's total length (from `Content-Range`).
    ///
    /// # Errors
    /// HTTP and S3 errors (403, 404, …) as [`io::Error`]s naming the object.
    pub fn get_range(
        &self,
        bucket: &str,
        key: &str,
        version: Option<&str>,
        range: &str,
    ) -> io::Result<(Vec<u8>, Option<u64>)> {
        let what = format!("GET s3://{bucket}/{key}");
        let b = self.bucket(bucket)?;
        let query: Vec<(&str, &str)> = version.map(|v| ("versionId", v)).into_iter().collect();
        let url = self.presign(Method::Get, &b, Some(key), &query, &[]);
        GETS.fetch_add(1, Ordering::Relaxed);
        let resp = self
            .agent
            .get(url.as_str())
            .header("range", &format!("bytes={range}"))
            .call()
            .map_err(|e| http_error(e, &what))?;
        let mut resp = Self::check(resp, &what)?;
        let total = resp
            .headers()
            .get("content-range")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit('/').next())
            .and_then(|v| v.parse().ok());
        let mut data = Vec::new();
        Counted(resp.body_mut().as_reader()).read_to_end(&mut data)?;
        Ok((data, total))
    }

    /// GETs a whole object as a stream; also gives its length.
    ///
    /// # Errors
    /// As [`Client::get_range`].
    pub fn get(
        &self,
        bucket: &str,
        key: &str,
        version: Option<&str>,
    ) -> io::Result<(Box<dyn Read + Send>, Option<u64>)> {
        let what = format!("GET s3://{bucket}/{key}");
        let b = self.bucket(bucket)?;
        let query: Vec<(&str, &str)> = version.map(|v| ("versionId", v)).into_iter().collect();
        let url = self.presign(Method::Get, &b, Some(key), &query, &[]);
        GETS.fetch_add(1, Ordering::Relaxed);
        let resp = self.agent.get(url.as_str()).call().map_err(|e| http_error(e, &what))?;
        let resp = Self::check(resp, &what)?;
        let len = resp.body().content_length();
        let what2 = what.clone();
        let reader = resp.into_body().into_reader();
        Ok((Box::new(Counted(MapErr(reader, what2))), len))
    }

    /// Lists the objects under `prefix` (every version of each with `versions`),
    /// following continuation markers until the end.
    ///
    /// # Errors
    /// HTTP and S3 errors; a listing S3 says it truncated without a marker.
    pub fn list(&self, bucket: &str, prefix: &str, versions: bool) -> io::Result<Vec<Listed>> {
        let b = self.bucket(bucket)?;
        let what = format!("list s3://{bucket}/{prefix}");
        let mut out = Vec::new();
        let mut marker: Option<(String, String)> = None;
        let mut token: Option<String> = None;
        loop {
            let url = if versions {
                let mut q = vec![("versions", ""), ("prefix", prefix), ("encoding-type", "url")];
                if let Some((k, v)) = &marker {
                    q.push(("key-marker", k));
                    q.push(("version-id-marker", v));
                }
                self.presign(Method::Get, &b, None, &q, &[])
            } else {
                let mut list = ListObjectsV2::new(&b, Some(&self.credentials));
                list.with_prefix(prefix);
                if let Some(t) = &token {
                    list.with_continuation_token(t.as_str());
                }
                rusty_s3::S3Action::sign(&list, Duration::from_secs(EXPIRES))
            };
            GETS.fetch_add(1, Ordering::Relaxed);
            let resp = self.agent.get(url.as_str()).call().map_err(|e| http_error(e, &what))?;
            let mut resp = Self::check(resp, &what)?;
            let mut body = String::new();
            Counted(resp.body_mut().as_reader()).read_to_string(&mut body)?;
            if versions {
                let (page, next) = parse_versions(&body);
                out.extend(page);
                match next {
                    Some(m) => marker = Some(m),
                    None => return Ok(out),
                }
            } else {
                let parsed = ListObjectsV2::parse_response(&body)
                    .map_err(|e| io::Error::other(format!("{what}: unreadable answer: {e}")))?;
                out.extend(parsed.contents.into_iter().map(|c| Listed {
                    key: c.key,
                    size: c.size.unwrap_or(0),
                    version_id: None,
                    is_latest: true,
                    last_modified: c.last_modified.unwrap_or_default(),
                }));
                match parsed.next_continuation_token {
                    Some(t) => token = Some(t),
                    None => return Ok(out),
                }
            }
        }
    }

    /// Starts a multipart upload whose parts carry CRC32 checksums; gives its id.
    ///
    /// # Errors
    /// HTTP and S3 errors (e.g. 403 for a key the identity may not write).
    pub fn create_multipart(&self, bucket: &str, key: &str) -> io::Result<String> {
        let what = format!("start the upload of s3://{bucket}/{key}");
        let b = self.bucket(bucket)?;
        let url = self.presign(
            Method::Post,
            &b,
            Some(key),
            &[("uploads", "")],
            &[("x-amz-checksum-algorithm", "CRC32")],
        );
        OTHERS.fetch_add(1, Ordering::Relaxed);
        let resp = self
            .agent
            .post(url.as_str())
            .header("x-amz-checksum-algorithm", "CRC32")
            .send_empty()
            .map_err(|e| http_error(e, &what))?;
        let mut resp = Self::check(resp, &what)?;
        let body = resp.body_mut().read_to_string().map_err(|e| http_error(e, &what))?;
        let parsed = CreateMultipartUpload::parse_response(&body)
            .map_err(|e| io::Error::other(format!("{what}: unreadable answer: {e}")))?;
        Ok(parsed.upload_id().to_owned())
    }

    /// Uploads part `number` (from 1) with its CRC32 (`x-amz-checksum-crc32`, as
    /// the AWS CLI does: S3 checks it, and wants a checksum on every write to an
    /// Object Lock bucket). CRC32 rather than `Content-MD5`: the same protection
    /// against a damaged transfer at a twentieth of the CPU (MD5 took a quarter of
    /// the upload's CPU, more than the encryption). The payload itself is not
    /// hashed for the signature (`UNSIGNED-PAYLOAD`): the checksum covers it.
    ///
    /// # Errors
    /// HTTP and S3 errors.
    pub fn upload_part(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
        number: u16,
        data: &[u8],
    ) -> io::Result<PartSent> {
        let what = format!("upload part {number} of s3://{bucket}/{key}");
        let b = self.bucket(bucket)?;
        let crc32 = base64(&crc32fast::hash(data).to_be_bytes());
        let n = number.to_string();
        let url = self.presign(
            Method::Put,
            &b,
            Some(key),
            &[("partNumber", &n), ("uploadId", upload_id)],
            &[("x-amz-checksum-crc32", &crc32), ("x-amz-sdk-checksum-algorithm", "CRC32")],
        );
        OTHERS.fetch_add(1, Ordering::Relaxed);
        let resp = self
            .agent
            .put(url.as_str())
            .header("x-amz-checksum-crc32", &crc32)
            .header("x-amz-sdk-checksum-algorithm", "CRC32")
            .send(data)
            .map_err(|e| http_error(e, &what))?;
        let resp = Self::check(resp, &what)?;
        SENT.fetch_add(data.len() as u64, Ordering::Relaxed);
        let etag = resp
            .headers()
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .ok_or_else(|| io::Error::other(format!("{what}: no ETag in the answer")))?;
        Ok(PartSent { number, etag, crc32 })
    }

    /// Completes a multipart upload: the object appears now, and not before.
    /// Gives the new version's id, where the bucket keeps versions.
    ///
    /// # Errors
    /// HTTP and S3 errors (S3 may also answer 200 with an error body: checked).
    pub fn complete_multipart(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
        parts: &[PartSent],
    ) -> io::Result<Option<String>> {
        let what = format!("complete the upload of s3://{bucket}/{key}");
        let b = self.bucket(bucket)?;
        let url = self.presign(Method::Post, &b, Some(key), &[("uploadId", upload_id)], &[]);
        let body = complete_body(parts);
        OTHERS.fetch_add(1, Ordering::Relaxed);
        let resp = self.agent.post(url.as_str()).send(body.as_bytes()).map_err(|e| http_error(e, &what))?;
        let mut resp = Self::check(resp, &what)?;
        let version = resp.headers().get("x-amz-version-id").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let answer = resp.body_mut().read_to_string().map_err(|e| http_error(e, &what))?;
        if answer.contains("<Error>") {
            let code = xml_text(&answer, "Code").unwrap_or("");
            let message = xml_text(&answer, "Message").unwrap_or("");
            return Err(io::Error::other(format!("{what}: {code}: {message}")));
        }
        Ok(version)
    }

    /// Tries to abort a multipart upload (the upload-only identity may not: then
    /// the bucket's lifecycle rule removes the parts). Errors are ignored.
    pub fn abort_multipart(&self, bucket: &str, key: &str, upload_id: &str) {
        let Ok(b) = self.bucket(bucket) else { return };
        let url = self.presign(Method::Delete, &b, Some(key), &[("uploadId", upload_id)], &[]);
        OTHERS.fetch_add(1, Ordering::Relaxed);
        let _ = self.agent.delete(url.as_str()).call();
    }
}

/// One part as S3 took it: what completing the upload names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartSent {
    /// The part number (from 1).
    pub number: u16,
    /// The ETag S3 answered.
    pub etag: String,
    /// Its CRC32, base64 (S3 wants it again on completion, for uploads started with
    /// a checksum algorithm).
    pub crc32: String,
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The CompleteMultipartUpload document: every part's number, ETag and CRC32.
fn complete_body(parts: &[PartSent]) -> String {
    let mut body = String::from("<CompleteMultipartUpload>");
    for p in parts {
        body += &format!(
            "<Part><PartNumber>{}</PartNumber><ETag>{}</ETag><ChecksumCRC32>{}</ChecksumCRC32></Part>",
            p.number,
            xml_escape(&p.etag),
            p.crc32
        );
    }
    body + "</CompleteMultipartUpload>"
}

/// Errors of a body read carry the object's name.
struct MapErr<R>(R, String);

impl<R: Read> Read for MapErr<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf).map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", self.1)))
    }
}

/// One page of ListObjectVersions: the versions and the next markers (if truncated).
fn parse_versions(body: &str) -> (Vec<Listed>, Option<(String, String)>) {
    let url_encoded = xml_text(body, "EncodingType").is_some_and(|e| e.eq_ignore_ascii_case("url"));
    let decode = |s: &str| if url_encoded { percent_decode(s) } else { xml_unescape(s) };
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find("<Version>") {
        let Some(len) = rest[start..].find("</Version>") else { break };
        let v = &rest[start..start + len];
        out.push(Listed {
            key: decode(xml_text(v, "Key").unwrap_or("")),
            size: xml_text(v, "Size").and_then(|s| s.parse().ok()).unwrap_or(0),
            version_id: xml_text(v, "VersionId").map(str::to_owned),
            is_latest: xml_text(v, "IsLatest") == Some("true"),
            last_modified: xml_text(v, "LastModified").unwrap_or("").to_owned(),
        });
        rest = &rest[start + len..];
    }
    let next = (xml_text(body, "IsTruncated") == Some("true"))
        .then(|| {
            Some((
                decode(xml_text(body, "NextKeyMarker")?),
                xml_text(body, "NextVersionIdMarker").unwrap_or("").to_owned(),
            ))
        })
        .flatten();
    (out, next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_of_checksums() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        // Python: base64.b64encode(zlib.crc32(b"Hello World").to_bytes(4, "big")).
        assert_eq!(base64(&crc32fast::hash(b"Hello World").to_be_bytes()), "ShexVg==");
    }

    #[test]
    fn completion_names_every_part_with_its_checksum() {
        let p = |number, etag: &str| PartSent { number, etag: etag.into(), crc32: "AAAAAA==".into() };
        assert_eq!(
            complete_body(&[p(1, "\"a\""), p(2, "b&c")]),
            "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>\"a\"</ETag>\
             <ChecksumCRC32>AAAAAA==</ChecksumCRC32></Part><Part><PartNumber>2</PartNumber>\
             <ETag>b&amp;c</ETag><ChecksumCRC32>AAAAAA==</ChecksumCRC32></Part></CompleteMultipartUpload>"
        );
    }

    #[test]
    fn versions_page() {
        let body = "<ListVersionsResult><EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>\
            <NextKeyMarker>a%2Fb</NextKeyMarker><NextVersionIdMarker>v2</NextVersionIdMarker>\
            <Version><Key>p/x+y.zip</Key><VersionId>v1</VersionId><IsLatest>true</IsLatest>\
            <LastModified>2024-01-01T00:00:00.000Z</LastModified><Size>12</Size></Version>\
            <DeleteMarker><Key>p/gone</Key></DeleteMarker></ListVersionsResult>";
        let (v, next) = parse_versions(body);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].key, "p/x y.zip");
        assert_eq!(v[0].size, 12);
        assert_eq!(v[0].version_id.as_deref(), Some("v1"));
        assert!(v[0].is_latest);
        assert_eq!(next, Some(("a/b".into(), "v2".into())));
    }
}
