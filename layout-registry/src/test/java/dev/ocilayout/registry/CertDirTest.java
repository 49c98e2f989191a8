package dev.ocilayout.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.error.NotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A certificate folder as containers/image reads one; its TLS use is in MirrorTest, against serve over https. */
class CertDirTest {
    @TempDir
    Path tmp;

    @Test
    void aClientCertificateWithoutItsKeyIsRefusedNamingBoth() throws Exception {
        Files.writeString(tmp.resolve("client.cert"), "");
        InvalidContentException e = assertThrows(InvalidContentException.class, () -> CertDir.sslContext(tmp));
        assertEquals("cert-dir " + tmp + ": client.cert has no client.key", e.getMessage());
    }

    @Test
    void aKeyWithoutItsClientCertificateIsRefusedNamingBoth() throws Exception {
        Files.writeString(tmp.resolve("client.key"), "");
        InvalidContentException e = assertThrows(InvalidContentException.class, () -> CertDir.sslContext(tmp));
        assertEquals("cert-dir " + tmp + ": client.key has no client.cert", e.getMessage());
    }

    @Test
    void aRootThatIsNoCertificateIsRefusedNamingTheFile() throws Exception {
        Files.writeString(tmp.resolve("ca.crt"), "not a certificate");
        InvalidContentException e = assertThrows(InvalidContentException.class, () -> CertDir.sslContext(tmp));
        assertEquals(true, e.getMessage().startsWith("cert-dir " + tmp + ": "), e.getMessage());
    }

    @Test
    void aMissingFolderIsNotFound() {
        assertThrows(NotFoundException.class, () -> CertDir.sslContext(tmp.resolve("absent")));
    }
}
