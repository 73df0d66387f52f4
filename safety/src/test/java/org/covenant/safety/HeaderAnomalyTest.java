package org.covenant.safety;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HeaderAnomalyTest {
  private final MessageParser parser = MessageParser.create();

  @Test
  void wellFormedMail_hasNoAnomaly() {
    Message m = parser.parse("""
        Received: from relay.example.org (relay.example.org [192.0.2.5])
        \tby mx.example.net; Thu, 22 Aug 2002 08:17:30 -0400
        Received: from [192.0.2.9] by relay.example.org; Thu, 22 Aug 2002 12:17:21 +0000
        From: Host <host@example.org>
        Reply-To: events@mail.example.org
        Return-Path: <bounces@example.org>
        Message-ID: <1@example.org>
        Date: Thu, 22 Aug 2002 12:17:00 GMT

        See you there.
        """);
    assertThat(HeaderAnomaly.of(m)).isEmpty();
  }

  @Test
  void forgedLookingMail_showsEveryAnomaly() {
    Message m = parser.parse("""
        Received: from mx by relay.example.net; Thu, 22 Aug 2002 08:17:30 +0000
        Received: from dd_it7 ([210.97.77.167]) by mx; Sat, 24 Aug 2002 09:42:10 +0900
        From: billing@bank.example
        Reply-To: refunds@elsewhere.example
        Return-Path: <x@bulk.example>
        Date: Wed, 21 Aug 2002 20:31:57 -1600

        Send us your card number.
        """);
    assertThat(HeaderAnomaly.of(m)).containsExactlyInAnyOrder(
        HeaderAnomaly.FROM_REPLY_TO_MISMATCH, HeaderAnomaly.FROM_RETURN_PATH_MISMATCH,
        HeaderAnomaly.MISSING_MESSAGE_ID, HeaderAnomaly.RECEIVED_HELO_NOT_FQDN,
        HeaderAnomaly.RECEIVED_TIME_REVERSED, HeaderAnomaly.DATE_SKEW);
  }

  @Test
  void missingFromAndDate_andInvalidDate_areReported() {
    assertThat(HeaderAnomaly.of(parser.parse("Subject: x\nMessage-ID: <a@b>\n\nbody")))
        .contains(HeaderAnomaly.MISSING_FROM, HeaderAnomaly.MISSING_DATE);
    assertThat(HeaderAnomaly.of(parser.parse("From: a@b.example\nDate: yesterday\n\nbody")))
        .contains(HeaderAnomaly.INVALID_DATE);
  }

  @Test
  void composedInvites_withoutHeaders_haveNoAnomaly() {
    assertThat(HeaderAnomaly.of(Message.of("", "", "text", java.util.List.of()))).isEmpty();
  }

  @Test
  void epochSeconds_readsRfc5322Dates() {
    assertThat(HeaderAnomaly.epochSeconds("Thu, 1 Jan 1970 00:01:00 +0000")).isEqualTo(60L);
    assertThat(HeaderAnomaly.epochSeconds("1 Jan 70 01:00 +0100 (CET)")).isEqualTo(0L);
    assertThat(HeaderAnomaly.epochSeconds("31 Feb 2002 10:00:00 GMT")).isNull();
  }
}
