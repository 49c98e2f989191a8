package dev.ocilayout.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Tags against semver constraints, as Masterminds/semver (skopeo sync's images-by-semver) reads them. */
class SemverTest {
    static final List<String> TAGS = List.of("3.11.9", "3.12.0", "v3.12.1", "3.13", "4.0.0", "4.0.0-rc.1", "latest",
            "1.2.3", "1.3.0", "0.2.5", "0.3.0", "0.0.3", "0.0.4");

    static Stream<Arguments> constraints() {
        return Stream.of(
                Arguments.of(">= 3.12.0", List.of("3.12.0", "v3.12.1", "3.13", "4.0.0")),
                Arguments.of(">=3.12.0, <4.0.0", List.of("3.12.0", "v3.12.1", "3.13")),
                Arguments.of(">= 3.12 < 4", List.of("3.12.0", "v3.12.1", "3.13")),
                Arguments.of("~3.12.0", List.of("3.12.0", "v3.12.1")),
                Arguments.of("^1.2.3", List.of("1.2.3", "1.3.0")),
                Arguments.of("^0.2.3", List.of("0.2.5")),
                Arguments.of("^0.0.3", List.of("0.0.3")),
                Arguments.of("3.12.x", List.of("3.12.0", "v3.12.1")),
                Arguments.of("1.2 - 1.3", List.of("1.2.3", "1.3.0")),
                Arguments.of("< 0.1 || >= 4", List.of("4.0.0", "0.0.3", "0.0.4")),
                Arguments.of("!= 3.12.0, >= 3.12.0, < 3.14", List.of("v3.12.1", "3.13")),
                Arguments.of(">= 4.0.0-rc.0", List.of("4.0.0", "4.0.0-rc.1")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("constraints")
    void aConstraintSelectsTheTagsMastermindsWould(String constraint, List<String> expected) {
        Semver.Constraint c = Semver.Constraint.parse(constraint);
        assertEquals(expected, TAGS.stream().filter(t -> {
            Semver v = Semver.parse(t);
            return v != null && c.test(v);
        }).toList());
    }

    @Test
    void aTagThatIsNoVersionIsSkippedAndABadConstraintIsRefused() {
        assertNull(Semver.parse("latest"));
        assertNull(Semver.parse("1.2.3.4"));
        assertThrows(IllegalArgumentException.class, () -> Semver.Constraint.parse(">= one"));
    }
}
