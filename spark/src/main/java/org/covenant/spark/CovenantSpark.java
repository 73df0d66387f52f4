package org.covenant.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.when;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.api.java.UDF4;
import org.apache.spark.sql.expressions.UserDefinedFunction;
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
 * tables are broadcast, and a function of the four input columns decides each record with them
 * (only those columns are converted; the rest of the row stays in Spark's own format). The answers are the
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
  private static final String DECISION_TEMP = "__covenant_decision";
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
    String[] in = records.columns();
    Column[] out = new Column[in.length + DECISION_COLUMNS.size()];
    for (int i = 0; i < in.length; i++) {
      out[i] = records.col(in[i]);
    }
    for (int i = 0; i < DECISION_COLUMNS.size(); i++) {
      out[in.length + i] = col(DECISION_TEMP + "." + DECISION_COLUMNS.get(i))
          .as(DECISION_COLUMNS.get(i));
    }
    return Result.ok(records.withColumn(DECISION_TEMP, decision(decider).apply(inputs()))
        .select(out));
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
    spark.udf().register(name, decision(((Result.Ok<Decider>) d).value()));
    return Result.ok(name);
  }

  /** The decision struct of a record, from its inputs ({@link #inputs()}). */
  private static UserDefinedFunction decision(Decider decider) {
    UDF4<String, String, scala.collection.Seq<String>, Object, Row> f =
        (category, owner, contributors, created) -> decider.columns(
            decider.outcome(owner, category, created, list(contributors)));
    return functions.udf(f, DECISION);
  }

  /** The kernel's outcome id of a record, from its inputs ({@link #inputs()}). */
  static UserDefinedFunction outcome(Decider decider) {
    UDF4<String, String, scala.collection.Seq<String>, Object, Integer> f =
        (category, owner, contributors, created) ->
            decider.outcome(owner, category, created, list(contributors));
    return functions.udf(f, DataTypes.IntegerType);
  }

  /** The kernel's inputs, in the functions' argument order. */
  static Column[] inputs() {
    return new Column[] {col("category"), col("owner"), col("contributors"), col("created")};
  }

  private static List<String> list(scala.collection.Seq<String> s) {
    return s == null ? List.of() : CollectionConverters.asJava(s);
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

}
