package org.covenant.core.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.covenant.core.event.Event;
import org.junit.jupiter.api.Test;

/**
 * The checkpoint frame refuses what it cannot trust (a flipped byte anywhere, a truncation,
 * another format), restores a meeting's participants in the order they joined (the engine walks
 * them in map order, so evidence depends on it), and covers every field of the projection.
 */
class ProjectionCheckpointTest {
  private static final Instant T0 = Instant.parse("2025-02-03T09:00:00Z");
  private static final byte[] ROOT = new byte[32];

  private static GovernanceState meetingWithManyGuests() {
    GovernanceState s = GovernanceState.create(name -> name.equals("default"));
    List<Event> events = new ArrayList<>();
    events.add(new Event.AccountCreated(T0, "acme", "alice"));
    events.add(new Event.MeetingStarted(T0, "acme", "m1", "alice", List.of()));
    // joined in an order unlike their ids', enough of them for hash bins to collide
    for (int i = 60; i > 0; i--) {
      events.add(new Event.ParticipantJoined(T0.plusSeconds(61 - i), "m1",
          "guest-" + (i * 7919 % 61), Optional.of("initrode")));
    }
    for (Event e : events) {
      assertThat(s.apply(e)).as("%s", e).isInstanceOf(Outcome.Accepted.class);
    }
    return s;
  }

  private static byte[] bytes(GovernanceState s) {
    return ProjectionCheckpoint.toBytes(s, new ProjectionCheckpoint.Header(s.head(),
        TimeKey.of(s.lastAt().orElseThrow()), 7, ROOT));
  }

  private static ProjectionCheckpoint.Checked check(byte[] b) {
    return ProjectionCheckpoint.check(ProjectionCheckpoint.of(b));
  }

  @Test
  void participantsComeBackInTheOrderTheyWereAdded() {
    GovernanceState s = meetingWithManyGuests();
    byte[] b = bytes(s);
    GovernanceState r = ProjectionCheckpoint.restore(ProjectionCheckpoint.of(b),
        name -> true);
    assertThat(new ArrayList<>(r.meetings.get("m1").participants.keySet()))
        .isEqualTo(new ArrayList<>(s.meetings.get("m1").participants.keySet()));
    assertThat(r.head()).isEqualTo(s.head());
    assertThat(r.lastAt()).isEqualTo(s.lastAt());
    assertThat(bytes(r)).isEqualTo(b);
  }

  @Test
  void aFlippedByteAnywhereOrATruncationIsRefused() {
    byte[] b = bytes(meetingWithManyGuests());
    assertThat(check(b)).isInstanceOf(ProjectionCheckpoint.Checked.Valid.class);
    for (int i = 0; i < b.length; i += Math.max(1, b.length / 97)) {
      byte[] flipped = b.clone();
      flipped[i] ^= 0x10;
      assertThat(check(flipped)).as("byte %d flipped", i)
          .isInstanceOf(ProjectionCheckpoint.Checked.Invalid.class);
    }
    for (int n : new int[] {0, 5, 60, 100, b.length / 2, b.length - 33, b.length - 1}) {
      assertThat(check(Arrays.copyOf(b, n))).as("cut to %d bytes", n)
          .isInstanceOf(ProjectionCheckpoint.Checked.Invalid.class);
    }
    byte[] longer = Arrays.copyOf(b, b.length + 1);
    assertThat(check(longer)).isInstanceOf(ProjectionCheckpoint.Checked.Invalid.class);
  }

  @Test
  void anotherFormatIsRefusedByName() {
    byte[] b = bytes(meetingWithManyGuests());
    b[11] = 0; // format int, big-endian, after the 8-byte magic: 1 -> 0
    ProjectionCheckpoint.Checked c = check(b);
    assertThat(c).isInstanceOf(ProjectionCheckpoint.Checked.Invalid.class);
    assertThat(((ProjectionCheckpoint.Checked.Invalid) c).problem()).contains("format 0");
  }

  @Test
  void restoreRechecksTheDigest() {
    byte[] b = bytes(meetingWithManyGuests());
    b[b.length / 2] ^= 1;
    assertThatThrownBy(() -> ProjectionCheckpoint.restore(ProjectionCheckpoint.of(b),
        name -> true)).isInstanceOf(ProjectionCheckpoint.Unreadable.class);
  }

  /**
   * A guard for whoever adds state to the projection: the checkpoint must write it too. When
   * this fails, extend {@link ProjectionCheckpoint}'s writer and reader (and bump its format),
   * then the list here.
   */
  @Test
  void theCheckpointCoversEveryFieldOfTheProjection() {
    assertThat(fields(GovernanceState.class))
        .isEqualTo("accounts contents head knownTerms lastAt meetings");
    assertThat(fields(Entities.Account.class))
        .isEqualTo("at consents groups id owner pos settings terms users");
    assertThat(fields(Entities.User.class)).isEqualTo("at group id pos role settings");
    assertThat(fields(Entities.Group.class)).isEqualTo("at id pos settings");
    assertThat(fields(Entities.Meeting.class))
        .isEqualTo("account at ended features host id participants pos");
    assertThat(fields(Entities.Participant.class)).isEqualTo("acks id organisation present");
    assertThat(fields(Entities.SettingsScope.class)).isEqualTo("byKey");
  }

  private static String fields(Class<?> c) {
    return Arrays.stream(c.getDeclaredFields())
        .filter(f -> !Modifier.isStatic(f.getModifiers()))
        .map(Field::getName).sorted().collect(Collectors.joining(" "));
  }
}
