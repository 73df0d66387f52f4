package org.covenant.telemetry;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A named set of event schemas, read from one YAML file ({@link SchemaReader}), with the pattern that
 * every pseudonym value must match.
 */
public record SchemaCatalogue(String name, Pattern pseudonymPattern, List<EventSchema> schemas) {
  /** Resource path of the platform's shipped schemas (they pass review). */
  public static final String PLATFORM_RESOURCE = "schemas/platform.yaml";
  /** Resource path of a deliberately bad schema (it fails review). */
  public static final String BAD_EXAMPLE_RESOURCE = "schemas/bad-example.yaml";

  public SchemaCatalogue {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(pseudonymPattern, "pseudonymPattern");
    schemas = List.copyOf(schemas);
  }

  /** The schema of event type {@code type}. */
  public Optional<EventSchema> schema(String type) {
    return schemas.stream().filter(s -> s.type().equals(type)).findFirst();
  }

  /** The platform's shipped catalogue: meeting minutes, participants, bandwidth, quality, sessions. */
  public static SchemaCatalogue platform() {
    return resource(PLATFORM_RESOURCE);
  }

  /** A catalogue shipped as a resource of this module. */
  public static SchemaCatalogue resource(String path) {
    try (InputStream in = SchemaCatalogue.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new TelemetryException("missing_resource", "no resource `" + path + "`");
      }
      return SchemaReader.create().read(path, in.readAllBytes()).orThrow();
    } catch (IOException e) {
      throw new TelemetryException("io_error", "cannot read resource `" + path + "`", e);
    }
  }
}
