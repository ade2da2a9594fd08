//! The public keys a server verifies its asymmetric tokens with, as the PEM
//! texts a verifier holds: from a JWKS (`/.well-known/jwks.json`, `/jwks.json`,
//! the `jwks_uri` of `/.well-known/openid-configuration`, or any surveyed
//! answer shaped like one) rebuilt in DER by hand, and PEM blocks that answers
//! carry verbatim. A verifier that lets the token's header pick HS256 uses that
//! text as the HMAC key (algorithm confusion, AUTH-012).

use crate::ssrf::try_send;
use crate::web;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rampart_engine::http::origin::same_origin;
use rampart_engine::{Context, Error, Request, Response};
use rampart_model::Exchange;
use serde_json::Value;
use url::Url;

/// Where servers publish their keys, on the target's host.
const WELL_KNOWN: &[&str] = &[
    "/.well-known/jwks.json",
    "/jwks.json",
    "/.well-known/openid-configuration",
];
/// Requests [`find`] may cost: the well-known paths and one `jwks_uri`.
pub const FETCHES: u64 = WELL_KNOWN.len() as u64 + 1;
/// Most keys one scan tries.
const MAX_KEYS: usize = 4;
/// Longest PEM block read from an answer.
const MAX_PEM: usize = 8 * 1024;

/// One public key and the texts a verifier may hold it as.
#[derive(Debug, Clone)]
pub struct PublicKey {
    /// The JWK's `kid`, when it has one.
    pub kid: Option<String>,
    /// `RSA` or `EC`.
    pub kty: String,
    /// Each PEM spelling: SPKI (`PUBLIC KEY`), for RSA also PKCS#1 (`RSA PUBLIC KEY`);
    /// each with and without the final newline. A verbatim block is its own one text.
    pub pems: Vec<String>,
    /// The answer the key came from.
    pub exchange: Exchange,
}

/// The target's public keys, those whose `kid` is `kid` first; at most [`MAX_KEYS`].
pub async fn find(ctx: &Context<'_>, kid: Option<&str>) -> Result<Vec<PublicKey>, Error> {
    let mut keys: Vec<PublicKey> = ctx
        .survey
        .iter()
        .flat_map(|s| s.responses())
        .flat_map(keys_in)
        .collect();
    if keys.is_empty() {
        keys = fetch_well_known(ctx).await?;
    }
    keys.sort_by_key(|k| k.kid.as_deref() != kid || kid.is_none());
    keys.dedup_by(|a, b| a.pems == b.pems);
    keys.truncate(MAX_KEYS);
    Ok(keys)
}

async fn fetch_well_known(ctx: &Context<'_>) -> Result<Vec<PublicKey>, Error> {
    let home = &ctx.config.target;
    for path in WELL_KNOWN {
        let Ok(url) = home.join(path) else { continue };
        let Some(resp) = get(ctx, url).await? else { continue };
        let keys = keys_in(&resp);
        if !keys.is_empty() {
            return Ok(keys);
        }
        let jwks_uri = web::json(&resp).and_then(|v| v.get("jwks_uri")?.as_str().map(str::to_string));
        let Some(uri) = jwks_uri.and_then(|u| Url::parse(&u).ok()) else {
            continue;
        };
        // Another origin's keys sign another issuer's tokens; rampart sends nothing there.
        if same_origin(home, &uri) {
            if let Some(resp) = get(ctx, uri).await? {
                return Ok(keys_in(&resp));
            }
        }
    }
    Ok(Vec::new())
}

async fn get(ctx: &Context<'_>, url: Url) -> Result<Option<Response>, Error> {
    let resp = try_send(ctx, &Request::get(url).anonymous()).await?;
    Ok(resp.filter(|r| r.status == 200))
}

/// The keys one answer carries: a JWKS (`{"keys": [...]}`), one JWK, or PEM blocks.
fn keys_in(resp: &Response) -> Vec<PublicKey> {
    let text = resp.text();
    if !text.contains("\"kty\"") && !text.contains("PUBLIC KEY-----") {
        return Vec::new();
    }
    let exchange = || resp.exchange.clone();
    if let Some(json) = web::json(resp) {
        let jwks = json
            .get("keys")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_else(|| vec![json]);
        return jwks
            .iter()
            .filter_map(|jwk| {
                let (kty, der) = spki(jwk)?;
                let mut pems = spellings(&pem("PUBLIC KEY", &der));
                if kty == "RSA" {
                    pems.extend(spellings(&pem("RSA PUBLIC KEY", &pkcs1(jwk)?)));
                }
                Some(PublicKey {
                    kid: jwk.get("kid").and_then(Value::as_str).map(str::to_string),
                    kty: kty.into(),
                    pems,
                    exchange: exchange(),
                })
            })
            .collect();
    }
    pem_blocks(&text)
        .into_iter()
        .map(|block| PublicKey {
            kid: None,
            kty: if block.contains("RSA PUBLIC KEY") { "RSA" } else { "PEM" }.into(),
            pems: vec![block],
            exchange: exchange(),
        })
        .collect()
}

/// A PEM text with and without its final newline.
fn spellings(pem: &str) -> Vec<String> {
    vec![pem.to_string(), pem.trim_end_matches('\n').to_string()]
}

/// Public-key PEM blocks in a text, exactly as written (a following newline kept).
fn pem_blocks(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for label in ["PUBLIC KEY", "RSA PUBLIC KEY"] {
        let (begin, end) = (format!("-----BEGIN {label}-----"), format!("-----END {label}-----"));
        let mut rest = text;
        while let Some(at) = rest.find(&begin) {
            let Some(len) = rest[at..].find(&end).map(|e| e + end.len()) else {
                break;
            };
            let stop = at + len + usize::from(rest[at + len..].starts_with('\n'));
            if len <= MAX_PEM {
                out.push(rest[at..stop].to_string());
            }
            rest = &rest[stop..];
        }
    }
    out
}

/// `-----BEGIN label-----`, the DER in base64 lines of 64 characters, the end line and a newline.
fn pem(label: &str, der: &[u8]) -> String {
    let b64 = STANDARD.encode(der);
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .filter_map(|c| std::str::from_utf8(c).ok())
        .collect();
    format!("-----BEGIN {label}-----\n{}\n-----END {label}-----\n", lines.join("\n"))
}

// --- DER, just enough for public keys ---------------------------------------

const RSA_ENCRYPTION: &[u8] = &[0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const EC_PUBLIC_KEY: &[u8] = &[0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const CURVES: &[(&str, &[u8])] = &[
    ("P-256", &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]),
    ("P-384", &[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22]),
    ("P-521", &[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23]),
];

/// The JWK's SubjectPublicKeyInfo in DER, with its key type; RSA and EC keys only.
fn spki(jwk: &Value) -> Option<(&'static str, Vec<u8>)> {
    let text = |name: &str| jwk.get(name).and_then(Value::as_str);
    match text("kty")? {
        "RSA" => {
            let algorithm = tlv(0x30, &[RSA_ENCRYPTION, &[0x05, 0x00]].concat());
            Some(("RSA", tlv(0x30, &[algorithm, bit_string(&pkcs1(jwk)?)].concat())))
        }
        "EC" => {
            let (_, curve) = CURVES.iter().find(|(name, _)| Some(*name) == text("crv"))?;
            let point = [&[0x04][..], &bytes(text("x")?)?, &bytes(text("y")?)?].concat();
            let algorithm = tlv(0x30, &[EC_PUBLIC_KEY, curve].concat());
            Some(("EC", tlv(0x30, &[algorithm, bit_string(&point)].concat())))
        }
        _ => None,
    }
}

/// An RSA JWK as PKCS#1 RSAPublicKey: SEQUENCE { INTEGER n, INTEGER e }.
fn pkcs1(jwk: &Value) -> Option<Vec<u8>> {
    let int = |name: &str| Some(integer(&bytes(jwk.get(name)?.as_str()?)?));
    Some(tlv(0x30, &[int("n")?, int("e")?].concat()))
}

fn bytes(b64url: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD
        .decode(b64url.trim_end_matches('='))
        .ok()
        .filter(|b| !b.is_empty())
}

/// An unsigned big-endian number as a DER INTEGER: no leading zeros, one added when the top bit is set.
fn integer(magnitude: &[u8]) -> Vec<u8> {
    let start = magnitude
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(magnitude.len().saturating_sub(1));
    let digits = &magnitude[start..];
    let pad: &[u8] = if digits.first().is_some_and(|b| b & 0x80 != 0) {
        &[0]
    } else {
        &[]
    };
    tlv(0x02, &[pad, digits].concat())
}

fn bit_string(content: &[u8]) -> Vec<u8> {
    tlv(0x03, &[&[0x00][..], content].concat())
}

/// Tag, definite length, value.
fn tlv(tag: u8, value: &[u8]) -> Vec<u8> {
    let len = value.len();
    let mut out = vec![tag];
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let digits: Vec<u8> = len.to_be_bytes().into_iter().skip_while(|&b| b == 0).collect();
        out.push(0x80 | digits.len() as u8);
        out.extend(digits);
    }
    out.extend_from_slice(value);
    out
}

#[cfg(test)]
mod tests;
