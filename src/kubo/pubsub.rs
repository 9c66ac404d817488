//! Kubo's pubsub calls (`pubsub/pub`, `pubsub/sub`) and the IPNS record
//! check (`name/inspect --verify`), for new-push announcements
//! ([`crate::announce`]).
//!
//! Topics travel multibase-encoded (base64url, `u…`), as Kubo's RPC wants
//! them; so do message bodies in what `pubsub/sub` streams. Pubsub is off
//! unless the node runs with `Pubsub.Enabled=true`
//! (`--enable-pubsub-experiment`).

use super::client::{runtime, Client, KuboError};
use cid::multibase::Base;
use futures_util::StreamExt;
use reqwest::multipart::{Form, Part};
use std::pin::Pin;

/// The longest line `pubsub/sub` may send: a record of
/// [`crate::announce::MAX_RECORD`] bytes in base64 and JSON around it.
const LINE_MAX: usize = 64 << 10;

/// One message heard on a topic.
#[derive(Debug, Clone)]
pub struct Message {
    /// The peer that published it (as Kubo says).
    pub from: String,
    pub data: Vec<u8>,
}

type Body = Pin<Box<dyn futures_util::Stream<Item = reqwest::Result<bytes::Bytes>> + Send>>;

/// A subscription to a topic, read one message at a time ([`Self::next_message`]).
/// It lasts until dropped.
pub struct Subscription {
    client: Client,
    body: Body,
    buf: Vec<u8>,
}

impl Client {
    /// Publishes `data` on `topic`.
    pub fn pubsub_pub(&self, topic: &str, data: Vec<u8>) -> Result<(), KuboError> {
        let args = [("arg", cid::multibase::encode(Base::Base64Url, topic))];
        runtime().block_on(async {
            let form = Form::new().part("file", Part::bytes(data).file_name("data"));
            let resp = self.call("pubsub/pub", &args, Some(form), Some(self.timeout())).await?;
            self.bytes("pubsub/pub", resp).await.map(|_| ())
        })
    }

    /// Subscribes to `topic`. The node starts relaying the topic's
    /// messages once it answers.
    pub fn pubsub_sub(&self, topic: &str) -> Result<Subscription, KuboError> {
        let args = [("arg", cid::multibase::encode(Base::Base64Url, topic))];
        let resp = runtime().block_on(self.call("pubsub/sub", &args, None, None))?;
        Ok(Subscription { client: self.clone(), body: Box::pin(resp.bytes_stream()), buf: Vec::new() })
    }

    /// What `record` says, if it is an IPNS record validly signed for
    /// `name` (`k51…`): `Ok((value, sequence))`; `Err(why)` when it is
    /// not. The node checks the signature and the validity
    /// (`name/inspect --verify`); nip holds no key code of its own.
    pub fn ipns_verify(&self, name: &str, record: &[u8]) -> Result<Result<(String, u64), String>, KuboError> {
        let args = [("verify", name.to_string()), ("dump", "false".to_string())];
        let answer = runtime().block_on(async {
            let form = Form::new().part("file", Part::bytes(record.to_vec()).file_name("record"));
            let resp = self.call("name/inspect", &args, Some(form), Some(self.timeout())).await?;
            self.bytes("name/inspect", resp).await
        });
        let body = match answer {
            Ok(b) => b,
            // The node could not read it as a record at all.
            Err(KuboError::Api { message, .. }) => return Ok(Err(format!("not an IPNS record ({message})"))),
            Err(e) => return Err(e),
        };
        let v = self.json("name/inspect", &body)?;
        let validation = v.get("Validation").ok_or_else(|| self.malformed("name/inspect", "no Validation".into()))?;
        if validation.get("Valid").and_then(|b| b.as_bool()) != Some(true) {
            let why = validation.get("Reason").and_then(|r| r.as_str()).unwrap_or("the node says it is not valid");
            return Ok(Err(crate::protocol::one_line(why).chars().take(200).collect()));
        }
        let entry = v.get("Entry").ok_or_else(|| self.malformed("name/inspect", "no Entry".into()))?;
        let value = entry.get("Value").and_then(|s| s.as_str()).unwrap_or_default().to_string();
        match entry.get("Sequence").and_then(|s| s.as_u64()) {
            Some(sequence) => Ok(Ok((value, sequence))),
            None => Ok(Err("the record has no sequence number".into())),
        }
    }
}

impl Subscription {
    /// The next message, waiting as long as it takes; `None` when the node
    /// ended the subscription.
    pub fn next_message(&mut self) -> Result<Option<Message>, KuboError> {
        loop {
            if let Some(pos) = self.buf.iter().position(|b| *b == b'\n') {
                let line: Vec<u8> = self.buf.drain(..=pos).collect();
                if line.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                return self.message(&line).map(Some);
            }
            if self.buf.len() > LINE_MAX {
                return Err(self.client.malformed("pubsub/sub", format!("a line longer than {LINE_MAX} bytes")));
            }
            match runtime().block_on(self.body.next()) {
                Some(Ok(chunk)) => self.buf.extend_from_slice(&chunk),
                Some(Err(e)) => return Err(self.client.transport_error("pubsub/sub", e, None)),
                None => return Ok(None),
            }
        }
    }

    fn message(&self, line: &[u8]) -> Result<Message, KuboError> {
        let bad = |why: &str| self.client.malformed("pubsub/sub", why.to_string());
        let v = self.client.json("pubsub/sub", line)?;
        // An error after the answer began comes as {"Message", "Type": "error"}.
        if v.get("Type").and_then(|t| t.as_str()) == Some("error") {
            let said = v.get("Message").and_then(|m| m.as_str()).unwrap_or("an error");
            return Err(KuboError::Api {
                endpoint: self.client.endpoint(),
                call: "pubsub/sub".into(),
                message: crate::protocol::one_line(said).chars().take(300).collect(),
            });
        }
        let from = v.get("from").and_then(|f| f.as_str()).unwrap_or_default();
        let data = match v.get("data").and_then(|d| d.as_str()) {
            Some(d) => cid::multibase::decode(d).map_err(|e| bad(&format!("data is not multibase: {e}")))?.1,
            None => Vec::new(),
        };
        Ok(Message { from: crate::protocol::one_line(from).chars().take(100).collect(), data })
    }
}
