package org.covenant.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.covenant.core.event.Event;
import org.covenant.core.event.Scope;
import org.covenant.core.vocab.Role;
import org.junit.jupiter.api.Test;

/**
 * A batch naming accounts of several cluster members, appended by a member that owns none of
 * them ({@link Ledger#span}; docs/CLUSTER.md, "Batches that span owners"), on real PostgreSQL:
 * every event has the outcome one projection of the whole ledger gives it (position, or the same
 * rejection, in the §3 order, cross-account rules included: the ledger's clock, global ids);
 * it is validated at the true head (an owner's append made after the accounts were loaded
 * counts); a retry with the same keys appends nothing; a batch naming an account not loaded is
 * refused whole; and every member's projection afterwards equals a fresh one of its share.
 */
class SpanningBatchIT {
  private static final Instant T = Instant.parse("2024-05-01T10:00:00Z");

  private static Instant t(int seconds) {
    return T.plusSeconds(seconds);
  }

  private static Event setting(String account, int at, String by) {
    return new Event.SettingSet(t(at), account, Scope.parse("account").orElseThrow(),
        "recording.cloud", false, false, by);
  }

  /** Accounts a and b, each with a meeting; b's owner consents to AI training. */
  private static List<Event> history() {
    List<Event> out = new ArrayList<>();
    for (String a : List.of("a", "b")) {
      out.add(new Event.AccountCreated(t(0), a, a + "-owner"));
      out.add(new Event.TermsAccepted(t(0), a, "default", a + "-owner"));
      out.add(new Event.MeetingStarted(t(0), a, a + "-m", a + "-owner", List.of()));
    }
    out.add(new Event.ConsentGranted(t(1), "b", "ai_training", "b-owner"));
    return out;
  }

  /** One batch over a, b and a new account c, with rejections that need other accounts. */
  private static List<Event> batch() {
    return List.of(
        setting("a", 10, "a-owner"),
        new Event.ParticipantJoined(t(11), "b-m", "guest", Optional.of("a")),
        new Event.AccountCreated(t(12), "c", "c-owner"),
        new Event.TermsAccepted(t(12), "c", "default", "c-owner"),
        setting("a", 13, "nobody"), // unknown_user
        new Event.MeetingStarted(t(14), "a", "b-m", "a-owner", List.of()), // duplicate_id: b's
        new Event.ContentCreated(t(15), "a-x", "customer_content.chat", "a", Optional.empty(),
            Optional.empty(), List.of("b", "c")),
        setting("b", 5, "b-owner"), // out_of_order: a's and c's events are later
        new Event.UserAdded(t(16), "c", "c-admin", Role.ADMIN, Optional.empty()),
        new Event.AccountCreated(t(17), "a", "x")); // duplicate_id
  }

  private static List<Append> keyed(List<Event> events, String prefix) {
    List<Append> out = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      out.add(Append.of(events.get(i), prefix + i));
    }
    return out;
  }

  /** What one projection of every account answers: status, position or code, per event. */
  private static List<String> outcomes(List<AppendResult> results) {
    List<String> out = new ArrayList<>();
    for (AppendResult r : results) {
      if (r instanceof AppendResult.Accepted a) {
        out.add("accepted@" + a.position());
      } else if (r instanceof AppendResult.Duplicate d) {
        out.add("duplicate@" + d.position());
      } else if (r instanceof AppendResult.Rejected x) {
        out.add("rejected:" + x.rejection().code().code());
      } else {
        out.add(r.toString());
      }
    }
    return out;
  }

  @Test
  void aBatchOverSeveralOwnersAccounts_hasTheWholeLedgersOutcomes_once() {
    String url = PgTestDatabase.url();
    LedgerConfig.Postgres config = LedgerConfig.postgres(url)
        .withSchema(PgTestDatabase.fresh("covenant_span"));
    try {
      spanThroughAMemberOwningNone(config);
    } finally {
      PgTestDatabase.admin(url, "DROP SCHEMA IF EXISTS " + config.schema() + " CASCADE");
    }
  }

  @Test
  void twoMembersSpanningAtOnce_areSerializedByTheAppendLock() throws Exception {
    String url = PgTestDatabase.url();
    LedgerConfig.Postgres config = LedgerConfig.postgres(url)
        .withSchema(PgTestDatabase.fresh("covenant_span"));
    try {
      try (Ledger writer = Ledger.open(config, Workload.CATALOG)) {
        for (Event e : history()) {
          assertThat(writer.append(Append.of(e))).isInstanceOf(AppendResult.Accepted.class);
        }
      }
      try (Ledger one = Ledger.openShard(config, Workload.CATALOG, x -> false);
          Ledger two = Ledger.openShard(config, Workload.CATALOG, x -> false)) {
        // Both load a, b and z before either appends; each batch creates account z and adds
        // its own user to a. Whichever commits second sees the first's events at the true head.
        Ledger.Span first = one.span(List.of("a", "b", "z"));
        Ledger.Span second = two.span(List.of("a", "b", "z"));
        java.util.concurrent.CompletableFuture<List<AppendResult>> x =
            java.util.concurrent.CompletableFuture.supplyAsync(() -> first.append(List.of(
                Append.of(new Event.AccountCreated(t(20), "z", "z-one")),
                Append.of(new Event.UserAdded(t(20), "a", "u", Role.MEMBER, Optional.empty())),
                Append.of(setting("b", 20, "b-owner")))));
        List<AppendResult> y = second.append(List.of(
            Append.of(new Event.AccountCreated(t(20), "z", "z-two")),
            Append.of(new Event.UserAdded(t(20), "a", "u", Role.MEMBER, Optional.empty())),
            Append.of(setting("b", 20, "b-owner"))));
        List<String> both = new ArrayList<>(outcomes(x.get(60, java.util.concurrent.TimeUnit
            .SECONDS)));
        both.addAll(outcomes(y));
        // One batch wins each id; the loser's creations are duplicates; settings both apply.
        assertThat(both.stream().filter(o -> o.equals("rejected:duplicate_id"))).hasSize(2);
        assertThat(both.stream().filter(o -> o.startsWith("accepted@"))).hasSize(4);
        assertThat(one.refresh()).isEqualTo(two.refresh()).isEqualTo(history().size() + 4);
      }
    } finally {
      PgTestDatabase.admin(url, "DROP SCHEMA IF EXISTS " + config.schema() + " CASCADE");
    }
  }

  private static void spanThroughAMemberOwningNone(LedgerConfig.Postgres config) {
    // The reference: one projection of every account, fed the same events.
    List<String> expected;
    try (Ledger whole = Ledger.open(LedgerConfig.memory(), Workload.CATALOG)) {
      for (Event e : history()) {
        assertThat(whole.append(Append.of(e))).isInstanceOf(AppendResult.Accepted.class);
      }
      assertThat(whole.append(Append.of(new Event.UserAdded(t(2), "b", "b-late", Role.ADMIN,
          Optional.empty())))).isInstanceOf(AppendResult.Accepted.class);
      List<Event> withLate = new ArrayList<>(batch());
      withLate.add(setting("b", 18, "b-late"));
      expected = outcomes(whole.append(keyed(withLate, "k")));
    }
    assertThat(expected).contains("rejected:unknown_user", "rejected:duplicate_id",
        "rejected:out_of_order");

    try (Ledger writer = Ledger.open(config, Workload.CATALOG)) {
      for (Event e : history()) {
        assertThat(writer.append(Append.of(e))).isInstanceOf(AppendResult.Accepted.class);
      }
    }
    try (Ledger memberA = Ledger.openShard(config, Workload.CATALOG, "a"::equals);
        Ledger memberB = Ledger.openShard(config, Workload.CATALOG, "b"::equals);
        Ledger router = Ledger.openShard(config, Workload.CATALOG, x -> false)) {
      Ledger.Span span = router.span(List.of("a", "b", "c"));
      assertThat(span.snapshot().hasAccount("a")).isTrue();
      assertThat(span.snapshot().meetingOf("b-m")).isPresent();
      // An owner appends after the span was loaded: the batch is validated at the true head.
      assertThat(memberB.append(Append.of(new Event.UserAdded(t(2), "b", "b-late", Role.ADMIN,
          Optional.empty())))).isInstanceOf(AppendResult.Accepted.class);
      List<Event> withLate = new ArrayList<>(batch());
      withLate.add(setting("b", 18, "b-late"));
      List<AppendResult> results = span.append(keyed(withLate, "k"));
      assertThat(outcomes(results)).isEqualTo(expected);
      assertThatThrownBy(() -> span.append(keyed(withLate, "k")))
          .isInstanceOf(IllegalStateException.class);
      long head = router.head();
      assertThat(head).isEqualTo(memberA.refresh()).isEqualTo(memberB.refresh());

      // A retry (a new span, the same keys) appends nothing: each accepted event is a
      // duplicate at its position; the rejected ones are rejected again (now also by the
      // ledger's clock, which the batch moved on).
      List<AppendResult> again = router.span(List.of("a", "b", "c")).append(keyed(withLate,
          "k"));
      List<String> retried = outcomes(again);
      for (int i = 0; i < expected.size(); i++) {
        if (expected.get(i).startsWith("accepted@")) {
          assertThat(retried.get(i)).as("event " + i)
              .isEqualTo(expected.get(i).replace("accepted", "duplicate"));
        } else {
          assertThat(retried.get(i)).as("event " + i).startsWith("rejected:");
        }
      }
      assertThat(router.refresh()).isEqualTo(head);

      // A batch naming an account the span did not load is refused whole.
      assertThatThrownBy(() -> router.span(Set.of("a")).append(List.of(
          Append.of(setting("a", 30, "a-owner")),
          Append.of(new Event.MeetingEnded(t(30), "b-m")))))
          .isInstanceOfSatisfying(StoreException.class,
              e -> assertThat(e.code()).isEqualTo(StoreException.NOT_OWNER));
      assertThat(router.refresh()).isEqualTo(head);

      // Every member's projection is the one a fresh open of its share builds.
      for (Object[] m : new Object[][] {{memberA, "a"}, {memberB, "b"}, {router, ""}}) {
        Ledger member = (Ledger) m[0];
        member.refresh();
        try (Ledger fresh = Ledger.openShard(config, Workload.CATALOG, m[1]::equals)) {
          assertThat(member.projectionDigest()).as("member of `" + m[1] + "`")
              .isEqualTo(fresh.projectionDigest());
        }
      }
      // The owner of a sees its new content, with b's and c's consents in the index.
      assertThat(memberA.snapshot().content("a-x", org.covenant.core.state.TimeKey.END))
          .isPresent();
      assertThat(router.snapshot().hasAccount("c")).isTrue();
    }
  }
}
