//! The answers the connection layer gives without a request reaching the application, in the
//! uniform error body with an `X-Request-ID` like every other failure:
//!
//! - **503** to a connection past `server.max_connections` ([`overloaded`]);
//! - **400, 414 and 431**, which hyper writes by itself when a request head does not parse
//!   (a malformed request line or header), its URI is too long, or it passes
//!   `server.max_header_bytes`. hyper offers no hook for these: it writes a bare head with
//!   `content-length: 0` and closes the connection. [`UniformParseErrors`] wraps the
//!   connection's stream and writes the uniform answer in its place.

use std::{
    io,
    pin::Pin,
    task::{Context, Poll, ready},
};

use poem::http::StatusCode;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::error::ErrorBody;

/// A complete `HTTP/1.1` response in the uniform error body, with a fresh request id,
/// `Connection: close`, and `extra` header lines (each ending in `\r\n`) after the status line.
fn response(status: StatusCode, detail: String, extra: &str) -> Vec<u8> {
    let mut body = ErrorBody::new(status, detail, None);
    let request_id = uuid::Uuid::new_v4().to_string();
    body.request_id.clone_from(&request_id);
    // Serialising a struct of strings and a number cannot fail; an empty body would still be
    // a well-formed answer.
    let body = serde_json::to_string(&body).unwrap_or_default();
    format!(
        "HTTP/1.1 {} {}\r\n{extra}content-type: application/json\r\nx-request-id: {request_id}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        status.as_u16(),
        status.canonical_reason().unwrap_or_default(),
        body.len()
    )
    .into_bytes()
}

/// The answer to a connection past the cap: 503 with `Retry-After: 1`, written at once,
/// before reading anything.
pub fn overloaded() -> Vec<u8> {
    response(
        StatusCode::SERVICE_UNAVAILABLE,
        "Too many connections; retry shortly".to_owned(),
        "retry-after: 1\r\n",
    )
}

/// The uniform answer replacing `written` when it is one of hyper's own parse-error answers:
/// exactly one response head with status 400, 414 or 431, `content-length: 0` and no
/// `x-request-id` (every response of the application carries one). `None` for anything else.
/// `max_header_bytes` is quoted in the 431's detail. hyper's `date` line is kept.
pub fn replacement_for(written: &[u8], max_header_bytes: usize) -> Option<Vec<u8>> {
    let head = written.strip_prefix(b"HTTP/1.1 ")?;
    // Most writes are the application's own: leave at the status code.
    if !matches!(head.get(..3), Some(b"400" | b"414" | b"431")) {
        return None;
    }
    let head = std::str::from_utf8(head).ok()?;
    let head = head.strip_suffix("\r\n\r\n")?;
    if head.contains("\r\n\r\n") {
        return None;
    }
    let (status_line, headers) = head.split_once("\r\n").unwrap_or((head, ""));
    let status = StatusCode::from_bytes(status_line.get(..3)?.as_bytes()).ok()?;
    let mut empty = false;
    let mut date = None;
    for line in headers.split("\r\n") {
        let (name, value) = line.split_once(':')?;
        let value = value.trim();
        match name.to_ascii_lowercase().as_str() {
            "x-request-id" => return None,
            "content-length" => empty = value == "0",
            "date" => date = Some(value),
            _ => {}
        }
    }
    if !empty {
        return None;
    }
    let detail = match status {
        StatusCode::BAD_REQUEST => {
            "Malformed HTTP request: the request line or a header does not parse".to_owned()
        }
        StatusCode::URI_TOO_LONG => "The request URI is too long".to_owned(),
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => format!(
            "The request head (request line and headers) is larger than {max_header_bytes} bytes"
        ),
        _ => return None,
    };
    let date = date.map(|d| format!("date: {d}\r\n")).unwrap_or_default();
    Some(response(status, detail, &date))
}

/// A connection's stream whose writes pass through unchanged, except hyper's own parse-error
/// answers, which [`replacement_for`] turns into the uniform body. hyper is told its bytes
/// were written; the replacement is written before any later write, flush or shutdown.
#[derive(Debug)]
pub struct UniformParseErrors<S> {
    inner: S,
    max_header_bytes: usize,
    /// A replacement still being written, and how much of it is written.
    pending: Vec<u8>,
    sent: usize,
}

impl<S> UniformParseErrors<S> {
    /// Wraps `inner`; `max_header_bytes` is quoted in 431 answers.
    pub fn new(inner: S, max_header_bytes: usize) -> Self {
        Self {
            inner,
            max_header_bytes,
            pending: Vec::new(),
            sent: 0,
        }
    }
}

impl<S: AsyncWrite + Unpin> UniformParseErrors<S> {
    /// Writes what is left of a replacement.
    fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.sent < self.pending.len() {
            let n = ready!(Pin::new(&mut self.inner).poll_write(cx, &self.pending[self.sent..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.sent += n;
        }
        self.pending.clear();
        self.sent = 0;
        Poll::Ready(Ok(()))
    }

    /// Takes `written` in place of hyper's answer when it is one; `Some(len)` to report back.
    fn replace(&mut self, cx: &mut Context<'_>, written: &[u8]) -> Option<Poll<io::Result<usize>>> {
        let replacement = replacement_for(written, self.max_header_bytes)?;
        tracing::debug!(
            answer = %String::from_utf8_lossy(written.split(|b| *b == b'\r').next().unwrap_or_default()),
            "a request head did not parse"
        );
        self.pending = replacement;
        self.sent = 0;
        Some(match self.poll_pending(cx) {
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            // The rest is written by the next write, flush or shutdown.
            _ => Poll::Ready(Ok(written.len())),
        })
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for UniformParseErrors<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for UniformParseErrors<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        ready!(this.poll_pending(cx))?;
        if let Some(done) = this.replace(cx, buf) {
            return done;
        }
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        ready!(this.poll_pending(cx))?;
        let mut filled = bufs.iter().filter(|b| !b.is_empty());
        if let (Some(only), None) = (filled.next(), filled.next())
            && let Some(done) = this.replace(cx, only)
        {
            return done;
        }
        Pin::new(&mut this.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_pending(cx))?;
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_pending(cx))?;
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body_of(answer: &[u8]) -> serde_json::Value {
        let text = std::str::from_utf8(answer).unwrap();
        let (_, body) = text.split_once("\r\n\r\n").unwrap();
        serde_json::from_str(body).unwrap()
    }

    #[test]
    fn hypers_own_answers_get_the_uniform_body() {
        for (status, head) in [
            (
                400,
                "HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\ndate: Fri, 04 Dec 2026 19:00:00 GMT\r\n\r\n",
            ),
            (
                414,
                "HTTP/1.1 414 URI Too Long\r\ncontent-length: 0\r\n\r\n",
            ),
            (
                431,
                "HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: x\r\n\r\n",
            ),
        ] {
            let answer = replacement_for(head.as_bytes(), 16_384).expect(head);
            let text = String::from_utf8(answer.clone()).unwrap();
            assert!(text.starts_with(&format!("HTTP/1.1 {status} ")), "{text}");
            assert!(text.contains("\r\nconnection: close\r\n"), "{text}");
            let body = body_of(&answer);
            assert_eq!(body["status_code"], status);
            let id = body["request_id"].as_str().unwrap();
            assert!(
                text.contains(&format!("\r\nx-request-id: {id}\r\n")),
                "{text}"
            );
            let length = format!(
                "\r\ncontent-length: {}\r\n",
                text.split_once("\r\n\r\n").unwrap().1.len()
            );
            assert!(text.contains(&length), "{text}");
        }
        let answer = replacement_for(
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\n\r\n",
            16_384,
        )
        .unwrap();
        assert!(
            body_of(&answer)["detail"]
                .as_str()
                .unwrap()
                .contains("16384 bytes")
        );
    }

    #[test]
    fn the_applications_own_answers_pass_unchanged() {
        for written in [
            // Every application response carries an x-request-id.
            &b"HTTP/1.1 400 Bad Request\r\nx-request-id: abc\r\ncontent-length: 0\r\n\r\n"[..],
            // A body follows, or the head is not alone in the write.
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 2\r\n\r\n{}",
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\nHTTP/1.1 200 OK\r\n\r\n",
            // Not one of hyper's parse-error statuses, or not a head at all.
            b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n",
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n",
            b"{\"HTTP/1.1 400\": 1}",
            b"",
        ] {
            assert!(
                replacement_for(written, 16_384).is_none(),
                "{}",
                String::from_utf8_lossy(written)
            );
        }
    }
}
