#![allow(dead_code)]

use std::io;
use std::ops::{Deref, DerefMut};

use crate::Error;
use crate::io::write_and_flush::WriteAndFlush;
use crate::io::{decode::Decode, encode::Encode};
use crate::rt::{AsyncRead, AsyncReadExt, AsyncWrite};
use bytes::BytesMut;
use std::io::Cursor;

pub struct BufStream<S>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    pub stream: S,

    // writes with `write` to the underlying stream are buffered
    // this can be flushed with `flush`
    pub wbuf: Vec<u8>,

    // we read into the read buffer using 100% safe code
    pub rbuf: BytesMut,
}

impl<S> BufStream<S>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    pub fn new(stream: S) -> Self {
        Self {
            stream,
            wbuf: Vec::with_capacity(512),
            rbuf: BytesMut::with_capacity(4096),
        }
    }

    pub fn write<'en, T>(&mut self, value: T)
    where
        T: Encode<'en, ()>,
    {
        self.write_with(value, ())
    }

    pub fn write_with<'en, T, C>(&mut self, value: T, context: C)
    where
        T: Encode<'en, C>,
    {
        value.encode_with(&mut self.wbuf, context);
    }

    pub fn flush(&mut self) -> WriteAndFlush<'_, S> {
        WriteAndFlush {
            stream: &mut self.stream,
            buf: Cursor::new(&mut self.wbuf),
        }
    }

    pub async fn read<'de, T>(&mut self, cnt: usize) -> Result<T, Error>
    where
        T: Decode<'de, ()>,
    {
        self.read_with(cnt, ()).await
    }

    pub async fn read_with<'de, T, C>(&mut self, cnt: usize, context: C) -> Result<T, Error>
    where
        T: Decode<'de, C>,
    {
        T::decode_with(self.read_raw(cnt).await?.freeze(), context)
    }

    pub async fn read_raw(&mut self, cnt: usize) -> Result<BytesMut, Error> {
        self.fill(cnt).await?;
        Ok(self.rbuf.split_to(cnt))
    }

    pub async fn read_raw_into(&mut self, buf: &mut BytesMut, cnt: usize) -> Result<(), Error> {
        self.fill(cnt).await?;
        buf.extend_from_slice(&self.rbuf.split_to(cnt));
        Ok(())
    }

    /// Reads until `rbuf` holds at least `cnt` bytes. Each read asks the socket for as much as
    /// it has (at least `READ_AHEAD` bytes of room), so the messages of a result set are taken
    /// from one buffer instead of two `recv` calls per message (ebo patch; see
    /// `vendor/README.md`). Cancel-safe: a read that completes appends to `rbuf`, one that is
    /// dropped appends nothing.
    async fn fill(&mut self, cnt: usize) -> Result<(), Error> {
        while self.rbuf.len() < cnt {
            self.rbuf.reserve((cnt - self.rbuf.len()).max(READ_AHEAD));
            let n = self.stream.read_buf(&mut self.rbuf).await?;
            if n == 0 {
                // a zero read when we had space in the read buffer
                // should be treated as an EOF

                // and an unexpected EOF means the server told us to go away
                return Err(io::Error::from(io::ErrorKind::ConnectionAborted).into());
            }
        }
        Ok(())
    }
}

/// The least room offered to each socket read (ebo patch).
const READ_AHEAD: usize = 8 * 1024;

impl<S> Deref for BufStream<S>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    type Target = S;

    fn deref(&self) -> &Self::Target {
        &self.stream
    }
}

impl<S> DerefMut for BufStream<S>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.stream
    }
}
