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
import org.covenant.core.event.HoldScope;
import org.covenant.core.event.Scope;
import org.covenant.core.event.SettingValue;
import org.covenant.core.vocab.Role;
import org.covenant.core.vocab.ValuedSetting;
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
    return ProjectionCheckpoint.toBytes(s, new ProjectionCheckpoint.CheckpointHeader(s.head(),
        TimeKey.of(s.lastAt().orElseThrow()), 7, ROOT));
  }

  private static ProjectionCheckpoint.FrameCheck check(byte[] b) {
    return ProjectionCheckpoint.check(ProjectionCheckpoint.of(b));
  }

  @Test
  void participantsComeBackInTheOrderTheyWereAdded() {
    GovernanceState s = meetingWithManyGuests();
    byte[] b = bytes(s);
    GovernanceState r = ProjectionCheckpoint.restore(ProjectionCheckpoint.of(b),
        name -> true);
    assertThat(new ArrayList<>(r.meetings.get("m1").participants().keySet()))
        .isEqualTo(new ArrayList<>(s.meetings.get("m1").participants().keySet()));
    assertThat(r.head()).isEqualTo(s.head());
    assertThat(r.lastAt()).isEqualTo(s.lastAt());
    assertThat(bytes(r)).isEqualTo(b);
  }

  @Test
  void anEndedMeetingWithLeavesAfterTheCutIsWrittenAsAProjectionStoppedAtTheCutHoldsIt() {
    // 3 guests: found by a walk; 60: by offsets and an index.
    for (int guests : new int[] {3, 60}) {
      List<Event> events = new ArrayList<>();
      events.add(new Event.AccountCreated(T0, "acme", "alice"));
      events.add(new Event.MeetingStarted(T0, "acme", "m1", "alice", List.of()));
      for (int i = 0; i < guests; i++) {
        events.add(new Event.ParticipantJoined(T0.plusSeconds(1 + i), "m1", "guest-" + i,
            Optional.of("initrode")));
        if (i % 2 == 0) {
          events.add(new Event.NoticeAcknowledged(T0.plusSeconds(1 + i).plusMillis(3), "m1",
              "guest-" + i, org.covenant.core.vocab.Notice.values()[i % 2].id()));
        }
      }
      events.add(new Event.MeetingEnded(T0.plusSeconds(100), "m1"));
      int cutAt = events.size();
      for (int i = 0; i < guests; i += 2) {
        events.add(new Event.ParticipantLeft(T0.plusSeconds(200 + i), "m1", "guest-" + i));
      }
      GovernanceState full = GovernanceState.create(name -> true);
      GovernanceState prefix = GovernanceState.create(name -> true);
      for (int i = 0; i < events.size(); i++) {
        assertThat(full.apply(events.get(i))).as("%s", events.get(i))
            .isInstanceOf(Outcome.Accepted.class);
        if (i < cutAt) {
          prefix.apply(events.get(i));
        }
      }
      ProjectionCheckpoint.CheckpointHeader atCut = new ProjectionCheckpoint.CheckpointHeader(
          prefix.head(), TimeKey.of(prefix.lastAt().orElseThrow()), 7, ROOT);
      byte[] cut = ProjectionCheckpoint.toBytes(full, atCut);
      assertThat(cut).as("%d guests", guests)
          .isEqualTo(ProjectionCheckpoint.toBytes(prefix, atCut));
      GovernanceState r = ProjectionCheckpoint.restore(ProjectionCheckpoint.of(cut), n -> true);
      for (int i = cutAt; i < events.size(); i++) {
        assertThat(r.apply(events.get(i))).isInstanceOf(Outcome.Accepted.class);
      }
      assertThat(bytes(r)).as("%d guests", guests).isEqualTo(bytes(full));
    }
  }

  @Test
  void aFlippedByteAnywhereOrATruncationIsRefused() {
    byte[] b = bytes(meetingWithManyGuests());
    assertThat(check(b)).isInstanceOf(ProjectionCheckpoint.FrameCheck.Valid.class);
    for (int i = 0; i < b.length; i += Math.max(1, b.length / 97)) {
      byte[] flipped = b.clone();
      flipped[i] ^= 0x10;
      assertThat(check(flipped)).as("byte %d flipped", i)
          .isInstanceOf(ProjectionCheckpoint.FrameCheck.Invalid.class);
    }
    for (int n : new int[] {0, 5, 60, 100, b.length / 2, b.length - 33, b.length - 1}) {
      assertThat(check(Arrays.copyOf(b, n))).as("cut to %d bytes", n)
          .isInstanceOf(ProjectionCheckpoint.FrameCheck.Invalid.class);
    }
    byte[] longer = Arrays.copyOf(b, b.length + 1);
    assertThat(check(longer)).isInstanceOf(ProjectionCheckpoint.FrameCheck.Invalid.class);
  }

  @Test
  void anotherFormatIsRefusedByName() {
    byte[] b = bytes(meetingWithManyGuests());
    b[11] = 0; // format int, big-endian, after the 8-byte magic: 2 -> 0
    ProjectionCheckpoint.FrameCheck c = check(b);
    assertThat(c).isInstanceOf(ProjectionCheckpoint.FrameCheck.Invalid.class);
    assertThat(((ProjectionCheckpoint.FrameCheck.Invalid) c).problem()).contains("format 0");
  }

  @Test
  void restoreRechecksTheDigest() {
    byte[] b = bytes(meetingWithManyGuests());
    b[b.length / 2] ^= 1;
    assertThatThrownBy(() -> ProjectionCheckpoint.restore(ProjectionCheckpoint.of(b),
        name -> true)).isInstanceOf(ProjectionCheckpoint.Unreadable.class);
  }

  /**
   * The restore reads a checkpoint once (a start checks only its header first): a flipped byte
   * anywhere in the body, or a cut anywhere after the header, fails the restore with the frame
   * check's own problem, the digest mismatch, whatever the decoding made of the damage first;
   * the header check alone lets them through.
   */
  @Test
  void theOneReadRestoreRefusesAFlippedByteOrACutWithTheDigestProblem() {
    GovernanceState s = meetingWithManyGuests();
    for (Event e : dataRightsLedger()) {
      s.apply(e);
    }
    byte[] b = bytes(s);
    int header = 8 + 4 + 32 + 8 + 8 + 8 + 32;
    for (int i = header; i < b.length; i++) {
      byte[] flipped = b.clone();
      flipped[i] ^= (byte) (1 << (i % 8));
      assertThat(ProjectionCheckpoint.checkHeader(ProjectionCheckpoint.of(flipped)))
          .isInstanceOf(ProjectionCheckpoint.FrameCheck.Valid.class);
      assertThatThrownBy(() -> ProjectionCheckpoint.restore(ProjectionCheckpoint.of(flipped),
          name -> true)).as("byte %d flipped", i)
          .isInstanceOf(ProjectionCheckpoint.Unreadable.class)
          .hasMessage(ProjectionCheckpoint.DAMAGED);
    }
    for (int n = header; n < b.length; n++) {
      byte[] cut = Arrays.copyOf(b, n);
      assertThatThrownBy(() -> ProjectionCheckpoint.restore(ProjectionCheckpoint.of(cut),
          name -> true)).as("cut to %d bytes", n)
          .isInstanceOf(ProjectionCheckpoint.Unreadable.class)
          .hasMessage(ProjectionCheckpoint.DAMAGED);
    }
    byte[] longer = Arrays.copyOf(b, b.length + 1);
    assertThatThrownBy(() -> ProjectionCheckpoint.restore(ProjectionCheckpoint.of(longer),
        name -> true)).hasMessage(ProjectionCheckpoint.DAMAGED);
    // Of unknown size, the frame is checked whole first: the same answers.
    byte[] flipped = b.clone();
    flipped[b.length / 2] ^= 1;
    ProjectionCheckpoint.Source unsized =
        ProjectionCheckpoint.sized(ProjectionCheckpoint.of(flipped), -1);
    assertThatThrownBy(() -> ProjectionCheckpoint.restore(unsized, name -> true))
        .hasMessage(ProjectionCheckpoint.DAMAGED);
    assertThat(bytes(ProjectionCheckpoint.restore(
        ProjectionCheckpoint.sized(ProjectionCheckpoint.of(b), -1), name -> true))).isEqualTo(b);
  }

  /** A state whose checkpoint spans several of the read-ahead's blocks (1 MiB each). */
  private static GovernanceState manyItems() {
    GovernanceState s = GovernanceState.create(name -> true);
    assertThat(s.apply(new Event.AccountCreated(T0, "acme", "ann"))).isInstanceOf(
        Outcome.Accepted.class);
    for (int i = 0; i < 120_000; i++) {
      Event e = new Event.ContentCreated(T0.plusSeconds(1 + i), "content-item-number-" + i,
          "customer_content.chat", "acme", Optional.empty(), Optional.of("author-" + (i % 5000)),
          List.of());
      assertThat(s.apply(e)).isInstanceOf(Outcome.Accepted.class);
    }
    return s;
  }

  /** {@code b} as a source that hands its bytes out in pieces of 1 to 9000 bytes, and none. */
  private static ProjectionCheckpoint.Source inPieces(byte[] b, long size) {
    return ProjectionCheckpoint.sized(() -> new ProjectionCheckpoint.Input() {
      private int at;
      private int calls;

      @Override
      public int read(byte[] into, int off, int len) {
        if (at >= b.length) {
          return -1;
        }
        int n = Math.min(len, Math.min(b.length - at, (calls++ * 7919) % 9001));
        System.arraycopy(b, at, into, off, n);
        at += n;
        return n;
      }

      @Override
      public void close() {}
    }, size);
  }

  /**
   * The restore reads its input ahead, in blocks, on a thread of its own, digesting all but the
   * last 32 bytes it has seen: a checkpoint of several blocks, read in uneven pieces, comes back
   * whole, and a flipped byte or a cut near any block's end (where the held-back bytes cross from
   * one block to the next) is refused as damage, whether the size is known or not.
   */
  @Test
  void aCheckpointOfManyBlocksReadInPiecesIsCheckedAtEveryBlockEnd() {
    byte[] b = bytes(manyItems());
    int block = 1 << 20;
    assertThat(b.length).isGreaterThan(3 * block);
    assertThat(bytes(ProjectionCheckpoint.restore(inPieces(b, b.length), name -> true)))
        .isEqualTo(b);
    assertThat(bytes(ProjectionCheckpoint.restore(inPieces(b, -1), name -> true))).isEqualTo(b);
    List<Integer> near = new ArrayList<>();
    for (int end = block; end < b.length; end += block) {
      for (int d = -40; d <= 40; d += 3) {
        near.add(end + d);
      }
    }
    for (int d = 1; d <= 40; d += 3) {
      near.add(b.length - d);
    }
    for (int i : near) {
      byte[] flipped = b.clone();
      flipped[i] ^= 0x01;
      assertThatThrownBy(() -> ProjectionCheckpoint.restore(inPieces(flipped, flipped.length),
          name -> true)).as("byte %d flipped", i)
          .isInstanceOf(ProjectionCheckpoint.Unreadable.class)
          .hasMessage(ProjectionCheckpoint.DAMAGED);
      byte[] cut = Arrays.copyOf(b, i);
      assertThatThrownBy(() -> ProjectionCheckpoint.restore(inPieces(cut, cut.length),
          name -> true)).as("cut to %d bytes", i)
          .isInstanceOf(ProjectionCheckpoint.Unreadable.class)
          .hasMessage(ProjectionCheckpoint.DAMAGED);
    }
  }

  /** A source that fails while it is read ahead fails the restore with its own exception. */
  @Test
  void aSourceThatFailsMidwayFailsTheRestoreWithItsOwnException() {
    byte[] b = bytes(manyItems());
    IllegalStateException broken = new IllegalStateException("disk gone");
    ProjectionCheckpoint.Source failing = ProjectionCheckpoint.sized(
        () -> new ProjectionCheckpoint.Input() {
          private int at;

          @Override
          public int read(byte[] into, int off, int len) {
            if (at > 2 * (1 << 20)) {
              throw broken;
            }
            int n = Math.min(len, b.length - at);
            System.arraycopy(b, at, into, off, n);
            at += n;
            return n;
          }

          @Override
          public void close() {}
        }, b.length);
    assertThatThrownBy(() -> ProjectionCheckpoint.restore(failing, name -> true))
        .isSameAs(broken);
  }

  /**
   * A damaged count is not trusted before the digest is known: one that says a billion items
   * the bytes left cannot hold is refused as damage, not allocated (which would stop the start
   * with an OutOfMemoryError instead of replaying the ledger).
   */
  /** An ended meeting "m1" of acme, hosted by alice, with one guest; content in it after. */
  private static GovernanceState endedMeetingThenContent() {
    GovernanceState s = GovernanceState.create(name -> true);
    List<Event> events = List.of(
        new Event.AccountCreated(T0, "acme", "alice"),
        new Event.MeetingStarted(T0, "acme", "m1", "alice", List.of()),
        new Event.ParticipantJoined(T0.plusSeconds(1), "m1", "guest", Optional.empty()),
        new Event.MeetingEnded(T0.plusSeconds(2), "m1"),
        new Event.ContentCreated(T0.plusSeconds(3), "c1", "customer_content.chat", "acme",
            Optional.of("m1"), Optional.of("alice"), List.of()));
    for (Event e : events) {
      assertThat(s.apply(e)).as("%s", e).isInstanceOf(Outcome.Accepted.class);
    }
    return s;
  }

  /** {@code b} with its last 32 bytes made the SHA-256 of the others again. */
  private static byte[] resigned(byte[] b) {
    byte[] digest = org.covenant.core.Sha256.newDigest().digest(Arrays.copyOf(b, b.length - 32));
    byte[] out = b.clone();
    System.arraycopy(digest, 0, out, b.length - 32, 32);
    return out;
  }

  private static boolean aFilerIsRunning() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals("checkpoint-filer") && t.isAlive());
  }

  /**
   * What the restore's second thread (the filer) finds wrong fails the restore as if the
   * decoding thread had found it: a body that does not decode (the digest matches), no state,
   * and no thread left behind. Here the packed meeting's participant count says more
   * participants than it has strings, which only the filer's packing checks.
   */
  @Test
  void aFailureOnTheFilerFailsTheRestoreCleanly() {
    byte[] b = bytes(endedMeetingThenContent());
    // The meeting: its id (length 2, "m1"), its account and host (strings 1 and 2 of the
    // table: acme, alice), start time and position, no features, ended (time, position),
    // packed, then the participant count.
    byte[] record = {2, 'm', '1', 0, 0, 0, 1, 0, 0, 0, 2};
    int at = indexOf(b, record);
    assertThat(at).isPositive();
    int count = at + record.length + 8 + 8 + 1 + 1 + 8 + 8 + 1;
    assertThat(b[count - 1]).as("packed").isEqualTo((byte) 1);
    assertThat(b[count]).as("one participant").isEqualTo((byte) 1);
    byte[] damaged = b.clone();
    damaged[count] = 5;
    byte[] signed = resigned(damaged);
    assertThatThrownBy(() -> ProjectionCheckpoint.restore(ProjectionCheckpoint.of(signed),
        name -> true))
        .isInstanceOf(ProjectionCheckpoint.Unreadable.class)
        .hasMessageStartingWith("the checkpoint's body does not decode")
        .hasRootCauseInstanceOf(IllegalArgumentException.class);
    assertThat(aFilerIsRunning()).isFalse();
    // The same bytes undamaged restore, with the filer's work in them.
    GovernanceState r = ProjectionCheckpoint.restore(ProjectionCheckpoint.of(b), name -> true);
    assertThat(bytes(r)).isEqualTo(b);
    assertThat(aFilerIsRunning()).isFalse();
  }

  /**
   * A decoding failure after the filer was handed work (a cut anywhere after the accounts)
   * stops and joins the filer before the restore fails: none is left filing a state that is
   * thrown away.
   */
  @Test
  void aDecodingFailureLeavesNoFilerRunning() {
    byte[] b = bytes(endedMeetingThenContent());
    for (int cut = b.length - 33; cut > 100; cut -= 7) {
      byte[] shorter = Arrays.copyOf(b, cut);
      assertThatThrownBy(() -> ProjectionCheckpoint.restore(ProjectionCheckpoint.of(shorter),
          name -> true)).as("cut at %d", cut)
          .isInstanceOf(ProjectionCheckpoint.Unreadable.class)
          .hasMessage(ProjectionCheckpoint.DAMAGED);
      assertThat(aFilerIsRunning()).as("cut at %d", cut).isFalse();
    }
  }

  private static int indexOf(byte[] b, byte[] part) {
    outer:
    for (int i = 0; i + part.length <= b.length; i++) {
      for (int j = 0; j < part.length; j++) {
        if (b[i + j] != part[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @Test
  void aDamagedCountIsRefusedNotAllocated() {
    GovernanceState empty = GovernanceState.create(name -> true);
    byte[] b = ProjectionCheckpoint.toBytes(empty,
        new ProjectionCheckpoint.CheckpointHeader(0, Long.MIN_VALUE, 7, ROOT));
    int body = 8 + 4 + 32 + 8 + 8 + 8 + 32;
    // The body of an empty state: no accounts (an int), no meetings (an int), no content items
    // (an int, then their bytes' length).
    for (int at : new int[] {body + 4, body + 8, body + 12}) {
      byte[] damaged = b.clone();
      damaged[at] = 0x40;
      assertThatThrownBy(() -> ProjectionCheckpoint.restore(ProjectionCheckpoint.of(damaged),
          name -> true)).as("count at %d", at)
          .isInstanceOf(ProjectionCheckpoint.Unreadable.class)
          .hasMessage(ProjectionCheckpoint.DAMAGED);
    }
  }

  private static List<Event> dataRightsLedger() {
    return List.of(
        new Event.AccountCreated(T0, "acme", "ann"),
        new Event.GroupCreated(T0.plusSeconds(1), "acme", "eng"),
        new Event.UserAdded(T0.plusSeconds(2), "acme", "cy", Role.MEMBER, Optional.of("eng")),
        new Event.UserAdded(T0.plusSeconds(3), "acme", "dee", Role.MEMBER, Optional.empty()),
        new Event.ValuedSettingSet(T0.plusSeconds(4), "acme", Scope.account(), "retention.days",
            new SettingValue.Number(30), false, "ann"),
        new Event.ValuedSettingSet(T0.plusSeconds(5), "acme", Scope.group("eng"),
            "retention.days", new SettingValue.Number(10), true, "ann"),
        new Event.ValuedSettingSet(T0.plusSeconds(6), "acme", Scope.account(),
            "data_regions.allowed", new SettingValue.Codes(List.of("us-east", "eu-west")), false,
            "ann"),
        new Event.ContentCreated(T0.plusSeconds(7), "c1", "customer_content.chat", "acme",
            Optional.empty(), Optional.of("cy"), List.of()),
        new Event.ContentCreated(T0.plusSeconds(8), "c2", "customer_content.chat", "acme",
            Optional.empty(), Optional.empty(), List.of()),
        new Event.ContentCreated(T0.plusSeconds(9), "c3", "customer_content.chat", "acme",
            Optional.empty(), Optional.of("dee"), List.of()),
        new Event.LegalHoldPlaced(T0.plusSeconds(10), "acme", "h1",
            new HoldScope(HoldScope.Kind.USER, "cy"), "matter one", "ann"),
        new Event.LegalHoldPlaced(T0.plusSeconds(11), "acme", "h2",
            new HoldScope(HoldScope.Kind.ACCOUNT, ""), "matter two", "ann"),
        new Event.LegalHoldReleased(T0.plusSeconds(12), "acme", "h2", "ann"),
        new Event.ContentDeleted(T0.plusSeconds(13), "c2", "ann"),
        new Event.UserRemoved(T0.plusSeconds(14), "acme", "dee", "ann"),
        new Event.SettingCleared(T0.plusSeconds(15), "acme", Scope.group("eng"),
            "retention.days", "ann"));
  }

  /**
   * The data-rights state (valued settings and their clearing, holds placed and released, a
   * deleted content item, a removed user) is in the checkpoint: at every cut, the checkpoint of
   * the whole state equals that of the state replayed up to the cut, and restoring it answers
   * the data-rights queries as the replayed state does.
   */
  @Test
  void theDataRightsStateRoundTripsAtEveryCut() {
    List<Event> events = dataRightsLedger();
    GovernanceState full = GovernanceState.create(name -> true);
    for (Event e : events) {
      assertThat(full.apply(e)).as("%s", e).isInstanceOf(Outcome.Accepted.class);
    }
    for (int k = 1; k <= events.size(); k++) {
      GovernanceState prefix = GovernanceState.create(name -> true);
      for (Event e : events.subList(0, k)) {
        prefix.apply(e);
      }
      ProjectionCheckpoint.CheckpointHeader h = new ProjectionCheckpoint.CheckpointHeader(k,
          TimeKey.of(events.get(k - 1).at()), 7, ROOT);
      byte[] b = ProjectionCheckpoint.toBytes(full, h);
      assertThat(b).as("cut %d", k).isEqualTo(ProjectionCheckpoint.toBytes(prefix, h));
      GovernanceState restored = ProjectionCheckpoint.restore(ProjectionCheckpoint.of(b),
          name -> true);
      assertThat(ProjectionCheckpoint.toBytes(restored, h)).as("cut %d", k).isEqualTo(b);
      assertThat(answers(restored)).as("cut %d", k).isEqualTo(answers(prefix));
    }
    String atHead = answers(full);
    assertThat(atHead).contains("deletion(c2)=Optional[Stamp[by=ann")
        .contains("removed(dee)=true").contains("hold=h1").contains("hold=h2")
        .contains("released=Optional[Stamp[by=ann");
  }

  /** What the data-rights view answers at the head and at a later time, as text. */
  private static String answers(GovernanceState s) {
    DataRightsView v = s.snapshot().dataRights();
    long t = TimeKey.END;
    long later = TimeKey.of(T0.plus(java.time.Duration.ofDays(40)));
    StringBuilder b = new StringBuilder();
    b.append("deletion(c2)=").append(v.deletion("c2", t)).append('\n');
    b.append("removed(dee)=").append(v.removed("acme", "dee", t)).append('\n');
    b.append("removal(dee)=").append(v.removal("acme", "dee", t)).append('\n');
    for (DataRightsView.Hold h : v.holds("acme", t)) {
      b.append("hold=").append(h.hold()).append(' ').append(h).append('\n');
    }
    for (ValuedSetting key : ValuedSetting.values()) {
      for (Optional<String> user : List.of(Optional.<String>empty(), Optional.of("cy"))) {
        b.append(key).append(user).append('=')
            .append(v.effective(key, "acme", Optional.empty(), user, t)).append('\n');
      }
    }
    b.append("expired=").append(v.expired(later)).append('\n');
    b.append("sweep=").append(v.sweep(later)).append('\n');
    return b.toString();
  }

  /**
   * A guard for whoever adds state to the projection: the checkpoint must write it too. When
   * this fails, extend {@link ProjectionCheckpoint}'s writer and reader (and bump its format),
   * then the list here.
   */
  @Test
  void theCheckpointCoversEveryFieldOfTheProjection() {
    // numbered, numberedCount and an account's number are derived from the accounts: the
    // reader numbers each account as it puts it in the map (GovernanceState.putAccount).
    assertThat(fields(GovernanceState.class)).isEqualTo(
        "accounts arena contents head knownTerms lastAt meetings numbered numberedCount rights");
    assertThat(fields(DataRights.class))
        .isEqualTo("deleted holds holdsOf removed valued valuedAccounts");
    assertThat(fields(DataRights.Hold.class))
        .isEqualTo("account at by id matter pos released scope");
    assertThat(fields(Entities.Account.class))
        .isEqualTo("at audit consents content events groups id meetingCount meetings number"
            + " owner pos terms termsAndConsents users");
    // A user's account is the account object whose map the reader puts it in; its group is
    // the group object of that account or the id, written as the id.
    assertThat(fields(Entities.User.class)).isEqualTo("account at group id pos role");
    assertThat(fields(Entities.Group.class)).isEqualTo("at id pos");
    // Each of the three is a SettingsScope (its settings below).
    for (Class<?> c : List.of(Entities.Account.class, Entities.User.class,
        Entities.Group.class)) {
      assertThat(c.getSuperclass()).isEqualTo(Entities.SettingsScope.class);
    }
    // idHash is the id's hash, made again from it on restore. state is the body below while
    // the meeting runs; once packed, the arena (GovernanceState.arena) holding at slice the
    // packed participants with the meeting's stamps, id and feature log, which the checkpoint
    // writes as it always did (format 4). host is the host's user or id, written as the id.
    assertThat(fields(Entities.Meeting.class)).isEqualTo("account host idHash slice state");
    // idBytes is the id the checkpoint always wrote (the same UTF-8 bytes: format 4 stays);
    // closed is the packed participants a body keeps (written as above).
    assertThat(fields(Arrays.stream(Entities.Meeting.class.getDeclaredClasses())
        .filter(c -> c.getSimpleName().equals("Body")).findFirst().orElseThrow()))
        .isEqualTo("at closed endedAt endedPos features idBytes participants pos");
    assertThat(fields(Entities.Participant.class)).isEqualTo("acks id organisation present");
    assertThat(fields(Entities.SettingsScope.class)).isEqualTo("byKey");
  }

  private static String fields(Class<?> c) {
    return Arrays.stream(c.getDeclaredFields())
        .filter(f -> !Modifier.isStatic(f.getModifiers()))
        .map(Field::getName).sorted().collect(Collectors.joining(" "));
  }

  /**
   * Issue 15: a restore files the meetings into their accounts and the index by id once all are
   * read (accounts' arrays made at their size): each account gets its own meetings back, in the
   * order they started, and every meeting is found by id.
   */
  @Test
  void meetingsInterleavedAcrossAccounts_comeBackToTheirOwnAccountsInOrder() {
    GovernanceState s = GovernanceState.create(name -> name.equals("default"));
    List<String> accounts = List.of("acme", "beta", "gamma", "delta");
    List<Event> events = new ArrayList<>();
    for (String a : accounts) {
      events.add(new Event.AccountCreated(T0, a, "owner-" + a));
    }
    for (int i = 0; i < 300; i++) {
      String a = accounts.get(i * i % 7 % accounts.size());
      events.add(new Event.MeetingStarted(T0.plusSeconds(1 + i), a, "m" + i, "owner-" + a,
          List.of()));
      if (i % 3 == 0) {
        events.add(new Event.MeetingEnded(T0.plusSeconds(1 + i).plusMillis(500), "m" + i));
      }
    }
    for (Event e : events) {
      assertThat(s.apply(e)).as("%s", e).isInstanceOf(Outcome.Accepted.class);
    }
    GovernanceState r = ProjectionCheckpoint.restore(ProjectionCheckpoint.of(bytes(s)),
        name -> true);
    for (String a : accounts) {
      Entities.Account was = s.accounts.get(a);
      Entities.Account is = r.accounts.get(a);
      assertThat(is.meetingCount).as(a).isEqualTo(was.meetingCount);
      for (int i = 0; i < was.meetingCount; i++) {
        assertThat(is.meetings[i].id()).as("%s's meeting %d", a, i)
            .isEqualTo(was.meetings[i].id());
        assertThat(r.meetings.get(was.meetings[i].id())).isSameAs(is.meetings[i]);
      }
    }
    assertThat(r.meetings.size()).isEqualTo(300);
  }
  /**
   * Issue 15: a restore numbers each content row's owner by its string in the checkpoint's
   * table (the account's number looked up once per string) and tells an item's meeting to be
   * its owner's by the strings' numbers: every row names its own account by number, and its
   * own meeting, with accounts, meetings and items interleaved.
   */
  @Test
  void aRestoredRowNamesItsOwnAccountByNumberAndItsOwnMeeting() {
    GovernanceState s = GovernanceState.create(name -> name.equals("default"));
    List<String> accounts = List.of("acme", "beta", "gamma", "delta", "epsilon");
    List<Event> events = new ArrayList<>();
    // Numbered in the reverse of the order the content first names them.
    for (int k = accounts.size() - 1; k >= 0; k--) {
      events.add(new Event.AccountCreated(T0, accounts.get(k), "owner-" + accounts.get(k)));
    }
    for (int i = 0; i < 200; i++) {
      String a = accounts.get(i * i % 7 % accounts.size());
      Optional<String> meeting = Optional.empty();
      if (i % 3 != 0) {
        meeting = Optional.of("m" + i);
        events.add(new Event.MeetingStarted(T0.plusSeconds(i), a, "m" + i, "owner-" + a,
            List.of()));
      }
      events.add(new Event.ContentCreated(T0.plusSeconds(i).plusMillis(1), "c" + i,
          "customer_content.chat", a, meeting, Optional.of("owner-" + a), List.of()));
      if (i % 2 == 0 && meeting.isPresent()) {
        events.add(new Event.MeetingEnded(T0.plusSeconds(i).plusMillis(2), "m" + i));
      }
    }
    for (Event e : events) {
      assertThat(s.apply(e)).as("%s", e).isInstanceOf(Outcome.Accepted.class);
    }
    byte[] b = bytes(s);
    GovernanceState r = ProjectionCheckpoint.restore(ProjectionCheckpoint.of(b), name -> true);
    ContentTable.View was = s.contents.view();
    ContentTable.View is = r.contents.view();
    assertThat(is.count()).isEqualTo(200);
    for (int i = 0; i < is.count(); i++) {
      assertThat(is.account(i)).as("item %d", i).isEqualTo(was.account(i));
      assertThat(is.number(i)).as("item %d", i)
          .isEqualTo(r.accounts.get(was.account(i)).number).isNotNegative();
      assertThat(r.numbered(is.number(i))).as("item %d", i)
          .isSameAs(r.accounts.get(was.account(i)));
      Entities.Meeting m = was.meeting(i);
      if (m == null) {
        assertThat(is.meeting(i)).as("item %d", i).isNull();
      } else {
        assertThat(is.meeting(i)).as("item %d", i).isSameAs(r.meetings.get(m.id()));
      }
    }
    assertThat(bytes(r)).isEqualTo(b);
  }

  /**
   * Issue 15: a restore keeps meeting ids as the bytes it read and interns the table's strings
   * from their bytes (no string decoded and encoded again). Ids, hosts, guests, organisations
   * and authors that are not ASCII come back as they were: every meeting found by its id (its
   * hash the id's), the host's content told from a guest's, and the checkpoint written again
   * byte for byte.
   */
  @Test
  void idsThatAreNotAscii_comeBackFromTheTablesBytes() {
    GovernanceState s = GovernanceState.create(name -> name.equals("default"));
    List<Event> events = new ArrayList<>();
    events.add(new Event.AccountCreated(T0, "acmé", "ålice"));
    events.add(new Event.UserAdded(T0, "acmé", "bøb", Role.MEMBER, Optional.empty()));
    for (int i = 0; i < 40; i++) {
      String m = (i % 2 == 0 ? "mëeting-" : "m-") + i;
      // ålice never joins a meeting (her string is never interned from the participants'),
      // bøb joins the first: the host's content is told from both.
      String host = i % 3 == 0 ? "ålice" : "bøb";
      events.add(new Event.MeetingStarted(T0.plusSeconds(10L * i), "acmé", m, host, List.of()));
      if (i == 0) {
        events.add(new Event.ParticipantJoined(T0.plusSeconds(1), m, "bøb", Optional.of("acmé")));
      }
      for (int g = 0; g < 3; g++) {
        events.add(new Event.ParticipantJoined(T0.plusSeconds(10L * i + 1 + g), m,
            (g == 0 ? "gäst-" : "guest-") + (i + g), Optional.of(g == 1 ? "ïnitrode" : "x")));
      }
      events.add(new Event.ContentCreated(T0.plusSeconds(10L * i + 5), "c" + i, "customer_content.chat",
          "acmé", Optional.of(m), Optional.of(i % 4 == 0 ? host : "gäst-" + i), List.of()));
      if (i % 5 != 4) {
        events.add(new Event.MeetingEnded(T0.plusSeconds(10L * i + 8), m));
      }
    }
    for (Event e : events) {
      assertThat(s.apply(e)).as("%s", e).isInstanceOf(Outcome.Accepted.class);
    }
    byte[] b = bytes(s);
    GovernanceState r = ProjectionCheckpoint.restore(ProjectionCheckpoint.of(b), name -> true);
    for (int i = 0; i < 40; i++) {
      String m = (i % 2 == 0 ? "mëeting-" : "m-") + i;
      Entities.Meeting was = s.meetings.get(m);
      Entities.Meeting is = r.meetings.get(m);
      assertThat(is).as(m).isNotNull();
      assertThat(is.id()).isEqualTo(m);
      assertThat(is.idHash).isEqualTo(m.hashCode());
      assertThat(is.host()).isEqualTo(was.host());
      assertThat(participants(is)).isEqualTo(participants(was)).hasSizeGreaterThan(2);
    }
    ContentTable.View was = s.contents.view();
    ContentTable.View is = r.contents.view();
    assertThat(is.count()).isEqualTo(was.count());
    for (int i = 0; i < was.count(); i++) {
      assertThat(is.author(i)).isEqualTo(was.author(i));
      assertThat(is.authorRef(i) < 0).as("item %d by the host", i).isEqualTo(i % 4 == 0);
    }
    assertThat(bytes(r)).isEqualTo(b);
  }

  /**
   * A string of the table whose bytes are not UTF-8 (a checkpoint not written by this code,
   * its digest made to match) comes back as it always did: decoded, the undecodable bytes
   * replaced, and interned as that string's own encoding.
   */
  @Test
  void aTableStringThatIsNotUtf8_comesBackDecoded() throws Exception {
    GovernanceState s = GovernanceState.create(name -> name.equals("default"));
    List<Event> events = List.of(
        new Event.AccountCreated(T0, "acme", "alice"),
        new Event.MeetingStarted(T0, "acme", "m1", "alice", List.of()),
        new Event.ParticipantJoined(T0.plusSeconds(1), "m1", "gu\u00e9st", Optional.of("x")),
        new Event.MeetingEnded(T0.plusSeconds(2), "m1"));
    for (Event e : events) {
      assertThat(s.apply(e)).as("%s", e).isInstanceOf(Outcome.Accepted.class);
    }
    byte[] b = bytes(s);
    byte[] id = "gu\u00e9st".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    int at = -1;
    for (int i = 0; i + id.length <= b.length && at < 0; i++) {
      if (Arrays.equals(b, i, i + id.length, id, 0, id.length)) {
        at = i;
      }
    }
    assertThat(at).isPositive();
    // é's second byte made one that cannot follow its first: C3 28 is not UTF-8.
    b[at + 3] = 0x28;
    java.security.MessageDigest md = org.covenant.core.Sha256.newDigest();
    md.update(b, 0, b.length - 32);
    System.arraycopy(md.digest(), 0, b, b.length - 32, 32);
    GovernanceState r = ProjectionCheckpoint.restore(ProjectionCheckpoint.of(b), name -> true);
    String decoded = new String(new byte[] {'g', 'u', (byte) 0xc3, 0x28, 's', 't'},
        java.nio.charset.StandardCharsets.UTF_8);
    assertThat(decoded).isEqualTo("gu\ufffd(st");
    assertThat(participants(r.meetings.get("m1"))).containsExactly(decoded);
    // Interned as the decoded string: found, not added.
    int held = r.arena.strings();
    assertThat(r.arena.intern(decoded)).isLessThan(held);
    assertThat(r.arena.strings()).isEqualTo(held);
  }

  /** A meeting's participants' ids, live or packed, in their order. */
  private static List<String> participants(Entities.Meeting m) {
    if (m.participants() != null) {
      return new ArrayList<>(m.participants().keySet());
    }
    EndedParticipants c = m.closed();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < c.size(); i++) {
      ids.add(c.id(i));
    }
    return ids;
  }
}
