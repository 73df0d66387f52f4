package org.covenant.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.when;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF4;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.covenant.core.state.TimeKey;
import org.covenant.core.vocab.Purpose;
import org.covenant.core.vocab.Vocabulary;
import org.covenant.format.Problem;
import org.covenant.format.Result;
import org.covenant.training.BatchKernel;
import org.covenant.training.KernelTables;
import org.covenant.training.LedgerIndex;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Covenant decisions as a DataFrame operation (ARCHITECTURE.md §5, docs/spark.md).
 *
 * <p>A corpus DataFrame has the columns of the corpus format: {@code id}, {@code category}
 * (a category id), {@code owner} (the owning account), {@code contributors} (array of the other
 * contributing accounts), {@code created} (the capture time: a {@code timestamp}, or a
 * {@code bigint} of nanoseconds since the epoch, UTC, which is exact), and optionally
 * {@code meeting}, {@code author} (strings) and {@code record} (the record's position in the
 * corpus, a {@code bigint}; required by a dataset build, which orders the included ids by it).
 * Other columns are carried through.
 *
 * <p>{@link #decide} adds {@code verdict}, {@code reason}, {@code clauses}, {@code basis} and
 * {@code obligations}, computed by the {@link BatchKernel}'s own evaluation: the kernel is
 * compiled once on the driver over the ledger's accounts ({@link BatchKernel#compact()}), its
 * tables are broadcast, and each partition decides its records with them. The answers are the
 * engine's for a request {@code (purpose, record, at)} over the ledger snapshot the
 * {@link LedgerIndex} was built at, with the corpus registered in bulk; a record whose owning
 * account is not in the ledger, or that was created before it, could not be in the ledger and is
 * {@code unknown_content}. {@link #register} makes the same decision a SQL function.
 *
 * <p>Bad input is refused before any job runs on the data: a missing or mistyped column (named),
 * an unknown purpose, terms that condition the purpose on meeting state; then one aggregation
 * checks the values: an unknown category (named) or a null in a required column.
 */
public final class CovenantSpark {
  /** The decision columns {@link #decide} adds, in order. */
  public static final List<String> DECISION_COLUMNS =
      List.of("verdict", "reason", "clauses", "basis", "obligations");
  /** The type of a {@link #register}ed function's value. */
  public static final StructType DECISION = new StructType()
      .add("verdict", DataTypes.StringType, false)
      .add("reason", DataTypes.StringType, true)
      .add("clauses", DataTypes.createArrayType(DataTypes.StringType, false), false)
      .add("basis", DataTypes.StringType, true)
      .add("obligations", DataTypes.createArrayType(DataTypes.StringType, false), false);

  private CovenantSpark() {}

  /**
   * Adds the decision columns to every record of {@code records} for {@code purpose} at
   * {@code at}. Lazy like any transformation, except the value check (one aggregation).
   *
   * @param source how to name the input in problems (a path, a table name)
   */
  public static Result<Dataset<Row>> decide(Dataset<Row> records, String source,
      LedgerIndex ledger, String purpose, Instant at) {
    Result<Decider> d = decider(records, source, false, ledger, purpose, at);
    if (d instanceof Result.Failed<Decider> f) {
      return new Result.Failed<>(f.problems());
    }
    Decider decider = ((Result.Ok<Decider>) d).value();
    StructType in = records.schema();
    StructType out = in;
    for (StructField f : DECISION.fields()) {
      out = out.add(f);
    }
    Columns c = Columns.of(in);
    int width = in.size();
    MapPartitionsFunction<Row, Row> f = rows -> new Iterator<>() {
      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public Row next() {
        Row r = rows.next();
        Row cols = decider.columns(c.outcome(decider, r));
        Object[] v = new Object[width + 5];
        for (int i = 0; i < width; i++) {
          v[i] = r.get(i);
        }
        for (int i = 0; i < 5; i++) {
          v[width + i] = cols.get(i);
        }
        return RowFactory.create(v);
      }
    };
    return Result.ok(records.mapPartitions(f, Encoders.row(out)));
  }

  /**
   * Registers {@code name(category, owner, contributors, created)} as a SQL function returning
   * the decision struct ({@link #DECISION}) for {@code purpose} at {@code at}, e.g. {@code SELECT
   * id, d.* FROM (SELECT id, covenant_decide(category, owner, contributors, created) AS d FROM
   * corpus)}. Returns the function's name, or the problems (unknown purpose, terms the kernel
   * cannot evaluate). Values are not checked in advance: an unknown category fails the query
   * with a message naming the column.
   */
  public static Result<String> register(SparkSession spark, String name, LedgerIndex ledger,
      String purpose, Instant at) {
    Result<Decider> d = compile(spark, ledger, purpose, at);
    if (d instanceof Result.Failed<Decider> f) {
      return new Result.Failed<>(f.problems());
    }
    Decider decider = ((Result.Ok<Decider>) d).value();
    UDF4<String, String, scala.collection.Seq<String>, Object, Row> udf =
        (category, owner, contributors, created) -> decider.columns(decider.outcome(owner,
            category, created, contributors == null ? List.of()
                : CollectionConverters.asJava(contributors)));
    spark.udf().register(name, udf, DECISION);
    return Result.ok(name);
  }

  /** The kernel compiled and broadcast, after the schema and the values were checked. */
  static Result<Decider> decider(Dataset<Row> records, String source, boolean needRecord,
      LedgerIndex ledger, String purpose, Instant at) {
    List<Problem> problems = checkSchema(records.schema(), source, needRecord);
    if (!problems.isEmpty()) {
      return new Result.Failed<>(problems);
    }
    Result<Decider> d = compile(records.sparkSession(), ledger, purpose, at);
    if (d instanceof Result.Failed<Decider> f) {
      return f;
    }
    problems = checkValues(records, source, ((Result.Ok<Decider>) d).value());
    return problems.isEmpty() ? d : new Result.Failed<>(problems);
  }

  private static Result<Decider> compile(SparkSession spark, LedgerIndex ledger, String purpose,
      Instant at) {
    var p = Vocabulary.purpose(purpose);
    if (p.isEmpty()) {
      return Result.failed(new Problem("request", "", "purpose", "unknown purpose `" + purpose
          + "` (one of " + Vocabulary.purposes().stream().map(Purpose::id).toList() + ")"));
    }
    Result<BatchKernel> k = BatchKernel.compile(ledger, p.get(), TimeKey.of(at));
    if (k instanceof Result.Failed<BatchKernel> f) {
      return new Result.Failed<>(f.problems());
    }
    BatchKernel kernel = ((Result.Ok<BatchKernel>) k).value();
    BatchKernel.Compact compact = kernel.compact();
    Broadcast<KernelTables> tables = new org.apache.spark.api.java.JavaSparkContext(
        spark.sparkContext()).broadcast(compact.tables());
    return Result.ok(new Decider(tables, kernel, compact));
  }

  /** Problems with the schema: each missing or mistyped column, named. */
  static List<Problem> checkSchema(StructType schema, String source, boolean needRecord) {
    List<Problem> out = new ArrayList<>();
    Map<String, StructField> byName = new java.util.HashMap<>();
    for (StructField f : schema.fields()) {
      byName.put(f.name(), f);
    }
    ArrayType strings = DataTypes.createArrayType(DataTypes.StringType);
    require(out, source, byName, "id", true, "string", DataTypes.StringType);
    require(out, source, byName, "category", true, "string", DataTypes.StringType);
    require(out, source, byName, "owner", true, "string", DataTypes.StringType);
    require(out, source, byName, "contributors", true, "array<string>", strings);
    require(out, source, byName, "created", true, "timestamp or bigint (nanoseconds)",
        DataTypes.TimestampType, DataTypes.LongType);
    require(out, source, byName, "meeting", false, "string", DataTypes.StringType);
    require(out, source, byName, "author", false, "string", DataTypes.StringType);
    require(out, source, byName, "record", needRecord, "bigint", DataTypes.LongType);
    return out;
  }

  private static void require(List<Problem> out, String source, Map<String, StructField> byName,
      String column, boolean required, String expected, DataType... types) {
    StructField f = byName.get(column);
    if (f == null) {
      if (required) {
        out.add(new Problem(source, "column `" + column + "`", column,
            "missing: the corpus needs a " + expected + " column `" + column + "`"));
      }
      return;
    }
    DataType t = f.dataType();
    for (DataType ok : types) {
      if (ok instanceof ArrayType a && t instanceof ArrayType b
          ? a.elementType().equals(b.elementType()) : ok.equals(t)) {
        return;
      }
    }
    out.add(new Problem(source, "column `" + column + "`", column, "is " + t.simpleString()
        + ", expected " + expected));
  }

  /** One aggregation: unknown categories and nulls in required columns, named. */
  private static List<Problem> checkValues(Dataset<Row> records, String source, Decider d) {
    Row r = records.agg(collect_set(col("category")).as("categories"),
        count(when(col("category").isNull(), 1)), count(when(col("id").isNull(), 1)),
        count(when(col("owner").isNull(), 1)), count(when(col("created").isNull(), 1)))
        .first();
    List<Problem> out = new ArrayList<>();
    TreeSet<String> unknown = new TreeSet<>();
    for (Object c : r.getList(0)) {
      if (d.category((String) c) < 0) {
        unknown.add((String) c);
      }
    }
    if (!unknown.isEmpty()) {
      out.add(new Problem(source, "column `category`", "category", "unknown categor"
          + (unknown.size() == 1 ? "y" : "ies") + " `" + String.join("`, `", unknown)
          + "` (one of " + Vocabulary.categories().stream().map(c -> c.id()).toList() + ")"));
    }
    String[] names = {"category", "id", "owner", "created"};
    for (int i = 0; i < names.length; i++) {
      long nulls = r.getLong(i + 1);
      if (nulls > 0) {
        out.add(new Problem(source, "column `" + names[i] + "`", names[i], nulls
            + " record(s) with no value"));
      }
    }
    return out;
  }

  /** Where the kernel's inputs are in a row. */
  record Columns(int owner, int category, int created, int contributors) implements
      java.io.Serializable {
    static Columns of(StructType s) {
      return new Columns(s.fieldIndex("owner"), s.fieldIndex("category"),
          s.fieldIndex("created"), s.fieldIndex("contributors"));
    }

    int outcome(Decider d, Row r) {
      return d.outcome(r.getString(owner), r.getString(category), r.get(created),
          r.isNullAt(contributors) ? List.of() : r.getList(contributors));
    }
  }
}
