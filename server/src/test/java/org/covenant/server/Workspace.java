package org.covenant.server;

import static org.assertj.core.api.Assertions.assertThat;

/** A small two-account workspace the integration tests share. */
final class Workspace {
  private Workspace() {}

  static final String EVENTS = """
      {"events":[
       {"type":"account.created","at":"2024-01-01T00:00:00Z","account":"acme","owner":"alice"},
       {"type":"terms.accepted","at":"2024-01-01T00:00:01Z","account":"acme","terms":"default","by":"alice"},
       {"type":"group.created","at":"2024-01-01T00:00:02Z","account":"acme","group":"eng"},
       {"type":"user.added","at":"2024-01-01T00:00:03Z","account":"acme","user":"bob","role":"member","group":"eng"},
       {"type":"user.added","at":"2024-01-01T00:00:03Z","account":"acme","user":"carol","role":"admin"},
       {"type":"setting.set","at":"2024-01-01T00:00:04Z","account":"acme","scope":"account","key":"recording.cloud","value":false,"locked":true,"by":"alice"},
       {"type":"content.created","at":"2024-01-01T00:00:05Z","content":"c-chat-1","category":"customer_content.chat","account":"acme"},
       {"type":"meeting.started","at":"2024-01-01T00:00:05Z","account":"acme","meeting":"m-acme-1","host":"alice","features":[]},
       {"type":"participant.joined","at":"2024-01-01T00:00:05Z","meeting":"m-acme-1","participant":"bob"},
       {"type":"account.created","at":"2024-01-01T00:00:06Z","account":"globex","owner":"gina"},
       {"type":"terms.accepted","at":"2024-01-01T00:00:07Z","account":"globex","terms":"default","by":"gina"},
       {"type":"user.added","at":"2024-01-01T00:00:07Z","account":"globex","user":"gus","role":"member"},
       {"type":"setting.set","at":"2024-01-01T00:00:08Z","account":"globex","scope":"account","key":"notice.require_agreement","value":true,"by":"gina"},
       {"type":"meeting.started","at":"2024-01-01T00:00:09Z","account":"globex","meeting":"m-globex-1","host":"gina","features":["recording.cloud"]},
       {"type":"participant.joined","at":"2024-01-01T00:00:10Z","meeting":"m-globex-1","participant":"guest-7"},
       {"type":"content.created","at":"2024-01-01T00:00:11Z","content":"c-globex-rec","category":"customer_content.recording","account":"globex","meeting":"m-globex-1"}
      ]}""";

  static void seed(TestClient op) {
    TestClient.Response r = op.post("/v1/events", EVENTS);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().path("rejected").asInt()).as(r.body()).isZero();
  }

  /**
   * The same events as one batch per account, in order (acme's, then globex's): on a cluster
   * whose members each project their own accounts, a batch spanning owners is refused.
   */
  static void seedPerAccount(TestClient op) {
    java.util.List<String> acme = new java.util.ArrayList<>();
    java.util.List<String> globex = new java.util.ArrayList<>();
    for (String line : EVENTS.split("\n")) {
      String e = line.strip();
      if (e.startsWith("{\"type\"")) {
        e = e.endsWith(",") ? e.substring(0, e.length() - 1) : e;
        (e.contains("globex") ? globex : acme).add(e);
      }
    }
    for (java.util.List<String> batch : java.util.List.of(acme, globex)) {
      TestClient.Response r = op.post("/v1/events", "{\"events\":[" + String.join(",", batch)
          + "]}");
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      assertThat(r.json().path("rejected").asInt()).as(r.body()).isZero();
      assertThat(r.json().path("accepted").asInt()).as(r.body()).isEqualTo(batch.size());
    }
  }
}
