//! The extraction path sanitizer on arbitrary names: an accepted name is a
//! relative path with no `..`, `.`, empty, absolute or drive-letter part and no
//! control character, and sanitizing it again changes nothing.
#![no_main]

use backupcrypt::zip::safe_path::{Unsafe, sanitize};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let name = String::from_utf8_lossy(data);
    match sanitize(&name) {
        Ok(path) => {
            let s = path.as_str();
            assert!(!s.is_empty() && !s.starts_with('/') && !s.contains('\\'));
            assert!(!s.chars().any(char::is_control));
            let b = s.as_bytes();
            assert!(!(b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':'));
            assert!(path.components().all(|c| !c.is_empty() && c != "." && c != ".."));
            // Joined under a directory, it stays inside it.
            let joined = std::path::Path::new("/target").join(s);
            assert!(joined.starts_with("/target"));
            assert!(
                joined
                    .components()
                    .all(|c| matches!(c, std::path::Component::RootDir | std::path::Component::Normal(_)))
            );
            let again = sanitize(s).expect("a sanitized path is safe");
            assert_eq!(again.as_str(), s);
        }
        Err(why) => {
            assert!(!why.to_string().is_empty());
            if why == Unsafe::ControlCharacter {
                assert!(name.chars().any(char::is_control));
            }
        }
    }
});
