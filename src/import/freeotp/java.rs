//! Just enough of Java's serialization stream to read the one object a FreeOTP 2 backup
//! holds: a `java.util.HashMap<String, String>`. Anything else is refused. Every read is
//! bounded by the input, nothing recurses, and nothing panics.

const MAGIC: [u8; 4] = [0xac, 0xed, 0x00, 0x05];
const TC_NULL: u8 = 0x70;
const TC_REFERENCE: u8 = 0x71;
const TC_CLASSDESC: u8 = 0x72;
const TC_OBJECT: u8 = 0x73;
const TC_STRING: u8 = 0x74;
const TC_BLOCKDATA: u8 = 0x77;
const TC_ENDBLOCKDATA: u8 = 0x78;
const TC_BLOCKDATALONG: u8 = 0x7a;
const TC_LONGSTRING: u8 = 0x7c;
const BASE_HANDLE: u32 = 0x7e_0000;
const HASH_MAP: &[u8] = b"java.util.HashMap";

/// Why the stream is not a readable `HashMap<String, String>` (never quotes it).
pub(super) type Error = &'static str;

/// A map's entries, in stream order.
pub(super) struct Map {
    /// Key and value pairs (a `null` key or value is left out).
    pub entries: Vec<(String, String)>,
}

impl Map {
    /// The value for `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Whether `bytes` start like a serialized `java.util.HashMap`.
pub(super) fn is_hash_map(bytes: &[u8]) -> bool {
    let mut start = MAGIC.to_vec();
    start.extend_from_slice(&[TC_OBJECT, TC_CLASSDESC, 0, HASH_MAP.len() as u8]);
    start.extend_from_slice(HASH_MAP);
    bytes.starts_with(&start)
}

/// Whether `bytes` start with the Java serialization magic.
pub(super) fn is_serialized(bytes: &[u8]) -> bool {
    bytes.starts_with(&MAGIC)
}

/// Reads a serialized `HashMap<String, String>`.
pub(super) fn read_string_map(bytes: &[u8]) -> Result<Map, Error> {
    let mut stream = Stream {
        bytes,
        at: 0,
        handles: Vec::new(),
    };
    if stream.take(4)? != MAGIC {
        return Err("it is not a Java serialization stream");
    }
    if stream.byte()? != TC_OBJECT {
        return Err("it does not hold an object");
    }
    stream.hash_map_class()?;
    stream.handles.push(None);
    // Then the map's writeObject data: capacity and size, then each key and value.
    let block = match stream.byte()? {
        TC_BLOCKDATA => usize::from(stream.byte()?),
        TC_BLOCKDATALONG => stream.length(4)?,
        _ => return Err("the map's size is missing"),
    };
    if block != 8 {
        return Err("the map's size block is not 8 bytes");
    }
    let _capacity = stream.take(4)?;
    let size = u32::from_be_bytes(stream.array()?);
    let mut entries = Vec::new();
    for _ in 0..size {
        let key = stream.string()?;
        let value = stream.string()?;
        if let (Some(key), Some(value)) = (key, value) {
            entries.push((key, value));
        }
    }
    if stream.byte()? != TC_ENDBLOCKDATA {
        return Err("the map does not end where its size says");
    }
    Ok(Map { entries })
}

/// A position in the input, and the objects seen so far (strings by value).
struct Stream<'a> {
    bytes: &'a [u8],
    at: usize,
    handles: Vec<Option<String>>,
}

impl<'a> Stream<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], Error> {
        let end = self
            .at
            .checked_add(n)
            .filter(|end| *end <= self.bytes.len());
        let end = end.ok_or("it ends too early")?;
        let taken = &self.bytes[self.at..end];
        self.at = end;
        Ok(taken)
    }

    fn byte(&mut self) -> Result<u8, Error> {
        Ok(self.take(1)?[0])
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], Error> {
        self.take(N)?.try_into().map_err(|_| "it ends too early")
    }

    /// A big-endian length of `width` bytes (2, 4 or 8), at most what is left.
    fn length(&mut self, width: usize) -> Result<usize, Error> {
        let mut n: u64 = 0;
        for b in self.take(width)? {
            n = (n << 8) | u64::from(*b);
        }
        let n = usize::try_from(n).map_err(|_| "a length is too large")?;
        if n > self.bytes.len() - self.at {
            return Err("it ends too early");
        }
        Ok(n)
    }

    /// The class descriptor of `java.util.HashMap` and its fields' values, which are all
    /// primitive (`loadFactor`, `threshold`).
    fn hash_map_class(&mut self) -> Result<(), Error> {
        if self.byte()? != TC_CLASSDESC {
            return Err("it does not describe its class");
        }
        let name_len = self.length(2)?;
        if self.take(name_len)? != HASH_MAP {
            return Err("it holds another object than a map");
        }
        let _serial_version = self.take(8)?;
        let _flags = self.byte()?;
        self.handles.push(None);
        let count = self.length(2)?;
        let mut field_bytes = 0usize;
        for _ in 0..count {
            let size = match self.byte()? {
                b'B' | b'Z' => 1,
                b'C' | b'S' => 2,
                b'F' | b'I' => 4,
                b'D' | b'J' => 8,
                _ => return Err("the map has fields that are objects"),
            };
            let len = self.length(2)?;
            self.take(len)?;
            field_bytes += size;
        }
        if self.byte()? != TC_ENDBLOCKDATA {
            return Err("the map's class has annotations");
        }
        if self.byte()? != TC_NULL {
            return Err("the map's class has a serializable superclass");
        }
        self.take(field_bytes)?;
        Ok(())
    }

    /// A string, a reference to one, or `null`.
    fn string(&mut self) -> Result<Option<String>, Error> {
        let len = match self.byte()? {
            TC_STRING => self.length(2)?,
            TC_LONGSTRING => self.length(8)?,
            TC_NULL => return Ok(None),
            TC_REFERENCE => {
                let handle = u32::from_be_bytes(self.array()?);
                let index = handle
                    .checked_sub(BASE_HANDLE)
                    .ok_or("a reference is invalid")?;
                return match self.handles.get(index as usize) {
                    Some(Some(text)) => Ok(Some(text.clone())),
                    _ => Err("a reference is not to a string"),
                };
            }
            _ => return Err("a key or value is not a string"),
        };
        let text = modified_utf8(self.take(len)?).ok_or("a string is not valid modified UTF-8")?;
        self.handles.push(Some(text.clone()));
        Ok(Some(text))
    }
}

/// Decodes Java's modified UTF-8 (NUL as two bytes, characters beyond the BMP as
/// surrogate pairs).
fn modified_utf8(bytes: &[u8]) -> Option<String> {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Some(text.to_owned());
    }
    let mut units = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while let Some((&first, tail)) = rest.split_first() {
        let continuation =
            |b: Option<&u8>| b.filter(|b| *b & 0xc0 == 0x80).map(|b| u16::from(b & 0x3f));
        let (unit, used) = match first {
            0x01..=0x7f => (u16::from(first), 1),
            0xc0..=0xdf => (
                u16::from(first & 0x1f) << 6 | continuation(tail.first())?,
                2,
            ),
            0xe0..=0xef => {
                let high = continuation(tail.first())?;
                let low = continuation(tail.get(1))?;
                (u16::from(first & 0x0f) << 12 | high << 6 | low, 3)
            }
            _ => return None,
        };
        units.push(unit);
        rest = &rest[used..];
    }
    String::from_utf16(&units).ok()
}

/// Builds streams for the tests.
#[cfg(test)]
pub(super) fn serialize(entries: &[(&str, &str)]) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&[TC_OBJECT, TC_CLASSDESC, 0, HASH_MAP.len() as u8]);
    out.extend_from_slice(HASH_MAP);
    out.extend_from_slice(&[5, 7, 0xda, 0xc1, 0xc3, 0x16, 0x60, 0xd1, 3, 0, 2]);
    out.extend_from_slice(b"F\x00\x0aloadFactorI\x00\x09threshold");
    out.extend_from_slice(&[TC_ENDBLOCKDATA, TC_NULL, 0x3f, 0x40, 0, 0, 0, 0, 0, 0x0c]);
    out.extend_from_slice(&[TC_BLOCKDATA, 8, 0, 0, 0, 16]);
    out.extend_from_slice(&(entries.len() as u32).to_be_bytes());
    for (key, value) in entries {
        for text in [key, value] {
            out.push(TC_STRING);
            out.extend_from_slice(&(text.len() as u16).to_be_bytes());
            out.extend_from_slice(text.as_bytes());
        }
    }
    out.push(TC_ENDBLOCKDATA);
    out
}

/// Keys of a map, for the tests.
#[cfg(test)]
fn keys(map: &Map) -> std::collections::HashMap<&str, &str> {
    map.entries
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_read_back_with_references_and_modified_utf8() {
        let bytes = serialize(&[("a", "1"), ("b", "2")]);
        assert!(is_hash_map(&bytes));
        let map = read_string_map(&bytes).unwrap();
        assert_eq!(
            keys(&map),
            std::collections::HashMap::from([("a", "1"), ("b", "2")])
        );
        assert_eq!(map.get("b"), Some("2"));
        // A value that refers back to the first key (handle 2: class, map, then "a").
        let mut referring = serialize(&[("a", "1"), ("c", "x")]);
        let end = referring.len() - 1;
        referring.splice(end - 4..end, [TC_REFERENCE, 0, 0x7e, 0, 2]);
        let map = read_string_map(&referring).unwrap();
        assert_eq!(map.get("c"), Some("a"));
        assert_eq!(modified_utf8(&[0xc0, 0x80, b'x']).as_deref(), Some("\0x"));
        assert_eq!(
            modified_utf8(&[0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80]).as_deref(),
            Some("\u{1f600}")
        );
        assert_eq!(modified_utf8(&[0xff]), None);
    }

    #[test]
    fn every_truncation_and_corruption_is_an_error_not_a_panic() {
        let bytes = serialize(&[("masterKey", "{}"), ("k", "v")]);
        for end in 0..bytes.len() {
            assert!(read_string_map(&bytes[..end]).is_err());
        }
        for i in 0..bytes.len() {
            for flip in [0x01, 0x80, 0xff] {
                let mut changed = bytes.clone();
                changed[i] ^= flip;
                let _ = read_string_map(&changed);
            }
        }
        let mut huge = serialize(&[]);
        let at = huge.len() - 5;
        huge[at..at + 4].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(read_string_map(&huge).is_err());
    }
}
