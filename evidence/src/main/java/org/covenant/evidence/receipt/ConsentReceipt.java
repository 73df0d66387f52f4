package org.covenant.evidence.receipt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.covenant.format.CanonicalJson;
import org.covenant.format.FormatException;
import org.covenant.format.Json;
import org.covenant.log.Checked;
import org.covenant.store.StoreException;

/**
 * The body of a consent receipt, shaped after ISO/IEC TS 27560 (ARCHITECTURE.md §7): which consent
 * of which PII principal (the account) changed to which state, under which terms and notice
 * versions, when, by whom, and for which controller (the platform). Its RFC 8785 canonical JSON is
 * both the transparency-log leaf and the bytes the log key signs.
 *
 * <p>{@code by} is written into a public log: pass the pseudonym the ledger uses for that user (the
 * salted hash of ARCHITECTURE.md §7), never a raw user id.
 *
 * @param receiptId unique id of this receipt
 * @param piiPrincipal the account whose consent this is
 * @param consent the consent type, e.g. {@code ai_training}
 * @param state granted or withdrawn
 * @param termsVersion the terms version in force for the account
 * @param noticeVersion the notice version the actor was shown
 * @param timestamp when the change took effect (the ledger event's {@code at})
 * @param by who made the change (a pseudonym)
 * @param controller the PII controller, the platform
 */
public record ConsentReceipt(
    String receiptId,
    String piiPrincipal,
    String consent,
    ConsentState state,
    String termsVersion,
    String noticeVersion,
    Instant timestamp,
    String by,
    String controller) {

  /** The value of the {@code version} field: the shape of this receipt. */
  public static final String VERSION = "covenant.consent-receipt/1";

  private static final Set<String> FIELDS =
      Set.of(
          "version",
          "receipt_id",
          "pii_principal",
          "consent_type",
          "state",
          "terms_version",
          "notice_version",
          "timestamp",
          "by",
          "pii_controller");

  /** Every field is required and non-blank. */
  public ConsentReceipt {
    for (var f :
        List.of(
            List.of("receipt_id", receiptId),
            List.of("pii_principal", piiPrincipal),
            List.of("consent_type", consent),
            List.of("terms_version", termsVersion),
            List.of("notice_version", noticeVersion),
            List.of("by", by),
            List.of("pii_controller", controller))) {
      Objects.requireNonNull(f.get(1), f.get(0));
      if (f.get(1).isBlank()) {
        throw new StoreException("invalid_receipt", "receipt field `" + f.get(0) + "` is blank");
      }
    }
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(timestamp, "timestamp");
  }

  /** The receipt as JSON, field names as in ISO/IEC TS 27560 where it has one. */
  public ObjectNode toJson() {
    ObjectNode o = Json.object();
    o.put("version", VERSION);
    o.put("receipt_id", receiptId);
    o.put("pii_principal", piiPrincipal);
    o.put("consent_type", consent);
    o.put("state", state.wire());
    o.put("terms_version", termsVersion);
    o.put("notice_version", noticeVersion);
    o.put("timestamp", timestamp.toString());
    o.put("by", by);
    o.put("pii_controller", controller);
    return o;
  }

  /** The RFC 8785 canonical JSON: the log leaf and the signed bytes. */
  public byte[] canonicalBytes() {
    return CanonicalJson.canonicalize(toJson());
  }

  /**
   * Reads a receipt body, strictly: every field present, no others, the version known and the
   * timestamp in the canonical RFC 3339 form this class writes. Fails with {@code
   * malformed_receipt}.
   */
  public static Checked<ConsentReceipt> fromJson(JsonNode json) {
    try {
      ObjectNode o = Json.obj(json, "receipt");
      Json.onlyFields(o, FIELDS);
      if (!VERSION.equals(Json.str(o, "version"))) {
        return malformed("unknown receipt version `" + Json.str(o, "version") + "`");
      }
      String stateText = Json.str(o, "state");
      var state = ConsentState.ofWire(stateText);
      if (state.isEmpty()) {
        return malformed("state `" + stateText + "` is neither `granted` nor `withdrawn`");
      }
      String ts = Json.str(o, "timestamp");
      Instant timestamp = Instant.parse(ts);
      if (!timestamp.toString().equals(ts)) {
        return malformed("timestamp `" + ts + "` is not in canonical form `" + timestamp + "`");
      }
      return Checked.ok(
          new ConsentReceipt(
              Json.str(o, "receipt_id"),
              Json.str(o, "pii_principal"),
              Json.str(o, "consent_type"),
              state.get(),
              Json.str(o, "terms_version"),
              Json.str(o, "notice_version"),
              timestamp,
              Json.str(o, "by"),
              Json.str(o, "pii_controller")));
    } catch (FormatException | DateTimeParseException | StoreException e) {
      return malformed(e.getMessage());
    }
  }

  private static <T> Checked<T> malformed(String why) {
    return Checked.failed("malformed_receipt", why);
  }
}
