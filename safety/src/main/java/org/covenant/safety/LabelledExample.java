package org.covenant.safety;

import java.util.Objects;

/**
 * One message with its label, ready for training or evaluation.
 *
 * @param contentId the id of the content the message is (a corpus id, or a platform content id
 *     whose use for training {@link TrainingDataGate} has allowed)
 * @param message the parsed message
 * @param label ham or spam
 */
public record LabelledExample(String contentId, Message message, Label label) {
  /** Requires every part; the content id must not be blank. */
  public LabelledExample {
    Objects.requireNonNull(contentId, "contentId");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(label, "label");
    if (contentId.isBlank()) {
      throw new IllegalArgumentException("contentId is blank");
    }
  }
}
