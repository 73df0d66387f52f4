package org.covenant.format.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.covenant.core.vocab.Purpose;
import org.covenant.core.vocab.SettingDef;

/** A scenario query (ARCHITECTURE.md §8), evaluated as of its own {@code at}. */
public sealed interface Query {
  /** 0-based index in the file's {@code queries}. */
  int index();

  /** The query's id. */
  String id();

  /** The instant it is asked at. */
  Instant at();

  /** {@code decision}, {@code setting} or {@code notices}. */
  String kind();

  /** A decision query with its optional expectations. */
  record DecisionQuery(
      int index,
      String id,
      Instant at,
      Purpose purpose,
      String content,
      Optional<String> expect,
      Optional<String> expectReason,
      Optional<List<String>> expectReasons,
      Optional<String> expectBasis,
      Optional<Set<String>> expectClauses,
      Optional<JsonNode> expectObligations,
      Optional<String> region)
      implements Query {
    /** Validates the fields; {@code region} is where the processing runs (DATA-RIGHTS.md). */
    public DecisionQuery {
      Objects.requireNonNull(region, "region");
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(purpose, "purpose");
      Objects.requireNonNull(content, "content");
    }

    @Override
    public String kind() {
      return "decision";
    }
  }

  /** A setting query: the effective value and deciding level. */
  record SettingQuery(
      int index,
      String id,
      Instant at,
      String account,
      Optional<String> user,
      SettingDef key,
      Optional<Boolean> expect,
      Optional<String> expectLevel)
      implements Query {
    /** Validates the fields. */
    public SettingQuery {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(account, "account");
      Objects.requireNonNull(key, "key");
    }

    @Override
    public String kind() {
      return "setting";
    }
  }

  /** A notices query: what a participant is shown, and whether they are held muted. */
  record NoticesQuery(
      int index,
      String id,
      Instant at,
      String meeting,
      String participant,
      Optional<Set<String>> expect,
      Optional<Boolean> expectMuted)
      implements Query {
    /** Validates the fields. */
    public NoticesQuery {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(meeting, "meeting");
      Objects.requireNonNull(participant, "participant");
    }

    @Override
    public String kind() {
      return "notices";
    }
  }
}
