package org.covenant.server.cluster;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What a cluster member projects (docs/CLUSTER.md, "Accounts sharded"): the accounts it owns.
 * The member's cluster thread calls {@link #reshard} whenever ownership changes; requests for an
 * account wait until it is {@link #ready}. Meeting and content ids resolve to their account
 * for routing, on every member, whatever it owns.
 */
public interface Shard {
  /** Projects the accounts {@code owns} accepts; returns when they are loaded. */
  void reshard(Predicate<String> owns);

  /**
   * As {@link #reshard(Predicate)}, the accounts gained coming from the members
   * {@code departed} (those that left since the last move), whose checkpoints may hold them
   * (docs/CLUSTER.md, "Moves in the projection", rule 7).
   */
  default void reshard(Predicate<String> owns, java.util.Set<String> departed) {
    reshard(owns);
  }

  /** What the last move did and where its time went, for the member's log line. */
  default Optional<String> lastMove() {
    return Optional.empty();
  }

  /** Whether this member's projection of {@code account} is loaded and may answer. */
  boolean ready(String account);

  /** The account a meeting belongs to, if the meeting exists. */
  Optional<String> accountOfMeeting(String meeting);

  /** The account a content item belongs to, if it exists. */
  Optional<String> accountOfContent(String content);

  /**
   * Today's projection: every member projects every account, so everything is always ready and
   * resharding only records the predicate; meetings and content resolve from the projection.
   */
  static Shard full(Function<String, Optional<String>> meetings,
      Function<String, Optional<String>> contents) {
    Objects.requireNonNull(meetings, "meetings");
    Objects.requireNonNull(contents, "contents");
    return new Shard() {
      @Override
      public void reshard(Predicate<String> owns) {
        Objects.requireNonNull(owns, "owns");
      }

      @Override
      public boolean ready(String account) {
        return true;
      }

      @Override
      public Optional<String> accountOfMeeting(String meeting) {
        return meetings.apply(meeting);
      }

      @Override
      public Optional<String> accountOfContent(String content) {
        return contents.apply(content);
      }
    };
  }
}
