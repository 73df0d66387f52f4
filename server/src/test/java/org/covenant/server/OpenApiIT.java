package org.covenant.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.covenant.format.TermsLibrary;
import org.junit.jupiter.api.Test;

/** The OpenAPI document and the router agree: every route documented, every documented route real. */
class OpenApiIT {
  /** Documented (method, path) pairs, paths in OpenAPI template form. */
  static Set<String> documented(JsonNode doc) {
    Set<String> out = new TreeSet<>();
    for (Map.Entry<String, JsonNode> p : doc.path("paths").properties()) {
      for (Iterator<String> ms = p.getValue().fieldNames(); ms.hasNext(); ) {
        out.add(ms.next().toUpperCase(java.util.Locale.ROOT) + " " + p.getKey());
      }
    }
    return out;
  }

  @Test
  void everyRouteIsDocumented_andEveryDocumentedRouteExists() {
    Deployment.Opened o = Deployment.inMemory(ServerConfig.defaults(0),
        TermsLibrary.builtInCatalog(), Clock.systemUTC());
    try (CovenantServer server = o.server().start()) {
      TestClient c = new TestClient(server.url(), o.operatorSecret().orElseThrow());
      TestClient.Response r = c.get("/openapi.json");
      assertThat(r.status()).isEqualTo(200);
      JsonNode doc = r.json();
      assertThat(doc.path("openapi").asText()).startsWith("3.1");
      Set<String> registered = new TreeSet<>();
      for (String e : server.registeredEndpoints()) {
        registered.add(e.replaceAll("<([a-z]+)>", "{$1}"));
      }
      assertThat(registered).isEqualTo(documented(doc));
      // Every operation says what its errors look like, and has a unique id.
      Set<String> ids = new TreeSet<>();
      doc.path("paths").forEach(p -> p.forEach(op -> {
        assertThat(ids.add(op.path("operationId").asText())).isTrue();
        assertThat(op.path("responses").size()).isPositive();
      }));
    }
  }
}
