//! Publishing to the deployment's stream, shared by the relay and the sweep.

use std::{sync::Arc, time::Duration};

use async_nats::{
    jetstream::{
        self,
        stream::{Config as StreamConfig, StorageType},
    },
    HeaderMap,
};
use sunday_types::{boards::BoardEvent, notifications::Notification};

use crate::{Shared, HINT, ORIGIN};

pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Messages published before their acknowledgements are awaited (JetStream allows a few
/// thousand unanswered publishes per client; past that a publish waits for a free slot).
pub(crate) const CHUNK: usize = 500;

/// How long JetStream remembers a message id to drop a repeat of it.
const DUPLICATE_WINDOW: Duration = Duration::from_secs(120);

/// Room left in a message for its headers and the protocol line.
const HEADROOM: usize = 1024;

#[derive(Clone)]
pub(crate) struct Publisher {
    pub js: jetstream::Context,
    pub client: async_nats::Client,
    pub shared: Arc<Shared>,
    pub retention: Duration,
}

impl Publisher {
    pub fn connected(&self) -> bool {
        self.client.connection_state() == async_nats::connection::State::Connected
    }

    /// Creates the deployment's stream if it does not exist (first start, or a broker without
    /// storage restarted). An existing stream keeps its settings.
    pub async fn ensure_stream(&self) -> Result<jetstream::stream::Stream, BoxError> {
        let subjects = &self.shared.subjects;
        Ok(self
            .js
            .get_or_create_stream(StreamConfig {
                name: subjects.stream.clone(),
                subjects: vec![subjects.all()],
                max_age: self.retention,
                duplicate_window: DUPLICATE_WINDOW,
                storage: StorageType::File,
                ..Default::default()
            })
            .await?)
    }

    /// Publishes events in order, `CHUNK` at a time: a chunk is sent, then its
    /// acknowledgements are awaited. `own`: the events come from this node's writers and
    /// were delivered here already (events read from the log were not). An error means some
    /// may be on the stream; they are published again later and the stream drops the repeats.
    pub async fn events(&self, events: &[BoardEvent], own: bool) -> Result<(), BoxError> {
        let max = self.client.server_info().max_payload;
        for chunk in events.chunks(CHUNK) {
            let mut acks = Vec::with_capacity(chunk.len());
            for event in chunk {
                let id = format!("{}:{}", event.board_id, event.seq);
                let mut headers = self.headers(&id, own);
                let mut payload = serde_json::to_vec(event)?;
                if max > 0 && payload.len() + HEADROOM > max {
                    // Too big for the broker: a hint that the follower reads from the log.
                    headers.insert(HINT, id.as_str());
                    payload.clear();
                }
                let subject = self.shared.subjects.event(event.board_id);
                acks.push(self.js.publish_with_headers(subject, headers, payload.into()).await?);
            }
            for ack in acks {
                ack.await?;
            }
            metrics::counter!("bus_relayed_total").increment(chunk.len() as u64);
        }
        Ok(())
    }

    /// Live notifications, best effort (each is in its user's list whatever happens here).
    pub async fn notifications(&self, notes: &[Notification]) -> Result<(), BoxError> {
        let subject = self.shared.subjects.notification();
        for chunk in notes.chunks(CHUNK) {
            let mut acks = Vec::with_capacity(chunk.len());
            for note in chunk {
                let payload = serde_json::to_vec(note)?;
                let headers = self.headers(&note.id.to_string(), true);
                acks.push(self.js.publish_with_headers(subject.clone(), headers, payload.into()).await?);
            }
            for ack in acks {
                ack.await?;
            }
        }
        Ok(())
    }

    fn headers(&self, id: &str, own: bool) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(async_nats::header::NATS_MESSAGE_ID, id);
        if own {
            headers.insert(ORIGIN, self.shared.node.as_str());
        }
        headers
    }
}
