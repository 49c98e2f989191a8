// Verifies a Sigstore bundle with a public key, offline, with @sigstore/verify (no transparency log, no
// certificate authority): node verify.js BUNDLE PUBLIC_KEY_PEM. Prints the statement's predicate type and
// subject digest; exits non-zero when the bundle does not verify. Used by SigstoreVerifyTest.
const { Verifier, toSignedEntity, toTrustMaterial } = require('@sigstore/verify');
const { bundleFromJSON } = require('@sigstore/bundle');
const { TrustedRoot } = require('@sigstore/protobuf-specs');
const crypto = require('crypto');
const fs = require('fs');
const [bundlePath, pubPath] = process.argv.slice(2);
const bundle = bundleFromJSON(JSON.parse(fs.readFileSync(bundlePath, 'utf8')));
const key = crypto.createPublicKey(fs.readFileSync(pubPath));
const trust = toTrustMaterial(TrustedRoot.fromJSON({}), () => ({ publicKey: key, validFor: () => true }));
const verifier = new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
verifier.verify(toSignedEntity(bundle));
const statement = JSON.parse(Buffer.from(bundle.content.dsseEnvelope.payload).toString('utf8'));
console.log('verified ' + statement.predicateType + ' ' + statement.subject[0].digest.sha256);
