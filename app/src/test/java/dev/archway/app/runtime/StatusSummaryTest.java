package dev.archway.app.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class StatusSummaryTest {
  private static JsonNode json(String text) {
    return JsonMapper.shared().readTree(text.replace('\'', '"'));
  }

  @Test
  void showsConditionsListenersAndParentsWithReasonsForWhatIsNotTrue() {
    Map<String, JsonNode> statuses = new LinkedHashMap<>();
    statuses.put(
        "Gateway/default/gw",
        json(
            "{'conditions':[{'type':'Accepted','status':'True'}],"
                + "'addresses':[{'type':'IPAddress','value':'127.0.0.1'}],"
                + "'listeners':[{'name':'http','attachedRoutes':2,'conditions':"
                + "[{'type':'Programmed','status':'False','reason':'Invalid','message':'port in"
                + " use'}]}]}"));
    statuses.put(
        "HTTPRoute/apps/web",
        json(
            "{'parents':[{'parentRef':{'name':'gw','namespace':'default','sectionName':'http'},"
                + "'conditions':[{'type':'Accepted','status':'False','reason':"
                + "'NotAllowedByListeners'}]}]}"));
    statuses.put(
        "BackendTLSPolicy/apps/tls",
        json(
            "{'ancestors':[{'ancestorRef':{'name':'gw','namespace':'default'},'conditions':"
                + "[{'type':'Accepted','status':'True'}]}]}"));

    assertThat(StatusSummary.lines(statuses))
        .containsExactly(
            "Gateway/default/gw: Accepted=True addresses=127.0.0.1",
            "  listener http: Programmed=False (Invalid: port in use) attachedRoutes=2",
            "HTTPRoute/apps/web:",
            "  parent default/gw/http: Accepted=False (NotAllowedByListeners)",
            "BackendTLSPolicy/apps/tls:",
            "  ancestor default/gw: Accepted=True");
  }
}
