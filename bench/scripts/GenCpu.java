// usage: javac -cp covenant.jar -d DIR GenCpu.java; java -cp covenant.jar:DIR org.covenant.cli.GenCpu N
package org.covenant.cli;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.covenant.core.event.Event;
import org.covenant.store.Append;

/** CPU of bench scale's generator alone (the events and their Appends, as Scale.call makes them). */
public class GenCpu {
  public static void main(String[] a) {
    long n = Long.parseLong(a[0]);
    var t = ManagementFactory.getThreadMXBean();
    for (int rep = 0; rep < 2; rep++) {
      long c0 = t.getCurrentThreadCpuTime(); long w0 = System.nanoTime();
      ScaleWorkload w = ScaleWorkload.create(n, 1);
      long done = 0, key = 0, sink = 0;
      while (done < n) {
        List<Event> next = w.next((int) Math.min(10000, n - done));
        List<Append> appends = new ArrayList<>(next.size());
        for (Event e : next) appends.add(Append.of(e, "scale-1-" + key++));
        done += next.size(); sink += appends.size();
      }
      System.out.printf("rep %d: %d events, generator thread CPU %.2f s (%.2f us/event), wall %.2f s%n", rep, sink,
          (t.getCurrentThreadCpuTime() - c0) / 1e9, (t.getCurrentThreadCpuTime() - c0) / 1e3 / n, (System.nanoTime() - w0) / 1e9);
    }
  }
}
