package org.covenant.store;

import java.util.Objects;
import org.covenant.core.event.Event;

/**
 * What an event is routed by in a sharded cluster (docs/CLUSTER.md, "Sharded projection"): the
 * account it names, or, for the events that name only a meeting ({@code meeting.feature},
 * {@code meeting.ended}, {@code participant.joined}, {@code notice.acknowledged},
 * {@code participant.left}) that meeting, or for {@code content.deleted} its content; the
 * meeting's or content's account owns it. A {@code participant.joined}'s {@code account} is the
 * guest's organisation (§3), never its route.
 *
 * @param kind what {@code id} names
 * @param id the account, meeting or content id
 */
public record ShardKey(Kind kind, String id) {
  /** What a key names. */
  public enum Kind {
    ACCOUNT, MEETING, CONTENT
  }

  /** Validates the fields. */
  public ShardKey {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(id, "id");
  }

  /** The key an event is routed by. */
  public static ShardKey of(Event event) {
    if (event.accountId().isPresent()) {
      return new ShardKey(Kind.ACCOUNT, event.accountId().get());
    }
    if (event instanceof Event.MeetingFeature e) {
      return new ShardKey(Kind.MEETING, e.meeting());
    }
    if (event instanceof Event.MeetingEnded e) {
      return new ShardKey(Kind.MEETING, e.meeting());
    }
    if (event instanceof Event.ParticipantJoined e) {
      return new ShardKey(Kind.MEETING, e.meeting());
    }
    if (event instanceof Event.NoticeAcknowledged e) {
      return new ShardKey(Kind.MEETING, e.meeting());
    }
    if (event instanceof Event.ParticipantLeft e) {
      return new ShardKey(Kind.MEETING, e.meeting());
    }
    if (event instanceof Event.ContentDeleted e) {
      return new ShardKey(Kind.CONTENT, e.content());
    }
    throw new IllegalStateException("unhandled event type " + event.type());
  }
}
