//! Delivery of one outbox mail: SMTP through lettre, or an `.eml` file per mail when no SMTP
//! server is configured (the embedded default).

use std::time::Duration;

use lettre::{
    AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Body, Mailbox, header::ContentTransferEncoding, header::ContentType},
};

use super::OutboxMail;
use crate::config::EmailSettings;

/// How long one SMTP conversation may take before the attempt counts as failed.
const SMTP_TIMEOUT: Duration = Duration::from_secs(15);

/// Where mail goes.
#[derive(Clone)]
pub enum Transport {
    /// An SMTP server (`email.smtp_url`).
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// `.eml` files in a folder (`email.file_dir`), one per mail.
    Files(AsyncFileTransport<Tokio1Executor>),
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Smtp(_) => "Transport::Smtp",
            Self::Files(_) => "Transport::Files",
        })
    }
}

/// Why a delivery attempt failed.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// The message cannot be sent as it is (a bad address): retrying cannot help.
    #[error("the message cannot be built: {0}")]
    Message(String),
    /// The server or the folder refused or could not be reached.
    #[error("{reason}")]
    Transport {
        /// What happened, for operators.
        reason: String,
        /// A permanent refusal (SMTP 5xx).
        permanent: bool,
    },
}

impl SendError {
    /// Whether retrying cannot help.
    pub fn is_permanent(&self) -> bool {
        match self {
            Self::Message(_) => true,
            Self::Transport { permanent, .. } => *permanent,
        }
    }
}

/// Why the transport cannot be set up.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    /// `email.smtp_url` is not a usable SMTP URL.
    #[error("email.smtp_url is not a usable SMTP URL: {0}")]
    Url(String),
    /// The `.eml` folder cannot be created.
    #[error("cannot create the mail folder {dir}: {source}")]
    Folder {
        /// The folder.
        dir: String,
        /// The file-system error.
        source: std::io::Error,
    },
}

/// `text` as a `7bit` body (RFC 2045 §2.7: ASCII without NUL, lines of at most 998 octets,
/// CRLF line ends), so a link stays one readable line; `None` when it is not such text, and
/// lettre then picks quoted-printable or base64. (lettre's own choice folds lines at 76
/// characters, which splits every link.)
fn seven_bit(text: &str) -> Option<Body> {
    let ok =
        text.is_ascii() && !text.contains(['\0', '\r']) && text.lines().all(|l| l.len() <= 998);
    ok.then(|| {
        let crlf = text.replace('\n', "\r\n");
        Body::dangerous_pre_encoded(crlf.into_bytes(), ContentTransferEncoding::SevenBit)
    })
}

impl Transport {
    /// The transport `[email]` names: SMTP when `smtp_url` is set, else files in `file_dir`
    /// (created if missing).
    ///
    /// # Errors
    /// [`TransportError`] for an unusable URL or folder.
    pub fn from_settings(s: &EmailSettings) -> Result<Self, TransportError> {
        match &s.smtp_url {
            Some(url) => AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                .map(|b| Self::Smtp(b.timeout(Some(SMTP_TIMEOUT)).build()))
                .map_err(|e| TransportError::Url(e.to_string())),
            None => {
                std::fs::create_dir_all(&s.file_dir).map_err(|source| TransportError::Folder {
                    dir: s.file_dir.clone(),
                    source,
                })?;
                Ok(Self::Files(AsyncFileTransport::new(&s.file_dir)))
            }
        }
    }

    /// Sends `mail` from `from`; its id is the `Message-ID`, so a receiver can recognise a
    /// redelivery.
    ///
    /// # Errors
    /// [`SendError`] saying whether a retry may help.
    pub async fn send(&self, from: &Mailbox, mail: &OutboxMail) -> Result<(), SendError> {
        let to: Mailbox = mail
            .recipient
            .parse()
            .map_err(|e| SendError::Message(format!("recipient: {e}")))?;
        let domain = from.email.domain().to_owned();
        let body = seven_bit(&mail.body).unwrap_or_else(|| Body::new(mail.body.clone()));
        let message = Message::builder()
            .message_id(Some(format!("<{}@{domain}>", mail.id)))
            .from(from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| SendError::Message(e.to_string()))?;
        match self {
            Self::Smtp(t) => t
                .send(message)
                .await
                .map(drop)
                .map_err(|e| SendError::Transport {
                    permanent: e.is_permanent(),
                    reason: e.to_string(),
                }),
            Self::Files(t) => t
                .send(message)
                .await
                .map(drop)
                .map_err(|e| SendError::Transport {
                    reason: e.to_string(),
                    permanent: false,
                }),
        }
    }
}
