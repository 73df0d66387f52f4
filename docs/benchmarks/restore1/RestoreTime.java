import java.lang.management.ManagementFactory;
import java.nio.file.*;
import org.covenant.core.state.ProjectionCheckpoint;
import org.covenant.store.CheckpointStore;
public class RestoreTime {
  public static void main(String[] a) throws Exception {
    Path dir = Path.of(a[0]);
    var bean = ManagementFactory.getThreadMXBean();
    var gcs = ManagementFactory.getGarbageCollectorMXBeans();
    boolean oneRead = a.length > 1 && a[1].equals("new");
    try (CheckpointStore store = CheckpointStore.files(dir)) {
      var s = store.list().get(0);
      for (int i = 0; i < 2; i++) {
        System.gc();
        long g0 = gcs.stream().mapToLong(g -> g.getCollectionTime()).sum();
        long c0 = bean.getCurrentThreadCpuTime(), t0 = System.nanoTime();
        var src = CheckpointStore.source(s);
        Object r = oneRead ? ProjectionCheckpoint.class.getMethod("checkHeader", ProjectionCheckpoint.Source.class).invoke(null, src)
            : ProjectionCheckpoint.check(src);
        long c1 = bean.getCurrentThreadCpuTime(), t1 = System.nanoTime();
        var st = ProjectionCheckpoint.restore(src, n -> true);
        long c2 = bean.getCurrentThreadCpuTime(), t2 = System.nanoTime();
        long g1 = gcs.stream().mapToLong(g -> g.getCollectionTime()).sum();
        System.out.printf("%s run %d: check wall %.3f cpu %.3f | restore wall %.3f cpu %.3f | total wall %.3f main cpu %.3f | gc pauses %.3f s | head %d%n",
          oneRead ? "new" : "old", i, (t1-t0)/1e9, (c1-c0)/1e9, (t2-t1)/1e9, (c2-c1)/1e9, (t2-t0)/1e9, (c2-c0)/1e9, (g1-g0)/1e3, st.head());
        st = null;
      }
    }
  }
}
