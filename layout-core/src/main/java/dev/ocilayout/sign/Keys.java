package dev.ocilayout.sign;

import dev.ocilayout.error.InvalidContentException;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.PBEParameterSpec;

/**
 * Signing keys as cosign and openssl keep them (spec-notes/signatures.md): ECDSA P-256; a private key in PEM
 * as PKCS#8 ({@code PRIVATE KEY}), or encrypted with a password as PKCS#8's PBES2 with PBKDF2-HMAC-SHA256 and
 * AES-256-CBC ({@code ENCRYPTED PRIVATE KEY}, what {@code openssl pkcs8 -topk8 -v2 aes-256-cbc} writes and
 * reads); a public key as SubjectPublicKeyInfo ({@code PUBLIC KEY}, cosign's {@code cosign.pub}). Only the
 * JDK's own providers.
 */
public final class Keys {
    private static final String PBES2 = "PBEWithHmacSHA256AndAES_256";
    private static final int ITERATIONS = 600_000;

    private Keys() {
    }

    /** A new ECDSA P-256 key pair. */
    public static KeyPair generate() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make ECDSA P-256 keys", e);
        }
    }

    /** The private key as PEM: PKCS#8, encrypted with {@code password} when one is given. */
    public static String privatePem(PrivateKey key, char[] password) {
        if (password == null || password.length == 0) {
            return pem("PRIVATE KEY", key.getEncoded());
        }
        try {
            byte[] salt = new byte[16];
            new SecureRandom().nextBytes(salt);
            byte[] iv = new byte[16];
            new SecureRandom().nextBytes(iv);
            SecretKey pbe = SecretKeyFactory.getInstance(PBES2).generateSecret(new PBEKeySpec(password));
            Cipher c = Cipher.getInstance(PBES2);
            c.init(Cipher.ENCRYPT_MODE, pbe, new PBEParameterSpec(salt, ITERATIONS, new javax.crypto.spec.IvParameterSpec(iv)));
            AlgorithmParameters params = c.getParameters();
            byte[] encrypted = c.doFinal(key.getEncoded());
            // EncryptedPrivateKeyInfo ::= SEQUENCE { AlgorithmIdentifier { id-PBES2, PBES2-params }, OCTET STRING }
            // (RFC 5208, 8018), written here: the JDK 17 constructor does not take PBES2 parameters by name
            byte[] algorithm = der(0x30, concat(PBES2_OID, params.getEncoded()));
            return pem("ENCRYPTED PRIVATE KEY", der(0x30, concat(algorithm, der(0x04, encrypted))));
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot encrypt the key: " + e.getMessage(), e);
        }
    }

    public static String publicPem(PublicKey key) {
        return pem("PUBLIC KEY", key.getEncoded());
    }

    /**
     * A private key from PEM: {@code PRIVATE KEY}, or {@code ENCRYPTED PRIVATE KEY} with its password. Other
     * forms are refused with what to do ({@code EC PRIVATE KEY}: convert it with openssl; cosign's own
     * {@code ENCRYPTED SIGSTORE PRIVATE KEY} needs scrypt and secretbox, not in the JDK).
     */
    public static PrivateKey readPrivate(byte[] pemBytes, char[] password, String source) throws InvalidContentException {
        Pem p = Pem.parse(pemBytes, source);
        try {
            byte[] der = switch (p.type()) {
                case "PRIVATE KEY" -> p.der();
                case "ENCRYPTED PRIVATE KEY" -> {
                    if (password == null) {
                        throw new InvalidContentException(source + " is encrypted: give its password (--password-stdin)");
                    }
                    EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(p.der());
                    String alg = info.getAlgParameters() != null ? info.getAlgParameters().toString() : info.getAlgName();
                    Cipher c = Cipher.getInstance(alg);
                    SecretKey k = SecretKeyFactory.getInstance(alg).generateSecret(new PBEKeySpec(password));
                    c.init(Cipher.DECRYPT_MODE, k, info.getAlgParameters());
                    yield info.getKeySpec(c).getEncoded();
                }
                case "EC PRIVATE KEY" -> throw new InvalidContentException(source + " is a SEC1 EC key: convert it to"
                        + " PKCS#8 with: openssl pkcs8 -topk8 -nocrypt -in " + source);
                case "ENCRYPTED SIGSTORE PRIVATE KEY", "ENCRYPTED COSIGN PRIVATE KEY" -> throw new InvalidContentException(
                        source + " is cosign's encrypted key (scrypt + NaCl secretbox): the layout-cosign module reads it"
                        + " (CosignKeyFile.decrypt, then Keys.fromPkcs8), as the CLI does");
                default -> throw new InvalidContentException(source + " holds a " + p.type() + ", not a private key");
            };
            PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
            return key;
        } catch (GeneralSecurityException e) {
            throw new InvalidContentException(source + ": not an ECDSA private key this tool can use"
                    + (p.type().startsWith("ENCRYPTED") ? " (or a wrong password)" : "") + ": " + e.getMessage());
        } catch (java.io.IOException e) {
            throw new InvalidContentException(source + ": " + e.getMessage());
        }
    }

    /** A private key from its PKCS#8 DER (what cosign's key file seals, say). */
    public static PrivateKey fromPkcs8(byte[] der, String source) throws InvalidContentException {
        try {
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new InvalidContentException(source + ": not an ECDSA private key this tool can use: " + e.getMessage());
        }
    }

    /** A public key from PEM ({@code PUBLIC KEY}, SubjectPublicKeyInfo). */
    public static PublicKey readPublic(byte[] pemBytes, String source) throws InvalidContentException {
        Pem p = Pem.parse(pemBytes, source);
        if (!p.type().equals("PUBLIC KEY")) {
            throw new InvalidContentException(source + " holds a " + p.type() + ", not a PUBLIC KEY");
        }
        try {
            PublicKey k = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(p.der()));
            if (!(k instanceof ECPublicKey)) {
                throw new InvalidContentException(source + " is not an ECDSA public key");
            }
            return k;
        } catch (GeneralSecurityException e) {
            throw new InvalidContentException(source + ": not an ECDSA public key: " + e.getMessage());
        }
    }

    /** The public key of a private one: computed from the curve (the JDK does not expose it on the key). */
    public static PublicKey publicOf(PrivateKey key) throws InvalidContentException {
        try {
            java.security.interfaces.ECPrivateKey ec = (java.security.interfaces.ECPrivateKey) key;
            java.security.spec.ECPoint q = EcMath.multiply(ec.getParams(), ec.getS());
            return KeyFactory.getInstance("EC").generatePublic(new java.security.spec.ECPublicKeySpec(q, ec.getParams()));
        } catch (ClassCastException | GeneralSecurityException e) {
            throw new InvalidContentException("not an ECDSA private key: " + e.getMessage());
        }
    }

    /** cosign's key hint: base64 of the sha256 of the SubjectPublicKeyInfo DER. */
    public static String hint(PublicKey key) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The DER of OID 1.2.840.113549.1.5.13, id-PBES2. */
    private static final byte[] PBES2_OID = {0x06, 0x09, 0x2A, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xF7, 0x0D, 0x01, 0x05,
        0x0D};

    private static byte[] der(int tag, byte[] content) {
        int n = content.length;
        byte[] length = n < 0x80 ? new byte[] {(byte) n} : n < 0x100 ? new byte[] {(byte) 0x81, (byte) n}
                : new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
        return concat(new byte[] {(byte) tag}, length, content);
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    /** One PEM block: its type and its DER. */
    record Pem(String type, byte[] der) {
        static Pem parse(byte[] bytes, String source) throws InvalidContentException {
            String text = new String(bytes, StandardCharsets.US_ASCII);
            int begin = text.indexOf("-----BEGIN ");
            int typeEnd = begin < 0 ? -1 : text.indexOf("-----", begin + 11);
            if (begin < 0 || typeEnd < 0) {
                throw new InvalidContentException(source + " is not a PEM file (-----BEGIN ...-----)");
            }
            String type = text.substring(begin + 11, typeEnd);
            String endMarker = "-----END " + type + "-----";
            int end = text.indexOf(endMarker, typeEnd);
            if (end < 0) {
                throw new InvalidContentException(source + ": the PEM block " + type + " has no end");
            }
            String body = text.substring(typeEnd + 5, end);
            if (body.contains(":")) {
                throw new InvalidContentException(source + " is an old-style encrypted PEM (Proc-Type headers): convert it"
                        + " with: openssl pkcs8 -topk8 -v2 aes-256-cbc");
            }
            try {
                return new Pem(type, Base64.getMimeDecoder().decode(body));
            } catch (IllegalArgumentException e) {
                throw new InvalidContentException(source + ": the PEM block is not base64");
            }
        }
    }
}
