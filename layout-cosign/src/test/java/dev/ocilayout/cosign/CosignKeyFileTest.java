package dev.ocilayout.cosign;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.error.InvalidContentException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class CosignKeyFileTest {
    /** Made by tweetnacl's {@code nacl.secretbox} (key bytes 0..31, nonce bytes 100..123). */
    private static final String BOX = "19b75d627af6b6f522e631788cf67ec461d6eaa05dd8ee9ad59c4fe717e5834875e96b84dc86207ed"
            + "f2c35fd7ee3e9fcc00687382d58e3c8d52023492071a411a4e38e747de85e7f778e7367a9dded1763ea6c0fa4532be197";
    private static final String MESSAGE = "cosign seals a PKCS#8 key with this box, 64+ bytes long to cross a block.";

    private static byte[] counting(int from, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (from + i);
        }
        return b;
    }

    @Test
    void secretboxOpensWhatTweetnaclSealed() {
        byte[] opened = CosignKeyFile.open(HexFormat.of().parseHex(BOX), counting(100, 24), counting(0, 32));
        assertArrayEquals(MESSAGE.getBytes(StandardCharsets.UTF_8), opened);
    }

    @Test
    void secretboxRefusesABoxWithOneBitChanged() {
        byte[] box = HexFormat.of().parseHex(BOX);
        box[box.length - 1] ^= 1;
        assertNull(CosignKeyFile.open(box, counting(100, 24), counting(0, 32)));
    }

    @Test
    void onlyCosignsPemTypesAreTakenForItsKeyFile() {
        assertTrue(CosignKeyFile.is("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\ne30=\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n"
                .getBytes(StandardCharsets.US_ASCII)));
        assertTrue(CosignKeyFile.is("-----BEGIN ENCRYPTED COSIGN PRIVATE KEY-----\ne30=\n-----END ENCRYPTED COSIGN PRIVATE KEY-----\n"
                .getBytes(StandardCharsets.US_ASCII)));
        assertFalse(CosignKeyFile.is("-----BEGIN PRIVATE KEY-----\ne30=\n-----END PRIVATE KEY-----\n"
                .getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void parametersCosignDoesNotWriteAreRefusedBeforeAnyWork() {
        String json = "{\"kdf\":{\"name\":\"scrypt\",\"params\":{\"N\":1024,\"r\":8,\"p\":1},\"salt\":\"AAAA\"},"
                + "\"cipher\":{\"name\":\"nacl/secretbox\",\"nonce\":\"AAAA\"},\"ciphertext\":\"AAAA\"}";
        byte[] pem = ("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n"
                + java.util.Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8))
                + "\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n").getBytes(StandardCharsets.US_ASCII);
        InvalidContentException e = assertThrows(InvalidContentException.class,
                () -> CosignKeyFile.decrypt(pem, "pw".toCharArray(), "cosign.key"));
        assertEquals(true, e.getMessage().startsWith("cosign.key: kdf "), e.getMessage());
    }
}
