//! A network of Kubo nodes on loopback that find content through the DHT.
//!
//! One bootstrap node and `n - 1` others whose only `Bootstrap` peer it is:
//! no test connects two of them by hand. Every node runs the DHT as a
//! server (`Routing.Type=dhtserver`), so that each answers the others'
//! queries; with the test profile's `Routing.LoopbackAddressesOnLanDHT`,
//! loopback addresses count on the LAN DHT, which is the one these nodes
//! use (the WAN DHT drops private addresses). There are no delegated HTTP
//! routers (the test profile empties them), no MDNS and no public peers:
//! nothing leaves 127.0.0.1.

use super::kubo::Kubo;
use std::path::Path;
use std::time::{Duration, Instant};

pub struct Network {
    /// `nodes[0]` is the bootstrap node.
    pub nodes: Vec<Kubo>,
}

/// The config every node of the network starts with, besides `Bootstrap`.
///
/// Bitswap's broadcast control is applied to local peers too
/// (`Internal.Bitswap.BroadcastControl.LocalPeers`, no random peers), so
/// that a node asks only peers that answered it before and the providers
/// the DHT names: in a network this small the DHT's own walks connect every
/// node to every other, and without it a clone would work with no provider
/// record at all. The resource manager is off: its limits are for the
/// public network, not ten nodes on one machine.
///
/// The nodes bootstrap while their daemons start, so some connections are
/// made before bitswap listens for them, and Kubo's bitswap never uses
/// those (seen with v0.39.0 and v0.42.0: no `connect notification` in the
/// cloner's `bitswap/client/peermgr` log for the pusher it was connected
/// to, and its wants never sent there). That is left as it is, because a
/// user's node does the same: nip's fetch reconnects to the providers of a
/// block that does not come (`src/kubo/client.rs`), and the clones in
/// `tests/dht.rs` go through that.
pub const DHT_CONFIG: &[(&str, &str)] = &[
    ("Routing.Type", "\"dhtserver\""),
    ("Provide.Strategy", "\"roots\""),
    ("Swarm.ResourceMgr.Enabled", "false"),
    (
        "Internal.Bitswap.BroadcastControl",
        r#"{"Enable":true,"LocalPeers":true,"PeeredPeers":true,"MaxRandomPeers":0,"SendToPendingPeers":false}"#,
    ),
];

impl Network {
    /// Starts `n` nodes (at least 2) and waits until each has a peer in its
    /// LAN DHT routing table besides the bootstrap node, or 60 s.
    pub fn start(bin: &Path, n: usize) -> Network {
        assert!(n >= 2);
        // Each node on an address of its own in 127.0.0.0/8, as machines on
        // a LAN are: libp2p and the DHT treat peers that share one IP as
        // one host (limits per IP), which a network all on 127.0.0.1 is not.
        let swarm = |i: usize| format!("[\"/ip4/127.0.{}.{}/tcp/0\"]", 1 + i / 250, 2 + i % 250);
        let mut first: Vec<(&str, &str)> = DHT_CONFIG.to_vec();
        let first_swarm = swarm(0);
        first.push(("Addresses.Swarm", &first_swarm));
        let bootstrap = Kubo::start_with(bin, &first);
        let addr = bootstrap.swarm_addr();
        let peers = format!("[\"{addr}\"]");
        let others: Vec<Kubo> = std::thread::scope(|s| {
            let handles: Vec<_> = (1..n)
                .map(|i| {
                    let peers = &peers;
                    s.spawn(move || {
                        let own = swarm(i);
                        let mut config: Vec<(&str, &str)> = DHT_CONFIG.to_vec();
                        config.push(("Bootstrap", peers));
                        config.push(("Addresses.Swarm", &own));
                        Kubo::start_with(bin, &config)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().expect("start a node")).collect()
        });
        let mut nodes = vec![bootstrap];
        nodes.extend(others);
        let net = Network { nodes };
        let deadline = Instant::now() + Duration::from_secs(60);
        for (i, node) in net.nodes.iter().enumerate().skip(1) {
            while node.lan_dht_peers() < 2 && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(200));
            }
            assert!(node.lan_dht_peers() >= 1, "node {i} has no LAN DHT peer after 60 s: {}", node.log());
        }
        net
    }

    /// The peer ID of node `i`.
    pub fn id(&self, i: usize) -> String {
        self.nodes[i].peer_id()
    }

    /// Whether node `a` has a connection to node `b` now.
    pub fn connected(&self, a: usize, b: usize) -> bool {
        let id = self.id(b);
        self.nodes[a].ipfs_ok(&["swarm", "peers"]).lines().any(|l| l.trim_end().ends_with(&id))
    }
}
