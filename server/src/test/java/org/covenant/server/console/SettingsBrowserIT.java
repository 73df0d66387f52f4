package org.covenant.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;

/**
 * The Settings page in a real browser: controls under a lock say so before use and who can lift
 * it, a refusal appears beside the control that was used, the group view shows what its members
 * get, parents and ceilings in words, and keyboard use of its dialogs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SettingsBrowserIT extends ConsoleBrowserBase {
  @Test
  @Order(1)
  void member_seesBeforeUseThatALockedSettingCannotBeChanged_andWhoCanUnlockIt() {
    signIn(w.member);
    assertThat(b.find("#who-user").getText()).contains("bob").contains("Member");
    // A member sees no transparency report and cannot touch account-level settings.
    assertThat(b.all("#nav-transparency")).isEmpty();
    WebElement row = b.waitFor("#row-ai_companion-enabled");
    assertThat(row.findElements(org.openqa.selenium.By.cssSelector(
        "select[data-level=account]"))).isEmpty();
    String userCell = row.findElements(org.openqa.selenium.By.tagName("td")).get(2).getText();
    assertThat(userCell).contains("Inherited from account (locked)")
        .contains("Cannot be changed here: locked at the account level")
        .contains("Only an owner or admin can unlock it").doesNotContain("Ask them");
    // The control says so before use: disabled, and described by the reason.
    WebElement sel = row.findElement(org.openqa.selenium.By.cssSelector(
        "select[data-level=user]"));
    assertThat(sel.isEnabled()).isFalse();
    assertThat(describedBy(sel)).contains("locked at the account level");
    assertThat(settingRow(w.member, "?user=bob", "ai_companion.enabled").path("user").isNull())
        .isTrue();
    b.screenshot(SHOTS.resolve("settings-member-locked-desktop.png"));
  }

  @Test
  @Order(2)
  void member_mayChangeAnUnlockedSettingOfTheirOwn() {
    signIn(w.member);
    WebElement sel = b.waitFor("#row-notice-require_agreement select[data-level=user]");
    // Locked at account too: the control says so before use.
    assertThat(sel.isEnabled()).isFalse();
    WebElement mine = b.waitFor("#row-diagnostics-optional select[data-level=user]");
    // The ceiling: eng turned optional diagnostics off, so bob cannot turn them on...
    assertThat(b.find("#row-diagnostics-optional").getText())
        .contains("Off at group level: can only stay off");
    WebElement on = mine.findElement(org.openqa.selenium.By.cssSelector("option[value=on]"));
    assertThat(on.isEnabled()).isFalse();
    assertThat(on.getText()).contains("not allowed");
    // ...but may turn them off for himself.
    new Select(b.find("#row-diagnostics-optional select[data-level=user]"))
        .selectByVisibleText("Off");
    b.waitForText("#status", "Optional diagnostics: off for user bob");
    assertThat(settingRow(w.member, "?user=bob", "diagnostics.optional").path("user")
        .path("value").asBoolean(true)).isFalse();
  }

  @Test
  @Order(4)
  void groupAdmin_seesTheirGroupToChange_andNotTheAccount() {
    signIn(w.groupAdmin);
    assertThat(b.all("#nav-transparency")).isEmpty();
    WebElement row = b.waitFor("#row-livestream-enabled");
    assertThat(row.findElements(org.openqa.selenium.By.cssSelector(
        "select[data-level=account]"))).isEmpty();
    assertThat(row.findElements(org.openqa.selenium.By.cssSelector(
        "select[data-level=group]"))).hasSize(1);
    List<String> users = new Select(b.find("#pick-user")).getOptions().stream()
        .map(WebElement::getText).toList();
    assertThat(users).hasSize(2).allSatisfy(u -> assertThat(u).contains("group eng"));
    assertThat(new Select(b.find("#pick-group")).getOptions().stream()
        .map(WebElement::getText).toList()).doesNotContain("sales");
  }

  @Test
  @Order(10)
  void keyboard_dialogsCancelWithEscape_andFocusReturns() {
    signIn(w.owner);
    b.open("about:blank");
    b.open(w.url() + "/#/settings?user=bob");
    b.waitFor("#row-ai_companion-meeting_summary select[data-level=account]");
    // On a fresh page the first Tab stop is the skip link, and it shows when focused.
    new Actions(b.driver).sendKeys(Keys.TAB).perform();
    assertThat(b.js("return document.activeElement.className")).isEqualTo("skip-link");
    assertThat(b.find(".skip-link").getRect().getY()).isGreaterThanOrEqualTo(0);
    new Actions(b.driver).sendKeys(Keys.ENTER).perform();
    assertThat(b.js("return document.activeElement.id")).isEqualTo("main");
    WebElement sel = b.find("#row-ai_companion-meeting_summary select[data-level=account]");
    new Select(sel).selectByVisibleText("Off");
    b.waitFor("#confirm[open]");
    assertThat(b.js("return document.activeElement.id")).isIn("confirm-ok", "confirm-cancel");
    b.find("#confirm").sendKeys(Keys.ESCAPE);
    b.waitGone("#confirm[open]");
    assertThat(b.js("return document.activeElement.getAttribute('data-level')"))
        .isEqualTo("account");
    b.waitForText("#status", "No change made");
    assertThat(settingRow(w.owner, "", "ai_companion.meeting_summary").path("account")
        .path("value").asBoolean()).isTrue();
    assertThat(new Select(b.find("#row-ai_companion-meeting_summary select[data-level=account]"))
        .getFirstSelectedOption().getText()).isEqualTo("On");
  }

  @Test
  @Order(11)
  void settings_explainAParentThatSwitchesAChildOff_andTheDecidingLevel() {
    signIn(w.admin);
    go("settings?user=erin", "#row-transcription-enabled");
    b.waitForText("#settings-table caption", "user erin");
    WebElement row = b.find("#row-transcription-enabled");
    assertThat(row.getAttribute("class")).contains("parent-off");
    assertThat(row.findElement(org.openqa.selenium.By.cssSelector("td.effective")).getText())
        .contains("Off").contains("Off because Cloud recording is off");
    assertThat(settingRow(w.admin, "?user=erin", "transcription.enabled").path("effective")
        .path("level").asText()).isEqualTo("parent");
    // Livestreaming is locked on for sales: erin's own level shows it inherited from the group.
    assertThat(b.find("#row-livestream-enabled").getText())
        .contains("Inherited from group (locked)").contains("Decided at group level (locked)");
  }

  @Test
  @Order(14)
  void owner_locksAGroup_andTheGroupViewShowsWhatItsMembersGet() {
    signIn(w.owner);
    // User "— no user —", group eng: the steps of issue 20's second defect.
    go("settings", "#pick-user");
    new Select(b.find("#pick-user")).selectByValue("");
    new Select(b.find("#pick-group")).selectByValue("eng");
    // The whole caption: the first view (a user's, which also names group eng) may still be
    // on screen while the group view loads.
    b.waitForTextMatching("#settings-table caption", "^Settings of [^,]+, group eng$");
    assertThat(b.find("#settings-table thead").getText())
        .contains("Effective for members of eng");
    new Select(b.find("#row-ai_companion-meeting_summary select[data-level=group]"))
        .selectByVisibleText("Off");
    b.waitFor("#confirm[open]");
    b.find("#confirm-ok").click();
    b.waitForText("#status", "AI meeting summary: off for group eng");
    b.find("#row-ai_companion-meeting_summary input.lock-box[data-level=group]").click();
    b.waitFor("#confirm[open]");
    b.find("#confirm-ok").click();
    b.waitForText("#status", "off, locked for group eng");
    WebElement effective = b.find("#row-ai_companion-meeting_summary td.effective");
    assertThat(effective.getText()).contains("Off").contains("Decided at group level (locked)")
        .doesNotContain("account level");
    JsonNode api = settingRow(w.owner, "?group=eng", "ai_companion.meeting_summary");
    assertThat(api.path("effective").path("value").asBoolean(true)).isFalse();
    assertThat(api.path("effective").path("level").asText()).isEqualTo("group");
    // The account alone is unchanged, and says so.
    assertThat(settingRow(w.owner, "", "ai_companion.meeting_summary").path("effective")
        .path("value").asBoolean()).isTrue();
    // Under the account's lock, the owner is told she can unlock it, not to ask anyone.
    WebElement ai = b.find("#row-ai_companion-enabled");
    WebElement groupSel = ai.findElement(org.openqa.selenium.By.cssSelector(
        "select[data-level=group]"));
    assertThat(groupSel.isEnabled()).isFalse();
    assertThat(describedBy(groupSel)).contains("You can unlock it in the Account column");
    assertThat(ai.getText()).doesNotContain("Ask them");
    ai.findElement(org.openqa.selenium.By.cssSelector("button.go-unlock")).click();
    assertThat(b.js("return document.activeElement.className")).isEqualTo("lock-box");
    assertThat(b.js("return document.activeElement.dataset.level")).isEqualTo("account");
    assertThat(A11y.problems(b)).as("group view").isEmpty();
    bothSizes("settings-group-locked");
  }

  @Test
  @Order(15)
  void member_underAGroupLock_isToldBeforeUse_andARefusalAppearsBesideTheControl() {
    // Bob, AI meeting summary, user bob, while eng's lock applies (issue 20's first defect).
    signIn(w.member);
    WebElement sel = b.waitFor("#row-ai_companion-meeting_summary select[data-level=user]");
    assertThat(sel.isEnabled()).isFalse();
    assertThat(describedBy(sel)).contains("locked by group eng")
        .contains("Only an owner, an admin or a group admin of eng can unlock it");
    bothSizes("settings-member-group-locked");
    // Dave, eng's group admin, is told he can unlock it himself.
    signIn(w.groupAdmin);
    go("settings?user=dave", "#row-ai_companion-meeting_summary");
    assertThat(describedBy(b.find("#row-ai_companion-meeting_summary select[data-level=user]")))
        .contains("You can unlock it in the Group column");

    // A lock set after the page loaded: the API refuses, and the refusal shows beside the
    // control, in view and announced, at both sizes.
    for (boolean phone : new boolean[] {false, true}) {
      signIn(w.member);
      if (phone) {
        b.phone();
      }
      go("settings", "#row-livestream-enabled select[data-level=user]");
      ConsoleWorkspace.Response lock = w.send("PUT",
          "/v1/accounts/acme/settings/livestream.enabled", w.owner,
          "{\"scope\":\"account\",\"value\":false,\"locked\":true}");
      assertThat(lock.status()).as(lock.body()).isEqualTo(200);
      try {
        WebElement live = b.find("#row-livestream-enabled select[data-level=user]");
        b.js("arguments[0].scrollIntoView({block: 'center'})", live);
        new Select(live).selectByVisibleText("On");
        b.waitFor("#confirm[open]");
        b.find("#confirm-ok").click();
        WebElement refusal = b.waitFor(
            "#row-livestream-enabled .row-refusal[data-level=user]:not([hidden])");
        assertThat(refusal.getText()).contains("Refused: Livestreaming")
            .contains("locked at the account level").contains("An owner or admin can unlock it")
            .doesNotContain("setting_locked");
        assertThat(refusal.getAttribute("role")).isEqualTo("alert");
        assertThat(inViewport(refusal)).as("the refusal is in view").isTrue();
        assertThat(b.find("#error").isDisplayed()).isFalse();
        // Redrawn from the server: the control now says it is locked; nothing changed.
        assertThat(b.find("#row-livestream-enabled select[data-level=user]").isEnabled())
            .isFalse();
        assertThat(settingRow(w.member, "?user=bob", "livestream.enabled").path("user")
            .isNull()).isTrue();
        b.screenshot(SHOTS.resolve("settings-refusal-beside-control-"
            + (phone ? "phone" : "desktop") + ".png"));
      } finally {
        b.desktop();
        ConsoleWorkspace.Response clear = w.send("DELETE",
            "/v1/accounts/acme/settings/livestream.enabled?scope=account", w.owner, null);
        assertThat(clear.status()).as(clear.body()).isEqualTo(200);
      }
    }
  }
}
