package org.covenant.training;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.openlineage.client.OpenLineage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Lineage in the OpenLineage format (run events built with {@code io.openlineage:openlineage-java}):
 * appended as JSON lines to a file and, when an endpoint is configured, POSTed to it
 * ({@code POST URL} with the event as the body, as the OpenLineage HTTP transport does). Jobs:
 * {@code covenant/dataset.build} (corpus and ledger in, dataset build out),
 * {@code covenant/model.train} (dataset builds in, model version out),
 * {@code covenant/model.unlearn} (model version in, model version out) and
 * {@code covenant/consent.withdrawal} (affected builds in, model versions that now need retraining
 * or unlearning out). Governance details travel in custom facets prefixed {@code covenant_}.
 */
public final class LineageEvents {
  /** The producer URI stamped on every event and facet. */
  public static final URI PRODUCER = URI.create("https://covenant.local/training");
  /** The OpenLineage namespace of Covenant's jobs and datasets. */
  public static final String NAMESPACE = "covenant";

  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .addModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL,
          JsonInclude.Include.NON_NULL))
      .build();

  private final OpenLineage ol = new OpenLineage(PRODUCER);
  private final Path file;
  private final Optional<URI> endpoint;
  private final HttpClient http;

  private LineageEvents(Path file, Optional<URI> endpoint) {
    this.file = file;
    this.endpoint = endpoint;
    this.http = endpoint.isPresent()
        ? HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build()
        : null;
  }

  /** Events appended to {@code file}, and posted to {@code endpoint} when given. */
  public static LineageEvents create(Path file, Optional<URI> endpoint) {
    return new LineageEvents(file, endpoint);
  }

  /** The default file of a data directory. */
  public static Path defaultFile(Path dataDir) {
    return dataDir.resolve("training").resolve("openlineage.jsonl");
  }

  /** A completed dataset build. Returns the event as JSON. */
  public String datasetBuilt(DatasetManifest m, Path corpusFile, Instant now) {
    OpenLineage.RunFacet gov = ol.newRunFacet();
    Map<String, Object> p = gov.getAdditionalProperties();
    p.put("purpose", m.purpose());
    p.put("at", m.at().toString());
    p.put("ledgerPosition", m.ledgerPosition());
    p.put("policyRevision", m.json().path("policy_revision").asText());
    p.put("records", m.records());
    p.put("included", m.included());
    p.put("excluded", m.excluded());
    p.put("includedMerkleRoot", m.includedRoot());
    p.put("logLeafIndex", m.logIndex());
    return emit(OpenLineage.RunEvent.EventType.COMPLETE, UUID.fromString(m.build()),
        "dataset.build", Map.of("covenant_dataset_build", gov),
        List.of(input("file", corpusFile.toAbsolutePath().toString()),
            input(NAMESPACE, "ledger")),
        List.of(output(datasetName(m.build()))), now);
  }

  /** A model version trained on dataset builds. */
  public String modelTrained(String model, int version, List<String> builds, Instant now) {
    OpenLineage.RunFacet f = ol.newRunFacet();
    f.getAdditionalProperties().put("model", model);
    f.getAdditionalProperties().put("version", version);
    List<OpenLineage.InputDataset> in = new ArrayList<>();
    builds.forEach(b -> in.add(input(NAMESPACE, datasetName(b))));
    return emit(OpenLineage.RunEvent.EventType.COMPLETE, UUID.randomUUID(), "model.train",
        Map.of("covenant_model", f), in, List.of(output(modelName(model, version))), now);
  }

  /** A model version derived from another by removing an account's contribution. */
  public String modelUnlearned(String model, int from, int to, String account, Instant now) {
    OpenLineage.RunFacet f = ol.newRunFacet();
    f.getAdditionalProperties().put("account", account);
    f.getAdditionalProperties().put("exact", true);
    return emit(OpenLineage.RunEvent.EventType.COMPLETE, UUID.randomUUID(), "model.unlearn",
        Map.of("covenant_unlearning", f), List.of(input(NAMESPACE, modelName(model, from))),
        List.of(output(modelName(model, to))), now);
  }

  /** A consent withdrawal that reaches trained models. */
  public String withdrawal(String account, String consent, long position, List<String> builds,
      List<String> models, Instant now) {
    OpenLineage.RunFacet f = ol.newRunFacet();
    f.getAdditionalProperties().put("account", account);
    f.getAdditionalProperties().put("consent", consent);
    f.getAdditionalProperties().put("ledgerPosition", position);
    f.getAdditionalProperties().put("status", ModelRegistryEntry.RETRAIN_OR_UNLEARN);
    List<OpenLineage.InputDataset> in = new ArrayList<>();
    builds.forEach(b -> in.add(input(NAMESPACE, datasetName(b))));
    List<OpenLineage.OutputDataset> out = new ArrayList<>();
    models.forEach(mv -> out.add(output("model/" + mv.replace('@', '/'))));
    return emit(OpenLineage.RunEvent.EventType.COMPLETE, UUID.randomUUID(), "consent.withdrawal",
        Map.of("covenant_withdrawal", f), in, out, now);
  }

  /** The OpenLineage dataset name of a build. */
  public static String datasetName(String build) {
    return "dataset/" + build;
  }

  /** The OpenLineage dataset name of a model version. */
  public static String modelName(String model, int version) {
    return "model/" + model + "/" + version;
  }

  private OpenLineage.InputDataset input(String namespace, String name) {
    return ol.newInputDatasetBuilder().namespace(namespace).name(name).build();
  }

  private OpenLineage.OutputDataset output(String name) {
    return ol.newOutputDatasetBuilder().namespace(NAMESPACE).name(name).build();
  }

  private String emit(OpenLineage.RunEvent.EventType type, UUID runId, String job,
      Map<String, OpenLineage.RunFacet> facets, List<OpenLineage.InputDataset> inputs,
      List<OpenLineage.OutputDataset> outputs, Instant now) {
    OpenLineage.RunFacetsBuilder fb = ol.newRunFacetsBuilder();
    facets.forEach(fb::put);
    OpenLineage.RunEvent event = ol.newRunEventBuilder()
        .eventType(type)
        .eventTime(now.atZone(ZoneOffset.UTC))
        .run(ol.newRunBuilder().runId(runId).facets(fb.build()).build())
        .job(ol.newJobBuilder().namespace(NAMESPACE).name(job).build())
        .inputs(inputs)
        .outputs(outputs)
        .build();
    String json;
    try {
      json = MAPPER.writeValueAsString(event);
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialize an OpenLineage event", e);
    }
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, json + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new TrainingException("lineage_io", "cannot append to `" + file + "`: "
          + e.getMessage(), e);
    }
    endpoint.ifPresent(url -> post(url, json));
    return json;
  }

  private void post(URI url, String json) {
    HttpRequest req = HttpRequest.newBuilder(url)
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
        .build();
    try {
      HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() / 100 != 2) {
        throw new TrainingException("lineage_post_failed", "`" + url + "` answered "
            + r.statusCode() + " (the event is in `" + file + "`)");
      }
    } catch (IOException e) {
      throw new TrainingException("lineage_post_failed", "cannot post to `" + url + "`: "
          + e.getMessage() + " (the event is in `" + file + "`)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TrainingException("interrupted", "interrupted posting to `" + url + "`", e);
    }
  }
}
