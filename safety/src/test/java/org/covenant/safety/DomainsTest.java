package org.covenant.safety;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DomainsTest {
  @Test
  void hostOfUrl_dropsUserinfoPortAndCase() {
    assertThat(Domains.hostOfUrl("HTTP://bank.example@Evil.Example:8080/x?y")).isEqualTo(
        "evil.example");
    assertThat(Domains.hostOfUrl("www.example.com/path")).isEqualTo("www.example.com");
    assertThat(Domains.hostOfUrl("mailto:a@b.example")).isEmpty();
    assertThat(Domains.hostOfUrl("/relative")).isEmpty();
  }

  @Test
  void registrable_keepsThreeLabelsUnderCountrySecondLevels() {
    assertThat(Domains.registrable("login.bank.example.com")).isEqualTo("example.com");
    assertThat(Domains.registrable("www.shop.co.uk")).isEqualTo("shop.co.uk");
    assertThat(Domains.registrable("192.0.2.1")).isEqualTo("192.0.2.1");
    assertThat(Domains.registrable("localhost")).isEqualTo("localhost");
  }

  @Test
  void hostClaimedBy_readsUrlsAndBareDomains_butNotWordsOrFiles() {
    assertThat(Domains.hostClaimedBy("www.paypal.com")).isEqualTo("www.paypal.com");
    assertThat(Domains.hostClaimedBy("paypal.com.")).isEqualTo("paypal.com");
    assertThat(Domains.hostClaimedBy("log in at https://bank.example/login now"))
        .isEqualTo("bank.example");
    assertThat(Domains.hostClaimedBy("Click here")).isEmpty();
    assertThat(Domains.hostClaimedBy("report.pdf")).isEmpty();
    assertThat(Domains.hostClaimedBy("v1.2")).isEmpty();
  }
}
