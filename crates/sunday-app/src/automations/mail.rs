//! The `send_email` action's sender: the SMTP server configured for notifications.

use lettre::{message::Mailbox, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sunday_types::{ApiError, ErrorCode};

use crate::notifications::MailSettings;

#[derive(Clone)]
pub(super) struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    pub(super) fn new(settings: &MailSettings) -> Result<Mailer, String> {
        let from: Mailbox = settings.from.parse().map_err(|e| format!("{e}"))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(settings.smtp_host.clone())
            .port(settings.smtp_port)
            .build();
        Ok(Mailer { transport, from })
    }

    /// Sends one message to every address (one envelope). A refusal or an unreachable server
    /// fails the step (`send_failed`); the run can be retried.
    pub(super) async fn send(&self, to: &[String], subject: &str, text: &str) -> Result<(), ApiError> {
        let failed = |what: String| ApiError::new(ErrorCode::SendFailed, what);
        let mut message = Message::builder().from(self.from.clone()).subject(subject);
        for address in to {
            let mailbox: Mailbox = address.parse().map_err(|_| failed(format!("`{address}` is not an address")))?;
            message = message.to(mailbox);
        }
        let message =
            message.body(text.to_owned()).map_err(|e| failed(format!("the email could not be built: {e}")))?;
        self.transport.send(message).await.map_err(|e| failed(format!("the mail server did not take it: {e}")))?;
        Ok(())
    }
}
