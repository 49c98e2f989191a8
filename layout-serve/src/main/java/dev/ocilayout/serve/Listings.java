package dev.ocilayout.serve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.model.RepositoryScope;
import dev.ocilayout.referrers.ReferrerIndex;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Tag lists, the catalog (both paginated with {@code n}/{@code last} and {@code Link}), and the referrers API. */
final class Listings {
    private final Repositories repositories;

    Listings(Repositories repositories) {
        this.repositories = repositories;
    }

    void tags(Exchange x, String name) throws IOException {
        Repositories.Repository r = repositories.existing(name);
        List<String> all = r.scope().tags(r.layout().index().read()).stream().map(RepositoryScope.Tagged::tag).toList();
        page(x, "/v2/" + name + "/tags/list", all, "tags", Responses.JSON.objectNode().put("name", name));
    }

    void catalog(Exchange x) throws IOException {
        page(x, "/v2/_catalog", repositories.names(), "repositories", Responses.JSON.objectNode());
    }

    /** A list with the spec's {@code n}/{@code last} pagination and a {@code Link} header to the next page. */
    void page(Exchange x, String path, List<String> all, String field, ObjectNode body) throws IOException {
        Map<String, String> q = x.query();
        String last = q.get("last");
        int n = Integer.MAX_VALUE;
        if (q.get("n") != null) {
            try {
                n = Integer.parseInt(q.get("n"));
            } catch (NumberFormatException e) {
                throw new RegistryError(400, "PAGINATION_NUMBER_INVALID", "invalid n: " + q.get("n"));
            }
            if (n < 0) {
                throw new RegistryError(400, "PAGINATION_NUMBER_INVALID", "invalid n: " + n);
            }
        }
        List<String> after = last == null ? all : all.stream().filter(t -> t.compareTo(last) > 0).toList();
        List<String> shown = after.subList(0, Math.min(n, after.size()));
        ArrayNode list = body.putArray(field);
        shown.forEach(list::add);
        if (shown.size() < after.size() && !shown.isEmpty()) {
            x.header("Link", "<" + path + "?n=" + n + "&last="
                    + java.net.URLEncoder.encode(shown.get(shown.size() - 1), StandardCharsets.UTF_8) + ">; rel=\"next\"");
        }
        Responses.json(x, 200, body);
    }

    void referrers(Exchange x, String name, String subject) throws IOException {
        Repositories.Repository repository = repositories.existing(name);
        Digest digest = Responses.parseDigest(subject);
        String artifactType = x.query().get("artifactType");
        ReferrerIndex index = ReferrerIndex.build(repository.layout(), false);
        List<Descriptor> found = new ArrayList<>();
        index.referrers(digest, artifactType, repository.scope()).forEach(r -> found.add(r.descriptor()));
        if (artifactType != null) {
            x.header("OCI-Filters-Applied", "artifactType");
        }
        ImageIndex response = new ImageIndex(2, MediaType.OCI_INDEX, null, found, null, null, null);
        x.header("Content-Type", MediaType.OCI_INDEX);
        x.send(200, ModelJson.toBytes(response, false));
    }
}
