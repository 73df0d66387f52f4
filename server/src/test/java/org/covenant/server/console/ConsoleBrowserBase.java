package org.covenant.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.openqa.selenium.WebElement;

/**
 * What the console's browser tests share: each test class (one per group of pages) starts its own
 * server over a seeded data directory ({@link ConsoleWorkspace}) on port 0 and its own Debian
 * headless Chromium, signs in with a role's token, and saves screenshots of what it checked at
 * 1280×800 and 375×812 to {@code target/screenshots/}.
 */
abstract class ConsoleBrowserBase {
  static final Path SHOTS = Path.of("target", "screenshots");
  static ConsoleWorkspace w;
  static Browser b;

  @BeforeAll
  static void start() {
    w = ConsoleWorkspace.start();
    b = Browser.start();
    b.desktop();
  }

  @AfterAll
  static void stop() {
    if (b != null) {
      b.close();
      b = null;
    }
    if (w != null) {
      w.close();
      w = null;
    }
  }

  static void signIn(String token) {
    b.open(w.url() + "/");
    b.js("sessionStorage.clear()");
    // A new document: a change of the hash alone would keep the signed-in page.
    b.open("about:blank");
    b.open(w.url() + "/#/settings");
    b.waitFor("#token").sendKeys(token);
    b.find("#signin-form button[type=submit]").click();
    b.waitFor("#nav-settings");
  }

  static void go(String hash, String readyCss) {
    b.open(w.url() + "/#/" + hash);
    b.waitFor(readyCss);
  }

  static JsonNode settingRow(String token, String query, String key) {
    JsonNode s = w.get("/v1/accounts/acme/settings" + query, token).json();
    for (JsonNode r : s.path("settings")) {
      if (r.path("key").asText().equals(key)) {
        return r;
      }
    }
    throw new AssertionError("no setting " + key);
  }

  /** The text of the elements an element's aria-describedby names. */
  static String describedBy(WebElement el) {
    return (String) b.js("return (arguments[0].getAttribute('aria-describedby') || '')"
        + ".split(' ').filter(Boolean).map(i => document.getElementById(i).textContent)"
        + ".join(' ')", el);
  }

  /** Whether an element is wholly inside the viewport. */
  static boolean inViewport(WebElement el) {
    return (Boolean) b.js("const r = arguments[0].getBoundingClientRect();"
        + "return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight"
        + " && r.left >= 0 && r.right <= window.innerWidth;", el);
  }

  /** A screenshot at desktop and at phone width, with no sideways scrolling on the phone. */
  static void bothSizes(String name) {
    b.desktop();
    b.screenshot(SHOTS.resolve(name + "-desktop.png"));
    b.phone();
    assertThat(b.scrollWidth()).as(name + " at 375 px").isLessThanOrEqualTo(375);
    b.screenshot(SHOTS.resolve(name + "-phone.png"));
    b.desktop();
  }

  static Path awaitDownload() throws Exception {
    Instant until = Instant.now().plus(Duration.ofSeconds(15));
    while (Instant.now().isBefore(until)) {
      try (Stream<Path> s = Files.list(b.downloads)) {
        List<Path> done = s.filter(p -> p.toString().endsWith(".json")).toList();
        if (!done.isEmpty()) {
          return done.get(0);
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no receipt was downloaded to " + b.downloads);
  }

  /** The sum of one purpose's bars in a chart (0 when the chart has no such dataset). */
  static long purposeTotal(String chart, String label) {
    return (Long) b.js("const d = Chart.getChart(document.getElementById(arguments[0]))"
        + ".data.datasets.find(x => x.label === arguments[1]);"
        + "return d ? d.data.reduce((a, b) => a + b, 0) : 0;", chart, label);
  }

  @SuppressWarnings("unchecked")
  static List<String> datasetLabels(String chart) {
    return (List<String>) b.js("return Chart.getChart(document.getElementById(arguments[0]))"
        + ".data.datasets.map(d => d.label)", chart);
  }
}
