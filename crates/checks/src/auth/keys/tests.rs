//! Keys made with openssl (`genpkey`, then `pkey -pubout` and `rsa -RSAPublicKey_out`);
//! the JWK members read from `-modulus` and `-text`.

use super::*;
use serde_json::json;

const RSA_N: &str = "vYtBVJNHOQgNLzfjpUnzpAMRsE5Y5uboG6BxSj8WRUxsoQ0llTdnBm9oEma3bKtcfdm-GdWSdDiYKWCKmRoTyizbGdMli2P7rE0GGtePClg48vq9x9SFuzpgvW_zvf3Qd_Gz8J3P-7V0yUVCgCQXPCN5HDzQcjr6OolrqkG7CAM";
const RSA_SPKI: &str = "-----BEGIN PUBLIC KEY-----\nMIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC9i0FUk0c5CA0vN+OlSfOkAxGw\nTljm5ugboHFKPxZFTGyhDSWVN2cGb2gSZrdsq1x92b4Z1ZJ0OJgpYIqZGhPKLNsZ\n0yWLY/usTQYa148KWDjy+r3H1IW7OmC9b/O9/dB38bPwnc/7tXTJRUKAJBc8I3kc\nPNByOvo6iWuqQbsIAwIDAQAB\n-----END PUBLIC KEY-----\n";
const RSA_PKCS1: &str = "-----BEGIN RSA PUBLIC KEY-----\nMIGJAoGBAL2LQVSTRzkIDS8346VJ86QDEbBOWObm6BugcUo/FkVMbKENJZU3ZwZv\naBJmt2yrXH3ZvhnVknQ4mClgipkaE8os2xnTJYtj+6xNBhrXjwpYOPL6vcfUhbs6\nYL1v87390Hfxs/Cdz/u1dMlFQoAkFzwjeRw80HI6+jqJa6pBuwgDAgMBAAE=\n-----END RSA PUBLIC KEY-----\n";
const EC_SPKI: &str = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEc0agz5GXxZNsUA+14sGCmlmmY03d\nal2m/PZpj6BtRdvocukVHZPtfy+PdD/6VSUYosxRlZLfE81Gepfaq9DS9A==\n-----END PUBLIC KEY-----\n";

#[test]
fn rsa_jwks_give_the_pem_texts_openssl_writes() {
    let jwk = json!({"kty": "RSA", "n": RSA_N, "e": "AQAB", "kid": "k1"});
    let (kty, der) = spki(&jwk).unwrap();
    assert_eq!(kty, "RSA");
    assert_eq!(pem("PUBLIC KEY", &der), RSA_SPKI);
    assert_eq!(pem("RSA PUBLIC KEY", &pkcs1(&jwk).unwrap()), RSA_PKCS1);
}

#[test]
fn ec_jwks_give_the_pem_text_openssl_writes() {
    let jwk = json!({"kty": "EC", "crv": "P-256", "x": "c0agz5GXxZNsUA-14sGCmlmmY03dal2m_PZpj6BtRds", "y": "6HLpFR2T7X8vj3Q_-lUlGKLMUZWS3xPNRnqX2qvQ0vQ"});
    let (kty, der) = spki(&jwk).unwrap();
    assert_eq!(kty, "EC");
    assert_eq!(pem("PUBLIC KEY", &der), EC_SPKI);
    assert!(spki(&json!({"kty": "EC", "crv": "P-999", "x": "AA", "y": "AA"})).is_none());
    assert!(spki(&json!({"kty": "oct", "k": "c2VjcmV0"})).is_none());
}

#[test]
fn integers_are_minimal_and_positive() {
    assert_eq!(integer(&[0x00, 0x01, 0x00, 0x01]), vec![0x02, 0x03, 0x01, 0x00, 0x01]);
    assert_eq!(integer(&[0x80]), vec![0x02, 0x02, 0x00, 0x80]);
    assert_eq!(tlv(0x04, &[7; 200])[..3], [0x04, 0x81, 200]);
    assert_eq!(tlv(0x04, &[7; 300])[..4], [0x04, 0x82, 0x01, 0x2c]);
}

#[test]
fn pem_blocks_are_taken_verbatim() {
    let page = format!("key:\n{RSA_SPKI}and\n{RSA_PKCS1}-----BEGIN PUBLIC KEY-----\nunterminated");
    assert_eq!(pem_blocks(&page), vec![RSA_SPKI.to_string(), RSA_PKCS1.to_string()]);
    assert_eq!(spellings(RSA_SPKI)[1], RSA_SPKI.trim_end());
}
