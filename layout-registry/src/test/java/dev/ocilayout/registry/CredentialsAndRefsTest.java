package dev.ocilayout.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.digest.Digest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Registry references and credentials from Docker's config file. */
class CredentialsAndRefsTest {
    @TempDir
    Path tmp;

    @Test
    void aDockerConfigGivesBase64AuthOrUsernameAndPasswordByRegistry() throws IOException {
        String auth = Base64.getEncoder().encodeToString("ci:p@ss:word".getBytes(StandardCharsets.UTF_8));
        Path config = Files.writeString(tmp.resolve("config.json"), "{\"auths\":{\"registry.example.com\":{\"auth\":\""
                + auth + "\"},\"https://other.example.com\":{\"username\":\"u\",\"password\":\"p\"}}}");
        assertEquals(new Credentials("ci", "p@ss:word"), Credentials.fromDockerConfig(config, "registry.example.com"));
        assertEquals(new Credentials("u", "p"), Credentials.fromDockerConfig(config, "other.example.com"));
        assertFalse(Credentials.fromDockerConfig(config, "third.example.com").present());
        assertFalse(Credentials.fromDockerConfig(tmp.resolve("absent.json"), "registry.example.com").present());
    }

    @Test
    void aReferenceIsARegistrysWhenItsFirstComponentIsAHost() {
        assertTrue(RegistryRef.isRegistry("docker://anything/x"));
        assertTrue(RegistryRef.isRegistry("registry.example.com/team/app:v1"));
        assertTrue(RegistryRef.isRegistry("localhost/app"));
        assertTrue(RegistryRef.isRegistry("127.0.0.1:5000/app"));
        assertFalse(RegistryRef.isRegistry("oci:registry.example.com/app"));
        assertFalse(RegistryRef.isRegistry("./layout:v1"));
        assertFalse(RegistryRef.isRegistry("layout:v1"));
        assertFalse(RegistryRef.isRegistry("/abs/layout:v1"));
    }

    @Test
    void aReferenceParsesIntoRegistryRepositoryAndTagOrDigest() {
        RegistryRef tagged = RegistryRef.parse("docker://127.0.0.1:5000/team/app:v1");
        assertEquals("127.0.0.1:5000", tagged.registry());
        assertEquals("team/app", tagged.repository());
        assertEquals("v1", tagged.reference());
        Digest d = Digest.sha256(new byte[0]);
        assertEquals(d, RegistryRef.parse("r.example.com/app@" + d).digest());
        assertEquals("latest", RegistryRef.parse("r.example.com/app").reference());
        assertThrows(IllegalArgumentException.class, () -> RegistryRef.parse("r.example.com/App:v1"));
        assertThrows(IllegalArgumentException.class, () -> RegistryRef.parse("r.example.com/app@sha256:../x"));
    }
}
