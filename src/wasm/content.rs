//! The library's content check ([`crate::content::ContentCheck`]) for the page:
//! fed the plaintext as it is decrypted, it says what the backup holds and whether
//! it is all there (a pg_dump with its footer, a ZIP with its end record): the
//! answer `verify` gives, in the same words. The decryptors ([`super::FastDecryptor`],
//! [`super::StreamDecryptor`]) hold one each and judge the whole decryption with
//! it ([`Judged`]), as `verify` does.

use alloc::string::String;
use wasm_bindgen::prelude::*;

use super::object;
use crate::Integrity;
use crate::content::{self, Found, judge};

/// Watches a plaintext stream; `finish()` gives `{kind, complete, description}`.
#[wasm_bindgen]
pub struct ContentCheck {
    check: content::ContentCheck,
}

#[wasm_bindgen]
impl ContentCheck {
    /// An empty check.
    #[wasm_bindgen(constructor)]
    pub fn new() -> ContentCheck {
        ContentCheck { check: content::ContentCheck::new() }
    }

    /// The next plaintext bytes, in order (only the parts the check looks at are
    /// copied into wasm).
    pub fn feed(&mut self, plaintext: &js_sys::Uint8Array) {
        feed(&mut self.check, plaintext);
    }

    /// The verdict on everything fed: `kind` (`zip`, `pg_dump`, …, as
    /// [`crate::sniff::Content::id`]), `complete` (`true`/`false`, or `null` for
    /// content with no end to check) and `description`, the phrase `verify` prints.
    pub fn finish(&self) -> JsValue {
        let found: Found = self.check.finish();
        object(&[
            ("kind", JsValue::from_str(found.kind.id())),
            ("complete", found.complete.map_or(JsValue::NULL, JsValue::from_bool)),
            ("description", JsValue::from_str(&found.describe())),
        ])
    }
}

impl Default for ContentCheck {
    fn default() -> Self {
        ContentCheck::new()
    }
}

/// Feeds `check` a JS array without copying all of it into wasm: a 16 MiB chunk
/// costs the check its first and last bytes only.
pub(crate) fn feed(check: &mut content::ContentCheck, bytes: &js_sys::Uint8Array) {
    let len = bytes.length() as usize;
    let (head, tail) = check.kept(len);
    // Plaintext: the copies are wiped when dropped.
    let head = zeroize::Zeroizing::new(bytes.subarray(0, head as u32).to_vec());
    let tail = zeroize::Zeroizing::new(bytes.subarray((len - tail) as u32, len as u32).to_vec());
    check.feed_kept(&head, len, &tail);
}

/// A finished decryption, judged as `verify` judges it.
pub(crate) struct Judged {
    /// `ok`, `damaged`, `wrong password`, `unverifiable` ([`content::Verdict::name`]).
    pub verdict: &'static str,
    /// The sentence `verify` prints after the verdict.
    pub detail: String,
}

impl Judged {
    pub(crate) fn of(integrity: Integrity, check: &content::ContentCheck) -> Judged {
        let (verdict, detail) = judge(integrity, check.finish());
        Judged { verdict: verdict.name(), detail }
    }
}
