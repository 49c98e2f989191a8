// Writes a private key in cosign's encrypted key file form, as go-securesystemslib's encrypted.Encrypt does for
// cosign generate-key-pair: PEM "ENCRYPTED SIGSTORE PRIVATE KEY" of JSON {kdf: scrypt N=65536 r=8 p=1 with a
// 32-byte salt, cipher: nacl/secretbox with a 24-byte nonce, ciphertext}, sealing the PKCS#8 DER. Node's
// scrypt and tweetnacl's secretbox, independent of the Java code that reads it.
// node cosign-key.js PKCS8_PEM PASSWORD OUT. Used by CosignKeyFileTest.
const nacl = require('tweetnacl');
const crypto = require('crypto');
const fs = require('fs');
const [inPath, password, out] = process.argv.slice(2);
const der = crypto.createPrivateKey(fs.readFileSync(inPath)).export({ type: 'pkcs8', format: 'der' });
const salt = crypto.randomBytes(32);
const nonce = crypto.randomBytes(24);
const key = crypto.scryptSync(Buffer.from(password, 'utf8'), salt, 32, { N: 65536, r: 8, p: 1, maxmem: 256 * 1024 * 1024 });
const box = nacl.secretbox(new Uint8Array(der), new Uint8Array(nonce), new Uint8Array(key));
const json = JSON.stringify({
  kdf: { name: 'scrypt', params: { N: 65536, r: 8, p: 1 }, salt: salt.toString('base64') },
  cipher: { name: 'nacl/secretbox', nonce: nonce.toString('base64') },
  ciphertext: Buffer.from(box).toString('base64'),
});
const body = Buffer.from(json).toString('base64').match(/.{1,64}/g).join('\n');
fs.writeFileSync(out, '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n' + body + '\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n');
