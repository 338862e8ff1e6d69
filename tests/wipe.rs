//! Keys and passwords are wiped before their memory is freed, observed: this test
//! binary's allocator looks at every block handed back while a check is armed
//! and records whether it still held the secret. (A marker trait such as
//! `ZeroizeOnDrop` proves nothing: an empty impl satisfies it.)
//!
//! One test per binary on purpose: other tests free their own copies of
//! passwords, and the allocator is process-wide.
// Helpers outside #[test] functions unwrap too: a panic there is the calling test failing.
#![allow(clippy::unwrap_used)]

use core::alloc::{GlobalAlloc, Layout};
use core::sync::atomic::{AtomicBool, Ordering};
use std::alloc::System;
use std::sync::Mutex;

use backupcrypt::Password;
use backupcrypt::openssl::{KeyMaterial, Params};

/// Records whether any freed block contains `NEEDLE` while `ARMED`.
struct Watching;

static ARMED: AtomicBool = AtomicBool::new(false);
static FOUND: AtomicBool = AtomicBool::new(false);
/// What to look for (at most 64 bytes; set while disarmed).
static NEEDLE: Mutex<([u8; 64], usize)> = Mutex::new(([0; 64], 0));

unsafe impl GlobalAlloc for Watching {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if ARMED.load(Ordering::SeqCst) {
            // The block is still ours until `System.dealloc`: read it.
            let block = unsafe { core::slice::from_raw_parts(ptr, layout.size()) };
            if let Ok(needle) = NEEDLE.try_lock() {
                let needle = &needle.0[..needle.1];
                if !needle.is_empty() && block.windows(needle.len()).any(|w| w == needle) {
                    FOUND.store(true, Ordering::SeqCst);
                }
            }
        }
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Watching = Watching;

/// Runs `f` (which drops the secret) with the allocator watching for `needle`;
/// true if a freed block still held it.
fn freed_unwiped(needle: &[u8], f: impl FnOnce()) -> bool {
    {
        let mut n = NEEDLE.lock().unwrap();
        n.0[..needle.len()].copy_from_slice(needle);
        n.1 = needle.len();
    }
    FOUND.store(false, Ordering::SeqCst);
    ARMED.store(true, Ordering::SeqCst);
    f();
    ARMED.store(false, Ordering::SeqCst);
    FOUND.load(Ordering::SeqCst)
}

#[test]
fn passwords_and_derived_keys_are_wiped_before_they_are_freed() {
    const SECRET: &[u8] = b"wipe-me-7f3a9c21-Sw0rdf1sh";

    // The allocator itself sees it: a plain Vec is freed with the bytes intact.
    // (`black_box`: an optimiser may otherwise remove an allocation nothing reads.)
    let plain = core::hint::black_box(SECRET.to_vec());
    assert!(
        freed_unwiped(SECRET, || drop(core::hint::black_box(plain))),
        "the watching allocator does not see freed blocks"
    );

    let password = Password::from(core::str::from_utf8(SECRET).unwrap());
    assert!(!freed_unwiped(SECRET, || drop(password)), "a dropped Password left its bytes in freed memory");

    // The key and IV derived from it (copied out first, onto the stack).
    let keys =
        KeyMaterial::derive(&Params::default(), &Password::from("pw"), &[1, 2, 3, 4, 5, 6, 7, 8]).unwrap();
    let mut key = [0u8; 32];
    key.copy_from_slice(keys.key());
    assert!(!freed_unwiped(&key, || drop(keys)), "a dropped KeyMaterial left the key in freed memory");
}
