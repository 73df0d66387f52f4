package org.covenant.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.covenant.core.event.RejectionCode;
import org.covenant.format.Json;

/**
 * RFC 9457 problem documents ({@code application/problem+json}): the one mapping from error codes
 * to HTTP statuses and titles. Every error the API returns goes through here.
 */
public final class Problems {
  /** The media type of problem documents. */
  public static final String MEDIA_TYPE = "application/problem+json";

  private static final Map<String, String> TITLES = Map.ofEntries(
      Map.entry("invalid_input", "The request is not valid"),
      Map.entry("invalid_id", "An identifier in the request is not valid"),
      Map.entry("clock_skew", "The request's time is too far from the server's clock"),
      Map.entry("idempotency_key_reused",
          "The idempotency key was used before with another request"),
      Map.entry("body_too_large", "The request body is too large"),
      Map.entry("unsupported_media_type", "The request body must be application/json"),
      Map.entry("unauthenticated", "A valid API token is required"),
      Map.entry("token_expired", "The API token has expired"),
      Map.entry("not_authorized", "The caller may not do this"),
      Map.entry("not_found", "No such resource"),
      Map.entry("method_not_allowed", "The method is not allowed on this resource"),
      Map.entry("store_unavailable", "The ledger store is unavailable"),
      Map.entry("starting", "The server is still starting"),
      Map.entry("role_escalation", "A token may not carry more power than its issuer"),
      Map.entry("scan_model_missing", "No invite scanning model is installed"),
      Map.entry("limit_exceeded", "The request exceeds a limit"),
      Map.entry("token_store_io", "The token store could not be written"),
      Map.entry("log_io", "The transparency log could not be read or written"),
      Map.entry("unknown_subject", "The person is not a user of the account"),
      Map.entry("subject_erased", "The person was erased"),
      Map.entry("unknown_request", "No such data subject request"),
      Map.entry("request_closed", "The data subject request is closed"),
      Map.entry("log_behind", "The transparency log has not caught up yet"),
      Map.entry("dsr_unavailable", "Data subject requests need a data directory"),
      Map.entry("owner_unavailable", "The cluster member that owns the account did not answer"),
      Map.entry("ownership_moving", "The account is moving between cluster members"),
      Map.entry("internal_error", "The server failed"));

  private Problems() {}

  /** The HTTP status of a ledger rejection returned by a single-resource route. */
  public static int statusOf(RejectionCode code) {
    return switch (code) {
      case INVALID_ID, INVALID_VALUE -> 400;
      case NOT_AUTHORIZED -> 403;
      case UNKNOWN_ACCOUNT, UNKNOWN_SETTING, UNKNOWN_CONSENT, UNKNOWN_TERMS, UNKNOWN_FEATURE,
          UNKNOWN_NOTICE, UNKNOWN_CATEGORY, UNKNOWN_GROUP, UNKNOWN_USER, UNKNOWN_MEETING,
          UNKNOWN_PARTICIPANT, UNKNOWN_CONTENT, UNKNOWN_HOLD -> 404;
      case OUT_OF_ORDER, DUPLICATE_ID, MEETING_ENDED, SETTING_LOCKED, SETTING_CEILING,
          FEATURE_DISABLED, USER_REMOVED, LEGAL_HOLD -> 409;
    };
  }

  // Only a ledger rejection is "an event rejected"; any other code without a title of its own is
  // named as a failed request, so a readiness or infrastructure answer never claims an event.
  private static String title(String code) {
    for (RejectionCode r : RejectionCode.values()) {
      if (r.name().toLowerCase(java.util.Locale.ROOT).equals(code)) {
        return "The event was rejected: " + code.replace('_', ' ');
      }
    }
    return "The request failed: " + code.replace('_', ' ');
  }

  /** A problem document for an error. */
  public static ObjectNode of(String code, int status, String field, String detail,
      String instance) {
    ObjectNode o = Json.object();
    o.put("type", "urn:covenant:problem:" + code);
    o.put("title", TITLES.getOrDefault(code, title(code)));
    o.put("status", status);
    o.put("detail", detail);
    o.put("code", code);
    if (!field.isEmpty()) {
      o.put("field", field);
    }
    o.put("instance", instance);
    return o;
  }
}
