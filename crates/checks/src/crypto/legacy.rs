//! Probing for TLS 1.0 and 1.1, which rustls cannot speak: a hand-built
//! ClientHello offering only the old version, and a look at the first record
//! of the answer (a ServerHello of that version, or an alert).

use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// An old protocol version rampart asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Legacy {
    Tls10,
    Tls11,
}

impl Legacy {
    /// The version as it travels in a hello (`0x0301`).
    pub fn wire(self) -> u16 {
        match self {
            Legacy::Tls10 => 0x0301,
            Legacy::Tls11 => 0x0302,
        }
    }

    /// The version in words (`TLS 1.0`).
    pub fn name(self) -> &'static str {
        match self {
            Legacy::Tls10 => "TLS 1.0",
            Legacy::Tls11 => "TLS 1.1",
        }
    }
}

/// CBC suites every TLS 1.0/1.1 server knows (ECDHE and RSA key exchange), and the renegotiation SCSV.
const SUITES: &[u16] = &[
    0xc014, 0xc013, 0xc00a, 0xc009, 0x0039, 0x0033, 0x0035, 0x002f, 0x000a, 0x00ff,
];
/// Most bytes read from the answer.
const MAX_READ: usize = 4096;

/// What the server answered to an old-version ClientHello.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// A ServerHello choosing this (old) version and cipher suite.
    Accepted { version: u16, suite: u16 },
    /// An alert, a newer version, a closed connection or nothing readable.
    Refused(String),
}

/// A ClientHello record that offers only `version`, with `host` as SNI when it is a name.
pub fn client_hello(version: Legacy, host: Option<&str>) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&version.wire().to_be_bytes());
    body.extend((0..32).map(|_| rand::random::<u8>()));
    body.push(0);
    let suites: Vec<u8> = SUITES.iter().flat_map(|s| s.to_be_bytes()).collect();
    put_u16_vec(&mut body, &suites);
    body.extend_from_slice(&[1, 0]);
    let mut extensions = Vec::new();
    if let Some(name) = host {
        let mut entry = vec![0];
        put_u16_vec(&mut entry, name.as_bytes());
        let mut list = Vec::new();
        put_u16_vec(&mut list, &entry);
        extension(&mut extensions, 0x0000, &list);
    }
    let mut groups = Vec::new();
    put_u16_vec(&mut groups, &[0x00, 0x1d, 0x00, 0x17, 0x00, 0x18]);
    extension(&mut extensions, 0x000a, &groups);
    extension(&mut extensions, 0x000b, &[1, 0]);
    put_u16_vec(&mut body, &extensions);
    let mut handshake = vec![1];
    handshake.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    handshake.extend_from_slice(&body);
    let mut record = vec![0x16, 0x03, 0x01];
    put_u16_vec(&mut record, &handshake);
    record
}

fn put_u16_vec(out: &mut Vec<u8>, data: &[u8]) {
    out.extend_from_slice(&(data.len() as u16).to_be_bytes());
    out.extend_from_slice(data);
}

fn extension(out: &mut Vec<u8>, kind: u16, data: &[u8]) {
    out.extend_from_slice(&kind.to_be_bytes());
    put_u16_vec(out, data);
}

/// Read the first record of an answer: a ServerHello's version and suite, or why not.
pub fn read_answer(bytes: &[u8], asked: Legacy) -> Answer {
    match bytes {
        [] => Answer::Refused("the server closed the connection".into()),
        [0x15, _, _, _, _, _, description, ..] => Answer::Refused(format!("alert {description}")),
        [0x16, _, _, _, _, 0x02, _, _, _, major, minor, rest @ ..] => {
            let version = u16::from_be_bytes([*major, *minor]);
            // random (32) and session id (length-prefixed) come before the suite.
            let suite = rest
                .get(32)
                .and_then(|&len| rest.get(33 + len as usize..35 + len as usize))
                .map_or(0, |s| u16::from_be_bytes([s[0], s[1]]));
            if version <= asked.wire() && version >= 0x0300 {
                Answer::Accepted { version, suite }
            } else {
                Answer::Refused(format!("ServerHello for version {version:#06x}"))
            }
        }
        _ => Answer::Refused("not a TLS handshake answer".into()),
    }
}

/// Has enough of the first record arrived to judge it (the whole record, or up to a ServerHello's cipher suite)?
fn complete(b: &[u8]) -> bool {
    let Some(len) = b.get(3..5).map(|l| u16::from_be_bytes([l[0], l[1]]) as usize) else {
        return false;
    };
    b.len() >= MAX_READ || b.len() >= (5 + len).min(11 + 35 + 32)
}

/// Offer only `version` over `tcp` (a connection the HTTP layer opened) and
/// read the answer, within `timeout`.
pub async fn probe(mut tcp: TcpStream, host: Option<&str>, version: Legacy, timeout: Duration) -> Answer {
    let exchange = async {
        tcp.write_all(&client_hello(version, host)).await?;
        let mut buf = Vec::new();
        let mut chunk = [0u8; 1024];
        while !complete(&buf) {
            match tcp.read(&mut chunk).await {
                Ok(0) => break,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
                Err(_) if !buf.is_empty() => break,
                Err(e) => return Err(e),
            }
        }
        Ok::<_, std::io::Error>(buf)
    };
    match tokio::time::timeout(timeout, exchange).await {
        Ok(Ok(bytes)) => read_answer(&bytes, version),
        Ok(Err(e)) => Answer::Refused(e.to_string()),
        Err(_) => Answer::Refused("no answer in time".into()),
    }
}

/// The finding variant of a protocol version (`tls1.0`).
pub fn version_variant(wire: u16) -> &'static str {
    match wire {
        0x0300 => "ssl3.0",
        0x0301 => "tls1.0",
        0x0302 => "tls1.1",
        _ => "unknown",
    }
}

/// The name of a wire version (`TLS 1.0`).
pub fn version_name(wire: u16) -> &'static str {
    match wire {
        0x0300 => "SSL 3.0",
        0x0301 => "TLS 1.0",
        0x0302 => "TLS 1.1",
        _ => "an unknown version",
    }
}
