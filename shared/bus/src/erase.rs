//! Erasing destroyed events from the JetStream events stream and the
//! dead-letter stream (R-CONF-2). The relay published each event with its
//! id as `Nats-Msg-Id`, and a dead letter keeps it as
//! [`ORIGINAL_MESSAGE_ID`], so the messages of destroyed events are found
//! by those headers and removed by sequence. JetStream's message delete
//! overwrites the stored message unless asked not to (`no_erase`), which
//! async-nats never sets.

use crate::{Bus, Error};
use async_nats::jetstream::stream::LastRawMessageErrorKind;
use std::collections::HashSet;

/// The header of a dead letter naming the event it holds.
pub const ORIGINAL_MESSAGE_ID: &str = "original-message-id";

impl Bus {
    /// Erases every message of the events stream, and every dead letter,
    /// whose event id is one of `event_ids`; returns how many were erased.
    /// Walks each stream by sequence, reading headers and payload of each
    /// message once: a destruction is rare and deliberate, and this needs
    /// no record of where each event landed.
    pub async fn erase_events(&self, event_ids: &HashSet<String>) -> Result<u64, Error> {
        if event_ids.is_empty() {
            return Ok(0);
        }
        let mut erased = 0;
        for name in [self.stream_name(), self.dead_letter_stream_name()] {
            erased += self.erase_from(&name, event_ids).await?;
        }
        Ok(erased)
    }

    async fn erase_from(&self, name: &str, event_ids: &HashSet<String>) -> Result<u64, Error> {
        let mut stream = self
            .jetstream
            .get_stream(name)
            .await
            .map_err(|e| Error::nats(format!("opening stream {name}"), e))?;
        let state = stream
            .info()
            .await
            .map_err(|e| Error::nats(format!("reading stream {name}"), e))?
            .state
            .clone();
        let mut erased = 0;
        if state.messages == 0 {
            return Ok(0);
        }
        for sequence in state.first_sequence..=state.last_sequence {
            let message = match stream.get_raw_message(sequence).await {
                Ok(message) => message,
                // Already deleted, or never stored (a gap): nothing to erase.
                Err(e) if e.kind() == LastRawMessageErrorKind::NoMessageFound => continue,
                Err(e) => {
                    return Err(Error::nats(
                        format!("reading message {sequence} of {name}"),
                        e,
                    ));
                }
            };
            // An event carries its id as its message id; a dead letter has
            // a message id of its own and the event's id beside it.
            let names_event = [
                message.headers.get(async_nats::header::NATS_MESSAGE_ID),
                message.headers.get(ORIGINAL_MESSAGE_ID),
            ]
            .into_iter()
            .flatten()
            .any(|id| event_ids.contains(id.as_str()));
            if names_event {
                stream
                    .delete_message(sequence)
                    .await
                    .map_err(|e| Error::nats(format!("erasing message {sequence} of {name}"), e))?;
                erased += 1;
            }
        }
        Ok(erased)
    }
}
