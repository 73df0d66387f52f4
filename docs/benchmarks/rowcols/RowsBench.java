package org.covenant.core.state;

import java.util.List;
import java.util.SplittableRandom;
import org.covenant.core.state.Entities.Meeting;

/** Old columns against rows: the look-up the decision path makes, random ids, in one JVM. */
public final class RowsBench {
  static long sink;
  static final java.lang.management.ThreadMXBean T =
      java.lang.management.ManagementFactory.getThreadMXBean();

  static long cpu() {
    return T.getCurrentThreadCpuTime();
  }

  public static void main(String[] a) throws Exception {
    int n = Integer.parseInt(a[0]);
    int rounds = Integer.parseInt(a[1]);
    MeetingArena arena = new MeetingArena();
    ContentTable nt = new ContentTable(arena);
    OldContentTable ot = new OldContentTable(arena);
    Meeting[] ms = new Meeting[n / 3 + 1];
    String[] accounts = new String[10_000];
    for (int i = 0; i < accounts.length; i++) {
      accounts[i] = "acct-" + i;
    }
    SplittableRandom r = new SplittableRandom(7);
    for (int i = 0; i < ms.length; i++) {
      ms[i] = new Meeting("m" + i, accounts[r.nextInt(accounts.length)], "host" + i, i, i + 1);
    }
    long t = 1_700_000_000_000_000_000L;
    for (int i = 0; i < n; i++) {
      Meeting m = i % 4 == 3 ? null : ms[r.nextInt(ms.length)];
      String acct = m == null ? accounts[r.nextInt(accounts.length)] : m.account;
      String id = "c" + i;
      String author = i % 2 == 0 ? null : "u" + (i % 1000);
      t += 36_000_000L + r.nextInt(1000);
      nt.add(id, i % 11, acct, m, author, List.of(), t, i + 10);
      ot.add(id, i % 11, acct, m, author, List.of(), t, i + 10);
    }
    String[] req = new String[1 << 16];
    for (int i = 0; i < req.length; i++) {
      req[i] = "c" + r.nextInt(n);
      req[i].hashCode();
    }
    int samples = 1 << 18;
    for (int round = 0; round < rounds; round++) {
      long o0 = cpu();
      for (int i = 0; i < samples; i++) {
        OldContentTable.View v = ot.view();
        String id = req[i & (req.length - 1)];
        int k = v.find(id);
        if (k >= 0 && v.at(k) <= Long.MAX_VALUE && v.pos(k) > 0) {
          sink += v.category(k) + v.account(k).length() + (v.meeting(k) == null ? 1 : 2)
              + (v.others(k) == null ? 0 : 1) + v.at(k) + v.pos(k);
        }
      }
      long o1 = cpu();
      for (int i = 0; i < samples; i++) {
        ContentTable.View v = nt.view();
        String id = req[i & (req.length - 1)];
        int k = v.find(id);
        if (k >= 0 && v.at(k) <= Long.MAX_VALUE && v.pos(k) > 0) {
          sink += v.category(k) + v.account(k).length() + (v.meeting(k) == null ? 1 : 2)
              + (v.others(k) == null ? 0 : 1) + v.at(k) + v.pos(k);
        }
      }
      long o2 = cpu();
      System.out.printf("round %d old %.0f ns new %.0f ns ratio %.3f load %s%n", round,
          (o1 - o0) / (double) samples, (o2 - o1) / (double) samples,
          (o2 - o1) / (double) (o1 - o0),
          new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/loadavg")))
              .split(" ")[0]);
    }
    System.out.println(sink);
  }
}
