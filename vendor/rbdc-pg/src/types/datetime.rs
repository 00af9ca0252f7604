use crate::arguments::PgArgumentBuffer;
use crate::types::decode::Decode;
use crate::types::encode::{Encode, IsNull};
use crate::value::{PgValueFormat, PgValueRef};
use byteorder::{BigEndian, ReadBytesExt};
use rbdc::datetime::DateTime;
use rbdc::Error;
use std::io::Cursor;
use std::str::FromStr;
use std::time::Duration;

/// 2000-01-01T00:00:00Z, PostgreSQL's epoch for `timestamp` and `timestamptz` values, in Unix
/// milliseconds (ebo patch, `vendor/README.md`).
const PG_EPOCH_UNIX_MILLIS: i64 = 946_684_800_000;

/// ebo patch (`vendor/README.md`): the instant of a `timestamp(tz)` value in Unix milliseconds
/// (floored, as [`DateTime`]'s decoding keeps it), without building a calendar date.
pub fn decode_unix_millis(value: PgValueRef) -> Result<i64, Error> {
    match value.format() {
        PgValueFormat::Binary => binary_unix_millis(value.as_bytes()?),
        PgValueFormat::Text => Ok(DateTime::decode(value)?.unix_timestamp_millis()),
    }
}

/// ebo patch: the binary form (microseconds since [`PG_EPOCH_UNIX_MILLIS`]) in whole Unix
/// milliseconds, floored; what both decodings share.
fn binary_unix_millis(bytes: &[u8]) -> Result<i64, Error> {
    let us = Cursor::new(bytes).read_i64::<BigEndian>()?;
    Ok(PG_EPOCH_UNIX_MILLIS + us.div_euclid(1000))
}

/// Encode to Timestamptz
impl Encode for DateTime {
    fn encode(self, buf: &mut PgArgumentBuffer) -> Result<IsNull, Error> {
        let mut millis = self.unix_timestamp_millis();
        // Add session timezone offset to compensate for PostgreSQL's timezone conversion
        if let Some(tz_sec) = buf.timezone_sec {
            millis = millis + Duration::from_secs(tz_sec as u64).as_millis() as i64;
        }
        // ebo patch: the epoch was a date formatted and parsed back on every value.
        let micros = (millis - PG_EPOCH_UNIX_MILLIS) * 1000;
        micros.encode(buf)
    }
}

impl Decode for DateTime {
    fn decode(value: PgValueRef) -> Result<Self, Error> {
        Ok(match value.format() {
            PgValueFormat::Binary => {
                // ebo patch: the epoch was a date formatted and parsed back on every value, and
                // the time built twice; whole milliseconds as before (floored).
                let mut dt = DateTime(fastdate::DateTime::from_timestamp_millis(
                    binary_unix_millis(value.as_bytes()?)?,
                ));
                // Apply session timezone offset if available
                if let Some(tz_sec) = value.timezone_sec {
                    dt = dt.set_offset(tz_sec);
                }
                dt
            }
            PgValueFormat::Text => {
                let s = value.as_str()?;
                let date =
                    fastdate::DateTime::from_str(s).map_err(|e| Error::from(e.to_string()))?;
                DateTime(date)
            }
        })
    }
}
