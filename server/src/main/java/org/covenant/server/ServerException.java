package org.covenant.server;

import java.util.Objects;

/**
 * The server's exception family. Handlers throw it to unwind to the one place that maps errors to
 * RFC 9457 problem documents ({@link Problems}); it carries the error code of STYLE.md (the same
 * string in problems, CLI output and logs), the HTTP status and the offending field, if any.
 */
public final class ServerException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String code;
  private final int status;
  private final String field;

  /** An error with a code, a status, the field it concerns (empty for none) and a message. */
  public ServerException(String code, int status, String field, String message) {
    super(Objects.requireNonNull(message, "message"));
    this.code = Objects.requireNonNull(code, "code");
    this.status = status;
    this.field = Objects.requireNonNull(field, "field");
  }

  /** An infrastructure failure with its cause. */
  public ServerException(String code, int status, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
    this.status = status;
    this.field = "";
  }

  /** 400 {@code invalid_input} about one field. */
  public static ServerException invalid(String field, String message) {
    return new ServerException("invalid_input", 400, field, message);
  }

  /** 404 {@code not_found}: also what a caller gets for another account's resources. */
  public static ServerException notFound(String field, String message) {
    return new ServerException("not_found", 404, field, message);
  }

  /** 403 {@code not_authorized}: the caller's token may not do this. */
  public static ServerException forbidden(String field, String message) {
    return new ServerException("not_authorized", 403, field, message);
  }

  /** 503 {@code store_unavailable}. */
  public static ServerException storeUnavailable(String message, Throwable cause) {
    return new ServerException("store_unavailable", 503, message, cause);
  }

  /** The lowercase snake error code. */
  public String code() {
    return code;
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** The field concerned, or empty. */
  public String field() {
    return field;
  }
}
