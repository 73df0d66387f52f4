package org.covenant.server.console;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven by Debian's chromedriver, both named explicitly (no browser
 * or driver is ever downloaded), with downloads going to a known folder and full-page
 * screenshots at desktop (1280x800) and phone (375x812) sizes.
 */
final class Browser implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  final ChromeDriver driver;
  final Path downloads;
  private final Path profile;
  private final WebDriverWait wait;

  private Browser(ChromeDriver driver, Path downloads, Path profile) {
    this.driver = driver;
    this.downloads = downloads;
    this.profile = profile;
    this.wait = new WebDriverWait(driver, Duration.ofSeconds(15));
  }

  /** Starts the browser, or fails saying how to install it. */
  static Browser start() {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      fail("the console's browser tests need Debian's Chromium and its driver at " + CHROMIUM
          + " and " + CHROMEDRIVER + ": run `apt-get install chromium chromium-driver`");
    }
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    try {
      Path downloads = Files.createTempDirectory("covenant-console-downloads-");
      Path profile = Files.createTempDirectory("covenant-console-profile-");
      ChromeOptions o = new ChromeOptions();
      o.setBinary(CHROMIUM.toFile());
      o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu",
          "--disable-dev-shm-usage", "--disable-background-networking",
          "--disable-component-update", "--disable-sync", "--no-first-run",
          "--disable-quic", "--window-size=1280,800", "--lang=en-US",
          "--user-data-dir=" + profile);
      Map<String, Object> prefs = new HashMap<>();
      prefs.put("download.default_directory", downloads.toString());
      prefs.put("download.prompt_for_download", false);
      o.setExperimentalOption("prefs", prefs);
      ChromeDriverService service = new ChromeDriverService.Builder()
          .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
      ChromeDriver d = new ChromeDriver(service, o);
      d.executeCdpCommand("Browser.setDownloadBehavior", Map.of("behavior", "allow",
          "downloadPath", downloads.toString()));
      return new Browser(d, downloads, profile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void open(String url) {
    driver.get(url);
  }

  WebElement waitFor(String css) {
    return wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
  }

  void waitForText(String css, String text) {
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(css), text));
  }

  /** Waits until the element's whole text matches {@code regex} (not only contains a part). */
  void waitForTextMatching(String css, String regex) {
    wait.until(ExpectedConditions.textMatches(By.cssSelector(css),
        java.util.regex.Pattern.compile(regex)));
  }

  void waitGone(String css) {
    wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector(css)));
  }

  WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  Object js(String script, Object... args) {
    return driver.executeScript(script, args);
  }

  Object jsAsync(String script, Object... args) {
    return driver.executeAsyncScript(script, args);
  }

  /** Desktop size: a 1280x800 viewport. */
  void desktop() {
    driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", 1280,
        "height", 800, "deviceScaleFactor", 1, "mobile", false));
  }

  /** Phone size: a 375x812 viewport, as an iPhone X/11 Pro. */
  void phone() {
    driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", 375,
        "height", 812, "deviceScaleFactor", 2, "mobile", true));
    // Charts resize on a ResizeObserver a frame or more after the viewport changes; wait (up to
    // the usual bound) until the page has reflowed to the phone's width, so a width check that
    // follows measures the phone layout, not the desktop one still being replaced. A page that
    // really overflows is still caught: the check after this reports its width.
    try {
      wait.until(d -> scrollWidth() <= 375);
    } catch (org.openqa.selenium.TimeoutException stillWider) {
      // reported by the caller's assertion
    }
  }

  /** The page's full width in CSS pixels (more than the viewport means sideways scrolling). */
  long scrollWidth() {
    return ((Number) js("return document.documentElement.scrollWidth")).longValue();
  }

  /** A full-page PNG of what the viewport's width shows. */
  void screenshot(Path file) {
    Map<String, Object> metrics = driver.executeCdpCommand("Page.getLayoutMetrics", Map.of());
    @SuppressWarnings("unchecked")
    Map<String, Object> size = (Map<String, Object>) metrics.get("cssContentSize");
    double width = ((Number) size.get("width")).doubleValue();
    double height = Math.min(((Number) size.get("height")).doubleValue(), 6000);
    Map<String, Object> clip = Map.of("x", 0, "y", 0, "width", width, "height", height,
        "scale", 1);
    Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot",
        Map.of("format", "png", "captureBeyondViewport", true, "clip", clip));
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, Base64.getDecoder().decode((String) shot.get("data")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    driver.quit();
    for (Path p : List.of(downloads, profile)) {
      try (var walk = Files.walk(p)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
      } catch (IOException e) {
        // Temporary folders left behind are harmless.
      }
    }
  }
}
