package org.covenant.safety;

import java.util.Objects;

/**
 * One line of a labelled corpus file (JSON lines: {@code id}, {@code group}, {@code label},
 * {@code md5}, {@code text} = the raw message).
 *
 * @param id the stable example id; the held-out split is a function of it
 * @param group the source group, e.g. {@code easy-ham-1}
 * @param label ham or spam
 * @param text the raw RFC 5322 message
 */
public record CorpusRecord(String id, String group, Label label, String text) {
  /** Requires every part and a non-blank id. */
  public CorpusRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(text, "text");
    if (id.isBlank()) {
      throw new IllegalArgumentException("id is blank");
    }
  }

  /** The parsed example ({@code id} as content id). */
  public LabelledExample toExample(MessageParser parser) {
    return new LabelledExample(id, parser.parse(text), label);
  }
}
