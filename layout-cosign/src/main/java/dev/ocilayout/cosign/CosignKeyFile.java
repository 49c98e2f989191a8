package dev.ocilayout.cosign;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.model.ModelJson;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.generators.SCrypt;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * cosign's encrypted private key file ({@code ENCRYPTED SIGSTORE PRIVATE KEY}, and the older {@code ENCRYPTED
 * COSIGN PRIVATE KEY}): a PEM of JSON written by go-securesystemslib's {@code encrypted.Encrypt}: the key is
 * {@code scrypt(password, salt, N, r, p, 32)} for one of the three parameter sets it accepts, and the PKCS#8
 * DER is sealed with NaCl secretbox (XSalsa20-Poly1305: {@code tag(16) || ciphertext}, the Poly1305 key the
 * first 32 bytes of the keystream). See spec-notes/signatures.md.
 */
public final class CosignKeyFile {
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN (ENCRYPTED (?:SIGSTORE|COSIGN) PRIVATE KEY)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
    /** go-securesystemslib's {@code CheckParams}: legacy, standard (its default) and OWASP. */
    private static final List<int[]> ACCEPTED = List.of(new int[] {32768, 8, 1}, new int[] {65536, 8, 1},
            new int[] {131072, 8, 1});
    private static final int TAG = 16;

    private CosignKeyFile() {
    }

    /** Whether {@code pem} is one of cosign's encrypted key files. */
    public static boolean is(byte[] pem) {
        return PEM.matcher(new String(pem, StandardCharsets.US_ASCII)).find();
    }

    /**
     * The PKCS#8 DER that {@code pem} seals, opened with {@code password} (cosign allows an empty one).
     *
     * @throws InvalidContentException naming {@code source} when it is not such a file, its parameters are not
     *                                 ones cosign writes, or the password is wrong (or the file altered)
     */
    public static byte[] decrypt(byte[] pem, char[] password, String source) throws InvalidContentException {
        Matcher m = PEM.matcher(new String(pem, StandardCharsets.US_ASCII));
        if (!m.find()) {
            throw new InvalidContentException(source + " is not cosign's encrypted key file");
        }
        JsonNode file;
        try {
            file = ModelJson.readTree(Base64.getMimeDecoder().decode(m.group(2)), source);
        } catch (IllegalArgumentException e) {
            throw new InvalidContentException(source + ": the PEM body is not base64");
        }
        JsonNode kdf = file.path("kdf");
        JsonNode params = kdf.path("params");
        int n = params.path("N").asInt();
        int r = params.path("r").asInt();
        int p = params.path("p").asInt();
        if (!"scrypt".equals(kdf.path("name").asText()) || ACCEPTED.stream().noneMatch(a -> a[0] == n && a[1] == r && a[2] == p)) {
            throw new InvalidContentException(source + ": kdf " + kdf + " is not scrypt with parameters cosign writes");
        }
        if (!"nacl/secretbox".equals(file.path("cipher").path("name").asText())) {
            throw new InvalidContentException(source + ": cipher " + file.path("cipher").path("name") + " is not nacl/secretbox");
        }
        byte[] salt = bytes(kdf.path("salt"), "kdf.salt", source);
        byte[] nonce = bytes(file.path("cipher").path("nonce"), "cipher.nonce", source);
        byte[] box = bytes(file.path("ciphertext"), "ciphertext", source);
        if (nonce.length != 24 || box.length < TAG) {
            throw new InvalidContentException(source + ": a nonce of 24 bytes and a sealed box are needed");
        }
        byte[] pass = new String(password == null ? new char[0] : password).getBytes(StandardCharsets.UTF_8);
        byte[] key = SCrypt.generate(pass, salt, n, r, p, 32);
        byte[] opened = open(box, nonce, key);
        if (opened == null) {
            throw new InvalidContentException(source + ": wrong password (or the file was altered)");
        }
        return opened;
    }

    /** NaCl's {@code secretbox.Open}: the plaintext, or null when the tag does not match. */
    static byte[] open(byte[] box, byte[] nonce, byte[] key) {
        XSalsa20Engine stream = new XSalsa20Engine();
        stream.init(false, new ParametersWithIV(new KeyParameter(key), nonce));
        byte[] macKey = new byte[32];
        stream.processBytes(new byte[32], 0, 32, macKey, 0);
        Poly1305 mac = new Poly1305();
        mac.init(new KeyParameter(macKey));
        mac.update(box, TAG, box.length - TAG);
        byte[] tag = new byte[TAG];
        mac.doFinal(tag, 0);
        if (!MessageDigest.isEqual(tag, java.util.Arrays.copyOf(box, TAG))) {
            return null;
        }
        byte[] plain = new byte[box.length - TAG];
        stream.processBytes(box, TAG, plain.length, plain, 0);
        return plain;
    }

    private static byte[] bytes(JsonNode field, String name, String source) throws InvalidContentException {
        try {
            return Base64.getDecoder().decode(field.asText(""));
        } catch (IllegalArgumentException e) {
            throw new InvalidContentException(source + ": " + name + " is not base64");
        }
    }
}
