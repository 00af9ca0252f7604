//! A stream written as an async block (`try_stream!`), its items handed over through a slot
//! shared by the block's [`Sender`] and the stream.
//!
//! ebo patch (see `vendor/README.md`): the published version passed every item through a
//! `futures_channel::mpsc` channel, a queue node allocated, atomics and a task park per row (and
//! rbdc-pg nests two such streams). The block and its stream are always polled by the same task,
//! so one item at a time in a slot is enough: `Sender::poll_flush` is pending while the slot is
//! full, and `poll_next` empties the slot right after polling the block, then polls it again on
//! the next call.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use crate::Error;
use futures_core::future::BoxFuture;
use futures_core::stream::Stream;
use futures_util::FutureExt;

/// The slot an item waits in between the block's `yield` and the stream's `poll_next`.
type Slot<T> = Arc<Mutex<Option<Result<T, Error>>>>;

fn take<T>(slot: &Slot<T>) -> Option<Result<T, Error>> {
    slot.lock().unwrap_or_else(PoisonError::into_inner).take()
}

fn is_empty<T>(slot: &Slot<T>) -> bool {
    slot.lock().unwrap_or_else(PoisonError::into_inner).is_none()
}

/// The block's end of the stream: a [`futures_util::Sink`] of one item at a time.
pub struct Sender<T> {
    slot: Slot<T>,
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        Self {
            slot: self.slot.clone(),
        }
    }
}

impl<T> futures_util::Sink<Result<T, Error>> for Sender<T> {
    type Error = Error;

    fn poll_ready(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), Error>> {
        // Pending only while the stream has not taken the last item; the stream polls the
        // block again after taking it, so no waker is needed.
        if is_empty(&self.slot) {
            Poll::Ready(Ok(()))
        } else {
            Poll::Pending
        }
    }

    fn start_send(self: Pin<&mut Self>, item: Result<T, Error>) -> Result<(), Error> {
        *self.slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(item);
        Ok(())
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.poll_ready(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.poll_ready(cx)
    }
}

pub struct TryAsyncStream<'a, T> {
    slot: Slot<T>,
    future: BoxFuture<'a, Result<(), Error>>,
    done: bool,
}

impl<'a, T> TryAsyncStream<'a, T> {
    pub fn new<F, Fut>(f: F) -> Self
    where
        F: FnOnce(Sender<T>) -> Fut + Send,
        Fut: 'a + Future<Output = Result<(), Error>> + Send,
        T: 'a + Send,
    {
        let slot: Slot<T> = Arc::new(Mutex::new(None));
        let future = f(Sender { slot: slot.clone() }).boxed();
        Self {
            slot,
            future,
            done: false,
        }
    }
}

impl<'a, T> Stream for TryAsyncStream<'a, T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if let Some(item) = take(&self.slot) {
            return Poll::Ready(Some(item));
        }
        if self.done {
            return Poll::Ready(None);
        }
        let polled = self.future.as_mut().poll(cx);
        if let Some(item) = take(&self.slot) {
            if polled.is_ready() {
                self.done = true;
            }
            return Poll::Ready(Some(item));
        }
        match polled {
            Poll::Pending => Poll::Pending,
            Poll::Ready(result) => {
                self.done = true;
                Poll::Ready(result.err().map(Err))
            }
        }
    }
}

#[macro_export]
macro_rules! try_stream {
    ($($block:tt)*) => {
        $crate::ext::async_stream::TryAsyncStream::new(move |mut sender| async move {
            macro_rules! r#yield {
                ($v:expr) => {{
                    let _ = futures_util::sink::SinkExt::send(&mut sender, Ok($v)).await;
                }}
            }

            $($block)*
        })
    }
}
