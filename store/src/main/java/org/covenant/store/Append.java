package org.covenant.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.covenant.core.event.Event;
import org.covenant.core.spi.StoredEvent;

/**
 * An event offered to the {@link Ledger}, with an optional client idempotency key: offering the
 * same key again returns {@link AppendResult.Duplicate} with the original position instead of
 * appending twice. Keys of rejected events are not remembered, so a retry is validated again.
 *
 * <p>A key may be bound to a {@code fingerprint} of the request that carried it (64 lowercase
 * hex digits, e.g. a SHA-256): the same key offered with another fingerprint is
 * {@link AppendResult.KeyReused}, not a duplicate. The ledger stores such a key as
 * {@code KEY#sha256:FINGERPRINT} ({@link #storedKey()}).
 *
 * <p>With {@code stampAt} the ledger, not the caller, sets the event's time when it validates it
 * at the head: the given instant (the server's clock when the request arrived), or the ledger's
 * last time when that is later, so an online write never fails {@code out_of_order} and never
 * moves the ledger's clock.
 *
 * @param event the event
 * @param idempotencyKey 1 to 200 characters, not blank (with a fingerprint, at most 128)
 * @param fingerprint 64 lowercase hex digits, or empty
 * @param stampAt the server's time to stamp the event with, or empty to keep the event's own
 */
public record Append(Event event, Optional<String> idempotencyKey, Optional<String> fingerprint,
    Optional<Instant> stampAt) {
  /** What separates a key from its fingerprint in the stored key. */
  public static final String FINGERPRINT_SEPARATOR = "#sha256:";
  private static final int FINGERPRINT_LENGTH = 64;

  /** Validates the fields. */
  public Append {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(stampAt, "stampAt");
    idempotencyKey.ifPresent(StoredEvent::checkKey);
    if (fingerprint.isPresent()) {
      if (idempotencyKey.isEmpty()) {
        throw new IllegalArgumentException("a fingerprint needs an idempotency key");
      }
      if (!isFingerprint(fingerprint.get())) {
        throw new IllegalArgumentException("a fingerprint is 64 lowercase hex digits");
      }
      StoredEvent.checkKey(idempotencyKey.get() + FINGERPRINT_SEPARATOR + fingerprint.get());
    }
  }

  /** An event with an optional idempotency key, neither fingerprinted nor stamped. */
  public Append(Event event, Optional<String> idempotencyKey) {
    this(event, idempotencyKey, Optional.empty(), Optional.empty());
  }

  /** An event without an idempotency key. */
  public static Append of(Event event) {
    return new Append(event, Optional.empty());
  }

  /** An event with an idempotency key. */
  public static Append of(Event event, String idempotencyKey) {
    return new Append(event, Optional.of(idempotencyKey));
  }

  /** The key as the ledger stores it: with its fingerprint when it has one. */
  public Optional<String> storedKey() {
    return idempotencyKey.map(k -> fingerprint.map(f -> k + FINGERPRINT_SEPARATOR + f).orElse(k));
  }

  /** The key part of a stored key (without its fingerprint). */
  static String keyOf(String storedKey) {
    int i = storedKey.lastIndexOf(FINGERPRINT_SEPARATOR);
    if (i > 0 && isFingerprint(storedKey.substring(i + FINGERPRINT_SEPARATOR.length()))) {
      return storedKey.substring(0, i);
    }
    return storedKey;
  }

  /** The fingerprint part of a stored key, or null when it has none. */
  static String fingerprintOf(String storedKey) {
    int i = storedKey.lastIndexOf(FINGERPRINT_SEPARATOR);
    if (i > 0) {
      String f = storedKey.substring(i + FINGERPRINT_SEPARATOR.length());
      if (isFingerprint(f)) {
        return f;
      }
    }
    return null;
  }

  private static boolean isFingerprint(String f) {
    if (f.length() != FINGERPRINT_LENGTH) {
      return false;
    }
    for (int i = 0; i < f.length(); i++) {
      if (Character.digit(f.charAt(i), 16) < 0 || Character.isUpperCase(f.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** The SHA-256 of {@code bytes} as a fingerprint. */
  public static String fingerprint(byte[] bytes) {
    return org.covenant.core.Sha256.hex(bytes);
  }
}
