package org.covenant.telemetry;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.Rectangle;
import java.io.IOException;
import java.nio.file.Path;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.SVGUtils;

/**
 * Draws the report's pictures with JFreeChart (PNG) and JFreeSVG (SVG), headless: the region × UTC
 * hour-of-week heatmap of a private release, and the load plan (load, rebalanced load and capacity
 * per region and UTC hour).
 */
public final class ReportCharts {
  private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 18);
  private static final Font SUBTITLE = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
  private static final Color SUPPRESSED = new Color(0xD9D9D9);

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private ReportCharts() {}

  /** The heatmap of {@code metric} (noisy sums, suppressed cells grey) over regions × 168 hours. */
  public static JFreeChart heatmap(
      Release.MetricRelease metric, List<String> regions, String unit, String subtitle) {
    int cells = regions.size() * CellGrid.HOURS;
    double[][] xyz = new double[3][cells];
    double max = 1;
    for (int c = 0; c < cells; c++) {
      xyz[0][c] = c % CellGrid.HOURS;
      xyz[1][c] = c / CellGrid.HOURS;
      double v = metric.suppressed()[c] ? Double.NaN : Math.max(0, metric.sum()[c]);
      xyz[2][c] = v;
      if (!Double.isNaN(v)) {
        max = Math.max(max, v);
      }
    }
    DefaultXYZDataset data = new DefaultXYZDataset();
    data.addSeries(metric.metric(), xyz);
    NumberAxis x = new NumberAxis("UTC hour of week");
    x.setRange(-0.5, CellGrid.HOURS - 0.5);
    x.setTickUnit(new NumberTickUnit(12, new HourOfWeekFormat()));
    x.setLowerMargin(0);
    x.setUpperMargin(0);
    SymbolAxis y = new SymbolAxis("region", regions.toArray(new String[0]));
    y.setGridBandsVisible(false);
    y.setInverted(true);
    XYBlockRenderer r = new XYBlockRenderer();
    Viridis scale = new Viridis(max);
    r.setPaintScale(scale);
    XYPlot plot = new XYPlot(data, x, y, r);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinesVisible(false);
    plot.setRangeGridlinesVisible(false);
    plot.setAxisOffset(new RectangleInsets(4, 4, 4, 4));
    for (int d = 1; d < 7; d++) {
      ValueMarker m = new ValueMarker(d * 24 - 0.5, Color.WHITE, new BasicStroke(2f));
      plot.addDomainMarker(m);
    }
    JFreeChart chart = new JFreeChart(metric.metric() + " by region × UTC hour of week",
        TITLE, plot, false);
    chart.addSubtitle(new TextTitle(subtitle, SUBTITLE));
    NumberAxis legendAxis = new NumberAxis(unit);
    legendAxis.setRange(0, max);
    PaintScaleLegend legend = new PaintScaleLegend(scale, legendAxis);
    legend.setPosition(RectangleEdge.RIGHT);
    legend.setAxisLocation(AxisLocation.TOP_OR_RIGHT);
    legend.setMargin(new RectangleInsets(10, 10, 10, 10));
    legend.setStripWidth(16);
    legend.setFrame(new BlockBorder(Color.WHITE));
    chart.addSubtitle(legend);
    chart.setBackgroundPaint(Color.WHITE);
    return chart;
  }

  /** The load plan: one panel per region, load before and after the shifts, capacity after. */
  public static JFreeChart plan(LoadPlan plan, String subtitle) {
    NumberAxis hours = new NumberAxis("UTC hour of day");
    hours.setRange(0, 23);
    hours.setTickUnit(new NumberTickUnit(2));
    CombinedDomainXYPlot combined = new CombinedDomainXYPlot(hours);
    combined.setGap(8);
    for (int r = 0; r < plan.regions().size(); r++) {
      XYSeriesCollection lines = new XYSeriesCollection();
      XYSeries before = new XYSeries("load now");
      XYSeries after = new XYSeries("load after shifts");
      for (int h = 0; h < 24; h++) {
        before.add(h, plan.load()[r][h]);
        after.add(h, plan.after()[r][h]);
      }
      lines.addSeries(before);
      lines.addSeries(after);
      XYSeriesCollection cap = new XYSeriesCollection();
      XYSeries capacity = new XYSeries("capacity after (headroom " + Math.round(plan.headroom() * 100) + "%)");
      for (int h = 0; h < 24; h++) {
        capacity.add(h, plan.capacityAfter()[r][h]);
      }
      cap.addSeries(capacity);
      NumberAxis y = new NumberAxis(plan.regions().get(r));
      y.setLabelFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
      y.setAutoRangeIncludesZero(true);
      XYLineAndShapeRenderer lr = new XYLineAndShapeRenderer(true, false);
      lr.setSeriesPaint(0, new Color(0x9E9E9E));
      lr.setSeriesStroke(0, new BasicStroke(2.5f));
      lr.setSeriesPaint(1, new Color(0x1F77B4));
      lr.setSeriesStroke(1, new BasicStroke(2.5f));
      XYPlot sub = new XYPlot(lines, null, y, lr);
      XYStepRenderer sr = new XYStepRenderer();
      sr.setSeriesPaint(0, new Color(0xD62728));
      sr.setSeriesStroke(0, new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER,
          1f, new float[] {5f, 4f}, 0f));
      if (r > 0) {
        // one legend for the whole figure: the first panel's series stand for all
        lr.setDefaultSeriesVisibleInLegend(false);
        sr.setDefaultSeriesVisibleInLegend(false);
      }
      sub.setDataset(1, cap);
      sub.setRenderer(1, sr);
      sub.setBackgroundPaint(Color.WHITE);
      sub.setDomainGridlinePaint(new Color(0xE0E0E0));
      sub.setRangeGridlinePaint(new Color(0xE0E0E0));
      combined.add(sub, 1);
    }
    JFreeChart chart = new JFreeChart(String.format(
        "Load plan: provisioned peak %.0f → %.0f concurrent participants (−%.1f%%)",
        plan.totalPeakBefore(), plan.totalPeakAfter(), plan.peakReduction() * 100),
        TITLE, combined, true);
    chart.addSubtitle(new TextTitle(subtitle, SUBTITLE));
    chart.setBackgroundPaint(Color.WHITE);
    return chart;
  }

  /** Writes {@code chart} as {@code base.png} and {@code base.svg} in {@code dir}. */
  public static void write(JFreeChart chart, Path dir, String base, int width, int height) {
    try {
      ChartUtils.saveChartAsPNG(dir.resolve(base + ".png").toFile(), chart, width, height);
      SVGGraphics2D g2 = new SVGGraphics2D(width, height);
      chart.draw(g2, new Rectangle(0, 0, width, height));
      SVGUtils.writeToSVG(dir.resolve(base + ".svg").toFile(), g2.getSVGElement());
    } catch (IOException e) {
      throw new TelemetryException("io_error", "cannot write chart `" + base + "` in `" + dir + "`", e);
    }
  }

  /** Viridis-like sequential scale (perceptually ordered, colour-blind safe); NaN is grey. */
  private static final class Viridis implements PaintScale {
    private static final int[] STOPS = {0x440154, 0x414487, 0x2A788E, 0x22A884, 0x7AD151, 0xFDE725};
    private final double upper;

    Viridis(double upper) {
      this.upper = upper;
    }

    @Override
    public double getLowerBound() {
      return 0;
    }

    @Override
    public double getUpperBound() {
      return upper;
    }

    @Override
    public Paint getPaint(double value) {
      if (Double.isNaN(value)) {
        return SUPPRESSED;
      }
      double t = Math.max(0, Math.min(1, value / upper)) * (STOPS.length - 1);
      int i = Math.min(STOPS.length - 2, (int) t);
      double f = t - i;
      int a = STOPS[i];
      int b = STOPS[i + 1];
      int red = (int) Math.round(((a >> 16) & 255) * (1 - f) + ((b >> 16) & 255) * f);
      int green = (int) Math.round(((a >> 8) & 255) * (1 - f) + ((b >> 8) & 255) * f);
      int blue = (int) Math.round((a & 255) * (1 - f) + (b & 255) * f);
      return new Color(red, green, blue);
    }
  }

  /** Formats an hour of the week as {@code Mon 12}. */
  private static final class HourOfWeekFormat extends NumberFormat {
    @Override
    public StringBuffer format(double number, StringBuffer out, FieldPosition pos) {
      return format(Math.round(number), out, pos);
    }

    @Override
    public StringBuffer format(long number, StringBuffer out, FieldPosition pos) {
      if (number < 0 || number >= CellGrid.HOURS) {
        return out;
      }
      return out.append(CellGrid.label((int) number));
    }

    @Override
    public Number parse(String source, ParsePosition pos) {
      return null;
    }
  }
}
