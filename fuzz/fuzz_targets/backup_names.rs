//! The backup-name parser (FORMATS.md §5) on arbitrary text: no panic, and a
//! name it accepts means the same moment as its canonical spelling.
#![no_main]

use backupcrypt::names::{Kind, Shape, parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(path) = std::str::from_utf8(data) else { return };
    let Some(name) = parse(path) else { return };
    assert_eq!(name.shape == Shape::Part, name.part.is_some());
    assert!(name.part.is_none_or(|n| n >= 1));
    assert_eq!(name.encrypted, path.ends_with(".encrypted"));
    if let Some(space) = name.space {
        assert!(!space.is_empty() && !space.contains(['/', '\\']));
    }
    let shown = name.time.to_string();
    let (y, mo, d, h, mi, s) = name.time.to_utc();
    assert!((1..=12).contains(&mo) && (1..=31).contains(&d) && h < 24 && mi < 60 && s < 60);
    // Spelled the canonical way, the same kind and moment come back (a leap
    // second, :60, is the next minute's :00 and spells differently).
    if name.shape != Shape::Epoch && !path.contains("-60.") && !path.contains("-60--") {
        let ext = match name.kind {
            Kind::Database => "sql",
            Kind::Files => "zip",
        };
        let part = name.part.map(|n| format!("--part-{n}")).unwrap_or_default();
        let canonical = format!("{y:04}-{mo:02}-{d:02}--{h:02}-{mi:02}-{s:02}{part}.{ext}.encrypted");
        let back = parse(&canonical).unwrap_or_else(|| panic!("{canonical} (from {path:?}, {shown})"));
        assert_eq!((back.kind, back.time, back.part), (name.kind, name.time, name.part), "{canonical}");
    }
});
