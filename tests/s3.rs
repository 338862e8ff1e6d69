//! backupcrypt against a real S3 server: SeaweedFS (tests/s3/seaweedfs.sh), with the
//! bucket set up as in production (docs/bucket/: Object Lock COMPLIANCE, lifecycle)
//! and its three identities: the uploader may only PutObject, the reader may list
//! and get, the admin checks what the others left behind (every object version).
//!
//! Linux only: the server (tests/s3/seaweedfs.sh: SeaweedFS from PyPI, bash, setsid) is set up by
//! tests/all.sh; the native macOS/Windows jobs of ci.yml run the other tests.
// Helpers outside #[test] functions unwrap too: a panic there is the calling test failing.
#![allow(clippy::unwrap_used)]
#![cfg(target_os = "linux")]

mod cli_support;

use core::time::Duration;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use cli_support::{PASSWORD, data, run, tempdir};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn venv() -> PathBuf {
    std::env::var_os("BACKUPCRYPT_S3_VENV").map_or_else(|| root().join("target/venv-s3"), PathBuf::from)
}

/// A running server; stopped (by its PID) on drop.
struct Server {
    dir: PathBuf,
    env: BTreeMap<String, String>,
}

impl Server {
    fn start(dir: &Path) -> Server {
        let dir = dir.join("s3");
        let out = Command::new("bash")
            .arg(root().join("tests/s3/seaweedfs.sh"))
            .arg("start")
            .arg(&dir)
            .env("BACKUPCRYPT_S3_VENV", venv())
            .output()
            .expect("bash");
        assert!(
            out.status.success(),
            "SeaweedFS did not start (tests/setup/40-s3.sh installs it): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let env = std::fs::read_to_string(dir.join("env"))
            .unwrap()
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        Server { dir, env }
    }

    fn script(&self, what: &str) {
        let out = Command::new("bash")
            .arg(root().join("tests/s3/seaweedfs.sh"))
            .arg(what)
            .arg(&self.dir)
            .env("BACKUPCRYPT_S3_VENV", venv())
            .output()
            .expect("bash");
        assert!(out.status.success(), "seaweedfs.sh {what}: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// The identity's environment, as the AWS CLI's users have it: a profile in
    /// the shared files (which hold the endpoint too), nothing else.
    fn as_(&self, cmd: &mut Command, profile: &str) {
        for k in [
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_ENDPOINT_URL",
            "AWS_REGION",
        ] {
            cmd.env_remove(k);
        }
        cmd.env("AWS_SHARED_CREDENTIALS_FILE", &self.env["AWS_SHARED_CREDENTIALS_FILE"])
            .env("AWS_CONFIG_FILE", &self.env["AWS_CONFIG_FILE"])
            .env("AWS_PROFILE", profile);
    }

    /// backupcrypt as `profile`, with the test password and request counts on.
    fn bc(&self, dir: &Path, profile: &str) -> Command {
        let mut c = cli_support::bc_pw(dir);
        self.as_(&mut c, profile);
        c.env("BACKUPCRYPT_S3_STATS", "1");
        c
    }

    /// The AWS CLI as admin; its stdout.
    fn admin(&self, args: &[&str]) -> String {
        let mut c = Command::new(venv().join("bin/aws"));
        self.as_(&mut c, "admin");
        let out = c.args(args).output().expect("aws");
        assert!(out.status.success(), "aws {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Every version of every object under `prefix` (key, version id), as admin sees them.
    fn versions(&self, prefix: &str) -> Vec<String> {
        let out = self.admin(&[
            "s3api",
            "list-object-versions",
            "--bucket",
            "backups",
            "--prefix",
            prefix,
            "--query",
            "Versions[].[Key, VersionId]",
            "--output",
            "text",
        ]);
        out.lines().filter(|l| !l.trim().is_empty() && l.trim() != "None").map(str::to_owned).collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(root().join("tests/s3/seaweedfs.sh"))
            .arg("stop")
            .arg(&self.dir)
            .status();
    }
}

/// The counts printed with BACKUPCRYPT_S3_STATS: (GETs, bytes received).
fn stats(stderr: &str) -> (u64, u64) {
    let line =
        stderr.lines().find(|l| l.contains("s3 stats:")).unwrap_or_else(|| panic!("no stats in {stderr}"));
    let n: Vec<u64> = line.split_whitespace().filter_map(|w| w.parse().ok()).collect();
    (n[0], n[2])
}

/// A plain-SQL pg_dump of about `lines` × 40 bytes, complete or cut.
fn dump(lines: usize, complete: bool) -> Vec<u8> {
    let mut s = String::from("--\n-- PostgreSQL database dump\n--\n\nCOPY public.t (id, v) FROM stdin;\n");
    for i in 0..lines {
        s += &format!("{i}\t{:032x}\n", i * 7919);
    }
    s += "\\.\n";
    if complete {
        s += "\n--\n-- PostgreSQL database dump complete\n--\n\n";
    }
    s.into_bytes()
}

#[test]
fn uploads_reads_and_verifies_against_a_real_s3_server() {
    let tmp = tempdir();
    let dir = tmp.path();
    let s3 = Server::start(dir);
    let db = "s3://backups/production/database";

    // Write: a 20 MB dump through `-- COMMAND` (three parts), as the upload-only identity.
    let plain = dump(500_000, true);
    std::fs::write(dir.join("dump.sql"), &plain).unwrap();
    let key1 = format!("{db}/2024-01-30--13-00-02.sql.encrypted");
    let r = run(s3
        .bc(dir, "uploader")
        .args(["encrypt", "--format", "openssl", "-o", &key1, "--", "cat", "dump.sql"]))
    .expect(0);
    assert!(stats(&r.stderr).1 == 0, "the uploader read something: {}", r.stderr);
    assert_eq!(s3.versions("production/").len(), 1);

    // The uploader can read nothing back (and so does not try).
    let r = run(s3.bc(dir, "uploader").args(["decrypt", &key1, "-o", "x.sql"])).expect(1);
    assert!(r.stderr.contains("AccessDenied"), "{}", r.stderr);
    assert!(!dir.join("x.sql").exists());

    // The reader decrypts it straight from the bucket, and verify agrees.
    run(s3.bc(dir, "reader").args(["decrypt", &key1, "-o", "back.sql"])).expect(0);
    assert!(std::fs::read(dir.join("back.sql")).unwrap() == plain);
    let r = run(s3.bc(dir, "reader").args(["verify", &key1])).expect(0);
    assert!(r.stdout_str().contains("ok"), "{}", r.stdout_str());
    let r = run(s3.bc(dir, "reader").args(["inspect", &key1])).expect(0);
    assert!(r.stdout_str().contains("OpenSSL"), "{}", r.stdout_str());

    // A failed run never becomes an object: a producer that fails, one that is killed,
    // a dump cut short in the pipe form (only the content checks can see it there).
    let before = s3.versions("production/");
    let key2 = format!("{db}/2024-01-30--14-00-02.sql.encrypted");
    let r = run(s3.bc(dir, "uploader").args([
        "encrypt",
        "--format",
        "openssl",
        "-o",
        &key2,
        "--",
        "sh",
        "-c",
        "cat dump.sql; exit 3",
    ]))
    .expect(1);
    assert!(r.stderr.contains("sh exited with status 3; no object was made"), "{}", r.stderr);
    let r = run(s3.bc(dir, "uploader").args([
        "encrypt",
        "--format",
        "openssl",
        "-o",
        &key2,
        "--",
        "sh",
        "-c",
        "head -c 12000000 dump.sql; kill -9 $$",
    ]))
    .expect(1);
    assert!(r.stderr.contains("killed by signal 9"), "{}", r.stderr);
    let cut = dump(200_000, false);
    let r = cli_support::run_stdin(
        s3.bc(dir, "uploader").args(["encrypt", "--format", "openssl", "-o", &key2]),
        &cut,
    )
    .expect(4);
    assert!(r.stderr.contains("footer"), "{}", r.stderr);
    assert_eq!(s3.versions("production/"), before, "a failed run left an object version");
    // The same form with a file: nothing is named.
    run(s3.bc(dir, "uploader").args(["encrypt", "-o", "out.aes", "--", "false"])).expect(1);
    assert!(!dir.join("out.aes").exists());

    // ls and extract by ranged GETs: 10,000 entries and one 6 MiB file.
    let tree = dir.join("t");
    std::fs::create_dir_all(tree.join("d")).unwrap();
    for i in 0..10_000 {
        std::fs::write(tree.join(format!("d/{i:05}")), format!("{i}\n")).unwrap();
    }
    let big = data(6 << 20);
    std::fs::write(tree.join("big.bin"), &big).unwrap();
    let files = "s3://backups/production/files";
    let zkey = format!("{files}/2024-01-30--13-00-05.zip.encrypted");
    run(s3.bc(dir, "uploader").args(["archive", "t", "-o", &zkey])).expect(0);
    let r = run(s3.bc(dir, "reader").args(["ls", &zkey, "--json"])).expect(0);
    let (gets, ls_received) = stats(&r.stderr);
    assert!(gets <= 4, "ls made {gets} GETs");
    assert!(ls_received < 1 << 20, "ls received {ls_received} bytes");
    assert!(r.stdout_str().matches("\"name\"").count() >= 10_001, "entries missing from the listing");
    // extract reads at most what ls reads (the ends and the central directory, ~0.6 MB here) and
    // then about the entry: its local header's 64 KiB window, then exactly what the entry still needs.
    let out = dir.join("out");
    let r = run(s3.bc(dir, "reader").args(["extract", &zkey, "-C", out.to_str().unwrap(), "t/big.bin"]))
        .expect(0);
    let (_, received) = stats(&r.stderr);
    assert!(
        (6 << 20..=ls_received + (6 << 20) + (64 << 10)).contains(&received),
        "extract of 6 MiB received {received} bytes, ls {ls_received}"
    );
    let r = run(s3.bc(dir, "reader").args(["extract", &zkey, "-C", out.to_str().unwrap(), "t/d/05000"]))
        .expect(0);
    let (_, received) = stats(&r.stderr);
    assert!(received <= ls_received + (64 << 10) + 64, "extract of 5 bytes received {received} bytes");
    assert_eq!(std::fs::read(out.join("t/d/05000")).unwrap(), b"5000\n");
    assert!(std::fs::read(out.join("t/big.bin")).unwrap() == big);

    // archive from a source bucket (another identity's), in parts, straight into the backup bucket.
    s3.admin(&["s3api", "create-bucket", "--bucket", "app"]);
    for (i, size) in [300_000usize, 700_000, 500_000, 10].iter().enumerate() {
        std::fs::write(dir.join(format!("obj{i}")), data(*size)).unwrap();
        let src = dir.join(format!("obj{i}"));
        s3.admin(&["s3", "cp", src.to_str().unwrap(), &format!("s3://app/uploads/sub/{i}.bin")]);
    }
    let pkey = format!("{files}/2024-01-30--15-00-00.zip.encrypted");
    let r = run(s3.bc(dir, "uploader").args([
        "archive",
        "s3://app/uploads",
        "-o",
        &pkey,
        "--part-size",
        "1M",
        "--source-profile",
        "admin",
    ]))
    .expect(0);
    assert_eq!(r.stdout_str().lines().count(), 2, "two parts: {}", r.stdout_str());
    for (part, name, i) in [(1, "sub/0.bin", 0), (2, "sub/3.bin", 3)] {
        let key = format!("{files}/2024-01-30--15-00-00--part-{part}.zip.encrypted");
        let o = dir.join(format!("p{part}"));
        run(s3.bc(dir, "reader").args(["extract", &key, "-C", o.to_str().unwrap(), name])).expect(0);
        assert!(std::fs::read(o.join(name)).unwrap() == std::fs::read(dir.join(format!("obj{i}"))).unwrap());
    }

    // verify a prefix: groups by backup name, names the newest intact one per kind. A damaged
    // newer database backup (written by admin: backupcrypt would not upload it) is reported.
    let mut bad = std::fs::read(dir.join("dump.sql")).unwrap();
    bad.truncate(bad.len() / 2);
    std::fs::write(dir.join("bad.sql"), &bad).unwrap();
    run(cli_support::bc_pw(dir).args(["encrypt", "--format", "openssl", "bad.sql", "-o", "bad.enc"]))
        .expect(0);
    s3.admin(&[
        "s3",
        "cp",
        dir.join("bad.enc").to_str().unwrap(),
        "s3://backups/production/database/2024-01-31--13-00-02.sql.encrypted",
    ]);
    let r = run(s3.bc(dir, "reader").args(["verify", "s3://backups/production/"])).expect(4);
    let text = r.stdout_str();
    assert!(text.contains("production database: 2024-01-30T13:00:02Z"), "{text}");
    assert!(text.contains("damaged"), "{text}");
    assert!(text.contains("--part-1.zip.encrypted") && text.contains("--part-2.zip.encrypted"), "{text}");
    assert!(text.contains("production files: 2024-01-30T15:00:00Z"), "{text}");
    // --newest: the damaged newest, then the intact one, and no further.
    let r = run(s3.bc(dir, "reader").args(["verify", "s3://backups/production/", "--newest", "--json"]))
        .expect(4);
    let json = r.stdout_str();
    assert_eq!(json.matches("\"file\"").count(), 2 + 2, "{json}");
    // --all-versions: a second version of the same key (the same timestamp twice).
    run(s3
        .bc(dir, "uploader")
        .args(["encrypt", "--format", "openssl", "-o", &key1, "--", "cat", "dump.sql"]))
    .expect(0);
    let r =
        run(s3.bc(dir, "reader").args(["verify", &format!("{db}/"), "--all-versions", "--json"])).expect(4);
    assert_eq!(r.stdout_str().matches("versionId=").count(), 3 + 2, "{}", r.stdout_str());

    // Object Lock: even admin cannot delete a locked version.
    let v = s3.versions("production/database/2024-01-30--13-00-02");
    let id = v[0].split_whitespace().nth(1).unwrap();
    let mut c = Command::new(venv().join("bin/aws"));
    s3.as_(&mut c, "admin");
    let out = c
        .args([
            "s3api",
            "delete-object",
            "--bucket",
            "backups",
            "--key",
            "production/database/2024-01-30--13-00-02.sql.encrypted",
            "--version-id",
            id,
        ])
        .output()
        .unwrap();
    assert!(!out.status.success(), "a locked version was deleted");
    let _ = PASSWORD;
}

#[test]
fn a_server_that_goes_away_mid_upload_leaves_no_object() {
    let tmp = tempdir();
    let dir = tmp.path();
    let s3 = Server::start(dir);
    // A producer that writes two parts' worth, then waits: the server is stopped meanwhile.
    let child = s3
        .bc(dir, "uploader")
        .args([
            "encrypt",
            "-o",
            "s3://backups/production/files/2024-02-01--00-00-00.zip.encrypted",
            "--",
            "sh",
            "-c",
            "head -c 20000000 /dev/zero; sleep 4; head -c 20000000 /dev/zero",
        ])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(2));
    s3.script("stop");
    let out = child.wait_with_output().unwrap();
    assert_ne!(out.status.code(), Some(0), "the upload succeeded without a server");
    s3.script("restart");
    assert_eq!(s3.versions("production/"), Vec::<String>::new(), "an object appeared");
}

/// backupcrypt finds credentials, region and endpoint as the AWS CLI does: each case is run
/// through both (`inspect` and `aws s3api head-object`, which only the reader may do), in an
/// environment of nothing but what the case sets and a home directory of the test's own.
#[test]
fn credentials_are_found_as_the_aws_cli_finds_them() {
    let tmp = tempdir();
    let dir = tmp.path();
    let s3 = Server::start(dir);
    std::fs::write(dir.join("d.sql"), dump(1000, true)).unwrap();
    let path = "production/database/2024-03-01--00-00-00.sql.encrypted";
    let key = format!("s3://backups/{path}");
    run(s3.bc(dir, "uploader").args(["encrypt", "--format", "openssl", "-o", &key, "--", "cat", "d.sql"]))
        .expect(0);

    let endpoint = s3.env["S3_ENDPOINT"].clone();
    let (reader, uploader) = (
        (s3.env["S3_READER_KEY"].clone(), s3.env["S3_READER_SECRET"].clone()),
        (s3.env["S3_UPLOADER_KEY"].clone(), s3.env["S3_UPLOADER_SECRET"].clone()),
    );
    let home = dir.join("home");
    std::fs::create_dir_all(home.join(".aws")).unwrap();
    let home_files = |credentials: &str, config: &str| {
        std::fs::write(home.join(".aws/credentials"), credentials).unwrap();
        std::fs::write(home.join(".aws/config"), config).unwrap();
    };
    // Runs a case through both; `reads`: whether the reader's identity was found (else the
    // uploader's, which is refused). Gives backupcrypt's stderr.
    let case = |what: &str, vars: &[(&str, &str)], extra: &[&str], reads: bool| -> String {
        let clean = |c: &mut Command| {
            for (k, _) in std::env::vars() {
                if k.starts_with("AWS_") {
                    c.env_remove(k);
                }
            }
            c.env("HOME", &home).envs(vars.iter().copied());
        };
        let mut bc = cli_support::bc_pw(dir);
        clean(&mut bc);
        let bc = bc.args(["inspect", &key]).args(extra).output().unwrap();
        let mut aws = Command::new(venv().join("bin/aws"));
        clean(&mut aws);
        let aws = aws
            .args(["s3api", "head-object", "--bucket", "backups", "--key", path])
            .args(extra)
            .output()
            .unwrap();
        let (bc_err, aws_err) = (String::from_utf8_lossy(&bc.stderr), String::from_utf8_lossy(&aws.stderr));
        assert_eq!(aws.status.success(), reads, "{what}: the AWS CLI: {aws_err}");
        assert_eq!(bc.status.success(), reads, "{what}: backupcrypt: {bc_err}");
        if !reads {
            assert!(bc_err.contains("AccessDenied") || bc_err.contains("403"), "{what}: {bc_err}");
        }
        bc_err.into_owned()
    };

    // The shared files in ~/.aws: [default], then the profile named by AWS_PROFILE.
    home_files(
        &format!(
            "[default]\naws_access_key_id = {}\naws_secret_access_key = {}\n\
             [up]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            reader.0, reader.1, uploader.0, uploader.1
        ),
        &format!(
            "[default]\nregion = us-east-1\nendpoint_url = {endpoint}\n[profile up]\nendpoint_url = {endpoint}\n"
        ),
    );
    case("~/.aws, default profile", &[], &[], true);
    case("~/.aws, AWS_PROFILE", &[("AWS_PROFILE", "up")], &[], false);
    // Keys in the environment come before AWS_PROFILE; --profile comes before them.
    let env_reader = [("AWS_ACCESS_KEY_ID", reader.0.as_str()), ("AWS_SECRET_ACCESS_KEY", reader.1.as_str())];
    let env_uploader =
        [("AWS_ACCESS_KEY_ID", uploader.0.as_str()), ("AWS_SECRET_ACCESS_KEY", uploader.1.as_str())];
    case(
        "environment keys and AWS_PROFILE",
        &[env_reader[0], env_reader[1], ("AWS_PROFILE", "up")],
        &[],
        true,
    );
    case(
        "environment keys and --profile",
        &[env_uploader[0], env_uploader[1]],
        &["--profile", "default"],
        true,
    );
    // Files named by AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE (the server's, with its profiles).
    case(
        "named files",
        &[
            ("AWS_SHARED_CREDENTIALS_FILE", &s3.env["AWS_SHARED_CREDENTIALS_FILE"]),
            ("AWS_CONFIG_FILE", &s3.env["AWS_CONFIG_FILE"]),
            ("AWS_PROFILE", "reader"),
        ],
        &[],
        true,
    );
    // The endpoint: AWS_ENDPOINT_URL without any file; --endpoint-url before it.
    home_files("", "");
    case("AWS_ENDPOINT_URL", &[env_reader[0], env_reader[1], ("AWS_ENDPOINT_URL", &endpoint)], &[], true);
    case(
        "--endpoint-url",
        &[env_reader[0], env_reader[1], ("AWS_ENDPOINT_URL", "http://127.0.0.1:9")],
        &["--endpoint-url", &endpoint],
        true,
    );

    // What backupcrypt does not follow is named, with the way out.
    home_files("", "[profile ci]\ncredential_process = /bin/false\n");
    let mut bc = cli_support::bc_pw(dir);
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("AWS_")) {
        bc.env_remove(k);
    }
    let r = run(bc.env("HOME", &home).env("AWS_PROFILE", "ci").args(["inspect", &key])).expect(1);
    assert!(
        r.stderr.contains("profile 'ci'")
            && r.stderr.contains("credential_process")
            && r.stderr.contains("aws configure export-credentials"),
        "{}",
        r.stderr
    );
}
