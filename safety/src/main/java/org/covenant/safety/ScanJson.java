package org.covenant.safety;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * The JSON form of a {@link ScanResult}, as {@code covenant scan} prints it and the server
 * returns it: {@code {"verdict", "score", "threshold", "top_features": [{"feature", "weight"}],
 * "link_domains", "link_mismatches": [{"href", "shown_host", "actual_host"}],
 * "header_anomalies", "lures"}}.
 */
public final class ScanJson {
  private static final JsonFactory JSON = new JsonFactory();

  private ScanJson() {}

  /** One compact JSON object, fields in the order above. */
  public static String write(ScanResult r) {
    StringWriter out = new StringWriter(512);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("verdict", r.verdict().code());
      g.writeNumberField("score", round(r.score()));
      g.writeNumberField("threshold", round(r.threshold()));
      g.writeArrayFieldStart("top_features");
      for (Contribution c : r.topFeatures()) {
        g.writeStartObject();
        g.writeStringField("feature", c.feature());
        g.writeNumberField("weight", round(c.weight()));
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("link_domains");
      for (String d : r.linkDomains()) {
        g.writeString(d);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("link_mismatches");
      for (LinkMismatch m : r.linkMismatches()) {
        g.writeStartObject();
        g.writeStringField("href", m.href());
        g.writeStringField("shown_host", m.shownHost());
        g.writeStringField("actual_host", m.actualHost());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("header_anomalies");
      for (String a : r.headerAnomalies()) {
        g.writeString(a);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("lures");
      for (String l : r.lures()) {
        g.writeString(l);
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static double round(double v) {
    return Math.round(v * 1e6) / 1e6;
  }
}
