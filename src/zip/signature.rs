//! The four-byte signatures that start each ZIP record (FORMATS.md §4): the one
//! place that spells them out. The reader, the writer, the end-record rule and
//! the format sniffer ([`crate::sniff`]) all use these names.

/// A local file header: how every ZIP with entries starts.
pub const LOCAL: &[u8; 4] = b"PK\x03\x04";
/// A data descriptor (optional before one, but every writer we meet puts it there,
/// aiozipstream included).
pub const DESCRIPTOR: &[u8; 4] = b"PK\x07\x08";
/// A central-directory record.
pub const CENTRAL: &[u8; 4] = b"PK\x01\x02";
/// The ZIP64 end-of-central-directory record.
pub const END64: &[u8; 4] = b"PK\x06\x06";
/// The ZIP64 end-record locator.
pub const LOCATOR64: &[u8; 4] = b"PK\x06\x07";
/// The end-of-central-directory record; an empty archive is nothing else.
pub const END: &[u8; 4] = b"PK\x05\x06";
