import java.lang.management.ManagementFactory;
import java.nio.file.*;
public class SaltTime {
  public static void main(String[] a) throws Exception {
    var bean = ManagementFactory.getThreadMXBean();
    for (int i = 0; i < 2; i++) {
      long c0 = bean.getCurrentThreadCpuTime(), t0 = System.nanoTime();
      var p = org.covenant.evidence.Pseudonyms.open(Path.of(a[0]));
      long c1 = bean.getCurrentThreadCpuTime(), t1 = System.nanoTime();
      long gc = ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(g -> g.getCollectionTime()).sum();
      System.out.printf("salts open: wall %.2f s, thread cpu %.2f s, process cpu so far %.2f, gc pauses so far %.2f s%n", (t1-t0)/1e9, (c1-c0)/1e9,
        ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime()/1e9, gc/1e3);
      p = null; System.gc();
    }
  }
}
