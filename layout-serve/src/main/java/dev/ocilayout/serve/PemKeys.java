package dev.ocilayout.serve;

import dev.ocilayout.error.InvalidContentException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A certificate chain and private key in PEM files (what {@code openssl} and Let's Encrypt write) as an
 * in-memory key store for the TLS listener. Keys: PKCS#8 ({@code BEGIN PRIVATE KEY}: RSA, EC, Ed25519) and
 * PKCS#1 ({@code BEGIN RSA PRIVATE KEY}); other forms get a message with the openssl command that converts them.
 */
final class PemKeys {
    static final char[] PASSWORD = "oci-layout".toCharArray();
    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
    /** The PKCS#8 header for an RSA key: SEQUENCE { INTEGER 0, SEQUENCE { rsaEncryption, NULL }, OCTET STRING ... }. */
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7,
        0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

    private PemKeys() {
    }

    static KeyStore keyStore(Path certFile, Path keyFile) throws IOException {
        Certificate[] chain;
        try {
            chain = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(certFile))).toArray(new Certificate[0]);
        } catch (GeneralSecurityException e) {
            throw new InvalidContentException(certFile + ": not a PEM certificate: " + e.getMessage(), e);
        }
        if (chain.length == 0) {
            throw new InvalidContentException(certFile + ": no certificate in it");
        }
        PrivateKey key = privateKey(keyFile);
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("serve", key, PASSWORD, chain);
            return ks;
        } catch (GeneralSecurityException e) {
            throw new InvalidContentException(keyFile + " does not go with " + certFile + ": " + e.getMessage(), e);
        }
    }

    static PrivateKey privateKey(Path file) throws IOException {
        Matcher m = BLOCK.matcher(Files.readString(file, StandardCharsets.US_ASCII));
        while (m.find()) {
            String type = m.group(1);
            byte[] der = Base64.getMimeDecoder().decode(m.group(2).trim());
            switch (type) {
                case "PRIVATE KEY" -> {
                    return pkcs8(der, file);
                }
                case "RSA PRIVATE KEY" -> {
                    return pkcs8(wrapRsa(der), file);
                }
                case "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY" -> throw new InvalidContentException(file + ": a " + type
                        + "; convert it with: openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pem");
                default -> {
                    // e.g. EC PARAMETERS before the key: keep looking
                }
            }
        }
        throw new InvalidContentException(file + ": no PEM private key in it");
    }

    private static PrivateKey pkcs8(byte[] der, Path file) throws InvalidContentException {
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "Ed448"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new InvalidContentException(file + ": a private key of an algorithm this JDK cannot read");
    }

    /** A PKCS#1 RSA key inside a PKCS#8 structure. */
    static byte[] wrapRsa(byte[] pkcs1) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x02, 0x01, 0x00});
        body.writeBytes(RSA_ALGORITHM);
        body.write(0x04);
        body.writeBytes(length(pkcs1.length));
        body.writeBytes(pkcs1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x30);
        out.writeBytes(length(body.size()));
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    private static byte[] length(int n) {
        if (n < 0x80) {
            return new byte[] {(byte) n};
        }
        if (n < 0x100) {
            return new byte[] {(byte) 0x81, (byte) n};
        }
        if (n < 0x10000) {
            return new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
        }
        return new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
    }
}
