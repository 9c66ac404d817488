//! Kubo's keystore and name calls: `key/list`, `key/gen`, `key/import`,
//! `name/publish`, `name/resolve` (for DNSLink) and `routing/get` (for the
//! raw IPNS record, whose sequence number nip needs).
//!
//! Key export is not here: Kubo serves it only on the command line
//! (`ipfs key export` reads the keystore directly), so `nipctl key export`
//! runs that.

use super::client::{runtime, Client, KuboError};
use reqwest::multipart::{Form, Part};
use std::time::Duration;

/// A key in the node's keystore.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key {
    /// Its name in the keystore (`self` is the node's identity).
    pub name: String,
    /// Its IPNS name, base36 CIDv1 (`k51…`).
    pub id: String,
}

/// What `routing/get` found for a name.
#[derive(Debug)]
pub enum RecordLookup {
    /// The signed record, as bytes (protobuf `IpnsEntry`).
    Found(Vec<u8>),
    /// No record anywhere the node looked.
    NotFound,
}

/// The keys of a `key/*` answer: `{"Keys": [{"Name", "Id"}, …]}`, or one
/// `{"Name", "Id"}`. Any key without both is a malformed answer (`Err`
/// says what it was), never a key left out.
fn keys_from(v: &serde_json::Value) -> Result<Vec<Key>, String> {
    let one = |k: &serde_json::Value| match (k.get("Name").and_then(|n| n.as_str()), k.get("Id").and_then(|i| i.as_str())) {
        (Some(name), Some(id)) => Ok(Key { name: name.to_string(), id: id.to_string() }),
        _ => Err(format!("a key without a Name and an Id: {}", crate::protocol::one_line(&k.to_string()))),
    };
    match v.get("Keys") {
        Some(serde_json::Value::Array(keys)) => keys.iter().map(one).collect(),
        // Kubo answers `"Keys": null` for an empty keystore.
        Some(serde_json::Value::Null) => Ok(Vec::new()),
        Some(other) => Err(format!("Keys is not a list: {}", crate::protocol::one_line(&other.to_string()))),
        None => one(v).map(|k| vec![k]),
    }
}

impl Client {
    fn bad_answer(&self, call: &str, what: &str) -> KuboError {
        self.malformed(call, what.chars().take(300).collect())
    }

    /// The one key a `key/gen` or `key/import` answers with.
    fn one_key(&self, call: &str, v: &serde_json::Value) -> Result<Key, KuboError> {
        match keys_from(v) {
            Ok(mut keys) if keys.len() == 1 => Ok(keys.remove(0)),
            Ok(keys) => Err(self.bad_answer(call, &format!("{} keys where one was made", keys.len()))),
            Err(why) => Err(self.bad_answer(call, &why)),
        }
    }

    /// Every key in the node's keystore, with its IPNS name in base36.
    pub fn key_list(&self) -> Result<Vec<Key>, KuboError> {
        let v = runtime().block_on(self.simple("key/list", &[("l", "true".into()), ("ipns-base", "base36".into())]))?;
        keys_from(&v).map_err(|why| self.bad_answer("key/list", &why))
    }

    /// Makes a new Ed25519 key called `name`.
    pub fn key_gen(&self, name: &str) -> Result<Key, KuboError> {
        let args = [("arg", name.to_string()), ("type", "ed25519".into()), ("ipns-base", "base36".into())];
        let v = runtime().block_on(self.simple("key/gen", &args))?;
        self.one_key("key/gen", &v)
    }

    /// Removes the key called `name` from the keystore.
    pub fn key_rm(&self, name: &str) -> Result<(), KuboError> {
        runtime().block_on(self.simple("key/rm", &[("arg", name.to_string())])).map(|_| ())
    }

    /// Imports a private key (libp2p protobuf, as `ipfs key export` writes
    /// it) under `name`.
    pub fn key_import(&self, name: &str, key: Vec<u8>) -> Result<Key, KuboError> {
        let args = [("arg", name.to_string()), ("format", "libp2p-protobuf-cleartext".into()), ("ipns-base", "base36".into())];
        let form = Form::new().part("key", Part::bytes(key).file_name("key"));
        let v = runtime().block_on(self.simple_with("key/import", &args, Some(form)))?;
        self.one_key("key/import", &v)
    }

    /// Publishes `value` (a path, `/ipfs/<cid>`) under `key` (a keystore
    /// name or its IPNS name) with an explicit `sequence`. Works without
    /// peers (`allow-offline`): the record is kept on the node and goes to
    /// the network when there is one. `ttl` tells resolvers how long they
    /// may cache it.
    pub fn name_publish(&self, key: &str, value: &str, sequence: u64, ttl: Duration) -> Result<(), KuboError> {
        let args = [
            ("arg", value.to_string()),
            ("key", key.to_string()),
            ("sequence", sequence.to_string()),
            ("allow-offline", "true".into()),
            ("resolve", "false".into()),
            ("ttl", format!("{}s", ttl.as_secs())),
            ("ipns-base", "base36".into()),
        ];
        runtime().block_on(async {
            let resp = self.call("name/publish", &args, None, Some(self.timeout())).await?;
            self.bytes("name/publish", resp).await.map(|_| ())
        })
    }

    /// The IPNS record of `name` (`k51…`): with `offline`, only what the
    /// node holds itself; otherwise the best record the node and the peers
    /// it asks have, within the IPNS timeout.
    pub fn routing_get_ipns(&self, name: &str, offline: bool) -> Result<RecordLookup, KuboError> {
        let mut args = vec![("arg", format!("/ipns/{name}"))];
        if offline {
            args.push(("offline", "true".into()));
        }
        let answer = runtime().block_on(async {
            let resp = self.call("routing/get", &args, None, Some(self.ipns_timeout())).await?;
            self.bytes("routing/get", resp).await
        });
        let body = match answer {
            Ok(body) => body,
            Err(e) if e.is_not_found() => return Ok(RecordLookup::NotFound),
            Err(e) => return Err(e),
        };
        // One JSON object per routing event; the value is the Type 5 one,
        // its record in `Extra` (base64).
        for line in body.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
            let v: serde_json::Value =
                serde_json::from_slice(line).map_err(|e| self.bad_answer("routing/get", &e.to_string()))?;
            if v.get("Type").and_then(|t| t.as_u64()) == Some(5) {
                let extra = v
                    .get("Extra")
                    .and_then(|e| e.as_str())
                    .ok_or_else(|| self.bad_answer("routing/get", "its value event has no record (`Extra`)"))?;
                let record = cid::multibase::Base::Base64Pad
                    .decode(extra)
                    .map_err(|e| self.bad_answer("routing/get", &format!("record is not base64: {e}")))?;
                return Ok(RecordLookup::Found(record));
            }
        }
        Ok(RecordLookup::NotFound)
    }

    /// Resolves one step of a name: for a DNSLink domain, what its
    /// `_dnslink` TXT record says (`/ipns/k51…` or `/ipfs/<cid>`).
    pub fn name_resolve_once(&self, name: &str) -> Result<String, KuboError> {
        let t = self.ipns_timeout();
        let args = [
            ("arg", format!("/ipns/{name}")),
            ("recursive", "false".to_string()),
            ("nocache", "true".into()),
            ("dht-timeout", format!("{}s", t.as_secs())),
        ];
        let v = runtime().block_on(async {
            let resp = self.call("name/resolve", &args, None, Some(t)).await?;
            let body = self.bytes("name/resolve", resp).await?;
            self.json("name/resolve", &body)
        })?;
        v.get("Path").and_then(|p| p.as_str()).map(str::to_string).ok_or_else(|| {
            self.bad_answer("name/resolve", &format!("it has no Path: {}", crate::protocol::one_line(&v.to_string())))
        })
    }
}
