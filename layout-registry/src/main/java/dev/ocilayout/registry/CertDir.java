package dev.ocilayout.registry;

import dev.ocilayout.error.InvalidContentException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * A registry's certificate folder, as containers/image reads one ({@code cert-dir}, {@code
 * /etc/containers/certs.d/HOST/}): every {@code *.crt} is a trusted root, added to the JDK's own; each
 * {@code NAME.cert} with its {@code NAME.key} (PKCS#8 PEM, EC or RSA) is a client certificate. A {@code .cert}
 * without its key, or a key without its certificate, is refused, as containers/image refuses it.
 */
public final class CertDir {
    private static final Pattern PEM_KEY = Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    private CertDir() {
    }

    /** The TLS context {@code dir} describes, trusting the JDK's roots and its own. */
    public static SSLContext sslContext(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new dev.ocilayout.error.NotFoundException("cert-dir " + dir + " is not a folder");
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> list = Files.newDirectoryStream(dir)) {
            list.forEach(files::add);
        }
        files.sort(null);
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            TrustManagerFactory jdk = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            jdk.init((KeyStore) null);
            int n = 0;
            for (var tm : jdk.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    for (X509Certificate c : x.getAcceptedIssuers()) {
                        trust.setCertificateEntry("jdk-" + n++, c);
                    }
                }
            }
            KeyStore keys = KeyStore.getInstance(KeyStore.getDefaultType());
            keys.load(null, null);
            boolean client = false;
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.endsWith(".crt")) {
                    for (Certificate c : certificates(f)) {
                        trust.setCertificateEntry(name + "-" + n++, c);
                    }
                } else if (name.endsWith(".cert")) {
                    Path key = f.resolveSibling(name.substring(0, name.length() - ".cert".length()) + ".key");
                    if (!Files.isRegularFile(key)) {
                        throw new InvalidContentException("cert-dir " + dir + ": " + name + " has no " + key.getFileName());
                    }
                    keys.setKeyEntry(name, privateKey(key), new char[0], certificates(f).toArray(Certificate[]::new));
                    client = true;
                } else if (name.endsWith(".key") && !Files.isRegularFile(f.resolveSibling(
                        name.substring(0, name.length() - ".key".length()) + ".cert"))) {
                    throw new InvalidContentException("cert-dir " + dir + ": " + name + " has no "
                            + name.substring(0, name.length() - ".key".length()) + ".cert");
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManagerFactory kmf = null;
            if (client) {
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, new char[0]);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new InvalidContentException("cert-dir " + dir + ": " + e.getMessage());
        }
    }

    private static Collection<? extends Certificate> certificates(Path f) throws IOException, GeneralSecurityException {
        Collection<? extends Certificate> all = CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(f)));
        if (all.isEmpty()) {
            throw new InvalidContentException(f + " holds no PEM certificate");
        }
        return all;
    }

    private static PrivateKey privateKey(Path f) throws IOException, GeneralSecurityException {
        Matcher m = PEM_KEY.matcher(Files.readString(f, StandardCharsets.US_ASCII));
        if (!m.find()) {
            throw new InvalidContentException(f + " is not a PKCS#8 PEM private key (BEGIN PRIVATE KEY); convert it with:"
                    + " openssl pkcs8 -topk8 -nocrypt -in " + f);
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(1));
        for (String alg : List.of("EC", "RSA", "Ed25519")) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (java.security.spec.InvalidKeySpecException notThisOne) {
                // the next algorithm
            }
        }
        throw new InvalidContentException(f + " is neither an EC, RSA nor Ed25519 key");
    }
}
