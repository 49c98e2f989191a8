// Makes a Sigstore bundle with @sigstore/sign and a key, offline (no Fulcio, no Rekor): a DSSE envelope of an
// in-toto statement of cosign's sign predicate over one image digest, as cosign v3 signs an image.
// node sign.js PRIVATE_KEY_PEM NAME SHA256_HEX OUT. Used by SigstoreVerifyTest.
const { DSSEBundleBuilder } = require('@sigstore/sign');
const { bundleToJSON } = require('@sigstore/bundle');
const crypto = require('crypto');
const fs = require('fs');
const [keyPath, name, hex, out] = process.argv.slice(2);
const key = crypto.createPrivateKey(fs.readFileSync(keyPath));
const publicKey = crypto.createPublicKey(key).export({ type: 'spki', format: 'pem' });
const signer = {
  sign: async (data) => ({ signature: crypto.sign('sha256', data, key), key: { $case: 'publicKey', publicKey, hint: '' } }),
};
const statement = {
  _type: 'https://in-toto.io/Statement/v1',
  subject: [{ name, digest: { sha256: hex } }],
  predicateType: 'https://sigstore.dev/cosign/sign/v1',
  predicate: {},
};
new DSSEBundleBuilder({ signer, witnesses: [] })
  .create({ data: Buffer.from(JSON.stringify(statement)), type: 'application/vnd.in-toto+json' })
  .then((bundle) => fs.writeFileSync(out, JSON.stringify(bundleToJSON(bundle))))
  .catch((e) => { console.error(e); process.exit(1); });
