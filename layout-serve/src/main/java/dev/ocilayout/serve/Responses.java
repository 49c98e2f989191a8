package dev.ocilayout.serve;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.model.ModelJson;
import java.io.IOException;

/** What every endpoint parses and answers the same way. */
final class Responses {
    static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private Responses() {
    }

    /** A digest of an algorithm this registry implements; anything else is {@code DIGEST_INVALID}. */
    static Digest parseDigest(String text) {
        Digest d = Digest.tryParse(text);
        if (d == null) {
            throw RegistryError.digestInvalid("invalid digest: " + text);
        }
        if (d.knownAlgorithm().isEmpty()) {
            throw RegistryError.digestInvalid("unsupported digest algorithm " + d.algorithm() + " in " + text
                    + " (sha256 and sha512 are)");
        }
        return d;
    }

    /** The request's media type, without parameters; null when it sent none. */
    static String contentType(Exchange x) {
        String t = x.requestHeader("Content-Type");
        if (t == null || t.isBlank()) {
            return null;
        }
        int semi = t.indexOf(';');
        return (semi < 0 ? t : t.substring(0, semi)).trim();
    }

    static void json(Exchange x, int status, ObjectNode body) throws IOException {
        x.header("Content-Type", "application/json");
        x.send(status, ModelJson.mapper().writeValueAsBytes(body));
    }
}
