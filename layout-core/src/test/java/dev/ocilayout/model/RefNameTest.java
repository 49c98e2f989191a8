package dev.ocilayout.model;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RefNameTest {
    @ParameterizedTest
    @ValueSource(strings = {"v1", "latest", "v1.2.3", "1.0-rc1", "a_b", "a--b", "release/2024-01", "sha256-abc",
        "docker.io/library/alpine:3.19", "name@sha256:abc", "a+b", "A"})
    void acceptsNamesOfTheImageSpecGrammar(String name) {
        assertTrue(RefName.isValid(name));
        RefName.validate(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-v1", "v1-", "a..b", "a//b", "/a", "a/", "../../etc", "a b", "a\0b", "tag\n",
        "é", "a---b", ".hidden"})
    void rejectsNamesOutsideTheGrammar(String name) {
        assertFalse(RefName.isValid(name));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RefName.validate(name));
        assertTrue(e.getMessage().startsWith("invalid tag"), e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void rejectsOverlongNames() {
        assertFalse(RefName.isValid("a".repeat(10_000)));
    }
}
