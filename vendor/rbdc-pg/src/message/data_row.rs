use std::ops::Range;

use byteorder::{BigEndian, ByteOrder};
use bytes::Bytes;
use rbdc::io::Decode;
use rbdc::Error;

/// A row of data from the database.
///
/// ebo patch (`vendor/README.md`): the row keeps the message's bytes (a shared `Bytes`, no copy)
/// and each column's range in them. The published version copied every non-`NULL` column into a
/// `Vec<u8>` of its own: one allocation and one copy per value, on every row read.
#[derive(Debug)]
pub struct DataRow {
    storage: Bytes,
    /// Each column's range in `storage`; `None` for `NULL`.
    values: Vec<Option<Range<usize>>>,
}

impl DataRow {
    /// The bytes of column `index`; `None` for `NULL` or a column the row does not have.
    #[inline]
    pub(crate) fn get(&self, index: usize) -> Option<&'_ [u8]> {
        let range = self.values.get(index)?.clone()?;
        self.storage.get(range)
    }
}

impl Decode<'_> for DataRow {
    fn decode_with(buf: Bytes, _: ()) -> Result<Self, Error> {
        // ebo patch: a malformed message is an error, not an out-of-bounds panic.
        let truncated = || Error::from("DataRow: message shorter than its column lengths");
        let cnt = BigEndian::read_u16(buf.get(..2).ok_or_else(truncated)?) as usize;

        let mut values = Vec::with_capacity(cnt);
        let mut offset = 2;

        for _ in 0..cnt {
            // Length of the column value, in bytes (this count does not include itself).
            // Can be zero. As a special case, -1 indicates a NULL column value.
            // No value bytes follow in the NULL case.
            let length = BigEndian::read_i32(buf.get(offset..offset + 4).ok_or_else(truncated)?);
            offset += 4;

            if length < 0 {
                values.push(None);
            } else {
                let end = offset + length as usize;
                if end > buf.len() {
                    return Err(truncated());
                }
                values.push(Some(offset..end));
                offset = end;
            }
        }
        Ok(Self {
            storage: buf,
            values,
        })
    }
}

#[test]
fn test_decode_data_row() {
    const DATA: &[u8] = b"\x00\x08\xff\xff\xff\xff\x00\x00\x00\x04\x00\x00\x00\n\xff\xff\xff\xff\x00\x00\x00\x04\x00\x00\x00\x14\xff\xff\xff\xff\x00\x00\x00\x04\x00\x00\x00(\xff\xff\xff\xff\x00\x00\x00\x04\x00\x00\x00P";

    let row = DataRow::decode(DATA.into()).unwrap();

    assert_eq!(row.values.len(), 8);

    assert!(row.get(0).is_none());
    assert_eq!(row.get(1).unwrap(), &[0_u8, 0, 0, 10][..]);
    assert!(row.get(2).is_none());
    assert_eq!(row.get(3).unwrap(), &[0_u8, 0, 0, 20][..]);
    assert!(row.get(4).is_none());
    assert_eq!(row.get(5).unwrap(), &[0_u8, 0, 0, 40][..]);
    assert!(row.get(6).is_none());
    assert_eq!(row.get(7).unwrap(), &[0_u8, 0, 0, 80][..]);
}

#[cfg(all(test, not(debug_assertions)))]
#[bench]
fn bench_data_row_get(b: &mut test::Bencher) {
    const DATA: &[u8] = b"\x00\x08\xff\xff\xff\xff\x00\x00\x00\x04\x00\x00\x00\n\xff\xff\xff\xff\x00\x00\x00\x04\x00\x00\x00\x14\xff\xff\xff\xff\x00\x00\x00\x04\x00\x00\x00(\xff\xff\xff\xff\x00\x00\x00\x04\x00\x00\x00P";

    let row = DataRow::decode(test::black_box(Bytes::from_static(DATA))).unwrap();

    b.iter(|| {
        let _value = test::black_box(&row).get(3);
    });
}

#[cfg(all(test, not(debug_assertions)))]
#[bench]
fn bench_decode_data_row(b: &mut test::Bencher) {
    const DATA: &[u8] = b"\x00\x08\xff\xff\xff\xff\x00\x00\x00\x04\x00\x00\x00\n\xff\xff\xff\xff\x00\x00\x00\x04\x00\x00\x00\x14\xff\xff\xff\xff\x00\x00\x00\x04\x00\x00\x00(\xff\xff\xff\xff\x00\x00\x00\x04\x00\x00\x00P";

    b.iter(|| {
        let _ = DataRow::decode(test::black_box(Bytes::from_static(DATA)));
    });
}
