import java.lang.management.ManagementFactory;
import java.nio.file.*;
import org.covenant.core.state.ProjectionCheckpoint;
import org.covenant.store.CheckpointStore;
/** Iso DIR TAG ROUNDS: per round, a checkpoint restore then a salts open, main-thread and process CPU of each. */
public class Iso {
  public static void main(String[] a) throws Exception {
    Path dir = Path.of(a[0]);
    int rounds = Integer.parseInt(a[2]);
    var bean = ManagementFactory.getThreadMXBean();
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    var gcs = ManagementFactory.getGarbageCollectorMXBeans();
    try (CheckpointStore store = CheckpointStore.files(dir.resolve("checkpoints"))) {
      var s = store.list().get(0);
      for (int i = 0; i < rounds; i++) {
        System.gc();
        long g0 = gcs.stream().mapToLong(g -> g.getCollectionTime()).sum();
        long m0 = bean.getCurrentThreadCpuTime(), p0 = os.getProcessCpuTime(), t0 = System.nanoTime();
        long al0 = ((com.sun.management.ThreadMXBean) bean).getCurrentThreadAllocatedBytes();
        var st = ProjectionCheckpoint.restore(CheckpointStore.source(s), n -> true);
        long m1 = bean.getCurrentThreadCpuTime(), p1 = os.getProcessCpuTime(), t1 = System.nanoTime();
        long al1 = ((com.sun.management.ThreadMXBean) bean).getCurrentThreadAllocatedBytes();
        long g1 = gcs.stream().mapToLong(g -> g.getCollectionTime()).sum();
        st = null;
        System.gc();
        long q0 = bean.getCurrentThreadCpuTime(), r0 = os.getProcessCpuTime(), u0 = System.nanoTime();
        var ps = org.covenant.evidence.Pseudonyms.open(dir);
        long q1 = bean.getCurrentThreadCpuTime(), r1 = os.getProcessCpuTime(), u1 = System.nanoTime();
        ps = null;
        System.out.printf("%s round %d restore: wall %.2f main %.2f process %.2f gc-pause %.2f main-alloc %.0f MB | salts: wall %.2f thread %.2f process %.2f%n",
          a[1], i, (t1-t0)/1e9, (m1-m0)/1e9, (p1-p0)/1e9, (g1-g0)/1e3, (al1-al0)/1e6, (u1-u0)/1e9, (q1-q0)/1e9, (r1-r0)/1e9);
      }
    }
  }
}
