//! The conformance table (tests/conformance/cases.json) through the library and
//! the CLI: every question about a file gets the table's answer, and any
//! divergence fails with the case's name. tests/browser/conformance.test.mjs runs
//! the same table through the page's wasm.
// Helpers outside #[test] functions unwrap too: a panic there is the calling test failing.
#![allow(clippy::unwrap_used)]

mod cli_support;

use std::path::Path;

use std::io::Cursor;

use backupcrypt::content::ContentCheck;
use backupcrypt::io::SeekableDecryptor;
use backupcrypt::openssl::{Guess, guess};
use backupcrypt::zip::{Archive, Limits};
use backupcrypt::{DecryptOptions, Decryptor, Error, Password, names, sniff};
use base64::Engine;
use cli_support::*;
use serde_json::Value;

struct Case {
    name: String,
    file: String,
    bytes: Vec<u8>,
    password: String,
    expect: Value,
}

fn cases() -> Vec<Case> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/cases.json");
    let doc: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let password = doc["password"].as_str().unwrap().to_owned();
    doc["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| Case {
            name: c["name"].as_str().unwrap().to_owned(),
            file: c["file"].as_str().unwrap().to_owned(),
            bytes: base64::engine::general_purpose::STANDARD
                .decode(c["bytes_b64"].as_str().unwrap())
                .unwrap(),
            password: c["password"].as_str().map_or(password.clone(), str::to_owned),
            expect: c["expect"].clone(),
        })
        .collect()
}

/// The library's answer to the guess, in the table's words.
fn library_guess(c: &Case) -> Option<String> {
    let len = c.bytes.len();
    let head = &c.bytes[..len.min(4096)];
    let tail = &c.bytes[len.saturating_sub(32)..];
    Some(match guess(&Password::from(c.password.as_str()), head, tail, Some(len as u64)) {
        Ok(Guess::Found(f)) => format!("found {}", f.params.openssl_flags()),
        Ok(Guess::Weak(_)) => "weak".into(),
        Ok(Guess::Damaged(_)) => "damaged".into(),
        Ok(Guess::Truncated) | Err(Error::Truncated) => "truncated".into(),
        Ok(Guess::NoneFits) => "none".into(),
        Err(_) => return None,
    })
}

/// The library's entry-safety verdicts: `[name, refusal or null]` per entry.
fn library_entries(c: &Case) -> Value {
    let password = Password::from(c.password.as_str());
    let reader = match SeekableDecryptor::new(Cursor::new(&c.bytes), &password, &DecryptOptions::default()) {
        Ok(r) => r,
        Err(e) => return format!("cannot open: {e}").into(),
    };
    let archive = match Archive::new(reader) {
        Ok(a) => a,
        Err(e) => return format!("not listed: {e}").into(),
    };
    let verdicts = archive.verdicts(&Limits::default());
    let list = archive.entries().iter().zip(&verdicts);
    list.map(|(e, v)| serde_json::json!([e.name, v.refusal().map(ToString::to_string)]))
        .collect::<Vec<Value>>()
        .into()
}

/// The library's content check on the whole decryption: `{kind, complete}`.
fn library_content(c: &Case) -> Value {
    let mut d = Decryptor::new(Password::from(c.password.as_str()), DecryptOptions::default());
    let mut plain = Vec::new();
    if let Err(e) = d.update(&c.bytes, &mut plain).and_then(|()| d.finish(&mut plain).map(|_| ())) {
        return format!("does not decrypt: {e}").into();
    }
    let found = ContentCheck::of(&plain);
    serde_json::json!({ "kind": found.kind.id(), "complete": found.complete })
}

fn check(failures: &mut Vec<String>, case: &str, via: &str, question: &str, got: &Value, want: &Value) {
    if got != want {
        failures.push(format!("{case}: {question} via {via}: got {got}, the table says {want}"));
    }
}

#[test]
fn the_library_gives_the_tables_answers() {
    let mut failures = Vec::new();
    for c in cases() {
        let format = sniff::sniff(&c.bytes).id();
        check(&mut failures, &c.name, "library", "format", &format.into(), &c.expect["format"]);
        check(&mut failures, &c.name, "library", "guess", &library_guess(&c).into(), &c.expect["guess"]);
        let name = names::plaintext_name(&c.file);
        check(&mut failures, &c.name, "library", "plaintext_name", &name.into(), &c.expect["plaintext_name"]);
        if !c.expect["entries"].is_null() {
            check(&mut failures, &c.name, "library", "entries", &library_entries(&c), &c.expect["entries"]);
        }
        if !c.expect["content"].is_null() {
            check(&mut failures, &c.name, "library", "content", &library_content(&c), &c.expect["content"]);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_cli_gives_the_tables_answers() {
    let mut failures = Vec::new();
    for c in cases() {
        let d = tempdir();
        let file = d.path().join(&c.file);
        write(&file, &c.bytes);
        let pw = |cmd: &mut std::process::Command| {
            cmd.env("BACKUPCRYPT_PASSWORD", &c.password);
        };

        // Format: what `inspect --json` calls it (described or refused).
        let r = run(bc(d.path()).args(["inspect", "--json"]).arg(&c.file));
        let json: Value = serde_json::from_slice(&r.stdout).unwrap_or(Value::Null);
        check(&mut failures, &c.name, "CLI inspect", "format", &json[0]["kind"], &c.expect["format"]);

        // Guess: what `decrypt` does without options.
        if let Some(want) = c.expect["guess"].as_str() {
            let mut cmd = bc(d.path());
            pw(&mut cmd);
            let r = run(cmd.args(["decrypt", "-o", "-"]).arg(&c.file));
            let got = match r.code {
                0 => r
                    .stderr
                    .split("preset `")
                    .nth(1)
                    .and_then(|s| s.split('`').next())
                    .map_or("found with no preset named".into(), |f| format!("found {f}")),
                3 if r.stderr.contains("cannot tell the OpenSSL options") => "weak".into(),
                3 => "none".into(),
                4 if r.stderr.contains("damaged") => "damaged".into(),
                4 if r.stderr.contains("truncated") => "truncated".into(),
                n => format!("exit {n}: {}", r.stderr.trim()),
            };
            check(&mut failures, &c.name, "CLI decrypt", "guess", &got.into(), &c.expect["guess"]);
            let _ = want;
        }

        // Entry safety: what `ls --json` says of each entry.
        if !c.expect["entries"].is_null() {
            let mut cmd = bc(d.path());
            pw(&mut cmd);
            let r = run(cmd.args(["ls", "--json", "-q"]).arg(&c.file));
            let got: Value = match serde_json::from_slice::<Value>(&r.stdout) {
                Ok(Value::Array(list)) => {
                    list.iter().map(|e| Value::from(vec![e["name"].clone(), e["unsafe"].clone()])).collect()
                }
                _ => format!("exit {}: {}", r.code, r.stderr.trim()).into(),
            };
            check(&mut failures, &c.name, "CLI ls", "entries", &got, &c.expect["entries"]);
        }

        // Content: what `verify --json` reports.
        if !c.expect["content"].is_null() {
            let mut cmd = bc(d.path());
            pw(&mut cmd);
            let r = run(cmd.args(["verify", "--json", "-q"]).arg(&c.file));
            let got = match serde_json::from_slice::<Value>(&r.stdout) {
                Ok(doc) => {
                    let f = &doc["files"][0];
                    serde_json::json!({ "kind": f["content"], "complete": f["complete"] })
                }
                Err(_) => format!("exit {}: {}", r.code, r.stderr.trim()).into(),
            };
            check(&mut failures, &c.name, "CLI verify", "content", &got, &c.expect["content"]);
        }

        // Name: what `decrypt` without -o names the output (files that decrypt).
        let decrypts = c.expect["guess"].as_str().is_none_or(|g| g.starts_with("found"))
            && ["aescrypt", "openssl_salted", "openssl_base64"]
                .contains(&c.expect["format"].as_str().unwrap_or(""));
        if decrypts || c.expect["plaintext_name"].is_null() {
            let mut cmd = bc(d.path());
            pw(&mut cmd);
            let r = run(cmd.args(["decrypt", "-q"]).arg(&c.file));
            let got = if r.code == 2 && r.stderr.contains("cannot choose an output name") {
                Value::Null
            } else {
                let mut made: Vec<String> = listing(d.path()).into_iter().filter(|n| *n != c.file).collect();
                made.sort();
                match made.as_slice() {
                    [one] => Value::from(one.as_str()),
                    _ => format!("exit {} and files {made:?}: {}", r.code, r.stderr.trim()).into(),
                }
            };
            check(&mut failures, &c.name, "CLI decrypt", "plaintext_name", &got, &c.expect["plaintext_name"]);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
