//! The library's content check ([`crate::content::ContentCheck`]) for the page:
//! fed the plaintext as it is decrypted, it says what the backup holds and whether
//! it is all there (a pg_dump with its footer, a ZIP with its end record): the
//! answer `verify` gives, in the same words.

use wasm_bindgen::prelude::*;

use super::object;
use crate::content::{self, Found};

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

    /// The next plaintext bytes, in order.
    pub fn feed(&mut self, plaintext: &[u8]) {
        self.check.feed(plaintext);
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
